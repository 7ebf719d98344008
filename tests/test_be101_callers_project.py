"""BE101 across modules: a helper that formats its parameter into SQL is trusted when every call of it the
project shows passes a value that cannot carry a client's text (a literal, a constant, a number, a name from
a literal loop), and reported when one caller passes request data, or when no caller is known. The CLI and
flake8 run as real processes."""

from __future__ import annotations

from pathlib import Path

from tests.projects import findings_of, write_project

HELPERS = '''\
    import sqlite3

    conn = sqlite3.connect("app.db")


    def count(table):
        cur = conn.cursor()
        cur.execute(f"SELECT count(*) FROM {table} WHERE id = '{table}'")
        return cur.fetchone()


    class Store:
        def _size(self, name, limit=10):
            cur = conn.cursor()
            cur.execute(f"SELECT * FROM items WHERE name = '{name}' LIMIT {limit}")
            return cur.fetchall()

        def sizes(self):
            found = [self._size("c", limit=5)]
            for name in ("a", "b"):
                found.append(self._size(name))
            return found
    '''

TABLES = "USERS = 'users'\n"

REPORTS = '''\
    from app.db import helpers
    from app.db.helpers import count
    from app.tables import USERS


    def users():
        return count(USERS)


    def orders():
        for table in ("orders", "refunds"):
            helpers.count(table)
    '''

STATS = '''\
    from app.db.helpers import count


    def totals():
        return count(table="invoices")
    '''

PROJECT = {
    "pyproject.toml": '[project]\nname = "app"\n',
    "app/__init__.py": "",
    "app/tables.py": TABLES,
    "app/db/__init__.py": "",
    "app/db/helpers.py": HELPERS,
    "app/reports.py": REPORTS,
    "app/stats.py": STATS,
}


def test_every_caller_passing_safe_values_keeps_the_helper_quiet(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, PROJECT), "BE101")
    assert ("app/db/helpers.py", 8) not in found
    assert ("app/db/helpers.py", 15) not in found  # a private method called through self with literals


def test_a_caller_passing_request_data_keeps_the_finding(tmp_path: Path) -> None:
    project = dict(PROJECT)
    project["app/views.py"] = (
        "from flask import request\n\nfrom app.db.helpers import count\n\n\n"
        "def view():\n    return count(request.args['t'])\n"
    )
    found = findings_of(write_project(tmp_path, project), "BE101")
    assert ("app/db/helpers.py", 8) in found
    assert ("app/db/helpers.py", 15) not in found


def test_a_caller_passing_its_own_parameter_keeps_the_finding(tmp_path: Path) -> None:
    project = dict(PROJECT)
    project["app/service.py"] = "from app.db.helpers import count\n\n\ndef total(name):\n    return count(name)\n"
    found = findings_of(write_project(tmp_path, project), "BE101")
    assert ("app/db/helpers.py", 8) in found


def test_no_caller_keeps_the_finding(tmp_path: Path) -> None:
    project = {name: text for name, text in PROJECT.items() if name not in ("app/reports.py", "app/stats.py")}
    found = findings_of(write_project(tmp_path, project), "BE101")
    assert ("app/db/helpers.py", 8) in found


def test_a_caller_in_a_nested_function_counts(tmp_path: Path) -> None:
    project = dict(PROJECT)
    project["app/factory.py"] = (
        "from flask import Flask, request\n\nfrom app.db.helpers import count\n\n\n"
        "def create_app():\n    app = Flask(__name__)\n    table = 'users'\n\n"
        "    @app.get('/count')\n    def view(table=table):\n        return str(count(table))\n\n    return app\n"
    )
    found = findings_of(write_project(tmp_path, project), "BE101")
    assert ("app/db/helpers.py", 8) in found


def test_a_subclassed_private_method_keeps_the_finding(tmp_path: Path) -> None:
    project = dict(PROJECT)
    project["app/views.py"] = (
        "from flask import request\n\nfrom app.db.helpers import Store\n\n\n"
        "class Shop(Store):\n    def get(self):\n        return self._size(request.args['name'])\n"
    )
    found = findings_of(write_project(tmp_path, project), "BE101")
    assert ("app/db/helpers.py", 15) in found
