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

# flake8's own command line (``-j1``: in this process), which names afterwards the rules the plugin ran, or says
# that no rule module was even imported
PROBE = (
    "import sys\n"
    "from flake8.main import cli\n"
    "try:\n"
    "    cli.main(sys.argv[1:])\n"
    "except SystemExit:\n"
    "    pass\n"
    "from backend_lint.flake8_plugin import Plugin\n"
    "imported = any(m.startswith('backend_lint.rules.') for m in sys.modules)\n"
    "ran = [] if Plugin._idle or Plugin._checker is None else [rule.code for rule in Plugin._checker.rules]\n"
    "print(' '.join(ran) if imported else 'NO-RULES')\n"
)


def _flake8(project: Path, *selection: str) -> tuple[list[str], list[str]]:
    """The codes flake8 reported, and the rules the plugin ran (``[]``: no rule module imported)."""
    result = subprocess.run([sys.executable, "-c", PROBE, "--isolated", "-j1", *selection, "app.py"], cwd=project,
                            capture_output=True, text=True, env=ENV, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stdout.splitlines()
    codes = sorted(line.split(": ", 1)[1].split()[0] for line in lines[:-1])
    return codes, [] if lines[-1] == "NO-RULES" else lines[-1].split()


def test_no_be_code_selected_means_no_rule_is_imported(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(CODE, encoding="utf-8")
    codes, imported = _flake8(tmp_path, "--select", "E,F,W")
    assert not any(code.startswith("BE") for code in codes)
    assert imported == []


def test_the_selection_picks_the_rules_that_run(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(CODE, encoding="utf-8")
    codes, imported = _flake8(tmp_path, "--select", "BE")
    assert codes == ["BE201", "BE402"] and len(imported) > 30  # every rule
    assert _flake8(tmp_path, "--select", "BE4") == (["BE402"], ["BE401", "BE402", "BE403", "BE404", "BE405"])
    codes, imported = _flake8(tmp_path, "--select", "F,BE", "--extend-ignore", "BE402")
    assert codes == ["BE201"] and "BE402" not in imported


def test_the_selection_of_a_configuration_file(tmp_path: Path) -> None:
    """``.flake8``'s ``select``/``extend-select`` (what the integration page recommends) decide the same way as
    the command line's (flake8 gives the plugin its options after reading its configuration files)."""
    (tmp_path / "app.py").write_text(CODE, encoding="utf-8")
    (tmp_path / ".flake8").write_text("[flake8]\nselect = E,F,W\nextend-select = BE2\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", PROBE, "-j1", "app.py"], cwd=tmp_path,
                            capture_output=True, text=True, env=ENV, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    *found, imported = result.stdout.splitlines()
    assert [line.split(": ", 1)[1].split()[0] for line in found] == ["BE201"], result.stdout
    assert imported.split() == ["BE201", "BE202", "BE203", "BE204", "BE205", "BE206"]  # only BE2's rules ran
