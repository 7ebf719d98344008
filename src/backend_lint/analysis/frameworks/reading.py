"""Reading one module's routing: what every framework reader shares.

One walk over the module's statements (not expressions) collects functions, classes, statement calls and
route-table values (:mod:`.statements`). The :class:`Reader` then hands them to the framework modules in a
fixed order: where routers are included, decorators, class-based views, calls, route tables, and last Django's
function views, which count only when nothing else registered them. It gives them what they have in common:
how a name resolves (:mod:`..resolve`, :mod:`..values`), which framework an app object belongs to, path
strings, endpoints, and :meth:`Reader.register`, which records a :class:`~..handler_types.Registration` (plain
data: dotted names, strings and positions).
"""

from __future__ import annotations

import ast
from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable, Optional

from backend_lint.analysis.ast_helpers import argument, callee_name, keyword_value, string_value, unquoted
from backend_lint.analysis.frameworks.app_wide import app_wide, app_wide_middleware
from backend_lint.analysis.frameworks.statements import HTTP_VERBS, TABLE_CALLS, collect, may_route
from backend_lint.analysis.handler_types import (
    AIOHTTP,
    DJANGO,
    DRF,
    FASTAPI,
    FLASK,
    FRAMEWORK_OF_MODULE,
    NO_PATH,
    STARLETTE,
    UNKNOWN_PATH,
    FunctionNode,
    Inclusion,
    ModuleRoutes,
    PathPart,
    Registration,
    RoutePath,
    Span,
)
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.resolve import Definition, Imported, lookup, resolve_name
from backend_lint.analysis.scopes import FUNCTION, Scope
from backend_lint.analysis.values import origin

if TYPE_CHECKING:
    from backend_lint.context import FileContext

