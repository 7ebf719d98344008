"""BE104 unbounded-query: a GET handler sends back every row a search by the client's pattern matches.

By default a list is reported only with the evidence that the client chooses how many rows come back: the query
keeps the rows matching a pattern made from what the request carries (``filter(name__icontains=q)``,
``Item.name.ilike(f"%{q}%")``, SQL ``LIKE`` with a client parameter; :mod:`backend_lint.analysis.typed_search`).
Fourteen rounds of judged findings on unseen applications found whole-table and constant-filter lists worth
fixing only about four times in ten (their size depends on data the code does not show), so they need
``report-unsearched-lists``; everything below applies to both.

A list endpoint that returns ``Order.objects.filter(...)``, ``session.scalars(select(Order)).all()`` or
``SELECT ... FROM orders`` without a bound works in development and falls over when the table grows: the
response gets huge, the worker's memory spikes and the database reads the whole table. The rule asks the
handler model (:mod:`backend_lint.analysis.handlers`) which functions answer GET, the query model
(:mod:`backend_lint.analysis.orm`) which calls are collection queries, and the function's response flow
whether the rows reach the response. It reports at the query.

Bounds that count: ``LIMIT``/``TOP``/``FETCH FIRST`` in SQL, slicing (``qs[:50]``), ``.limit()``,
``.paginate()``, Django's ``Paginator``, DRF's ``paginate_queryset``, ``fetchmany``. A query on a branch only a
write reaches (``if request.method == "POST":``) is not a GET's. Single-object reads (``get``, ``first``,
``one``, ``get_object_or_404``, ``fetchone``, ``fetchrow``, aggregates, SQL whose ``WHERE`` is an equality on a
column that names one row: ``id``, ``pk``, ``uuid``, ``email``, ``username``, ``slug``) are fine, and so are a
grouping by a column of fixed choices (``values("status").annotate(count=Count("id"))``: one row per status) and a
random draw (``random.choice(rows)``): :func:`.response_flow.counts_per_choice`, :func:`.response_flow.picks_few`.
Generic list views count as handlers of their ``queryset``: DRF list views without ``pagination_class`` (only
with ``report-generic-list-views``: 1 of 8 judged TRUE on unseen applications; unless ``drf-default-pagination``
says settings paginate them, or the project model finds a global ``DEFAULT_PAGINATION_CLASS``) and Django
``ListView`` without ``paginate_by``, unless the view's own
``filter_queryset``/``get_queryset``/``paginate_queryset``/``list`` slices or paginates (or, unless
``report-children-of-one-object`` is set, filters to one parent object). ``Model.objects.none()``
(an empty placeholder) and a queryset handed to ``get_object_or_404``/``get_list_or_404`` (one row, or a 404) or
to a function of the file that reads one row of it (``get_object(qs)`` doing ``qs.get_or_create(...)``) are not
collection reads; a list view with an attribute of its own about paging (``pagination_disabled = True``) has
decided about paging.

Server-rendered pages are left alone unless ``report-html-pages`` is set (:mod:`backend_lint.analysis.html_pages`):
a handler whose rows reach only answers that render a template or redirect, and a Django ``ListView``. The
guidance's pagination is that of API collections a client pages through; a page listing a table to a person
lists what the page is for, and such findings were judged false far more often than not on real applications.

Left alone by design: views that exist to list everything (a sitemap, a KML/RSS/Atom feed, an export, the
choices of a form's picker; not a social "feed"), known by a word of the handler function or its module
(``sitemaps/views.py``, ``def kml(...)``, ``def orders_csv(...)``, ``api/choices.py``), and tables small by
nature, known by the model's name (``Rank``, ``Role``,
``Country``, ``Currency``, ``Language``, ``Setting``, ``Group``, ``Team``..., or a last word such as ``Type``
or ``Category``: a fixed set of choices an administrator edits, or a model whose rows the module makes only in
admin-only handlers), and back-office pages only administrators, staff or moderators reach
(:mod:`backend_lint.analysis.admin_only`: an admin decorator, an admin DRF permission, a Django permission to
edit, a Flask-Allows requirement), which list configuration tables whole. So are test modules, handlers whose
every answer is a redirect, list views paginated by a mixin, and template list views their subclasses narrow.
"""

