"""BE101's fix against a real SQLite database: the same rows for honest input, no injection for hostile input.

A small repository module that builds SQL with an f-string, ``%``, ``.format()`` and ``+`` is fixed by
``backend-lint fix --unsafe-fixes`` (a real process); the original and the fixed module are then imported and
run against the same database.
"""

from __future__ import annotations

import importlib.util
import sqlite3
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

from tests.processes import check_json, run_cli
from tests.projects import write_project

REPOSITORY = textwrap.dedent(
    '''
    """User lookups."""
    import sqlite3


    def by_email(conn: sqlite3.Connection, email):
        cur = conn.cursor()
        cur.execute(f"SELECT id, name FROM users WHERE email = '{email}' ORDER BY id")
        return cur.fetchall()


    def by_status(conn: sqlite3.Connection, status, min_id):
        cur = conn.cursor()
        cur.execute("SELECT id, name FROM users WHERE status = '%s' AND id >= %s ORDER BY id" % (status, min_id))
        return cur.fetchall()


    def by_name(conn: sqlite3.Connection, name):
        return conn.execute("SELECT id FROM users WHERE name = '{}' ORDER BY id".format(name)).fetchall()


    def by_team(conn: sqlite3.Connection, team):
        return conn.execute("SELECT id FROM users WHERE team = '" + team + "' ORDER BY id").fetchall()


    def rename(conn: sqlite3.Connection, user_id, name):
        conn.execute(f"UPDATE users SET name = '{name}' WHERE id = {user_id}")
    '''
)
ROWS = [
    (1, "ada", "ada@example.com", "active", "core"),
    (2, "bob", "bob@example.com", "active", "web"),
    (3, "cy", "cy@example.com", "disabled", "core"),
]
HOSTILE = "x' OR '1'='1"


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _database() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT, status TEXT, team TEXT)")
    conn.executemany("INSERT INTO users VALUES (?, ?, ?, ?, ?)", ROWS)
    return conn


@pytest.fixture(scope="module")
def modules(tmp_path_factory) -> tuple[ModuleType, ModuleType, Path]:
    project = write_project(tmp_path_factory.mktemp("sqlite_fix"), {
        "pyproject.toml": "[tool.backend-lint]\n", "original_repository.py": REPOSITORY, "app/repository.py": REPOSITORY,
    })
    original, fixed = project / "original_repository.py", project / "app" / "repository.py"
    result = run_cli("fix", "--unsafe-fixes", "--select", "BE101", "app/repository.py", cwd=project)
    assert result.returncode in (0, 1), result.stderr.decode()
    return _load(original, "original_repository"), _load(fixed, "fixed_repository"), project


def test_fix_parameterizes_every_query(modules) -> None:
    _, _, project = modules
    text = (project / "app" / "repository.py").read_text(encoding="utf-8")
    assert 'cur.execute("SELECT id, name FROM users WHERE email = ? ORDER BY id", (email,))' in text
    assert "'{" not in text and "%s" not in text and ".format(" not in text and "' +" not in text
    assert check_json("--select", "BE101", "app/repository.py", cwd=project) == []


@pytest.mark.parametrize(
    ("function", "args"),
    [
        ("by_email", ("bob@example.com",)),
        ("by_status", ("active", 2)),
        ("by_name", ("cy",)),
        ("by_team", ("core",)),
    ],
)
def test_same_rows_for_honest_input(modules, function: str, args: tuple) -> None:
    original, fixed, _ = modules
    before = getattr(original, function)(_database(), *args)
    after = getattr(fixed, function)(_database(), *args)
    assert before == after
    assert after  # the inputs match rows: an empty comparison would prove nothing


@pytest.mark.parametrize("function", ["by_email", "by_name", "by_team"])
def test_injection_no_longer_executes(modules, function: str) -> None:
    original, fixed, _ = modules
    assert len(getattr(original, function)(_database(), HOSTILE)) == len(ROWS)  # the hole is real
    assert getattr(fixed, function)(_database(), HOSTILE) == []  # now a value that matches nothing


def test_quote_in_a_value_is_stored_not_executed(modules) -> None:
    original, fixed, _ = modules
    name = "o'brien', email = 'evil@example.com"
    conn = _database()
    with pytest.raises(sqlite3.OperationalError):
        original.rename(_database(), 1, "o'brien")  # a plain apostrophe already breaks the original
    fixed.rename(conn, 1, name)
    assert conn.execute("SELECT name, email FROM users WHERE id = 1").fetchone() == (name, "ada@example.com")
