"""BE504 debug-enabled: debug mode switched on in code that ships, where it serves tracebacks and consoles.

Flask's debugger runs arbitrary Python for whoever reaches it; Django's and Starlette's debug pages show
settings, source and environment to every visitor. Flagged, with the literal ``True``: ``app.run(debug=True)``
on a Flask/Quart app, ``FastAPI(debug=True)``/``Starlette(debug=True)``, ``app.debug = True``,
``app.config["DEBUG"] = True`` and ``app.config.update(DEBUG=True)``, and a module-level ``DEBUG = True`` in a
Django settings module (``settings.py``, ``settings/*.py``, ``*_settings.py``) of the production kind
(:mod:`backend_lint.analysis.settings`: not test settings, and not matching ``dev-settings-patterns``). Left
alone: anything under an ``if`` or conditional expression (an environment check decides), a value read from
the environment, test modules, a server started under the main guard of a module not named as the program's
entry point (``run.py``, ``wsgi.py``, ``app.py``, ``main.py``, ``server.py``...: zou's ``debug.py``, an integration
test's ``mocks/ari.py`` are started by hand), test support (:mod:`backend_lint.analysis.module_roles`: a
``mocks/`` package, a folder whose README opens by calling it a mock service, as open-forms'
``docker/generic-json/`` is: a stand-in for another system a developer starts with its own compose file),
examples (``examples/``, a demo shipped for users to run and copy) and a developer's program under ``scripts/``,
``bin/`` or ``tools/`` (a main guard, or argparse: osparc's fake payment gateway) that no other module imports
(:func:`.hand_run_scripts.started_by_hand`), and a server started under the main guard of a module that a
WSGI/ASGI module of the project imports (``wsgi.py``: ``from shop.run import create_app``), or that a server
command of the deployment files serves or whose served module imports it (``CMD gunicorn main:app``): that script is a
development launcher, the server runs the WSGI module (through the project model).
A settings module's ``DEBUG = True`` is left alone too when the project names the settings modules it runs with
(``DJANGO_SETTINGS_MODULE`` in ``manage.py``, ``wsgi.py``, a uWSGI or compose file) and this one is none of them,
nor imported by any (cla_backend's stub ``settings/production.py`` and ``settings/integration.py``, named nowhere:
deployments run ``cla_backend.settings``). A value of the variable the project does not spell out (an environment
variable with no default) keeps every settings module reported. And a base settings module's ``DEBUG = True`` when
the production settings built on it (``from .base import *``) set ``DEBUG`` from the environment or to ``False``,
one of them named as the deployed one (``production.py``, ``DJANGO_SETTINGS_MODULE``), and the project names the
base itself nowhere (:func:`~backend_lint.analysis.project.app_conditions.replaced_setting`).
"""

from __future__ import annotations

import ast
from typing import Optional

from backend_lint.analysis.ast_helpers import is_true
from backend_lint.analysis.entrypoints import main_guard_calls
from backend_lint.analysis.hand_run_scripts import started_by_hand
from backend_lint.analysis.module_roles import module_roles
from backend_lint.analysis.project.app_conditions import no_dev_server, replaced_setting
from backend_lint.analysis.project.conditions import ProjectFact, test_support
from backend_lint.analysis.project.settings_conditions import served_by_wsgi, unnamed_settings
from backend_lint.analysis.scopes import under_condition
from backend_lint.analysis.secret_names import split_identifier
from backend_lint.analysis.settings import DEVELOPMENT_PATTERNS, PRODUCTION, module_kind, settings_module
from backend_lint.analysis.values import origin
from backend_lint.context import FileContext
from backend_lint.rule import Option, Rule, visits

_APP_FACTORIES = (
    "flask.Flask()", "quart.Quart()", "fastapi.FastAPI()", "starlette.applications.Starlette()", "sanic.Sanic()",
    "flask_socketio.SocketIO()",
)
_FACTORY_NAMES = ("create_app()", "make_app()", "get_app()", "create_application()")
_DEBUG_CONSTRUCTORS = frozenset({"fastapi.FastAPI", "starlette.applications.Starlette"})
_APP_NAMES = frozenset({"app", "application", "flask_app", "api"})
_WEB_MODULES = ("flask", "quart", "fastapi", "starlette", "sanic", "flask_socketio")
_DEBUG_RUNNERS = frozenset({"uvicorn.run"})