from __future__ import annotations

import ast
import re
from typing import Optional

from backend_lint.analysis.admin_guard_defs import admin_guard_facts, class_guard_facts
from backend_lint.analysis.admin_guards import admin_guard, refusing_helpers, setup_window_class
from backend_lint.analysis.admin_only import admin_only, admin_only_class
from backend_lint.analysis.ast_helpers import callee_name, class_attributes, statement_blocks
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.collection_queries import is_collection
from backend_lint.analysis.facts import file_fact
from backend_lint.analysis.handlers import handler_for
from backend_lint.analysis.html_pages import html_list_view, rows_fill_page
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.method_branches import on_write_branch
from backend_lint.analysis.module_roles import module_roles
from backend_lint.analysis.orm import (
    BOUNDING,
    DBAPI,
    QUERYSET_METHODS,
    SINGLE_ROW,
    Query,
    query_call,
    query_of,
    written,
)
from backend_lint.analysis.page_responses import redirects
from backend_lint.analysis.parent_ties import children_of_one_object, lists_only_one_parents, narrowed_after
from backend_lint.analysis.project.conditions import (
    ProjectFact,
    catalog_table,
    does,
    drf_pagination,
    guards_admins,
    method_does,
    recent_time,
    seeded_table,
    staff_app,
    test_support,
)
from backend_lint.analysis.project.imported import imported_qualified
from backend_lint.analysis.provenance import sql_text
from backend_lint.analysis.query_inputs import only_fed_to_queries
from backend_lint.analysis.resolve import called_function
from backend_lint.analysis.response_flow import (
    bounds_rows,
    chain_root,
    filters_to_one_parent,
    picks_few,
    response_flow,
)
from backend_lint.analysis.small_tables import (
    MODEL_WORD,
    admin_created,
    admin_created_models,
    lookup_table,
    queried_model,
    small_model,
    small_table,
)
from backend_lint.analysis.sql import SINK_METHODS, Sink, query_sink
from backend_lint.analysis.time_windows import recent_rows
from backend_lint.analysis.typed_search import searched, sql_search, view_searches
from backend_lint.context import FileContext
from backend_lint.rule import Option, Rule, visits

_COLLECTION_SINKS = {"fetch", "fetch_all", "iterate", "execute_fetchall", "read_sql", "read_sql_query", "raw"}
_FUNCTIONS = {"text", "read_sql", "read_sql_query"}
_ONE_ROW = {"fetchone", "first", "one", "one_or_none", "scalar", "scalar_one", "scalar_one_or_none", "fetchmany"}
_EXECUTE = {"execute", "exec_driver_sql"}
_SQL_BOUND = lazy_compile(r"\b(?:LIMIT|TOP|FETCH\s+(?:FIRST|NEXT)|ROWNUM)\b", re.IGNORECASE)
_SELECT_START = lazy_compile(r"\s*\(?\s*(?:SELECT|WITH)\b", re.IGNORECASE)
_AGGREGATE_ONLY = lazy_compile(
    r"\s*SELECT\s+(?:(?:COUNT|SUM|AVG|MIN|MAX|EXISTS)\s*\([^()]*(?:\([^()]*\)[^()]*)*\)\s*(?:AS\s+\w+\s*)?,?\s*)+"
    r"FROM\b(?!.*\bGROUP\s+BY\b)",
    re.IGNORECASE | re.DOTALL,
)
_BY_KEY = lazy_compile(
    r"\bWHERE\s+(?:\w+\.)?(?:id|pk|uuid|guid|email|username|slug)\s*=\s*"
    r"(['\"]?)(?:\?|%s|\$\d+|:\w+|%\(\w+\)s|\{\w*\}|\x00)\1\s*(?:;|\)|$|AND\b|ORDER\s+BY\b)",
    re.IGNORECASE,
)
"""An equality on a column that names one row (a key, an e-mail address, a user name, a slug) ending the
``WHERE`` or joined only by ``AND``: at most one row, whatever the table holds (``Contact.objects.raw("... WHERE
email = %s", [email])``). A quoted placeholder or a value formatted in (``'%s'`` with ``%``: ``\\x00`` in the
text :mod:`.sql` reads; BE101's business) is the same lookup."""


