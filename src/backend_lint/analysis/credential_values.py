"""Whether a literal under a secret's name is a working credential: the evidence its kind of secret needs.

Seven rounds of judged BE503 findings on applications never seen before split along what made a value a secret.
Every true finding was one of three kinds:

* the application's own signing or encryption secret (``SECRET_KEY``, ``JWT_SECRET``, ``WTF_CSRF_SECRET_KEY``):
  whatever its value, it is in effect, and anyone who reads it can forge sessions and tokens
  (:func:`signing_secret`);
* a password: people choose passwords, so any literal that is not a placeholder or a label may be one that works
  (``"hunter2"``). Ten rounds found two true findings among passwords made of letters alone (eNMS's ``"admin"``
  for its first admin account, a Docker image's ``"securitymonkeypassword"`` database fallback) against nine
  false ones: the public default of a device or a product (``"alpine"``, ``"infected"``, ``"postgres"``), a
  developer set-up's (``"temba"``, ``"password"``) (:func:`word_password`);
* a key or token a machine issued (a 40-hex API key, a vendor's ``ghp_...``): it looks machine-made
  (:func:`machine_made`, :data:`ISSUED_KEY`).

The false ones under a token, API-key, credential or non-signing secret name were text a person typed: a cache or
Redis key name, a module path, an endpoint, the name of an environment variable, a placeholder written as a word
(``"bot-context"``), a development value (``"polar123456789"`` for a local MinIO account). A key or token that
works is never typed by a person; so for those names the value itself must look machine-made.
"""

from __future__ import annotations

import ast
import re

from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.secret_names import split_identifier

_SECRET_KEY_PREFIXES = r"sk_live_|rk_live_|ghp_|gho_|ghs_|github_pat_|xox[abpr]-|AKIA|glpat-|sk-[A-Za-z0-9]{20}"
SECRET_ISSUED_KEY = lazy_compile(rf"^(?:{_SECRET_KEY_PREFIXES})")
"""Prefixes of secret keys a vendor issued (Stripe, GitHub, Slack, AWS, GitLab, OpenAI): each grants its holder the
account's access, wherever it is written."""
ISSUED_KEY = lazy_compile(rf"^(?:{_SECRET_KEY_PREFIXES}|AIza)")
"""Prefixes of keys a vendor issued, those above and Google's API keys (``AIza``): real credentials wherever they
are written. (A Google API key identifies a project and is often shipped in clients: see :func:`plugin_client_key`.)"""

PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "passphrase", "pass"})
"""Head words of a password's name: a secret a person chooses."""

_SIGNING_WORDS = frozenset({"jwt", "jws", "signing", "sign", "signature", "csrf", "xsrf", "session", "cookie",
                            "encryption", "encrypt", "fernet", "hmac", "cipher", "aes", "crypto"})
"""Words that make a ``secret`` or ``key`` the application's own signing or encryption secret."""

_PLACEHOLDER_WORDS = frozenset(
    {"changeme", "change", "dummy", "placeholder", "example", "sample", "fake", "test", "testing", "your",
     "todo", "fixme", "replace", "redacted", "mask", "masked", "hidden", "none", "null", "undefined", "default",
     "insert", "enter", "put", "bearer", "basic", "jwt", "oauth", "oauth2", "notasecret", "not", "mock", "foo",
     "bar", "baz", "xxx", "string", "str", "text", "value", "unset", "notset", "unconfigured"}
)
_TEMPLATE = lazy_compile(
    r"^(<.*>|\$\{.*\}|\$[A-Z_][A-Z0-9_]*|\{\{.*\}\}|\{[a-z_]*\}|%\(.*\)s|%s|\[.*\]|\*+|x+|\.+|-+)$", re.I
)
_PLACEHOLDER_PARTS = ("example", "changeme", "change_me", "change-me", "dummy", "placeholder", "xxxx", "****",
                      "missing", "set-me", "set_me", "setme")
_SDK_DUMMIES = frozenset({"unused", "ollama", "empty", "sk-no-key-required", "no-key-required", "lm-studio",
                          "not-needed", "none", "nokey", "no-key"})
"""Values SDKs document as the key to pass when the server needs none (OpenAI-compatible local servers)."""


_MASKED_KEY = lazy_compile(r"^[A-Za-z]{1,8}[-_](?:x{3,}|\*{3,}|\.{3,}|#{3,})$", re.I)
"""A vendor's key prefix and nothing after it but a filler (``hf_XXX``, ``sk-xxxxxxxx``, ``ghp_***``): the shape
of a key shown to whoever copies the code, not the key."""


