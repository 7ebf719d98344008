"""How an application authenticates and where it writes its output, read per module for the project model.

Some findings are false for a reason no single file shows: it is a fact of the whole application. This module
reads, for each module's summary, the evidence such facts are made of; :class:`~.project.model.ProjectModel`
adds it up.

- **Ambient credentials** (BE505). A browser attaches cookies, and HTTP Basic/Negotiate credentials it has
  cached, to every request to the site, whoever's page made it; that is what a credentialed wildcard CORS policy
  hands to a foreign page. A header the application's own script sets (``Authorization: Bearer ...``,
  ``X-API-Key``) is never attached by the browser on its own. :func:`auth_traits` records
  :data:`AMBIENT_AUTH` for any mention of cookies or sessions (``set_cookie``, ``request.cookies``,
  ``request.session``, ``SessionMiddleware``, Flask's ``session``, Flask-Login, Django's sessions and
  ``SessionAuthentication``, ``APIKeyCookie``, a cookie transport) or of Basic authentication (``HTTPBasic``,
  ``WWW-Authenticate``), or of an identity header an authenticating proxy fills from its own cookie
  (``REMOTE_USER``, ``X-Forwarded-User``). The finding needs that evidence; the reading is deliberately wide:
  any mention keeps it. :data:`AMBIENT_IN_CLASSES` adds that
  every mention sits inside a top-level class (rucio's ``GSS`` and ``x509`` sign-in views): the module's
  functions and body, what serves every view, name none.
- **CSRF validated by the application itself** (BE512). :data:`VALIDATES_CSRF`: the module calls Flask-WTF's
  ``validate_csrf(...)`` or a CSRF extension's ``protect()`` (``csrf.protect()``): the check switched off
  globally is run where the application accepts forms.
- **Logging at all** (BE401). :data:`LOGS`: the module makes a logging call or gets a logger (``getLogger``,
  ``get_logger``, ``logging.info(...)``, ``logger.warning(...)``, structlog, loguru). :func:`print_count` counts
  its ``print(`` calls. An application that logs nowhere and prints in many modules uses standard output as its
  log channel by design (:func:`~.project.app_conditions.print_convention`).
- **Celery's worker stdout sent to logging on purpose** (BE401). :data:`REDIRECTS_STDOUT`: the module sets
  ``worker_redirect_stdouts``/``CELERY_WORKER_REDIRECT_STDOUTS`` to ``True`` or chooses the level the redirected
  lines are logged at (``..._REDIRECT_STDOUTS_LEVEL``); :data:`KEEPS_STDOUT`: it sets the redirect to ``False``.
  Celery's default is on, but judged on real code a task's print in a project that never mentions the setting was
  a missing log line (lemur); one that configures it has made stdout a log channel of its tasks.
- **The root logger as the application's log** (BE404). :data:`MODULE_LOGGER`: the module makes a logger of its
  own (``getLogger(__name__)``, ``get_logger(__file__)``, ``Logger.get("events")``, any named logger but a
  library's fetched only to tune it: ``getLogger("werkzeug").setLevel(...)``, or a local bound to it that is
  only tuned, reana-server's ``werkzeug_logger.propagate = False``) or logs through its web application's logger
  (Flask's ``app.logger``/``current_app.logger``, which the project tunes apart: pdnsadmin hands it gunicorn's
  handlers);
  :data:`CONFIGURES_LOGGING`: it calls ``basicConfig``/``dictConfig``/``fileConfig``. A project that configures
  logging and makes no module logger anywhere logs through the root logger by design
  (:func:`~.project.app_conditions.root_logger_convention`). :data:`LOCATED_ROOT_LOG`: it calls ``basicConfig``
  with a format (a literal, or a module constant holding one) that writes each record's source file
  (``%(pathname)s``, ``%(filename)s``, ``%(module)s``): askbot's settings log
  ``'%(pathname)s ... %(filename)s:%(funcName)s:%(lineno)d %(message)s'``, so a root record still says which
  module wrote it (:func:`~.project.app_conditions.root_log_located`).
"""

