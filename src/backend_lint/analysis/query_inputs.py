"""Querysets a handler only feeds to other queries or counts: their rows are never sent back (BE104).

``examples = Example.objects.filter(project=pid).values("id")`` then ``total = examples.count()`` and
``ExampleState.objects.count_done(examples)`` (doccano's progress view): the local is read only as a number
(``count``, ``exists``, ``aggregate``, their async forms) and as an argument of another query's call, a manager
method of another model or a queryset method (``filter(example_id__in=examples)``), where it runs as a lazy
subquery. Whatever the response holds is what those other queries compute (a count, a distribution), not the
rows of this one. A local also used anywhere else (returned, serialized, iterated, handed to a function that is
not a query) keeps the finding.
"""

from __future__ import annotations

import ast
from typing import Optional

from backend_lint.analysis.ast_helpers import own_nodes
from backend_lint.analysis.orm import QUERYSET_METHODS

_NUMBERS = frozenset({"count", "exists", "aggregate", "acount", "aexists", "aaggregate"})
"""Methods that answer with one number or flag computed by the database: no row comes back."""
_MANAGERS = frozenset({"objects", "query"})
"""Attributes naming a model's manager (Django ``objects``, Flask-SQLAlchemy ``query``)."""


def _root(expr: ast.expr) -> Optional[str]:
    while isinstance(expr, (ast.Attribute, ast.Call, ast.Subscript)):
        expr = expr.func if isinstance(expr, ast.Call) else expr.value
    return expr.id if isinstance(expr, ast.Name) else None


def _query_callee(func: ast.expr) -> bool:
    """``ExampleState.objects.count_done``, ``self.model.objects.calc_label_distribution``, ``qs.filter``: a call
    that builds or runs another query (a manager's method, whatever its name, or a queryset method)."""
    if not isinstance(func, ast.Attribute):
        return False
    if func.attr in QUERYSET_METHODS:
        return True
    receiver = func.value
    while isinstance(receiver, (ast.Attribute, ast.Call)):
        if isinstance(receiver, ast.Attribute) and receiver.attr in _MANAGERS:
            return True
        receiver = receiver.func if isinstance(receiver, ast.Call) else receiver.value
    return False


def only_fed_to_queries(function: ast.AST, names: set[str]) -> bool:
    """Every read of ``names`` in ``function`` is a count of the rows or an argument of another query's call
    (a subquery): the rows are never sent back. At least one read must be such an argument or count. (The
    parents are read here: the walk has not reached the statements after the query yet.)"""
    parents: dict[ast.AST, ast.AST] = {}
    reads: list[ast.Name] = []
    for node in own_nodes(function):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
        if isinstance(node, ast.Name) and node.id in names and isinstance(node.ctx, ast.Load):
            reads.append(node)
    if not reads:
        return False
    parent_of = parents.get
    for read in reads:
        parent = parent_of(read)
        if isinstance(parent, ast.Attribute) and parent.value is read and parent.attr in _NUMBERS:
            call = parent_of(parent)
            if isinstance(call, ast.Call) and call.func is parent:
                continue  # ``examples.count()``
        argument = parent_of(parent) if isinstance(parent, ast.keyword) else parent
        if isinstance(argument, ast.Call) and (read in argument.args or isinstance(parent, ast.keyword)) \
                and _query_callee(argument.func) and _root(argument.func) not in names:
            continue  # ``ExampleState.objects.count_done(examples)``, ``filter(example_id__in=examples)``
        return False
    return True
