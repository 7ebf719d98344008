"""A query over a table the caller names: generic data-access plumbing (BE102).

A helper whose table is one of its parameters (``async def get_row(self, table, match)`` running
``f"SELECT * FROM {table} WHERE ..."``, ``"SELECT * FROM %s" % table_name``, ``"SELECT * FROM {}".format(table)``,
``"SELECT * FROM " + table``) cannot name the columns: it does not know which table it reads, and each caller
reads the row of its own table. Its ``SELECT *`` is the helper's interface ("the whole row of the table you
name"), not a choice of columns made here; the columns are chosen, if anywhere, by the callers that read the
returned rows. A star over a table the function itself fixes (a constant, an attribute of the class, a local
computed in the function) is still judged as any other query.
"""

from __future__ import annotations

import ast
import re

from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.sql_pieces import Hole, SqlText
from backend_lint.context import FileContext

_STAR_FROM = lazy_compile(r"\bSELECT\s+(?:DISTINCT\s+)?\*\s+FROM\s+[\"`\[]?$", re.IGNORECASE)
_RECEIVERS = frozenset({"self", "cls"})


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    arguments = function.args
    every = arguments.posonlyargs + arguments.args + arguments.kwonlyargs
    return {argument.arg for argument in every} - _RECEIVERS


def _enclosing_function(node: ast.AST, ctx: FileContext) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    parent = ctx.parent_of(node)
    while parent is not None and not isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
        parent = ctx.parent_of(parent)
    return parent


def reads_table_parameter(sql: SqlText, call: ast.Call, ctx: FileContext) -> bool:
    """Every ``SELECT * FROM`` of the text reads a table named by a parameter of the function around the sink."""
    function = _enclosing_function(call, ctx)
    if function is None:
        return False
    parameters = _parameters(function)
    found = False
    for position, piece in enumerate(sql.pieces):
        if not isinstance(piece, str) or not _STAR_FROM.search(piece):
            continue
        following = sql.pieces[position + 1] if position + 1 < len(sql.pieces) else None
        if not (isinstance(following, Hole) and isinstance(following.expr, ast.Name)
                and following.expr.id in parameters):
            return False
        found = True
    return found
