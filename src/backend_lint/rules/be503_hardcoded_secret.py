"""BE503 hardcoded-secret: a literal secret in source code, where it leaks with every clone, fork and log.

Secrets belong in the environment or a secret store (twelve-factor config), so they can differ per deploy
and be rotated without a release. A finding needs the evidence that the literal is such a secret (:func:`_evidence`):
the application's own signing or encryption secret, a vendor-issued secret key by its format, a private key, a
literal ``Authorization`` header, or a machine-made key in the application's configuration. Passwords and other keys
(mostly development defaults, public defaults and client keys shipped on purpose) need ``report-credentials``.
Candidates: a non-empty string literal assigned to, annotated into, used as
the default of a parameter, passed as a keyword, or stored under a dict key whose name is a secret
(``password``, ``SECRET_KEY``, ``api_key``, ``client_secret``, ``access_token``, ...: see
:mod:`backend_lint.analysis.secret_names`, which also keeps ``token_type``, ``TOKEN_URL`` and
``password_field`` out), plus ``{"Authorization": "Bearer <literal>"}``. Left alone: values read from
anywhere (only literals are flagged), empty strings and placeholders (``"changeme"``, ``"<token>"``,
``"${DB_PASSWORD}"``, ``"xxx"``, ``"dummy"``), values that are text rather than a credential (sentences,
URLs, paths, patterns, booleans, identifier-shaped values (``"demozoo:productions:without_release_date"``:
a cache key's name, words joined by ``:``/``/``/``.``, template holes allowed), key names and labels such as
``PASSWORD = "password"`` or
``{"access_token": "password"}``), enum members, ``examples=`` data, and test modules. How the value is
bound matters: a bare ``"secret"`` assigned to ``JWT_SECRET`` is a weak secret, the same word as a dict
value maps one field name to another. A module-level constant that the project compares with ``==``/``!=``
(``if app.config["SECRET_KEY"] == default_settings.SECRET_KEY: warn(...)``) is a sentinel the application checks
for, left alone through the project model (:mod:`backend_lint.analysis.sentinels`). So are the values of
settings that say they are for local development (``DockerBaseSettings``: "Settings for local development with
Docker") and the defaults of a function that seeds a development set-up (``create_dev_user``, "intended for dev
clusters"), and the environment fallbacks of settings whose ``DEBUG`` falls back to on (a developer's run by
default): :mod:`backend_lint.analysis.dev_only`; and code whose literals the code itself says are a developer's (a
settings template whose own ``SECRET_KEY`` is a placeholder, a management command for development or testing, a
main-guard demo that serves no app): :mod:`backend_lint.analysis.dev_seeds`. So is the settings block of a tool the
module switches off (``ENABLE_FLASK_PROFILER = False``): :mod:`backend_lint.analysis.disabled_tools`. Through the
project model too: a settings module named for the documentation build that no deployment runs
(``docs_settings.py``: :func:`~.project.settings_conditions.unnamed_settings`), and a one-word setting
(``SECRET``; libraries read only their own prefixed keys) that no module of the application reads
(:func:`~.project.settings_conditions.unread_setting`), and a base settings module's literal that the
production settings built on it (``from .base import *``) replace from the environment, the project naming the base
nowhere as a settings module it runs (etools' ``base.py`` ``SECRET_KEY``, "only used locally":
:func:`~backend_lint.analysis.project.app_conditions.replaced_setting`); and the defaults of a configuration object
the application loads under the deployment's own file (FlaskBB's ``DefaultConfig``: :mod:`.config_layers`) or of a
settings module that runs the operator's file last (DMOJ's ``exec`` of ``local_settings.py``).
"""

from __future__ import annotations

import ast
import re

