"""backend-lint: static code review for Python backends.

The public entry points are the ``backend-lint`` command (:mod:`backend_lint.cli`) and the flake8 plugin
(:mod:`backend_lint.flake8_plugin`); both run the same engine (:mod:`backend_lint.engine`).
"""

__version__ = "0.1.0"
