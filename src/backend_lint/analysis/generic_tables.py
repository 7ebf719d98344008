"""A query over a table the caller names: generic data-access plumbing (BE102).

A helper whose table is one of its parameters (``async def get_row(self, table, match)`` running
``f"SELECT * FROM {table} WHERE ..."``, ``"SELECT * FROM %s" % table_name``, ``"SELECT * FROM {}".format(table)``,
``"SELECT * FROM " + table``) cannot name the columns: it does not know which table it reads, and each caller
reads the row of its own table. Its ``SELECT *`` is the helper's interface ("the whole row of the table you
name"), not a choice of columns made here; the columns are chosen, if anywhere, by the callers that read the
returned rows. The same holds for a function that walks tables in turn, the table name being a loop's variable
or computed from one (``for table in cur.execute("SELECT name FROM sqlite_master")``, then ``name = table[0]``
and ``f'SELECT * FROM "{name}"'``): a dump of every table of a database the code does not own (MobSF's viewer of
an analysed app's SQLite file), where every column is wanted and none is known. A star over a table the function
itself fixes (a constant, an attribute of the class, a local computed once from anything else) is still judged
as any other query.
"""

from __future__ import annotations

import ast
import re

from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.sql_pieces import Hole, SqlText
from backend_lint.context import FileContext

_STAR_FROM = lazy_compile(r"\bSELECT\s+(?:DISTINCT\s+)?\*\s+FROM\s+(?:\w+\.)?[\"`\[]?$", re.IGNORECASE)
"""The text before the table's name: ``SELECT * FROM {table}``, also in a schema the helper fixes (``SELECT * FROM
msar.{func_name}(...)``: mathesar's caller-named functions)."""
_RECEIVERS = frozenset({"self", "cls"})


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    arguments = function.args
    every = arguments.posonlyargs + arguments.args + arguments.kwonlyargs
    return {argument.arg for argument in every} - _RECEIVERS


def _loop_names(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """The names a ``for`` loop of the function binds, and the locals assigned from an expression that reads one
    of them (``table_name = table[0]``, ``safe = table_name.replace(...)``): the values that change per pass."""
    found: set[str] = set()
    assignments: list[tuple[set[str], set[str]]] = []
    for node in ast.walk(function):
        if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            found |= {name.id for name in ast.walk(node.target) if isinstance(name, ast.Name)}
        elif isinstance(node, ast.Assign):
            targets = {name.id for target in node.targets for name in ast.walk(target) if isinstance(name, ast.Name)}
            assignments.append((targets, {name.id for name in ast.walk(node.value) if isinstance(name, ast.Name)}))
    changed = bool(found)
    while changed:
        changed = False
        for targets, read in assignments:
            if read & found and not targets <= found:
                found |= targets
                changed = True
    return found


def _enclosing_function(node: ast.AST, ctx: FileContext) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    parent = ctx.parent_of(node)
    while parent is not None and not isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
        parent = ctx.parent_of(parent)
    return parent


def reads_table_parameter(sql: SqlText, call: ast.Call, ctx: FileContext) -> bool:
    """Every ``SELECT * FROM`` of the text reads a table named by a parameter of the function around the sink, or
    by a value that changes with each pass of one of its loops."""
    function = _enclosing_function(call, ctx)
    if function is None:
        return False
    parameters = _parameters(function)
    loops: set[str] | None = None
    found = False
    for position, piece in enumerate(sql.pieces):
        if not isinstance(piece, str) or not _STAR_FROM.search(piece):
            continue
        following = sql.pieces[position + 1] if position + 1 < len(sql.pieces) else None
        if not (isinstance(following, Hole) and isinstance(following.expr, ast.Name)):
            return False
        if following.expr.id not in parameters:
            loops = _loop_names(function) if loops is None else loops
            if following.expr.id not in loops:
                return False
        found = True
    return found
