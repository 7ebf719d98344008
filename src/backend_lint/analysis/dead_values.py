"""A local's first value that nothing ever reads: every read of the name comes after another assignment has
replaced it (BE503: ``password = 'invalid'`` before ``password = unquote(headers["Auth-Pass"])``).

:func:`overwritten_before_read` reads the block the assignment sits in. The value is dead when the next statement
that mentions the name assigns it again at the top of its block, or is a ``try`` whose body assigns it again,
before any read, and whose other reads are all in that body after the assignment or in its ``else`` (which runs
only when the body finished): the handlers, ``finally`` and whatever follows the ``try`` never read it. A
sentinel initial value of this kind is never used as a credential, whatever its text.
"""

from __future__ import annotations

import ast
from typing import Optional

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def overwritten_before_read(statement: ast.stmt, name: str, parent: Optional[ast.AST]) -> bool:
    """``statement`` (``name = <literal>`` in ``parent``'s block, inside a function) gives ``name`` a value that
    is replaced before any read (see the module docstring)."""
    block = _block_of(statement, parent)
    if block is None:
        return False
    following = block[block.index(statement) + 1:]
    for position, later in enumerate(following):
        if not _mentions(later, name):
            continue
        if _assigns(later, name) and not _reads(later, name):
            return True
        if isinstance(later, ast.Try) and not later.finalbody:
            return _try_replaces(later, name) and not any(_mentions(rest, name)
                                                          for rest in following[position + 1:])
        return False
    return False


def _try_replaces(attempt: ast.Try, name: str) -> bool:
    """The ``try`` body assigns ``name`` at its top before reading it, and its handlers never read it."""
    replaced = False
    for statement in attempt.body:
        if not replaced:
            if _reads(statement, name):
                return False
            replaced = _assigns(statement, name)
    return replaced and not any(_reads(handler, name) for handler in attempt.handlers)


def _block_of(statement: ast.stmt, parent: Optional[ast.AST]) -> Optional[list[ast.stmt]]:
    for field in ("body", "orelse", "finalbody", "handlers"):
        block = getattr(parent, field, None)
        if isinstance(block, list) and any(item is statement for item in block):
            return block
    return None


def _assigns(statement: ast.stmt, name: str) -> bool:
    """``name = ...`` (or an annotated one) as the statement itself."""
    targets = statement.targets if isinstance(statement, ast.Assign) else \
        [statement.target] if isinstance(statement, ast.AnnAssign) and statement.value is not None else []
    return any(isinstance(target, ast.Name) and target.id == name for target in targets)


def _mentions(node: ast.AST, name: str) -> bool:
    return any(isinstance(inner, ast.Name) and inner.id == name for inner in _walk(node))


def _reads(node: ast.AST, name: str) -> bool:
    return any(isinstance(inner, ast.Name) and inner.id == name and not isinstance(inner.ctx, ast.Store)
               for inner in _walk(node))


def _walk(node: ast.AST) -> list[ast.AST]:
    """Every node of ``node``, nested functions included (a closure reading the name reads it)."""
    return list(ast.walk(node))
