"""What the two human formats (``concise`` and ``full``) share: colours, the ``--statistics`` table and the
closing summary line."""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from backend_lint.finding import Applicability, Finding
from backend_lint.outputs.report import Report
from backend_lint.registry import rule_class

BOLD, RED, CYAN, DIM, RESET = "\033[1m", "\033[31m", "\033[36m", "\033[2m", "\033[0m"


def threshold(report: Report) -> Applicability:
    """The weakest fix the suggested command applies: ``fix`` for safe ones, ``--unsafe-fixes`` for all."""
    return Applicability.UNSAFE if report.unsafe_fixes else Applicability.SAFE


def fix_mark(report: Report, finding: Finding) -> str:
    """`` [*]`` on a finding the suggested fix command would fix."""
    return " [*]" if finding.applicability >= threshold(report) else ""


def statistics(report: Report, out: TextIO) -> None:
    """One line per rule: count, code, ``[*]`` when some of its findings have a fix, name; most frequent first."""
    counts = Counter(finding.code for finding in report.findings)
    fixable = Counter(finding.code for finding in report.findings if finding.fixable)
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        cls = rule_class(code)
        mark = "[*]" if fixable[code] else "   "
        out.write(f"{count:>5}\t{code}\t{mark} {cls.name if cls else ''}\n")


def summary(report: Report, out: TextIO) -> None:
    """``Found 3 findings (2 fixable with `backend-lint fix`).``, ``All checks passed!``, file errors."""
    parts = []
    if report.fix_mode and report.fixed:
        parts.append(f"Fixed {report.fixed} finding{'s' if report.fixed != 1 else ''}")
    count = len(report.findings)
    if count:
        noun = "finding" if count == 1 else "findings"
        fixable = sum(1 for finding in report.findings if finding.applicability >= threshold(report))
        line = f"Found {count} {noun}"
        if fixable and report.show_fix_hint:
            line += f" ({fixable} fixable with `backend-lint fix"
            line += " --unsafe-fixes`)" if report.unsafe_fixes else "`)"
        parts.append(line)
        unsafe_only = sum(1 for f in report.findings if f.applicability is Applicability.UNSAFE)
        if unsafe_only and not report.unsafe_fixes and report.show_fix_hint:
            parts.append(f"{unsafe_only} more fixable with `--unsafe-fixes`")
    elif not report.errors:
        parts.append("All checks passed!")
    if report.errors:
        parts.append(f"{len(report.errors)} file error{'s' if len(report.errors) != 1 else ''} (see above)")
    text = ". ".join(parts)
    if not text.endswith(("!", ".")):
        text += "."
    out.write(f"{DIM}{text}{RESET}\n" if report.color else f"{text}\n")