from backend_lint.analysis.app_credentials import unsigning_local_app
from backend_lint.analysis.ast_helpers import assigned_values
from backend_lint.analysis.config_layers import config_layer
from backend_lint.analysis.credential_values import (
    ISSUED_KEY,
    PASSWORD_WORDS,
    SECRET_ISSUED_KEY,
    identifier_path,
    is_placeholder,
    machine_made,
    names_algorithm,
    plugin_client_key,
    signing_secret,
    word_password,
)
from backend_lint.analysis.dead_values import overwritten_before_read
from backend_lint.analysis.dev_only import debug_on_by_default, development_seed_function, development_settings_class
from backend_lint.analysis.dev_seeds import demo_block, development_command, placeholder_settings
from backend_lint.analysis.disabled_tools import switched_off_block
from backend_lint.analysis.env_names import names_environment_variable
from backend_lint.analysis.hand_run_scripts import run_by_hand, started_by_hand
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.module_roles import benchmark_code, module_roles, non_production_code
from backend_lint.analysis.project.app_conditions import lint_allows_secret, replaced_setting
from backend_lint.analysis.project.conditions import ProjectFact, test_support
from backend_lint.analysis.project.roots import path_in_project
from backend_lint.analysis.project.settings_conditions import (
    compared_default,
    published_setting,
    unnamed_settings,
    unread_setting,
)
from backend_lint.analysis.sample_places import (
    example_value,
    in_enum,
    not_shipped,
    sample_function,
    sample_name,
    under_documentation,
)
from backend_lint.analysis.secret_names import SECRET_WORDS, name_of, secret_word, split_identifier
from backend_lint.analysis.sentinels import compared_in_file
from backend_lint.analysis.settings import (
    PRODUCTION,
    documentation_settings_name,
    is_settings_path,
    module_kind,
    settings_module,
)
from backend_lint.analysis.values import origin
from backend_lint.context import FileContext
from backend_lint.noqa import reviewed_by_peer
from backend_lint.rule import Option, Rule, visits

_PUBLIC_DEFAULTS = frozenset({"postgres", "guest", "minioadmin", "mysecretpassword"})
"""The documented out-of-the-box credentials of PostgreSQL's, RabbitMQ's and MinIO's images (and the password the
PostgreSQL image's documentation runs it with): as the fallback of an environment variable they point a local
set-up at those defaults, they hide nothing. So does a bare secret word (``os.getenv("LDAP_PASSWORD",
"password")``): the fallback says which value to set, it is no one's password."""
_CONVENTIONAL_PASSWORDS = frozenset({"infected"})
"""Passwords that are public by convention: ``"infected"`` locks archives of malware samples so that nothing opens
or scans them by accident, and every analyst is meant to know it."""
_ENUM_WORDS = frozenset({"type", "types", "kind", "choice", "choices", "category", "mode",
                         "pk", "column", "field", "attr", "param", "claim", "header"})
