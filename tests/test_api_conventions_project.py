"""BE305 and BE302 defer to an API's own convention, read from the whole project
(:mod:`backend_lint.analysis.api_conventions`).

An RPC-over-POST API (dstack: every router reads through ``POST /list`` and ``POST /get``) answers 200 to its
creates and puts verbs in its paths by design; an API answering raised HTTP errors with 200 (kairon: the status
in the body) answers 200 to its creates too. Neither holds once a module answers 201: a REST API that forgot 201
on one create, or one that reads with GET, is still reported. Through the real CLI, as a process.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.projects import findings_of, write_project

_RPC_ROUTER = """\
    from fastapi import APIRouter

    from .store import create_{name}, list_{name}s

    router = APIRouter(prefix="/api/{name}s")


    @router.post("/list")
    async def list_all():
        return await list_{name}s()


    @router.post("/get")
    async def get_one(name: str):
        return await list_{name}s(name)


    @router.post("/create")
    async def create(name: str):
        return await create_{name}(name)
"""

_STORE = """\
    from .db import session


    async def create_fleet(name):
        session.add(name)


    async def create_volume(name):
        session.add(name)


    async def list_fleets(name=None):
        return []


    async def list_volumes(name=None):
        return []
"""

RPC = {
    "rpc/__init__.py": "",
    "rpc/db.py": "session = None\n",
    "rpc/store.py": _STORE,
    "rpc/fleets.py": _RPC_ROUTER.format(name="fleet"),
    "rpc/volumes.py": _RPC_ROUTER.format(name="volume"),
}


def test_an_rpc_over_post_api_is_left_alone(tmp_path: Path) -> None:
    """Both routers read through ``POST /list`` and ``POST /get`` and none answers 201: ``POST /create`` answering
    200 and its verb path are the API's design."""
    root = write_project(tmp_path, RPC)
    assert findings_of(root, "BE305") == set()
    assert findings_of(root, "BE302") == set()


def test_an_rpc_api_that_answers_201_somewhere_is_reported(tmp_path: Path) -> None:
    """One module answering 201 takes the REST convention on: the creates that forgot it are slips."""
    project = dict(RPC)
    project["rpc/volumes.py"] = RPC["rpc/volumes.py"].replace('@router.post("/create")',
                                                              '@router.post("/create", status_code=201)')
    root = write_project(tmp_path, project)
    assert findings_of(root, "BE305") == {(os.path.join("rpc", "fleets.py"), 19)}
    assert (os.path.join("rpc", "fleets.py"), 18) in findings_of(root, "BE302")



DASHBOARD = {
    "dash/__init__.py": "",
    "dash/db.py": "Template = session = None\n",
    "dash/templates.py": """\
        from fastapi import APIRouter

        from .db import Template, session

        router = APIRouter(prefix="/templates")


        @router.get("/export")
        def export():
            return session.query(Template).all()


        @router.post("/list")
        def list_templates():
            return session.query(Template).all()


        @router.post("/add")
        def add_template(name: str):
            session.add(Template(name=name))
            return session.query(Template).all()


        @router.post("/remove")
        def remove_template(name: str):
            session.query(Template).filter_by(name=name).delete()


        @router.post("/touch")
        def touch_template(name: str):
            session.query(Template).filter_by(name=name).update({"used": True})
    """,
    "dash/candles.py": """\
        from fastapi import APIRouter

        router = APIRouter(prefix="/candles")


        @router.get("/download")
        def download():
            return []


        @router.post("/get")
        def get_candles():
            return []


        @router.post("/purge")
        def purge():
            return {}


        @router.post("/clear-cache")
        def clear_cache():
            return {}
    """,
    "dash/config.py": """\
        from fastapi import APIRouter

        router = APIRouter(prefix="/config")


        @router.post("/get")
        def get_config():
            return {}


        @router.post("/update")
        def update_config():
            return {}
    """,
}


def test_an_rpc_api_whose_routers_also_route_get_is_left_alone(tmp_path: Path) -> None:
    """Jesse's dashboard API: most routers route a GET or two (an export, a download) beside a dozen POST actions
    and reads (``POST /templates/list``, ``/candles/get``). Counted over routes, POST is the API's method (10 to
    2, three reads among them): ``POST /templates/add`` answering 200 and ``POST /candles/get`` are its
    design, though most of its modules route GET."""
    root = write_project(tmp_path, DASHBOARD)
    assert findings_of(root, "BE305") == set()
    assert findings_of(root, "BE302") == set()


def test_an_api_reading_by_get_as_much_as_by_post_is_reported(tmp_path: Path) -> None:
    """Two more GET routes, and POST is no longer three times GET: a REST API with a few ``POST /get`` reads,
    where the create without 201 and the verb path are slips."""
    project = dict(DASHBOARD)
    project["dash/config.py"] = DASHBOARD["dash/config.py"] + """
        @router.get("")
        def config():
            return {}


        @router.get("/defaults")
        def defaults():
            return {}
    """
    root = write_project(tmp_path, project)
    assert findings_of(root, "BE305") == {(os.path.join("dash", "templates.py"), 19)}
    assert (os.path.join("dash", "templates.py"), 18) in findings_of(root, "BE302")

