"""Flask, Quart, flask-restful, flask-restx and Flask-AppBuilder.

``@app.route(rule, methods=[...])`` (default GET) and ``@bp.get/post/...`` on a ``Flask()``, ``Quart()`` or
``Blueprint()`` (also a project's own ``...Blueprint`` class, or an app imported from the project when the file
uses Flask and not FastAPI); ``add_url_rule(rule, endpoint, view_func, methods=)`` with a function or a
``View.as_view(...)``; ``MethodView`` and flask-restful/flask-restx ``Resource`` classes (methods named for HTTP
methods), registered with ``api.add_resource(Resource, *urls)`` or decorated ``@ns.route(path)``; and
Flask-AppBuilder ``@expose(url, methods=)`` under the class's ``route_base``. Prefixes: ``Blueprint(
url_prefix=)`` (read by the reader) and ``register_blueprint(bp, url_prefix=)``, which replaces the
blueprint's own. Routes defined inside an app factory count.
"""

from __future__ import annotations

import ast
from typing import Optional

from backend_lint.analysis.ast_helpers import argument, keyword_value
from backend_lint.analysis.frameworks.reading import DECORATED, GET, HTTP_NAMED, Reader, methods_list, verb_route
from backend_lint.analysis.handler_types import FLASK, FunctionNode

FRAMEWORK = FLASK
CLASS_BASES = (
    ("flask.views.", HTTP_NAMED),
    ("flask_restful.", HTTP_NAMED),
    ("flask_restx.", HTTP_NAMED),
    ("flask_appbuilder.", DECORATED),
)


def object_route(call: ast.Call, verb: str) -> tuple[frozenset[str], Optional[ast.expr]]:
    return verb_route(call, verb, "rule")


def include(reader: Reader, call: ast.Call, function: Optional[ast.AST]) -> bool:
    """``app.register_blueprint(bp, url_prefix="/api")``: replaces the blueprint's own ``url_prefix``."""
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "register_blueprint" and call.args):
        return False
    reader.include(call, function, keyword_value(call, "url_prefix"), FLASK, replaces_own=True)
    return True


def decorator(
    reader: Reader,
    function: FunctionNode,
    cls: Optional[ast.ClassDef],
    qualified: str,
    call: Optional[ast.Call],
    written: ast.expr,
) -> None:
    """Flask-AppBuilder ``@expose("/list", methods=[...])`` on a method of a view class."""
    if not (qualified.startswith("flask_appbuilder.") and qualified.endswith(".expose")):
        return
    if cls is None or call is None:
        return
    listed = keyword_value(call, "methods")
    methods = methods_list(listed) if listed is not None else GET
    path = reader.path(argument(call, 0, "url"), None)
    reader.register(function, FLASK, methods or frozenset(), reader.class_path(cls, "route_base").route(path), written)


def class_decorator(reader: Reader, cls: ast.ClassDef, written: ast.expr) -> bool:
    """``@ns.route("/todos")`` (flask-restx) on a resource class: the prefix of its methods' routes."""
    if not (isinstance(written, ast.Call) and isinstance(written.func, ast.Attribute) and written.func.attr == "route"):
        return False
    path = reader.path(argument(written, 0, "path"), None)
    if path.text is not None:
        reader.route_string(path, FLASK)
        reader.class_prefixes.setdefault(cls, path)
    return True


def call(reader: Reader, written: ast.Call, function: Optional[ast.AST]) -> bool:
    """``app.add_url_rule(rule, endpoint, view_func)`` and ``api.add_resource(Resource, *urls)``."""
    func = written.func
    if not isinstance(func, ast.Attribute):
        return False
    if func.attr == "add_url_rule":
        if reader.app_framework(func.value, function) != FLASK:
            return True
        listed = keyword_value(written, "methods")
        path = reader.path(argument(written, 0, "rule"), function)
        reader.register_endpoint(argument(written, 2, "view_func"), function, FLASK,
                                 methods_list(listed) if listed is not None else None, path, written,
                                 reader.own_prefix(func.value, function))
        return True
    if func.attr == "add_resource" and FLASK in reader.frameworks and len(written.args) >= 2:
        for url in written.args[1:]:
            reader.register_endpoint(written.args[0], function, FLASK, None, reader.path(url, function), written)
        return True
    return False
