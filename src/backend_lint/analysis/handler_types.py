"""The handler model's data: frameworks, route registrations, handlers, their routes and parameters.

Two layers. What a module *registers* is plain data (:class:`Registration`, :class:`Inclusion`, :class:`RoutePath`,
:class:`Span`): names, strings and source positions, never a tree node, so it can be compared across files and
sent between worker processes (a Django ``urls.py`` entry names ``shop.views.order_detail``; the view is found in
``views.py`` by that name). The *handler model* of one file (:class:`Handler`, :class:`HandlerModel`) resolves
the registrations of that file to its ``def`` nodes, which is what rules ask about.

Kept apart from the code that reads routes (:mod:`.frameworks`) and joins them (:mod:`.handler_routes`) so that
all of them and the rules can import these types without a cycle.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Optional, Union

from backend_lint.analysis.scopes import Scope

FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]

FASTAPI = "fastapi"
FLASK = "flask"
DJANGO = "django"
DRF = "drf"
STARLETTE = "starlette"
AIOHTTP = "aiohttp"
LITESTAR = "litestar"

FRAMEWORK_OF_MODULE = {
    "fastapi": FASTAPI,
    "flask": FLASK,
    "flask_appbuilder": FLASK,
    "flask_restful": FLASK,
    "flask_restx": FLASK,
    "quart": FLASK,  # Flask's API, async
    "django": DJANGO,
    "rest_framework": DRF,
    "starlette": STARLETTE,
    "aiohttp": AIOHTTP,
    "litestar": LITESTAR,
}
FRAMEWORK_MODULES = tuple(FRAMEWORK_OF_MODULE)
"""Top-level modules of the supported frameworks: the trigger words of rules built on this model."""


@dataclass(frozen=True)
class Param:
    """One handler parameter other than ``self`` and the request object, with its FastAPI/Litestar marker."""

    arg: ast.arg
    default: Optional[ast.expr]
    marker: Optional[str]
    """Qualified callable of the marker (``fastapi.Header``, ``fastapi.Depends``, ``litestar.params.Parameter``),
    from the default or from ``Annotated[...]`` metadata."""
    marker_call: Optional[ast.Call]
    in_annotated: bool
    """The marker sits in ``Annotated[T, Marker(...)]`` rather than in the default."""

    @property
    def name(self) -> str:
        return self.arg.arg


@dataclass(frozen=True)
class Span:
    """Where something is written: 1-based line, 0-based UTF-8 column (as ``ast`` counts), and the end."""

    line: int
    col: int
    end_line: int
    end_col: int

    @classmethod
    def of(cls, node: ast.AST) -> Span:
        line: int = node.lineno  # type: ignore[attr-defined]  # spans are taken of nodes with a position
        col: int = node.col_offset  # type: ignore[attr-defined]  # (statements, expressions, arguments)
        return cls(line, col, getattr(node, "end_lineno", None) or line, getattr(node, "end_col_offset", None) or 0)


@dataclass(frozen=True)
class PathPart:
    """A literal string a route path is built from, and where it is written."""

    text: str
    span: Span


@dataclass(frozen=True)
class RoutePath:
    """A path or a part of one: its text (``None``: none, or not known) and the literal strings it is made of."""

    text: Optional[str] = None
    parts: tuple[PathPart, ...] = ()
    unknown: bool = False
    """Written but not readable (``settings.API_PREFIX``, a call): an unknown route path makes the path unknown."""

    def then(self, other: RoutePath) -> RoutePath:
        """This prefix followed by another prefix; a part that is not known is left out."""
        return RoutePath(join_path(self.text, other.text) if other.text is not None else self.text,
                         self.parts + other.parts)

    def route(self, path: RoutePath) -> RoutePath:
        """This prefix followed by a route's own path; an unknown route path makes the full path unknown."""
        if path.unknown:
            return RoutePath(None, self.parts + path.parts, unknown=True)
        return self.then(path)


NO_PATH = RoutePath()
UNKNOWN_PATH = RoutePath(unknown=True)


@dataclass(frozen=True)
class Registration:
    """One route registration of a module, as plain data."""

    framework: str
    endpoint: str
    """The endpoint's dotted name within its module: ``create_order``, ``OrderView.post``,
    ``create_app.<locals>.ping`` (Python's ``__qualname__``)."""
    methods: frozenset[str]
    """Upper case; empty when they could not be read."""
    path: RoutePath
    """The route's own path, before the prefixes of the object it is registered on."""
    span: Span
    """The decorator, call, table entry or class that registers it."""
    owner: Optional[str] = None
    """The app, router or blueprint it is registered on (a key of :attr:`ModuleRoutes.inclusions`)."""
    module: Optional[str] = None
    """The module the endpoint is imported from (``shop.views``); ``None``: defined in this module."""


