"""What a finished run hands to a report format."""

from __future__ import annotations

from dataclasses import dataclass, field

from backend_lint.finding import FileError, Finding


@dataclass
class Report:
    """All findings (sorted) and errors of a run, and what the summary line needs."""

    findings: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    files_checked: int = 0
    fixed: int = 0
    fix_mode: bool = False
    show_fix_hint: bool = True
    statistics: bool = False
    color: bool = False
    unsafe_fixes: bool = False
    sources: dict[str, str] = field(default_factory=dict)  # text of code on no disk (stdin), for `full`
