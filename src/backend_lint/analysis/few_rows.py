"""Loops over rows that the code itself keeps few, so a query per row costs a few round trips (BE103).

A query per row of a loop is reported because the loop's rows grow with the table. Some loops iterate rows the
code has already bounded, and each function here reads one such bound from the loop's query (an
:class:`~backend_lint.analysis.orm.Query`):

- :func:`handful`: the query is cut by a constant slice to a few rows (``qs.order_by("-created")[:5]``).
- :func:`of_chosen_rows`: the rows of objects picked by key (``filter(address__in=chosen)`` where ``chosen =
  ...filter(pk__in=pks)``), or by the keys a user ticked in a form (``request.POST.getlist(...)``,
  ``cleaned_data``): a merge, a bulk action on a selection.
- :func:`one_batch`: one batch (``.limit(n)``, a slice) that the function handles and counts for its caller
  (``return len(rows)``, a counter raised once per row).
- :func:`drains_batches`: one batch of a backlog that a ``while`` loop around the loop drains.
- :func:`recent_window`: the rows of a short recent window the code writes (:mod:`.time_windows`).
- :func:`one_pair`: the rows linking two objects the code holds, one named by its key
  (``filter(application=application, external_location__pk=pk)``): one row in the usual schema.

:func:`chain_has` tells whether a method is called in the query's chain or the statement it runs. Kept apart
from the rule (:mod:`backend_lint.rules.be103_query_in_loop`) because these are readings of the iterated query,
not of the query per row.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import callee_name, own_nodes
from backend_lint.analysis.orm import Query, query_of
from backend_lint.analysis.project.imported import imported_qualified
from backend_lint.analysis.resolve import lookup
from backend_lint.analysis.time_windows import recent_rows

if TYPE_CHECKING:
    from backend_lint.analysis.scopes import Scope
    from backend_lint.context import FileContext

FILTERS = {"filter", "exclude"}
"""The queryset methods that narrow a query by conditions."""
_KEY_LISTS = {"pk__in", "id__in", "uuid__in"}
_HANDFUL = 20
"""Rows a loop may visit, bounded by a constant slice, before a query per row is worth reporting."""


def of_chosen_rows(outer: Query, ctx: FileContext) -> bool:
    """The loop's rows belong to objects picked by key (``collapsed = IPAddress.objects.filter(pk__in=pks)``,
    then ``for a in Assignment.objects.filter(ip_address__in=collapsed)``): the few rows of a handful of
    chosen objects (a merge of duplicates, an action on selected items), not a table that grows. So are the rows
    picked by the keys a user selected (``filter(id__in=ids)`` where ``ids = request.POST.getlist("ticket_id")``,
    or ``Q(product_id__in=ids)`` where ``ids`` are read from a form's ``cleaned_data``: a bulk action on ticked
    items), whether the keys are written in the lookup itself or through a local."""
    for call in outer.calls:
        if callee_name(call) not in FILTERS:
            continue
        for keyword in _lookups(call):
            if not (keyword.arg or "").endswith("__in"):
                continue
            if _key_list(keyword.arg or "") and _selected(keyword.value, ctx, ctx.scope):
                return True  # ``filter(pk__in=request.POST.getlist("period"))``: the ticks written in place
            if not isinstance(keyword.value, ast.Name):
                continue
            found = lookup(keyword.value.id, ctx, ctx.scope)
            value = found[1].single_value(keyword.value.id) if found is not None else None
            if _key_list(keyword.arg or "") and found is not None and _selected(value, ctx, found[0]):
                return True  # ``filter(id__in=request.POST.getlist("ticket_id"))``: the items the user ticked
            chosen = query_of(value, ctx, found[0]) if value is not None and found is not None else None
            if chosen is not None and any(
                item.arg in _KEY_LISTS for picked in chosen.calls if callee_name(picked) in FILTERS
                for item in picked.keywords
            ):
                return True
    return False


def _lookups(call: ast.Call) -> list[ast.keyword]:
    """The field lookups of a filter call: its keywords and those of the ``Q(...)`` objects in its arguments."""
    found = list(call.keywords)
    for argument in call.args:
        found += [keyword for node in ast.walk(argument)
                  if isinstance(node, ast.Call) and callee_name(node) == "Q" for keyword in node.keywords]
    return found


def _key_list(lookup_name: str) -> bool:
    """``id__in``, ``pk__in``, ``product_id__in``, ``product__variation_parent_id__in``: a list of keys."""
    return lookup_name in _KEY_LISTS or lookup_name.endswith("_id__in")


def _selected(value: Optional[ast.expr], ctx: FileContext, scope: Scope) -> bool:
    """The keys a user selected in a form (a bulk action's ticks): ``request.POST.getlist("ticket_id")``, or a
    list made from a field of the form's ``cleaned_data`` (``[int(i) for i in data.get("remove_products", [])]``
    with ``data = self.cleaned_data``)."""
    if isinstance(value, ast.Call) and callee_name(value) == "getlist":
        return True
    if isinstance(value, ast.Call) and callee_name(value) in ("list", "set", "tuple") and value.args:
        value = value.args[0]
    if isinstance(value, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
        value = value.generators[0].iter
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "get":
        return _cleaned_data(value.func.value, ctx, scope)
    if isinstance(value, ast.Subscript):
        return _cleaned_data(value.value, ctx, scope)
    return False


def _cleaned_data(expr: ast.expr, ctx: FileContext, scope: Scope) -> bool:
    """``self.cleaned_data``, ``form.cleaned_data``, or a name bound once to one."""
    if isinstance(expr, ast.Attribute):
        return expr.attr == "cleaned_data"
    if isinstance(expr, ast.Name):
        if expr.id == "cleaned_data":
            return True
        found = lookup(expr.id, ctx, scope)
        value = found[1].single_value(expr.id) if found is not None else None
        return isinstance(value, ast.Attribute) and value.attr == "cleaned_data"
    return False


def one_batch(outer: Query, loop: ast.AST, ctx: FileContext) -> bool:
    """The rows are one batch the function processes and counts for its caller, which calls again until none
    are left: the query is cut to a batch (``.limit(BATCH_SIZE)``) and the function returns how many rows it
    handled (``return len(rows)``, ``rows`` being what the loop iterates, or ``return reclaimed``, a counter
    set to ``0`` and only ever raised by ``+= 1`` inside the loop). A maintenance job's batch (a sweep of expired
    leases)."""
    iterable = getattr(loop, "iter", None)
    function = ctx.scope.function
    if iterable is None or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    if not (outer.sliced or _limited(outer, ctx)):
        return False
    returned = [node.value for node in function.body if isinstance(node, ast.Return) and node.value is not None]
    return any(
        (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "len"
         and len(value.args) == 1 and isinstance(iterable, ast.Name)
         and isinstance(value.args[0], ast.Name) and value.args[0].id == iterable.id)
        or (isinstance(value, ast.Name) and _row_counter(value.id, function, loop))
        for value in returned
    )


def _row_counter(name: str, function: ast.AST, loop: ast.AST) -> bool:
    """``name`` counts rows of ``loop``: the function binds it only to ``0`` and raises it only by ``+= 1``
    inside the loop (``reclaimed += 1`` for each row it handled)."""
    raised = False
    inside = {id(node) for node in ast.walk(loop)}
    for node in own_nodes(function):
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(target, ast.Name) and target.id == name for target in targets) and not (
                isinstance(node.value, ast.Constant) and node.value.value == 0
            ):
                return False
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
            if not (isinstance(node.op, ast.Add) and isinstance(node.value, ast.Constant) and node.value.value == 1
                    and id(node) in inside):
                return False
            raised = True
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            target = node.target
            if isinstance(target, ast.Name) and target.id == name:
                return False
    return raised


def _limited(outer: Query, ctx: FileContext) -> bool:
    """A ``.limit(...)`` in the loop's query: the rows are one batch."""
    return chain_has(outer, "limit", ctx)


