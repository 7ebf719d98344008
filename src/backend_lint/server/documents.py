"""Checking one version of an open document, and what came of it.

The unsaved text is checked as the file at the document's path, with the settings of its workspace folder,
through the same :meth:`~backend_lint.runner.Checker.check_source` as ``backend-lint check`` (one parse, one
walk, ``# noqa`` applied). The result is kept with the text and version it belongs to, so code actions and
hover answer about exactly the text the diagnostics were computed on, and a later edit makes it stale.

Bad input never reaches the editor as a diagnostic. A buffer that does not parse yields no findings: its
diagnostics are cleared, because findings from the last good version would point at moved code, and a fix
computed from them would edit the wrong text (the editor's Python language server already marks the syntax
error). A rule that fails is an internal error for the log, as is an unexpected failure of the checker
itself; the server goes on.
"""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Optional

from lsprotocol import types

from backend_lint.files import SourceFile
from backend_lint.finding import FileError, Finding
from backend_lint.project_run import check_in_project
from backend_lint.server.diagnostics import to_diagnostic
from backend_lint.server.positions import Encoding, LineIndex
from backend_lint.server.workspace import Target

FindingKey = tuple[str, int, int, int, int]


def finding_key(finding: Finding) -> FindingKey:
    """What identifies a finding within one version of a document (carried in code actions' ``data``)."""
    return (finding.code, finding.line, finding.col, finding.end_line, finding.end_col)


@dataclass
class CheckedDocument:
    """One version of an open document and its check result."""

    uri: str
    version: Optional[int]
    text: str
    target: Target
    index: LineIndex
    findings: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    diagnostics: list[types.Diagnostic] = field(default_factory=list)  # one per finding, in the same order
    # fixed text and refusals by finding key (None: fix all), computed once per version: a client without lazy
    # resolve asks for the same edits at every code action request
    fixes: dict[Optional[FindingKey], tuple[str, list[str]]] = field(default_factory=dict)

    @property
    def internal_errors(self) -> list[FileError]:
        """Failures of backend-lint itself (a rule, or the checker): for the log, never for the user's code."""
        return [error for error in self.errors if error.code is not None]

    @property
    def unchecked_reason(self) -> Optional[str]:
        """Why the text was not checked (a syntax error, NUL bytes), if it was not."""
        reasons = [error.reason for error in self.errors if error.code is None]
        return "; ".join(reasons) or None

    def find(self, key: Sequence[object]) -> Optional[Finding]:
        wanted = tuple(key)
        return next((finding for finding in self.findings if finding_key(finding) == wanted), None)

    def diagnostic_of(self, finding: Finding) -> types.Diagnostic:
        return self.diagnostics[self.findings.index(finding)]

    def source(self) -> SourceFile:
        """The text as the checker and the fixer take it (an editor buffer has no coding cookie to keep)."""
        return SourceFile(self.text, "utf-8")


def check_document(
    uri: str, version: Optional[int], text: str, target: Target, encoding: Encoding
) -> CheckedDocument:
    document = CheckedDocument(uri, version, text, target, LineIndex(text, encoding))
    if target.excluded:
        return document
    try:
        result = check_in_project(target.settings.checker, document.source(), target.path)
    except Exception as exc:  # a bug in backend-lint must not take the editor's server down
        document.errors = [FileError(target.path, f"{type(exc).__name__}: {exc}", code="checker",
                                     detail=traceback.format_exc())]
        return document
    document.findings, document.errors = result.findings, result.errors
    document.diagnostics = [to_diagnostic(finding, document.index) for finding in result.findings]
    return document
