"""BE405 secret-in-log: a logging call passes a value named like a secret (password, token, API key...).

Logs are copied to aggregators, shipped to vendors, kept for months and read by far more people than the
database; a password or bearer token written there is a leaked credential. The rule looks at what a
logging call *logs*: its arguments, keyword arguments (structlog's ``token=``), ``extra=`` mappings and the
interpolated parts of an eager message (f-string, ``.format()``, ``%``, ``+``), and flags a value whose
name (variable, attribute, dict key, ``.get("...")`` key, keyword) reads as a secret.

Names are judged by :mod:`backend_lint.analysis.secret_names` (the head word decides: ``token_type``,
``token_url`` and ``password_reset_url`` are not secrets, ``refresh_token`` is). The message text itself is
never checked: ``logger.info("token refreshed for %s", user.id)`` is fine. A value that went through a
function (``mask(token)``, ``len(password)``, ``token[:6]``, ``bool(api_key)``) or is a literal is left
alone: that is what masking looks like. So is a secret a CLI command also shows on the terminal (the key it
just created, in a rich panel and, as the console's fallback, in log lines): the operator asked to see it
(:mod:`backend_lint.analysis.shown_secrets`). A token of a lexer or parser library (a lark ``Token``, a
``tokenize`` token) is a piece of the parsed text, not a credential (:mod:`backend_lint.analysis.lexer_tokens`),
and so is a piece the code cut out of a text that is no secret itself (a split, a regex match, its own
tokenizer: :mod:`backend_lint.analysis.parsed_text`).
Nor is a value from the request's URL path, already in every access log (:mod:`backend_lint.analysis.url_values`),
or a field the project writes into its objects' canonical URLs (``get_absolute_url``, a DRF ``lookup_field``):
their public address (:mod:`backend_lint.analysis.url_addresses`, asked of the project model).
Migration code (a migration module, a ``RunPython`` function) and a developer's command line tool in a scripts
folder are left alone too: the operator who runs them holds the secrets already, and reads their log at the terminal.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any, Optional

from backend_lint.analysis.ast_helpers import concatenated_parts, own_nodes, under_if
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.credential_tokens import bare_token, credential_token
from backend_lint.analysis.hand_run_scripts import SCRIPT_PATHS, hand_run_script
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.lexer_tokens import lexer_token
from backend_lint.analysis.log_delivery import delivers_by_logging
from backend_lint.analysis.loggers import (
    GENERIC,
    LEVEL_METHODS,
    LOGURU,
    ROOT,
    STDLIB,
    STRUCTLOG,
    logger_kind,
    logging_call_kind,
    message_argument,
)
from backend_lint.analysis.mentions import attributes_read, path_arguments
from backend_lint.analysis.module_roles import in_migration, module_roles
from backend_lint.analysis.parsed_text import parsed_piece
from backend_lint.analysis.project.conditions import url_address
from backend_lint.analysis.refused_secrets import refused_lookup
from backend_lint.analysis.request_reads import REQUEST_NAMES, REQUEST_PARTS, read_from_request
from backend_lint.analysis.resolve import lookup
from backend_lint.analysis.scopes import Scope
from backend_lint.analysis.secret_names import name_of, secret_word, split_identifier, unqualified_words
from backend_lint.analysis.shown_secrets import shown_to_operator
from backend_lint.analysis.url_values import from_url_path
from backend_lint.analysis.values import origin
from backend_lint.context import FileContext
from backend_lint.rule import Option, Rule, visits

_DEFAULT_NAMES = [
    "password", "passwd", "secret", "token", "api_key", "apikey", "authorization", "card_number", "cvv",
    "private_key", "session_id",
]
_CONTEXT_METHODS = frozenset({"bind", "new"})  # structlog/loguru: values bound into every later record
_CONTEXT_FUNCTIONS = frozenset({"structlog.contextvars.bind_contextvars", "structlog.threadlocal.bind_threadlocal"})
_CONTEXT_FUNCTION_NAMES = frozenset(name.rpartition(".")[2] for name in _CONTEXT_FUNCTIONS)
_LOGGING_OPTIONS = frozenset({"exc_info", "stack_info", "stacklevel"})
_KEY_READERS = frozenset({"get", "getenv", "pop", "getlist"})
_TRANSPARENT_CALLS = frozenset({"str", "repr"})
_METADATA_WORDS = frozenset(
    {"id", "ids", "type", "kind", "url", "uri", "name", "length", "len", "count", "expiry", "expires", "at",
     "expiration", "prefix", "suffix", "hint", "scope", "scopes", "status", "source", "provider", "version",
     "algorithm", "alg", "exp", "iat", "ttl", "age", "valid", "present", "set", "masked", "redacted"}
)
"""Last words of a value's own name that make it data about a secret rather than the secret itself."""
_SETTING_NAME = lazy_compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
"""A string constant that names a setting or an environment variable (``OPT_API_KEY = "LEUVEN_DUTCH_API_KEY"``):
logging it tells the operator which variable to set, not its value."""
_SESSION_METHODS = frozenset({"delete", "add", "merge", "refresh", "expunge"})
_ROW_LOOKUPS = frozenset({"find", "find_one", "get", "first", "one", "one_or_none", "get_or_none", "get_by_id",
                          "filter_by", "get_object_or_404"})
