"""The one fixing call, ``Checker.fix_source``: containment per rule, one finding's fix (``only=``), and the CLI
on top of it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import libcst as cst
import pytest

from backend_lint.config import Config
from backend_lint.files import SourceFile
from backend_lint.finding import Applicability
from backend_lint.runner import Checker
from tests.processes import ENV

PATH = "app/service.py"
SOURCE = textwrap.dedent(
    """\
    import requests


    def fetch(url):
        return requests.get(url)


    async def pay(order_id):
        print("paying", order_id)
    """
)
TIMEOUT_FIXED = "    return requests.get(url, timeout=10)\n"
PRINT_FIXED = '    logger.info("paying %s", order_id)\n'


def _checker() -> Checker:
    return Checker.from_config(Config(select=["BE201", "BE401"]))


def _rule(checker: Checker, code: str):
    return next(rule for rule in checker.rules if rule.code == code)


def _fix(checker: Checker, text: str = SOURCE, **kwargs):
    return checker.fix_source(SourceFile(text, "utf-8"), PATH, Applicability.UNSAFE, **kwargs)


def test_every_fix_applies_when_none_fails() -> None:
    fixed = _fix(_checker())
    assert TIMEOUT_FIXED.strip() in fixed.text and PRINT_FIXED.strip() in fixed.text
    assert fixed.applied == {"BE201": 1, "BE401": 1}
    assert fixed.refused == [] and fixed.result.findings == [] and fixed.result.errors == []
    assert fixed.result.fixed == 2


def test_a_raising_fix_is_refused_and_the_others_still_apply(monkeypatch: pytest.MonkeyPatch) -> None:
    checker = _checker()

    def explode(finding, node, fixer):
        fixer.import_module("secrets")  # asked for before failing: must not be left behind
        raise ValueError("boom")

    monkeypatch.setattr(_rule(checker, "BE201"), "fix", explode)
    fixed = _fix(checker)
    assert PRINT_FIXED.strip() in fixed.text, "the other rule's fix still applies"
    assert "timeout=" not in fixed.text and "import secrets" not in fixed.text
    assert fixed.applied == {"BE401": 1}
    [(finding, reason)] = fixed.refused
    assert (finding.code, finding.line, reason) == ("BE201", 5, "BE201 fix raised ValueError: boom")
    assert [(f.code, f.line) for f in fixed.result.findings] == [("BE201", 9)], "its finding still stands"
    [error] = fixed.result.errors
    assert error.code == "BE201" and error.reason == "fix raised ValueError: boom (at line 5)"
    assert "Traceback" in (error.detail or "")


@pytest.mark.parametrize(
    "replacement",
    [cst.Pass(), "not a node"],
    ids=["fixed code would not parse", "libcst cannot place the replacement"],
)
def test_a_broken_replacement_is_refused_and_the_others_still_apply(monkeypatch, replacement) -> None:
    checker = _checker()
    monkeypatch.setattr(_rule(checker, "BE201"), "fix", lambda finding, node, fixer: replacement)
    fixed = _fix(checker)
    assert PRINT_FIXED.strip() in fixed.text and "timeout=" not in fixed.text
    assert fixed.applied == {"BE401": 1}
    assert [(finding.code, reason.split(" ")[0]) for finding, reason in fixed.refused] == [
        ("BE201", "BE201" if isinstance(replacement, str) else "the")
    ]
    assert [f.code for f in fixed.result.findings] == ["BE201"]


def test_a_fix_that_gives_up_adds_no_import(monkeypatch: pytest.MonkeyPatch) -> None:
    checker = _checker()

    def give_up(finding, node, fixer):  # returns None: "no exact rewrite", after asking for an import
        fixer.import_module("secrets")

    monkeypatch.setattr(_rule(checker, "BE201"), "fix", give_up)
    fixed = _fix(checker)
    assert "import secrets" not in fixed.text and PRINT_FIXED.strip() in fixed.text
    assert [(f.code, reason) for f, reason in fixed.refused] == [("BE201", "no exact rewrite for this case")]


def test_only_applies_exactly_that_findings_fix() -> None:
    checker = _checker()
    text = SOURCE + '    print("paid", order_id)\n'
    findings = checker.check_source(SourceFile(text, "utf-8"), PATH).findings
    second_print = [f for f in findings if f.code == "BE401"][1]
    fixed = _fix(checker, text, only=second_print)
    assert fixed.applied == {"BE401": 1} and fixed.refused == []
    assert 'logger.info("paid %s", order_id)' in fixed.text
    assert 'print("paying", order_id)' in fixed.text and "timeout=" not in fixed.text
    assert sorted(f.code for f in fixed.result.findings) == ["BE201", "BE401"]


def test_only_refuses_a_finding_that_is_gone_or_above_the_threshold() -> None:
    checker = _checker()
    [timeout, printing] = checker.check_source(SourceFile(SOURCE, "utf-8"), PATH).findings
    edited = SOURCE.replace("def fetch", "\n\ndef fetch")
    gone = _fix(checker, edited, only=timeout)
    assert gone.text == edited and not gone.applied
    assert gone.refused == [(timeout, "no such finding in this text (it changed since it was checked)")]
    if printing.applicability is Applicability.UNSAFE:
        safe_only = checker.fix_source(SourceFile(SOURCE, "utf-8"), PATH, Applicability.SAFE, only=printing)
        assert safe_only.text == SOURCE
        assert safe_only.refused == [(printing, "an unsafe fix, and only safe fixes were asked for")]


def test_a_file_that_does_not_parse_comes_back_unchanged() -> None:
    fixed = _fix(_checker(), "def broken(:\n    print(1)\n")
    assert fixed.text == "def broken(:\n    print(1)\n" and not fixed.applied
    assert fixed.result.errors and fixed.result.errors[0].code is None


RAISING_CLI = textwrap.dedent(
    """
    import sys
    from backend_lint.rules import be201_network_call_without_timeout as module

    def explode(self, finding, node, fixer):
        raise ValueError("boom")

    module.NetworkCallWithoutTimeout.fix = explode
    from backend_lint.cli import main
    sys.exit(main(sys.argv[1:]))
    """
)


def test_cli_reports_a_raising_fix_as_an_internal_error_of_its_rule(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.backend-lint]\n", encoding="utf-8")
    target = tmp_path / "service.py"
    target.write_text(SOURCE, encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", RAISING_CLI, "fix", "--unsafe-fixes", "--select",
                             "BE201,BE401", "service.py"], cwd=tmp_path, capture_output=True, text=True, env=ENV)
    assert result.returncode == 2, "an internal error is exit 2"
    assert result.stderr.splitlines() == [
        "backend-lint: error: service.py: internal error in BE201: fix raised ValueError: boom (at line 5) "
        "(please report this at the backend-lint issue tracker)"
    ]
    assert PRINT_FIXED in target.read_text(encoding="utf-8"), "the other fix was written"
    assert result.stdout.splitlines()[0].startswith("service.py:9:12: BE201 "), "the finding is reported"
