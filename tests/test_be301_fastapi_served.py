"""BE301's fix, served: the fixed FastAPI code is imported and answered with FastAPI's TestClient.

The fix adds an ``Idempotency-Key`` header parameter. These tests run ``backend-lint fix`` as a process on
real FastAPI modules, import the result, and check that every handler still answers as before and now
receives the header (and still answers when a client sends none, since the parameter is optional).
"""

from __future__ import annotations

import importlib
import shutil
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest
from fastapi.testclient import TestClient  # fastapi and httpx are in the test extra: missing is a failure

from tests.fixture_files import FIXTURES
from tests.processes import run_cli

SERVICE = textwrap.dedent(
    '''
    from typing import Annotated

    from fastapi import APIRouter, FastAPI, Header
    from pydantic import BaseModel

    from .models import store

    app = FastAPI()
    router = APIRouter(prefix="/orders")


    class OrderIn(BaseModel):
        sku: str
        quantity: int


    @router.post("/", status_code=201)
    def create_order(order: OrderIn) -> dict:
        store.insert_one(order.model_dump())
        received = {name: value for name, value in locals().items() if name != "order"}
        return {"sku": order.sku, "received": received}


    @router.post("/{order_id}/lines")
    async def add_line(order_id: int, line: OrderIn, note: Annotated[str, Header()] = "") -> dict:
        store.insert_one(line.model_dump())
        received = {name: value for name, value in locals().items() if name not in ("order_id", "line")}
        return {"order": order_id, "received": received}


    app.include_router(router, prefix="/api")
    '''
)

# What the fixture's imports stand for, so that the fixed fixture can be imported as it is.
DEPS = textwrap.dedent(
    '''
    import functools


    def get_db():
        return None


    def require_idempotency():
        return None


    def idempotent(function):
        @functools.wraps(function)
        async def wrapper(*args, **kwargs):
            return await function(*args, **kwargs)

        return wrapper
    '''
)


# The store the handlers create in (BE301 reports only handlers whose work a retry would duplicate).
MODELS = textwrap.dedent(
    '''
    class Store:
        def insert_one(self, document: dict) -> dict:
            return document


    store = Store()
    '''
)


def _fix_and_import(tmp_path: Path, name: str, source: str, extra: dict[str, str] | None = None) -> ModuleType:
    """Write a package ``name`` with ``service.py`` (+ ``extra`` modules), fix it, import the fixed module."""
    package = tmp_path / name
    package.mkdir()
    (tmp_path / "pyproject.toml").write_text(  # the fixture's plain creates (a line of an order) too
        "[tool.backend-lint]\n[tool.backend-lint.BE301]\nreport-plain-creates = true\n", encoding="utf-8"
    )
    (package / "__init__.py").write_text("", encoding="utf-8")
    for module, text in (extra or {}).items():
        (package / f"{module}.py").write_text(text, encoding="utf-8")
    target = package / "service.py"
    target.write_text(source, encoding="utf-8")
    result = run_cli("fix", "--unsafe-fixes", "--select", "BE301", str(target.relative_to(tmp_path)), cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr.decode()
    assert target.read_text(encoding="utf-8") != source, "the fix changed nothing"
    return _import(tmp_path, f"{name}.service")


def _import(root: Path, dotted: str) -> ModuleType:
    sys.path.insert(0, str(root))
    try:
        return importlib.import_module(dotted)
    finally:
        sys.path.remove(str(root))


def test_fixed_handlers_receive_the_header(tmp_path: Path) -> None:
    module = _fix_and_import(tmp_path, "be301_served", SERVICE, {"models": MODELS})
    client = TestClient(module.app)
    order = {"sku": "A-1", "quantity": 2}

    keyed = client.post("/api/orders/", json=order, headers={"Idempotency-Key": "k-123"})
    assert keyed.status_code == 201
    assert keyed.json() == {"sku": "A-1", "received": {"idempotency_key": "k-123"}}

    unkeyed = client.post("/api/orders/", json=order)
    assert unkeyed.status_code == 201, "the added header must be optional"
    assert unkeyed.json() == {"sku": "A-1", "received": {"idempotency_key": None}}

    lines = client.post("/api/orders/7/lines", json=order, headers={"idempotency-key": "k-9", "note": "gift"})
    assert lines.status_code == 200
    assert lines.json() == {"order": 7, "received": {"note": "gift", "idempotency_key": "k-9"}}


@pytest.mark.filterwarnings("ignore:Duplicate Operation ID")  # /carts answers GET and POST with one function
def test_fixed_fixture_is_served(tmp_path: Path) -> None:
    """The fixture's own fixed output imports, every fixed handler answers, and the schema has the header."""
    source = (FIXTURES / "BE301.py").read_text(encoding="utf-8")
    module = _fix_and_import(tmp_path, "be301_fixture", source, {"deps": DEPS, "models": MODELS})
    assert (tmp_path / "be301_fixture" / "service.py").read_bytes() == (
        FIXTURES / "BE301.fixed.py"
    ).read_bytes()
    client = TestClient(module.app)
    headers = {"Idempotency-Key": "k-1"}
    assert client.post("/api/orders/", json={"sku": "A", "quantity": 1}, headers=headers).status_code == 201
    assert client.post("/api/orders/5/lines", json={"sku": "A", "quantity": 1}, headers=headers).json() == {
        "order": 5
    }
    assert client.post("/payments/refunds", params={"amount": 3}, headers=headers).json() == {"amount": 3}
    assert client.post("/carts", headers=headers).json() == []
    assert client.post("/payments/notes", headers={**headers, "text": "hi"}).json() == {"text": "hi"}
    operations = client.get("/openapi.json").json()["paths"]
    for path in ("/api/orders/", "/api/orders/{order_id}/lines", "/payments/refunds", "/carts", "/payments/notes"):
        parameters = operations[path]["post"].get("parameters", [])
        assert {"name": "Idempotency-Key", "in": "header"} in [
            {"name": item["name"], "in": item["in"]} for item in parameters
        ], path
    served = TestClient(module.create_app())
    assert served.post("/imports", headers=headers).json() == {"started": True}


@pytest.mark.filterwarnings("ignore:Duplicate Operation ID")
def test_unfixed_fixture_has_no_header_parameter(tmp_path: Path) -> None:
    """Control: before the fix the same handlers do not declare the header."""
    package = tmp_path / "be301_unfixed"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "deps.py").write_text(DEPS, encoding="utf-8")
    (package / "models.py").write_text(MODELS, encoding="utf-8")
    shutil.copyfile(FIXTURES / "BE301.py", package / "service.py")
    module = _import(tmp_path, "be301_unfixed.service")
    parameters = TestClient(module.app).get("/openapi.json").json()["paths"]["/payments/refunds"]["post"]
    assert "Idempotency-Key" not in [item["name"] for item in parameters.get("parameters", [])]