_HANDLE_TOKEN_WORDS = frozenset({"reservation", "lease", "fencing", "correlation", "trace", "delta", "etag",
                                 "starting", "acquire"})
"""Words before ``token`` that make it a handle to a reservation or a position, not a credential
(``reservation_token``, ``acquire_token``), on top of :mod:`.secret_names`' own exceptions."""
_IDENTIFIER_FACTORIES = ("uuid.uuid1()", "uuid.uuid4()", "uuid.uuid7()", "uuid.UUID()")
_IDENTIFIER_SPELLINGS = frozenset({"hex", "upper", "lower", "replace", "strip", "urn", "int"})
"""Attributes and methods that spell a uuid another way (``uuid4().hex``, ``str(u).replace("-", "")``)."""
_IDENTIFIER_STEPS = 3
_DECODED_CLAIMS = lazy_compile(
    r"(?:^|\.)(?:jwt|jws|jose)\.(?:decode|decode_complete|get_unverified_claims|get_unverified_header)\(\)"
    r"|^flask_jwt_extended\.decode_token\(\)|^jwt\.PyJWT\(\)\.decode\(\)"
)
"""Origins of a decoded JWT's claims (``jwt.decode(...)``, ``jose.jwt.get_unverified_claims(...)``, a project
function returning one): a dict of ``sub``, ``exp``, ``jti``..., not the signed token string."""
_WHOLE_REQUEST = "<request>"  # the name of a whole ``request.headers``-like mapping: credentials whatever its name
_SETUP_WORDS = frozenset({"install", "setup", "bootstrap", "onboarding"})
"""A token named for installing or setting up (``first_install_token``) is a one-time code printed for the operator
to type in: published by design."""
_AUTHORIZATION = "authorization"
_HELD_VALUE = frozenset({"key", "value"})
_SECRET_HOLDERS = frozenset({"token", "secret", "password", "credential", "apikey"})
"""``token.key``, ``secret.value``: the attribute of a secret-named object that holds the secret itself."""
_LOGGED_SECRETS = frozenset({"credential", "credentials", "password", "passwords", "secret", "secrets", "token",
                             "tokens"})


