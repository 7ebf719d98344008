"""One-shot programs: a module run by hand from a shell, wherever it sits in the repository (BE201).

A module is a one-shot program when it has a main guard (``if __name__ == "__main__":``), serves nothing (no
``uvicorn.run``, ``app.run()``, ``serve_forever``, ``run_forever``, no route it registers), never loops forever
(no ``while True``, ``while not stop.is_set()``, ``while self.running``: a deployed worker started as ``python
worker.py`` consumes jobs in such a loop; only a loop bounded by a comparison, ``while page < pages``, one that
leaves by a ``break`` of its own body outside an ``except`` clause, or one that follows a cursor its body rebinds on
every pass, ``while url: ... url = page["next"]``, is read as ending), and no other
module of the project imports it (the project model's :func:`~.project.conditions.unreferenced`). Everything in it
runs once, when a person starts the file, and ends: a request that hangs there holds the terminal of whoever ran
it, not a service worker (jumpserver's ``utils/create_assets_user/bulk_create_user.py``, an administrator's
bulk-creation script against ``http://localhost:8080`` with hard-coded credentials). Unlike
:func:`.hand_run_scripts.run_by_hand`, the folder does not matter (``utils/``, ``tools/``, the repository root);
the module's own shape and the absence of importers say it is a program. :func:`standalone_script` is the
narrower one that also declares its own dependencies inline (PEP 723): a tool a person runs, never a deployed job.
A module in a folder below the project root that holds its own container file (``Dockerfile``, ``Containerfile``)
is not one: the image runs it, unattended (robotoff's ``batch/spellcheck/main.py``, a batch job the service
launches in its own container, logging to the cloud's log service).

Two narrower readings need no main guard of the whole module, only of the code at hand
(:func:`program_only_code`), and both only in a module that serves nothing and never loops forever: a
module-level function that only the module's main guard reaches (:func:`.hand_run_scripts.guard_only_functions`)
runs when the file is started as a program, unless a module of the service imports it (tests may: a test of a
build-time downloader is no service; quay's ``_download_url`` beside the ``get_external_css`` the service
imports, superagi's ``tool_manager`` functions started by the container's entry script); and statements at the
top level of a module nothing imports run once when a person starts the file (pyaleph's ``deployment/scripts``
sync script: module-level ``requests.get`` against two fixed hosts).
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.facts import file_fact, reads
from backend_lint.analysis.hand_run_scripts import guard_only_functions
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.node_index import node_index
from backend_lint.analysis.project.conditions import ProjectFact, unimported_outside_tests, unreferenced
from backend_lint.analysis.project.roots import CONTAINER_FILES, deployed_program
from backend_lint.analysis.scopes import Scope, is_main_guard
from backend_lint.analysis.tree_walk import child_nodes

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_SERVING = frozenset({"run", "run_app", "serve", "serve_forever", "run_forever", "run_until_complete_forever",
                      "start_server", "run_simple", "run_polling", "start_polling", "worker_main", "consume",
                      "start_consuming", "listen", "subscribe", "schedule", "every", "add_url_rule", "include_router",
                      "add_api_route", "route", "get", "post", "put", "delete", "patch", "websocket"})
"""Calls (as a decorator too) that serve, consume or schedule: a long-lived process or an application (``subscribe``:
a pub/sub subscriber's streaming pull, arXiv's ``webnode_pdf_request.py`` waiting on its messages)."""


@file_fact(reads=(node_index,))
def _runs_forever_or_serves(ctx: FileContext) -> bool:
    """The module serves, consumes or schedules (a call or decorator of :data:`_SERVING`), or has a ``while``
    loop whose test is no comparison: a long-lived process, not a program that ends. Read from the file's node
    index (the engine's walk already listed every node), not by a walk of its own."""
    index = node_index(ctx)
    if any(not isinstance(node.test, ast.Compare) and not _breaks_out(node) and not _follows_cursor(node)
           for node in index.of(ast.While)):
        return True  # ``while True``, ``while not stop.is_set()``, ``while self.running``: may run for good
    if any(
        (dotted_name(d.func if isinstance(d, ast.Call) else d) or "").rpartition(".")[2] in _SERVING
        for node in index.functions() for d in node.decorator_list
    ):
        return True
    functions = {s.name for s in ctx.tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
    return any(
        isinstance(node.func, ast.Attribute) and node.func.attr in _SERVING
        and node.func.attr not in ("get", "post", "put", "delete", "patch")
        and not _runs_function(node, functions)
        for node in index.of(ast.Call)
    )


def _runs_function(call: ast.Call, functions: set[str]) -> bool:
    """``FnToCLI(main).run()``, ``typer.run(main)``, absl's ``app.run(main)``, ``defopt.run(main)``: a ``run`` that
    is handed a function of the module (or whose receiver was built around one) runs that function once as a
    command line program, reading its arguments from the command line; it serves nothing (openlibrary's
    ``scripts/import_pressbooks.py``, judged on seed 133). ``app.run()``, ``uvicorn.run(app)`` hand over no
    function of the module and stay read as serving."""
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "run"):
        return False
    receiver = call.func.value
    handed = [*call.args, *(receiver.args if isinstance(receiver, ast.Call) else ())]
    return any(isinstance(argument, ast.Name) and argument.id in functions for argument in handed)


_SCHEDULED = re.compile(r"\bcron(?:tab|job)?s?\b", re.IGNORECASE)


@file_fact()
def says_scheduled(ctx: FileContext) -> bool:
    """The module's docstring says a scheduler starts it (``Run on ol-home0 cron container``, "run daily from
    crontab"): an unattended job, whose hang nobody at a terminal sees and which stalls the runs after it
    (openlibrary's ``scripts/promise_batch_imports.py``, judged on seed 133), not a program a person starts and
    watches."""
    docstring = ast.get_docstring(ctx.tree, clean=False)
    return docstring is not None and _SCHEDULED.search(docstring) is not None


def _follows_cursor(loop: ast.While) -> bool:
    """``while url:`` whose body rebinds ``url`` on every pass, outside any branch (``url = r.json()["next"]``): a
    walk through the pages of an API that ends when the last page names no next one (enterprise-catalog's
    ``scripts/compare_algolia_to_discovery.py``, judged on seed 135). A flag only a branch clears (``if stop:
    running = False``) or a name the body never rebinds keeps the loop read as running for good."""
    if not isinstance(loop.test, ast.Name):
        return False
    return any(
        isinstance(statement, ast.Assign) and not isinstance(statement.value, ast.Constant)
        and any(isinstance(target, ast.Name) and target.id == loop.test.id for target in statement.targets)
        for statement in loop.body
    )


def _breaks_out(loop: ast.While) -> bool:
    """The loop leaves by a ``break`` of its own body, not one in a nested loop or an ``except`` clause (mquery's
    ``while True:`` popping pages of an iterator until ``if pop_result.iterator_empty: break``): it ends when its
    work does. A worker's ``except KeyboardInterrupt: break`` leaves only when stopped, and stays read as forever."""
    pending: list[ast.AST] = list(loop.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Break):
            return True
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While, ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                             ast.ClassDef, ast.ExceptHandler)):
            continue
        pending.extend(child_nodes(node))
    return False


