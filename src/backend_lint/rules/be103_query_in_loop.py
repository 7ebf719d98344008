"""BE103 query-in-loop: a query inside a loop over rows that themselves came from a query (N+1).

Loading a list and then running one more query per row turns one round trip into N+1: fast on a laptop with
ten rows, a timeout in production with ten thousand. The rule reports a query (a DB-API or async driver sink,
a Django manager or related-manager call, a SQLAlchemy session query) made in the body of a ``for`` loop or a
comprehension whose iterable is itself a query result (:mod:`backend_lint.analysis.orm`), at the inner query.
A lazy relation read on the row (``order.customer``) counts too: for a model of this file by its own fields,
for a model imported from another module of the project when the project model says that model declares the
relation (:func:`~backend_lint.analysis.project.conditions.relation`, ``only_if``; never without a project).

Only a read that uses the row is reported (:func:`~backend_lint.analysis.per_row_design.uses_the_row`): every
finding judged true on real applications asked the database a different question per row, fixable by one join,
prefetch or ``IN`` query. A write per row (``create``, ``update``, ``delete``, ``save``, SQL ``INSERT``...) is
left alone: each one judged on real applications was the design (a lock, a signal, a result per row, a job), and
so are the reads of a loop that deletes each row (a purge) or of a ``while`` in it that deletes one row per
turn (an over-quota user's newest tasks, and the count bounding it), a row fetched only to be written
(``activity = Activity.objects.get(pk=...)``, fields set, ``activity.save()``: the read half of a write per
row), a read of a relation of the row that the same pass writes (``members = doc.shared_to.all()`` then
``doc.shared_to.add(user)`` for the missing ones, or ``.count()`` logged after ``.set(...)``) and schema
statements per row (``DROP FUNCTION``).

Left alone: loops over parameters, literals and anything not known to be rows; loops over a table the project
ships and never grows (:func:`~backend_lint.analysis.project.conditions.fixed_table`); related-manager reads that
``prefetch_related``/``select_related``/``selectinload``/``joinedload`` on the iterated query made a cache read
(``order.items.all()`` after ``prefetch_related("items")``, and ``variation.channels.all()`` in a loop over
``product.variations.all()`` after ``prefetch_related("variations__channels")``, also on the one row such a query
returned with ``.first()``), and relations of the object a
method is handed that its own class prefetches (a serializer's ``prefetch_queryset``); querysets built
lazily inside ``Exists()``/``Subquery()`` or with ``OuterRef``, or joined into one with ``|=``/``&`` (no query runs
per row); loops over a handful of
rows the code bounds itself (``qs[:10]``), the rows linking two objects it holds (one named by key), or the rows
of objects it picked by key (``filter(address__in=chosen)``
where ``chosen = ...filter(pk__in=pks)``: a merge, an action on a selection; ``filter(id__in=ids)`` where ``ids =
request.POST.getlist(...)``: the items a user ticked for a bulk action); walks over a tree (the function calls
itself); a query in an ``except`` clause inside the loop (only the rows that fail); a loop that copies each row
(``row_copy.pk = None``, or ``create(component=new, configuration=row.configuration)``: one object's tree copied
row by row); a fetch guarded by a probe of the same queryset (``if qs.exists(): qs.first()``, the probe is
reported); the read a per-row compare-and-set fences on, and the work of a transaction the loop opens per row to
lock it (``with transaction.atomic(): Event.objects.select_for_update().get(pk=pk)``, reads under that lock;
:mod:`backend_lint.analysis.per_row_design`); ``while``
loops (batching loops fetch the next page on purpose) and the rows of one batch such a loop fetched
(``.limit(batch_size)``), or one batch a function cuts and counts for its caller (``return len(rows)``, ``return
reclaimed`` after ``reclaimed += 1`` per row); tests,
test support and data migrations (module roles, a function with the ``RunPython`` signature ``(apps,
schema_editor)``, and ``ignore-paths``), which run once.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Optional

from backend_lint.analysis.ast_helpers import callee_name
from backend_lint.analysis.document_exports import children_of_one_object, renders_document
from backend_lint.analysis.facts import file_fact
from backend_lint.analysis.few_rows import (
    drains_batches,
    handful,
    of_chosen_rows,
    one_batch,
    one_pair,
    recent_window,
)
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.mentions import mentioned_names
from backend_lint.analysis.module_roles import in_migration, module_roles
from backend_lint.analysis.orm import (
    DJANGO,
    Query,
    loop_query,
    model_relations,
    query_call,
    query_of,
    recursive,
    written,
)
from backend_lint.analysis.per_row_design import (
    copies_rows,
    deletes_each_row,
    fence_read,
    fetched_to_write,
    job_helpers,
    leaves_the_loop,
    locked_per_row,
    on_error_path,
    probed_branch,
    purges_in_turns,
    starts_a_job_per_row,
    uses_the_row,
    writes_its_relation,
)
from backend_lint.analysis.project.conditions import (
    ProjectFact,
    does,
    fixed_table,
    method_does,
    plain_class,
    relation,
    runs_query,
    test_support,
)
from backend_lint.analysis.project.imported import imported_qualified, imported_qualified_name
from backend_lint.analysis.provenance import sql_text
from backend_lint.analysis.query_results import RECEIVER, result_use
from backend_lint.analysis.resolve import lookup
from backend_lint.analysis.service_code import in_service_code, serves_requests
from backend_lint.analysis.sql import query_sink
from backend_lint.analysis.startup_hooks import startup_only_facts
from backend_lint.context import FileContext
from backend_lint.rule import FileState, Option, Rule, visits

_CACHED_RELATED = {"all", "count", "exists"}
_WRITES = frozenset({"create", "acreate", "get_or_create", "aget_or_create", "update_or_create", "aupdate_or_create",
                     "update", "aupdate", "delete", "adelete", "bulk_create", "abulk_create", "bulk_update",
                     "abulk_update", "executemany", "execute_many", "add", "add_all", "merge", "save", "asave"})
"""Calls that write rows (Django manager writes, a session's ``add``/``merge``/``delete``, the bulk calls)."""
_WRITE_STATEMENTS = frozenset({"insert", "update", "delete"})
"""SQLAlchemy statement builders (``update(User).where(...)``, ``users.delete()``) whose statement writes."""
_LAZY_WRAPPERS = {"Exists", "Subquery"}
_LAZY = {"all", "filter", "exclude", "annotate", "alias", "order_by", "reverse", "distinct", "values",
         "values_list", "select_related", "prefetch_related", "defer", "only", "using", "none"}
"""Django queryset methods that build a query without running it."""
_EVALUATING = {"list", "tuple", "set", "len", "bool", "sorted", "sum", "any", "all", "next", "iter", "enumerate",
               "reversed", "dict", "frozenset", "print", "str", "repr"}
"""Builtins that run the queryset they are given, right there."""
_FETCHES = {"fetchall", "fetchmany", "fetchone"}
_WRITE_SQL = lazy_compile(
    r"\s*(?:INSERT|UPDATE|DELETE|REPLACE|UPSERT|MERGE|CREATE|DROP|ALTER|TRUNCATE|GRANT|REVOKE|COMMENT|VACUUM|REINDEX"
    r"|REFRESH|CLUSTER)\b", re.IGNORECASE)
"""SQL that writes rows or changes the schema (``DROP FUNCTION ... CASCADE`` per catalog row of a clean-up
helper): no read, so no N+1."""


@file_fact()
def _plain_classes(ctx: FileContext) -> frozenset[str]:
    """The module's top-level classes written with no base but ``object``, or only bases that are such
    classes of the module (``class Domain(MailmanRestModel)`` after ``class MailmanRestModel(object)``)."""
    bases = {
        statement.name: [dotted_name(base) for base in statement.bases]
        for statement in ctx.tree.body if isinstance(statement, ast.ClassDef) and not statement.keywords
    }
    plain: set[str] = set()
    for _round in range(4):  # a few levels of subclasses
        plain.update(name for name, written in bases.items()
                     if all(base == "object" or base in plain for base in written))
    return frozenset(plain)


def _plain_model(outer: Query, ctx: FileContext) -> bool:
    """The loop's rows come from ``objects`` of a plain class of this file: the project's own manager (a REST
    client's list of Mailman domains), not the ORM."""
    return outer.model is not None and outer.model in _plain_classes(ctx)


def _plain_elsewhere(outer: Query, ctx: FileContext) -> tuple[ProjectFact, ...]:
    """The same for a class of another module of the project, which the project model decides; and, for a model
    of any module, that the project ships its rows and makes none by use (:func:`fixed_table`: archivematica's
    fifteen transfer metadata fields, created only by a data migration): the loop's rows are a bounded handful,
    so the queries per row are too."""
    if outer.model is None:
        written = _module_model(outer)  # ``models.TransferMetadataField.objects.all()``
        imported = imported_qualified_name(ctx, written) if written is not None else None
        return (fixed_table(imported),) if imported is not None else ()
    imported = imported_qualified_name(ctx, outer.model)
    if imported is not None:
        return plain_class(imported), fixed_table(imported)
    own = ctx.module and outer.model in model_relations(ctx)
    return (fixed_table(f"{ctx.module}.{outer.model}"),) if own else ()


def _module_model(outer: Query) -> Optional[str]:
    """``models.TransferMetadataField`` of a Django query on a model read from an imported module."""
    for call in outer.calls:
        manager = call.func.value if isinstance(call.func, ast.Attribute) else None
        if isinstance(manager, ast.Attribute) and manager.attr == "objects" \
                and isinstance(manager.value, ast.Attribute):
            return dotted_name(manager.value)
    return None


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
    needs = (mentioned_names, loop_query, query_call, model_relations, query_sink, sql_text, module_roles,
             in_migration, recursive, result_use, in_service_code, serves_requests, lookup, query_of, runs_query,
             _plain_classes, starts_a_job_per_row, uses_the_row, fence_read, renders_document,
             children_of_one_object, job_helpers, does, method_does)
    module_facts = (test_support,)
    state = FileState(_FileState)
    options = (
        Option(
            "report-outside-service-code",
            bool,
            False,
            "also report loops outside code a service demonstrably runs per request or job (handlers, views,"
            " forms, serializers, tasks, coroutines): model methods, signal receivers, helpers, scripts",
        ),
        Option(
            "report-helper-queries",
            bool,
            False,
            "also report a loop over rows, in a module that answers requests, that hands the row to a function of"
            " another module of the project that runs a query on every call (read from the project model)",
        ),
        Option(
            "ignore-paths",
            list,
            ["migrations/", "_migrations/", "alembic/", "management/commands/"],
            "paths of one-off data migrations and maintenance commands, where a query per row is accepted"
            " (folders end in '/')",
        ),
    )

    @visits(ast.Call)
    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        if not isinstance(node.func, ast.Attribute):
            return
        loops = ctx.scope.loops
        if not loops or node.func.attr in _WRITES:
            return  # a write per row is not the N+1 this rule is about (see the module's docstring)
        inner = None
        for depth, loop in enumerate(loops):
            outer = loop_query(ctx, loop)
            if outer is None or isinstance(loop, ast.While):  # (a ``while`` iterates over no query)
                continue
            if not uses_the_row(node, loop, ctx):
                continue  # the same query on every pass of this loop (an outer loop's row may be named)
            if inner is None:
                if self._skipped(ctx) or _tree_walk(ctx) or not self._served(ctx):
                    return
                inner = query_call(node, ctx)
                if inner is None or inner.last_method in _FETCHES:
                    return  # fetching the rows of a query already run is not another round trip
                if (_writes(node, inner, ctx) or _lazy_subquery(node, inner, ctx)
                        or (inner.framework == DJANGO and _combined_lazily(node, ctx))
                        or _built_for_later(node, inner, ctx) or _handed_on(node, inner, ctx)):
                    return
            if (_cached(node, inner, outer, loop) or handful(outer) or recent_window(outer, ctx)
                    or of_chosen_rows(outer, ctx) or one_pair(outer)
                    or drains_batches(outer, loops[depth + 1:], ctx) or _plain_model(outer, ctx)
                    or leaves_the_loop(node, loop, ctx)
                    or on_error_path(node, loop, ctx) or starts_a_job_per_row(loop, ctx)
                    or copies_rows(loop) or one_batch(outer, loop, ctx) or probed_branch(node, loop, ctx)
                    or fence_read(node, loop, ctx) or fetched_to_write(node, loop, ctx)
                    or writes_its_relation(node, loop) or deletes_each_row(loop)
                    or purges_in_turns(node, loop, ctx)
                    or _exports_one_object(loops, ctx) or locked_per_row(node, loops[-1], ctx)):
                return
            if outer.framework == DJANGO:
                advice = "load the related rows with `prefetch_related`/`select_related` or one query with `__in`"
            else:
                advice = "fetch them in one query (a join or `IN`) before the loop"
            self.report(ctx, node, query=written(node), line=loop.iter.lineno, advice=advice,
                        unless=(*_plain_elsewhere(outer, ctx), *startup_only_facts(ctx), *job_helpers(loop, ctx)))
            return


    @visits(ast.Call)
    def check_helper_call(self, node: ast.Call, ctx: FileContext) -> None:
        """``load_customer(order)`` in a loop over orders, where ``load_customer`` is a function of another module
        of the project that runs a query on every call (``only_if=(runs_query(...),)``: never without a
        project), with ``report-helper-queries`` (off by default: on the corpus such loops mostly visit a
        handful of rows, the days of one workout). Only in a module that answers requests: in a background
        job, a service called per item is how the job is built, not a page that waits for a query per row."""
        loops = ctx.scope.loops
        if not loops or not (node.args or node.keywords) or not self.option("report-helper-queries") \
                or not serves_requests(ctx):
            return
        for depth, loop in enumerate(loops):
            if isinstance(loop, ast.While) or not _passes_row(node, loop):
                continue
            helper = imported_qualified(ctx, node.func)
            package = ctx.module.partition(".")[0]
            if helper is None or not package or not helper.startswith(package + "."):
                return
            outer = loop_query(ctx, loop)
            if outer is None or self._skipped(ctx) or _tree_walk(ctx) or not self._served(ctx):
                return
            if (handful(outer) or of_chosen_rows(outer, ctx) or drains_batches(outer, loops[depth + 1:], ctx)
                    or _plain_values(outer)):
                return
            self.report(ctx, node, only_if=(runs_query(helper),), query=written(node), line=loop.iter.lineno,
                        advice="it runs a query on every call: load what it needs for all the rows before the loop")
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
        for depth, loop in enumerate(loops):
            if isinstance(loop, ast.While):
                continue
            target = loop.target
            if not (isinstance(target, ast.Name) and target.id == row.id):
                continue  # (the cheap test first: most names read in a loop are not its row)
            if self._skipped(ctx) or _tree_walk(ctx) or not self._served(ctx):
                return
            outer = loop_query(ctx, loop)
            if outer is None or outer.model is None:
                return
            only_if: tuple[ProjectFact, ...] = ()
            if node.attr not in model_relations(ctx).get(outer.model, ()):
                imported = imported_qualified_name(ctx, outer.model)
                if imported is None:
                    return
                only_if = (relation(imported, node.attr),)  # a model of another module: its relations
            if (node.attr in outer.preloaded or handful(outer) or recent_window(outer, ctx)
                    or of_chosen_rows(outer, ctx) or one_pair(outer)
                    or drains_batches(outer, loops[depth + 1:], ctx) or _plain_model(outer, ctx)
                    or on_error_path(node, loop, ctx) or starts_a_job_per_row(loop, ctx)
                    or copies_rows(loop) or one_batch(outer, loop, ctx) or _exports_one_object(loops, ctx)
                    or deletes_each_row(loop) or locked_per_row(node, loops[-1], ctx)):
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
            self.report(ctx, node, only_if=only_if, query=f"{row.id}.{node.attr}", line=loop.iter.lineno,
                        advice=advice,
                        unless=(*_plain_elsewhere(outer, ctx), *startup_only_facts(ctx), *job_helpers(loop, ctx)))
            return


    def _skipped(self, ctx: FileContext) -> bool:
        """Tests, test support and one-off data migrations (module roles, ``ignore-paths``), decided
        once per file; then migration code in a service module (a ``RunPython`` function)."""
        state = self.state(ctx)
        if state.skipped is None:
            roles = module_roles(ctx)
            state.skipped = ctx.is_test_file or roles.for_tests or ctx.path_matches(self.option("ignore-paths"))
        return state.skipped or in_migration(ctx)


    def _served(self, ctx: FileContext) -> bool:
        """Code a service runs per request or job, or anything with ``report-outside-service-code``."""
        return self.option("report-outside-service-code") or in_service_code(ctx)


def _exports_one_object(loops: Sequence[ast.AST], ctx: FileContext) -> bool:
    """The function lays out a document (a PDF, an iCal file) of one object from that object's children
    (``for meal in plan.meal_set.all(): elements.append(Paragraph(...))``): a few rows by nature, each
    rendered (:mod:`backend_lint.analysis.document_exports`)."""
    function = ctx.scope.function
    return function is not None and renders_document(ctx, function) and children_of_one_object(ctx, loops)


def _passes_row(call: ast.Call, loop: ast.AST) -> bool:
    """``call`` hands the loop's row to the callee (``notify(order)``, ``notify(user=order.customer)``)."""
    target = getattr(loop, "target", None)
    if not isinstance(target, ast.Name):
        return False
    for value in [*call.args, *(keyword.value for keyword in call.keywords)]:
        root = value
        while isinstance(root, ast.Attribute):
            root = root.value
        if isinstance(root, ast.Name) and root.id == target.id:
            return True
    return False


def _plain_values(outer: Query) -> bool:
    """The rows are plain values (``values_list("pk", flat=True)``, ``values(...)``): ids handed one by one to
    work done per item on purpose (a task per id, batching elsewhere), not model rows whose relations load."""
    return any(method in ("values_list", "values") for method in outer.methods)


def _tree_walk(ctx: FileContext) -> bool:
    function = ctx.scope.function
    return function is not None and recursive(ctx, function)


def _built_for_later(node: ast.Call, inner: Query, ctx: FileContext) -> bool:
    """``threads = category.thread_set.filter(weight=0)`` whose every use is a method call on it
    (``threads.exists()``, ``threads.filter(...).iterator()``): building a queryset runs nothing; a query runs
    where a use evaluates it, and is reported there."""
    return inner.framework == DJANGO and inner.last_method in _LAZY and result_use(ctx, node) == RECEIVER


def _handed_on(node: ast.Call, inner: Query, ctx: FileContext) -> bool:
    """``_generate_changes(model.objects.filter(pk__in=pks))``: a lazy queryset handed to a function of the
    project, which evaluates it once as a whole set (or not at all); not ``list(qs)``/``len(qs)``."""
    parent = ctx.parent_of(node)
    return (inner.framework == DJANGO and inner.last_method in _LAZY and isinstance(parent, ast.Call)
            and node in parent.args and callee_name(parent) not in _EVALUATING)


_SET_OPERATORS = (ast.BitOr, ast.BitAnd)


def _combined_lazily(node: ast.Call, ctx: FileContext) -> bool:
    """``events |= action.events.all()``: Django querysets joined with ``|``/``&`` stay lazy, so the loop builds
    one query that runs once after it (edaserver's audit events, paginated after the loop), none per row."""
    parent = ctx.parent_of(node)
    if isinstance(parent, ast.AugAssign):
        return parent.value is node and isinstance(parent.op, _SET_OPERATORS)
    return isinstance(parent, ast.BinOp) and isinstance(parent.op, _SET_OPERATORS)


def _lazy_subquery(node: ast.Call, inner: Query, ctx: FileContext) -> bool:
    """A queryset built as part of another query: inside ``Exists(...)``/``Subquery(...)``, or correlated with
    ``OuterRef(...)``. Django runs it as SQL inside the outer query, never once per row."""
    if any(
        isinstance(arg, ast.Call) and callee_name(arg) == "OuterRef"
        for call in inner.calls for arg in [*call.args, *(keyword.value for keyword in call.keywords)]
    ):
        return True
    parent = ctx.parent_of(node)
    while parent is not None and not isinstance(parent, ast.stmt):
        if isinstance(parent, ast.Call) and callee_name(parent) in _LAZY_WRAPPERS:
            return True
        parent = ctx.parent_of(parent)
    return False


def _cached(call: ast.Call, inner: Query, outer: Query, loop: ast.AST) -> bool:
    """``row.items.all()`` where the loop's query preloaded ``items``, or ``post.thread.forum.members.all()`` after
    ``prefetch_related("thread__forum__members")``: a cache read, not a query."""
    if inner.framework != DJANGO or not outer.preloaded or not inner.calls:
        return False
    first = inner.calls[0].func
    if not isinstance(first, ast.Attribute) or not isinstance(first.value, ast.Attribute):
        return False
    relations: list[str] = []
    expr: ast.expr = first.value
    while isinstance(expr, ast.Attribute):
        relations.append(expr.attr)
        expr = expr.value
    target = getattr(loop, "target", None)
    if not (isinstance(expr, ast.Name) and isinstance(target, ast.Name) and expr.id == target.id):
        return False
    path = "__".join(reversed(relations))
    prefetched = outer.preloaded | {
        "__".join(parts[:end]) for lookup in outer.paths if (parts := lookup.split("__"))
        for end in range(1, len(parts) + 1)
    }
    return path in prefetched and all(method in _CACHED_RELATED for method in inner.methods)


def _write_statement(statement: ast.expr, ctx: FileContext) -> bool:
    """A SQLAlchemy statement that writes, however its builder is spelled: ``update(User).where(...)``,
    ``sa.update(table).where(...).values(...)`` (the module-qualified builder backend.ai writes per drifted row
    of a reconciliation), ``users.delete().where(...)`` (a table's own method), or a local assigned such a
    statement once (``stmt = sa.insert(table).values(...)``, then ``session.execute(stmt)``)."""
    if isinstance(statement, ast.Name):
        found = lookup(statement.id, ctx, ctx.scope)
        value = found[1].single_value(statement.id) if found is not None else None
        if value is None:
            return False
        statement = value
    while isinstance(statement, ast.Call):  # ``sa.update(t).where(...).values(...)`` down to ``sa.update(t)``
        if callee_name(statement) in _WRITE_STATEMENTS:
            return True
        if not isinstance(statement.func, ast.Attribute):
            return False
        statement = statement.func.value
    return False


def _writes(node: ast.Call, inner: Query, ctx: FileContext) -> bool:
    """The call writes rows: a Django manager write (``filter(pk=row.pk).update(...)``, ``create(...)``), SQL text
    that inserts, updates or deletes (also wrapped in SQLAlchemy's ``text()``), or a SQLAlchemy statement that
    does (``session.execute(update(User).where(User.id == row.id))``). Per-row writes on real applications were
    the design (a lock, a signal or a result per row, a job dispatched) far more often than not, and N+1 is about
    reads."""
    if inner.last_method in _WRITES:
        return True
    if node.args and _write_statement(node.args[0], ctx):
        return True
    sink = query_sink(ctx, node)
    if sink is None or not sink.sql:
        return False
    sql = sink.sql[0]
    if isinstance(sql, ast.Call) and (wrapped := query_sink(ctx, sql)) is not None and wrapped.sql:
        sql = wrapped.sql[0]  # ``session.execute(text("UPDATE folders ... WHERE id = :id"))``: the text inside
    provenance = sql_text(sql, ctx)
    return provenance is not None and bool(_WRITE_SQL.match(provenance.text))
