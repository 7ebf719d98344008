"""A secret-named value logged only once the code has found that it grants nothing (BE405).

``reset_request = tokens.find_one(token=token)`` then ``if not reset_request or reset_request["expire_time"] <
now: logger.warning("Invalid token received: %s", token); raise ...``: the token was looked up and is unknown
or expired, so the line records a rejected value (what an operator needs to see a probe or a stale link), not a
live credential. :func:`refused_lookup` reads that from the code: the logging call is in the body of an ``if``
that ends the request (``raise``/``return``) and whose test says a lookup given the same value found nothing
(``not row``, ``row is None``, alone or as one operand of ``or``).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.bindings import Bindings, bindings_of
from backend_lint.analysis.facts import reads

if TYPE_CHECKING:
    from backend_lint.context import FileContext


@reads(bindings_of)
def refused_lookup(call: ast.Call, value: ast.expr, ctx: FileContext) -> bool:
    """The logging ``call`` runs only where the lookup of ``value`` (a plain name) found nothing (see the module
    docstring)."""
    function = ctx.scope.function
    if not isinstance(value, ast.Name) or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    bindings = bindings_of(ctx, function)
    child: ast.AST = call
    node: Optional[ast.AST] = ctx.parent_of(call)
    while node is not None and node is not function:
        if isinstance(node, ast.If) and child in node.body and isinstance(node.body[-1], (ast.Raise, ast.Return)) \
                and any(_found_nothing(test, value.id, bindings) for test in _alternatives(node.test)):
            return True
        child, node = node, ctx.parent_of(node)
    return False


def _alternatives(test: ast.expr) -> list[ast.expr]:
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return test.values
    return [test]


def _found_nothing(test: ast.expr, secret: str, bindings: Bindings) -> bool:
    """``not row`` or ``row is None`` where ``row`` was assigned once from a call given ``secret``."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        row = test.operand
    elif isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Is) \
            and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None:
        row = test.left
    else:
        return False
    if not isinstance(row, ast.Name):
        return False
    found = bindings.single_value(row.id)
    if isinstance(found, ast.Await):
        found = found.value
    return isinstance(found, ast.Call) and any(
        isinstance(arg, ast.Name) and arg.id == secret
        for arg in [*found.args, *(keyword.value for keyword in found.keywords)]
    )