def _is_app(expr: ast.AST, ctx: FileContext) -> bool:
    """A Flask/Quart/FastAPI/Starlette application: by how it was made, or a conventional name in a web module."""
    made = origin(expr, ctx)
    if made is not None and made.startswith(_APP_FACTORIES):
        return True
    written = expr.attr if isinstance(expr, ast.Attribute) else expr.id if isinstance(expr, ast.Name) else None
    if written not in _APP_NAMES and written != "socketio":
        return False
    return (made or "").endswith(_FACTORY_NAMES) or (made is None and ctx.imports.imports_module(*_WEB_MODULES))


def _production_config_class(ctx: FileContext) -> bool:
    """Directly in the body of a config class named for production (``class ProductionConfig``)."""
    cls = ctx.scope.node
    if not isinstance(cls, ast.ClassDef):
        return False
    return bool({"production", "prod", "live"} & set(split_identifier(cls.name)))


_ENTRY_STEMS = frozenset({"run", "wsgi", "asgi", "app", "application", "main", "__main__", "server", "serve", "start",
                          "web", "webapp", "manage", "runserver", "api"})
"""Names of the module a program is started from: a server started in its main guard is how the application runs
(pdnsadmin's ``run.py``, which its documentation runs as the service)."""


def _entry_module(ctx: FileContext) -> bool:
    """The module is named as the program's entry point (:data:`_ENTRY_STEMS`), or as its package's (``shop/
    __main__.py``): the evidence that a debug server its main guard starts is the one users run. A launcher named
    for anything else (zou's ``debug.py``, an integration test's ``mocks/ari.py``, a GitHub mock's ``flaskapp.py``)
    is a developer's or a test's script."""
    return ctx.role_path.rsplit("/", 1)[-1].removesuffix(".py") in _ENTRY_STEMS


def _launched(ctx: FileContext) -> bool:
    """The code being visited runs only when the module is started as a script: under its main guard, or in a
    module-level function that the main guard calls (``def main(): app.run(...)``)."""
    if ctx.scope.in_main_guard:
        return True
    function = ctx.scope.function
    return (isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) and function in ctx.tree.body
            and function.name in main_guard_calls(ctx))


