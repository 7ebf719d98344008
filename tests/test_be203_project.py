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
