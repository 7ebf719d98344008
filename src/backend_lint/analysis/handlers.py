"""The HTTP handler model: which functions of a module answer HTTP requests, for which methods and paths.

API rules (BE301-BE304) and data rules (BE104) ask "is this function a POST handler?", "what is its full path?",
"through which name does it read the request?". The answers depend on the framework, so they are worked out
here once per file (a walk over statements, not expressions), as a fact of the file::

    model = handler_model(ctx)                 # every handler of the file, and every route path string
    handler = handler_for(ctx, function)       # the Handler of one ``def``, or None
    handler = handler_for(ctx, function, "GET")  # ... only if it answers GET
    handler.framework, handler.methods, handler.paths, handler.request_names, handler.params

What registers a handler, per framework:

- FastAPI: ``@app.get/post/put/patch/delete/head/options/api_route`` on ``FastAPI()``/``APIRouter()`` and
  ``add_api_route``; prefixes from ``APIRouter(prefix=)`` and ``include_router(router, prefix=)``.
- Flask (and Quart): ``@app.route(..., methods=)``, ``@bp.get/post/...``, ``add_url_rule`` (functions and
  ``View.as_view``), ``MethodView``/flask-restful/flask-restx ``Resource`` classes (``add_resource``,
  ``@ns.route``), Flask-AppBuilder
  ``@expose`` (with the class's ``route_base``); prefixes from ``Blueprint(url_prefix=)`` and
  ``register_blueprint(bp, url_prefix=)``. Routes defined inside an app factory count.
- Django: function views (first parameter ``request``) in views modules, decorated by Django or listed in
  this module's ``urlpatterns``; methods from ``@require_POST``/``@require_http_methods`` or from
  ``request.method`` comparisons (a view that restricts nothing answers GET); class-based views' ``get``,
  ``post``, ... methods.
- DRF: ``APIView``/generic view methods, ViewSet actions (``list``/``retrieve`` GET, ``create`` POST,
  ``update`` PUT, ``partial_update`` PATCH, ``destroy`` DELETE), ``@action(methods=)``, ``@api_view([...])``,
  ``router.register`` prefixes.
- Starlette: ``Route(path, endpoint, methods=)`` anywhere in route lists, ``HTTPEndpoint`` methods, ``Mount``.
- aiohttp: ``RouteTableDef`` decorators, ``router.add_get/add_post/add_route/add_view``, ``web.get(...)`` route
  tables, ``web.View`` classes.
- Litestar: ``@get/@post/...``/``@route(http_method=)``, ``Controller`` classes with ``path``,
  ``Router(path=, route_handlers=[...])`` prefixes.

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
from backend_lint.analysis.handler_routes import build_model
from backend_lint.analysis.handler_types import (
    AIOHTTP,
    DJANGO,
    DRF,
    FASTAPI,
    FLASK,
    FRAMEWORK_MODULES,
    LITESTAR,
    STARLETTE,
    Handler,
    HandlerModel,
    Param,
    Route,
    join_path,
)
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
    """The handler model of the file."""
    source = ctx.source
    if ctx.project_path.endswith(".pyi") or not any(module in source for module in FRAMEWORK_MODULES):
        return HandlerModel()  # stubs declare signatures, they serve nothing
    return build_model(ctx)


@reads(handler_model)
def handler_for(ctx: FileContext, function: ast.AST, method: Optional[str] = None) -> Optional[Handler]:
    """The handler ``function`` is (if it answers ``method``, when given), else ``None``."""
    return handler_model(ctx).handler_for(function, method)
