"""ORM and driver queries as values: "does this expression run a query?", "is it a collection of rows?",
"is it bounded?".

Query-in-loop (BE103) asks whether a loop iterates over rows that came from the database and whether a call in
its body runs another query; unbounded-query (BE104) asks whether a handler returns a collection query with no
bound. Both read the same *query chains*:

- Django: a chain rooted at a manager (``Order.objects``, ``_default_manager``), or a related manager of a
  row (``order.items.all()``) in a file that imports Django; ``prefetch_related``/``select_related`` on the
  chain list the relations that later accesses read from cache, and so do the lookups a class prefetches for
  the objects its methods are handed (a serializer's ``prefetch_queryset``, a view's ``get_queryset``).
- SQLAlchemy: ``session.query(...)``, ``session.execute/scalars/scalar/get(...)`` on a session known by its
  origin (``Session()``, ``sessionmaker()()``, a parameter annotated ``Session``, Flask-SQLAlchemy's
  ``db.session``) or named ``session``/``db_session``/``db`` (also when made by a project factory named for
  sessions, ``with SessionLocal() as session``); Flask-SQLAlchemy's ``Model.query`` chains;
  ``selectinload``/``joinedload``/``subqueryload`` options.
- DB-API and async drivers: any sink of :mod:`.sql`, and ``fetchall()``/``fetchmany()`` on a cursor.

A local name counts when every assignment to it in its function is a query chain. Unknown calls are not
queries: rules stay quiet about what they cannot see. What a handler sends back
(which locals reach a ``return``, which are bounded) is :mod:`.response_flow`'s.
"""

from __future__ import annotations

import ast
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import body_of, callee_name
from backend_lint.analysis.facts import file_fact, node_fact, reads
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.node_index import node_index
from backend_lint.analysis.resolve import lookup
from backend_lint.analysis.scopes import Scope
from backend_lint.analysis.secret_names import split_identifier
from backend_lint.analysis.sql import query_sink, written_call
from backend_lint.analysis.tree_walk import child_nodes, walk
from backend_lint.analysis.values import origin
from backend_lint.analysis.word_lines import word_lines

if TYPE_CHECKING:
    from backend_lint.context import FileContext

DJANGO = "django"
SQLALCHEMY = "sqlalchemy"
DBAPI = "dbapi"

_MANAGERS = {"objects", "_default_manager", "_base_manager"}
QUERYSET_METHODS = {
    # Django QuerySet
    "all", "filter", "exclude", "annotate", "alias", "order_by", "reverse", "distinct", "values", "values_list",
    "dates", "datetimes", "none", "union", "intersection", "difference", "select_related", "prefetch_related",
    "extra", "defer", "only", "using", "select_for_update", "raw", "get", "create", "get_or_create",
    "update_or_create", "bulk_create", "bulk_update", "count", "in_bulk", "iterator", "latest", "earliest",
    "first", "last", "aggregate", "exists", "contains", "update", "delete", "explain", "afirst", "aget",
    "acount", "aexists", "acreate", "alast", "aupdate", "adelete", "aaggregate", "aearliest", "alatest",
    "aget_or_create", "aupdate_or_create", "ain_bulk", "acontains", "aiterator", "abulk_create", "abulk_update",
    # SQLAlchemy Query / Result
    "filter_by", "join", "outerjoin", "options", "limit", "offset", "one", "one_or_none", "scalar", "scalars",
    "scalar_one", "scalar_one_or_none", "group_by", "having", "where", "execution_options", "unique",
    "mappings", "fetchall", "paginate", "get_or_404", "first_or_404", "one_or_404", "with_entities", "slice",
    "yield_per", "params", "correlate", "subquery", "cte",
}
"""Methods of a query chain; anything else (``get_for_id``, ``save``, a dict's ``get``) ends what is known."""
_RELATED_METHODS = {"all", "filter", "exclude", "exists", "first", "last", "aggregate", "values_list",
                    "order_by", "annotate", "latest", "earliest", "select_related", "prefetch_related"}
