"""BE204 blocking-call-in-async: a blocking call inside ``async def`` stalls every request on the event loop.

An event loop runs one thing at a time: ``requests.get``, ``time.sleep``, a sync database driver or
``subprocess.run`` inside a coroutine freezes all the other coroutines of that worker until it returns, so
one slow upstream turns into latency for every user. Only the innermost function counts: a sync ``def`` or
``lambda`` nested in the coroutine (typically handed to ``asyncio.to_thread`` or ``run_in_executor``) runs
elsewhere and is left alone, as is a function reference passed to them (``to_thread(requests.get, url)``).
The calls recognised are listed in :mod:`backend_lint.analysis.blocking`; file I/O is out of scope, except
the ``shutil`` functions that copy or pack a whole directory tree (``make_archive``, ``copytree``,
``unpack_archive``), unless a copy or an unpack fills a cache once per key (see the module). Tests, test
support, command line code (:func:`.entrypoints.in_cli_context`) and the code of a developer's script run by hand
that only its main guard reaches (:func:`.hand_run_scripts.run_by_hand`: a load test's ``asyncio.run(main())``)
are left alone: no request waits on their event loop. So are migration code (run once by the deploy, in its own
process: :func:`.module_roles.in_migration`) and a coroutine that is the only task of its program's loop
(:func:`.sole_task.sole_task`: only the main guard reaches it, through ``asyncio.run``, and nothing there starts
a second task), unless another module imports it. Nor is a call in a start-up hook itself before it lets the
application serve (:func:`.startup_hooks.before_serving`: a ``lifespan`` before its ``yield``, an
``on_event("startup")`` handler, or a function of the module only such a hook awaits there): no request is
served until it ends. Nor is code that exists only when a
development or debugging switch is on (:func:`.dev_only.under_debug_switch`: a route added after ``if not
ADD_DEBUGGING_ROUTES: return``, or inside ``if settings.DEBUG:``), nor an opt-in delay: a sleep of a
configured value under an ``if`` that tests that value, outside any loop (:func:`.dev_only.opt_in_delay`:
infrahub's ``response_delay`` for its end-to-end tests).

The fix turns a ``time.sleep(x)`` statement into ``await asyncio.sleep(x)``, adding ``import asyncio``;
not in a module that imports trio, anyio or curio, where asyncio's sleep would be the wrong one.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.blocking import (
    BLOCKING_CALL_NAMES,
    DATABASE,
    FILE_TREE,
    NETWORK,
    SLEEP,
    SUBPROCESS,
    blocking_call,
    fills_cache,
)
from backend_lint.analysis.dev_only import opt_in_delay, under_debug_switch
from backend_lint.analysis.entrypoints import in_cli_context
from backend_lint.analysis.hand_run_scripts import run_by_hand
from backend_lint.analysis.http_clients import might_be
from backend_lint.analysis.module_roles import in_migration, module_roles
from backend_lint.analysis.project.conditions import cli_module, unreferenced
from backend_lint.analysis.sole_task import sole_task
from backend_lint.analysis.startup_hooks import before_serving
from backend_lint.analysis.values import origin
from backend_lint.context import FileContext
from backend_lint.finding import Applicability, Finding
from backend_lint.rule import Rule, visits

if TYPE_CHECKING:
    import libcst as cst

    from backend_lint.fixing.context import FixContext

_OTHER_EVENT_LOOPS = ("trio", "anyio", "curio")
"""Under these, ``asyncio.sleep`` is the wrong replacement: the finding stays, the fix is not offered."""
_ADVICE = {
    NETWORK: "use an async client (httpx.AsyncClient, aiohttp) or `await asyncio.to_thread(...)`",
    SLEEP: "use `await asyncio.sleep(...)`",
    DATABASE: "use an async driver or `await asyncio.to_thread(...)`",
    SUBPROCESS: "use `asyncio.create_subprocess_exec`",
    FILE_TREE: "run it in a thread: `await asyncio.to_thread(...)`",
}


class BlockingCallInAsync(Rule):
    code = "BE204"
    name = "blocking-call-in-async"
    message = "`{construct}` blocks the event loop inside `async def`; {advice}"
    fix_title = "Replace with `await asyncio.sleep(...)`"
    fix_kind = Applicability.SAFE
    fix_node = "Call"
    triggers = ("async",)
    needs = (origin, module_roles, in_migration, in_cli_context, run_by_hand, sole_task, unreferenced)
    module_facts = (cli_module,)  # a module only command line code imports (the project model)

    @visits(ast.Call)
    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        if not ctx.scope.in_async_function or not might_be(node.func, BLOCKING_CALL_NAMES, ctx):
            return
        made = origin(node.func, ctx)
        found = blocking_call(made) if made else None
        if found is None or (found.kind == FILE_TREE and fills_cache(node, found.construct, ctx)):
            return
        roles = module_roles(ctx)
        if ctx.is_test_file or roles.for_tests or in_cli_context(ctx.scope, ctx) or in_migration(ctx):
            return  # no request waits on this loop: a test's own coroutine, a command line program's one run,
            # a migration run once by the deploy in its own process
        if before_serving(node, ctx):
            return  # a lifespan before its yield, a start-up handler: the app serves no request yet
        if under_debug_switch(node, ctx):
            return  # defined only when a debugging switch is on: no production request waits on it
        if found.kind == SLEEP and opt_in_delay(node, ctx):
            return  # ``if state.delay: time.sleep(state.delay)``: an artificial delay, off unless configured
        script = run_by_hand(ctx, ctx.scope)
        if script == ():
            return  # a developer's script run by hand: its loop serves no request
        if script is None:
            script = sole_task(ctx, ctx.scope)  # the only task of a program's own asyncio.run
        other_loop = next((name for name in _OTHER_EVENT_LOOPS if ctx.imports.imports_module(name)), None)
        fixable = found.kind == SLEEP and isinstance(ctx.parent, ast.Expr) and not node.keywords and not other_loop
        advice = _ADVICE[found.kind]
        if found.kind == SLEEP and other_loop:
            advice = f"use `await {other_loop}.sleep(...)`"
        self.report(
            ctx, node,
            applicability=Applicability.SAFE if fixable else Applicability.NONE,
            construct=found.construct,
            advice=advice,
            unless=script or (),  # a function only the main guard reaches, unless the service imports it
        )

    def fix(self, finding: Finding, node: cst.CSTNode, fixer: FixContext) -> Optional[cst.CSTNode]:
        import libcst  # noqa: PLC0415 - fix path only

        if not isinstance(node, libcst.Call):
            return None
        asyncio = fixer.import_module("asyncio")
        return libcst.Await(expression=node.with_changes(func=libcst.parse_expression(f"{asyncio}.sleep")))
