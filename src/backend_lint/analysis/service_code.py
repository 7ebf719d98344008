"""Code that demonstrably runs inside a service: where a request, a job or the event loop is being served.

Most Python in a backend repository can run in more than one way: a helper module is imported by the web app
and by a management command, a utility prints a report for someone at a shell. For rules whose concern is how
a *running service* reports what it does (BE401: a ``print`` instead of a log), the unknown case is the noisy
one, so they can ask for positive evidence instead, read from the file itself:

- the module answers HTTP requests (:func:`.handlers.handler_model` has handlers): every function in it is
  part of the service;
- a background job: a function decorated as a task of a job queue (``@shared_task``, ``@app.task``,
  ``@dramatiq.actor``, rq's ``@job``, huey's ``@db_task``), or a method of a class named for one (``...Task``);
- a coroutine (``async def``): it runs on the service's event loop;
- request-time code by its class: a method of a view, viewset, serializer, form, middleware or consumer
  (the base class's name says so), and Django template tags and filters (``@register.filter``).

Workflow frameworks whose tasks capture ``print`` as their log on purpose (Prefect, Airflow, Dagster) are not
job queues here.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from backend_lint.analysis.facts import file_fact, reads
from backend_lint.analysis.handlers import handler_for, handler_model
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.module_roles import in_migration, module_roles
from backend_lint.analysis.scopes import FUNCTION

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_TASK_DECORATORS = frozenset({"task", "shared_task", "periodic_task", "db_task", "db_periodic_task", "actor",
                              "job", "cron"})
_PRINT_CAPTURING = ("prefect", "airflow", "dagster")
"""Workflow frameworks whose tasks record ``print`` output as the task's log (Prefect's ``log_prints``)."""
_TEMPLATE_TAGS = frozenset({"filter", "simple_tag", "inclusion_tag", "tag", "assignment_tag"})
_SERVING_BASES = ("View", "ViewSet", "APIView", "Serializer", "Form", "Middleware", "Consumer", "Task", "Handler")
"""Ends of base class names that make a class's methods run per request or per job. ``Handler`` is taken only
with a request-handling base module (see :func:`_serving_class`)."""
_HANDLER_MODULES = ("tornado.", "aiohttp.", "socketserver.", "http.server.")


@file_fact(reads=(handler_model,))
def serves_requests(ctx: FileContext) -> bool:
    """The module defines HTTP handlers: its functions run as part of the web service."""
    return bool(handler_model(ctx).handlers)


@reads(module_roles, in_migration, serves_requests)
def outside_service_code(ctx: FileContext) -> bool:
    """Tests, test support, migration code, an example that serves nothing (an example DAG, an example plugin),
    or Python that runs in a browser: nothing a running service executes, so rules about how a service reports
    what it does (``print``, the root logger) leave it alone. An example *service* (a demo app with HTTP
    handlers) shows the mistakes a service makes, and stays checked."""
    roles = module_roles(ctx)
    return roles.for_tests or in_migration(ctx) or (roles.example and not serves_requests(ctx)) \
        or runs_in_browser(ctx)


_BROWSER_MODULES = ("pyodide", "pyscript", "js")
"""Modules that exist only in Python compiled to WebAssembly: Pyodide's bindings and its ``js`` module (the
page's JavaScript globals), PyScript's."""


def runs_in_browser(ctx: FileContext) -> bool:
    """The module imports Pyodide's or PyScript's bindings (``from pyodide.ffi import create_proxy``, ``import
    js``), which no server interpreter has: it runs in a page (aim's ``web/ui/public/aim_ui_core.py``, loaded by
    the UI's Pyodide), where ``print`` writes to the browser's console. Its output is the page's, not the
    service's."""
    return ctx.imports.imports_module(*_BROWSER_MODULES)


@reads(serves_requests)
def in_service_code(ctx: FileContext, coroutines: bool = True, whole_module: bool = True) -> bool:
    """The node being visited runs in a service, by the evidence the module docstring lists. ``coroutines=False``
    leaves out the weakest evidence, ``async def`` alone (a library's async client is not a service);
    ``whole_module=False`` takes a module that answers requests as evidence only inside its handlers (a helper
    of the module, a plain class's method, may be a shared utility whose caller decides)."""
    function = ctx.scope.function
    if coroutines and isinstance(function, ast.AsyncFunctionDef):
        return True
    for scope in ctx.scope:
        if scope.kind == FUNCTION and isinstance(scope.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if any(_serving_decorator(decorator, ctx) for decorator in scope.node.decorator_list):
                return True
            if not whole_module and handler_for(ctx, scope.node) is not None:
                return True
        elif isinstance(scope.node, ast.ClassDef) and _serving_class(scope.node, ctx):
            return True
    return whole_module and serves_requests(ctx)


def _serving_decorator(decorator: ast.expr, ctx: FileContext) -> bool:
    """``@shared_task``, ``@app.task(bind=True)``, ``@dramatiq.actor``, ``@register.filter``."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    written = dotted_name(target) or ""
    qualified = ctx.imports.resolve(target) or written
    last = written.rpartition(".")[2]
    if last in _TASK_DECORATORS:
        return not qualified.startswith(_PRINT_CAPTURING)
    return last in _TEMPLATE_TAGS and written.startswith("register.")


def _serving_class(cls: ast.ClassDef, ctx: FileContext) -> bool:
    for base in cls.bases:
        written = dotted_name(base) or ""
        name = written.rpartition(".")[2]
        if not name.endswith(_SERVING_BASES):
            continue
        if name.endswith("Handler"):  # a logging.Handler is not a request handler
            qualified = ctx.imports.resolve(base) or ""
            if not qualified.startswith(_HANDLER_MODULES):
                continue
        if not (ctx.imports.resolve(base) or "").startswith(_PRINT_CAPTURING):
            return True
    return False
