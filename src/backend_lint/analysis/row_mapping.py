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
entity loads: they are the evidence :func:`star_evidence` looks for, the uses that make fetching every column
cost something. Rows whose use this reading cannot follow (handed to a helper, appended to a list, printed) are
no evidence either way.

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

from backend_lint.analysis.ast_helpers import body_of, callee_name, string_value
from backend_lint.analysis.facts import node_fact, reads
from backend_lint.analysis.handlers import handler_for
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.node_index import node_index
from backend_lint.analysis.resolve import called_function

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_ROW_READS = frozenset({"fetchone", "first", "one_or_none", "one", "fetchall", "all", "fetchrow", "fetch_one",
                       "fetch_all", "fetchmany"})
_RUNS = frozenset({"execute", "exec_driver_sql", "fetch", "fetchrow"})
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_WIRE = frozenset({"jsonify", "dumps", "make_response", "send", "send_json", "render"})
"""Calls that send what they are given to a client as it is (a JSON body, a response)."""
_OUTPUTS = frozenset({"print", "write", "writerow", "writerows"})
"""Calls that write every value they are given out (a script's printout, a file): every column wanted."""
POSITION = "position"
"""Evidence: a row is read by position (``row[0]``, ``a, b = row``, ``f(*row)``): a column added or reordered by a
migration breaks it."""
SENT = "sent"
"""Evidence: the rows go out whole, as they came, to a client or to callers the query does not know (returned by an
HTTP handler or a plain function, given to ``jsonify``/a response): whatever columns the table gains go with them."""
NARROW = "narrow"
"""Evidence: the rows are read by name for at most :data:`_NARROW_READS` columns and never handed on whole, or not
read at all: the other columns are fetched for nothing."""
_NARROW_READS = 2
_SAME_ROWS = frozenset({"list", "tuple", "sorted", "reversed", "filter", "iter"})
"""Builtins that give back the rows they are given (a copy, an order, a subset)."""
_POSITIONAL_MARKS = lazy_compile(r"\?|%s")
"""Placeholders bound by position (qmark, format), to which a row given as the parameters is bound in order."""
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


@reads(_parents, called_function, handler_for, node_index)
def star_evidence(ctx: FileContext, call: ast.Call) -> Optional[str]:
    """What the code around the query call ``call`` shows that makes fetching every column cost something
    (:data:`POSITION`, :data:`SENT`, :data:`NARROW`), or ``None`` when it shows nothing of the kind: the rows are
    mapped whole by column name into an entity (see the module), read by name for three columns or more, or
    handed to code this reading cannot see."""
    function = ctx.scope.function
    if function is None:
        return None
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
    if isinstance(parent, ast.Expr) and isinstance(current, ast.Await):
        current = current.value  # await cur.execute(sql): an async cursor's rows are read from it as a sync one's
    if isinstance(parent, ast.Expr) and isinstance(current, ast.Call) and isinstance(current.func, ast.Attribute):
        receiver = current.func.value
        if isinstance(receiver, ast.Name):
            return rows.cursor_evidence(receiver.id, current)  # cur.execute(sql), then cur.fetchone() read elsewhere
        if current.func.attr in _RUNS:
            return None  # self.cursor.execute(sql): its rows are read through a receiver not followed here
    if not isinstance(current, ast.expr):
        return None
    return rows.evidence_of(current, one_row)


