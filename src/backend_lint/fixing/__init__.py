"""Fixes, written with libcst so that formatting and comments survive: parsed only when something is fixable.

- :mod:`.context`: what a rule's fix function may ask for (node text, imports, the module logger).
- :mod:`.apply`: the passes that apply every fixable finding of a file and re-check the result.
- :mod:`.writer`: atomic writes that keep encoding, line endings and file mode.
- :mod:`.positions`: positions in fixed text carried back to the text on disk (``fix --diff`` reports).
"""
