"""BE505 permissive-cors: any origin allowed together with credentials, so any website can act as the user.

A wildcard origin alone is harmless for public, cookie-less APIs. With credentials allowed, the CORS
middlewares answer an arbitrary ``Origin`` by echoing it back with ``Access-Control-Allow-Credentials: true``
(a literal ``*`` is invalid with credentials), so a page on any site can call the API with the victim's
cookies and read the answers. Flagged: Starlette/FastAPI ``CORSMiddleware`` (through ``add_middleware``,
``Middleware(...)`` or directly) with ``allow_origins`` containing ``"*"`` or ``allow_origin_regex`` matching
everything, plus ``allow_credentials=True``; flask-cors ``CORS(...)``/``cross_origin(...)`` with
``origins="*"`` (or a ``resources=`` entry with it) plus ``supports_credentials=True``; a django-cors-headers
settings module with ``CORS_ALLOW_ALL_ORIGINS``/``CORS_ORIGIN_ALLOW_ALL = True`` and
``CORS_ALLOW_CREDENTIALS = True`` set directly in the module body (the settings model,
:mod:`backend_lint.analysis.settings`; reported on the wildcard line); hand-written
``Access-Control-Allow-Origin`` headers echoing any origin next to ``Access-Control-Allow-Credentials: true``.
Settings under an ``if`` are left alone (the condition is usually ``DEBUG``), and so are test modules, test
settings and examples (``examples/``, demo sites: a sample app shipped for people to read and copy, which the
other request-path rules leave alone too; nobody's credentials are served there). With the project model, the
finding needs its evidence: an ambient credential, one the browser attaches to a foreign page's request by itself.
Some module of the package building the application (for Django settings, of the whole project) must mention a
cookie, a session, Basic or Negotiate authentication, or an identity header an authenticating proxy fills from its
own cookie (``REMOTE_USER``, ``X-Forwarded-User``, oauth2-proxy;
:func:`~backend_lint.analysis.project.app_conditions.no_ambient_credential`). An application that authenticates by
a header its client's script sets (``Authorization: Bearer``, ``X-API-Key``), or not at all, hands a foreign page
nothing it could not send itself: on fourteen rounds of unseen applications every such finding was judged false
(model servers, chat plugins, bearer-only APIs), every true one had a session or proxy cookie. Without a project
(the flake8 plugin) the finding stands. An ASGI application whose every route is written in the module that builds
it and reads no credential (no cookie, header, session or dependency; no session or authentication middleware) is
left alone in that module even without a project (:mod:`backend_lint.analysis.app_credentials`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Optional

from backend_lint.analysis.app_conventions import mentions_ambient
from backend_lint.analysis.app_credentials import app_without_credentials
from backend_lint.analysis.ast_helpers import is_true, keyword_value
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.module_roles import module_roles
from backend_lint.analysis.project.app_conditions import no_ambient_credential
from backend_lint.analysis.project.conditions import ProjectFact, test_support
from backend_lint.analysis.settings import TEST, settings_module
from backend_lint.context import FileContext
from backend_lint.rule import FileState, Rule, leaves, visits

_STARLETTE_CORS = frozenset(
    {"starlette.middleware.cors.CORSMiddleware", "fastapi.middleware.cors.CORSMiddleware",
     "litestar.config.cors.CORSConfig", "litestar.CORSConfig"}
)
_FLASK_CORS = frozenset({"flask_cors.CORS", "flask_cors.cross_origin"})
_MATCH_ALL = frozenset({".*", ".+", "^.*$", "^.+$", "^.*", ".*$", "(.*)", "^(.*)$", "https?://.*", "^https?://.*$"})
_DJANGO_WILDCARDS = ("CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL")
_DJANGO_REGEXES = ("CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ORIGIN_REGEX_WHITELIST")


def _ambient(ctx: FileContext, function: Optional[ast.AST] = None) -> tuple[ProjectFact, ...]:
    """Every finding stands only when the application holds an ambient credential, one a browser attaches to another
    site's request (:func:`~backend_lint.analysis.project.app_conditions.no_ambient_credential`), judged by
    the modules of the package that builds the application: kairon serves its bearer-only history API from
    ``kairon/history/`` beside a main API that sets cookies, and only the latter lends a foreign page the
    browser's credentials. (Django's settings serve the whole project.)

    Headers a method of a class sets (rucio's ``UserPass.get_headers``, returned by that view's own answers) serve
    that view alone: when no line of the class mentions an ambient credential, another view's mention (rucio's
    ``GSS`` view in the same module signs in from ``REMOTE_USER`` and stays reported) is no credential a request
    to this one carries; a mention in a module's functions or body (a hook, a middleware) still counts."""
    module = ctx.module
    package = module if ctx.role_path.endswith("/__init__.py") else module.rpartition(".")[0]
    owner = ctx.parent_of(function) if function is not None else None
    if isinstance(owner, ast.ClassDef) and not mentions_ambient(ctx.segment(owner) or "cookie"):
        return (no_ambient_credential(package), no_ambient_credential(package, view=True))
    return (no_ambient_credential(package),)


