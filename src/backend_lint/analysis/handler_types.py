"""The handler model's data: frameworks, handlers, their routes and parameters (see :mod:`.handlers`).

Kept apart from the code that reads routes (:mod:`.handler_routes`) so that both that code and the rules can
import these types without a cycle.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Optional, Union

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
class Route:
    """One registration of a handler: its methods, full path and the literal strings the path was built from."""

    methods: frozenset[str]
    path: Optional[str]
    path_nodes: tuple[ast.Constant, ...]
    registration: ast.AST
    """The decorator, call or class that registers the handler."""


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

