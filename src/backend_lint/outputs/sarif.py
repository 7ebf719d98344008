"""``--output-format sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.

``tool.driver.rules`` lists the rules that have findings in this run, each with its name, its headline as
``shortDescription``, its page's link as ``helpUri`` and the page itself once, as ``help.markdown`` (code
scanning shows it beside an alert). Rules without findings are left out and no page is repeated, so the file
grows with the findings, not with the catalog. Each result points at its rule by id and index and carries a
region in 1-based characters (SARIF's default ``columnKind`` is UTF-16 code units; we declare
``unicodeCodePoints`` since our columns count characters).
"""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any, TextIO

from backend_lint import __version__
from backend_lint.catalog import docs_url, load_page, with_absolute_links
from backend_lint.outputs.report import Report
from backend_lint.registry import rule_class

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _rule_descriptor(code: str) -> dict[str, Any]:
    cls = rule_class(code)
    name = cls.name if cls is not None else code
    page = load_page(code)
    headline = page.headline if page and page.headline else name
    descriptor: dict[str, Any] = {
        "id": code,
        "name": name,
        "shortDescription": {"text": headline},
        "helpUri": docs_url(code),
        "defaultConfiguration": {"level": "warning"},
    }
    if page is not None:  # the plain-text help is a pointer; the page itself is there once, as markdown
        descriptor["help"] = {
            "text": f"{headline}. See {docs_url(code)}",
            "markdown": with_absolute_links(code, page.text),
        }
    if cls is not None:
        descriptor["properties"] = {"fix": cls.fix_kind.label}
    return descriptor


def build(report: Report) -> dict[str, Any]:
    codes = sorted({finding.code for finding in report.findings})
    index = {code: position for position, code in enumerate(codes)}
    results = []
    for finding in report.findings:
        results.append(
            {
                "ruleId": finding.code,
                "ruleIndex": index[finding.code],
                "level": "warning",
                "message": {"text": finding.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": PurePath(finding.path).as_posix()},
                            "region": {
                                "startLine": finding.line,
                                "startColumn": finding.col,
                                "endLine": finding.end_line,
                                "endColumn": finding.end_col,
                            },
                        }
                    }
                ],
            }
        )
    notifications = [
        {"level": "error", "message": {"text": str(error)}} for error in report.errors
    ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "backend-lint",
                "version": __version__,
                "informationUri": "https://github.com/backend-lint/backend-lint",
                "rules": [_rule_descriptor(code) for code in codes],
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if notifications:
        run["invocations"] = [{"executionSuccessful": False, "toolExecutionNotifications": notifications}]
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render(report: Report, out: TextIO) -> None:
    json.dump(build(report), out, indent=2)
    out.write("\n")
