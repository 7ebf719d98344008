"""What a handler sends back, read once per function: which locals reach a ``return``, which are bounded
(sliced, paginated, limited, a paginator's page, a django-tables2 table paginated by ``RequestConfig``), and
whether the function filters its rows to one parent (``filter(order=order)``, ``filter(user=request.user)``).
Unbounded-query (BE104) asks these of the handler that returns a query chain of :mod:`.orm`; a ``super()`` call
of a generic view carries its base's answer.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import callee_name, own_nodes
from backend_lint.analysis.facts import node_fact
from backend_lint.analysis.orm import BOUNDING, SINGLE_ROW

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_PAGINATORS = {"Paginator", "paginate_queryset", "paginate", "get_page", "page", "paginate_query"}


@dataclass
class ResponseFlow:
    """What one function does with its locals, summarised once per function.

    ``returned`` holds the names whose value reaches a ``return`` (directly, or through assignments, loops,
    ``append``/``extend`` and serializers: ``serializer = S(orders, many=True)`` then
    ``return Response(serializer.data)`` makes ``orders`` returned). ``bounded`` holds names that are sliced
    (``orders[:50]``), passed to a paginator (``Paginator(orders, 25)``, ``self.paginate_queryset(orders)``,
    ``db.paginate(stmt)``, a table built from it configured by django-tables2's
    ``RequestConfig(request).configure(table)``) or given ``.limit()``. ``methods`` holds every method name
    called, so a DB-API handler that only ever calls ``fetchone`` is known to read one row. ``handed`` holds the
    calls of a function by name (``get_page_items(request, endpoints.qs, 25)``, ``utils.paginate_rows(rows)``,
    ``self._get_regional_response(queryset)``: a method of the view's own class or of a mixin) with the locals
    their arguments are read from (``endpoints``: the root of each argument's chain, not what it was computed
    from, which :meth:`derived_from` follows): whether such a helper of the project bounds the rows is the
    project model's to say (BE104).
    """

    returned: set[str] = field(default_factory=set)
    bounded: set[str] = field(default_factory=set)
    methods: set[str] = field(default_factory=set)
    return_values: list[ast.expr] = field(default_factory=list)
    handed: list[tuple[ast.expr, set[str]]] = field(default_factory=list)
    built: dict[str, tuple[ast.expr, set[str]]] = field(default_factory=dict)
    """Locals assigned an object made by calling a class (a capitalised name) with the function's locals:
    ``table = JournalEntryTable(entries, user=request.user)`` gives ``table -> (JournalEntryTable, {"entries"})``
    (the root of each argument's chain), so a method later called on it (``table.configure(request)``, in
    ``handed``) can be asked about (BE104)."""
    sources: dict[str, set[str]] = field(default_factory=dict)
    """For each local assigned (or looped over), the names its value was read from, one step: ``queryset =
    self.filter_queryset(users.exclude(...))`` gives ``queryset -> {"self", "users"}``."""

    def derived_from(self, names: set[str]) -> set[str]:
        """``names`` and every name they were computed from, transitively."""
        found = set(names)
        _close(found, self.sources)
        return found


@node_fact()
def response_flow(ctx: FileContext, function: ast.AST) -> ResponseFlow:
    """The :class:`ResponseFlow` of ``function`` (nested functions and classes are their own)."""
    return _flow(function)


def _flow(function: ast.AST) -> ResponseFlow:
    flow = ResponseFlow()
    edges: dict[str, set[str]] = {}
    for node in own_nodes(function):
        if isinstance(node, ast.Return) and node.value is not None:
            flow.return_values.append(node.value)
            flow.returned.update(_names_read(node.value))
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            bounded = _has_bound(node.value)
            made = _instance_of(node.value)
            if made is not None and len(targets) == 1 and isinstance(targets[0], ast.Name):
                flow.built[targets[0].id] = made
            for target in targets:
                for name in _names_read(target):
                    edges.setdefault(name, set()).update(_names_read(node.value))
                    if bounded:
                        flow.bounded.add(name)
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            for name in _names_read(node.target):
                edges.setdefault(name, set()).update(_names_read(node.iter))
        elif isinstance(node, ast.Call):
            _call_facts(node, flow, edges)
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            root = chain_root(node.value)
            if root is not None:
                flow.bounded.add(root)
    flow.sources = edges
    _close(flow.returned, edges)
    _close(flow.bounded, edges)  # ``page = paginator.page(n)`` over ``Paginator(orders)`` bounds ``orders``
    return flow


def _instance_of(value: ast.expr) -> Optional[tuple[ast.expr, set[str]]]:
    """``JournalEntryTable(entries, user=request.user)``: the class called and the locals its arguments come from."""
    if not isinstance(value, ast.Call):
        return None
    func = value.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if not name[:1].isupper():
        return None
    roots = {root for arg in (*value.args, *(keyword.value for keyword in value.keywords))
             if (root := chain_root(arg)) is not None}
    return (func, roots) if roots else None


def _close(names: set[str], edges: dict[str, set[str]]) -> None:
    """Add every name the given names were computed from, transitively."""
    todo = list(names)
    while todo:
        for source in edges.get(todo.pop(), ()):
            if source not in names:
                names.add(source)
                todo.append(source)


def chain_root(expr: ast.AST) -> Optional[str]:
    """The variable a call/attribute/subscript chain starts from (``qs`` in ``qs.filter(...)[:10]``); ``None``
    when the chain starts by calling a name (``select(Order).limit(5)`` starts from a function)."""
    called = False
    while isinstance(expr, (ast.Call, ast.Attribute, ast.Subscript)):
        called = isinstance(expr, ast.Call)
        expr = expr.func if isinstance(expr, ast.Call) else expr.value
    return expr.id if isinstance(expr, ast.Name) and not called else None


def _call_facts(call: ast.Call, flow: ResponseFlow, edges: dict[str, set[str]]) -> None:
    func = call.func
    callee = callee_name(call)
    if isinstance(func, ast.Attribute):
        flow.methods.add(callee)
        if callee in ("append", "extend", "add", "update") and isinstance(func.value, ast.Name):
            for arg in call.args:
                edges.setdefault(func.value.id, set()).update(_names_read(arg))
        if callee in ("limit", "slice", "fetchmany"):
            root = chain_root(func.value)
            if root is not None:
                flow.bounded.add(root)
    if callee in _PAGINATORS or table_paginated(call):
        for arg in call.args:
            flow.bounded.update(_names_read(arg))
    elif isinstance(func, ast.Name) or (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
        given = (*call.args, *(keyword.value for keyword in call.keywords))  # ``helper(results_query=qs)`` too
        names = {root for arg in given if (root := chain_root(arg)) is not None}
        if names:
            flow.handed.append((func, names))


def table_paginated(call: ast.Call) -> bool:
    """``RequestConfig(request, paginate={"per_page": 25}).configure(table)``: django-tables2 configures the table
    from the request and, unless told ``paginate=False``, paginates it (its default), so the page the template
    renders holds one page of the rows the table was built from (NetBox, Nautobot, peering-manager)."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "configure" and isinstance(func.value, ast.Call)
            and callee_name(func.value) == "RequestConfig"):
        return False
    config = func.value
    given = [keyword.value for keyword in config.keywords if keyword.arg == "paginate"] + config.args[1:2]
    return not any(isinstance(value, ast.Constant) and value.value in (False, None) for value in given)


