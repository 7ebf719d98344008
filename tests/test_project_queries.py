"""What helpers of another module do with the database, on whole projects through the real CLI and
``flake8 --select BE``: the SQL pairs they return (BE101) and the queries they run (BE103).

Each project puts the helper that settles a finding next to one that must not (a pair whose SQL takes the
caller's text, a helper that builds a queryset without running it, a cached lookup), so a model that takes
every helper on trust fails as surely as one that reads none.
"""

from __future__ import annotations

from pathlib import Path

from tests.processes import run_cli
from tests.projects import findings_of, write_project

SQL_PAIRS = {
    "pyproject.toml": '[project]\nname = "reports"\nversion = "1"\n',
    "reports/__init__.py": "",
    "reports/queries.py": """\
        TABLE = "orders"


        def build_query(status):
            return "SELECT id FROM orders WHERE status = %s", [status]


        def columns(status):
            picked = "id, total" if status else "id"
            return picked, (status,)


        def table_and_filter(status):
            if status == "archived":
                return TABLE + "_archive", [status]
            return TABLE, [status]


        def caller_columns(names, status):
            return ", ".join(names), [status]


        def not_a_pair(status):
            if status:
                return "id", [status]
            return "id"
    """,
    "reports/views.py": """\
        from reports import queries
        from reports.queries import build_query, caller_columns, columns, not_a_pair


        def spread(cursor, status):
            cursor.execute(*build_query(status))


        def unpacked(cursor, status):
            sql, params = build_query(status)
            cursor.execute(sql, params)


        def picked_columns(cursor, status):
            picked, params = columns(status)
            cursor.execute(f"SELECT {picked} FROM orders WHERE note = '{picked}'", params)


        def archived(cursor, status):
            table, params = queries.table_and_filter(status)
            cursor.execute(f"SELECT id FROM orders WHERE kind = '{table}'", params)


        def from_the_caller(cursor, names, status):
            picked, params = caller_columns(names, status)
            cursor.execute(f"SELECT id FROM orders WHERE note = '{picked}'", params)


        def mixed(cursor, status):
            picked, params = not_a_pair(status)
            cursor.execute(f"SELECT id FROM orders WHERE note = '{picked}'", params)
    """,
}


def test_sql_text_unpacked_from_a_helper_of_another_module(tmp_path: Path) -> None:
    """BE101 leaves alone a value formatted into SQL that a helper of another module returns as constant text in
    every tuple (a literal, a choice of literals, a module constant and text built from it); a pair whose text
    joins the caller's names, or a helper that does not always return a tuple, keeps the finding. A pair run
    as it is (``execute(*build_query(x))``, ``sql, params = ...``) was never reported: BE101 does not report
    SQL it cannot see being built."""
    root = write_project(tmp_path, SQL_PAIRS)
    assert findings_of(root, "BE101") == {("reports/views.py", 26), ("reports/views.py", 31)}
    result = run_cli("check", "--select", "BE101", "--no-cache", "--stdin-filename", "reports/views.py", "-",
                     cwd=root, stdin=(root / "reports/views.py").read_bytes())
    assert result.stdout.decode().count("BE101") == 4, result.stdout.decode()  # alone: the file cannot tell