@file_fact(reads=(_runs_forever_or_serves, says_scheduled))
def one_shot_program(ctx: FileContext) -> Optional[tuple[ProjectFact, ...]]:
    """``None`` when the module is not shaped as a one-shot program; else the project fact that must hold too (no
    other module imports it)."""
    if not ctx.module or ctx.module.rpartition(".")[2] in ("__init__", "__main__"):
        return None
    if not any(isinstance(s, ast.If) and is_main_guard(s) for s in ctx.tree.body):
        return None
    if _runs_forever_or_serves(ctx) or says_scheduled(ctx) or (
            ctx.location and deployed_program(ctx.location, CONTAINER_FILES)):
        return None  # (a program in a folder with its own container image: a job the container runs, unattended)
    return (unreferenced(f"{ctx.module}.__main__"),)


_INLINE_METADATA = lazy_compile(r"^# /// script[ \t]*$", re.MULTILINE)
"""The opening of a PEP 723 inline script metadata block: the script declares its own dependencies."""


@file_fact(reads=(one_shot_program,))
def standalone_script(ctx: FileContext) -> Optional[tuple[ProjectFact, ...]]:
    """A one-shot program that declares its own Python and dependencies inline (PEP 723's ``# /// script`` block):
    a tool a person runs with ``uv run manage.py ...`` or ``pipx run``, apart from the project's deployment
    (robotoff's ``models/manage.py``, "a standalone CLI tool, independent of Robotoff"). ``None`` otherwise; else the
    project fact that must hold too (:func:`one_shot_program`). A one-shot program without it may be a job the
    deployment runs unattended (host-inventory's ``jobs/`` scripts, each a Kubernetes job of its ``clowdapp.yml``)."""
    if "# /// script" not in ctx.source or not _INLINE_METADATA.search(ctx.source):
        return None
    return one_shot_program(ctx)


@reads(guard_only_functions, _runs_forever_or_serves, says_scheduled)
def program_only_code(ctx: FileContext, scope: Scope) -> Optional[tuple[ProjectFact, ...]]:
    """Whether the code at ``scope`` of a module that serves nothing and never loops forever runs only when a
    person starts the module as a program: ``None`` when it may run otherwise; else the project fact that must
    hold too. A module-level function only the main guard reaches: no module but tests imports it. A statement
    at the module's top level (no function or class around it): no other module imports the module."""
    if not ctx.module or ctx.module.rpartition(".")[2] == "__init__" or _runs_forever_or_serves(ctx) \
            or says_scheduled(ctx):
        return None  # (a worker started as ``python worker.py`` loops for good: a service, not a program)
    if scope.function is None and scope.class_ is None:
        return (unreferenced(f"{ctx.module}.__main__"),)
    outer = next((function for function in scope.functions if function in ctx.tree.body), None)
    if not isinstance(outer, (ast.FunctionDef, ast.AsyncFunctionDef)) or outer.name not in guard_only_functions(ctx):
        return None
    return (unimported_outside_tests(f"{ctx.module}.{outer.name}"),)
