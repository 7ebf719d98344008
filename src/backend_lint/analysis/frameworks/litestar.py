"""Litestar: route handler decorators, ``Controller`` classes and ``Router`` prefixes.

``@get/@post/...(path)`` and ``@route(path, http_method=[...])`` on functions and on ``Controller`` methods
(under the controller's ``path``); a handler without a path answers at ``/``. ``Router(path=...,
route_handlers=[...])`` gives the handlers and controllers it lists its path as a prefix.
"""

from __future__ import annotations

import ast
from typing import Optional

from backend_lint.analysis.ast_helpers import argument, keyword_value
from backend_lint.analysis.frameworks.reading import DECORATED, VERBS, Reader, methods_list
from backend_lint.analysis.handler_types import LITESTAR, NO_PATH, FunctionNode, RoutePath

FRAMEWORK = LITESTAR
CLASS_BASES = (("litestar.", DECORATED),)


def decorator(
    reader: Reader,
    function: FunctionNode,
    cls: Optional[ast.ClassDef],
    qualified: str,
    call: Optional[ast.Call],
    written: ast.expr,
) -> None:
    """``@post("/orders")``, ``@route("/orders", http_method=["GET", "POST"])``."""
    name = qualified.rpartition(".")[2]
    if not qualified.startswith("litestar.") or not (name in VERBS or name == "route"):
        return
    methods = frozenset({name.upper()}) if name != "route" else (
        methods_list(keyword_value(call, "http_method")) if call is not None else None) or frozenset()
    path = reader.path(argument(call, 0, "path"), None) if call is not None else NO_PATH
    if path.text is None and (call is None or argument(call, 0, "path") is None):
        path = RoutePath("/")
    prefix = reader.class_prefix(cls or function)
    if cls is not None:
        prefix = reader.class_prefix(cls).then(reader.class_path(cls, "path"))
    reader.register(function, LITESTAR, methods, prefix.route(path), written)


def table(
    reader: Reader, value: ast.Call, function: Optional[ast.AST], prefix: RoutePath, seen: set[int], top: str, name: str
) -> bool:
    """``Router(path="/api", route_handlers=[create_order, OrderController])`` and ``Litestar([...])``."""
    if top != "litestar" or name not in ("Router", "Litestar"):
        return False
    inner = prefix
    if name == "Router":
        inner = prefix.then(reader.path(keyword_value(value, "path"), function))
    handlers = keyword_value(value, "route_handlers")
    if isinstance(handlers, (ast.List, ast.Tuple)) and inner.text is not None:
        for element in handlers.elts:
            if not isinstance(element, ast.Name):
                continue
            reader.route_string(inner, LITESTAR)
            found = reader.defined(element, function)
            if isinstance(found, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                reader.routes.endpoint_prefixes.setdefault(reader.qualname(found), inner)
    return True
