"""BE204 across modules: a coroutine a Celery task runs with ``async_to_sync`` has that loop to itself unless a
module other than tests imports it (a test awaiting it on pytest's loop is no service). The CLI and flake8 run as
real processes."""

from __future__ import annotations

from pathlib import Path

from tests.projects import findings_of, write_project

TASKS = '''\
    import time

    from asgiref.sync import async_to_sync
    from celery import shared_task


    @shared_task
    def submit(url):
        return async_to_sync(submit_async)(url)


    async def submit_async(url):
        time.sleep(1)
    '''

PROJECT = {
    "pyproject.toml": '[project]\nname = "app"\n',
    "app/__init__.py": "",
    "app/boa/__init__.py": "",
    "app/boa/tasks.py": TASKS,
    "tests/__init__.py": "",
    "tests/test_boa.py": "from app.boa.tasks import submit_async\n\n\nasync def test_submit():\n    await submit_async('u')\n",
}


def test_tests_importing_the_coroutine_keep_it_quiet(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, PROJECT), "BE204")
    assert ("app/boa/tasks.py", 13) not in found


def test_a_service_module_importing_it_keeps_the_finding(tmp_path: Path) -> None:
    project = dict(PROJECT)
    project["app/views.py"] = "from app.boa.tasks import submit_async\n\n\nasync def view(request):\n    await submit_async('u')\n"
    found = findings_of(write_project(tmp_path, project), "BE204")
    assert ("app/boa/tasks.py", 13) in found


INSTALLER = {
    "pyproject.toml": '[project]\nname = "kit"\n',
    "kit/__init__.py": "",
    "kit/install/__init__.py": "",
    "kit/install/cli.py": '''\
import click


@click.command()
def main():
    from .app import InstallerApp

    app = InstallerApp()
    app.run()
''',
    "kit/install/app.py": '''\
from textual.app import App

from .context import Context


class InstallerApp(App[None]):
    async def on_mount(self):
        await Context().install()
''',
    "kit/install/context.py": '''\
import shutil

from .steps import prepare


class Context:
    async def install(self):
        await prepare(self)
        shutil.copytree("harbor", "/opt/harbor")
''',
    "kit/install/steps.py": '''\
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .context import Context


async def prepare(ctx: "Context"):
    return None
''',
}


def test_a_terminal_app_a_command_runs_is_command_line_code(tmp_path: Path) -> None:
    """A Textual app's ``run()`` draws on the operator's terminal (backend.ai's installer, seed 131): the command
    that runs it starts no service, so the modules only it imports are command line code, even those a module
    imports back only under ``TYPE_CHECKING``."""
    found = findings_of(write_project(tmp_path, INSTALLER), "BE204")
    assert ("kit/install/context.py", 9) not in found


def test_a_web_app_a_command_runs_is_the_service(tmp_path: Path) -> None:
    project = dict(INSTALLER)
    project["kit/install/app.py"] = INSTALLER["kit/install/app.py"].replace(
        "from textual.app import App", "from flask import Flask as App"
    )
    found = findings_of(write_project(tmp_path, project), "BE204")
    assert ("kit/install/context.py", 9) in found
