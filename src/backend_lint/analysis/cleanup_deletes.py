"""A dependent object deleted, best-effort, after the function's own work is done (BE205).

``try: source = get_source(...); block = get_block_with_label(..., label=source.name); delete_block(block.id)``
``except Exception: pass``, after the handler has detached the source: the ``try`` looks an object up and deletes
what it found, and its expected failure is the lookup finding nothing (the object was never made, or is gone
already). It is the delete-if-present of a leftover tied to the work just done, the same best-effort cleanup as a
stored file removed or a registry entry dropped: a failure leaves an unused object behind and loses no data, and
the work the caller asked for has succeeded before the ``try`` (letta's detach of a source from an agent, then the
sleeptime block named after it; judged not a bug, seed 132).

Read from the code only:

- every statement of the ``try`` but the last binds a local to a lookup (a call whose name starts with ``get``,
  ``find``, ``fetch``, ``lookup``, ``retrieve``, ``load``, ``read``, ``query`` or ``select``, or ``.get(...)``,
  ``.first()``, ``.one()``), and there is at least one;
- the last deletes: a call statement named ``delete``/``remove`` (first word: ``delete_block_async``,
  ``remove_file``; ``obj.delete()``) whose receiver or arguments use a name those lookups bound;
- the handler falls through (``pass``), and before the ``try``, in its function, a statement does work
  (:func:`.lost_work.does_work`: a call named for a write, a send, a detach...): the cleanup follows the main
  effect. A ``try`` that is the function's work (a delete handler whose only job is that delete) stays flagged,
  and so does any ``try`` in migration code, whose later steps may count on the delete.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from backend_lint.analysis.ast_helpers import block_holding, callee_name, mentions_name, statement_call
from backend_lint.analysis.facts import reads
from backend_lint.analysis.lost_work import does_work
from backend_lint.analysis.module_roles import in_migration
from backend_lint.analysis.secret_names import split_identifier

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_LOOKUP_WORDS = frozenset({"get", "find", "fetch", "lookup", "retrieve", "load", "read", "query", "select"})
_LOOKUP_METHODS = frozenset({"get", "first", "one", "one_or_none", "scalar_one", "scalar_one_or_none"})
_DELETE_WORDS = frozenset({"delete", "remove", "adelete"})
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.Module)


@reads(in_migration)
def deletes_leftover_after_work(attempt: ast.Try, handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """The ``try`` looks objects up and deletes what it found, its handler falls through, and work precedes it in
    its function (see the module docstring)."""
    if not handler.body or not isinstance(handler.body[-1], ast.Pass) or len(attempt.body) < 2:
        return False
    found: set[str] = set()
    for statement in attempt.body[:-1]:
        name = _looked_up(statement)
        if name is None:
            return False
        found.add(name)
    last = statement_call(attempt.body[-1])
    if last is None or not _deletes(last) or not mentions_name(last, found):
        return False
    return not in_migration(ctx) and does_work(_before(attempt, ctx))


def _looked_up(statement: ast.stmt) -> str | None:
    """The local ``statement`` binds to a lookup (``block = await manager.get_block(...)``), else ``None``."""
    if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
        return None
    target, value = statement.targets[0], statement.value
    value = value.value if isinstance(value, ast.Await) else value
    if not isinstance(target, ast.Name) or not isinstance(value, ast.Call):
        return None
    name = callee_name(value)
    words = split_identifier(name)
    return target.id if name in _LOOKUP_METHODS or (words and words[0] in _LOOKUP_WORDS) else None


def _deletes(call: ast.Call) -> bool:
    words = split_identifier(callee_name(call))
    return bool(words) and words[0] in _DELETE_WORDS


def _before(statement: ast.AST, ctx: FileContext) -> list[ast.stmt]:
    """The statements that ran before ``statement`` in its function: those ahead of it in its block and in each
    block around it, up to the function."""
    found: list[ast.stmt] = []
    current, owner = statement, ctx.parent_of(statement)
    while owner is not None:
        function = isinstance(owner, (ast.FunctionDef, ast.AsyncFunctionDef))
        if isinstance(owner, _SCOPES) and not function:
            break  # a lambda, a class body or the module: no function around the statement
        block = block_holding(owner, current)
        if block is not None:
            found.extend(block[: block.index(current)])  # type: ignore[arg-type]  # a statement of that block
        if function:
            break
        current, owner = owner, ctx.parent_of(owner)
    return found