@node_fact()
def bounds_rows(ctx: FileContext, function: ast.AST) -> bool:
    """``function`` slices or paginates what it handles (``return queryset.order_by(...)[:100]``,
    ``self.paginate_queryset(qs)``, ``.limit(50)``): a list view overriding ``filter_queryset``,
    ``get_queryset``, ``paginate_queryset`` or ``list`` this way bounds what it sends back."""
    for node in own_nodes(function):
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            return True
        if isinstance(node, ast.Call) and (
            callee_name(node) in _PAGINATORS or callee_name(node) in BOUNDING or "paginat" in callee_name(node).lower()
        ):
            return True  # also a project's own ``paginator(tasks, request)``
    return False


@node_fact()
def filters_to_one_parent(ctx: FileContext, function: ast.AST) -> bool:
    """``function`` (a view's ``get_queryset``/``filter_queryset``) narrows its rows to one parent object:
    a ``.filter(project=project)``/``.filter(task_id=task_id)`` whose keyword is a plain relation (no lookup
    but ``_id``) given a variable, not a constant."""
    for node in own_nodes(function):
        if isinstance(node, ast.Call) and callee_name(node) == "filter" and ties_to_one_parent(node):
            return True
    return False


def ties_to_one_parent(call: ast.Call) -> bool:
    """``filter(user=request.user)``, ``filter(project_id=project.id)``, ``filter(path__contains=port)``,
    ``filter(stage__workflow=workflow)``, ``filter(member__in=request.user.memberships.all())``: a relation
    (through any joins) tied to an object the code holds. A comparison (``created__gte=since``) or a text
    search (``name__icontains=q``) narrows a collection without tying it to a parent. The object may be the one
    the URL names (``filter(query_id=kwargs["query_pk"])``, ``self.kwargs.get("pk")``: a view's URL keyword
    arguments) and the lookup may be spelled as a dict unpacked into the call (``filter(**{obj.relation_name:
    obj.pk})``: the rows of the one object fetched just before)."""
    lookups: list[tuple[Optional[str], ast.expr]] = []
    for keyword in call.keywords:
        if keyword.arg is not None:
            lookups.append((keyword.arg, keyword.value))
        elif isinstance(keyword.value, ast.Dict):
            lookups += [(key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None, value)
                        for key, value in zip(keyword.value.keys, keyword.value.values) if key is not None]
    return any(
        (name is None or name.rpartition("__")[2] not in _NOT_A_TIE) and _held_object(value)
        for name, value in lookups
    )


