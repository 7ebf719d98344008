"""Small questions about one node, asked by rules and analysis alike: written once so that they agree.

A call's keyword argument, an argument that may be passed by position or by name, the last name of a callee,
a literal string or ``True``. None of these follows names or imports: that is :mod:`.resolve` and
:mod:`.values`.
"""

from __future__ import annotations

import ast
from typing import Optional


def keyword_value(call: ast.Call, name: str) -> Optional[ast.expr]:
    """The value of ``call``'s keyword argument ``name`` (``None`` when it is not passed by name)."""
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return None


def argument(call: ast.Call, index: int, name: str) -> Optional[ast.expr]:
    """A positional-or-keyword argument: position ``index`` (0-based, not counting ``self``) or keyword ``name``.

    A ``*args`` at or before ``index`` hides which value lands there, so the position is not read then.
    """
    args = call.args
    if len(args) > index and not any(isinstance(arg, ast.Starred) for arg in args[: index + 1]):
        return args[index]
    return keyword_value(call, name)


def callee_name(call: ast.Call) -> str:
    """The last name of the callee as written: ``execute`` for ``cur.execute(...)``, ``Order`` for
    ``Order(...)``, ``""`` for anything else (``handlers[key](...)``)."""
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def string_value(node: Optional[ast.AST]) -> Optional[str]:
    """The text of a string literal, else ``None``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def is_true(node: Optional[ast.AST]) -> bool:
    """The literal ``True`` (not merely a truthy value)."""
    return isinstance(node, ast.Constant) and node.value is True
