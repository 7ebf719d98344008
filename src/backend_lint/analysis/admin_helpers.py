"""Private helpers of a module that only administrators' handlers call (BE304).

A handler that turns everyone else away (:mod:`.admin_only`, :mod:`.admin_guards`) often hands its work to a private
helper of its module: airweave's ``add_self_to_organization`` calls ``_require_admin(ctx)`` and then
``_create_new_membership(...)``, whose ``except`` answers the error's text. The helper is no route; what reaches it
is the guarded handler, so its answers are the operator's as the handler's are. A helper counts when its name is
private (``_name``: other modules do not call it by convention), the module names it only in calls, and each call
is in a handler only administrators reach, by declaration or by a guard at the top of its body before the call.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from backend_lint.analysis.admin_guards import admin_guard, refusing_helpers
from backend_lint.analysis.admin_only import admin_only
from backend_lint.analysis.facts import file_fact
from backend_lint.analysis.handlers import handler_for

if TYPE_CHECKING:
    from backend_lint.context import FileContext


@file_fact(reads=(handler_for, refusing_helpers))
def admin_only_helpers(ctx: FileContext) -> frozenset[str]:
    """Names of the module-level private functions every use of which is a call from an administrators-only
    handler of the module (after its guard), or from another such helper (a helper's helper)."""
    private = {
        node.name for node in ctx.tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("_")
        and not node.name.startswith("__")
    }
    if not private:
        return frozenset()
    uses: dict[str, list[str]] = {}
    """name -> for each use, the private helper that calls it, ``""`` for a guarded handler's call, ``"!"`` for
    anything else."""
    for function in ctx.tree.body:
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(function):
                if isinstance(node, ast.Name) and node.id in private:
                    uses.setdefault(node.id, []).append("!")  # named outside a function: registered, exported
            continue
        handler = handler_for(ctx, function)
        declared = handler is not None and admin_only(handler)
        parents = {id(child): node for node in ast.walk(function) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(function):
            if not (isinstance(node, ast.Name) and node.id in private and node.id != function.name):
                continue
            parent = parents.get(id(node))
            call = isinstance(parent, ast.Call) and parent.func is node
            if call and handler is not None and parent is not None \
                    and (declared or admin_guard(function, parent, ctx=ctx)):
                uses.setdefault(node.id, []).append("")
            elif call and handler is None and function.name in private:
                uses.setdefault(node.id, []).append(function.name)
            else:
                uses.setdefault(node.id, []).append("!")
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, callers in uses.items():
            if name not in found and all(caller == "" or caller in found for caller in callers):
                found.add(name)
                changed = True
    return frozenset(found)
