"""The GitHub Actions job summary: a Markdown page with every finding, for what annotations cannot show.

GitHub displays at most 10 warning and 10 error annotations per step (and 50 per job); the rest are dropped
without a trace. The summary is where the full count lives: findings per rule (linked to the rule pages),
the files with the most findings, and a table of every finding, linked to its line when the run knows the
repository and commit. A step summary is capped at 1 MiB, so the table stops at a byte budget and says how
many rows it left out.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping
from typing import Optional

from backend_lint.catalog import docs_url
from backend_lint.finding import Applicability, Finding
from backend_lint.outputs.gitlab import project_path
from backend_lint.outputs.report import Report

ANNOTATIONS_PER_STEP = 10
ANNOTATIONS_PER_JOB = 50
TOP_FILES = 10
BUDGET = 900_000  # bytes of UTF-8; GitHub rejects a step summary over 1 MiB


def _cell(text: str) -> str:
    """Table cells end at ``|`` and at a line break."""
    return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _blob_url(env: Mapping[str, str]) -> Optional[str]:
    """``https://github.com/OWNER/REPO/blob/SHA/`` when the run says where it is, else ``None``."""
    server, repository, sha = env.get("GITHUB_SERVER_URL"), env.get("GITHUB_REPOSITORY"), env.get("GITHUB_SHA")
    if not (server and repository and sha):
        return None
    return f"{server.rstrip('/')}/{repository}/blob/{sha}/"


def _location(finding: Finding, root: Optional[str], blob: Optional[str]) -> str:
    path = project_path(finding.path, root)
    text = f"`{_cell(path)}:{finding.line}:{finding.col}`"
    if blob and not path.startswith(("/", "../")) and path != "-":
        return f"[{text}]({blob}{path}#L{finding.line})"
    return text


def render_summary(report: Report, env: Optional[Mapping[str, str]] = None, exit_code: int = 0) -> str:
    """The Markdown for ``$GITHUB_STEP_SUMMARY``; ``env`` gives the repository, commit and workspace."""
    env = os.environ if env is None else env
    root = env.get("GITHUB_WORKSPACE")
    findings = report.findings
    lines = ["## backend-lint", ""]
    if not findings and not report.errors:
        lines.append("No findings." if exit_code == 0 else f"backend-lint stopped with exit code {exit_code}; "
                     "see the step's log.")
        return "\n".join(lines) + "\n"
    files = Counter(project_path(finding.path, root) for finding in findings)
    headline = f"**{_plural(len(findings), 'finding')}** in {_plural(len(files), 'file')}"
    fixable = sum(1 for finding in findings if finding.applicability is Applicability.SAFE)
    unsafe = sum(1 for finding in findings if finding.applicability is Applicability.UNSAFE)
    if fixable:
        headline += f"; {fixable} fixable with `backend-lint fix`"
    if unsafe:
        headline += f", {unsafe} more with `--unsafe-fixes`" if fixable else (
            f"; {unsafe} fixable with `backend-lint fix --unsafe-fixes`")
    lines += [headline + ".", ""]
    if len(findings) > ANNOTATIONS_PER_STEP:
        lines += [
            f"GitHub shows only the first {ANNOTATIONS_PER_STEP} annotations of a step (and "
            f"{ANNOTATIONS_PER_JOB} of a job); all {len(findings)} findings are listed below.",
            "",
        ]
    if report.errors:
        lines += ["### Errors", "", "Exit code 2: these need fixing before the findings can be trusted.", ""]
        lines += [f"- {_cell(str(error) if error.path else error.reason)}" for error in report.errors]
        lines.append("")
    if findings:
        lines += _per_rule(findings) + _top_files(files) + _all_findings(findings, root, _blob_url(env))
    return "\n".join(lines) + "\n"


def _per_rule(findings: list[Finding]) -> list[str]:
    counts = Counter(finding.code for finding in findings)
    names = {finding.code: finding.name for finding in findings}
    rows = ["### Findings per rule", "", "| Rule | Name | Findings |", "| --- | --- | ---: |"]
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rows.append(f"| [{code}]({docs_url(code)}) | `{names[code]}` | {count} |")
    return [*rows, ""]


def _top_files(files: Counter[str]) -> list[str]:
    title = "### Files with the most findings" if len(files) > TOP_FILES else "### Files"
    rows = [title, "", "| File | Findings |", "| --- | ---: |"]
    for path, count in sorted(files.items(), key=lambda item: (-item[1], item[0]))[:TOP_FILES]:
        rows.append(f"| `{_cell(path)}` | {count} |")
    return [*rows, ""]


def _all_findings(findings: list[Finding], root: Optional[str], blob: Optional[str]) -> list[str]:
    opened = " open" if len(findings) <= ANNOTATIONS_PER_JOB else ""
    rows = [f"<details{opened}><summary>All {_plural(len(findings), 'finding')}</summary>", "",
            "| Location | Rule | Message |", "| --- | --- | --- |"]
    used = sum(len(row.encode("utf-8")) + 1 for row in rows)
    for shown, finding in enumerate(findings):
        row = f"| {_location(finding, root, blob)} | {finding.code} | {_cell(finding.message)} |"
        used += len(row.encode("utf-8")) + 1
        if used > BUDGET:
            rows += ["", f"… and {len(findings) - shown} more: GitHub limits a summary to 1 MiB; run "
                     "`backend-lint check` locally or upload SARIF to see them all."]
            break
        rows.append(row)
    return [*rows, "", "</details>"]
