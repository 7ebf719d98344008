"""BE512 csrf-protection-disabled: CSRF protection switched off where a session cookie authenticates.

A browser sends the session cookie with every request to the site, whoever's page made it; the CSRF token is
what tells the application that its own form sent a state-changing request. Without it, any page the user
visits can post as the user. Flagged:

- ``@csrf_exempt`` (also ``method_decorator(csrf_exempt, ...)`` on a class and ``csrf_exempt(view)``) on a
  Django view that shows it is authenticated by the session: ``@login_required``/``permission_required``/
  ``staff_member_required``/``user_passes_test``, or ``LoginRequiredMixin``/``PermissionRequiredMixin``/
  ``UserPassesTestMixin``. A view that verifies a signature (``stripe.Webhook.construct_event``,
  ``hmac.compare_digest``, a ``verify_*signature`` call), reads an ``Authorization`` header or token, is
  named for a callback, webhook, OAuth/SAML/OpenID endpoint or token endpoint, or only answers safe methods
  (``require_GET``/``require_safe``) is left alone: a third party posts there, not the user's browser. So is a
  class view whose ``post`` (and ``put``/``patch``/``delete``) does what its ``get`` does, mentioning no name
  ``get`` does not but where it reads its parameters (``request.POST``): a POST that changes nothing a GET does
  not leaves nothing to forge (jumpserver's ``ExportPdfView``, whose ``get`` and ``post`` both call
  ``self._handle_export``).
- ``WTF_CSRF_ENABLED = False`` (a settings module or config class, ``app.config[...] = False``,
  ``app.config.update(WTF_CSRF_ENABLED=False)``) outside tests, test support, test and development settings
  and config classes named for testing or development, and not under an ``if`` (an environment decides). With
  the project model, a project that validates the token itself (Flask-WTF's ``validate_csrf(...)``,
  ``csrf.protect()`` where it accepts forms) has not switched the protection off, it runs it by hand
  (:func:`~backend_lint.analysis.project.app_conditions.validates_csrf`).
- A production Django settings module whose ``MIDDLEWARE`` is a literal list with ``SessionMiddleware`` and
  ``AuthenticationMiddleware`` (users log in by the session cookie) and without ``CsrfViewMiddleware``. A list
  without Django's authentication middleware authenticates no one by cookie (an API whose clients send a bearer
  token; MaxKB keeps ``SessionMiddleware`` with neither ``django.contrib.auth`` nor its middleware): no request
  to forge as a user, left alone. The list must be known whole in this file: a later ``+=``, ``append``,
  ``insert`` or ``extend``, a star import after it (``from .base import *``), or ``CsrfViewMiddleware``
  mentioned anywhere in the module leaves it alone. Merging settings across modules is the project model's.
"""

from __future__ import annotations

import ast
from typing import Optional

from backend_lint.analysis.ast_helpers import string_value
from backend_lint.analysis.mentions import mentioned_names
from backend_lint.analysis.module_roles import module_roles, non_production_code
from backend_lint.analysis.project.app_conditions import validates_csrf
from backend_lint.analysis.project.conditions import test_support
from backend_lint.analysis.resolve import Definition, resolve_name
from backend_lint.analysis.scopes import under_condition
from backend_lint.analysis.secret_names import split_identifier
from backend_lint.analysis.settings import PRODUCTION, settings_module
from backend_lint.context import FileContext
from backend_lint.rule import FileState, Rule, leaves, visits

_CSRF_EXEMPT = frozenset({"django.views.decorators.csrf.csrf_exempt"})
_SESSION_DECORATORS = frozenset(
    {"login_required", "permission_required", "staff_member_required", "user_passes_test", "superuser_required"}
)
_SESSION_MIXINS = frozenset({"LoginRequiredMixin", "PermissionRequiredMixin", "UserPassesTestMixin"})
_SAFE_METHOD_DECORATORS = frozenset({"require_GET", "require_safe"})
_VERIFYING_NAMES = frozenset(
    {"construct_event", "compare_digest", "verify_signature", "verify_webhook", "validate_signature",
     "verify_webhook_signature", "HTTP_AUTHORIZATION", "authorization", "Authorization", "verify_request",
     "validate_request", "authenticate_credentials", "get_authorization_header"}
)
"""Names a view mentions when it authenticates the sender by a signature or a token, not by the session."""
_THIRD_PARTY_WORDS = frozenset(
    {"webhook", "webhooks", "hook", "hooks", "callback", "callbacks", "ipn", "notify", "notification",
     "notifications", "complete", "acs", "sso", "saml", "oauth", "oauth2", "oidc", "openid", "token", "tokens",
     "jwks", "introspect", "revoke", "metrics", "beacon", "csp", "telemetry"}
)
"""Words in a view's, class's or module's name for endpoints a third party or a script calls."""
_UNSAFE_METHODS = ("post", "put", "patch", "delete")
_REQUEST_DATA = frozenset({"POST", "data", "body", "FILES", "json"})
"""Where an unsafe method reads what ``get`` reads from ``request.GET``: the only names it may add to ``get``'s."""
_WTF_SETTING = "WTF_CSRF_ENABLED"
_CHECKED_BY_HAND = (validates_csrf(),)
"""Flask-WTF's global check off stands unless the project validates the token itself where it accepts forms
(:func:`~backend_lint.analysis.project.app_conditions.validates_csrf`)."""
_CSRF_MIDDLEWARE = "CsrfViewMiddleware"
_SESSION_MIDDLEWARE = "django.contrib.sessions.middleware.SessionMiddleware"
_AUTH_MIDDLEWARE = "django.contrib.auth.middleware.AuthenticationMiddleware"
"""What makes the session cookie a login: Django's authentication middleware reads the user from the session.
Sessions alone (a language or a cart) with a token-authenticated API authenticate no one by cookie."""
_LIST_CHANGES = frozenset({"append", "insert", "extend", "remove"})


