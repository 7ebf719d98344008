"""Rate limits: what limits one handler, and the limiters a module registers for a whole application.

A login endpoint is safe from password guessing when something counts its requests: a limiter decorator on
it or its class (slowapi and Flask-Limiter ``@limiter.limit``, django-ratelimit ``@ratelimit``, allauth's
``rate_limit``), a dependency (fastapi-limiter ``Depends(RateLimiter(...))``), DRF ``throttle_classes`` on the
view, a call in its body (``ratelimit.consume(...)``, a failed-attempts counter), or a limiter that applies to
every route of the app. The first kinds are in the handler's own file and are read from the words of the
names it mentions (``limiter``, ``throttle``, ``ratelimit``...); the last is usually registered in another
module, so :func:`app_rate_limits` records it for the project model (:mod:`.project`), which joins it with the
settings (DRF ``DEFAULT_THROTTLE_CLASSES``, django-axes).
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import written_names
from backend_lint.analysis.decorator_bodies import wrapper_names
from backend_lint.analysis.facts import file_fact, node_fact
from backend_lint.analysis.handler_types import Handler
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.mentions import mentioned_names
from backend_lint.analysis.secret_names import split_identifier
from backend_lint.analysis.tree_walk import walk

if TYPE_CHECKING:
    from backend_lint.context import FileContext

LIMIT_WORDS = frozenset({
    "limit", "limits", "limiter", "limiters", "ratelimit", "ratelimits", "ratelimiter", "ratelimited",
    "throttle", "throttles", "throttled", "throttling", "lockout", "attempt", "attempts", "limited",
    "captcha", "recaptcha", "hcaptcha", "turnstile",
})
"""Words of a name that counts requests or attempts: ``limiter.limit``, ``RateLimiter``, ``throttle_classes``,
``ratelimit.consume``, ``failed_login_attempts``, ``lockout``; and CAPTCHA checks (``check_recaptcha``), which
stop the same automated guessing."""

SLOWAPI_DEFAULTS = "slowapi-defaults"
"""A slowapi ``Limiter(default_limits=[...])``: the limits every route gets once the middleware runs."""
SLOWAPI_MIDDLEWARE = "slowapi-middleware"
"""``SlowAPIMiddleware`` (or its ASGI variant) added to an app: it applies the default limits."""
FLASK_LIMITER_DEFAULTS = "flask-limiter-defaults"
"""A Flask-Limiter ``Limiter(default_limits=...)``/``application_limits=...``, or a ``RATELIMIT_DEFAULT`` /
``RATELIMIT_APPLICATION`` configuration value: Flask-Limiter applies it to every route of the app."""
LITESTAR_RATE_LIMIT = "litestar-rate-limit"
"""Litestar's ``RateLimitConfig`` whose ``.middleware`` is given to the app (``Litestar(middleware=[...])``): a
middleware of every route. One given to a single route (``@post(..., middleware=[login_limit.middleware])``)
limits that route only, which the route's own decorator shows."""
ANSWERS_429_MIDDLEWARE = "answers-429-middleware"
"""The project's own ASGI middleware that answers 429 (``@app.middleware("http")`` on a function, or
``app.add_middleware(Cls)`` of a class of the same module, whose body answers ``status_code=429``): hyperion's
per-IP Redis counter around every request. Answering *Too Many Requests* is what a limiter does, and a
middleware runs for every route of the app."""

_TEXT = ("default_limits", "application_limits", "SlowAPI", "RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION",
         "Litestar(")
_SLOWAPI_LIMITERS = frozenset({"slowapi.Limiter", "slowapi.extension.Limiter"})
_FLASK_LIMITERS = frozenset({"flask_limiter.Limiter", "flask_limiter.extension.Limiter"})
_SLOWAPI_MIDDLEWARE = frozenset({
    "slowapi.middleware.SlowAPIMiddleware", "slowapi.middleware.SlowAPIASGIMiddleware",
})
_LITESTAR_CONFIG = frozenset({"litestar.middleware.rate_limit.RateLimitConfig", "litestar.middleware.RateLimitConfig"})
_LITESTAR_APPS = frozenset({"litestar.Litestar", "litestar.app.Litestar"})
_FLASK_SETTINGS = frozenset({"RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION"})