"""Words of an UPPER_CASE constant that make it an enumeration value (``TYPE_TOKEN = "token"``) or the name of a
column, field or header (``PK_TOKEN = "token"``: the primary-key column lookups use)."""
_AUTH_METHODS = frozenset({"oidc", "ldap", "saml", "oauth", "oauth2", "sso", "kerberos", "openid"})
"""An authentication method's name stored in a password field (``"password": "OIDC"``): the marker of an account
that logs in elsewhere, which credential login refuses, not a password."""
_RELATIVE_PATH = lazy_compile(r"^(?:[A-Za-z0-9_.-]+/)+$")
"""``"authtoken/"``, ``"api/v2/tokens/"``: a relative URL path (an endpoint table's entry), ending in ``/``."""
_IDENTIFIER = lazy_compile(r"^[a-z][a-z0-9_-]{0,30}$")
_OTHER_LINTERS = frozenset({"S105", "S106", "S107"})
_BANDIT_CODES = frozenset({"B105", "B106", "B107"})
_SNAKE_NAME = lazy_compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
"""bandit's and ruff's codes for a hardcoded password string, argument and default: a reviewed decision."""
_ENV_READERS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault", "decouple.config"})
_ENV_HELPERS = frozenset({"getenv", "get_env", "get_env_variable", "env_var"})
_ENV_OBJECTS = ("environ.Env()", "environs.Env()")
_JWT_SIGNERS = frozenset({"jwt.encode", "jwt.decode", "jose.jwt.encode", "jose.jwt.decode"})
ASSIGN, KEYWORD, DEFAULT, DICT, ENV = "assign", "keyword", "default", "dict", "env"
"""How a value is bound to its name: ``name = value``, ``f(name=value)``, ``def f(name=value)``, a dict item,
the fallback of an environment variable (``os.getenv("DB_PASSWORD", "value")``)."""
_ALPHANUMERIC = lazy_compile(r"[^a-z0-9]")
_BARE_SECRETS = frozenset({"secret", "password", "passwd", "pass", "token", "key", "apikey"})
_LABEL = lazy_compile(r"^[A-Za-z_][A-Za-z_.:-]*$")
_DOTTED = lazy_compile(r"^[a-z_][a-z0-9_-]*(\.[\w-]+)+$")
_REGEX = lazy_compile(r"\[.*\]|\\[dswbDSW.]|\(\?|\$$|\(\.[*+]\??\)|^\^.*\.[*+]")
"""Regular-expression syntax: a character class, an escape class, an extension group, an end anchor, a group
capturing any text (``(.*)``) or a start anchor followed by a wildcard (infrahub's askpass ``REGEX_PASSWORD``,
``^Password.*`` with ``(.*)`` groups, which parses git's prompt): a pattern, no password."""
_NAME = lazy_compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_BOOLEANS = frozenset({"true", "false", "yes", "no", "on", "off", "none", "null", "required", "optional"})
_NOT_CREDENTIAL = lazy_compile(r"^[a-z][a-z0-9+.-]*://|^/|^\.{1,2}/|^[A-Z]:\\|^\.+[a-z_]\w*(?:\.\w+)*$", re.I)
"""A URL, an absolute or relative path, or a relative module (``".types"``: a generated client's table of lazy
imports, ``{"ActionBlockParametersItem_AwsSecret": ".types", ...}``)."""
_PROSE = lazy_compile(r"\S[ \t]+\S")
"""Words separated by spaces: a sentence or a label. A key whose only whitespace is an escaped ``\\n`` (a
generated key that spans lines) is not prose."""
_PRIVATE_KEY = lazy_compile(r"-----BEGIN [A-Z ]*PRIVATE KEY(?: BLOCK)?-----")
_KEY_BODY = lazy_compile(r"[A-Za-z0-9+/=]{16}")
"""Base64 of a key's body (64 characters a line in PEM): what makes a PEM text a key rather than its header."""


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
    header = _PRIVATE_KEY.search(text)
    if header:
        # the key itself follows its header; the header alone is a pattern or marker (a secret scanner's
        # ``"rsa_private_key": r"-----BEGIN RSA PRIVATE KEY-----"``), no key
        return bool(_KEY_BODY.search(text[header.end():]))
    if where == ASSIGN and _spaced_key(word, text):
        return not is_placeholder(text.replace(" ", "-"))
    if where == ENV and (text.lower() in _PUBLIC_DEFAULTS or text in _BARE_SECRETS):
        return False
    if text in _CONVENTIONAL_PASSWORDS:
        return False
    if is_placeholder(text) or _NOT_CREDENTIAL.search(text) or text.lower() in _BOOLEANS or text.isdigit():
        return False
    if _RELATIVE_PATH.match(text) or (text.isupper() and text.lower() in _AUTH_METHODS):
        return False
    if names_algorithm(text):
        return False  # ``SECURITY_PASSWORD_HASH = "pbkdf2_sha512"``: which scheme, not a secret
    if _PROSE.search(text) or _enumeration(name, text):
        return False
    if _DOTTED.match(text) or _REGEX.search(text):
        return False  # a config property or module path ("fs.s3.cse.provider"), or a pattern
    if _CONDITION.fullmatch(text):
        return False  # ``"sms_provider=ovh"``: when a form shows the field, not its value
    if identifier_path(text, word):
        return False  # ``"demozoo:productions:without_release_date"``: a key's name, not a key
    if names_environment_variable(name, text):
        return False  # ``ENV_E2B_API_KEY = "E2B_API_KEY"``: where the key is read from, not the key
    if not name.islower() and not signing_secret(name) \
            and _ALPHANUMERIC.sub("", text.lower()) == _ALPHANUMERIC.sub("", name.lower()):
        return False  # ``NEO4J_PASSWORD = "neo4j_password"``: a constant spelling its own name is a config key's name
    return not (_LABEL.match(text) and _is_label(name, text, where))


