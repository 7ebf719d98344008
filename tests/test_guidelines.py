"""``docs/guidelines.md``, the map of the guidance the rules encode, agrees with the rules and their pages.

Every rule page cites a point of the guidelines by its anchor, every rule is listed under a point it checks,
every point has one status, and the coverage table at the top says the same as the points below it. A rule
that lands for a "Planned" point fails here until the point links it, so the map cannot fall behind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from backend_lint.catalog import META_CODES
from backend_lint.docs_index import rules_index
from backend_lint.registry import all_rule_classes

ROOT = Path(__file__).resolve().parents[1]
GUIDELINES = ROOT / "docs" / "guidelines.md"
PAGES = sorted((ROOT / "rules").glob("BE*.md"))
RULE_CODES = {cls.code for cls in all_rule_classes()}

_ANCHOR = re.compile(r'^<a id="(?P<id>[^"]*)"></a>$')
_RULE_LINK = re.compile(r"\[(BE\d{3})\]\(\.\./rules/(BE\d{3})\.md\)")
_PLANNED = re.compile(r"\bBE\d{3}\b")
_CITATION = re.compile(r"\]\(\.\./docs/guidelines\.md#(?P<anchor>[^)\s]*)\)")
STATUSES = {"**Checked by**": "checked", "**Planned:**": "planned", "**Not checkable:**": "not checkable"}
MAP_COLUMNS = ("checked", "planned", "not checkable")


@dataclass
class Point:
    anchor: str
    topic: str
    statuses: list[str] = field(default_factory=list)
    checked_by: list[str] = field(default_factory=list)
    planned: list[str] = field(default_factory=list)


def _points(text: str) -> list[Point]:
    """Every ``<a id>`` point in page order, with its topic (the ``##`` above it) and its status paragraphs."""
    points: list[Point] = []
    topic = ""
    current = None
    for paragraph in (block.strip() for block in text.split("\n\n")):
        if paragraph.startswith("## "):
            topic, current = paragraph.splitlines()[0][3:].strip(), None
        elif match := _ANCHOR.match(paragraph.splitlines()[0] if paragraph else ""):
            current = Point(match["id"], topic)
            points.append(current)
        elif current is not None:
            status = next((name for marker, name in STATUSES.items() if paragraph.startswith(marker)), None)
            if status is not None:
                current.statuses.append(status)
            if status == "checked":
                current.checked_by = [code for code, target in _RULE_LINK.findall(paragraph) if code == target]
            elif status == "planned":
                current.planned = _PLANNED.findall(paragraph)
    return points


def _coverage_table(text: str) -> dict[str, dict[str, set[str]]]:
    """The "Coverage at a glance" rows: topic -> status column -> anchors linked in that cell."""
    section = text.split("## Coverage at a glance", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, dict[str, set[str]]] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        topic = re.fullmatch(r"\[(?P<topic>[^\]]+)\]\(#[a-z0-9-]+\)", cells[0])
        if topic is None:
            continue
        rows[topic["topic"]] = {
            column: set(re.findall(r"\]\(#([a-z0-9-]+)\)", cell)) for column, cell in zip(MAP_COLUMNS, cells[1:])
        }
    return rows


TEXT = GUIDELINES.read_text(encoding="utf-8")
POINTS = _points(TEXT)
BY_ANCHOR = {point.anchor: point for point in POINTS}


def test_anchors_are_unique_and_kebab_case() -> None:
    anchors = [point.anchor for point in POINTS]
    assert len(anchors) == len(set(anchors)), "an anchor is used twice"
    assert [a for a in anchors if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", a)] == []


def test_every_point_has_exactly_one_status() -> None:
    assert [(point.anchor, point.statuses) for point in POINTS if len(point.statuses) != 1] == []
    checked_without_links = [p.anchor for p in POINTS if p.statuses == ["checked"] and not p.checked_by]
    planned_without_code = [p.anchor for p in POINTS if p.statuses == ["planned"] and not p.planned]
    assert checked_without_links == [], "a 'Checked by' line links its rules as [BE101](../rules/BE101.md)"
    assert planned_without_code == [], "a 'Planned:' line names the reserved code"


def test_every_rule_is_listed_under_a_point_it_checks() -> None:
    checked = {code for point in POINTS for code in point.checked_by}
    assert sorted(RULE_CODES - checked) == [], "add the rule to the 'Checked by' line of its point"
    assert sorted(checked - RULE_CODES) == [], "'Checked by' links only rules that exist"


def test_planned_codes_are_not_rules_yet() -> None:
    planned = [code for point in POINTS for code in point.planned]
    assert len(planned) == len(set(planned)), "a planned code is reserved for one point"
    landed = {
        code: point.anchor for point in POINTS for code in point.planned if code in RULE_CODES
    }
    assert landed == {}, (
        "these rules exist now: turn their point's 'Planned:' line into 'Checked by [BE###](../rules/BE###.md)' "
        "and move the point to the Checked column of the coverage table"
    )


def test_coverage_table_matches_the_points() -> None:
    table = _coverage_table(TEXT)
    expected: dict[str, dict[str, set[str]]] = {}
    for point in POINTS:
        columns = expected.setdefault(point.topic, {column: set() for column in MAP_COLUMNS})
        columns[point.statuses[0]].add(point.anchor)
    assert table == expected


@pytest.mark.parametrize("page", PAGES, ids=lambda path: path.stem)
def test_rule_page_cites_the_guidelines(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert "guidance/" not in text, "cite docs/guidelines.md#<anchor>, not the unpublished guidance files"
    if page.stem in META_CODES:
        return  # BE000 reports stale suppressions; it encodes no backend guidance
    cited = [match["anchor"] for match in _CITATION.finditer(text)]
    assert cited, "Why it matters links its point as [guidelines: <anchor>](../docs/guidelines.md#<anchor>)"
    assert [anchor for anchor in cited if anchor not in BY_ANCHOR] == [], "cited anchor missing from the page"
    assert any(page.stem in BY_ANCHOR[anchor].checked_by for anchor in cited), (
        "the page cites at least one point that lists this rule under 'Checked by'"
    )


def test_guidelines_are_linked_from_the_readme_and_rules_index() -> None:
    assert "](docs/guidelines.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](guidelines.md)" in rules_index()
