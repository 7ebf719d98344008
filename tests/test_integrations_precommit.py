"""pre-commit, for real: a temporary git repository whose commit runs this repository's hooks.

The hooks come from our ``.pre-commit-hooks.yaml`` unchanged except for ``language: system`` (a ``repo:
local`` copy): pre-commit then runs the installed ``backend-lint`` instead of building its own virtual
environment from the package registry, so the test is offline and takes seconds. What a user's
``repo: https://github.com/backend-lint/backend-lint`` config adds on top is only that installation.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.processes import ENV

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / ".pre-commit-hooks.yaml"
HEADER = 'import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef pay(order):\n    try:\n        order.charge()\n'
BAD = HEADER + '    except Exception:\n        logger.error("charge failed")\n'  # BE403 has a safe fix
FIXED = HEADER + '    except Exception:\n        logger.exception("charge failed")\n'


def _local_config() -> str:
    hooks = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": [{**hook, "language": "system"} for hook in hooks]}]},
                          sort_keys=False)


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("", encoding="utf-8")
    env = {
        **ENV,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), ENV.get("PATH", "")]),
        "HOME": str(home),
        "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache"),
        "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
    }
    work = tmp_path / "service"
    work.mkdir()
    (work / ".pre-commit-config.yaml").write_text(_local_config(), encoding="utf-8")
    (work / "pyproject.toml").write_text('[tool.backend-lint]\nselect = ["BE403"]\n', encoding="utf-8")
    _run(work, env, "git", "init", "-q")
    _run(work, env, sys.executable, "-m", "pre_commit", "install")
    _run(work, env, "git", "add", ".")
    _run(work, env, "git", "commit", "-q", "-m", "configure pre-commit")
    return work, env


def _run(cwd: Path, env: dict[str, str], *command: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_manifest_is_valid_for_pre_commit() -> None:
    result = subprocess.run([sys.executable, "-m", "pre_commit", "validate-manifest", str(MANIFEST)],
                            capture_output=True, text=True, env=ENV, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    hooks = {hook["id"]: hook for hook in yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))}
    assert set(hooks) == {"backend-lint", "backend-lint-fix"}
    assert all(hook["types"] == ["python"] for hook in hooks.values())
    assert all(hook["require_serial"] for hook in hooks.values()), "backend-lint parallelises on its own"


def test_commit_fails_with_the_finding_and_the_fix_hook_rewrites_the_file(repo) -> None:
    work, env = repo
    (work / "app").mkdir()
    (work / "app" / "pay.py").write_text(BAD, encoding="utf-8")
    (work / "app" / "notes.txt").write_text('print("not python")\n', encoding="utf-8")
    _run(work, env, "git", "add", "app")
    refused = _run(work, env, "git", "commit", "-m", "add payments", check=False)
    output = refused.stdout + refused.stderr
    assert refused.returncode == 1, output
    assert "app/pay.py:10:9: BE403 [*] `logger.error` in `except` drops the traceback; use `logger.exception`" in output
    assert "notes.txt" not in output, "types: [python] passes only Python files"
    assert "files were modified by this hook" in output
    assert (work / "app" / "pay.py").read_text(encoding="utf-8") == FIXED
    assert _run(work, env, "git", "log", "--format=%s").stdout.splitlines() == ["configure pre-commit"]

    _run(work, env, "git", "add", "app")
    accepted = _run(work, env, "git", "commit", "-m", "add payments", check=False)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    hooks_said = accepted.stdout + accepted.stderr
    assert "backend-lint fix....." in hooks_said and "Failed" not in hooks_said
    assert _run(work, env, "git", "log", "--format=%s").stdout.splitlines() == ["add payments", "configure pre-commit"]