_SESSION_METHODS = {"query", "execute", "scalars", "scalar", "get", "exec", "get_one"}
_NAMED_SESSION_METHODS = {"query", "execute", "scalars", "scalar", "exec"}
_EXECUTING = {"execute", "scalars", "exec"}
_RESULT_ORIGIN = lazy_compile(r"\(\)\.(?:execute|scalars|exec)\(\)$")
"""Session methods that run the statement and return a result (2.0 style): what is called on that result later
reads rows already fetched; ``session.query(...)`` builds a query that runs when a method ends it."""
_SESSION_NAMES = {"session", "db_session", "db", "dbsession", "async_session"}
_SESSION_ROOTS = ("sqlalchemy", "flask_sqlalchemy", "sqlmodel")
_FETCH_MANY = {"fetchall", "fetchmany"}
_ROW_WRAPPERS = {"list", "tuple", "sorted", "reversed", "enumerate", "iter"}
_PREFETCH = {"prefetch_related", "select_related"}
_LOADER_OPTIONS = {"selectinload", "joinedload", "subqueryload", "contains_eager", "immediateload"}
SINGLE_ROW = {"get", "first", "last", "one", "one_or_none", "scalar", "scalar_one", "scalar_one_or_none",
              "fetchone", "fetchrow", "fetchval", "fetch_one", "fetch_val", "get_or_404", "first_or_404",
              "one_or_404", "earliest", "latest", "count", "exists", "aggregate", "get_one", "get_or_create",
              "update_or_create", "create", "update", "delete", "in_bulk"}
SINGLE_ROW |= {"aget", "afirst", "alast", "aearliest", "alatest", "acount", "aexists", "aaggregate", "aget_or_create",
               "aupdate_or_create", "acreate", "aupdate", "adelete", "ain_bulk"}
"""Calls that end a chain with one row or one value, not a collection; Django's async forms too (``aget``,
``acount``, ``aexists``: the same query, awaited)."""
BOUNDING = {"limit", "paginate", "slice", "fetchmany", "first", "iterator_chunk"}


@dataclass
class Query:
    """A query chain: its framework, its calls from the inside out, and the relations it preloads."""

    framework: str
    calls: list[ast.Call] = field(default_factory=list)
    preloaded: set[str] = field(default_factory=set)
    paths: set[str] = field(default_factory=set)
    """The whole prefetch lookups (``variations__channels``): a row's related query inherits what lies past
    its own relation (``variation.channels`` is cached too)."""
    sliced: bool = False
    at_most: Optional[int] = None
    """The number of rows a constant slice (``qs[:5]``) bounds the query to."""
    model: Optional[str] = None
    """The model class the rows are (``Order`` in ``Order.objects...`` or ``session.query(Order)``)."""

    @property
    def methods(self) -> list[str]:
        return [call.func.attr for call in self.calls if isinstance(call.func, ast.Attribute)]

    @property
    def last_method(self) -> str:
        methods = self.methods
        return methods[-1] if methods else ""


@node_fact()
def class_prefetches(ctx: FileContext, owner: ast.ClassDef) -> frozenset[str]:
    """The lookups the class's own methods prefetch (``prefetch_related``/``select_related``), as :func:`_preloads`
    reads them: whole, and under a
    ``Prefetch("course__programs", queryset=Program.objects.prefetch_related("excluded_course_runs"))`` the inner
    queryset's joined to its path (``course__programs__excluded_course_runs``). A class that prefetches for the
    objects it is handed (a DRF serializer's ``prefetch_queryset``, which the view's ``get_queryset`` returns)
    reads those relations of each object from cache in its other methods (course-discovery's
    ``get_programs``)."""
    found: set[str] = set()
    for node in walk(owner):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _PREFETCH:
            for arg in node.args:
                found.update(_prefetch_lookups(arg))
    return frozenset(found)


@file_fact(reads=(node_index,))
def module_prefetches(ctx: FileContext) -> frozenset[str]:
    """The lookups any query of the module prefetches, read as :func:`class_prefetches` reads a class's: what a
    module-level function of the module reads past a relation of an object it is handed
    (:func:`_handed_to_module_function`) is loaded by the module's own queries that build those objects (akvo's
    ``_get_indicator_periods_hierarchy_flatlist`` prefetches ``data__disaggregations`` for the periods
    ``_transform_updates(period)`` walks)."""
    found: set[str] = set()
    for node in node_index(ctx).of(ast.Call):
        if isinstance(node.func, ast.Attribute) and node.func.attr in _PREFETCH:
            for arg in node.args:
                found.update(_prefetch_lookups(arg))
    return frozenset(found)


