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
