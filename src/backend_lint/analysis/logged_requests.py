"""Whole request parts a logging call writes, and calls that run only where the request carries no credential
(BE405).

``logger.info("%s", request.headers)`` writes every header the client sent, the ``Authorization`` header and the
session cookie among them, whatever the logged name says: :func:`whole_request_part` recognises ``request.headers``,
``request.cookies``, ``request.COOKIES`` and ``request.META`` (also on ``self.request``). Logging the headers to say
that a header the code needs is missing (in the body of ``if "Authorization" not in request.headers:`` or of ``if
not uri:`` with ``uri = request.headers.get("X-Original-URI")``) is the debugging of a request that did not come
as the application expects, not the request path every client takes: :func:`header_missing`. So is logging them
once the function has looked for each credential it accepts and found none: every earlier ``if token:`` /
``if api_key:`` of the function's body leaves it (returns the authenticated user or raises), so the line runs only
for a request that carries none of them (Keep's ``authenticate``: "No valid authentication method found"):
:func:`credentials_found_missing`.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from backend_lint.analysis.ast_helpers import always_leaves, under_if
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.facts import reads
from backend_lint.analysis.request_reads import REQUEST_NAMES, REQUEST_PARTS
from backend_lint.analysis.secret_names import name_of, secret_word

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


def credentials_found_missing(call: ast.Call, ctx: FileContext) -> bool:
    """The call runs, in its function's body, after one or more ``if <credential>:`` tests (``if token:``,
    ``if api_key:``, a name or attribute named like a secret) whose branch always leaves the function (returns or
    raises) and has no ``else``: it is reached only by a request carrying none of the credentials looked for."""
    function = ctx.scope.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    statement: ast.AST = call
    parent = ctx.parent_of(statement)
    while parent is not None and parent is not function:
        statement, parent = parent, ctx.parent_of(parent)
    if parent is None:
        return False
    guards = 0
    for earlier in function.body:
        if earlier is statement:
            return guards > 0
        if isinstance(earlier, ast.If) and not earlier.orelse and _credential_test(earlier.test):
            if not always_leaves(earlier.body, (ast.Return, ast.Raise)):
                return False  # a credential found does not always end the search: the line may log it
            guards += 1
    return False


def _credential_test(test: ast.expr) -> bool:
    """``token``, ``self.api_key``: a value named like a credential, tested for being there."""
    name = name_of(test) if isinstance(test, (ast.Name, ast.Attribute)) else None
    return name is not None and secret_word(name) is not None