def _handed_to_module_function(receiver: ast.Attribute, scope: Scope, ctx: FileContext) -> bool:
    """``receiver`` (``period.data``) is a relation of a parameter of a module-level function: an object the
    function is handed, as a method of a class is handed the objects its class prefetches for."""
    function = scope.function
    row = receiver.value
    if not isinstance(row, ast.Name) or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) \
            or function not in ctx.tree.body:
        return False
    arguments = function.args
    return any(arg.arg == row.id for arg in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs))


def _prefetch_lookups(arg: ast.expr) -> set[str]:
    """``"items"``, or ``Prefetch("items", queryset=Item.objects.prefetch_related("tags"))``: ``items`` and
    ``items__tags`` (the inner queryset's lookups load the relations of each prefetched row)."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return {arg.value}
    if not (isinstance(arg, ast.Call) and arg.args and isinstance(arg.args[0], ast.Constant)
            and isinstance(arg.args[0].value, str)):
        return set()
    path = arg.args[0].value
    inner = next((keyword.value for keyword in arg.keywords if keyword.arg == "queryset"), None)
    if inner is None and len(arg.args) > 1:
        inner = arg.args[1]
    found = {path}
    for call in chain_calls(inner) if inner is not None else ():
        if isinstance(call.func, ast.Attribute) and call.func.attr in _PREFETCH:
            found.update(f"{path}__{inner_path}" for nested in call.args for inner_path in _prefetch_lookups(nested))
    return found


def _past(relation: str, lookups: frozenset[str]) -> set[str]:
    """What the lookups load past ``relation`` (``excluded_course_runs`` past ``programs`` in
    ``course__programs__excluded_course_runs``), wherever the relation sits in them: the object may reach it
    through a property (``CourseRun.programs`` is ``self.course.programs``)."""
    found: set[str] = set()
    for path in lookups:
        parts = path.split("__")
        found.update("__".join(parts[index + 1:]) for index, part in enumerate(parts[:-1]) if part == relation)
    return found


@reads(origin, lookup, query_sink, class_prefetches, module_prefetches)
def query_of(expr: ast.expr, ctx: FileContext, scope: Optional[Scope] = None) -> Optional[Query]:
    """The query chain ``expr`` evaluates, following locals (``None`` when it is not one)."""
    return _query(expr, ctx, scope if scope is not None else ctx.scope, 0, frozenset())


@node_fact(reads=(query_of, lookup))
def loop_query(ctx: FileContext, loop: ast.AST) -> Optional[Query]:
    """The query a ``for`` loop or comprehension iterates over (``None`` for ``while`` and anything else);
    a fact per loop, since every call in the body asks.

    The iterable is evaluated in the scope of the node being visited: loops are asked about from inside
    their bodies, where the names the iterable reads mean the same.
    """
    iterable = getattr(loop, "iter", None)
    if iterable is None:
        return None
    query = query_of(iterable, ctx, ctx.scope)
    if query is None and isinstance(iterable, ast.Name):
        query = _narrowed_rows(iterable.id, ctx, ctx.scope)
    return query


def _narrowed_rows(name: str, ctx: FileContext, scope: Scope) -> Optional[Query]:
    """``documents = Document.objects.filter(...)`` then ``documents = prefilter(documents, trigger)``: a local
    whose every value is a query or a call handed the local itself (a helper narrowing the rows it is given
    keeps them rows), so a loop over it is a loop over rows (paperless's scheduled workflows)."""
    bound = lookup(name, ctx, scope)
    if bound is None:
        return None
    link, bindings = bound
    if name in bindings.params or name in bindings.loop_targets or name in bindings.definitions:
        return None
    found: Optional[Query] = None
    for value in bindings.assigned.get(name) or ():
        if isinstance(value, ast.Call) and any(isinstance(arg, ast.Name) and arg.id == name for arg in value.args):
            continue
        query = _query(value, ctx, link, 1, frozenset()) if value is not None else None
        if query is None:
            return None
        found = found or query
    return found


@reads(query_of)
def query_call(call: ast.Call, ctx: FileContext) -> Optional[Query]:
    """The query ``call`` runs when it is the outermost call of its chain (so a chain counts once)."""
    parent = ctx.parent_of(call)
    if isinstance(parent, ast.Await):  # (await session.scalars(...)).all()
        parent = ctx.parent_of(parent)
    if isinstance(parent, ast.Attribute) and isinstance(ctx.parent_of(parent), ast.Call):
        grand = ctx.parent_of(parent)
        if isinstance(grand, ast.Call) and grand.func is parent:
            return None
    if not isinstance(call.func, ast.Attribute):
        return None
    query = _query(call, ctx, ctx.scope, 0, frozenset())
    if query is not None and query.framework == SQLALCHEMY:
        first = query.calls[0]
        if isinstance(first.func, ast.Attribute) and first.func.attr in _EXECUTING and first not in chain_calls(call):
            return None  # ``result.scalars().first()`` after ``result = await db.execute(...)``: rows already read
    return query


def chain_calls(expr: ast.AST, subscripts: bool = True) -> list[ast.Call]:
    """The calls written in one chain (``result.scalars().first()``: ``first(...)``, ``scalars()``), down to its
    root, through attributes, ``await`` and (unless ``subscripts`` is false) subscripts; a call reached through
    a local name is not among them."""
    links = (ast.Call, ast.Attribute, ast.Await, ast.Subscript) if subscripts else (ast.Call, ast.Attribute, ast.Await)
    calls: list[ast.Call] = []
    node = expr
    while isinstance(node, links):
        if isinstance(node, ast.Call):
            calls.append(node)
            node = node.func
        else:
            node = node.value
    return calls


def _query(
    expr: ast.expr, ctx: FileContext, scope: Scope, depth: int, seen: frozenset[tuple[int, str]]
) -> Optional[Query]:
    if depth > 12:
        return None
    if isinstance(expr, ast.Await):
        return _query(expr.value, ctx, scope, depth + 1, seen)
    if isinstance(expr, ast.Subscript):
        inner = _query(expr.value, ctx, scope, depth + 1, seen)
        if inner is not None and isinstance(expr.slice, ast.Slice):
            inner.sliced = True
            upper = expr.slice.upper
            if expr.slice.lower is None and isinstance(upper, ast.Constant) and isinstance(upper.value, int):
                inner.at_most = upper.value
        return inner if inner is not None and isinstance(expr.slice, ast.Slice) else None
    if isinstance(expr, ast.Name):
        return _name_query(expr.id, ctx, scope, depth, seen)
    if (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in _ROW_WRAPPERS
            and len(expr.args) == 1):
        return _query(expr.args[0], ctx, scope, depth + 1, seen)  # list(qs), enumerate(rows), sorted(...)
    if not isinstance(expr, ast.Call) or not isinstance(expr.func, ast.Attribute):
        return None
    method = expr.func.attr
    receiver = expr.func.value
    if method in _SESSION_METHODS and _is_session(receiver, method, ctx, scope):
        query = _extend(Query(SQLALCHEMY, model=_statement_model(expr)), expr)
        for link in _statement_chain(expr.args[0] if expr.args else None, ctx, scope):
            query.preloaded.update(path.split("__")[0] for path in _preloads(link))
        return query
    sink = query_sink(ctx, expr)
    if sink is not None:
        return Query(DBAPI if sink.driver not in (DJANGO, SQLALCHEMY) else sink.driver, [expr])
    if method in _FETCH_MANY:
        return Query(DBAPI, [expr])
    if method not in QUERYSET_METHODS:
        return None
    if isinstance(receiver, ast.Attribute) and receiver.attr in _MANAGERS:
        return _extend(Query(DJANGO, model=_name_of(receiver.value)), expr)
    if isinstance(receiver, ast.Attribute) and receiver.attr == "query" and _is_class_name(receiver.value):
        return _extend(Query(SQLALCHEMY, model=_name_of(receiver.value)), expr)
    inner = _query(receiver, ctx, scope, depth + 1, seen)
    if inner is not None and inner.framework != DBAPI and inner.last_method not in SINGLE_ROW:
        return _extend(inner, expr)
    related = (
        inner is None and isinstance(receiver, ast.Attribute) and "django" in ctx.imports.modules
        and _related_manager_call(expr, method) and _is_row_attribute(receiver, ctx)
    )
    if not related:
        return None
    query = Query(DJANGO)
    if isinstance(receiver, ast.Attribute):
        query.paths.update(_inherited(receiver, ctx, scope, depth, seen))
        owner = scope.method_class
        if owner is not None and "prefetch_related" in ctx.source:
            query.paths.update(_past(receiver.attr, class_prefetches(ctx, owner)))
        elif _handed_to_module_function(receiver, scope, ctx) and "prefetch_related" in ctx.source:
            query.paths.update(_past(receiver.attr, module_prefetches(ctx)))
    query.preloaded.update(path.split("__")[0] for path in query.paths)
    return _extend(query, expr)


def _extend(query: Query, call: ast.Call) -> Query:
    query.calls.append(call)
    paths = _preloads(call)
    query.paths.update(paths)
    query.preloaded.update(path.split("__")[0] for path in paths)
    return query


def _inherited(
    receiver: ast.Attribute, ctx: FileContext, scope: Scope, depth: int, seen: frozenset[tuple[int, str]]
) -> set[str]:
    """``variation.channels`` where ``variation`` is the row of a loop over ``product.variations.all()`` and
    ``product`` the row of a loop over a query that prefetched ``variations__channels``, or the one row such a
    query returned (``group = Group.objects.filter(...).prefetch_related("policies__roles").first()``, then a loop
    over ``group.policies.all()``: insights-rbac): the lookups past the relation, which the prefetch already
    loaded."""
    row = receiver.value
    if not isinstance(row, ast.Name):
        return set()
    bound = lookup(row.id, ctx, scope)
    if bound is None:
        return set()
    link, bindings = bound
    loops = bindings.loop_targets.get(row.id, [])
    loop = loops[0] if len(loops) == 1 else _enclosing_loop(loops, receiver, ctx)
    if loop is not None and isinstance(loop.target, ast.Name):
        outer = _query(loop.iter, ctx, link, depth + 1, seen)
    else:
        value = None if loops or row.id in bindings.params else bindings.single_value(row.id)
        outer = _query(value, ctx, link, depth + 1, seen) if value is not None else None
        if outer is not None and outer.last_method not in SINGLE_ROW:
            return set()  # a local holding the rows, not one row: its relations are not this receiver's
    if outer is None:
        return set()
    prefix = receiver.attr + "__"
    return {path[len(prefix):] for path in outer.paths if path.startswith(prefix)}


def _enclosing_loop(
    loops: list[ast.For | ast.AsyncFor], node: ast.AST, ctx: FileContext
) -> Optional[ast.For | ast.AsyncFor]:
    """Of the loops binding the same name (``for policy in ...`` twice in one view), the one whose body holds
    ``node``: the name's value there."""
    child, parent = node, ctx.parent_of(node)
    while parent is not None:
        if any(parent is loop for loop in loops) and child is not getattr(parent, "iter", None):
            return parent if isinstance(parent, (ast.For, ast.AsyncFor)) else None
        child, parent = parent, ctx.parent_of(parent)
    return None


def _preloads(call: ast.Call) -> set[str]:
    """Lookups a chain call loads eagerly: ``prefetch_related("items", Prefetch("payments"))``,
    ``select_related("customer__address")`` (whole, ``__`` included), ``options(selectinload(User.addresses))``."""
    method = call.func.attr if isinstance(call.func, ast.Attribute) else ""
    found: set[str] = set()
    if method in _PREFETCH:
        for arg in call.args:
            found.update(_prefetch_lookups(arg))
    elif method == "options":
        for option in call.args:
            # ``joinedload(Job.run).joinedload(Run.user)``: the first loader of the chain names the relation of
            # the queried model (``run``); the later ones load the relations of that related row
            arg = option
            while isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) \
                    and isinstance(arg.func.value, ast.Call):
                arg = arg.func.value
            if isinstance(arg, ast.Call) and isinstance(arg.func, (ast.Name, ast.Attribute)):
                loader = arg.func.id if isinstance(arg.func, ast.Name) else arg.func.attr
                if loader in _LOADER_OPTIONS and arg.args and isinstance(arg.args[0], ast.Attribute):
                    found.add(arg.args[0].attr)
    return found


