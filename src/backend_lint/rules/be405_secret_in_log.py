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
Nor is a credential the program guesses: a loop variable over a wordlist of credentials written in the code or
over every combination of candidate lists (``itertools.product``), a scanner's candidate
(:mod:`backend_lint.analysis.guessed_credentials`).
Nor is a value logged in place of the mail that carries it, when a mail setting is off
(``if settings.SMTP_ACTIVE: send_email(...) else: log(token)``: :mod:`backend_lint.analysis.log_delivery`).
Migration code (a migration module, a ``RunPython`` function) and a developer's command line tool in a scripts
folder are left alone too: the operator who runs them holds the secrets already, and reads their log at the terminal.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any, Optional

from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.credential_tokens import credential_token
from backend_lint.analysis.guessed_credentials import guessed_credential
from backend_lint.analysis.hand_run_scripts import SCRIPT_PATHS, hand_run_script
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.lexer_tokens import lexer_token
from backend_lint.analysis.log_delivery import delivers_by_logging, logged_by_choice, logged_instead_of_mail
from backend_lint.analysis.logged_requests import credentials_found_missing, header_missing, whole_request_part
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
from backend_lint.analysis.project.conditions import test_support
from backend_lint.analysis.project.settings_conditions import url_address
from backend_lint.analysis.refused_secrets import refused_lookup
from backend_lint.analysis.request_reads import read_from_query, read_from_request
from backend_lint.analysis.resolve import lookup
from backend_lint.analysis.secret_holders import credential_value, unwrap
from backend_lint.analysis.secret_names import name_of, secret_word, split_identifier
from backend_lint.analysis.shown_secrets import shown_to_operator
from backend_lint.analysis.url_values import cut_from_logged_url, from_url_path
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
_METADATA_WORDS = frozenset(
    {"id", "ids", "type", "kind", "url", "uri", "name", "length", "len", "count", "expiry", "expires", "at",
     "expiration", "prefix", "suffix", "hint", "scope", "scopes", "status", "source", "provider", "version",
     "algorithm", "alg", "exp", "iat", "ttl", "age", "valid", "present", "set", "masked", "redacted"}
)
"""Last words of a value's own name that make it data about a secret rather than the secret itself."""
_HANDLE_TOKEN_WORDS = frozenset({"reservation", "lease", "fencing", "correlation", "trace", "delta", "etag",
                                 "starting", "acquire"})
"""Words before ``token`` that make it a handle to a reservation or a position, not a credential
(``reservation_token``, ``acquire_token``), on top of :mod:`.secret_names`' own exceptions."""
_WHOLE_REQUEST = "<request>"  # the name of a whole ``request.headers``-like mapping: credentials whatever its name
_HELD_VALUE = frozenset({"key", "value"})
_TEXT_METHODS = frozenset({"strip", "removeprefix", "lower", "decode", "encode"})
_MAKER_WORDS = frozenset({"new", "create", "generate", "make", "issue", "mint", "rotate", "regenerate"})
"""First words of a function named for making a secret (``new_api_key``, ``generate_password``)."""
_PASSWORD_HASHERS = frozenset({"django.contrib.auth.hashers.make_password", "werkzeug.security.generate_password_hash"})
"""Named for making a password, they return its slow hash: what an account stores, not the secret."""
_SECRET_HOLDERS = frozenset({"token", "secret", "password", "credential", "apikey"})
"""``token.key``, ``secret.value``: the attribute of a secret-named object that holds the secret itself."""


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