_CONDITION = lazy_compile(r"[a-z][a-z0-9_]*=[a-z0-9_]+(?:[&,][a-z][a-z0-9_]*=[a-z0-9_]+)*")
"""``field=value`` conditions joined by ``&`` (modoboa's ``visibility_rules``: ``"sms_provider=ovh"``): which
setting shows a field, keyed by the field's name."""

def _enumeration(name: str, text: str) -> bool:
    """``TYPE_TOKEN = "token"``, ``KEY_TYPE_SECRET = "sec"``: an UPPER_CASE constant named for a kind, holding a
    short lowercase identifier, is one value of an enumeration."""
    return name.isupper() and bool(_ENUM_WORDS & set(split_identifier(name))) and bool(_IDENTIFIER.match(text))


def _name_parts(name: str) -> list[str]:
    """The words of a name (3 letters or more) and the 4-letter abbreviations of its long words (``pass`` for
    ``password``, ``data`` for ``database``): a value spelled from them names the setting, as a label does."""
    words = [word for word in split_identifier(name) if len(word) >= 3]
    return words + [word[:4] for word in words if len(word) >= 6]


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
    if where != ENV and any(part in lowered for part in _name_parts(name)):
        # CSRF_TOKEN = "csrftoken", DATABASE_PASSWORD = "shopdbpass"; an environment fallback named after its
        # service is a password
        return True
    return name.isupper() and (any(char in text for char in "_.:") or not (text.islower() or text.isupper()))


_KEY_NAMESPACES = frozenset({"conf", "config", "cfg", "option", "opt", "setting", "attr", "attribute", "field", "param",
                             "arg", "prop", "property", "label", "col", "column", "header", "claim", "key"})
"""First words of a constant that names a key (``CONF_PASSWORD``, ``ATTR_TOKEN``, ``FIELD_API_KEY``)."""


def _tail_repeated(name: str, text: str) -> list[str] | None:
    """The prefix words of ``name`` when ``text`` spells the rest of it (``CONF_PASSWORD = "password"``,
    ``CONF_API_KEY = "api-key"``): the value names the key the constant stands for. ``None`` otherwise."""
    if not name.isupper():
        return None
    words = split_identifier(name)
    spelled = _ALPHANUMERIC.sub("", text.lower())
    for cut in range(1, len(words)):
        if spelled and spelled == "".join(words[cut:]):
            return words[:cut]
    return None


def _statement_pair(statement: ast.stmt) -> tuple[str, str] | None:
    """``NAME = "text"`` or ``NAME: Final[str] = "text"``: the constant's name and text."""
    targets, value = assigned_values(statement)
    if len(targets) != 1 or value is None:
        return None
    target, text = targets[0], _literal_text(value)
    return (target.id, text) if isinstance(target, ast.Name) and text is not None else None