def names_limit(name: str, extra: frozenset[str] = frozenset()) -> bool:
    """``name`` (``limiter``, ``throttle_classes``, ``RateLimiter``) is a rate limit's, or one of ``extra``."""
    return name in extra or bool(LIMIT_WORDS.intersection(split_identifier(name)))


@node_fact()
def decorator_names(ctx: FileContext, node: ast.AST) -> frozenset[str]:
    """Names in the decorators of a ``def`` or ``class`` and, for a ``def``, in its parameters' defaults and
    annotations (``Depends(RateLimiter(times=5))``)."""
    found: set[str] = set()
    for decorator in getattr(node, "decorator_list", []):
        found |= written_names(decorator)
    arguments = getattr(node, "args", None)
    if isinstance(arguments, ast.arguments):
        for default in [*arguments.defaults, *arguments.kw_defaults]:
            if default is not None:
                found |= written_names(default)
        for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
            if arg.annotation is not None:
                found |= written_names(arg.annotation)
    return frozenset(found)


def limits_itself(ctx: FileContext, function: ast.AST, cls: Optional[ast.ClassDef],
                  extra: frozenset[str] = frozenset()) -> bool:
    """The handler, its class or another method of its class (``dispatch``) names a rate limit: in a decorator,
    a parameter's default, its body or the class body (``throttle_classes``)."""
    nodes: list[ast.AST] = [function]
    if cls is not None:
        nodes.append(cls)
        nodes.extend(item for item in cls.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)))
    return any(
        names_limit(name, extra)
        for node in nodes
        for name in (*decorator_names(ctx, node), *mentioned_names(ctx, node))
    )


@file_fact()
def app_rate_limits(ctx: FileContext) -> frozenset[str]:
    """The app-wide limiters this module registers or configures (the constants above). Only a module whose
    text names one is looked into."""
    source = ctx.source
    middleware = "middleware" in source and ("429" in source or "TOO_MANY_REQUESTS" in source)
    if not middleware and not any(word in source for word in _TEXT):
        return frozenset()
    found: set[str] = set()
    classes = {node.name: node for node in walk(ctx.tree) if isinstance(node, ast.ClassDef)} if middleware \
        else {}
    for node in walk(ctx.tree):
        if middleware and _limiting_middleware(node, classes):
            found.add(ANSWERS_429_MIDDLEWARE)
        if isinstance(node, ast.Call):
            called = ctx.imports.resolve(node.func) or ""
            limits = [keyword.value for keyword in node.keywords
                      if keyword.arg in ("default_limits", "application_limits")]
            if called in _SLOWAPI_LIMITERS and any(_given(value) for value in limits):
                found.add(SLOWAPI_DEFAULTS)
            elif called in _FLASK_LIMITERS and any(_given(value) for value in limits):
                found.add(FLASK_LIMITER_DEFAULTS)
            elif called in _LITESTAR_APPS and _limiting_app_middleware(ctx, node):
                found.add(LITESTAR_RATE_LIMIT)
            if any((ctx.imports.resolve(arg) or "") in _SLOWAPI_MIDDLEWARE for arg in node.args):
                found.add(SLOWAPI_MIDDLEWARE)
        elif isinstance(node, ast.Assign) and _given(node.value) and any(
            (isinstance(target, ast.Name) and target.id in _FLASK_SETTINGS)
            or (isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant)
                and target.slice.value in _FLASK_SETTINGS)
            for target in node.targets
        ):
            found.add(FLASK_LIMITER_DEFAULTS)
    return frozenset(found)


@file_fact()
def litestar_limit_configs(ctx: FileContext) -> frozenset[str]:
    """Module-level names bound to a Litestar ``RateLimitConfig(...)`` (``pin_guard = RateLimitConfig(...)``):
    whatever route or app is given their ``.middleware`` is limited, whatever the name says."""
    if "RateLimitConfig" not in ctx.source:
        return frozenset()
    return frozenset(
        target.id for node in ctx.tree.body if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
        and (ctx.imports.resolve(node.value.func) or "") in _LITESTAR_CONFIG
        for target in node.targets if isinstance(target, ast.Name)
    )


