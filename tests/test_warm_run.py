"""A warm cached run: unchanged files are reported from the cache, with no rule, no libcst and no project model
imported, and exactly what a cold run reports.

Every run here is the real command in its own process, over a project whose findings depend on project facts
(a handler calls a helper of another module that sends mail: BE206 follows the helper). Files are aged a minute
(a file modified in the last two seconds is never trusted by its stat signature), so the warm runs take the
path a developer's second run takes.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from backend_lint import rules as rules_package
from backend_lint.registry import all_rule_classes, rule_codes
from backend_lint.rule import Rule
from tests.processes import ENV, run_cli
from tests.test_project_model import MAIL_HELPERS, TEST_SETTINGS

# Runs the command in this process and prints, after its report, the modules it imported.
_IMPORTS = """
import contextlib, io, json, sys
from backend_lint.cli import main
report = io.StringIO()
with contextlib.redirect_stdout(report):
    status = main(sys.argv[1:])
print(json.dumps({"status": status, "report": report.getvalue(), "modules": sorted(sys.modules)}))
"""
_NOT_ON_A_WARM_RUN = ("backend_lint.rules.", "backend_lint.engine", "backend_lint.analysis.project.extract",
                      "backend_lint.analysis.project.model", "backend_lint.analysis.project.index", "libcst",
                      "backend_lint.baseline", "backend_lint.changed_lines", "backend_lint.unused_noqa",
                      "backend_lint.noqa", "threading")
"""What a warm run without the adoption flags never imports (the baseline, changed-lines and unused-noqa modules:
only those flags need them; ``# noqa`` comments are read when a file is checked; ``threading``: the command's
SIGTERM handler needs no thread check)."""


def _project(root: Path, files: dict[str, str] = MAIL_HELPERS) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        _age(path)
    return root


def _age(path: Path) -> None:
    past = time.time() - 60
    os.utime(path, (past, past))


def _report(root: Path, *args: str) -> tuple[int, bytes]:
    result = run_cli("check", "--output-format", "json", *args, ".", cwd=root)
    assert result.returncode in (0, 1), result.stderr.decode()
    return result.returncode, result.stdout


def _lines(root: Path) -> list[int]:
    return sorted(item["line"] for item in json.loads(_report(root, "--select", "BE206")[1]))


def _in_process(root: Path, *args: str) -> dict:
    result = subprocess.run([sys.executable, "-c", _IMPORTS, "check", "--output-format", "json", *args, "."],
                            cwd=root, capture_output=True, env=ENV, timeout=600)
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def _heavy(modules: list[str]) -> list[str]:
    return [name for name in modules if name.startswith(_NOT_ON_A_WARM_RUN)]


def test_a_warm_run_reports_byte_for_byte_what_the_cold_run_did(tmp_path: Path) -> None:
    root = _project(tmp_path)
    for output_format in ("json", "concise", "full"):
        cold = _report(root, "--output-format", output_format)
        assert cold == _report(root, "--output-format", output_format)
        assert cold == _report(root, "--output-format", output_format, "--no-cache")
    assert b"BE206" in cold[1]


def test_a_warm_run_imports_no_rule_no_libcst_and_no_project_model(tmp_path: Path) -> None:
    root = _project(tmp_path)
    cold = _in_process(root)
    assert any(name.startswith("backend_lint.rules.") for name in cold["modules"])  # the check can fail
    assert "backend_lint.analysis.project.model" in cold["modules"]
    warm = _in_process(root)
    assert _heavy(warm["modules"]) == []
    assert (warm["status"], warm["report"]) == (cold["status"], cold["report"])
    assert "BE206" in warm["report"]


def test_another_files_edit_settles_again_and_the_new_outcome_is_kept(tmp_path: Path) -> None:
    """The helper is not the file with the finding: the recorded outcome follows the stat signatures of every
    file of the project, so an edit of the helper is seen, and the run after it is warm again."""
    root = _project(tmp_path)
    assert _lines(root) == [9, 20]
    assert _lines(root) == [9, 20]
    helper = root / "accounts/notifications.py"
    helper.write_text("def send_welcome(user):\n    return user\n\n\ndef welcome_text(user):\n    return ''\n",
                      encoding="utf-8")
    _age(helper)
    assert _lines(root) == [20]
    warm = _in_process(root, "--select", "BE206")
    assert _heavy(warm["modules"]) == []
    assert sorted(item["line"] for item in json.loads(warm["report"])) == [20]
    helper.write_text(textwrap.dedent(MAIL_HELPERS["accounts/notifications.py"]), encoding="utf-8")
    _age(helper)
    assert _lines(root) == [9, 20]


def test_an_edit_of_the_test_configuration_settles_again(tmp_path: Path) -> None:
    """``pytest.ini`` is no Python file, yet the model reads it: the outcome follows it too."""
    files = {**TEST_SETTINGS, "pytest.ini": "[pytest]\nDJANGO_SETTINGS_MODULE = site_app.ci\n"}
    files["site_app/ci.py"] = files.pop("site_app/testing_settings.py")  # a name that does not say "test"
    root = _project(tmp_path, files)

    def flagged() -> set[str]:
        return {os.path.normpath(item["path"]) for item in json.loads(_report(root)[1])}

    assert flagged() == {"site_app/settings.py"}
    assert flagged() == {"site_app/settings.py"}
    (root / "pytest.ini").write_text("[pytest]\naddopts = -q\n", encoding="utf-8")
    _age(root / "pytest.ini")
    assert flagged() == {"site_app/settings.py", "site_app/ci.py"}


def test_a_deployment_added_after_a_warm_run_settles_again(tmp_path: Path) -> None:
    """BE308 reports only a project an orchestrator runs: adding a Kubernetes Deployment, then a HEALTHCHECK to
    the Dockerfile (no Python file changed), changes the outcome."""
    root = _project(tmp_path, {"pyproject.toml": "[project]\nname = 'shop'\n", "shop/__init__.py": "",
                               "shop/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"})

    def codes() -> list[str]:
        return [item["code"] for item in json.loads(_report(root, "--select", "BE308")[1])]

    assert codes() == []
    assert codes() == []  # warm
    (root / "Dockerfile").write_text("FROM python:3.11\n", encoding="utf-8")
    _age(root / "Dockerfile")
    assert codes() == []  # a container image alone: nothing says an orchestrator probes it
    (root / "k8s").mkdir()
    (root / "k8s" / "shop.yaml").write_text("apiVersion: apps/v1\nkind: Deployment\n", encoding="utf-8")
    _age(root / "k8s" / "shop.yaml")
    assert codes() == ["BE308"]
    (root / "Dockerfile").write_text("FROM python:3.11\nHEALTHCHECK CMD python -m shop.probe\n", encoding="utf-8")
    _age(root / "Dockerfile")
    assert codes() == []  # the container probes itself: the settled outcome is not reused


def test_an_edit_that_keeps_the_modification_time_but_not_the_size_is_checked_again(tmp_path: Path) -> None:
    root = _project(tmp_path)
    assert _lines(root) == [9, 20]
    views = root / "accounts/views.py"
    info = views.stat()
    views.write_text(textwrap.dedent(MAIL_HELPERS["accounts/views.py"]).replace(
        "notifications.send_welcome(user)", "notifications.welcome_text(user)  # sends nothing"),
                     encoding="utf-8")
    os.utime(views, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert views.stat().st_mtime_ns == info.st_mtime_ns and views.stat().st_size != info.st_size
    assert _lines(root) == [20]
    assert _lines(root) == sorted(item["line"] for item in json.loads(_report(root, "--select", "BE206",
                                                                              "--no-cache")[1]))


def test_the_codes_read_from_module_names_are_the_rules_codes() -> None:
    """The codes a warm run knows without importing a rule are those of the rule classes every module defines."""
    defined = []
    for info in pkgutil.iter_modules(rules_package.__path__):
        module = importlib.import_module(f"{rules_package.__name__}.{info.name}")
        defined.extend(value.code for value in vars(module).values() if isinstance(value, type)
                       and issubclass(value, Rule) and value.__module__ == module.__name__ and "code" in vars(value))
    assert sorted(defined) == rule_codes()
    assert [cls.code for cls in all_rule_classes()] == rule_codes()
