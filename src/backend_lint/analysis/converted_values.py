"""Values of a request body converted where they are read: checked values, whatever the client sent (BE303).

``int(form["limit"])`` is a number or a ``ValueError``; ``uuid.UUID(str(raw))`` an id or an error;
``int(data["panelId"].split("_")[-1])`` the same through text methods and indexing of their result. A list
field whose every element is converted where it is read, or handed whole to a function that may look it up
(``for trans_id in data["trans_ids"]: delete_tool_data(trans_id)``), is checked value by value. None of them
reaches a store as the client's raw text, so a schema would add nothing (pgAdmin's ``delete_application_state``,
Polar's attachment merge). ``base64.b64decode(field)`` inside a ``try`` whose clause answers is the same: bytes or
the client's error.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping

from backend_lint.analysis.ast_helpers import callee_name
from backend_lint.analysis.body_fields import CONVERTERS

_STRING_METHODS = frozenset({"split", "rsplit", "strip", "lstrip", "rstrip", "removeprefix", "removesuffix"})
"""Text methods whose result is still the field's text, or a list of pieces of it, on the way to a conversion."""


def converted_where_read(value: ast.expr, parents: Mapping[ast.AST, ast.AST]) -> bool:
    """``value`` is converted to a number or an id where it is read, itself or through ``str()``, text methods
    and indexing of their result: anything else is a ``ValueError``, never a stored raw value."""
    node: ast.AST = value
    while True:
        parent = parents.get(node)
        if isinstance(parent, ast.Call) and parent.args == [node] and not parent.keywords \
                and isinstance(parent.func, (ast.Name, ast.Attribute)):
            name = callee_name(parent)
            if name in CONVERTERS:
                return True
            if name != "str" or not isinstance(parent.func, ast.Name):
                return False
            node = parent
        elif isinstance(parent, ast.Attribute) and parent.value is node and parent.attr in _STRING_METHODS:
            call = parents.get(parent)
            if not isinstance(call, ast.Call) or call.func is not parent:
                return False
            node = call
        elif isinstance(parent, ast.Subscript) and parent.value is node and node is not value:
            node = parent
        else:
            return False


def elements_checked(
    field: ast.expr, parents: Mapping[ast.AST, ast.AST], handed_to_function: Callable[[ast.expr], bool]
) -> bool:
    """``field`` is a list iterated (a ``for`` loop or a comprehension) whose every element is converted where it
    is read (``{uuid.UUID(str(raw)) for raw in form.getlist("attachment_ids")}``) or handed whole to a function
    that may check it (``handed_to_function``)."""
    parent = parents.get(field)
    region: list[ast.AST]
    if isinstance(parent, ast.comprehension) and parent.iter is field and not parent.ifs:
        region = [parents[parent]]
    elif isinstance(parent, ast.For) and parent.iter is field and not parent.orelse:
        region = list(parent.body)
    else:
        return False
    target = parent.target
    if not isinstance(target, ast.Name):
        return False
    loads = [node for item in region for node in ast.walk(item)
             if isinstance(node, ast.Name) and node.id == target.id and node is not target]
    return bool(loads) and all(
        isinstance(load.ctx, ast.Load) and (converted_where_read(load, parents) or handed_to_function(load))
        for load in loads)


def decoded_in_try(value: ast.expr, parents: Mapping[ast.AST, ast.AST]) -> bool:
    """``value`` is base64-decoded where it is read (``base64.b64decode(js_data.get("file_content"))``) inside a
    ``try`` whose clause answers the failure: the result is bytes with no fields, or the client is told its
    content did not decode (IRIS's datastore upload)."""
    call = parents.get(value)
    if not (isinstance(call, ast.Call) and call.args[:1] == [value] and callee_name(call) == "b64decode"):
        return False
    child: ast.AST = call
    node = parents.get(call)
    while node is not None and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        if isinstance(node, ast.Try) and child in node.body and any(
                isinstance(statement, (ast.Return, ast.Raise)) for clause in node.handlers
                for statement in clause.body):
            return True
        child, node = node, parents.get(node)
    return False
