"""What a rule reports: one finding, with character-based positions and its fix applicability."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backend_lint.analysis.project.conditions import ProjectFact
    from backend_lint.analysis.project.summary import ModuleSummary


class Applicability(enum.IntEnum):
    """How far a fix can be trusted; ordered so that ``min`` gives the weaker of two."""

    NONE = 0
    UNSAFE = 1
    SAFE = 2

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass
class Finding:
    """One problem found in one file.

    Lines are 1-based; columns are 1-based *characters* (not ``ast``'s UTF-8 byte offsets), and the end
    column is exclusive, as in ruff's JSON output. ``fix_data`` is private to the rule that made the finding:
    whatever the rule's fix function needs, computed during detection from the ``ast`` tree.
    """

    code: str
    name: str
    message: str
    path: str
    line: int
    col: int
    end_line: int
    end_col: int
    applicability: Applicability = Applicability.NONE
    fix_title: str | None = None
    fix_data: Any = field(default=None, compare=False, repr=False)
    unless: tuple[ProjectFact, ...] = field(default=(), compare=False, repr=False)
    """Project facts any of which makes the finding wrong (:mod:`backend_lint.analysis.project`): it is dropped
    once the project model establishes one of them, and stands where the model cannot."""

    @property
    def fixable(self) -> bool:
        return self.applicability is not Applicability.NONE

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.col, self.code)

    def to_dict(self) -> dict[str, Any]:
        """The public, serialisable fields (``fix_data`` stays private)."""
        return {
            "code": self.code,
            "name": self.name,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.col,
            "end_line": self.end_line,
            "end_column": self.end_col,
            "fix": self.applicability.label,
            "fix_title": self.fix_title if self.fixable else None,
        }


@dataclass
class FileError:
    """A file that could not be checked (or fixed), or a rule that failed on it."""

    path: str
    reason: str
    code: str | None = None  # set for an internal error of one rule
    detail: str | None = None  # traceback, shown with --show-internal-errors

    def __str__(self) -> str:
        if self.code:
            return (
                f"{self.path}: internal error in {self.code}: {self.reason} "
                "(please report this at the backend-lint issue tracker)"
            )
        return f"{self.path}: {self.reason}"


@dataclass
class FileResult:
    """What checking one file produced (here, not in the engine, so that a cached result needs no engine)."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    source: str | None = None
    fixed: int = 0  # fixes applied to this file (fix mode)
    refused: list[tuple[Finding, str]] = field(default_factory=list)  # fixes not applied, and why
    summary: ModuleSummary | None = None  # what the file tells the project model (when asked for)
