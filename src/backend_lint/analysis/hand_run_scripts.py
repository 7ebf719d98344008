"""Developer scripts run by hand: a command line program kept in a scripts folder of the repository.

A module is a hand-run script when it sits under one of a rule's ``script-paths`` (``scripts/``, ``bin/``:
folders of tools a developer starts from a shell) and the file is itself a program
(:func:`.entrypoints.cli_module`: it imports ``argparse`` or reads its command line, and defines no HTTP handler).
Both signals together: a module of a ``scripts`` package that the service imports is not a program, and a
program elsewhere may be a deployed worker. Its output goes to the terminal of whoever runs it
(BE403: a logged error is read there, next to the command that failed), and a script whose every server comes
from its command line talks to the host the operator names, often a development instance
(:func:`names_fixed_https_host` says when the script names a fixed public host of its own, such as
``https://api.github.com``: there verification costs nothing and the concern stays).

A script need not read its command line to be run by hand: an interactive tutorial waiting on ``input()``, a load
test whose main guard runs ``asyncio.run(main())``, a toy server whose main guard runs ``uvicorn.run(app)``.
:func:`run_by_hand` reads the code of such a module (under a script folder, with a main guard) that runs only when
the file is started as a program: the main guard itself, the module-level functions and the methods of the
module-level classes only the main guard reaches (directly or through other such definitions:
:func:`guard_only_definitions`), and the handlers of an app that the
main guard serves. Unless another module of the project imports the function or the app (the project model's
:func:`~.project.conditions.unreferenced`), none of it runs in the deployed service: a timeout, a blocked event
loop, a retry, a log line or a self-signed certificate there concerns the developer at the terminal.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional
from urllib.parse import urlsplit

from backend_lint.analysis.entrypoints import cli_module
from backend_lint.analysis.facts import file_fact, reads
from backend_lint.analysis.loopback import is_loopback_text
from backend_lint.analysis.project.conditions import ProjectFact, unreferenced
from backend_lint.analysis.scopes import Scope, is_main_guard
from backend_lint.analysis.tree_walk import walk

if TYPE_CHECKING:
    from backend_lint.context import FileContext

SCRIPT_PATHS = ["scripts/", "bin/", "tools/"]
"""Folders of tools a developer starts from a shell (the rules' ``script-paths`` default)."""

_SERVERS = frozenset({"uvicorn.run", "hypercorn.run", "aiohttp.web.run_app", "waitress.serve"})
"""Calls that serve the application object handed to them (``uvicorn.run(app, port=8008)``)."""
_RUN_METHODS = frozenset({"run", "run_app"})
"""Methods of an application object that serve it (Flask's ``app.run()``, Sanic's, a web framework's)."""

_LOCAL_HOSTS = frozenset({"0.0.0.0", "example.com", "example.org"})
"""Hosts that are no fixed public server besides the loopback ones (:func:`.loopback.is_loopback_text`)."""


@reads(cli_module)
def hand_run_script(ctx: FileContext, script_paths: list[str]) -> bool:
    """The module is a program (:func:`.entrypoints.cli_module`) under one of ``script_paths``."""
    return bool(script_paths) and ctx.path_matches(script_paths) and cli_module(ctx)


ARCHIVE_FOLDERS = ("archive", "archived", "attic", "obsolete", "deprecated", "old")
"""Sub-folders of a script folder that keep retired scripts for the record (``scripts/archive/``)."""


def archived_script(ctx: FileContext) -> bool:
    """The module sits in an archive folder of a script folder (``scripts/archive/sync_users.py``): a one-off
    script kept for the record after it was run ("Run this script once"), which no service runs."""
    return ctx.path_matches([f"{root}{folder}/" for root in SCRIPT_PATHS for folder in ARCHIVE_FOLDERS])


@file_fact()
def names_fixed_https_host(ctx: FileContext) -> bool:
    """A string literal of the module holds an ``https://`` URL of a public host (``"https://api.github.com/{}"``):
    the script talks to a fixed server of its own, not only to hosts its operator names."""
    if "https://" not in ctx.source:
        return False  # the walk below looks only at strings holding this text
    for node in walk(ctx.tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str) and "https://" in node.value):
            continue
        for piece in node.value.split("https://")[1:]:
            words = piece.split()
            if words and public_https_host("https://" + words[0]):
                return True
    return False


