"""Which logger name a fix may write at a call, decided during detection so that a finding offered as fixable
is one the fix will really fix.

BE401 (``print`` to a log call) and BE404 (root logger to the module logger) rewrite a call to use the module's
logger, adding ``logger = logging.getLogger(__name__)`` when there is none (``FixContext.module_logger``). The
fix refuses when the name it would write is bound to something else where the call is (a local ``logger`` in
the function), when a call at import time runs before the logger's assignment, and when it cannot add a logger
(every candidate name is taken, or ``import logging`` sits below module code, as in an Alembic migration).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.facts import file_fact, reads
from backend_lint.analysis.loggers import module_logger

if TYPE_CHECKING:
    from backend_lint.context import FileContext

NEW_LOGGER_NAMES = ("logger", "_logger", "log")
_BINDING_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
"""The names ``FixContext.module_logger()`` tries for a new logger, in order."""


@file_fact()
def logging_imported_below_code(ctx: FileContext) -> bool:
    """``import logging`` at module level only after the docstring and leading imports: a logger added after
    those imports would run before ``logging`` is bound."""
    body = ctx.tree.body
    start = 1 if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) else 0
    end = start
    while end < len(body) and isinstance(body[end], (ast.Import, ast.ImportFrom)):
        end += 1

    def imports_logging(statements: list[ast.stmt]) -> bool:
        return any(
            isinstance(statement, ast.Import) and any(alias.name == "logging" for alias in statement.names)
            for statement in statements
        )

    return imports_logging(body) and not imports_logging(body[:end])


@reads(module_logger, bindings_of, logging_imported_below_code)
def logger_for_fix(node: ast.Call, ctx: FileContext, kinds: frozenset[str]) -> Optional[str]:
    """The module logger name the fix would write at ``node`` (``ctx.scope`` is the call's), if it is a logger
    of one of ``kinds``, visible there unshadowed; ``None`` when the fix would refuse."""
    existing = module_logger(ctx)
    if existing is not None:
        name, kind = existing
        if kind not in kinds or not _defined_before(name, node, ctx):
            return None
    else:
        if any(bindings_of(ctx, ctx.tree).binds(candidate) for candidate in NEW_LOGGER_NAMES):
            return None  # a module-level ``logger`` we cannot tell is a logger: the fix will not add another
        if logging_imported_below_code(ctx):
            return None
        name = NEW_LOGGER_NAMES[0]
    for scope in ctx.scope:
        if scope.kind == "module":
            break
        if scope.kind == "class" and scope is not ctx.scope:
            continue  # a class body's names are not visible from its methods
        owner = scope.node  # the nodes of "function" and "class" scopes
        if isinstance(owner, _BINDING_SCOPES) and bindings_of(ctx, owner).binds(name):
            return None
    return name


def _defined_before(name: str, node: ast.Call, ctx: FileContext) -> bool:
    """A call that runs at import time must come after the module logger's assignment."""
    if ctx.scope.function is not None:
        return True
    return any(
        isinstance(statement, (ast.Assign, ast.AnnAssign))
        and statement.lineno < node.lineno
        and any(isinstance(target, ast.Name) and target.id == name for target in _targets(statement))
        for statement in ctx.tree.body
    )


def _targets(statement: ast.Assign | ast.AnnAssign) -> list[ast.expr]:
    return list(statement.targets) if isinstance(statement, ast.Assign) else [statement.target]
