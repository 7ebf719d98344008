"""BE503 hardcoded-secret: a literal secret in source code, where it leaks with every clone, fork and log.

Secrets belong in the environment or a secret store (twelve-factor config), so they can differ per deploy
and be rotated without a release. Flagged: a non-empty string literal assigned to, annotated into, used as
the default of a parameter, passed as a keyword, or stored under a dict key whose name is a secret
(``password``, ``SECRET_KEY``, ``api_key``, ``client_secret``, ``access_token``, ...: see
:mod:`backend_lint.analysis.secret_names`, which also keeps ``token_type``, ``TOKEN_URL`` and
``password_field`` out), plus ``{"Authorization": "Bearer <literal>"}``. Left alone: values read from
anywhere (only literals are flagged), empty strings and placeholders (``"changeme"``, ``"<token>"``,
``"${DB_PASSWORD}"``, ``"xxx"``, ``"dummy"``), values that are text rather than a credential (sentences,
URLs, paths, patterns, booleans, key names and labels such as ``PASSWORD = "password"`` or
``{"access_token": "password"}``), enum members, ``examples=`` data, and test modules. How the value is
bound matters: a bare ``"secret"`` assigned to ``JWT_SECRET`` is a weak secret, the same word as a dict
value maps one field name to another.
"""

from __future__ import annotations

import ast
import re

from backend_lint.analysis.secret_names import SECRET_WORDS, name_of, secret_word, split_identifier
from backend_lint.context import FileContext
from backend_lint.rule import Option, Rule, visits

