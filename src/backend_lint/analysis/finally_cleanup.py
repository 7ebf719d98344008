"""Cleanup in a ``finally:`` block: a ``try`` there whose failure is swallowed on purpose (BE205).

A ``finally:`` block runs while the error of the protected code may be on its way out. A step of it that raises
replaces that error with its own (``RESET statement_timeout`` failing on a broken connection would hide why the
index build failed), so code there that undoes temporary state (a session setting reset, a lock released, a
temporary file or flag removed) is wrapped in ``try: ... except Exception: pass`` on purpose: the real error,
if any, still propagates, and a failed undo leaves nothing half-written. The exemption holds for any such
``try`` at any depth of the ``finally:`` block (under an ``if``, in a loop, a ``with``), but not for one that
writes: a ``commit()``, ``save()``, ``flush()``, ``write()`` or SQL text that changes rows (``INSERT``,
``UPDATE``, ``DELETE``) swallowed there may still lose data, and stays a finding.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from backend_lint.analysis.ast_helpers import callee_name
from backend_lint.analysis.lazy_regex import lazy_compile

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_WRITES = frozenset({
    "commit", "save", "flush", "write", "writelines", "insert", "insert_one", "insert_many", "update",
    "update_one", "update_many", "bulk_create", "bulk_update", "create", "put", "put_object", "upsert", "send",
    "publish", "delay", "apply_async", "enqueue",
})
_WRITING_SQL = lazy_compile(r"\b(?:INSERT|UPDATE|DELETE|MERGE|UPSERT)\b", re.IGNORECASE)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.Module)


def _in_finally(attempt: ast.Try, ctx: FileContext) -> bool:
    """``attempt`` sits, at any depth within its function, in the ``finally:`` block of an enclosing ``try``."""
    child: ast.AST = attempt
    parent = ctx.parent_of(attempt)
    while parent is not None and not isinstance(parent, _SCOPES):
        finalbody: list[ast.stmt] = getattr(parent, "finalbody", None) or []  # ``try`` and ``try ... except*``
        if any(child is statement for statement in finalbody):
            return True
        child, parent = parent, ctx.parent_of(parent)
    return False


def _writes(attempt: ast.Try) -> bool:
    """The ``try`` body writes something (a call named for a write, SQL text that changes rows)."""
    for statement in attempt.body:
        for node in ast.walk(statement):
            if isinstance(node, ast.Call) and callee_name(node) in _WRITES:
                return True
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _WRITING_SQL.search(node.value):
                return True
    return False


def cleanup_in_finally(attempt: ast.Try, ctx: FileContext) -> bool:
    """``attempt`` is a ``try`` of a ``finally:`` block that writes nothing: its swallowed error is cleanup that
    must not replace the error already propagating (see the module)."""
    return _in_finally(attempt, ctx) and not _writes(attempt)