def chain_has(outer: Query, method: str, ctx: FileContext) -> bool:
    """A call of ``method`` in the chain or in the statement it runs, written in the call or in a local the
    function assigns once (``statement = select(...).limit(limit)``, then ``session.exec(statement)``)."""
    parts: list[ast.AST] = []
    for call in outer.calls:
        for argument in call.args:
            if isinstance(argument, ast.Name):
                found = lookup(argument.id, ctx, ctx.scope)
                value = found[1].single_value(argument.id) if found is not None else None
                if value is not None:
                    parts.append(value)
        parts.append(call)
    return any(
        isinstance(part, ast.Call) and isinstance(part.func, ast.Attribute) and part.func.attr == method
        for top in parts for part in ast.walk(top)
    )


def drains_batches(outer: Query, enclosing: Sequence[ast.AST], ctx: FileContext) -> bool:
    """The rows are one batch of a backlog drained in a ``while`` loop around this one: the query is cut to a
    batch (``.limit(batch_size)``, ``qs[:batch]``) and the ``while`` fetches the next batch. Per-row work there
    is the design of a maintenance job (repair the stale rows a few at a time), as a ``while`` loop's own
    batches are, not a page a request waits for."""
    if not any(isinstance(loop, ast.While) for loop in enclosing):
        return False
    return outer.sliced or _limited(outer, ctx)


