"""The project facts a finding can depend on: named, plain, hashable and cheap to store with the finding.

A rule reports with ``unless=(fact, ...)``: the finding stands unless one of the facts holds in the project.
Each constructor below says what its fact means and which rule asks it; :class:`~.model.ProjectModel` decides
them. A fact the model cannot establish (no project, the file that would say it does not parse, a value that
is not a literal) does not hold, so the finding stands, as it would without a project model.

Facts refute by default. A finding that only the project can support names the facts it needs in
``Rule.report(..., only_if=(fact, ...))`` instead (BE206: the helper of another module that the handler calls
sends e-mail, :func:`does`): the rule turns each into :func:`absent` of it in ``unless`` and adds
:func:`no_project`, so the finding stands only when the model establishes every one of them, and never without a
model. The facts stay plain and the settling stays one rule: drop a finding when one of its ``unless`` holds.

One fact turns this around: :func:`no_project` holds exactly when there is no model (standard input, a file
outside any project the run summarised). A finding that only the whole project can support (BE308: no module
routes a health check) lists it, so that it is dropped where one file is all there is. A checker that settles
no facts at all (the in-process API without a project index) leaves every finding standing, this one too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Optional

from backend_lint.analysis.facts import project_fact

DRF_PAGINATION = "drf-pagination"
IDEMPOTENCY_MIDDLEWARE = "idempotency-middleware"
READS_IDEMPOTENCY_KEY = "reads-idempotency-key"
CLI_MODULE = "cli-module"
TEST_SUPPORT = "test-support"
CONSTANTS = "constants"
HTML_VIEW = "html-view"
ROUTE_WORDS = "route-words"
DELETES_ROUTED_ITEMS = "deletes-routed-items"
RATE_LIMITED_APP = "rate-limited-app"
UPLOAD_LIMIT = "upload-limit"
NO_PROJECT = "no-project"
HEALTH_CHECK = "health-check"
NOT_ROOT_URLCONF = "not-root-urlconf"
NOT_DEPLOYED = "not-deployed"
SECURITY_SCANNER = "security-scanner"
ADMIN_ONLY_APP = "admin-only-app"
LIMITED_APP = "limited-app"
LIMITS_ATTEMPTS = "limits-attempts"
LOCKS_OUT = "locks-out"
NO_DEV_SERVER = "no-dev-server"
DOES = "does"
METHOD_DOES = "method-does"
RELATION = "relation"
RUNS_QUERY = "runs-query"
REQUESTS_TIMEOUT_PATCHED = "requests-timeout-patched"
UNIQUE_RECORD = "unique-record"
CHECKS_UNIQUE = "checks-unique"
CHECKOUT_LINK = "checkout-link"
CLI_COMMAND_CLASS = "cli-command-class"
UNREFERENCED = "unreferenced"
UNMOUNTED_ROUTER = "unmounted-router"
UNIMPORTED_FUNCTION = "unimported-function"
UNIMPORTED_OUTSIDE_TESTS = "unimported-outside-tests"
UNREACHED = "unreached"
UNREAD_SETTING = "unread-setting"
OVERLAID_CONFIG = "overlaid-config"
DEVELOPMENT_ONLY = "development-only"
SETS_TIMEOUT = "sets-timeout"
SERVED_BY_WSGI = "served-by-wsgi"
UNNAMED_SETTINGS = "unnamed-settings"
REPLACED_SETTING = "replaced-setting"
SEEDED_TABLE = "seeded-table"
STAFF_APP = "staff-app"
CATALOG_TABLE = "catalog-table"
FIXED_TABLE = "fixed-table"
COMPARED_DEFAULT = "compared-default"
PUBLISHED_SETTING = "published-setting"
URL_ADDRESS = "url-address"
CATCHES_ALL = "catches-all"
PLAIN_CLASS = "plain-class"
SCHEMA_MODELS = "schema-models"
IDEMPOTENT_INSERTS = "idempotent-inserts"
UNROUTED_VIEW = "unrouted-view"
ADMIN_ONLY_NAME = "admin-only-name"
ADMIN_PERMISSION = "admin-permission"
ADMIN_GUARD = "admin-guard"
SIGNS_IN = "signs-in"
RAISES_MESSAGE = "raises-message"
WRAPS_LIBRARY_CALL = "wraps-library-call"
SINGLE_ACCOUNT_APP = "single-account-app"
MASKED_ERROR = "masked-error"
INTERNAL_SERVICE = "internal-service"
OWN_CLIENT_HEADER = "own-client-header"
LOOPBACK_CONSTANT = "loopback-constant"
SLOW_CLIENT_CALL = "slow-client-call"
CALLER_PASSES_REQUEST = "caller-passes-request"
RECENT_TIME = "recent-time"
QUIET_JOBS = "quiet-jobs"
UNREACHING_JOBS = "unreaching-jobs"
UNPAYING_JOBS = "unpaying-jobs"
XHR_VIEW = "xhr-view"
DJANGO_USERNAMES = "django-usernames"
STARTUP_ONLY = "startup-only"
CLI_ONLY = "cli-only"
LINT_UNSELECTED = "lint-unselected"
CALLERS_PASS_SAFE = "callers-pass-safe"
LINT_ALLOWS_PRINT = "lint-allows-print"
LINT_ALLOWS_SECRET = "lint-allows-secret"
LINT_EXCLUDED = "lint-excluded"
NO_AMBIENT_CREDENTIAL = "no-ambient-credential"
AUTHENTICATES_NOBODY = "authenticates-nobody"
VALIDATES_CSRF = "validates-csrf"
PRINT_CONVENTION = "print-convention"
TASK_STDOUT_LOGGED = "task-stdout-logged"
ROOT_LOGGER_CONVENTION = "root-logger-convention"
ROOT_LOG_LOCATED = "root-log-located"
RPC_API = "rpc-api"
STATUS_ENVELOPE_API = "status-envelope-api"
NO_CREATED_ANSWERS = "no-created-answers"
METHODS_CATCH_ALL = "methods-catch-all"
OWN_INBOX = "own-inbox"
ABSENT = "absent"
KINDS = frozenset({
    DRF_PAGINATION, IDEMPOTENCY_MIDDLEWARE, READS_IDEMPOTENCY_KEY, CLI_MODULE, TEST_SUPPORT, CONSTANTS, HTML_VIEW,
    ROUTE_WORDS, RATE_LIMITED_APP, UPLOAD_LIMIT, NO_PROJECT, HEALTH_CHECK, NOT_ROOT_URLCONF, NOT_DEPLOYED,
    SECURITY_SCANNER,
    ADMIN_ONLY_APP, LIMITED_APP, LIMITS_ATTEMPTS, LOCKS_OUT, DOES, RELATION, RUNS_QUERY, REQUESTS_TIMEOUT_PATCHED,
    ABSENT, NO_DEV_SERVER,
    UNMOUNTED_ROUTER,
    UNIQUE_RECORD, CHECKS_UNIQUE, UNREFERENCED, DEVELOPMENT_ONLY, SETS_TIMEOUT, SERVED_BY_WSGI, UNNAMED_SETTINGS,
    SEEDED_TABLE, CATALOG_TABLE, STAFF_APP, COMPARED_DEFAULT, CATCHES_ALL, PLAIN_CLASS, CHECKOUT_LINK,
    PUBLISHED_SETTING,
    CLI_COMMAND_CLASS, ADMIN_ONLY_NAME, ADMIN_PERMISSION, ADMIN_GUARD, RAISES_MESSAGE, METHOD_DOES,
    WRAPS_LIBRARY_CALL,
    SINGLE_ACCOUNT_APP, MASKED_ERROR, INTERNAL_SERVICE, DJANGO_USERNAMES, LOOPBACK_CONSTANT, RECENT_TIME, STARTUP_ONLY,
    CLI_ONLY,
    SLOW_CLIENT_CALL, CALLER_PASSES_REQUEST,
    LINT_UNSELECTED, XHR_VIEW, SIGNS_IN, CALLERS_PASS_SAFE,
    QUIET_JOBS, URL_ADDRESS, UNIMPORTED_FUNCTION, UNREACHING_JOBS, LINT_ALLOWS_PRINT, UNIMPORTED_OUTSIDE_TESTS,
    LINT_ALLOWS_SECRET, LINT_EXCLUDED, NO_AMBIENT_CREDENTIAL, VALIDATES_CSRF, PRINT_CONVENTION, TASK_STDOUT_LOGGED,
    ROOT_LOGGER_CONVENTION,
    ROOT_LOG_LOCATED, RPC_API, STATUS_ENVELOPE_API, UNPAYING_JOBS, NO_CREATED_ANSWERS,
    METHODS_CATCH_ALL, UNREACHED, UNREAD_SETTING, AUTHENTICATES_NOBODY, FIXED_TABLE, REPLACED_SETTING, SCHEMA_MODELS,
    IDEMPOTENT_INSERTS, UNROUTED_VIEW, OWN_INBOX, OWN_CLIENT_HEADER, OVERLAID_CONFIG, DELETES_ROUTED_ITEMS,
})


@dataclass(frozen=True)
class ProjectFact:
    """One fact about the project: a kind and its string arguments (module and object names, words)."""

    kind: str
    args: tuple[str, ...] = ()

    def to_json(self) -> list[str]:
        return [self.kind, *self.args]

    @classmethod
    def from_json(cls, value: Any) -> Optional[ProjectFact]:
        """The fact :meth:`to_json` wrote, or ``None`` for anything else (a cache file is untrusted data)."""
        if not (isinstance(value, list) and value and all(isinstance(item, str) for item in value)):
            return None
        if value[0] not in KINDS:
            return None
        return cls(value[0], tuple(value[1:]))


@project_fact
def drf_pagination() -> ProjectFact:
    """A production settings module sets ``REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"]`` (BE104)."""
    return ProjectFact(DRF_PAGINATION)