def _name_of(expr: ast.expr) -> Optional[str]:
    return expr.id if isinstance(expr, ast.Name) else None


def _statement_model(call: ast.Call) -> Optional[str]:
    """``session.query(Order)`` / ``session.scalars(select(Order).where(...))``: ``Order``."""
    if not call.args:
        return None
    first: ast.expr = call.args[0]
    while isinstance(first, ast.Call) and isinstance(first.func, ast.Attribute):
        first = first.func.value  # select(Order).where(...).order_by(...)
    if isinstance(first, ast.Call) and first.args:
        first = first.args[0]  # select(Order)
    return _name_of(first)


def _statement_chain(expr: Optional[ast.expr], ctx: FileContext, scope: Scope) -> list[ast.Call]:
    """The calls of a statement passed to a session (``select(User).options(...).where(...)``), following a
    local assigned once (``stmt = select(...)``)."""
    if isinstance(expr, ast.Name):
        found = lookup(expr.id, ctx, scope)
        if found is not None:
            expr = found[1].single_value(expr.id)
    calls: list[ast.Call] = []
    while isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
        calls.append(expr)
        expr = expr.func.value
    return calls


def _is_class_name(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Name) and expr.id[:1].isupper()


def _is_row_attribute(expr: ast.Attribute, ctx: FileContext) -> bool:
    """``order.items``, ``request.user.orders``, ``self.object.lines``: a relation of a row, not an attribute of
    an imported module or a private attribute."""
    if expr.attr.startswith("_"):
        return False
    root: ast.expr = expr.value
    depth = 1
    while isinstance(root, ast.Attribute):
        root, depth = root.value, depth + 1
    if not isinstance(root, ast.Name) or ctx.imports.resolve_name(root.id) is not None:
        return False
    return root.id not in ("self", "cls") or depth > 1