def _left_alone(ctx: FileContext) -> bool:
    """A test module, or an example shipped to read and copy (:func:`module_roles` ``.example``)."""
    return ctx.is_test_file or module_roles(ctx).example


def _value(expr: ast.expr | None, ctx: FileContext) -> ast.expr | None:
    """``expr``, or the single value of the local or module constant it names (``ORIGINS = ["*"]``)."""
    if isinstance(expr, ast.Name):
        function = ctx.scope.function
        if function is not None and not isinstance(function, ast.Lambda):
            local = bindings_of(ctx, function).single_value(expr.id)
            if local is not None:
                return local
        return bindings_of(ctx, ctx.tree).single_value(expr.id)
    return expr


def _has_wildcard(expr: ast.expr | None, ctx: FileContext) -> bool:
    expr = _value(expr, ctx)
    if isinstance(expr, ast.Constant):
        return expr.value == "*"
    if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
        return any(isinstance(item, ast.Constant) and item.value == "*" for item in expr.elts)
    return False


def _flask_resources_wildcard(resources: ast.expr | None, credentials: bool, ctx: FileContext) -> bool:
    """A ``resources=`` entry with ``"origins": "*"`` and credentials (its own or the call's)."""
    resources = _value(resources, ctx)
    if not isinstance(resources, ast.Dict):
        return False
    for options in resources.values:
        if not isinstance(options, ast.Dict):
            continue
        entry = {key.value: value for key, value in zip(options.keys, options.values) if isinstance(key, ast.Constant)}
        allows_credentials = is_true(entry["supports_credentials"]) if "supports_credentials" in entry else credentials
        if allows_credentials and _has_wildcard(entry.get("origins"), ctx):
            return True
    return False


def _header_name(target: ast.expr) -> str | None:
    """The lowercased header of ``response.headers["X"]`` / ``response["X"]`` (Django), else ``None``."""
    if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant):
        key = target.slice.value
        return key.lower() if isinstance(key, str) else None
    return None


def _any_origin(value: ast.expr) -> bool:
    """``"*"``, or the request's own ``Origin`` header echoed back (``request.headers.get("Origin")``)."""
    if isinstance(value, ast.Constant):
        return value.value == "*"
    if isinstance(value, ast.BoolOp):
        return any(_any_origin(part) for part in value.values)
    key: ast.expr | None = None
    if isinstance(value, ast.Subscript):
        key = value.slice
    elif isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "get":
        key = value.args[0] if value.args else None
    return (
        isinstance(key, ast.Constant)
        and isinstance(key.value, str)
        and key.value.lower() in ("origin", "http_origin")
    )


def _checked(node: ast.AST, ctx: FileContext) -> bool:
    """Under an ``if`` in its function: the echoed origin was checked against an allow-list first."""
    current = ctx.parent_of(node)
    while current is not None and not isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef)):
        if isinstance(current, ast.If):
            return True
        current = ctx.parent_of(current)
    return False


def _is_true_header(value: ast.expr) -> bool:
    return isinstance(value, ast.Constant) and str(value.value).lower() == "true"


def _matches_everything(value: ast.expr) -> bool:
    """``[r"^.*$"]``: an origin regex list with a pattern that matches any origin."""
    return isinstance(value, (ast.List, ast.Tuple)) and any(
        isinstance(item, ast.Constant) and item.value in _MATCH_ALL for item in value.elts
    )


@dataclass
class _Headers:
    """CORS headers one function sets by hand, reported when the walk leaves it."""

    any_origin: Optional[ast.Assign] = None
    """Where it echoes any origin into ``Access-Control-Allow-Origin``."""
    credentials: bool = False
    """It sets ``Access-Control-Allow-Credentials: true``."""