_PLACEHOLDER_WORDS = frozenset(
    {"changeme", "change", "dummy", "placeholder", "example", "sample", "fake", "test", "testing", "your",
     "todo", "fixme", "replace", "redacted", "mask", "masked", "hidden", "none", "null", "undefined", "default",
     "insert", "enter", "put", "bearer", "basic", "jwt", "oauth", "oauth2", "notasecret", "not", "mock", "foo",
     "bar", "baz", "xxx", "string", "str", "text", "value"}
)
_TEMPLATE = re.compile(
    r"^(<.*>|\$\{.*\}|\$[A-Z_][A-Z0-9_]*|\{\{.*\}\}|\{[a-z_]*\}|%\(.*\)s|%s|\[.*\]|\*+|x+|\.+|-+)$", re.I
)
_PLACEHOLDER_PARTS = ("example", "changeme", "change_me", "change-me", "dummy", "placeholder", "xxxx", "****")
ASSIGN, KEYWORD, DEFAULT, DICT = "assign", "keyword", "default", "dict"
"""How a value is bound to its name: ``name = value``, ``f(name=value)``, ``def f(name=value)``, a dict item."""
_ALPHANUMERIC = re.compile(r"[^a-z0-9]")
_BARE_SECRETS = frozenset({"secret", "password", "passwd", "pass", "token", "key", "apikey"})
_LABEL = re.compile(r"^[A-Za-z_][A-Za-z_.:-]*$")
_DOTTED = re.compile(r"^[a-z_][a-z0-9_-]*(\.[\w-]+)+$")
_REGEX = re.compile(r"\[.*\]|\\[dswbDSW.]|\(\?|\$$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_BOOLEANS = frozenset({"true", "false", "yes", "no", "on", "off", "none", "null", "required", "optional"})
_NOT_CREDENTIAL = re.compile(r"\s|^[a-z][a-z0-9+.-]*://|^/|^\.{1,2}/|^[A-Z]:\\", re.I)


def is_placeholder(value: str) -> bool:
    """Empty, a template (``<...>``, ``${...}``), one repeated character, or made of placeholder words."""
    stripped = value.strip()
    if len(stripped) < 3 or _TEMPLATE.match(stripped) or len(set(stripped.lower())) == 1:
        return True
    if any(part in stripped.lower() for part in _PLACEHOLDER_PARTS):
        return True
    words = split_identifier(stripped)
    return bool(words) and (words[0] in _PLACEHOLDER_WORDS or all(w in _PLACEHOLDER_WORDS for w in words))


def _literal_text(value: ast.expr | None) -> str | None:
    if not isinstance(value, ast.Constant) or not isinstance(value.value, (str, bytes)):
        return None
    return value.value.decode("latin-1") if isinstance(value.value, bytes) else value.value


def _spaced_key(word: str, text: str) -> bool:
    """``SECRET_KEY = "super secret key"``: a short lowercase phrase used as a key, not a sentence or a label
    (``"Arc API key"``); only for assignments (see ``_secret_literal``)."""
    words = text.split()
    return (
        word in ("key", "secret")
        and 1 < len(words) <= 5
        and text == text.lower()
        and not text.rstrip().endswith((".", "?", "!", ":"))
    )


def _secret_literal(name: str, value: ast.expr | None, word: str, where: str) -> bool:
    """A string literal that could be a credential (not a placeholder, a sentence, a URL, a path or a label).

    ``word`` is the secret word of ``name``; ``where`` says how the value is bound (:data:`ASSIGN`,
    :data:`KEYWORD`, :data:`DEFAULT` or :data:`DICT`)."""
    text = _literal_text(value)
    if text is None:
        return False
    if where == ASSIGN and _spaced_key(word, text):
        return not is_placeholder(text.replace(" ", "-"))
    if is_placeholder(text) or _NOT_CREDENTIAL.search(text) or text.lower() in _BOOLEANS or text.isdigit():
        return False
    if _DOTTED.match(text) or _REGEX.search(text):
        return False  # a config property or module path ("fs.s3.cse.provider"), or a pattern
    return not (_LABEL.match(text) and _is_label(name, text, where))


def _is_label(name: str, text: str, where: str) -> bool:
    """A letters-only value that names something: ``PASSWORD = "password"``, ``"access_token"``,
    ``"X-API-Key"``, ``"csrftoken"`` under ``CSRF_TOKEN``, or an identifier-like ``"_sa_default"`` under an
    UPPER_CASE constant. Outside dicts (which often map field names: ``{"access_token": "password"}``), a bare
    lowercase secret word is a weak secret: ``SECRET_KEY = "secret"``, ``connect(password="password")``."""
    repeats_name = _ALPHANUMERIC.sub("", text.lower()) == _ALPHANUMERIC.sub("", name.lower())
    if repeats_name and (where == DICT or not name.islower()):  # PASSWORD = "password"; not password = "password"
        return True
    value_words = split_identifier(text)
    bare_secret = len(value_words) == 1 and value_words[0] in _BARE_SECRETS and text.isalpha() and text.islower()
    if bare_secret and where != DICT:
        return False
    words = {word.removesuffix("s") for word in value_words}
    if words & (SECRET_WORDS | {"key", "auth"}):
        return True
    lowered = text.lower()
    if any(len(word) >= 3 and word in lowered for word in split_identifier(name)):
        return True
    return name.isupper() and (any(char in text for char in "_.:") or not (text.islower() or text.isupper()))


def _documentation(node: ast.AST, ctx: FileContext) -> bool:
    """Inside an ``examples=``/``example=`` argument or an ``EXAMPLE``-named value: sample data for docs."""
    current = ctx.parent_of(node)
    while current is not None and not isinstance(current, ast.stmt):
        if isinstance(current, ast.keyword) and current.arg and "example" in current.arg.lower():
            return True
        current = ctx.parent_of(current)
    if isinstance(current, (ast.Assign, ast.AnnAssign)):
        targets = current.targets if isinstance(current, ast.Assign) else [current.target]
        return any("example" in (name_of(target) or "").lower() for target in targets)
    return False


def _test_module(ctx: FileContext) -> bool:
    return ctx.is_test_file or ctx.project_path.rsplit("/", 1)[-1] in ("test.py", "tests.py", "testing.py")


def _in_enum(ctx: FileContext) -> bool:
    """Inside an ``Enum``/``TextChoices`` class body, where members name things rather than hold them."""
    cls = ctx.scope.class_
    if cls is None or ctx.scope.function is not None:
        return False
    for base in cls.bases:
        written = base.attr if isinstance(base, ast.Attribute) else base.id if isinstance(base, ast.Name) else ""
        if written.endswith(("Enum", "Choices", "Flag")):
            return True
    return False


class HardcodedSecret(Rule):
    code = "BE503"
    name = "hardcoded-secret"
    message = "`{name}` is set to a hardcoded secret; read it from the environment or a secret store"
    triggers = (
        "pass", "pwd", "secret", "token", "key", "Key", "PASS", "SECRET", "TOKEN", "KEY", "credential", "uthorization"
    )
    options = (
        Option(
            "extra-secret-words",
            list,
            [],
            "more words that name a secret when they end a name (for example `pin`)",
        ),
    )

    def _secret_word(self, name: str) -> str | None:
        extra = self.option("extra-secret-words")
        return secret_word(name, SECRET_WORDS | set(extra) if extra else SECRET_WORDS)

    def _credential(self, name: str, value: ast.expr | None, where: str) -> bool:
        """Whether ``value`` is a credential literal bound to the secret name ``name``."""
        if name.lower() == "authorization":  # {"Authorization": "Bearer <literal token>"}
            scheme, _, credential = (_literal_text(value) or "").partition(" ")
            return scheme.lower() in ("bearer", "token", "basic") and _secret_literal(
                name, ast.Constant(credential), "token", DICT
            )
        word = self._secret_word(name) if _NAME.match(name) else None
        return word is not None and _secret_literal(name, value, word, where)

    def _check(
        self, ctx: FileContext, name: str | None, value: ast.expr | None, at: ast.AST, visited: ast.AST, where: str
    ) -> None:
        """Report ``at`` when ``name`` is a secret's and ``value`` a credential literal (``visited``: the node
        whose callback runs, the one with a known parent)."""
        if (
            name is not None
            and self._credential(name, value, where)
            and not _test_module(ctx)
            and not _in_enum(ctx)
            and not _documentation(visited, ctx)
        ):
            self.report(ctx, at, name=name)

    @visits(ast.Assign)
    def check_assign(self, node: ast.Assign, ctx: FileContext) -> None:
        for target in node.targets:
            self._check(ctx, name_of(target), node.value, node, node, ASSIGN)

    @visits(ast.AnnAssign)
    def check_annotated(self, node: ast.AnnAssign, ctx: FileContext) -> None:
        self._check(ctx, name_of(node.target), node.value, node, node, ASSIGN)

    @visits(ast.keyword)
    def check_keyword(self, node: ast.keyword, ctx: FileContext) -> None:
        name = node.arg
        if name == "default":  # api_key: str = Field(default="...") names the value by its field
            call = ctx.parent
            statement = ctx.parent_of(call) if call is not None else None
            if isinstance(statement, ast.AnnAssign) and statement.value is call:
                name = name_of(statement.target)
        call = ctx.parent
        mapping = isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "dict"
        self._check(ctx, name, node.value, node, node, DICT if mapping else KEYWORD)

    @visits(ast.Dict)
    def check_dict(self, node: ast.Dict, ctx: FileContext) -> None:
        for key, value in zip(node.keys, node.values):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                self._check(ctx, key.value, value, key, node, DICT)

    @visits(ast.arguments)
    def check_defaults(self, node: ast.arguments, ctx: FileContext) -> None:
        positional = [*node.posonlyargs, *node.args]
        pairs = list(zip(positional[len(positional) - len(node.defaults):], node.defaults))
        pairs += [(arg, default) for arg, default in zip(node.kwonlyargs, node.kw_defaults) if default is not None]
        for arg, default in pairs:
            self._check(ctx, arg.arg, default, default, node, DEFAULT)
