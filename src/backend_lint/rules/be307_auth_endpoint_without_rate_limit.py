"""BE307 auth-endpoint-without-rate-limit: a login, sign-up, password-reset, token or one-time-code endpoint
that nothing rate-limits.

These endpoints take a secret the caller may be guessing (a password, a six-digit code) or send mail to an
address the caller chooses. Without a limit a script tries passwords or codes at full speed, or floods a
mailbox. The rule asks the handler model (:mod:`backend_lint.analysis.handlers`) for handlers that answer POST
and whose name, class name or route path says what they are (:func:`.auth_endpoint_kinds.auth_kind`), and
reports one unless a limit is in sight (:mod:`backend_lint.analysis.rate_limits`): a limiter decorator or
dependency, DRF ``throttle_classes``, a rate-limit or failed-attempts call in the body or its class, a project
decorator whose wrapper asks a limiter (:mod:`backend_lint.analysis.decorator_bodies`), or a limiter applied to
every route of the app in this file. What another module decides is a project fact: a limiter registered app
wide (slowapi defaults + middleware, Flask-Limiter defaults, Litestar ``RateLimitConfig``), DRF's
``DEFAULT_THROTTLE_CLASSES``, django-axes in the production settings, or the project's own rate-limit
middleware that another module enables by its dotted path.

Left alone: handlers that only answer GET (a page that shows the form), OAuth/SSO callbacks, logouts and
WebAuthn/passkey sign-ins (no secret is guessed there), token refreshes (the refresh token is not guessable),
password changes and other handlers only a signed-in user reaches (also behind a project decorator whose
wrapper requires sign-in), FastAPI routers built by a factory
function (the application that includes the router adds the limit), tests, test support, examples and command
line code, and stubs whose body is only a docstring, ``...`` or ``pass`` (the handlers of a module that only
declares an API for its OpenAPI document, the live endpoint being elsewhere).
"""

from __future__ import annotations

import ast
import re

from backend_lint.analysis.admin_only import admin_only, route_dependencies, route_owners
from backend_lint.analysis.ast_helpers import callee_name, keyword_value, own_nodes, stub_body
from backend_lint.analysis.auth_endpoint_kinds import REGISTER_OBJECTS, auth_kind
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.decorator_bodies import module_decorators, project_decorators, requires_sign_in
from backend_lint.analysis.decorator_bodies import signs_in as decorator_signs_in
from backend_lint.analysis.effects import handler_effects
from backend_lint.analysis.entrypoints import cli_module
from backend_lint.analysis.handler_body import handler_body
from backend_lint.analysis.handlers import (
    DJANGO,
    DRF,
    FASTAPI,
    FLASK,
    FRAMEWORK_MODULES,
    LITESTAR,
    STARLETTE,
    Handler,
    handler_for,
)
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.mentions import attributes_read, mentioned_names
from backend_lint.analysis.module_roles import module_roles
from backend_lint.analysis.project.app_conditions import rate_limited_app
from backend_lint.analysis.project.conditions import (
    ProjectFact,
    development_only,
    limited_app,
    limits_attempts,
    locks_out,
    signs_in,
    test_support,
    unrouted_view,
)
from backend_lint.analysis.project.conditions import cli_module as cli_module_fact
from backend_lint.analysis.project.imported import imported_qualified_name
from backend_lint.analysis.rate_limits import (
    app_rate_limits,
    app_wide_families,
    counts_attempts,
    decorator_names,
    limited_blueprint,
    limited_blueprints,
    limits_itself,
    litestar_limit_configs,
    names_limit,
)
from backend_lint.analysis.reach_names import enclosing_loose_def
from backend_lint.analysis.reset_links import consumes_reset_link
from backend_lint.analysis.secret_names import split_identifier
from backend_lint.context import FileContext
from backend_lint.rule import Option, Rule, visits

FAMILIES = {FASTAPI: "asgi", STARLETTE: "asgi", FLASK: "flask", LITESTAR: "litestar", DJANGO: "django", DRF: "drf"}
"""Which app-wide limiters cover a handler of each framework (see :func:`app_wide_families`)."""

_PROVIDER_FOLDERS = frozenset({"oauth", "oauth2", "oidc", "saml", "sso", "socialaccount", "providers", "social"})


