"""Editors: the buffer on stdin with ``--stdin-filename``, and flake8 as the editor's linter."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.processes import ENV, run_cli

BUFFER = 'async def pay(order_id):\n    print("paying", order_id)\n'
FIXED = (
    "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
    'async def pay(order_id):\n    logger.info("paying %s", order_id)\n'
)


def _project(root: Path) -> Path:
    (root / "pyproject.toml").write_text('[tool.backend-lint]\nselect = ["BE401"]\n', encoding="utf-8")
    (root / "app").mkdir()
    return root


def test_check_buffer_reports_under_the_editors_path(tmp_path: Path) -> None:
    project = _project(tmp_path)
    result = run_cli("check", "-", "--stdin-filename", "app/pay.py", "--output-format", "json",
                     cwd=project, stdin=BUFFER.encode())
    assert result.returncode == 1
    assert [(item["path"], item["line"], item["column"], item["code"]) for item in json.loads(result.stdout)] == [
        ("app/pay.py", 2, 5, "BE401")
    ]


def test_fix_buffer_writes_only_the_fixed_code_to_stdout(tmp_path: Path) -> None:
    project = _project(tmp_path)
    result = run_cli("fix", "--unsafe-fixes", "-", "--stdin-filename", "app/pay.py", cwd=project,
                     stdin=BUFFER.encode())  # BE401's fix is unsafe: print output would go to the log
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode() == FIXED, "an editor replaces its buffer with stdout"
    assert "Fixed 1 finding" in result.stderr.decode()
    assert not (project / "app" / "pay.py").exists(), "nothing is written to disk"


def test_flake8_reports_the_same_finding(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "app" / "pay.py").write_text(BUFFER, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "flake8", "--select", "BE", "app/pay.py"], cwd=project,
                            capture_output=True, text=True, env=ENV, timeout=120)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("app/pay.py:2:5: BE401 `print` in backend code")