def _last_name(expr: ast.expr) -> str:
    target = expr.func if isinstance(expr, ast.Call) else expr
    if isinstance(target, ast.Attribute):
        return target.attr
    return target.id if isinstance(target, ast.Name) else ""


def _is_false(expr: Optional[ast.AST]) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is False


def _posts_as_it_gets(ctx: FileContext, methods: list[ast.FunctionDef | ast.AsyncFunctionDef]) -> bool:
    """Every unsafe method of a class view mentions only what its ``get`` mentions, plus where it reads the
    request's data: it does what the GET does (an export that accepts its parameters either way)."""
    by_name = {method.name: method for method in methods}
    get = by_name.get("get")
    unsafe = [by_name[name] for name in _UNSAFE_METHODS if name in by_name]
    if get is None or not unsafe:
        return False
    allowed = mentioned_names(ctx, get) | _REQUEST_DATA
    return all(mentioned_names(ctx, method) <= allowed for method in unsafe)


class CsrfProtectionDisabled(Rule):
    code = "BE512"
    name = "csrf-protection-disabled"
    message = "`{construct}` {problem}; keep CSRF protection on"
    triggers = ("csrf_exempt", "WTF_CSRF_ENABLED", "MIDDLEWARE")
    needs = (mentioned_names, module_roles, settings_module, resolve_name, validates_csrf)
    module_facts = (test_support,)
    middleware_changed: FileState[list[bool]] = FileState(lambda: [False])

    # --- where the rule applies ---------------------------------------------------------------------------

    def _non_production(self, ctx: FileContext) -> bool:
        return non_production_code(ctx)

    # --- csrf_exempt ----------------------------------------------------------------------------------------

    def _is_csrf_exempt(self, expr: ast.expr, ctx: FileContext) -> bool:
        return (ctx.imports.resolve(expr) or "") in _CSRF_EXEMPT

    @visits(ast.FunctionDef, ast.AsyncFunctionDef)
    def check_view(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> None:
        exempt = next((d for d in node.decorator_list if self._is_csrf_exempt(d, ctx)), None)
        if exempt is not None and self._session_view(node, ctx):
            self.report(ctx, exempt, construct="@csrf_exempt", problem=f"on session-authenticated view `{node.name}`")

    @visits(ast.ClassDef)
    def check_class_view(self, node: ast.ClassDef, ctx: FileContext) -> None:
        exempt = next(
            (d for d in node.decorator_list
             if isinstance(d, ast.Call) and _last_name(d) == "method_decorator" and d.args
             and self._is_csrf_exempt(d.args[0], ctx)),
            None,
        )
        if exempt is not None and self._session_view(node, ctx):
            self.report(ctx, exempt, construct="csrf_exempt", problem=f"on session-authenticated view `{node.name}`")

    def _check_exempt_call(self, node: ast.Call, ctx: FileContext) -> None:
        """``csrf_exempt(SettingsView.as_view())`` or ``csrf_exempt(settings_view)`` with the view in this file."""
        if len(node.args) != 1 or not self._is_csrf_exempt(node.func, ctx):
            return
        view = node.args[0]
        if isinstance(view, ast.Call) and isinstance(view.func, ast.Attribute) and view.func.attr == "as_view":
            view = view.func.value
        found = resolve_name(view, ctx, ctx.scope) if isinstance(view, ast.Name) else None
        if isinstance(found, Definition) and self._session_view(found.node, ctx):
            self.report(ctx, node, construct="csrf_exempt(...)",
                        problem=f"on session-authenticated view `{found.node.name}`")

    def _session_view(self, view: ast.AST, ctx: FileContext) -> bool:
        """The view shows it is authenticated by the session cookie, and nothing says a third party calls it."""
        if ctx.is_test_file or module_roles(ctx).for_tests or self._third_party(getattr(view, "name", ""), ctx):
            return False
        decorators = getattr(view, "decorator_list", [])
        names = {_last_name(decorator) for decorator in decorators}
        method_decorated = {
            _last_name(decorator.args[0]) for decorator in decorators
            if isinstance(decorator, ast.Call) and _last_name(decorator) == "method_decorator" and decorator.args
        }
        if (names | method_decorated) & _SAFE_METHOD_DECORATORS:
            return False
        if isinstance(view, ast.ClassDef):
            session = bool({_last_name(base) for base in view.bases} & _SESSION_MIXINS) or bool(
                method_decorated & _SESSION_DECORATORS
            )
            methods = [item for item in view.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))]
            return (
                session and not any(mentioned_names(ctx, method) & _VERIFYING_NAMES for method in methods)
                and not _posts_as_it_gets(ctx, methods)
            )
        return bool(names & _SESSION_DECORATORS) and not mentioned_names(ctx, view) & _VERIFYING_NAMES

    def _third_party(self, name: str, ctx: FileContext) -> bool:
        """The view, or its module, is named for an endpoint that third parties or scripts call."""
        words = set(split_identifier(name))
        for part in ctx.role_path.removesuffix(".py").split("/"):
            words.update(split_identifier(part))
        return bool(words & _THIRD_PARTY_WORDS)

    # --- WTF_CSRF_ENABLED -----------------------------------------------------------------------------------

    @visits(ast.Assign)
    def check_assign(self, node: ast.Assign, ctx: FileContext) -> None:
        if not _is_false(node.value):
            return
        for target in node.targets:
            named = isinstance(target, ast.Name) and target.id == _WTF_SETTING and ctx.scope.function is None
            keyed = (
                isinstance(target, ast.Subscript)
                and string_value(target.slice) == _WTF_SETTING
                and isinstance(target.value, ast.Attribute)
                and target.value.attr == "config"
            )
            if (named or keyed) and not under_condition(node, ctx) and not self._non_production(ctx):
                construct = _WTF_SETTING if named else f'config["{_WTF_SETTING}"]'
                self.report(ctx, node, construct=f"{construct} = False", problem="turns off Flask-WTF's CSRF check",
                            unless=_CHECKED_BY_HAND)

    @visits(ast.Call)
    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if _last_name(node) == "csrf_exempt":
            self._check_exempt_call(node, ctx)
            return
        if not isinstance(func, ast.Attribute):
            return
        if isinstance(func.value, ast.Name) and func.value.id == "MIDDLEWARE" and func.attr in _LIST_CHANGES:
            self.middleware_changed(ctx)[0] = True
            removed = string_value(node.args[0]) if func.attr == "remove" and node.args else None
            if removed is not None and removed.endswith(_CSRF_MIDDLEWARE) and self._shipped_settings(node, ctx):
                self.report(ctx, node, construct="MIDDLEWARE.remove(...)",
                            problem="takes `CsrfViewMiddleware` out of the settings")
            return
        if func.attr not in ("update", "from_mapping"):
            return
        if not (isinstance(func.value, ast.Attribute) and func.value.attr == "config"):
            return
        mapping = node.args[0] if node.args and isinstance(node.args[0], ast.Dict) else None
        disabled = any(k.arg == _WTF_SETTING and _is_false(k.value) for k in node.keywords) or (
            mapping is not None
            and any(string_value(k) == _WTF_SETTING and _is_false(v) for k, v in zip(mapping.keys, mapping.values))
        )
        if disabled and not under_condition(node, ctx) and not self._non_production(ctx):
            self.report(ctx, node, construct=f"config.{func.attr}({_WTF_SETTING}=False)",
                        problem="turns off Flask-WTF's CSRF check", unless=_CHECKED_BY_HAND)

    # --- MIDDLEWARE -------------------------------------------------------------------------------------------

    @visits(ast.AugAssign)
    def check_augmented(self, node: ast.AugAssign, ctx: FileContext) -> None:
        if isinstance(node.target, ast.Name) and node.target.id == "MIDDLEWARE":
            self.middleware_changed(ctx)[0] = True

    def _shipped_settings(self, node: ast.AST, ctx: FileContext) -> bool:
        """A production Django settings module, and ``node`` is in its body (not under an ``if``)."""
        settings = settings_module(ctx)
        return (
            settings.is_settings and settings.kind == PRODUCTION and ctx.scope.outer is None
            and not ctx.is_test_file and not module_roles(ctx).for_tests and not under_condition(node, ctx)
        )

    @leaves(ast.Module)
    def check_middleware(self, node: ast.Module, ctx: FileContext) -> None:
        settings = settings_module(ctx)
        if not settings.is_settings or settings.kind != PRODUCTION or self.middleware_changed(ctx)[0]:
            return
        assignments = settings.values.get("MIDDLEWARE")
        if not assignments or _CSRF_MIDDLEWARE in ctx.source or ctx.is_test_file or module_roles(ctx).for_tests:
            return
        last = assignments[-1]
        if settings.replaced_later(last.statement.lineno):
            return  # a base imported after the list may replace it
        value = last.value
        if not isinstance(value, (ast.List, ast.Tuple)):
            return
        entries = [string_value(element) for element in value.elts]
        if None in entries or _SESSION_MIDDLEWARE not in entries or _AUTH_MIDDLEWARE not in entries:
            return  # no login by session cookie (bearer tokens in a header): no request to forge as a user
        self.report(ctx, last.statement, construct="MIDDLEWARE",
                    problem="uses sessions without `django.middleware.csrf.CsrfViewMiddleware`")