def _signed_in(ctx: FileContext, handler: Handler) -> bool:
    """The handler serves a signed-in user: a ``user``/``current_user`` dependency, a login-required decorator
    (``@login_required``, the project's own ``@user_login_required``) or mixin, DRF ``IsAuthenticated`` on its
    class, or it declares that only administrators reach it (:mod:`backend_lint.analysis.admin_only`)."""
    if any(param.name in ("user", "current_user") or param.name.endswith("_user") for param in handler.params):
        return True
    if admin_only(handler) or _user_dependency(handler.function):
        return True
    names = set(decorator_names(ctx, handler.function))
    if handler.class_ is not None:
        cls = handler.class_
        names |= decorator_names(ctx, cls) | mentioned_names(ctx, cls) | _base_names(ctx, cls)
    return any(requires_sign_in(name) for name in names) or _refuses_anonymous(handler)


def _refuses_anonymous(handler: Handler) -> bool:
    """The handler, or a method of its class it calls on ``self``, refuses an anonymous caller before anything
    else: its first statement is an ``if`` on ``user.is_anonymous`` or ``not user.is_authenticated`` that raises
    or aborts (KPI's
    ``TokenView.post`` asks ``self._which_user(request)``, which raises ``NotAuthenticated`` for an anonymous
    user): the token it hands out is the signed-in user's own, nothing is traded for a guessed secret."""
    functions: list[ast.AST] = [handler.function]
    cls = handler.class_
    if cls is not None:
        called = {node.func.attr for node in ast.walk(handler.function) if isinstance(node, ast.Call)
                  and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
                  and node.func.value.id == "self"}
        functions.extend(item for item in cls.body
                         if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name in called)
    return any(_refuses_first(function) for function in functions)


def _refuses_first(function: ast.AST) -> bool:
    """The function's first statement (after its docstring) is ``if <anonymous>:`` whose block raises
    (``raise NotAuthenticated()``, ``abort(401)``): a guard before anything else. A later ``if not
    user.is_authenticated: return render(...)`` (enms's login page for a visitor who has not signed in yet) is
    the form, not a refusal."""
    body = [statement for statement in getattr(function, "body", [])
            if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant))]
    first = body[0] if body else None
    return isinstance(first, ast.If) and _anonymous_test(first.test) and any(
        isinstance(statement, ast.Raise) or (
            isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)
            and (dotted_name(statement.value.func) or "").rpartition(".")[2] == "abort")
        for statement in first.body
    )


def _anonymous_test(test: ast.expr) -> bool:
    """``user.is_anonymous``, ``not request.user.is_authenticated``: the caller is not signed in."""
    if isinstance(test, ast.Attribute):
        return test.attr == "is_anonymous"
    return isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) \
        and isinstance(test.operand, ast.Attribute) and test.operand.attr == "is_authenticated"


_SIGNED_IN_USER = frozenset({"current", "active", "verified", "authenticated", "logged", "signed"})


def _user_dependency(function: ast.AST) -> bool:
    """A route declared with a signed-in user dependency (``@router.post("/", dependencies=[Depends(
    get_current_active_user)])``): langflow's registration of the single signed-in user."""
    for decorator in getattr(function, "decorator_list", []):
        for target in route_dependencies(decorator) if isinstance(decorator, ast.Call) else ():
            words = set(split_identifier(dotted_name(target) or ""))
            if "user" in words and words & _SIGNED_IN_USER:
                return True
    return False


def _base_names(ctx: FileContext, cls: ast.ClassDef) -> set[str]:
    """The names of the class's bases and, for a base defined at the top of the same module, of its bases
    (pretalx's ``TeamResetPassword(TeamMemberMixin)`` with ``TeamMemberMixin(PermissionRequired)``)."""
    def written(node: ast.ClassDef) -> set[str]:
        return {base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "") for base in node.bases}

    names = written(cls)
    local = {statement.name: statement for statement in ctx.tree.body if isinstance(statement, ast.ClassDef)}
    for name in list(names):
        parent = local.get(name)
        if parent is not None and parent is not cls:
            names |= written(parent)
    return names


_LIMIT_ERROR_WORDS = frozenset({"limited", "exceeded", "error", "exception", "response"})


