"""The GitHub Action: its run step executed for real with fake runner files, the job summary, the CI hint."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from backend_lint.finding import Applicability, Finding
from backend_lint.outputs import github_summary
from backend_lint.outputs.report import Report
from tests.processes import ENV, run_cli

ROOT = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
FINDINGS_IN_BULK = 23  # more than GitHub's 10 annotations per step


def _write_project(root: Path) -> None:
    (root / "pyproject.toml").write_text('[tool.backend-lint]\nselect = ["BE401"]\n', encoding="utf-8")
    (root / "app").mkdir()
    prints = "".join(f'    print("step {n}")\n' for n in range(FINDINGS_IN_BULK))
    (root / "app" / "jobs.py").write_text(f"async def run():\n{prints}", encoding="utf-8")
    (root / "app" / "pay.py").write_text('async def pay(order_id):\n    print("paying", order_id)\n', encoding="utf-8")


def _run_step(project: Path, inputs: dict[str, str], python: str = sys.executable) -> subprocess.CompletedProcess:
    """Run action.yml's "Run backend-lint" step as the runner does: its env, bash, fake runner files."""
    step = next(step for step in ACTION["runs"]["steps"] if step.get("id") == "check")
    env = {**ENV, "BACKEND_LINT_PYTHON": python, "GITHUB_ACTIONS": "true",
           "GITHUB_STEP_SUMMARY": str(project / "summary.md"), "GITHUB_OUTPUT": str(project / "output.txt"),
           "GITHUB_WORKSPACE": str(project), "GITHUB_SERVER_URL": "https://github.com",
           "GITHUB_REPOSITORY": "acme/shop", "GITHUB_SHA": "0123abc"}
    values = {name: inputs.get(name, spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    for name, expression in step["env"].items():
        env[name] = re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: values[m[1]], expression)
    for name in ("summary.md", "output.txt"):
        (project / name).write_text("", encoding="utf-8")
    return subprocess.run(["bash", "-e", "-c", step["run"]], cwd=project, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def bulk_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    project = tmp_path_factory.mktemp("action")
    _write_project(project)
    return project, _run_step(project, {"sarif": "reports/backend-lint.sarif"})


@pytest.mark.slow
def test_action_installs_itself_and_runs(tmp_path: Path) -> None:
    """Both steps as the runner runs them: install into a fresh venv from the action's checkout, then check."""
    install = next(step for step in ACTION["runs"]["steps"] if step.get("id") != "check")
    runner_temp, github_env = tmp_path / "runner-temp", tmp_path / "github-env"
    runner_temp.mkdir()
    github_env.write_text("", encoding="utf-8")
    env = {**ENV, "RUNNER_TEMP": str(runner_temp), "GITHUB_ENV": str(github_env),
           "BACKEND_LINT_VERSION": "", "BACKEND_LINT_ACTION_PATH": str(ROOT)}
    installed = subprocess.run(["bash", "-e", "-c", install["run"]], cwd=tmp_path, env=env, capture_output=True,
                               text=True, timeout=600)
    if installed.returncode != 0 and re.search(r"No matching distribution|NewConnectionError|Temporary failure",
                                               installed.stderr):
        pytest.skip(f"the package registry cannot be reached: {installed.stderr[-300:]}")
    assert installed.returncode == 0, installed.stderr
    exported = dict(line.split("=", 1) for line in github_env.read_text(encoding="utf-8").splitlines())
    python = exported["BACKEND_LINT_PYTHON"]
    assert python.startswith(str(runner_temp)), "the action uses a virtual environment of its own"
    project = tmp_path / "project"
    project.mkdir()
    _write_project(project)
    result = _run_step(project, {}, python=python)
    assert result.returncode == 1, result.stderr
    assert result.stdout.count("::warning file=app/") == FINDINGS_IN_BULK + 1
    assert f"**{FINDINGS_IN_BULK + 1} findings**" in (project / "summary.md").read_text(encoding="utf-8")


def test_action_declares_its_inputs() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) == {"args", "version", "sarif"}
    assert ACTION["inputs"]["args"]["default"] == "check ."
    assert all(step.get("shell") == "bash" for step in ACTION["runs"]["steps"])
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step["run"], "inputs reach scripts through env only (no script injection)"


def test_action_annotates_every_finding_and_fails(bulk_run) -> None:
    project, result = bulk_run
    assert result.returncode == 1, result.stderr
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::warning ")]
    assert len(annotations) == FINDINGS_IN_BULK + 1
    assert annotations[-1].startswith("::warning file=app/pay.py,line=2,col=5,")
    assert (project / "output.txt").read_text(encoding="utf-8") == f"findings={FINDINGS_IN_BULK + 1}\n"


def test_summary_carries_the_full_count_past_the_annotation_limit(bulk_run) -> None:
    project, _ = bulk_run
    summary = (project / "summary.md").read_text(encoding="utf-8")
    total = FINDINGS_IN_BULK + 1
    assert summary.startswith("## backend-lint\n")
    assert f"**{total} findings** in 2 files; {total} fixable with `backend-lint fix --unsafe-fixes`." in summary
    assert f"GitHub shows only the first 10 annotations of a step (and 50 of a job); all {total} findings" in summary
    rule_row = ("| [BE401](https://github.com/backend-lint/backend-lint/blob/main/rules/BE401.md) | "
                f"`print-in-backend-code` | {total} |")
    assert rule_row in summary
    assert summary.index("| `app/jobs.py` | 23 |") < summary.index("| `app/pay.py` | 1 |")
    rows = re.findall(r"^\| \[`app/\w+\.py:\d+:5`\]\(https://github\.com/acme/shop/blob/0123abc/app/\w+\.py#L\d+\)",
                      summary, re.MULTILINE)
    assert len(rows) == total, "every finding is listed, linked to its line"
    assert "[`app/jobs.py:24:5`](https://github.com/acme/shop/blob/0123abc/app/jobs.py#L24)" in summary


def test_action_writes_sarif(bulk_run) -> None:
    project, _ = bulk_run
    sarif = json.loads((project / "reports" / "backend-lint.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    assert len(sarif["runs"][0]["results"]) == FINDINGS_IN_BULK + 1


def test_action_args_are_shell_words_and_clean_run_passes(tmp_path: Path) -> None:
    _write_project(tmp_path)
    (tmp_path / "app with space").mkdir()
    (tmp_path / "app with space" / "ok.py").write_text("def ok():\n    return 1\n", encoding="utf-8")
    result = _run_step(tmp_path, {"args": "check 'app with space' --select BE4"})
    assert result.returncode == 0, result.stderr
    assert "::warning" not in result.stdout
    assert (tmp_path / "summary.md").read_text(encoding="utf-8") == "## backend-lint\n\nNo findings.\n"
    assert not list(tmp_path.glob("*.sarif")), "no sarif input, no SARIF file"


def test_action_args_may_start_with_an_option_and_bad_quoting_is_an_error(tmp_path: Path) -> None:
    _write_project(tmp_path)
    result = _run_step(tmp_path, {"args": "--exit-zero"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("::warning ") == FINDINGS_IN_BULK + 1
    unclosed = _run_step(tmp_path, {"args": "check 'app"})
    assert unclosed.returncode == 2
    assert unclosed.stdout.startswith("::error title=backend-lint::the args input: No closing quotation")


def test_action_turns_file_errors_into_error_annotations(tmp_path: Path) -> None:
    _write_project(tmp_path)
    (tmp_path / "app" / "broken.py").write_text("def broken(:\n", encoding="utf-8")
    result = _run_step(tmp_path, {"args": "check app"})
    assert result.returncode == 2
    assert "::error file=app/broken.py::app/broken.py: syntax error" in result.stdout
    assert "backend-lint: error: app/broken.py: syntax error" in result.stderr, "the log keeps the plain line"
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "### Errors" in summary and "- app/broken.py: syntax error" in summary
    assert "**24 findings**" in summary


def test_action_reports_a_configuration_error(tmp_path: Path) -> None:
    _write_project(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.backend-lint]\nselct = ["BE"]\n', encoding="utf-8")
    result = _run_step(tmp_path, {"args": "check app"})
    assert result.returncode == 2
    assert "::error file=" in result.stdout and "unknown key `selct`" in result.stdout
    assert "did you mean `select`?" in (tmp_path / "summary.md").read_text(encoding="utf-8")


def _finding(n: int, path: str = "app/jobs.py") -> Finding:
    return Finding("BE401", "print-in-backend-code", "`print` in backend code | pipe", path, n, 5, n, 9,
                   Applicability.SAFE)


def test_summary_stays_under_githubs_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(github_summary, "BUDGET", 2_000)
    report = Report(findings=[_finding(n) for n in range(1, 200)])
    text = github_summary.render_summary(report, env={})
    assert "**199 findings** in 1 file" in text
    shown = text.count("| `app/jobs.py:")
    assert 0 < shown < 199
    assert f"… and {199 - shown} more" in text
    assert "code \\| pipe" in text, "a `|` in a message must not end the table cell"
    assert "<details><summary>" in text, "a long table starts folded"


def test_summary_without_repository_has_plain_locations() -> None:
    text = github_summary.render_summary(Report(findings=[_finding(3, "/elsewhere/x.py")]), env={})
    assert "| `/elsewhere/x.py:3:5` | BE401 |" in text
    assert "<details open>" in text


def test_check_in_github_actions_hints_at_the_github_format(tmp_path: Path) -> None:
    _write_project(tmp_path)
    hint = "--output-format github"
    in_actions = {**ENV, "GITHUB_ACTIONS": "true"}
    plain = run_cli("check", "app", cwd=tmp_path, env=in_actions)
    assert plain.returncode == 1
    assert plain.stderr.decode().count(hint) == 1, "said once, on stderr"
    assert hint not in plain.stdout.decode()
    annotated = run_cli("check", "app", "--output-format", "github", cwd=tmp_path, env=in_actions)
    assert hint not in annotated.stderr.decode()
    as_json = run_cli("check", "app", "--output-format=json", cwd=tmp_path, env=in_actions)
    assert hint not in as_json.stderr.decode(), "an explicit format is the user's choice"
    outside = run_cli("check", "app", cwd=tmp_path)
    assert hint not in outside.stderr.decode()
