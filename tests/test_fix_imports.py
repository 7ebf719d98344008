"""Imports that fixes add and leave behind (``fixing/imports.py``), on snippets through ``Checker.fix_source``:
placed in isort's sections and order, joined to an existing ``from`` import, and removed only when the fix
took away the last use of a standard-library import."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from backend_lint.config import Config
from backend_lint.files import SourceFile
from backend_lint.finding import Applicability
from backend_lint.fixing.imports import FIRST_PARTY, LOCAL, STDLIB, THIRD_PARTY, section_of
from backend_lint.runner import Checker


def _fixed(code: str, select: str, root: Path) -> str:
    checker = Checker.from_config(Config(select=[select], root=root))
    source = SourceFile(textwrap.dedent(code), "utf-8")
    fixed = checker.fix_source(source, str(root / "service" / "worker.py"), Applicability.UNSAFE)
    assert fixed.applied, fixed.refused
    return fixed.text


def test_the_import_made_unused_is_removed_and_the_new_one_joins_its_section(tmp_path: Path) -> None:
    code = """\
        from time import sleep

        import requests


        async def poll(url):
            sleep(1)
            return requests.get(url, timeout=5)
        """
    assert _fixed(code, "BE204", tmp_path) == textwrap.dedent(
        """\
        import asyncio

        import requests


        async def poll(url):
            await asyncio.sleep(1)
            return requests.get(url, timeout=5)
        """
    )


def test_a_new_standard_library_section_goes_first(tmp_path: Path) -> None:
    code = """\
        \"\"\"Orders.\"\"\"

        from fastapi import FastAPI, Header

        app = FastAPI()


        @app.post("/orders")
        def create_order(sku: str):
            orders.insert_one({"sku": sku})
            return {"sku": sku}
        """
    assert _fixed(code, "BE301", tmp_path).startswith(
        '"""Orders."""\n\nfrom typing import Optional\n\nfrom fastapi import FastAPI, Header\n\napp = FastAPI()\n'
    )


@pytest.mark.parametrize(
    ("keeps", "code"),
    [
        ("another use", "import time\n\n\nasync def poll():\n    time.sleep(1)\n\n\ndef now():\n    return time.time()\n"),
        ("a comment", "import time  # clocks\n\n\nasync def poll():\n    time.sleep(1)\n"),
        ("__all__", "from time import sleep\n\n__all__ = ['sleep']\n\n\nasync def poll():\n    sleep(1)\n"),
        ("a string annotation", "import time\n\n\nasync def poll(clock: 'time.struct_time'):\n    time.sleep(1)\n"),
        ("a second import", "import time\n\n\nasync def poll():\n    import time\n    time.sleep(1)\n"),
    ],
    ids=["used-elsewhere", "comment", "dunder-all", "string-annotation", "imported-twice"],
)
def test_an_import_still_needed_or_annotated_stays(keeps: str, code: str, tmp_path: Path) -> None:
    fixed = _fixed(code, "BE204", tmp_path)
    assert "await asyncio.sleep(1)" in fixed
    assert fixed.count("import time") == code.count("import time"), f"kept for {keeps}"


def test_only_the_unused_alias_leaves_a_shared_line(tmp_path: Path) -> None:
    code = "import os, time\n\n\nasync def poll():\n    time.sleep(1)\n    return os.getpid()\n"
    fixed = _fixed(code, "BE204", tmp_path)
    assert fixed.startswith("import asyncio\nimport os\n\n\nasync def poll():\n    await asyncio.sleep(1)\n")


def test_a_name_joins_the_existing_from_import(tmp_path: Path) -> None:
    code = """\
        from typing import Optional

        from fastapi import FastAPI

        app = FastAPI()


        @app.post("/orders")
        def create_order(sku: str):
            orders.insert_one({"sku": sku})
            return {"sku": sku}
        """
    fixed = _fixed(code, "BE301", tmp_path)
    assert fixed.startswith("from typing import Optional\n\nfrom fastapi import FastAPI, Header\n\napp = FastAPI()\n")


def test_sections(tmp_path: Path) -> None:
    (tmp_path / "orders").mkdir()
    (tmp_path / "src" / "billing").mkdir(parents=True)
    (tmp_path / "settings.py").write_text("", encoding="utf-8")
    assert section_of("asyncio", 0, tmp_path) == STDLIB
    assert section_of("os.path", 0, tmp_path) == STDLIB
    assert section_of("fastapi", 0, tmp_path) == THIRD_PARTY
    assert [section_of(name, 0, tmp_path) for name in ("orders.db", "billing", "settings")] == [FIRST_PARTY] * 3
    assert section_of("deps", 1, tmp_path) == LOCAL


def test_a_joined_line_too_long_is_wrapped_as_isort_wraps_it(tmp_path: Path) -> None:
    code = """\
        import base64

        from fastapi import APIRouter, Depends, File, HTTPException, Response, UploadFile

        router = APIRouter()


        @router.post("/files")
        def upload(data: UploadFile = File(...)):
            invoices.insert_one({"name": data.filename})
            return base64.b64encode(data.file.read())
        """
    fixed = _fixed(code, "BE301", tmp_path)
    names = ["APIRouter", "Depends", "File", "Header", "HTTPException", "Response", "UploadFile"]
    assert "\n\nfrom fastapi import (\n" + "".join(f"    {name},\n" for name in names) + ")\n\n" in fixed


def test_no_logger_is_added_above_a_late_import_of_logging(tmp_path: Path) -> None:
    """An Alembic migration imports after its revision constants; a logger after the leading imports (here:
    none) would run before `import logging` and raise NameError, so no fix is offered (and none is applied)."""
    code = '"""Migration."""\nrevision = "1"\n\nimport logging  # noqa: E402\n\n\ndef upgrade():\n    logging.info("up")\n'
    checker = Checker.from_config(Config(select=["BE404"], root=tmp_path))
    fixed = checker.fix_source(SourceFile(code, "utf-8"), str(tmp_path / "app" / "m.py"), Applicability.UNSAFE)
    assert fixed.text == code and not fixed.applied and not fixed.refused
    assert [(finding.code, finding.fixable) for finding in fixed.result.findings] == [("BE404", False)]