def one_pair(outer: Query) -> bool:
    """The loop's rows are those linking two objects the code holds, one of them named by its key
    (``filter(application=application, external_location__pk=ext_loc_pk)``: the locations of one application
    that are one given location): one row in the usual schema (a link, a membership), a handful at most, however
    each object's rows grow. Each lookup is an equality (no ``__in``, no comparison) given a variable, the two
    name different relations, and one is a key (``pk``/``id`` of a relation, ``<relation>_id``)."""
    for call in outer.calls:
        if callee_name(call) != "filter":
            continue
        ties = {keyword.arg for keyword in call.keywords
                if keyword.arg is not None and _held(keyword.value) and _equality(keyword.arg)}
        relations = {arg.removesuffix("__pk").removesuffix("__id").removesuffix("_id") for arg in ties}
        if len(relations) >= 2 and any(_names_key(arg) for arg in ties):
            return True
    return False


def _held(value: ast.expr) -> bool:
    """A variable or an attribute of one (``ext_loc_pk``, ``self.application``), not a constant."""
    while isinstance(value, ast.Attribute):
        value = value.value
    return isinstance(value, ast.Name)


def _equality(lookup_name: str) -> bool:
    """``application``, ``external_location__pk``, ``order_id``: a field or relation compared for equality
    (a lookup such as ``__in``, ``__gte`` or ``__icontains`` matches many)."""
    return lookup_name.rpartition("__")[2] not in _LOOKUPS


def _names_key(lookup_name: str) -> bool:
    """``external_location__pk``, ``order__id``, ``order_id``: the primary key of the related object (not a field
    of it that ends so, ``sender__mailman_id``: the emails of one sender, many)."""
    return lookup_name.endswith(("__pk", "__id")) or ("__" not in lookup_name and lookup_name.endswith("_id"))


_LOOKUPS = frozenset({"in", "gt", "gte", "lt", "lte", "range", "isnull", "contains", "icontains", "startswith",
                      "istartswith", "endswith", "iendswith", "iexact", "regex", "iregex", "search", "year", "month",
                      "day", "date", "week_day", "overlap", "contained_by", "has_key", "ne"})
"""Django lookups that match a range or a pattern, not one value."""


def handful(outer: Query) -> bool:
    """The loop's query is cut to a few rows by the code itself (``qs.order_by("-created")[:5]``)."""
    return outer.at_most is not None and outer.at_most <= _HANDFUL


def recent_window(outer: Query, ctx: FileContext) -> bool:
    """The loop's rows are those of a short recent window the code writes (``filter(target_start__gt=now -
    runinterval)`` with ``runinterval = timedelta(hours=1)``; :mod:`backend_lint.analysis.time_windows`): what
    happened in the last minutes or hours, a few rows however long the table grows (DefectDojo's hourly task
    over the engagements that went stale since its last run)."""
    function = ctx.scope.function
    if function is None:
        return False
    return recent_rows(outer.calls, function, ctx.tree, lambda expr: imported_qualified(ctx, expr)) is True
