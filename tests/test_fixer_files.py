"""Fixing real files: bytes other than the fix are kept (encoding, BOM, CRLF, mode), writes are atomic."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.processes import run_cli

PRINTING = "async def pay(order_id):\n    print('payment failed', order_id)  # keep me\n"
FIXED_BODY = "    logger.info(\"payment failed %s\", order_id)  # keep me\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.backend-lint]\n", encoding="utf-8")
    (tmp_path / "app").mkdir()
    return tmp_path


def _fix(project: Path, *args: str) -> None:
    result = run_cli("fix", "--unsafe-fixes", *args, "app", cwd=project)  # BE401 print: an unsafe fix
    assert result.returncode in (0, 1), result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()


def test_crlf_line_endings_are_kept(project: Path) -> None:
    target = project / "app" / "pay.py"
    target.write_bytes(PRINTING.replace("\n", "\r\n").encode())
    _fix(project)
    data = target.read_bytes()
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert FIXED_BODY.replace("\n", "\r\n").encode() in data


def test_utf8_bom_is_kept(project: Path) -> None:
    target = project / "app" / "pay.py"
    target.write_bytes(b"\xef\xbb\xbf" + PRINTING.replace("payment failed", "payment failed \u20ac").encode())
    _fix(project)
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\xef\xbb\xbf") == 1
    assert "logger.info(\"payment failed \u20ac %s\", order_id)".encode() in data


def test_latin1_coding_cookie_is_kept(project: Path) -> None:
    target = project / "app" / "pay.py"
    source = "# -*- coding: latin-1 -*-\nasync def pay(order_id):\n    print('caf\xe9 error', order_id)\n"
    target.write_bytes(source.encode("latin-1"))
    _fix(project)
    data = target.read_bytes()
    assert data.startswith(b"# -*- coding: latin-1 -*-\n")
    assert 'logger.info("caf\xe9 error %s", order_id)'.encode("latin-1") in data
    data.decode("latin-1")


def test_file_mode_is_kept_and_no_temp_file_is_left(project: Path) -> None:
    target = project / "app" / "pay.py"
    target.write_text(PRINTING, encoding="utf-8")
    target.chmod(0o755)
    _fix(project)
    assert stat.S_IMODE(target.stat().st_mode) == 0o755
    assert FIXED_BODY in target.read_text(encoding="utf-8")
    assert sorted(os.listdir(project / "app")) == ["pay.py"]


def test_unchanged_files_are_not_touched(project: Path) -> None:
    target = project / "app" / "clean.py"
    target.write_text("def add(a, b):\n    return a + b\n", encoding="utf-8")
    os.utime(target, (1_000_000_000, 1_000_000_000))
    _fix(project)
    assert target.stat().st_mtime == 1_000_000_000


def test_second_run_is_a_no_op(project: Path) -> None:
    target = project / "app" / "pay.py"
    target.write_text(PRINTING, encoding="utf-8")
    _fix(project)
    once = target.read_bytes()
    _fix(project)
    assert target.read_bytes() == once
    assert once.decode().count("import logging") == 1


def test_existing_module_logger_is_reused(project: Path) -> None:
    target = project / "app" / "pay.py"
    target.write_text(
        "import logging\n\nlog = logging.getLogger('payments')\n\n\n" + PRINTING, encoding="utf-8"
    )
    _fix(project)
    text = target.read_text(encoding="utf-8")
    assert 'log.info("payment failed %s", order_id)' in text and "getLogger(__name__)" not in text


def test_structlog_logger_gets_key_value_arguments(project: Path) -> None:
    target = project / "app" / "pay.py"
    target.write_text(
        "import structlog\n\nlogger = structlog.get_logger()\n\n\n"
        "async def pay(order_id):\n    print(f'payment failed {order_id}')\n",
        encoding="utf-8",
    )
    _fix(project)
    assert 'logger.info("payment failed", order_id=order_id)' in target.read_text(encoding="utf-8")