@project_fact
def idempotency_middleware(framework: str) -> ProjectFact:
    """A middleware or request hook registered for the whole app of ``framework`` reads an idempotency header
    (BE301): Django ``MIDDLEWARE``, ``app.add_middleware``, Starlette ``Middleware(...)``, Flask
    ``before_request``."""
    return ProjectFact(IDEMPOTENCY_MIDDLEWARE, (framework,))


@project_fact
def reads_idempotency_key(qualified: str) -> ProjectFact:
    """The project's function or class ``qualified`` (``app.deps.require_key``), or a base of that class, reads
    an idempotency header: a dependency, decorator, base view or helper the handler uses (BE301)."""
    return ProjectFact(READS_IDEMPOTENCY_KEY, (qualified,))


@project_fact
def cli_module(module: str) -> ProjectFact:
    """Module ``module`` is command line code: an entry point of the project (console script, ``__main__``, a
    management command, invoke tasks, a click/typer group a launcher registers) or, in any package, imported only
    by such code, transitively (:attr:`.model.ProjectModel.cli_modules`; BE101, BE105, BE201, BE203, BE204,
    BE307, BE308, BE401, BE404)."""
    return ProjectFact(CLI_MODULE, (module,))


@project_fact
def test_support(module: str) -> ProjectFact:
    """Module ``module`` only serves the tests: the settings module the test configuration names, or a module
    only tests and test support import (BE501, BE503, BE504)."""
    return ProjectFact(TEST_SUPPORT, (module,))


