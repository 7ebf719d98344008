"""Facts about the application as a whole, not one of its objects: how it is deployed and configured, the
limits and checks it installs app-wide, how it authenticates and logs, what its own lint configuration chooses.
The kinds and :class:`~.conditions.ProjectFact` are in :mod:`.conditions` (which explains how a rule asks a fact);
:class:`~.model.ProjectModel` decides these like the others.
"""

from __future__ import annotations

from collections.abc import Iterable

from backend_lint.analysis.facts import project_fact
from backend_lint.analysis.project.conditions import (
    AUTHENTICATES_NOBODY,
    DJANGO_USERNAMES,
    HEALTH_CHECK,
    LINT_ALLOWS_PRINT,
    LINT_ALLOWS_SECRET,
    LINT_EXCLUDED,
    LINT_UNSELECTED,
    NO_AMBIENT_CREDENTIAL,
    NO_CREATED_ANSWERS,
    NO_DEV_SERVER,
    NOT_DEPLOYED,
    PRINT_CONVENTION,
    RATE_LIMITED_APP,
    REPLACED_SETTING,
    REQUESTS_TIMEOUT_PATCHED,
    ROOT_LOG_LOCATED,
    ROOT_LOGGER_CONVENTION,
    SECURITY_SCANNER,
    SINGLE_ACCOUNT_APP,
    TASK_STDOUT_LOGGED,
    UPLOAD_LIMIT,
    VALIDATES_CSRF,
    ProjectFact,
)


@project_fact
def rate_limited_app(family: str) -> ProjectFact:
    """Every route of the project's ``family`` of handlers (``asgi``, ``flask``, ``litestar``, ``django``, ``drf``)
    is rate-limited: a slowapi limiter with default limits and its middleware, Flask-Limiter default or
    application limits, Litestar ``RateLimitConfig``; for Django django-axes in the production settings
    (``INSTALLED_APPS``, ``MIDDLEWARE`` or ``AUTHENTICATION_BACKENDS``), for DRF also
    ``REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]``; for every family, the nginx the project ships in front of it
    limiting every request per client (``ProjectFiles.request_limit``) (BE307)."""
    return ProjectFact(RATE_LIMITED_APP, (family,))


@project_fact
def upload_limit(family: str) -> ProjectFact:
    """Every request to the project's ``family`` of handlers (``asgi``, ``flask``, ``litestar``, ``django``) has
    a size limit: Flask's ``MAX_CONTENT_LENGTH`` set outside tests, or an app-wide middleware named for a body
    size limit (``ContentSizeLimitMiddleware``; Django: in the production ``MIDDLEWARE``) (BE306)."""
    return ProjectFact(UPLOAD_LIMIT, (family,))


@project_fact
def health_check(words: Iterable[str] = ()) -> ProjectFact:
    """A module of the project (not a test) routes a health, readiness or liveness path (or one with any of
    ``words``), includes a health-check URL conf or imports a health-check package; or the production settings
    install django-health-check (BE308)."""
    return ProjectFact(HEALTH_CHECK, tuple(sorted({word.lower() for word in words})))


@project_fact
def not_deployed() -> ProjectFact:
    """The project root holds no file that shows an orchestrator runs it (no Helm chart, ``fly.toml``,
    ``app.yaml``, ``render.yaml``, Nomad job, ECS task definition, Kubernetes ``Deployment`` or compose file with
    replicas: :func:`~.project_files.read_deployment`); a self-hosted application run by hand, or shipped as a
    container image or a ``Procfile`` that nothing probes (BE308)."""
    return ProjectFact(NOT_DEPLOYED)


@project_fact
def replaced_setting(qualified: str) -> ProjectFact:
    """The settings module's ``qualified`` setting (``etools.config.settings.base.SECRET_KEY``) is a base value the
    deployed settings replace: the project runs that module only through the production settings modules that
    ``from .base import *`` it, and every one of them gives the name a value read from the environment or a false
    one (``SECRET_KEY = os.environ["SECRET_KEY"]``, ``DEBUG = False``), one of them named as the deployed one
    (``production.py``, or in ``DJANGO_SETTINGS_MODULE``): the base literal is the developers' (BE503, BE504;
    :meth:`.settings_facts.SettingsFacts.replaced_setting`)."""
    return ProjectFact(REPLACED_SETTING, (qualified,))


@project_fact
def security_scanner() -> ProjectFact:
    """The project's README says, in its opening, that the application is a vulnerability or security scanner
    (:func:`~.project_files.describes_scanner`): it connects to third parties' hosts to test them, broken TLS
    included, so an unverified connection is its job, not a weakness (artemis; BE507)."""
    return ProjectFact(SECURITY_SCANNER)


