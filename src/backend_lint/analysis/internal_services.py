"""Internal services: a web application of the project whose only client is the project's own backend.

A project often runs small web applications beside its main API: a sidecar the backend spawns as a subprocess
(librephotos' ``image_similarity/main.py``, a Flask app the Django backend starts and posts
``{"user_id": ..., "image_embeddings": ...}`` to at ``settings.IMAGE_SIMILARITY_SERVER + "/build/"``), a
sandbox's action server (OpenHands' ``action_execution_server.py``, called at
``f"{self.action_execution_server_url}/upload_file"``), a model server on ``http://localhost:8008/``. Their
routes cross no trust boundary: the body is one the backend built, the error text goes back to the backend's
own log, the file name is the backend's choice. "Unvalidated body" (BE303), "exception text to the client"
(BE304) and "client-chosen file name" (BE506) are not findings there.

What the code proves, read per module for the project model:

- :func:`builds_own_app`: the module builds an application object of its own at module level (``Flask(...)``,
  ``FastAPI(...)``, ``Starlette(...)``, ``Quart(...)``, ``Sanic(...)``, ``aiohttp.web.Application()``,
  ``Litestar(...)``; also under ``if __name__ == "__main__":``) and includes no router of another module: a
  separate application, not a route module of the main API.
- :func:`client_paths`: the URL paths the module's HTTP calls send requests to when the URL is the project's own
  address of a service: a base held in a variable, attribute or setting followed by a literal path
  (``f"{base_url}/upload_file"``, ``settings.X + "/build/"``, ``base.rstrip("/") + "/mcp/sse"``), or a
  loopback literal (``"http://localhost:8005/face-encodings"``). A URL with a literal public host is someone
  else's API and is not recorded. A call counts when its method is an HTTP verb (``post``, ``get``...,
  ``request``, ``send``, ``fetch``) or it is handed a literal HTTP method (``"POST"``), the URL being an argument
  or a local bound once to one.

The model (:func:`internal_route`) holds a handler's routes internal when its module builds its own app, the
project serves other routes outside that module's package (the main API lives elsewhere), and every route path
is the tail of a path some other module sends requests to, that module being neither a test, test support, an
example nor command line code (a test calling the app is no client; a command line client is a user's tool).

Routes of the main application can be internal too, and the project says so where it declares them
(:func:`internal_api`): a module of routes named ``internal`` (unstract's ``internal_views.py``,
``internal_api_views.py`` and ``internal_urls.py``, mounted under ``/internal/`` where a middleware admits only
requests bearing ``INTERNAL_SERVICE_API_KEY``, the key the project's own workers hold), or a handler behind a
decorator or dependency named for authenticating the project's backend, workers or internal callers (copr's
``@backend_authenticated``, which compares the request's password with the ``BACKEND_PASSWORD`` setting that only
copr's own backend is given). Such a route's client is the project's own code: its path is no published
contract (BE302), its body is built by trusted code (BE303), its error text goes back to the project's own
worker (BE304).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Optional
from urllib.parse import urlsplit

from backend_lint.analysis.facts import file_fact, reads
from backend_lint.analysis.loopback import is_loopback_text
from backend_lint.analysis.node_index import NodeIndex, node_index
from backend_lint.analysis.project.conditions import ProjectFact, internal_service
from backend_lint.analysis.rate_limits import decorator_names
from backend_lint.analysis.secret_names import split_identifier
from backend_lint.analysis.tree_walk import walk

if TYPE_CHECKING:
    from backend_lint.analysis.handler_types import Handler
    from backend_lint.analysis.project.summary import ModuleSummary
    from backend_lint.context import FileContext

APP_CLASSES = frozenset({
    "flask.Flask", "fastapi.FastAPI", "fastapi.applications.FastAPI", "starlette.applications.Starlette",
    "quart.Quart", "sanic.Sanic", "aiohttp.web.Application", "litestar.Litestar", "falcon.App", "falcon.asgi.App",
})
"""Constructors of a whole web application (not of a router or blueprint)."""

_VERBS = frozenset({
    "post", "get", "put", "patch", "delete", "head", "options", "request", "send", "fetch", "stream", "urlopen",
    "send_request", "ws_connect",
})
_METHOD_LITERALS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
_NOT_CLIENTS = frozenset({"test", "test_support", "example", "test_harness"})
_HOLE = "{}"
_ROUTE_PARAM = re.compile(r"^(?:\{[^}]*\}|<[^>]*>|:\w+)$")


def builds_own_app(ctx: FileContext) -> bool:
    """A module-level statement (or one under a module-level ``if``/``try``) binds a whole application object."""
    if not any(name.rpartition(".")[2] in ctx.source for name in APP_CLASSES):
        return False
    pending: list[ast.stmt] = list(ctx.tree.body)
    while pending:
        statement = pending.pop()
        if isinstance(statement, (ast.If, ast.Try)):
            pending.extend(statement.body)
            pending.extend(statement.orelse)
            if isinstance(statement, ast.Try):
                pending.extend(statement.finalbody)
                for clause in statement.handlers:
                    pending.extend(clause.body)
            continue
        value = statement.value if isinstance(statement, (ast.Assign, ast.AnnAssign)) else None
        if isinstance(value, ast.Call) and (ctx.imports.resolve(value.func) or "") in APP_CLASSES:
            return True
    return False


_CLIENT_WORDS = ("http", "url", "URL", "Url", "localhost", "127.0.0.1", "requests", "session", "Session", "client",
                 "Client")
"""Words a module that sends HTTP requests writes somewhere (a client library, a URL, a session): the cheap test
before reading its calls."""


def client_paths(ctx: FileContext) -> list[str]:
    """The paths (holes written ``{}``, no trailing ``/``) the module's HTTP calls send requests to at the
    project's own address of a service (a base value followed by a literal path, or a loopback literal), sorted."""
    source = ctx.source
    if "/" not in source or not any(word in source for word in _CLIENT_WORDS):
        return []
    found: set[str] = set()
    index = node_index(ctx)
    locals_: dict[ast.AST, dict[str, ast.expr]] = {}  # read only for a scope where a request names a local
    for call in index.of(ast.Call):
        if not _http_call(call):
            continue
        scope = _own_scope(call, index)
        if scope is None:
            continue
        for argument in (*call.args, *(kw.value for kw in call.keywords if kw.arg in ("url", "path"))):
            value: Optional[ast.expr] = argument
            if isinstance(argument, ast.Name):
                if scope not in locals_:
                    locals_[scope] = _single_locals(scope)
                value = locals_[scope].get(argument.id)
            path = _service_path(value) if value is not None else None
            if path is not None:
                found.add(path)
    return sorted(found)


