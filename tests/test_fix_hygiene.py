"""Fixes leave no work for the user: code that ruff found clean of unused imports (F401), unsorted imports
(I001) and blank-line errors (E302, E303) is still clean after ``backend-lint fix --unsafe-fixes``.

Every fixture pair is checked in a project laid out as ``tests/test_fixtures.py`` lays it out (where the round
trip proves the fix writes exactly ``.fixed.py``), so ruff and the fixer agree on which imports are first party.
The example service is fixed for real, as a copy.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixture_files import Fixture, all_fixtures, toml_config
from tests.processes import ENV, run_cli

ROOT = Path(__file__).resolve().parents[1]
RUFF = [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "F401,I001,E302,E303",
        "--output-format", "concise", "--no-cache", "--quiet"]
FIXABLE = [fixture for fixture in all_fixtures() if not fixture.skipped and fixture.fixed_path.exists()]


def _ruff(project: Path, *paths: str) -> dict[str, list[str]]:
    """ruff's complaints per file (relative path), run from the project root as a user would run it."""
    result = subprocess.run([*RUFF, *paths], cwd=project, capture_output=True, text=True, env=ENV)
    assert result.returncode in (0, 1), result.stderr
    found: dict[str, list[str]] = {path: [] for path in paths}
    for line in result.stdout.splitlines():
        path, _, rest = line.partition(":")
        found.setdefault(path, []).append(rest)
    return found


def _project(root: Path, fixture: Fixture, source: Path) -> str:
    root.mkdir()
    (root / "pyproject.toml").write_text(toml_config(fixture.config), encoding="utf-8")
    target = root / fixture.project_path
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return fixture.project_path


@pytest.mark.parametrize("fixture", FIXABLE, ids=lambda f: f.path.name)
def test_fixed_fixture_is_as_ruff_clean_as_its_input(fixture: Fixture, tmp_path: Path) -> None:
    before = _project(tmp_path / "before", fixture, fixture.path)
    after = _project(tmp_path / "after", fixture, fixture.fixed_path)
    complaints_before = _ruff(tmp_path / "before", before)[before]
    complaints_after = _ruff(tmp_path / "after", after)[after]
    if complaints_before:
        codes_before = {complaint.split()[2] for complaint in complaints_before}
        assert {c.split()[2] for c in complaints_after} <= codes_before, complaints_after
    else:
        assert complaints_after == [], f"{fixture.fixed_path.name} is not ruff-clean: {complaints_after}"


def test_fixed_example_service_is_as_ruff_clean_as_before(tmp_path: Path) -> None:
    project = tmp_path / "orders_service"
    shutil.copytree(ROOT / "examples" / "orders_service", project)
    files = sorted(str(path.relative_to(project)) for path in project.rglob("*.py"))
    before = _ruff(project, *files)
    clean = [path for path in files if not before[path]]
    assert "orders/api.py" in clean and "orders/payments.py" in clean, "the example is clean to start with"
    result = run_cli("fix", "--unsafe-fixes", ".", cwd=project)
    assert result.returncode == 1 and b"Fixed" in result.stdout, result.stderr
    changed = [path for path in files
               if (project / path).read_bytes() != (ROOT / "examples" / "orders_service" / path).read_bytes()]
    assert "orders/api.py" in changed and "orders/payments.py" in changed
    after = _ruff(project, *files)
    assert {path: after[path] for path in clean if after[path]} == {}
