"""The rule catalog: every rule has a complete page whose examples are tested, and the docs are current."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from backend_lint.catalog import META_CODES, SECTIONS, load_page
from backend_lint.config import Config
from backend_lint.docs_index import readme_with_table, rules_index
from backend_lint.files import SourceFile
from backend_lint.finding import Applicability
from backend_lint.registry import all_rule_classes
from backend_lint.runner import Checker
from tests.fixture_files import FIXTURES
from tests.processes import check_json

ROOT = Path(__file__).resolve().parents[1]
RULES = all_rule_classes()
NEUTRAL_PATH = "app/service.py"
ALL = Checker.from_config(Config(root=ROOT))


def _findings(code: str, path: str = NEUTRAL_PATH):
    result = ALL.check_source(SourceFile(code, "utf-8"), path)
    assert not result.errors, result.errors
    return result.findings


def _page(cls):
    page = load_page(cls.code)
    assert page is not None, f"rules/{cls.code}.md is missing"
    return page


@pytest.mark.parametrize("cls", RULES, ids=lambda c: c.code)
def test_page_structure(cls) -> None:
    page = _page(cls)
    assert page.title == f"{cls.code} {cls.name}"
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", cls.name), "rule names are kebab-case"
    required = [s for s in SECTIONS if s != "References"]
    present = [s for s in page.sections if s in SECTIONS]
    assert [s for s in required if s not in present] == [], "missing sections"
    assert present == [s for s in SECTIONS if s in present], "sections out of order"
    assert page.code_blocks("Example"), "the page needs an Example"
    assert page.code_blocks("Use instead"), "the page needs a Use instead"


@pytest.mark.parametrize("cls", RULES, ids=lambda c: c.code)
def test_examples_are_flagged(cls, tmp_path: Path) -> None:
    for index, block in enumerate(_page(cls).code_blocks("Example")):
        if cls.project_only:  # its findings need a project: the example is one, checked by the CLI
            root = tmp_path / f"example{index}"
            (root / "app").mkdir(parents=True)
            (root / "pyproject.toml").write_text("[tool.backend-lint]\n", encoding="utf-8")
            (root / NEUTRAL_PATH).write_text(block, encoding="utf-8")
            # deployed by an orchestrator: BE308 speaks only for a project that shows something probes it
            (root / "Chart.yaml").write_text("apiVersion: v2\nname: example\n", encoding="utf-8")
            codes = {item["code"] for item in check_json("--no-cache", ".", cwd=root)}
        else:
            codes = {finding.code for finding in _findings(block)}
        assert cls.code in codes, f"Example not flagged:\n{block}"


@pytest.mark.parametrize("cls", RULES, ids=lambda c: c.code)
def test_use_instead_is_clean(cls) -> None:
    for block in _page(cls).code_blocks("Use instead"):
        found = [f"{f.line}:{f.col} {f.code} {f.message}" for f in _findings(block)]
        assert found == [], f"Use instead is flagged:\n{block}"


@pytest.mark.parametrize("cls", RULES, ids=lambda c: c.code)
def test_fix_section_matches_module(cls) -> None:
    page = _page(cls)
    kinds = re.findall(r"\*\*(safe|unsafe|none)\*\*", page.sections["Fix"])
    assert kinds, "the Fix section must say **safe**, **unsafe** or **none**"
    assert kinds[0] == cls.fix_kind.label
    fixed_fixtures = list(FIXTURES.glob(f"{cls.code}*.fixed.py"))
    if cls.fix_kind is Applicability.NONE:
        assert not fixed_fixtures, "a rule without a fix has no .fixed.py fixture"
    else:
        assert fixed_fixtures, f"a fixable rule needs tests/fixtures/{cls.code}.fixed.py"
        assert cls.fix_node, "a fixable rule names the libcst node its fix replaces"
    blocks = page.code_blocks("Fix")
    if len(blocks) == 2:
        before, after = blocks
        threshold = Applicability.UNSAFE
        checker = Checker.from_config(Config(root=ROOT, select=[cls.code]))
        fixed = checker.fix_source(SourceFile(before, "utf-8"), NEUTRAL_PATH, threshold)
        assert fixed.text == after, "the Fix section's after block is not what fix produces"


@pytest.mark.parametrize("cls", RULES, ids=lambda c: c.code)
def test_options_are_documented(cls) -> None:
    section = _page(cls).sections["Options"]
    for option in cls.options:
        assert f"`{option.key}`" in section, f"option {option.key} is not on the page"
    if not cls.options:
        assert "none" in section.lower() or "no options" in section.lower()


@pytest.mark.parametrize("cls", RULES, ids=lambda c: c.code)
def test_rule_has_fixture(cls) -> None:
    assert list(FIXTURES.glob(f"{cls.code}*.py")), f"tests/fixtures/{cls.code}.py is missing"


def test_every_page_belongs_to_a_rule() -> None:
    codes = {cls.code for cls in RULES}
    pages = {path.stem for path in (ROOT / "rules").glob("BE*.md")}
    assert pages == codes | META_CODES


def test_docs_rules_index_is_current() -> None:
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_index(), (
        "docs/rules.md is stale: run python -m backend_lint.docs_index"
    )


def test_readme_rule_table_is_current() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_with_table(readme) == readme, "README rule table is stale: run python -m backend_lint.docs_index"
    for cls in RULES:
        assert f"`{cls.name}`" in readme


def test_messages_are_one_line_without_period() -> None:
    for cls in RULES:
        assert "\n" not in cls.message and not cls.message.endswith("."), cls.code
        assert cls.message.startswith("`"), f"{cls.code}: a message starts with the construct in backticks"


def test_neutral_snippet_has_no_findings() -> None:
    code = textwrap.dedent(
        """
        import logging

        logger = logging.getLogger(__name__)


        def total(items):
            return sum(item.price for item in items)
        """
    )
    assert _findings(code) == []