VERBS = frozenset(HTTP_VERBS)
GET = frozenset({"GET"})
APP_CLASSES = {
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
"""Classes whose instances routes are registered on, by last name."""

# Kinds of class-based views: which methods are handlers.
HTTP_NAMED = "http-named"  # methods named get/post/... (Django View, DRF APIView, MethodView, HTTPEndpoint)
VIEWSET = "viewset"  # DRF ViewSet actions and @action methods
DECORATED = "decorated"  # only decorated methods (Flask-AppBuilder @expose, Litestar Controller)
VIEWSET_ACTIONS = {
    "list": "GET",
    "retrieve": "GET",
    "create": "POST",
    "update": "PUT",
    "partial_update": "PATCH",
    "destroy": "DELETE",
}


# --- small helpers ----------------------------------------------------------------------------------------


def methods_list(node: Optional[ast.AST]) -> Optional[frozenset[str]]:
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


def positional_params(function: FunctionNode) -> list[ast.arg]:
    return [*function.args.posonlyargs, *function.args.args]


# --- the reader -------------------------------------------------------------------------------------------


class Hooks:
    """The framework modules' hooks, gathered once. A module defines those it needs:

    ``include(reader, call, function)`` (a router included with a prefix), ``decorator(reader, function, cls,
    qualified, call, decorator)`` (a decorator that resolves into the framework), ``object_route(call, verb)``
    (``@app.<verb>(...)`` on one of its app objects: methods and path argument), ``class_decorator(reader, cls,
    decorator)``, ``CLASS_BASES`` (base class prefixes of class-based views and their kind), ``call(reader,
    call, function)`` (a statement call such as ``add_url_rule``), ``table(reader, value, function, prefix,
    seen, top, name)`` (an entry of a route table) and ``module_views(reader)``. Hooks that return a bool claim
    what they recognise, and the next ones are not asked.
    """

    def __init__(self, readers: tuple[ModuleType, ...]) -> None:
        def every(name: str) -> tuple[Callable[..., Any], ...]:
            return tuple(getattr(module, name) for module in readers if hasattr(module, name))

        self.include = every("include")
        self.class_decorator = every("class_decorator")
        self.call = every("call")
        self.table = every("table")
        self.module_views = every("module_views")
        self.decorator = {module.FRAMEWORK: module.decorator for module in readers if hasattr(module, "decorator")}
        self.object_route = {
            module.FRAMEWORK: module.object_route for module in readers if hasattr(module, "object_route")
        }
        self.class_bases = tuple(
            (prefix, module.FRAMEWORK, kind)
            for module in readers for prefix, kind in getattr(module, "CLASS_BASES", ())
        )



class Reader:
    """One module's routing being read: resolution shared by the framework readers, and what they found.

    The framework modules' hooks (:class:`Hooks`) are called in this order by :meth:`read`.
    """

    def __init__(self, ctx: FileContext, hooks: Hooks) -> None:
        self.ctx = ctx
        self.hooks = hooks
        self.class_kinds: dict[ast.ClassDef, Optional[tuple[str, str]]] = {}
        self.imports = ctx.imports
        self.found = collect(ctx)
        self.routes = ModuleRoutes(frozenset(
            framework for module, framework in FRAMEWORK_OF_MODULE.items() if module in self.imports.modules
        ))
        self.frameworks = self.routes.frameworks
        self.literals: dict[Span, ast.Constant] = {}
        """The literal strings read as paths, by where they are (to give rules the nodes back)."""
        self.class_prefixes: dict[ast.AST, RoutePath] = {}
        """Prefixes a class decorator gives the routes of its class (``@ns.route("/todos")``)."""
        self.registered: dict[ast.AST, frozenset[str]] = {}
        """Local endpoints registered so far, and their methods (a route table reuses a decorator's)."""
        self.endpoint_nodes: list[Optional[FunctionNode]] = []
        """The ``def`` of each registration in :attr:`routes` (``None``: imported), to give rules the nodes."""

    # -- resolution ----------------------------------------------------------------------------------------

    def scope(self, function: Optional[ast.AST]) -> Scope:
        """The scope of code written directly in ``function`` (``None``: at module level)."""
        return self.found.scopes[function] if function is not None else self.ctx.root_scope

    def lookup(self, name: str, function: Optional[ast.AST]) -> tuple[Optional[ast.AST], Optional[ast.expr], str]:
        """``(scope, value, kind)`` for ``name`` (:func:`..resolve.lookup`): kind is ``value`` (assigned once),
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
        """The ``def`` or ``class`` of this file a name stands for where it is written (:mod:`..resolve`)."""
        if not isinstance(expr, ast.Name):
            return None
        found = resolve_name(expr, self.ctx, self.scope(function))
        return found.node if isinstance(found, Definition) else None

    def origin(self, expr: ast.AST, function: Optional[ast.AST]) -> Optional[str]:
        """How ``expr`` was made (:func:`..values.origin`): ``fastapi.APIRouter()`` for ``router``."""
        return origin(expr, self.ctx, self.scope(function))

    def qualified(self, expr: Optional[ast.AST]) -> Optional[str]:
        """The qualified name of a ``Name``/``Attribute`` chain rooted at an import (string annotations too)."""
        if expr is None:
            return None
        expr = unquoted(expr)
        return self.imports.resolve(expr) if expr is not None else None

    def key(self, expr: ast.AST, function: Optional[ast.AST]) -> Optional[str]:
        """A name for the object ``expr`` refers to, the same wherever it is written: the import it came from,
        the scope that binds it and the name, or the written attribute chain."""
        if isinstance(expr, ast.Name):
            scope, _value, kind = self.lookup(expr.id, function)
            if kind == "import":
                return f"import:{self.imports.resolve_name(expr.id, expr.lineno)}"
            return f"{self.found.qualnames.get(scope, '') if scope is not None else ''}:{expr.id}"
        written = dotted_name(expr)
        return f"attr:{written}" if written else None

    def qualname(self, node: ast.AST) -> str:
        return self.found.qualnames[node]

    # -- app objects -----------------------------------------------------------------------------------------

    def app_framework(self, receiver: ast.AST, function: Optional[ast.AST]) -> Optional[str]:
        """The framework of an app/router/blueprint/route table object, from how it was made."""
        known = self.made_by_framework(receiver, function)
        return known if known is not None else self.guessed_framework(receiver, function)

    def made_by_framework(self, receiver: ast.AST, function: Optional[ast.AST]) -> Optional[str]:
        made = self.origin(receiver, function)
        if not made:
            return None
        if made.endswith(".router") and made.startswith("aiohttp."):
            return AIOHTTP
        if not made.endswith("()"):
            return None
        top = made.partition(".")[0]
        cls = made[:-2].rpartition(".")[2]
        framework = APP_CLASSES.get(cls)
        if framework and FRAMEWORK_OF_MODULE.get(top) in (framework, STARLETTE):
            return FASTAPI if top == "fastapi" else framework
        if top not in FRAMEWORK_OF_MODULE:
            # A project's own router/blueprint class (``AirflowRouter``, ``PrefectRouter``, ``ApiBlueprint``)
            if "Router" in cls and FASTAPI in self.frameworks:
                return FASTAPI
            if "Blueprint" in cls and FLASK in self.frameworks:
                return FLASK
        return None

    def guessed_framework(self, receiver: ast.AST, function: Optional[ast.AST]) -> Optional[str]:
        """An app or router imported from the project (``from .app import app``, ``from shop.api import
        router``) or passed in as an unannotated parameter: trusted when the file uses exactly one of FastAPI
        and Flask. Callers also require a literal path."""
        made = self.origin(receiver, function)
        if made is not None and (made.endswith("()") or made.partition(".")[0] in FRAMEWORK_OF_MODULE):
            return None
        guesses = self.frameworks & {FASTAPI, FLASK}
        return next(iter(guesses)) if len(guesses) == 1 else None

    def own_prefix(self, receiver: ast.AST, function: Optional[ast.AST]) -> Optional[str]:
        """Record the prefix an app object was made with (``APIRouter(prefix=)``, ``Blueprint(url_prefix=)``)
        and return its key, which registrations on it carry as their owner."""
        key = self.key(receiver, function)
        if key is None or key in self.routes.own_prefixes or not isinstance(receiver, ast.Name):
            return key
        scope, value, kind = self.lookup(receiver.id, function)
        if kind == "value" and isinstance(value, ast.Call):
            prefix = keyword_value(value, "prefix")
            own = self.path(prefix or keyword_value(value, "url_prefix"), scope)
            self.routes.own_prefixes[key] = (own, FASTAPI if prefix is not None else FLASK)
        return key

    # -- paths -------------------------------------------------------------------------------------------------

    def path(self, expr: Optional[ast.AST], function: Optional[ast.AST], depth: int = 0) -> RoutePath:
        """A path part: a literal string, a module or function constant holding one (``PREFIX``), or these
        joined with ``+`` or in an f-string (``PREFIX + "/list"``, ``f"{PREFIX}/list"``)."""
        if expr is None:
            return NO_PATH
        text = string_value(expr)
        if text is not None and isinstance(expr, ast.Constant):  # (a string literal is a Constant)
            span = Span.of(expr)
            self.literals[span] = expr
            return RoutePath(text, (PathPart(text, span),))
        if depth > 4:
            return UNKNOWN_PATH
        parts: list[ast.expr] = []
        if isinstance(expr, ast.Name):
            _scope, value, kind = self.lookup(expr.id, function)
            if kind == "value" and value is not None:
                return self.path(value, function, depth + 1)
        elif isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            parts = [expr.left, expr.right]
        elif isinstance(expr, ast.JoinedStr):
            parts = [value.value if isinstance(value, ast.FormattedValue) and value.format_spec is None
                     and value.conversion == -1 else value for value in expr.values]
        if not parts:
            return UNKNOWN_PATH
        pieces = [self.path(part, function, depth + 1) for part in parts]
        if any(piece.text is None for piece in pieces):
            return UNKNOWN_PATH
        text = "".join(piece.text or "" for piece in pieces)
        return RoutePath(text, tuple(part for piece in pieces for part in piece.parts))

    def route_string(self, path: RoutePath, framework: str) -> None:
        """The literal strings of ``path`` are route paths or prefixes of ``framework`` (BE302 reads them)."""
        self.routes.route_strings.extend((part, framework) for part in path.parts)

    def class_path(self, cls: ast.ClassDef, attribute: str) -> RoutePath:
        """A class attribute holding a path (Litestar ``Controller.path``, Flask-AppBuilder ``route_base``)."""
        for statement in cls.body:
            if isinstance(statement, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == attribute for target in statement.targets
            ):
                return self.path(statement.value, None)
            if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) \
                    and statement.target.id == attribute:
                return self.path(statement.value, None)
        return NO_PATH

    def class_prefix(self, cls: ast.AST) -> RoutePath:
        return self.class_prefixes.get(cls, NO_PATH)

    # -- registering ---------------------------------------------------------------------------------------------

    def register(
        self,
        function: FunctionNode,
        framework: str,
        methods: frozenset[str],
        path: RoutePath,
        registration: ast.AST,
        owner: Optional[str] = None,
    ) -> None:
        """``function`` (a ``def`` of this module) answers ``methods`` at ``path`` (on the object ``owner``)."""
        self.route_string(path, framework)
        self.registered[function] = self.registered.get(function, frozenset()) | methods
        self.routes.registrations.append(
            Registration(framework, self.qualname(function), methods, path, Span.of(registration), owner)
        )
        self.endpoint_nodes.append(function)

    def endpoints(
        self, expr: Optional[ast.AST], function: Optional[ast.AST]
    ) -> tuple[list[tuple[FunctionNode, Optional[ast.ClassDef]]], Optional[tuple[str, str]]]:
        """What an endpoint expression stands for: the local functions (a function, or a class-based view's
        methods), or ``(module, name)`` when it is imported (``views.order_detail``, ``OrderView.as_view()``)."""
        if expr is None:
            return [], None
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "as_view":
            expr = expr.func.value
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            module = self.imports.resolve(expr.value)
            kind = self.lookup(expr.value.id, function)[2]
            return [], (module, expr.attr) if module is not None and kind == "import" else None
        if not isinstance(expr, ast.Name):
            return [], None
        found = resolve_name(expr, self.ctx, self.scope(function))
        if isinstance(found, Imported):
            module, _, name = found.qualified.rpartition(".")
            return [], (module, name) if module else None
        node = found.node if isinstance(found, Definition) else None
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return [(node, None)], None
        if not isinstance(node, ast.ClassDef):
            return [], None
        return [
            (statement, node) for statement in node.body
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name in VERBS
        ], None

    def register_endpoint(
        self,
        expr: Optional[ast.AST],
        function: Optional[ast.AST],
        framework: str,
        methods: Optional[frozenset[str]],
        path: RoutePath,
        registration: ast.AST,
        owner: Optional[str] = None,
        answers: Optional[Callable[[FunctionNode], frozenset[str]]] = None,
    ) -> None:
        """Register what an endpoint expression stands for. ``methods=None``: the methods the endpoint answers
        (a class-based view's method names, a decorated view's methods, else ``answers(function)`` or GET)."""
        self.route_string(path, framework)
        local, imported = self.endpoints(expr, function)
        if imported is not None:
            module, name = imported
            self.routes.registrations.append(Registration(
                framework, name, methods or frozenset(), path, Span.of(registration), owner, module,
            ))
            self.endpoint_nodes.append(None)
        for endpoint, cls in local:
            if cls is not None:
                answered = frozenset({endpoint.name.upper()})
            elif methods is None and endpoint in self.registered:  # urlpatterns of a decorated view
                answered = self.registered[endpoint]
            elif methods is None and answers is not None:
                answered = answers(endpoint)
            else:
                answered = methods if methods is not None else GET
            self.register(endpoint, framework, answered, path, registration, owner)

    # -- the order of reading ----------------------------------------------------------------------------------

    def read(self) -> ModuleRoutes:
        """Every registration of the module, read once: the framework hooks in their order (see the class)."""
        if not self.frameworks:
            return self.routes
        found, hooks = self.found, self.hooks
        for call, function in found.calls:
            for include in hooks.include:
                if include(self, call, function):
                    break
        for function, _outer, cls in found.functions:
            for decorator in function.decorator_list:
                self._decorator(function, cls, decorator)
        for cls, _outer in found.classes:
            for decorator in cls.decorator_list:
                for class_decorator in hooks.class_decorator:
                    if class_decorator(self, cls, decorator):
                        break
            self._class_routes(cls)
        for call, function in found.calls:
            for hook in hooks.call:
                if hook(self, call, function):
                    break  # the first that claims the call reads it
            for passed in [*call.args, *(keyword.value for keyword in call.keywords)]:
                if may_route(passed):
                    self.value_routes(passed, function)
        for value, function in found.values:
            self.value_routes(value, function)
            if isinstance(value, ast.Call):
                app_wide_middleware(self, value)
        for views in hooks.module_views:
            views(self)
        app_wide(self)
        return self.routes

    def _decorator(self, function: FunctionNode, cls: Optional[ast.ClassDef], decorator: ast.expr) -> None:
        call = decorator if isinstance(decorator, ast.Call) else None
        target = call.func if call is not None else decorator
        owner = self.found.enclosing.get(function)
        qualified = self.qualified(target)
        if qualified and qualified.partition(".")[0] in FRAMEWORK_OF_MODULE:
            hook = self.hooks.decorator.get(FRAMEWORK_OF_MODULE[qualified.partition(".")[0]])
            if hook is not None:
                hook(self, function, cls, qualified, call, decorator)
            return
        if call is None or not isinstance(target, ast.Attribute):
            return
        verb = target.attr
        if verb not in VERBS and verb not in ("route", "api_route", "view"):
            return
        framework = self.made_by_framework(target.value, owner)
        guessed = framework is None
        if guessed:
            framework = self.guessed_framework(target.value, owner)
        if framework is None or (cls is not None and framework != AIOHTTP):
            return
        methods, path_arg = self.hooks.object_route[framework](call, verb)
        path = self.path(path_arg, owner)
        if guessed and (path.text is None or not (path.text == "" or path.text.startswith("/"))):
            return  # a receiver known only by guess needs a literal path to count
        self.register(function, framework, methods, path, decorator, self.own_prefix(target.value, owner))

    def include(self, call: ast.Call, function: Optional[ast.AST], prefix: Optional[ast.expr], framework: str,
                replaces_own: bool = False) -> None:
        """``parent.include_router(child, prefix=...)``: routes registered on the child get the prefix."""
        path = self.path(prefix, function)
        self.route_string(path, framework)
        key = self.key(call.args[0], function)
        if key is not None and key not in self.routes.inclusions:
            func = call.func  # ``parent.include_router``: the readers pass attribute calls only
            parent = self.own_prefix(func.value, function) if isinstance(func, ast.Attribute) else None
            self.routes.inclusions[key] = Inclusion(parent, path, replaces_own and path.text is not None)

    def value_routes(self, value: ast.expr, function: Optional[ast.AST]) -> None:
        """Route tables: ``urlpatterns``, Starlette ``routes``/``Mount``, aiohttp ``web.post(...)``, Litestar."""
        if isinstance(value, ast.BinOp):  # urlpatterns = [...] + static(...)
            self.value_routes(value.left, function)
            self.value_routes(value.right, function)
            return
        self.table(value, function, NO_PATH, set())

    def table(self, value: ast.AST, function: Optional[ast.AST], prefix: RoutePath, seen: set[int]) -> None:
        """One value of a route table, under ``prefix`` (a ``Mount``'s path); names are followed inside."""
        if id(value) in seen:
            return
        seen.add(id(value))
        if isinstance(value, (ast.List, ast.Tuple)):
            for element in value.elts:
                self.table(element, function, prefix, seen)
            return
        if isinstance(value, ast.Name) and prefix.text is not None:
            _scope, resolved, kind = self.lookup(value.id, function)
            if kind == "value" and resolved is not None:
                self.table(resolved, function, prefix, seen)
            return
        if not isinstance(value, ast.Call) or callee_name(value) not in TABLE_CALLS:
            return
        qualified = self.qualified(value.func) or ""
        top, name = qualified.partition(".")[0], qualified.rpartition(".")[2]
        for table in self.hooks.table:
            if table(self, value, function, prefix, seen, top, name):
                break

    # -- class-based views -------------------------------------------------------------------------------------

    def class_kind(self, cls: ast.ClassDef, depth: int = 0) -> Optional[tuple[str, str]]:
        """``(framework, kind)`` of a class-based view class, or ``None``."""
        if cls in self.class_kinds:
            return self.class_kinds[cls]
        self.class_kinds[cls] = None
        found: Optional[tuple[str, str]] = None
        for base in cls.bases:
            qualified = self.qualified(base)
            local = None if qualified else self._base_class(cls, base)
            if qualified:
                found = next((
                    (framework, kind) for prefix, framework, kind in self.hooks.class_bases
                    if qualified.startswith(prefix)
                ), None)
                if found is None and qualified.partition(".")[0] not in FRAMEWORK_OF_MODULE:
                    found = self._kind_by_name(qualified.rpartition(".")[2])
            elif isinstance(local, ast.ClassDef) and depth < 10:
                found = self.class_kind(local, depth + 1)
            else:
                written = dotted_name(base)  # None for ``factory(**kw).__class__``: nothing to go by
                found = self._kind_by_name(written.rpartition(".")[2]) if written else None
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
        frameworks = self.frameworks
        if name.endswith("ViewSet") and DRF in frameworks:
            return DRF, VIEWSET
        if name.endswith("APIView") and DRF in frameworks:
            return DRF, HTTP_NAMED
        if name.endswith("View") and (DJANGO in frameworks or DRF in frameworks):
            return (DRF if DRF in frameworks else DJANGO), HTTP_NAMED
        return None

    def _class_routes(self, cls: ast.ClassDef) -> None:
        """The handler methods of a class-based view: named for HTTP methods, or ViewSet actions."""
        kind = self.class_kind(cls)
        if kind is None or kind[1] == DECORATED:
            return
        framework, style = kind
        for statement in cls.body:
            if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            name = statement.name
            if style == VIEWSET:
                method = VIEWSET_ACTIONS.get(name)
                methods = frozenset({method}) if method else None
            else:
                methods = frozenset({name.upper()}) if name in VERBS else None
            if methods is None or statement in self.registered:
                continue
            params = positional_params(statement)
            if framework in (DJANGO, DRF) and (len(params) < 2 or params[1].arg not in ("request", "req")):
                continue
            self.register(statement, framework, methods, self.class_prefix(cls), statement)


# --- what the framework modules share -----------------------------------------------------------------------


def verb_route(call: ast.Call, verb: str, path_keyword: str = "path") -> tuple[frozenset[str], Optional[ast.expr]]:
    """``@app.post("/x")`` answers POST; ``@app.route("/x", methods=[...])`` its ``methods=`` (default GET).
    Returns the methods (empty: not readable) and the path argument."""
    path = argument(call, 0, path_keyword)
    if verb in VERBS:
        return frozenset({verb.upper()}), path
    listed = keyword_value(call, "methods")
    methods = methods_list(listed) if listed is not None else GET
    return methods or frozenset(), path
