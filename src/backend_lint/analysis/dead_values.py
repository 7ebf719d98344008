"""A local's first value that nothing ever reads: every read of the name comes after another assignment has
replaced it (BE503: ``password = 'invalid'`` before ``password = unquote(headers["Auth-Pass"])``); and, the other
way round, the one value that reaches a read of a local assigned more than once (:func:`reaching_value`, BE506:
``avatar, avatars = _get_avatars(user)`` then ``avatar = Avatar(user=user)`` then ``avatar.avatar.save(...)``).

:func:`overwritten_before_read` reads the block the assignment sits in. The value is dead when the next statement
that mentions the name assigns it again at the top of its block, or is a ``try`` whose body assigns it again,
before any read, and whose other reads are all in that body after the assignment or in its ``else`` (which runs
only when the body finished): the handlers, ``finally`` and whatever follows the ``try`` never read it. A
sentinel initial value of this kind is never used as a credential, whatever its text.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Optional

from backend_lint.analysis.ast_helpers import block_holding

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_LOOPS = (ast.For, ast.AsyncFor, ast.While)


def overwritten_before_read(statement: ast.stmt, name: str, parent: Optional[ast.AST]) -> bool:
    """``statement`` (``name = <literal>`` in ``parent``'s block, inside a function) gives ``name`` a value that
    is replaced before any read (see the module docstring)."""
    block = block_holding(parent, statement)
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


def reaching_value(name: str, use: ast.AST, parent_of: Callable[[ast.AST], Optional[ast.AST]]) -> Optional[ast.expr]:
    """The value of the plain assignment ``name = value`` that last binds ``name`` before ``use`` in straight-line
    code: the nearest statement before ``use``'s, in its block or an enclosing one, that binds the name at all,
    when that statement is such an assignment (any other binding there, an unpacking, a loop or a branch that
    may assign it, gives ``None``). A loop around ``use`` whose body binds the name again may carry another value
    round: ``None`` too. Stops at the enclosing function."""
    child: ast.AST = use
    parent = parent_of(child)
    while parent is not None and not isinstance(child, _FUNCTIONS):
        if isinstance(parent, _LOOPS) and any(_binds(statement, name) for statement in parent.body):
            return None
        if _header_binds(parent, child, name):
            return None  # ``for name in rows:``, ``with open(p) as name:``, ``except E as name:`` around the use
        if isinstance(parent, ast.Try) and child not in parent.body and any(_binds(s, name) for s in parent.body):
            return None  # a handler, ``else`` or ``finally`` after a body that may have bound it
        block = block_holding(parent, child) if isinstance(child, ast.stmt) else None
        if block is not None and isinstance(child, ast.stmt):
            for earlier in reversed(block[:block.index(child)]):
                if not _binds(earlier, name):
                    continue
                if isinstance(earlier, ast.Assign) and len(earlier.targets) == 1 and _assigns(earlier, name):
                    return earlier.value
                return None
        child, parent = parent, parent_of(parent)
    return None


def _header_binds(parent: ast.AST, child: ast.AST, name: str) -> bool:
    """``parent`` binds ``name`` for the block ``child`` is in: a ``for`` target, a ``with ... as``, an
    ``except ... as``."""
    if isinstance(parent, (ast.For, ast.AsyncFor)) and child is not parent.target and child is not parent.iter:
        return _target_names(parent.target, name)
    if isinstance(parent, (ast.With, ast.AsyncWith)):
        return any(item.optional_vars is not None and _target_names(item.optional_vars, name) for item in parent.items)
    return isinstance(parent, ast.ExceptHandler) and parent.name == name


def _target_names(target: ast.expr, name: str) -> bool:
    return any(isinstance(node, ast.Name) and node.id == name for node in ast.walk(target))


def _binds(statement: ast.stmt, name: str) -> bool:
    """``statement`` binds ``name`` anywhere in it (nested functions and classes aside): an assignment, a loop
    or ``with`` target, an ``except ... as``, an import, a walrus."""
    stack: list[ast.AST] = [statement]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, (ast.Store, ast.Del)):
            return True
        if isinstance(node, ast.ExceptHandler) and node.name == name:
            return True
        if isinstance(node, ast.alias) and (node.asname or node.name.partition(".")[0]) == name:
            return True
        if isinstance(node, (*_FUNCTIONS, ast.ClassDef)) and node is not statement:
            if getattr(node, "name", None) == name:
                return True
            continue
        stack.extend(ast.iter_child_nodes(node))
    return False
