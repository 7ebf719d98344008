"""One-shot programs outside a scripts folder, on a whole project through the real CLI
(:func:`backend_lint.analysis.one_shot_programs.one_shot_program`): a main-guarded module that serves nothing, never
loops forever and that no other module imports is run by hand (BE201 leaves it alone); one another module imports,
or a worker that loops forever, stays reported."""

from __future__ import annotations

from pathlib import Path

from tests.projects import findings_of, write_project

PROJECT = {
    "pyproject.toml": '[project]\nname = "shop"\nversion = "1"\n',
    "shop/__init__.py": "",
    "shop/utils/__init__.py": "",
    "shop/utils/bulk_users.py": """\
        import requests


        class UserCreation:
            def create(self, name):
                return requests.post("http://localhost:8080/api/users", json={"name": name}).json()


        if __name__ == "__main__":
            UserCreation().create("ops")
    """,
    "shop/utils/seed.py": """\
        import requests


        def seed_users():
            return requests.post("http://localhost:8080/api/users", json=[]).json()


        if __name__ == "__main__":
            seed_users()
    """,
    "shop/jobs.py": """\
        from shop.utils.seed import seed_users


        def nightly():
            seed_users()
    """,
    "shop/utils/worker.py": """\
        import time

        import requests


        def poll():
            return requests.get("https://feeds.example.net/changes").json()


        if __name__ == "__main__":
            while True:
                poll()
                time.sleep(30)
    """,
}


def test_one_shot_programs_wherever_they_sit(tmp_path: Path) -> None:
    root = write_project(tmp_path, PROJECT)
    assert findings_of(root, "BE201") == {("shop/utils/seed.py", 5), ("shop/utils/worker.py", 7)}


PARTS = {
    "pyproject.toml": '[project]\nname = "shop"\nversion = "1"\n',
    "shop/__init__.py": "",
    "shop/assets.py": """\
        import urllib.request


        def get_external_css():
            return ["https://cdn.example.net/app.css"]


        def _download(url):
            return urllib.request.urlopen(url).read()


        if __name__ == "__main__":
            for url in get_external_css():
                _download(url)
    """,
    "shop/pages.py": """\
        from shop.assets import get_external_css


        def head():
            return get_external_css()
    """,
    "shop/tools.py": """\
        import requests


        def fetch_tools():
            return requests.get("https://api.github.com/repos/shop/tools/contents").json()


        def install(tools):
            return requests.post("http://localhost:8001/install", json=tools).json()


        if __name__ == "__main__":
            fetch_tools()
    """,
    "shop/plugins.py": """\
        from shop.tools import install


        def setup(tools):
            return install(tools)
    """,
    "tests/__init__.py": "",
    "tests/test_tools.py": """\
        from shop.tools import fetch_tools


        def test_fetch(monkeypatch):
            assert fetch_tools is not None
    """,
    "deployment/sync_messages.py": """\
        import requests

        FROM = "http://api3.example.net"
        messages = requests.get(f"{FROM}/api/v0/messages.json").json()
    """,
    "shop/startup.py": """\
        import requests

        CONFIG = requests.get("http://config.internal/app.json").json()
    """,
    "deployment/compare_catalogs.py": """\
        import requests

        keys = set()
        url = "https://catalog.example.net/api/courses/"
        while url:  # ends on the last page, which names no next one
            page = requests.get(url).json()
            keys.update(item["key"] for item in page["results"])
            url = page["next"]
        print(len(keys))
    """,
    "deployment/watch_prices.py": """\
        import requests

        running = True
        while running:  # only a branch clears the flag: a watcher that runs for good
            prices = requests.get("https://prices.example.net/latest").json()
            if prices.get("halt"):
                running = False
    """,
    "shop/app.py": """\
        from shop.startup import CONFIG
    """,
}


def test_parts_of_programs(tmp_path: Path) -> None:
    """A function only the main guard reaches (imported by tests only, or not at all while the service imports
    its module's other names), and the top-level statements of a module nothing imports, run only when a person
    starts the file, also through the pages of an API followed to the last (``while url:`` rebinding ``url``); the
    same function or statements the service imports stay reported, and so does a loop only a branch ends."""
    root = write_project(tmp_path, PARTS)
    assert findings_of(root, "BE201") == {("shop/tools.py", 9), ("shop/startup.py", 3),
                                          ("deployment/watch_prices.py", 5)}


INDEXER = """\
    import argparse
    import logging

    from shop.store import Store


    def all_files(store):
        iterator, found = store.query("{}"), set()
        while True:
            page = store.pop(iterator, 10000)
            found.update(page.files)
            if page.empty:
                break
        return found


    def main():
        logging.basicConfig(level=logging.INFO)
        args = argparse.ArgumentParser().parse_args()
        try:
            store = Store(args.url)
            store.status()
        except Exception:
            logging.error("Can't connect to the store at %s", args.url)
        all_files(store)


    if __name__ == "__main__":
        main()
"""


