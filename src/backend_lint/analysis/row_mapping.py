"""Whether the rows a query call gives back are loaded whole into an entity, by column name.

A hand-written data-access layer often reads a whole entity with ``SELECT *`` and maps the row by column *name*
into an object: ``Alert.from_record(row)``, ``User(**row)``, ``self._convert_step_row_to_dict(row)`` (a function
of the file that reads the row by key), ``dict(row)`` in a method of a data-access class, or a constructor whose
keyword arguments read the row by key (``ThreadDict(id=row["id"], name=row["name"], ...)``); or a method of such
a class returns the row or rows as they came (``return self._fetchone("SELECT * FROM users WHERE id=%s",
(id,))``) to callers that map the entity.
Then every column is wanted and none is read by position, so a column added later breaks nothing:
``SELECT *`` is the design, not an oversight (BE102).

Rows unpacked by position (``name, email = row``, ``row[0]``), rows of which only a key or two are read
(``elements[0]["objectKey"]`` before a ``DELETE``), and rows an HTTP handler sends back as they are, are not
entity loads.

Django's ``Model.objects.raw(sql)`` (any manager or queryset chain: ``Manager.raw``, giving a ``RawQuerySet``) is
the ORM's own mapping: Django builds a model instance from each row by column name, as SQLAlchemy's
``.from_statement()`` does, so callers read model attributes, never positions (:func:`orm_instances`). Only where
a loop reads each instance for one or two attributes alone and never hands it on (``[r.id for r in
Link.objects.raw(...)]``) is the rest fetched for nothing; so is a result nobody reads or that is only counted
(``len(list(...))``). A function of the module that returns the RawQuerySet is judged by what its callers in the
module do with it.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import body_of, callee_name
from backend_lint.analysis.facts import node_fact, reads
from backend_lint.analysis.handlers import handler_for
from backend_lint.analysis.resolve import called_function

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_ROW_READS = frozenset({"fetchone", "first", "one_or_none", "one", "fetchall", "all", "fetchrow", "fetch_one",
                       "fetch_all", "fetchmany"})
_RUNS = frozenset({"execute", "exec_driver_sql", "fetch", "fetchrow"})
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_WIRE = frozenset({"jsonify", "dumps", "make_response", "print", "write", "writerow", "writerows", "send"})
_INSPECTIONS = frozenset({"len", "bool", "isinstance"})
_ONE_ROW = frozenset({"fetchone", "first", "one_or_none", "one", "fetchrow", "fetch_one"})
_VALIDATORS = frozenset({"model_validate", "parse_obj", "validate", "model_construct", "construct", "load"})
"""Class methods that build an entity from a mapping by field name (pydantic, marshmallow's ``load``)."""
_ROW_METHODS = frozenset({"get", "keys", "items", "values", "_mapping", "_asdict", "_fields", "copy", "count",
                          "index"})
_SAME_INSTANCES = frozenset({"iterator", "using", "prefetch_related"})
"""Methods of a RawQuerySet that give back the same model instances."""
_RECORD_READS = 3
"""A record built right where a row is read names at least this many of its columns one by one."""
_KEYED_READS = 2
"""A mapping function or constructor reads at least this many columns by name (one key is a probe, not a
load)."""


@node_fact()
def _parents(ctx: FileContext, function: ast.AST) -> dict[ast.AST, ast.AST]:
    """Each node of ``function``'s own body (nested definitions left out) mapped to its parent."""
    found: dict[ast.AST, ast.AST] = {}
    stack: list[ast.AST] = list(body_of(function))
    for child in stack:
        found[child] = function
    while stack:
        node = stack.pop()
        if isinstance(node, _NESTED):
            continue
        for child in ast.iter_child_nodes(node):
            found[child] = node
            stack.append(child)
    return found


@reads(_parents)
def orm_instances(ctx: FileContext, call: ast.Call) -> bool:
    """``call`` is Django's ``<manager chain>.raw(sql)`` and its model instances are used as entities: kept,
    returned, handed on or read for three attributes or more (see the module). The caller has checked that the
    call is a query sink (``Model.objects.raw``, ``Model._default_manager.filter(...).raw``)."""
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "raw"):
        return False
    function = ctx.scope.function
    if function is None:
        return True  # a module-level RawQuerySet: kept for its callers, who read model instances
    rows = _Rows(ctx, _parents(ctx, function), function)
    return rows.instances_used(call, set())