_DRF_LIST_VIEWS = {"ListAPIView", "ListCreateAPIView", "ModelViewSet", "ReadOnlyModelViewSet", "ListModelMixin"}
_DJANGO_LIST_VIEWS = {"ListView", "BaseListView"}
_BOUNDING_OVERRIDES = {"filter_queryset", "get_queryset", "paginate_queryset", "list"}
_FULL_LISTING_WORDS = frozenset(
    {"sitemap", "sitemaps", "kml", "kmz", "georss", "rss", "atom", "export", "exports", "csv", "choices"}
)
"""Words naming a view whose job is to list every row (a crawler's sitemap, an RSS or KML feed, a download, the
choices of a form's picker: Mycodo's ``api/choices.py`` answering every configured input, unit and PID)."""
@file_fact()
def _narrowing_subclasses(ctx: FileContext) -> dict[str, list[bool]]:
    """For each class name of the module used as a base by another module-level class: whether each such
    subclass defines its own ``get_queryset``."""
    found: dict[str, list[bool]] = {}
    for statement in ctx.tree.body:
        if isinstance(statement, ast.ClassDef):
            narrows = any(isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == "get_queryset"
                          for item in statement.body)
            for base in statement.bases:
                if isinstance(base, ast.Name):
                    found.setdefault(base.id, []).append(narrows)
    return found


def _template_view(node: ast.ClassDef, ctx: FileContext) -> bool:
    """``RefundExportListView`` with ``model = RefundExport``, extended in the same module by an event's and an
    organizer's view that each define ``get_queryset``: the base is a template, never served with its own
    queryset."""
    subclasses = _narrowing_subclasses(ctx).get(node.name, [])
    return bool(subclasses) and all(subclasses)


