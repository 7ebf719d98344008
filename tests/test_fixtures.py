"""Every fixture through the CLI and through flake8 (real processes), and every fix round-tripped."""

from __future__ import annotations

import ast
import json
import os
import shutil
from pathlib import Path

import pytest

from tests.fixture_files import Fixture, all_fixtures, toml_config
from tests.processes import check_json, run_cli, run_flake8

FIXTURES = [fixture for fixture in all_fixtures() if not fixture.skipped]
FIXABLE = [fixture for fixture in FIXTURES if fixture.fixed_path.exists()]


def _project(root: Path, config: dict) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(toml_config(config), encoding="utf-8")
    return root


def _place(project: Path, fixture: Fixture) -> Path:
    target = project / fixture.project_path
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(fixture.path, target)
    for name in fixture.beside:
        beside = project / name
        beside.parent.mkdir(parents=True, exist_ok=True)
        beside.write_text("FROM python:3.12-slim\n", encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> dict[str, tuple[list, list]]:
    """Check every fixture once per config group, with the CLI and with flake8 (one process each)."""
    groups: dict[str, list[Fixture]] = {}
    for fixture in FIXTURES:
        groups.setdefault(json.dumps(fixture.config, sort_keys=True), []).append(fixture)
    results: dict[str, tuple[list, list]] = {}
    for index, (config_key, fixtures) in enumerate(sorted(groups.items())):
        base = tmp_path_factory.mktemp(f"group{index}")
        _project(base, json.loads(config_key))  # both entry points read the config above ".", not per file
        by_path: dict[str, Fixture] = {}
        for fixture in fixtures:
            project = _project(base / fixture.path.stem, json.loads(config_key))
            by_path[os.path.normpath(str(_place(project, fixture).relative_to(base)))] = fixture
        cli = check_json(".", cwd=base)
        flake8 = run_flake8(".", cwd=base)
        for rel, fixture in by_path.items():
            cli_found = [(f["line"], f["code"], f["column"]) for f in cli if os.path.normpath(f["path"]) == rel]
            flake8_found = [(line, code, col) for path, line, col, code in flake8 if path == rel]
            results[fixture.path.name] = (cli_found, flake8_found)
    return results


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f.path.name)
def test_cli_findings_match_markers(fixture: Fixture, checked) -> None:
    cli_found, _ = checked[fixture.path.name]
    own = sorted((line, code, col) for line, code, col in cli_found if code == fixture.code)
    expected = fixture.expected()
    assert [(line, code) for line, code, _ in own] == [(line, code) for line, code, _ in expected]
    for (line, code, col), (_, _, want) in zip(own, expected):
        if want is not None:
            assert col == want, f"{code} on line {line}: column {col}, marker says {want}"


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f.path.name)
def test_flake8_matches_cli(fixture: Fixture, checked) -> None:
    cli_found, flake8_found = checked[fixture.path.name]
    assert sorted(flake8_found) == sorted(cli_found)


@pytest.mark.parametrize("fixture", FIXABLE, ids=lambda f: f.path.name)
def test_fix_round_trip(fixture: Fixture, tmp_path: Path) -> None:
    project = _project(tmp_path / "project", fixture.config)
    target = _place(project, fixture)
    rel = str(target.relative_to(project))
    before = {(f["line"], f["code"]) for f in check_json("--select", fixture.code, rel, cwd=project)}
    fixable_before = [f for f in check_json("--select", fixture.code, rel, cwd=project) if f["fix"] != "none"]

    result = run_cli("fix", "--unsafe-fixes", "--select", fixture.code, rel, cwd=project)
    assert result.returncode in (0, 1), result.stderr.decode()
    fixed = target.read_bytes()
    assert fixed == fixture.fixed_path.read_bytes(), "fix output differs from " + fixture.fixed_path.name
    ast.parse(fixed)

    again = run_cli("fix", "--unsafe-fixes", "--select", fixture.code, rel, cwd=project)
    assert again.returncode in (0, 1), again.stderr.decode()
    assert target.read_bytes() == fixed, "a second fix run changed the file"

    after = check_json("--select", fixture.code, rel, cwd=project)
    assert not [f for f in after if f["fix"] != "none"], "fixable findings remain after fixing"
    assert len(after) <= len(before)
    assert fixable_before, "a .fixed.py fixture should have something to fix"


@pytest.mark.parametrize("fixture", FIXABLE, ids=lambda f: f.path.name)
def test_safe_fix_leaves_unsafe_findings(fixture: Fixture, tmp_path: Path) -> None:
    project = _project(tmp_path / "project", fixture.config)
    target = _place(project, fixture)
    rel = str(target.relative_to(project))
    unsafe = [f for f in check_json("--select", fixture.code, rel, cwd=project) if f["fix"] == "unsafe"]
    run_cli("fix", "--select", fixture.code, rel, cwd=project)
    left = [f for f in check_json("--select", fixture.code, rel, cwd=project) if f["fix"] == "unsafe"]
    assert len(left) == len(unsafe)
