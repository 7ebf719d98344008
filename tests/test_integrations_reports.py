"""CI report formats: GitLab Code Quality (the fields GitLab's docs require) and JUnit XML (its structure)."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from backend_lint.finding import Applicability, FileError, Finding
from backend_lint.outputs import FORMATS, junit
from backend_lint.outputs.report import Report
from tests.processes import run_cli

PAY = 'async def pay(order_id):\n    print("paying", order_id)\n    print("paying", order_id)\n'
REFUND = 'async def refund(order_id):\n    print("refund", order_id)\n'

# GitLab's "Code Quality report format": every issue needs these, with these types and severities.
CODE_QUALITY_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "pattern": "^(?!/)(?!\\./)"},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {"begin": {"type": "integer", "minimum": 1}},
                    },
                },
            },
        },
    },
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.backend-lint]\n", encoding="utf-8")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "pay.py").write_text(PAY, encoding="utf-8")
    (tmp_path / "app" / "refund.py").write_text(REFUND, encoding="utf-8")
    return tmp_path


def _gitlab(project: Path, *paths: str) -> list[dict]:
    result = run_cli("check", "--output-format", "gitlab", *paths, cwd=project)
    assert result.returncode == 1, result.stderr.decode()
    issues = json.loads(result.stdout)
    jsonschema.validate(issues, CODE_QUALITY_SCHEMA)
    return issues


def test_both_formats_are_registered() -> None:
    assert {"gitlab", "junit"} <= set(FORMATS)
    assert "gitlab" in run_cli("check", "--help").stdout.decode()


def test_gitlab_has_the_required_fields(project: Path) -> None:
    issues = _gitlab(project, "app")
    assert [(i["check_name"], i["location"]["path"], i["location"]["lines"]["begin"]) for i in issues] == [
        ("BE401", "app/pay.py", 2), ("BE401", "app/pay.py", 3), ("BE401", "app/refund.py", 2),
    ]
    assert issues[0]["description"] == "BE401 `print` in backend code; log through the module logger"
    assert {issue["severity"] for issue in issues} == {"major"}
    assert len({issue["fingerprint"] for issue in issues}) == 3, "identical findings need distinct fingerprints"


def test_gitlab_paths_are_relative_to_the_project(project: Path) -> None:
    absolute = _gitlab(project, str(project / "app"))
    assert [issue["location"]["path"] for issue in absolute] == ["app/pay.py", "app/pay.py", "app/refund.py"]
    dotted = _gitlab(project, "./app")
    assert [issue["fingerprint"] for issue in dotted] == [issue["fingerprint"] for issue in absolute]


def test_gitlab_fingerprints_survive_runs_and_moved_lines(project: Path) -> None:
    before = _gitlab(project, "app")
    assert _gitlab(project, "app") == before
    pay = project / "app" / "pay.py"
    pay.write_text('"""Payments."""\n\n\n' + PAY, encoding="utf-8")
    after = _gitlab(project, "app")
    assert [issue["location"]["lines"]["begin"] for issue in after] == [5, 6, 2]
    assert [issue["fingerprint"] for issue in after] == [issue["fingerprint"] for issue in before]


def test_gitlab_reports_a_file_that_cannot_be_checked(project: Path) -> None:
    (project / "app" / "broken.py").write_text("def broken(:\n", encoding="utf-8")
    result = run_cli("check", "--output-format", "gitlab", "app", cwd=project)
    assert result.returncode == 2
    issues = json.loads(result.stdout)
    jsonschema.validate(issues, CODE_QUALITY_SCHEMA)
    broken = [issue for issue in issues if issue["location"]["path"] == "app/broken.py"]
    assert [(issue["check_name"], issue["severity"]) for issue in broken] == [
        ("backend-lint/file-error", "critical")
    ]


def test_gitlab_clean_run_is_an_empty_list(project: Path) -> None:
    (project / "app" / "pay.py").unlink()
    (project / "app" / "refund.py").write_text("def refund():\n    return 1\n", encoding="utf-8")
    result = run_cli("check", "--output-format", "gitlab", "app", cwd=project)
    assert (result.returncode, json.loads(result.stdout)) == (0, [])


def _check_junit_structure(root: ET.Element) -> None:
    """The structure every JUnit consumer reads (Ant's schema, Jenkins, GitLab, Azure Pipelines).

    There is no single JUnit schema: Jenkins' junit-10.xsd has no ``file`` attribute, which GitLab reads, nor
    ``<error>``, which Ant's schema and every CI accept. So this checks what they share: testsuites >
    testsuite(name, tests, failures, errors) > testcase(name, classname) > failure|error(message, type), with
    counts that add up.
    """
    assert root.tag == "testsuites"
    assert root.get("name")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for suite in root:
        assert suite.tag == "testsuite"
        assert suite.get("name")
        cases = list(suite)
        assert all(case.tag == "testcase" and case.get("name") and case.get("classname") for case in cases)
        failures = [child for case in cases for child in case if child.tag == "failure"]
        errors = [child for case in cases for child in case if child.tag == "error"]
        assert all(child.tag in ("failure", "error") for case in cases for child in case)
        assert all(child.get("message") and child.get("type") for child in failures + errors)
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == len(failures)
        assert int(suite.get("errors")) == len(errors)
        totals["tests"] += len(cases)
        totals["failures"] += len(failures)
        totals["errors"] += len(errors)
    assert {key: int(root.get(key)) for key in totals} == totals


def test_junit_groups_findings_by_file(project: Path) -> None:
    (project / "app" / "broken.py").write_text("def broken(:\n", encoding="utf-8")
    result = run_cli("check", "--output-format", "junit", "app", cwd=project)
    assert result.returncode == 2
    assert result.stdout.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(result.stdout)
    _check_junit_structure(root)
    assert [suite.get("name") for suite in root] == ["app/broken.py", "app/pay.py", "app/refund.py"]
    pay = root[1]
    assert [case.get("name") for case in pay] == [
        "BE401 print-in-backend-code at 2:5", "BE401 print-in-backend-code at 3:5",
    ]
    assert {case.get("classname") for case in pay} == {"app.pay"}
    assert {case.get("file") for case in pay} == {"app/pay.py"}
    failure = pay[0].find("failure")
    assert failure is not None and failure.get("type") == "BE401"
    assert failure.text == "app/pay.py:2:5: BE401 `print` in backend code; log through the module logger"
    error = root[0][0].find("error")
    assert error is not None and "syntax error" in error.get("message")


def test_junit_clean_run_is_one_passing_case(project: Path) -> None:
    result = run_cli("check", "--output-format", "junit", "app", "--ignore", "BE401", cwd=project)
    assert result.returncode == 0
    root = ET.fromstring(result.stdout)
    _check_junit_structure(root)
    assert [(case.get("name"), list(case)) for suite in root for case in suite] == [("no findings", [])]


def test_junit_survives_characters_xml_cannot_hold() -> None:
    finding = Finding("BE401", "print-in-backend-code", "`print` of \x1b[31mred\x00", "app/\x07a.py", 1, 1, 1, 2,
                      Applicability.SAFE)
    report = Report(findings=[finding], errors=[FileError("app/\x01b.py", "not valid UTF-8 \x02")])
    out = io.StringIO()
    junit.render(report, out)
    root = ET.fromstring(out.getvalue())
    _check_junit_structure(root)
    assert root[1][0].find("failure").get("message") == "`print` of \ufffd[31mred\ufffd"
