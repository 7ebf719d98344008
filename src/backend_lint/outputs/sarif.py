"""``--output-format sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.

``tool.driver.rules`` lists every rule with its name, a short description and the help text of its page;
each result points at its rule by id and index and carries a region in 1-based characters (SARIF's default
``columnKind`` is UTF-16 code units; we declare ``unicodeCodePoints`` since our columns count characters).
"""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any, TextIO

from backend_lint import __version__
from backend_lint.catalog import docs_url, load_page
from backend_lint.outputs.report import Report
from backend_lint.registry import all_rule_classes

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _rule_descriptor(cls) -> dict[str, Any]:
    page = load_page(cls.code)
    summary = page.summary if page else cls.name
    help_text = page.text if page else summary
    return {
        "id": cls.code,
        "name": cls.name,
        "shortDescription": {"text": summary or cls.name},
        "help": {"text": help_text, "markdown": help_text},
        "helpUri": docs_url(cls.code),
        "defaultConfiguration": {"level": "warning"},
        "properties": {"fix": cls.fix_kind.label},
    }


def build(report: Report) -> dict[str, Any]:
    classes = all_rule_classes()
    index = {cls.code: position for position, cls in enumerate(classes)}
    results = []
    for finding in report.findings:
        results.append(
            {
                "ruleId": finding.code,
                "ruleIndex": index.get(finding.code, -1),
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
                "rules": [_rule_descriptor(cls) for cls in classes],
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
