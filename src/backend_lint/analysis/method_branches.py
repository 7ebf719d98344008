"""Which request methods reach a branch of a handler: ``if request.method == "POST":`` (BE104).

A view that answers several methods often splits on ``request.method``: the body of ``if request.method ==
"POST":`` (or ``in ("POST", "PUT")``, ``!= "GET"``) and the ``else`` of ``if request.method == "GET":`` run
only for a write, so what they do is not the GET's (MobSF's task list, read on POST only). A statement after
``if request.method == "GET": return ...`` without an ``else`` is not read as a write's.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_READ_METHODS = frozenset({"GET", "HEAD"})


def _write_methods(test: ast.expr) -> Optional[bool]:
    """For an ``if`` test on the request method: ``True`` when its body runs only for methods other than GET
    (``request.method == "POST"``, ``request.method in ("POST", "PUT")``), ``False`` when only its ``else`` does
    (``request.method == "GET"``), ``None`` when the test is no such comparison."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.left, ast.Attribute)
            and test.left.attr == "method"):
        return None
    right = test.comparators[0]
    items = right.elts if isinstance(right, (ast.Tuple, ast.List, ast.Set)) else [right]
    methods = {item.value.upper() for item in items if isinstance(item, ast.Constant) and isinstance(item.value, str)}
    if not methods or len(methods) != len(items):
        return None
    if isinstance(test.ops[0], (ast.Eq, ast.In)):
        return not methods & _READ_METHODS
    if isinstance(test.ops[0], (ast.NotEq, ast.NotIn)) and methods <= _READ_METHODS:
        return True  # ``if request.method != "GET":``
    return None


def on_write_branch(node: ast.AST, function: ast.AST, ctx: FileContext) -> bool:
    """The query sits on a branch of the handler that only a write reaches: the body of ``if request.method ==
    "POST":`` or the ``else`` of ``if request.method == "GET":`` (MobSF's task list, read on POST only). A GET
    never runs it, whatever the rows."""
    current: ast.AST = node
    parent = ctx.parent_of(current)
    while parent is not None and parent is not function:
        if isinstance(parent, ast.If):
            writes = _write_methods(parent.test)
            if writes is not None and (current in parent.body) == writes and current is not parent.test:
                return True
        current, parent = parent, ctx.parent_of(parent)
    return False
