"""The command line as a real process: exit codes, selection, formats, stdin, config errors, rule pages."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.processes import ENV, run_cli, run_flake8

BAD = 'async def pay(order_id):\n    print(f"paying {order_id}")\n'
CLEAN = "def add(a, b):\n    return a + b\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.backend-lint]\n", encoding="utf-8")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "pay.py").write_text(BAD, encoding="utf-8")
    (tmp_path / "app" / "util.py").write_text(CLEAN, encoding="utf-8")
    return tmp_path


def _out(result) -> str:
    return result.stdout.decode()


def test_help_documents_commands_and_exit_codes() -> None:
    result = run_cli("--help")
    text = _out(result)
    assert result.returncode == 0
    for word in ("check", "fix", "rule", "exit codes", "0  no findings", "2  usage or configuration error"):
        assert word in text
    check_help = _out(run_cli("check", "--help"))
    for flag in ("--select", "--ignore", "--extend-select", "--output-format", "--statistics", "--exit-zero",
                 "--config", "--stdin-filename", "--unsafe-fixes", "--diff"):
        assert flag in check_help
    for words in ("concise (default", "full (each", "with `fix` or `--fix` only", "closed output pipe",
                  "progress line", "no Python files found"):
        assert words in " ".join(check_help.split()), words


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0 and _out(result).startswith("backend-lint ")


def test_exit_codes_and_text_output(project: Path) -> None:
    found = run_cli("check", "app", cwd=project)
    assert found.returncode == 1
    assert _out(found).splitlines() == [
        "app/pay.py:2:5: BE401 `print` in backend code; log through the module logger",
        "Found 1 finding. 1 more fixable with `--unsafe-fixes`.",
    ]
    clean = run_cli("check", "app/util.py", cwd=project)
    assert clean.returncode == 0 and "All checks passed!" in _out(clean)
    assert run_cli("check", "--exit-zero", "app", cwd=project).returncode == 0
    (project / "app" / "newer.py").write_text("type Alias = list[int]\n" if sys.version_info < (3, 12) else "def f(:\n")
    unchecked = run_cli("check", "--exit-zero", "app", cwd=project)
    assert unchecked.returncode == 2 and "app/newer.py" in unchecked.stderr.decode()  # --exit-zero forgives findings only


def test_select_ignore_and_prefixes(project: Path) -> None:
    assert run_cli("check", "--ignore", "BE4", "app", cwd=project).returncode == 0
    assert run_cli("check", "--select", "BE40", "app", cwd=project).returncode == 1
    assert run_cli("check", "--select", "BE4", "--ignore", "BE401", "app", cwd=project).returncode == 0
    unknown = run_cli("check", "--select", "BE9", "app", cwd=project)
    assert unknown.returncode == 2 and "unknown rule code or prefix `BE9`" in unknown.stderr.decode()


def test_statistics(project: Path) -> None:
    result = run_cli("check", "--statistics", "app", cwd=project)
    assert result.returncode == 1
    assert _out(result).splitlines()[0].split() == ["1", "BE401", "[*]", "print-in-backend-code"]


def test_stdin_with_filename(project: Path) -> None:
    result = run_cli("check", "-", "--stdin-filename", "app/pay.py", cwd=project, stdin=BAD.encode())
    assert result.returncode == 1
    assert _out(result).startswith("app/pay.py:2:5: BE401")
    as_test = run_cli("check", "-", "--stdin-filename", "tests/test_pay.py", cwd=project, stdin=BAD.encode())
    assert as_test.returncode == 0, "per-path rules use --stdin-filename"
    fixed = run_cli("fix", "--unsafe-fixes", "-", "--stdin-filename", "app/pay.py", cwd=project, stdin=BAD.encode())
    assert "logger.info(\"paying %s\", order_id)" in _out(fixed)


def test_noqa_is_honoured(project: Path) -> None:
    (project / "app" / "pay.py").write_text(
        'async def pay():\n    print("a")  # noqa: BE401\n    print("b")  # noqa\n    print("c")  # noqa: BE999\n', encoding="utf-8"
    )
    result = run_cli("check", "--output-format", "json", "app/pay.py", cwd=project)
    assert [item["line"] for item in json.loads(result.stdout)] == [4]


def test_per_file_ignores_and_rule_options(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        textwrap.dedent(
            """
            [tool.backend-lint]
            per-file-ignores = { "app/pay.py" = ["BE401"] }
            """
        ),
        encoding="utf-8",
    )
    assert run_cli("check", "app", cwd=project).returncode == 0
    (project / "pyproject.toml").write_text(
        '[tool.backend-lint.BE401]\nscript-paths = ["app/"]\n', encoding="utf-8"
    )
    assert run_cli("check", "app", cwd=project).returncode == 0
    assert run_flake8("app", cwd=project) == [], "flake8 reads the same [tool.backend-lint] table"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[tool.backend-lint]\nselectt = ["BE"]\n', "unknown key `selectt` in [tool.backend-lint]; did you mean `select`?"),
        ('[tool.backend-lint]\nignore = "BE401"\n', "`ignore` must be a list of strings"),
        ('[tool.backend-lint.BE401]\nscript-path = []\n', "did you mean `script-paths`?"),
        ('[tool.backend-lint.BE401]\nscript-paths = 3\n', "`script-paths` must be a list of strings"),
        ("[tool.backend-lint\n", "invalid TOML"),
    ],
)
def test_config_errors_are_clear_and_write_nothing(project: Path, table: str, message: str) -> None:
    (project / "pyproject.toml").write_text(table, encoding="utf-8")
    result = run_cli("fix", "app", cwd=project)
    assert result.returncode == 2
    stderr = result.stderr.decode()
    assert message in stderr and "pyproject.toml" in stderr and "Traceback" not in stderr
    assert (project / "app" / "pay.py").read_text(encoding="utf-8") == BAD


def test_fix_diff_check_fix_and_remaining(project: Path) -> None:
    assert run_cli("fix", "--diff", "app", cwd=project).stdout == b"app/pay.py:2:5: BE401 `print` in backend code; " \
        b"log through the module logger\nFound 1 finding. 1 more fixable with `--unsafe-fixes`.\n", "BE401 is unsafe"
    diff = run_cli("fix", "--unsafe-fixes", "--diff", "app", cwd=project)
    assert diff.returncode == 1 and "+    logger.info(\"paying %s\", order_id)" in _out(diff)
    assert (project / "app" / "pay.py").read_text(encoding="utf-8") == BAD, "--diff writes nothing"
    fixed = run_cli("check", "--fix", "--unsafe-fixes", "app", cwd=project)
    assert fixed.returncode == 0, _out(fixed)
    assert "Fixed 1 finding" in _out(fixed)
    assert "logger = logging.getLogger(__name__)" in (project / "app" / "pay.py").read_text(encoding="utf-8")
    assert run_cli("fix", "--diff", "app", cwd=project).returncode == 0


def test_rule_command(project: Path) -> None:
    page = run_cli("rule", "BE401")
    assert page.returncode == 0
    assert _out(page).startswith("# BE401 print-in-backend-code")
    assert _out(page) == (Path(__file__).resolve().parents[1] / "rules" / "BE401.md").read_text(encoding="utf-8")
    by_name = run_cli("rule", "print-in-backend-code")
    assert _out(by_name) == _out(page)
    listing = _out(run_cli("rule", "--list"))
    assert "BE401  print-in-backend-code" in listing and "fix: safe" in listing
    assert json.loads(run_cli("rule", "--list", "--output-format", "json").stdout)[0]["code"].startswith("BE")
    missing = run_cli("rule", "BE999")
    assert missing.returncode == 2 and "unknown rule `BE999`" in missing.stderr.decode()


def test_color_only_on_terminals_and_no_color(project: Path) -> None:
    plain = run_cli("check", "app", cwd=project, env={**ENV, "NO_COLOR": ""})
    assert "\033[" not in _out(plain), "a pipe is not a terminal: no colour"


def test_python_dash_m_and_console_script_agree(project: Path) -> None:
    import shutil
    import subprocess

    script = shutil.which("backend-lint")
    assert script, "the console script is installed"
    direct = subprocess.run([script, "check", "app"], cwd=project, capture_output=True, env=ENV)
    assert direct.stdout == run_cli("check", "app", cwd=project).stdout


def test_a_pyproject_without_our_table_is_not_parsed(project: Path) -> None:
    """Only a ``pyproject.toml`` that names backend-lint is parsed: another tool's file, even a broken one, is
    passed over for the nearest one above it that holds our table (and no TOML parser is imported for it)."""
    (project / "pyproject.toml").write_text('[tool.backend-lint]\nignore = ["BE401"]\n', encoding="utf-8")
    (project / "app" / "pyproject.toml").write_text("[tool.black\n", encoding="utf-8")
    assert run_cli("check", ".", cwd=project / "app").returncode == 0, "the table above applies"
    (project / "pyproject.toml").write_text("[tool.black]\nline-length = 100\n", encoding="utf-8")
    probe = "import sys; from backend_lint.config import load_config; load_config(); print('tomllib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], cwd=project / "app", capture_output=True, env=ENV)
    assert result.stdout.decode().split() == ["False"], result.stderr.decode()
