"""Whether a value called just a *token* is shown to be a credential, by where it comes from and what it is used for.

"Token" is the most overloaded word of a code base: a lexer's token, a search marker put into test data, an APNs
device token, a media's public URL handle, a pagination cursor, a template's ``@{{...}}`` reference, a lock's
ownership value. Four rounds of judged findings on applications never seen before found no credential among the
values BE405 reported only because their name was ``token`` (or ``x.token``, ``ent["token"]``,
``expected_token``); every true finding was a value whose origin or use showed the credential: a key the code had
just reset, a header the client sent, a variable read from the environment. So a value whose name has the bare
word *token* as its head is a credential only when the code shows it (:func:`credential_token`):

* its name says which credential it is: ``access_token``, ``refresh_token``, ``id_token``, ``bearer_token``,
  ``api_token``, ``reset_token``, ``invite_token``, ``bot_token`` (:data:`CREDENTIAL_KINDS`);
* it is read from the request (a header, a cookie, a form field: what the client authenticates with);
* it is read from a setting or an environment variable whose name is a secret's (``settings.SLACK_TOKEN``,
  ``os.environ.get("GITHUB_TOKEN")``, ``token or get_env("AWS_SESSION_TOKEN")``);
* it is a record of Django REST framework's ``Token`` model (``Token.objects.get_or_create(user=user)``);
* it was made by a call that makes credentials (``create_access_token(user)``, ``user.reset_token()``,
  ``secrets.token_urlsafe()``, ``jwt.encode(...)``, ``oauth.fetch_token(...)``), or it is the ``.token`` of an
  object whose token the same function just made (``org.reset_token()`` then ``org.token``);
* it is a parameter of a function named for a credential's purpose (``on_after_forgot_password(user, token)``,
  ``verify_email(token)``, ``get_user_id_from_auth_token(token)``);
* the same function uses it as a credential: in an ``Authorization`` header or a ``"Bearer ..."`` string, tested
  for a ``Bearer`` prefix, passed as ``authorization=``/``api_key=``/``token=`` to another call (not a log call),
  or handed to a call that authenticates, verifies or decodes it.

Anything else called *token* is left alone: a parameter of unknown purpose, an attribute of an unknown object, an
element of a dict of test data. The price is a miss where a credential's name and uses say nothing (a bot client's
``client.token`` logged alone); the rule's page says so.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import own_nodes
from backend_lint.analysis.bindings import Bindings, bindings_of
from backend_lint.analysis.facts import reads
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.request_reads import read_from_request
from backend_lint.analysis.secret_names import is_secret_name, split_identifier, unqualified_words

if TYPE_CHECKING:
    from backend_lint.context import FileContext

CREDENTIAL_KINDS = frozenset(
    {"access", "refresh", "id", "auth", "authentication", "authorization", "bearer", "api", "oauth", "oauth2",
     "reset", "invite", "invitation", "verification", "activation", "confirmation", "confirm", "magic", "login",
     "sso", "jwt", "csrf", "xsrf", "personal", "bot", "secret", "private", "admin", "user", "service",
     "webhook", "integration", "registration", "runner", "deploy", "github", "gitlab", "slack", "card",
     "payment"}
)
"""Words before ``token`` that say which credential it is (``access_token``, ``bot_token``, ``github_token``)."""
CREDENTIAL_KEY_KINDS = frozenset(
    {"api", "apikey", "secret", "private", "signing", "sign", "encryption", "encrypt", "decryption", "fernet", "hmac",
     "jwt", "access", "auth", "client", "master", "cipher", "aes", "crypto", "app", "stripe", "openai", "aws"}
)
"""Words before ``key`` that say it is a credential (``api_key``, ``secret_key``, ``secret_access_key``)."""
_MAKER_WORDS = frozenset(
    {"create", "generate", "make", "issue", "new", "reset", "regenerate", "rotate", "refresh", "obtain", "fetch",
     "encode", "sign", "mint", "grant", "login", "exchange"}
)
_CREDENTIAL_WORDS = frozenset({"token", "tokens", "secret", "key", "password", "credential", "credentials", "jwt",
                               "otp", "apikey"})
_MAKER_ORIGINS = ("secrets.token_", "jwt.encode", "jose.jwt.encode", "signing.dumps")
_PURPOSE_WORDS = frozenset(
    {"password", "passwd", "reset", "forgot", "verify", "verification", "invite", "invitation", "activate",
     "activation", "confirm", "confirmation", "login", "signin", "auth", "authenticate", "authentication",
     "credential", "credentials"}
)
"""Words of a function's name that say its ``token`` parameter is a credential (``on_after_forgot_password``)."""
_SETTING_ROOTS = frozenset({"settings", "config", "conf", "environ", "env", "app_config", "cfg"})
_ENV_READERS = frozenset({"getenv", "get_env", "env", "environ", "get_secret", "getsecret"})
_CREDENTIAL_KEYWORDS = frozenset({"authorization", "auth", "api_key", "apikey", "access_token", "password",
                                  "credentials", "bearer", "x_api_key"})