def _key_name_constant(statement: ast.stmt, ctx: FileContext) -> bool:
    """A constant of a table of key names: its value spells its own name without a prefix (``CONF_PASSWORD =
    "password"``, plain or annotated, at module or class level), and the prefix says it names a key (``CONF``,
    ``ATTR``, ``FIELD``...) or two more constants of the same body with that prefix do the same
    (``CONF_PORT = "port"``, ``CONF_SERVER_ID = "server_id"``). A credential is never its own name's tail."""
    pair = _statement_pair(statement)
    prefix = _tail_repeated(*pair) if pair else None
    if prefix is None:
        return False
    if prefix[0] in _KEY_NAMESPACES:
        return True
    parent = ctx.parent_of(statement)
    body = getattr(parent, "body", None) or []
    siblings = 0
    for other in body:
        other_pair = _statement_pair(other) if other is not statement else None
        if other_pair and _tail_repeated(*other_pair) == prefix:
            siblings += 1
    return siblings >= 2


def _maps_names(node: ast.Dict) -> bool:
    """``{"smtp_host": "mail_settings", "smtp_password": "mail_settings", ...}``: every value (three or more) is a
    snake_case name, and a value repeats or most have an underscore: a map from field names to field or setting
    names (pretalx's ``json_fields``), not credentials (``{"user": "admin", "password": "hunter_two", ...}``
    is neither)."""
    values = [value.value for value in node.values if isinstance(value, ast.Constant) and isinstance(value.value, str)]
    if len(values) < 3 or len(values) != len(node.values) or not all(_SNAKE_NAME.match(value) for value in values):
        return False
    return len(set(values)) < len(values) or 2 * sum("_" in value for value in values) > len(values)


def _documentation_tree(ctx: FileContext, value: ast.expr | None) -> bool:
    """A module of the project's documentation tree (a top folder ``docs/``, ``internal_docs/``, ``tutorials/``...)
    or of its examples and demos (:func:`module_roles` ``.example``: ``examples/``, ``demo/``): code written to be
    read and copied, run against sample data, deployed nowhere. A key a vendor issued (:data:`ISSUED_KEY`) is a
    real credential wherever it is written and stays reported."""
    if not (module_roles(ctx).example or under_documentation(ctx.display_path)):
        return False
    text = _literal_text(value)
    return text is None or not ISSUED_KEY.match(text)


def _reviewed_elsewhere(node: ast.AST, ctx: FileContext) -> bool:
    """A ``# noqa: S105``/``S106``/``S107`` or ``# nosec B105``/``B106``/``B107`` on the node's lines: ruff's or
    bandit's reviewers already decided."""
    first = getattr(node, "lineno", 0)
    last = getattr(node, "end_lineno", None) or first
    return reviewed_by_peer(ctx.lines, first, last, _OTHER_LINTERS, _BANDIT_CODES)


def _environment_variable(call: ast.Call, ctx: FileContext) -> str | None:
    """The variable name when ``call`` reads the environment with a fallback: ``os.getenv("X", ...)``,
    ``os.environ.get``, ``decouple.config``, a django-environ/environs ``env(...)``/``env.str(...)``, or a
    project helper named ``get_env``/``getenv``."""
    if not call.args:
        return None
    first = call.args[0]
    if not isinstance(first, ast.Constant) or not isinstance(first.value, str):
        return None
    func = call.func
    if ctx.imports.resolve(func) in _ENV_READERS:
        return first.value
    written = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if written in _ENV_HELPERS:
        return first.value
    reader = func.value if isinstance(func, ast.Attribute) else func
    return first.value if (origin(reader, ctx) or "").startswith(_ENV_OBJECTS) else None


def _script_fallback(value: ast.expr, ctx: FileContext) -> tuple[ProjectFact, ...] | None:
    """The environment fallback ``value`` is given by a developer script run by hand (under ``scripts/``, code
    that only its main guard reaches: :func:`.hand_run_scripts.run_by_hand`, or the module-level code of such a
    program no other module imports: :func:`.hand_run_scripts.started_by_hand`): ``os.environ.setdefault(
    "POSTGRES_PASSWORD", "...")`` so that the developer's own run reaches the local database when their shell does
    not set the variable. The literal configures that run, not a deployment: ``()`` when nothing more must hold,
    the project facts that must (no other module imports the function), ``None`` when it is no such fallback or
    the literal is a key a vendor issued."""
    text = _literal_text(value)
    if text is None or ISSUED_KEY.match(text):
        return None
    found = run_by_hand(ctx, ctx.scope)
    # module-level set-up of such a script (``os.environ.setdefault("SECRET_KEY", "docs-only")`` before
    # ``django.setup()``): it runs when the developer starts the file, unless another module imports it
    return found if found is not None else started_by_hand(ctx, ctx.scope)


