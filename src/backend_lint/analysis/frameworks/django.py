"""Django: function views and class-based views, and ``urlpatterns`` entries.

A function view is a module-level function taking ``request`` first that is decorated by a view decorator
(``@require_POST``, ``@login_required``, ``@csrf_exempt``, ...), listed in this module's ``urlpatterns``, or
defined in a views module (``views.py``, ``views/...``) and returning a response (helpers there take
``request`` too, but return other things). Its methods come from ``@require_POST``/``@require_GET``/
``@require_safe``/``@require_http_methods``, else from ``request.method`` tests in its body (a view that
restricts nothing answers GET). Class-based views (``django.views``) answer with their ``get``/``post``/...
methods. ``path``/``re_path``/``url`` entries give paths; an ``include(...)`` entry only a prefix.
"""

from __future__ import annotations

import ast
from typing import Optional

from backend_lint.analysis.ast_helpers import argument
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.frameworks.reading import GET, HTTP_NAMED, Reader, methods_list, positional_params
from backend_lint.analysis.handler_types import DJANGO, DRF, NO_PATH, FunctionNode, RoutePath
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.tree_walk import walk

FRAMEWORK = DJANGO
CLASS_BASES = (("django.views.", HTTP_NAMED),)
_REQUIRE = {
    "require_POST": frozenset({"POST"}),
    "require_GET": frozenset({"GET"}),
    "require_safe": frozenset({"GET", "HEAD"}),
}
VIEW_DECORATOR_MODULES = (
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


def decorator(
    reader: Reader,
    function: FunctionNode,
    cls: Optional[ast.ClassDef],
    qualified: str,
    call: Optional[ast.Call],
    written: ast.expr,
) -> None:
    """``@require_POST`` and friends on a function view."""
    if cls is not None or not qualified.startswith("django."):
        return
    name = qualified.rpartition(".")[2]
    if name in _REQUIRE:
        reader.register(function, DJANGO, _REQUIRE[name], NO_PATH, written)
    elif name == "require_http_methods" and call is not None:
        methods = methods_list(argument(call, 0, "request_method_list")) or frozenset()
        reader.register(function, DJANGO, methods, NO_PATH, written)


def table(
    reader: Reader, value: ast.Call, function: Optional[ast.AST], prefix: RoutePath, seen: set[int], top: str, name: str
) -> bool:
    """``path("orders/<int:pk>/", views.order_detail)`` and ``re_path``/``url``; ``include(...)`` is a prefix."""
    if top != "django" or name not in ("path", "re_path", "url"):
        return False
    route = prefix.route(reader.path(argument(value, 0, "route"), function))
    view = argument(value, 1, "view")
    if isinstance(view, ast.Call) and (reader.qualified(view.func) or "").endswith(".include"):
        reader.route_string(route, DJANGO)
        included = _included(reader, argument(view, 0, "arg"))
        if included is not None:
            reader.routes.url_includes.append((route, included))
    else:
        reader.register_endpoint(view, function, DJANGO, None, route, value, answers=answered_methods)
    return True


def _included(reader: Reader, target: Optional[ast.expr]) -> Optional[str]:
    """What ``include(...)`` names: ``"shop.api.urls"``, an imported URL conf module, or the first item of an
    ``(patterns, app_name)`` tuple."""
    if isinstance(target, ast.Tuple) and target.elts:
        target = target.elts[0]
    if isinstance(target, ast.Constant) and isinstance(target.value, str):
        return target.value
    if isinstance(target, (ast.Name, ast.Attribute)):
        return reader.imports.resolve(target)
    return None


def module_views(reader: Reader) -> None:
    """Function views nothing else registered: decorated by a view decorator, or in a views module and
    returning a response."""
    if DJANGO not in reader.frameworks and DRF not in reader.frameworks:
        return
    path = reader.ctx.role_path
    in_views_module = "views" in path.rpartition("/")[2] or "/views/" in f"/{path}"
    for function, outer, cls in reader.found.functions:
        if outer is not None or cls is not None or function.name.startswith("_") or function in reader.registered:
            continue
        params = positional_params(function)
        if not params or params[0].arg != "request":
            continue
        decorated = any(_is_view_decorator(reader, written) for written in function.decorator_list)
        if decorated or (in_views_module and _returns_response(reader, function)):
            reader.register(function, DJANGO, compared_methods(function, params[0].arg), NO_PATH, function)


def answered_methods(function: FunctionNode) -> frozenset[str]:
    """The methods a function view answers, from its ``request.method`` tests."""
    params = positional_params(function)
    return compared_methods(function, params[0].arg) if params else GET


def compared_methods(function: FunctionNode, request: str) -> frozenset[str]:
    """Methods a Django view answers, from ``request.method == "POST"`` style tests in its body.

    A view that only tests ``==``/``in`` still answers GET (the fall-through); a ``!=``/``not in`` test is a
    guard that turns every other method away.
    """
    compared: set[str] = set()
    guarded = False
    for node in walk(function):
        if not isinstance(node, ast.Compare) or len(node.ops) != 1:
            continue
        left = node.left
        if not (isinstance(left, ast.Attribute) and left.attr == "method" and isinstance(left.value, ast.Name)
                and left.value.id == request):
            continue
        listed = methods_list(node.comparators[0])
        if listed is None:
            continue
        compared.update(listed)
        if isinstance(node.ops[0], (ast.NotEq, ast.NotIn)):
            guarded = True
    if guarded:
        return frozenset(compared)
    return frozenset(compared | {"GET"})


def _is_view_decorator(reader: Reader, written: ast.expr) -> bool:
    """``@login_required``, ``@csrf_exempt``, ``@permission_required(...)``, ``@cache_page(...)``, ..."""
    qualified = reader.qualified(written.func if isinstance(written, ast.Call) else written) or ""
    return qualified.startswith(VIEW_DECORATOR_MODULES)


def _returns_response(reader: Reader, function: FunctionNode) -> bool:
    """Some ``return`` hands back a response: ``render(...)``, ``redirect(...)``, ``...Response(...)``."""
    assigned = bindings_of(reader.ctx, function).assigned
    for node in walk(function):
        if not isinstance(node, ast.Return):
            continue
        values = [node.value]
        if isinstance(node.value, ast.Name):  # response = HttpResponseRedirect(...); ...; return response
            values = assigned.get(node.value.id, [])
        for value in values:
            if isinstance(value, ast.Call) and _makes_response(reader, value):
                return True
    return False


def _makes_response(reader: Reader, call: ast.Call) -> bool:
    name = (dotted_name(call.func) or "").rpartition(".")[2]
    qualified = reader.qualified(call.func) or ""
    return name.endswith("Response") or name in _RESPONSE_HELPERS or qualified.startswith(
        ("django.http.", "django.shortcuts.", "django.template.response.")
    )
