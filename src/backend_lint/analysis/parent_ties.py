"""Queries tied to one parent object: the rows of one user, one category, one issue (BE104's one-parent reading).

``Authenticator.objects.filter(user=request.user)``, ``category.kbitem_set.all()``, SQLAlchemy's
``filter_by(user_id=user.id)``: a domain usually keeps one parent's children to a handful, so BE104 leaves them
alone unless ``report-children-of-one-object`` is on. Every spelling of the tie reads the same: the first
``filter`` of a chain whatever comes before it, ``Q(...)`` arguments, a local narrowed in the same block before
anything reads it, a statement handed to ``session.scalars(...)``.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from backend_lint.analysis.ast_helpers import callee_name
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.orm import DJANGO, SQLALCHEMY, Query, chain_calls
from backend_lint.analysis.response_flow import chain_root, ties_to_one_parent

if TYPE_CHECKING:
    from backend_lint.context import FileContext


def children_of_one_object(query: Query, ctx: FileContext) -> bool:
    """``Authenticator.objects.filter(user=request.user)``, ``filter(content_type_id=t.id, object_id=obj.pk)``,
    ``category.kbitem_set.filter(enabled=True)``: the rows of one parent object (a relation equal to a variable,
    not a constant, or a related manager of a row), which a domain usually keeps to a handful; in SQLAlchemy
    ``filter_by(user_id=auth_user.id)`` and ``filter(Equipment.user_id == auth_user.id)`` (also through
    ``filter(*filters)`` over a list written in the function). Reported only with
    ``report-children-of-one-object``."""
    if query.framework == SQLALCHEMY:
        return any(_sqlalchemy_tie(call, ctx) for call in query.calls) or any(
            _sqlalchemy_tie(call, ctx, foreign_key=True) for call in _statement_calls(query, ctx)
        )
    if query.framework != DJANGO:
        return False
    first = query.calls[0] if query.calls else None
    if first is None:
        return False
    receiver = first.func.value if isinstance(first.func, ast.Attribute) else None
    if isinstance(receiver, ast.Attribute) and receiver.attr not in _WHOLE_TABLES and _one_object(receiver.value):
        return True  # ``category.kbitem_set.filter(...)``, ``unit.screenshots.all()``: a related manager
    # The first ``filter`` of the chain decides, whatever comes before it: ``DataFile.objects.all().filter(
    # user=user)`` and ``select_related(...).filter(...)`` are one user's rows as surely as ``filter(user=user)``
    # written first, and a ``Q(user=user)`` argument says the same. A later filter ties only by one object
    # (``filter(name__icontains=q).filter(language__in=languages)`` is still a search).
    filters = [call for call in query.calls if callee_name(call) == "filter"]
    if filters and (ties_to_one_parent(filters[0]) or _q_ties(filters[0])):
        return True
    return any(_ties_by_one_object(call) for call in filters[1:])


def _ties_by_one_object(call: ast.Call) -> bool:
    """``filter(user=user)``: a tie to one object, not to a list of them (``language__in=languages``)."""
    if _q_ties(call):
        return True
    return ties_to_one_parent(call) and not any((keyword.arg or "").endswith("__in") for keyword in call.keywords)


def narrowed_after(node: ast.Call, ctx: FileContext) -> bool:
    """``qs = DataFile.objects.all()`` followed, in the same block, by ``qs = qs.filter(user=user)``: the local is
    narrowed to one parent's rows on every path before anything reads it (a narrowing under an ``if``, staff
    seeing everything, does not count)."""
    statement = ctx.parent_of(node)
    while statement is not None and not isinstance(statement, ast.stmt):
        statement = ctx.parent_of(statement)
    if not (isinstance(statement, ast.Assign) and statement.value is node and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)):
        return False
    name = statement.targets[0].id
    block = ctx.parent_of(statement)
    body = next((items for field in ("body", "orelse", "finalbody")
                 if isinstance(items := getattr(block, field, None), list) and statement in items), None)
    if body is None:
        return False
    for later in body[body.index(statement) + 1:]:
        if not (isinstance(later, ast.Assign) and len(later.targets) == 1 and isinstance(later.targets[0], ast.Name)
                and later.targets[0].id == name and chain_root(later.value) == name):
            if any(isinstance(inner, ast.Name) and inner.id == name for inner in ast.walk(later)):
                return False  # read (or rebound otherwise) before any narrowing
            continue
        if any(callee_name(call) == "filter" and _ties_by_one_object(call) for call in chain_calls(later.value)):
            return True  # (``qs = qs.select_related(...)`` first narrows nothing: read on)
    return False


def _q_ties(call: ast.Call) -> bool:
    """``filter(Q(owner=user))``, ``filter(Q(owner=user) | Q(shared_with=user))``: every ``Q`` object of an
    argument ties the rows to an object the code holds."""
    for argument in call.args:
        found = [node for node in ast.walk(argument) if isinstance(node, ast.Call) and callee_name(node) == "Q"]
        if found and all(ties_to_one_parent(node) for node in found):
            return True
    return False


def _statement_calls(query: Query, ctx: FileContext) -> list[ast.Call]:
    """The calls of the statement a SQLAlchemy chain runs: ``select(App).join(...).where(...)`` handed to
    ``session.scalars(...)``/``execute(...)``, written there or in a local, with the calls of every assignment of
    that local in the function (``stmt = select(Artifact).where(Artifact.workspace_id == workspace_id)``, then
    ``stmt = stmt.where(...)`` under an ``if``, then ``session.execute(stmt.order_by(...))``)."""
    found: list[ast.Call] = []
    function = ctx.scope.function
    for call in query.calls:
        for arg in call.args[:1]:
            found.extend(chain_calls(arg, subscripts=False))
            root: ast.AST = arg
            while isinstance(root, (ast.Call, ast.Attribute)):
                root = root.func if isinstance(root, ast.Call) else root.value
            if isinstance(root, ast.Name) and function is not None:
                for value in bindings_of(ctx, function).assigned.get(root.id, ()):
                    found.extend(chain_calls(value, subscripts=False) if value is not None else ())
    return found


def _sqlalchemy_tie(call: ast.Call, ctx: FileContext, foreign_key: bool = False) -> bool:
    """``filter_by(user_id=user.id)`` or ``filter(Model.user_id == user.id, ...)``: one call of a SQLAlchemy chain
    ties the rows to an object the code holds. In a statement (``select(App).where(...)``, ``foreign_key``) only
    a column naming a parent's key counts (``ChannelMember.channel_id == channel_id``, not ``Order.status ==
    status``)."""
    name = callee_name(call)
    if name == "filter_by":
        return not foreign_key and ties_to_one_parent(call)
    if name not in ("filter", "where"):
        return False
    conditions: list[ast.expr] = []
    arguments = list(call.args)
    for arg in arguments:
        if isinstance(arg, ast.Call) and callee_name(arg) == "and_":
            arguments.extend(arg.args)  # ``filter(and_(Event.case_id == case_id, ...))``: each condition holds
        elif isinstance(arg, ast.Starred) and isinstance(arg.value, ast.Name):
            function = ctx.scope.function
            listed = bindings_of(ctx, function).single_value(arg.value.id) if function is not None else None
            conditions.extend(listed.elts if isinstance(listed, (ast.List, ast.Tuple)) else ())
        else:
            conditions.append(arg)
    return any(_column_equals_object(condition) and (not foreign_key or _parent_key(condition))
               for condition in conditions)


def _parent_key(condition: ast.expr) -> bool:
    """``ChannelMember.channel_id == ...``: the compared column is a foreign key (``<parent>_id``)."""
    column = condition.left if isinstance(condition, ast.Compare) else None
    return isinstance(column, ast.Attribute) and column.attr.endswith("_id") and column.attr != "_id"


def _column_equals_object(condition: ast.expr) -> bool:
    """``Equipment.user_id == auth_user.id``: a model's column equal to a value the code holds (a variable or its
    attribute), not a constant (``Item.active == True``) or another column."""
    if not (isinstance(condition, ast.Compare) and len(condition.ops) == 1 and isinstance(condition.ops[0], ast.Eq)):
        return False
    column, value = condition.left, condition.comparators[0]
    return (isinstance(column, ast.Attribute) and isinstance(column.value, ast.Name)
            and column.value.id[:1].isupper() and isinstance(value, (ast.Name, ast.Attribute)) and _one_object(value))


_WHOLE_TABLES = frozenset({"objects", "queryset", "query", "model"})
"""Attributes that hold a whole table (``Order.objects``, a view's ``self.queryset``), not one row's relation."""


def _one_object(expr: ast.expr) -> bool:
    """``category``, ``unit.source_unit``, ``self.object``: a row (a lowercase name or an attribute chain of
    one), not a model class (``Order``) or a module."""
    while isinstance(expr, ast.Attribute):
        expr = expr.value
    return isinstance(expr, ast.Name) and expr.id[:1].islower()


_REQUEST_PARAMETERS = frozenset({"GET", "query_params", "args", "data"})
"""The request's mappings a list view reads its filter parameters from (Django, DRF, Flask)."""


def lists_only_one_parents(view: ast.ClassDef, get_queryset: ast.AST) -> bool:
    """A DRF list view that answers an empty queryset (``Model.objects.none()``) unless the request names a
    parameter its filter backend filters on (codabench's participants: ``if 'competition' in
    self.request.GET`` ... ``else: return CompetitionParticipant.objects.none()`` with ``competition`` in
    ``filterset_fields``): the list refuses to list the table whole, it only ever lists the children of the one
    parent object the request names. Read from the parameter tested (``'k' in request.GET``,
    ``request.query_params.get('k')``) and the view's ``filterset_fields`` (or ``filter_fields``)."""
    fields = _filter_fields(view)
    if not fields:
        return False
    answers_none = any(
        isinstance(node, ast.Return) and isinstance(node.value, ast.Call) and callee_name(node.value) == "none"
        for node in ast.walk(get_queryset)
    )
    return answers_none and bool(_parameters_tested(get_queryset) & fields)


def _filter_fields(view: ast.ClassDef) -> set[str]:
    for statement in view.body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id in ("filterset_fields", "filter_fields")
            for target in statement.targets
        ) and isinstance(statement.value, (ast.Tuple, ast.List, ast.Set, ast.Dict)):
            elements = statement.value.keys if isinstance(statement.value, ast.Dict) else statement.value.elts
            return {element.value for element in elements
                    if isinstance(element, ast.Constant) and isinstance(element.value, str)}
    return set()


def _request_mapping(expr: ast.AST) -> bool:
    """``self.request.GET``, ``request.query_params``: a mapping of the request's parameters."""
    return isinstance(expr, ast.Attribute) and expr.attr in _REQUEST_PARAMETERS and "request" in ast.unparse(expr)


def _parameters_tested(function: ast.AST) -> set[str]:
    """The request parameters ``function`` tests: ``'k' in self.request.GET``, ``self.request.GET.get('k')``."""
    found: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Compare) and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str) \
                and any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops) \
                and any(_request_mapping(right) for right in node.comparators):
            found.add(node.left.value)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
                and _request_mapping(node.func.value) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            found.add(node.args[0].value)
    return found
