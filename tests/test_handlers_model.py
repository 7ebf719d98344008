"""The HTTP handler model (``analysis/handlers.py``): which functions are handlers, of which framework, for
which methods and full paths. In-process, on dedented snippets; rules BE104 and BE301-BE304 build on it."""

from __future__ import annotations

import ast
import pickle
import textwrap

import pytest

from backend_lint.analysis.handler_body import handler_body
from backend_lint.analysis.handlers import handler_for, handler_model
from backend_lint.context import FileContext


def _context(code: str, path: str = "app/service.py") -> FileContext:
    source = textwrap.dedent(code)
    return FileContext(ast.parse(source), source, path, path)


def _handlers(code: str, path: str = "app/views.py") -> list[tuple[str, str, list[str], list[str]]]:
    """``(function, framework, sorted methods, paths)`` for every handler, in source order."""
    model = handler_model(_context(code, path))
    found = sorted(model.handlers.values(), key=lambda handler: handler.function.lineno)
    return [(h.function.name, h.framework, sorted(h.methods), h.paths) for h in found]


CASES = [
    pytest.param(
        """
        from fastapi import APIRouter, FastAPI
        import fastapi as fa

        app = FastAPI()
        orders = APIRouter(prefix="/orders")
        api = fa.APIRouter()

        @orders.post("/{order_id}/pay")
        async def pay(order_id: int): ...

        @orders.api_route("", methods=["GET", "PUT"])
        def both(): ...

        def ping(): ...

        app.add_api_route("/ping", ping)
        api.include_router(orders, prefix="/v1")
        app.include_router(api, prefix="/api")
        """,
        [
            ("pay", "fastapi", ["POST"], ["/api/v1/orders/{order_id}/pay"]),
            ("both", "fastapi", ["GET", "PUT"], ["/api/v1/orders"]),
            ("ping", "fastapi", ["GET"], ["/ping"]),
        ],
        id="fastapi-router-prefixes",
    ),
    pytest.param(
        """
        from fastapi import Depends
        from .routing import router

        @router.get("/items")
        def items(): ...

        @router.post("/items")
        def add(): ...
        """,
        [("items", "fastapi", ["GET"], ["/items"]), ("add", "fastapi", ["POST"], ["/items"])],
        id="fastapi-router-imported-from-project",
    ),
    pytest.param(
        """
        from fastapi import APIRouter
        from .settings import settings

        PREFIX = "/runs/{run_id}"
        router = APIRouter(prefix="/dags/{dag_id}")
        other = APIRouter(prefix=settings.API_PREFIX)

        @router.post(PREFIX + "/list")
        def batch(): ...

        @router.get(f"{PREFIX}/tries")
        def tries(): ...

        @other.get("/health")
        def health(): ...

        @router.get(settings.ROUTE)
        def unknown(): ...
        """,
        [
            ("batch", "fastapi", ["POST"], ["/dags/{dag_id}/runs/{run_id}/list"]),
            ("tries", "fastapi", ["GET"], ["/dags/{dag_id}/runs/{run_id}/tries"]),
            ("health", "fastapi", ["GET"], ["/health"]),
            ("unknown", "fastapi", ["GET"], []),
        ],
        id="fastapi-built-paths",
    ),
    pytest.param(
        """
        from flask import Blueprint, Flask
        from flask.views import MethodView

        bp = Blueprint("orders", __name__, url_prefix="/orders")

        @bp.route("/", methods=["GET", "POST"])
        def orders(): ...

        @bp.delete("/<int:oid>")
        def remove(oid): ...

        class Items(MethodView):
            def get(self): ...
            def post(self): ...

        def create_app():
            app = Flask(__name__)
            app.register_blueprint(bp, url_prefix="/api/orders")
            app.add_url_rule("/items", view_func=Items.as_view("items"))

            @app.route("/health")
            def health(): ...

            return app
        """,
        [
            ("orders", "flask", ["GET", "POST"], ["/api/orders/"]),
            ("remove", "flask", ["DELETE"], ["/api/orders/<int:oid>"]),
            ("get", "flask", ["GET"], ["/items"]),
            ("post", "flask", ["POST"], ["/items"]),
            ("health", "flask", ["GET"], ["/health"]),
        ],
        id="flask-blueprint-factory-methodview",
    ),
    pytest.param(
        """
        from flask_appbuilder.api import BaseApi, expose

        class ChartApi(BaseApi):
            route_base = "/api/v1/chart"

            @expose("/", methods=("POST",))
            def post(self): ...

            @expose("/<pk>")
            def get(self, pk): ...
        """,
        [
            ("post", "flask", ["POST"], ["/api/v1/chart/"]),
            ("get", "flask", ["GET"], ["/api/v1/chart/<pk>"]),
        ],
        id="flask-appbuilder-expose",
    ),
    pytest.param(
        """
        from django.http import JsonResponse
        from django.shortcuts import render
        from django.urls import path
        from django.views import View
        from django.views.decorators.http import require_http_methods, require_POST

        @require_POST
        def create(request): ...

        @require_http_methods(["GET", "PUT"])
        def detail(request, pk): ...

        def listing(request):
            if request.method == "POST":
                return JsonResponse({})
            return render(request, "list.html")

        def helper(request):
            return request.user

        class Orders(View):
            def get(self, request): ...
            def post(self, request, *args, **kwargs): ...
            def get_context_data(self, **kwargs): ...

        urlpatterns = [path("orders/new/", create), path("orders/", Orders.as_view())]
        """,
        [
            ("create", "django", ["POST"], ["orders/new/"]),
            ("detail", "django", ["GET", "PUT"], []),
            ("listing", "django", ["GET", "POST"], []),
            ("get", "django", ["GET"], ["orders/"]),
            ("post", "django", ["POST"], ["orders/"]),
        ],
        id="django-views-and-urlpatterns",
    ),
    pytest.param(
        """
        from rest_framework import generics, viewsets
        from rest_framework.decorators import action, api_view
        from .base import TenantViewSet

        class Orders(viewsets.ModelViewSet):
            def list(self, request): ...
            def create(self, request): ...
            def partial_update(self, request, pk=None): ...
            def get_queryset(self): ...

            @action(detail=True, methods=["post"], url_path="cancel-order")
            def cancel(self, request, pk=None): ...

        class Payments(generics.ListCreateAPIView):
            def get(self, request): ...

        class Projects(TenantViewSet):
            def destroy(self, request, pk=None): ...

        @api_view(["POST", "PUT"])
        def hook(request): ...

        @api_view()
        def health(request): ...
        """,
        [
            ("list", "drf", ["GET"], []),
            ("create", "drf", ["POST"], []),
            ("partial_update", "drf", ["PATCH"], []),
            ("cancel", "drf", ["POST"], ["cancel-order"]),
            ("get", "drf", ["GET"], []),
            ("destroy", "drf", ["DELETE"], []),
            ("hook", "drf", ["POST", "PUT"], []),
            ("health", "drf", ["GET"], []),
        ],
        id="drf-views-viewsets-actions",
    ),
    pytest.param(
        """
        from starlette.applications import Starlette
        from starlette.endpoints import HTTPEndpoint
        from starlette.routing import Mount, Route

        async def home(request): ...
        async def create_user(request): ...

        class User(HTTPEndpoint):
            async def get(self, request): ...

        users = [Route("/users", create_user, methods=["POST"]), Route("/users/{id}", User)]
        app = Starlette(routes=[Route("/", home), Mount("/api", routes=users)])
        """,
        [
            ("home", "starlette", ["GET"], ["/"]),
            ("create_user", "starlette", ["POST"], ["/api/users"]),
            ("get", "starlette", ["GET"], ["/api/users/{id}"]),
        ],
        id="starlette-routes-mount",
    ),
    pytest.param(
        """
        from aiohttp import web

        routes = web.RouteTableDef()

        @routes.post("/orders")
        async def create(request): ...

        @routes.view("/things")
        class Things(web.View):
            async def get(self): ...

        async def remove(request): ...

        app = web.Application()
        app.router.add_delete("/orders/{id}", remove)
        """,
        [
            ("create", "aiohttp", ["POST"], ["/orders"]),
            ("get", "aiohttp", ["GET"], ["/things"]),
            ("remove", "aiohttp", ["DELETE"], ["/orders/{id}"]),
        ],
        id="aiohttp-table-view-router",
    ),
    pytest.param(
        """
        from litestar import Controller, Litestar, Router, get, post

        @post("/orders")
        async def create(data: dict) -> dict: ...

        class Users(Controller):
            path = "/users"

            @get("/{user_id:int}")
            async def read(self, user_id: int) -> dict: ...

        api = Router(path="/api", route_handlers=[create, Users])
        app = Litestar(route_handlers=[api])
        """,
        [
            ("create", "litestar", ["POST"], ["/api/orders"]),
            ("read", "litestar", ["GET"], ["/api/users/{user_id:int}"]),
        ],
        id="litestar-router-controller",
    ),
    pytest.param(
        """
        import requests

        class Cache:
            def get(self, key): ...

        def post(url):
            return requests.post(url, timeout=5)

        @app.route("/x")
        def not_imported(): ...
        """,
        [],
        id="no-framework-no-handlers",
    ),
]


