"""Scope summaries look for ``:=`` only in the statements whose lines write it: the names they bind must be
the ones a look into every statement finds (``walrus=True``), wherever the ``:=`` sits."""

from __future__ import annotations

import ast

import pytest

from backend_lint.analysis.bindings import summarise, walrus_lines
from backend_lint.context import FileContext

SOURCE = '''\
import re


def handler(request, items):
    total = 0
    if (match := re.match("x", request.path)) is not None:
        total += 1
    result = compute(
        first=1,
        second=(second := items[0]),
    )
    match request.method:
        case "POST" if (posted := request.body):
            return posted
    values = [y for x in items if (y := x)]
    return (inner := result), second, values


def quiet(a):
    return a
'''


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_walrus_lines_find_what_every_statement_finds(newline: str) -> None:
    text = SOURCE.replace("\n", newline)
    tree = ast.parse(text)
    lines = walrus_lines(FileContext(tree, text, "app/views.py", "app/views.py", ""))
    assert lines is True if newline == "\r" else lines == [6, 10, 13, 15, 16]
    handler = next(node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name == "handler")
    found = summarise(handler, lines)
    assert found == summarise(handler, True)
    assert {"match", "second", "posted", "inner"} <= set(found.assigned)


def test_a_file_without_walrus_is_not_looked_into() -> None:
    text = "def f(a):\n    return a\n"
    assert walrus_lines(FileContext(ast.parse(text), text, "a.py", "a.py", "")) is False