class SecretMatcher:
    """Secret-looking names for one option value: head words via ``secret_names``, compounds by their tail."""

    def __init__(self, names: list[str]) -> None:
        words = [split_identifier(name) for name in names]
        self.single = frozenset(parts[0] for parts in words if len(parts) == 1)
        self.compounds = [tuple(parts) for parts in words if len(parts) > 1]
        self.heads = self.single | {compound[-1] for compound in self.compounds}
        self.joined = frozenset("".join(parts) for parts in words)

    def matches(self, identifier: str) -> bool:
        parts = split_identifier(identifier)
        if not parts:
            return False
        if "".join(parts) in self.joined:  # sessionid, cardNumber, APIKEY
            return True
        head = secret_word(identifier, self.heads)  # flags (is_/show_) and qualifiers (_hash) handled there
        if head is None:
            return False
        words = parts[: len(parts) - parts[::-1].index(head)]  # up to the head: qualifiers dropped
        if head == "token" and len(words) > 1 and words[-2] in _HANDLE_TOKEN_WORDS:
            return False
        if head in self.single:
            return True
        if head == "pass":  # db_pass: secret_names judged the modifier
            return bool({"password", "passwd"} & self.single)
        if head == "key" and any(compound[-1] == "key" for compound in self.compounds):
            return True  # api_key, secret_key, signing_key: secret_names judged the modifier
        return any(tuple(words[-len(compound):]) == compound for compound in self.compounds)


def _name_of(expr: ast.expr) -> Optional[str]:
    """The name a raw value is known by: ``password``, ``user.password``, ``data["password"]``,
    ``headers.get("Authorization")``, ``os.getenv("API_TOKEN")``; ``None`` for anything computed."""
    if isinstance(expr, ast.Attribute) and expr.attr in _HELD_VALUE and isinstance(expr.value, ast.Name):
        holder = name_of(expr.value)
        words = split_identifier(holder) if holder else []
        if words and words[-1] in _SECRET_HOLDERS:
            return holder  # token.key: a DRF Token's key is the token itself
    if isinstance(expr, (ast.Name, ast.Attribute, ast.Subscript)):
        return name_of(expr)
    if isinstance(expr, ast.Call) and expr.args and not expr.keywords:
        func = expr.func
        method = func.attr if isinstance(func, ast.Attribute) else None
        first = expr.args[0]
        if method in _KEY_READERS and isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
    return None


def _unwrap(expr: ast.expr) -> ast.expr:
    """``str(x)``/``repr(x)`` and a one-value f-string log ``x`` itself."""
    while True:
        if (
            isinstance(expr, ast.Call)
            and isinstance(expr.func, ast.Name)
            and expr.func.id in _TRANSPARENT_CALLS
            and len(expr.args) == 1
            and not expr.keywords
        ):
            expr = expr.args[0]
        elif isinstance(expr, ast.FormattedValue):
            expr = expr.value
        else:
            return expr


