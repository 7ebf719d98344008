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

The same holds for a coroutine a synchronous function of the file gives a loop of its own
(:func:`own_loop_coroutines`): every reference to it in the file is a runner that starts a fresh loop for that one
call, ``asyncio.run(f(...))``, ``anyio.run(f, ...)``, ``trio.run(f, ...)``, or asgiref's ``async_to_sync(f)(...)``
from a job-queue task (osf's Celery task ``submit_to_boa`` runs ``async_to_sync(submit_to_boa_async)(...)``: a
worker process with no server loop, so asgiref makes one for the call), in any spelling
(``asgiref.sync.async_to_sync``, an alias), also the coroutines of the file only such a coroutine awaits; and
nothing there starts a second task. ``async_to_sync`` outside a task may run the coroutine on a server's loop
(called from a thread of ``sync_to_async`` under ASGI) and is not read so. No other module but tests may import the
coroutine (:func:`~.project.conditions.unimported_outside_tests`): a test awaiting it on pytest's loop is no service.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import callee_name, own_nodes
from backend_lint.analysis.facts import file_fact, reads
from backend_lint.analysis.hand_run_scripts import guard_only_functions
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.project.conditions import ProjectFact, unimported_outside_tests, unreferenced
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


_FRESH_LOOP_RUNNERS = frozenset({"asyncio.run", "anyio.run", "trio.run", "uvloop.run"})
_ASYNC_TO_SYNC = frozenset({"asgiref.sync.async_to_sync", "asgiref.sync.AsyncToSync"})
_TASK_DECORATORS = frozenset({"task", "shared_task", "periodic_task", "db_task", "db_periodic_task", "actor", "job"})


@file_fact(reads=())
def own_loop_coroutines(ctx: FileContext) -> frozenset[str]:
    """The module-level coroutines every reference to which in the file gives them a loop of their own (a runner
    called from synchronous code), or awaits them from such a coroutine, when none of them starts a second task."""
    coroutines = {s.name: s for s in ctx.tree.body if isinstance(s, ast.AsyncFunctionDef)}
    if not coroutines:
        return frozenset()
    references: dict[str, list[ast.Name]] = {name: [] for name in coroutines}
    enclosing: dict[ast.AST, Optional[ast.AST]] = {}
    for function in [ctx.tree, *(s for s in ast.walk(ctx.tree) if isinstance(s, (ast.FunctionDef,
                                                                                   ast.AsyncFunctionDef)))]:
        for node in own_nodes(function) if function is not ctx.tree else _module_nodes(ctx.tree):
            if isinstance(node, ast.Name) and node.id in references and isinstance(node.ctx, ast.Load):
                references[node.id].append(node)
                enclosing[node] = function if function is not ctx.tree else None
    everywhere = [node.id for node in ast.walk(ctx.tree) if isinstance(node, ast.Name) and node.id in references]
    parents: dict[ast.AST, ast.AST] = {  # the walk's own map holds only what it has passed so far
        child: node for node in ast.walk(ctx.tree) for child in ast.iter_child_nodes(node)
        if isinstance(child, (ast.Name, ast.Call))
    }
    roots: set[str] = set()
    awaited_by: dict[str, list[ast.AST]] = {}
    for name, names in references.items():
        if not names or len(names) != everywhere.count(name):
            continue  # not referenced, or also in a lambda or a nested definition's decorator: not known
        runners = [_runner_caller(node, enclosing[node], ctx, parents) for node in names]
        if all(runner is True for runner in runners):
            roots.add(name)
        elif all(runner is not False and runner is not True for runner in runners):
            awaited_by[name] = [runner for runner in runners if not isinstance(runner, bool)]
    own: set[str] = set()
    for root in roots:
        group = {root}
        changed = True
        while changed:
            changed = False
            for name, callers in awaited_by.items():
                if name not in group and all(
                    isinstance(caller, ast.AsyncFunctionDef) and caller.name in group for caller in callers
                ):
                    group.add(name)
                    changed = True
        if not any(isinstance(node, ast.Call) and callee_name(node) in _CONCURRENT
                   for name in group for node in own_nodes(coroutines[name])):
            own |= group
    return frozenset(own)


def _module_nodes(tree: ast.Module) -> list[ast.AST]:
    """The nodes of the module's own statements (function and class bodies left out, decorators kept)."""
    found: list[ast.AST] = []
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            stack.extend(getattr(node, "decorator_list", []))
            continue
        found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def _runner_caller(
    name: ast.Name, function: Optional[ast.AST], ctx: FileContext, parents: dict[ast.AST, ast.AST]
) -> bool | ast.AST:
    """``True``: the reference hands the coroutine to a runner of a fresh loop in synchronous code; the
    enclosing coroutine when it is ``await name(...)`` there; ``False`` for any other reference."""
    parent = parents.get(name)
    if isinstance(parent, ast.Call) and parent.func is name:
        holder = parents.get(parent)
        if isinstance(holder, ast.Await):
            return function if isinstance(function, ast.AsyncFunctionDef) else False
        if isinstance(holder, ast.Call) and holder.args and holder.args[0] is parent:
            return _fresh_loop(holder, function, ctx, runners=_FRESH_LOOP_RUNNERS - {"anyio.run", "trio.run"})
        return False
    if isinstance(parent, ast.Call) and parent.args and parent.args[0] is name:
        if (ctx.imports.resolve(parent.func) or dotted_name(parent.func)) in _ASYNC_TO_SYNC:
            return isinstance(function, ast.FunctionDef) and any(
                _task_decorator(decorator) for decorator in function.decorator_list
            )
        return _fresh_loop(parent, function, ctx, runners=frozenset({"anyio.run", "trio.run"}))
    return False


def _fresh_loop(call: ast.Call, function: Optional[ast.AST], ctx: FileContext, runners: frozenset[str]) -> bool:
    return not isinstance(function, ast.AsyncFunctionDef) and ctx.imports.resolve(call.func) in runners


def _task_decorator(decorator: ast.expr) -> bool:
    """``@shared_task``, ``@celery_app.task(name=...)``, ``@dramatiq.actor``: a job run by a worker process."""
    written = dotted_name(decorator.func if isinstance(decorator, ast.Call) else decorator) or ""
    return written.rpartition(".")[2] in _TASK_DECORATORS


@reads(sequential_program, own_loop_coroutines)
def sole_task(ctx: FileContext, scope: Scope) -> Optional[tuple[ProjectFact, ...]]:
    """The code at ``scope`` runs in a coroutine of :func:`sequential_program` or :func:`own_loop_coroutines`
    (``None`` otherwise), with the project fact that must hold as well: no other module imports the coroutine
    (tests aside, for a coroutine given its own loop)."""
    outer = next((function for function in scope.functions if function in ctx.tree.body), None)
    if not isinstance(outer, ast.AsyncFunctionDef) or not ctx.module:
        return None
    if outer.name in sequential_program(ctx):
        return (unreferenced(f"{ctx.module}.{outer.name}"),)
    if outer.name in own_loop_coroutines(ctx):
        return (unimported_outside_tests(f"{ctx.module}.{outer.name}"),)
    return None