from __future__ import annotations

import ast
import re
from typing import Optional

from backend_lint.analysis.ast_helpers import assigned_by, keyword_value, string_value
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.module_roles import module_roles
from backend_lint.analysis.node_index import NodeIndex, node_index
from backend_lint.analysis.project.settings_templates import SOURCE_FIELDS
from backend_lint.analysis.word_lines import WordSet, word_lines
from backend_lint.context import FileContext

AMBIENT_AUTH = "ambient-auth"
AMBIENT_IN_CLASSES = "ambient-in-classes"
VALIDATES_CSRF = "validates-csrf"
LOGS = "logs"
REDIRECTS_STDOUT = "redirects-stdout"
KEEPS_STDOUT = "keeps-stdout"
MODULE_LOGGER = "module-logger"
CONFIGURES_LOGGING = "configures-logging"
LOCATED_ROOT_LOG = "located-root-log"
AUTHENTICATES = "authenticates"
TRAITS = frozenset({AMBIENT_AUTH, AMBIENT_IN_CLASSES, VALIDATES_CSRF, LOGS, REDIRECTS_STDOUT,
                    KEEPS_STDOUT, MODULE_LOGGER, CONFIGURES_LOGGING, LOCATED_ROOT_LOG, AUTHENTICATES})

_AMBIENT_WORDS = (
    "cookie", "request.session", "sessionmiddleware", "session_interface", "flask_session", "flask_login",
    "flask.ext.login", "login_user", "sessionauthentication", "contrib.sessions", "session_backend",
    "httpbasic", "basicauth", "basic_auth", "www-authenticate", "negotiate", "remember_token", "flask.session",
    "quart.session", "aiohttp_session", "starlette_session", "fastapi_sessions", "beaker", "securecookie",
    "remote_user", "remote-user", "remoteuser", "x-forwarded-user", "x-forwarded-email", "x-auth-request-",
    "oauth2-proxy", "oauth2_proxy", "ssl_client_", "x-ssl-client", "x-client-cert",
)
"""Lower-case text whose mention shows (or might show) that a browser's ambient credential authenticates. A bare
``session.get(``/``session[`` is not one: it is far more often a ``requests``/``aiohttp`` client or an ORM session
(taskingai's aiohttp sessions, papermerge's SQLAlchemy ones); the web session shows itself by
``request.session`` or Flask's/Quart's ``session`` import. An identity header an authenticating proxy sets
(``Remote-User``, ``X-Forwarded-User``, oauth2-proxy's ``X-Auth-Request-*``) is ambient: the proxy fills it from
its own session cookie, which the browser attaches to a foreign page's request (papermerge's OIDC set-up). So is
a TLS client certificate (``SSL_CLIENT_S_DN``, ``X-SSL-Client-*``): the browser presents it to any page's request
(rucio's x509 sign-in view)."""
_INBOUND_AUTH_WORDS = (
    "login", "logout", "signin", "sign_in", "sign-in", "signup", "sign_up", "jwt", "jose", "passlib", "bcrypt",
    "argon2", "hashpw", "check_password", "verify_password", "password_hash", "hash_password", "hashed_password",
    "current_user", "is_authenticated", "request.user", "usermixin", "abstractuser", "abstractbaseuser",
    "request.session", "sessionmiddleware", "cookie", "authenticat", "permission_classes",
    "permission_required", "has_permission", "fastapi.security", "starlette.authentication", "django.contrib.auth",
    "flask_httpauth", "flask_security", "flask_principal", "authlib", "allauth", "social_django", "httpbearer",
    "oauth2passwordbearer", "apikeyheader", "apikeyquery", "x-api-key", "x_api_key", "api_key_header",
    "www-authenticate", "token_required", "auth_required", "requires_auth", "verify_token", "decode_token",
    "remote_user", "remote-user", "x-forwarded-user", "oauth2-proxy", "oauth2_proxy", "pyramid.security",
    "security_policy", "litestar.security", "aiohttp_security", "aiohttp_session", "basicauthmiddleware",
)
"""Lower-case text that shows an application authenticating its callers (:data:`AUTHENTICATES`), wide on
purpose. None is part of the credentials a client library sends (``requests.auth.HTTPBasicAuth``, an Elasticsearch
client's ``basic_auth=``, FastAPI's Swagger ``oauth2_redirect_url``); ``authoriz`` is, and counts only outside an
``Authorization`` header the module writes (:data:`_SENT_AUTHORIZATION`)."""
_AMBIENT = WordSet(_AMBIENT_WORDS)
_BASIC_WORDS = ("httpbasic", "basicauth", "basic_auth")
_BASIC_KEYWORD = lazy_compile(r"([(,]\s*)basic_auth\s*=(?!=)")
"""``basic_auth=`` as a keyword argument of a call: the credentials a client sends (the Elasticsearch client's)."""
_CLIENT_BASIC_IMPORT = lazy_compile(
    r"^\s*from\s+(?:trino\.auth|requests\.auth|httpx|aiohttp|urllib3|elasticsearch|opensearchpy|pymongo)\s+import(?:\s[^\n]*|\s*\([^)]*)basic",
    re.M)
