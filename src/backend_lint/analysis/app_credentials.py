"""Whether an ASGI application defined in one module serves anything a browser's credentials unlock (BE505); and
whether a Flask application a function makes for itself signs anything with its secret (BE503,
:func:`unsigning_local_app`).

A credentialed wildcard CORS policy matters because a foreign page's request carries the victim's cookies (or
Basic credentials) and the answer depends on them. An application whose routes are all written in the module that
builds it, and none of which reads a credential, answers a foreign page exactly as it answers anyone: Open
Assistant's chat plugins (``app = FastAPI()``, ``add_middleware(CORSMiddleware, allow_origins=["*"],
allow_credentials=True)``, routes returning prompt text for a query parameter) and its worker's model server.

:func:`app_without_credentials` holds for the application object ``app`` when the module

- builds it at module level with ``FastAPI(...)``/``Starlette(...)`` (an ASGI application: its routes are
  declared on it, not on a Flask app other modules import to decorate their views);
- includes nothing from elsewhere (no ``include_router``, ``mount``, ``Mount``, ``add_route``, ``routes=``...);
- registers at least one route on ``app`` itself (an application with none serves routes declared elsewhere);
- gives no handler a parameter FastAPI fills from headers, cookies or a dependency (``Header``, ``Cookie``,
  ``Security``, ``Depends``), adds no session or authentication middleware, and reads no ``cookies``,
  ``headers``, ``session``, ``auth``, ``user`` or ``credentials`` of a request object anywhere in the module.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.facts import reads
from backend_lint.analysis.handlers import handler_model
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.request_reads import REQUEST_NAMES

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_ASGI_APPS = frozenset({"fastapi.FastAPI", "fastapi.applications.FastAPI", "starlette.applications.Starlette"})
_INCLUDES = ("include_router", "mount(", "Mount(", "add_route", "add_api_route", "add_websocket_route",
             "Router(")
"""Text of a module that adds routes from elsewhere (or builds them in a way the handler model may not read)."""
_CREDENTIAL_MARKERS = frozenset({"Header", "Cookie", "Security", "Depends"})
_CREDENTIAL_PARTS = frozenset({"cookies", "headers", "session", "auth", "user", "credentials", "scope"})
_CREDENTIAL_MIDDLEWARE = ("session", "auth", "login", "csrf")


def _built_here(app: str, ctx: FileContext) -> bool:
    """``app = FastAPI(...)`` (or ``Starlette(...)``) at module level."""
    for statement in ctx.tree.body:
        value = statement.value if isinstance(statement, (ast.Assign, ast.AnnAssign)) else None
        targets = statement.targets if isinstance(statement, ast.Assign) else \
            [statement.target] if isinstance(statement, ast.AnnAssign) else []
        if isinstance(value, ast.Call) and (ctx.imports.resolve(value.func) or "") in _ASGI_APPS \
                and any(isinstance(target, ast.Name) and target.id == app for target in targets):
            return True
    return False


@reads(handler_model)
def app_without_credentials(app: ast.expr, ctx: FileContext) -> bool:
    """The application ``app`` (the receiver of ``add_middleware``) holds nothing a credential unlocks (see the
    module docstring)."""
    if not isinstance(app, ast.Name) or any(word in ctx.source for word in _INCLUDES) or not _built_here(app.id, ctx):
        return False
    handlers = list(handler_model(ctx).handlers.values())
    owner = f":{app.id}"  # the handler model's key of a module-level name (``Reader.key``)
    if not any(route.owner == owner for handler in handlers for route in handler.routes):
        return False
    request_names = set(REQUEST_NAMES).union(*(handler.request_names for handler in handlers))
    for handler in handlers:
        if any((param.marker or "").rpartition(".")[2] in _CREDENTIAL_MARKERS for param in handler.params):
            return False
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.Attribute) and node.attr in _CREDENTIAL_PARTS and \
                isinstance(node.value, ast.Name) and node.value.id in request_names:
            return False
        if isinstance(node, ast.Call) and node.args and (dotted_name(node.func) or "").endswith("add_middleware") \
                and any(word in (dotted_name(node.args[0]) or "").lower() for word in _CREDENTIAL_MIDDLEWARE):
            return False
    return True


_FLASK_APPS = frozenset({"flask.Flask", "flask.app.Flask"})
_SIGNED_STATE = ("session", "flash", "login", "csrf", "wtf", "itsdangerous", "Serializer", "cookie",
                 "register_blueprint", "init_app", "add_url_rule", "return app", "return self.app")
"""Text of a module that signs something with the application's secret (its session, flashed messages, a login,
CSRF tokens, a serializer), or that hands the application to code elsewhere that may."""


@reads(bindings_of)
def unsigning_local_app(target: ast.expr, ctx: FileContext) -> bool:
    """``target`` (``app.config["SECRET_KEY"]``, ``app.secret_key``) is the secret of a Flask application that
    the enclosing function makes (``app = Flask(__name__)``), serves and keeps to itself, in a module that signs
    nothing with it (no session, flashed message, login, CSRF or serializer; no blueprint or extension handed the
    app; the app not returned): wazuh's engine-metrics ``dashboard`` subcommand, one page and socket.io pushes.
    The secret signs no cookie or token there; whatever it says, it protects nothing."""
    holder = target.value if isinstance(target, ast.Subscript) else target
    if isinstance(holder, ast.Attribute) and holder.attr == "config" and isinstance(target, ast.Subscript):
        holder = holder.value
    elif isinstance(target, ast.Attribute) and target.attr == "secret_key":
        holder = target.value
    else:
        return False
    function = ctx.scope.function
    if not isinstance(holder, ast.Name) or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    made = bindings_of(ctx, function).single_value(holder.id)
    return isinstance(made, ast.Call) and (ctx.imports.resolve(made.func) or "") in _FLASK_APPS \
        and not any(word in ctx.source for word in _SIGNED_STATE)
