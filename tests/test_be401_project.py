"""BE401 across modules: a function only its module's main guard reaches is the program's terminal output unless
another module can reach it (per function: importing another name of the module does not count), and a client
SDK kept in an ``sdks/`` folder prints for its user. The CLI and flake8 run as real processes."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.projects import findings_of, write_project

DISCOVERY = textwrap.dedent('''\
    import asyncio


    def get_model_repos():
        return ["a/b"]


    async def _run(repos):
        for repo in repos:
            print("check failed for", repo)  # only main() reaches it: the init container's progress report
        await asyncio.sleep(0)


    async def discover(repo):
        print("discovery failed for", repo)  # the service imports this one


    def main():
        asyncio.run(_run(get_model_repos()))


    if __name__ == "__main__":
        main()
''')

PROJECT = {
    "pyproject.toml": '[project]\nname = "svc"\n',
    "svc/__init__.py": "",
    "svc/discovery.py": DISCOVERY,
    "svc/service.py": textwrap.dedent('''\
        from svc.discovery import discover, get_model_repos


        async def refresh():
            for repo in get_model_repos():
                await discover(repo)
    '''),
    "sdks/python/pyproject.toml": '[project]\nname = "svc-client"\n',
    "sdks/python/svc_client/__init__.py": "",
    "sdks/python/svc_client/sdk/__init__.py": "",
    "sdks/python/svc_client/sdk/testsets.py": textwrap.dedent('''\
        async def list_testsets(client):
            response = await client.post("/testsets/query")
            if response.status_code != 200:
                print("Failed to list testsets:", response.status_code)
                return []
            return response.json()
    '''),
}


def test_guard_only_function_and_client_sdk(tmp_path: Path) -> None:
    root = write_project(tmp_path, PROJECT)
    found = findings_of(root, "BE401")
    assert ("svc/discovery.py", 10) not in found  # only the main guard reaches _run
    assert ("svc/discovery.py", 15) in found  # discover is imported by the service
    assert not any(path.startswith("sdks/") for path, _line in found)  # a client SDK's coroutine


def test_whole_module_import_keeps_the_finding(tmp_path: Path) -> None:
    project = dict(PROJECT)
    project["svc/service.py"] = "import svc.discovery as discovery\n\n\ndef run():\n    discovery._run([])\n"
    found = findings_of(write_project(tmp_path, project), "BE401")
    assert ("svc/discovery.py", 10) in found


def test_whole_module_import_that_never_names_the_function(tmp_path: Path) -> None:
    """Hedy's ``gunicorn.conf.py`` preloads ``import app`` and a test binds ``import app as hedy_app``; neither names
    ``analyze_memory_snapshot``, the memory report only the main guard runs after Ctrl-C (judged FALSE, seed 125).
    ``discover``, which the service imports by name, stays reported beside it."""
    project = dict(PROJECT)
    project["gunicorn.conf.py"] = "def on_starting(server):\n    import svc.discovery\n    svc.discovery.get_model_repos\n"
    project["tests/test_discovery.py"] = "import svc.discovery as discovery\n\n\ndef test_run():\n    discovery._run\n"
    found = findings_of(write_project(tmp_path, project), "BE401")
    assert ("svc/discovery.py", 10) not in found
    assert ("svc/discovery.py", 15) in found



def test_a_test_importing_a_command_the_program_exits_after(tmp_path: Path) -> None:
    """CAPEv2's ``utils/dist.py``: a Flask daemon whose ``main()`` runs ``show_status_cli()`` for ``--status`` and
    exits, imported by ``tests/test_dist_db.py`` to run it (judged FALSE, seed 135). The test runs the command
    under pytest; ``submit_loop``, which the daemon part of ``main()`` reaches and the test imports too, stays."""
    dist = textwrap.dedent('''\
        import sys

        from flask import Flask

        app = Flask(__name__)


        @app.route("/status")
        def status():
            return {"ok": True}


        def show_status_cli():
            print("pending tasks:", len(sys.argv))


        def submit_loop():
            print("submit failed for", len(sys.argv))


        def main():
            if "--status" in sys.argv:
                show_status_cli()
                sys.exit()
            submit_loop()
            app.run()


        if __name__ == "__main__":
            main()
    ''')
    project = {
        "pyproject.toml": '[project]\nname = "svc"\n',
        "svc/__init__.py": "",
        "svc/dist.py": dist,
        "tests/__init__.py": "",
        "tests/test_dist.py": "from svc.dist import show_status_cli, submit_loop\n\n\ndef test_it():\n"
                              "    assert show_status_cli and submit_loop\n",
    }
    found = findings_of(write_project(tmp_path, project), "BE401")
    assert ("svc/dist.py", 14) not in found
    assert ("svc/dist.py", 18) in found


SERVICE_PRINTS = {
    "svc/__init__.py": "",
    "svc/tasks.py": "from celery import shared_task\n\n\n@shared_task\ndef index(doc_id):\n    print('indexing failed', doc_id)\n",
    "svc/maintenance/__init__.py": "",
    "svc/maintenance/jobs.py": "from celery import shared_task\n\n\n@shared_task\ndef rebuild():\n    print('rebuild failed')\n",
}
"""Two Celery tasks that print (line 6 of each): service code BE401 reports unless the project allows prints."""


@pytest.mark.parametrize(("configuration", "allowed"), [
    # ruff in pyproject.toml: the print check ignored for every file (surfsense: "allow print statements")
    ({"pyproject.toml": '[project]\nname = "svc"\n[tool.ruff.lint]\nselect = ["T20"]\nignore = ["T201"]\n'},
     {"svc/tasks.py", "svc/maintenance/jobs.py"}),
    # ruff.toml, the whole flake8-print family ignored at the top level
    ({"pyproject.toml": '[project]\nname = "svc"\n', "ruff.toml": 'extend-ignore = ["T20"]\n'},
     {"svc/tasks.py", "svc/maintenance/jobs.py"}),
    # ruff per-file-ignores: only the matching folder
    ({"pyproject.toml": '[project]\nname = "svc"\n[tool.ruff.lint.per-file-ignores]\n"**/maintenance/*" = ["T201"]\n'},
     {"svc/maintenance/jobs.py"}),
    # flake8's [flake8] section in setup.cfg, flake8-print's old code
    ({"setup.cfg": "[metadata]\nname = svc\n[flake8]\nper-file-ignores =\n    svc/maintenance/*.py: E501, T001\n"},
     {"svc/maintenance/jobs.py"}),
    # .flake8 ignoring it everywhere
    ({"pyproject.toml": '[project]\nname = "svc"\n', ".flake8": "[flake8]\nextend-ignore = E203,T201\n"},
     {"svc/tasks.py", "svc/maintenance/jobs.py"}),
    # selecting the print check without ignoring it says prints are not wanted: both stay reported
    ({"pyproject.toml": '[project]\nname = "svc"\n[tool.ruff.lint]\nselect = ["T20"]\nignore = ["T203"]\n'},
     set()),
])
def test_the_projects_linter_configuration_allows_prints(
        tmp_path: Path, configuration: dict[str, str], allowed: set[str]) -> None:
    found = findings_of(write_project(tmp_path, {**SERVICE_PRINTS, **configuration}), "BE401")
    for path in ("svc/tasks.py", "svc/maintenance/jobs.py"):
        assert ((path, 6) in found) == (path not in allowed), path


CLIENT_COROUTINE = textwrap.dedent('''\
    async def resume_experiment(client, experiment_id):
        response = await client.post(f"/experiments/{experiment_id}/resume")
        response.raise_for_status()
        print("resume failed", experiment_id, response.status_code)
''')
"""A client library's coroutine printing its summary for the notebook user (line 4)."""


