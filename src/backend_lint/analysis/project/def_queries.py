"""Which functions run a database query every time they are called: what a loop over rows inherits when it calls
one of them with the row (BE103 across modules, :func:`.conditions.runs_query`).

``for order in Order.objects.filter(open=True): notify(order)`` is an N+1 when ``notify`` of another module
looks the customer up (``Customer.objects.get(pk=order.customer_id)``), and the loop's file cannot say so. The
summary records, per module-level function and method, whether its own body runs a query on every call, by
the query chains of :mod:`backend_lint.analysis.orm` (the ones BE103 reports inside a loop):

- a Django chain that ends in a method that runs it (``.get()``, ``.first()``, ``.count()``, ``.exists()``,
  ``.create()``... :data:`~backend_lint.analysis.orm.SINGLE_ROW`), or a queryset iterated (``for`` over it,
  ``list(qs)``);
- a SQLAlchemy session call that runs its statement (``session.execute/scalars/scalar/get``) or a
  ``session.query(...)``/``Model.query`` chain ended by ``.all()``, ``.first()``, ``.one()``...;
- a DB-API or async driver sink (``cursor.execute``).

Only what runs on every call counts: the statements of the body the function always reaches (into ``with``
blocks and ``try`` bodies, and the test of an ``if``, a ``for``'s iterable; not the branches, loop bodies,
``except`` clauses, nested functions, comprehensions or the later operands of ``and``/``or``), so a helper that
queries only on a cache miss, or only for some arguments, is not recorded. A function that builds a queryset
and returns it runs nothing (the caller may still narrow it). A function that names a cache (``@lru_cache``,
``@cached``, ``cache.get_or_set``, a ``_cache`` dict) is not recorded either: after the first row its answer
comes from memory.

The chains are read as the walk reads them, in the function's own scope: the walk's current scope
(``ctx.scope``) is set to the function's while it is asked (the summary is taken after the walk), so that the
driver sinks, whose answer is a fact per call node, come out as they would at that node during the walk.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from backend_lint.analysis.orm import DJANGO, SINGLE_ROW, SQLALCHEMY, query_of
from backend_lint.analysis.scopes import Scope
from backend_lint.analysis.sql import query_sink
from backend_lint.analysis.tree_walk import child_nodes

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_SESSION_RUNS = {"execute", "scalars", "scalar", "get", "exec", "get_one"}
"""Session methods that run the statement they are given."""
_ENDS_SQLALCHEMY = SINGLE_ROW | {"all", "fetchall", "scalars", "mappings"}
"""Methods that end a ``session.query(...)``/``Model.query`` chain by running it."""
_EVALUATES = {"list", "tuple", "set", "sorted", "len", "sum", "any", "bool", "next", "frozenset", "dict"}
"""Builtins that run the queryset they are given."""
_SKIPPED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.ListComp, ast.SetComp,
            ast.DictComp, ast.GeneratorExp)
_CACHE_WORDS = ("cache", "memoiz")
_TRIES = (ast.Try, ast.TryStar) if hasattr(ast, "TryStar") else (ast.Try,)


def runs_query_always(ctx: FileContext, function: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope) -> bool:
    """Whether every call of ``function`` (whose scope is ``scope``) runs a query in its own body."""
    if any(word in ast.unparse(decorator).lower() for decorator in function.decorator_list for word in _CACHE_WORDS):
        return False
    with _walking_at(ctx, scope):
        return any(_runs_query(expr, iterated, ctx, scope) for expr, iterated in _always_evaluated(function.body))


@contextmanager
def _walking_at(ctx: FileContext, scope: Scope) -> Iterator[None]:
    """The walk's state as it is inside ``scope`` (see the module's docstring), restored afterwards."""
    kept = ctx.scope
    ctx.scope = scope
    try:
        yield
    finally:
        ctx.scope = kept


def _always_evaluated(body: list[ast.stmt]) -> Iterator[tuple[ast.expr, bool]]:
    """The expressions of ``body`` that run whenever the body does (see the module's docstring), each with
    whether it is a ``for`` loop's iterable (iterating a queryset runs it)."""
    for statement in body:
        if isinstance(statement, (ast.If, ast.While)):
            yield statement.test, False
        elif isinstance(statement, (ast.For, ast.AsyncFor)):
            yield statement.iter, True
        elif isinstance(statement, (ast.With, ast.AsyncWith)):
            yield from ((item.context_expr, False) for item in statement.items)
            yield from _always_evaluated(statement.body)
        elif isinstance(statement, _TRIES):
            yield from _always_evaluated(statement.body)
            yield from _always_evaluated(statement.finalbody)
        elif isinstance(statement, (ast.Return, ast.Expr, ast.Assign, ast.AnnAssign, ast.AugAssign)):
            if statement.value is not None:
                yield statement.value, False
            if isinstance(statement, ast.Return):
                return


def _runs_query(expr: ast.expr, iterated: bool, ctx: FileContext, scope: Scope) -> bool:
    if iterated and query_of(expr, ctx, scope) is not None:
        return True
    stack: list[ast.AST] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, _SKIPPED):
            continue
        if isinstance(node, ast.Call) and _call_runs_query(node, ctx, scope):
            return True
        if isinstance(node, ast.IfExp):
            stack.append(node.test)
        elif isinstance(node, ast.BoolOp):
            stack.append(node.values[0])
        else:
            stack.extend(child_nodes(node))
    return False


def _call_runs_query(call: ast.Call, ctx: FileContext, scope: Scope) -> bool:
    """``call`` runs a query: it ends a chain with a method that runs it, runs a session's statement, is a
    driver sink, or hands a queryset to a builtin that iterates it (``list(qs)``)."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id in _EVALUATES and len(call.args) == 1 and query_of(call.args[0], ctx, scope) is not None
    if not isinstance(func, ast.Attribute):
        return False
    if query_sink(ctx, call) is not None:
        return True
    query = query_of(call, ctx, scope)
    if query is None or not query.calls or query.calls[-1] is not call:
        return False
    if query.framework == DJANGO:
        return query.last_method in SINGLE_ROW
    if query.framework == SQLALCHEMY:
        first = query.calls[0].func
        return (isinstance(first, ast.Attribute) and first.attr in _SESSION_RUNS) \
            or query.last_method in _ENDS_SQLALCHEMY
    return False  # ``cursor.fetchall()``: the rows of a query run (and counted) before