@pytest.mark.parametrize(("code", "expected"), CASES)
def test_handlers(code: str, expected: list) -> None:
    assert _handlers(code) == expected


def test_django_function_views_need_evidence() -> None:
    code = """
        from django.http import JsonResponse

        def orders(request):
            return JsonResponse({})

        def user_of(request):
            return request.user
    """
    assert _handlers(code, "shop/views.py") == [("orders", "django", ["GET"], [])]
    assert _handlers(code, "shop/services.py") == []  # no view decorator and not a views module


def test_handler_for_method_and_request_names() -> None:
    ctx = _context(
        """
        from flask import Flask, request as req

        app = Flask(__name__)

        @app.post("/orders")
        def create():
            return req.get_json()
        """
    )
    function = ctx.tree.body[-1]
    assert handler_for(ctx, function, "POST") is not None
    assert handler_for(ctx, function, "GET") is None
    handler = handler_for(ctx, function)
    assert handler is not None and handler.request_names == frozenset({"req"})


def test_params_carry_fastapi_markers() -> None:
    ctx = _context(
        """
        from typing import Annotated
        from fastapi import Depends, FastAPI, Header, Request

        app = FastAPI()

        @app.post("/orders")
        def create(request: Request, key: Annotated[str, Header(alias="Idempotency-Key")], db=Depends(get)):
            return request.headers.get("X-Trace")
        """
    )
    handler = handler_for(ctx, ctx.tree.body[-1])
    assert handler is not None
    assert handler.request_names == frozenset({"request"})
    assert [(p.name, p.marker, p.in_annotated) for p in handler.params] == [
        ("key", "fastapi.Header", True),
        ("db", "fastapi.Depends", False),
    ]
    assert handler_body(ctx, handler).headers == {"x-trace"}