@dataclass(frozen=True)
class Inclusion:
    """Where an app object (router, blueprint) is included: ``app.include_router(orders, prefix="/v1")``."""

    parent: Optional[str]
    """The object it is included in (its key), ``None`` when that cannot be named."""
    prefix: RoutePath
    replaces_own: bool
    """``register_blueprint(bp, url_prefix=...)`` replaces the blueprint's own ``url_prefix``."""


@dataclass
class ModuleRoutes:
    """Everything one module says about routing, as plain data (:mod:`.frameworks` reads it)."""

    frameworks: frozenset[str] = frozenset()
    registrations: list[Registration] = field(default_factory=list)
    own_prefixes: dict[str, tuple[RoutePath, str]] = field(default_factory=dict)
    """App object key -> the prefix it was made with (``APIRouter(prefix=...)``) and the framework."""
    inclusions: dict[str, Inclusion] = field(default_factory=dict)
    """App object key -> where it is included (the first inclusion read)."""
    endpoint_prefixes: dict[str, RoutePath] = field(default_factory=dict)
    """Class or function dotted name -> a prefix given where it is routed (``router.register("orders",
    OrderViewSet)``, ``Router(path=..., route_handlers=[...])``)."""
    route_strings: list[tuple[PathPart, str]] = field(default_factory=list)
    """Literal route paths and prefixes, with the framework that routes on them."""
    url_includes: list[tuple[RoutePath, str]] = field(default_factory=list)
    """Django ``path("api/", include("shop.api.urls"))``: the prefix and the URL conf included, as written (a
    dotted string, or the qualified name of an imported module; relative names keep their dots)."""
    app_wide: list[tuple[str, str, str]] = field(default_factory=list)
    """``(kind, framework, target)`` run for every request of an app: kind ``middleware``
    (``app.add_middleware(X)``, ``Middleware(X)`` in an app's ``middleware=[...]``) or ``hook`` (Flask
    ``before_request``); the target is qualified (``shop.middleware.Idempotency``) or local (``.Idempotency``
    for a name of this module)."""


@dataclass(frozen=True)
class Route:
    """One route of a handler: its methods, full path and the literal strings the path was built from."""

    methods: frozenset[str]
    path: Optional[str]
    parts: tuple[PathPart, ...]
    span: Span
    """Where it is registered."""
    owner: Optional[str] = None
    """The app object (router, blueprint) it is registered on: a key of :attr:`ModuleRoutes.inclusions`."""


@dataclass
class Handler:
    """A function that answers HTTP requests."""

    function: FunctionNode
    framework: str
    class_: Optional[ast.ClassDef]
    request_names: frozenset[str]
    """Written names through which the handler reads its request: ``request``, ``req``, ``self.request``, or the
    names bound to ``flask.request`` in a Flask module."""
    params: tuple[Param, ...]
    routes: list[Route] = field(default_factory=list)

    @property
    def methods(self) -> frozenset[str]:
        return frozenset().union(*(route.methods for route in self.routes))

    @property
    def paths(self) -> list[str]:
        return [route.path for route in self.routes if route.path is not None]

    def handles(self, method: str) -> bool:
        return method.upper() in self.methods

    def param(self, name: str) -> Optional[Param]:
        return next((param for param in self.params if param.name == name), None)


@dataclass
class HandlerModel:
    """Every handler of one module, and every literal string used as a route path or prefix."""

    frameworks: frozenset[str] = frozenset()
    handlers: dict[ast.AST, Handler] = field(default_factory=dict)
    route_strings: dict[ast.Constant, str] = field(default_factory=dict)
    """Literal route paths and prefixes (decorators, ``urlpatterns``, ``Mount``, ``router.register``) -> the
    framework that routes on them."""
    routes: ModuleRoutes = field(default_factory=ModuleRoutes)
    """What the module registers, as plain data (what crosses files)."""
    scopes: dict[ast.AST, Scope] = field(default_factory=dict)
    """The scope link of each ``def`` and ``class`` of the module (its body's scope), so that what a handler
    calls resolves where it is written (:func:`~backend_lint.analysis.resolve.called_function`)."""

    def handler_for(self, function: ast.AST, method: Optional[str] = None) -> Optional[Handler]:
        handler = self.handlers.get(function)
        if handler is None or (method is not None and not handler.handles(method)):
            return None
        return handler


def join_path(prefix: Optional[str], path: Optional[str]) -> Optional[str]:
    """``prefix`` + ``path`` with exactly one ``/`` between them (``None`` parts are left out)."""
    if not prefix:
        return path
    if path is None:
        return None
    if not path:
        return prefix
    return prefix.rstrip("/") + "/" + path.lstrip("/")

