"""Bad input: every kind is reported on one stderr line naming the path, the run goes on, exit code 2."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.processes import run_cli

GOOD = 'async def pay(order_id):\n    print("paying", order_id)\n'


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.backend-lint]\n", encoding="utf-8")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "good.py").write_text(GOOD, encoding="utf-8")
    return tmp_path


def _run(tree: Path, *paths: str):
    result = run_cli("check", *(paths or ("app",)), cwd=tree)
    stderr = result.stderr.decode()
    assert "Traceback" not in stderr
    assert "app/good.py:2:5: BE401" in result.stdout.decode(), "the other files are still checked"
    return result.returncode, [line for line in stderr.splitlines() if line]


def _bad(tree: Path, name: str, data: bytes) -> None:
    (tree / "app" / name).write_bytes(data)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("syntax.py", b"def broken(:\n    pass\n", "syntax error (line 1"),
        ("latin.py", b"x = '\xff\xfe caf\xe9'\n", "is not valid utf-8 (byte 0xff at offset 5)"),
        ("cookie.py", b"# -*- coding: klingon -*-\nx = 1\n", "unknown encoding"),
        ("nul.py", b"x = 1\x00\n", "NUL bytes"),
        ("cookie_bad.py", b"# coding: ascii\nx = '\xc3\xa9'\n", "is not valid ascii"),
    ],
)
def test_unusable_file_is_reported_and_skipped(tree: Path, name: str, data: bytes, reason: str) -> None:
    _bad(tree, name, data)
    code, errors = _run(tree)
    assert code == 2
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"backend-lint: error: app/{name}: ") and reason in errors[0]


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="`type X = ...` is valid from Python 3.12")
def test_newer_syntax_names_the_running_python(tree: Path) -> None:
    _bad(tree, "new.py", b"type Alias = int\n")
    code, errors = _run(tree)
    assert code == 2 and "not valid Python 3." in errors[0] and "app/new.py" in errors[0]


def test_empty_file_is_checked_quietly(tree: Path) -> None:
    _bad(tree, "__init__.py", b"")
    code, errors = _run(tree)
    assert code == 1 and errors == []


def test_huge_file_is_skipped(tree: Path) -> None:
    _bad(tree, "huge.py", b"x = 1\n" * (2 * 1024 * 1024))
    code, errors = _run(tree)
    assert code == 2 and "app/huge.py: is larger than 10 MiB" in errors[0]


def test_missing_path_symlink_loop_and_directory_named_py(tree: Path) -> None:
    os.symlink("loop_b.py", tree / "app" / "loop_a.py")
    os.symlink("loop_a.py", tree / "app" / "loop_b.py")
    (tree / "app" / "pkg.py").mkdir()
    os.symlink("nowhere.py", tree / "app" / "dangling.py")
    code, errors = _run(tree, "app", "missing.py")
    assert code == 2
    joined = "\n".join(errors)
    assert "missing.py: no such file or directory" in joined
    assert "app/loop_a.py: symbolic link loop" in joined
    assert "app/pkg.py: is a directory named like a Python file" in joined
    assert "app/dangling.py: no such file or directory" in joined


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file(tree: Path) -> None:
    _bad(tree, "secret.py", b"x = 1\n")
    (tree / "app" / "secret.py").chmod(0)
    code, errors = _run(tree)
    assert code == 2 and "app/secret.py: permission denied" in errors[0]


def test_fix_leaves_bad_files_untouched(tree: Path) -> None:
    data = b"def broken(:\n    print('x')\n"
    _bad(tree, "syntax.py", data)
    result = run_cli("fix", "--unsafe-fixes", "app", cwd=tree)
    assert result.returncode == 2
    assert (tree / "app" / "syntax.py").read_bytes() == data
    assert "logger.info" in (tree / "app" / "good.py").read_text(encoding="utf-8")


def test_unreadable_file_reason_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Root reads everything, so CI also checks the permission path with a denied ``open``."""
    import builtins

    from backend_lint.files import Unreadable, read_source

    target = tmp_path / "secret.py"
    target.write_text("x = 1\n", encoding="utf-8")
    real_open = builtins.open

    def denied(path, *args, **kwargs):
        if str(path) == str(target):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", denied)
    assert read_source(str(target)) == Unreadable("permission denied")
