"""Whether a value is read from the HTTP request being handled: its headers, cookies, session or fields.

Used where a value's name says less than where it comes from: a ``session_id`` read from the request's cookie is
the web session's credential, a ``session_id`` of a chat is a conversation handle (BE405); a ``token`` the client
sent is what it authenticates with. A ``request`` parameter annotated with a class no web framework defines
(``request: ClaudeTurnRequest``) is a message of the application, not the HTTP request.

:func:`sent_by_client` is the wider reading a rule needs when the value must be shown to be the client's
(BE502: the token whose unverified claims are read): besides a read from the request object, a parameter of a
route handler, a parameter a framework fills from the request (``Header()``, ``Cookie()``, ``Depends(...)``,
``Security(...)``, in the default or in ``Annotated[...]``), and a value made by a call handed one of those
(``get_authorization_header(request).split()[1]``), followed through a few locals.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.facts import reads
from backend_lint.analysis.handler_types import FRAMEWORK_MODULES
from backend_lint.analysis.handlers import annotated_metadata, handler_for

if TYPE_CHECKING:
    from backend_lint.context import FileContext

REQUEST_NAMES = frozenset({"request", "req"})
REQUEST_PARTS = frozenset({"headers", "cookies", "COOKIES", "META"})
_WEB_MODULES = frozenset({*FRAMEWORK_MODULES, "werkzeug", "tornado", "sanic", "falcon", "pyramid", "http", "httpx",
                          "requests", "grpc", "channels", "ninja", "django_ninja"})
"""Where an HTTP request's class comes from: a ``request`` annotated with one of theirs is the request."""
_MARKERS = frozenset({"Header", "Cookie", "Query", "Form", "Body", "Depends", "Security", "Parameter"})
"""Markers with which FastAPI and Litestar fill a parameter from the request (or from a dependency that reads
it: ``Depends(oauth2_scheme)`` is the bearer token of the ``Authorization`` header)."""
_MARKER_MODULES = frozenset({"fastapi", "litestar", "starlette"})
_MAX_HOPS = 3


@reads(bindings_of)
def read_from_request(expr: ast.expr, ctx: FileContext, hops: int = 0) -> bool:
    """The value is read from the request (``request.cookies["sessionid"]``, ``req.session_id``, a header,
    ``request.form["token"]``), or is a local of the function made from one."""
    root, attributes = _chain(expr)
    if any(attribute in REQUEST_PARTS or attribute in REQUEST_NAMES for attribute in attributes):
        return True
    if root is None:
        return False
    if root.id in REQUEST_NAMES:
        return not _other_request_type(root.id, ctx.scope.function, ctx)
    local = None if hops else _local_value(root.id, ctx)
    return local is not None and read_from_request(local, ctx, hops + 1)


QUERY_PARTS = frozenset({"query", "GET", "args", "query_params", "rel_url"})
"""Where frameworks keep the query string's parameters (aiohttp's ``request.query``, Django's ``request.GET``,
Flask's ``request.args``, Starlette's ``request.query_params``)."""


@reads(bindings_of)
def read_from_query(expr: ast.expr, ctx: FileContext, hops: int = 0) -> bool:
    """The value is read from the query string of the request's URL (``request.query.get("client_session_id")``,
    ``request.GET["session_id"]``), or is a local of the function made from one: a value the URL carries, written into
    every access log with it, not a cookie or a header."""
    root, attributes = _chain(expr)
    if root is None:
        return False
    seen_query = any(attribute in QUERY_PARTS for attribute in attributes)
    if root.id in REQUEST_NAMES:
        return seen_query and not _other_request_type(root.id, ctx.scope.function, ctx)
    local = None if seen_query or hops else _local_value(root.id, ctx)
    return local is not None and read_from_query(local, ctx, hops + 1)


def _chain(expr: ast.expr) -> tuple[Optional[ast.Name], list[str]]:
    """The name a chain of calls, subscripts and attributes starts from (``None`` when it starts elsewhere), and
    the attributes on the way, outermost first."""
    attributes: list[str] = []
    current: ast.AST = expr
    while True:
        if isinstance(current, ast.Call):
            current = current.func
        elif isinstance(current, ast.Subscript):
            current = current.value
        elif isinstance(current, ast.Attribute):
            attributes.append(current.attr)
            current = current.value
        else:
            return (current if isinstance(current, ast.Name) else None), attributes


def _local_value(name: str, ctx: FileContext) -> Optional[ast.expr]:
    """The one value the enclosing function (no lambda) binds to the local ``name``, else ``None``."""
    function = ctx.scope.function
    if function is None or isinstance(function, ast.Lambda):
        return None
    return bindings_of(ctx, function).single_value(name)


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


@reads(bindings_of, handler_for)
def sent_by_client(expr: ast.expr, ctx: FileContext, hops: int = 0) -> bool:
    """The value comes from the request being handled (see the module docstring): read from the request object,
    a parameter of a route handler or one a framework marker fills from the request, or made (through calls,
    subscripts, attributes, ``or``/``if`` alternatives and up to :data:`_MAX_HOPS` locals) from one of them."""
    if read_from_request(expr, ctx):
        return True
    current: ast.AST = expr
    while True:
        if isinstance(current, ast.Await):
            current = current.value
        elif isinstance(current, ast.Call):
            if hops < _MAX_HOPS and any(
                sent_by_client(arg, ctx, hops + 1) for arg in (*current.args, *(k.value for k in current.keywords))
            ):
                return True
            current = current.func
        elif isinstance(current, (ast.Subscript, ast.Attribute)):
            current = current.value
        elif isinstance(current, ast.BoolOp):
            return any(sent_by_client(value, ctx, hops) for value in current.values)
        elif isinstance(current, ast.IfExp):
            return sent_by_client(current.body, ctx, hops) or sent_by_client(current.orelse, ctx, hops)
        else:
            break
    function = ctx.scope.function
    if not isinstance(current, ast.Name) or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    bindings = bindings_of(ctx, function)
    if current.id in bindings.params:
        return handler_for(ctx, function) is not None or _filled_from_request(current.id, function, ctx)
    local = bindings.single_value(current.id) if hops < _MAX_HOPS else None
    return local is not None and sent_by_client(local, ctx, hops + 1)


def _filled_from_request(name: str, function: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> bool:
    """The parameter ``name`` has a FastAPI/Litestar request marker as its default or in ``Annotated[...]``
    (``authorization: str = Header()``, ``token: Annotated[str, Depends(oauth2_scheme)]``): the framework fills
    it from the request, also in a dependency that is no route handler itself."""
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    defaults = dict(zip([a.arg for a in positional][len(positional) - len(args.defaults):], args.defaults))
    defaults.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None})
    arg = next((a for a in (*positional, *args.kwonlyargs) if a.arg == name), None)
    if arg is None:
        return False
    candidates = [defaults.get(name), *annotated_metadata(arg.annotation)]
    for marker in candidates:
        if isinstance(marker, ast.Call):
            qualified = ctx.imports.resolve(marker.func) or ""
            if qualified.partition(".")[0] in _MARKER_MODULES and qualified.rpartition(".")[2] in _MARKERS:
                return True
    return False