class SecretInLog(Rule):
    code = "BE405"
    name = "secret-in-log"
    message = "`{value}` is written to the log; leave secrets out of log calls or log a masked form"
    triggers = ("log", "LOG", "structlog")
    needs = (
        logger_kind, logging_call_kind, origin, bindings_of, path_arguments, attributes_read, lookup, refused_lookup,
        shown_to_operator, module_roles, in_migration, lexer_token, parsed_piece,
        from_url_path, cut_from_logged_url, url_address, credential_token, read_from_request, hand_run_script,
        guessed_credential, read_from_query,
    )
    module_facts = (test_support,)
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
        for value, name in self._secrets_in_call(node, message, data_keywords, ctx):
            if id(value) in seen:
                continue
            seen.add(id(value))
            if name != _WHOLE_REQUEST and not credential_value(value, name, ctx):
                continue
            if name == _WHOLE_REQUEST and (header_missing(node, ctx) or credentials_found_missing(node, ctx)):
                continue
            if cut_from_logged_url(node, unwrap(value), ctx):
                continue  # a piece of a URL the same line logs: the URL puts it in the log (and every access log)
            if refused_lookup(node, value, ctx):
                continue  # the value was looked up and found unknown or expired: it grants nothing
            if shown_to_operator(node, value, ctx):
                continue  # a command shows the operator the value it made for them, on the terminal too
            if guessed_credential(unwrap(value), ctx):
                continue  # a candidate of a wordlist the code tries against a target: a guess, not a secret
            if delivers_by_logging(node, ctx):
                return  # a console/mock delivery backend: writing the message out is its delivery
            if logged_by_choice(node, ctx):
                return
            if logged_instead_of_mail(node, ctx):
                return  # the else of ``if settings.SMTP_ACTIVE: send_email(...)``: a set-up without mail reads it here
            if in_migration(ctx):
                return  # a one-off data migration telling the operator running `migrate` what it rewrote
            if _fixture_code(ctx) or ctx.is_test_file or module_roles(ctx).for_tests:
                return  # the test users' tokens of an end-to-end fixture API, a test or its support: test data
            if hand_run_script(ctx, SCRIPT_PATHS):
                return  # a developer's tool in a scripts folder: its log is the terminal of whoever started it
            address = _address_name(value)
            # a field the project writes into its objects' URLs (``friendly_token``): their public address
            self.report(ctx, value, value=_display(value, name, ctx), unless=(url_address(address),) if address else ())

    def _secrets_in_call(
        self, call: ast.Call, message: Optional[ast.expr], data_keywords: bool, ctx: FileContext
    ) -> Iterator[tuple[ast.expr, str]]:
        for arg in call.args:
            if arg is message:
                yield from self._in_message(arg, ctx)
            elif not isinstance(arg, ast.Starred):
                yield from self._in_value(arg, None, ctx)
        for keyword in call.keywords:
            if keyword.arg is None:
                continue
            if keyword.arg == "extra":
                yield from self._in_value(keyword.value, None, ctx)
            elif data_keywords and keyword.arg not in _LOGGING_OPTIONS:
                yield from self._in_value(keyword.value, keyword.arg, ctx)

    def _in_message(self, message: ast.expr, ctx: FileContext) -> Iterator[tuple[ast.expr, str]]:
        """Only the interpolated parts of a message: its literal text may mention secrets freely."""
        if isinstance(message, ast.JoinedStr):
            for part in message.values:
                if isinstance(part, ast.FormattedValue):
                    yield from self._in_value(part.value, None, ctx)
        elif isinstance(message, ast.BinOp) and isinstance(message.op, (ast.Mod, ast.Add)):
            if isinstance(message.op, ast.Add):
                yield from self._in_message(message.left, ctx)
            yield from (self._in_message(message.right, ctx) if isinstance(message.op, ast.Add)
                        else self._in_value(message.right, None, ctx))
        elif (
            isinstance(message, ast.Call)
            and isinstance(message.func, ast.Attribute)
            and message.func.attr == "format"
            and isinstance(message.func.value, (ast.Constant, ast.JoinedStr))
        ):
            for arg in message.args:
                yield from self._in_value(arg, None, ctx)
            for keyword in message.keywords:
                yield from self._in_value(keyword.value, keyword.arg, ctx)
        elif not isinstance(message, ast.Constant):
            yield from self._in_value(message, None, ctx)

    def _in_value(self, expr: ast.expr, label: Optional[str], ctx: FileContext) -> Iterator[tuple[ast.expr, str]]:
        """A logged value: a secret itself (by its own name or the ``label`` it is logged under), or a
        container (dict, list, tuple, f-string, ``dict(...)``) holding one."""
        raw = unwrap(expr)
        if isinstance(raw, ast.Constant):
            return
        if isinstance(raw, ast.Dict):
            for key, value in zip(raw.keys, raw.values):
                name = key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None
                yield from self._in_value(value, name, ctx)
            return
        if isinstance(raw, (ast.List, ast.Tuple, ast.Set)):
            for element in raw.elts:
                yield from self._in_value(element, None, ctx)
            return
        if isinstance(raw, ast.JoinedStr):
            for part in raw.values:
                if isinstance(part, ast.FormattedValue):
                    yield from self._in_value(part.value, label, ctx)
            return
        if isinstance(raw, ast.Call) and isinstance(raw.func, ast.Name) and raw.func.id == "dict" and not raw.args:
            for keyword in raw.keywords:
                if keyword.arg is not None:
                    yield from self._in_value(keyword.value, keyword.arg, ctx)
            return
        if whole_request_part(raw):
            yield expr, _WHOLE_REQUEST
            return
        own = _name_of(raw)
        if own is None and not isinstance(raw, (ast.Name, ast.Attribute, ast.Subscript)):
            return  # computed: masked, hashed, measured or converted
        if isinstance(raw, ast.Subscript) and isinstance(raw.slice, ast.Slice):
            return  # token[:6]: a deliberate prefix
        if isinstance(raw, ast.Name) and _caught_exception(raw.id, ctx):
            return  # ``except Exception as e_api_token``: the error of the token branch, not a token
        if own is not None and self.matcher.matches(own):
            yield expr, own
        elif label is not None and self.matcher.matches(label) and not _describes_metadata(own):
            yield expr, f"{label}="  # logged under a secret's name: show it as ``token=...``
        elif isinstance(raw, ast.Name):
            held = self._held_secret(raw, ctx)
            if held is not None:
                yield expr, held  # ``auth = request.headers.get("authorization")``: named by where it came from

    def _held_secret(self, local: ast.Name, ctx: FileContext) -> Optional[str]:
        """The secret's name a local named for none (``auth``, ``key``) holds, from its one assignment in the
        function: a request's header or field named for a secret (``request.headers.get("authorization")``, also
        with its scheme cut off), or the result of a call named for making one (``new_api_key()``,
        ``create_access_token(user)``)."""
        function = ctx.scope.function
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return None
        held = bindings_of(ctx, function).single_value(local.id)
        if held is None:
            return None
        read = _text_of(held)
        name = _name_of(read)
        if name is not None and self.matcher.matches(name) and read_from_request(read, ctx):
            return name
        made = held.value if isinstance(held, ast.Await) else held
        if isinstance(made, ast.Call) and ctx.imports.resolve(made.func) not in _PASSWORD_HASHERS:
            words = split_identifier(dotted_name(made.func) or "")[-4:]
            for position, word in enumerate(words[:-1]):
                if word in _MAKER_WORDS and self.matcher.matches("_".join(words[position + 1:])):
                    return "_".join(words[position + 1:])
        return None








