"""BE103 on whole projects through the real CLI and ``flake8 --select BE``: a loop over every user in a function
that only the application's start-up hook calls (a FastAPI ``lifespan``, through a helper of another module)
runs once per process, not per request, and is left alone; the same loop in a function a route also calls is
still reported, and so is the file checked alone (it cannot tell who calls it)."""

from __future__ import annotations

from pathlib import Path

from tests.processes import run_cli
from tests.projects import findings_of, write_project

STARTUP = {
    "pyproject.toml": '[project]\nname = "hub"\nversion = "1"\n',
    "hub/__init__.py": "",
    "hub/models.py": """\
        from sqlmodel import Field, SQLModel


        class User(SQLModel, table=True):
            id: int = Field(primary_key=True)


        class Folder(SQLModel, table=True):
            id: int = Field(primary_key=True)
            user_id: int
    """,
    "hub/setup.py": """\
        from sqlmodel import select

        from hub.models import Folder, User


        async def configure_users(session):
            for user in (await session.exec(select(User))).all():
                (await session.exec(select(Folder).where(Folder.user_id == user.id))).all()


        async def audit_users(session):
            for user in (await session.exec(select(User))).all():
                (await session.exec(select(Folder).where(Folder.user_id == user.id))).all()
    """,
    "hub/servers.py": """\
        from hub.setup import audit_users, configure_users


        async def init_servers(session):
            await configure_users(session)
            await audit_users(session)
    """,
    "hub/main.py": """\
        from contextlib import asynccontextmanager

        from fastapi import FastAPI

        from hub.servers import init_servers
        from hub.setup import audit_users


        def get_lifespan():
            @asynccontextmanager
            async def lifespan(_app: FastAPI):
                async def delayed():
                    await init_servers(None)

                await delayed()
                yield

            return lifespan


        app = FastAPI(lifespan=get_lifespan())


        @app.get("/audit")
        async def audit():
            await audit_users(None)
            return {}
    """,
}


def test_a_loop_that_runs_only_at_start_up(tmp_path: Path) -> None:
    root = write_project(tmp_path, STARTUP)
    assert findings_of(root, "BE103") == {("hub/setup.py", 13)}  # audit_users: a route calls it too
    result = run_cli("check", "--select", "BE103", "--no-cache", "--stdin-filename", "hub/setup.py", "-",
                     cwd=root, stdin=(root / "hub/setup.py").read_bytes())
    assert result.stdout.decode().count("BE103") == 2, result.stdout.decode()  # alone: the file cannot tell
