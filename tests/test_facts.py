"""Declared facts (``analysis/facts.py``): computed once per file and node, declared by every rule that asks,
and visible to the engine when they depend on other files of the project."""

from __future__ import annotations

import ast
import textwrap

import pytest

from backend_lint.analysis.facts import (
    PROJECT,
    fact_name,
    file_fact,
    is_fact,
    needed_facts,
    needs_project,
    node_fact,
    reads,
)
from backend_lint.config import Config
from backend_lint.context import FileContext
from backend_lint.engine import Engine
from backend_lint.registry import all_rule_classes
from backend_lint.rule import FileState, Rule, leaves, visits
from backend_lint.runner import build_rules
from tests.fixture_files import FIXTURES, all_fixtures


def _context(code: str, path: str = "app/service.py") -> FileContext:
    source = textwrap.dedent(code)
    return FileContext(ast.parse(source), source, path, path)


CALLS: list[str] = []


@file_fact()
def counted_file(ctx: FileContext) -> int:
    CALLS.append("file")
    return len(ctx.tree.body)


@node_fact(reads=(counted_file,))
def counted_node(ctx: FileContext, node: ast.AST) -> str:
    CALLS.append(type(node).__name__)
    return f"{type(node).__name__}/{counted_file(ctx)}"


@node_fact(while_computing="busy")
def reentrant(ctx: FileContext, node: ast.AST) -> str:
    return "done, inner saw " + reentrant(ctx, node)


def test_a_fact_is_computed_once_per_file_and_node() -> None:
    CALLS.clear()
    ctx = _context("x = 1\ny = 2\n")
    first, second = ctx.tree.body
    assert [counted_node(ctx, first), counted_node(ctx, first), counted_node(ctx, second)] == [
        "Assign/2", "Assign/2", "Assign/2",
    ]
    assert CALLS == ["Assign", "file", "Assign"]
    assert set(ctx.facts) == {counted_node, counted_file}
    other = _context("x = 1\n")
    assert counted_file(other) == 1, "another file computes its own value"


def test_a_recursive_ask_gets_the_placeholder_instead_of_recursing() -> None:
    ctx = _context("x = 1\n")
    assert reentrant(ctx, ctx.tree) == "done, inner saw busy"


def test_only_facts_and_declared_functions_can_be_read() -> None:
    def undeclared(ctx: FileContext) -> None:
        return None

    with pytest.raises(TypeError, match="neither a fact nor declared"):
        file_fact(reads=(undeclared,))(lambda ctx: None)
    declared = reads(counted_node)(undeclared)
    assert needed_facts([declared]) == {counted_node, counted_file}
    assert not is_fact(declared) and is_fact(counted_node)


@file_fact(scope=PROJECT)
def exported_names(ctx: FileContext) -> frozenset[str]:
    """Stands for a project fact (what other modules export): only its declaration is under test here."""
    return frozenset()


@reads(exported_names)
def imported_from_project(name: str, ctx: FileContext) -> bool:
    return name in exported_names(ctx)


class ProjectReader(Rule):
    code = "BE992"
    name = "project-reader"
    message = "`{what}`"
    needs = (imported_from_project,)


def test_the_engine_knows_which_rules_need_project_facts() -> None:
    rules = build_rules(Config())
    project = {rule.code for rule in Engine(rules).project_rules()}
    assert {"BE104", "BE201", "BE301", "BE401", "BE503"} <= project, "they attach facts of other files to their findings"
    assert "BE205" in project, "its own facts are of its file, but a finding in code nothing calls is dropped"
    reader = ProjectReader()
    assert needs_project(ProjectReader.needs)
    assert reader in Engine([*rules, reader]).project_rules()


class Collector(Rule):
    """Collects call names across callbacks in its per-file state and reports them when the module ends."""

    code = "BE993"
    name = "collector"
    message = "`{what}`"
    seen: FileState[list[str]] = FileState(list)

    @visits(ast.Call)
    def call(self, node: ast.Call, ctx: FileContext) -> None:
        self.seen(ctx).append(ast.unparse(node.func))

    @leaves(ast.Module)
    def done(self, node: ast.Module, ctx: FileContext) -> None:
        self.report(ctx, node.body[0], what=",".join(self.seen(ctx)))


def test_rule_state_starts_fresh_for_every_file() -> None:
    engine = Engine([Collector()])
    first = engine.check(ast.parse("a()\nb()\n"), "a()\nb()\n", "one.py", "one.py")
    second = engine.check(ast.parse("c()\n"), "c()\n", "two.py", "two.py")
    assert [finding.message for finding in first.findings + second.findings] == ["`a,b`", "`c`"]


RULES = all_rule_classes()
SOURCES = [(fixture.path, fixture.project_path) for fixture in all_fixtures() if not fixture.skipped] + [
    (path, f"service/{path.name}") for path in sorted((FIXTURES / "clean").glob("*.py"))
]


@pytest.mark.parametrize("cls", RULES, ids=lambda cls: cls.code)
def test_every_fact_a_rule_computes_is_declared(cls: type[Rule]) -> None:
    """Each rule alone over every fixture: the facts its questions computed are all reachable from its
    ``needs``, so what the engine believes a rule depends on is what it really reads."""
    engine = Engine([cls()])
    declared = needed_facts(cls.needs)
    computed: set = set()
    for path, project_path in SOURCES:
        source = path.read_text(encoding="utf-8")
        ctx = FileContext(ast.parse(source), source, project_path, project_path)
        assert engine.run(ctx) == []
        computed.update(ctx.facts)
    assert sorted(fact_name(fact) for fact in computed - declared) == []
