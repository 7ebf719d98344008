"""The run after editing one file: the edited file is checked again, and the other files' findings are settled
again only when the edit changed what the project model reads.

The result cache records the model's answer to each fact it was asked, with the digests of the summaries of
every file of the project (:func:`backend_lint.project_run.settle`): an edit that leaves the edited file's summary
as it was (a comment) answers from the record without reading any other summary or building a model, and an edit
that changes a fact (a global paginator added to the settings) builds the model again. Checking the edited file
imports only the rules its text triggers (their trigger words are kept in the cache). Every run is the real
command in its own process, and each report is compared with a run without the cache.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from backend_lint.registry import all_rule_classes
from tests.processes import ENV, run_cli
from tests.projects import write_project
from tests.test_project_model import DJANGO

_IMPORTS = """
import contextlib, io, json, sys
from backend_lint.cli import main
report = io.StringIO()
with contextlib.redirect_stdout(report):
    status = main(sys.argv[1:])
print(json.dumps({"status": status, "report": report.getvalue(), "modules": sorted(sys.modules)}))
"""
_INDEX = "backend_lint.analysis.project.index"
"""What builds a project's model from its summaries (checking a file imports the model's module, not this)."""
_PAGINATOR = '"DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",'
_UNPAGED_LIST = 9
"""The line of ``shop/api/views.py`` whose list view BE104 reports when no global paginator is set."""


def _project(root: Path, files: dict[str, str]) -> Path:
    write_project(root, files)
    for path in root.rglob("*"):
        _age(path)
    return root


def _age(path: Path) -> None:
    """A minute old: a file modified in the last two seconds is never trusted by its stat signature."""
    past = time.time() - 60
    os.utime(path, (past, past))


def _in_process(root: Path, *args: str) -> dict:
    """The report of ``check`` run in a fresh process, and the modules that process imported."""
    result = subprocess.run([sys.executable, "-c", _IMPORTS, "check", "--output-format", "json", *args, "."],
                            cwd=root, capture_output=True, env=ENV, timeout=600)
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def _uncached(root: Path) -> str:
    result = run_cli("check", "--output-format", "json", "--no-cache", ".", cwd=root)
    assert result.returncode in (0, 1), result.stderr.decode()
    return result.stdout.decode()


def _unpaged(report: str) -> bool:
    return any(item["code"] == "BE104" and item["line"] == _UNPAGED_LIST
               and os.path.normpath(item["path"]) == os.path.join("shop", "api", "views.py")
               for item in json.loads(report))


def _shards(root: Path) -> dict[Path, int]:
    return {path: path.stat().st_mtime_ns for path in root.glob(".backend_lint_cache/summaries-*/*.json")}


def test_an_edit_that_adds_a_global_paginator_settles_the_other_files_again(tmp_path: Path) -> None:
    root = _project(tmp_path, {**DJANGO, "shop/settings.py": DJANGO["shop/settings.py"].replace(_PAGINATOR, "")})
    cold = _in_process(root)
    assert _unpaged(cold["report"])
    warm = _in_process(root)
    assert warm["report"] == cold["report"] and _INDEX not in warm["modules"]
    settings = root / "shop/settings.py"
    settings.write_text(textwrap.dedent(DJANGO["shop/settings.py"]), encoding="utf-8")  # the paginator is back
    edited = _in_process(root)
    assert _INDEX in edited["modules"]  # the settings' summary changed: the model is built again
    assert not _unpaged(edited["report"])
    assert edited["report"] == _uncached(root)
    again = _in_process(root)
    assert again["report"] == edited["report"] and _INDEX not in again["modules"]


def test_an_edit_that_leaves_every_summary_as_it_was_reports_what_a_cold_run_does(tmp_path: Path) -> None:
    root = _project(tmp_path, dict(DJANGO))
    cold = _in_process(root)
    assert _unpaged(cold["report"]) is False and json.loads(cold["report"])  # findings with conditions, settled
    shards = _shards(root)
    assert shards
    views = root / "shop/api/views.py"
    views.write_text(views.read_text(encoding="utf-8") + "# reviewed\n", encoding="utf-8")
    edited = _in_process(root)
    assert _INDEX not in edited["modules"]  # answered from the record: no summary read, no model built
    assert edited["report"] == cold["report"] == _uncached(root)
    text = views.read_text(encoding="utf-8")
    triggered = {cls.__module__ for cls in all_rule_classes()
                 if not cls.triggers or any(word in text for word in cls.triggers)}
    assert triggered and len(triggered) < len(all_rule_classes())  # the check can fail
    assert {name for name in edited["modules"] if name.startswith("backend_lint.rules.")} == triggered
    rewritten = [path for path, modified in _shards(root).items() if shards.get(path) != modified]
    assert len(rewritten) == 1  # the edited file's new summary entry: one shard of the summary cache


_CHECKED = """
import contextlib, io, json, sys
from backend_lint import runner
from backend_lint.cli import main
checked = []
check_source = runner.Checker.check_source
def recording(self, source, display_path="-"):
    checked.append(display_path)
    return check_source(self, source, display_path)
