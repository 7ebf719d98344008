"""Applications behind one shared secret that the project's own client sends (BE302).

A project of several services often lets one of them call another over HTTP: backend.ai's manager calls its
storage proxy's "Manager-facing API" (``POST /folder/create``, ``/folder/file/fetch``). The called application
admits only requests that carry the one secret both sides read from their configuration: an app-wide middleware
compares a custom header with a configured value and answers 401/403 otherwise
(``token = request.headers.get("X-BackendAI-Storage-Auth-Token")``, ``if token !=
ctx.local_config.api.manager.secret: raise web.HTTPForbidden(...)``), and the project's own client module writes
that header's name (``AUTH_TOKEN_HDR = "X-BackendAI-Storage-Auth-Token"``). No client outside the project holds
the key, so the application's paths are a contract between the project's own services, not a published API.

What the code proves, read here:

- :func:`secret_guards`: module-level middleware functions (a ``request`` and a ``handler`` parameter) that read a
  custom request header (``X-...``), compare it with a value that is no literal and no call (a configured
  attribute or name; ``hmac.compare_digest`` too) and refuse with 401/403: name -> header, lower-case;
- :func:`guarded_header`: the header such a guard reads, for a route registration on an application object the
  same function or module builds with that guard among its ``middlewares`` (aiohttp's ``web.Application(
  middlewares=[token_auth_middleware, ...])``, or ``app.middlewares.append(guard)``);
- :func:`sent_headers`: the custom header names a module writes as string literals (any case; not those it only
  reads from a request's headers), for the project summary
  (:attr:`.project.summary.ModuleSummary.sent_headers`); the project model decides whether another module, not a
  test, example or command line code, writes the guard's header
  (:func:`~.project.handler_conditions.own_client_header`).

A guard that looks the key up (a database of API keys, a call) admits the API's clients and is not read; nor is
``Authorization``, which every client sends.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional, Union

from backend_lint.analysis.ast_helpers import callee_name
from backend_lint.analysis.facts import file_fact, reads
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.node_index import node_index
from backend_lint.analysis.tree_walk import walk

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]
_HEADER_TEXT = lazy_compile(r"""["']([Xx]-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*)["']""")
_GETTERS = frozenset({"get", "getone", "getall", "getlist"})
_REFUSALS = ("Forbidden", "Unauthorized", "Unauthorised")
_COMPARES = frozenset({"compare_digest"})


def sent_headers(ctx: FileContext) -> list[str]:
    """The custom header names (``X-...``, any case) the module writes as string literals, lower-case, sorted;
    a literal only read from a request (``request.headers.get("X-Token")``, ``headers["X-Token"]``, ``"X-Token" in
    request.headers``) sends nothing: another server module reading the guard's header is no client of it."""
    if "X-" not in ctx.source and "x-" not in ctx.source:
        return []
    candidates = {match.group(1).lower() for match in _HEADER_TEXT.finditer(ctx.source)}
    if not candidates:
        return []
    index = node_index(ctx)
    return sorted({
        node.value.lower() for node in index.of(ast.Constant)
        if isinstance(node.value, str) and node.value.lower() in candidates and not _read_key(node, index.parent(node))
    })


def _read_key(node: ast.Constant, parent: Optional[ast.AST]) -> bool:
    """``node`` is the key of a read of a headers mapping: ``.get(node)``, ``[node]`` loaded, ``node in ...``."""
    if isinstance(parent, ast.Call):
        return isinstance(parent.func, ast.Attribute) and parent.func.attr in _GETTERS \
            and _is_headers_mapping(parent.func.value) and bool(parent.args) and parent.args[0] is node
    if isinstance(parent, ast.Subscript):
        return parent.slice is node and isinstance(parent.ctx, ast.Load) and _is_headers_mapping(parent.value)
    if isinstance(parent, ast.Compare):
        return parent.left is node and len(parent.ops) == 1 and isinstance(parent.ops[0], (ast.In, ast.NotIn)) \
            and _is_headers_mapping(parent.comparators[0])
    return False


def _is_headers_mapping(expr: ast.expr) -> bool:
    """``request.headers``, ``headers``, ``self.request.headers``: a mapping named for the headers."""
    name = expr.attr if isinstance(expr, ast.Attribute) else expr.id if isinstance(expr, ast.Name) else ""
    return name.lower() in ("headers", "meta")


@file_fact()
def secret_guards(ctx: FileContext) -> dict[str, str]:
    """Module-level middleware functions that admit only requests carrying one configured secret in a custom
    header: name -> the header, lower-case (see the module)."""
    if ("X-" not in ctx.source and "x-" not in ctx.source) or "headers" not in ctx.source:
        return {}
    found: dict[str, str] = {}
    for statement in ctx.tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            header = _guard_header(statement)
            if header is not None:
                found[statement.name] = header
    return found


def _guard_header(function: _Function) -> Optional[str]:
    params = [arg.arg for arg in function.args.args]
    if len(params) != 2 or params[0] != "request":
        return None
    nodes = list(walk(function))
    reads_: dict[str, str] = {}  # local -> header it holds
    header_of: dict[int, str] = {}  # header read node -> header
    for node in nodes:
        header = _header_read(node)
        if header is not None:
            header_of[id(node)] = header
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            header = _header_read(node.value)
            if header is not None:
                reads_[node.targets[0].id] = header

    def held(expr: ast.expr) -> Optional[str]:
        if isinstance(expr, ast.Name):
            return reads_.get(expr.id)
        return header_of.get(id(expr))

    compared: Optional[str] = None
    for node in nodes:
        pair: list[ast.expr] = []
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
            pair = [node.left, node.comparators[0]]
        elif isinstance(node, ast.Call) and callee_name(node) in _COMPARES and len(node.args) == 2:
            pair = list(node.args)
        if len(pair) != 2:
            continue
        for mine, other in (pair, pair[::-1]):
            header = held(mine)
            if header is not None and _configured(other):
                compared = header
    if compared is None:
        return None
    return compared if _refuses(nodes) else None


def _refuses(nodes: list[ast.AST]) -> bool:
    """A ``raise``/``return`` of a 401/403 answer by its class (``web.HTTPForbidden``, ``HTTPUnauthorized``)."""
    for node in nodes:
        value = node.exc if isinstance(node, ast.Raise) else node.value if isinstance(node, ast.Return) else None
        if isinstance(value, ast.Call) and callee_name(value).endswith(_REFUSALS):
            return True
    return False


def _header_read(node: ast.AST) -> Optional[str]:
    """``request.headers.get("X-Token")`` or ``request.headers["X-Token"]``: the header, lower-case."""
    key: Optional[ast.expr] = None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
            and _is_headers(node.func.value) and node.args:
        key = node.args[0]
    elif isinstance(node, ast.Subscript) and _is_headers(node.value):
        key = node.slice
    if isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value.lower().startswith("x-"):
        return key.value.lower()
    return None


def _is_headers(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Attribute) and expr.attr == "headers" \
        and isinstance(expr.value, ast.Name) and expr.value.id == "request"


def _configured(expr: ast.expr) -> bool:
    """A configured value: an attribute chain of names (``ctx.local_config.api.manager.secret``,
    ``settings.SHARED_KEY``, ``request.app["config"].secret``) or a module constant (``SHARED_KEY``); no literal,
    no call, and no plain local, which may hold a key just looked up (``key = await db.get_key(token)``)."""
    if isinstance(expr, ast.Name):
        return expr.id.isupper()
    while isinstance(expr, (ast.Attribute, ast.Subscript)):
        if isinstance(expr, ast.Subscript) and not isinstance(expr.slice, ast.Constant):
            return False
        expr = expr.value
    return isinstance(expr, ast.Name)


@reads(secret_guards)
def guarded_header(ctx: FileContext, registration: ast.AST) -> Optional[str]:
    """The header of a shared-secret guard among the middlewares of the application object a route registration
    is made on (``app.router.add_route(...)`` after ``app = web.Application(middlewares=[guard, ...])`` in the
    same function, or at module level), else ``None``."""
    guards = secret_guards(ctx)
    if not guards or not isinstance(registration, ast.Call):
        return None
    receiver = registration.func.value if isinstance(registration.func, ast.Attribute) else None
    while isinstance(receiver, ast.Attribute):
        receiver = receiver.value  # app.router.add_route: the app
    if not isinstance(receiver, ast.Name):
        return None
    scope: Optional[ast.AST] = ctx.parent_of(registration)
    while scope is not None and not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Module)):
        scope = ctx.parent_of(scope)
    if scope is None:
        return None
    for node in walk(scope):
        named: list[ast.expr] = []
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == receiver.id for t in node.targets) \
                and isinstance(node.value, ast.Call):
            named = [item for keyword in node.value.keywords if keyword.arg == "middlewares"
                     and isinstance(keyword.value, (ast.List, ast.Tuple)) for item in keyword.value.elts]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in ("append", "insert") and isinstance(node.func.value, ast.Attribute) \
                and node.func.value.attr == "middlewares" and isinstance(node.func.value.value, ast.Name) \
                and node.func.value.value.id == receiver.id:
            named = list(node.args)
        for item in named:
            if isinstance(item, ast.Name) and item.id in guards:
                return guards[item.id]
    return None
