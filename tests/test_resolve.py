"""The one resolver (``analysis/resolve.py``): which ``def`` a call runs, seen from where the call is written."""

from __future__ import annotations

import ast
import textwrap

from backend_lint.analysis.resolve import Imported, called_function, resolve_name, returned_values
from backend_lint.context import FileContext
from backend_lint.engine import Engine
from backend_lint.rule import Rule, visits


class CallTargets(Rule):
    """Reports, for every call, where the ``def`` it runs is (``line:name``), ``import:<name>`` or ``-``."""

    code = "BE994"
    name = "call-targets"
    message = "`{what}`"
    needs = (called_function, resolve_name)

    @visits(ast.Call)
    def call(self, node: ast.Call, ctx: FileContext) -> None:
        found = called_function(node, ctx, ctx.scope)
        if found is not None:
            what = f"{found.node.lineno}:{found.node.name}"
        elif isinstance(node.func, ast.Name) and isinstance(imported := resolve_name(node.func, ctx, ctx.scope),
                                                            Imported):
            what = f"import:{imported.qualified}"
        else:
            what = "-"
        self.report(ctx, node, what=what)


def _targets(code: str) -> list[tuple[int, str]]:
    source = textwrap.dedent(code)
    result = Engine([CallTargets()]).check(ast.parse(source), source, "app/x.py", "app/x.py")
    assert not result.errors, result.errors
    return [(finding.line, finding.message.strip("`")) for finding in result.findings]


def test_innermost_scope_first_and_the_last_definition_that_reaches() -> None:
    assert _targets(
        """
        def build():
            return 1

        def outer():
            def build():
                return 2
            return build()

        def later():
            return build()

        build()

        def build():
            return 3

        build()
        """
    ) == [(8, "6:build"), (11, "15:build"), (13, "2:build"), (18, "15:build")]


def test_a_parameter_or_an_assignment_next_to_a_def_hides_it() -> None:
    assert _targets(
        """
        def build():
            return 1

        def with_parameter(build):
            return build()

        def reassigned():
            build = make()
            return build()

        def helper():
            pass

        helper = wrap(helper)
        helper()
        """
    ) == [(6, "-"), (9, "-"), (10, "-"), (15, "-"), (16, "-")]


def test_self_resolves_in_the_enclosing_class_then_its_bases_of_this_file() -> None:
    assert _targets(
        """
        from shop.base import Remote

        class Audit:
            def _query(self):
                return "audit"

        class Orders:
            def _query(self):
                return "orders"

            def run(self):
                self._query()
                def nested():
                    return self._query()
                return nested()

        class Archived(Orders, Remote):
            def run(self):
                return self._query()

            def other(this):
                return self._query()

            @classmethod
            def make(cls):
                return cls._query()
        """
    ) == [(13, "9:_query"), (15, "9:_query"), (16, "14:nested"), (20, "9:_query"), (23, "-"), (27, "9:_query")]


def test_class_bodies_are_visible_only_to_code_written_in_them() -> None:
    assert _targets(
        """
        def helper():
            return 1

        class Config:
            def helper():
                return 2

            value = helper()

            def method(self):
                return helper()
        """
    ) == [(9, "6:helper"), (12, "2:helper")]


def test_imported_names_resolve_to_the_import_they_came_from() -> None:
    assert _targets(
        """
        def run():
            return build_query()

        from shop.db import build_query
        """
    ) == [(3, "import:shop.db.build_query")]


def test_returned_values_skip_nested_functions_and_generators() -> None:
    source = textwrap.dedent(
        """
        def factory():
            def inner():
                return "inner"
            if flag:
                return make()
            return

        def generator():
            yield 1
            return 2
        """
    )
    tree = ast.parse(source)
    ctx = FileContext(tree, source, "app/x.py", "app/x.py")
    factory, generator = tree.body
    values = returned_values(ctx, factory)  # type: ignore[arg-type]
    assert sorted(ast.unparse(value) if value is not None else "None" for value in values) == ["None", "make()"]
    assert returned_values(ctx, generator) == []  # type: ignore[arg-type]


def test_a_class_body_runs_at_once_and_sees_the_definition_above_it() -> None:
    assert _targets(
        """
        def make():
            return 1

        class Config:
            value = make()

        def make():
            return 2
        """
    ) == [(6, "2:make")]
