"""Collections whose every element is a constant, and text a comprehension builds per item from them (BE101).

A loop over a literal tuple (``for table in ("a", "b")``), a lookup in a literal table, or a local list the code
fills with constant strings can only give back one of the constants the code wrote. :func:`constant_collection`
says so of an iterable (a literal, or a local assigned one literal that nothing adds to: :func:`list_additions`).

:func:`per_item_text` reads a comprehension that writes one piece of SQL per item, its formatted parts being only
the comprehension's own variables over such constants or over numbers (``range(n)``, ``enumerate``'s index):
``[f"(%(name_{i})s, %(rate_{i})s)" for i in range(n)]`` or ``["%(" + col + ")s" for col in insert_columns]``.
Every piece it joins is text the code wrote, numbered: the lists of named placeholders of a batch ``INSERT``
whose values travel as parameters (openreplay's feature flags). Judged false on real code when reported.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Union

from backend_lint.analysis.ast_helpers import body_of, constant_leaves
from backend_lint.analysis.facts import node_fact
from backend_lint.analysis.resolve import lookup

if TYPE_CHECKING:
    from backend_lint.analysis.safe_holes import Evaluation
    from backend_lint.analysis.scopes import Scope
    from backend_lint.context import FileContext


def constant_collection(expr: ast.expr, state: Evaluation, scope: Scope) -> bool:
    """A literal tuple, list, set or dict of constants (``("a", "b")``, ``{"a": "b"}.items()``), or a local assigned
    one such literal once and never added to."""
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and not expr.args and (
        expr.func.attr in ("items", "keys", "values")
    ):
        expr = expr.func.value  # {"a": "b"}.items()
    if isinstance(expr, ast.Name):
        found = lookup(expr.id, state.ctx, scope)
        if found is None:
            return False
        link, bindings = found
        values = bindings.assigned.get(expr.id, [])
        if len(values) != 1 or values[0] is None or expr.id in bindings.augmented or expr.id in bindings.params:
            return False
        if expr.id in list_additions(state.ctx, link.node):
            return False
        expr = values[0]
    if isinstance(expr, ast.Dict):
        return bool(expr.keys) and all(
            key is not None and constant_leaves(key, bytes_too=False) and constant_leaves(value, bytes_too=False)
            for key, value in zip(expr.keys, expr.values)
        )
    return isinstance(expr, (ast.List, ast.Tuple, ast.Set)) and bool(expr.elts) \
        and constant_leaves(expr, bytes_too=False)


@node_fact()
def list_additions(ctx: FileContext, scope_node: ast.AST) -> dict[str, list[ast.expr]]:
    """``name -> elements`` added by ``name.append(x)``, ``name.extend([...])``, ``name += [...]`` and
    ``name.insert(i, x)`` directly in one function or module (nested functions are their own).
    An element that cannot be listed (``name.extend(other)``) is recorded as the whole argument."""
    found: dict[str, list[ast.expr]] = {}
    stack = body_of(scope_node)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(
            node.func.value, ast.Name
        ):
            target, method = node.func.value.id, node.func.attr
            if method == "append" and len(node.args) == 1:
                found.setdefault(target, []).append(node.args[0])
            elif method == "insert" and len(node.args) == 2:
                found.setdefault(target, []).append(node.args[1])
            elif method == "extend" and len(node.args) == 1:
                found.setdefault(target, []).extend(_elements(node.args[0]))
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            found.setdefault(node.target.id, []).extend(_elements(node.value))
        stack.extend(ast.iter_child_nodes(node))
    return found



def _elements(expr: ast.expr) -> list[ast.expr]:
    return list(expr.elts) if isinstance(expr, (ast.List, ast.Tuple)) else [expr]


def per_item_text(expr: Union[ast.ListComp, ast.GeneratorExp], state: Evaluation, scope: Scope) -> bool:
    """The comprehension builds each piece of text from constants and its own variables alone, each over numbers
    (``range(...)``, the index of ``enumerate(...)``) or over a constant collection (see the module)."""
    names: set[str] = set()
    for generator in expr.generators:
        iterated, target = generator.iter, generator.target
        if isinstance(iterated, ast.Call) and isinstance(iterated.func, ast.Name) and iterated.func.id == "range":
            numbered = [target]
        elif isinstance(iterated, ast.Call) and isinstance(iterated.func, ast.Name) \
                and iterated.func.id == "enumerate" and iterated.args and isinstance(target, ast.Tuple) \
                and len(target.elts) == 2:
            numbered = [target.elts[0]]
            if constant_collection(iterated.args[0], state, scope):
                numbered.append(target.elts[1])
        elif constant_collection(iterated, state, scope):
            numbered = [target]
        else:
            return False
        names |= {node.id for part in numbered for node in ast.walk(part) if isinstance(node, ast.Name)}
    return _built_from(expr.elt, names)


def _built_from(expr: ast.expr, names: set[str]) -> bool:
    """``expr`` is text made of constants and the ``names`` only (f-string, ``+``, ``%``, ``.format()``, ``str()``)."""
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, (str, int)) and not isinstance(expr.value, bool)
    if isinstance(expr, ast.Name):
        return expr.id in names
    if isinstance(expr, ast.JoinedStr):
        return all(not isinstance(value, ast.FormattedValue) or _built_from(value.value, names)
                   for value in expr.values)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Mod)):
        right = expr.right.elts if isinstance(expr.right, ast.Tuple) else [expr.right]
        return _built_from(expr.left, names) and all(_built_from(part, names) for part in right)
    if isinstance(expr, ast.Call) and not expr.keywords:
        func = expr.func
        text = (isinstance(func, ast.Name) and func.id == "str") or (
            isinstance(func, ast.Attribute) and func.attr == "format" and _built_from(func.value, names))
        return text and all(_built_from(argument, names) for argument in expr.args)
    return False
