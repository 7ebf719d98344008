"""The user documentation in ``docs/`` is current with the code: keys, options, flags, formats, links, workflow."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from backend_lint import __version__
from backend_lint.cli import build_parser
from backend_lint.config import TOP_LEVEL_KEYS
from backend_lint.config_reference import configuration_reference
from backend_lint.outputs import FORMATS
from backend_lint.registry import all_rule_classes

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = ["getting-started.md", "configuration.md", "integrations.md", "github-actions.md", "comparison.md",
         "rules.md", "editors.md", "releasing.md"]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
_BLOCK = re.compile(r"^```(?P<lang>\w*)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)
_LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")


def _text(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def _blocks(name: str, lang: str) -> list[str]:
    return [match["body"] for match in _BLOCK.finditer(_text(name)) if match["lang"] == lang]


def test_configuration_reference_is_current() -> None:
    assert _text("configuration.md") == configuration_reference(), (
        "docs/configuration.md is stale: run python -m backend_lint.docs_index"
    )


def test_configuration_reference_names_every_key_and_option() -> None:
    text = _text("configuration.md")
    for key in TOP_LEVEL_KEYS:
        assert f"| `{key}` |" in text
    for cls in all_rule_classes():
        for option in cls.options:
            assert f"[tool.backend-lint.{cls.code}]" in text and f"| `{option.key}` |" in text


def test_readme_links_every_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in PAGES:
        assert (DOCS / name).is_file()
        assert f"](docs/{name})" in readme, f"README does not link docs/{name}"


@pytest.mark.parametrize("name", PAGES)
def test_relative_links_resolve(name: str) -> None:
    for match in _LINK.finditer(_text(name)):
        target = match["target"].split("#")[0]
        if not target or "://" in target or re.fullmatch(r"\.\./rules/BE\d{3}\.md", target):
            continue  # rule pages: tests/test_catalog.py checks every rule has one
        assert (DOCS / target).exists(), f"docs/{name} links to a missing {target}"


def _cli_options() -> set[str]:
    parser = build_parser()
    commands = next(action for action in parser._actions if action.dest == "command").choices
    return {option for command in ("check", "fix") for action in commands[command]._actions
            for option in action.option_strings}


@pytest.mark.parametrize("name", ["getting-started.md", "integrations.md", "github-actions.md", "../README.md"])
def test_commands_in_docs_exist(name: str) -> None:
    options = _cli_options()
    for line in _text(name).splitlines():
        if "backend-lint check" not in line and "backend-lint fix" not in line and "args: check" not in line:
            continue
        command = line.split("#")[0]
        for flag in re.findall(r"(?<![\w-])--[a-z][a-z-]*", command):
            assert flag in options, f"docs/{name} uses {flag}, which backend-lint does not have: {line}"
        for output_format in re.findall(r"--output-format[ =](\w+)", command):
            assert output_format in FORMATS


def test_every_yaml_example_parses() -> None:
    for name in ("integrations.md", "github-actions.md"):
        for block in _blocks(name, "yaml"):
            assert yaml.safe_load(block) is not None


def test_ready_workflow_uses_this_action_and_uploads_its_sarif() -> None:
    workflow = yaml.safe_load(_blocks("github-actions.md", "yaml")[0])
    assert set(workflow) == {"name", True, "permissions", "jobs"}, "`on:` loads as True in YAML 1.1"
    assert workflow[True] == {"push": {"branches": ["main"]}, "pull_request": None}
    (job,) = workflow["jobs"].values()
    assert job["permissions"]["security-events"] == "write"
    steps = {step.get("uses", "").split("@")[0]: step for step in job["steps"]}
    ours = steps["backend-lint/backend-lint"]
    assert ours["uses"] == f"backend-lint/backend-lint@v{__version__}"
    assert set(ours["with"]) <= set(ACTION["inputs"])
    upload = steps["github/codeql-action/upload-sarif"]
    assert upload["with"]["sarif_file"] == ours["with"]["sarif"]
    assert "!cancelled()" in upload["if"], "findings fail the step; their SARIF must still be uploaded"


def test_pre_commit_examples_use_the_current_release() -> None:
    manifest = {hook["id"] for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))}
    for block in _blocks("integrations.md", "yaml"):
        config = yaml.safe_load(block)
        if isinstance(config, dict) and "repos" in config:
            for repo in config["repos"]:
                if repo["repo"] != "local":
                    assert repo["rev"] == f"v{__version__}"
                    assert {hook["id"] for hook in repo["hooks"]} <= manifest


def test_comparison_covers_every_rule() -> None:
    text = _text("comparison.md")
    families = {"1": 4, "2": 5, "3": 4, "4": 5, "5": 8}
    planned = {f"BE{family}{n:02d}" for family, count in families.items() for n in range(1, count + 1)}
    for code in planned | {cls.code for cls in all_rule_classes()}:
        assert f"| [{code}](../rules/{code}.md)" in text, f"docs/comparison.md has no row for {code}"
