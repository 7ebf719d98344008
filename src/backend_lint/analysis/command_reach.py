"""What a module says about how it is started: it declares command line commands, or it starts a service.

The project model (:attr:`.project.model.ProjectModel.cli_modules`) decides which modules are command line code:
the programs themselves and every module that only command line code imports, transitively. It needs two facts
read from each file:

- :func:`declares_commands`: the module is a command of a CLI framework that loads it by name or by
  registration, not by an import of the service: a Django management command (a module under
  ``management/commands/``, or a class deriving in the file from ``BaseCommand``), flask_script's ``Command``,
  a click/typer command or group, an invoke/Fabric task (:func:`.entrypoints.is_cli_command`), a Flask
  ``@<app>.cli.command()``. Such a module runs in an operator's terminal or a batch job whichever program loads it
  (``manage.py``, ``invoke``, a console script);
- :func:`starts_service`: the module starts the web server or a worker (``uvicorn.run(app)``, ``app.run()`` of a
  web application, ``waitress.serve``, gunicorn's application class, ``web.run_app``, a loop run forever,
  Celery's ``worker_main``, a queue consumer's ``start_consuming``) or defines the jobs a worker runs
  (``@shared_task``, ``@dramatiq.actor``): it is a launcher of the service, not a command, and what it imports
  runs in request traffic or in the worker.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Callable, Optional

from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.entrypoints import is_cli_command
from backend_lint.analysis.facts import file_fact
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.node_index import node_index
from backend_lint.analysis.project.def_facts import CLI_COMMAND_BASES
from backend_lint.analysis.values import origin

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_COMMAND_FOLDER = "/management/commands/"
"""Django loads every module of an app's ``management/commands/`` package by name as a command."""

_SERVER_CALLS = frozenset({
    "uvicorn.run", "hypercorn.run", "hypercorn.asyncio.serve", "hypercorn.trio.serve", "aiohttp.web.run_app",
    "waitress.serve", "werkzeug.serving.run_simple", "werkzeug.run_simple", "bjoern.run", "daphne.server.Server",
    "uvicorn.Server", "gunicorn.app.base.BaseApplication", "gunicorn.app.base.Application",
    "gunicorn.app.wsgiapp.run", "tornado.httpserver.HTTPServer", "django.core.servers.basehttp.run",
    "asyncio.start_server", "grpc.server", "grpc.aio.server", "rq.Worker", "rq.worker.Worker",
})
"""Calls (and classes, called or derived from) that serve a web application."""
_SERVER_NAMES = frozenset(name.rpartition(".")[2] for name in _SERVER_CALLS)
"""Last names of :data:`_SERVER_CALLS`: the cheap test before resolving a call."""
_APP_CLASSES = ("flask.Flask", "quart.Quart", "sanic.Sanic", "fastapi.FastAPI", "starlette.applications.Starlette",
                "aiohttp.web.Application", "litestar.Litestar", "connexion.", "flask_socketio.SocketIO",
                "tornado.web.Application", "falcon.App", "bottle.Bottle")
"""Web application objects whose ``run()`` serves them."""
_RUN_METHODS = frozenset({"run", "run_app", "serve", "serve_forever"})
_WORKER_METHODS = frozenset({"serve_forever", "run_forever", "worker_main", "start_consuming", "run_worker"})
"""Methods that keep a process serving requests or consuming a queue (a socket server, an event loop run forever,
Celery's ``worker_main``, pika's ``start_consuming``): a daemon of the service, not an operator's command."""
_JOB_DECORATORS = frozenset({"shared_task", "periodic_task", "db_task", "db_periodic_task", "actor", "job", "cron",
                             "task"})
"""Last parts of the decorators of a job queue's tasks (``@shared_task``, ``@app.task``, ``@dramatiq.actor``)."""


LOADED = "loaded"
"""A command its framework finds by name (Django's ``management/commands/``, ``invoke``'s tasks module)."""
REGISTERED = "registered"
"""A command a program registers by importing it (a click group that ``manage.py`` adds, a typer app)."""