def _related_manager_call(call: ast.Call, method: str) -> bool:
    """A call that reads like a related manager's, and not like a dict's or a list's: ``.all()``,
    ``.filter(...)``, ``.get(pk=...)`` (keywords only), ``.count()`` (no argument), ``.values("f")``."""
    if method in _RELATED_METHODS:
        return True
    if method == "get":
        return bool(call.keywords) and not call.args
    if method == "count":
        return not call.args and not call.keywords
    if method == "values":
        return bool(call.args)
    return False


def _is_session(receiver: ast.expr, method: str, ctx: FileContext, scope: Scope) -> bool:
    made = origin(receiver, ctx, scope)
    if made is not None and made.partition(".")[0] in _SESSION_ROOTS:
        return _RESULT_ORIGIN.search(made) is None  # (``AsyncSession().execute()`` made a result, not a session)
    if made is not None and _project_session_factory(made, ctx):
        return isinstance(receiver, ast.Name) and receiver.id in _SESSION_NAMES
    if method not in _NAMED_SESSION_METHODS:
        return False  # ``db.get(key)`` on an unknown ``db`` may be a dict or a cache
    if isinstance(receiver, ast.Name):
        return receiver.id in _SESSION_NAMES and made is None
    if isinstance(receiver, ast.Attribute):
        return receiver.attr in ("session", "db_session") and (made is None or made.startswith(_SESSION_ROOTS))
    return False



