"""Reading a module's route registrations into the handler model (the public API is :mod:`.handlers`).

One walk over the module's statements (not expressions) collects functions, classes, statement calls and
route-table values; then each framework's registrations are read from them: decorators, class
bases, ``add_url_rule``-style calls, ``urlpatterns``/``Route``/``Mount`` tables, and include/register calls
that give prefixes. Names are resolved through the file's import map and :func:`.bindings.bindings_of`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import argument, callee_name, keyword_value, string_value
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.handler_types import (
    AIOHTTP,
    DJANGO,
    DRF,
    FASTAPI,
    FLASK,
    FRAMEWORK_OF_MODULE,
    LITESTAR,
    STARLETTE,
    FunctionNode,
    Handler,
    HandlerModel,
    Param,
    Route,
    join_path,
)
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.resolve import Definition, lookup, resolve_name
from backend_lint.analysis.scopes import CLASS, FUNCTION, Scope
from backend_lint.analysis.values import origin

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options")
_VERB_SET = frozenset(_HTTP_VERBS)
_VIEWSET_ACTIONS = {
    "list": "GET",
    "retrieve": "GET",
    "create": "POST",
    "update": "PUT",
    "partial_update": "PATCH",
    "destroy": "DELETE",
}
_APP_CLASSES = {
    "FastAPI": FASTAPI,
    "APIRouter": FASTAPI,
    "Flask": FLASK,
    "Quart": FLASK,
    "Blueprint": FLASK,
    "Starlette": STARLETTE,
    "Router": STARLETTE,
    "RouteTableDef": AIOHTTP,
    "Application": AIOHTTP,
}
_DJANGO_REQUIRE = {
    "require_POST": frozenset({"POST"}),
    "require_GET": frozenset({"GET"}),
    "require_safe": frozenset({"GET", "HEAD"}),
}
_GET = frozenset({"GET"})
_COMPOUND: dict[type, tuple[str, ...]] = {
    ast.If: ("body", "orelse"),
    ast.For: ("body", "orelse"),
    ast.AsyncFor: ("body", "orelse"),
    ast.While: ("body", "orelse"),
    ast.With: ("body",),
    ast.AsyncWith: ("body",),
    ast.Try: ("body", "handlers", "orelse", "finalbody"),
    **({ast.TryStar: ("body", "handlers", "orelse", "finalbody")} if hasattr(ast, "TryStar") else {}),
    **({ast.Match: ("cases",)} if hasattr(ast, "Match") else {}),
}
_TABLE_CALLS = frozenset({
    "path", "re_path", "url", "Route", "Mount", "Router", "Host", "Starlette", "FastAPI", "Litestar", "route",
    "view", *_HTTP_VERBS,
})
_VIEW_DECORATOR_MODULES = (
    "django.views.decorators.http.",
    "django.views.decorators.csrf.",
    "django.views.decorators.cache.",
    "django.views.decorators.vary.",
    "django.views.decorators.clickjacking.",
    "django.views.decorators.gzip.",
    "django.contrib.auth.decorators.",
    "django.contrib.admin.views.decorators.",
    "django.utils.decorators.method_decorator",
)
_RESPONSE_HELPERS = frozenset({"render", "redirect", "render_to_response"})

# Kinds of class-based views: which methods are handlers.
_HTTP_NAMED = "http-named"  # methods named get/post/... (Django View, DRF APIView, MethodView, HTTPEndpoint)
_VIEWSET = "viewset"  # DRF ViewSet actions and @action methods
_DECORATED = "decorated"  # only decorated methods (Flask-AppBuilder @expose, Litestar Controller)
_CLASS_BASES: tuple[tuple[str, str, str], ...] = (
    # (qualified prefix, framework, kind); first match wins, so longer prefixes come first
    ("rest_framework.viewsets.", DRF, _VIEWSET),
    ("rest_framework.", DRF, _HTTP_NAMED),
    ("django.views.", DJANGO, _HTTP_NAMED),
    ("flask.views.", FLASK, _HTTP_NAMED),
    ("flask_restful.", FLASK, _HTTP_NAMED),
    ("flask_restx.", FLASK, _HTTP_NAMED),
    ("flask_appbuilder.", FLASK, _DECORATED),
    ("starlette.endpoints.HTTPEndpoint", STARLETTE, _HTTP_NAMED),
    ("aiohttp.web.View", AIOHTTP, _HTTP_NAMED),
    ("aiohttp.web_urldispatcher.View", AIOHTTP, _HTTP_NAMED),
    ("litestar.", LITESTAR, _DECORATED),
)



def build_model(ctx: FileContext) -> HandlerModel:
    """Every handler of the module and every route path string (prefer :func:`.handlers.handler_model`)."""
    return _Builder(ctx).build()


# --- collecting statements ------------------------------------------------------------------------------


@dataclass
class _Statements:
    """The statements of a module the model looks at, each with its enclosing function."""

    functions: list[tuple[FunctionNode, Optional[FunctionNode], Optional[ast.ClassDef]]] = field(default_factory=list)
    classes: list[tuple[ast.ClassDef, Optional[FunctionNode]]] = field(default_factory=list)
    calls: list[tuple[ast.Call, Optional[FunctionNode]]] = field(default_factory=list)
    values: list[tuple[ast.expr, Optional[FunctionNode]]] = field(default_factory=list)
    """``(value, function)`` of assignments and ``+=`` whose value may hold routes (lists, routing calls)."""
    enclosing: dict[ast.AST, Optional[FunctionNode]] = field(default_factory=dict)
    scopes: dict[ast.AST, Scope] = field(default_factory=dict)
    """The scope link of each function and class (its body's scope), for :mod:`.resolve`."""


def _collect(ctx: FileContext) -> _Statements:
    found = _Statements()
    stack: list[tuple[ast.AST, Optional[FunctionNode], Optional[ast.ClassDef], Scope]] = [
        (statement, None, None, ctx.root_scope) for statement in reversed(ctx.tree.body)
    ]
    while stack:
        node, function, cls, scope = stack.pop()
        kind = type(node)
        if kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            found.functions.append((node, function, cls))  # type: ignore[arg-type]
            found.enclosing[node] = function
            inner = found.scopes[node] = Scope(FUNCTION, node, scope)
            stack.extend((child, node, None, inner) for child in reversed(node.body))  # type: ignore[attr-defined,misc]
        elif kind is ast.ClassDef:
            found.classes.append((node, function))  # type: ignore[arg-type]
            found.enclosing[node] = function
            inner = found.scopes[node] = Scope(CLASS, node, scope)
            stack.extend((child, function, node, inner) for child in reversed(node.body))  # type: ignore[attr-defined,misc]
        elif kind is ast.Expr:
            call = node.value  # type: ignore[attr-defined]
            if type(call) is ast.Await:
                call = call.value
            if type(call) is ast.Call:
                found.calls.append((call, function))
        elif kind is ast.Assign or kind is ast.AnnAssign or kind is ast.AugAssign:
            value = node.value  # type: ignore[attr-defined]
            if _may_route(value):
                found.values.append((value, function))
        elif kind in _COMPOUND:
            for name in _COMPOUND[kind]:
                for child in reversed(getattr(node, name)):
                    stack.append((child, function, cls, scope))
        elif kind is ast.ExceptHandler or kind.__name__ == "match_case":
            stack.extend((child, function, cls, scope) for child in reversed(node.body))  # type: ignore[attr-defined]
    return found


def _may_route(value: Optional[ast.expr]) -> bool:
    """A value that can hold routes: a list or tuple, ``a + b``, or a call of a routing name."""
    kind = type(value)
    if kind is ast.List or kind is ast.Tuple or kind is ast.BinOp:
        return True
    if kind is ast.Call:
        return callee_name(value) in _TABLE_CALLS  # type: ignore[arg-type]
    return False


# --- small helpers ----------------------------------------------------------------------------------------


def _methods_list(node: Optional[ast.AST]) -> Optional[frozenset[str]]:
    """Upper-case methods of a literal list/tuple/set of strings (or one string), else ``None``."""
    if node is None:
        return None
    single = string_value(node)
    if single is not None:
        return frozenset({single.upper()})
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        names = [string_value(element) for element in node.elts]
        if all(name is not None for name in names):
            return frozenset(name.upper() for name in names if name)
    return None



def _positional_params(function: FunctionNode) -> list[ast.arg]:
    return [*function.args.posonlyargs, *function.args.args]


# --- the builder ------------------------------------------------------------------------------------------


@dataclass
class _Prefix:
    """A path or path part: its text (``None``: none or not known) and the literal strings it was built from."""

    text: Optional[str]
    nodes: tuple[ast.Constant, ...] = ()
    unknown: bool = False
    """Written but not readable (``settings.API_PREFIX``, a call): an unknown route path makes the path unknown."""

    def then(self, other: _Prefix) -> _Prefix:
        """This prefix followed by another prefix; a part that is not known is left out."""
        return _Prefix(join_path(self.text, other.text) if other.text is not None else self.text,
                       self.nodes + other.nodes)

    def route(self, path: _Prefix) -> _Prefix:
        """This prefix followed by a route's own path; an unknown route path makes the full path unknown."""
        if path.unknown:
            return _Prefix(None, self.nodes + path.nodes, unknown=True)
        return self.then(path)


_NO_PREFIX = _Prefix(None)
_UNKNOWN = _Prefix(None, unknown=True)


class _Builder:
    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.found = _collect(ctx)
        self.imports = ctx.imports
        self.model = HandlerModel()
        self.flask_request_names = frozenset(
            name for name, qualified in self.imports.names.items() if qualified in ("flask.request", "quart.request")
        ) | frozenset(
            f"{name}.request" for name, qualified in self.imports.names.items() if qualified in ("flask", "quart")
        )
        # Objects (apps, routers, blueprints) -> prefixes given where they are included or registered
        self.include_prefixes: dict[tuple, tuple[ast.expr, Optional[ast.AST], _Prefix, bool]] = {}
        """Router/blueprint -> (parent, its function, prefix given there, whether that replaces its own)."""
        self.class_kinds: dict[ast.ClassDef, Optional[tuple[str, str]]] = {}
        self.class_prefixes: dict[ast.AST, _Prefix] = {}

    # -- entry ---------------------------------------------------------------------------------------------

    def build(self) -> HandlerModel:
        frameworks = frozenset(
            framework for module, framework in FRAMEWORK_OF_MODULE.items() if module in self.imports.modules
        )
        self.model.frameworks = frameworks
        if not frameworks:
            return self.model
        self._collect_prefixes()
        for function, _outer, cls in self.found.functions:
            for decorator in function.decorator_list:
                self._decorator_route(function, cls, decorator)
        for cls, _outer in self.found.classes:
            self._class_routes(cls)
        for call, function in self.found.calls:
            self._call_route(call, function)
        for value, function in self.found.values:
            self._value_routes(value, function)
        if DJANGO in frameworks or DRF in frameworks:
            self._django_function_views()
        return self.model

    # -- resolution ----------------------------------------------------------------------------------------

    def scope(self, function: Optional[ast.AST]) -> Scope:
        """The scope of code written directly in ``function`` (``None``: at module level)."""
        return self.found.scopes[function] if function is not None else self.ctx.root_scope

    def _lookup(self, name: str, function: Optional[ast.AST]) -> tuple[Optional[ast.AST], Optional[ast.expr], str]:
        """``(scope, value, kind)`` for ``name`` (:func:`.resolve.lookup`): kind is ``value`` (assigned once),
        ``param``, ``import`` or ``unknown``; scope is the function that binds it, ``None`` for the module."""
        found = lookup(name, self.ctx, self.scope(function))
        if found is None:
            return None, None, "import" if name in self.imports.names else "unknown"
        link, bindings = found
        owner = link.node if link.kind == FUNCTION else None
        param = bindings.params.get(name)
        if param is not None:
            return owner, param.annotation, "param"
        values = bindings.assigned.get(name)
        if values:
            value = values[0] if len(values) == 1 and name not in bindings.augmented else None
            return owner, value, "value" if value is not None else "unknown"
        return owner, None, "import" if name in bindings.imported else "unknown"

    def defined(self, expr: Optional[ast.AST], function: Optional[ast.AST]) -> Optional[ast.AST]:
        """The ``def`` or ``class`` of this file a name stands for where it is written (:mod:`.resolve`)."""
        if not isinstance(expr, ast.Name):
            return None
        found = resolve_name(expr, self.ctx, self.scope(function))
        return found.node if isinstance(found, Definition) else None

    def origin(self, expr: ast.AST, function: Optional[ast.AST]) -> Optional[str]:
        """How ``expr`` was made (:func:`.values.origin`): ``fastapi.APIRouter()`` for ``router`` after
        ``router = APIRouter()``."""
        return origin(expr, self.ctx, self.scope(function))

    def qualified(self, expr: Optional[ast.AST]) -> Optional[str]:
        """The qualified name of a ``Name``/``Attribute`` chain rooted at an import (string annotations too)."""
        if expr is None:
            return None
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            try:
                expr = ast.parse(expr.value, mode="eval").body
            except SyntaxError:
                return None
        return self.imports.resolve(expr)

    def _key(self, expr: ast.AST, function: Optional[ast.AST]) -> Optional[tuple]:
        """An identity for the object a name refers to (the scope that binds it, and the name)."""
        if isinstance(expr, ast.Name):
            scope, _value, kind = self._lookup(expr.id, function)
            if kind == "import":
                return ("import", self.imports.resolve_name(expr.id, expr.lineno))
            return (id(scope), expr.id)
        written = dotted_name(expr)
        return ("attr", written) if written else None

    def _app_framework(self, receiver: ast.AST, function: Optional[ast.AST]) -> Optional[str]:
        """The framework of an app/router/blueprint/route table object, from how it was made."""
        known = self._made_by_framework(receiver, function)
        return known if known is not None else self._guessed_framework(receiver, function)

    def _made_by_framework(self, receiver: ast.AST, function: Optional[ast.AST]) -> Optional[str]:
        made = self.origin(receiver, function)
        if not made:
            return None
        if made.endswith(".router") and made.startswith("aiohttp."):
            return AIOHTTP
        if not made.endswith("()"):
            return None
        top = made.partition(".")[0]
        cls = made[:-2].rpartition(".")[2]
        framework = _APP_CLASSES.get(cls)
        if framework and FRAMEWORK_OF_MODULE.get(top) in (framework, STARLETTE):
            return FASTAPI if top == "fastapi" else framework
        if top not in FRAMEWORK_OF_MODULE:
            # A project's own router/blueprint class (``AirflowRouter``, ``PrefectRouter``, ``ApiBlueprint``)
            if "Router" in cls and FASTAPI in self.model.frameworks:
                return FASTAPI
            if "Blueprint" in cls and FLASK in self.model.frameworks:
                return FLASK
        return None

    def _guessed_framework(self, receiver: ast.AST, function: Optional[ast.AST]) -> Optional[str]:
        """An app or router imported from the project (``from .app import app``, ``from shop.api import
        router``) or passed in as an unannotated parameter: trusted when the file uses exactly one of FastAPI
        and Flask. Callers also require a literal path."""
        made = self.origin(receiver, function)
        if made is not None and (made.endswith("()") or made.partition(".")[0] in FRAMEWORK_OF_MODULE):
            return None
        guesses = self.model.frameworks & {FASTAPI, FLASK}
        return next(iter(guesses)) if len(guesses) == 1 else None

    def _string_value(self, expr: Optional[ast.AST], function: Optional[ast.AST], depth: int = 0) -> _Prefix:
        """A path part: a literal string, a module or function constant holding one (``PREFIX``), or these
        joined with ``+`` or in an f-string (``PREFIX + "/list"``, ``f"{PREFIX}/list"``)."""
        if expr is None:
            return _NO_PREFIX
        text = string_value(expr)
        if text is not None:
            return _Prefix(text, (expr,))  # type: ignore[arg-type]
        if depth > 4:
            return _UNKNOWN
        parts: list[ast.expr] = []
        if isinstance(expr, ast.Name):
            _scope, value, kind = self._lookup(expr.id, function)
            if kind == "value" and value is not None:
                return self._string_value(value, function, depth + 1)
        elif isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            parts = [expr.left, expr.right]
        elif isinstance(expr, ast.JoinedStr):
            parts = [value.value if isinstance(value, ast.FormattedValue) and value.format_spec is None
                     and value.conversion == -1 else value for value in expr.values]
        if not parts:
            return _UNKNOWN
        pieces = [self._string_value(part, function, depth + 1) for part in parts]
        if any(piece.text is None for piece in pieces):
            return _UNKNOWN
        return _Prefix("".join(piece.text or "" for piece in pieces), tuple(n for p in pieces for n in p.nodes))

    # -- prefixes ------------------------------------------------------------------------------------------

    def _collect_prefixes(self) -> None:
        """Prefixes given where routers/blueprints are included: ``include_router``, ``register_blueprint``."""
        for call, function in self.found.calls:
            func = call.func
            if not isinstance(func, ast.Attribute) or not call.args:
                continue
            if func.attr == "include_router":
                prefix = self._string_value(keyword_value(call, "prefix"), function)
            elif func.attr == "register_blueprint":
                prefix = self._string_value(keyword_value(call, "url_prefix"), function)
            else:
                continue
            self._route_string(prefix, FLASK if func.attr == "register_blueprint" else FASTAPI)
            key = self._key(call.args[0], function)
            if key is not None and key not in self.include_prefixes:
                replaces_own = func.attr == "register_blueprint" and prefix.text is not None
                self.include_prefixes[key] = (func.value, function, prefix, replaces_own)

    def _object_prefix(self, receiver: ast.AST, function: Optional[ast.AST], seen: set) -> _Prefix:
        """The full prefix of routes registered on ``receiver``: where it is included, then its own prefix."""
        key = self._key(receiver, function)
        if key is None or key in seen:
            return _NO_PREFIX
        seen.add(key)
        own = _NO_PREFIX
        if isinstance(receiver, ast.Name):
            scope, value, kind = self._lookup(receiver.id, function)
            if kind == "value" and isinstance(value, ast.Call):
                own = self._string_value(keyword_value(value, "prefix") or keyword_value(value, "url_prefix"), scope)
                self._route_string(own, FASTAPI if keyword_value(value, "prefix") is not None else FLASK)
        included = self.include_prefixes.get(key)
        if included is None:
            return own
        parent, parent_function, given, replaces_own = included
        outer = self._object_prefix(parent, parent_function, seen).then(given)
        if replaces_own:  # register_blueprint(bp, url_prefix=) replaces the blueprint's own url_prefix
            return outer
        return outer.then(own)

    # -- registering -----------------------------------------------------------------------------------------

    def _route_string(self, prefix: _Prefix, framework: str) -> None:
        for node in prefix.nodes:
            self.model.route_strings.setdefault(node, framework)

    def _add(
        self,
        function: FunctionNode,
        framework: str,
        cls: Optional[ast.ClassDef],
        methods: frozenset[str],
        path: _Prefix,
        registration: ast.AST,
    ) -> None:
        handler = self.model.handlers.get(function)
        if handler is None:
            request_names = self._request_names(function, framework, cls)
            params = tuple(
                param for param in self._params(function, cls) if param.name not in request_names
            )
            handler = self.model.handlers[function] = Handler(function, framework, cls, request_names, params)
        self._route_string(path, framework)
        route = Route(methods, path.text, path.nodes, registration)
        for index, existing in enumerate(handler.routes):
            if existing.registration is registration:  # a route table reached again through a Mount/Router
                if len(path.nodes) > len(existing.path_nodes):
                    handler.routes[index] = route
                return
        handler.routes.append(route)

    def _request_names(self, function: FunctionNode, framework: str, cls: Optional[ast.ClassDef]) -> frozenset[str]:
        if framework == FLASK:
            return self.flask_request_names
        params = _positional_params(function)
        names: set[str] = set()
        if cls is not None:
            if framework in (DJANGO, DRF, AIOHTTP):
                names.add(f"{params[0].arg}.request" if params else "self.request")
            params = params[1:]
        if framework in (DJANGO, DRF, AIOHTTP, STARLETTE) and params and (cls is None or framework != AIOHTTP):
            names.add(params[0].arg)  # the request is the first argument (after self)
        for arg in [*params, *function.args.kwonlyargs]:
            typed = self.qualified(_unwrap_annotated(arg.annotation))
            if arg.arg == "request" or (typed and typed.rpartition(".")[2] in ("Request", "HTTPConnection")):
                names.add(arg.arg)
        return frozenset(names)

    def _params(self, function: FunctionNode, cls: Optional[ast.ClassDef]) -> tuple[Param, ...]:
        args = function.args
        positional = _positional_params(function)
        defaults: dict[str, ast.expr] = dict(zip([a.arg for a in positional][-len(args.defaults):], args.defaults)) \
            if args.defaults else {}
        defaults.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None})
        if cls is not None:
            positional = positional[1:]
        params = []
        for arg in [*positional, *args.kwonlyargs]:
            default = defaults.get(arg.arg)
            marker_call, in_annotated = None, False
            if isinstance(default, ast.Call):
                marker_call = default
            else:
                metadata = _annotated_metadata(arg.annotation)
                marker_call = next((item for item in metadata if isinstance(item, ast.Call)), None)
                in_annotated = marker_call is not None
            marker = self.qualified(marker_call.func) if marker_call is not None else None
            params.append(Param(arg, default, marker, marker_call, in_annotated))
        return tuple(params)

    # -- decorators -------------------------------------------------------------------------------------------

    def _decorator_route(self, function: FunctionNode, cls: Optional[ast.ClassDef], decorator: ast.expr) -> None:
        call = decorator if isinstance(decorator, ast.Call) else None
        target = call.func if call is not None else decorator
        owner = self.found.enclosing.get(function)
        qualified = self.qualified(target)
        if qualified and qualified.partition(".")[0] in FRAMEWORK_OF_MODULE:
            self._qualified_decorator(function, cls, qualified, call, decorator)
            return
        if call is None or not isinstance(target, ast.Attribute):
            return
        verb = target.attr
        if verb not in _VERB_SET and verb not in ("route", "api_route", "view"):
            return
        framework = self._made_by_framework(target.value, owner)
        guessed = framework is None
        if guessed:
            framework = self._guessed_framework(target.value, owner)
        if framework is None or (cls is not None and framework != AIOHTTP):
            return
        if framework == AIOHTTP and verb == "route":
            methods = _methods_list(argument(call, 0, "method")) or frozenset()
            path_arg = argument(call, 1, "path")
        else:
            path_arg = argument(call, 0, "path" if framework != FLASK else "rule")
            if verb in _VERB_SET:
                methods = frozenset({verb.upper()})
            else:
                listed = keyword_value(call, "methods")
                methods = _methods_list(listed) if listed is not None else _GET
                methods = methods or frozenset()
        path = self._string_value(path_arg, owner)
        if guessed and (path.text is None or not (path.text == "" or path.text.startswith("/"))):
            return  # a receiver known only by guess needs a literal path to count
        prefix = self._object_prefix(target.value, owner, set())
        self._add(function, framework, cls, methods, prefix.route(path), decorator)

    def _qualified_decorator(
        self,
        function: FunctionNode,
        cls: Optional[ast.ClassDef],
        qualified: str,
        call: Optional[ast.Call],
        decorator: ast.expr,
    ) -> None:
        top = qualified.partition(".")[0]
        name = qualified.rpartition(".")[2]
        owner = self.found.enclosing.get(function)
        if top == "litestar" and (name in _VERB_SET or name == "route"):
            methods = frozenset({name.upper()}) if name != "route" else (
                _methods_list(keyword_value(call, "http_method")) if call is not None else None) or frozenset()
            path = self._string_value(argument(call, 0, "path"), owner) if call is not None else _NO_PREFIX
            if path.text is None and (call is None or argument(call, 0, "path") is None):
                path = _Prefix("/")
            prefix = self.class_prefixes.get(cls or function, _NO_PREFIX)
            if cls is not None:
                prefix = self.class_prefixes.get(cls, _NO_PREFIX).then(self._class_path(cls, "path"))
            self._add(function, LITESTAR, cls, methods, prefix.route(path), decorator)
        elif top == "rest_framework" and name == "api_view" and cls is None:
            listed = argument(call, 0, "http_method_names") if call is not None else None
            methods = _methods_list(listed) if listed is not None else _GET
            self._add(function, DRF, None, methods or frozenset(), _NO_PREFIX, decorator)
        elif top == "rest_framework" and name == "action" and cls is not None and call is not None:
            listed = keyword_value(call, "methods")
            methods = _methods_list(listed) if listed is not None else _GET
            url_path = self._string_value(keyword_value(call, "url_path"), None)
            if url_path.text is None:
                url_path = _Prefix(function.name)
            self._add(function, DRF, cls, methods or frozenset(), self._class_prefix(cls).then(url_path), decorator)
        elif top == "flask_appbuilder" and name == "expose" and cls is not None and call is not None:
            listed = keyword_value(call, "methods")
            methods = _methods_list(listed) if listed is not None else _GET
            path = self._string_value(argument(call, 0, "url"), None)
            self._add(function, FLASK, cls, methods or frozenset(), self._class_path(cls, "route_base").route(path),
                      decorator)
        elif top == "django" and cls is None:
            if name in _DJANGO_REQUIRE:
                self._add(function, DJANGO, None, _DJANGO_REQUIRE[name], _NO_PREFIX, decorator)
            elif name == "require_http_methods" and call is not None:
                methods = _methods_list(argument(call, 0, "request_method_list")) or frozenset()
                self._add(function, DJANGO, None, methods, _NO_PREFIX, decorator)

    def _class_path(self, cls: ast.ClassDef, attribute: str) -> _Prefix:
        """A class attribute holding a path (Litestar ``Controller.path``, Flask-AppBuilder ``route_base``)."""
        for statement in cls.body:
            if isinstance(statement, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == attribute for target in statement.targets
            ):
                return self._string_value(statement.value, None)
            if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) \
                    and statement.target.id == attribute:
                return self._string_value(statement.value, None)
        return _NO_PREFIX

    def _class_prefix(self, cls: ast.ClassDef) -> _Prefix:
        return self.class_prefixes.get(cls, _NO_PREFIX)

    # -- class-based views ---------------------------------------------------------------------------------------

    def _class_kind(self, cls: ast.ClassDef, depth: int = 0) -> Optional[tuple[str, str]]:
        """``(framework, kind)`` of a class-based view class, or ``None``."""
        if cls in self.class_kinds:
            return self.class_kinds[cls]
        self.class_kinds[cls] = None
        found: Optional[tuple[str, str]] = None
        for base in cls.bases:
            qualified = self.qualified(base)
            if qualified:
                found = next(
                    ((framework, kind) for prefix, framework, kind in _CLASS_BASES if qualified.startswith(prefix)),
                    None,
                )
                if found is None and qualified.partition(".")[0] not in FRAMEWORK_OF_MODULE:
                    found = self._kind_by_name(qualified.rpartition(".")[2])
            elif isinstance(local_base := self._base_class(cls, base), ast.ClassDef) and depth < 10:
                found = self._class_kind(local_base, depth + 1)
            elif isinstance(base, (ast.Name, ast.Attribute)):
                found = self._kind_by_name(dotted_name(base).rpartition(".")[2])  # type: ignore[union-attr]
            if found:
                break
        self.class_kinds[cls] = found
        return found

    def _base_class(self, cls: ast.ClassDef, base: ast.expr) -> Optional[ast.AST]:
        """The class of this file a base names, resolved where ``cls`` is defined."""
        outer = self.found.scopes[cls].outer or self.ctx.root_scope
        found = resolve_name(base, self.ctx, outer) if isinstance(base, ast.Name) else None
        return found.node if isinstance(found, Definition) else None

    def _kind_by_name(self, name: str) -> Optional[tuple[str, str]]:
        """A project base class named like a view: ``BaseViewSet``, ``OrgAPIView``, ``LoginRequiredView``."""
        frameworks = self.model.frameworks
        if name.endswith("ViewSet") and DRF in frameworks:
            return DRF, _VIEWSET
        if name.endswith("APIView") and DRF in frameworks:
            return DRF, _HTTP_NAMED
        if name.endswith("View") and (DJANGO in frameworks or DRF in frameworks):
            return (DRF if DRF in frameworks else DJANGO), _HTTP_NAMED
        return None

    def _class_routes(self, cls: ast.ClassDef) -> None:
        for decorator in cls.decorator_list:
            self._class_decorator(cls, decorator)
        kind = self._class_kind(cls)
        if kind is None:
            return
        framework, style = kind
        if style == _DECORATED:
            return
        for statement in cls.body:
            if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            name = statement.name
            if style == _VIEWSET:
                method = _VIEWSET_ACTIONS.get(name)
                methods = frozenset({method}) if method else None
            else:
                methods = frozenset({name.upper()}) if name in _VERB_SET else None
            if methods is None or statement in self.model.handlers:
                continue
            params = _positional_params(statement)
            if framework in (DJANGO, DRF) and (len(params) < 2 or params[1].arg not in ("request", "req")):
                continue
            self._add(statement, framework, cls, methods, self._class_prefix(cls), statement)

    def _class_decorator(self, cls: ast.ClassDef, decorator: ast.expr) -> None:
        """``@routes.view("/path")`` (aiohttp) and ``@ns.route("/path")`` (flask-restx) on a class."""
        if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)):
            return
        if decorator.func.attr not in ("view", "route"):
            return
        path = self._string_value(argument(decorator, 0, "path"), None)
        if path.text is not None:
            self._route_string(path, FLASK if decorator.func.attr == "route" else AIOHTTP)
            self.class_prefixes.setdefault(cls, path)

    # -- calls and route tables ------------------------------------------------------------------------------------

    def _endpoint(
        self, expr: Optional[ast.AST], function: Optional[ast.AST]
    ) -> list[tuple[FunctionNode, Optional[ast.ClassDef]]]:
        """The local functions an endpoint expression stands for: a function, or a class-based view's methods."""
        if expr is None:
            return []
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "as_view":
            expr = expr.func.value
        found = self.defined(expr, function)
        if isinstance(found, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return [(found, None)]
        if not isinstance(found, ast.ClassDef):
            return []
        cls = found
        return [
            (statement, cls) for statement in cls.body
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name in _VERB_SET
        ]

    def _register_endpoint(
        self,
        expr: Optional[ast.AST],
        function: Optional[ast.AST],
        framework: str,
        methods: Optional[frozenset[str]],
        path: _Prefix,
        registration: ast.AST,
    ) -> None:
        self._route_string(path, framework)
        for endpoint, cls in self._endpoint(expr, function):
            if cls is not None:
                self._add(endpoint, framework, cls, frozenset({endpoint.name.upper()}), path, registration)
            elif methods is None and endpoint in self.model.handlers:  # urlpatterns of a decorated view
                self._add(endpoint, framework, None, self.model.handlers[endpoint].methods, path, registration)
            elif methods is None and framework == DJANGO:
                params = _positional_params(endpoint)
                answered = _compared_methods(endpoint, params[0].arg) if params else _GET
                self._add(endpoint, framework, None, answered, path, registration)
            else:
                self._add(endpoint, framework, None, methods if methods is not None else _GET, path, registration)

    def _call_route(self, call: ast.Call, function: Optional[ast.AST]) -> None:
        func = call.func
        if not isinstance(func, ast.Attribute):
            return
        attr = func.attr
        if attr == "add_url_rule":
            framework = self._app_framework(func.value, function)
            if framework != FLASK:
                return
            listed = keyword_value(call, "methods")
            path = self._object_prefix(func.value, function, set()).route(
                self._string_value(argument(call, 0, "rule"), function))
            self._register_endpoint(argument(call, 2, "view_func"), function, FLASK,
                                    _methods_list(listed) if listed is not None else None, path, call)
        elif attr in ("add_api_route", "add_route") and self._app_framework(func.value, function) in (
            FASTAPI, STARLETTE,
        ):
            framework = self._app_framework(func.value, function) or FASTAPI
            listed = keyword_value(call, "methods")
            path = self._object_prefix(func.value, function, set()).route(
                self._string_value(argument(call, 0, "path"), function))
            self._register_endpoint(argument(call, 1, "endpoint" if attr == "add_api_route" else "route"),
                                    function, framework, _methods_list(listed) if listed is not None else None,
                                    path, call)
        elif attr.startswith("add_") and attr[4:] in (*_HTTP_VERBS, "route", "view") and self._is_aiohttp_router(
            func.value, function
        ):
            if attr == "add_route":
                methods = _methods_list(argument(call, 0, "method"))
                path_arg, handler_arg = argument(call, 1, "path"), argument(call, 2, "handler")
            else:
                methods = frozenset({attr[4:].upper()}) if attr != "add_view" else None
                path_arg, handler_arg = argument(call, 0, "path"), argument(call, 1, "handler")
            self._register_endpoint(handler_arg, function, AIOHTTP, methods or None,
                                    self._string_value(path_arg, function), call)
        elif attr == "add_resource" and FLASK in self.model.frameworks and len(call.args) >= 2:
            # flask-restful / flask-restx: api.add_resource(TodoResource, "/todos", "/todos/<int:id>")
            for url in call.args[1:]:
                self._register_endpoint(call.args[0], function, FLASK, None,
                                        self._string_value(url, function), call)
        elif attr == "register" and DRF in self.model.frameworks and len(call.args) >= 2:
            prefix = self._string_value(call.args[0], function)
            self._route_string(prefix, DRF)
            cls = self.defined(call.args[1], function)
            if isinstance(cls, ast.ClassDef):
                self.class_prefixes.setdefault(cls, prefix)
                for statement in cls.body:
                    handler = self.model.handlers.get(statement)
                    if handler is not None:
                        handler.routes[:] = [
                            Route(route.methods, join_path(prefix.text, route.path) if route.path else prefix.text,
                                  prefix.nodes + route.path_nodes, route.registration)
                            for route in handler.routes
                        ]
        for passed in [*call.args, *(keyword.value for keyword in call.keywords)]:
            if _may_route(passed):
                self._value_routes(passed, function)

    def _is_aiohttp_router(self, receiver: ast.AST, function: Optional[ast.AST]) -> bool:
        if AIOHTTP not in self.model.frameworks:
            return False
        made = self.origin(receiver, function) or ""
        return made.startswith("aiohttp.") or (isinstance(receiver, ast.Attribute) and receiver.attr == "router")

    def _value_routes(self, value: ast.expr, function: Optional[ast.AST]) -> None:
        """Route tables: ``urlpatterns``, Starlette ``routes``/``Mount``, aiohttp ``web.post(...)``, Litestar."""
        if isinstance(value, ast.BinOp):  # urlpatterns = [...] + static(...)
            self._value_routes(value.left, function)
            self._value_routes(value.right, function)
            return
        self._table(value, function, _NO_PREFIX, set())

    def _table(self, value: ast.AST, function: Optional[ast.AST], prefix: _Prefix, seen: set) -> None:
        if id(value) in seen:
            return
        seen.add(id(value))
        if isinstance(value, (ast.List, ast.Tuple)):
            for element in value.elts:
                self._table(element, function, prefix, seen)
            return
        if isinstance(value, ast.Name) and prefix.text is not None:
            _scope, resolved, kind = self._lookup(value.id, function)
            if kind == "value" and resolved is not None:
                self._table(resolved, function, prefix, seen)
            return
        if not isinstance(value, ast.Call):
            return
        func = value.func
        written = callee_name(value)
        if written not in _TABLE_CALLS:
            return
        qualified = self.qualified(func) or ""
        top, name = qualified.partition(".")[0], qualified.rpartition(".")[2]
        if top == "django" and name in ("path", "re_path", "url"):
            route = prefix.route(self._string_value(argument(value, 0, "route"), function))
            view = argument(value, 1, "view")
            if isinstance(view, ast.Call) and (self.qualified(view.func) or "").endswith(".include"):
                self._route_string(route, DJANGO)
            else:
                self._register_endpoint(view, function, DJANGO, None, route, value)
        elif top == "starlette" and name == "Route":
            listed = keyword_value(value, "methods")
            route = prefix.route(self._string_value(argument(value, 0, "path"), function))
            self._register_endpoint(argument(value, 1, "endpoint"), function, STARLETTE,
                                    _methods_list(listed) if listed is not None else None, route, value)
        elif top in ("starlette", "fastapi") and name in ("Mount", "Router", "Starlette", "FastAPI"):
            inner = prefix
            if name == "Mount":
                inner = prefix.then(self._string_value(argument(value, 0, "path"), function))
            routes = keyword_value(value, "routes") or (argument(value, 1, "routes") if name == "Mount" else None)
            if routes is not None:
                self._table(routes, function, _Prefix(inner.text or "", inner.nodes), seen)
        elif top == "aiohttp" and (name in _VERB_SET or name in ("route", "view")):
            if name == "route":
                methods = _methods_list(argument(value, 0, "method"))
                path_arg, handler_arg = argument(value, 1, "path"), argument(value, 2, "handler")
            else:
                methods = frozenset({name.upper()}) if name != "view" else None
                path_arg, handler_arg = argument(value, 0, "path"), argument(value, 1, "handler")
            self._register_endpoint(handler_arg, function, AIOHTTP, methods,
                                    prefix.route(self._string_value(path_arg, function)), value)
        elif top == "litestar" and name in ("Router", "Litestar"):
            inner = prefix
            if name == "Router":
                inner = prefix.then(self._string_value(keyword_value(value, "path"), function))
            handlers = keyword_value(value, "route_handlers")
            if isinstance(handlers, (ast.List, ast.Tuple)):
                for element in handlers.elts:
                    self._litestar_prefix(element, function, inner)

    def _litestar_prefix(self, element: ast.AST, function: Optional[ast.AST], prefix: _Prefix) -> None:
        """A handler or controller listed in a ``Router``: its routes get the router's path in front."""
        if prefix.text is None or not isinstance(element, ast.Name):
            return
        targets: list[ast.AST] = []
        found = self.defined(element, function)
        if isinstance(found, ast.ClassDef):
            targets = [statement for statement in found.body if statement in self.model.handlers]
        elif found in self.model.handlers:
            targets = [found]
        self._route_string(prefix, LITESTAR)
        for target in targets:
            handler = self.model.handlers[target]
            handler.routes[:] = [
                Route(route.methods, join_path(prefix.text, route.path), prefix.nodes + route.path_nodes,
                      route.registration)
                for route in handler.routes
            ]

    # -- Django function views --------------------------------------------------------------------------------------

    def _django_function_views(self) -> None:
        """Module-level functions taking ``request`` first that are views: decorated by a view decorator, or in
        a views module and returning a response (helpers there take ``request`` too, but return other things).
        """
        path = self.ctx.project_path
        in_views_module = "views" in path.rpartition("/")[2] or "/views/" in f"/{path}"
        for function, outer, cls in self.found.functions:
            if outer is not None or cls is not None or function.name.startswith("_") or function in self.model.handlers:
                continue
            params = _positional_params(function)
            if not params or params[0].arg != "request":
                continue
            decorated = any(self._is_view_decorator(decorator) for decorator in function.decorator_list)
            if decorated or (in_views_module and self._returns_response(function)):
                self._add(function, DJANGO, None, _compared_methods(function, params[0].arg), _NO_PREFIX, function)

    def _is_view_decorator(self, decorator: ast.expr) -> bool:
        """``@login_required``, ``@csrf_exempt``, ``@permission_required(...)``, ``@cache_page(...)``, ..."""
        qualified = self.qualified(decorator.func if isinstance(decorator, ast.Call) else decorator) or ""
        return qualified.startswith(_VIEW_DECORATOR_MODULES)

    def _returns_response(self, function: FunctionNode) -> bool:
        """Some ``return`` hands back a response: ``render(...)``, ``redirect(...)``, ``...Response(...)``."""
        assigned = bindings_of(self.ctx, function).assigned
        for node in ast.walk(function):
            if not isinstance(node, ast.Return):
                continue
            values = [node.value]
            if isinstance(node.value, ast.Name):  # response = HttpResponseRedirect(...); ...; return response
                values = assigned.get(node.value.id, [])
            for value in values:
                if isinstance(value, ast.Call) and self._makes_response(value):
                    return True
        return False

    def _makes_response(self, call: ast.Call) -> bool:
        name = (dotted_name(call.func) or "").rpartition(".")[2]
        qualified = self.qualified(call.func) or ""
        return name.endswith("Response") or name in _RESPONSE_HELPERS or qualified.startswith(
            ("django.http.", "django.shortcuts.", "django.template.response.")
        )


def _compared_methods(function: FunctionNode, request: str) -> frozenset[str]:
    """Methods a Django view answers, from ``request.method == "POST"`` style tests in its body.

    A view that only tests ``==``/``in`` still answers GET (the fall-through); a ``!=``/``not in`` test is a
    guard that turns every other method away.
    """
    compared: set[str] = set()
    guarded = False
    for node in ast.walk(function):
        if not isinstance(node, ast.Compare) or len(node.ops) != 1:
            continue
        left = node.left
        if not (isinstance(left, ast.Attribute) and left.attr == "method" and isinstance(left.value, ast.Name)
                and left.value.id == request):
            continue
        listed = _methods_list(node.comparators[0])
        if listed is None:
            continue
        compared.update(listed)
        if isinstance(node.ops[0], (ast.NotEq, ast.NotIn)):
            guarded = True
    if guarded:
        return frozenset(compared)
    return frozenset(compared | {"GET"})


def _unwrap_annotated(annotation: Optional[ast.expr]) -> Optional[ast.expr]:
    """``Annotated[T, ...]``/``Optional[T]`` -> ``T`` (by name: the model only reads the base type)."""
    if isinstance(annotation, ast.Subscript):
        wrapper = dotted_name(annotation.value) or ""
        if wrapper.rpartition(".")[2] in ("Annotated", "Optional"):
            inner = annotation.slice
            return inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner  # type: ignore[return-value]
    return annotation


def _annotated_metadata(annotation: Optional[ast.expr]) -> list[ast.expr]:
    """The metadata of ``Annotated[T, meta, ...]`` (empty for any other annotation)."""
    if isinstance(annotation, ast.Subscript) and (dotted_name(annotation.value) or "").endswith("Annotated"):
        inner = annotation.slice
        if isinstance(inner, ast.Tuple):
            return list(inner.elts[1:])
    return []