@file_fact(reads=(node_index,))
def declares_commands(ctx: FileContext) -> str:
    """Whether the module is a command line command of a CLI framework (see the module docstring):
    :data:`LOADED` for a command its framework loads by name (a module of Django's ``management/commands/``, an
    invoke/Fabric tasks module), :data:`REGISTERED` for one a program must import to run (click, typer, Flask's
    ``cli``, a command class elsewhere: a base the management commands import, flask_script's ``Command`` that
    ``manage.py`` adds), ``""`` for neither."""
    if _COMMAND_FOLDER in f"/{ctx.role_path}" and not ctx.role_path.endswith("__init__.py"):
        return LOADED
    found = ""
    index = node_index(ctx)
    for cls in index.of(ast.ClassDef):
        if any(origin(base, ctx) in CLI_COMMAND_BASES for base in cls.bases):
            found = REGISTERED  # outside ``management/commands/``: a base the commands import, or flask_script's
    for function in index.functions():
        if not function.decorator_list:
            continue  # (neither test below reads an undecorated function)
        if any(_flask_cli_command(decorator) for decorator in function.decorator_list):
            found = REGISTERED
        elif _decorated_command(function, ctx):
            if ctx.imports.imports_module("invoke", "fabric"):
                return LOADED
            found = REGISTERED
    return found


def _decorated_command(function: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> bool:
    """A click/typer/invoke command by its decorators (a function parsing its own arguments is a program's
    ``main()``, which :func:`.entrypoints.cli_module` reads)."""
    return bool(function.decorator_list) and is_cli_command(function, ctx) and any(
        not isinstance(decorator, ast.Name) or decorator.id != "staticmethod" for decorator in function.decorator_list
    )


def _flask_cli_command(decorator: ast.expr) -> bool:
    """``@app.cli.command("seed")``, ``@blueprint.cli.command()``: a command of the ``flask`` program."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    written = dotted_name(target) or ""
    return written.endswith((".cli.command", ".cli.group"))


@file_fact(reads=(node_index, declares_commands))
def command_only_names(ctx: FileContext) -> list[str]:
    """Of a module that declares commands (:func:`declares_commands`), the names it uses only in the bodies of its
    module-level commands (sorted): attribute names (``UserService.refresh_mapper_level()``) and the last part of
    what a name it reads was imported as. A launcher such as ``manage.py`` also starts the service, so it is no
    command line module itself, but what only its commands call runs in the operator's terminal (taskingmanager's
    ``refresh_levels``, a ``@application.cli.command``, is the one caller of ``refresh_mapper_level``: judged on
    seed 130). A name also used elsewhere in the module, in a decorator, or as a word of a string is left out."""
    if not declares_commands(ctx):
        return []
    index = node_index(ctx)
    commands = {
        function for function in index.functions()
        if function in ctx.tree.body and function.decorator_list and (
            any(_flask_cli_command(decorator) for decorator in function.decorator_list)
            or _decorated_command(function, ctx))
    }
    inside: set[str] = set()
    outside: set[str] = set()
    for node in (*index.of(ast.Attribute), *index.of(ast.Name)):
        if isinstance(node, ast.Attribute):
            name = node.attr
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            name = (ctx.imports.resolve_name(node.id) or "").rpartition(".")[2]
        else:
            continue
        if name:
            (inside if _in_body_of(node, commands, index.parent) else outside).add(name)
    for node in index.of(ast.Constant):
        if isinstance(node.value, str):
            outside.update(_WORDS.findall(node.value))
    return sorted(inside - outside)


_WORDS = lazy_compile(r"\w+")


def _in_body_of(
    node: ast.AST, functions: set[ast.FunctionDef | ast.AsyncFunctionDef],
    parent: Callable[[ast.AST], Optional[ast.AST]],
) -> bool:
    """``node`` lies in the body of one of ``functions`` (not in its decorators or defaults)."""
    child, current = node, parent(node)
    while current is not None:
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef)) and current in functions:
            return any(child is statement for statement in current.body)
        child, current = current, parent(current)
    return False


@file_fact(reads=(node_index,))
def starts_service(ctx: FileContext) -> bool:
    """The module starts a web server (or derives a server application from gunicorn's), or defines a job queue's
    tasks that a worker runs."""
    index = node_index(ctx)
    return any(serves(call, ctx) for call in index.of(ast.Call)) or _serves_otherwise(ctx)


@file_fact(reads=(node_index,))
def runs_dev_server(ctx: FileContext) -> bool:
    """The module starts a web framework's own server: a ``run()`` that serves an app (``app.run()``,
    ``create_app().run(debug=True)``, ``socketio.run(app)``) or werkzeug's ``run_simple``. Flask's debugger, which
    its ``DEBUG`` config turns on, is served only there; a WSGI server or a framework that grafts the app serves
    none."""
    for call in node_index(ctx).of(ast.Call):
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "run" and serves(call, ctx):
            return True
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name == "run_simple":
            return True
    return False


def _serves_otherwise(ctx: FileContext) -> bool:
    """A server application derived from gunicorn's, or a job queue's tasks."""
    index = node_index(ctx)
    return any(
        any((origin(base, ctx) or "") in _SERVER_CALLS for base in cls.bases) for cls in index.of(ast.ClassDef)
    ) or any(
        any(_job_decorator(decorator, ctx) for decorator in function.decorator_list)
        for function in index.functions()
    )


TERMINAL_APP_BASES = frozenset({"textual.app.App"})
"""Applications of a terminal UI framework: their ``run()`` draws on the operator's terminal, it serves no one."""