class SecretInLog(Rule):
    code = "BE405"
    name = "secret-in-log"
    message = "`{value}` is written to the log; leave secrets out of log calls or log a masked form"
    triggers = ("log", "LOG", "structlog")
    needs = (
        logger_kind, logging_call_kind, origin, bindings_of, path_arguments, attributes_read, lookup, refused_lookup,
        shown_to_operator, module_roles, in_migration, lexer_token, parsed_piece,
        from_url_path, url_address, credential_token, read_from_request, hand_run_script,
    )
    options = (
        Option(
            "secret-names",
            list,
            _DEFAULT_NAMES,
            "names whose values are secrets; a name matches when its last words are one of these "
            "(password matches db_password, card_number matches customer_card_number)",
        ),
    )

    def __init__(self, settings: Optional[dict[str, Any]] = None) -> None:
        super().__init__(settings)
        self.matcher = SecretMatcher(self.option("secret-names"))

    @visits(ast.Call)
    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        if not node.keywords and all(isinstance(arg, ast.Constant) for arg in node.args):
            return  # nothing but literals is logged
        func = node.func
        name = func.attr if type(func) is ast.Attribute else func.id if type(func) is ast.Name else ""
        if name in _CONTEXT_METHODS and type(func) is ast.Attribute:
            if logger_kind(func.value, ctx) not in (STRUCTLOG, LOGURU, GENERIC):
                return
            data_keywords, message = True, None
        elif name in _CONTEXT_FUNCTION_NAMES:
            if ctx.imports.resolve(func) not in _CONTEXT_FUNCTIONS:
                return
            data_keywords, message = True, None
        elif name in LEVEL_METHODS and type(func) is ast.Attribute:
            kind = logging_call_kind(node, ctx)
            if kind is None:
                return
            data_keywords = kind not in (STDLIB, ROOT)  # structlog, loguru, a project's logger: key-values
            message = message_argument(node)
        else:
            return
        seen: set[int] = set()
        for value, name in self._secrets_in_call(node, message, data_keywords):
            if id(value) in seen:
                continue
            seen.add(id(value))
            if name != _WHOLE_REQUEST and not _credential_value(value, name, ctx):
                continue
            if name == _WHOLE_REQUEST and _authorization_absent(node, ctx):
                continue
            if refused_lookup(node, value, ctx):
                continue  # the value was looked up and found unknown or expired: it grants nothing
            if shown_to_operator(node, value, ctx):
                continue  # a command shows the operator the value it made for them, on the terminal too
            if delivers_by_logging(node, ctx):
                return  # a console/mock delivery backend: writing the message out is its delivery
            if _logged_by_choice(node, ctx):
                return
            if in_migration(ctx):
                return  # a one-off data migration telling the operator running `migrate` what it rewrote
            if hand_run_script(ctx, SCRIPT_PATHS):
                return  # a developer's tool in a scripts folder: its log is the terminal of whoever started it
            address = _address_name(value)
            # a field the project writes into its objects' URLs (``friendly_token``): their public address
            self.report(ctx, value, value=_display(value, name, ctx), unless=(url_address(address),) if address else ())

    def _secrets_in_call(
        self, call: ast.Call, message: Optional[ast.expr], data_keywords: bool
    ) -> Iterator[tuple[ast.expr, str]]:
        for arg in call.args:
            if arg is message:
                yield from self._in_message(arg)
            elif not isinstance(arg, ast.Starred):
                yield from self._in_value(arg, None)
        for keyword in call.keywords:
            if keyword.arg is None:
                continue
            if keyword.arg == "extra":
                yield from self._in_value(keyword.value, None)
            elif data_keywords and keyword.arg not in _LOGGING_OPTIONS:
                yield from self._in_value(keyword.value, keyword.arg)

    def _in_message(self, message: ast.expr) -> Iterator[tuple[ast.expr, str]]:
        """Only the interpolated parts of a message: its literal text may mention secrets freely."""
        if isinstance(message, ast.JoinedStr):
            for part in message.values:
                if isinstance(part, ast.FormattedValue):
                    yield from self._in_value(part.value, None)
        elif isinstance(message, ast.BinOp) and isinstance(message.op, (ast.Mod, ast.Add)):
            if isinstance(message.op, ast.Add):
                yield from self._in_message(message.left)
            yield from (self._in_message(message.right) if isinstance(message.op, ast.Add)
                        else self._in_value(message.right, None))
        elif (
            isinstance(message, ast.Call)
            and isinstance(message.func, ast.Attribute)
            and message.func.attr == "format"
            and isinstance(message.func.value, (ast.Constant, ast.JoinedStr))
        ):
            for arg in message.args:
                yield from self._in_value(arg, None)
            for keyword in message.keywords:
                yield from self._in_value(keyword.value, keyword.arg)
        elif not isinstance(message, ast.Constant):
            yield from self._in_value(message, None)

    def _in_value(self, expr: ast.expr, label: Optional[str]) -> Iterator[tuple[ast.expr, str]]:
        """A logged value: a secret itself (by its own name or the ``label`` it is logged under), or a
        container (dict, list, tuple, f-string, ``dict(...)``) holding one."""
        raw = _unwrap(expr)
        if isinstance(raw, ast.Constant):
            return
        if isinstance(raw, ast.Dict):
            for key, value in zip(raw.keys, raw.values):
                name = key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None
                yield from self._in_value(value, name)
            return
        if isinstance(raw, (ast.List, ast.Tuple, ast.Set)):
            for element in raw.elts:
                yield from self._in_value(element, None)
            return
        if isinstance(raw, ast.JoinedStr):
            for part in raw.values:
                if isinstance(part, ast.FormattedValue):
                    yield from self._in_value(part.value, label)
            return
        if isinstance(raw, ast.Call) and isinstance(raw.func, ast.Name) and raw.func.id == "dict" and not raw.args:
            for keyword in raw.keywords:
                if keyword.arg is not None:
                    yield from self._in_value(keyword.value, keyword.arg)
            return
        if _whole_request_part(raw):
            yield expr, _WHOLE_REQUEST
            return
        own = _name_of(raw)
        if own is None and not isinstance(raw, (ast.Name, ast.Attribute, ast.Subscript)):
            return  # computed: masked, hashed, measured or converted
        if isinstance(raw, ast.Subscript) and isinstance(raw.slice, ast.Slice):
            return  # token[:6]: a deliberate prefix
        if own is not None and self.matcher.matches(own):
            yield expr, own
        elif label is not None and self.matcher.matches(label) and not _describes_metadata(own):
            yield expr, f"{label}="  # logged under a secret's name: show it as ``token=...``


