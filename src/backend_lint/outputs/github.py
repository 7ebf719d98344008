"""``--output-format github``: GitHub Actions workflow commands, one ``::warning`` annotation per finding.

GitHub requires ``%``, ``\\r`` and ``\\n`` escaped in the message, and additionally ``:`` and ``,`` in the
properties (file, title); an unescaped comma in a file name would end the property early.
"""

from __future__ import annotations

from typing import TextIO

from backend_lint.finding import Finding
from backend_lint.outputs.report import Report


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    properties = ",".join(
        [
            f"file={escape_property(finding.path)}",
            f"line={finding.line}",
            f"col={finding.col}",
            f"endLine={finding.end_line}",
            f"endColumn={finding.end_col}",
            f"title={escape_property(f'{finding.code} {finding.name}')}",
        ]
    )
    return f"::warning {properties}::{escape_data(f'{finding.code} {finding.message}')}"


def render(report: Report, out: TextIO) -> None:
    for finding in report.findings:
        out.write(annotation(finding) + "\n")
    for error in report.errors:
        out.write(f"::error file={escape_property(error.path)}::{escape_data(str(error))}\n")
