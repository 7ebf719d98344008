"""Whole request parts a logging call writes, and calls that run only where the request carries no credential
(BE405).

``logger.info("%s", request.headers)`` writes every header the client sent, the ``Authorization`` header and the
session cookie among them, whatever the logged name says: :func:`whole_request_part` recognises ``request.headers``,
``request.cookies``, ``request.COOKIES`` and ``request.META`` (also on ``self.request``). Logging the headers to say
that the credential is missing (in the body of ``if "Authorization" not in request.headers:`` or of ``if not
auth:`` with ``auth = request.headers.get("Authorization")``) writes none: :func:`authorization_absent`.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from backend_lint.analysis.ast_helpers import under_if
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.facts import reads
from backend_lint.analysis.request_reads import REQUEST_NAMES, REQUEST_PARTS

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_AUTHORIZATION = "authorization"


def whole_request_part(expr: ast.expr) -> bool:
    """``request.headers``, ``request.cookies``, ``request.COOKIES`` or ``request.META`` logged whole: they carry
    the ``Authorization`` header and the session cookie."""
    if not isinstance(expr, ast.Attribute) or expr.attr not in REQUEST_PARTS:
        return False
    base = expr.value
    if isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name) and base.value.id == "self":
        base = ast.Name(base.attr)
    return isinstance(base, ast.Name) and base.id in REQUEST_NAMES


@reads(bindings_of)
def authorization_absent(call: ast.Call, ctx: FileContext) -> bool:
    """The call runs only where the request has no ``Authorization`` header: in the body of ``if auth is None:``
    or ``if not auth:`` with ``auth = request.headers.get("Authorization")``, or of ``if "Authorization" not in
    request.headers:`` (logging the headers to say the credential is missing)."""
    return under_if(call, ctx.parent_of, lambda test: _tests_no_authorization(test, ctx))


def _tests_no_authorization(test: ast.expr, ctx: FileContext) -> bool:
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left, op, right = test.left, test.ops[0], test.comparators[0]
        if isinstance(op, ast.NotIn):
            return _authorization_literal(left) and whole_request_part(right)
        if isinstance(op, ast.Is) and isinstance(right, ast.Constant) and right.value is None:
            return _holds_authorization(left, ctx)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _holds_authorization(test.operand, ctx)
    return False


def _authorization_literal(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Constant) and isinstance(expr.value, str) and expr.value.lower() == _AUTHORIZATION


def _holds_authorization(expr: ast.expr, ctx: FileContext) -> bool:
    """``auth`` assigned once from ``request.headers.get("Authorization")`` in the function."""
    function = ctx.scope.function
    if not isinstance(expr, ast.Name) or function is None:
        return False
    value = bindings_of(ctx, function).single_value(expr.id)
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "get"
        and whole_request_part(value.func.value)
        and bool(value.args)
        and _authorization_literal(value.args[0])
    )