def _whole_request_part(expr: ast.expr) -> bool:
    """``request.headers``, ``request.cookies``, ``request.COOKIES`` or ``request.META`` logged whole: they carry
    the ``Authorization`` header and the session cookie."""
    if not isinstance(expr, ast.Attribute) or expr.attr not in REQUEST_PARTS:
        return False
    base = expr.value
    if isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name) and base.value.id == "self":
        base = ast.Name(base.attr)
    return isinstance(base, ast.Name) and base.id in REQUEST_NAMES


def _authorization_absent(call: ast.Call, ctx: FileContext) -> bool:
    """The call runs only where the request has no ``Authorization`` header: in the body of ``if auth is None:``
    or ``if not auth:`` with ``auth = request.headers.get("Authorization")``, or of ``if "Authorization" not in
    request.headers:`` (logging the headers to say the credential is missing)."""
    return under_if(call, ctx.parent_of, lambda test: _tests_no_authorization(test, ctx))


def _tests_no_authorization(test: ast.expr, ctx: FileContext) -> bool:
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left, op, right = test.left, test.ops[0], test.comparators[0]
        if isinstance(op, ast.NotIn):
            return _authorization_literal(left) and _whole_request_part(right)
        if isinstance(op, ast.Is) and isinstance(right, ast.Constant) and right.value is None:
            return _holds_authorization(left, ctx)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _holds_authorization(test.operand, ctx)
    return False


def _authorization_literal(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Constant) and isinstance(expr.value, str) and expr.value.lower() == _AUTHORIZATION


def _holds_authorization(expr: ast.expr, ctx: FileContext) -> bool:
    """``auth`` assigned once from ``request.headers.get("Authorization")`` in the function."""
    function = ctx.scope.function
    if not isinstance(expr, ast.Name) or function is None:
        return False
    value = bindings_of(ctx, function).single_value(expr.id)
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "get"
        and _whole_request_part(value.func.value)
        and bool(value.args)
        and _authorization_literal(value.args[0])
    )


