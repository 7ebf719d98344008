"""Body fields that only ever become text: free-form by design, nothing for a schema to check (BE303).

A handler that reads body fields by hand is usually missing a schema. Judged on real applications, one kind is
not: the fields are read leniently (``data = request.get_json(silent=True) or {}``, ``data.get("plan")``, a
missing key is ``None``) and every use of them turns them into text (``f"...{sql_query}..."``,
``json.dumps(plan_data)``, ``str(plan_data)``) or tests them (``if not plan_data``, ``isinstance(plan_data,
dict)``): pgAdmin's "explain this plan" stream builds a prompt for an LLM from the plan and the query. Nothing
is stored, looked up or handed on as a value, so a wrong type cannot fail anywhere and a schema would only say
"any JSON".

What is read, in the handler and the functions nested in it: the read is assigned to one local (through
``or {}``); that local is only read with ``.get("key")`` (a literal default allowed), each result assigned to
a local (``.strip()`` allowed); and every load of those locals is inside an f-string, the argument of ``str``,
``repr``, ``len``, ``isinstance``, ``bool`` or ``json.dumps``, a truth test, or a comparison with a literal.
A subscript (``data["model"]``: a missing key is a 500), any other use (a model, a query, a call of the
project) keeps the finding.
"""

from __future__ import annotations

import ast
from typing import Optional

from backend_lint.analysis.ast_helpers import assigned_name, callee_name, lifted

_TEXT_CALLS = frozenset({"str", "repr", "len", "isinstance", "bool", "dumps"})
_TEXT_METHODS = frozenset({"strip", "lower", "upper", "rstrip", "lstrip"})


def only_text_fields(function: ast.AST, reads: list[ast.expr]) -> bool:
    """Every read of the body ends as text or a test (see the module docstring)."""
    parents = {child: node for node in ast.walk(function) for child in ast.iter_child_nodes(node)}
    loads: dict[str, list[ast.Name]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            loads.setdefault(node.id, []).append(node)
    fields: set[str] = set()
    for read in reads:
        document = assigned_name(lifted(read, parents, ast.Await, ast.BoolOp), parents)
        if document is None or not loads.get(document):
            return False
        for load in loads[document]:
            field = _field_of(load, parents)
            if field is None:
                return False
            fields.add(field)
    shown = False
    for field in fields:
        for load in loads.get(field, []):
            use = _text_use(load, parents)
            if use is None:
                return False
            shown = shown or use
    return shown




def _field_of(load: ast.Name, parents: dict[ast.AST, ast.AST]) -> Optional[str]:
    """``plan = data.get("plan")`` (``.strip()`` allowed): the local the field goes to."""
    attribute = parents.get(load)
    call = parents.get(attribute) if isinstance(attribute, ast.Attribute) else None
    if not (isinstance(attribute, ast.Attribute) and attribute.attr == "get" and isinstance(call, ast.Call)
            and call.func is attribute and call.args and isinstance(call.args[0], ast.Constant)
            and all(isinstance(argument, (ast.Constant, ast.List, ast.Dict)) for argument in call.args[1:])):
        return None
    value: ast.expr = call
    while True:
        method = parents.get(value)
        outer = parents.get(method) if isinstance(method, ast.Attribute) else None
        if isinstance(method, ast.Attribute) and method.attr in _TEXT_METHODS and isinstance(outer, ast.Call):
            value = outer
        else:
            break
    return assigned_name(value, parents)


def _text_use(load: ast.Name, parents: dict[ast.AST, ast.AST]) -> Optional[bool]:
    """``True``: made into text; ``False``: only tested; ``None``: any other use."""
    parent = parents.get(load)
    if isinstance(parent, ast.FormattedValue):
        return True
    if isinstance(parent, ast.Call) and load in parent.args and callee_name(parent) in _TEXT_CALLS:
        return callee_name(parent) in ("str", "repr", "dumps")  # made into text; len/isinstance/bool test it
    if isinstance(parent, (ast.If, ast.IfExp, ast.While)) and parent.test is load:
        return False
    if isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not):
        return False
    if isinstance(parent, ast.BoolOp):
        grand = parents.get(parent)
        return False if isinstance(grand, (ast.If, ast.IfExp, ast.UnaryOp)) else None
    if isinstance(parent, ast.Compare):
        others = [parent.left, *parent.comparators]
        return False if all(other is load or isinstance(other, ast.Constant) for other in others) else None
    return None