"""A module importing Basic auth from a client library: the Basic credentials it mentions are ones it sends."""
_INBOUND_AUTH = WordSet(_INBOUND_AUTH_WORDS)
_SENT_AUTHORIZATION = lazy_compile(r"""\{\s*["']authorization["']\s*:|headers\s*\[\s*["']authorization["']\s*\]\s*=""")
"""An ``Authorization`` header the module writes, lower case: ``{"Authorization": ...}``,
``headers["Authorization"] = ...`` (Langchain-Chatchat's MCP settings page offers one for an outgoing connection)."""
_SESSION_IMPORT = lazy_compile(r"^\s*from\s+(?:flask|quart|sanic_session)\s+import\s[^\n]*\bsession\b", re.M)
_LOG_METHODS = r"\.(?:debug|info|warning|warn|error|exception|critical|log)\("
_LOG_CALL = lazy_compile(r"\b\w*log\w*" + _LOG_METHODS, re.I)
"""``logger.info(``, ``self.log.warning(``, ``LOG.error(``: a logging call on a name that holds ``log``."""
_LOG_METHOD = lazy_compile(_LOG_METHODS, re.I)
_LOGGING_SETUP = lazy_compile(
    r"getLogger\(|get_logger\(|\blogging\.basicConfig\(|^\s*import\s+structlog|^\s*from\s+loguru\s|^\s*import\s+loguru",
    re.I | re.M,
)
_LOGGING_WORDS = ("getlogger(", "get_logger(", "logging.basicconfig(", "structlog", "loguru", ".debug(", ".info(",
                  ".warn", ".error(", ".exception(", ".critical(", ".log(")
"""Lower-case text every logging call or set-up (:data:`_LOG_CALL`, :data:`_LOGGING_SETUP`) holds: the cheap test
before those searches. Text with a non-ASCII letter is searched whatever it holds, as case-insensitive matching
folds a few non-ASCII letters (the long s) to ASCII ones that ``str.lower`` leaves alone."""
_SETUP_WORDS = ("getlogger(", "get_logger(", "basicconfig(", "structlog", "loguru")
_REDIRECT_ON = lazy_compile(r"redirect_stdouts[\"']?\s*[=:]\s*True\b|redirect_stdouts_level", re.I)
_REDIRECT_OFF = lazy_compile(r"redirect_stdouts[\"']?\s*[=:]\s*False\b", re.I)
_NAMED_LOGGER = lazy_compile(
    r"""(?:get_?logger|Logger\.get)\(\s*(?:__name__|__file__|__package__|__module__|__qualname__|["'][\w.]+["'])"""
    r"""\s*\)(\s*\.\s*(?:setLevel|handlers|propagate|disabled|addHandler|removeHandler|level)\b)?""", re.I)