def _project_session_factory(made: str, ctx: FileContext) -> bool:
    """``made`` is a call of a factory the project defines and names for sessions (``SessionFactory()``,
    ``SessionLocal()``, ``async_session_maker()`` from the project's ``db`` module: the ``sessionmaker`` recipe),
    in a module that imports SQLAlchemy or SQLModel. Read from the name alone, as the module that binds it is
    another file; the session is then known only when it is also named like one (``with SessionLocal() as
    session``), so a project's HTTP session wrapper stays out."""
    if not made.endswith("()") or "(" in made[:-2]:
        return False
    package = ctx.module.partition(".")[0]
    if not (made.startswith(".") or (package and made.startswith(package + "."))):
        return False
    if not any(module.partition(".")[0] in _SESSION_ROOTS for module in ctx.imports.modules):
        return False
    return "session" in split_identifier(made[:-2].rpartition(".")[2])


def _name_query(
    name: str, ctx: FileContext, scope: Scope, depth: int, seen: frozenset[tuple[int, str]]
) -> Optional[Query]:
    bound = lookup(name, ctx, scope)
    if bound is None:
        return None
    link, bindings = bound
    key = (id(link.node), name)
    if key in seen or name in bindings.params or name in bindings.loop_targets or name in bindings.definitions:
        return None
    values = bindings.assigned.get(name)
    if not values:
        return None
    found: Optional[Query] = None
    for value in values:
        if value is None:
            return None
        query = _query(value, ctx, link, depth + 1, seen | {key})
        if query is None:
            return None
        found = query if found is None else found
    return found


