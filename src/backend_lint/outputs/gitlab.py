"""``--output-format gitlab``: a GitLab Code Quality report (the Code Climate issue subset GitLab reads).

GitLab requires, per issue, ``description``, ``check_name``, ``fingerprint``, ``severity`` and
``location.path`` with ``location.lines.begin``; the path must be relative to the repository root, or the
merge-request widget cannot place the issue. GitLab compares the base and head reports by fingerprint, so
the fingerprint must not change when unrelated edits move a finding to another line: it hashes the rule,
the path and the message (which names the construct), plus an occurrence counter that keeps identical
findings in one file apart. Files that could not be checked become ``critical`` issues on line 1, so a
broken file is visible in the merge request instead of silently contributing no findings.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from pathlib import Path, PurePath
from typing import Any, Optional, TextIO

from backend_lint.catalog import docs_url
from backend_lint.outputs.report import Report

# The Code Climate categories GitLab shows; our rule families map onto them.
_CATEGORY = {"1": "Performance", "2": "Bug Risk", "3": "Bug Risk", "4": "Clarity", "5": "Security"}
SEVERITY = "major"
ERROR_SEVERITY = "critical"
ERROR_CHECK_NAME = "backend-lint/file-error"


def project_path(path: str, root: Optional[str] = None) -> str:
    """``path`` relative to the repository root (``CI_PROJECT_DIR`` in GitLab CI, else the working directory).

    Paths outside the root and stdin (``-``) are kept as given, in POSIX form.
    """
    base = Path(root or os.environ.get("CI_PROJECT_DIR") or Path.cwd()).resolve()
    candidate = Path(path)
    if path != "-":
        try:
            return (candidate if candidate.is_absolute() else Path.cwd() / candidate).resolve().relative_to(
                base
            ).as_posix()
        except ValueError:
            pass
    text = PurePath(path).as_posix()
    return text[2:] if text.startswith("./") else text


def fingerprint(code: str, path: str, message: str, occurrence: int) -> str:
    """Stable across runs and line moves; ``occurrence`` separates identical findings in one file."""
    return hashlib.sha256("\0".join((code, path, message, str(occurrence))).encode("utf-8")).hexdigest()


def build(report: Report, root: Optional[str] = None) -> list[dict[str, Any]]:
    issues: list[dict[str, Any]] = []
    seen: Counter[tuple[str, str, str]] = Counter()
    for finding in report.findings:
        path = project_path(finding.path, root)
        key = (finding.code, path, finding.message)
        seen[key] += 1
        issues.append(
            {
                "type": "issue",
                "engine_name": "backend-lint",
                "check_name": finding.code,
                "description": f"{finding.code} {finding.message}",
                "content": {"body": f"`{finding.name}`: see {docs_url(finding.code)}"},
                "categories": [_CATEGORY.get(finding.code[2:3], "Bug Risk")],
                "severity": SEVERITY,
                "fingerprint": fingerprint(*key, seen[key]),
                "location": {"path": path, "lines": {"begin": finding.line, "end": finding.end_line}},
            }
        )
    for error in report.errors:
        path = project_path(error.path, root)
        key = (ERROR_CHECK_NAME, path, error.reason)
        seen[key] += 1
        issues.append(
            {
                "type": "issue",
                "engine_name": "backend-lint",
                "check_name": ERROR_CHECK_NAME,
                "description": str(error),
                "categories": ["Bug Risk"],
                "severity": ERROR_SEVERITY,
                "fingerprint": fingerprint(*key, seen[key]),
                "location": {"path": path, "lines": {"begin": 1}},
            }
        )
    return issues


def render(report: Report, out: TextIO) -> None:
    json.dump(build(report), out, indent=2)
    out.write("\n")