_TUNING = frozenset({"setLevel", "propagate", "disabled", "level", "handlers", "addHandler", "removeHandler",
                     "filters", "addFilter", "removeFilter"})
"""What a logger's user touches to tune it, not to log through it."""
_CONFIGURES = lazy_compile(r"\b(?:basicConfig|dictConfig|fileConfig)\(")
_PRINT = lazy_compile(r"(?<![\w.])print\(")
_CSRF_CHECKS = frozenset({"flask_wtf.csrf.validate_csrf", "flask_wtf.validate_csrf", "wtforms.csrf.validate_csrf"})


def auth_traits(ctx: FileContext) -> list[str]:
    """The module's evidence (sorted): :data:`AMBIENT_AUTH`, :data:`AUTHENTICATES`,
    :data:`VALIDATES_CSRF`, :data:`LOGS`, :data:`REDIRECTS_STDOUT`, :data:`KEEPS_STDOUT`, :data:`MODULE_LOGGER`,
    :data:`CONFIGURES_LOGGING`. A vendored library's logger (:attr:`.ModuleRoles.vendored`) is not the
    project's :data:`MODULE_LOGGER`."""
    source = ctx.source
    lowered = word_lines(ctx).lowered  # (the file's lower case, made once for every reader)
    traits: set[str] = set()
    if mentions_ambient(source, lowered):
        traits.add(AMBIENT_AUTH)
        if not mentions_ambient(_outside_classes(ctx)):
            traits.add(AMBIENT_IN_CLASSES)
    if _authenticates(source, lowered):
        traits.add(AUTHENTICATES)
    if "csrf" in lowered and _validates_csrf(ctx):
        traits.add(VALIDATES_CSRF)
    if (not source.isascii() or any(word in lowered for word in _LOGGING_WORDS)) and _logs(source, lowered):
        traits.add(LOGS)
    if (("logger" in lowered and _makes_module_logger(ctx)) or "app.logger." in source
            or "loguru" in lowered or "structlog" in lowered) and not module_roles(ctx).vendored:
        traits.add(MODULE_LOGGER)  # a vendored library's logger is its upstream's choice, not the project's
    if "config(" in lowered and _CONFIGURES.search(source):
        traits.add(CONFIGURES_LOGGING)
        if "basicConfig(" in source and SOURCE_FIELDS.search(source) and _located_basic_config(ctx):
            traits.add(LOCATED_ROOT_LOG)
    if "formatter(" in lowered and "addhandler(" in lowered and SOURCE_FIELDS.search(source) \
            and _located_root_handlers(ctx):
        traits.add(LOCATED_ROOT_LOG)
    if "redirect_stdouts" in lowered:
        if _REDIRECT_ON.search(source):
            traits.add(REDIRECTS_STDOUT)
        if _REDIRECT_OFF.search(source):
            traits.add(KEEPS_STDOUT)
    return sorted(traits)


def mentions_ambient(source: str, lowered: Optional[str] = None) -> bool:
    """``source`` (a module's, or one class's) mentions an ambient credential (:data:`_AMBIENT_WORDS`, Flask's or
    Quart's ``session`` imported); ``lowered``: its lower case, when the caller has it."""
    lowered = source.lower() if lowered is None else lowered
    return (_AMBIENT.any_in(lowered) and _AMBIENT.any_in(_without_outbound_basic(lowered))) or (
        "session" in source and bool(_SESSION_IMPORT.search(source)))


def _without_outbound_basic(lowered: str) -> str:
    """The lower-case source without the Basic credentials it *sends*: a client's ``basic_auth=`` keyword argument
    (``Elasticsearch(hosts, basic_auth=(user, password))``) and, in a module that imports its Basic auth class from
    a client library (``from trino.auth import BasicAuthentication``, ``requests.auth``, ``httpx``), every Basic
    mention: a connector logging in to a store authenticates nobody (feast's offline and online stores, seed 134)."""
    stripped = _BASIC_KEYWORD.sub(" ", lowered)
    if _CLIENT_BASIC_IMPORT.search(lowered):
        for word in _BASIC_WORDS:
            stripped = stripped.replace(word, " ")
    return stripped


