"""flake8-compatible text: ``path:line:col: CODE message``, ``[*]`` on fixable findings, and a summary."""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from backend_lint.finding import Applicability
from backend_lint.outputs.report import Report
from backend_lint.registry import rule_class

_BOLD, _RED, _CYAN, _DIM, _RESET = "\033[1m", "\033[31m", "\033[36m", "\033[2m", "\033[0m"


def _fixable_now(report: Report) -> int:
    threshold = Applicability.UNSAFE if report.unsafe_fixes else Applicability.SAFE
    return sum(1 for finding in report.findings if finding.applicability >= threshold)


def render(report: Report, out: TextIO) -> None:
    color = report.color
    threshold = Applicability.UNSAFE if report.unsafe_fixes else Applicability.SAFE
    if report.statistics:
        _statistics(report, out)
    else:
        for finding in report.findings:
            mark = " [*]" if finding.applicability >= threshold else ""
            if color:
                out.write(
                    f"{_BOLD}{finding.path}{_RESET}{_CYAN}:{_RESET}{finding.line}{_CYAN}:{_RESET}"
                    f"{finding.col}{_CYAN}:{_RESET} {_RED}{_BOLD}{finding.code}{_RESET}{mark} {finding.message}\n"
                )
            else:
                out.write(f"{finding.path}:{finding.line}:{finding.col}: {finding.code}{mark} {finding.message}\n")
    _summary(report, out)


def _statistics(report: Report, out: TextIO) -> None:
    counts = Counter(finding.code for finding in report.findings)
    fixable = Counter(finding.code for finding in report.findings if finding.fixable)
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        cls = rule_class(code)
        mark = "[*]" if fixable[code] else "   "
        out.write(f"{count:>5}\t{code}\t{mark} {cls.name if cls else ''}\n")


def _summary(report: Report, out: TextIO) -> None:
    parts = []
    if report.fix_mode and report.fixed:
        parts.append(f"Fixed {report.fixed} finding{'s' if report.fixed != 1 else ''}")
    count = len(report.findings)
    if count:
        noun = "finding" if count == 1 else "findings"
        fixable = _fixable_now(report)
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
    out.write(f"{_DIM}{text}{_RESET}\n" if report.color else f"{text}\n")