def public_https_host(url: str) -> bool:
    """The ``https://`` URL's host is a public one: not local, loopback or a placeholder (BE304's fixed upstream
    too)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:  # ``https://[`` : not a URL
        return False
    return bool(host) and "{" not in host and host not in _LOCAL_HOSTS and not host.endswith(".local") \
        and not is_loopback_text(host)


def _guards(ctx: FileContext) -> list[ast.If]:
    return [statement for statement in ctx.tree.body if isinstance(statement, ast.If) and is_main_guard(statement)]


@file_fact()
def guard_only_definitions(ctx: FileContext) -> frozenset[str]:
    """The module-level functions and classes that only the module's ``if __name__ == "__main__":`` block
    reaches: the block names them (calls them, hands them to ``asyncio.run``), or functions and classes so reached
    do, or a table of jobs that only they read names them (:func:`_job_tables`: a cron worker's ``cron_jobs`` list
    handed to its scheduler in the guard), and nothing else of the module names them (another class, a statement
    at the top level, a function the service may call). A definition named nowhere is not reached at all and is
    left out."""
    guards = _guards(ctx)
    if not guards:
        return frozenset()
    functions = _functions(ctx)
    classes = {statement.name for statement in ctx.tree.body if isinstance(statement, ast.ClassDef)}
    tables = _job_tables(ctx, functions)
    owners: dict[str, set[str]] = {name: set() for name in functions | classes | set(tables)}  # who names each
    guard, other = "<main guard>", "<module>"  # (or table): a definition, a table, the main guard or the module
    for statement in ctx.tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            owner = statement.name
        elif isinstance(statement, ast.If) and statement in guards:
            owner = guard
        elif statement in tables.values():
            owner = next(name for name, table in tables.items() if table is statement)
        else:
            owner = other
        for node in walk(statement):
            if isinstance(node, ast.Name) and node.id in owners \
                    and not (owner == node.id and isinstance(node.ctx, ast.Store)):  # a table's own name
                owners[node.id].add(owner)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in owners:
                owners[node.value].add(other)  # ``__all__ = ["main"]``, a name looked up by string
    reached, frontier = set(), [guard]
    while frontier:
        current = frontier.pop()
        for name, names in owners.items():
            if current in names and name not in reached:
                reached.add(name)
                frontier.append(name)
    changed = True
    while changed:  # keep the functions that only the guard and functions so kept name
        changed = False
        for name in list(reached):
            if not owners[name] <= reached | {guard}:
                reached.discard(name)
                changed = True
    return frozenset(reached & (functions | classes))


@file_fact(reads=(guard_only_definitions,))
def guard_only_functions(ctx: FileContext) -> frozenset[str]:
    """The module-level functions that only the module's ``if __name__ == "__main__":`` block reaches
    (:func:`guard_only_definitions`)."""
    functions = _functions(ctx)
    return frozenset(name for name in guard_only_definitions(ctx) if name in functions)


@file_fact(reads=(guard_only_definitions,))
def guard_only_classes(ctx: FileContext) -> frozenset[str]:
    """The module-level classes that only the module's main guard reaches (:func:`guard_only_definitions`): a
    script's ``AlembicRebase`` that only its ``main()`` builds, whose methods run only when the file is started."""
    functions = _functions(ctx)
    return frozenset(name for name in guard_only_definitions(ctx) if name not in functions)


def _functions(ctx: FileContext) -> set[str]:
    return {
        statement.name for statement in ctx.tree.body if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
    }