class _Rows:
    def __init__(self, ctx: FileContext, parents: dict[ast.AST, ast.AST], function: Optional[ast.AST] = None) -> None:
        self.ctx = ctx
        self.parents = parents
        self.function = function
        self.loads: dict[str, list[ast.Name]] = {}
        self.found: set[str] = set()
        """What the uses of the rows show: :data:`POSITION`, :data:`SENT`, or ``"unknown"`` (handed to code not
        followed here)."""
        self.columns: set[str] = set()
        """The columns read from a row by name."""
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

    def cursor_evidence(self, cursor: str, run: ast.Call) -> Optional[str]:
        """:func:`star_evidence` for ``cur.execute(sql)`` run as a statement: the rows read from the cursor named
        ``cursor`` after it (``cur.fetchone()``, ``for row in cur``), up to its next run."""
        verdicts: list[bool] = []
        for load in sorted(self.loads.get(cursor, []), key=lambda name: (name.lineno, name.col_offset)):
            if (load.lineno, load.col_offset) <= (run.lineno, run.col_offset):
                continue
            attribute = self.parents.get(load)
            call = self.parents.get(attribute) if isinstance(attribute, ast.Attribute) else None
            if isinstance(attribute, ast.Attribute) and isinstance(call, ast.Call) and call.func is attribute:
                if attribute.attr in _RUNS or attribute.attr == "executemany":
                    break
                if attribute.attr in _ROW_READS:
                    read = self.parents.get(call)
                    result = read if isinstance(read, ast.Await) else call  # await cur.fetchone(): the row
                    self._follow(result, verdicts, set(), rows=attribute.attr in _ONE_ROW)
            elif isinstance(attribute, ast.Attribute):
                continue  # cur.rowcount, cur.description
            elif isinstance(attribute, ast.Call) and load in attribute.args and "fetch" in callee_name(attribute):
                self._follow(attribute, verdicts, set(), rows=False)  # rows = dictfetchall(cursor): the rows
            else:
                self._follow(load, verdicts, set(), rows=False)  # for row in cur; return cur; audit(cur)
        return self._verdict(verdicts)

    def evidence_of(self, result: ast.expr, one_row: bool) -> Optional[str]:
        """:func:`star_evidence` for the rows (``one_row``: the row) ``result`` holds."""
        verdicts: list[bool] = []
        self._follow(result, verdicts, set(), rows=one_row)
        return self._verdict(verdicts)

    def _verdict(self, verdicts: list[bool]) -> Optional[str]:
        """Rows read by position or sent whole are evidence even when they are also mapped somewhere; rows mapped
        whole by name, handed on unseen, or read by name for three columns or more are not."""
        if POSITION in self.found:
            return POSITION
        if SENT in self.found:
            return SENT
        if any(verdicts) or "unknown" in self.found or len(self.columns) > _NARROW_READS:
            return None
        return NARROW

    def _follow(self, value: ast.expr, verdicts: list[bool], seen: set[str], rows: bool) -> None:
        """Walk the uses of ``value`` (a result or a row) and note what they show (``self.found``,
        ``self.columns``); ``verdicts`` gets ``True`` where a row is mapped whole by name. ``rows``: ``value`` is
        one row."""
        parent = self.parents.get(value)
        if rows and not isinstance(parent, (ast.Assign, ast.AnnAssign)):
            self._row(value, verdicts, seen)
        elif isinstance(parent, ast.Subscript) and parent.value is value:
            key = parent.slice
            if isinstance(key, ast.Slice):
                self._follow(parent, verdicts, seen, rows)  # results[:-1]
            elif isinstance(key, ast.Constant) and isinstance(key.value, str):
                self.columns.add(key.value)  # a mapping of columns read by name
            else:
                self._row(parent, verdicts, seen)  # results[0]: one row
        elif isinstance(parent, (ast.comprehension, ast.For)) and parent.iter is value:
            target = parent.target
            if not isinstance(target, ast.Name):
                self.found.add(POSITION)  # for name, email in rows: unpacked by position
                return
            for load in self._scoped_loads(target.id, parent):
                self._row(load, verdicts, seen)
        elif isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is value:
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            if len(targets) != 1 or isinstance(targets[0], (ast.Tuple, ast.List)):
                self.found.add(POSITION)  # a, b = row
                return
            if not isinstance(targets[0], ast.Name):
                self.found.add("unknown")  # self.rows = ...
                return
            name = targets[0].id
            if name in seen:
                return
            seen.add(name)
            for load in self.loads.get(name, []):
                self._follow(load, verdicts, seen, rows)
        elif isinstance(parent, ast.Attribute) and parent.value is value and parent.attr in _ROW_READS and not rows \
                and isinstance(read := self.parents.get(parent), ast.Call) and read.func is parent:
            self._follow(read, verdicts, seen, rows=parent.attr in _ONE_ROW)  # result.first()
        elif isinstance(parent, ast.Call) and value in parent.args and callee_name(parent) in _INSPECTIONS:
            return  # len(rows)
        elif isinstance(parent, (ast.If, ast.While, ast.IfExp, ast.BoolOp, ast.Compare, ast.UnaryOp)):
            return  # if not results
        else:
            self._handed(value, parent, verdicts, seen, rows)

    def _row(self, row: ast.expr, verdicts: list[bool], seen: set[str]) -> None:
        parent = self.parents.get(row)
        if isinstance(parent, ast.Subscript) and parent.value is row:
            key = parent.slice
            if not isinstance(parent.ctx, ast.Load) or not isinstance(key, ast.Constant):
                self.found.add("unknown")  # row[alias] = value: the row changed and used on, or read by a name
                return
            if not isinstance(key.value, str):
                self.found.add(POSITION)  # row[0]
                return
            self.columns.add(key.value)
            if self._constructor_reading(row, parent) is not None or self._record_reading(row, parent):
                verdicts.append(True)
        elif isinstance(parent, ast.Attribute) and parent.value is row:
            read = self.parents.get(parent)
            if parent.attr == "_mapping":
                self._row(parent, verdicts, seen)  # row._mapping: the row by column name
            elif parent.attr == "_asdict" and isinstance(read, ast.Call) and read.func is parent:
                self._row(read, verdicts, seen)
            elif parent.attr == "get" and isinstance(read, ast.Call):
                self.columns |= _keys_of(read, row.id) if isinstance(row, ast.Name) else set()
                if self._constructor_reading(row, read):
                    verdicts.append(True)
            elif parent.attr not in _ROW_METHODS:
                self.columns.add(parent.attr)
                if self._record_reading(row, parent):
                    verdicts.append(True)  # {"id": row.id, "type": row.type, ...}: columns named one by one
            else:
                self.found.add("unknown")  # row.items(), row.keys(): every column, read generically
        elif isinstance(parent, (ast.Assign, ast.AnnAssign)):
            if parent.value is row:
                self._follow(row, verdicts, seen, rows=True)
        elif isinstance(parent, ast.keyword) and parent.arg is None:
            call = self.parents.get(parent)
            if isinstance(call, ast.Call) and callee_name(call)[:1].isupper():
                verdicts.append(True)  # User(**row)
            else:
                self.found.add("unknown")
        elif isinstance(parent, ast.Starred):
            self.found.add(POSITION)  # f(*row): by position
        elif isinstance(parent, (ast.If, ast.While, ast.IfExp, ast.BoolOp, ast.Compare, ast.UnaryOp)):
            return
        elif isinstance(parent, (ast.ListComp, ast.GeneratorExp)) and parent.elt is row:
            self._follow(parent, verdicts, seen, rows=False)  # [row for row in rows]: the rows again
        else:
            self._handed(row, parent, verdicts, seen, True)

    def _handed(self, value: ast.expr, parent: Optional[ast.AST], verdicts: list[bool], seen: set[str],
                rows: Optional[bool] = None) -> None:
        """``value`` (rows, or ``rows``: a row; ``None``: a container holding them) is returned, put in a container
        or given to a call."""
        if isinstance(parent, ast.Return):
            if self.data_access_method():
                verdicts.append(True)  # handed whole to the callers of a data-access method, who map the entity
            elif rows is None or (isinstance(value, ast.Call) and callee_name(value) == "raw") \
                    or not self._callers_read(verdicts, seen, rows):
                self.found.add(SENT)  # (a RawQuerySet's callers are :func:`orm_instances`' reading)
        elif isinstance(parent, ast.Call) and value in parent.args:
            self._mapper(parent, value, verdicts, seen)
        elif (isinstance(parent, ast.Dict) and value in parent.values) \
                or (isinstance(parent, (ast.List, ast.Tuple)) and value in parent.elts):
            self._handed(parent, self.parents.get(parent), verdicts, seen)  # {"data": rows}: as the container goes
        elif isinstance(parent, ast.Expr):
            return  # dropped: nothing read, every column fetched for nothing
        elif isinstance(parent, ast.keyword):
            call = self.parents.get(parent)
            if isinstance(call, ast.Call) and (callee_name(call) in _WIRE or callee_name(call).endswith("Response")):
                self.found.add(SENT)  # JSONResponse(content=rows)
            else:
                self.found.add("unknown")
        else:
            self.found.add("unknown")

    def _callers_read(self, verdicts: list[bool], seen: set[str], rows: bool) -> bool:
        """The function returning the rows (``rows``: one row) as they came is a module-level function of this
        file that answers no request, and every caller of it here is followed: what each does with the result
        counts as if done here (openreplay's ``_update_resource_sql`` returns its ``roles.*`` row to callers that
        map it by name into a SCIM resource). ``False`` when it has no caller here: its callers are unknown."""
        function = self.function or self.ctx.scope.function
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or function not in self.ctx.tree.body \
                or handler_for(self.ctx, function) is not None or f"def {function.name}" in seen:
            return False
        index = node_index(self.ctx)
        calls = []
        for call in index.of(ast.Call):
            if isinstance(call.func, ast.Name) and call.func.id == function.name:
                caller = index.parent(call)
                while caller is not None and not isinstance(caller, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    caller = index.parent(caller)
                if caller is None or caller is function:
                    return False  # called at module level or by itself: not followed
                calls.append((call, caller))
        for call, caller in calls:
            reader = _Rows(self.ctx, _parents(self.ctx, caller), caller)
            reader._follow(call, verdicts, seen | {f"def {function.name}"}, rows)
            self.found |= reader.found
            self.columns |= reader.columns
        return bool(calls)

    def data_access_method(self) -> bool:
        """A method of a class that answers no request: not an HTTP handler, not handed the request (``def
        get_nodes(self, request)``), and not a method of a class whose other methods are handlers (a view's own
        helper, ``error_report`` of a view whose ``get`` returns it). Its callers map the entity."""
        function = self.ctx.scope.function
        owner = self.ctx.scope.method_class
        if self.function not in (None, function):
            return False  # a caller's reading (:meth:`_callers_read`) of a module-level function's rows
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or owner is None:
            return False
        if any(argument.arg == "request" for argument in function.args.args):
            return False
        return not any(
            isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) and handler_for(self.ctx, method) is not None
            for method in owner.body
        )

    def _mapper(self, call: ast.Call, value: ast.expr, verdicts: list[bool], seen: set[str]) -> None:
        """What ``call`` does with the row (or rows) it is given: maps it whole (``dict(row)`` in a data-access
        method, ``Alert.from_record(row)``, ``Artist.model_validate(row)``, a function of this file that reads its
        argument by column name), sends it (``jsonify(rows)``), or something not followed here."""
        last = callee_name(call)
        if last in _WIRE or last.endswith("Response"):
            self.found.add(SENT)
            return
        if last in ("execute", "executemany") and len(call.args) > 1 and call.args[1] is value \
                and _POSITIONAL_MARKS.search(string_value(call.args[0]) or ""):
            self.found.add(POSITION)  # INSERT INTO t VALUES (?, ?, ?, ?) given the row: bound column by column
            return
        if last in _OUTPUTS:
            self.found.add("unknown")  # printed or written whole: every column wanted
            return
        if last == "dict":
            if self.data_access_method():
                verdicts.append(True)
            else:
                self._row(call, verdicts, seen)  # Artist(**dict(row)), or the copy goes on as the row went
            return
        if last in _SAME_ROWS and isinstance(call.func, ast.Name):
            self._follow(call, verdicts, seen, rows=False)  # filter(lambda x: x["key"], rows): the rows again
            return
        if (last.startswith("from_") or last in _VALIDATORS) and isinstance(call.func, ast.Attribute) \
                and callee_name_of(call.func.value)[:1].isupper():
            verdicts.append(True)
            return
        target = called_function(call, self.ctx, self.ctx.scope)
        if target is not None and _reads_by_key(target.node):
            verdicts.append(True)
            return
        self.found.add("unknown")  # handed to a helper: no evidence either way

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
