"""BE305 on a FastAPI project whose routers get their prefixes in another module.

``routers/auths.py`` routes ``/signup`` and ``/add`` and ``main.py`` includes it under ``/api/v1/auths``: the
full path holds an exempt word (a sign-in flow answering a session, not a created resource), so the handlers
are quiet; the same create on a router included under ``/api/v1/notes`` is reported. Through the real CLI and
``flake8 --select BE`` as processes.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.projects import findings_of, write_project

PROJECT = {
    "app/__init__.py": "",
    "app/models.py": """\
        class Users:
            @staticmethod
            def insert_new_user(form):
                return dict(form)
    """,
    "app/routers/__init__.py": "",
    "app/routers/auths.py": """\
        from fastapi import APIRouter

        from app.models import Users

        router = APIRouter()


        @router.post("/signup")
        def signup(form: dict):
            user = Users.insert_new_user(form)
            return {"user": user, "token": "session"}
    """,
    "app/routers/notes.py": """\
        from fastapi import APIRouter

        from app.models import Users

        router = APIRouter()


        @router.post("/share")
        def share(form: dict):
            user = Users.insert_new_user(form)
            return {"user": user}
    """,
    "app/main.py": """\
        from fastapi import FastAPI

        from app.routers import auths, notes

        app = FastAPI()
        app.include_router(auths.router, prefix="/api/v1/auths")
        app.include_router(notes.router, prefix="/api/v1/notes")
    """,
}


def test_prefix_given_in_another_module_exempts_the_route(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, PROJECT), "BE305")
    assert found == {(os.path.join("app", "routers", "notes.py"), 9)}, "signup under /api/v1/auths is exempt"


def test_a_namespace_folder_inside_the_package_keeps_its_module_names(tmp_path: Path) -> None:
    """``app/routers/`` without ``__init__.py`` (a namespace portion, as Open WebUI's) is still imported as
    ``app.routers``: ``main.py``'s prefix reaches its routers."""
    files = {name: text for name, text in PROJECT.items() if name != "app/routers/__init__.py"}
    found = findings_of(write_project(tmp_path, files), "BE305")
    assert found == {(os.path.join("app", "routers", "notes.py"), 9)}, "signup under /api/v1/auths is exempt"