@project_fact
def constants(qualified: Iterable[str]) -> ProjectFact:
    """Every one of the imported names (``app.tables.RETAINED_TABLES``) is a literal constant of its module,
    and every name written as a call (``app.queries.active_filter()``) is a function of the project that
    returns a string literal on every path; a name written ``q()[i]`` (``app.queries.build_query()[0]``: the
    ``sql`` of ``sql, params = build_query(x)``) is a function of the project every ``return`` of which gives a
    tuple whose element ``i`` is constant SQL text, and ``q()[:][i]`` (``app.db.query_chunks()[:][1]``: the
    ``marks`` of ``for chunk, marks in query_chunks(ids)``) one every item of whose result is a tuple whose
    element ``i`` is (BE101)."""
    return ProjectFact(CONSTANTS, tuple(sorted(set(qualified))))


@project_fact
def html_view(qualified: str, own: bool = False) -> ProjectFact:
    """The view ``qualified`` (a class or function of the project) renders HTML pages: templates, forms,
    redirects, a Django generic HTML view (BE302, BE301). ``own``: a class by its own body only, not by what
    its project bases do (a request-handler base class that redirects to a canonical URL makes no page of
    every handler built on it)."""
    return ProjectFact(HTML_VIEW, (qualified, "own") if own else (qualified,))


