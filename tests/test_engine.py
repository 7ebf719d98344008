"""The engine in-process: positions, import resolution, scopes, one walk, contained internal errors."""

from __future__ import annotations

import ast
import textwrap

from backend_lint.analysis.values import origin
from backend_lint.config import Config
from backend_lint.engine import Engine
from backend_lint.files import SourceFile
from backend_lint.rule import Rule, leaves, visits
from backend_lint.runner import Checker


def _check(code: str, path: str = "app/service.py", select: tuple[str, ...] = ("BE",)):
    checker = Checker.from_config(Config(select=list(select)))
    return checker.check_source(SourceFile(textwrap.dedent(code), "utf-8"), path)


def test_columns_are_characters_not_bytes() -> None:
    result = _check('async def show():\n    label = "café crème"; print(label)\n', select=("BE401",))
    (finding,) = result.findings
    assert (finding.line, finding.col) == (2, 27)
    assert finding.end_col == 39


class Recorder(Rule):
    """A test-only rule recording what the engine tells it."""

    code = "BE990"
    name = "recorder"
    message = "`{what}`"

    @visits(ast.Call)
    def call(self, node: ast.Call, ctx) -> None:
        scope = ctx.scope
        facts = [
            ctx.imports.resolve(node.func) or "-",
            "async" if scope.in_async_function else "sync",
            "except" if scope.except_handler else "",
            "loop" if scope.loops else "",
            "main" if scope.in_main_guard else "",
            origin(node.func, ctx) or "",
        ]
        self.report(ctx, node, what="|".join(facts))

    @leaves(ast.Module)
    def done(self, node: ast.Module, ctx) -> None:
        self.report(ctx, node.body[0] if node.body else node, what="module-left")


def _record(code: str) -> list[tuple[int, str]]:
    source = textwrap.dedent(code)
    result = Engine([Recorder()]).check(ast.parse(source), source, "x.py", "x.py")
    return [(finding.line, finding.message.strip("`")) for finding in result.findings]


def test_imports_aliases_and_scopes() -> None:
    found = _record(
        """
        import requests as r
        from requests import Session as S

        async def handler():
            r.get("u")
            def inner():
                r.post("u")
            for item in range(3):
                try:
                    pass
                except ValueError:
                    S()

        if __name__ == "__main__":
            r.head("u")
        """
    )
    assert (2, "module-left") in found
    calls = [(line, message) for line, message in found if message != "module-left"]
    assert calls == [
        (6, "requests.get|async||||requests.get"),
        (8, "requests.post|sync||||requests.post"),
        (9, "-|async||||"),
        (13, "requests.Session|async|except|loop||requests.Session"),
        (16, "requests.head|sync|||main|requests.head"),
    ]


def test_imports_are_read_before_the_walk() -> None:
    """A function above a late import, imports under ``try``/``if`` and in functions, and one name imported as
    two things in two functions (each resolves to the import above it)."""
    found = _record(
        """
        def fetch():
            requests.get("u")
            json.loads("{}")

        def typed(value):
            from typing import cast
            return cast(int, value)

        def sql(column):
            from sqlalchemy import cast
            return cast(column, None)

        try:
            import ujson as json
        except ImportError:
            import json
        if True:
            import requests
        """
    )
    calls = [message.split("|")[0] for _, message in found if message != "module-left"]
    assert calls == ["requests.get", "json.loads", "typing.cast", "sqlalchemy.cast"]


def test_origin_follows_locals_with_and_self() -> None:
    found = _record(
        """
        import requests
        import psycopg2

        class Client:
            def __init__(self):
                self.session = requests.Session()

            def fetch(self):
                self.session.get("u")

        def query():
            conn = psycopg2.connect("dsn")
            with conn.cursor() as cur:
                cur.execute("SELECT 1")
        """
    )
    origins = [message.split("|")[-1] for _, message in found if message != "module-left"]
    assert "requests.Session().get" in origins
    assert "psycopg2.connect().cursor().execute" in origins


class Exploding(Rule):
    """Raises on every call: the engine must contain it."""

    code = "BE991"
    name = "exploding"
    message = "`boom`"

    @visits(ast.Call)
    def call(self, node: ast.Call, ctx) -> None:
        raise ValueError("boom\nsecond line")


def test_a_raising_rule_is_contained_and_others_still_run() -> None:
    source = "async def pay():\n    print(1)\n    print(2)\n"
    from backend_lint.rules.be401_print_in_backend_code import PrintInBackendCode

    engine = Engine([Exploding(), PrintInBackendCode()])
    result = engine.check(ast.parse(source), source, "app.py", "app.py")
    assert [finding.line for finding in result.findings] == [2, 3]
    assert len(result.errors) == 1, "a failing rule is reported once per file, then switched off"
    error = result.errors[0]
    assert error.code == "BE991" and "ValueError: boom" in error.reason and "\n" not in error.reason
    assert "Traceback" in (error.detail or "")


def test_deep_nesting_does_not_hit_the_recursion_limit() -> None:
    depth = 200
    source = "x = " + "[" * depth + "]" * depth + "\n\n\nasync def show():\n    print(x)\n"
    result = _check(source, select=("BE401",))
    assert [finding.line for finding in result.findings] == [5]
