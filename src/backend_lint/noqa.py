"""``# noqa`` comments, read the way flake8 reads them, so both entry points suppress the same findings.

``# noqa`` alone suppresses every finding on its line; ``# noqa: BE401,BE402`` (codes or prefixes, separated
by commas or spaces) suppresses those. The comment applies to the line a finding starts on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

NOQA = re.compile(
    r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?",
    re.IGNORECASE,
)
_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)


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


def noqa_comments(lines: list[str]) -> dict[int, Noqa]:
    """Every ``# noqa`` comment of a file, by 1-based line number."""
    found: dict[int, Noqa] = {}
    for number, text in enumerate(lines, start=1):
        comment = noqa_on(text, number)
        if comment is not None:
            found[number] = comment
    return found