def _credential_value(value: ast.expr, name: str, ctx: FileContext) -> bool:
    """Whether a value named like a secret holds one, judged by where it comes from: not an id made by
    ``uuid4()`` (a limiter slot, a correlation handle), not a session id other than the request's own (a chat
    or telemetry session is a conversation handle; a web session cookie is a credential), not a path the same
    function opens (``KEY_FILE``), not a message constant (``TOKEN_EXPIRED = "token has expired"``), not an
    ACME challenge token."""
    raw = _unwrap(value)
    if bare_token(name) and not credential_token(raw, ctx):
        return False  # just *token*: a credential only where its origin or use shows one
    if secret_word(name.rstrip("="), {"token"}) == "token" and (
        _acme_module(ctx) or _SETUP_WORDS & set(split_identifier(name))
    ):
        return False
    if _lock_token(raw):
        return False  # ``lock.local.token``: a redis-py lock's ownership token, a handle that authenticates nothing
    if lexer_token(raw, ctx):
        return False  # a lark ``Token``, a ``tokenize`` token: a piece of the parsed text, not a credential
    if parsed_piece(raw, ctx):
        return False  # cut out of a text that is no secret by a split, a regex or a tokenizer: a word of it
    if from_url_path(raw, ctx):
        return False  # a segment of the URL path (a slug, a row's key): in every access log already
    made = origin(raw, ctx) or ""
    if made.startswith(_IDENTIFIER_FACTORIES) or _made_from_identifier(raw, ctx, ctx.scope, 0):
        return False  # a uuid, or a piece or spelling of one (``str(uuid.uuid4())[:8]``): a marker, not a key
    if _DECODED_CLAIMS.search(made):
        return False  # the claims a JWT decoder returns: the payload without its signature grants nothing
    if _names_session_id(name.rstrip("=")) and not read_from_request(raw, ctx):
        return False
    function = ctx.scope.function
    if ast.dump(raw) in path_arguments(ctx, function or ctx.scope.class_ or ctx.tree):
        return False  # the name of a key file the same code opens or checks
    if function is not None and isinstance(raw, ast.Attribute) and isinstance(raw.value, ast.Name) and \
            _object_value(f"{raw.value.id}.{raw.attr}", function, ctx):
        return False  # ``self.token`` whose ``.name`` the function reads: a token record
    if isinstance(raw, ast.Name):
        constant = bindings_of(ctx, ctx.tree).single_value(raw.id)
        if isinstance(constant, ast.Constant) and isinstance(constant.value, str) and (
            " " in constant.value.strip() or _SETTING_NAME.fullmatch(constant.value)
        ):
            return False  # a message (``TOKEN_EXPIRED = "token has expired"``) or the name of a setting
        if isinstance(constant, ast.Constant) and isinstance(constant.value, (int, float)):
            return False  # ``COOKIE_SECRET_BYTES = 32``: a size, not the secret
        if function is not None and (_object_value(raw.id, function, ctx) or _stored_row(raw.id, function)):
            return False
        bound = lookup(raw.id, ctx, ctx.scope)
        held = bound[1].single_value(raw.id) if bound is not None else None
        if held is not None and (_masked(held) or _row_lookup(held) or _lock_token(held)):
            return False
    return True


