"""How the code uses what a query call gives back: only as a yes/no, or as text handed to the ORM.

Some findings about SQL text depend less on the text than on what happens to the result. A ``SELECT *`` whose
row is only tested (``if not cur.execute(...).fetchone():``, ``row = ...; if row is None:``) is an existence
probe: no column is ever read, so no column added later can break it. A ``text("SELECT g.* ...")`` given to
``Session.query(Group).from_statement(...)`` must return every column the ORM maps. These facts answer such
questions for one function at a time, with one pass over it, computed only when a rule asks.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import body_of
from backend_lint.analysis.facts import node_fact, reads

if TYPE_CHECKING:
    from backend_lint.context import FileContext

TEST = "test"
"""The value is only asked for its truth (``if x``, ``not x``, ``x is None``, ``bool(x)``)."""
FROM_STATEMENT = "from_statement"
"""The value is the statement of an ORM query (``query.from_statement(x)``)."""
COLUMNS = "columns"
"""The value's column names are read (``cursor.keys()``, ``.description``, ``.mappings()``): code that handles
whatever columns come back (an export, a record dump) wants them all."""
ROWCOUNT = "rowcount"
"""The code reads how many rows a write changed (``if result.rowcount == 1:``): the write's outcome decides."""
RECEIVER = "receiver"
"""The value is only the receiver of a method call (``qs.exists()``, ``qs.filter(...)``): whatever runs, runs
at that call."""
OTHER = "other"

_ROW_READS = frozenset({"fetchone", "first", "one_or_none", "scalar", "scalar_one_or_none", "fetchall", "all",
                       "fetchrow", "fetchval", "fetch_one"})
_COLUMN_READS = frozenset({"keys", "description", "mappings", "_fields", "column_names"})
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


@node_fact()
def name_uses(ctx: FileContext, function: ast.AST) -> dict[str, frozenset[str]]:
    """For each name the body of ``function`` reads, the kinds of use it gets (:data:`TEST`,
    :data:`FROM_STATEMENT`, :data:`OTHER`); nested functions and classes are their own (a read there is
    :data:`OTHER`, since this pass cannot tell)."""
    found: dict[str, set[str]] = {}
    stack: list[tuple[ast.AST, Optional[ast.AST]]] = [(child, function) for child in body_of(function)]
    while stack:
        node, parent = stack.pop()
        if isinstance(node, _NESTED):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Load):
                    found.setdefault(inner.id, set()).add(OTHER)
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            found.setdefault(node.id, set()).add(use_of(node, parent))
        stack.extend((child, node) for child in ast.iter_child_nodes(node))
    return {name: frozenset(kinds) for name, kinds in found.items()}


def use_of(node: ast.AST, parent: Optional[ast.AST]) -> str:
    """What ``parent`` does with the value ``node``."""
    if isinstance(parent, (ast.If, ast.While, ast.IfExp, ast.Assert)) and parent.test is node:
        return TEST
    if isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not):
        return TEST
    if (isinstance(parent, ast.Compare) and len(parent.ops) == 1 and isinstance(parent.ops[0], (ast.Is, ast.IsNot))
            and isinstance(parent.comparators[0], ast.Constant) and parent.comparators[0].value is None):
        return TEST
    if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id == "bool":
        return TEST
    if (isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute)
            and parent.func.attr == FROM_STATEMENT and node in parent.args):
        return FROM_STATEMENT
    if isinstance(parent, ast.Attribute) and parent.value is node and parent.attr in _COLUMN_READS:
        return COLUMNS
    if isinstance(parent, ast.Attribute) and parent.value is node and parent.attr == "rowcount":
        return ROWCOUNT
    if isinstance(parent, ast.Attribute) and parent.value is node:
        return RECEIVER  # (a method call, or an attribute read; both act on the value where they are)
    return OTHER


@reads(name_uses)
def result_use(ctx: FileContext, call: ast.Call) -> str:
    """How the code uses the result of the query call ``call`` (a ``text()`` given to ``conn.execute`` counts
    as that execute): followed through ``await`` and row reads (``.fetchone()``, ``.first()``, ``.scalar()``),
    and through one local assignment whose every read is the same kind of use."""
    current: ast.AST = call
    parent = ctx.parent_of(current)
    while True:
        if (isinstance(parent, ast.Call) and current in parent.args and isinstance(parent.func, ast.Attribute) and (
            parent.func.attr in ("execute", "exec_driver_sql", "fetch", "fetchrow", "fetchval")
        )) or isinstance(parent, ast.Await):
            current, parent = parent, ctx.parent_of(parent)
        elif isinstance(parent, ast.Attribute) and parent.attr in _ROW_READS:
            read = ctx.parent_of(parent)
            if not isinstance(read, ast.Call):
                break
            current, parent = read, ctx.parent_of(read)
        else:
            break
    if isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is current:
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        function = ctx.scope.function
        if len(targets) != 1 or not isinstance(targets[0], ast.Name) or function is None:
            return OTHER
        kinds = name_uses(ctx, function).get(targets[0].id, frozenset())
        if COLUMNS in kinds:
            return COLUMNS  # read generically, by whatever columns it has
        return next(iter(kinds)) if len(kinds) == 1 else OTHER
    return use_of(current, parent)
