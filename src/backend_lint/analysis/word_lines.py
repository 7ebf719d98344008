"""Where words occur in a file's text, by line: the cheap test a reader makes before it walks a function.

The project summary's readers (:mod:`.project.def_effects`, :mod:`.project.extract`) look into a function only
when its lines hold a word they look for (``create`` before looking for creates, ``return "`` before asking
what a function returns). Each of them used to lower-case the source, find its words with a regular
expression of alternatives and number the lines with a list of every line break. A regular expression of
alternatives is tried at every position of the text (about 40 MB/s on Django's sources), where ``str.find``
of each word skips along at memory speed; and numbering only the occurrences, by counting the line breaks
between one and the next, costs less than listing every break of the file. :func:`word_lines` does both once
per file, for every reader, on one lower-cased copy of the text.

Lines are numbered as ``ast`` numbers them: ``\\r\\n``, ``\\r`` and ``\\n`` each end a line (a text with no
``\\r`` is counted by ``\\n`` alone, the common case).
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Callable, Optional

from backend_lint.analysis.facts import file_fact
from backend_lint.analysis.lazy_regex import lazy_compile

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_NEWLINE = lazy_compile(r"\r\n|\r|\n")


class WordLines:
    """One file's text, lower-cased once, and the lines on which words or patterns occur in it."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lowered = source.lower()
        self._breaks: dict[bool, list[int]] = {}
        """Per text (``True``: the lower-cased one), the offsets just past each line break, made only for a
        text that holds a ``\\r`` (the line breaks of :data:`_NEWLINE` cannot be counted with one ``count``)."""
        self._plain = "\r" not in source
        self._found: dict[tuple[tuple[str, ...], bool], list[int]] = {}
        """The lines of the words asked before (readers ask per function)."""

    def line_numbers(self, starts: Iterable[int], *, cased: bool = False) -> list[int]:
        """The lines (1-based, ascending, each once) of the offsets ``starts`` in the lower-cased text (with
        ``cased``: in the source as written; the two differ in length where lower-casing does)."""
        text = self.source if cased else self.lowered
        ordered = sorted(set(starts))
        if not self._plain:
            breaks = self._breaks.get(not cased)
            if breaks is None:
                breaks = self._breaks[not cased] = [found.end() for found in _NEWLINE.finditer(text)]
            return sorted({bisect_right(breaks, at) + 1 for at in ordered})
        lines: list[int] = []
        line, position = 1, 0
        for at in ordered:
            line += text.count("\n", position, at)
            position = at
            if not lines or lines[-1] != line:
                lines.append(line)
        return lines

    def words(self, words: Iterable[str], *, cased: bool = False) -> list[int]:
        """The lines on which one of ``words`` (lower case, taken literally) occurs in the lower-cased text
        (with ``cased``: ``words`` as written, in the source as written)."""
        key = (tuple(words), cased)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = self.line_numbers(self._occurrences(key[0], cased=cased), cased=cased)
        return found

    def pattern(self, pattern: re.Pattern[str], anchor: Optional[str] = None) -> list[int]:
        """The lines on which ``pattern`` matches the lower-cased text. With ``anchor``, a literal every match
        starts with (``return``), the pattern is tried only where the anchor occurs: the same lines, found
        with ``str.find`` instead of a search at every position."""
        lowered = self.lowered
        if anchor is None:
            return self.line_numbers(found.start() for found in pattern.finditer(lowered))
        return self.line_numbers(self._occurrences((anchor,), lambda at: pattern.match(lowered, at) is not None))

    def patterns(self, patterns: Sequence[re.Pattern[str]], anchor: str) -> list[list[int]]:
        """:meth:`pattern` of each of ``patterns``, all anchored on ``anchor``: the anchor's occurrences are found
        once for all of them (the summary asks four questions of every ``return``)."""
        lowered = self.lowered
        starts: list[list[int]] = [[] for _pattern in patterns]
        at = lowered.find(anchor)
        while at != -1:
            for found, pattern in zip(starts, patterns):
                if pattern.match(lowered, at) is not None:
                    found.append(at)
            at = lowered.find(anchor, at + 1)
        return [self.line_numbers(found) if found else [] for found in starts]

    def _occurrences(
        self, words: Iterable[str], accept: Optional[Callable[[int], bool]] = None, *, cased: bool = False
    ) -> list[int]:
        """Where ``words`` occur in the lower-cased text or, with ``cased``, the source (those ``accept``
        takes): the first on each line is enough, so after one the search goes on from the next line (a text
        with a ``\r`` is searched occurrence by occurrence)."""
        text = self.source if cased else self.lowered
        starts: list[int] = []
        for word in words:
            at = text.find(word)
            while at != -1:
                if accept is None or accept(at):
                    starts.append(at)
                    if self._plain:
                        at = text.find("\n", at + len(word))
                        if at == -1:
                            break
                at = text.find(word, at + 1)
        return starts


class WordSet:
    """Words a whole text is tested for (``any(word in text for word in words)``), grouped under pieces they
    share: a text without a group's piece holds none of its words. Most files hold none of a long list's
    words (64 words show inbound authentication) and paid a scan of the text per word; grouped, they pay one
    per piece (21 for those 64), and a piece found costs the scans of its own words only. The answer is the
    plain test's: every word of a group holds its piece, and a word holding another word of the list is
    left out (the shorter one decides)."""

    def __init__(self, words: Iterable[str], size: int = 4) -> None:
        listed = list(dict.fromkeys(words))
        left = {word for word in listed if not any(other != word and other in word for other in listed)}
        groups: list[tuple[str, tuple[str, ...]]] = []
        while left:
            counts: dict[str, int] = {}
            for word in left:  # each piece of ``size`` letters of a word, or the whole of a short word
                for piece in {word[at:at + size] for at in range(len(word) - size + 1)} or {word}:
                    counts[piece] = counts.get(piece, 0) + 1
            piece = max(sorted(counts), key=lambda found: counts[found])  # (the first in order among the most shared)
            covered = tuple(sorted(word for word in left if piece in word))
            groups.append((piece, () if covered == (piece,) else covered))
            left.difference_update(covered)
        self.groups = tuple(groups)
        """``(piece, words)``: the words holding the piece, none when the piece is itself the only word."""

    def any_in(self, text: str) -> bool:
        """Whether one of the words occurs in ``text``."""
        return any(
            piece in text and (not words or any(word in text for word in words)) for piece, words in self.groups
        )


def any_line_within(lines: list[int], node: ast.AST) -> bool:
    """Whether one of ``lines`` (ascending, as :meth:`WordLines.words` gives them) lies within ``node``'s lines:
    the cheap test a reader of one function makes before it walks the function for what those words write."""
    first = getattr(node, "lineno", 0)
    at = bisect_left(lines, first)
    return at < len(lines) and lines[at] <= (getattr(node, "end_lineno", None) or first)


@file_fact()
def word_lines(ctx: FileContext) -> WordLines:
    """The file's :class:`WordLines`, shared by every reader that asks."""
    return WordLines(ctx.source)
