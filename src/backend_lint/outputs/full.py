"""``full``: each finding with its source line, a caret under the range, the rule's name and its fix, then the
counts per rule and the summary, in the look ruff made familiar.

Lines come from the files on disk (after ``fix``, that is the fixed file; ``fix --diff`` reports positions of
the file on disk too); code read from standard input is kept in the report, since it is on no disk.
"""

from __future__ import annotations

from typing import Optional, TextIO

from backend_lint.files import Unreadable, read_source
from backend_lint.finding import Applicability, Finding
from backend_lint.outputs.report import Report
from backend_lint.outputs.summary import BOLD, CYAN, RED, RESET, fix_mark, statistics, summary, threshold


def render(report: Report, out: TextIO) -> None:
    if report.statistics:
        statistics(report, out)
        summary(report, out)
        return
    lines = _Lines(report.sources)
    for finding in report.findings:
        _finding(report, finding, lines.of(finding.path), out)
    if report.findings:
        statistics(report, out)
    summary(report, out)


def _finding(report: Report, finding: Finding, lines: Optional[list[str]], out: TextIO) -> None:
    bold, red, cyan, reset = (BOLD, RED, CYAN, RESET) if report.color else ("", "", "", "")
    out.write(f"{bold}{finding.path}:{finding.line}:{finding.col}:{reset} {red}{bold}{finding.code}{reset}"
              f"{fix_mark(report, finding)} {finding.message}\n")
    if lines is not None and 1 <= finding.line <= len(lines):
        text = lines[finding.line - 1]
        gutter = " " * len(str(finding.line))
        start = min(finding.col - 1, len(text))
        end = finding.end_col - 1 if finding.end_line == finding.line else len(text)
        pad = "".join(char if char == "\t" else " " for char in text[:start])  # tabs keep the caret aligned
        carets = "^" * max(1, min(end, len(text)) - start)
        out.write(f"{cyan}{gutter} |{reset}\n")
        out.write(f"{cyan}{finding.line} |{reset} {text}\n")
        out.write(f"{cyan}{gutter} |{reset} {pad}{red}{carets}{reset} {finding.code} {finding.name}\n")
        out.write(f"{cyan}{gutter} |{reset}\n")
    if finding.applicability is not Applicability.NONE and finding.fix_title:
        if finding.applicability >= threshold(report):
            out.write(f"  = fix: {finding.fix_title}\n")
        else:
            out.write(f"  = unsafe fix available with `--unsafe-fixes`: {finding.fix_title}\n")
    out.write("\n")


class _Lines:
    """Each file's lines, read once (from the report for standard input, from disk otherwise)."""

    def __init__(self, sources: dict[str, str]) -> None:
        self.sources = sources
        self.cache: dict[str, Optional[list[str]]] = {}

    def of(self, path: str) -> Optional[list[str]]:
        if path not in self.cache:
            text = self.sources.get(path)
            if text is None:
                source = read_source(path)
                text = None if isinstance(source, Unreadable) else source.text
            # the lines ``ast`` counts: str.splitlines would also split at form feeds and other separators
            self.cache[path] = None if text is None else text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return self.cache[path]