class UnboundedQuery(Rule):
    code = "BE104"
    name = "unbounded-query"
    message = "`{query}` in GET handler `{handler}` returns every matching row; paginate it or add a limit"
    triggers = ("get", "GET", "route", "View", "api_view")
    needs = (handler_for, query_call, query_of, response_flow, query_sink, sql_text, drf_pagination, bounds_rows,
             called_function,
             filters_to_one_parent, bindings_of, _narrowing_subclasses, module_roles, seeded_table, catalog_table,
             staff_app, admin_created_models, method_does, refusing_helpers, guards_admins, rows_fill_page,
             searched, sql_search, view_searches)
    module_facts = (test_support,)
    options = (
        Option(
            "report-unsearched-lists",
            bool,
            False,
            "also report lists whose size the client does not choose (a whole table, a constant filter): not only"
            " a search by a pattern the client typed. Fourteen rounds on unseen applications judged about 40 %"
            " of those findings TRUE",
        ),
        Option(
            "drf-default-pagination",
            bool,
            False,
            "set when REST_FRAMEWORK['DEFAULT_PAGINATION_CLASS'] paginates every DRF list view",
        ),
        Option(
            "report-children-of-one-object",
            bool,
            False,
            "also report a handler's query filtered to one parent object (filter(user=request.user),"
            " filter(project=project)): usually a handful of rows, sometimes not",
        ),
        Option(
            "report-generic-list-views",
            bool,
            False,
            "also report DRF generic list views (ListAPIView, ModelViewSet...) with no pagination_class: their"
            " paging is class configuration spread over the project (1 of 8 judged TRUE on unseen applications)",
        ),
        Option(
            "report-html-pages",
            bool,
            False,
            "also report server-rendered HTML pages (a template rendered with the rows, a Django ListView),"
            " not only data endpoints (JSON APIs, DRF list views)",
        ),
    )

    @visits(ast.ClassDef)
    def check_list_view(self, node: ast.ClassDef, ctx: FileContext) -> None:
        """Generic list views that list a whole table: DRF without ``pagination_class``, Django ``ListView``
        without ``paginate_by``."""
        bases = {_base_name(base, ctx) for base in node.bases}
        drf = bool(bases & _DRF_LIST_VIEWS)
        if (not drf and not bases & _DJANGO_LIST_VIEWS) or module_roles(ctx).for_tests:
            return
        if drf and not self.option("report-generic-list-views"):
            # Whether a generic list view pages is class configuration spread over the project, which the class
            # alone does not show: a subclass in another module sets ``pagination_class`` (the base is never
            # routed), a base's ``get_queryset`` narrows the placeholder ``queryset`` to one parent's rows, a
            # lookup table listed whole for a picker. On unseen applications 1 of 8 such findings was judged TRUE.
            return
        if not drf and not self.option("report-html-pages") and html_list_view(node):
            return  # a Django ``ListView`` renders a template: a page listing a table to a person, not an API
        if admin_only_class(node, moderators=True):
            return  # a back-office list (product types, units of measure): staff pages list small tables whole
        if any("Paginat" in (dotted_name(base) or "") for base in node.bases):
            return  # ``class CheckInListShow(PaginationMixin, ListView)``: the mixin sets the page size
        if _template_view(node, ctx):
            return  # a base its subclasses narrow: each says which rows it lists
        if not self.option("report-unsearched-lists") and not view_searches(node, ctx, _BOUNDING_OVERRIDES):
            return  # the view lists what its class says, not what the client typed: its size is the table's
        attributes = class_attributes(node)
        methods = {item.name for item in node.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))}
        bound = "pagination_class" if drf else "paginate_by"
        if (drf and (self.option("drf-default-pagination") or "list" in methods)) or (
            not drf and "get" in methods
        ):
            return
        if bound in attributes or any("paginat" in attribute.lower() for attribute in attributes):
            # A bound (``pagination_class = LimitOffsetPagination``, ``paginate_by = 25``), or the explicit
            # ``pagination_class = None`` or a project's own switch (``pagination_disabled = True``, read by its
            # paginator): the maintainers decided about paging for this list, a decision written in the code
            # like a noqa comment (lego's flat pages, tandoor's three auth groups).
            return
        overrides = [item for item in node.body
                     if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name in _BOUNDING_OVERRIDES]
        if any(bounds_rows(ctx, item) for item in overrides):
            return  # ``def filter_queryset(...): return queryset.order_by(...)[:100]``
        if not self.option("report-children-of-one-object") and any(
            filters_to_one_parent(ctx, item) for item in overrides
        ):
            return  # ``def get_queryset(self): return Webhook.objects.filter(organization=...)``
        if not self.option("report-children-of-one-object") and any(
            item.name == "get_queryset" and lists_only_one_parents(node, item) for item in overrides
        ):
            return  # ``.none()`` unless the request names the parent its filter backend narrows to
        # A DRF view that says nothing about pagination gets the project's default paginator, if it sets one.
        unless = (drf_pagination(),) if drf else ()
        source = attributes.get("queryset")
        if source is not None:
            if not isinstance(source, ast.Call):
                return  # a sliced queryset (``Order.objects.all()[:100]``) or something not known
            query = query_of(source, ctx)
            if query is None or not is_collection(query, source, ctx) or small_table(query) \
                    or admin_created(query, ctx):
                return
            self.report(ctx, source, query=written(source), handler=node.name,
                        unless=(*unless, *lookup_table(queried_model(query), ctx), *_staff_app(ctx),
                                *class_guard_facts(ctx, node)))
        elif (not drf and isinstance(model := attributes.get("model"), ast.Name) and "get_queryset" not in methods
              and not small_model(model.id) and model.id not in admin_created_models(ctx)):
            self.report(ctx, model, query=f"{model.id}.objects.all", handler=node.name,
                        unless=(*lookup_table(model.id, ctx), *_staff_app(ctx), *class_guard_facts(ctx, node)))

    @visits(ast.Call)
    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if isinstance(func, ast.Attribute):
            if func.attr not in QUERYSET_METHODS and func.attr not in SINK_METHODS and func.attr not in _FUNCTIONS:
                return
        elif not (isinstance(func, ast.Name) and func.id in _FUNCTIONS):
            return
        function = ctx.scope.function
        if function is None or isinstance(function, ast.Lambda) or module_roles(ctx).for_tests:
            return  # a test app's views serve no one
        handler = handler_for(ctx, function, "GET")
        if handler is None:
            return
        label = f"{handler.class_.name}.{function.name}" if handler.class_ is not None else function.name
        if _lists_everything(ctx, function.name) or admin_only(handler, moderators=True) \
                or admin_guard(function, node, refusing=True, ctx=ctx) \
                or (handler.class_ is not None and setup_window_class(handler.class_, ctx.tree)):
            return  # (a guard at the top of the body, ``if not user.has_perm("x.can_manage_y"): raise ...``)
        if on_write_branch(node, function, ctx):
            return  # ``if request.method == "POST":`` in a view that answers both: the GET never runs it
        sink = query_sink(ctx, node)
        if sink is not None and sink.sql:
            provenance = sql_text(sink.sql[0], ctx)
            if provenance is not None:
                if _unbounded_sql(node, sink, provenance.text, ctx, function) and (
                        self.option("report-unsearched-lists") or sql_search(node, provenance.text, ctx)) and (
                        self.option("report-html-pages") or not rows_fill_page(ctx, handler, node, ctx.parent_of)):
                    self.report(ctx, node, query=written(node), handler=label,
                                unless=admin_guard_facts(ctx, handler, node))
                return
        if not isinstance(func, ast.Attribute):
            return
        query = query_call(node, ctx)
        if query is None or query.framework == DBAPI or any(_runs_text(call, ctx) for call in query.calls):
            return
        if not self.option("report-children-of-one-object") and (
            children_of_one_object(query, ctx) or narrowed_after(node, ctx)
        ):
            return
        if small_table(query) or admin_created(query, ctx):
            return
        if not (is_collection(query, node, ctx) and _reaches_response(node, query, ctx, function)):
            return
        window = recent_rows(query.calls, function, ctx.tree, lambda expr: imported_qualified(ctx, expr))
        if window is True:
            return  # ``User.lastseen >= now - timedelta(minutes=15)``: the rows of a short recent window
        if not self.option("report-html-pages") and rows_fill_page(ctx, handler, node, ctx.parent_of):
            return  # the rows fill a server-rendered page, not an API collection a client pages through
        if not self.option("report-unsearched-lists") and not searched(node, query.calls, ctx, function):
            return  # no sign that the client chooses how many rows come back (see :mod:`.typed_search`)
        recent = (recent_time(window),) if isinstance(window, str) else ()
        self.report(ctx, node, query=written(node), handler=label,
                    unless=(*lookup_table(queried_model(query), ctx), *_staff_app(ctx), *recent,
                            *_paging_helpers(node, ctx, function, handler.class_),
                            *admin_guard_facts(ctx, handler, node)))