@reads(_parents, called_function, handler_for)
def loads_entity(ctx: FileContext, call: ast.Call) -> bool:
    """The rows of the query call ``call`` are mapped whole, by column name, into an entity (see the module)."""
    function = ctx.scope.function
    if function is None:
        return False
    parents = _parents(ctx, function)
    current: ast.AST = call
    parent = parents.get(current)
    one_row = False
    while True:  # through execute(...), await and fetchone()/all()
        if isinstance(parent, ast.Await) or (
            isinstance(parent, ast.Call) and current in parent.args and callee_name(parent) in _RUNS
        ):
            current, parent = parent, parents.get(parent)
        elif isinstance(parent, ast.Attribute) and parent.attr in _ROW_READS \
                and isinstance(parents.get(parent), ast.Call):
            one_row = parent.attr in _ONE_ROW
            current = parents[parent]
            parent = parents.get(current)
        else:
            break
    rows = _Rows(ctx, parents)
    if isinstance(parent, ast.Return):
        return rows.data_access_method()
    if isinstance(parent, ast.Expr) and isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name):
        return rows.cursor_mapped(call.func.value.id)  # cur.execute(sql), then cur.fetchone() read elsewhere
    if not isinstance(current, ast.expr):
        return False
    return rows.mapped(current, one_row)