runner.Checker.check_source = recording
report = io.StringIO()
with contextlib.redirect_stdout(report):
    status = main(sys.argv[1:])
print(json.dumps({"status": status, "report": report.getvalue(), "checked": checked, "modules": sorted(sys.modules)}))
"""


def _checked(root: Path) -> dict:
    """The report of ``check`` (the cache on, one process), and the files it checked rather than took from the
    cache."""
    result = subprocess.run([sys.executable, "-c", _CHECKED, "check", "--output-format", "json", "-j", "1", "."],
                            cwd=root, capture_output=True, env=ENV, timeout=600)
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def test_after_an_edit_only_the_edited_file_is_checked_and_the_report_is_a_cold_runs(tmp_path: Path) -> None:
    """The edited file is the only one whose findings can change by its own text; the other files' findings can
    change only through a project fact, and those are settled again from the model (their results are not
    checked again). Each report equals the report of a run without the cache."""
    root = _project(tmp_path, {**DJANGO, "shop/settings.py": DJANGO["shop/settings.py"].replace(_PAGINATOR, "")})
    cold = _checked(root)
    assert len(cold["checked"]) == len(list(root.rglob("*.py"))) and _unpaged(cold["report"])
    assert _checked(root)["checked"] == []  # nothing changed: nothing checked
    views = root / "shop/api/views.py"
    views.write_text(views.read_text(encoding="utf-8") + "# reviewed\n", encoding="utf-8")
    comment = _checked(root)
    assert [os.path.normpath(path) for path in comment["checked"]] == [os.path.join("shop", "api", "views.py")]
    assert comment["report"] == cold["report"] == _uncached(root)
    settings = root / "shop/settings.py"
    settings.write_text(textwrap.dedent(DJANGO["shop/settings.py"]), encoding="utf-8")  # a fact changes
    fact = _checked(root)
    assert [os.path.normpath(path) for path in fact["checked"]] == [os.path.join("shop", "settings.py")]
    assert _INDEX in fact["modules"] and not _unpaged(fact["report"])  # views.py's finding settled again
    assert fact["report"] == _uncached(root)


_SUMMARISED = """
import contextlib, io, json, sys
from backend_lint.analysis.project import extract
from backend_lint.cli import main
summarised = []
summarize = extract.summarize
def recording(ctx):
    summarised.append(ctx.display_path)
    return summarize(ctx)
extract.summarize = recording
report = io.StringIO()
with contextlib.redirect_stdout(report):
    status = main(sys.argv[1:])
print(json.dumps({"status": status, "report": report.getvalue(), "summarised": summarised}))
"""


def _summarised(root: Path, *args: str) -> dict:
    """The report of ``check`` (the cache on, one process), and the files whose summary its walks took."""
    result = subprocess.run(
        [sys.executable, "-c", _SUMMARISED, "check", "--output-format", "json", "-j", "1", *args, "."],
        cwd=root, capture_output=True, env=ENV, timeout=600,
    )
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def test_a_new_configuration_checks_every_file_again_but_takes_no_summary_the_cache_holds(tmp_path: Path) -> None:
    """Summaries do not depend on the configuration: a run with another one (or after flake8 took the summaries)
    checks every file, and settles with the summaries the summary cache holds for the very same bytes."""
    root = _project(tmp_path, {**DJANGO, "shop/settings.py": DJANGO["shop/settings.py"].replace(_PAGINATOR, "")})
    cold = _summarised(root)
    assert len(cold["summarised"]) == len(list(root.rglob("*.py"))) and _unpaged(cold["report"])
    other = _summarised(root, "--ignore", "BE512")
    assert other["summarised"] == []
    assert other["report"] == _uncached_ignoring(root) and _unpaged(other["report"])
    settings = root / "shop/settings.py"
    settings.write_text(textwrap.dedent(DJANGO["shop/settings.py"]), encoding="utf-8")  # a fact changes
    edited = _summarised(root, "--ignore", "BE512")
    assert [os.path.normpath(path) for path in edited["summarised"]] == [os.path.join("shop", "settings.py")]
    assert not _unpaged(edited["report"]) and edited["report"] == _uncached_ignoring(root)
    assert _summarised(root, "--ignore", "BE512")["summarised"] == []


def _uncached_ignoring(root: Path) -> str:
    result = run_cli("check", "--output-format", "json", "--no-cache", "--ignore", "BE512", ".", cwd=root)
    assert result.returncode in (0, 1), result.stderr.decode()
    return result.stdout.decode()
