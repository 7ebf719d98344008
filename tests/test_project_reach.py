"""The project's reachability fact (``unreached``): a finding inside a module-level function or class that nothing
outside the tests and migrations reaches is dropped, whatever the rule; the same finding in code the application
calls stands. Run through the CLI and flake8 as real processes, as users run them."""

from __future__ import annotations

import textwrap
from pathlib import Path

from backend_lint.analysis.project import roots
from tests.processes import run_cli
from tests.projects import write_project
from tests.test_project_model import _both

HELPERS = """\
    import requests

    from app.registry import Base


    def used():
        return requests.get("https://example.com").text  # stands: a route calls it


    def unused():
        return requests.get("https://example.com").text  # stands: public, and nothing names it at all


    def _private_unused():
        return requests.get("https://example.com").text  # private and unreached


    def only_tests():
        return requests.get("https://example.com").text  # only a test calls it


    def only_migrations():
        return requests.get("https://example.com").text  # only a data migration calls it


    def named_in_a_string():
        return requests.get("https://example.com").text  # stands: a dotted path names it


    def looked_up_by_attribute():
        return requests.get("https://example.com").text  # stands: another module uses it as an attribute


    def called_here():
        return requests.get("https://example.com").text  # stands: its own module calls it


    def local_caller():
        return called_here()


    def dispatch_refresh():
        return requests.get("https://example.com").text  # stands: a "dispatch_" prefix builds its name


    def entry_point_only():
        return requests.get("https://example.com").text  # stands: setup.py's entry point names it


    def main():
        return requests.get("https://example.com").text  # stands: a conventional entry


    class Adapter:
        def check(self):
            return requests.get("https://example.com").text  # unreached class


    class UsedAdapter:
        def check(self):
            return requests.get("https://example.com").text  # stands: the route builds it


    class Registered(Base):
        def check(self):
            return requests.get("https://example.com").text  # stands: its base finds it among its subclasses
"""

VIEWS = """\
    from flask import Flask

    from app import helpers
    from app.helpers import UsedAdapter

    app = Flask(__name__)
    JOBS = {"refresh": "app.helpers.named_in_a_string"}


    @app.route("/")
    def index():
        getattr(helpers, "dispatch_" + "refresh")()
        return helpers.used() + helpers.looked_up_by_attribute() + UsedAdapter().check()
"""

APPLICATION = {
    "app/__init__.py": "",
    "setup.py": """\
        from setuptools import setup

        setup(name="app", entry_points={"app.hooks": ["fetch = app.helpers:entry_point_only"]})
    """,
    "app/helpers.py": HELPERS,
    "app/views.py": VIEWS,
    "app/registry.py": """\
        class Base:
            @classmethod
            def find(cls, name):
                return next(found for found in cls.__subclasses__() if found.__name__ == name)
    """,
    "app/migrations/__init__.py": "",
    "app/migrations/0002_fill.py": """\
        from app.helpers import only_migrations


        def forwards(apps, schema_editor):
            only_migrations()
    """,
    "tests/__init__.py": "",
    "tests/test_helpers.py": """\
        from app import helpers
        from app.helpers import Adapter


        def test_only_tests():
            assert helpers.only_tests() and Adapter().check()
    """,
}


def _lines(marker: str) -> list[int]:
    """The lines of the helpers module whose comment starts with ``marker``."""
    return [number for number, text in enumerate(textwrap.dedent(HELPERS).splitlines(), 1) if f"# {marker}" in text]


def _be201(root: Path) -> set[int]:
    return {line for path, line, code in _both(root) if code == "BE201" and path == "app/helpers.py"}


def test_unreached_code_of_an_application_is_dropped_and_reached_code_stands(tmp_path: Path) -> None:
    """In an application (a Flask route), a request without a timeout in a private helper nothing calls, in one only
    tests or data migrations call, and in a plain class only tests build is dead code; those a route, a dotted
    string, an attribute, a name prefix, the module itself, a convention or a registry of subclasses reaches stand,
    and so does a public function nothing names at all (new code, or one an outside caller reaches)."""
    root = write_project(tmp_path, APPLICATION)
    assert _be201(root) == set(_lines("stands"))


def test_a_library_keeps_its_public_functions(tmp_path: Path) -> None:
    """A library (nothing serves requests) is called by code outside it: only its private helper is decided."""
    library = "\n".join(line for line in VIEWS.splitlines() if "Flask" not in line and "@app" not in line)
    files = dict(APPLICATION, **{"app/views.py": library})
    root = write_project(tmp_path, files)
    assert _be201(root) == set(_lines("")) - set(_lines("private"))