def _module_limits(ctx: FileContext) -> bool:
    """The module imports the error a rate limit raises or answers (``RateLimited``, ``RateLimitExceeded``,
    ``RateLimitResponse``): code it calls counts attempts where the rule cannot follow it."""
    return any(
        names_limit(name) and _LIMIT_ERROR_WORDS.intersection(split_identifier(name)) for name in ctx.imports.names
    )


_IDENTIFIER = lazy_compile(r"[A-Za-z_]\w*")


def _limiting_route_class(ctx: FileContext, handler: Handler) -> bool:
    """The handler's router is made with a route class of this module that names a limiter
    (``APIRouter(route_class=MfaRoute)`` whose handler wrapper asks ``ip_limiter.is_limited(...)``): every route of
    it is limited before the handler runs."""
    bindings = bindings_of(ctx, ctx.tree)
    classes = {node.name: node for node in ctx.tree.body if isinstance(node, ast.ClassDef)}
    for route in handler.routes:
        made = bindings.single_value((route.owner or "")[1:]) if (route.owner or "").startswith(":") else None
        route_class = keyword_value(made, "route_class") if isinstance(made, ast.Call) else None
        found = classes.get(route_class.id) if isinstance(route_class, ast.Name) else None
        text = ctx.segment(found) if found is not None else None
        if text is None or not any(names_limit(word) for word in set(_IDENTIFIER.findall(text))):
            return False
    return bool(handler.routes)


