"""Running backend-lint and flake8 as real processes, the way users and CI run them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ENV = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
ENV.pop("GITHUB_ACTIONS", None)


def run_cli(*args: str, cwd: Path | str | None = None, stdin: bytes | None = None,
            env: dict | None = None) -> subprocess.CompletedProcess:
    """``python -m backend_lint ARGS`` (the same code as the console script) in ``cwd``."""
    return subprocess.run(
        [sys.executable, "-m", "backend_lint", *args],
        cwd=cwd, input=stdin, capture_output=True, env=env or ENV, timeout=600,
    )


def check_json(*args: str, cwd: Path | str | None = None) -> list[dict]:
    result = run_cli("check", "--output-format", "json", *args, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr.decode()
    return json.loads(result.stdout)


def run_flake8(*args: str, cwd: Path | str) -> list[tuple[str, int, int, str]]:
    """``flake8 --select BE`` findings as ``(path, line, column, code)``."""
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "BE",
         "--format", "%(path)s\t%(row)d\t%(col)d\t%(code)s", *args],
        cwd=cwd, capture_output=True, text=True, env=ENV, timeout=600,
    )
    assert result.returncode in (0, 1), result.stderr
    found = []
    for line in result.stdout.splitlines():
        path, row, col, code = line.split("\t")
        found.append((os.path.normpath(path), int(row), int(col), code))
    return found


def cached_findings(root: Path, code: str) -> set[tuple[str, int]]:
    """``(path, line)`` of ``code``'s findings from ``check`` with its cache, asserted equal to what ``flake8
    --select CODE`` (with its own cache) reports: the warm runs a test compares with a run that has no cache."""
    found = {(os.path.normpath(item["path"]), item["line"]) for item in check_json("--select", code, ".", cwd=root)}
    flake8 = {(os.path.normpath(path.removeprefix("./")), row)
              for path, row, _col, found_code in run_flake8("--select", code, ".", cwd=root) if found_code == code}
    assert flake8 == found
    return found
