"""Edge cases of the API rules BE301-BE304, in-process on dedented snippets (exact findings)."""

from __future__ import annotations

import pytest

from backend_lint.rules.be302_verb_in_route_path import verb_segment
from tests.snippets import found

API = ("BE301", "BE302", "BE303", "BE304")
VERBS = frozenset({"get", "create", "update", "delete", "fetch", "add", "remove", "set", "make", "do"})


def _found(code: str, path: str = "app/api.py") -> list[tuple[int, str]]:
    return found(code, API, path)


@pytest.mark.parametrize(
    ("path", "verb"),
    [
        ("/getUser", "get"),
        ("/orders/create", "create"),
        ("/do-sync", "do"),
        ("/add_item", "add"),
        ("/api/v1/users/{id}/UpdateEmail", "update"),
        (r"^orders/(?P<pk>\d+)/delete/$", "delete"),
        ("/settings", None),
        ("/addresses", None),
        ("/documents", None),
        ("/updates", None),
        ("/{get}/items", None),
        ("/<int:delete>", None),
        ("/setup", None),
        ("/getting-started", None),
        ("/", None),
        ("", None),
    ],
)
def test_verb_segment(path: str, verb: str | None) -> None:
    found = verb_segment(path, VERBS)
    assert (found[1] if found else None) == verb


def test_test_files_are_left_alone() -> None:
    code = """
        from fastapi import FastAPI

        app = FastAPI()

        @app.post("/createOrder")
        async def create(request):
            try:
                data = await request.json()
                return {"sku": await orders.insert_one(data["sku"])}
            except Exception as e:
                return {"error": str(e)}
    """
    assert len(_found(code)) == 4
    assert _found(code, "tests/test_api.py") == []


def test_stub_files_have_no_handlers() -> None:
    code = """
        from django.views import View

        class OrderView(View):
            def post(self, request, *args, **kwargs): Order.objects.create()
    """
    assert _found(code, "app/views.py") == [(5, "BE301")]
    assert _found(code, "app/views.pyi") == []


def test_idempotency_middleware_quiets_the_module() -> None:
    code = """
        from fastapi import FastAPI
        from shop.middleware import IdempotencyMiddleware

        app = FastAPI()
        app.add_middleware(IdempotencyMiddleware)

        @app.post("/orders")
        async def create_order(order: dict) -> dict:
            return await orders.insert_one(order)
    """
    assert found(code, "BE301", "app/api.py") == []  # (BE303 reports the stored `dict` body: another test)


def test_configured_provider_and_methods() -> None:
    code = """
        from fastapi import Depends, FastAPI
        from shop.deps import dedupe

        app = FastAPI()

        @app.post("/orders")
        async def create_order(order: dict, _=Depends(dedupe)) -> dict:
            return await orders.insert_one(order)

        @app.patch("/orders/{order_id}/payments")
        async def patch_order(order_id: int) -> dict:
            return await payments.insert_one({"order": order_id})
    """
    assert found(code, "BE301", "app/api.py") == [(8, "BE301")]
    settings = {"BE301": {"idempotency-providers": ["dedupe"], "methods": ["POST", "PATCH"]}}
    assert found(code, "BE301", "app/api.py", settings) == [(12, "BE301")]


_LAYERED = """
    from flask_restful import Resource

    from app import service

    class {cls}(Resource):
        def post(self):
            return service.create(**self.reqparse.parse_args())
"""


@pytest.mark.parametrize(
    ("path", "cls", "flagged"),
    [
        ("app/domains/views.py", "DomainsList", False),  # an administrator's domain record: harmless twice
        ("app/roles/views.py", "RolesList", False),
        ("app/orders/views.py", "OrdersList", True),  # a second order ships twice
        ("app/payments/views.py", "PaymentsList", True),
        ("app/certificates/views.py", "CertificatesList", False),  # a plain record: only report-plain-creates
    ],
)
def test_a_layered_create_is_judged_by_what_its_class_and_module_name(path: str, cls: str, flagged: bool) -> None:
    """``service.create(...)`` names nothing: the record is what the handler's class and module are about."""
    lines = [line for line, code in found(_LAYERED.format(cls=cls), "BE301", path)]
    assert lines == ([7] if flagged else [])


_DRF_STATS = """
    from rest_framework.permissions import {permission}
    from rest_framework.response import Response
    from rest_framework.views import APIView

    class Stats(APIView):
        permission_classes = [{permission}]

        def get(self, request):
            try:
                return Response(compute_stats())
            except Exception as exc:
                return Response({{"error": str(exc)}}, status=500)
"""


@pytest.mark.parametrize(("permission", "flagged"), [("IsAdminUser", False), ("IsAuthenticated", True)])
def test_an_endpoint_only_administrators_reach_may_show_them_the_error(permission: str, flagged: bool) -> None:
    lines = [line for line, code in found(_DRF_STATS.format(permission=permission), "BE304", "app/views.py")]
    assert lines == ([13] if flagged else [])