def _own_scope(call: ast.Call, index: NodeIndex) -> Optional[ast.AST]:
    """The function (or the module) whose own body makes ``call``: a class's body statements belong to the code
    around the class, a function's decorators and defaults to the function itself; ``None`` for a call in a
    lambda or in a class's bases, keywords or decorators (read as nobody's)."""
    child: ast.AST = call
    parent = index.parent(call)
    while parent is not None:
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Module)):
            return parent
        if isinstance(parent, ast.Lambda) or (isinstance(parent, ast.ClassDef) and child not in parent.body):
            return None
        child, parent = parent, index.parent(parent)
    return None


def _single_locals(scope: ast.AST) -> dict[str, ast.expr]:
    """Names the scope binds exactly once, by a plain assignment: name -> value."""
    counts: dict[str, int] = {}
    values: dict[str, ast.expr] = {}
    for node in walk(scope):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            counts[name] = counts.get(name, 0) + 1
            values[name] = node.value
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and isinstance(node.target, ast.Name):
            counts[node.target.id] = 2
    return {name: value for name, value in values.items() if counts[name] == 1}


def _http_call(call: ast.Call) -> bool:
    name = _callee(call)
    if name.lower().lstrip("_") in _VERBS or name.lower().endswith(("_request", "request")):
        return True
    return any(isinstance(arg, ast.Constant) and arg.value in _METHOD_LITERALS
               for arg in (*call.args, *(kw.value for kw in call.keywords if kw.arg == "method")))


def _service_path(value: ast.expr) -> Optional[str]:
    """The path of a URL made of a base value and a literal path, or of a loopback literal URL."""
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return _loopback_path(value.value)
    pieces = _pieces(value)
    if not pieces:
        return None
    if isinstance(pieces[0], str):  # a literal start: only a loopback address is the project's own service
        head = pieces[0]
        if not is_loopback_text(head) or "//" not in head:
            return None
        text = urlsplit(head).path + "".join(_HOLE if piece is None else piece for piece in pieces[1:])
        return _normal(text)
    rest = pieces[1:]
    if not rest or rest[0] is None:
        return None  # no literal path right after the base
    text = "".join(_HOLE if piece is None else piece for piece in rest)
    path = _normal(text)
    if not text.startswith("/") or all(segment in ("", _HOLE) for segment in path.split("/")):
        return None  # not a path, or no literal segment: the root of whatever the base names, or any path
    return path


def _pieces(value: ast.expr) -> Optional[list[Optional[str]]]:
    """A URL expression as literal pieces and holes (``None``), or ``None`` when it is not a join of them."""
    if isinstance(value, ast.JoinedStr):
        pieces: list[Optional[str]] = []
        for part in value.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                pieces.append(part.value)
            else:
                pieces.append(None)
        return _merged(pieces)
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        left = _pieces(value.left)
        right = _pieces(value.right)
        if left is None or right is None:
            return None
        return _merged([*left, *right])
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return [value.value]
    if isinstance(value, ast.Call) and _callee(value) == "urljoin" and len(value.args) == 2:
        base, tail = _pieces(value.args[0]), _pieces(value.args[1])  # urljoin(base, "build"): base, then "/build"
        if base is None or not tail or not isinstance(tail[0], str):
            return None
        return _merged([*base, "/" + tail[0].lstrip("/"), *tail[1:]])
    if isinstance(value, (ast.Name, ast.Attribute, ast.Subscript, ast.Call)):
        return [None]
    return None


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _merged(pieces: list[Optional[str]]) -> list[Optional[str]]:
    merged: list[Optional[str]] = []
    for piece in pieces:
        if piece is not None and merged and isinstance(merged[-1], str):
            merged[-1] = merged[-1] + piece
        elif piece != "":
            merged.append(piece)
    return merged


