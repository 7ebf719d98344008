"""BE103 query-in-loop: a query inside a loop over rows that themselves came from a query (N+1).

Loading a list and then running one more query per row turns one round trip into N+1: fast on a laptop with
ten rows, a timeout in production with ten thousand. The rule reports a query (a DB-API or async driver sink,
a Django manager or related-manager call, a SQLAlchemy session query) made in the body of a ``for`` loop or a
comprehension whose iterable is itself a query result (:mod:`backend_lint.analysis.orm`), at the inner query.

Left alone: loops over parameters, literals and anything not known to be rows; related-manager reads that
``prefetch_related``/``select_related``/``selectinload``/``joinedload`` on the iterated query made a cache
read (``order.items.all()`` after ``prefetch_related("items")``); writes collected and sent in bulk after the
loop; ``while`` loops (batching loops fetch the next page on purpose); tests and data migrations
(``ignore-paths``), which run once.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Optional

from backend_lint.analysis.orm import DJANGO, Query, loop_query, model_relations, query_call, written
from backend_lint.analysis.project.conditions import test_support
from backend_lint.analysis.provenance import sql_text
from backend_lint.analysis.sql import query_sink
from backend_lint.context import FileContext
from backend_lint.rule import FileState, Option, Rule, visits

_CACHED_RELATED = {"all", "count", "exists"}
_FETCHES = {"fetchall", "fetchmany", "fetchone"}
_WRITE_SQL = re.compile(r"\s*(?:INSERT|UPDATE|DELETE|REPLACE|UPSERT|MERGE)\b", re.IGNORECASE)
_WRITES = {"create", "update", "delete", "get_or_create", "update_or_create", "acreate", "aupdate", "adelete"}


@dataclass
class _FileState:
    skipped: Optional[bool] = None
    """The file is a test or a one-off data migration (``ignore-paths``)."""
    relations_read: set[tuple[ast.AST, str]] = field(default_factory=set)
    """``(loop, relation)`` already reported: the first access loads it, later ones read the cached row."""


class QueryInLoop(Rule):
    code = "BE103"
    name = "query-in-loop"
    message = "`{query}` queries once per row of the query at line {line} (N+1); {advice}"
    triggers = ("for ",)
    needs = (loop_query, query_call, model_relations, query_sink, sql_text)
    module_facts = (test_support,)
    state = FileState(_FileState)
    options = (
        Option(
            "ignore-paths",
            list,
            ["migrations/", "_migrations/", "alembic/"],
            "paths of one-off data migrations, where a query per row is accepted (folders end in '/')",
        ),
    )

    @visits(ast.Call)
    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        if not isinstance(node.func, ast.Attribute):
            return
        loops = ctx.scope.loops
        if not loops:
            return
        inner = None
        for loop in loops:
            outer = loop_query(ctx, loop)
            if outer is None or isinstance(loop, ast.While):  # (a ``while`` iterates over no query)
                continue
            if inner is None:
                if self._skipped(ctx):
                    return
                inner = query_call(node, ctx)
                if inner is None or inner.last_method in _FETCHES:
                    return  # fetching the rows of a query already run is not another round trip
            if _cached(node, inner, outer, loop):
                return
            if inner.last_method in _WRITES or _writes_sql(node, ctx):
                advice = "collect the changes and write them in bulk after the loop"
            elif outer.framework == DJANGO:
                advice = "load the related rows with `prefetch_related`/`select_related` or one query with `__in`"
            else:
                advice = "fetch them in one query (a join or `IN`) before the loop"
            self.report(ctx, node, query=written(node), line=loop.iter.lineno, advice=advice)
            return


    @visits(ast.Attribute)
    def check_relation(self, node: ast.Attribute, ctx: FileContext) -> None:
        """``book.author`` in a loop over books: a lazy load of a relation declared by a model of this file."""
        row = node.value
        if not isinstance(row, ast.Name) or not isinstance(node.ctx, ast.Load):
            return
        loops = ctx.scope.loops
        if not loops:
            return
        relations = model_relations(ctx)
        if not relations or self._skipped(ctx):
            return
        for loop in loops:
            if isinstance(loop, ast.While):
                continue
            target = loop.target
            if not (isinstance(target, ast.Name) and target.id == row.id):
                continue
            outer = loop_query(ctx, loop)
            if outer is None or node.attr not in relations.get(outer.model or "", ()):
                return
            if node.attr in outer.preloaded:
                return
            seen = self.state(ctx).relations_read
            if (loop, node.attr) in seen:
                return  # the first access loads it; later ones read the cached row
            seen.add((loop, node.attr))
            advice = (
                f'add `select_related("{node.attr}")` to the query'
                if outer.framework == DJANGO
                else f"load it with `selectinload`/`joinedload` of `{outer.model}.{node.attr}` on the query"
            )
            self.report(ctx, node, query=f"{row.id}.{node.attr}", line=loop.iter.lineno, advice=advice)
            return


    def _skipped(self, ctx: FileContext) -> bool:
        """Tests and one-off data migrations (``ignore-paths``), decided once per file."""
        state = self.state(ctx)
        if state.skipped is None:
            state.skipped = ctx.is_test_file or ctx.path_matches(self.option("ignore-paths"))
        return state.skipped


def _writes_sql(call: ast.Call, ctx: FileContext) -> bool:
    """A driver call whose SQL is an ``INSERT``/``UPDATE``/``DELETE`` (advice: ``executemany``, bulk writes)."""
    sink = query_sink(ctx, call)
    if sink is None or not sink.sql:
        return False
    provenance = sql_text(sink.sql[0], ctx)
    return provenance is not None and bool(_WRITE_SQL.match(provenance.text))


def _cached(call: ast.Call, inner: Query, outer: Query, loop: ast.AST) -> bool:
    """``row.items.all()`` where the loop's query preloaded ``items``: a cache read, not a query."""
    if inner.framework != DJANGO or not outer.preloaded or not inner.calls:
        return False
    first = inner.calls[0].func
    if not isinstance(first, ast.Attribute) or not isinstance(first.value, ast.Attribute):
        return False
    relation = first.value
    target = getattr(loop, "target", None)
    if not (isinstance(relation.value, ast.Name) and isinstance(target, ast.Name) and relation.value.id == target.id):
        return False
    return relation.attr in outer.preloaded and all(method in _CACHED_RELATED for method in inner.methods)