def is_placeholder(value: str) -> bool:
    """Empty, a template (``<...>``, ``${...}``), one repeated character, a key prefix with a filler
    (:data:`_MASKED_KEY`), made of placeholder words, or a phrase telling the deployer to set it
    (``set-in-production``)."""
    stripped = value.strip()
    if len(stripped) < 3 or _TEMPLATE.match(stripped) or len(set(stripped.lower())) == 1:
        return True
    if _MASKED_KEY.match(stripped):
        return True
    if stripped.lower() in _SDK_DUMMIES:
        return True
    if any(part in stripped.lower() for part in _PLACEHOLDER_PARTS):
        return True
    words = split_identifier(stripped)
    return bool(words) and (words[0] in _PLACEHOLDER_WORDS or all(w in _PLACEHOLDER_WORDS for w in words)
                            or _instruction(words))


_SETTING_VERBS = frozenset({"set", "change", "replace", "override", "overwrite", "configure", "provide", "fill",
                            "define", "supply", "generate", "specify", "update"})
_POINTER_WORDS = frozenset(
    {"me", "it", "this", "here", "in", "on", "at", "for", "via", "from", "by", "with", "to", "be", "must", "should",
     "please", "your", "own", "later", "before", "when", "production", "prod", "deployment", "deploy", "deployed",
     "locally", "each"}
)
"""Words that point at whoever deploys, or at where and when to set the value (``-me``, ``in-production``,
``must-be-``): a verb and a noun alone (``update-password``, ``generate-secure-token``) may be someone's weak
secret; a phrase with one of these is an instruction."""
_INSTRUCTION_WORDS = _SETTING_VERBS | _POINTER_WORDS | frozenset(
    {"the", "a", "an", "real", "new", "random", "long", "unique", "proper", "secure", "env", "environment", "var",
     "variable", "vars", "dotenv", "file", "settings", "config", "configuration", "secret", "key", "value",
     "password", "token", "server", "instance"}
)


def _instruction(words: list[str]) -> bool:
    """``set-in-production``, ``must-be-set``, ``override-me``, ``please-set-a-secret-key``: a phrase that tells
    whoever deploys to set the value, made only of a setting verb and the words around one. A person's weak
    secret (``secret-key``, ``update-password``) says no such thing; a machine-made key is not made of words."""
    said = set(words)
    return len(words) >= 2 and bool(_SETTING_VERBS & said) and bool(_POINTER_WORDS & said) \
        and all(w in _INSTRUCTION_WORDS for w in words)


_MIN_LENGTH = 8
_MIN_ALTERNATIONS = 4


def signing_secret(name: str) -> bool:
    """``SECRET_KEY``, ``app.secret_key`` (as ``secret_key``), ``JWT_SECRET``, ``WTF_CSRF_SECRET_KEY``,
    ``SIGNING_KEY``, ``FERNET_KEY``: a ``secret`` or ``key`` the application signs or encrypts with. A public value
    lets anyone forge its sessions and tokens, whatever the value looks like."""
    words = split_identifier(name)
    if not words or words[-1] not in ("secret", "key"):
        return False
    return words == ["secret"] or words[-2:] == ["secret", "key"] or bool(_SIGNING_WORDS & set(words[:-1]))


def machine_made(text: str) -> bool:
    """The value looks generated by a machine, as an issued key or token does: no whitespace, at least eight
    characters, and either it mixes lower case, upper case and digits (``"Zq81vLp0x"``) or it alternates between
    letters and digits at least four times (``"c97dd2acbf30..."``, ``"tk_9f8e7d6c5b4a"``). A person's typing
    (``"polar123456789"``, ``"bot-context"``, ``"demozoo:productions:without_release_date"``, ``"E2B_API_KEY"``)
    does neither."""
    if ISSUED_KEY.match(text):
        return True
    if len(text) < _MIN_LENGTH or any(char.isspace() for char in text):
        return False
    classes = sum(any(test(char) for char in text) for test in (str.islower, str.isupper, str.isdigit))
    if classes == 3:
        return True
    characters = [char for char in text if char.isalnum()]
    alternations = sum(
        first.isdigit() != second.isdigit() for first, second in zip(characters, characters[1:])
    )
    return alternations >= _MIN_ALTERNATIONS


_WORD_PASSWORD = lazy_compile(r"[A-Za-z]+(?:[-_. ][A-Za-z]+)*")


def word_password(text: str) -> bool:
    """The value is a word or words and nothing else (``"admin"``, ``"alpine"``, ``"tembatemba"``,
    ``"my-password"``): no digit, no symbol but the joints of words. A password a product or a developer set-up
    documents as its default is such a word; so is a placeholder. A password someone chose to keep
    (``"s3cr3t-Pa55"``, ``"hunter2"``) or a machine generated mixes in digits or symbols."""
    return _WORD_PASSWORD.fullmatch(text) is not None


