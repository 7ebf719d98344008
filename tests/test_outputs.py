"""Report formats: json fields, GitHub workflow-command escaping, SARIF 2.1.0 validated against its schema."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest

from backend_lint.catalog import docs_url, load_page, with_absolute_links
from backend_lint.finding import Applicability, Finding
from backend_lint.outputs import github
from backend_lint.outputs.report import Report
from backend_lint.registry import all_rule_classes
from tests.processes import run_cli

SCHEMA = Path(__file__).parent / "schemas" / "sarif-2.1.0.json"
SOURCE = 'import sys\n\n\nasync def pay(order_id):\n    print("paying", order_id)\n    print("x", sep="")\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.backend-lint]\n", encoding="utf-8")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "pay.py").write_text(SOURCE, encoding="utf-8")
    return tmp_path


def test_json_has_every_field(project: Path) -> None:
    result = run_cli("check", "--output-format", "json", "app", cwd=project)
    assert result.returncode == 1
    first, second = json.loads(result.stdout)
    assert first == {
        "code": "BE401",
        "name": "print-in-backend-code",
        "message": "`print` in backend code; log through the module logger",
        "path": "app/pay.py",
        "line": 5,
        "column": 5,
        "end_line": 5,
        "end_column": 30,
        "fix": "unsafe",
        "fix_title": "Replace `print` with a module logger call",
        "url": first["url"],
    }
    assert first["url"].endswith("rules/BE401.md")
    assert second["fix"] == "none" and second["fix_title"] is None


def test_github_annotations(project: Path) -> None:
    result = run_cli("check", "--output-format", "github", "app", cwd=project)
    lines = result.stdout.decode().splitlines()
    assert lines[0] == (
        "::warning file=app/pay.py,line=5,col=5,endLine=5,endColumn=30,"
        "title=BE401 print-in-backend-code::BE401 `print` in backend code; log through the module logger"
    )


def test_github_escaping() -> None:
    finding = Finding(
        code="BE401", name="print-in-backend-code", message="100% of\r\nlines: a,b",
        path="dir,with:odd/na%me.py", line=3, col=1, end_line=3, end_col=4,
        applicability=Applicability.NONE,
    )
    out = io.StringIO()
    github.render(Report(findings=[finding]), out)
    assert out.getvalue() == (
        "::warning file=dir%2Cwith%3Aodd/na%25me.py,line=3,col=1,endLine=3,endColumn=4,"
        "title=BE401 print-in-backend-code::BE401 100%25 of%0D%0Alines: a,b\n"
    )


def test_sarif_is_valid_sarif_2_1_0(project: Path) -> None:
    result = run_cli("check", "--output-format", "sarif", "app", cwd=project)
    assert result.returncode == 1
    document = json.loads(result.stdout)
    jsonschema.validate(document, json.loads(SCHEMA.read_text(encoding="utf-8")))
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    assert "BE401" in ids
    be401 = rules[ids.index("BE401")]
    assert be401["name"] == "print-in-backend-code"
    assert be401["help"]["markdown"].startswith("# BE401 print-in-backend-code")
    assert be401["shortDescription"]["text"] == "Flags calls to the builtin `print` where the file shows that a service runs it"
    assert be401["helpUri"].endswith("/rules/BE401.md")
    first = run["results"][0]
    assert first["ruleId"] == "BE401" and ids[first["ruleIndex"]] == "BE401"
    region = first["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 5, "startColumn": 5, "endLine": 5, "endColumn": 30}


def test_sarif_with_file_errors_stays_valid(project: Path) -> None:
    (project / "app" / "broken.py").write_text("def (:\n", encoding="utf-8")
    result = run_cli("check", "--output-format", "sarif", "app", cwd=project)
    assert result.returncode == 2
    document = json.loads(result.stdout)
    jsonschema.validate(document, json.loads(SCHEMA.read_text(encoding="utf-8")))
    notifications = document["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert "app/broken.py" in notifications[0]["message"]["text"]


def test_sarif_stays_small_one_page_per_rule_with_findings() -> None:
    """The example service: each rule that has findings is described once, with its page once; no other rule."""
    root = Path(__file__).resolve().parents[1]
    result = run_cli("check", "--output-format", "sarif", "--no-cache", "examples/", cwd=root)
    assert result.returncode == 1
    text = result.stdout.decode()
    document = json.loads(text)
    jsonschema.validate(document, json.loads(SCHEMA.read_text(encoding="utf-8")))
    run = document["runs"][0]
    codes = sorted({item["ruleId"] for item in run["results"]})
    assert len(run["results"]) >= 10 and len(codes) >= 8, "a run with many findings over many rules"
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == codes, "only the rules that have findings, in order"
    assert all(rules[item["ruleIndex"]]["id"] == item["ruleId"] for item in run["results"])
    for rule in rules:
        page = load_page(rule["id"])
        assert rule["shortDescription"]["text"] == page.headline
        assert rule["helpUri"] == docs_url(rule["id"])
        markdown = rule["help"]["markdown"]
        assert markdown == with_absolute_links(rule["id"], page.text)
        assert "](../" not in markdown, "links resolve outside the repository (code scanning shows the page)"
        assert "](https://github.com/backend-lint/backend-lint/blob/main/docs/guidelines.md#" in markdown
        assert page.text.splitlines()[0] in markdown and page.text.splitlines()[0] not in rule["help"]["text"]
    encoded_pages = {code: json.dumps(with_absolute_links(code, load_page(code).text))[1:-1] for code in codes}
    for code, encoded in encoded_pages.items():
        assert text.count(encoded) == 1, f"{code}'s page must be in the file exactly once"
    unused = next(cls.code for cls in all_rule_classes() if cls.code not in codes)
    assert json.dumps(load_page(unused).text)[1:-1] not in text, "no page of a rule without findings"
    assert len(text.encode()) < sum(len(encoded) for encoded in encoded_pages.values()) + 2_000 * len(
        run["results"]), "the pages of the rules found, plus a small record per finding"