def _lists_everything(ctx: FileContext, *names: str) -> bool:
    """The handler function or its module is named for a full listing (``sitemaps/views.py``, ``def kml``,
    ``def orders_csv``): listing every row is what it is for. A class name is not enough: a list view
    named ``OrderExport`` is still an API list."""
    folders = ctx.role_path.rsplit("/", 2)[-2:]
    words = {word.lower() for name in (*names, *folders) for word in MODEL_WORD.findall(name.removesuffix(".py"))}
    return bool(words & _FULL_LISTING_WORDS)


def _staff_app(ctx: FileContext) -> tuple[ProjectFact, ...]:
    """The fact that would make every view of this module's app a back-office page (django-oscar's dashboard)."""
    return (staff_app(ctx.module),) if ctx.module else ()


def _unbounded_sql(node: ast.Call, sink: Sink, text: str, ctx: FileContext, function: ast.AST) -> bool:
    """SQL text that selects a collection with no bound, and whose rows are all read."""
    if not _SELECT_START.match(text) or _SQL_BOUND.search(text) or _AGGREGATE_ONLY.match(text):
        return False
    if _BY_KEY.search(text):
        return False
    flow = response_flow(ctx, function)
    if not flow.return_values:
        return False
    method = sink.method
    if method in _COLLECTION_SINKS or (not method and sink.driver == "pandas"):
        return True
    if method in _EXECUTE or not method:  # cursor.execute / conn.execute / text()
        verdict = _rows_read(node, ctx)
        if verdict is not None:
            return verdict
        return "fetchall" in flow.methods and not flow.methods & _ONE_ROW
    return False


