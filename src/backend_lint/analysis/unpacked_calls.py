"""``sql, params = build_query(name)``: the calls whose returned tuple a function unpacks into names.

Helpers often hand back ``(sql, params)``; the provenance of SQL text (:mod:`.provenance`) and the values callers
pass (:mod:`.caller_values`) follow a name to the element of the call it was unpacked from.
"""

from __future__ import annotations

import ast
from typing import Optional

from backend_lint.analysis.ast_helpers import own_nodes
from backend_lint.analysis.facts import file_fact, node_fact
from backend_lint.analysis.node_index import node_index
from backend_lint.context import FileContext


class Unpacked(ast.AST):
    """``sql, params = build_query(name)``: the element ``index`` of what ``call`` returns, assigned by
    ``statement`` (a node of its own so that it can stand among a name's assignments)."""

    def __init__(self, call: ast.Call, index: int, statement: ast.Assign) -> None:
        super().__init__()
        self.call, self.index, self.statement = call, index, statement
        self.lineno = statement.lineno


_OWNERS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.Module)
"""Nodes whose own body :func:`.ast_helpers.own_nodes` reads, nested ones left out: each statement has one."""
_Unpacking = tuple[ast.Assign, ast.Tuple, ast.Call]


def _unpacking(node: ast.AST) -> Optional[_Unpacking]:
    """``a, b = call(...)``: the statement, its targets and the call."""
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Tuple) \
            and isinstance(node.value, ast.Call):
        return node, node.targets[0], node.value
    return None


@file_fact(reads=(node_index,))
def _unpacking_statements(ctx: FileContext) -> dict[ast.AST, list[_Unpacking]]:
    """The file's ``a, b = call(...)`` statements by the function, class or module whose own body holds them:
    found once in the file's node index (most files have a few), not by a walk of each scope that is asked."""
    index = node_index(ctx)
    found: dict[ast.AST, list[_Unpacking]] = {}
    for node in index.of(ast.Assign):
        unpacking = _unpacking(node)
        if unpacking is None:
            continue
        owner = index.parent(node)
        while owner is not None and not isinstance(owner, _OWNERS):
            owner = index.parent(owner)
        if owner is not None:
            found.setdefault(owner, []).append(unpacking)
    return found


@node_fact(reads=(_unpacking_statements,))
def unpacked_calls(ctx: FileContext, scope_node: ast.AST) -> dict[str, list[Unpacked]]:
    """``name -> [Unpacked]`` for each ``a, b = call(...)`` directly in a function or module body (not in
    nested functions), in source order: where a helper hands back ``(sql, params)``. Statements on one line
    come last first (``a, b = f(); a, c = g()``: ``g``'s, then ``f``'s), as a walk of the body met them. After
    the engine's walk (the project summary asks of many scopes) they come from the file's node index; before it
    (a rule asks of its function) from a walk of the scope's own body."""
    if ctx.walked and isinstance(scope_node, _OWNERS):
        statements = _unpacking_statements(ctx).get(scope_node, [])
    else:
        statements = [unpacking for unpacking in map(_unpacking, own_nodes(scope_node)) if unpacking is not None]
    found: dict[str, list[Unpacked]] = {}
    for statement, targets, call in sorted(statements, key=lambda item: (item[0].lineno, -item[0].col_offset)):
        for index, target in enumerate(targets.elts):
            if isinstance(target, ast.Name):
                found.setdefault(target.id, []).append(Unpacked(call, index, statement))
    return found