@project_fact
def route_words(qualified: str, words: Iterable[str]) -> ProjectFact:
    """A full path the project routes to the Django view ``qualified``, or a prefix other modules give the app
    object ``qualified`` (a router, a blueprint), contains one of ``words`` (BE301's exempt paths)."""
    return ProjectFact(ROUTE_WORDS, (qualified, *sorted(set(words))))




@project_fact
def deletes_routed_items(qualified: str) -> ProjectFact:
    """Every path the project's URL confs give the Django view ``qualified`` is a collection whose item path
    (one placeholder deeper) routes to a view answering DELETE (BE301: a record the client can delete)."""
    return ProjectFact(DELETES_ROUTED_ITEMS, (qualified,))


@project_fact
def no_project() -> ProjectFact:
    """There is no project model to settle the finding: standard input, or a file outside any project the run
    summarised. Listed by findings that only the whole project can support (BE308)."""
    return ProjectFact(NO_PROJECT)



@project_fact
def not_root_urlconf(module: str) -> ProjectFact:
    """The Django URL conf ``module`` is not the project's root: the production settings name another
    ``ROOT_URLCONF``, or none that the model can read (BE308)."""
    return ProjectFact(NOT_ROOT_URLCONF, (module,))


@project_fact
def admin_only_app(qualified: str) -> ProjectFact:
    """Every route of the app object ``qualified`` (a Flask blueprint) answers administrators only: a module of
    the project (not a test) hooks it with a ``before_request`` function that carries an admin decorator
    (``@policy_blueprint.before_request @admin_required def before_admin_request()``) (BE306)."""
    return ProjectFact(ADMIN_ONLY_APP, (qualified,))


@project_fact
def limited_app(qualified: str) -> ProjectFact:
    """Every route of the app object ``qualified`` (a Flask blueprint) is rate-limited: a module of the project
    (not a test) applies a limiter to it whole (``limiter.limit("20/hour")(routes_password_reset.blueprint)`` in
    Mycodo's application factory) (BE307)."""
    return ProjectFact(LIMITED_APP, (qualified,))


@project_fact
def limits_attempts(qualified: str) -> ProjectFact:
    """The project's function or class ``qualified`` (a login form, an authentication helper) names a rate limit
    or lockout in its body or its methods (pretix's ``LoginForm.clean`` calling ``rate_limit("login", ...)``), or
    calls, up to three calls deep, a project function that does (CKAN's ``ckan_authenticator`` ->
    ``default_authenticate`` checking a reCAPTCHA): the view that hands the sign-in to it is limited there (BE307)."""
    return ProjectFact(LIMITS_ATTEMPTS, (qualified,))


@project_fact
def locks_out(qualified: str) -> ProjectFact:
    """The project's function or class ``qualified``, or what it calls up to three deep, tallies failed sign-ins
    (``failed_login_count``): the account locks, so password guessing is limited per account (BE307)."""
    return ProjectFact(LOCKS_OUT, (qualified,))











@project_fact
def does(qualified: str, effect: str) -> ProjectFact:
    """The project's function or method ``qualified`` (``app.notifications.send_welcome``, through re-exports)
    has ``effect`` (:data:`.summary.DEF_EFFECTS`) in its own body or in the project functions it calls, up to
    three calls deep (:meth:`.model.ProjectModel.effects_of`): slow work (``sends-mail``, ``sends-sms``,
    ``renders-pdf``; BE206), what a retry duplicates (``creates``, ``enqueues``, ``sends``, ``pays``: the
    handler effects summary, :mod:`backend_lint.analysis.effects`, for BE301/BE305), ``logs-traceback``
    (BE403) or ``paginates`` (it hands a parameter to ``Paginator``: BE104)."""
    return ProjectFact(DOES, (qualified, effect))