def _limiting_app_middleware(ctx: FileContext, app: ast.Call) -> bool:
    """The Litestar app built by ``app`` is given a rate limit's middleware: ``middleware=[X.middleware]`` where
    ``X`` is a ``RateLimitConfig(...)`` (written there or bound to a name of this module) or a name that says it
    limits (``rate_limit_config`` imported from the settings module)."""
    configs = litestar_limit_configs(ctx)
    for keyword in app.keywords:
        if keyword.arg != "middleware" or not isinstance(keyword.value, (ast.List, ast.Tuple)):
            continue
        for item in keyword.value.elts:
            if not (isinstance(item, ast.Attribute) and item.attr == "middleware"):
                continue
            owner = item.value
            if isinstance(owner, ast.Call) and (ctx.imports.resolve(owner.func) or "") in _LITESTAR_CONFIG:
                return True
            name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) \
                else ""
            if name in configs or names_limit(name):
                return True
    return False


def _limiting_middleware(node: ast.AST, classes: dict[str, ast.ClassDef]) -> bool:
    """``node`` registers a middleware of this module that answers 429 (:data:`ANSWERS_429_MIDDLEWARE`): a
    function decorated ``@app.middleware("http")``, or ``app.add_middleware(RateLimitMiddleware, ...)`` of a
    class defined here."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return any(
            isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr == "middleware" and decorator.args
            and isinstance(decorator.args[0], ast.Constant) and decorator.args[0].value == "http"
            for decorator in node.decorator_list
        ) and _answers_429(node)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_middleware" \
            and node.args and isinstance(node.args[0], ast.Name) and node.args[0].id in classes:
        return _answers_429(classes[node.args[0].id])
    return False


def _answers_429(node: ast.AST) -> bool:
    """``node`` writes the status 429: the number, or a constant named for it (``HTTP_429_TOO_MANY_REQUESTS``)."""
    for part in walk(node):
        if isinstance(part, ast.Constant) and part.value == 429 and not isinstance(part.value, bool):
            return True
        name = part.attr if isinstance(part, ast.Attribute) else part.id if isinstance(part, ast.Name) else ""
        if "TOO_MANY_REQUESTS" in name:
            return True
    return False


def _given(value: ast.expr) -> bool:
    """A limit that is set: not ``None``, ``""`` or an empty list."""
    if isinstance(value, ast.Constant):
        return value.value not in (None, "", False)
    if isinstance(value, (ast.List, ast.Tuple)):
        return bool(value.elts)
    return True


def app_wide_families(registered: frozenset[str]) -> frozenset[str]:
    """The handler families (``asgi``, ``flask``, ``litestar``) whose every route the registered limiters limit:
    slowapi needs its defaults and its middleware, Flask-Limiter and Litestar their configuration alone, and the
    project's own ASGI middleware that answers 429 is a limiter of every route by itself."""
    families = set()
    if {SLOWAPI_DEFAULTS, SLOWAPI_MIDDLEWARE} <= registered or ANSWERS_429_MIDDLEWARE in registered:
        families.add("asgi")
    if FLASK_LIMITER_DEFAULTS in registered:
        families.add("flask")
    if LITESTAR_RATE_LIMIT in registered:
        families.add("litestar")
    return frozenset(families)