def test_model_is_memoized_and_cheap_without_frameworks() -> None:
    ctx = _context("import os\n\ndef main():\n    return os.getcwd()\n")
    model = handler_model(ctx)
    assert model.handlers == {} and model.frameworks == frozenset()
    assert handler_model(ctx) is model


def test_a_base_class_made_by_a_call_is_no_view_and_no_crash() -> None:
    code = """
        from django.db import models

        class Manager(factory(**options).__class__):
            def get(self, request):
                return None
        """
    assert _handlers(code) == []


def test_registrations_are_plain_data_that_name_endpoints_across_modules() -> None:
    """What crosses files and processes: dotted names, strings and positions, never a tree node; a Django
    ``urls.py`` entry names the view by its module, so ``views.py``'s registrations can be looked up by it."""
    urls = handler_model(_context(
        """
        from django.urls import path
        from shop import views
        from shop.views import OrderView

        urlpatterns = [
            path("orders/<int:pk>/", views.order_detail),
            path("orders/", OrderView.as_view()),
        ]
        """,
        "shop/urls.py",
    )).routes
    views = handler_model(_context(
        """
        from django.views.decorators.http import require_POST

        @require_POST
        def order_detail(request, pk):
            return render(request, "order.html")
        """,
        "shop/views.py",
    )).routes
    entries = [(r.module, r.endpoint, r.path.text) for r in urls.registrations]
    assert entries == [("shop.views", "order_detail", "orders/<int:pk>/"), ("shop.views", "OrderView", "orders/")]
    by_name = {("shop.views", r.endpoint): r for r in views.registrations}
    assert by_name[("shop.views", "order_detail")].methods == frozenset({"POST"})
    for routes in (urls, views):
        restored = pickle.loads(pickle.dumps(routes))
        assert restored == routes
        assert not any(isinstance(value, ast.AST) for value in _values(restored))


def _values(value: object) -> list[object]:
    """Every value reachable from dataclasses, tuples, lists and dicts (what pickling would carry)."""
    found: list[object] = []
    stack = [value]
    while stack:
        current = stack.pop()
        found.append(current)
        if hasattr(current, "__dataclass_fields__"):
            stack.extend(getattr(current, name) for name in current.__dataclass_fields__)
        elif isinstance(current, (list, tuple, frozenset, set)):
            stack.extend(current)
        elif isinstance(current, dict):
            stack.extend([*current.keys(), *current.values()])
    return found