def _held_object(value: ast.expr) -> bool:
    """A value naming an object the code holds: a variable or its attribute, a call on one
    (``request.user.memberships.all()``), or a keyword argument of the view's URL (``kwargs["query_pk"]``,
    ``self.kwargs.get("pk")``), which names one object of the path (``/queries/<query_pk>/documents``), or the
    key of one row held as a dict (``filter(masterylog=target_try["id"])``: kolibri's one mastery try)."""
    if isinstance(value, (ast.Name, ast.Attribute)):
        return True
    if isinstance(value, ast.Subscript):
        return _url_kwargs(value.value) or _row_key(value)
    return isinstance(value, ast.Call) and chain_root(value.func) is not None  # (``self.kwargs.get("pk")`` too)


_KEY_SUFFIXES = ("_id", "_pk")


def _row_key(value: ast.Subscript) -> bool:
    """``target_try["id"]``, ``row["user_id"]``: the key of one row the code holds as a dict (a ``values()``
    row, a serializer's data), named by a literal key; ``data[key]`` or ``row["name"]`` names no object."""
    key = value.slice
    return (
        isinstance(value.value, (ast.Name, ast.Attribute, ast.Subscript))
        and isinstance(key, ast.Constant) and isinstance(key.value, str)
        and (key.value in ("id", "pk") or key.value.endswith(_KEY_SUFFIXES))
    )


def _url_kwargs(expr: ast.expr) -> bool:
    """``kwargs`` or ``self.kwargs``: the keyword arguments a view is given from its URL pattern."""
    return (isinstance(expr, ast.Name) and expr.id == "kwargs") or (
        isinstance(expr, ast.Attribute) and expr.attr == "kwargs" and isinstance(expr.value, ast.Name)
        and expr.value.id == "self")


_NOT_A_TIE = frozenset({"gt", "gte", "lt", "lte", "range", "isnull", "year", "month", "day", "date", "week_day",
                        "startswith", "istartswith", "endswith", "iendswith", "icontains", "iexact", "regex",
                        "iregex", "search", "trigram_similar"})


def _has_bound(expr: ast.AST) -> bool:
    """A call chain with a bounding call in it (``select(Order).limit(20)``, ``qs[:50]``)."""
    while isinstance(expr, (ast.Call, ast.Attribute, ast.Subscript, ast.Await)):
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in BOUNDING:
            return True
        if isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Slice):
            return True
        expr = expr.func if isinstance(expr, ast.Call) else expr.value
    return False


_SCALAR_FUNCTIONS = {"len", "bool", "any", "all", "sum", "isinstance", "hasattr"}


def _names_read(expr: ast.AST) -> set[str]:
    """Names whose value can be part of ``expr``'s value; not those only measured (``len(rows)``,
    ``rows.count()``, ``rows.first()``, comparisons)."""
    found: set[str] = set()
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name):
            found.add(node.id)
            continue
        if isinstance(node, (ast.Compare, ast.BoolOp)) or _is_measure(node):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return found


def _is_measure(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Name):
        return func.id in _SCALAR_FUNCTIONS or picks_few(node)
    return isinstance(func, ast.Attribute) and (func.attr in SINGLE_ROW or picks_few(node) or counts_per_choice(node))


def picks_few(call: ast.Call) -> bool:
    """``random.choice(rows)``, ``random.sample(rows, 1)`` (or the names imported): one row, or a constant number,
    drawn from the rows; that is what reaches the answer, not the collection (galaxy_ng's landing page shows one
    random partner)."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) and isinstance(
        func.value, ast.Name) and func.value.id == "random" else ""
    if name == "choice":
        return len(call.args) == 1
    return name == "sample" and len(call.args) == 2 and isinstance(call.args[1], ast.Constant)


_CHOICE_WORDS = frozenset({"status", "state", "type", "kind", "category", "level", "priority", "stage", "phase",
                           "outcome", "severity"})
"""Last words of a column that holds one of a few fixed choices (``status``, ``execution_status``)."""
_GROUP_CHAIN = frozenset({"annotate", "order_by", "values", "values_list"})


def counts_per_choice(call: ast.Call) -> bool:
    """``qs.values("status").annotate(count=Count("id"))``: a ``GROUP BY`` of a column of fixed choices (its last
    word: :data:`_CHOICE_WORDS`), one row per choice, however many rows it counts (unstract's execution metrics);
    a grouping by any other column (a customer, a day) has as many rows as it has values and is not one."""
    grouped: list[ast.expr] = []
    annotated = False
    expr: ast.expr = call
    while isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in _GROUP_CHAIN:
        if expr.func.attr == "annotate":
            annotated = annotated or bool(expr.keywords)
        elif expr.func.attr in ("values", "values_list"):
            grouped = list(expr.args)
            break
        expr = expr.func.value
    return annotated and bool(grouped) and all(
        isinstance(arg, ast.Constant) and isinstance(arg.value, str)
        and arg.value.rpartition("__")[2].rpartition("_")[2].lower() in _CHOICE_WORDS for arg in grouped)