def test_client_distribution_of_its_own(tmp_path: Path) -> None:
    """A distribution of its own named for a client (``packages/phoenix-client/``, with its own pyproject) prints
    for its user; a ``clients`` package inside the service's own distribution is service code."""
    project = {
        "pyproject.toml": '[project]\nname = "svc"\n',
        "svc/__init__.py": "",
        "svc/clients/__init__.py": "",
        "svc/clients/experiments.py": CLIENT_COROUTINE,
        "packages/svc-client/pyproject.toml": '[project]\nname = "svc-client"\n',
        "packages/svc-client/src/svc/__init__.py": "",
        "packages/svc-client/src/svc/client/__init__.py": "",
        "packages/svc-client/src/svc/client/experiments.py": CLIENT_COROUTINE,
        "clients/python_sdk/setup.py": "from setuptools import setup\nsetup(name='svc-sdk')\n",
        "clients/python_sdk/svc_sdk/__init__.py": "",
        "clients/python_sdk/svc_sdk/runs.py": CLIENT_COROUTINE,
    }
    found = findings_of(write_project(tmp_path, project), "BE401")
    assert ("svc/clients/experiments.py", 4) in found
    assert ("packages/svc-client/src/svc/client/experiments.py", 4) not in found
    assert ("clients/python_sdk/svc_sdk/runs.py", 4) not in found


STEP = textwrap.dedent('''\
    from celery import shared_task


    @shared_task
    def backfill(rows):
        print('backfill failed for', len(rows))
''')


def test_numbered_migration_scripts(tmp_path: Path) -> None:
    """A folder of numbered scripts run in order (hail's ``batch/sql/``) is a folder of migrations: their prints
    are the step's output. The same code in a service module, or in a folder of fewer numbered scripts, is
    reported."""
    project = {
        "pyproject.toml": '[project]\nname = "svc"\n',
        "svc/__init__.py": "",
        "svc/backfill.py": STEP,
        "sql/001-initial.sql": "CREATE TABLE t (x INT);\n",
        "sql/002-insert_globals.py": "",
        "sql/003-backfill_rows.py": STEP,
        "jobs/001-backfill.py": STEP,
    }
    found = findings_of(write_project(tmp_path, project), "BE401")
    assert ("sql/003-backfill_rows.py", 6) not in found  # the third numbered script of its folder: a migration
    assert ("svc/backfill.py", 6) in found
    assert ("jobs/001-backfill.py", 6) in found  # one numbered script is no sequence