def _runs_text(call: ast.Call, ctx: FileContext) -> bool:
    """``session.execute(text("SELECT ..."))``: the SQL text is judged at the ``text()`` call."""
    sink = query_sink(ctx, call)
    if sink is None or not sink.sql:
        return False
    sql = sink.sql[0]
    inner = query_sink(ctx, sql) if isinstance(sql, ast.Call) else None
    return sql_text(sql, ctx) is not None or (inner is not None and inner.driver == "sqlalchemy")


def _rows_read(node: ast.Call, ctx: FileContext) -> Optional[bool]:
    """How the result of ``node`` is read, from the chain around it: ``.fetchall()``/``.all()`` (every row),
    ``.fetchone()``/``.first()``/``.scalar()`` (one), or ``None`` when the chain does not say."""
    current: ast.AST = node
    parent = ctx.parent_of(current)
    while isinstance(parent, (ast.Call, ast.Attribute, ast.Await)):
        if isinstance(parent, ast.Attribute):
            if parent.attr in ("all", "fetchall"):
                return True
            if parent.attr in _ONE_ROW or parent.attr in SINGLE_ROW or parent.attr in BOUNDING:
                return False
        current, parent = parent, ctx.parent_of(parent)
    return None


def _reaches_response(node: ast.Call, query: Query, ctx: FileContext, function: ast.AST) -> bool:
    """The rows reach a ``return``: the query sits in one, or is assigned to a name that flows into one."""
    root = chain_root(node)
    if root is not None and query_of(ast.Name(id=root, ctx=ast.Load()), ctx) is not None:
        return False  # the query began in a local; it is judged where that local was assigned
    flow = response_flow(ctx, function)
    if root is not None and root in flow.bounded:
        return False
    if flow.return_values and all(_redirect(value) for value in flow.return_values):
        return False  # every answer is a redirect: the rows only choose where to (pretalx's start page)
    current: ast.AST = node
    parent = ctx.parent_of(current)
    while parent is not None and not isinstance(parent, ast.stmt):
        if isinstance(parent, ast.Call) and picks_few(parent):
            return False  # ``random.choice(list(Partner.objects.all()))``: one row reaches the answer
        current, parent = parent, ctx.parent_of(parent)
    if isinstance(parent, ast.Return):
        return True
    if isinstance(parent, (ast.Assign, ast.AnnAssign)):
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        names = {target.id for target in targets if isinstance(target, ast.Name)}
        return bool(names & flow.returned) and not names & flow.bounded \
            and not only_fed_to_queries(function, names) \
            and not _overwritten_unread(names, parent, function, ctx)  # counted, a subquery, or replaced
    return False


def _overwritten_unread(names: set[str], statement: ast.stmt, function: ast.AST, ctx: FileContext) -> bool:
    """``advisers = Advisor.objects.all()`` and, in the same block and before any read of ``advisers``,
    ``advisers = Advisor.objects.filter(id__in=owner_ids)`` (datahub's owner list): the first query is replaced
    unread and never runs; the one returned is the second, judged on its own. An assignment in another branch
    (``if user.is_superuser: orders = ... all()`` / ``else: orders = ...``) replaces nothing. Outside loops only
    (a read earlier in a loop's body may see the value on the next pass)."""
    if ctx.scope.loops:
        return False
    parent = ctx.parent_of(statement)
    block = next((body for body in statement_blocks(parent) if statement in body), None) if parent else None
    if block is None:
        return False
    for later in block[block.index(statement) + 1:]:
        if any(isinstance(node, ast.Name) and node.id in names and isinstance(node.ctx, ast.Load)
               for node in ast.walk(later)):
            return False
        if isinstance(later, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id in names for target in later.targets):
            return True
    return False


