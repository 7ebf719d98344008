"""Where a position in fixed text was in the text before the fix, for reports about files left unwritten.

``fix --diff`` writes nothing, yet reports the findings the fixes leave; those were found in the fixed text,
whose lines moved (an added ``import logging`` pushes everything down). A user opens the file on disk, so each
position is carried back through a line diff of the two texts, and through a character diff on a changed line.
A finding on a line that only exists in the fixed text (an added import) is placed where that line was added.
"""

from __future__ import annotations

import dataclasses
import difflib
import io
from collections.abc import Sequence

from backend_lint.finding import Finding


def findings_before_fix(findings: list[Finding], before: str, after: str) -> list[Finding]:
    """``findings`` of the fixed text ``after``, with lines and columns of ``before``."""
    if before == after or not findings:
        return findings
    old_lines, new_lines = _lines(before), _lines(after)
    line_of = _index_map(old_lines, new_lines)
    moved = []
    for finding in findings:
        line, col = _position(old_lines, new_lines, line_of, finding.line, finding.col)
        end_line, end_col = _position(old_lines, new_lines, line_of, finding.end_line, finding.end_col)
        end_line, end_col = max((end_line, end_col), (line, col))
        moved.append(dataclasses.replace(finding, line=line, col=col, end_line=end_line, end_col=end_col))
    return moved


def _lines(text: str) -> list[str]:
    """The lines ``ast`` numbers (``str.splitlines`` would also split at form feeds and other separators)."""
    return io.StringIO(text, newline="").readlines()


def _position(old: list[str], new: list[str], line_of: list[int], line: int, col: int) -> tuple[int, int]:
    """1-based ``(line, col)`` in ``new`` -> the same place in ``old``."""
    if not old or not 1 <= line <= len(new):
        return line, col
    old_index = line_of[line - 1]
    old_line, new_line = old[old_index], new[line - 1]
    if old_line == new_line or col - 1 >= len(new_line):
        return old_index + 1, col
    return old_index + 1, _index_map(old_line, new_line)[col - 1] + 1


def _index_map(old: Sequence[str], new: Sequence[str]) -> list[int]:
    """For each index of ``new``, the index of ``old`` it came from (the nearest one for added items)."""
    mapped = [0] * len(new)
    last = max(len(old) - 1, 0)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        for offset in range(new_end - new_start):
            if tag == "equal":
                index = old_start + offset
            elif tag == "replace":
                index = old_start + min(offset, old_end - old_start - 1)
            else:  # inserted: where it was added
                index = old_start
            mapped[new_start + offset] = min(index, last)
    return mapped