def _decorated_here(ctx: FileContext, handler: Handler) -> bool:
    """A decorator of the handler's own module limits attempts in the wrapper it returns (Mailu's
    ``api_token_authorization`` asking ``utils.limiter.should_rate_limit_ip`` before the view runs) or admits
    only signed-in users (its wrapper handed to ``login_required``): :mod:`backend_lint.analysis.decorator_bodies`.
    A decorator of another module is the project model's to answer (``limits_attempts``, ``signs_in``)."""
    module_defs: dict[str, ast.AST] = {node.name: node for node in ctx.tree.body
                                       if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    return any(counts_attempts(ctx, decorator) or decorator_signs_in(decorator, module_defs)
               for decorator in module_decorators(ctx, handler))


def _router_factory(ctx: FileContext, handler: Handler) -> bool:
    """A FastAPI handler defined in a function that makes and returns a router (``get_auth_router(...)``): the
    application that includes the router decides its limits (``include_router(..., dependencies=[...])``)."""
    outer = next((function for function in ctx.scope.functions if function is not handler.function), None)
    if handler.framework != FASTAPI or not isinstance(outer, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    returns = ctx.imports.resolve(outer.returns) if outer.returns is not None else None
    return (returns or "").endswith("APIRouter") or outer.name == "router" or outer.name.endswith("_router")


_CREDENTIAL_PARTS = ("password", "passwd", "credential", "creds", "authenticat", "form", "serializer", "valid",
                     "verify")
"""Parts of names through which a sign-in handler takes or checks credentials: ``request.POST["password"]``,
``creds = await request.json()`` forwarded to the users service,
``AuthenticationForm``, ``form.is_valid()``, ``authenticate(...)``, ``OAuth2PasswordRequestForm``, a DRF
``LoginSerializer(data=request.data)``. A model's ``.serialize()`` is what the handler answers, not what it
takes: Notify's ``reset-failed-login-count`` clears a counter and answers ``user.serialize()``, it reads no
credential."""


def _takes_credentials(ctx: FileContext, handler: Handler) -> bool:
    """The handler reads or checks credentials (in its body, its parameters or its class's other methods); a
    view named ``login`` that only redirects after the sign-in another endpoint did is not a guessing target."""
    names = set(handler_body(ctx, handler).words) | {name.lower() for name in decorator_names(ctx, handler.function)}
    if handler.class_ is not None:
        for item in handler.class_.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                names |= {name.lower() for name in mentioned_names(ctx, item)}
    return any(part in name for name in names for part in (_SECRET_PARTS if " " in name else _CREDENTIAL_PARTS))


_SECRET_PARTS = ("password", "passwd", "credential", "creds")
"""What a sentence of the handler (an error message, a log line) must name to say it checks credentials: "Invalid
password" does, while privacyIDEA's "Invalid tokentype provided" of its token-type dispatcher ``/ttype/<ttype>``
only says it validates a path word; ``valid``, ``verify`` or ``form`` are evidence in a name, not in prose."""


_ACCOUNT_PARTS = ("password", "passwd", "mail", "regist", "captcha", "credential", "username", "account", "invit",
                  "otp", "token", "activation", "confirm", "verif", "create_user", "createuser", "user_create",
                  "usercreation", "new_user", "newuser", "userform", "user_form", "login", "signin")
"""Parts of the names a sign-up handler works with: the password or e-mail of the account it creates, the
registration form, a CAPTCHA or invitation, the confirmation mail or code it sends. Not any ``code``: RapidPro's
Android relayer registers a device and is handed a channel's ``claim_code``, no account, password or address."""


def _acts_on_an_account(ctx: FileContext, handler: Handler) -> bool:
    """What a "sign-up" endpoint does, read from the code, not its name: it creates an account, takes a password or
    an address to mail, or hands out a code or token (words of its body, its decorators and its class's other
    methods; not its own route path, the name the rule already read). ephios' ``SignupView.post`` signs a known
    participant up for a shift: nothing of the kind, no secret to guess and no mail to an address the caller
    picks."""
    names = {word for word in handler_body(ctx, handler).words if not word.startswith("/")}  # (not its route)
    names |= {name.lower() for name in decorator_names(ctx, handler.function)}
    if handler.class_ is not None:
        names |= {name.lower() for name in mentioned_names(ctx, handler.class_)}
        names |= {name.lower() for name in _base_names(ctx, handler.class_)}
    return any(part in name for name in names for part in _ACCOUNT_PARTS)


def _registers_another_object(ctx: FileContext, handler: Handler) -> bool:
    """A "register" handler whose registering is a call that names what it registers, not an account
    (``registerfacility(request.data.get("token"), facility)``, ``register_device(...)``), and that itself creates,
    mails or queues nothing: Kolibri's ``register`` registers a facility with a remote data portal using a project
    token the portal checks; no local account is made."""
    if handler_effects(ctx, handler.function).harmful:
        return False  # (it creates a row or sends mail itself: judged as a sign-up by its other words)
    for call in own_nodes(handler.function):
        written = (callee_name(call) or "") if isinstance(call, ast.Call) else ""
        name = written.lower()  # (a class, ``RegisterForm(request.POST)``, is the sign-up's own form: not counted)
        if name.startswith("register") and not name.startswith("registration") and not written[:1].isupper():
            registered = name[len("register"):].strip("_")
            if registered and registered not in REGISTER_OBJECTS:
                return True
    return False


_PERMISSION_WORDS = frozenset({"permission", "permissions", "access", "authorized", "authorize", "allowed", "rbac"})


def _permission_gated(handler: Handler) -> bool:
    """The handler first asks whether the caller holds a permission and answers 403 otherwise
    (``has_permission = await check_action_access(user_uid=..., permission=Permission.RESET_PASSWORD)`` then
    ``if not has_permission: return JSONResponse(..., status_code=403)``, agenta's admin reset of another user's
    password): only a known, signed-in caller with that right gets further, so nothing is guessed or sprayed."""
    checked: set[str] = set()
    for statement in handler.function.body[:6]:
        value = statement.value if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.Expr)) else None
        if isinstance(value, ast.Await):
            value = value.value
        if isinstance(value, ast.Call) and isinstance(statement, (ast.Assign, ast.AnnAssign)) \
                and _names_permission(value):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            checked |= {target.id for target in targets if isinstance(target, ast.Name)}
        if isinstance(statement, ast.If) and _refuses(statement.body) and (
                any(isinstance(node, ast.Name) and node.id in checked for node in ast.walk(statement.test))
                or any(isinstance(node, ast.Call) and _names_permission(node) for node in ast.walk(statement.test))):
            return True
    return False