def test_a_repository_holding_another_project_keeps_public_functions(tmp_path: Path) -> None:
    """A project in a folder below (OpenHands' ``enterprise/``) may import any public function: only private names
    are decided."""
    files = dict(APPLICATION, **{"enterprise/pyproject.toml": "[project]\nname = 'enterprise'\n"})
    root = write_project(tmp_path, files)
    assert _be201(root) == set(_lines("")) - set(_lines("private"))


def test_without_a_project_every_finding_stands(tmp_path: Path) -> None:
    """The module alone (standard input) cannot show that nothing calls its helpers."""
    root = write_project(tmp_path, APPLICATION)
    result = run_cli("check", "--select", "BE201", "--no-cache", "--output-format", "concise",
                     "--stdin-filename", "app/helpers.py", "-", cwd=root,
                     stdin=(root / "app/helpers.py").read_bytes())
    reported = {int(line.split(":")[1]) for line in result.stdout.decode().splitlines() if "BE201" in line}
    assert reported == set(_lines(""))


ORPHAN = """\
    import requests


    def fetch():
        return requests.get("https://example.com").text
"""

IMPORTERS = dict(APPLICATION, **{
    "app/importers/__init__.py": "from app.importers import live\n\nREGISTRY = [live.fetch]\n",
    "app/importers/live.py": ORPHAN,
    "app/importers/retired.py": ORPHAN.replace("fetch", "fetch_advisories"),
    "tests/test_retired.py": "from app.importers import retired\n\n\ndef test_fetch():\n    assert retired.fetch_advisories()\n",
    "app/views.py": VIEWS.replace("from app import helpers", "from app import helpers\n    from app import importers"),
})


def _importers_be201(root: Path) -> set[str]:
    return {path for path, _, code in _both(root) if code == "BE201" and path.startswith("app/importers/")}


def test_a_module_only_tests_import_in_a_live_package_is_dropped(tmp_path: Path) -> None:
    """vulnerablecode's retired importers: a module of a package the application imports, left out of its registry
    and imported by its test only, is dead code; the registered module beside it stands."""
    assert _importers_be201(write_project(tmp_path, IMPORTERS)) == {"app/importers/live.py"}


def test_a_project_loading_modules_by_computed_name_keeps_the_orphan(tmp_path: Path) -> None:
    loader = "import importlib\n\n\ndef load(name):\n    return importlib.import_module(f'app.importers.{name}')\n"
    root = write_project(tmp_path, dict(IMPORTERS, **{"app/loader.py": loader}))
    assert _importers_be201(root) == {"app/importers/live.py", "app/importers/retired.py"}



ROOT_PACKAGE = {
    "__init__.py": "",
    "pyproject.toml": "[project]\nname = 'shop'\n",
    "manage.py": "import sys\n\nfrom django.core.management import execute_from_command_line\n\nexecute_from_command_line(sys.argv)\n",
    "courses/__init__.py": "",
    "courses/api.py": """\
        import requests


        def used():
            return requests.get("https://example.com").text


        def only_tests():
            return requests.get("https://example.com").text
    """,
    "courses/views.py": """\
        from flask import Flask

        from courses.api import used

        app = Flask(__name__)


        @app.route("/")
        def index():
            return used()
    """,
    "courses/api_test.py": "from courses.api import only_tests\n\n\ndef test_only_tests():\n    assert only_tests()\n",
}


def test_a_root_package_run_by_its_manage_py_names_modules_from_the_root(tmp_path: Path) -> None:
    """mitxonline (seed 131) keeps ``pyproject.toml``, ``manage.py`` and an ``__init__.py`` in its top folder and
    imports its apps as ``courses.api``: ``manage.py`` runs from that folder, so the module is ``courses.api``, and
    the function only its test imports is dead code while the one a route calls stands. Without ``manage.py`` the
    top folder is an importable package like any other, and its name is part of the module's."""
    root = write_project(tmp_path, ROOT_PACKAGE)
    roots.clear()
    try:
        assert roots.module_name(str(root / "courses" / "api.py")) == "courses.api"
        assert {line for path, line, code in _both(root) if code == "BE201" and path == "courses/api.py"} == {5}
        (root / "manage.py").unlink()
        roots.clear()
        assert roots.module_name(str(root / "courses" / "api.py")) == f"{root.name}.courses.api"
    finally:
        roots.clear()
