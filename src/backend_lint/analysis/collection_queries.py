"""Whether a query the code runs reads a collection of rows, or at most one row or a bounded slice of them.

BE104 asks it of every query that reaches a response: a chain ending in ``.get()``/``.first()``, sliced,
``.limit(n)``-ed, handed to ``get_object_or_404`` or to a helper that reads one row of it, or running only
inside another query (a subquery, a ``Prefetch``), never sends a table back by itself.
"""

from __future__ import annotations

import ast

from backend_lint.analysis.ast_helpers import callee_name
from backend_lint.analysis.orm import BOUNDING, QUERYSET_METHODS, SINGLE_ROW, Query
from backend_lint.analysis.resolve import called_function
from backend_lint.analysis.response_flow import response_flow
from backend_lint.context import FileContext

_KEY_LISTS = {"id__in", "pk__in", "uuid__in"}
"""Lookups by keys the code already holds: at most one row per key."""
_BULK_WRITES = frozenset({"bulk_create", "abulk_create", "bulk_update", "abulk_update"})
"""Writes of the objects the code holds (Django's bulk calls): what they return is that list, not rows read."""
_SHORTCUTS = {"get_object_or_404", "get_list_or_404", "aget_object_or_404", "aget_list_or_404"}
"""Django's shortcuts that narrow a queryset to one row or a 404."""




def is_collection(query: Query, node: ast.Call, ctx: FileContext) -> bool:
    """The query reads a collection of rows: no single-row read or bound in its chain, not an empty
    placeholder, a bulk write, a subquery or prefetch of another query, a lookup by held keys, a queryset handed
    to a one-row shortcut or helper, nor sliced or given a bounded statement."""
    methods = query.methods
    if not methods or methods[-1] in SINGLE_ROW or any(method in BOUNDING for method in methods):
        return False
    if "none" in methods:
        return False  # ``Model.objects.none()``: an empty placeholder
    if methods[-1] in _BULK_WRITES:
        return False  # ``bulk_create([...])`` writes the objects the code built and returns them: no read
    if (_given_to_shortcut(node, ctx) or _given_to_one_row_reader(node, ctx) or _subquery(node, ctx)
            or _prefetch_queryset(node, ctx) or _by_listed_keys(query)):
        return False
    if methods[-1] in ("get_queryset",):
        return False
    parent = ctx.parent_of(node)
    if isinstance(parent, ast.Subscript) and parent.value is node:
        return False  # qs[:50] is bounded, qs[0] is one row
    return not any(_bounded_argument(arg, ctx) for call in query.calls for arg in call.args)


def _subquery(node: ast.Call, ctx: FileContext) -> bool:
    """``qs.exclude(pk__in=iface.addresses.values_list("pk"))``: a query inside another query's arguments runs
    as part of it and sends nothing back by itself."""
    parent = ctx.parent_of(node)
    if isinstance(parent, ast.keyword):
        parent = ctx.parent_of(parent)
    return (isinstance(parent, ast.Call) and parent is not node and isinstance(parent.func, ast.Attribute)
            and parent.func.attr in QUERYSET_METHODS and node is not parent.func.value)


def _prefetch_queryset(node: ast.Call, ctx: FileContext) -> bool:
    """``Prefetch("issue__intake", queryset=IntakeIssue.objects.only(...))``: the inner queryset of a prefetch,
    which Django restricts to the related rows of the objects the outer query returns (plane's issue activity);
    it never reads a whole table by itself, and the outer query is the one judged."""
    parent = ctx.parent_of(node)
    if isinstance(parent, ast.keyword):
        if parent.arg != "queryset":
            return False
        parent = ctx.parent_of(parent)
    elif not (isinstance(parent, ast.Call) and len(parent.args) > 1 and parent.args[1] is node):
        return False
    return isinstance(parent, ast.Call) and callee_name(parent) == "Prefetch"


def _by_listed_keys(query: Query) -> bool:
    """``filter(id__in=ids)``: at most one row per key the code already holds."""
    return any(
        keyword.arg in _KEY_LISTS for call in query.calls if callee_name(call) == "filter"
        for keyword in call.keywords
    )


def _given_to_shortcut(node: ast.Call, ctx: FileContext) -> bool:
    """``get_object_or_404(Order.objects.select_related(...), pk=pk)``: the queryset is narrowed to one row
    (or a 404) by the shortcut it is handed to, also through one call that takes it and gives the shortcut a
    queryset in turn (studio's ``get_object_or_404(Channel.filter_view_queryset(Channel.objects.all(), user),
    id=channel_id)``: whatever the call does to the rows, only one of them leaves the shortcut)."""
    parent = ctx.parent_of(node)
    if not (isinstance(parent, ast.Call) and node in parent.args):
        return False
    if callee_name(parent) in _SHORTCUTS:
        return True
    outer = ctx.parent_of(parent)
    return isinstance(outer, ast.Call) and parent in outer.args and callee_name(outer) in _SHORTCUTS


def _given_to_one_row_reader(node: ast.Call, ctx: FileContext) -> bool:
    """``get_object(Subscription.objects.all())`` where ``get_object`` is a function of this file whose every
    use of that parameter reads one row of it (``queryset.get_or_create(adviser=request.user)``): the rows never
    leave the helper, one object does, as with ``get_object_or_404`` (datahub's reminder settings)."""
    parent = ctx.parent_of(node)
    if not (isinstance(parent, ast.Call) and node in parent.args) or ctx.scope.function is None:
        return False
    helper = called_function(parent, ctx, ctx.scope)
    if helper is None:
        return False
    arguments = helper.node.args
    parameters = [parameter.arg for parameter in (*arguments.posonlyargs, *arguments.args)]
    if isinstance(parent.func, ast.Attribute) and parameters and parameters[0] in ("self", "cls"):
        parameters = parameters[1:]
    index = parent.args.index(node)
    if index >= len(parameters):
        return False
    name = parameters[index]
    uses = [part for part in ast.walk(helper.node) if isinstance(part, ast.Name) and part.id == name]
    readers = {id(call.func.value) for call in ast.walk(helper.node)
               if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
               and call.func.attr in SINGLE_ROW and isinstance(call.func.value, ast.Name)
               and call.func.value.id == name}
    return bool(uses) and all(id(use) in readers for use in uses)


def _bounded_argument(arg: ast.expr, ctx: FileContext) -> bool:
    """``session.scalars(select(Order).limit(50))``: the statement passed in carries the bound."""
    expr: ast.AST = arg
    while isinstance(expr, (ast.Call, ast.Attribute, ast.Subscript)):
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in BOUNDING:
            return True
        expr = expr.func if isinstance(expr, ast.Call) else expr.value
    if isinstance(expr, ast.Name):
        function = ctx.scope.function
        return function is not None and expr.id in response_flow(ctx, function).bounded
    return False
