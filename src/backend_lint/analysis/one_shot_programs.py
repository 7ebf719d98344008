"""One-shot programs: a module run by hand from a shell, wherever it sits in the repository (BE201).

A module is a one-shot program when it has a main guard (``if __name__ == "__main__":``), serves nothing (no
``uvicorn.run``, ``app.run()``, ``serve_forever``, ``run_forever``, no route it registers), never loops forever
(no ``while True``, ``while not stop.is_set()``, ``while self.running``: a deployed worker started as ``python
worker.py`` consumes jobs in such a loop; only a loop bounded by a comparison, ``while page < pages``, is read as
ending), and no other
module of the project imports it (the project model's :func:`~.project.conditions.unreferenced`). Everything in it
runs once, when a person starts the file, and ends: a request that hangs there holds the terminal of whoever ran
it, not a service worker (jumpserver's ``utils/create_assets_user/bulk_create_user.py``, an administrator's
bulk-creation script against ``http://localhost:8080`` with hard-coded credentials). Unlike
:func:`.hand_run_scripts.run_by_hand`, the folder does not matter (``utils/``, ``tools/``, the repository root);
the module's own shape and the absence of importers say it is a program.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.facts import file_fact
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.project.conditions import ProjectFact, unreferenced
from backend_lint.analysis.scopes import is_main_guard

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_SERVING = frozenset({"run", "run_app", "serve", "serve_forever", "run_forever", "run_until_complete_forever",
                      "start_server", "run_simple", "run_polling", "start_polling", "worker_main", "consume",
                      "start_consuming", "listen", "schedule", "every", "add_url_rule", "include_router",
                      "add_api_route", "route", "get", "post", "put", "delete", "patch", "websocket"})
"""Calls (as a decorator too) that serve, consume or schedule: a long-lived process or an application."""


def _runs_forever_or_serves(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.While) and not isinstance(node.test, ast.Compare):
            return True  # ``while True``, ``while not stop.is_set()``, ``while self.running``: may run for good
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
            (dotted_name(d.func if isinstance(d, ast.Call) else d) or "").rpartition(".")[2] in _SERVING
            for d in node.decorator_list
        ):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _SERVING \
                and node.func.attr not in ("get", "post", "put", "delete", "patch"):
            return True
    return False


@file_fact()
def one_shot_program(ctx: FileContext) -> Optional[tuple[ProjectFact, ...]]:
    """``None`` when the module is not shaped as a one-shot program; else the project fact that must hold too (no
    other module imports it)."""
    if not ctx.module or ctx.module.rpartition(".")[2] in ("__init__", "__main__"):
        return None
    if not any(isinstance(s, ast.If) and is_main_guard(s) for s in ctx.tree.body):
        return None
    if _runs_forever_or_serves(ctx.tree):
        return None
    return (unreferenced(f"{ctx.module}.__main__"),)