def _outside_classes(ctx: FileContext) -> str:
    """The module's source without its top-level classes' lines: what its functions and body say app-wide."""
    lines = ctx.source.splitlines()
    for statement in ctx.tree.body:
        if isinstance(statement, ast.ClassDef):
            start = min([statement.lineno, *(decorator.lineno for decorator in statement.decorator_list)])
            lines[start - 1:statement.end_lineno or start] = [""] * ((statement.end_lineno or start) - start + 1)
    return "\n".join(lines)


def _authenticates(source: str, lowered: str) -> bool:
    """The module shows inbound authentication (:data:`AUTHENTICATES`): a word of :data:`_INBOUND_AUTH_WORDS`, Flask's
    or Quart's ``session`` imported, or ``authoriz`` once the ``Authorization`` headers it writes are blanked out."""
    if _INBOUND_AUTH.any_in(lowered) or ("session" in source and _SESSION_IMPORT.search(source)):
        return True
    return "authoriz" in lowered and "authoriz" in _SENT_AUTHORIZATION.sub(" ", lowered)


def _logs(source: str, lowered: str) -> bool:
    """The text makes a logging call (:data:`_LOG_CALL`) or sets logging up (:data:`_LOGGING_SETUP`). The call is
    looked for where a method of :data:`_LOG_METHODS` is called, from the start of the word before it: searched
    from every position, ``\\w*log\\w*`` tried each word of the text (the costliest reading of a module's traits)."""
    for method in _LOG_METHOD.finditer(source):
        start = method.start()
        while start and (source[start - 1].isalnum() or source[start - 1] == "_"):  # ``\w``, as ``re`` reads it
            start -= 1
        if start < method.start() and _LOG_CALL.match(source, start):
            return True
    if source.isascii() and not any(word in lowered for word in _SETUP_WORDS):
        return False  # (ASCII text: its lower case is what case-insensitive matching compares)
    return _LOGGING_SETUP.search(source) is not None


def print_count(ctx: FileContext) -> int:
    """How many ``print(`` calls the module's text holds (a cheap count; a method ``.print(`` is not one)."""
    return len(_PRINT.findall(ctx.source)) if "print(" in ctx.source else 0


def _makes_module_logger(ctx: FileContext) -> bool:
    """``getLogger(__name__)``, ``get_logger(__file__)``, ``Logger.get("events")`` (Indico's factory), a logger
    named by a string: a logger of the project's own. A library's logger fetched only to tune it
    (``getLogger("werkzeug").setLevel(ERROR)``, or bound to a name first: :func:`_tuned_library_loggers`) is
    not one."""
    tuned: Optional[set[int]] = None
    for found in _NAMED_LOGGER.finditer(ctx.source):
        if found.group(1) is not None:
            continue
        if tuned is None:
            tuned = _tuned_library_loggers(ctx)
        if ctx.source.count("\n", 0, found.start()) + 1 not in tuned:
            return True
    return False


def _tuned_library_loggers(ctx: FileContext) -> set[int]:
    """The lines of ``logging.getLogger("werkzeug")`` calls whose logger is bound to a name that its scope only
    tunes (``werkzeug_logger.propagate = False``, ``.setLevel(...)``: reana-server's ``ext.py``) and never logs
    through, the name being another package's (its first part is not the module's own top package): a library's
    logger quietened by the application, not a logger the application writes its records to."""
    own_package = ctx.module.partition(".")[0]
    index = node_index(ctx)
    lines: set[int] = set()
    for call in index.of(ast.Call):
        if not call.args or call.keywords or ctx.imports.resolve(call.func) != "logging.getLogger":
            continue
        name = string_value(call.args[0])
        bound = assigned_by(index.parent(call), call)
        if not name or bound is None or name.partition(".")[0] == own_package:
            continue
        scope = _enclosing_scope(call, index)
        uses = index.of(ast.Name) if isinstance(scope, ast.Module) else \
            [node for node in ast.walk(scope) if isinstance(node, ast.Name)]
        if all(_tunes(use, index) for use in uses if use.id == bound and not isinstance(use.ctx, ast.Store)) \
                and sum(use.id == bound and isinstance(use.ctx, ast.Store) for use in uses) == 1:
            lines.add(call.func.end_lineno or call.lineno)
    return lines


