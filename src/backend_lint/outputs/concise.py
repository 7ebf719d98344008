"""``concise`` (the default): flake8's ``path:line:col: CODE message``, ``[*]`` on fixable findings, a summary.

One line per finding is what editors' problem matchers, ``grep`` and flake8-style CI parsers read, which is
why it stays the default; ``full`` shows the code around each finding for people.
"""

from __future__ import annotations

from typing import TextIO

from backend_lint.outputs.report import Report
from backend_lint.outputs.summary import BOLD, CYAN, RED, RESET, fix_mark, statistics, summary


def render(report: Report, out: TextIO) -> None:
    if report.statistics:
        statistics(report, out)
    else:
        for finding in report.findings:
            mark = fix_mark(report, finding)
            if report.color:
                out.write(
                    f"{BOLD}{finding.path}{RESET}{CYAN}:{RESET}{finding.line}{CYAN}:{RESET}"
                    f"{finding.col}{CYAN}:{RESET} {RED}{BOLD}{finding.code}{RESET}{mark} {finding.message}\n"
                )
            else:
                out.write(f"{finding.path}:{finding.line}:{finding.col}: {finding.code}{mark} {finding.message}\n")
    summary(report, out)
