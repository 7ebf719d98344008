"""The language server's arithmetic, in-process: finding columns to LSP units and back, and minimal edits.

A client counts ``character`` in UTF-16 code units (or UTF-8 / UTF-32 when it asked for them), 0-based; a
finding counts code points, 1-based. The expectations below are computed independently of the server's
code: by encoding the line and counting bytes. Edits are checked by applying them the way a client does
(positions resolved in the client's units on the old text) and comparing with the target text.
"""

from __future__ import annotations

import pytest
from lsprotocol import types

from backend_lint.config import Config
from backend_lint.files import SourceFile
from backend_lint.runner import Checker
from backend_lint.server.edits import text_edits
from backend_lint.server.positions import LineIndex
from tests.lsp_editor import apply_edits, client_units

UTF8, UTF16, UTF32 = (types.PositionEncodingKind.Utf8, types.PositionEncodingKind.Utf16,
                      types.PositionEncodingKind.Utf32)


NON_ASCII = 'async def pay(note: str) -> None:\n    x = "é😀"; print(x, note)\n'


@pytest.mark.parametrize("encoding", [UTF16, UTF8, UTF32])
def test_finding_range_in_client_units_on_a_non_ascii_line(encoding: str) -> None:
    result = Checker.from_config(Config(select=["BE401"])).check_source(SourceFile(NON_ASCII, "utf-8"), "app.py")
    [finding] = result.findings
    line_text = NON_ASCII.splitlines()[1]
    assert line_text[finding.col - 1:finding.end_col - 1] == "print(x, note)"
    found = LineIndex(NON_ASCII, encoding).range(finding.line, finding.col, finding.end_line, finding.end_col)
    start = client_units(line_text[:line_text.index("print")], encoding)
    assert (found.start.line, found.start.character) == (1, start)
    assert (found.end.line, found.end.character) == (1, start + len("print(x, note)"))
    assert {UTF8: 18, UTF16: 15, UTF32: 14}[encoding] == start, "é is 2 UTF-8 units, 😀 2 UTF-16 and 4 UTF-8"


@pytest.mark.parametrize("encoding", [UTF16, UTF8, UTF32])
def test_client_position_back_to_line_and_column(encoding: str) -> None:
    index = LineIndex(NON_ASCII, encoding)
    line_text = NON_ASCII.splitlines()[1]
    character = client_units(line_text[:line_text.index("print")], encoding)
    assert index.location(types.Position(line=1, character=character)) == (2, line_text.index("print") + 1)
    assert index.location(types.Position(line=9, character=0)) == (2, len(line_text) + 1), "clamped to the end"


def test_lines_split_where_python_splits_them() -> None:
    text = "a = 1\x0c\nb = '\u2028'\r\nc = 2\rd = 3\n"
    index = LineIndex(text)
    assert len(index.lines) == 4, "form feed and U+2028 do not end a line; \\r alone does"
    assert index.position(4, 1) == types.Position(line=3, character=0)
    assert index.position_at(text.index("d")) == types.Position(line=3, character=0)
    assert index.end() == types.Position(line=4, character=0)
    assert LineIndex("x = 1").end() == types.Position(line=0, character=5)


@pytest.mark.parametrize(("old", "new"), [
    pytest.param("a = 1\nb = 2\n", "a = 1\nb = 3\n", id="one-character"),
    pytest.param("x = '😀'; f(x)\n", "x = '😀'; f(x, timeout=10)\n", id="after-an-emoji"),
    pytest.param("a\r\nb\r\n", "a\r\nc\r\nb\r\n", id="crlf-inserted-line"),
    pytest.param("a\r\nb\r\n", "a\r\n", id="crlf-removed-line"),
    pytest.param("a\r\n", "a\n", id="line-ending-only"),
    pytest.param("x = 1", "x = 1\ny = 2\n", id="append-without-final-newline"),
    pytest.param("", "import os\n", id="empty-document"),
    pytest.param("import os\n", "", id="to-empty"),
    pytest.param("é\né\n", "é\né\néé\n", id="repeated-lines"),
])
@pytest.mark.parametrize("encoding", [UTF16, UTF8])
def test_edits_turn_the_old_text_into_the_new(old: str, new: str, encoding: str) -> None:
    edits = text_edits(old, new, LineIndex(old, encoding))
    assert apply_edits(old, edits, encoding) == new


def test_edits_are_minimal() -> None:
    old = "".join(f"line_{n} = {n}\n" for n in range(200))
    new = old.replace("line_10 = 10", "line_10 = 11").replace("line_150 = 150", "line_150 = 150  # kept")
    edits = text_edits(old, new, LineIndex(old))
    assert [(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character, e.new_text)
            for e in edits] == [(10, 11, 10, 12, "1"), (150, 14, 150, 14, "  # kept")]
    assert text_edits(old, old, LineIndex(old)) == []
