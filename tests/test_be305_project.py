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


GRANTS = {
    "app/__init__.py": "",
    "app/db.py": """\
        class Managers:
            @classmethod
            async def create(cls, db, org_id, user_sub):
                sql = '''
                    INSERT INTO organisation_managers (organisation_id, user_sub)
                    VALUES (%(org_id)s, %(user_sub)s)
                    ON CONFLICT (organisation_id, user_sub) DO NOTHING;
                '''
                async with db.cursor() as cur:
                    await cur.execute(sql, {"org_id": org_id, "user_sub": user_sub})


        class Teams:
            @classmethod
            async def create(cls, db, name):
                async with db.cursor() as cur:
                    await cur.execute("INSERT INTO teams (name) VALUES (%(name)s) RETURNING *", {"name": name})
                    return await cur.fetchone()
    """,
    "app/routes.py": """\
        from fastapi import APIRouter

        from app.db import Managers, Teams

        router = APIRouter()


        @router.post("/managers")
        async def add_manager(db, user_sub: str):
            await Managers.create(db, 1, user_sub)


        @router.post("/teams")
        async def add_team(db, name: str):
            return await Teams.create(db, name)
    """,
}


def test_a_grant_inserted_only_when_missing_creates_no_resource(tmp_path: Path) -> None:
    """fmtm's ``POST /new-admin``: the project's ``Managers.create`` inserts with ``ON CONFLICT ... DO NOTHING``,
    an idempotent grant a repeat leaves as it was, so a 201 would be wrong whenever the row was there. The
    team created with a plain ``INSERT ... RETURNING *`` stays reported."""
    root = write_project(tmp_path, GRANTS)
    assert findings_of(root, "BE305") == {(os.path.join("app", "routes.py"), 14)}
