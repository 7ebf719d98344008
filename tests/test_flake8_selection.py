"""flake8 runs every installed plugin on every file whatever ``--select`` says, then drops what is not selected.
The plugin reads flake8's selection itself: rules flake8 would not report are not run, and with no ``BE`` code
selected the plugin imports no rule and does no work. Checked with flake8 as a real process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.processes import ENV

CODE = '''import logging
import requests

logger = logging.getLogger(__name__)


def fetch(url):
    logger.info(f"fetching {url}")
    return requests.get(url)
'''

# flake8's own command line, in a process that says afterwards whether any rule module was imported
PROBE = (
    "import sys\n"
    "from flake8.main import cli\n"
    "try:\n"
    "    cli.main(sys.argv[1:])\n"
    "except SystemExit:\n"
    "    pass\n"
    "print('RULES-IMPORTED' if any(m.startswith('backend_lint.rules.') for m in sys.modules) else 'NO-RULES')\n"
)


def _flake8(project: Path, *selection: str) -> tuple[list[str], bool]:
    result = subprocess.run([sys.executable, "-c", PROBE, "--isolated", "-j1", *selection, "app.py"], cwd=project,
                            capture_output=True, text=True, env=ENV, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stdout.splitlines()
    codes = sorted(line.split(": ", 1)[1].split()[0] for line in lines[:-1])
    return codes, lines[-1] == "RULES-IMPORTED"


def test_no_be_code_selected_means_no_rule_is_imported(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(CODE, encoding="utf-8")
    codes, imported = _flake8(tmp_path, "--select", "E,F,W")
    assert not any(code.startswith("BE") for code in codes)
    assert not imported


def test_the_selection_picks_the_rules_that_run(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(CODE, encoding="utf-8")
    assert _flake8(tmp_path, "--select", "BE") == (["BE201", "BE402"], True)
    assert _flake8(tmp_path, "--select", "BE4") == (["BE402"], True)
    assert _flake8(tmp_path, "--select", "F,BE", "--extend-ignore", "BE402") == (["BE201"], True)