WALLET = {
    "pyproject.toml": '[project]\nname = "wallet"\n',
    "wallet/__init__.py": "",
    "wallet/wallet.py": textwrap.dedent('''\
        import logging

        logger = logging.getLogger(__name__)


        class Wallet:
            async def restore_keyset(self, keyset_id):
                logger.debug("restoring %s", keyset_id)
                print(f"Restoring keyset {keyset_id} ...")  # the CLI's restore command's progress

            async def restore_from_mnemonic(self, mnemonic):
                print("Restoring tokens...")
                for keyset_id in mnemonic.split():
                    await self.restore_keyset(keyset_id)

            async def pay(self, invoice):
                logger.debug("paying %s", invoice)
                print(f"Paid {invoice}")  # the API's route reaches it
    '''),
    "wallet/cli/__init__.py": "",
    "wallet/cli/cli.py": textwrap.dedent('''\
        import asyncio

        import click

        from wallet.wallet import Wallet


        @click.command()
        @click.argument("mnemonic")
        def restore(mnemonic):
            asyncio.run(Wallet().restore_from_mnemonic(mnemonic))
    '''),
    "wallet/api/__init__.py": "",
    "wallet/api/router.py": textwrap.dedent('''\
        from fastapi import APIRouter

        from wallet.wallet import Wallet

        router = APIRouter()


        @router.post("/pay")
        async def pay(invoice: str):
            await Wallet().pay(invoice)
            return {"paid": True}
    '''),
}


def test_methods_only_the_command_line_reaches(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, WALLET), "BE401")
    assert ("wallet/wallet.py", 9) not in found  # called only by restore_from_mnemonic, which only the CLI names
    assert ("wallet/wallet.py", 12) not in found
    assert ("wallet/wallet.py", 18) in found  # the API's route pays


def test_a_serving_module_naming_the_method_keeps_it(tmp_path: Path) -> None:
    project = dict(WALLET)
    project["wallet/api/restore.py"] = textwrap.dedent('''\
        from fastapi import APIRouter

        from wallet.wallet import Wallet

        router = APIRouter()


        @router.post("/restore")
        async def restore(mnemonic: str):
            await Wallet().restore_from_mnemonic(mnemonic)
    ''')
    found = findings_of(write_project(tmp_path, project), "BE401")
    assert ("wallet/wallet.py", 9) in found
    assert ("wallet/wallet.py", 12) in found


LAUNCHER = {
    "pyproject.toml": '[project]\nname = "tasking"\n',
    "backend/__init__.py": "from flask import Flask\n\n\ndef create_app():\n    return Flask(__name__)\n",
    "backend/services/__init__.py": "",
    "backend/services/user_service.py": textwrap.dedent('''\
        import logging

        logger = logging.getLogger(__name__)


        class UserService:
            @staticmethod
            async def refresh_mapper_level():
                for count, user in enumerate(range(100)):
                    if count % 50 == 0:
                        print(f"{count} users updated")  # the refresh_levels command's progress
                return 100

            @staticmethod
            async def register(user):
                logger.debug("registering %s", user)
                print(f"registered {user}")  # the API's route reaches it
    '''),
    "backend/api.py": textwrap.dedent('''\
        from flask import Blueprint

        from backend.services.user_service import UserService

        bp = Blueprint("users", __name__)


        @bp.post("/users")
        async def register():
            await UserService.register("me")
            return {"ok": True}
    '''),
    # a launcher: it builds and serves the app, and registers the operator's commands of the flask program
    "manage.py": textwrap.dedent('''\
        import asyncio

        from backend import create_app
        from backend.services.user_service import UserService

        application = create_app()


        @application.cli.command("refresh_levels")
        def refresh_levels():
            print("Started updating mapper levels...")
            updated = asyncio.run(UserService.refresh_mapper_level())
            print(f"Updated {updated} user mapper levels")


        if __name__ == "__main__":
            application.run()
    '''),
}


def test_a_launchers_flask_command_is_command_line_code(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, LAUNCHER), "BE401")
    assert ("backend/services/user_service.py", 11) not in found  # only the launcher's command names it
    assert ("backend/services/user_service.py", 17) in found  # the API's route reaches it


def test_a_launcher_naming_the_method_outside_its_commands_keeps_it(tmp_path: Path) -> None:
    project = dict(LAUNCHER)
    project["manage.py"] = LAUNCHER["manage.py"].replace(
        'application = create_app()\n', 'application = create_app()\nasyncio.run(UserService.refresh_mapper_level())\n')
    found = findings_of(write_project(tmp_path, project), "BE401")
    assert ("backend/services/user_service.py", 11) in found  # the launcher runs it at start-up too
