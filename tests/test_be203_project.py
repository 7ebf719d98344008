"""BE203 on a project: a retry loop in a method of a command class that derives, through a base of another
module of the project, from a CLI framework's command class (superdesk's ``Command(flask_script.Command)``)
runs from an operator's shell, not in a service; the same loop in a class whose base is a plain project class
is still reported, through the real CLI and ``flake8 --select BE`` as processes.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.projects import findings_of, write_project

RETRYING = """\
    import time

    import desk


    class {name}(desk.{base}):
        def run(self, items):
            for _ in range(3):
                try:
                    return desk.search.bulk_insert(items)
                except Exception:
                    time.sleep(10)
"""

PROJECT = {
    "desk/__init__.py": """\
        from flask_script import Command as BaseCommand


        class Command(BaseCommand):
            def __call__(self, *args, **kwargs):
                return self.run(*args, **kwargs)


        class Worker:
            def __call__(self, *args, **kwargs):
                return self.run(*args, **kwargs)
    """,
    "desk/commands/__init__.py": "",
    "desk/commands/index_from_mongo.py": RETRYING.format(name="IndexFromMongo", base="Command"),
    "desk/workers/__init__.py": "",
    "desk/workers/indexer.py": RETRYING.format(name="Indexer", base="Worker"),
}


def test_a_command_class_of_a_cli_framework_is_not_reported(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, PROJECT), "BE203")
    assert found == {(os.path.join("desk", "workers", "indexer.py"), 12)}


STARTUP = {
    "pyproject.toml": '[project]\nname = "hub"\nversion = "1"\n',
    "hub/__init__.py": "",
    "hub/setup.py": """\
        import time

        import requests


        def setup_multitenant():
            register_indices(["default"])


        def register_indices(indices):
            for _ in range(5):
                try:
                    return requests.post("http://search:8081/application", json=indices, timeout=10)
                except Exception:
                    time.sleep(5)


        def refresh_indices(indices):
            for _ in range(5):
                try:
                    return requests.post("http://search:8081/application", json=indices, timeout=10)
                except Exception:
                    time.sleep(5)
    """,
    "hub/main.py": """\
        from contextlib import asynccontextmanager

        from fastapi import FastAPI

        from hub.setup import refresh_indices, setup_multitenant


        @asynccontextmanager
        async def lifespan(_app: FastAPI):
            setup_multitenant()
            yield


        app = FastAPI(lifespan=lifespan)


        @app.post("/indices")
        def indices():
            return refresh_indices(["default"])
    """,
}


def test_a_retry_loop_that_runs_only_at_start_up(tmp_path: Path) -> None:
    """Schema set-up retried at a fixed pace from a function only the application's ``lifespan`` reaches (through
    another function: Onyx's ``setup_vespa_multitenant``) runs once per process, no herd; the same loop in a
    function a route calls is still reported."""
    found = findings_of(write_project(tmp_path, STARTUP), "BE203")
    assert found == {(os.path.join("hub", "setup.py"), 23)}


RUN_BEFORE_SERVING = {
    "setup.py": 'from setuptools import setup\nsetup(name="mf", packages=["services"])\n',
    "services/__init__.py": "",
    "services/data/__init__.py": "",
    "services/data/db.py": """\
        import time

        import aiopg


        class AsyncPostgresDB:
            async def _init(self, dsn):
                for _ in range(5):
                    try:
                        self.pool = await aiopg.create_pool(dsn)
                        break
                    except Exception:
                        time.sleep(1)

            async def reconnect(self, dsn):
                for _ in range(5):
                    try:
                        self.pool = await aiopg.create_pool(dsn)
                        break
                    except Exception:
                        time.sleep(1)
    """,
    "services/api/__init__.py": "",
    "services/api/server.py": """\
        import asyncio

        from aiohttp import web

        from services.data.db import AsyncPostgresDB


        def app(loop, dsn):
            application = web.Application()
            async_db = AsyncPostgresDB()
            loop.run_until_complete(async_db._init(dsn))
            return application


        def main():
            loop = asyncio.get_event_loop()
            runner = web.AppRunner(app(loop, "dsn"))
            loop.run_until_complete(runner.setup())
            loop.run_forever()
    """,
}


def test_a_coroutine_run_to_completion_before_the_loop_serves(tmp_path: Path) -> None:
    """metaflow's service runs ``AsyncPostgresDB._init`` with ``loop.run_until_complete`` before
    ``loop.run_forever()``: its connect retry is start-up work, no herd; the class's other retry still stands."""
    found = findings_of(write_project(tmp_path, RUN_BEFORE_SERVING), "BE203")
    assert found == {(os.path.join("services", "data", "db.py"), 21)}


TENACITY_AT_STARTUP = {
    "pyproject.toml": '[project]\nname = "mem"\nversion = "1"\n',
    "mem/__init__.py": "",
    "mem/startup.py": """\
        from sqlalchemy.exc import SQLAlchemyError
        from tenacity import AsyncRetrying, retry, retry_if_exception_type, stop_after_attempt, wait_fixed


        async def validate_schema(engine):
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(3), wait=wait_fixed(1), retry=retry_if_exception_type(SQLAlchemyError)
            ):
                with attempt:
                    return await engine.inspect()


        @retry(stop=stop_after_attempt(3), wait=wait_fixed(1))
        async def warm_cache(engine):
            return await engine.warm()


        async def reinspect(engine):
            async for attempt in AsyncRetrying(stop=stop_after_attempt(3), wait=wait_fixed(1)):
                with attempt:
                    return await engine.inspect()
    """,
    "mem/main.py": """\
        from contextlib import asynccontextmanager

        from fastapi import FastAPI

        from mem.db import engine
        from mem.startup import reinspect, validate_schema, warm_cache


        @asynccontextmanager
        async def lifespan(_app: FastAPI):
            await validate_schema(engine)
            await warm_cache(engine)
            yield


        app = FastAPI(lifespan=lifespan)


        @app.post("/schema")
        async def schema():
            return await reinspect(engine)
    """,
    "mem/db.py": "engine = None\n",
}


def test_a_tenacity_retry_that_runs_only_at_start_up(tmp_path: Path) -> None:
    """honcho's schema check, retried 3 times 1 s apart by ``AsyncRetrying`` in a function only the ``lifespan``
    reaches (and a ``@retry`` on such a function), runs once per process before it serves: no herd. The same
    ``AsyncRetrying`` loop in a function a route calls is still reported."""
    found = findings_of(write_project(tmp_path, TENACITY_AT_STARTUP), "BE203")
    assert found == {(os.path.join("mem", "startup.py"), 19)}
