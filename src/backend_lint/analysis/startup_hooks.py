"""Start-up hooks: the work an application runs once when it starts, before it serves a request (BE103).

A FastAPI or Starlette application's ``lifespan`` (an async context manager handed to ``FastAPI(lifespan=...)``,
often built by a factory: ``def get_lifespan(): @asynccontextmanager async def lifespan(app): ...``) and its
``@app.on_event("startup")`` handlers run once per process. A function of the project that only they call (a
pass configuring every user's starter projects, a backfill of legacy files into a table) runs once at start-up:
a query per row there is start-up time, not a page a user waits for.

:func:`startup_calls` reads, for the project model, which functions of the project a module's hooks call (nested
functions of the hook included: a delayed task it starts); :meth:`.project.model.ProjectModel.startup_only`
decides which functions only such hooks, the functions only they call, and command-line code ever call (a
coroutine a serving module runs with ``loop.run_until_complete`` before ``loop.run_forever()`` counts as a hook's
call: :func:`_run_before_serving`);
:func:`startup_only_facts` asks it about the function being visited (BE203: set-up retried at start-up).
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import callee_name
from backend_lint.analysis.project.conditions import ProjectFact, startup_only

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_WORDS = ("lifespan", "on_event")
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def startup_hooks(ctx: FileContext) -> list[ast.AST]:
    """The module's start-up hooks, at any depth: functions named ``lifespan`` or handed to a ``lifespan=``
    keyword, and functions decorated ``@app.on_event("startup")``."""
    if not any(word in ctx.source for word in _WORDS):
        return []
    handed = {
        keyword.value.id for node in ast.walk(ctx.tree) if isinstance(node, ast.Call)
        for keyword in node.keywords if keyword.arg == "lifespan" and isinstance(keyword.value, ast.Name)
    }
    return [
        node for node in ast.walk(ctx.tree)
        if isinstance(node, _FUNCTIONS) and (node.name == "lifespan" or node.name in handed or any(
            isinstance(decorator, ast.Call) and callee_name(decorator) == "on_event" and decorator.args
            and isinstance(decorator.args[0], ast.Constant) and decorator.args[0].value == "startup"
            for decorator in node.decorator_list
        ))
    ]


def startup_hook_names(ctx: FileContext) -> list[str]:
    """The module's start-up hooks that are module-level functions, qualified, sorted: the project model counts
    them as start-up code when it decides which functions only start-up reaches."""
    if not ctx.module:
        return []
    hooks = startup_hooks(ctx)
    return sorted(f"{ctx.module}.{node.name}" for node in ctx.tree.body
                  if isinstance(node, _FUNCTIONS) and any(node is hook for hook in hooks))


def startup_calls(ctx: FileContext) -> list[str]:
    """The functions of the project (of the module's own top-level package) that the module's start-up hooks
    call, by the names the module imports them under (late imports in the hook included), qualified, sorted."""
    package = ctx.module.partition(".")[0]
    if not package:
        return []
    found: set[str] = set()
    for hook in startup_hooks(ctx):
        for node in ast.walk(hook):
            if isinstance(node, ast.Call):
                called = ctx.imports.resolve(node.func)
                if called is not None and called.partition(".")[0] == package:
                    found.add(called)
    found.update(called for called in _run_before_serving(ctx) if called.partition(".")[0] == package)
    return sorted(found)


_SERVES = ("run_forever", "run_app", "serve_forever")
"""Calls that hand the process to its event loop or server: what a module ran to completion before is set-up."""


def _run_before_serving(ctx: FileContext) -> list[str]:
    """The project coroutines that a module which serves (it calls ``loop.run_forever()``, ``web.run_app``)
    runs to completion with ``loop.run_until_complete(...)``, qualified: metaflow's service builds its app with
    ``loop.run_until_complete(async_db._init(db_conf))`` before ``loop.run_forever()``, so the database
    connect retried in ``AsyncPostgresDB._init`` is start-up work. A method called on a local made from an
    imported class in the same function (``async_db = AsyncPostgresDB()``) is named after the class."""
    if "run_until_complete" not in ctx.source or not any(word in ctx.source for word in _SERVES):
        return []
    found: list[str] = []
    for function in ast.walk(ctx.tree):
        if not isinstance(function, _FUNCTIONS):
            continue
        made = {
            target.id: statement.value.func for statement in ast.walk(function)
            if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call)
            for target in statement.targets if isinstance(target, ast.Name)
        }
        for node in ast.walk(function):
            if not (isinstance(node, ast.Call) and callee_name(node) == "run_until_complete" and node.args
                    and isinstance(node.args[0], ast.Call)):
                continue
            run = node.args[0].func
            called = ctx.imports.resolve(run)
            if called is None and isinstance(run, ast.Attribute) and isinstance(run.value, ast.Name) \
                    and run.value.id in made:
                owner = ctx.imports.resolve(made[run.value.id])
                called = f"{owner}.{run.attr}" if owner is not None else None
            if called is not None:
                found.append(called)
    return found


def defined_name(ctx: FileContext, function: Optional[ast.AST] = None) -> Optional[str]:
    """The qualified name the project model knows ``function`` by (by default the function being visited): a
    module-level function (``shop.jobs.warm``) or a method of a module-level class (``shop.jobs.Cache.warm``);
    ``None`` for a nested function or outside a module. A decorator is visited in the scope around the function
    it decorates, hence ``function`` (BE203's ``@retry(...)``)."""
    function = ctx.scope.function if function is None else function
    if not isinstance(function, _FUNCTIONS) or not ctx.module:
        return None
    if any(statement is function for statement in ctx.tree.body):
        return f"{ctx.module}.{function.name}"
    owner = ctx.scope.method_class if function is ctx.scope.function else ctx.scope.class_
    if (owner is not None and any(statement is owner for statement in ctx.tree.body)
            and any(statement is function for statement in owner.body)):
        return f"{ctx.module}.{owner.name}.{function.name}"
    return None


def startup_only_facts(ctx: FileContext, function: Optional[ast.AST] = None) -> tuple[ProjectFact, ...]:
    """The project fact that ``function`` (:func:`defined_name`) runs only at start-up
    (:func:`~backend_lint.analysis.project.conditions.startup_only`), for a finding's ``unless=``; nothing for a
    nested function or outside a module."""
    name = defined_name(ctx, function)
    return (startup_only(name),) if name is not None else ()


_TASK_STARTS = ("create_task", "ensure_future", "start_soon", "start_background_task")


def before_serving(node: ast.AST, ctx: FileContext) -> bool:
    """``node`` runs in a start-up hook itself (not in a function nested in it) before the application serves
    anything: anywhere in an ``on_event("startup")`` handler, before the ``yield`` of a ``lifespan`` (an Alembic
    upgrade at start-up, BE204). The server takes no request until the hook returns or yields, so blocking the
    loop there stalls nothing. Not when the hook has started a task of its own earlier (``create_task``): that
    task would share the blocked loop. A function the module names only where a hook awaits it before serving
    (tiled's ``lifespan`` doing ``await startup_event()`` before its ``yield``, both built in ``build_app``) runs
    there too (:func:`_awaited_by_hook_only`)."""
    function = ctx.scope.function
    if not isinstance(function, _FUNCTIONS):
        return False
    hooks = startup_hooks(ctx)
    if any(function is hook for hook in hooks):
        return _before_yield(function, getattr(node, "lineno", 0))
    return _awaited_by_hook_only(function, hooks, ctx)


def _before_yield(hook: ast.AST, line: int) -> bool:
    """Line ``line`` of ``hook`` runs before its ``yield`` and before any task it starts."""
    stack: list[ast.AST] = list(getattr(hook, "body", []))
    while stack:
        child = stack.pop()
        if isinstance(child, (*_FUNCTIONS, ast.Lambda, ast.ClassDef)):
            continue
        at = getattr(child, "lineno", None)
        if at is not None and at <= line:
            if isinstance(child, (ast.Yield, ast.YieldFrom)) and at < line:
                return False
            if isinstance(child, ast.Call) and callee_name(child) in _TASK_STARTS and at < line:
                return False
        stack.extend(ast.iter_child_nodes(child))
    return True


def _awaited_by_hook_only(function: ast.AST, hooks: list[ast.AST], ctx: FileContext) -> bool:
    """``function`` is awaited by name (``await startup_event()``) in start-up hooks before they serve, and its
    name appears nowhere else in the module's text (no route, no other caller, no table of handlers)."""
    name = getattr(function, "name", "")
    awaited = [
        (hook, node) for hook in hooks for node in ast.walk(hook)
        if isinstance(node, ast.Await) and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name)
        and node.value.func.id == name
    ]
    if not awaited or not all(_before_yield(hook, node.lineno) for hook, node in awaited):
        return False
    return len(re.findall(rf"\b{re.escape(name)}\b", ctx.source)) == 1 + len(awaited)  # its def and the awaits