@project_fact
def method_does(cls: str, method: str, effect: str) -> ProjectFact:
    """The method ``method`` of the project's class ``cls`` (``peering_manager.tables.JournalEntryTable``), its own
    or inherited from a base of the project, has ``effect`` as :func:`does` says: BE104 asks whether a table's
    ``configure(request)`` paginates the rows it was built from (``paginates``)."""
    return ProjectFact(METHOD_DOES, (cls, method, effect))


@project_fact
def relation(qualified: str, attribute: str) -> ProjectFact:
    """The project's model class ``qualified`` (``shop.models.Order``, through re-exports), or a base of it that
    the project defines, declares ``attribute`` as a relation that a read loads lazily (a Django
    ``ForeignKey``/``OneToOneField``, a SQLAlchemy ``relationship()`` without an eager ``lazy=``) (BE103)."""
    return ProjectFact(RELATION, (qualified, attribute))


@project_fact
def runs_query(qualified: str) -> ProjectFact:
    """The project's function or method ``qualified`` (``shop.notify.load_customer``, through re-exports) runs a
    database query on every call, in its own body and not through a cache
    (:mod:`.def_queries`; one level: what it calls is not followed): a loop over rows that calls it with the
    row queries once per row (BE103)."""
    return ProjectFact(RUNS_QUERY, (qualified,))



@project_fact
def unique_record(record: Iterable[str]) -> ProjectFact:
    """A model class of the project (not a test) whose name is made of the words ``record`` (what a handler
    creates: ``{annotation, layer}``) declares a natural name of its records unique, so a retry that sends the
    same name creates nothing (:mod:`backend_lint.analysis.unique_models`; BE301)."""
    return ProjectFact(UNIQUE_RECORD, tuple(sorted(set(record))))


@project_fact
def cli_command_class(qualified: str) -> ProjectFact:
    """The class ``qualified`` derives, through project bases, from a CLI framework's command class
    (``flask_script.Command``, Django's ``BaseCommand``): its methods run from a shell (BE203)."""
    return ProjectFact(CLI_COMMAND_CLASS, (qualified,))


@project_fact
def checkout_link(qualified: str) -> ProjectFact:
    """The project's class ``qualified`` (a handler's response model) declares a field for the link a payer
    follows (lnbits's ``FiatSubscriptionResponse.checkout_session_url``): the handler answers a checkout session,
    and no money moves until the payer approves it (BE301)."""
    return ProjectFact(CHECKOUT_LINK, (qualified,))


@project_fact
def checks_unique(qualified: str) -> ProjectFact:
    """The project's function or class ``qualified`` (a service, a command the handler runs), or a method of
    it, refuses a duplicate before creating: it calls a uniqueness check or raises an "already exists" error
    (BE301)."""
    return ProjectFact(CHECKS_UNIQUE, (qualified,))


@project_fact
def callers_pass_safe(qualified: str, parameters: Iterable[str]) -> ProjectFact:
    """The project records at least one call of the function ``qualified`` and none passes, for any of
    ``parameters`` (``name:position:1`` when its default is a literal), a value that may carry text an outside
    party chose, by BE101's readings in the caller's file (:mod:`backend_lint.analysis.caller_values`)."""
    return ProjectFact(CALLERS_PASS_SAFE, (qualified, *parameters))


@project_fact
def caller_passes_request(qualified: str, parameter: str) -> ProjectFact:
    """Some recorded call of the function ``qualified`` passes, for ``parameter`` (``name:position``), a value the
    caller read from the request it handles (a header, a cookie: :data:`backend_lint.analysis.caller_values.REQUEST`;
    BE502: the helper decodes the client's token)."""
    return ProjectFact(CALLER_PASSES_REQUEST, (qualified, parameter))