_AUTH_HEADERS = ("authorization", "api-key", "apikey", "auth-token", "access-token", "private-token")
_SCHEMES = ("bearer ", "token ", "basic ", "jwt ")
_CHECKING_WORDS = frozenset({"verify", "validate", "check"})
_CHECKED_WORDS = frozenset({"token", "jwt", "signature", "credential", "credentials", "auth", "key"})
_AUTHENTICATING_WORDS = frozenset({"authenticate", "login", "decode", "unsign"})
_LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log",
                          "msg", "bind", "new", "trace", "success"})
_HELD = frozenset({"key", "value"})
_TOKEN_MODELS = frozenset({"rest_framework.authtoken.models.Token"})
"""Models whose records are API tokens: Django REST framework's ``Token``, whose ``key`` is the token itself."""


def bare_token(name: str) -> bool:
    """``token``, ``ent["token"]``, ``expected_token``, ``title_with_token``: the head word is *token* and no word
    before it says which credential it is. A *key* whose modifier says no more than where it belongs
    (``webhook_key``, ``license_key``, ``master_key``: an address, a product key, a row) is read the same way;
    ``api_key``, ``secret_key``, ``private_key``, ``signing_key`` name the credential."""
    words = unqualified_words(name.rstrip("="))
    if not words or words[-1] not in ("token", "key"):
        return False
    if words[-1] == "key":
        return len(words) > 1 and words[-2] not in CREDENTIAL_KEY_KINDS
    return not (set(words[:-1]) & CREDENTIAL_KINDS)


@reads(bindings_of, read_from_request)
def credential_token(value: ast.expr, ctx: FileContext) -> bool:
    """Whether ``value`` (named with the bare word *token*) is shown to be a credential (see the module docstring)."""
    if isinstance(value, ast.Attribute) and value.attr in _HELD:
        value = value.value  # ``token.key``: the key of a token object is the token
    function = ctx.scope.function
    if isinstance(value, ast.Name) and isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) \
            and _signed_message(value.id, function, ctx):
        return False  # a webhook's nonce, signed with the key: the signature authenticates, the nonce is public
    if read_from_request(value, ctx) or _secret_setting(value):
        return True
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    if isinstance(value, ast.Attribute):
        return _made_on(value, function)
    if not isinstance(value, ast.Name):
        return False
    bindings = bindings_of(ctx, function)
    if value.id in bindings.params and set(split_identifier(function.name)) & _PURPOSE_WORDS:
        return True
    for held in bindings.assigned.get(value.id, []):
        if held is not None and (
            _makes_credential(held) or _secret_setting(held) or read_from_request(held, ctx)
            or _matched_in_request(held, bindings, ctx)
        ):
            return True
    return _token_record(value.id, function, ctx) or _used_as_credential(value.id, function)


_HMAC_CALLS = frozenset({"hmac.new", "hmac.HMAC", "hmac.digest"})


def _signed_message(name: str, function: ast.AST, ctx: FileContext) -> bool:
    """The function hands ``name`` to an HMAC as (part of) the message it signs (``hmac.new(key=KEY, msg=f"{timestamp}
    {token}", ...)``, Mailgun's webhook check of its ``timestamp``/``token``/``signature`` fields): the token is a
    nonce that travels in clear beside its signature; the key signing it is the credential."""
    for node in own_nodes(function):
        if not (isinstance(node, ast.Call) and ctx.imports.resolve(node.func) in _HMAC_CALLS):
            continue
        message = next((keyword.value for keyword in node.keywords if keyword.arg == "msg"),
                       node.args[1] if len(node.args) > 1 else None)
        if message is not None and any(isinstance(part, ast.Name) and part.id == name for part in ast.walk(message)):
            return True
    return False


def _token_record(name: str, function: ast.AST, ctx: FileContext) -> bool:
    """``token, _ = Token.objects.get_or_create(user=user)``: a record of an authentication-token model
    (:data:`_TOKEN_MODELS`), whose ``key`` is the credential its user signs in with."""
    for node in own_nodes(function):
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
            continue
        targets = [element for target in node.targets
                   for element in (target.elts[:1] if isinstance(target, ast.Tuple) else [target])]
        if any(isinstance(target, ast.Name) and target.id == name for target in targets):
            model: ast.expr = node.value.func
            while isinstance(model, ast.Attribute) and model.attr != "objects":
                model = model.value
            if isinstance(model, ast.Attribute) and ctx.imports.resolve(model.value) in _TOKEN_MODELS:
                return True
    return False


