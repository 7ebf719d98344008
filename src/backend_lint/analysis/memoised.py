"""Functions memoised in a module-level cache: work done on a cache miss only, about once per process (BE105).

A handler that serves a value it fetches once and keeps (``global _key_cache`` / ``if _key_cache: return
...`` / ``async with httpx.AsyncClient() as client: ... _key_cache = key``: Onyx's Stripe publishable key
read from S3) makes its client only on the first request of a process, and on the few that race it; every
later request returns from the fast path. That client is not made per request. The reading is precise:

- the function stores into a module-level name: it declares it ``global`` and assigns it, or assigns a key of
  a dict bound at module level (``_CACHE[key] = value``);
- a statement before the work is an ``if`` whose test reads that name (``if _key_cache:``, ``if key in
  _CACHE:``, ``if _key_cache is not None:``) and whose block ends in a ``return``: the fast path.

Work after the fast path's ``if`` (on the line after it, or later in the function) runs only on a miss.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import assigned_values
from backend_lint.analysis.facts import node_fact, reads

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def _own_nodes(function: ast.AST) -> list[ast.AST]:
    """The nodes of ``function``'s body, nested definitions left out."""
    found: list[ast.AST] = []
    stack: list[ast.AST] = list(getattr(function, "body", []))
    while stack:
        node = stack.pop()
        found.append(node)
        if not isinstance(node, _NESTED):
            stack.extend(ast.iter_child_nodes(node))
    return found


def _module_dicts(ctx: FileContext) -> set[str]:
    """Names the module binds at its top level to a dict (``_CACHE = {}``, ``_CACHE: dict[str, str] = {}``,
    ``_CACHE = dict()``)."""
    found: set[str] = set()
    for statement in ctx.tree.body:
        targets, value = assigned_values(statement)
        is_dict = isinstance(value, ast.Dict) or (
            isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict"
        )
        if is_dict:
            found.update(target.id for target in targets if isinstance(target, ast.Name))
    return found


def _filled_caches(ctx: FileContext, nodes: list[ast.AST]) -> set[str]:
    """Module-level names the function stores into: declared ``global`` and assigned, or a module-level dict
    whose key it assigns."""
    declared = {name for node in nodes if isinstance(node, ast.Global) for name in node.names}
    assigned: set[str] = set()
    keyed: set[str] = set()
    for node in nodes:
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Name):
                assigned.add(target.id)
            elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                keyed.add(target.value.id)
    return (declared & assigned) | (keyed & _module_dicts(ctx))


@node_fact()
def cache_fast_path(ctx: FileContext, function: ast.AST) -> Optional[int]:
    """The last line of the first fast path of ``function``: an ``if`` reading a module-level cache the
    function fills, whose block ends in a ``return`` (see the module's docstring); ``None`` when it has none."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    nodes = _own_nodes(function)
    caches = _filled_caches(ctx, nodes)
    if not caches:
        return None
    paths = [
        node for node in nodes
        if isinstance(node, ast.If) and node.body and isinstance(node.body[-1], ast.Return)
        and any(isinstance(part, ast.Name) and part.id in caches for part in ast.walk(node.test))
    ]
    if not paths:
        return None
    first = min(paths, key=lambda node: node.lineno)
    return first.end_lineno or first.lineno


@reads(cache_fast_path)
def made_on_cache_miss(ctx: FileContext, function: ast.AST, node: ast.AST) -> bool:
    """``node`` runs in ``function`` only after the fast path of a module-level cache the function fills: on a
    cache miss, about once per process."""
    end = cache_fast_path(ctx, function)
    return end is not None and getattr(node, "lineno", 0) > end
