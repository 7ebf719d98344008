"""Whole request parts a logging call writes, and calls that run only where the request carries no credential
(BE405).

``logger.info("%s", request.headers)`` writes every header the client sent, the ``Authorization`` header and the
session cookie among them, whatever the logged name says: :func:`whole_request_part` recognises ``request.headers``,
``request.cookies``, ``request.COOKIES`` and ``request.META`` (also on ``self.request``). Logging the headers to say
that a header the code needs is missing (in the body of ``if "Authorization" not in request.headers:`` or of ``if
not uri:`` with ``uri = request.headers.get("X-Original-URI")``) is the debugging of a request that did not come
as the application expects, not the request path every client takes: :func:`header_missing`.
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
def header_missing(call: ast.Call, ctx: FileContext) -> bool:
    """The call runs only where the request lacks a header the code needs: in the body of ``if auth is None:`` or
    ``if not auth:`` with ``auth = request.headers.get("Authorization")``, or of ``if "Authorization" not in
    request.headers:``. Logging the headers there says what the request is missing: with no ``Authorization``
    there is no credential to leak, and a request that lacks a header the application's own proxy always sets
    (``X-Original-URI``) did not come through the deployment's front door; the line debugs it, it is not the
    request path every client takes."""
    return under_if(call, ctx.parent_of, lambda test: _tests_missing_header(test, ctx))


def _tests_missing_header(test: ast.expr, ctx: FileContext) -> bool:
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left, op, right = test.left, test.ops[0], test.comparators[0]
        if isinstance(op, ast.NotIn):
            return _header_literal(left) and whole_request_part(right)
        if isinstance(op, ast.Is) and isinstance(right, ast.Constant) and right.value is None:
            return _holds_header(left, ctx)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _holds_header(test.operand, ctx)
    return False


def _header_literal(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Constant) and isinstance(expr.value, str) and bool(expr.value)


def _holds_header(expr: ast.expr, ctx: FileContext) -> bool:
    """``auth`` assigned once from ``request.headers.get("Authorization")`` (any one header) in the function."""
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
        and _header_literal(value.args[0])
    )