def _names_permission(call: ast.Call) -> bool:
    """A call that asks about the signed-in caller's rights: named for a permission or access, or given a
    ``permission=``, and handed the caller (``request.state.user_id``, ``current_user``, ``request.user``); a
    check of the new account's own e-mail domain (alerta's ``not_authorized("ALLOWED_EMAIL_DOMAINS",
    groups=[user.domain])`` in its sign-up) is not about the caller and does not count."""
    words = set(split_identifier(dotted_name(call.func) or ""))
    named = bool(words & _PERMISSION_WORDS) or any(
        keyword.arg in ("permission", "permissions") for keyword in call.keywords)
    return named and any(_the_caller(argument) for argument in
                         [*call.args, *(keyword.value for keyword in call.keywords)])


_CALLER_HOLDERS = ("request", "current", "state", "session", "g.")


def _the_caller(expr: ast.expr) -> bool:
    """``request.state.user_id``, ``current_user``, ``request.user.id``, ``g.user``: the signed-in caller."""
    for node in ast.walk(expr):
        text = dotted_name(node) if isinstance(node, (ast.Attribute, ast.Name)) else None
        if text and "user" in text.lower() and (text.startswith(_CALLER_HOLDERS) or "current_user" in text):
            return True
    return False


def _refuses(body: list[ast.stmt]) -> bool:
    """The block answers 403: ``status_code=403``, ``HTTP_403_FORBIDDEN``, ``raise PermissionDenied``."""
    for node in ast.walk(ast.Module(body=body, type_ignores=[])):
        if isinstance(node, ast.Constant) and node.value == 403:
            return True
        name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""
        if "403" in name or "Forbidden" in name or "PermissionDenied" in name:
            return True
    return False


_CLIENT_SECRET_SOURCES = ("request", "form", "json", "body", "data", "payload")


def _secret_from_client(ctx: FileContext, handler: Handler) -> bool:
    """The code is verified against a secret the client itself posts (``otp_secret = request.form["otp_secret"]``
    then ``two_factor.TOTP(otp_secret).verify(token)``, SecureDrop's check of a newly set-up authenticator): the
    caller holds both halves, so there is nothing of the server's to guess."""
    function = handler.function
    from_request: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            read = {part.id for part in ast.walk(node.value) if isinstance(part, ast.Name)}
            if read & set(handler.request_names) or "request" in read:
                from_request.add(node.targets[0].id)
    for node in ast.walk(function):
        called = (dotted_name(node.func) or "").rpartition(".")[2].upper() if isinstance(node, ast.Call) else ""
        if isinstance(node, ast.Call) and called in ("TOTP", "HOTP"):
            first = node.args[0] if node.args else None
            names = {part.id for part in ast.walk(first) if isinstance(part, ast.Name)} if first is not None else set()
            if names & (from_request | set(handler.request_names) | {"request"}):
                return True
    return False


_CODE_NAMES = frozenset({"code", "otp", "totp", "hotp", "passcode", "pin"})
_CODE_OWNERS = ("otp", "mfa", "totp", "recovery", "verification", "auth", "security", "backup", "one_time")


def _takes_code(ctx: FileContext, handler: Handler) -> bool:
    """A one-time-code endpoint that takes the code (``form_data.code``, ``request.json["otp"]``,
    ``pyotp.TOTP(...)``, ``recovery_code``): one that only hands out the pending challenge has nothing to
    guess (``get_mfa_challenge`` reading the challenge from its cookie)."""
    return any(
        word in _CODE_NAMES or (word.endswith("code") and word.startswith(_CODE_OWNERS))
        for word in handler_body(ctx, handler).words
    )


def _provider_token_endpoint(ctx: FileContext, handler: Handler) -> bool:
    """The token endpoint of the application's own OAuth/OpenID provider: it trades an ``authorization_code`` the
    provider issued (with its ``redirect_uri``) for a token and takes no password; nothing there is guessable. An
    OAuth token request says which grant it is (``grant_type``): OpenReplay's SCIM token endpoint reads it and
    trades a code or refresh token with a generated client secret; a ``password`` grant names a password."""
    words = handler_body(ctx, handler).words
    return bool({"authorization_code", "grant_type"} & words) and "password" not in words \
        and "username" not in words