written = written_call


_GENERIC_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "list", "retrieve", "save",
                              "clean", "handle", "run", "dispatch", "execute", "process", "__init__", "__call__"})
"""Method names shared by unrelated objects: a call of one is not a sign that the function calls itself."""


def _calls_super(call: ast.Call) -> bool:
    """``super().clean()``: the parent's method, not a call of the function itself."""
    func = call.func
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call) and callee_name(func.value) == "super"


@node_fact(reads=(word_lines,))
def recursive(ctx: FileContext, function: ast.AST) -> bool:
    """``function`` calls itself, by name or as a method (``child.get_descendants()``): a walk over a tree,
    where one query per node is what walking it takes. A function whose body's lines do not hold its name
    (most) is answered without walking it."""
    name = getattr(function, "name", None)
    if name is None or name in QUERYSET_METHODS or name in _GENERIC_METHODS:
        return False  # ``def get(self, request)`` calling ``Customer.objects.get(...)`` is not recursion
    stack = body_of(function)
    lines = word_lines(ctx).words((name,), cased=True)
    at = bisect_left(lines, getattr(stack[0], "lineno", 0)) if stack else len(lines)
    if at == len(lines) or lines[at] > (getattr(function, "end_lineno", None) or 0):
        return False
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Call) and callee_name(node) == name and not _calls_super(node):
            return True
        stack.extend(child_nodes(node))
    return False


# --- relations declared by the file's own models ---------------------------------------------------------

_LAZY_RELATIONS = {"ForeignKey", "OneToOneField", "relationship", "ForeignKeyField"}
_EAGER = {"joined", "selectin", "subquery", "immediate"}
_NOT_LOADED = {"dynamic", "write_only", "noload", "raise", "raise_on_sql"}
"""SQLAlchemy ``lazy=`` strategies whose attribute access loads nothing: ``dynamic`` and ``write_only`` give a
query object for a collection the model declares too large to load with its parent (SQLAlchemy: "useful for large
collections"; eager loading cannot apply to it, so the fix the finding suggests does not exist), ``noload`` gives
nothing, ``raise``/``raise_on_sql`` raise (indico's ``User.suggested_categories``, seed 132)."""


@file_fact()
def model_relations(ctx: FileContext) -> dict[str, set[str]]:
    """``model -> relation attributes`` whose access loads another row lazily, for models defined in this file:
    Django ``ForeignKey``/``OneToOneField`` fields, SQLAlchemy ``relationship()`` without an eager ``lazy=`` (nor one
    that loads nothing on access, :data:`_NOT_LOADED`: a ``dynamic`` collection is a query the model keeps apart on
    purpose). (Many-to-many managers are calls, ``book.tags.all()``, and are seen as queries already.)"""
    found: dict[str, set[str]] = {}
    for statement in ctx.tree.body:
        if not isinstance(statement, ast.ClassDef):
            continue
        for item in statement.body:
            value = item.value if isinstance(item, (ast.Assign, ast.AnnAssign)) else None
            targets = item.targets if isinstance(item, ast.Assign) else [getattr(item, "target", None)]
            if not isinstance(value, ast.Call):
                continue
            callee = callee_name(value)
            lazy = next((k.value for k in value.keywords if k.arg == "lazy"), None)
            if callee not in _LAZY_RELATIONS or (isinstance(lazy, ast.Constant) and lazy.value in _EAGER | _NOT_LOADED):
                continue
            for target in targets:
                if isinstance(target, ast.Name):
                    found.setdefault(statement.name, set()).add(target.id)
    return found
