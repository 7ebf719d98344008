"""Between backend-lint's positions and the client's: lines and code units as the editor counts them.

A :class:`~backend_lint.finding.Finding` has 1-based lines and 1-based *character* (code point) columns,
the end exclusive. LSP positions are 0-based, and their ``character`` counts code units of the encoding the
client and server agreed on at ``initialize``: UTF-16 unless the client offered another one. On an ASCII
line the two agree; on a line with ``é`` the UTF-8 count differs, and on a line with an emoji (outside the
Basic Multilingual Plane: two UTF-16 units, one code point) the UTF-16 count differs too, so a squiggle
computed naively would drift right of its node.

Lines are split where both Python and LSP split them (``\\n``, ``\\r\\n``, ``\\r``), never at the form feeds
and ``\\u2028`` that ``str.splitlines`` also breaks at, which would shift every later line.
"""

from __future__ import annotations

import bisect
from typing import Union

from lsprotocol import types

from backend_lint.noqa import physical_lines

Encoding = Union[types.PositionEncodingKind, str]


def units(text: str, encoding: Encoding) -> int:
    """How many code units of ``encoding`` ``text`` takes (its length as the client counts it)."""
    if text.isascii() or encoding == types.PositionEncodingKind.Utf32:
        return len(text)
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def chars(text: str, count: int, encoding: Encoding) -> int:
    """How many characters of ``text`` its first ``count`` code units cover (a unit count inside a character
    rounds up to the character's end, as LSP asks; past the end gives the whole length)."""
    if text.isascii() or encoding == types.PositionEncodingKind.Utf32:
        return min(count, len(text))
    seen = 0
    for index, char in enumerate(text):
        if seen >= count:
            return index
        seen += units(char, encoding)
    return len(text)


def _body(line: str) -> str:
    """A physical line without its ending: positions inside the ending are not positions on the line."""
    return line.rstrip("\r\n")


class LineIndex:
    """One version of a document's text, able to convert positions both ways in the agreed encoding."""

    def __init__(self, text: str, encoding: Encoding = types.PositionEncodingKind.Utf16) -> None:
        self.text = text
        self.encoding = encoding
        self.lines = physical_lines(text)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))

    def position(self, line: int, col: int) -> types.Position:
        """The LSP position of 1-based ``line`` and 1-based character column ``col`` (clamped to the text)."""
        if line > len(self.lines):
            return self.end()
        if line < 1:
            return types.Position(line=0, character=0)
        body = _body(self.lines[line - 1])
        return types.Position(line=line - 1, character=units(body[: max(col - 1, 0)], self.encoding))

    def range(self, line: int, col: int, end_line: int, end_col: int) -> types.Range:
        return types.Range(start=self.position(line, col), end=self.position(end_line, end_col))

    def end(self) -> types.Position:
        """The position just after the last character: a line of its own when the text ends with a newline."""
        if not self.lines or self.lines[-1] != _body(self.lines[-1]):
            return types.Position(line=len(self.lines), character=0)
        return types.Position(line=len(self.lines) - 1, character=units(self.lines[-1], self.encoding))

    def position_at(self, offset: int) -> types.Position:
        """The LSP position of a character offset into the text."""
        if offset >= len(self.text):
            return self.end()
        line = bisect.bisect_right(self.starts, offset) - 1
        return self.position(line + 1, offset - self.starts[line] + 1)

    def location(self, position: types.Position) -> tuple[int, int]:
        """The 1-based line and 1-based character column of an LSP position (clamped to the text)."""
        if position.line >= len(self.lines):
            last = len(self.lines)
            return (last, len(_body(self.lines[-1])) + 1) if last else (1, 1)
        body = _body(self.lines[position.line])
        return position.line + 1, chars(body, position.character, self.encoding) + 1