@project_fact
def lint_unselected(code: str) -> ProjectFact:
    """The project's ruff configuration selects the rest of the logging-format family code by code and leaves
    ``code`` out (DefectDojo's ``"G001", "G002", "G01", "G1", "G2"``: no ``G004``), or ignores it: the construct
    is the project's chosen style (BE402; :mod:`.lint_config`)."""
    return ProjectFact(LINT_UNSELECTED, (code,))


@project_fact
def lint_allows_print(path: str) -> ProjectFact:
    """The project's own linter configuration allows ``print`` in the file at ``path`` (relative to the project
    root): ruff or flake8 ignores the print check (``T201``, ``T20``, flake8-print's ``T001``) for every file or
    for a per-file glob that matches it (BE401; :func:`.lint_config.print_allowed`)."""
    return ProjectFact(LINT_ALLOWS_PRINT, (path,))


@project_fact
def lint_allows_secret(path: str) -> ProjectFact:
    """The project's ruff or flake8 configuration switches the hard-coded password checks (``S105``, ``S106``,
    ``S107``) off for the file at ``path`` (relative to the project root) in a per-file ignore: its maintainers
    reviewed that file's literals (BE503; :func:`.lint_config.secrets_allowed`)."""
    return ProjectFact(LINT_ALLOWS_SECRET, (path,))


@project_fact
def lint_excluded(path: str) -> ProjectFact:
    """The project's ruff configuration keeps the file at ``path`` (relative to the project root) out of its own
    linting: every check ignored for it (``"devbin/**/*" = ["ALL"]``) or the file excluded (``exclude``,
    ``extend-exclude``). The maintainers say it is no part of the code they ship: a developer's tool, Hail's local
    ``devbin/dev_proxy.py`` (BE308; :func:`.lint_config.lint_excluded`)."""
    return ProjectFact(LINT_EXCLUDED, (path,))


@project_fact
def no_ambient_credential(package: str = "", view: bool = False) -> ProjectFact:
    """No module of ``package`` (dotted; ``""``: the whole project) mentions an ambient credential: a cookie, a
    session, Basic or Negotiate authentication, or an identity header an authenticating proxy fills from its own
    cookie (:func:`backend_lint.analysis.app_conventions.auth_traits`). Only such a credential is attached by the
    browser to another site's request, so without one a credentialed wildcard CORS policy hands a foreign page
    nothing it could not send itself, whether the application authenticates by a header (``Authorization:
    Bearer``, ``X-API-Key``) or not at all (BE505). ``package`` is the package of the module that builds the
    application: a project that serves several apps (kairon's history and evaluator services beside its
    cookie-setting main API) is judged per app, by the modules its own package holds.
    ``view``: asked for a view class that itself mentions no ambient credential, whose own answers the finding
    covers; a mention inside other classes (rucio's ``GSS`` view signing in from ``REMOTE_USER``, reported on its
    own) does not count against it, a mention in a module's functions or body (a hook, a middleware) still does."""
    if view:
        return ProjectFact(NO_AMBIENT_CREDENTIAL, (package, "view"))
    return ProjectFact(NO_AMBIENT_CREDENTIAL, (package,) if package else ())


@project_fact
def validates_csrf() -> ProjectFact:
    """A module of the project (not a test) validates CSRF tokens itself: Flask-WTF's ``validate_csrf(...)`` or a
    CSRF extension's ``csrf.protect()`` where it accepts forms (BE512: the global check switched off is run by
    hand; :func:`backend_lint.analysis.app_conventions.auth_traits`)."""
    return ProjectFact(VALIDATES_CSRF)


@project_fact
def print_convention() -> ProjectFact:
    """The application's log channel is standard output by design: no module outside tests makes a logging call or
    gets a logger, while at least :data:`~.model.CONVENTION_MODULES` modules print, :data:`~.model.CONVENTION_PRINTS`
    prints in all (tubearchivist: 36 modules, 236 prints, no logger anywhere). A logger call there would print
    nothing under the default root level; the prints are its log lines (BE401)."""
    return ProjectFact(PRINT_CONVENTION)


@project_fact
def task_stdout_logged() -> ProjectFact:
    """The project configures Celery to send its workers' standard output into logging: a module (not a test) sets
    ``worker_redirect_stdouts``/``CELERY_WORKER_REDIRECT_STDOUTS`` to ``True`` or the level redirected lines are
    logged at, and none sets the redirect to ``False`` (jumpserver's settings/libs.py). A print in a task is then
    a log record at that level (BE401; :func:`backend_lint.analysis.app_conventions.auth_traits`)."""
    return ProjectFact(TASK_STDOUT_LOGGED)