def _matched_in_request(value: ast.expr, bindings: Bindings, ctx: FileContext) -> bool:
    """``found.group(1)`` with ``found = re.search(pattern, request.headers["Cookie"])``: a piece the code cut out
    of the request's own text (a cookie, a header)."""
    while isinstance(value, (ast.Call, ast.Subscript, ast.Attribute)):
        value = value.func if isinstance(value, ast.Call) else value.value
    if not isinstance(value, ast.Name):
        return False
    made = bindings.single_value(value.id)
    return isinstance(made, ast.Call) and any(read_from_request(arg, ctx) for arg in made.args)


def _makes_credential(value: ast.expr) -> bool:
    """A call that makes a credential, also as one side of ``x or make()``."""
    if isinstance(value, ast.BoolOp):
        return any(_makes_credential(part) for part in value.values)
    if isinstance(value, ast.Await):
        value = value.value
    if not isinstance(value, ast.Call):
        return False
    written = dotted_name(value.func) or ""
    if written.startswith(_MAKER_ORIGINS) or written.endswith(_MAKER_ORIGINS):
        return True
    words = set(split_identifier(written.rpartition(".")[2]))
    return bool(words & _MAKER_WORDS) and bool(words & _CREDENTIAL_WORDS)


def _secret_setting(value: ast.expr) -> bool:
    """``settings.SLACK_TOKEN``, ``os.environ["GITHUB_TOKEN"]``, ``os.getenv("API_TOKEN")``, ``config.get(
    "bot_token")``, also as one side of ``x or get_env("AWS_SESSION_TOKEN")``: a secret the operator configured."""
    if isinstance(value, ast.BoolOp):
        return any(_secret_setting(part) for part in value.values)
    if isinstance(value, ast.Attribute):
        root = dotted_name(value.value) or ""
        return is_secret_name(value.attr) and bool(set(root.lower().split(".")) & _SETTING_ROOTS)
    key: Optional[ast.expr] = None
    if isinstance(value, ast.Subscript):
        root = dotted_name(value.value) or ""
        key = value.slice if set(root.lower().split(".")) & _SETTING_ROOTS else None
    elif isinstance(value, ast.Call) and value.args:
        written = (dotted_name(value.func) or "").lower().split(".")
        reader = written[-1] in _ENV_READERS or (written[-1] == "get" and bool(set(written[:-1]) & _SETTING_ROOTS))
        key = value.args[0] if reader else None
    return isinstance(key, ast.Constant) and isinstance(key.value, str) and is_secret_name(key.value)


def _made_on(value: ast.Attribute, function: ast.AST) -> bool:
    """``org.token`` after ``org.reset_token()`` in the same function: the object's token was just made."""
    base = dotted_name(value.value)
    if base is None:
        return False
    for node in own_nodes(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                dotted_name(node.func.value) == base and _makes_credential(node):
            return True
    return False


def _mentions(expr: ast.AST, name: str) -> bool:
    return any(isinstance(node, ast.Name) and node.id == name for node in ast.walk(expr))


def _used_as_credential(name: str, function: ast.AST) -> bool:
    """The function puts ``name`` where a credential goes (see the module docstring); what its log calls are
    given does not count (``f"reset token {token}"`` in a message is what the rule judges)."""
    logged = {
        id(inner) for node in own_nodes(function) if isinstance(node, ast.Call) and _log_call(node)
        for inner in ast.walk(node)
    }
    for node in own_nodes(function):
        if id(node) in logged:
            continue
        if isinstance(node, ast.Call):
            if _credential_call(node, name):
                return True
        elif isinstance(node, ast.JoinedStr):
            texts = [part.value.lower() for part in node.values if isinstance(part, ast.Constant)
                     and isinstance(part.value, str)]
            if any(text.endswith(_SCHEMES) for text in texts) and _mentions(node, name):
                return True
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left = node.left
            if isinstance(left, ast.Constant) and isinstance(left.value, str) and \
                    left.value.lower().endswith(_SCHEMES) and _mentions(node.right, name):
                return True
        elif isinstance(node, ast.Dict):
            for key, item in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and isinstance(key.value, str) and \
                        key.value.lower().endswith(_AUTH_HEADERS) and _mentions(item, name):
                    return True
    return False


def _method(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _log_call(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Attribute) and call.func.attr in _LOG_METHODS


def _credential_call(call: ast.Call, name: str) -> bool:
    func = call.func
    method = _method(call)
    if method == "startswith" and isinstance(func, ast.Attribute) and _mentions(func.value, name) and call.args \
            and isinstance(call.args[0], ast.Constant) and str(call.args[0].value).lower().startswith(_SCHEMES):
        return True  # ``token.startswith("Bearer ")``
    if any(keyword.arg is not None and keyword.arg.lower() in _CREDENTIAL_KEYWORDS and _mentions(keyword.value, name)
           for keyword in call.keywords):
        return True
    words = set(split_identifier(method))
    checks = bool(words & _AUTHENTICATING_WORDS) or (bool(words & _CHECKING_WORDS) and bool(words & _CHECKED_WORDS))
    return checks and any(_mentions(arg, name) for arg in call.args)