class _Rows:
    def __init__(self, ctx: FileContext, parents: dict[ast.AST, ast.AST], function: Optional[ast.AST] = None) -> None:
        self.ctx = ctx
        self.parents = parents
        self.function = function
        self.loads: dict[str, list[ast.Name]] = {}
        for node in parents:
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                self.loads.setdefault(node.id, []).append(node)

    def instances_used(self, result: ast.expr, seen: set[str]) -> bool:
        """The model instances of the RawQuerySet ``result`` are used whole somewhere (:func:`orm_instances`):
        not only read for a single attribute in a loop, not only counted, and not dropped."""
        parent = self.parents.get(result)
        while True:
            if isinstance(parent, ast.Call) and callee_name(parent) in ("list", "tuple", "iter") \
                    and result in parent.args:  # list(Model.objects.raw(...)): the same instances
                result, parent = parent, self.parents.get(parent)
            elif isinstance(parent, ast.Attribute) and parent.value is result and parent.attr in _SAME_INSTANCES \
                    and isinstance(call := self.parents.get(parent), ast.Call) and call.func is parent:
                result, parent = call, self.parents.get(call)  # raw(...).iterator(), .using("replica")
            else:
                break
        if isinstance(parent, ast.Expr):
            return False  # nobody reads it
        if (isinstance(parent, ast.Call) and result in parent.args and callee_name(parent) in _INSPECTIONS) \
                or isinstance(parent, (ast.If, ast.While, ast.IfExp, ast.BoolOp, ast.Compare, ast.UnaryOp)):
            return False  # len(list(Model.objects.raw(...))): counted or tested, no column read
        if isinstance(parent, (ast.comprehension, ast.For)) and parent.iter is result:
            target = parent.target
            if not isinstance(target, ast.Name):
                return True  # (model instances do not unpack)
            loads = self._scoped_loads(target.id, parent)
            attributes = {
                attribute.attr for load in loads
                if isinstance(attribute := self.parents.get(load), ast.Attribute) and attribute.value is load
            }
            whole = any(
                not (isinstance(attribute := self.parents.get(load), ast.Attribute) and attribute.value is load)
                for load in loads
            )
            return whole or len(attributes) >= _RECORD_READS  # (a column or two read: the rest fetched for nothing)
        if isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is result:
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            if len(targets) != 1 or not isinstance(targets[0], ast.Name):
                return True
            name = targets[0].id
            if name in seen:
                return False
            seen.add(name)
            loads = self.loads.get(name, [])
            return any(self.instances_used(load, seen) for load in loads)
        if isinstance(parent, ast.Return):
            return self._callers_use(seen)
        return True  # put in a template context, handed on: model instances, read by attribute

    def _callers_use(self, seen: set[str]) -> bool:
        """The function that returns the RawQuerySet is a function of this module: its callers here use the
        instances whole (:meth:`instances_used` at each call), or it has no caller here (its callers elsewhere
        read model instances)."""
        function = self.function
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or function not in self.ctx.tree.body \
                or f"def {function.name}" in seen:
            return True
        seen = seen | {f"def {function.name}"}
        verdicts: list[bool] = []
        for caller in ast.walk(self.ctx.tree):
            if not isinstance(caller, (ast.FunctionDef, ast.AsyncFunctionDef)) or caller is function:
                continue
            parents = _parents(self.ctx, caller)
            for node in parents:
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == function.name:
                    verdicts.append(_Rows(self.ctx, parents, caller).instances_used(node, set(seen)))
        return not verdicts or any(verdicts)

    def cursor_mapped(self, cursor: str) -> bool:
        """The rows fetched from the cursor named ``cursor`` (``cur.fetchone()``, ``cur.fetchall()``) are all
        mapped whole (and there are some)."""
        verdicts: list[bool] = []
        fetched = 0
        for load in self.loads.get(cursor, []):
            attribute = self.parents.get(load)
            call = self.parents.get(attribute) if isinstance(attribute, ast.Attribute) else None
            if not isinstance(attribute, ast.Attribute) or attribute.attr not in _ROW_READS \
                    or not isinstance(call, ast.Call) or call.func is not attribute:
                continue
            fetched += 1
            if not self._follow(call, verdicts, set(), rows=attribute.attr in _ONE_ROW):
                return False
        return fetched > 0 and any(verdicts)

    def mapped(self, result: ast.expr, one_row: bool) -> bool:
        """Some row of ``result`` is mapped whole, and none is unpacked by position or sent as it is."""
        verdicts: list[bool] = []
        if not self._follow(result, verdicts, set(), rows=one_row):
            return False
        return any(verdicts)

    def _follow(self, value: ast.expr, verdicts: list[bool], seen: set[str], rows: bool) -> bool:
        """Walk the uses of ``value`` (a result or a row); ``False`` when one reads by position or sends it.
        ``rows``: ``value`` is one row."""
        parent = self.parents.get(value)
        if rows and not isinstance(parent, (ast.Assign, ast.AnnAssign)):
            return self._row(value, verdicts, seen)
        if isinstance(parent, ast.Subscript) and parent.value is value:
            key = parent.slice
            if isinstance(key, ast.Slice):
                return self._follow(parent, verdicts, seen, rows)  # results[:-1]
            if isinstance(key, ast.Constant) and isinstance(key.value, int) and not rows:
                return self._row(parent, verdicts, seen)  # results[0]: one row
            return isinstance(key, ast.Constant) and isinstance(key.value, str)  # by name, not row[0]
        if isinstance(parent, (ast.comprehension, ast.For)) and parent.iter is value:
            target = parent.target
            if not isinstance(target, ast.Name):
                return False  # for name, email in rows: unpacked by position
            return all(self._row(load, verdicts, seen) for load in self._scoped_loads(target.id, parent))
        if isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is value:
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            if len(targets) != 1 or not isinstance(targets[0], ast.Name):
                return False  # a, b = row
            name = targets[0].id
            if name in seen:
                return True
            seen.add(name)
            return all(self._follow(load, verdicts, seen, rows) for load in self.loads.get(name, []))
        if isinstance(parent, ast.Attribute) and parent.value is value and parent.attr in _ROW_READS and not rows:
            read = self.parents.get(parent)
            if isinstance(read, ast.Call) and read.func is parent:  # result = conn.execute(...); result.first()
                return self._follow(read, verdicts, seen, rows=parent.attr in _ONE_ROW)
        if isinstance(parent, ast.Call) and value in parent.args and callee_name(parent) in _INSPECTIONS:
            return True
        if isinstance(parent, (ast.If, ast.While, ast.IfExp, ast.BoolOp, ast.Compare, ast.UnaryOp)):
            return True  # if not results
        if isinstance(parent, ast.Return):
            verdicts.append(self.data_access_method())
            return verdicts[-1]
        return isinstance(parent, ast.Call) and value in parent.args and self._mapper(parent, verdicts, seen)

    def _row(self, row: ast.expr, verdicts: list[bool], seen: set[str]) -> bool:
        parent = self.parents.get(row)
        if isinstance(parent, ast.Subscript) and parent.value is row:
            key = parent.slice
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                return False  # row[0]
            if self._constructor_reading(row, parent) is not None or self._record_reading(row, parent):
                verdicts.append(True)
            return True
        if isinstance(parent, ast.Attribute) and parent.value is row:
            read = self.parents.get(parent)
            if parent.attr == "_mapping":
                return self._row(parent, verdicts, seen)  # row._mapping: the row by column name
            if parent.attr == "_asdict" and isinstance(read, ast.Call) and read.func is parent:
                return self._row(read, verdicts, seen)
            if parent.attr == "get" and isinstance(read, ast.Call) and self._constructor_reading(row, read):
                verdicts.append(True)
            elif parent.attr not in _ROW_METHODS and self._record_reading(row, parent):
                verdicts.append(True)  # {"id": row.id, "type": row.type, ...}: columns named one by one
            return True
        if isinstance(parent, (ast.Assign, ast.AnnAssign)):
            return self._follow(row, verdicts, seen, rows=True) if parent.value is row else True
        if isinstance(parent, ast.keyword) and parent.arg is None:
            call = self.parents.get(parent)
            if isinstance(call, ast.Call) and callee_name(call)[:1].isupper():
                verdicts.append(True)  # User(**row)
                return True
            return False
        if isinstance(parent, ast.Starred):
            return False  # f(*row): by position
        if isinstance(parent, ast.Call) and row in parent.args:
            return self._mapper(parent, verdicts, seen)
        if isinstance(parent, (ast.If, ast.While, ast.IfExp, ast.BoolOp, ast.Compare, ast.UnaryOp)):
            return True
        if isinstance(parent, ast.Return):
            verdicts.append(self.data_access_method())
            return verdicts[-1]
        return False

    def data_access_method(self) -> bool:
        function = self.ctx.scope.function
        if function is None or self.ctx.scope.method_class is None:
            return False
        return handler_for(self.ctx, function) is None

    def _mapper(self, call: ast.Call, verdicts: list[bool], seen: set[str]) -> bool:
        """``call`` maps the row (or rows) it is given whole: ``dict(row)``, ``Alert.from_record(row)``,
        ``Artist.model_validate(row)``, or a function of this file that reads its argument by column name."""
        last = callee_name(call)
        if last in _WIRE or last.endswith("Response"):
            return False
        if last == "dict":
            mapped: list[bool] = []
            if len(call.args) == 1 and self._row(call, mapped, set(seen)) and any(mapped):
                verdicts.append(True)  # Artist(**dict(row)): the row's copy by name goes whole into an entity
                return True
            verdicts.append(self.data_access_method())  # a handler's dict(row) goes out as it came
            return True
        if (last.startswith("from_") or last in _VALIDATORS) and isinstance(call.func, ast.Attribute) \
                and callee_name_of(call.func.value)[:1].isupper():
            verdicts.append(True)
            return True
        target = called_function(call, self.ctx, self.ctx.scope)
        if target is None:
            return True  # handed to a helper we cannot see: no verdict either way
        if _reads_by_key(target.node):
            verdicts.append(True)
        return True

    def _constructor_reading(self, row: ast.expr, read: ast.expr) -> Optional[ast.Call]:
        """The constructor (``ThreadDict(...)``) whose keyword arguments read ``row`` by key, ``read`` among them,
        when it reads at least :data:`_KEYED_READS` columns."""
        node: Optional[ast.AST] = read
        while node is not None and not isinstance(node, ast.keyword):
            node = self.parents.get(node)
            if isinstance(node, (ast.stmt, ast.comprehension)):
                return None
        call = self.parents.get(node) if node is not None else None
        if not isinstance(call, ast.Call) or not callee_name(call)[:1].isupper() or not isinstance(row, ast.Name):
            return None
        keys = {key for keyword in call.keywords for key in _keys_of(keyword.value, row.id)}
        return call if len(keys) >= _KEYED_READS else None

    def _record_reading(self, row: ast.expr, read: ast.expr) -> bool:
        """``read`` (``row.id``, ``row["id"]``) is a value of a record built right there, a dict literal or the
        keyword arguments of a call (``jsonify({"id": row.id, "type": row.type, ...})``,
        ``Export(id=row.id, ...)``), that names at least :data:`_RECORD_READS` columns of ``row`` one by one."""
        if not isinstance(row, ast.Name):
            return False
        node: Optional[ast.AST] = read
        while node is not None:
            parent = self.parents.get(node)
            if isinstance(parent, ast.Dict) and node in parent.values:
                record: ast.AST = parent
                break
            if isinstance(parent, ast.keyword) and isinstance(self.parents.get(parent), ast.Call):
                record = self.parents[parent]
                break
            if parent is None or isinstance(parent, (ast.stmt, ast.comprehension, ast.Lambda)):
                return False
            node = parent
        else:
            return False
        values = record.values if isinstance(record, ast.Dict) else [k.value for k in getattr(record, "keywords", [])]
        columns: set[str] = set()
        for value in values:
            if value is not None:
                columns |= _keys_of(value, row.id) | _attributes_of(value, row.id)
        return len(columns) >= _RECORD_READS

    def _scoped_loads(self, name: str, loop: ast.AST) -> list[ast.Name]:
        """Loads of ``name`` inside ``loop`` (its body, or the comprehension's expression)."""
        owner = self.parents.get(loop) if isinstance(loop, ast.comprehension) else loop
        inside = {id(node) for node in ast.walk(owner)} if owner is not None else set()
        iterated = getattr(loop, "iter", None)
        return [load for load in self.loads.get(name, []) if id(load) in inside and load is not iterated]


def callee_name_of(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _keys_of(expr: ast.AST, name: str) -> set[str]:
    """The string keys ``expr`` reads from the local ``name`` (``row["id"]``, ``row.get("id")``)."""
    keys: set[str] = set()
    for node in ast.walk(expr):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == name \
                and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
            keys.add(node.slice.value)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
                and isinstance(node.func.value, ast.Name) and node.func.value.id == name and node.args \
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            keys.add(node.args[0].value)
    return keys


def _attributes_of(expr: ast.AST, name: str) -> set[str]:
    """The columns ``expr`` reads from the local ``name`` as attributes (``row.id``), methods left out."""
    return {
        node.attr for node in ast.walk(expr)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == name
        and node.attr not in _ROW_METHODS
    }


def _reads_by_key(function: ast.AST) -> bool:
    """``function`` reads its first parameter (after ``self``/``cls``) by at least :data:`_KEYED_READS` keys."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    params = [arg.arg for arg in (*function.args.posonlyargs, *function.args.args)]
    if params and params[0] in ("self", "cls"):
        params = params[1:]
    if not params:
        return False
    keys: set[str] = set()
    for statement in function.body:
        keys |= _keys_of(statement, params[0])
    return len(keys) >= _KEYED_READS
