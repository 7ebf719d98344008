"""Data migrations written against the rows of one database, which skip the rows another database lacks (BE205).

A one-off data migration often fixes rows the migration names itself: the organisations whose primary keys it
lists (``for creator_pk in [8, 42, 43]: org = Organisation.objects.get(pk=creator_pk)``), the parties of a
literal table (``for party_id, info in PARTY_COLOURS.items(): Organization.objects.get(extra__slug=party_id)``),
the label it renames (``BudgetItemLabel.objects.get(label="Transportation")``). Those rows exist in the
production database the migration was written for and nowhere else: a fresh install, a test database, another
deployment. The ``try: ... except Exception: pass`` around the work is how the migration lets those databases
pass: the lookup fails there because the row is not there, and there is nothing to fix (Akvo's 2015 and
YourNextRepresentative's 2016 migrations, judged FALSE on seed 130).

Only a lookup by keys the migration writes counts (a constant, a name a loop takes from a literal collection of
the module or the function, an item of one): a lookup by a value read from another row (``get(name=
indicator.title)``) is a backfill whose failures are real, and stays reported.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import statement_nodes

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_VIEWS = frozenset({"items", "keys", "values"})


def skips_missing_named_row(attempt: ast.Try, handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """``handler`` passes or continues, and ``attempt`` looks up a row by keys the migration writes itself: a
    Django ``Model.objects.get(pk=8)`` or SQLAlchemy ``query.filter_by(name="Admin").one()`` whose every value is
    literal (see the module). The caller has checked that this is migration code."""
    if not handler.body or not all(isinstance(statement, (ast.Pass, ast.Continue)) for statement in handler.body):
        return False
    function = ctx.scope.function
    collections = _literal_names(ctx.tree.body)
    if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        collections |= _literal_names(function.body)
    keys = _loop_keys(attempt, ctx, collections) | collections
    return any(
        isinstance(node, ast.Call) and _lookup_arguments(node) is not None
        and all(_literal(value, keys) for value in _lookup_arguments(node) or ())
        for node in statement_nodes(attempt.body)
    )


def _lookup_arguments(call: ast.Call) -> Optional[list[ast.expr]]:
    """The values a lookup of one row is keyed by: ``Model.objects.get(pk=8, kind="a")`` (keywords only: a dict's
    ``get`` takes none), ``session.query(Role).filter_by(name="Admin").one()``; ``None`` for any other call."""
    if not isinstance(call.func, ast.Attribute):
        return None
    if call.func.attr == "get" and call.keywords and not call.args:
        return [keyword.value for keyword in call.keywords]
    inner = call.func.value
    if call.func.attr == "one" and isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) \
            and inner.func.attr == "filter_by" and inner.keywords and not inner.args:
        return [keyword.value for keyword in inner.keywords]
    return None


def _literal_names(statements: list[ast.stmt]) -> set[str]:
    """Names these statements bind to a collection written out of constants (``PARTY_COLOURS = {...}``,
    ``project_creators = [8, 42]``)."""
    names: set[str] = set()
    for statement in statements:
        if isinstance(statement, ast.Assign) and isinstance(statement.value, (ast.List, ast.Tuple, ast.Set, ast.Dict)) \
                and _constant(statement.value):
            names.update(target.id for target in statement.targets if isinstance(target, ast.Name))
    return names


def _constant(node: ast.expr) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def _loop_keys(attempt: ast.Try, ctx: FileContext, collections: set[str]) -> set[str]:
    """The names the loops around ``attempt`` take from a literal collection: ``for pk in project_creators``,
    ``for slug, info in PARTY_COLOURS.items()``, ``for pk in (8, 42)``."""
    names: set[str] = set()
    node = ctx.parent_of(attempt)
    while node is not None and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Module)):
        if isinstance(node, (ast.For, ast.AsyncFor)) and _literal_iterable(node.iter, collections):
            names.update(target.id for target in ast.walk(node.target) if isinstance(target, ast.Name))
        node = ctx.parent_of(node)
    return names


def _literal_iterable(iterable: ast.expr, collections: set[str]) -> bool:
    if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute) and iterable.func.attr in _VIEWS \
            and not iterable.args:
        iterable = iterable.func.value  # PARTY_COLOURS.items()
    if isinstance(iterable, ast.Name):
        return iterable.id in collections
    return isinstance(iterable, (ast.List, ast.Tuple, ast.Set, ast.Dict)) and _constant(iterable)


def _literal(value: ast.expr, keys: set[str]) -> bool:
    """``8``, ``"Transportation"``, a loop's literal key, ``info["slug"]`` of one, ``[8, 42]``."""
    if isinstance(value, ast.Name):
        return value.id in keys
    if isinstance(value, ast.Subscript):
        return isinstance(value.slice, ast.Constant) and _literal(value.value, keys)
    return _constant(value)
