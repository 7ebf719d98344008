"""What the GitHub Action (``action.yml``) runs: one check, three outputs.

``python -m backend_lint.github_action --args "check ." [--sarif PATH]`` runs backend-lint once, as a child
process with ``--output-format json``, and from that one result writes GitHub annotations to stdout (the
``github`` format, so they look exactly as ``--output-format github`` makes them), SARIF to ``PATH`` for
code scanning, the job summary to ``$GITHUB_STEP_SUMMARY`` and ``findings=N`` to ``$GITHUB_OUTPUT``. It
exits with the check's own exit code. Running the check once keeps the three outputs consistent and the step
as fast as a plain check. Files that could not be checked arrive as ``backend-lint: error:`` lines on the
child's stderr; they are passed through to the log and also become ``::error`` annotations.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Optional

from backend_lint.finding import Applicability, FileError, Finding
from backend_lint.outputs import github, sarif
from backend_lint.outputs.github_summary import render_summary
from backend_lint.outputs.report import Report

COMMANDS = ("check", "fix")
ERROR_PREFIX = "backend-lint: error: "


def cli_arguments(args: str) -> list[str]:
    """The action's ``args`` input as argv, with ``check`` in front when it names no command."""
    argv = shlex.split(args)
    if not argv or argv[0] not in COMMANDS:
        argv = ["check", *argv]
    return [*argv, "--output-format", "json"]


def findings_from_json(text: str) -> list[Finding]:
    return [
        Finding(
            code=item["code"], name=item["name"], message=item["message"], path=item["path"],
            line=item["line"], col=item["column"], end_line=item["end_line"], end_col=item["end_column"],
            applicability=Applicability[item["fix"].upper()], fix_title=item.get("fix_title"),
        )
        for item in json.loads(text)
    ]


def _append(variable: str, text: str) -> None:
    target = os.environ.get(variable)
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(text)


def errors_from_stderr(stderr: str) -> list[FileError]:
    """The ``backend-lint: error: PATH: REASON`` lines of the child (unreadable files, configuration)."""
    errors = []
    for line in stderr.splitlines():
        if line.startswith(ERROR_PREFIX):
            path, _, reason = line[len(ERROR_PREFIX):].partition(": ")
            errors.append(FileError(path, reason) if reason else FileError("", path))
    return errors


def run(args: str, sarif_path: Optional[str]) -> int:
    try:
        argv = cli_arguments(args)
    except ValueError as exc:  # shlex: an unclosed quote
        sys.stdout.write(f"::error title=backend-lint::{github.escape_data(f'the args input: {exc}')}\n")
        return 2
    child = subprocess.run(
        [sys.executable, "-m", "backend_lint", *argv],
        capture_output=True, text=True, encoding="utf-8", errors="replace", check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    sys.stderr.write(child.stderr)
    report = Report(errors=errors_from_stderr(child.stderr))
    try:
        report.findings = findings_from_json(child.stdout) if child.stdout.strip() else []
    except (ValueError, KeyError, TypeError):
        sys.stdout.write(child.stdout)
        report.errors.append(FileError("", "the check's JSON output could not be read (shown in the log)"))
    github.render(Report(findings=report.findings, errors=[e for e in report.errors if e.path]), sys.stdout)
    for error in report.errors:
        if not error.path:
            sys.stdout.write(f"::error title=backend-lint::{github.escape_data(error.reason)}\n")
    if sarif_path:
        Path(sarif_path).parent.mkdir(parents=True, exist_ok=True)
        with open(sarif_path, "w", encoding="utf-8") as handle:
            sarif.render(report, handle)
    _append("GITHUB_STEP_SUMMARY", render_summary(report, exit_code=child.returncode))
    _append("GITHUB_OUTPUT", f"findings={len(report.findings)}\n")
    return child.returncode


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backend_lint.github_action",
                                     description="Run backend-lint for the GitHub Action.")
    parser.add_argument("--args", default="check .", help="backend-lint arguments, as one shell-quoted string")
    parser.add_argument("--sarif", default="", help="also write SARIF to this path")
    options = parser.parse_args(argv)
    return run(options.args, options.sarif or None)


if __name__ == "__main__":
    sys.exit(main())
