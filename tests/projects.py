"""Small whole projects for the project model's tests: write them, and read one code's findings through the real
CLI and ``flake8 --select BE`` (as processes), checking that both faces report exactly the same."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

from tests.processes import check_json, run_flake8


def write_project(root: Path, files: dict[str, str]) -> Path:
    """Each ``path: text`` under ``root`` (texts dedented), folders made as needed."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def findings_of(root: Path, code: str) -> set[tuple[str, int]]:
    """``(path, line)`` of every ``code`` finding the CLI reports on the project (no cache), after checking that
    flake8 reports exactly the same ones."""
    cli = {
        (os.path.normpath(item["path"]), item["line"])
        for item in check_json("--no-cache", "--select", code, ".", cwd=root)
    }
    flake8 = {
        (os.path.normpath(path.removeprefix("./")), row)
        for path, row, _col, found in run_flake8(".", cwd=root) if found == code
    }
    assert flake8 == cli
    return cli


UNSEARCHED = "report-unsearched-lists = true\n"


def unsearched_lists(files: dict[str, str]) -> dict[str, str]:
    """``files`` with BE104's ``report-unsearched-lists`` on (in their ``pyproject.toml``, made if missing): the
    tests of what BE104 leaves alone among whole-table lists (paging helpers, lookup tables, admin pages) need
    the lists it reports only with that option."""
    config = files.get("pyproject.toml", "")
    if UNSEARCHED in config:
        return files
    section = "[tool.backend-lint.BE104]\n"
    if section in config:
        config = config.replace(section, section + UNSEARCHED)
    else:
        config = f"{config}\n{section}{UNSEARCHED}" if config else section + UNSEARCHED
    return {**files, "pyproject.toml": config}