def _paging_helpers(node: ast.Call, ctx: FileContext, function: ast.AST,
                    cls: Optional[ast.ClassDef] = None) -> tuple[ProjectFact, ...]:
    """The facts that would make a project function the rows are handed to a paginator of them: DefectDojo's
    ``paged = get_page_items(request, endpoints.qs, 25)`` after ``endpoints = Endpoint.objects.filter(...)``
    (or the query written in the call's arguments), where ``get_page_items`` hands its ``items`` to Django's
    ``Paginator`` (:func:`~backend_lint.analysis.project.conditions.does` ``paginates``): the template lists
    the page, not the query. The rows may reach the helper through locals computed from them (``queryset =
    self.filter_queryset(users.exclude(...))``), and the helper may be a method of the view's own class or of
    one of its bases, a mixin (kpi's ``return self._get_regional_response(queryset, ...)``, which calls
    ``self.paginate_queryset(queryset)``): pagination one call away is pagination."""
    helpers: list[ast.expr] = []
    names: set[str] = set()
    parent = ctx.parent_of(node)
    if isinstance(parent, ast.keyword):
        parent = ctx.parent_of(parent)  # ``helper(results_query=Model.query.order_by(...))``
        if isinstance(parent, ast.Call):
            helpers.append(parent.func)
    elif isinstance(parent, ast.Call) and node in parent.args:
        helpers.append(parent.func)
    statement = parent
    while statement is not None and not isinstance(statement, ast.stmt):
        statement = ctx.parent_of(statement)
    flow = response_flow(ctx, function)
    if isinstance(statement, (ast.Assign, ast.AnnAssign)):
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        names = {target.id for target in targets if isinstance(target, ast.Name)}
        helpers += [func for func, sources in flow.handed if names & flow.derived_from(sources)]
    facts: list[ProjectFact] = []
    for func, _sources in flow.handed if names else ():
        # ``table = JournalEntryTable(entries)`` then ``table.configure(request)``: the table's own method
        # (peering-manager's ``BaseTable.configure``) may have django-tables2 paginate the rows it holds
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in flow.built:
            made, made_from = flow.built[func.value.id]
            qualified = _qualified(made, ctx)
            fact = method_does(qualified, func.attr, "paginates") if qualified and names & made_from else None
            if fact is not None and fact not in facts:
                facts.append(fact)
    for func in helpers:
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in ("self", "cls"):
            # ``self._get_regional_response(queryset)``: the method instances of the view's class run, its own
            # or a base's (a pagination mixin of another module)
            if cls is not None and ctx.module:
                fact = method_does(f"{ctx.module}.{cls.name}", func.attr, "paginates")
                if fact not in facts:
                    facts.append(fact)
            continue
        qualified = _qualified(func, ctx)
        if qualified is not None and not any(fact.args == (qualified, "paginates") for fact in facts):
            facts.append(does(qualified, "paginates"))
    return tuple(facts)


def _qualified(func: ast.expr, ctx: FileContext) -> Optional[str]:
    """The project name of a function or class called (imported, or defined in this module)."""
    qualified = imported_qualified(ctx, func)
    if qualified is None and isinstance(func, ast.Name) and ctx.module \
            and func.id in bindings_of(ctx, ctx.tree).definitions:
        qualified = f"{ctx.module}.{func.id}"
    return qualified


def _redirect(value: ast.expr) -> bool:
    """``redirect(...)``, ``HttpResponseRedirect(...)``, ``RedirectResponse(...)``: a location, no rows."""
    return isinstance(value, ast.Call) and redirects(callee_name(value))


def _base_name(base: ast.expr, ctx: FileContext) -> str:
    resolved = ctx.imports.resolve(base) or ""
    if not resolved.startswith(("rest_framework", "django")):
        return ""
    return resolved.rpartition(".")[2]
