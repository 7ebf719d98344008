"""Whether an identifier names a secret (``db_password``, ``apiKey``, ``SECRET_KEY``) or only mentions one.

Rules about secrets (hardcoded secrets, secrets written to logs) start from a *name*: the variable, keyword,
attribute, dict key or parameter a value is bound to. Name patterns are what make ruff's and bandit's
hardcoded-password checks noisy: ``token_type = "bearer"``, ``TOKEN_URL = "https://..."`` and
``password_field = "password"`` contain a secret word but hold no secret. Here the decision follows the
*head* of the name, its last word, the way English compounds work: ``password_reset_url`` is a URL,
``secret_name`` is a name, ``token_type`` is a type, while ``old_password``, ``client_secret`` and
``access_token`` are the secret itself.

- :func:`split_identifier` splits snake_case, camelCase, PascalCase and UPPER_CASE into lowercase words
  (``getAPIKey`` -> ``get api key``); joined spellings (``apikey``, ``passwd``, ``authtoken``) are split
  into their words.
- :func:`secret_word` returns the secret word a name ends in (after value-like qualifiers such as
  ``_value``, ``_b64``, ``_hash`` and trailing digits), or ``None``.
- :func:`is_secret_name` is the yes/no form; both take an optional word set, so a rule option can add
  words (``SECRET_WORDS | {"pin"}``).
- :func:`name_of` gives the identifier an expression is known by (``user.password`` -> ``password``,
  ``data["api_key"]`` -> ``api_key``), so a value can be judged by the name it is read from or bound to.

Judgement calls, on the side of precision: ``key`` is a secret only with a modifier that makes it one
(``api_key``, ``secret_key``, ``private_key``, ``signing_key``; never ``cache_key``, ``primary_key`` or
Django's ``SESSION_KEY``); ``pass`` only as a credential abbreviation (``db_pass``, ``smtp_pass``, never
``first_pass``); ``token`` not after pagination or tokenizer words (``next_token``, ``page_token``,
``eos_token``, ``max_tokens``); and a name that reads as a flag (``is_secret``, ``show_password``,
``require_token``) is not a secret, nor one that starts by naming a pattern (``REGEX_PASSWORD``).
"""

from __future__ import annotations

import ast
from collections.abc import Set as AbstractSet

from backend_lint.analysis.lazy_regex import lazy_compile

SECRET_WORDS: frozenset[str] = frozenset(
    {"password", "passwd", "pwd", "passphrase", "secret", "token", "apikey", "credential", "credentials"}
)
"""Words that name a secret on their own when they are the head of a name."""

_KEY_MODIFIERS = frozenset(
    {"api", "secret", "private", "signing", "sign", "encryption", "encrypt", "decryption", "fernet", "hmac",
     "master", "jwt", "aes", "crypto", "cipher", "license", "licence", "webhook", "app"}
)
"""Words that make a following ``key`` a secret key (``api_key``, ``secret_access_key``)."""

_PASS_MODIFIERS = frozenset(
    {"db", "database", "user", "smtp", "mail", "email", "admin", "root", "ftp", "sftp", "redis", "mysql",
     "postgres", "pg", "ldap", "proxy", "rabbit", "rabbitmq", "amqp", "mongo", "broker", "login", "account"}
)
"""Words after which ``pass`` abbreviates "password" (``db_pass``), not a pass of an algorithm."""

_NOT_SECRET_TOKEN_MODIFIERS = frozenset(
    {"next", "page", "pagination", "continuation", "cursor", "cancel", "cancellation", "sync", "resume",
     "max", "min", "num", "n", "count", "total", "start", "end", "first", "last", "prev", "previous", "stop",
     "special", "bos", "eos", "pad", "unk", "sep", "mask", "cls", "lexer", "parser", "current", "input",
     "output", "prompt", "completion", "update", "change", "idempotency", "concurrency", "lock", "version",
     "poll"}
)
"""Words before ``token`` that make it a pagination cursor, a concurrency/idempotency token (``update_token``,
``ChangeToken``) or a tokenizer token, not a credential."""

