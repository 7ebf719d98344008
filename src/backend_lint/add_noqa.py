"""``--add-noqa``: suppress today's findings in place, one ``# noqa: BE###`` per line, so new code is held
to the rules while old code is left alone.

The comment goes where the CLI and flake8 will read it (see :mod:`backend_lint.noqa`): into the ``# noqa``
comment already governing the finding's line, whose codes are extended (``# noqa: E501`` becomes
``# noqa: E501, BE401``; a code or prefix already listed is not repeated), or else at the end of the last
line of the finding's stretch, after any other comment on it (``# type: ignore`` and ``# fmt: skip`` keep
working where they are). A finding inside a multi-line string therefore gets its comment after the closing
quotes, never inside the string. The edited file must have the same ``ast`` as before, or it is left alone;
it is written with the fixer's atomic writer, and a file that changed since it was checked is not touched.
Running it twice gives the same file, since the second run finds nothing left to suppress.
"""

from __future__ import annotations

import ast
import warnings
from collections import defaultdict
from collections.abc import Iterable
from typing import Optional

from backend_lint.files import Unreadable, read_source
from backend_lint.finding import FileError, Finding
from backend_lint.noqa import NoqaMap, noqa_on

SKIPPED_CODES = frozenset({"BE000"})  # unused-noqa: suppressing it would hide the rot it reports


def _split_ending(line: str) -> tuple[str, str]:
    body = line.rstrip("\r\n")
    return body, line[len(body):]


def add_comments(text: str, findings: Iterable[Finding]) -> tuple[str, int]:
    """``text`` with ``# noqa`` codes added for ``findings``, and the number of lines changed."""
    comments = NoqaMap(text)
    wanted: dict[int, set[str]] = defaultdict(set)
    for finding in findings:
        if finding.code in SKIPPED_CODES:
            continue
        governing = comments.comment_for(finding.line)
        if governing is None:
            wanted[comments.stretch(finding.line)[1]].add(finding.code)
        elif not governing.suppresses(finding.code):
            wanted[governing.line].add(finding.code)
    lines = list(comments.lines)
    changed = 0
    for number, codes in sorted(wanted.items()):
        if not 0 < number <= len(lines):
            continue
        body, ending = _split_ending(lines[number - 1])
        edited = _with_codes(body, number, sorted(codes))
        if edited != body:
            lines[number - 1] = edited + ending
            changed += 1
    return "".join(lines), changed


def _with_codes(body: str, number: int, codes: list[str]) -> str:
    comment = noqa_on(body, number)
    if comment is None:
        return f"{body.rstrip()}  # noqa: {', '.join(codes)}"
    missing = [code for code in codes if not comment.suppresses(code)]
    if not missing:
        return body
    return f"{body[:comment.end]}, {', '.join(missing)}{body[comment.end:]}"


def _same_tree(before: str, after: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.dump(ast.parse(before)) == ast.dump(ast.parse(after))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False


def add_noqa_to_file(
    path: str, findings: list[Finding], checked_text: Optional[str]
) -> tuple[int, Optional[FileError]]:
    """Add the comments to ``path``; the count of lines changed, or the reason the file was left alone."""
    from backend_lint.fixing.writer import ConcurrentChange, atomic_write  # noqa: PLC0415

    source = read_source(path)
    if isinstance(source, Unreadable):
        return 0, FileError(path, source.reason)
    if checked_text is not None and source.text != checked_text:
        return 0, FileError(path, "changed on disk while being checked; no noqa comments added")
    text, changed = add_comments(source.text, findings)
    if not changed:
        return 0, None
    if not _same_tree(source.text, text):
        return 0, FileError(path, "adding noqa comments would change the code; none added, add them by hand")
    try:
        atomic_write(path, source.encode(text), expected_old=source.raw)
    except ConcurrentChange:
        return 0, FileError(path, "changed on disk while adding noqa comments; left as it is")
    except (OSError, UnicodeEncodeError) as exc:
        return 0, FileError(path, f"could not write the noqa comments: {exc}")
    return changed, None