def test_a_program_run_by_hand_logs_its_errors_to_its_operator(tmp_path: Path) -> None:
    """BE403: a one-shot program (an indexer a person starts with ``python -m shop.utils.index``; its ``while True``
    ends by a ``break`` of its own body) that no module imports logs its errors to the terminal that started it; a
    worker looping until it is stopped, even one leaving its loop in an ``except KeyboardInterrupt``, or a pub/sub
    subscriber waiting on its messages, is a service."""
    worker = INDEXER.replace("        all_files(store)\n", "        while True:\n            try:\n"
                             "                all_files(store)\n            except KeyboardInterrupt:\n"
                             "                break\n")
    subscriber = INDEXER.replace("        all_files(store)\n", "        store.subscribe('changes', callback=all_files)\n")
    root = write_project(tmp_path, {
        "pyproject.toml": '[project]\nname = "shop"\nversion = "1"\n', "shop/__init__.py": "",
        "shop/store.py": "class Store:\n    pass\n", "shop/utils/__init__.py": "",
        "shop/utils/index.py": INDEXER, "shop/utils/reindexer.py": worker, "shop/utils/listener.py": subscriber,
    })
    assert findings_of(root, "BE403") == {("shop/utils/reindexer.py", 24), ("shop/utils/listener.py", 24)}


IMPORTER = '''\
    """
    To run:

    python ./scripts/import_feed.py ./path/to/feed.json
    """
    import requests

    from shop.cli import FnToCLI

    LANGUAGES = {row["code"]: row["name"] for row in requests.get("https://feeds.example.net/languages.json").json()}


    def main(filename: str, dry_run: bool = False):
        return requests.get("https://feeds.example.net/books.json").json()


    if __name__ == "__main__":
        FnToCLI(main).run()
'''


def test_a_program_whose_main_guard_runs_its_main_through_a_command_line_wrapper(tmp_path: Path) -> None:
    """``FnToCLI(main).run()`` (or ``typer.run(main)``, absl's ``app.run(main)``) runs the module's own function
    once as a command line program: the module serves nothing (openlibrary's ``scripts/import_pressbooks.py``, seed
    133). The same program whose docstring says a cron starts it is an unattended job and stays reported."""
    cron = IMPORTER.replace("To run:", "Run daily by the cron container:")
    root = write_project(tmp_path, {
        "pyproject.toml": '[project]\nname = "shop"\nversion = "1"\n', "shop/__init__.py": "",
        "shop/cli.py": "class FnToCLI:\n    def __init__(self, fn):\n        self.fn = fn\n\n"
                       "    def run(self):\n        return self.fn()\n",
        "shop/imports/__init__.py": "", "shop/imports/feed.py": IMPORTER, "shop/imports/nightly.py": cron,
    })
    assert findings_of(root, "BE201") == {("shop/imports/nightly.py", 10), ("shop/imports/nightly.py", 14)}
MODEL_TOOL = """\
    \"\"\"Manage the models of the inference server: a standalone CLI tool.\"\"\"

    # /// script
    # requires-python = "~=3.11"
    # dependencies = ["typer==0.19.2"]
    # ///

    import logging

    import typer

    logger = logging.getLogger(__name__)
    app = typer.Typer()


    @app.command()
    def copy_config(name: str, overwrite: bool = False):
        logger.info(f"Config file {name} already exists, skipping. Use --overwrite to force it.")


    if __name__ == "__main__":
        app()
"""


def test_a_program_run_by_hand_formats_its_terminal_lines(tmp_path: Path) -> None:
    """BE402: a standalone tool declaring its own dependencies inline (PEP 723), with a main guard, that nothing
    imports (robotoff's ``models/manage.py``, a typer ``app()`` run with ``uv run manage.py``) writes its log lines
    to the operator's terminal: neither the cost of formatting nor grouping arises. The same module imported by the
    service, a batch job beside its own ``Dockerfile`` (the image runs it unattended, its lines go to the log
    service), or a one-shot program without the block (host-inventory's ``jobs/``, each a Kubernetes job) stays
    reported."""
    job = MODEL_TOOL.replace("    # /// script\n", "    # script\n")
    root = write_project(tmp_path, {
        "pyproject.toml": '[project]\nname = "shop"\nversion = "1"\n', "shop/__init__.py": "",
        "models/manage.py": MODEL_TOOL, "jobs/populate.py": job,
        "batch/spellcheck/main.py": MODEL_TOOL, "batch/spellcheck/Dockerfile": "FROM python:3.12\n",
        "shop/tools/__init__.py": "", "shop/tools/manage_models.py": MODEL_TOOL,
        "shop/api.py": "from shop.tools.manage_models import copy_config\n",
    })
    assert findings_of(root, "BE402") == {
        ("batch/spellcheck/main.py", 18), ("shop/tools/manage_models.py", 18), ("jobs/populate.py", 18)}
