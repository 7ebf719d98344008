"""Data-access rules BE101-BE104 in-process, on dedented snippets: exact (line, code) lists and messages.

The fixtures cover each driver; these cases pin the edges of the shared analysis (receivers by origin versus
by name, provenance through locals and constants, what counts as a bound) with named look-alikes.
"""

from __future__ import annotations

import pytest

from backend_lint.rules.be102_select_star import star_selects
from tests.snippets import findings, found

DATA = ("BE101", "BE102", "BE103", "BE104")


def _messages(code: str) -> list[str]:
    return [finding.message for finding in findings(code, DATA)]


FLAGGED_BE101 = [
    pytest.param(
        """
        import sqlite3 as lite
        def f(conn: lite.Connection, email):
            conn.execute("SELECT id FROM users WHERE email = '%s'" % email)
        """,
        id="aliased-module-annotation",
    ),
    pytest.param(
        """
        from psycopg2 import connect
        class Repo:
            def __init__(self):
                self.db = connect("")
            def find(self, name):
                with self.db.cursor() as c:
                    c.execute("SELECT id FROM t WHERE name = '" + name + "'")
        """,
        id="connection-kept-on-self",
    ),
    pytest.param(
        """
        def f(get_cursor, email):
            with get_cursor() as cursor:
                sql = "SELECT id FROM users"
                sql = sql + f" WHERE email = '{email}'"
                cursor.execute(sql)
        """,
        id="cursor-by-name-self-referencing-assignment",
    ),
    pytest.param(
        """
        from .db import get_db
        def f(name):
            db = get_db()
            return db.execute(f"SELECT id FROM users WHERE name = '{name}'").fetchall()
        """,
        id="connection-from-a-project-helper-by-name",
    ),
    pytest.param(
        """
        import sqlite3
        db = sqlite3.connect("x")
        def f(name):
            query = '''
                SELECT id
                FROM users
                WHERE name = '{}'
            '''.format(name)
            return db.execute(query).fetchall()
        """,
        id="format-on-a-triple-quoted-local",
    ),
]


@pytest.mark.parametrize("code", FLAGGED_BE101)
def test_be101_flags(code: str) -> None:
    assert [c for _, c in found(code, DATA)] == ["BE101"]


QUIET_BE101 = [
    pytest.param(
        """
        import requests
        def f(email):
            cursor = requests.Session()
            cursor.execute(f"SELECT id FROM users WHERE email = '{email}'")
        """,
        id="receiver-known-to-be-something-else",
    ),
    pytest.param(
        """
        def f(client, email):
            client.execute(f"SELECT id FROM users WHERE email = '{email}'")
        """,
        id="unknown-receiver-not-named-like-a-database",
    ),
    pytest.param(
        """
        from uuid import UUID
        def f(cur, user_id: UUID, limit: int | None = None, page: "int" = 1):
            cur.execute(f"SELECT id FROM t WHERE owner = '{user_id}' LIMIT {limit} OFFSET {page * 10}")
        """,
        id="typed-parameters-cannot-carry-sql",
    ),
    pytest.param(
        """
        COLUMNS = ("id", "name")
        def f(cur, ids):
            fields = ", ".join(COLUMNS)
            marks = ",".join(["%s"] * len(ids))
            cur.execute("SELECT " + fields + " FROM t WHERE id IN (" + marks + ")", ids)
        """,
        id="constant-columns-and-placeholders",
    ),
    pytest.param(
        """
        class Repo:
            TABLE = "orders"
            def f(self, cur, oid):
                cur.execute(f"SELECT id FROM {self.TABLE} WHERE id = %s", (oid,))
        """,
        id="class-constant",
    ),
    pytest.param(
        """
        def f(cur, where_sql, params):
            cur.execute("SELECT id FROM t WHERE " + where_sql, params)
        """,
        id="sql-fragment-from-the-caller-in-a-structural-position",
    ),
    pytest.param(
        """
        def f(cur, batch):
            offset = 0
            while True:
                cur.execute(f"SELECT id FROM t ORDER BY id LIMIT 100 OFFSET {offset}")
                offset += len(batch)
        """,
        id="a-counter-is-a-number",
    ),
    pytest.param(
        """
        def f(cur, name):
            cur.execute(f"CREATE TABLE {name} (id int)")
            cur.execute(f"PRAGMA table_info({name})")
        """,
        id="schema-statements",
    ),
]


@pytest.mark.parametrize("code", QUIET_BE101)
def test_be101_quiet(code: str) -> None:
    assert found(code, DATA) == []


def test_be101_message_names_where_the_sql_was_built() -> None:
    (message,) = _messages(
        """
        def f(cur, status):
            sql = "SELECT id FROM t WHERE 1 = 1"
            if status:
                sql += f" AND status = '{status}'"
            cur.execute(sql)
        """
    )
    assert message == (
        "`cur.execute` runs SQL built with an f-string in `sql` (line 5); pass the values as query parameters"
        " (no fix: the SQL is built away from the call)"
    )


