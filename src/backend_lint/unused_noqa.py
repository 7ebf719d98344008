"""``--report-unused-noqa``: ``# noqa: BE###`` comments that no longer suppress anything.

A suppression outlives the code it was written for: the call gets a timeout, the line moves, the rule gets
smarter. A stale ``# noqa: BE201`` then hides the next real finding on that line. Each code of ours in a
``# noqa`` comment is checked against the findings that comment governs (the same stretches flake8 uses), and
reported as ``BE000 unused-noqa`` when it matches none of them.

A code is only judged when every rule it names ran on the file: with ``--select BE4``, a ``# noqa: BE201``
is not reported, because BE201 never had the chance to fire. Blanket ``# noqa`` comments and other tools'
codes are never reported (their findings are not ours to know). A code that names no rule of ours is
reported: it can suppress nothing. A comment listing ``BE000`` itself opts out.
"""

from __future__ import annotations

from collections.abc import Iterable

from backend_lint.finding import Applicability, Finding
from backend_lint.noqa import NoqaMap, noqa_on
from backend_lint.registry import all_rule_classes

CODE = "BE000"
NAME = "unused-noqa"
PREFIX = "BE"


def has_candidates(text: str) -> bool:
    """Cheap test before the real work: could ``text`` hold a ``# noqa`` naming one of our codes?"""
    lowered = text.lower()
    return "noqa" in lowered and "be" in lowered


def unused_noqa(text: str, path: str, unsuppressed: list[Finding], active_codes: Iterable[str]) -> list[Finding]:
    """BE000 findings for ``text``; ``unsuppressed`` is the file's findings before ``# noqa`` was applied."""
    comments = NoqaMap(text)
    used: dict[int, list[str]] = {}
    for finding in unsuppressed:
        governing = comments.comment_for(finding.line)
        if governing is not None:
            used.setdefault(governing.line, []).append(finding.code)
    active = set(active_codes)
    known = [cls.code for cls in all_rule_classes()]
    reports = []
    for number, line in enumerate(comments.lines, start=1):
        comment = noqa_on(line, number) if "noqa" in line.lower() else None
        if comment is None or not comment.codes or CODE in comment.codes:
            continue
        start = comments.comment_start(number)
        if start is None or start > comment.start:
            continue  # the text is inside a string (a docstring showing an example), not a comment
        stale = [
            code for code in comment.codes
            if code.startswith(PREFIX) and _judged(code, known, active)
            and not any(found.startswith(code) for found in used.get(number, ()))
        ]
        if stale:
            reports.append(_finding(path, number, comment.start, comment.end, stale))
    return reports


def _judged(code: str, known: list[str], active: set[str]) -> bool:
    """Every rule ``code`` names ran on the file (a code naming no rule is always judged)."""
    matching = [rule for rule in known if rule.startswith(code)]
    return all(rule in active for rule in matching)


def _finding(path: str, line: int, start: int, end: int, codes: list[str]) -> Finding:
    listed = ", ".join(codes)
    pronoun = "it" if len(codes) == 1 else "them"
    return Finding(
        code=CODE,
        name=NAME,
        message=f"`# noqa: {listed}` suppresses nothing on this line; remove {pronoun}",
        path=path,
        line=line,
        col=start + 1,
        end_line=line,
        end_col=end + 1,
        applicability=Applicability.NONE,
    )