def _job_tables(ctx: FileContext, functions: set[str]) -> dict[str, ast.stmt]:
    """Module-level names bound once, to a value that names functions of the module without calling one at import
    (``cron_jobs = [{"func": main, "trigger": IntervalTrigger(...)}]``): a table of jobs that whoever reads it
    runs. The main guard that iterates it reaches those functions as if it named them."""
    bound: dict[str, list[ast.stmt]] = {}
    for statement in ctx.tree.body:
        if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    bound.setdefault(target.id, []).append(statement)
    tables: dict[str, ast.stmt] = {}
    for name, statements in bound.items():
        statement = statements[0]
        if len(statements) != 1 or not isinstance(statement, ast.Assign) or len(statement.targets) != 1 \
                or name in functions:
            continue
        nodes = list(walk(statement.value))
        called = {node.func.id for node in nodes if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
        named = {node.id for node in nodes if isinstance(node, ast.Name)}
        if named & functions and not called & functions:
            tables[name] = statement
    return tables


@file_fact()
def served_app(ctx: FileContext) -> Optional[str]:
    """The module-level name of the application the main guard serves (``app`` in ``uvicorn.run(app, ...)`` or
    ``app.run()``), or ``None``."""
    for guard in _guards(ctx):
        for node in walk(guard):
            if not isinstance(node, ast.Call):
                continue
            if ctx.imports.resolve(node.func) in _SERVERS and node.args and isinstance(node.args[0], ast.Name):
                return node.args[0].id
            if isinstance(node.func, ast.Attribute) and node.func.attr in _RUN_METHODS \
                    and isinstance(node.func.value, ast.Name) and ctx.imports.resolve(node.func.value) is None:
                return node.func.value.id
    return None


@reads(guard_only_functions, guard_only_classes, served_app)
def run_by_hand(
    ctx: FileContext, scope: Scope, script_paths: Optional[list[str]] = None
) -> Optional[tuple[ProjectFact, ...]]:
    """Whether the code at ``scope`` runs only when a developer starts the module (under ``script_paths``, the
    default :data:`SCRIPT_PATHS`) as a program: ``None`` when it may run otherwise; else the project facts that
    must hold as well (``()``: none, the main guard itself; :func:`~.project.conditions.unreferenced` for a
    function only the main guard reaches, or a handler of the app the main guard serves: no other module imports
    it or its module)."""
    if not ctx.path_matches(SCRIPT_PATHS if script_paths is None else script_paths) or not _guards(ctx):
        return None
    if scope.in_main_guard:
        return ()
    if not ctx.module:
        return None
    owner = next((link.node for link in scope if isinstance(link.node, ast.ClassDef) and link.node in ctx.tree.body),
                 None)
    if owner is not None:  # a method of a module-level class that only the main guard's code builds
        return (unreferenced(f"{ctx.module}.{owner.name}"),) if owner.name in guard_only_classes(ctx) else None
    outer = next((function for function in reversed(scope.functions) if function in ctx.tree.body), None)
    if not isinstance(outer, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    if outer.name in guard_only_functions(ctx):
        return (unreferenced(f"{ctx.module}.{outer.name}"),)
    app = served_app(ctx)
    if app is not None and any(_names(decorator, app) for decorator in outer.decorator_list):
        return (unreferenced(f"{ctx.module}.{app}"),)
    return None


@reads(cli_module)
def started_by_hand(ctx: FileContext, scope: Scope) -> Optional[tuple[ProjectFact, ...]]:
    """The module is a program kept in a script folder (:data:`SCRIPT_PATHS`) that a developer starts, with a main
    guard or reading its command line (:func:`.entrypoints.cli_module`), whatever app it builds on the way (osparc's
    ``scripts/example_payment_gateway.py``, a fake gateway for manual testing): ``None`` when it is not; else the
    project fact that must hold as well, that no other module imports it (then the service never runs its code,
    wherever in the module the code is)."""
    if not ctx.module or not ctx.path_matches(SCRIPT_PATHS) or not (_guards(ctx) or cli_module(ctx)):
        return None
    outer = next((function for function in reversed(scope.functions) if function in ctx.tree.body), None)
    name = outer.name if isinstance(outer, (ast.FunctionDef, ast.AsyncFunctionDef)) else "__main__"
    return (unreferenced(f"{ctx.module}.{name}"),)


def _names(decorator: ast.expr, app: str) -> bool:
    """``@app.get("/x")``: the decorator registers the function on ``app``."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    while isinstance(target, ast.Attribute):
        target = target.value
    return isinstance(target, ast.Name) and target.id == app
