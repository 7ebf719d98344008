"""aiohttp: ``RouteTableDef`` decorators, router methods, ``web.get(...)`` route tables, ``web.View`` classes.

``@routes.get/post/...(path)`` and ``@routes.route(method, path)`` on a ``web.RouteTableDef()`` (also on the
methods of a class, as aiohttp allows), ``@routes.view(path)`` on a ``web.View`` class, ``app.router.add_get/
add_post/.../add_route(method, path, handler)/add_view(path, View)``, and ``web.get(path, handler)``/
``web.route(method, path, handler)``/``web.view(path, View)`` entries of a route table (``app.add_routes([...])``).
"""

from __future__ import annotations

import ast
from typing import Optional

from backend_lint.analysis.ast_helpers import argument
from backend_lint.analysis.frameworks.reading import HTTP_NAMED, VERBS, Reader, methods_list, verb_route
from backend_lint.analysis.frameworks.statements import HTTP_VERBS
from backend_lint.analysis.handler_types import AIOHTTP, RoutePath

FRAMEWORK = AIOHTTP
CLASS_BASES = (("aiohttp.web.View", HTTP_NAMED), ("aiohttp.web_urldispatcher.View", HTTP_NAMED))


def object_route(call: ast.Call, verb: str) -> tuple[frozenset[str], Optional[ast.expr]]:
    """``@routes.route("POST", "/orders")`` names its method first; the others are Flask-like."""
    if verb == "route":
        return methods_list(argument(call, 0, "method")) or frozenset(), argument(call, 1, "path")
    return verb_route(call, verb)


def class_decorator(reader: Reader, cls: ast.ClassDef, written: ast.expr) -> bool:
    """``@routes.view("/orders")`` on a ``web.View`` class: the path of its methods' routes."""
    if not (isinstance(written, ast.Call) and isinstance(written.func, ast.Attribute) and written.func.attr == "view"):
        return False
    path = reader.path(argument(written, 0, "path"), None)
    if path.text is not None:
        reader.route_string(path, AIOHTTP)
        reader.class_prefixes.setdefault(cls, path)
    return True


def call(reader: Reader, written: ast.Call, function: Optional[ast.AST]) -> bool:
    """``app.router.add_post("/orders", create)``, ``add_route("POST", path, handler)``, ``add_view(path, View)``."""
    func = written.func
    if not (isinstance(func, ast.Attribute) and func.attr.startswith("add_")):
        return False
    verb = func.attr[4:]
    if verb not in (*HTTP_VERBS, "route", "view") or not _is_router(reader, func.value, function):
        return False
    if verb == "route":
        methods = methods_list(argument(written, 0, "method"))
        path_arg, handler_arg = argument(written, 1, "path"), argument(written, 2, "handler")
    else:
        methods = frozenset({verb.upper()}) if verb != "view" else None
        path_arg, handler_arg = argument(written, 0, "path"), argument(written, 1, "handler")
    reader.register_endpoint(handler_arg, function, AIOHTTP, methods or None, reader.path(path_arg, function), written)
    return True


def table(
    reader: Reader, value: ast.Call, function: Optional[ast.AST], prefix: RoutePath, seen: set[int], top: str, name: str
) -> bool:
    """``web.post("/orders", create)``, ``web.route("POST", path, handler)``, ``web.view(path, View)``."""
    if top != "aiohttp" or not (name in VERBS or name in ("route", "view")):
        return False
    if name == "route":
        methods = methods_list(argument(value, 0, "method"))
        path_arg, handler_arg = argument(value, 1, "path"), argument(value, 2, "handler")
    else:
        methods = frozenset({name.upper()}) if name != "view" else None
        path_arg, handler_arg = argument(value, 0, "path"), argument(value, 1, "handler")
    reader.register_endpoint(handler_arg, function, AIOHTTP, methods, prefix.route(reader.path(path_arg, function)),
                             value)
    return True


def _is_router(reader: Reader, receiver: ast.AST, function: Optional[ast.AST]) -> bool:
    if AIOHTTP not in reader.frameworks:
        return False
    made = reader.origin(receiver, function) or ""
    return made.startswith("aiohttp.") or (isinstance(receiver, ast.Attribute) and receiver.attr == "router")
