"""Methods of a command class of a CLI framework: an operator's one process run from a shell.

Django's management commands (``class Command(BaseCommand)`` with its ``handle``) and flask_script's
``Command`` subclasses are command line code wherever they live: what they do runs once, for the operator who
typed the command, with the operator's own input. A class written in the file is decided here; a base class of
another module of the project is decided by the project model (:func:`.conditions.cli_command_class`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backend_lint.analysis.project.conditions import ProjectFact, cli_command_class
from backend_lint.analysis.project.def_facts import CLI_COMMAND_BASES
from backend_lint.analysis.project.imported import imported_qualified
from backend_lint.analysis.values import origin

if TYPE_CHECKING:
    from backend_lint.context import FileContext


def in_command_class(ctx: FileContext) -> bool:
    """The code is in a class that derives, in the file, from a CLI framework's command class."""
    cls = ctx.scope.class_
    return cls is not None and any(origin(base, ctx) in CLI_COMMAND_BASES for base in cls.bases)


def command_base_facts(ctx: FileContext) -> tuple[ProjectFact, ...]:
    """One fact per base of the enclosing class imported from the project: it may derive from a CLI
    framework's command class (the finding stands unless the project says so)."""
    cls = ctx.scope.class_
    found = (imported_qualified(ctx, base) for base in cls.bases) if cls is not None else ()
    return tuple(cli_command_class(name) for name in found if name is not None)