@file_fact()
def limited_blueprints(ctx: FileContext) -> frozenset[str]:
    """Names of this module's app objects (Flask blueprints) that a limiter covers whole: Flask-Limiter's
    ``limiter.limit(rate)(auth)`` applied to the object, or a ``@auth.before_request`` hook whose body names a
    limit (``return limiter.check()``). Only a module whose text has ``before_request`` or ``.limit(`` is read."""
    source = ctx.source
    if "before_request" not in source and ".limit(" not in source:
        return frozenset()
    found: set[str] = set()
    for node in walk(ctx.tree):
        limited = _limited_object(node)
        if isinstance(limited, ast.Name):
            found.add(limited.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            hooked = [decorator.value.id for decorator in node.decorator_list
                      if isinstance(decorator, ast.Attribute) and decorator.attr == "before_request"
                      and isinstance(decorator.value, ast.Name)]
            if hooked and any(names_limit(name) for name in mentioned_names(ctx, node)):
                found.update(hooked)
    return frozenset(found)


def _limited_object(node: ast.AST) -> Optional[ast.expr]:
    """``auth`` (or ``routes_password_reset.blueprint``) of Flask-Limiter's ``limiter.limit("20/hour")(auth)``:
    the app object the limiter covers whole, as written."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Call) and len(node.args) == 1 \
            and isinstance(node.args[0], (ast.Name, ast.Attribute)) and isinstance(node.func.func, ast.Attribute) \
            and node.func.func.attr in ("limit", "shared_limit") and names_limit(_owner_name(node.func.func)):
        return node.args[0]
    return None


def limited_app_objects(ctx: FileContext) -> list[ast.expr]:
    """Every app object, as written, that this module's limiter covers whole (:func:`_limited_object`): what the
    project summary records, qualified, so that a blueprint limited in the application factory's module counts
    in the module that routes on it (Mycodo's ``limiter.limit("20/hour")(routes_password_reset.blueprint)`` in
    ``app.py``). Only a module whose text has ``.limit(`` is read."""
    if ".limit(" not in ctx.source:
        return []
    return [limited for limited in map(_limited_object, walk(ctx.tree)) if limited is not None]


def _owner_name(attribute: ast.Attribute) -> str:
    """``limiter`` of ``limiter.limit`` (``app.limiter.limit`` gives ``limiter``)."""
    value = attribute.value
    return value.attr if isinstance(value, ast.Attribute) else getattr(value, "id", "")


def limited_blueprint(ctx: FileContext, handler: Handler) -> bool:
    """The handler is a route of an app object this module limits whole (:func:`limited_blueprints`): one of its
    routes is registered on it, or, when the handler model cannot tell the owner (a ``MethodView`` registered
    through a helper), the module limits an app object at all."""
    limited = limited_blueprints(ctx)
    if not limited:
        return False
    owners = [route.owner for route in handler.routes]
    if not owners or any(owner is None for owner in owners):
        return True
    return any(owner.rpartition(":")[2].rpartition(".")[2] in limited for owner in owners if owner)


_STRICT_LIMIT_WORDS = frozenset({
    "ratelimit", "ratelimits", "ratelimited", "ratelimiter", "limiter", "throttle", "throttled", "throttling",
    "lockout", "axes", "captcha", "recaptcha", "hcaptcha",
})
_STRICT_TEXT = lazy_compile(
    r"rate_?limit|limiter|throttl|lockout|captcha|token_?bucket|limit_?(?:account|login|signin|attempt)"
    r"|failed_?(?:login|signin|attempt)",
    re.IGNORECASE,
)
_LIMITED_SUBJECTS = frozenset({"account", "login", "signin", "attempt", "attempts"})
"""With ``limit``: a limit on sign-in attempts (open-webui's ``limit_account(user_id, "factor")``), where a bare
``limit`` is a page size."""


_STRICT_LOWER = lazy_compile(_STRICT_TEXT.pattern)
_STRICT_UNLIMITED = ("throttl", "lockout", "captcha", "tokenbucket", "token_bucket", "failed_login", "failedlogin",
                     "failed_signin", "failedsignin", "failed_attempt", "failedattempt")
"""The alternatives of :data:`_STRICT_TEXT` without ``limit`` in them."""
_FOLDS_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")
"""The only non-ASCII letters that a case-insensitive ASCII pattern matches (capital I with a dot, dotless i,
long s, the Kelvin sign): lower-casing turns two of them into ASCII letters, and leaves the other two."""


def mentions_attempt_limit(source: str, lowered: Optional[str] = None) -> bool:
    """The module's text names a rate limit, lockout, failed sign-ins or CAPTCHA at all (the cheap gate before
    :func:`counts_attempts` and :func:`tallies_failed_sign_ins`). ``lowered``: ``source.lower()``, when the caller
    has it.

    The text is searched lower-cased, and with the regular expression only when it holds ``limit``: a
    case-insensitive search of these alternatives at every position cost ten times as much (0.27 s on
    Django's sources). Lower-casing finds what a case-insensitive search finds unless the text holds one of
    :data:`_FOLDS_TO_ASCII`; such a text is searched as before."""
    if not source.isascii() and any(letter in source for letter in _FOLDS_TO_ASCII):
        return bool(_STRICT_TEXT.search(source))
    lowered = source.lower() if lowered is None else lowered
    if "limit" in lowered:
        return bool(_STRICT_LOWER.search(lowered))
    return any(word in lowered for word in _STRICT_UNLIMITED)


_RATE_ALGORITHMS = (("token", "bucket"), ("leaky", "bucket"))
"""Word pairs naming a rate-limiting algorithm: Healthchecks' ``TokenBucket.authorize_login_password(...)``."""


_FAILURE_TALLIES = frozenset({"count", "counter", "max", "maximum"})
"""With ``failed`` and a sign-in subject: a tally of failed sign-ins (``failed_login_count``,
``MAX_FAILED_LOGIN_COUNT``), what a lockout compares (:func:`tallies_failed_sign_ins`); ``log_failed_login`` only
records one."""


def _counts(name: str) -> bool:
    words = split_identifier(name)
    return bool(_STRICT_LIMIT_WORDS.intersection(words)) or (
        "limit" in words and ("rate" in words or bool(_LIMITED_SUBJECTS.intersection(words)))
    ) or any(pair in zip(words, words[1:]) for pair in _RATE_ALGORITHMS)


def _tallies(name: str) -> bool:
    words = split_identifier(name)
    return "failed" in words and bool(_LIMITED_SUBJECTS.intersection(words)) \
        and bool(_FAILURE_TALLIES.intersection(words))


def tallies_failed_sign_ins(ctx: FileContext, node: ast.AST) -> bool:
    """A function, or a class in any of its methods, names a tally of failed sign-ins (``failed_login_count``,
    ``MAX_FAILED_LOGIN_COUNT``): the account locks once the tally is reached (Notify's ``User.locked``, which its
    ``from_email_address_and_password_or_none`` checks before verifying the password). Such a lockout limits
    password guessing per account, not the mail a reset or sign-up sends, so only login, token and code checks
    handed to it are covered (BE307's ``locks_out``)."""
    if not isinstance(node, ast.ClassDef):
        return any(_tallies(name) for name in mentioned_names(ctx, node))
    methods = [item for item in node.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return any(_tallies(name) for name in mentioned_names(ctx, node) - _constant_names(node)) or any(
        _tallies(name) for method in methods for name in mentioned_names(ctx, method)
    )


def counts_attempts(ctx: FileContext, node: ast.AST) -> bool:
    """A function, or a class in any of its methods, names a rate limit, lockout or CAPTCHA check
    (``rate_limit(...)``, ``limiter.hit``, ``throttle``, ``captcha.check_recaptcha(...)``): stricter than
    :func:`names_limit` (a bare ``limit`` is a page size more often), because a view that hands the sign-in to it
    is left alone on that word alone. A decorator counts by the wrappers it returns (Mailu's
    ``api_token_authorization``, whose wrapper asks ``utils.limiter.should_rate_limit_ip(client_ip)`` before the
    view runs: :func:`~.decorator_bodies.wrapper_names`)."""
    if not isinstance(node, ast.ClassDef):
        return any(_counts(name) for name in mentioned_names(ctx, node) | wrapper_names(node))
    methods = [item for item in node.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return any(_counts(name) for name in mentioned_names(ctx, node) - _constant_names(node)) or any(
        _counts(name) for method in methods for name in mentioned_names(ctx, method)
    )


def _constant_names(node: ast.ClassDef) -> set[str]:
    """The names the class body binds to a literal (``RATE_LIMIT_EXCEEDED = "API rate limit exceeded"`` in an
    enum of error messages): a message about a limit, not a limit."""
    names: set[str] = set()
    for statement in node.body:
        targets = statement.targets if isinstance(statement, ast.Assign) else (
            [statement.target] if isinstance(statement, ast.AnnAssign) and statement.value is not None else [])
        value = getattr(statement, "value", None)
        if isinstance(value, ast.Constant):
            names.update(target.id for target in targets if isinstance(target, ast.Name))
    return names
