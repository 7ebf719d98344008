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


KEYS = {
    "pyproject.toml": '[project]\nname = "app"\n',
    "app/__init__.py": "",
    "app/index.py": '''\
        import sqlite3

        conn = sqlite3.connect("app.db")


        def drop_index(knowledge_id):
            cur = conn.cursor()
            cur.execute(f"SELECT name FROM indexes WHERE knowledge = '{knowledge_id}'")
        ''',
    "app/tasks.py": '''\
        from app.index import drop_index


        def rebuild(knowledge):
            drop_index(knowledge.id)


        def reindex(knowledge_id):
            drop_index(knowledge_id=knowledge_id)
        ''',
}


def test_callers_passing_a_rows_key_keep_the_helper_quiet(tmp_path: Path) -> None:
    """A key read off an object, or a caller's own parameter named as a key, is an integer or a UUID the
    database made (MaxKB's ``drop_knowledge_index(knowledge_id=knowledge.id)``)."""
    assert ("app/index.py", 8) not in findings_of(write_project(tmp_path, KEYS), "BE101")


def test_a_handler_passing_its_path_parameter_keeps_the_finding(tmp_path: Path) -> None:
    project = dict(KEYS)
    project["app/views.py"] = (
        "from flask import Flask\n\nfrom app.index import drop_index\n\napp = Flask(__name__)\n\n\n"
        "@app.delete('/knowledge/<knowledge_id>/index')\ndef delete_index(knowledge_id):\n"
        "    drop_index(knowledge_id)\n    return ''\n"
    )
    assert ("app/index.py", 8) in findings_of(write_project(tmp_path, project), "BE101")


def test_a_key_declared_str_keeps_the_finding(tmp_path: Path) -> None:
    project = dict(KEYS)
    project["app/service.py"] = (
        "from app.index import drop_index\n\n\ndef forget(knowledge_id: str):\n    drop_index(knowledge_id)\n"
    )
    assert ("app/index.py", 8) in findings_of(write_project(tmp_path, project), "BE101")


LOADER = {
    "pyproject.toml": '[project]\nname = "app"\n',
    "app/__init__.py": "",
    "app/cases.py": '''\
        import sqlite3

        conn = sqlite3.connect("app.db")


        def dispositions(case_id):
            cur = conn.cursor()
            cur.execute(f"SELECT name FROM dispositions WHERE case_id = '{case_id}'")
            return cur.fetchall()


        def documents(name):
            cur = conn.cursor()
            cur.execute(f"SELECT id FROM documents WHERE name = '{name}'")
            return cur.fetchall()
        ''',
    "app/loader.py": '''\
        from app.cases import conn, dispositions, documents


        def load_case(case_no):
            row = conn.execute("SELECT case_id, name FROM cases WHERE no = ?", (case_no,)).fetchone()
            case_id = row["case_id"]
            return dispositions(case_id), documents(row["name"])
        ''',
}


def test_callers_passing_what_their_own_query_read_keep_the_helpers_quiet(tmp_path: Path) -> None:
    """No caller passes text an outside party chose: a row's key read by name (openfec's ``case_id =
    row["case_id"]``) and a column of a row the caller's own query read are the database's values, even when
    the query was looked up by the caller's parameter."""
    found = findings_of(write_project(tmp_path, LOADER), "BE101")
    assert ("app/cases.py", 8) not in found
    assert ("app/cases.py", 14) not in found


def test_a_handler_passing_request_text_through_a_call_keeps_the_finding(tmp_path: Path) -> None:
    project = dict(LOADER)
    project["app/views.py"] = (
        "from flask import Flask, request\n\nfrom app.cases import documents\nfrom app.forms import SearchForm\n\n"
        "app = Flask(__name__)\n\n\n@app.get('/documents')\ndef search():\n    form = SearchForm()\n"
        "    return documents(form.name.data.strip())\n"
    )
    found = findings_of(write_project(tmp_path, project), "BE101")
    assert ("app/cases.py", 14) in found  # any value of a request handler may be the client's
    assert ("app/cases.py", 8) not in found


def test_a_service_passing_on_its_parameter_keeps_the_finding(tmp_path: Path) -> None:
    project = dict(LOADER)
    project["app/service.py"] = (
        "from app.cases import documents\n\n\ndef find(term):\n    wanted = term.lower().strip()\n"
        "    return documents(f'{wanted}')\n"
    )
    assert ("app/cases.py", 14) in findings_of(write_project(tmp_path, project), "BE101")


def test_a_caller_parsing_its_parameter_keeps_the_finding(tmp_path: Path) -> None:
    project = dict(LOADER)
    project["app/consumer.py"] = (
        "import json\n\nfrom app.cases import documents\n\n\ndef on_message(body):\n    message = json.loads(body)\n"
        "    return documents(message['name'])\n"
    )
    assert ("app/cases.py", 14) in findings_of(write_project(tmp_path, project), "BE101")


RESULTS = {
    "pyproject.toml": '[project]\nname = "app"\n',
    "app/__init__.py": "",
    "app/results.py": '''\
        def create_result(conn, project_id, task_id):
            runs = conn.execute("SELECT id FROM task_run WHERE project_id='%s' AND task_id='%s'" % (project_id, task_id))
            run_ids = ", ".join(str(run.id) for run in runs)
            conn.execute("INSERT INTO result (project_id, task_run_ids) VALUES (%s, '{%s}')" % (project_id, run_ids))
        ''',
    "app/listeners.py": '''\
        from app.results import create_result


        def on_taskrun_submit(mapper, conn, target):
            create_result(conn, target.project_id, target.task_id)
        ''',
}


def test_the_connection_a_caller_passes_is_no_source(tmp_path: Path) -> None:
    """pybossa's ``create_result(conn, target.project_id, target.task_id)``: the ids joined into the INSERT are
    rows the helper read on ``conn``; the caller passing its own ``conn`` parameter passes a handle, not text."""
    found = findings_of(write_project(tmp_path, RESULTS), "BE101")
    assert ("app/results.py", 2) not in found
    assert ("app/results.py", 4) not in found


def test_a_caller_passing_its_parameter_beside_the_connection_keeps_the_finding(tmp_path: Path) -> None:
    project = dict(RESULTS)
    project["app/service.py"] = (
        "from app.results import create_result\n\n\ndef submit(conn, project):\n"
        "    create_result(conn, project, 1)\n"
    )
    found = findings_of(write_project(tmp_path, project), "BE101")
    assert ("app/results.py", 2) in found
    assert ("app/results.py", 4) not in found  # the caller's text sits unquoted there, beside ids of rows read