def _made_from_identifier(expr: ast.expr, ctx: FileContext, scope: Scope, steps: int) -> bool:
    """``expr`` is a uuid made by ``uuid4()`` spelled or cut another way: ``str(uuid.uuid4())[:8]``,
    ``uuid4().hex``, ``f"{token} {title}"`` around one, or a local bound only to such values, also as the loop
variable over a list of them (up to
    :data:`_IDENTIFIER_STEPS` steps: ``token``, then ``title_with_token``). A random marker or handle the code
    made itself; it authenticates nothing, whatever its name."""
    if steps > _IDENTIFIER_STEPS:
        return False
    raw = _unwrap(expr)
    if isinstance(raw, ast.Subscript) and isinstance(raw.slice, ast.Slice):
        return _made_from_identifier(raw.value, ctx, scope, steps)
    if isinstance(raw, ast.Call) and isinstance(raw.func, ast.Attribute) and raw.func.attr in _IDENTIFIER_SPELLINGS:
        return _made_from_identifier(raw.func.value, ctx, scope, steps)
    if isinstance(raw, ast.Attribute) and raw.attr in _IDENTIFIER_SPELLINGS:
        return _made_from_identifier(raw.value, ctx, scope, steps)
    if isinstance(raw, ast.JoinedStr):
        return any(
            isinstance(part, ast.FormattedValue) and _made_from_identifier(part.value, ctx, scope, steps)
            for part in raw.values
        )
    if isinstance(raw, ast.Name):
        bound = lookup(raw.id, ctx, scope)
        if bound is None:
            return False
        where, bindings = bound
        if raw.id in bindings.params or raw.id in bindings.definitions or raw.id in bindings.augmented:
            return False
        values: list[ast.expr] = []
        for held in bindings.assigned.get(raw.id, []):
            if held is None:
                return False
            values.append(held)
        for loop in bindings.loop_targets.get(raw.id, []):
            # ``for token in tokens`` over ``tokens = [str(uuid4())[:8] for _ in range(n)]``
            if not (isinstance(loop.target, ast.Name) and isinstance(loop.iter, ast.Name)):
                return False
            items = bindings.single_value(loop.iter.id)
            if not isinstance(items, (ast.ListComp, ast.GeneratorExp)):
                return False
            values.append(items.elt)
        return bool(values) and all(
            value is not raw and _made_from_identifier(value, ctx, where, steps + 1) for value in values
        )
    return (origin(raw, ctx, scope) or "").startswith(_IDENTIFIER_FACTORIES)


def _address_name(value: ast.expr) -> Optional[str]:
    """``media.friendly_token``, ``friendly_token``: the field name the logged value is known by, when it is more
    than a bare secret word (a ``token`` field in a URL is more likely a capability link than an address)."""
    raw = _unwrap(value)
    name = raw.attr if isinstance(raw, ast.Attribute) else raw.id if isinstance(raw, ast.Name) else None
    return name if name is not None and len(split_identifier(name)) > 1 else None


def _lock_token(expr: ast.expr) -> bool:
    """``lock.local.token`` (``redis_lock.local.token``): redis-py's ``Lock`` keeps the random value that marks
    its owner in ``self.local.token``; it only lets the holder release or extend the lock."""
    return (
        isinstance(expr, ast.Attribute) and expr.attr == "token"
        and isinstance(expr.value, ast.Attribute) and expr.value.attr == "local"
        and isinstance(expr.value.value, (ast.Name, ast.Attribute))
        and "lock" in split_identifier(name_of(expr.value.value) or "")
    )


def _stored_row(name: str, function: ast.AST) -> bool:
    """The function hands ``name`` to a database session (``db.session.delete(token)``, ``session.add(token)``):
    it holds an ORM row, whose ``repr`` is not the secret (see :func:`_object_value`)."""
    for node in own_nodes(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _SESSION_METHODS \
                and len(node.args) == 1 and isinstance(node.args[0], ast.Name) and node.args[0].id == name:
            receiver = dotted_name(node.func.value) or ""
            if receiver.rpartition(".")[2] in ("db", "session", "dbsession", "db_session"):
                return True
    return False


def _row_lookup(value: Optional[ast.expr]) -> bool:
    """``orm.APIToken.find(db, token)``, ``Token.objects.get(key=...)``: a lookup on a model class returns a
    row (an object), not the secret string."""
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
            and value.func.attr in _ROW_LOOKUPS):
        return False
    written = dotted_name(value.func.value) or ""
    return any(part[:1].isupper() and not part.isupper() for part in written.split("."))


def _object_value(name: str, function: ast.AST, ctx: FileContext) -> bool:
    """The function reads attributes of ``name`` that no string has (``token.expires_at``, ``orm_token.user``):
    it holds an object (an ORM row, a token model), or a sequence of them when the attributes are read of an
    element (``secrets[0].encrypted_keys``), and logging it writes its ``repr``, which such classes
    keep to a prefix or an audit id; the rule cannot see the class, so it does not guess."""
    read = attributes_read(ctx, function)
    return bool((read.get(name, frozenset()) | read.get(f"{name}[]", frozenset())) - _STRING_METHODS)


