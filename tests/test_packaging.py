"""The package as users get it: a wheel in a fresh virtual environment, entry points, README and CI agree."""

from __future__ import annotations

import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel_env(tmp_path_factory) -> Path:
    """Build the wheel and install it (without dependencies) into a fresh venv that sees site-packages."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True, capture_output=True,
    )
    wheel = next(out.glob("backend_lint-*.whl"))
    env_dir = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
        check=True, capture_output=True,
    )
    return env_dir


def test_rule_pages_ship_in_the_wheel(wheel_env: Path, tmp_path: Path) -> None:
    python = wheel_env / "bin" / "python"
    where = subprocess.run(
        [str(python), "-c", "import backend_lint, sys; sys.stdout.write(backend_lint.__file__)"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout
    assert where.startswith(str(wheel_env)), f"the wheel's package is imported, not the checkout: {where}"
    page = subprocess.run(
        [str(wheel_env / "bin" / "backend-lint"), "rule", "BE401"], cwd=tmp_path, capture_output=True, text=True
    )
    assert page.returncode == 0, page.stderr
    assert page.stdout == (ROOT / "rules" / "BE401.md").read_text(encoding="utf-8")


def test_flake8_lists_the_plugin() -> None:
    result = subprocess.run([sys.executable, "-m", "flake8", "--version"], capture_output=True, text=True)
    assert "backend-lint" in result.stdout


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", readme.split("## Set-up", 1)[1].split("\n## ", 1)[0], re.DOTALL)
    assert len(blocks) == 2, "the set-up section has exactly two commands"
    test_command = blocks[1].strip()
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "backend-lint check examples/" in blocks[0]


def test_example_project_is_flagged_by_both_entry_points() -> None:
    cli = subprocess.run(
        [sys.executable, "-m", "backend_lint", "check", "--select", "BE", "examples/"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert cli.returncode == 1
    cli_found = sorted(line.split(" ")[0] + line.split(" ")[1] for line in cli.stdout.splitlines() if ": BE" in line)
    flake8 = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "BE", "examples/"],
        cwd=ROOT, capture_output=True, text=True,
    )
    flake8_found = sorted(line.split(" ")[0] + line.split(" ")[1] for line in flake8.stdout.splitlines())
    assert cli_found and cli_found == flake8_found