def _loopback_path(text: str) -> Optional[str]:
    if "//" not in text or not is_loopback_text(text):
        return None
    try:
        return _normal(urlsplit(text).path)
    except ValueError:
        return None


def _normal(path: str) -> str:
    """The path without query and trailing ``/``, every hole written ``{}`` (``""`` for the root)."""
    path = path.split("?", 1)[0].split("#", 1)[0]
    segments = [_HOLE if _HOLE in segment else segment for segment in path.strip("/").split("/")]
    return "/".join(segments)


def route_path(path: str) -> str:
    """A handler's route path in the form :func:`client_paths` records (parameters written ``{}``)."""
    segments = path.strip("/").split("/")
    return "/".join(_HOLE if _ROUTE_PARAM.match(segment) else segment for segment in segments)


def _tail_of(route: str, called: str) -> bool:
    """``route`` is the whole of ``called`` or its tail, segment by segment: a literal segment of the route is the
    same literal in the call, a parameter of the route matches anything (a hole of the call matches only a
    parameter: ``f"{base}/{name}"`` names no route)."""
    if not route:
        return called == ""  # the root route: only a request to the root itself
    want = route.split("/")
    have = called.split("/")
    if len(have) < len(want) or all(segment == _HOLE for segment in want):
        return False
    return all(mine in (_HOLE, theirs) for mine, theirs in zip(want, have[len(have) - len(want):]))


def internal_route(modules: Mapping[str, ModuleSummary], args: tuple[str, ...]) -> bool:
    """``args`` is the handler's module and its routes (:func:`route_path` form): the module builds its own app,
    the project serves routes outside its package, and another module (not a test, example or command) sends
    requests to every one of the routes."""
    if len(args) < 2:
        return False
    module, routes = args[0], args[1:]
    own = modules.get(module)
    if own is None or not own.own_app or own.router_includes or _NOT_CLIENTS & set(own.roles):
        return False
    package = module if own.is_package else module.rpartition(".")[0]
    if not package:
        return False  # a top-level module: nothing of the project is outside its package
    others = [summary for name, summary in modules.items()
              if name != module and not _NOT_CLIENTS & set(summary.roles)]
    if not any(summary.serves and not (summary.module == package or summary.module.startswith(package + "."))
               for summary in others):
        return False  # no main API elsewhere: this app is the project's API
    called = [path for summary in others if not summary.cli for path in summary.client_paths]
    return all(any(_tail_of(route, path) for path in called) for route in routes)


def internal_service_facts(ctx: FileContext, handler: Optional[Handler]) -> tuple[ProjectFact, ...]:
    """``internal_service(module, routes...)`` for a handler with a known route path, else nothing."""
    if handler is None or not ctx.module or not handler.paths:
        return ()  # (a registration whose path cannot be read is left out: the same class reached another way)
    return (internal_service(ctx.module, *sorted({route_path(path) for path in handler.paths})),)


_INTERNAL_CALLERS = frozenset({"internal", "backend", "worker", "workers"})
"""Who a guard named ``<caller>_authenticated`` admits when the caller is the project's own code."""
_AUTHENTICATES = frozenset({"auth", "authenticated", "authentication", "authenticate", "authorized", "authorised"})


@file_fact()
def internal_api_module(ctx: FileContext) -> bool:
    """The module's file name has the word ``internal`` (``internal_views.py``, ``execution_log_internal_views.py``,
    ``internal_router.py``), or a package holding it does (insights-rbac's ``internal/views.py`` and
    ``internal/urls.py``, served under ``/_private/`` to the operators' own identities): the project keeps there
    the routes its own services and operators call."""
    folders, _, name = ctx.role_path.replace("\\", "/").rpartition("/")
    return any("internal" in part.lower().split("_") for part in (*folders.split("/"), name.removesuffix(".py")))


@reads(internal_api_module, decorator_names)
def internal_api(ctx: FileContext, handler: Handler) -> bool:
    """The handler serves the project's own services: its module is named ``internal``
    (:func:`internal_api_module`), or a decorator or dependency of the handler or its class is named for
    authenticating the project's backend, workers or internal callers (``@backend_authenticated``,
    ``Depends(verify_internal_auth)``)."""
    if internal_api_module(ctx):
        return True
    owners: list[ast.AST] = [handler.function] + ([handler.class_] if handler.class_ is not None else [])
    return any(_names_internal_auth(name) for owner in owners for name in decorator_names(ctx, owner))


def _names_internal_auth(name: str) -> bool:
    words = set(split_identifier(name))
    return bool(words & _INTERNAL_CALLERS) and bool(words & _AUTHENTICATES)