def _masked(value: Optional[ast.expr]) -> bool:
    """``token[:5] + "..." + token[-5:]`` (or the same as an f-string): slices of the secret and literal text
    only, an abbreviated form."""
    if not (isinstance(value, ast.JoinedStr) or (isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add))):
        return False
    leaves = concatenated_parts(value)
    sliced = [leaf for leaf in leaves if isinstance(leaf, ast.Subscript) and isinstance(leaf.slice, ast.Slice)]
    return bool(sliced) and all(isinstance(leaf, ast.Constant) or leaf in sliced for leaf in leaves)


_STRING_METHODS = frozenset(name for name in dir(str) if not name.startswith("_")) | frozenset(dir(bytes))


def _acme_module(ctx: FileContext) -> bool:
    """A module of an ACME client (``plugins/lemur_acme/dyn.py``), where a ``token`` is a challenge token that the
    protocol publishes (in the challenge URL, and in DNS for DNS-01), not a credential."""
    return any("acme" in split_identifier(part) for part in ctx.project_path.split("/"))


def _names_session_id(name: str) -> bool:
    words = unqualified_words(name)  # session_id_str: the id as text
    return words[-2:] == ["session", "id"] or (bool(words) and words[-1] == "sessionid")


def _logged_by_choice(call: ast.Call, ctx: FileContext) -> bool:
    """Under an ``if`` on a setting whose purpose is to log credentials (``if settings.LOG_CREDENTIALS:``,
    ``if setting_log_passwords.value:``): the operator asked for them in the log."""
    child: ast.AST = call
    current = ctx.parent_of(call)
    while current is not None and not isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef)):
        if isinstance(current, ast.If) and child is not current.test and _names_log_opt_in(current.test):
            return True
        child, current = current, ctx.parent_of(current)
    return False


def _names_log_opt_in(test: ast.expr) -> bool:
    """``X``, ``not X``, ``X and Y``, ``X == ...``, ``X()``, ``obj.X.value`` where X names such a switch."""
    if isinstance(test, ast.UnaryOp):
        return _names_log_opt_in(test.operand)
    if isinstance(test, ast.BoolOp):
        return any(_names_log_opt_in(value) for value in test.values)
    if isinstance(test, ast.Compare):
        return _names_log_opt_in(test.left)
    if isinstance(test, ast.Call):
        return _names_log_opt_in(test.func)
    if isinstance(test, ast.Attribute):
        return _log_opt_in_name(test.attr) or _names_log_opt_in(test.value)
    return isinstance(test, ast.Name) and _log_opt_in_name(test.id)


def _log_opt_in_name(name: str) -> bool:
    """``log_credentials``, ``LOG_PASSWORDS``, ``setting_log_secrets``: a switch to log secrets on purpose."""
    words = set(split_identifier(name))
    return "log" in words and bool(words & _LOGGED_SECRETS)


def _describes_metadata(name: Optional[str]) -> bool:
    """``token=token.expires_at``, ``api_key=key_id``: the value's own name says it is not the secret."""
    parts = split_identifier(name) if name else []
    return bool(parts) and parts[-1] in _METADATA_WORDS


def _display(value: ast.expr, name: str, ctx: FileContext) -> str:
    """The logged value as written (``user.password``), prefixed by the key it is logged under if that is
    what names it (``token=t``); the bare name when the expression is long."""
    written = dotted_name(value) or ctx.segment(value) or name
    if name == _WHOLE_REQUEST:
        return written
    if len(written) > 50 or "\n" in written:
        written = "..."
    if name.endswith("="):
        return name + written
    return written if written != "..." else name