def _helper_of_another_view(ctx: FileContext, handler: Handler) -> bool:
    """A Django function "view" that another function of the module calls with its request
    (``return reset_password_set(request)``): a step of that view, which the URL conf routes, not an endpoint."""
    if handler.framework != DJANGO or handler.class_ is not None or handler.paths:
        return False
    name = handler.function.name
    return any(
        not ctx.source[max(0, match.start() - 4):match.start()].endswith("def ")
        for match in re.finditer(rf"(?<![\w.]){re.escape(name)}\(\s*request\b", ctx.source)
    )


def _unrouted_candidate(ctx: FileContext, handler: Handler) -> bool:
    """A Django function view whose route the file does not give and whose own module never names it: only the
    URL confs can route it, and the project model says whether they do (:func:`unrouted_view`)."""
    if handler.framework != DJANGO or handler.class_ is not None or handler.paths:
        return False
    loose = enclosing_loose_def(ctx, handler.function.lineno)
    return loose is not None and loose.name == handler.function.name


_MAX_HELPERS = 32


def _project_helpers(ctx: FileContext, handler: Handler) -> list[str]:
    """The project's own functions and classes the handler (or its class) names through an import
    (``LoginForm`` from ``pretix.base.forms.auth``) or calls (``authenticator.ckan_authenticator(identity)``): a
    limit or CAPTCHA in one of them, or in what they call (:func:`limits_attempts`), covers it."""
    package = ctx.module.partition(".")[0]
    if not package:
        return []
    names = set(mentioned_names(ctx, handler.function))
    if handler.class_ is not None:
        names |= mentioned_names(ctx, handler.class_)
    found = {name for name in handler_effects(ctx, handler.function).outside if name.partition(".")[0] == package}
    for name in names:
        if name in ctx.imports.names:
            qualified = imported_qualified_name(ctx, name)
            if qualified is not None and qualified.partition(".")[0] == package:
                found.add(qualified)
    found |= _module_attributes(ctx, handler, package)
    found |= _service_methods(ctx, handler, package)
    return sorted(found)[:_MAX_HELPERS]


def _service_methods(ctx: FileContext, handler: Handler, package: str) -> set[str]:
    """The methods the handler calls on a parameter typed with a class of the project (``user_service:
    FromDishka[UserService]`` then ``user_service.finalize_password_reset(...)``, ``service: AuthService =
    Depends()``): the injected service does the handler's work, and a limit there (``self.check_rate_limit(...)``)
    limits the endpoint. ``UserService.finalize_password_reset`` is asked for, not the whole class."""
    typed: dict[str, str] = {}
    arguments = handler.function.args
    for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
        if arg.annotation is None:
            continue
        for node in ast.walk(arg.annotation):
            written = dotted_name(node) if isinstance(node, (ast.Name, ast.Attribute)) else None
            if written and written.rpartition(".")[2][:1].isupper():
                qualified = imported_qualified_name(ctx, written)
                if qualified is not None and qualified.partition(".")[0] == package:
                    typed[arg.arg] = qualified
    found: set[str] = set()
    for node in ast.walk(handler.function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Name) and node.func.value.id in typed:
            found.add(f"{typed[node.func.value.id]}.{node.func.attr}")
    return found


def _module_attributes(ctx: FileContext, handler: Handler, package: str) -> set[str]:
    """What the handler (or its class) reads from a project module it imports whole: ``forms.SignupForm(request)``
    and ``form_class = forms.RegistrationForm`` after ``from hc.accounts import forms`` give
    ``hc.accounts.forms.SignupForm`` and ``...RegistrationForm`` (a name the model does not define is no help)."""
    owners = [handler.function] if handler.class_ is None else [handler.function, handler.class_]
    found: set[str] = set()
    for owner in owners:
        for name, attributes in attributes_read(ctx, owner).items():
            if "." in name or name not in ctx.imports.names:
                continue
            qualified = imported_qualified_name(ctx, name)
            if qualified is not None and qualified.partition(".")[0] == package:
                found.update(f"{qualified}.{attribute}" for attribute in attributes)
    return found


def _texts(handler: Handler) -> list[str]:
    """The handler's name and class name, and its full paths (a method named ``post`` says nothing)."""
    texts = [handler.function.name] if handler.function.name not in ("post", "create", "put") else []
    if handler.class_ is not None:
        texts.append(handler.class_.name)
    return [*texts, *handler.paths]


