"""``# noqa`` comments, read the way flake8 reads them, so both entry points suppress the same findings.

``# noqa`` alone suppresses every finding on its line; ``# noqa: BE401,BE402`` (codes or prefixes, separated
by commas or spaces) suppresses those. The comment applies to the line a finding starts on and, as in
flake8, to every line of the stretch that line belongs to: a statement continued with ``\\`` or a line whose
string runs over several lines is one stretch, so ``# noqa`` after the closing quotes of a multi-line
f-string covers the call on its first line. Without this, the CLI and flake8 would disagree, and a comment
could only be added inside the string, where it is text, not a comment.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass
from typing import Optional

from backend_lint.analysis.lazy_regex import lazy_compile

NOQA = lazy_compile(
    r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?",
    re.IGNORECASE,
)
_CODE = lazy_compile(r"[A-Z]+[0-9]+", re.IGNORECASE)


@dataclass(frozen=True)
class Noqa:
    """One ``# noqa`` comment: ``codes`` is empty for a blanket ``# noqa``."""

    line: int
    codes: tuple[str, ...]
    start: int  # character offset of the comment's ``#`` within the line
    end: int

    def suppresses(self, code: str) -> bool:
        return not self.codes or code.startswith(self.codes)


def noqa_on(line_text: str, line: int) -> Optional[Noqa]:
    if "#" not in line_text or "noqa" not in line_text.lower():
        return None
    match = NOQA.search(line_text)
    if match is None:
        return None
    codes = tuple(code.upper() for code in _CODE.findall(match["codes"] or ""))
    return Noqa(line, codes, match.start(), match.end())


_NOSEC = lazy_compile(r"#\s*nosec\b(?P<codes>(?:[\s:,]*B[0-9]+)*)", re.IGNORECASE)


def reviewed_by_peer(lines: list[str], first: int, last: int, ruff: frozenset[str], bandit: frozenset[str]) -> bool:
    """A ``# noqa`` naming one of ruff's (or a flake8 plugin's) ``ruff`` codes, or a prefix of one as flake8 reads
    it (``T20`` for ``T201``), or a ``# nosec`` (bare, or naming one of bandit's ``bandit`` codes), on lines
    ``first`` to ``last``: the same check of another tool was already reviewed there, and a reviewer who wrote it
    has decided (BE503's hard-coded secrets, BE508's ``random`` tokens, BE401's prints)."""
    for line in range(max(first, 1), min(last, len(lines)) + 1):
        text = lines[line - 1]
        if "#" not in text:
            continue
        comment = noqa_on(text, line)
        if comment is not None and comment.codes and any(code.startswith(comment.codes) for code in ruff):
            return True
        nosec = _NOSEC.search(text)
        if nosec is not None:
            codes = {code.upper() for code in _CODE.findall(nosec["codes"])}
            if not codes or bandit & codes:
                return True
    return False


def noqa_comments(lines: list[str]) -> dict[int, Noqa]:
    """Every ``# noqa`` comment of a file, by 1-based line number."""
    found: dict[int, Noqa] = {}
    for number, text in enumerate(lines, start=1):
        comment = noqa_on(text, number)
        if comment is not None:
            found[number] = comment
    return found


def physical_lines(text: str) -> list[str]:
    """Lines with their endings, split where Python splits them (``\\n``, ``\\r\\n``, ``\\r``).

    ``str.splitlines`` also splits at form feeds, ``\\x1c`` and ``\\u2028``, which would shift every later
    line number against ``ast``'s.
    """
    return io.StringIO(text, newline="").readlines()


def scan(text: str) -> tuple[dict[int, tuple[int, int]], dict[int, int]]:
    """Two facts from one tokenizer pass: each line's stretch, and where each line's comment starts.

    A stretch is the run of lines one ``# noqa`` covers (flake8's grouping): it ends at every end of a
    physical line the tokenizer reports (NEWLINE, or NL inside brackets), so lines joined by ``\\`` or by a
    string that spans lines form one stretch. Comment starts are columns of real ``#`` comments, never a
    ``#`` inside a string. Lines the tokenizer cannot reach (a tokenizing error) are left out; callers treat
    them as stretches of their own, without a comment.
    """
    stretches: dict[int, tuple[int, int]] = {}
    comments: dict[int, int] = {}
    first, last = 0, -1
    try:
        for token in tokenize.generate_tokens(io.StringIO(text, newline="").readline):
            if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
                continue
            if token.type == tokenize.COMMENT:
                comments[token.start[0]] = token.start[1]
            first = token.start[0] if last < 0 else min(first, token.start[0])
            last = max(last, token.end[0])
            if token.type in (tokenize.NL, tokenize.NEWLINE):
                for line in range(first, last + 1):
                    stretches[line] = (first, last)
                first, last = 0, -1
    except (tokenize.TokenError, SyntaxError):
        pass
    return stretches, comments


class NoqaMap:
    """Which ``# noqa`` comment governs each line of one file: the first one in the line's stretch."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = physical_lines(text)
        self._has_noqa = "noqa" in text.lower()
        self._scanned: Optional[tuple[dict[int, tuple[int, int]], dict[int, int]]] = None
        self._found: dict[int, Optional[Noqa]] = {}

    def _scan(self) -> tuple[dict[int, tuple[int, int]], dict[int, int]]:
        if self._scanned is None:
            self._scanned = scan(self.text)
        return self._scanned

    def stretch(self, line: int) -> tuple[int, int]:
        return self._scan()[0].get(line, (line, line))

    def comment_start(self, line: int) -> Optional[int]:
        """The column where a real comment starts on ``line`` (``None``: no comment, or a string's ``#``)."""
        return self._scan()[1].get(line)

    def comment_for(self, line: int) -> Optional[Noqa]:
        if not self._has_noqa:
            return None
        if line not in self._found:
            first, last = self.stretch(line)
            comment = None
            for number in range(first, min(last, len(self.lines)) + 1):
                comment = noqa_on(self.lines[number - 1], number) if number > 0 else None
                if comment is not None:
                    break
            self._found[line] = comment
        return self._found[line]

    def suppresses(self, line: int, code: str) -> bool:
        comment = self.comment_for(line)
        return comment is not None and comment.suppresses(code)