@project_fact
def root_logger_convention(program: str = "") -> ProjectFact:
    """The project logs through the root logger by design: a module (not a test, not a migration: Alembic's
    ``env.py`` calls ``fileConfig`` for the migration command's own run) configures logging itself
    (``basicConfig``, ``dictConfig``, ``fileConfig``: eNMS loads setup/logging.json whose ``""`` logger is its
    application log; podop's ``run_server`` calls ``basicConfig`` with its verbosity) and no module makes a logger
    of its own (``getLogger(__name__)``, ``get_logger(__file__)``, ``Logger.get("events")``, any named logger but a
    library's fetched only to tune it) or logs through its web application's logger (Flask's ``app.logger``).
    With no module logger anywhere there is no per-module level or handler a root record could bypass (BE404;
    :func:`backend_lint.analysis.app_conventions.auth_traits`). With ``program`` (the folder of a program deployed on
    its own, :func:`~.roots.deployed_program`), only that program's modules count: mem0's ``server/`` (own
    requirements installing the library from the package index, own ``Dockerfile``) calls ``basicConfig`` with a
    format naming no logger and makes no module logger, while the library around it names its loggers."""
    return ProjectFact(ROOT_LOGGER_CONVENTION, (program,) if program else ())


@project_fact
def root_log_located() -> ProjectFact:
    """A module of the project (not a test, not a migration) sets the root logger up with ``basicConfig`` and a
    format that writes each record's source file (``%(pathname)s``, ``%(filename)s``, ``%(module)s``: askbot's
    settings, IRIS's ``app/__init__.py``). A root record still says which module wrote it; a module that makes no
    logger of its own and logs through the root logger follows the project's set-up (BE404;
    :func:`backend_lint.analysis.app_conventions.auth_traits`)."""
    return ProjectFact(ROOT_LOG_LOCATED)


@project_fact
def django_usernames() -> ProjectFact:
    """The project is a Django site whose users are Django's own ``auth.User``: its production settings name no
    other ``AUTH_USER_MODEL``. Such a username passes Django's ``UnicodeUsernameValidator`` (letters, digits and
    ``@.+-_`` only), so it cannot carry markup (BE511; a custom user model may define its username otherwise)."""
    return ProjectFact(DJANGO_USERNAMES)


@project_fact
def requests_timeout_patched() -> ProjectFact:
    """A module of the project (not a test) replaces ``requests``' sending (``HTTPAdapter.send = ...``) with a
    wrapper that gives every call a default timeout, installed at start-up (BE201)."""
    return ProjectFact(REQUESTS_TIMEOUT_PATCHED)


@project_fact
def single_account_app() -> ProjectFact:
    """A module of the project (not a test) defines a Flask-Login user class that is no database row: a
    ``UserMixin`` subclass whose ``id`` is a class constant, with no ``__init__`` (changedetection.io's password-only
    login), or compares what a client sent with one configured password (``ENV_VALUES["PASSWORD"]``, Jesse) while
    no module keeps users. The application has one account, its operator's (BE304;
    :func:`backend_lint.analysis.admin_declarations.single_account`, ``single_password``, ``keeps_users``)."""
    return ProjectFact(SINGLE_ACCOUNT_APP)


@project_fact
def authenticates_nobody() -> ProjectFact:
    """The application is a program its user installs and runs, and it authenticates nobody: its packaging declares
    a console command (``[tool.poetry.scripts] chatchat = "chatchat.cli:main"``) and no module of the project,
    tests included, shows any authentication (no sign-in, session, cookie, password hash, token, user model,
    framework authentication or permission, credential header read:
    :data:`backend_lint.analysis.app_conventions.AUTHENTICATES`). Whoever reaches it is the operator who started it
    (Langchain-Chatchat's API server mounts every router without a dependency): the error text is the operator's
    diagnostic, as in a single-account application (BE304). A project that authenticates anywhere, even if one
    router forgot to, does not hold; a project without a console command (a deployed service, a snippet) neither."""
    return ProjectFact(AUTHENTICATES_NOBODY)


@project_fact
def no_created_answers() -> ProjectFact:
    """No module of the project answers 201 anywhere: its API has not taken the REST convention on, so a
    handler that only acknowledges an action with constants (``{"ok": True}``, Artemis) follows the API's own
    (BE305; :func:`backend_lint.analysis.api_conventions.acknowledges_only`)."""
    return ProjectFact(NO_CREATED_ANSWERS)


@project_fact
def no_dev_server() -> ProjectFact:
    """No module of the project starts a web framework's own server with ``run()`` (``app.run()``,
    ``socketio.run(app)``, werkzeug's ``run_simple``; :func:`backend_lint.analysis.command_reach.runs_dev_server`):
    the apps are served by another server (a WSGI server, grafted into CherryPy), so Flask's ``DEBUG`` config,
    which turns on the Werkzeug debugger only through ``app.run()``, serves no debugger (BE504)."""
    return ProjectFact(NO_DEV_SERVER)
