"""Django REST framework: API views, ViewSets and the prefixes a router registers them under.

``APIView`` and generic views answer with their ``get``/``post``/... methods, ViewSets with their actions
(``list``/``retrieve`` GET, ``create`` POST, ``update`` PUT, ``partial_update`` PATCH, ``destroy`` DELETE)
and ``@action(methods=[...], url_path=...)`` methods (default GET, path the method's name); function views
with ``@api_view([...])``. ``router.register("orders", OrderViewSet)`` gives the ViewSet's routes their prefix;
a ViewSet imported from another module (``views.OrderViewSet``) is recorded as a registration of that module's
class, which the project model joins to the URL confs (the router's ``include(router.urls)`` prefix is not
followed).
A project base class named like a view (``BaseViewSet``, ``OrgAPIView``) counts too (:class:`.Reader`).
"""

from __future__ import annotations

import ast
from typing import Optional

from backend_lint.analysis.ast_helpers import argument, keyword_value
from backend_lint.analysis.frameworks.reading import GET, HTTP_NAMED, VIEWSET, Reader, methods_list
from backend_lint.analysis.handler_types import DRF, NO_PATH, FunctionNode, Registration, RoutePath, Span

FRAMEWORK = DRF
CLASS_BASES = (
    # first match wins, so the longer prefix comes first
    ("rest_framework.viewsets.", VIEWSET),
    ("rest_framework.", HTTP_NAMED),
)


def decorator(
    reader: Reader,
    function: FunctionNode,
    cls: Optional[ast.ClassDef],
    qualified: str,
    call: Optional[ast.Call],
    written: ast.expr,
) -> None:
    """``@api_view(["POST"])`` on a function, ``@action(detail=True, methods=["post"])`` on a ViewSet method."""
    name = qualified.rpartition(".")[2]
    if not qualified.startswith("rest_framework."):
        return
    if name == "api_view" and cls is None:
        listed = argument(call, 0, "http_method_names") if call is not None else None
        methods = methods_list(listed) if listed is not None else GET
        reader.register(function, DRF, methods or frozenset(), NO_PATH, written)
    elif name == "action" and cls is not None and call is not None:
        listed = keyword_value(call, "methods")
        methods = methods_list(listed) if listed is not None else GET
        url_path = reader.path(keyword_value(call, "url_path"), None)
        if url_path.text is None:
            url_path = RoutePath(function.name)
        reader.register(function, DRF, methods or frozenset(), reader.class_prefix(cls).then(url_path), written)


def call(reader: Reader, written: ast.Call, function: Optional[ast.AST]) -> bool:
    """``router.register("orders", OrderViewSet)``: the prefix of the ViewSet's routes."""
    func = written.func
    if not (isinstance(func, ast.Attribute) and func.attr == "register"):
        return False
    if DRF not in reader.frameworks or len(written.args) < 2:
        return False
    prefix = reader.path(written.args[0], function)
    reader.route_string(prefix, DRF)
    cls = reader.defined(written.args[1], function)
    if isinstance(cls, ast.ClassDef):
        reader.routes.endpoint_prefixes.setdefault(reader.qualname(cls), prefix)
        return True
    _local, imported = reader.endpoints(written.args[1], function)
    if imported is not None:  # a ViewSet of another module: the project model gives it this route
        module, name = imported
        reader.routes.registrations.append(
            Registration(DRF, name, frozenset(), prefix, Span.of(written), owner=None, module=module)
        )
        reader.endpoint_nodes.append(None)
    return True