class AuthEndpointWithoutRateLimit(Rule):
    code = "BE307"
    name = "auth-endpoint-without-rate-limit"
    message = "`{handler}` is a {kind} endpoint with no rate limit; limit attempts per client and per account"
    triggers = FRAMEWORK_MODULES
    needs = (
        handler_for, handler_body, module_roles, mentioned_names, attributes_read, decorator_names, app_rate_limits,
        litestar_limit_configs,
        cli_module, rate_limited_app, limited_blueprints, limited_app, limits_attempts, locks_out, development_only,
        bindings_of,
        signs_in, handler_effects, unrouted_view,
    )
    module_facts = (test_support, cli_module_fact)
    options = (
        Option(
            "limiters",
            list,
            [],
            "names of the project's own rate-limit decorators, dependencies or helpers (e.g. 'guard_attempts'); "
            "names with limit, limiter, ratelimit, throttle or attempts in them are recognised already",
        ),
    )

    @visits(ast.FunctionDef, ast.AsyncFunctionDef)
    def check_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> None:
        handler = handler_for(ctx, node, "POST")
        if handler is None or ctx.is_test_file:
            return
        roles = module_roles(ctx)
        if roles.for_tests or roles.example or cli_module(ctx):
            return
        kind = auth_kind(_texts(handler))
        if kind is None or stub_body(node):  # a stub only an OpenAPI spec is written from: it signs nobody in
            return
        if _PROVIDER_FOLDERS.intersection(ctx.role_path.split("/")[:-1]):
            return
        family = FAMILIES.get(handler.framework)
        limiters = frozenset(self.option("limiters")) | litestar_limit_configs(ctx)  # ``middleware=[guard.middleware]``
        if limits_itself(ctx, node, handler.class_, limiters) or _module_limits(ctx):
            return
        if _signed_in(ctx, handler) or _router_factory(ctx, handler) or _helper_of_another_view(ctx, handler):
            return
        if _limiting_route_class(ctx, handler) or _decorated_here(ctx, handler):
            return
        if kind == "password-reset" and consumes_reset_link(ctx, handler):
            return
        if kind == "token" and _provider_token_endpoint(ctx, handler):
            return
        if limited_blueprint(ctx, handler):
            return
        if _permission_gated(handler):
            return  # the caller must hold a permission (403 otherwise): a signed-in administrator's action
        if kind == "one-time-code" and _secret_from_client(ctx, handler):
            return  # the code is checked against a secret the client posts itself: nothing to guess
        if kind == "sign-up" and not _acts_on_an_account(ctx, handler):
            return  # "signup" for something that is not an account (a shift): the word is not the concept
        if kind == "sign-up" and _registers_another_object(ctx, handler):
            return  # it registers something else (a facility with a remote portal): no account is made here
        if kind in ("login", "token") and not _takes_credentials(ctx, handler):
            return
        if kind == "one-time-code" and not _takes_code(ctx, handler):
            return
        if family is not None and family in app_wide_families(app_rate_limits(ctx)):
            return
        unless: tuple[ProjectFact, ...] = (rate_limited_app(family),) if family is not None else ()
        helpers = _project_helpers(ctx, handler)
        unless = (*unless, *(limits_attempts(helper) for helper in helpers))
        if kind in ("login", "token", "one-time-code"):  # an account lockout limits guessing, not reset mails
            unless = (*unless, *(locks_out(helper) for helper in helpers))
        owners = route_owners(handler, ctx.module) or set()
        if len(owners) == 1:  # a blueprint the application factory limits whole
            unless += (limited_app(next(iter(owners))),)
        for decorator in project_decorators(ctx, handler):  # the project's own decorator limits or signs in
            unless = (*unless, limits_attempts(decorator), signs_in(decorator))
        if ctx.module:  # the login route of an auth manager documented as development-only
            unless += (development_only(ctx.module),)
        if ctx.module and _unrouted_candidate(ctx, handler):  # a function view the URL confs replaced
            unless += (unrouted_view(f"{ctx.module}.{node.name}"),)
        name = f"{handler.class_.name}.{node.name}" if handler.class_ is not None else node.name
        self.report(ctx, node, unless=unless, handler=name, kind=kind)
