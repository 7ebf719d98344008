"""The command line where it meets pipes, terminals and surprises: a closed pipe, the progress line, an empty
folder, `--diff` without fixing, `fix --diff` positions and the `full` format (real processes)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from backend_lint.progress import Progress
from tests.processes import ENV, run_cli

PAYING = (
    "import requests\n"
    "from celery import shared_task\n"  # a worker runs the task: its print of a failure is a log line (BE401)
    'URL = "https://payments.example.com"\n'
    "\n"
    "@shared_task\n"
    "def pay(order_id):\n"
    '    print("failed", order_id); requests.post(URL, verify=False)\n'
    "    return requests.get(URL, verify=False)\n"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.backend-lint]\n", encoding="utf-8")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "pay.py").write_text(PAYING, encoding="utf-8")
    return tmp_path


def _closed_pipe(*args: str, cwd: Path) -> tuple[int, str]:
    """Run the CLI with its stdout a pipe whose reader is gone before the first byte (like `| head` done early)."""
    process = subprocess.Popen([sys.executable, "-m", "backend_lint", *args], cwd=cwd, env=ENV,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    stderr = process.stderr.read().decode()
    return process.wait(timeout=120), stderr


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (("check", "app"), 1),  # the status the findings give, as if the whole report had been read
        (("check", "--exit-zero", "app"), 0),
        (("check", "--output-format", "full", "app"), 1),
        (("fix", "--diff", "app"), 1),  # stops while writing the first diff: a file would change
        (("rule", "BE201"), 0),
    ],
    ids=["check", "exit-zero", "full", "fix-diff", "rule"],
)
def test_a_closed_pipe_ends_the_run_quietly(project: Path, args: tuple[str, ...], status: int) -> None:
    returncode, stderr = _closed_pipe(*args, cwd=project)
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr
    assert stderr == "", stderr
    assert returncode == status


def test_check_diff_is_a_usage_error(project: Path) -> None:
    result = run_cli("check", "--diff", "app", cwd=project)
    assert result.returncode == 2 and result.stdout == b""
    assert result.stderr.decode() == (
        "backend-lint: error: `--diff` needs `fix` or `--fix` (it shows what the fixes would change)\n"
    )
    with_fix = run_cli("check", "--fix", "--unsafe-fixes", "--diff", "app", cwd=project)
    assert with_fix.returncode == 1 and with_fix.stdout.startswith(b"--- a/app/pay.py")


def _json(result: subprocess.CompletedProcess) -> list[tuple[int, int, int, int, str]]:
    assert result.returncode in (0, 1), result.stderr.decode()
    text = result.stdout.decode()
    report = json.loads(text[text.index("\n["):] if not text.startswith("[") else text)
    return [(f["line"], f["column"], f["end_line"], f["end_column"], f["code"]) for f in report]


def test_fix_diff_reports_the_lines_of_the_file_on_disk(project: Path) -> None:
    on_disk = {f for f in _json(run_cli("check", "--output-format", "json", "app", cwd=project)) if f[4] == "BE507"}
    assert on_disk == {(7, 51, 7, 63, "BE507"), (8, 30, 8, 42, "BE507")}
    diff = run_cli("fix", "--unsafe-fixes", "--diff", "app", cwd=project)
    assert b"+import logging\n" in diff.stdout, "the fixes add lines above the findings left"
    left = [line for line in diff.stdout.decode().splitlines() if ": BE" in line]
    assert left == [
        "app/pay.py:7:51: BE507 `verify=False` disables TLS certificate verification; keep verification on",
        "app/pay.py:8:30: BE507 `verify=False` disables TLS certificate verification; keep verification on",
    ]
    assert (project / "app" / "pay.py").read_text(encoding="utf-8") == PAYING, "--diff writes nothing"
    stdin = run_cli("fix", "--unsafe-fixes", "--diff", "--output-format", "json", "-", "--stdin-filename",
                    "app/pay.py", cwd=project, stdin=PAYING.encode())
    assert set(_json(stdin)) == on_disk
    written = run_cli("fix", "--unsafe-fixes", "--output-format", "json", "app", cwd=project)
    assert {f[0] for f in _json(written)} == {12, 13}, "after writing, the lines are the fixed file's"


def test_no_python_files_is_a_warning_and_exit_0(project: Path) -> None:
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text("# docs\n", encoding="utf-8")
    result = run_cli("check", "docs", cwd=project)
    assert result.returncode == 0
    assert result.stderr.decode() == "backend-lint: warning: no Python files found under docs\n"
    missing = run_cli("check", "docs", "nowhere", cwd=project)
    assert missing.returncode == 2
    assert missing.stderr.decode().splitlines() == [
        "backend-lint: warning: no Python files found under docs",
        "backend-lint: error: nowhere: no such file or directory",
    ]
    found = run_cli("check", "docs", "app", cwd=project)
    assert "warning" not in found.stderr.decode(), "some path holds Python files"


def test_full_format(project: Path) -> None:
    result = run_cli("check", "--output-format", "full", "app", cwd=project)
    assert result.returncode == 1
    lines = result.stdout.decode().splitlines()
    first = lines.index("app/pay.py:7:32: BE201 `requests.post` call without a timeout; pass `timeout=`")
    assert lines[first + 1:first + 6] == [
        "  |",
        '7 |     print("failed", order_id); requests.post(URL, verify=False)',
        "  |                                " + "^" * len("requests.post(URL, verify=False)")
        + " BE201 network-call-without-timeout",
        "  |",
        "  = unsafe fix available with `--unsafe-fixes`: Add the default timeout",
    ]
    unfixable = lines.index("app/pay.py:8:30: BE507 `verify=False` disables TLS certificate verification; "
                            "keep verification on")
    assert lines[unfixable + 3] == "  |                              ^^^^^^^^^^^^ BE507 tls-verification-disabled"
    assert lines[unfixable + 5] == "", "no fix line for a rule without a fix"
    assert [line.split() for line in lines[-4:-1]] == [
        ["2", "BE201", "[*]", "network-call-without-timeout"],
        ["2", "BE507", "tls-verification-disabled"],
        ["1", "BE401", "[*]", "print-in-backend-code"],
    ], "counts per rule"
    assert lines[-1].startswith("Found 5 findings")
    stdin = run_cli("check", "--output-format", "full", "-", "--stdin-filename", "service.py", cwd=project,
                    stdin=PAYING.encode())
    assert '8 |     return requests.get(URL, verify=False)' in stdin.stdout.decode(), "stdin's lines are shown"


def test_unsafe_fix_is_named_as_such_in_full_format(project: Path) -> None:
    (project / "app" / "pay.py").write_text("import requests\nrequests.get('u', timeout=None)\n", encoding="utf-8")
    result = run_cli("check", "--output-format", "full", "app", cwd=project)
    assert "  = unsafe fix available with `--unsafe-fixes`: Replace `None` with the default timeout" in (
        result.stdout.decode().splitlines()
    )
    unsafe = run_cli("check", "--output-format", "full", "--unsafe-fixes", "app", cwd=project)
    assert "  = fix: Replace `None` with the default timeout" in unsafe.stdout.decode().splitlines()


def _read_all(fd: int) -> bytes:
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the other side of the terminal is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_progress_line_only_on_a_terminal(project: Path) -> None:
    import pty

    for name in ("a.py", "b.py"):
        (project / "app" / name).write_text("x = 1\n", encoding="utf-8")
    env = {**ENV, "BACKEND_LINT_PROGRESS_AFTER": "0"}  # a short run: show it from the first file
    command = [sys.executable, "-m", "backend_lint", "check", "--no-cache", "app"]
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    terminal = _read_all(leader).decode()
    os.close(leader)
    stdout = process.communicate(timeout=120)[0].decode()
    assert process.returncode == 1
    assert "backend-lint: 3/3 files" in terminal, repr(terminal)
    assert terminal.endswith("\r\x1b[K"), "the line is erased before the report"
    assert "backend-lint:" not in stdout and stdout.startswith("app/pay.py:7:5: BE401")

    piped = subprocess.run(command, cwd=project, env=env, capture_output=True)
    assert piped.returncode == 1 and piped.stderr == b"", "not a terminal: no progress line"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_waits_about_two_seconds_and_redraws_at_most_ten_times_a_second(monkeypatch) -> None:
    monkeypatch.delenv("BACKEND_LINT_PROGRESS_AFTER", raising=False)
    now = [100.0]
    stream = _Terminal()
    progress = Progress(4, stream, clock=lambda: now[0])
    now[0] = 101.5
    progress.advance()
    assert stream.getvalue() == "", "a run shorter than two seconds shows nothing"
    now[0] = 102.1
    progress.advance()
    now[0] = 102.15
    progress.advance()
    assert stream.getvalue() == "\r\x1b[Kbackend-lint: 2/4 files", "the third file came too soon to redraw"
    progress.advance()
    assert stream.getvalue().endswith("backend-lint: 4/4 files"), "the last file is always drawn"
    progress.clear()
    assert stream.getvalue().endswith("\r\x1b[K")
    not_a_terminal = io.StringIO()
    quiet = Progress(4, not_a_terminal, clock=lambda: now[0] + 10)
    quiet.advance()
    quiet.clear()
    assert not_a_terminal.getvalue() == ""