class DebugEnabled(Rule):
    code = "BE504"
    name = "debug-enabled"
    message = "`{construct}` turns on debug mode in shipped code; read the flag from the environment"
    triggers = ("debug", "DEBUG")
    needs = (origin, settings_module, served_by_wsgi, unnamed_settings, replaced_setting, main_guard_calls,
             module_roles, started_by_hand, no_dev_server)
    module_facts = (test_support,)
    options = (
        Option(
            "dev-settings-patterns",
            list,
            list(DEVELOPMENT_PATTERNS),
            "settings modules for local development or CI, where `DEBUG = True` is expected (test modules and "
            "test settings always are)",
        ),
    )

    def _report(
        self, ctx: FileContext, node: ast.AST, construct: str, launcher: bool = False, setting: bool = False,
        app: Optional[ast.expr] = None,
    ) -> None:
        """``launcher``: the call starts a server (``app.run``, ``uvicorn.run``); under the main guard of a module
        that a WSGI/ASGI module of the project imports, it is a development launcher. ``setting``: a settings
        module's ``DEBUG = True``, which matters only if a deployment runs that module. ``app``: the application
        whose debug flag or config is set; a Flask app's serves a debugger only where the project runs a server
        with ``run()`` (Flexget's ``api_app``, grafted into CherryPy, never is)."""
        if ctx.is_test_file or under_condition(node, ctx):
            return
        roles = module_roles(ctx)
        if roles.example:
            return  # an example or a demo shipped for users to run on their machine
        if roles.for_tests:
            return  # test support: a mock of another system (``mocks/``, a folder its README calls a mock service)
        script = started_by_hand(ctx, ctx.scope)  # a program under ``scripts/``, unless the service imports it
        if launcher and _launched(ctx) and not _entry_module(ctx):
            return  # a script started by hand (``debug.py``, a test's mock server): no evidence it is how the app runs
        unless: tuple[ProjectFact, ...] = (served_by_wsgi(ctx.module),) if launcher and ctx.module and _launched(ctx) \
            else ()
        if app is not None and (origin(app, ctx) or "").startswith("flask."):
            unless = (*unless, no_dev_server())  # DEBUG turns on Werkzeug's debugger only through ``app.run()``
        if setting and ctx.module:
            # the project runs other settings modules, never this one; or only production's, which sets DEBUG
            unless = (unnamed_settings(ctx.module), replaced_setting(f"{ctx.module}.DEBUG"))
        self.report(ctx, node, construct=construct, unless=(*unless, *(script or ())))

    @visits(ast.Call)
    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in ("update", "from_mapping")
            and node.args
            and isinstance(node.args[0], ast.Dict)
            and any(
                isinstance(key, ast.Constant) and key.value == "DEBUG" and is_true(value)
                for key, value in zip(node.args[0].keys, node.args[0].values)
            )
            and isinstance(func.value, ast.Attribute)
            and func.value.attr == "config"
            and _is_app(func.value.value, ctx)
        ):
            self._report(ctx, node, f'app.config.{func.attr}({{"DEBUG": True}})', app=func.value.value)
            return
        if isinstance(func, ast.Attribute) and func.attr == "run" and len(node.args) >= 3 and is_true(node.args[2]):
            if _is_app(func.value, ctx) and (origin(func.value, ctx) or "").startswith(("flask.", "quart.")):
                self._report(ctx, node, "app.run(debug=True)", launcher=True)  # Flask.run(host, port, debug)
            return
        debug = next((k for k in node.keywords if k.arg in ("debug", "DEBUG") and is_true(k.value)), None)
        if debug is None:
            return
        if isinstance(func, ast.Attribute) and func.attr == "run" and debug.arg == "debug" and _is_app(func.value, ctx):
            self._report(ctx, node, "app.run(debug=True)", launcher=True)
        elif isinstance(func, ast.Attribute) and func.attr in ("update", "from_mapping") and debug.arg == "DEBUG":
            config = func.value
            if isinstance(config, ast.Attribute) and config.attr == "config" and _is_app(config.value, ctx):
                self._report(ctx, node, f"app.config.{func.attr}(DEBUG=True)", app=config.value)
        elif debug.arg == "debug":
            callee = ctx.imports.resolve(func)
            if callee in _DEBUG_CONSTRUCTORS:
                self._report(ctx, node, f"{callee.rsplit('.', 1)[1]}(debug=True)")
            elif callee in _DEBUG_RUNNERS:
                self._report(ctx, node, f"{callee}(debug=True)", launcher=True)

    def _shipped_debug_setting(self, ctx: FileContext) -> bool:
        """``DEBUG = True`` in a production config class, or at module level of a non-development settings module."""
        if _production_config_class(ctx):
            return True
        if ctx.scope.outer is not None or not settings_module(ctx).is_settings:
            return False
        return module_kind(ctx.project_path, self.option("dev-settings-patterns")) == PRODUCTION

    @visits(ast.Assign)
    def check_assign(self, node: ast.Assign, ctx: FileContext) -> None:
        if not is_true(node.value):
            return
        for target in node.targets:
            if isinstance(target, ast.Attribute) and target.attr == "debug" and _is_app(target.value, ctx):
                self._report(ctx, node, "app.debug = True", app=target.value)
            elif (
                isinstance(target, ast.Subscript)
                and isinstance(target.slice, ast.Constant)
                and target.slice.value == "DEBUG"
                and isinstance(target.value, ast.Attribute)
                and target.value.attr == "config"
                and _is_app(target.value.value, ctx)
            ):
                self._report(ctx, node, 'app.config["DEBUG"] = True', app=target.value.value)
            elif (isinstance(target, ast.Name) and target.id == "DEBUG" and self._shipped_debug_setting(ctx)
                  and not settings_module(ctx).replaced_later(node.lineno)):
                self._report(ctx, node, "DEBUG = True", setting=ctx.scope.outer is None)