@project_fact
def unreferenced(qualified: str) -> ProjectFact:
    """No other module of the project imports the function ``qualified`` or its module, or names either in a
    string: an endpoint factory nothing registers is dead code (BE304)."""
    return ProjectFact(UNREFERENCED, (qualified,))


@project_fact
def unmounted_router(qualified: str) -> ProjectFact:
    """The router ``qualified`` (an ``APIRouter``, a ``Blueprint``, a ``RouteTableDef`` of its module) is mounted
    by nobody: no other module imports it or its module or names either in a dotted string, while the project
    mounts routers by name (a module mounts some, ``include_router``/``register_blueprint``, and none of those
    loads modules by a computed name). Its routes are never served (BE304: letta's retired
    ``routers/openai/chat_completions`` router, seed 132)."""
    return ProjectFact(UNMOUNTED_ROUTER, (qualified,))


@project_fact
def unimported_function(qualified: str) -> ProjectFact:
    """No other module of the project can reach the function ``qualified``: none imports it by name, binds its
    whole module (``import m``, ``from pkg import m``) and uses the function's name (``m.f()``), star-imports the
    module, or names either in a dotted string; tests and migrations binding the module do not count. Unlike
    :func:`unreferenced`, ``from m import other_function`` elsewhere does not refute it: the
    decision is per function, not per module (BE401, BE404)."""
    return ProjectFact(UNIMPORTED_FUNCTION, (qualified,))


@project_fact
def unimported_outside_tests(qualified: str) -> ProjectFact:
    """As :func:`unimported_function`, but tests and test support may import it: a test that awaits a coroutine
    on pytest's loop says nothing about the loop the service runs it on (BE204)."""
    return ProjectFact(UNIMPORTED_OUTSIDE_TESTS, (qualified,))


@project_fact
def unreached(qualified: str, kind: str = "") -> ProjectFact:
    """Nothing outside the tests and the migrations reaches the module-level function (or, with ``kind``
    ``"class"``, the plain class) ``qualified``: its module never names it (the file's half,
    :mod:`backend_lint.analysis.reach_names`), no other module imports it, star-imports its module, uses an
    attribute or a path-like string word of its name, and the module is imported by the application; decided in
    an application (a module serves requests or builds an app, or production settings) or for a private name,
    and for a public name only when tests or migrations name it or its module is an orphan (:mod:`.def_reach`).
    :meth:`backend_lint.rule.Rule.report` attaches it to every finding inside such a definition, whatever the
    rule: code that never runs has no bug a user meets."""
    return ProjectFact(UNREACHED, (qualified, kind) if kind else (qualified,))


@project_fact
def startup_only(qualified: str) -> ProjectFact:
    """The project's function ``qualified`` runs only at start-up: an application's start-up hook (a FastAPI
    ``lifespan``, an ``on_event("startup")`` handler) calls it, and every function of the project that calls it
    is itself such a function or command-line code (:mod:`backend_lint.analysis.startup_hooks`; BE103)."""
    return ProjectFact(STARTUP_ONLY, (qualified,))


@project_fact
def cli_only(qualified: str) -> ProjectFact:
    """Only command line code reaches the function or method ``qualified``: every module outside tests that names
    it (an import, an attribute) is command line code, and every caller in its own module is such a function in
    turn (:meth:`.def_reach.DefReach.cli_only`; BE401: a wallet's restore progress printed for its CLI command)."""
    return ProjectFact(CLI_ONLY, (qualified,))


@project_fact
def development_only(module: str) -> ProjectFact:
    """A module of ``module``'s own package or of the package above it (not a test) says in its docstring, or a
    top-level class's, that it is for development or testing only: the routes of a development-only auth
    manager (BE307)."""
    return ProjectFact(DEVELOPMENT_ONLY, (module,))


@project_fact
def sets_timeout(qualified: str) -> ProjectFact:
    """The project's class ``qualified`` (an HTTP adapter mounted on a ``requests`` session), or a base of it
    in the project, names a timeout in its body: the ``TimeoutHTTPAdapter`` recipe (BE201)."""
    return ProjectFact(SETS_TIMEOUT, (qualified,))


