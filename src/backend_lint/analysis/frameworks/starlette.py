"""Starlette (and the Starlette side of FastAPI): route tables, ``HTTPEndpoint`` classes, ``add_route``.

``Route(path, endpoint, methods=[...])`` anywhere in a route list (default GET; an ``HTTPEndpoint`` class
answers with its ``get``/``post``/... methods), ``Mount(path, routes=[...])``/``Router(routes=[...])``/
``Starlette(routes=[...])``/``FastAPI(routes=[...])`` nesting with the mount's path in front, and
``app.add_route(path, endpoint, methods=)``/``add_api_route(path, endpoint, methods=)`` on a Starlette or
FastAPI app, which also gets the app's own prefix.
"""

from __future__ import annotations

import ast
from typing import Optional

from backend_lint.analysis.ast_helpers import argument, keyword_value
from backend_lint.analysis.frameworks.reading import HTTP_NAMED, Reader, methods_list, verb_route
from backend_lint.analysis.handler_types import FASTAPI, STARLETTE, RoutePath

FRAMEWORK = STARLETTE
CLASS_BASES = (("starlette.endpoints.HTTPEndpoint", HTTP_NAMED),)


def object_route(call: ast.Call, verb: str) -> tuple[frozenset[str], Optional[ast.expr]]:
    return verb_route(call, verb)


def call(reader: Reader, written: ast.Call, function: Optional[ast.AST]) -> bool:
    """``app.add_route("/ping", ping)`` / ``app.add_api_route("/ping", ping, methods=["POST"])``."""
    func = written.func
    if not (isinstance(func, ast.Attribute) and func.attr in ("add_api_route", "add_route")):
        return False
    framework = reader.app_framework(func.value, function)
    if framework not in (FASTAPI, STARLETTE):
        return False
    listed = keyword_value(written, "methods")
    path = reader.path(argument(written, 0, "path"), function)
    reader.register_endpoint(argument(written, 1, "endpoint" if func.attr == "add_api_route" else "route"),
                             function, framework or FASTAPI, methods_list(listed) if listed is not None else None,
                             path, written, reader.own_prefix(func.value, function))
    return True


def table(
    reader: Reader, value: ast.Call, function: Optional[ast.AST], prefix: RoutePath, seen: set[int], top: str, name: str
) -> bool:
    """``Route(...)`` entries, and ``Mount``/``Router``/``Starlette``/``FastAPI`` holding more routes."""
    if top == "starlette" and name == "Route":
        listed = keyword_value(value, "methods")
        route = prefix.route(reader.path(argument(value, 0, "path"), function))
        reader.register_endpoint(argument(value, 1, "endpoint"), function, STARLETTE,
                                 methods_list(listed) if listed is not None else None, route, value)
        return True
    if top in ("starlette", "fastapi") and name in ("Mount", "Router", "Starlette", "FastAPI"):
        inner = prefix
        if name == "Mount":
            inner = prefix.then(reader.path(argument(value, 0, "path"), function))
        routes = keyword_value(value, "routes") or (argument(value, 1, "routes") if name == "Mount" else None)
        if routes is not None:
            reader.table(routes, function, RoutePath(inner.text or "", inner.parts), seen)
        return True
    return False