_FLAG_PREFIXES = frozenset(
    {"is", "has", "use", "uses", "should", "enable", "enabled", "disable", "require", "requires", "show",
     "hide", "no", "with", "without", "allow", "needs", "can", "validate", "check", "verify"}
)
"""A first word that turns the name into a flag or an action (``show_password``, ``require_token``)."""

_PATTERN_PREFIXES = frozenset({"regex", "regexp", "rx", "pattern"})
"""A first word that makes the name a pattern's (``REGEX_PASSWORD``: the expression that finds a password in a
prompt), not a secret's."""

_PASSWORD_ACTIONS = frozenset({"change", "reset", "forgot", "forgotten", "recover", "lost", "set", "update"})
"""A first word that makes a password name the name of an operation (``reset_password``, a route, a permission
or a rate limit key), while ``reset_token`` is still the token that grants the reset."""
_PASSWORD_HEADS = frozenset({"password", "passwd", "pwd", "passphrase", "pass"})

_QUALIFIERS = frozenset(
    {"value", "str", "string", "bytes", "b64", "base64", "hex", "raw", "plain", "plaintext", "text",
     "encoded", "hash", "hashed", "digest", "literal"}
)
"""Trailing words that keep the name about the secret itself (``secret_value``, ``password_hash``)."""

_JOINED = {
    "apikey": ("api", "key"),
    "secretkey": ("secret", "key"),
    "privatekey": ("private", "key"),
    "accesstoken": ("access", "token"),
    "authtoken": ("auth", "token"),
    "refreshtoken": ("refresh", "token"),
    "clientsecret": ("client", "secret"),
    "passwd": ("passwd",),
}

_WORD = lazy_compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def split_identifier(identifier: str) -> list[str]:
    """The lowercase words of a snake_case, camelCase, PascalCase or UPPER_CASE identifier."""
    words: list[str] = []
    for word in _WORD.findall(identifier):
        lowered = word.lower()
        words.extend(_JOINED.get(lowered, (lowered,)))
    return words


def secret_word(identifier: str, words: AbstractSet[str] = SECRET_WORDS) -> str | None:
    """The secret word ``identifier`` is headed by (``password`` for ``dbPassword``), else ``None``."""
    parts = split_identifier(identifier)
    while parts and (parts[-1].isdigit() or parts[-1] in _QUALIFIERS):
        parts.pop()
    if not parts:
        return None
    head = parts[-1]
    modifiers = parts[:-1]
    if modifiers and (
        modifiers[0] in _FLAG_PREFIXES | _PATTERN_PREFIXES
        or (modifiers[0] in _PASSWORD_ACTIONS and head in _PASSWORD_HEADS)
    ):
        return None
    if head == "key":
        return "key" if any(word in _KEY_MODIFIERS for word in modifiers) else None
    if head == "pass":
        return "pass" if modifiers and modifiers[-1] in _PASS_MODIFIERS else None
    if head == "token" and modifiers and modifiers[-1] in _NOT_SECRET_TOKEN_MODIFIERS:
        return None
    return head if head in words else None


def is_secret_name(identifier: str, words: AbstractSet[str] = SECRET_WORDS) -> bool:
    """Whether ``identifier`` names a secret value (see the module docstring for the exceptions)."""
    return secret_word(identifier, words) is not None


def name_of(expr: ast.AST) -> str | None:
    """The identifier ``expr`` is known by: a name, the last attribute, or a constant string subscript key."""
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        return expr.attr
    if isinstance(expr, ast.Subscript):
        key = expr.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return key.value
    return None


def unqualified_words(identifier: str) -> list[str]:
    """The words of ``identifier`` without the trailing qualifiers :func:`secret_word` drops too
    (``session_id_str`` -> ``["session", "id"]``)."""
    parts = split_identifier(identifier)
    while parts and (parts[-1].isdigit() or parts[-1] in _QUALIFIERS):
        parts.pop()
    return parts