@project_fact
def seeded_table(model: str) -> ProjectFact:
    """The project's model class ``model`` (through re-exports) names a table (``__tablename__``,
    ``Meta.db_table``) that the project's migrations fill with at least two rows of literal values: a lookup
    table the application ships (fittrackee's sports), small by nature (BE104;
    :mod:`backend_lint.analysis.seeded_tables`)."""
    return ProjectFact(SEEDED_TABLE, (model,))


@project_fact
def catalog_table(model: str) -> ProjectFact:
    """The project's model class ``model`` (through re-exports) is not shown to grow with use: the project's
    running code makes rows of other models by use, and of this one nowhere a user reaches (only in
    administrators-only code, one-off management commands or data migrations, or nowhere the code shows;
    :mod:`backend_lint.analysis.model_growth`): no evidence that its list grows (BE104)."""
    return ProjectFact(CATALOG_TABLE, (model,))


@project_fact
def fixed_table(model: str) -> ProjectFact:
    """Both :func:`seeded_table` and :func:`catalog_table`: the project ships the model's rows (its migrations or
    the fixtures it loads hold a short list) and its running code makes none by use: archivematica's fifteen
    transfer metadata fields. A loop over its rows runs a bounded handful of times, however much data the
    application holds (BE103)."""
    return ProjectFact(FIXED_TABLE, (model,))


@project_fact
def staff_app(module: str) -> ProjectFact:
    """A module of ``module``'s own package (not a test) holds a Django app config that requires staff for every
    URL of the app (``default_permissions = ["is_staff"]``: django-oscar's dashboard apps): its views are
    back-office pages (BE104)."""
    return ProjectFact(STAFF_APP, (module,))


@project_fact
def absent(fact: ProjectFact) -> ProjectFact:
    """``fact`` does not hold (it is false, or the model cannot establish it). ``Rule.report(only_if=...)``
    lists it in ``unless``; a rule does not build it by hand."""
    return ProjectFact(ABSENT, (fact.kind, *fact.args))


@project_fact
def plain_class(qualified: str) -> ProjectFact:
    """The project's class ``qualified`` (through re-exports) and every base of it are classes of the project
    whose roots have no base but ``object``: no ORM model, so ``Domain.objects.all()`` is the project's own
    manager (a REST client's list), not a query (BE103)."""
    return ProjectFact(PLAIN_CLASS, (qualified,))


@project_fact
def schema_models(qualified: Iterable[str]) -> ProjectFact:
    """Every class named (through re-exports) is a class of the project that derives, through project bases, from
    pydantic's ``BaseModel`` (:data:`backend_lint.analysis.schema_models.SCHEMA_BASES`): building one validates
    the fields it is handed (taskingmanager's ``TaskCommentDTO(comment=...)``; BE303)."""
    return ProjectFact(SCHEMA_MODELS, tuple(sorted(set(qualified))))


@project_fact
def idempotent_inserts(qualified: Iterable[str]) -> ProjectFact:
    """Every function or method named (through re-exports) is the project's, and its own SQL inserts all add their
    row only when none is there (``INSERT ... ON CONFLICT ... DO NOTHING``: fmtm's ``DbOrganisationManagers.create``
    granting an admin role): an idempotent grant, no resource created (BE305)."""
    return ProjectFact(IDEMPOTENT_INSERTS, tuple(sorted(set(qualified))))


@project_fact
def unrouted_view(qualified: str) -> ProjectFact:
    """The Django function view ``qualified`` is dead code, no endpoint: the project's URL confs route views of its
    module (``account.SignInView.as_view()``) but never it, and no other module imports it, calls it or names it in
    a dotted string (akvo's ``sign_in`` left behind by ``SignInView``; BE307)."""
    return ProjectFact(UNROUTED_VIEW, (qualified,))


@project_fact
def admin_only_name(name: str) -> ProjectFact:
    """A module of the project (not a test) lists ``name`` in a module or class attribute named ``ADMIN_ONLY...``
    (Superset's security manager: ``ADMIN_ONLY_VIEW_MENUS``, ``ADMIN_ONLY_PERMISSIONS``): the view menu or
    permission that only the Admin role gets (BE304; :mod:`backend_lint.analysis.admin_declarations`)."""
    return ProjectFact(ADMIN_ONLY_NAME, (name,))