_PATH_PLACEHOLDER = lazy_compile(r"\{[\w.\[\]]*\}|%\(\w+\)[sdr]|%[sdr]|<\w+>|\*")
"""A hole of a key template: ``{}``, ``{user_id}``, ``{self.pk}``, ``%s``, ``%(name)s``, ``<id>``, a ``*`` glob."""
_PATH_WORD = lazy_compile(r"(?:[a-z]+|[A-Z][a-z]*|[A-Z]+)\d{0,3}|\d{1,4}|v\d{1,3}|#")
"""One word of an identifier: letters in one case (a capital start allowed) with at most three digits after
(``v2``, ``md5``, ``2fa``-free); ``#``: where a template hole was. A random run (``9f8e7d6c``, ``tr0ub4dor``) is no
such word."""
_PATH_SEPARATORS = lazy_compile(r"[:/.]")


def identifier_path(text: str, word: str) -> bool:
    """``"demozoo:productions:without_release_date"``, ``"cache:user:{}"``, ``"session:%s"``, ``"api/v1/tokens"``,
    ``"myapp:"``: words joined by ``:``, ``/`` or ``.`` separators (a namespaced cache or Redis key, a lookup or
    storage key, a relative URL path, a key template with holes), every word a plain word. A secret is random
    (no such words) or one word (a weak password), never a namespace of words: the value names where something is
    kept. Under a ``key`` name (``master_list_key``, a cache key) one separator is enough; under a password,
    token or secret name, which a ``user:password`` pair may be, two separators or a template hole are needed."""
    if ISSUED_KEY.match(text):
        return False
    holed = _PATH_PLACEHOLDER.sub("#", text)
    segments = _PATH_SEPARATORS.split(holed)
    if segments and segments[-1] == "":
        segments.pop()  # "myapp:cache:": a prefix the code completes
    if len(segments) < 2 or any(not segment for segment in segments):
        return False
    for segment in segments:
        words = [piece for piece in re.split(r"[_-]", segment) if piece]
        if not words or not all(_PATH_WORD.fullmatch(piece) for piece in words):
            return False
    if not any(len(piece) >= 3 and piece.isalpha() and not piece.isupper()
               for segment in segments for piece in re.split(r"[_-]", segment)):
        return False  # ("ab:cd", "ABCD:EFGH": too little to read as words)
    return word == "key" or len(segments) >= 3 or "#" in holed


_ALGORITHM_WORDS = frozenset({
    "pbkdf2", "bcrypt", "argon2", "argon2id", "argon2i", "scrypt", "sha1", "sha224", "sha256", "sha384", "sha512",
    "sha3", "md5", "hmac", "crypt", "des", "aes", "gcm", "cbc", "hs256", "hs384", "hs512", "rs256", "rs384",
    "rs512", "es256", "es384", "es512", "ps256", "eddsa", "ed25519", "rsa", "ecdsa", "plaintext", "django",
    "ldap", "salted", "hex", "digest", "128", "256", "384", "512",
})


def names_algorithm(text: str) -> bool:
    """``"pbkdf2_sha512"``, ``"bcrypt_sha256"``, ``"HS256"``: a hashing or signing scheme's name, every word
    of it one of :data:`_ALGORITHM_WORDS` (at least one a scheme, not a number)."""
    words = [word for word in re.split(r"[^a-z0-9]+", text.lower()) if word]
    return bool(words) and all(word in _ALGORITHM_WORDS for word in words) and not all(w.isdigit() for w in words)


_DISTRIBUTION_METADATA = frozenset({"__version__", "__license__", "__authors__", "__author__"})


def plugin_client_key(cls: ast.ClassDef | None, text: str) -> bool:
    """``text`` is a key written in the body of a plugin a program distributes: a class that declares its own
    version and its licence or authors (``__version__ = "0.28"``, ``__license__ = "GPLv3"``), as the plugins of
    a downloader or a media manager do. The key such a plugin sends to its vendor's API is the program's own
    application key (Fshare's app key beside the app's user agent, a Google API key for YouTube): every install
    carries the same one and no operator could supply another, so it is shipped by design, not a deployment's
    secret. A vendor's *secret* key (:data:`SECRET_ISSUED_KEY`: ``sk_live_``, ``ghp_``, ``AKIA``...) grants an
    account's access and stays a credential there too."""
    if cls is None or SECRET_ISSUED_KEY.match(text):
        return False
    declared = {
        target.id
        for statement in cls.body if isinstance(statement, ast.Assign)
        for target in statement.targets if isinstance(target, ast.Name)
    }
    return "__version__" in declared and len(declared & _DISTRIBUTION_METADATA) >= 2
