"""How the code uses what a query call gives back: only as a yes/no, or as text handed to the ORM.

Some findings about SQL text depend less on the text than on what happens to the result. A ``SELECT *`` whose
row is only tested (``if not cur.execute(...).fetchone():``, ``row = ...; if row is None:``) is an existence
probe: no column is ever read, so no column added later can break it. A ``text("SELECT g.* ...")`` given to
``Session.query(Group).from_statement(...)`` must return every column the ORM maps. These facts answer such
questions for one function at a time, with one pass over it, computed only when a rule asks.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, NamedTuple, Optional

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


_RUN_CALLS = frozenset({"execute", "exec_driver_sql", "fetch", "fetchrow", "fetchval"})
_FOLLOW_DEPTH = 3


class _Body(NamedTuple):
    loads: dict[str, list[ast.Name]]
    nested: frozenset[str]
    parents: dict[ast.AST, ast.AST]


@node_fact()
def _loads(ctx: FileContext, function: ast.AST) -> _Body:
    """The loads of each name in ``function``'s own body, the names a nested function or class reads, and each
    node's parent (the walk has not reached the nodes after the query yet)."""
    loads: dict[str, list[ast.Name]] = {}
    nested: set[str] = set()
    parents: dict[ast.AST, ast.AST] = {}
    stack: list[ast.AST] = list(body_of(function))
    for child in stack:
        parents[child] = function
    while stack:
        node = stack.pop()
        if isinstance(node, _NESTED):
            nested.update(inner.id for inner in ast.walk(node) if isinstance(inner, ast.Name))
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            loads.setdefault(node.id, []).append(node)
        for child in ast.iter_child_nodes(node):
            parents[child] = node
            stack.append(child)
    for found in loads.values():
        found.sort(key=lambda load: (load.lineno, load.col_offset))
    return _Body(loads, frozenset(nested), parents)


@reads(_loads)
def only_tested(ctx: FileContext, call: ast.Call) -> bool:
    """The result of the query call ``call`` is only ever asked for its truth, in whatever form the code writes
    the test: ``if cur.execute(...).fetchone():``, ``return True if result.fetchone() else False``,
    ``return bool(row)``, ``row is not None``, ``len(rows) > 0``, followed through locals (``result = ...;
    row = result.fetchone()``) and through a cursor whose rows are read after it ran (``cur.execute(sql);
    return cur.fetchone() is not None``). No column is read, so no column added later changes anything."""
    function = ctx.scope.function
    if function is None:
        return False
    return _Probe(ctx, function).tested(call, 0)


class _Probe:
    def __init__(self, ctx: FileContext, function: ast.AST) -> None:
        body = _loads(ctx, function)
        self.loads, self.nested, self.parents = body.loads, body.nested, body.parents

    def parent_of(self, node: ast.AST) -> Optional[ast.AST]:
        return self.parents.get(node)

    def tested(self, node: ast.AST, depth: int) -> bool:
        current, parent = self._climb(node)
        if isinstance(parent, (ast.Assign, ast.AnnAssign, ast.NamedExpr)) and parent.value is current:
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            if len(targets) != 1 or not isinstance(targets[0], ast.Name) or depth >= _FOLLOW_DEPTH:
                return False
            name = targets[0].id
            uses = self.loads.get(name, [])
            if isinstance(parent, ast.NamedExpr):  # if (row := ...fetchone()) is None: the walrus is tested too
                if not self._test(parent, self.parent_of(parent)):
                    return False
            elif not uses:
                return False
            if name in self.nested:
                return False
            return all(self._use_tested(load, depth + 1) for load in uses)
        if isinstance(parent, ast.Expr) and isinstance(current, ast.Call) \
                and isinstance(current.func, ast.Attribute) and isinstance(current.func.value, ast.Name):
            return self._cursor_tested(current, current.func.value.id, depth)
        return self._test(current, parent)

    def _climb(self, node: ast.AST) -> tuple[ast.AST, Optional[ast.AST]]:
        """Up through ``execute(...)``, ``await`` and row reads (``.fetchone()``, ``.first()``, ``.scalar()``)."""
        current: ast.AST = node
        parent = self.parent_of(node)
        while True:
            if isinstance(parent, ast.Await) or (
                isinstance(parent, ast.Call) and current in parent.args and isinstance(parent.func, ast.Attribute)
                and parent.func.attr in _RUN_CALLS
            ):
                current, parent = parent, self.parent_of(parent)
            elif isinstance(parent, ast.Attribute) and parent.attr in _ROW_READS \
                    and isinstance(read := self.parent_of(parent), ast.Call):
                current, parent = read, self.parent_of(read)
            else:
                return current, parent

    def _use_tested(self, load: ast.Name, depth: int) -> bool:
        parent = self.parent_of(load)
        if isinstance(parent, ast.Attribute) and parent.attr in _ROW_READS:
            return self.tested(load, depth)
        return self._test(load, parent)

    def _cursor_tested(self, run: ast.Call, cursor: str, depth: int) -> bool:
        """``cur.execute(sql)`` as a statement: the rows read from ``cur`` after it (up to its next ``execute``)
        are all only tested, and there is one."""
        if cursor in self.nested:
            return False
        reads = 0
        for load in self.loads.get(cursor, []):
            if (load.lineno, load.col_offset) <= (run.lineno, run.col_offset):
                continue
            attribute = self.parent_of(load)
            if not isinstance(attribute, ast.Attribute):
                return False  # the cursor itself handed on
            if attribute.attr in _RUN_CALLS or attribute.attr == "executemany":
                break
            if attribute.attr in _ROW_READS:
                reads += 1
                if not self.tested(load, depth):
                    return False
        return reads > 0

    def _test(self, node: ast.AST, parent: Optional[ast.AST]) -> bool:
        if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id == "len" \
                and node in parent.args:
            outer = self.parent_of(parent)
            return isinstance(outer, ast.Compare) or use_of(parent, outer) == TEST
        if isinstance(parent, ast.BoolOp):
            return self._test(parent, self.parent_of(parent))  # if row and row_ok: ...
        return use_of(node, parent) == TEST
