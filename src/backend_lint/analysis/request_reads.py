"""Whether a value is read from the HTTP request being handled: its headers, cookies, session or fields.

Used where a value's name says less than where it comes from: a ``session_id`` read from the request's cookie is
the web session's credential, a ``session_id`` of a chat is a conversation handle (BE405); a ``token`` the client
sent is what it authenticates with. A ``request`` parameter annotated with a class no web framework defines
(``request: ClaudeTurnRequest``) is a message of the application, not the HTTP request.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.facts import reads
from backend_lint.analysis.handler_types import FRAMEWORK_MODULES

if TYPE_CHECKING:
    from backend_lint.context import FileContext

REQUEST_NAMES = frozenset({"request", "req"})
REQUEST_PARTS = frozenset({"headers", "cookies", "COOKIES", "META"})
_WEB_MODULES = frozenset({*FRAMEWORK_MODULES, "werkzeug", "tornado", "sanic", "falcon", "pyramid", "http", "httpx",
                          "requests", "grpc", "channels", "ninja", "django_ninja"})
"""Where an HTTP request's class comes from: a ``request`` annotated with one of theirs is the request."""


@reads(bindings_of)
def read_from_request(expr: ast.expr, ctx: FileContext, hops: int = 0) -> bool:
    """The value is read from the request (``request.cookies["sessionid"]``, ``req.session_id``, a header,
    ``request.form["token"]``), or is a local of the function made from one."""
    current: ast.AST = expr
    while True:
        if isinstance(current, ast.Call):
            current = current.func
        elif isinstance(current, ast.Subscript):
            current = current.value
        elif isinstance(current, ast.Attribute):
            if current.attr in REQUEST_PARTS or current.attr in REQUEST_NAMES:
                return True
            current = current.value
        else:
            break
    if not isinstance(current, ast.Name):
        return False
    function = ctx.scope.function
    if current.id in REQUEST_NAMES:
        return not _other_request_type(current.id, function, ctx)
    if hops or function is None or isinstance(function, ast.Lambda):
        return False
    local = bindings_of(ctx, function).single_value(current.id)
    return local is not None and read_from_request(local, ctx, hops + 1)


def _other_request_type(name: str, function: Optional[ast.AST], ctx: FileContext) -> bool:
    """``request`` is a parameter annotated with a class that no web framework defines (``request:
    ClaudeTurnRequest`` imported from the project): a message of the application, not the HTTP request, so its
    ``session_id`` is no session cookie."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    param = bindings_of(ctx, function).params.get(name)
    annotation = param.annotation if param is not None else None
    if annotation is None:
        return False
    qualified = ctx.imports.resolve(annotation)
    if qualified is None:  # a class of this module (``@dataclass class ClaudeTurnRequest``)
        return isinstance(annotation, ast.Name) and annotation.id in bindings_of(ctx, ctx.tree).defined
    return qualified.partition(".")[0] not in _WEB_MODULES