class PermissiveCors(Rule):
    code = "BE505"
    name = "permissive-cors"
    message = "`{construct}` allows any origin with credentials; list the trusted origins"
    triggers = ("CORS", "cors", "cross_origin", "Access-Control-Allow")
    needs = (bindings_of, settings_module, module_roles, no_ambient_credential, app_without_credentials)
    module_facts = (test_support,)
    headers: FileState[dict[ast.AST, _Headers]] = FileState(dict)

    @visits(ast.Call)
    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        if _left_alone(ctx) or not isinstance(node.func, (ast.Name, ast.Attribute)):
            return
        callee = ctx.imports.resolve(node.func)
        if callee in _FLASK_CORS:
            self._check_flask(node, callee, ctx)
            return
        middleware = node if callee in _STARLETTE_CORS else None
        if middleware is None and node.args and ctx.imports.resolve(node.args[0]) in _STARLETTE_CORS:
            middleware = node  # app.add_middleware(CORSMiddleware, ...) / Middleware(CORSMiddleware, ...)
        if middleware is None or not is_true(keyword_value(node, "allow_credentials")):
            return
        regex = _value(keyword_value(node, "allow_origin_regex"), ctx)
        if _has_wildcard(keyword_value(node, "allow_origins"), ctx) or (
            isinstance(regex, ast.Constant) and regex.value in _MATCH_ALL
        ):
            if isinstance(node.func, ast.Attribute) and node.func.attr == "add_middleware" \
                    and app_without_credentials(node.func.value, ctx):
                return  # every route is here and none reads a credential: nothing for a foreign page to borrow
            construct = callee.rsplit(".", 1)[1] if callee in _STARLETTE_CORS else "CORSMiddleware"
            self.report(ctx, node, construct=construct, unless=_ambient(ctx))

    def _check_flask(self, node: ast.Call, callee: str, ctx: FileContext) -> None:
        credentials = is_true(keyword_value(node, "supports_credentials"))
        if (credentials and _has_wildcard(keyword_value(node, "origins"), ctx)) or _flask_resources_wildcard(
            keyword_value(node, "resources"), credentials, ctx
        ):
            self.report(ctx, node, construct=callee.rsplit(".", 1)[1], unless=_ambient(ctx))

    @visits(ast.Assign)
    def check_header(self, node: ast.Assign, ctx: FileContext) -> None:
        """``response.headers["Access-Control-Allow-Origin"] = request.headers["Origin"]`` (or ``"*"``) and
        ``...["Access-Control-Allow-Credentials"] = "true"`` in one function: a hand-written wildcard."""
        function = ctx.scope.function
        if function is None or _left_alone(ctx):
            return
        for target in node.targets:
            header = _header_name(target)
            if header == "access-control-allow-origin" and _any_origin(node.value) and not _checked(node, ctx):
                self._headers(ctx, function).any_origin = node
            elif header == "access-control-allow-credentials" and _is_true_header(node.value):
                self._headers(ctx, function).credentials = True

    def _headers(self, ctx: FileContext, function: ast.AST) -> _Headers:
        functions = self.headers(ctx)
        found = functions.get(function)
        if found is None:
            found = functions[function] = _Headers()
        return found

    @leaves(ast.FunctionDef, ast.AsyncFunctionDef)
    def report_headers(self, node: ast.AST, ctx: FileContext) -> None:
        headers = self.headers(ctx).pop(node, None)
        if headers is not None and headers.any_origin is not None and headers.credentials:
            self.report(ctx, headers.any_origin, construct="Access-Control-Allow-Origin",
                        unless=_ambient(ctx, node))

    @visits(ast.Module)
    def check_settings(self, node: ast.Module, ctx: FileContext) -> None:
        """django-cors-headers settings set directly in the module body: a wildcard origin (or an origin regex
        matching everything) together with ``CORS_ALLOW_CREDENTIALS = True``."""
        settings = settings_module(ctx)
        credentials = settings.values.get("CORS_ALLOW_CREDENTIALS", [])
        if settings.kind == TEST or module_roles(ctx).example \
                or not any(is_true(setting.value) for setting in credentials):
            return
        reported: set[ast.stmt] = set()
        for name in (*_DJANGO_WILDCARDS, *_DJANGO_REGEXES):
            for setting in settings.values.get(name, []):
                wildcard = is_true(setting.value) if name in _DJANGO_WILDCARDS else _matches_everything(setting.value)
                if wildcard and setting.statement not in reported:
                    reported.add(setting.statement)
                    construct = f"{name} = True" if name in _DJANGO_WILDCARDS else name
                    self.report(ctx, setting.statement, construct=construct, unless=(no_ambient_credential(),))