@project_fact
def admin_permission(qualified: str) -> ProjectFact:
    """The project's permission object ``qualified`` (``octoprint.access.permissions.Permissions.SETTINGS``, a class
    attribute, through re-exports of the class) is given by default to administrators' groups only
    (BE304; :mod:`backend_lint.analysis.admin_declarations`)."""
    return ProjectFact(ADMIN_PERMISSION, (qualified,))


@project_fact
def guards_admins(qualified: str) -> ProjectFact:
    """The project's function or class ``qualified`` (``app.deps.get_current_superuser``, ``api.permissions.IsStaff``,
    through re-exports) lets only administrators through: a guard that raises unless an administrator's flag
    holds, a decorator whose wrapper calls the view only then, a DRF permission class answering with the flag
    (BE104, BE105, BE304, BE306; :mod:`backend_lint.analysis.admin_guard_defs`)."""
    return ProjectFact(ADMIN_GUARD, (qualified,))


@project_fact
def signs_in(qualified: str) -> ProjectFact:
    """The project's decorator ``qualified`` (``mailu.ui.access.owner``, through re-exports) admits only a signed-in
    user: the wrappers it returns name ``login_required`` or another sign-in requirement, or a decorator of its
    module that builds it does (BE307; :func:`backend_lint.analysis.decorator_bodies.signs_in`)."""
    return ProjectFact(SIGNS_IN, (qualified,))


@project_fact
def internal_service(module: str, *routes: str) -> ProjectFact:
    """``module`` is an internal service of the project, not a public API: it builds a web application of its own,
    the project serves its main API outside ``module``'s package, and another module of the project (not a test,
    example or command) sends HTTP requests to every one of ``routes`` at a base address it holds or on loopback
    (librephotos' backend posting to its ``image_similarity`` sidecar at ``settings.IMAGE_SIMILARITY_SERVER +
    "/build/"``): the route's body, errors and file names are the backend's own (BE303, BE304, BE506;
    :mod:`backend_lint.analysis.internal_services`)."""
    return ProjectFact(INTERNAL_SERVICE, (module, *routes))


@project_fact
def loopback_constant(qualified: str) -> ProjectFact:
    """The imported name ``qualified`` (``mayan.apps.dynamic_search.backends.elasticsearch.literals.DEFAULT_HOSTS``,
    through re-exports) is bound once, in its module, to a loopback address or a list of only such addresses
    (BE507; :mod:`backend_lint.analysis.loopback`)."""
    return ProjectFact(LOOPBACK_CONSTANT, (qualified,))


@project_fact
def slow_client_call(qualified: str, method: str, kind: str) -> ProjectFact:
    """The imported name ``qualified`` (``blog.mail`` after ``from . import mail``, through re-exports) is bound
    once, in its module, to a client whose ``method`` does ``kind`` (``flask_mail.Mail()``'s ``send`` sends
    e-mail; :data:`backend_lint.analysis.slow_work.CLIENT_CLASSES`, BE206)."""
    return ProjectFact(SLOW_CLIENT_CALL, (qualified, method, kind))


@project_fact
def xhr_view(qualified: str) -> ProjectFact:
    """The project's view ``qualified`` carries a decorator that refuses every request but the application's own
    XMLHttpRequests (Pontoon's ``@require_AJAX``): a helper of the UI's scripts, not a published API route (BE302;
    :mod:`backend_lint.analysis.xhr_views`)."""
    return ProjectFact(XHR_VIEW, (qualified,))


@project_fact
def recent_time(qualified: str) -> ProjectFact:
    """The project's function ``qualified`` (FlaskBB's ``utils.helpers.time_diff``, through re-exports) returns a
    moment a short window before now on every path (``now - timedelta(minutes=...)``): rows filtered to be at
    least that recent are the window's (BE104; :mod:`backend_lint.analysis.time_windows`)."""
    return ProjectFact(RECENT_TIME, (qualified,))
