"""Realistic correct code (``tests/fixtures/clean/*.py``) raises nothing from any rule, in the CLI and flake8."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.fixture_files import FIXTURES
from tests.processes import check_json, run_flake8

CLEAN = sorted((FIXTURES / "clean").glob("*.py"))


@pytest.fixture(scope="module")
def findings(tmp_path_factory) -> dict[str, list[str]]:
    """Every clean file checked once by each entry point (one process each), keyed by file name."""
    project = tmp_path_factory.mktemp("clean")
    (project / "pyproject.toml").write_text("[tool.backend-lint]\n", encoding="utf-8")
    (project / "service").mkdir()
    for path in CLEAN:
        shutil.copyfile(path, project / "service" / path.name)
    found: dict[str, list[str]] = {path.name: [] for path in CLEAN}
    for item in check_json(".", cwd=project):
        found[Path(item["path"]).name].append(f"cli {item['line']}:{item['column']} {item['code']} {item['message']}")
    for path, line, col, code in run_flake8(".", cwd=project):
        found[os.path.basename(path)].append(f"flake8 {line}:{col} {code}")
    return found


@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.name)
def test_clean_file_has_no_findings(path: Path, findings: dict[str, list[str]]) -> None:
    assert findings[path.name] == []
