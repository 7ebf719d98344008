"""The HTTP handler model: which functions of a module answer HTTP requests, for which methods and paths.

API rules (BE301-BE304) and data rules (BE104) ask "is this function a POST handler?", "what is its full path?",
"through which name does it read the request?". The answers depend on the framework, so they are worked out
here once per file (a walk over statements, not expressions), as a fact of the file::

    model = handler_model(ctx)                 # every handler of the file, and every route path string
    handler = handler_for(ctx, function)       # the Handler of one ``def``, or None
    handler = handler_for(ctx, function, "GET")  # ... only if it answers GET
    handler.framework, handler.methods, handler.paths, handler.request_names, handler.params

How it is built: :mod:`.frameworks` reads what the module registers, one module per framework (FastAPI,
Flask, Django, DRF, Starlette, aiohttp, Litestar: each module's docstring lists what it recognises), as plain
registrations (endpoint names, methods, paths, positions; ``handler_model(ctx).routes``);
:mod:`.handler_routes` joins the prefixes; this module resolves the registrations to the file's ``def`` nodes
and reads each handler's request names and parameters.

Receivers are known by how they were made (``app = FastAPI()``, ``bp = Blueprint(...)``), through import
aliases and app factories. A receiver that cannot be resolved (``from .app import app``) still counts when the
file imports exactly one of FastAPI and Flask and the decorator has a literal path, because that is how
route modules are written. Class-based views whose base class lives in another module of the project count
when the base's name says so (``...ViewSet``, ``...APIView``, ``...View``) and the method takes
``(self, request, ...)``. A file that mentions no web framework costs one substring scan.

Paths are joined from literal strings, string constants, and ``+`` or f-strings of those; an unreadable
route path makes the path unknown (``paths`` leaves it out), while an unreadable prefix is left out of the
path. Methods are upper case; an empty set means the methods could not be read.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.facts import file_fact, reads
from backend_lint.analysis.frameworks import read_routes
from backend_lint.analysis.frameworks.reading import Reader, positional_params
from backend_lint.analysis.handler_routes import joined_paths
from backend_lint.analysis.handler_types import (
    AIOHTTP,
    DJANGO,
    DRF,
    FASTAPI,
    FLASK,
    FRAMEWORK_MODULES,
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
from backend_lint.analysis.resolve import lookup, resolve_name
from backend_lint.analysis.values import origin

if TYPE_CHECKING:
    from backend_lint.context import FileContext

__all__ = [
    "AIOHTTP", "DJANGO", "DRF", "FASTAPI", "FLASK", "FRAMEWORK_MODULES", "LITESTAR", "STARLETTE", "Handler",
    "HandlerModel", "Param", "Route", "handler_for", "handler_model", "join_path",
]


@file_fact(reads=(bindings_of, lookup, resolve_name, origin))
def handler_model(ctx: FileContext) -> HandlerModel:
    """The handler model of the file: its registrations with full paths, resolved to its ``def`` nodes."""
    source = ctx.source
    if ctx.role_path.endswith(".pyi") or not any(module in source for module in FRAMEWORK_MODULES):
        return HandlerModel()  # stubs declare signatures, they serve nothing
    reader = read_routes(ctx)
    routes = reader.routes
    model = HandlerModel(routes.frameworks, routes=routes, scopes=reader.found.scopes)
    paths, strings = joined_paths(routes)
    classes = {function: cls for function, _outer, cls in reader.found.functions}
    for registration, path, function in zip(routes.registrations, paths, reader.endpoint_nodes):
        if function is None:
            continue  # defined in another module
        handler = model.handlers.get(function)
        if handler is None:
            handler = model.handlers[function] = _handler(reader, function, registration.framework, classes[function])
        route = Route(registration.methods, path.text, path.parts, registration.span, registration.owner)
        for index, existing in enumerate(handler.routes):
            if existing.span == route.span:  # a route table reached again through a Mount/Router
                if len(route.parts) > len(existing.parts):
                    handler.routes[index] = route
                break
        else:
            handler.routes.append(route)
    for part, framework in strings:
        literal = reader.literals.get(part.span)
        if literal is not None:
            model.route_strings.setdefault(literal, framework)
    return model


@reads(handler_model)
def handler_for(ctx: FileContext, function: ast.AST, method: Optional[str] = None) -> Optional[Handler]:
    """The handler ``function`` is (if it answers ``method``, when given), else ``None``."""
    return handler_model(ctx).handler_for(function, method)


def _handler(reader: Reader, function: FunctionNode, framework: str, cls: Optional[ast.ClassDef]) -> Handler:
    request_names = _request_names(reader, function, framework, cls)
    params = tuple(param for param in _params(reader, function, cls) if param.name not in request_names)
    return Handler(function, framework, cls, request_names, params)


def _request_names(
    reader: Reader, function: FunctionNode, framework: str, cls: Optional[ast.ClassDef]
) -> frozenset[str]:
    """The written names through which the handler reads its request."""
    if framework == FLASK:
        names = reader.imports.names.items()
        return frozenset(name for name, qualified in names if qualified in ("flask.request", "quart.request")) | \
            frozenset(f"{name}.request" for name, qualified in names if qualified in ("flask", "quart"))
    params = positional_params(function)
    found: set[str] = set()
    if cls is not None:
        if framework in (DJANGO, DRF, AIOHTTP):
            found.add(f"{params[0].arg}.request" if params else "self.request")
        params = params[1:]
    if framework in (DJANGO, DRF, AIOHTTP, STARLETTE) and params and (cls is None or framework != AIOHTTP):
        found.add(params[0].arg)  # the request is the first argument (after self)
    for arg in [*params, *function.args.kwonlyargs]:
        typed = reader.qualified(_unwrap_annotated(arg.annotation))
        if arg.arg == "request" or (typed and typed.rpartition(".")[2] in ("Request", "HTTPConnection")):
            found.add(arg.arg)
    return frozenset(found)


def _params(reader: Reader, function: FunctionNode, cls: Optional[ast.ClassDef]) -> tuple[Param, ...]:
    """The handler's parameters other than ``self``, each with its FastAPI/Litestar marker."""
    args = function.args
    positional = positional_params(function)
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
            metadata = annotated_metadata(arg.annotation)
            marker_call = next((item for item in metadata if isinstance(item, ast.Call)), None)
            in_annotated = marker_call is not None
        marker = reader.qualified(marker_call.func) if marker_call is not None else None
        params.append(Param(arg, default, marker, marker_call, in_annotated))
    return tuple(params)


def _unwrap_annotated(annotation: Optional[ast.expr]) -> Optional[ast.expr]:
    """``Annotated[T, ...]``/``Optional[T]`` -> ``T`` (by name: the model only reads the base type)."""
    if isinstance(annotation, ast.Subscript):
        wrapper = dotted_name(annotation.value) or ""
        if wrapper.rpartition(".")[2] in ("Annotated", "Optional"):
            inner = annotation.slice
            return inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
    return annotation


def annotated_metadata(annotation: Optional[ast.expr]) -> list[ast.expr]:
    """The metadata of ``Annotated[T, meta, ...]`` (empty for any other annotation)."""
    if isinstance(annotation, ast.Subscript) and (dotted_name(annotation.value) or "").endswith("Annotated"):
        inner = annotation.slice
        if isinstance(inner, ast.Tuple):
            return list(inner.elts[1:])
    return []
