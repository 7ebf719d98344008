"""Coroutines that are the only task on their event loop: a program's ``asyncio.run(main())`` that does one thing
at a time (BE204).

A blocking call stalls the *other* coroutines of its event loop. A module whose main guard (directly, through
``typer.run(main)`` or another function only the guard reaches: :func:`.hand_run_scripts.guard_only_functions`)
creates the loop with ``asyncio.run``/``anyio.run``/``trio.run`` and whose code so reached never starts a second
task (no ``gather``, ``create_task``, ``ensure_future``, ``wait``, ``as_completed``, task group, ``start_soon``)
and serves nothing (no ``uvicorn.run``, ``serve``, ``start_server``, ``run_forever``) runs its coroutines in
sequence: a blocking call there delays only the program's own next step. This holds wherever the file sits (a
migration runner, a one-container worker, a script), unlike :func:`.hand_run_scripts.run_by_hand`, which also
covers concurrent load tests but only under a scripts folder. The function must not be imported by another
module of the project either (:func:`~.project.conditions.unreferenced`): a service may await it on its own loop.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import callee_name
from backend_lint.analysis.facts import file_fact, reads
from backend_lint.analysis.hand_run_scripts import guard_only_functions
from backend_lint.analysis.project.conditions import ProjectFact, unreferenced
from backend_lint.analysis.scopes import is_main_guard

if TYPE_CHECKING:
    from backend_lint.analysis.scopes import Scope
    from backend_lint.context import FileContext

_LOOP_RUNNERS = frozenset({"asyncio.run", "anyio.run", "trio.run", "uvloop.run"})
_CONCURRENT = frozenset({
    "gather", "create_task", "ensure_future", "wait", "as_completed", "TaskGroup", "create_task_group",
    "start_soon", "open_nursery", "run_coroutine_threadsafe", "serve", "start_server", "run_forever", "run_app",
    "serve_forever", "start_unix_server",
})
"""Calls that put a second task on the loop or serve connections (each of them a task)."""


@file_fact(reads=(guard_only_functions,))
def sequential_program(ctx: FileContext) -> frozenset[str]:
    """The module-level coroutines only the main guard reaches, when that code creates the event loop itself and
    starts no second task on it; empty otherwise."""
    functions = guard_only_functions(ctx)
    if not functions:
        return frozenset()
    reached: list[ast.AST] = [s for s in ctx.tree.body if isinstance(s, ast.If) and is_main_guard(s)]
    reached += [s for s in ctx.tree.body
                if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name in functions]
    runs_loop = False
    for part in reached:
        for node in ast.walk(part):
            if not isinstance(node, ast.Call):
                continue
            if callee_name(node) in _CONCURRENT:
                return frozenset()
            if ctx.imports.resolve(node.func) in _LOOP_RUNNERS:
                runs_loop = True
            elif ctx.imports.resolve(node.func) in ("uvicorn.run", "hypercorn.run", "waitress.serve"):
                return frozenset()
    if not runs_loop:
        return frozenset()
    return frozenset(s.name for s in ctx.tree.body if isinstance(s, ast.AsyncFunctionDef) and s.name in functions)


@reads(sequential_program)
def sole_task(ctx: FileContext, scope: Scope) -> Optional[tuple[ProjectFact, ...]]:
    """The code at ``scope`` runs in a coroutine of :func:`sequential_program` (``None`` otherwise), with the
    project fact that must hold as well: no other module imports the coroutine."""
    outer = next((function for function in scope.functions if function in ctx.tree.body), None)
    if not isinstance(outer, ast.AsyncFunctionDef) or not ctx.module or outer.name not in sequential_program(ctx):
        return None
    return (unreferenced(f"{ctx.module}.{outer.name}"),)
