"""The smallest text edits that turn one version of a document into another.

A fix or a ``# noqa`` is computed on the whole text (that is how libcst and the noqa writer work), but the
editor gets only the spans that changed: a whole-document replacement would move the cursor, fold every
region, clear every marker and make one undo step of an edit the user never saw. Lines are matched first
(so a fix-all touching three distant calls gives three edits), then each changed run of lines is trimmed
to the characters that differ. An edit never starts or ends between the ``\\r`` and ``\\n`` of a line end,
where no LSP position exists.
"""

from __future__ import annotations

import difflib

from lsprotocol import types

from backend_lint.noqa import physical_lines
from backend_lint.server.positions import LineIndex


def _common_prefix(a: str, b: str) -> int:
    size = min(len(a), len(b))
    index = 0
    while index < size and a[index] == b[index]:
        index += 1
    return index


def _common_suffix(a: str, b: str, limit: int) -> int:
    """The length of the common end of ``a`` and ``b``, at most ``limit``."""
    index = 0
    while index < limit and a[-1 - index] == b[-1 - index]:
        index += 1
    return index


def _splits_line_end(text: str, at: int) -> bool:
    return 0 < at < len(text) and text[at - 1] == "\r" and text[at] == "\n"


def text_edits(old: str, new: str, index: LineIndex) -> list[types.TextEdit]:
    """Edits that turn ``old`` (whose positions ``index`` converts) into ``new``, in document order."""
    if old == new:
        return []
    old_lines, new_lines = physical_lines(old), physical_lines(new)
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    edits = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        before, after = "".join(old_lines[i1:i2]), "".join(new_lines[j1:j2])
        prefix = _common_prefix(before, after)
        if _splits_line_end(before, prefix):
            prefix -= 1
        suffix = _common_suffix(before, after, min(len(before), len(after)) - prefix)
        if _splits_line_end(before, len(before) - suffix):
            suffix -= 1
        start = index.starts[i1] + prefix
        end = index.starts[i1] + len(before) - suffix
        edits.append(types.TextEdit(
            range=types.Range(start=index.position_at(start), end=index.position_at(end)),
            new_text=after[prefix:len(after) - suffix],
        ))
    return edits