def _enclosing_scope(node: ast.AST, index: NodeIndex) -> ast.AST:
    """The function (or the module) whose local ``node`` is bound in."""
    parent = index.parent(node)
    while parent is not None and not isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        node, parent = parent, index.parent(parent)
    return parent if parent is not None else node


def _tunes(use: ast.Name, index: NodeIndex) -> bool:
    """``use`` reads a logger only to tune it: an attribute of :data:`_TUNING` (``.propagate = False``,
    ``.setLevel(...)``, ``.handlers.clear()``)."""
    parent = index.parent(use)
    return isinstance(parent, ast.Attribute) and parent.attr in _TUNING


def _located_basic_config(ctx: FileContext) -> bool:
    """A ``logging.basicConfig(format=...)`` call whose format, a literal or a module constant assigned once,
    names the record's source file (:data:`SOURCE_FIELDS`)."""
    for call in node_index(ctx).of(ast.Call):
        if ctx.imports.resolve(call.func) != "logging.basicConfig":
            continue
        fmt = keyword_value(call, "format")
        if isinstance(fmt, ast.Name):
            fmt = bindings_of(ctx, ctx.tree).single_value(fmt.id)
        text = string_value(fmt)
        if text is not None and SOURCE_FIELDS.search(text):
            return True
    return False


def _located_root_handlers(ctx: FileContext) -> bool:
    """The module hangs its handlers on the root logger itself (``root = logging.getLogger()`` then
    ``root.addHandler(handler)``) and makes a ``logging.Formatter`` whose literal format names the record's source
    file (:data:`SOURCE_FIELDS`): the ``basicConfig(format=...)`` of a program that builds its own handlers
    (moonraker's ``LogManager``, seed 134)."""
    roots: set[str] = set()
    located = False
    calls = node_index(ctx).of(ast.Call)
    for call in calls:
        callee = ctx.imports.resolve(call.func)
        if callee == "logging.getLogger" and not call.args and not call.keywords:
            parent = node_index(ctx).parent(call)
            if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
                roots.add(parent.targets[0].id)
        elif callee == "logging.Formatter":
            text = string_value(call.args[0] if call.args else keyword_value(call, "fmt"))
            located = located or (text is not None and bool(SOURCE_FIELDS.search(text)))
    return located and any(
        isinstance(call.func, ast.Attribute) and call.func.attr == "addHandler"
        and isinstance(call.func.value, ast.Name) and call.func.value.id in roots for call in calls)


def _validates_csrf(ctx: FileContext) -> bool:
    """A call of Flask-WTF's ``validate_csrf`` (however imported) or ``<csrf...>.protect()``: a text that names
    neither is not walked (an alias of ``validate_csrf`` is imported by its name)."""
    if "validate_csrf" not in ctx.source and "protect" not in ctx.source:
        return False
    for node in node_index(ctx).of(ast.Call):
        func = node.func
        if isinstance(func, (ast.Name, ast.Attribute)) and ctx.imports.resolve(func) in _CSRF_CHECKS:
            return True
        if isinstance(func, ast.Attribute) and func.attr in ("protect", "validate_csrf"):
            owner = func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else owner.id if isinstance(owner, ast.Name) else ""
            if "csrf" in name.lower() or func.attr == "validate_csrf":
                return True
        if isinstance(func, ast.Name) and func.id == "validate_csrf":
            return True
    return False
