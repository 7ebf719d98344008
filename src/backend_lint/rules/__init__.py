"""The rules: one module per rule, named ``be<code>_<name>.py``, found automatically by the registry."""