def _caught_exception(name: str, ctx: FileContext) -> bool:
    """``name`` is bound by an ``except ... as name`` clause around the node (in the same function): an
    exception object named for the branch that raised it, never the credential itself."""
    for scope in ctx.scope:
        handler = scope.node
        if isinstance(handler, ast.ExceptHandler) and handler.name == name:
            return True
        if isinstance(handler, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return False
    return False


def _text_of(expr: ast.expr) -> ast.expr:
    """``header.removeprefix("Bearer ").strip()``: the text a string method was called on."""
    while isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in _TEXT_METHODS:
        expr = expr.func.value
    return expr


def _fixture_code(ctx: FileContext) -> bool:
    """A module of a package, or a file, named for test fixtures (``testfixtureapi/views.py``, ``fixtures.py``,
    ``e2e_fixtures/``): code that seeds the data end-to-end tests run against, mounted or run only for them. The
    tokens it logs are its test users' own, made for the test run."""
    return any("fixture" in part.lower() for part in ctx.role_path.split("/"))


def _address_name(value: ast.expr) -> Optional[str]:
    """``media.friendly_token``, ``friendly_token``: the field name the logged value is known by, when it is more
    than a bare secret word (a ``token`` field in a URL is more likely a capability link than an address)."""
    raw = unwrap(value)
    name = raw.attr if isinstance(raw, ast.Attribute) else raw.id if isinstance(raw, ast.Name) else None
    return name if name is not None and len(split_identifier(name)) > 1 else None






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