class HardcodedSecret(Rule):
    code = "BE503"
    name = "hardcoded-secret"
    message = "`{name}` is set to a hardcoded secret; read it from the environment or a secret store"
    triggers = (
        "pass", "pwd", "secret", "token", "key", "Key", "PASS", "SECRET", "TOKEN", "KEY", "credential", "uthorization",
        "jwt",
    )
    needs = (module_roles, settings_module, non_production_code, benchmark_code, compared_in_file, origin,
             compared_default, run_by_hand, started_by_hand, published_setting, unnamed_settings, unread_setting,
             placeholder_settings, development_command, demo_block, switched_off_block, lint_allows_secret,
             replaced_setting, unsigning_local_app)
    module_facts = (test_support,)
    options = (
        Option(
            "extra-secret-words",
            list,
            [],
            "more words that name a secret when they end a name (for example `pin`)",
        ),
        Option(
            "report-credentials",
            bool,
            False,
            "also report passwords, tokens and keys without the evidence a signing secret, a vendor's secret key or "
            "a machine-made key in the application's configuration gives (mostly development defaults, a vendor's "
            "client keys shipped on purpose, demo data)",
        ),
        Option(
            "report-word-passwords",
            bool,
            False,
            "also report passwords made of letters alone (`\"admin\"`, `\"alpine\"`): mostly public defaults",
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
        if _literal_text(value) is None:
            return False  # (the cheap test before splitting the name: most values bound are no literal)
        word = self._secret_word(name) if _NAME.match(name) else None
        return word is not None and _secret_literal(name, value, word, where) \
            and _works_as(name, word, value, bool(self.option("report-word-passwords")))

    def _check(
        self, ctx: FileContext, name: str | None, value: ast.expr | None, at: ast.AST, visited: ast.AST, where: str,
        facts: tuple[ProjectFact, ...] = (),
    ) -> None:
        """Report ``at`` when ``name`` is a secret's and ``value`` a credential literal (``visited``: the node
        whose callback runs, the one with a known parent)."""
        if (
            name is not None
            and self._credential(name, value, where)
            and (self.option("report-credentials") or _evidence(name, value, ctx))
            and not not_shipped(ctx)
            and not non_production_code(ctx)
            and not in_enum(ctx)
            and not example_value(visited, ctx)
            and not sample_function(ctx)
            and not development_settings_class(ctx)
            and not development_seed_function(ctx)
            and not isinstance(ctx.scope.function, ast.Lambda)
            and not sample_name(name)
            and not _reviewed_elsewhere(at, ctx)
            and not _documentation_tree(ctx, value)
            and not _plugin_key(name, value, ctx)
            and not compared_in_file(ctx, _literal_text(value))
            and not _replaced_before_read(visited, ctx)
            and not switched_off_block(visited, ctx)
            and not (where == ENV and debug_on_by_default(ctx, lambda call: _environment_variable(call, ctx)))
        ):
            module_constant = where == ASSIGN and ctx.scope.outer is None and bool(ctx.module)
            unless = (compared_default(f"{ctx.module}.{name}"),) if module_constant else ()
            if ctx.module and documentation_settings_name(ctx.role_path):
                unless = (*unless, unnamed_settings(ctx.module))  # Sphinx's settings, run by no deployment
            if module_constant and settings_module(ctx).is_settings and len(split_identifier(name)) == 1:
                # ``SECRET = "..."`` that no module reads; a library reads only its own prefixed keys (SECRET_KEY)
                unless = (*unless, unread_setting(f"{ctx.module}.{name}"))
            if module_constant and name.isupper() and settings_module(ctx).kind == PRODUCTION \
                    and settings_module(ctx).is_settings:
                unless = (*unless, published_setting(name))  # rendered into every page: public by design
                # a base value that the deployed settings (``from .base import *``) replace from the environment
                unless = (*unless, replaced_setting(f"{ctx.module}.{name}"))
            if where == ASSIGN:  # a default the deployment's own file replaces (``from_object`` then ``from_pyfile``)
                unless = (*unless, *config_layer(ctx))
            relative = path_in_project(ctx.display_path)
            if relative is not None:  # ruff's or flake8's S105-S107 ignored for this file by its maintainers
                unless = (*unless, lint_allows_secret(relative))
            self.report(ctx, at, name=name, unless=(*unless, *facts))

    @visits(ast.Assign)
    def check_assign(self, node: ast.Assign, ctx: FileContext) -> None:
        if _key_name_constant(node, ctx):
            return
        for target in node.targets:  # ``mapping["password"] = "password"``: an item, read as a dict's
            if unsigning_local_app(target, ctx):
                continue  # the secret of a Flask app a function makes and keeps, in a module that signs nothing
            where = DICT if isinstance(target, ast.Subscript) else ASSIGN
            self._check(ctx, name_of(target), node.value, node, node, where)

    @visits(ast.AnnAssign)
    def check_annotated(self, node: ast.AnnAssign, ctx: FileContext) -> None:
        if _key_name_constant(node, ctx):
            return
        self._check(ctx, name_of(node.target), node.value, node, node, ASSIGN)

    @visits(ast.keyword)
    def check_keyword(self, node: ast.keyword, ctx: FileContext) -> None:
        name = node.arg
        call = ctx.parent
        if name == "default" and isinstance(call, ast.Call):
            variable = _environment_variable(call, ctx)
            if variable is not None:  # env("DB_PASSWORD", default="...")
                script = _script_fallback(node.value, ctx)
                if script != ():
                    self._check(ctx, variable, node.value, node, node, ENV, script or ())
                return
            statement = ctx.parent_of(call)  # api_key: str = Field(default="...") names the value by its field
            if isinstance(statement, ast.AnnAssign) and statement.value is call:
                name = name_of(statement.target)
        mapping = isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "dict"
        self._check(ctx, name, node.value, node, node, DICT if mapping else KEYWORD)

    @visits(ast.Call)
    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        """``os.getenv("DB_PASSWORD", "literal")``: a fallback secret that ships; ``jwt.encode(claims, "key")``."""
        if len(node.args) < 2:
            return
        variable = _environment_variable(node, ctx)
        if variable is not None:
            script = _script_fallback(node.args[1], ctx)
            if script != ():
                self._check(ctx, variable, node.args[1], node.args[1], node, ENV, script or ())
        elif ctx.imports.resolve(node.func) in _JWT_SIGNERS:
            key = node.args[1]
            if _secret_literal("key", key, "key", KEYWORD) and not not_shipped(ctx) and not sample_function(ctx):
                self.report(ctx, key, name=f"{dotted_name(node.func) or 'jwt.encode'} key")

    @visits(ast.Dict)
    def check_dict(self, node: ast.Dict, ctx: FileContext) -> None:
        if _maps_names(node):
            return
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


def _works_as(name: str, word: str, value: ast.expr | None, word_passwords: bool) -> bool:
    """The evidence the kind of secret needs (:mod:`.credential_values`): a signing secret is in effect whatever its
    value; a password must be more than a word (``"admin"``, ``"alpine"``: a product's or a developer set-up's
    public default, reported only with ``word_passwords``, the ``report-word-passwords`` option); a key, token or
    credential a machine issued must look machine-made (a person's ``"polar123456789"`` or ``"bot-context"`` is a
    development value or a placeholder), or hold a private key."""
    text = _literal_text(value) or ""
    if signing_secret(name):
        return True
    if word in PASSWORD_WORDS:
        return word_passwords or not word_password(text)
    return machine_made(text) or bool(_PRIVATE_KEY.search(text))


_LIVE_KEY = lazy_compile(r"^[a-z]+_live_")
"""``tk_live_...``, ``shippo_live_...``: a vendor's key format that says it is for the live (production) account."""
_CONFIGURATION_STEMS = frozenset({"config", "conf", "configuration", "settings", "default_config", "default_settings",
                                  "app_config", "defaults"})
"""Names of a module that holds an application's configuration (beside Django's settings modules)."""


def _configuration(ctx: FileContext) -> bool:
    """The value is configuration the application ships: bound at module level or in a class body (a pydantic
    ``Settings``, a ``ProductionConfig``) of a settings or config module (``settings.py``, ``config.py``,
    ``config/``...) that is neither for tests nor for development by its name."""
    if ctx.scope.function is not None or module_kind(ctx.role_path) != PRODUCTION:
        return False
    parts = ctx.role_path.split("/")
    stem = parts[-1].removesuffix(".py")
    return is_settings_path(ctx.role_path) or stem in _CONFIGURATION_STEMS or stem.endswith("_config") \
        or (len(parts) > 1 and parts[-2] in ("config", "conf"))


def _evidence(name: str, value: ast.expr | None, ctx: FileContext) -> bool:
    """The evidence a literal is a secret a maintainer must move (the rule's core; ``report-credentials`` waives
    it): the application's own signing or encryption secret (:func:`.credential_values.signing_secret`: whoever
    reads the source forges its sessions and tokens), a secret key a vendor issued (``sk_live_``, ``ghp_``,
    ``AKIA``...), a private key, a literal ``Authorization`` header the code sends, a machine-made key marked live
    by its vendor's format (``tk_live_4fG7...``), or a machine-made key or token (not a password) in the
    application's shipped configuration (``SHIPPO_API_KEY = "shippo_live_9f8A..."`` in ``config.py``). On real
    code a password (``"admin"``, ``"polar123456789"``) or a key in a provider module (a search engine's scraped
    public key, a downloader plugin's client key) was mostly a development default, a product's public default or
    a vendor's client key shipped on purpose: left alone."""
    text = _literal_text(value) or ""
    if signing_secret(name) or SECRET_ISSUED_KEY.match(text) or _PRIVATE_KEY.search(text):
        return True
    if name.lower() == "authorization":
        return True  # {"Authorization": "Bearer <token>"}: the code sends it to authenticate
    if secret_word(name) in PASSWORD_WORDS or not machine_made(text):
        return False
    return bool(_LIVE_KEY.search(text)) or _configuration(ctx)


def _plugin_key(name: str, value: ast.expr | None, ctx: FileContext) -> bool:
    """A key or token (not a password, not a signing secret) in the class body of a plugin the program
    distributes (:func:`.credential_values.plugin_client_key`): the program's own application key for a vendor."""
    word = secret_word(name)
    cls = ctx.scope.class_ if ctx.scope.function is None else None
    text = _literal_text(value) or ""
    return word not in PASSWORD_WORDS and not signing_secret(name) and plugin_client_key(cls, text)


def _replaced_before_read(statement: ast.AST, ctx: FileContext) -> bool:
    """``password = 'invalid'`` replaced before any read: a sentinel, never used (asked last, once the rest says
    the literal is a credential: it reads the statements after it); or a module's default that the operator's
    file the module runs last replaces (DMOJ's ``SECRET_KEY`` before its ``exec`` of ``local_settings.py``)."""
    if isinstance(statement, ast.Assign) and ctx.scope.outer is None \
            and settings_module(ctx).overridden_locally(statement.lineno):
        return True
    return isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
        and isinstance(statement.targets[0], ast.Name) \
        and overwritten_before_read(statement, statement.targets[0].id, ctx.parent_of(statement))
