"""``--output-format json``: a list of findings with every field, the fix applicability and the docs URL."""

from __future__ import annotations

import json
from typing import TextIO

from backend_lint.catalog import docs_url
from backend_lint.outputs.report import Report


def render(report: Report, out: TextIO) -> None:
    items = []
    for finding in report.findings:
        item = finding.to_dict()
        item["url"] = docs_url(finding.code)
        items.append(item)
    out.write(json.dumps(items, indent=2) + "\n")  # one write: json.dump writes every token separately