def test_be101_sql_built_by_plus_equals_at_module_level_names_that_line() -> None:
    # The text was dated at the scope's node when neither the `+=` nor the earlier value was formatted: a module
    # has no line (an internal error that disabled BE101 for the file), a function's `def` line misled.
    code = """
        import os, sqlite3
        cur = sqlite3.connect("x").cursor()
        q = "SELECT id FROM users WHERE name = "
        if flag:
            q = os.environ["USER_NAME"]
        q += " AND active = 1"
        cur.execute(q)
        """
    (message,) = _messages(code)
    assert "built with `+=` in `q` (line 7)" in message
    in_function = "def f(flag):" + code.replace("\n        ", "\n            ")  # on line 1: lines stay
    (message,) = _messages(in_function)
    assert "built with `+=` in `q` (line 7)" in message


def test_be101_identifier_message() -> None:
    (message,) = _messages(
        """
        import sqlite3
        from flask import request
        def f():
            table, oid = request.args["table"], request.args["id"]
            sqlite3.connect("x").execute(f"SELECT id FROM {table} WHERE id = {oid}")
        """
    )
    assert "pick identifiers from a fixed allow-list" in message
    assert message.endswith("(no fix: a formatted part is not a plain value)")


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT * FROM t", True),
        ("select\n  t.*\nfrom t", True),
        ('SELECT a, "t".* FROM t', True),
        ("SELECT count(*) FROM t", False),
        ("SELECT a FROM t WHERE EXISTS (SELECT * FROM u WHERE u.a = t.a)", False),
        ("SELECT a FROM (SELECT * FROM t UNION ALL SELECT * FROM u) x", False),
        ("SELECT * FROM (SELECT a, b FROM t) x", False),
        ("SELECT * FROM t WHERE 1=0", False),
        ("SELECT a * 2 FROM t", False),
    ],
)
def test_select_star_text(sql: str, expected: bool) -> None:
    assert star_selects(sql) is expected


def test_be103_reports_the_inner_query_once_per_chain() -> None:
    code = """
        from django.db import models
        def f():
            for order in Order.objects.all():
                Line.objects.filter(order=order).exclude(x=1).first()
        """
    assert found(code, DATA, settings={"BE103": {"report-outside-service-code": True}}) == [(5, "BE103")]


def test_be103_nested_function_is_not_in_the_loop() -> None:
    code = """
        from django.db import models
        def f():
            for order in Order.objects.all():
                def later(o=order):
                    return Line.objects.filter(order=o)
        """
    assert found(code, DATA) == []


def test_be104_handler_helpers_and_post_are_quiet() -> None:
    code = """
        from fastapi import FastAPI
        app = FastAPI()

        def helper(db):
            return db.query(Item).all()

        @app.post("/items")
        def create(db):
            return db.query(Item).all()

        @app.get("/items")
        def items(db):
            rows = db.query(Item).all()
            return {"count": len(rows)}
        """
    assert found(code, DATA) == []


def test_be104_get_handler_returning_all_rows() -> None:
    """A whole (filtered) table is reported only with ``report-unsearched-lists``: nothing shows that the client
    chooses how many rows come back."""
    code = """
        from fastapi import FastAPI
        app = FastAPI()

        @app.get("/items")
        def items(db):
            rows = db.query(Item).filter(Item.active).all()
            return {"items": [row.name for row in rows]}
        """
    assert found(code, DATA) == []
    assert found(code, DATA, settings={"BE104": {"report-unsearched-lists": True}}) == [(7, "BE104")]


def test_be104_search_by_a_typed_pattern() -> None:
    """The evidence core: rows matching a pattern the client typed (a query parameter, a word of it, a path
    part), unbounded. A constant pattern, or a typed key (one row), is no search."""
    code = """
        from django.db.models import Q as DQ
        from django.http import JsonResponse
        from fastapi import FastAPI
        from sqlalchemy import select
        app = FastAPI()

        @app.get("/items")
        def items(q: str, db):
            return db.scalars(select(Item).where(Item.name.ilike(f"%{q}%"))).all()

        @app.get("/items/drafts")
        def drafts(db):
            return db.scalars(select(Item).where(Item.name.ilike("draft%"))).all()

        def people(request):
            words = request.GET.get("q", "").split()
            queryset = Person.objects.all()
            for word in words:
                queryset = queryset.filter(DQ(given_name__icontains=word) | DQ(family_name__icontains=word))
            return JsonResponse({"people": list(queryset.values("name"))})

        def by_slug(request, path):
            slug = path.split("/")[0]
            return JsonResponse({"snaps": list(Snapshot.objects.filter(timestamp__startswith=slug).values())})

        def by_key(request, path):
            return JsonResponse({"snaps": list(Snapshot.objects.filter(timestamp=path).values())})
        """
    assert found(code, DATA, path="shop/views.py") == [(10, "BE104"), (18, "BE104"), (25, "BE104")]


def test_be103_a_query_in_a_conditional_expression_inside_a_loop() -> None:
    """``x if c else y`` and a lambda hold one expression as ``body``, not a block of statements: the reading of
    the blocks around the query steps over them (it crashed with a TypeError on a subscripted query)."""
    code = """
        from django.db import models
        def f():
            for order in Order.objects.all():
                last = Line.objects.filter(order=order)[0] if order.lines else None
        """
    assert found(code, DATA, settings={"BE103": {"report-outside-service-code": True}}) == [(5, "BE103")]
