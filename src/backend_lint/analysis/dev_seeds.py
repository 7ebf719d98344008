"""Code whose literal credentials are a developer's by what the code says of itself (BE503).

Judged on applications the rule had never seen, the literal secrets reviewers kept were ones a deployment
actually runs with: a signing key's fallback in settings production imports, a default admin password every install
gets. Those they closed were written for a developer's own machine, and the code said so:

- **A settings template** (:func:`placeholder_settings`): a settings module whose own ``SECRET_KEY`` is a
  placeholder (rapidpro's ``settings_common.py``: ``SECRET_KEY = "your own secret key"``) is a base that every
  deployment overrides with settings of its own; its database password ``"temba"`` is the local development
  default next to it, as much a placeholder as the key.
- **A development or test command** (:func:`development_command`): a Django management command whose ``help`` says
  it builds a database for local development or for testing ("Creates a simple database for local development",
  "Generates a database suitable for mailroom testing"): its default passwords are the seeded accounts' of a
  throwaway database.
- **A module's demo block** (:func:`demo_block`): a literal inside ``if __name__ == "__main__":`` runs only when
  a developer starts the file by hand (Keep's provider modules end with such a demo); no service that imports the
  module reaches it. A main guard that serves an application (``app.run()``, ``uvicorn.run(app)``) is the way a
  small service starts, so its literals stay reported.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from backend_lint.analysis.ast_helpers import concatenated_parts, string_value
from backend_lint.analysis.command_reach import serves
from backend_lint.analysis.credential_values import is_placeholder
from backend_lint.analysis.facts import file_fact, reads
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.scopes import is_main_guard
from backend_lint.analysis.settings import settings_module

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_FOR_DEVELOPMENT = lazy_compile(r"\b(?:development|testing|tests?)\b", re.IGNORECASE)
"""What a development or test command's help says it is for."""
_COMMAND_BASES = frozenset({"BaseCommand", "LabelCommand", "AppCommand"})
"""Django's management command bases."""


@file_fact(reads=(settings_module,))
def placeholder_settings(ctx: FileContext) -> bool:
    """A module whose ``SECRET_KEY`` (or ``*_SECRET_KEY``) is set in its body directly to a placeholder literal
    (``"your own secret key"``, ``"changeme"``): a template every deployment overrides, whose other credentials are
    placeholders too. A key read from the environment with a fallback is no template: its fallback is in effect."""
    if "SECRET_KEY" not in ctx.source:
        return False
    settings = settings_module(ctx)
    return any(
        isinstance(setting.value, ast.Constant) and isinstance(setting.value.value, str)
        and is_placeholder(setting.value.value)
        for name, found in settings.values.items() if name.endswith("SECRET_KEY")
        for setting in found
    )


@file_fact()
def development_command(ctx: FileContext) -> bool:
    """The module defines a Django management command (a class on ``BaseCommand``) whose ``help`` text says it is
    for development or testing ("Creates a simple database for local development")."""
    return "Command" in ctx.source and any(
        _FOR_DEVELOPMENT.search(literal_text(value)) for command in management_commands(ctx)
        for value in help_values(command)
    )


def management_commands(ctx: FileContext) -> list[ast.ClassDef]:
    """The module's top-level classes on one of Django's management command bases, by the base's written name."""
    return [
        statement for statement in ctx.tree.body
        if isinstance(statement, ast.ClassDef) and any(
            (base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")) in _COMMAND_BASES
            for base in statement.bases
        )
    ]


def help_values(command: ast.ClassDef) -> list[ast.expr]:
    """The values assigned to ``help`` in the command class's body."""
    return [
        item.value for item in command.body
        if isinstance(item, ast.Assign) and any(isinstance(target, ast.Name) and target.id == "help"
                                                for target in item.targets)
    ]


def literal_text(value: ast.expr) -> str:
    """The text of a string literal, or of literals joined by implicit concatenation or ``+``."""
    if isinstance(value, ast.JoinedStr):
        return ""
    return "".join(string_value(part) or "" for part in concatenated_parts(value))


@file_fact()
def main_guard_serves(ctx: FileContext) -> bool:
    """A main guard of the module calls something that serves an application (``app.run()``,
    ``uvicorn.run(app)``, ``web.run_app(app)``: :func:`.command_reach.serves`, the reading the project model's
    ``starts_service`` makes of the whole module): the file is how a service starts."""
    return any(
        isinstance(node, ast.Call) and serves(node, ctx)
        for statement in ctx.tree.body if isinstance(statement, ast.If) and is_main_guard(statement)
        for node in ast.walk(statement)
    )


@reads(main_guard_serves)
def demo_block(ctx: FileContext) -> bool:
    """The node being checked is inside the module's ``if __name__ == "__main__":`` block, which serves no
    application: code a developer runs by hand."""
    return ctx.scope.in_main_guard and not main_guard_serves(ctx)
