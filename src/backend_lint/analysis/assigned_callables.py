"""Callables a module stores on an object's attribute, made by a project function (BE304).

A framework that lets its users register callbacks often stores each one on a shared configuration object,
wrapped: chainlit's ``@cl.on_mcp_connect`` runs ``config.code.on_mcp_connect = wrap_user_function(func)``, and its
server later calls ``await config.code.on_mcp_connect(...)`` inside a ``try`` whose ``except Exception as e`` answers
``f"Could not connect to the MCP: {e!s}"``. Whether that clause can ever see the callback's error text depends on
the wrapper, which lives in a third module (:func:`backend_lint.analysis.catch_all.returns_catching_wrapper`). The
module summary keeps, per attribute name, the project functions whose calls this module stores there; the project
model asks whether every one of them makes a wrapper that lets nothing out
(:func:`backend_lint.analysis.project.handler_conditions.methods_catch_all`).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Callable, Optional

from backend_lint.analysis.node_index import node_index

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_OWN = frozenset({"self", "cls"})


def assigned_callables(ctx: FileContext, qualify: Callable[[ast.expr], Optional[str]]) -> dict[str, list[str]]:
    """Attribute name -> the project functions (qualified by ``qualify``, sorted) whose call the module stores on
    that attribute of an object other than ``self``/``cls`` (``config.code.on_mcp_connect =
    wrap_user_function(func)``). Only calls of the project's own functions (its top-level package) are kept."""
    package = (ctx.module or "").partition(".")[0]
    if not package:
        return {}
    found: dict[str, set[str]] = {}
    for node in node_index(ctx).of(ast.Assign):
        assert isinstance(node, ast.Assign)
        if len(node.targets) != 1 or not isinstance(node.value, ast.Call):
            continue
        target = node.targets[0]
        if not isinstance(target, ast.Attribute) or not isinstance(target.value, (ast.Attribute, ast.Name)):
            continue
        if isinstance(target.value, ast.Name) and target.value.id in _OWN:
            continue
        func = node.value.func
        if not isinstance(func, (ast.Name, ast.Attribute)):
            continue
        qualified = qualify(func)
        if qualified and qualified.partition(".")[0] == package:
            found.setdefault(target.attr, set()).add(qualified)
    return {name: sorted(makers) for name, makers in sorted(found.items())}
