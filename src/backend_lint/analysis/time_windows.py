"""Rows of a short, recent time window: ``User.lastseen >= now - timedelta(minutes=15)``.

A query filtered to rows whose timestamp is at least a moment a few minutes or hours before *now* lists what
happened in that window (FlaskBB's who-is-online: the users seen in the last ``ONLINE_LAST_MINUTES``), a set the
window keeps small however long the table grows. BE104 leaves such a listing alone, and BE103 a loop over such
rows (DefectDojo's hourly task over the engagements that went stale in the last run interval).

The window is read from the code: ``<now> - timedelta(minutes=..., seconds=..., hours=...)`` (no ``days`` or
``weeks``, which can hold a table's whole history; the ``timedelta`` written there or in a local bound once to
it, ``runinterval = timedelta(hours=1)``), where ``<now>`` is a call whose name says *now*
(``datetime.now(UTC)``, ``timezone.now()``, ``datetime.utcnow()``, a helper ``time_utcnow()``) or a local bound
once to one; also a local bound once to such a difference, and a function (of the file, or of another module of
the project through :func:`returns_recent_time` in its summary) that returns it on every path. The filter is
``Column >= window`` / ``Column > window`` (or the mirrored ``window <= Column``) in SQLAlchemy, or
``field__gte=window`` / ``field__gt=window`` in Django.
"""

from __future__ import annotations

import ast
from typing import Callable, Optional, Union

from backend_lint.analysis.ast_helpers import callee_name, own_nodes
from backend_lint.analysis.secret_names import split_identifier

_SHORT_UNITS = frozenset({"seconds", "minutes", "hours", "milliseconds", "microseconds"})
_RECENT_OPS = (ast.GtE, ast.Gt)
_MIRRORED_OPS = (ast.LtE, ast.Lt)
_FILTERS = frozenset({"filter", "where", "filter_by", "exclude"})


def _single_values(function: ast.AST) -> dict[str, Optional[ast.expr]]:
    """Names assigned exactly once in ``function`` (nested defs excluded): name -> value (``None``: more)."""
    values: dict[str, Optional[ast.expr]] = {}
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    values[target.id] = node.value if target.id not in values else None
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.With)):
            for stored in ast.walk(node):
                if isinstance(stored, ast.Name) and isinstance(stored.ctx, ast.Store):
                    values[stored.id] = None
        stack.extend(ast.iter_child_nodes(node))
    return values


def _is_now(expr: ast.expr, names: dict[str, Optional[ast.expr]], depth: int = 0) -> bool:
    if isinstance(expr, ast.Name) and depth < 3:
        value = names.get(expr.id)
        return value is not None and _is_now(value, names, depth + 1)
    if not isinstance(expr, ast.Call):
        return False
    name = callee_name(expr)
    if name == "time" and isinstance(expr.func, ast.Attribute) and isinstance(expr.func.value, ast.Name):
        return expr.func.value.id == "time"  # ``time.time()``
    return "now" in split_identifier(name) or name.lower().endswith("now")


def _short_timedelta(expr: ast.expr) -> bool:
    """``timedelta(minutes=...)``: keywords only, each a unit of at most hours."""
    return (
        isinstance(expr, ast.Call)
        and callee_name(expr) == "timedelta"
        and not expr.args
        and bool(expr.keywords)
        and all(keyword.arg in _SHORT_UNITS for keyword in expr.keywords)
    )


def _bound(expr: ast.expr, names: dict[str, Optional[ast.expr]]) -> ast.expr:
    """The value a local bound once holds (``runinterval = timedelta(hours=1)``), or ``expr`` itself."""
    if isinstance(expr, ast.Name):
        value = names.get(expr.id)
        if value is not None:
            return value
    return expr


def _is_window(expr: ast.expr, names: dict[str, Optional[ast.expr]], depth: int = 0) -> bool:
    if isinstance(expr, ast.Name) and depth < 3:
        value = names.get(expr.id)
        return value is not None and _is_window(value, names, depth + 1)
    return (
        isinstance(expr, ast.BinOp)
        and isinstance(expr.op, ast.Sub)
        and _short_timedelta(_bound(expr.right, names))
        and _is_now(expr.left, names)
    )


def returns_recent_time(function: ast.AST) -> bool:
    """Every ``return`` of the function gives ``<now> - timedelta(<short units>)`` (at least one return)."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    returns = [node for node in own_nodes(function) if isinstance(node, ast.Return)]
    if not returns or not all(isinstance(node.value, ast.Name) or (
        isinstance(node.value, ast.BinOp) and isinstance(node.value.op, ast.Sub)
    ) for node in returns):
        return False  # (no window can be returned: the function's locals need not be read)
    names = _single_values(function)
    return all(node.value is not None and _is_window(node.value, names) for node in returns)


Qualify = Callable[[ast.expr], Optional[str]]
Window = Union[bool, str]
"""``True``: the file shows the window; a string: the qualified name of a project function that must return
one (for the project model); ``False``: no window."""


def window_value(
    expr: ast.expr, function: ast.AST, tree: ast.Module, qualify: Qualify,
) -> Window:
    """Whether ``expr``, written in ``function``, is a recent moment: the window itself, a local bound once to
    it, or a call of a function (of this file: read here; imported: its qualified name) returning it."""
    names = _single_values(function)
    if isinstance(expr, ast.Name) and names.get(expr.id) is not None:
        value = names[expr.id]
        assert value is not None
        expr = value
    if _is_window(expr, names):
        return True
    if not (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and not expr.args and not expr.keywords):
        return False
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == expr.func.id:
            return returns_recent_time(statement)
    qualified = qualify(expr.func)
    return qualified if qualified else False


def recent_rows(calls: list[ast.Call], function: ast.AST, tree: ast.Module, qualify: Qualify) -> Window:
    """A filter call of the chain keeps only rows of a recent window (``Col >= window``, ``col__gte=window``)."""
    pending: Optional[str] = None
    for call in calls:
        if callee_name(call) not in _FILTERS or callee_name(call) == "exclude":
            continue
        candidates: list[ast.expr] = []
        for arg in call.args:
            if isinstance(arg, ast.Compare) and len(arg.ops) == 1:
                if isinstance(arg.ops[0], _RECENT_OPS) and isinstance(arg.left, ast.Attribute):
                    candidates.append(arg.comparators[0])
                elif isinstance(arg.ops[0], _MIRRORED_OPS) and isinstance(arg.comparators[0], ast.Attribute):
                    candidates.append(arg.left)
        for keyword in call.keywords:
            if keyword.arg is not None and keyword.arg.endswith(("__gte", "__gt")):
                candidates.append(keyword.value)
        for candidate in candidates:
            found = window_value(candidate, function, tree, qualify)
            if found is True:
                return True
            if isinstance(found, str):
                pending = found
    return pending if pending is not None else False