@file_fact(reads=(node_index, starts_service, bindings_of))
def project_app_runs(ctx: FileContext) -> tuple[str, ...]:
    """When the module's only sign of starting a service is ``app.run()`` on a local made from an imported class
    (``app = InstallerApp(args)``, ``InstallerApp`` imported from the project): those classes, as imported
    (``.app.InstallerApp``), for the project model to decide whether each is a terminal UI (a Textual ``App``,
    whose ``run()`` draws on the operator's terminal: backend.ai's installer launched by a click command) rather
    than a web application. Empty when anything else serves."""
    if not starts_service(ctx) or _serves_otherwise(ctx):
        return ()
    index = node_index(ctx)
    found: set[str] = set()
    for call in index.of(ast.Call):
        if not serves(call, ctx):
            continue
        made = _instance_class(call, ctx)
        if made is None:
            return ()
        found.add(made)
    return tuple(sorted(found))


def _instance_class(call: ast.Call, ctx: FileContext) -> Optional[str]:
    """``app.run()`` where ``app`` is a local of the function assigned once, from a call of an imported class."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "run" and isinstance(func.value, ast.Name)):
        return None
    scope = node_index(ctx).parent(call)
    while scope is not None and not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
        scope = node_index(ctx).parent(scope)
    if scope is None:
        return None
    value = bindings_of(ctx, scope).single_value(func.value.id)
    if not isinstance(value, ast.Call) or not isinstance(value.func, (ast.Name, ast.Attribute)):
        return None
    made = ctx.imports.resolve(value.func)
    return made if made and made.rpartition(".")[2][:1].isupper() else None


def serves(call: ast.Call, ctx: FileContext) -> bool:
    """The call serves a web application or keeps a worker running (``uvicorn.run(app)``, ``app.run()`` on a
    framework's application, ``web.run_app(app)``, ``consumer.start_consuming()``): what a service's start runs."""
    func = call.func
    last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    imported = isinstance(func, ast.Name) and func.id in ctx.imports.names  # ``from uvicorn import run as serve``
    if (last in _SERVER_NAMES or imported) and (ctx.imports.resolve(func) or "") in _SERVER_CALLS:
        return True  # (resolved only when the name could be one: most calls are not)
    if isinstance(func, ast.Attribute) and func.attr in _WORKER_METHODS:
        return True
    if not (isinstance(func, ast.Attribute) and func.attr in _RUN_METHODS):
        return False
    owner = func.value
    if isinstance(owner, ast.Call):  # ``create_app().run()``
        owner = owner.func
    kind = origin(owner, ctx) or ""
    if kind.startswith(_APP_CLASSES):
        return True
    written = (dotted_name(owner) or "").rpartition(".")[2].lower()
    return written in ("app", "application", "socketio") or written.endswith(("_app", "create_app"))


def _job_decorator(decorator: ast.expr, ctx: FileContext) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    written = dotted_name(target) or ""
    if written.rpartition(".")[2] not in _JOB_DECORATORS:
        return False
    resolved = ctx.imports.resolve(target) or written
    return not resolved.startswith(("invoke", "fabric", "click", "typer", "prefect", "airflow", "dagster"))
