"""A body that is one text field of CSV, each parsed row loaded through a schema (BE303).

An import endpoint may take a file as one JSON string (``jsdata["CSVData"]``: the browser sends the file's
text), split it into lines and parse it with ``csv.DictReader``; each row is then checked and loaded through the
project's schema (IRIS: ``add_ioc_schema.load(request_data)`` for every row of the IOC upload). The schema is
there, at the level of the rows; one for the envelope would only say "a string".

What is read, in the handler: every raw read is assigned to one local, and that local is only read for one
field, always the same literal key (``jsdata["CSVData"]``, ``jsdata.get("CSVData")``); the field's value,
through locals assigned from it (``.splitlines()``, ``io.StringIO(...)``), reaches ``csv.DictReader`` or
``csv.reader``; a ``for row in ...`` loop over that reader (or a local made from it) loads something made from
``row`` with ``.load(...)``/``.validate(...)`` of a schema (a local bound to ``SomethingSchema()``, or a name
ending in ``schema``). A second field of the body, no loop, or no schema load keeps the finding.
"""

from __future__ import annotations

import ast
from typing import Optional

from backend_lint.analysis.ast_helpers import assigned_name, callee_name, lifted

_READERS = frozenset({"DictReader", "reader"})
_LOADS = frozenset({"load", "loads", "validate", "model_validate"})
_MAX_STEPS = 4


def rows_loaded_by_schema(function: ast.AST, reads: list[ast.expr]) -> bool:
    """The body is one CSV text field whose every parsed row goes through a schema (see the module docstring)."""
    parents = {child: node for node in ast.walk(function) for child in ast.iter_child_nodes(node)}
    documents: set[str] = set()
    for read in reads:
        document = assigned_name(lifted(read, parents, ast.Await, ast.BoolOp), parents)
        if document is None:
            return False
        documents.add(document)
    fields: list[ast.expr] = []
    keys: set[object] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in documents:
            field = _field(node, parents)
            if field is None:
                return False
            fields.append(field[0])
            keys.add(field[1])
    if len(keys) != 1:
        return False
    derived = {name for field in fields if (name := _statement_target(field, parents)) is not None}
    if not derived:
        return False
    readers = _derive(function, derived)
    parsed = {name for name in readers if _made_by_reader(function, name, readers)}
    if not parsed:
        return False
    schemas = _schema_locals(function)
    return any(_loop_loads_rows(loop, parsed, schemas) for loop in ast.walk(function) if isinstance(loop, ast.For))




def _field(load: ast.Name, parents: dict[ast.AST, ast.AST]) -> Optional[tuple[ast.expr, object]]:
    """``doc["CSVData"]`` or ``doc.get("CSVData")``: the field expression and its key."""
    parent = parents.get(load)
    if isinstance(parent, ast.Subscript) and parent.value is load and isinstance(parent.slice, ast.Constant):
        return parent, parent.slice.value
    call = parents.get(parent) if isinstance(parent, ast.Attribute) else None
    if isinstance(parent, ast.Attribute) and parent.attr == "get" and isinstance(call, ast.Call) \
            and call.func is parent and call.args and isinstance(call.args[0], ast.Constant):
        return call, call.args[0].value
    return None


def _statement_target(node: ast.expr, parents: dict[ast.AST, ast.AST]) -> Optional[str]:
    """The local the statement holding ``node`` assigns (``csv_lines = jsdata["CSVData"].splitlines()``)."""
    current: Optional[ast.AST] = node
    while current is not None and not isinstance(current, ast.stmt):
        current = parents.get(current)
    if isinstance(current, ast.Assign) and len(current.targets) == 1 and isinstance(current.targets[0], ast.Name):
        return current.targets[0].id
    return None


def _mentions(node: ast.AST, names: set[str]) -> bool:
    return any(isinstance(part, ast.Name) and part.id in names for part in ast.walk(node))


def _derive(scope: ast.AST, names: set[str]) -> set[str]:
    """``names`` and the locals assigned from values that mention them, a few steps on."""
    derived = set(names)
    for _ in range(_MAX_STEPS):
        grown = {
            node.targets[0].id for node in ast.walk(scope)
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
            and _mentions(node.value, derived)
        }
        if grown <= derived:
            break
        derived |= grown
    return derived


def _made_by_reader(function: ast.AST, name: str, derived: set[str]) -> bool:
    """``name`` is assigned a value holding ``csv.DictReader(<derived>)`` (or ``csv.reader``)."""
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and node.targets[0].id == name:
            for call in ast.walk(node.value):
                if isinstance(call, ast.Call) and callee_name(call) in _READERS and any(
                        _mentions(argument, derived) for argument in call.args):
                    return True
    return False


def _loop_loads_rows(loop: ast.For, parsed: set[str], schemas: set[str]) -> bool:
    """``for row in csv_data:`` whose body loads a value made from ``row`` through a schema."""
    if not (isinstance(loop.target, ast.Name) and _mentions(loop.iter, parsed)):
        return False
    rows = _derive(ast.Module(body=loop.body, type_ignores=[]), {loop.target.id})
    for node in ast.walk(ast.Module(body=loop.body, type_ignores=[])):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _LOADS \
                and node.args and _mentions(node.args[0], rows) and _is_schema(node.func.value, schemas):
            return True
    return False


def _schema_locals(function: ast.AST) -> set[str]:
    """Locals of the handler bound to ``SomethingSchema()`` (``add_ioc_schema = IocSchema()``)."""
    return {
        node.targets[0].id for node in ast.walk(function)
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Call) and callee_name(node.value).endswith("Schema")
    }


def _is_schema(receiver: ast.expr, schemas: set[str]) -> bool:
    """``add_ioc_schema`` (a name ending in ``schema``, or bound to ``IocSchema()``), or ``IocSchema()``."""
    if isinstance(receiver, ast.Name):
        return receiver.id in schemas or receiver.id.lower().endswith("schema")
    return isinstance(receiver, ast.Call) and callee_name(receiver).endswith("Schema")