ENVELOPE = {
    "bots/__init__.py": "",
    "bots/db.py": "Bot = session = None\n",
    "bots/main.py": """\
        from fastapi import FastAPI
        from fastapi.responses import JSONResponse
        from starlette.exceptions import HTTPException as StarletteHTTPException

        from .routers import router

        app = FastAPI()
        app.include_router(router, prefix="/api")


        @app.exception_handler(StarletteHTTPException)
        async def http_error(request, exc):
            return JSONResponse({"success": False, "error_code": exc.status_code, "message": str(exc.detail)})
    """,
    "bots/routers.py": """\
        from fastapi import APIRouter

        from .db import Bot, session

        router = APIRouter()


        @router.get("/bots")
        async def bots():
            return {"success": True, "data": []}


        @router.post("/bots")
        async def add_bot(name: str):
            session.add(Bot(name=name))
            session.commit()
            return {"success": True, "data": name}
    """,
}


def test_an_api_answering_errors_with_200_is_left_alone(tmp_path: Path) -> None:
    """Every raised HTTP error reaches the client as a 200 with its status in the body: so does a create."""
    assert findings_of(write_project(tmp_path, ENVELOPE), "BE305") == set()


def test_an_api_whose_error_handler_keeps_the_status_is_reported(tmp_path: Path) -> None:
    project = dict(ENVELOPE)
    project["bots/main.py"] = ENVELOPE["bots/main.py"].replace(
        '"message": str(exc.detail)})', '"message": str(exc.detail)}, status_code=exc.status_code)')
    assert findings_of(write_project(tmp_path, project), "BE305") == {(os.path.join("bots", "routers.py"), 14)}


ACTIONS = {
    "scans/__init__.py": "",
    "scans/db.py": "Request = session = None\n",
    "scans/api.py": """\
        from fastapi import APIRouter

        from .db import Request, session

        router = APIRouter()


        @router.get("/analyses")
        def analyses():
            return []


        @router.post("/archive-tag")
        def archive_tag(tag: str):
            session.add(Request(tag=tag))
            return {"ok": True}


        @router.post("/exports")
        def add_export(tag: str):
            export = Request(tag=tag)
            session.add(export)
            return {"ok": True, "id": export.id}
    """,
}


def test_an_action_acknowledged_in_an_api_without_201_is_left_alone(tmp_path: Path) -> None:
    """Artemis: ``POST /archive-tag`` queues a request row and answers ``{"ok": True}`` like every action of an API
    that answers 201 nowhere; the create that answers its new id is still reported."""
    assert findings_of(write_project(tmp_path, ACTIONS), "BE305") == {(os.path.join("scans", "api.py"), 20)}


def test_an_acknowledged_create_in_an_api_that_answers_201_is_reported(tmp_path: Path) -> None:
    """Once a module answers 201 the API has taken the REST convention on: the acknowledged create is a slip."""
    project = dict(ACTIONS)
    project["scans/api.py"] = ACTIONS["scans/api.py"].replace('@router.get("/analyses")',
                                                              '@router.post("/analyses", status_code=201)')
    assert findings_of(write_project(tmp_path, project), "BE305") == {
        (os.path.join("scans", "api.py"), 14), (os.path.join("scans", "api.py"), 20)}


DJANGO_ACTIONS = {
    "people/__init__.py": "",
    "people/models.py": "DeltaSet = PersonRetirement = None\n",
    "people/views.py": """\
        import json

        from django.http import JsonResponse
        from django.views.decorators.http import require_POST

        from .models import DeltaSet, PersonRetirement


        @require_POST
        def apply_retirement(request):
            retirement = json.load(request)
            delta = DeltaSet.objects.create(name="retire")
            PersonRetirement.objects.create(delta_set=delta, person_id=retirement["id"])
            return JsonResponse({"status": "success"})


        @require_POST
        def add_delta(request):
            delta = DeltaSet.objects.create(name="add")
            return JsonResponse({"status": "success", "id": delta.id})
    """,
}


def test_an_action_acknowledged_through_a_json_response_is_left_alone(tmp_path: Path) -> None:
    """openstates (seed 131): ``apply_retirement`` records a change set and answers the constant
    ``JsonResponse({"status": "success"})`` in a project that answers 201 nowhere, the acknowledgement a bare
    ``{"ok": True}`` is; the create whose answer names its new id is still reported."""
    assert findings_of(write_project(tmp_path, DJANGO_ACTIONS), "BE305") == {(os.path.join("people", "views.py"), 18)}
