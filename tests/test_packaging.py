"""The package as users get it: a wheel in a fresh virtual environment, entry points, README and CI agree."""

from __future__ import annotations

import ast
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


@pytest.mark.slow
def test_install_from_a_checkout_works_as_the_docs_say(tmp_path: Path) -> None:
    """getting-started's install commands, run as written in a fresh virtual environment (the clone comes from
    this checkout instead of GitHub; the dependencies come from the package registry)."""
    section = (ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8").split("## Install", 1)[1]
    commands = re.findall(r"```sh\n(.*?)```", section, re.DOTALL)[0].strip().splitlines()
    url = "https://github.com/backend-lint/backend-lint"
    assert commands == [f"git clone {url}", "python -m pip install ./backend-lint"]
    subprocess.run(["git", "clone", "-q", str(ROOT), "backend-lint"], cwd=tmp_path, check=True)
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    installed = subprocess.run([str(python), *commands[1].split()[1:]], cwd=tmp_path, capture_output=True,
                               text=True, timeout=900)
    if installed.returncode != 0 and re.search(r"No matching distribution|NewConnectionError|Temporary failure",
                                               installed.stderr):
        pytest.skip(f"the package registry cannot be reached: {installed.stderr[-300:]}")
    assert installed.returncode == 0, installed.stderr
    checked = subprocess.run([str(env_dir / "bin" / "backend-lint"), "check", "backend-lint/examples/"],
                             cwd=tmp_path, capture_output=True, text=True)
    assert checked.returncode == 1 and "Found 14 findings" in checked.stdout, checked.stdout + checked.stderr


def test_changelog_and_release_checklist_match_the_version() -> None:
    from backend_lint import __version__

    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(__version__)}\] - (unreleased|\d{{4}}-\d{{2}}-\d{{2}})$", changelog,
                     re.MULTILINE), "CHANGELOG.md has a section for the current version"
    checklist = (ROOT / "docs" / "releasing.md").read_text(encoding="utf-8")
    for step in ("src/backend_lint/__init__.py", "CHANGELOG.md", "git tag -a v<version>", ".ci/run"):
        assert step in checklist, step


def test_ci_runs_the_tests_in_a_fresh_environment_inside_the_clone() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    commands = [line.strip() for line in script if line.strip() and not line.lstrip().startswith("#")]
    creates = next(index for index, line in enumerate(commands) if " -m venv " in line)
    activates = next(index for index, line in enumerate(commands) if line.startswith(". ") and "activate" in line)
    assert creates < activates < len(commands) - 1, "the README's command runs inside the fresh environment"
    assert 'rm -rf "$VENV"' in commands[creates - 1], "the environment is recreated, never reused"
    assert "VENV=.ci/venv" in " ".join(commands) and ".ci/venv/" in (ROOT / ".gitignore").read_text().split()


# Import names whose distribution on the package registry is named differently.
DISTRIBUTION_OF = {"yaml": "pyyaml"}


def _normalized(name: str) -> str:
    """A distribution name as the package registry compares it (PEP 503): ``pytest_lsp`` is ``pytest-lsp``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_names(requirements: list[str]) -> set[str]:
    return {_normalized(re.split(r"[<>=!~; \[]", requirement, maxsplit=1)[0]) for requirement in requirements}


@pytest.mark.skipif(sys.version_info < (3, 10), reason="sys.stdlib_module_names is new in Python 3.10")
def test_every_test_import_is_installed_by_the_test_extra() -> None:
    """A module a test imports must come from the runtime dependencies or the `test` extra, not the machine."""
    from backend_lint.config import _toml

    project = _toml().loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    installed = _requirement_names([*project["dependencies"], *project["optional-dependencies"]["test"]])
    missing = {}
    for path in sorted((ROOT / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.partition(".")[0]
                if top in sys.stdlib_module_names or top in ("backend_lint", "tests"):
                    continue
                if _normalized(DISTRIBUTION_OF.get(top, top)) not in installed:
                    missing.setdefault(top, path.name)
    assert missing == {}, "imported by tests, missing from the test extra"


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
