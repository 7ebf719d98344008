"""Findings as the editor shows them: diagnostics with a code, a link and a range, and hover text.

A diagnostic spans the finding's whole range (the callee, the keyword, the string), converted to the
client's position units, so the squiggle covers the node and not only its first column. Its code links to
the rule's page (``codeDescription.href``), where editors make the code clickable. Every finding is a
warning: backend-lint reports code that works but will fail in production, not code that cannot run, and
editors keep errors for the latter (and for the syntax errors their Python language server reports).

Hover repeats the rule page's "What it does" and "Why it matters", the two sections that answer "what is
wrong here and why should I care" without leaving the editor; the link opens the rest.
"""

from __future__ import annotations

from collections.abc import Iterable

from lsprotocol import types

from backend_lint.catalog import docs_url, load_page, with_absolute_links
from backend_lint.finding import Finding
from backend_lint.server.positions import LineIndex

SOURCE = "backend-lint"
HOVER_SECTIONS = ("What it does", "Why it matters")


def finding_range(finding: Finding, index: LineIndex) -> types.Range:
    return index.range(finding.line, finding.col, finding.end_line, finding.end_col)


def to_diagnostic(finding: Finding, index: LineIndex) -> types.Diagnostic:
    return types.Diagnostic(
        range=finding_range(finding, index),
        message=finding.message,
        severity=types.DiagnosticSeverity.Warning,
        code=finding.code,
        code_description=types.CodeDescription(href=docs_url(finding.code)),
        source=SOURCE,
    )


def contains(finding: Finding, line: int, col: int) -> bool:
    """Whether 1-based ``line``/``col`` lies on the finding (its end included: a cursor just after a call
    is still "on" it in every editor)."""
    return (finding.line, finding.col) <= (line, col) <= (finding.end_line, finding.end_col)


def overlaps(finding: Finding, start: tuple[int, int], end: tuple[int, int]) -> bool:
    """Whether the finding meets the range ``start``..``end`` (1-based line and column pairs, inclusive)."""
    return (finding.line, finding.col) <= end and start <= (finding.end_line, finding.end_col)


def hover_text(findings: Iterable[Finding], markdown: bool = True) -> str:
    """The hover for the findings under the cursor: each one's message, then its page's first sections."""
    parts = []
    for finding in findings:
        page = load_page(finding.code)
        heading = f"{finding.code} {finding.name}"
        lines = [f"**{heading}**: {finding.message}" if markdown else f"{heading}: {finding.message}"]
        for section in HOVER_SECTIONS:
            body = page.sections.get(section, "").strip() if page is not None else ""
            body = with_absolute_links(finding.code, body)
            if body:
                lines.append(f"**{section}**\n\n{body}" if markdown else f"{section}\n\n{body}")
        url = docs_url(finding.code)
        lines.append(f"[Rule page]({url})" if markdown else f"Rule page: {url}")
        parts.append("\n\n".join(lines))
    return "\n\n---\n\n".join(parts)
