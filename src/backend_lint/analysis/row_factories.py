"""Cursors whose rows the driver itself maps by column name into a class of the code (BE102).

psycopg 3 takes a *row factory* on the cursor: ``conn.cursor(row_factory=class_row(User))`` builds each row as
``User(**columns)``, ``kwargs_row(make_user)`` calls ``make_user(**columns)``. The code never sees a tuple or a
mapping: it gets the entity, built by column name, and what it reads, returns or serialises is the class's
fields, never a position or a column the class does not name. A ``SELECT *`` read through such a cursor is the
whole-entity load of a data-access layer that :mod:`.row_mapping` already leaves alone when the code writes
``User(**row)`` itself (fmtm's ``DbUser.one``: ``u.*`` through ``class_row(cls)``, judged FALSE on seed 130).

The factories that keep columns generic (``dict_row``, ``namedtuple_row``, ``tuple_row``, ``scalar_row``) and
``args_row``, which passes the columns *by position*, are not such a mapping: their rows are read as
:mod:`.row_mapping` reads any other.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from backend_lint.analysis.ast_helpers import own_nodes
from backend_lint.analysis.facts import node_fact, reads

if TYPE_CHECKING:
    from backend_lint.context import FileContext

BY_NAME_FACTORIES = frozenset({"psycopg.rows.class_row", "psycopg.rows.kwargs_row"})
"""psycopg's row factories that hand each row's columns by name to a callable of the code."""


def _maps_by_name(value: ast.expr | None, ctx: FileContext) -> bool:
    """``value`` is ``class_row(X)`` or ``kwargs_row(f)`` of psycopg."""
    return isinstance(value, ast.Call) and ctx.imports.resolve(value.func) in BY_NAME_FACTORIES


def _made_with_entity_rows(value: ast.expr | None, ctx: FileContext) -> bool:
    """``value`` makes a cursor given a by-name row factory (``db.cursor(row_factory=class_row(cls))``)."""
    if isinstance(value, ast.Await):
        value = value.value
    return isinstance(value, ast.Call) and any(
        keyword.arg == "row_factory" and _maps_by_name(keyword.value, ctx) for keyword in value.keywords
    )


@node_fact()
def entity_cursors(ctx: FileContext, function: ast.AST) -> frozenset[str]:
    """The local names ``function`` binds to a cursor whose rows psycopg builds by name into a class: ``async with
    db.cursor(row_factory=class_row(cls)) as cur``, ``cur = conn.cursor(row_factory=kwargs_row(f))``, or a cursor
    given one afterwards (``cur.row_factory = class_row(User)``)."""
    names: set[str] = set()
    for node in own_nodes(function):
        if isinstance(node, (ast.With, ast.AsyncWith)):
            names.update(
                item.optional_vars.id for item in node.items
                if isinstance(item.optional_vars, ast.Name) and _made_with_entity_rows(item.context_expr, ctx)
            )
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and _made_with_entity_rows(node.value, ctx):
                names.add(target.id)
            elif isinstance(target, ast.Attribute) and target.attr == "row_factory" \
                    and isinstance(target.value, ast.Name) and _maps_by_name(node.value, ctx):
                names.add(target.value.id)
    return frozenset(names)


@reads(entity_cursors)
def runs_on_entity_cursor(ctx: FileContext, call: ast.Call) -> bool:
    """The query call ``call`` runs on a cursor of :func:`entity_cursors` (``cur.execute(sql)``) or on one made
    right there (``conn.cursor(row_factory=class_row(User)).execute(sql)``)."""
    function = ctx.scope.function
    if function is None or not isinstance(call.func, ast.Attribute):
        return False
    receiver = call.func.value
    if isinstance(receiver, ast.Name):
        return receiver.id in entity_cursors(ctx, function)
    return _made_with_entity_rows(receiver, ctx)
