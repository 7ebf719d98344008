"""What one module tells the rest of its project, as plain data.

A summary holds names, strings and literal values, never a tree node, so it can be computed in a worker, sent
to the main process and stored in the cache beside the file's findings (keyed by the file's bytes). The model
(:mod:`.model`) joins the summaries of a project; :mod:`.extract` takes one from a checked file.

Names are absolute: ``from .tables import RETAINED`` in ``shop.views`` is recorded as ``shop.tables.RETAINED``,
a class defined in the module as ``shop.views.OrderView``.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import Any, Optional


@dataclass
class DefSummary:
    """A module-level function or class, or a method (``OrderView.post``)."""

    bases: list[str] = field(default_factory=list)
    """A class's bases, qualified (``rest_framework.views.APIView``, ``shop.views.BaseView``)."""
    headers: list[str] = field(default_factory=list)
    """Request header names it reads that name idempotency (lower case, ``-`` for ``_``, no ``http-`` prefix)."""
    renders_html: bool = False
    """It answers with HTML: renders a template, handles a form, redirects, or names a ``template_name``."""
    xhr_only: bool = False
    """A decorator restricts it to the application's own XMLHttpRequests (``@require_AJAX``): a helper of the UI's
    scripts (:mod:`backend_lint.analysis.xhr_views`, BE302)."""
    counts_attempts: bool = False
    """Its body (a class: any of its methods; a decorator: the wrappers it returns) names a rate limit or lockout
    (``rate_limit("login", ...)``, ``limiter``, ``throttle``): a form, helper or decorator that limits the sign-in
    a view hands to it (:func:`backend_lint.analysis.rate_limits.counts_attempts`)."""
    tallies_failures: bool = False
    """Its body (a class: any of its methods) names a tally of failed sign-ins (``failed_login_count``): the
    account lockout of a login helper (:func:`backend_lint.analysis.rate_limits.tallies_failed_sign_ins`)."""
    effects: list[str] = field(default_factory=list)
    """What a function or method does in its own body that a caller in another module inherits (sorted, one of
    :data:`DEF_EFFECTS`); empty for most."""
    relations: list[str] = field(default_factory=list)
    """A model class's attributes whose read loads another row lazily (Django ``ForeignKey``/``OneToOneField``,
    SQLAlchemy ``relationship()`` without an eager ``lazy=``), sorted: ``order.customer`` in a loop over the
    orders of a view in another module is an N+1 (BE103)."""
    checks_unique: bool = False
    """It refuses a duplicate before creating: it calls a uniqueness check (``validate_uniqueness(name)``),
    raises an "already exists" error, or answers the record a lookup by id found before creating one under that
    id (:func:`backend_lint.analysis.unique_models.checks_unique`)."""
    checkout_link: bool = False
    """A class declaring a field for the link a payer follows (``checkout_session_url``, ``approval_url``,
    ``payment_link``): a response that hands out a checkout, not a payment (BE301)."""
    timeout: bool = False
    """A class whose body names a timeout (a ``TimeoutHTTPAdapter``, a session that sets a default one): BE201
    takes a session mounted with it as one with a timeout."""
    returns_literal: bool = False
    """Every ``return`` of the function gives a string literal, or text joined from safe parts only (a
    placeholder list): constant text (BE101: safe in SQL)."""
    returns_recent_time: bool = False
    """Every ``return`` gives a moment a short window before now (``now - timedelta(minutes=...)``; BE104,
    :mod:`backend_lint.analysis.time_windows`)."""
    returned_settings: dict[str, Any] = field(default_factory=dict)
    """A module-level function that ends by returning a dict of upper-case setting names: its literal items
    (weblate's ``get_drf_settings()``, which a settings module calls to build ``REST_FRAMEWORK``)."""
    table: str = ""
    """A model class's table, as its ``__tablename__`` or ``Meta.db_table`` names it (lower case)."""
    plain_class: bool = False
    """A class written with no base but ``object`` (and no metaclass): a plain Python class, so a subclass's
    ``objects`` is the project's own manager (a REST client's), not an ORM's (BE103)."""
    wraps_catch_all: bool = False
    """A wrapper factory whose wrapper calls the function it is given only inside a catch-all that does not
    re-raise (:func:`backend_lint.analysis.catch_all.returns_catching_wrapper`; BE304)."""
    catches_all: bool = False
    """The function lets no exception out: it catches everything itself
    (:func:`backend_lint.analysis.catch_all.catches_everything`); a caller's ``except Exception`` around it
    never runs (BE403)."""
    text_elements: list[int] = field(default_factory=list)
    """Every ``return`` of the function gives a tuple (``return sql, params``): the positions (from 0) whose
    element is constant SQL text in every one of them, as BE101 decides within the file (a literal, a module
    constant, a local built only from them, safe holes only): ``sql, params = build_query(x)`` in another
    module formats nothing unsafe into its SQL."""
    item_text_elements: list[int] = field(default_factory=list)
    """Every item the function hands back is a tuple (``return [(chunk, ",".join(["?"] * len(chunk))) for
    ...]``, or ``yield chunk, marks``): the positions (from 0) whose element is constant SQL text in every one,
    as BE101 decides within the file (:mod:`backend_lint.analysis.iterated_text`): ``for chunk, marks in
    query_chunks(ids)`` in another module formats nothing unsafe with ``marks``."""
    runs_query: bool = False
    """Every call of the function runs a database query in its own body (:func:`backend_lint.analysis.orm.runs_query`
    on a statement it always reaches; none when it names a cache): a helper that a loop over rows calls with the
    row queries once per row (BE103)."""
    admin_permissions: list[str] = field(default_factory=list)
    """A class's attributes bound to a permission only administrators hold by default (OctoPrint's
    ``Permissions.SETTINGS``), sorted (:func:`backend_lint.analysis.admin_declarations.admin_permissions`)."""
    admin_guard: bool = False
    """The function or class lets only administrators through (a guard that raises unless an administrator's flag
    holds, a decorator guarding the view so, a DRF permission answering with the flag;
    :func:`backend_lint.analysis.admin_guard_defs.admin_guard_def`)."""
    signs_in: bool = False
    """A decorator (or decorator factory) whose wrappers admit only a signed-in user: they name
    ``login_required`` or another sign-in requirement, or a decorator of its module that builds it does
    (:func:`backend_lint.analysis.decorator_bodies.signs_in`; BE307)."""
    backgrounds: bool = False
    """A decorator whose wrapper runs the decorated function in a thread, a process, an executor or a task and
    returns at once (:func:`backend_lint.analysis.decorator_bodies.runs_in_background`; BE206)."""
    decorators: list[str] = field(default_factory=list)
    """The project's own decorators written on the function, qualified, sorted
    (:func:`backend_lint.analysis.decorator_bodies.own_decorators`): one that :attr:`backgrounds` makes its call
    return at once, so its effects are not its caller's (:meth:`.def_facts.DefFacts.reached`)."""
    wraps_library_call: bool = False
    """The function's body is one call of a library, on its parameters and values without calls
    (askbot's ``decode_jwt``: ``return jwt.decode(data_jwt, settings.SECRET_KEY, algorithms=["HS256"])``): what it
    raises is that library's error (:func:`backend_lint.analysis.library_calls.wraps_library_call`, BE403). Not a
    caller's: unlike :attr:`effects`, it is read off the function alone."""
    inserts_if_missing: bool = False
    """The function's own SQL inserts all add their row only when none is there (``INSERT ... ON CONFLICT ... DO
    NOTHING``, ``INSERT OR IGNORE``): a grant that is idempotent, no resource created
    (:func:`backend_lint.analysis.idempotent_inserts.inserts_if_missing`, BE305)."""
    mails_own_inbox: bool = False
    """Every message the function sends goes to an address of its configuration (``settings.CONTACT_EMAIL``): the
    site's own inbox (:func:`backend_lint.analysis.own_inbox.mails_own_inbox`, BE301)."""
    raises_message: bool = False
    """The function raises a plain ``Exception`` with a message of its own (a literal or an f-string) in its own
    body: a refusal written for its caller's client (BE304)."""
    masks: list[str] = field(default_factory=list)
    """A function shaped as an error handler (``(request, exc)``, ``(error)``): the statuses whose text it keeps
    from the client (``all``, ``500``, ``5xx``; :func:`backend_lint.analysis.masked_errors.masked_statuses`), for a
    registration in another module (BE304)."""
    calls: list[str] = field(default_factory=list)
    """The project's functions, classes and methods it calls, qualified (sorted): imported from a module of its
    own top-level package, or defined in its own module (``self._send`` in its class). The model adds their
    effects to its own, a few calls deep (:meth:`.model.ProjectModel.effects_of`)."""
    arguments: list[list[str]] = field(default_factory=list)
    """Its calls of the project's functions that pass arguments: ``[callee, positional kinds, keyword kinds]``,
    each kind ``t`` (may carry text an outside party chose: the request, a handler's value, the caller's own
    parameter) or ``s`` (safe by BE101's readings here, or made by the caller itself)
    (:func:`backend_lint.analysis.caller_values.call_arguments`): BE101 trusts a parameter no caller passes
    such text. Calls of the module's own classes, public methods and functions without parameters are left out
    (:func:`backend_lint.analysis.caller_values.asked_about`: nothing asks about their callers)."""


    def __reduce__(self) -> tuple[type[DefSummary], tuple[Any, ...]]:
        return DefSummary, tuple(getattr(self, name) for name in _DEF_FIELDS)


DEF_EFFECTS = frozenset({
    "sends-mail", "sends-sms", "renders-pdf", "creates", "enqueues", "sends", "pays", "logs-traceback", "paginates",
    "configures-logging",
})
"""Effects a def summary records: BE206's slow work (:mod:`backend_lint.analysis.slow_work`, not sleeps: a
helper's sleep is a poll or a backoff more often than not), the harmful effects of
:mod:`backend_lint.analysis.effects` (what a retry duplicates), BE403's ``logs-traceback`` and BE104's
``paginates`` (it hands a parameter to ``Paginator``) and BE404's ``configures-logging``."""

SLOW_DEF_EFFECTS = frozenset({"sends-mail", "sends-sms", "renders-pdf"})
"""BE206's slow work among :data:`DEF_EFFECTS`: it counts where a caller waits for it, not through a decorator that
runs the function in the background (:attr:`DefSummary.backgrounds`)."""


@dataclass
class UrlEntry:
    """One Django ``path``/``re_path``/``url`` entry: the route text (``None``: not readable) and the view."""

    path: Optional[str]
    view: str
    """The qualified view: ``shop.views.OrderCreate`` (a class-based view) or ``shop.views.order_detail``."""


@dataclass
class UrlInclude:
    """``path("api/", include("shop.api.urls"))``: a prefix and the URL conf module it includes."""

    prefix: Optional[str]
    module: str


@dataclass
class RouterInclude:
    """``app.include_router(orders.router, prefix="/api")``: an app object of another module included in one of
    this module's, with a prefix (``None``: not readable)."""

    child: str
    """The included object, qualified: ``shop.routers.orders.router``."""
    parent: str
    """The object it is included in, qualified: ``shop.main.app``."""
    prefix: Optional[str]


@dataclass
class ModuleSummary:
    """Everything one module contributes to the project model."""

    module: str = ""
    """The dotted module name (``""`` when not known: standard input, a file outside any package)."""
    is_package: bool = False
    roles: list[str] = field(default_factory=list)
    """Module roles (:mod:`backend_lint.analysis.module_roles`): ``test``, ``test_support``, ``migration``,
    ``example``, ``test_harness``."""
    imports: dict[str, str] = field(default_factory=dict)
    """Local name -> qualified name of what it was imported as (relative imports made absolute)."""
    imported: list[str] = field(default_factory=list)
    """Every module the file imports (``from a import b`` gives ``a`` and ``a.b``; ``b`` may be a module)."""
    dotted_strings: list[str] = field(default_factory=list)
    """String constants that read as dotted names (``"shop.cli.commands.export"``, settings' class paths):
    lazy imports and registrations by name."""
    settings_names: list[str] = field(default_factory=list)
    """The settings modules the module gives ``DJANGO_SETTINGS_MODULE`` (``os.environ.setdefault(...)`` in
    ``manage.py``), ``"?"`` for a value it does not spell (:func:`.deployed_settings.settings_named`)."""
    constants: dict[str, str] = field(default_factory=dict)
    """Module-level names bound once to a literal: name -> the literal's kind (``str``, ``int``, ``tuple``...)."""
    slow_clients: dict[str, str] = field(default_factory=dict)
    """Module-level names bound once to an instance of a class whose calls are slow work, with that class
    (``mail`` -> ``flask_mail.Mail``; :data:`backend_lint.analysis.slow_work.CLIENT_CLASSES`, BE206)."""
    loopback_constants: list[str] = field(default_factory=list)
    """Module-level names bound once to a loopback address or a list of them (``["https://127.0.0.1:9200"]``;
    :mod:`backend_lint.analysis.loopback`)."""
    settings_kind: str = ""
    """``production``, ``development`` or ``test`` for a settings module (``settings.py``, ``settings/``...);
    ``""`` for other modules."""
    settings: dict[str, Any] = field(default_factory=dict)
    """Module-level UPPER_CASE names with literal values (JSON: strings, numbers, lists, dicts), ``"?"`` when
    assigned a value that is not a literal."""
    star_imports: list[str] = field(default_factory=list)
    """Modules this one ``from x import *`` (a settings module extending its base)."""
    replaced_settings: list[str] = field(default_factory=list)
    """In a settings module that star-imports another: the UPPER_CASE names it assigns, after its star imports, a
    value read at run time or a false one, sorted (:meth:`backend_lint.analysis.settings.SettingsModule.replacing`):
    production's ``SECRET_KEY = os.environ["SECRET_KEY"]`` in place of its base's literal."""
    defs: dict[str, DefSummary] = field(default_factory=dict)
    """Qualified name -> facts about the module's functions, classes and methods that other modules use."""
    url_entries: list[UrlEntry] = field(default_factory=list)
    url_includes: list[UrlInclude] = field(default_factory=list)
    router_includes: list[RouterInclude] = field(default_factory=list)
    middleware: list[list[str]] = field(default_factory=list)
    """``[framework, qualified class]`` of middleware registered app-wide (``app.add_middleware(X)``,
    ``Middleware(X)``)."""
    request_hooks: list[list[str]] = field(default_factory=list)
    """``[framework, qualified function]`` run before every request (Flask ``before_request``)."""
    rate_limits: list[str] = field(default_factory=list)
    """App-wide limiters the module registers or configures (:func:`backend_lint.analysis.rate_limits.app_rate_limits`):
    slowapi defaults and middleware, Flask-Limiter defaults, Litestar ``RateLimitConfig``, the project's own
    middleware that answers 429."""
    upload_limits: list[str] = field(default_factory=list)
    """Request-size limits the module sets for a whole app (:func:`backend_lint.analysis.uploads.app_upload_limits`):
    Flask's ``MAX_CONTENT_LENGTH``."""
    admin_hooks: list[str] = field(default_factory=list)
    """App objects, qualified, whose ``before_request`` hook here carries an admin decorator
    (:func:`backend_lint.analysis.admin_only.admin_hooked_objects`): their routes answer administrators only."""
    limited_apps: list[str] = field(default_factory=list)
    """App objects, qualified, that a limiter here covers whole (:func:`backend_lint.analysis.rate_limits.
    limited_app_objects`: ``limiter.limit("20/hour")(routes_password_reset.blueprint)``)."""
    route_paths: list[str] = field(default_factory=list)
    """Literal route paths and prefixes the module routes on (configured probe words are looked for in them)."""
    patches_requests_timeout: bool = False
    """It replaces ``requests``' sending with a wrapper (``HTTPAdapter.send = ...``, ``Session.request = ...``) that a
    project installs at start-up to give every call a default timeout (pretix): BE201's requests calls."""
    health: bool = False
    """It routes a health, readiness or liveness path, includes a health-check URL conf or imports a
    health-check package (:func:`backend_lint.analysis.health_checks.serves_health_check`)."""
    cli: bool = False
    """The file itself says it is command line code (:func:`backend_lint.analysis.entrypoints.cli_module`)."""
    commands: str = ""
    """It is a command of a CLI framework: ``loaded`` by name (a management command, invoke tasks) or
    ``registered`` by the program that imports it (a click group, a typer app), ``""`` if not
    (:func:`backend_lint.analysis.command_reach.declares_commands`)."""
    command_names: list[str] = field(default_factory=list)
    """Of a module that declares commands: the names it uses only in the bodies of its commands
    (:func:`backend_lint.analysis.command_reach.command_only_names`), so that a function only they name is reached
    only from the command line even where the module is a launcher (:func:`.conditions.cli_only`)."""
    runs_dev_server: bool = False
    """It starts a web framework's own server with ``run()`` or werkzeug's ``run_simple``
    (:func:`backend_lint.analysis.command_reach.runs_dev_server`): where a Flask app's ``DEBUG`` serves a debugger."""
    starts_service: bool = False
    """It starts the web server or a worker, or defines a job queue's tasks
    (:func:`backend_lint.analysis.command_reach.starts_service`): what it imports runs in the service."""
    app_run_classes: list[str] = field(default_factory=list)
    """When its only sign of starting a service is ``app.run()`` on an instance of a class of the project
    (``app = InstallerApp(args)``): those classes, qualified, for the model to tell a terminal UI's ``run()``
    (a Textual app) from a web server's (:func:`backend_lint.analysis.command_reach.project_app_runs`)."""
    type_only_imports: list[str] = field(default_factory=list)
    """Modules it imports only under ``if TYPE_CHECKING:``: for annotations, never imported when it runs."""
    serves: bool = False
    """It defines HTTP handlers or builds an app (routes, routers, middleware): never command line code, even
    when only a command imports it (``app run`` starts the server)."""
    view_aliases: dict[str, str] = field(default_factory=dict)
    """Module-level names bound to a class-based view (``add_webauthn = AddWebAuthnView.as_view()``): name ->
    the qualified class, so that a URL conf routing the name reaches the class."""
    development_only: bool = False
    """Its docstring, or a top-level class's, says it is for development or testing only ("should not be used in
    production"): :func:`backend_lint.analysis.module_roles.says_development_only`."""
    unique_models: list[str] = field(default_factory=list)
    """Model classes whose records have a unique natural name (``name = Column(..., unique=True)``), as
    lower-case words (:func:`backend_lint.analysis.unique_models.unique_models`)."""
    compared_secrets: list[str] = field(default_factory=list)
    published_settings: list[str] = field(default_factory=list)
    """Upper-case settings the module renders into the pages it serves (a template's context, a template tag, a
    context processor), sorted: :mod:`backend_lint.analysis.published_settings`."""
    overlaid_configs: list[str] = field(default_factory=list)
    """Dotted paths of the configuration objects the module loads with ``from_object`` before the deployment's own
    configuration file over them, sorted: :mod:`backend_lint.analysis.config_layers`."""
    """Upper-case secret-named constants the module compares with ``==``/``!=``, qualified (sorted): sentinels it
    checks for (:mod:`backend_lint.analysis.sentinels`)."""
    staff_app: bool = False
    """A Django app config of the module (django-oscar's dashboard apps) requires staff for every URL of its app:
    a top-level class sets ``default_permissions`` to a list naming ``is_staff`` or ``is_superuser``."""
    admin_only_names: list[str] = field(default_factory=list)
    """Strings listed in module or class attributes named ``ADMIN_ONLY...`` (sorted): view menus and permissions
    only administrators get (:func:`backend_lint.analysis.admin_declarations.admin_only_names`)."""
    error_handlers: list[list[str]] = field(default_factory=list)
    """``[family, caught, statuses, scope]`` of the error handlers it registers for raised HTTP exceptions
    (:func:`backend_lint.analysis.masked_errors.registrations`): ``asgi``/``wsgi``, ``all``/``500``, the statuses
    the handler masks joined by ``,`` (``@`` and the handler's qualified name when it is defined elsewhere), and
    the modules it serves (a package and below, or a blueprint's own module)."""
    single_account: bool = False
    """It defines a Flask-Login user class that is no database row (``id`` a class constant, no ``__init__``): the
    application has one account (:func:`backend_lint.analysis.admin_declarations.single_account`)."""
    single_password: bool = False
    """It compares a value with the one configured password (``ENV_VALUES["PASSWORD"]``:
    :func:`backend_lint.analysis.admin_declarations.single_password`)."""
    keeps_users: bool = False
    """It defines or names a user model (:func:`backend_lint.analysis.admin_declarations.keeps_users`)."""
    startup_calls: list[str] = field(default_factory=list)
    """The project's functions its start-up hooks call (a FastAPI ``lifespan``, ``on_event("startup")``), nested
    functions of the hook included, qualified, sorted (:func:`backend_lint.analysis.startup_hooks.startup_calls`)."""
    startup_hooks: list[str] = field(default_factory=list)
    """The module-level functions that are its start-up hooks (a FastAPI ``lifespan``, ``on_event("startup")``),
    qualified, sorted (:func:`backend_lint.analysis.startup_hooks.startup_hook_names`): they run only at start-up."""
    seeded_tables: dict[str, int] = field(default_factory=dict)
    """In a migration module: ``table -> rows`` it inserts with literal values
    (:func:`backend_lint.analysis.seeded_tables.seeded_rows`)."""
    seeded_models: dict[str, int] = field(default_factory=dict)
    """In a migration module: ``app_label.model -> rows`` it creates through ``apps.get_model(...)``
    (:func:`backend_lint.analysis.seeded_tables.created_rows`)."""
    url_addresses: list[str] = field(default_factory=list)
    """Fields its models write into their canonical URL (``get_absolute_url``) and its viewsets' ``lookup_field``s,
    sorted: the objects' public addresses (:func:`backend_lint.analysis.url_addresses.address_fields`)."""
    own_app: bool = False
    """It builds a whole web application of its own at module level (``app = Flask(__name__)``, under
    ``if __name__ == "__main__":`` too; :func:`backend_lint.analysis.internal_services.builds_own_app`)."""
    client_paths: list[str] = field(default_factory=list)
    """The URL paths its HTTP calls send requests to at the project's own address of a service (a base value and a
    literal path, a loopback URL), holes written ``{}``, sorted
    (:func:`backend_lint.analysis.internal_services.client_paths`)."""
    assigned_callables: dict[str, list[str]] = field(default_factory=dict)
    """Attribute name -> the project functions whose call the module stores on it (``config.code.on_mcp_connect =
    wrap_user_function(func)``; :mod:`backend_lint.analysis.assigned_callables`, BE304)."""
    sent_headers: list[str] = field(default_factory=list)
    """The custom header names (``X-...``) it writes as string literals, lower-case, sorted: a client of the
    project's own service sending its shared secret
    (:func:`backend_lint.analysis.shared_secret_guards.sent_headers`)."""
    program: str = ""
    """The folder of the program deployed on its own that the module belongs to, below the project root
    (:func:`backend_lint.analysis.project.roots.deployed_program`: mem0's ``server/``, with its own requirements and
    container file); ``""``: the project as a whole. What a program decides for itself (its root logger: BE404) is
    read from its own modules."""
    traits: list[str] = field(default_factory=list)
    """Its evidence about the application as a whole (sorted; outside tests and test support): ambient or header
    credentials, CSRF validated by hand, logging at all (:func:`backend_lint.analysis.app_conventions.auth_traits`)."""
    api_routes: dict[str, int] = field(default_factory=dict)
    """How many of its routes answer GET, POST only, and POST at a path naming a read, outside tests and test
    support (:func:`backend_lint.analysis.api_conventions.route_counts`)."""
    prints: int = 0
    """How many ``print(`` calls its text holds, outside tests and test support
    (:func:`backend_lint.analysis.app_conventions.print_count`)."""
    loaded_fixtures: list[str] = field(default_factory=list)
    """The Django fixtures it loads (``call_command("loaddata", "regulation")``), by name, sorted
    (:func:`backend_lint.analysis.seeded_tables.loaded_fixtures`)."""

    grown_models: list[str] = field(default_factory=list)
    """What its running code makes rows of, outside administrators-only code, sorted: model, form and serializer
    class names, ``.<relation>`` of a related manager's create, ``table:<name>`` of an ``INSERT``
    (:func:`backend_lint.analysis.model_growth.grown_names`; BE104's catalogues)."""
    model_forms: dict[str, str] = field(default_factory=dict)
    """Its form and serializer classes -> the model their ``Meta`` names
    (:func:`backend_lint.analysis.model_growth.model_forms`)."""
    writes_rows: bool = False
    """It makes rows by use through an ORM call read by :func:`backend_lint.analysis.model_growth.writes_rows`."""
    referenced_names: list[str] = field(default_factory=list)
    """Outside tests, test support and migrations: the attribute names it uses and the identifier words of its
    path-like strings, sorted (:func:`backend_lint.analysis.reach_names.referenced_names`): how it may reach another
    module's function or class without importing it by name (:func:`.conditions.unreached`)."""
    left_names: list[str] = field(default_factory=list)
    """In tests, test support and migrations: the names :attr:`referenced_names` reads elsewhere, kept apart (they
    reach nothing the service runs): a public function only they name was left behind by the application
    (:func:`.conditions.unreached`)."""
    loads_modules: bool = False
    """Outside tests, test support and migrations: it loads modules by a name it computes (``import_module``,
    ``pkgutil``, ``autodiscover``: :func:`backend_lint.analysis.reach_names.loads_modules`), so a module nothing
    imports may still run (:func:`.conditions.unreached`)."""
    script: bool = False
    """It has a main guard: a program run by hand (:func:`backend_lint.analysis.reach_names.runs_as_script`)."""

    def to_json(self) -> dict[str, Any]:
        """The summary as JSON data, without the fields left at their default value (:meth:`from_json` gives them
        back): most of a definition's fields are ``false`` or empty, and written out they were about two thirds of
        the summary cache (7.1 MB against 2.5 MB on Django's sources), which flake8 and a run settling an edited
        project read whole. Built field by field: ``dataclasses.asdict`` deep-copied every string."""
        data = _without_defaults(self, _MODULE_FIELDS, _MODULE_DEFAULTS)
        if self.defs:
            data["defs"] = {
                name: _without_defaults(found, _DEF_FIELDS, _DEF_DEFAULTS) for name, found in self.defs.items()
            }
        for name in ("url_entries", "url_includes", "router_includes"):
            items = getattr(self, name)
            if items:
                data[name] = [asdict(item) if isinstance(item, _URL_ITEMS) else _json_copy(item) for item in items]
        return data

    def __reduce__(self) -> tuple[type[ModuleSummary], tuple[Any, ...]]:
        """Pickled as the class and its field values in order, and so is each :class:`DefSummary`: workers send
        each checked file's summary pickled with its result; the default pickle, each object's dict of field names,
        was about 60 % larger and took about 1.8 times as long to load."""
        return ModuleSummary, tuple(getattr(self, name) for name in _MODULE_FIELDS)

    @classmethod
    def from_json(cls, data: Any) -> Optional[ModuleSummary]:
        """The summary :meth:`to_json` wrote, or ``None`` when the data is not exactly that (an untrusted cache)."""
        if not isinstance(data, dict):
            return None
        try:
            summary = cls(**{key: value for key, value in data.items() if key not in _NESTED})
            summary.defs = {name: DefSummary(**value) for name, value in data.get("defs", {}).items()}
            summary.url_entries = [UrlEntry(**value) for value in data.get("url_entries", [])]
            summary.url_includes = [UrlInclude(**value) for value in data.get("url_includes", [])]
            summary.router_includes = [RouterInclude(**value) for value in data.get("router_includes", [])]
        except (TypeError, AttributeError):
            return None
        return summary if _well_typed(summary) else None

    def encode(self) -> str:
        return json.dumps(self.to_json(), separators=(",", ":"), sort_keys=True)


_NESTED = frozenset({"defs", "url_entries", "url_includes", "router_includes"})
_DEF_FIELDS = tuple(item.name for item in fields(DefSummary))
_URL_ITEMS = (UrlEntry, UrlInclude, RouterInclude)
_MODULE_FIELDS = tuple(item.name for item in fields(ModuleSummary))


def _defaults(kind: type[Any]) -> dict[str, Any]:
    return {
        item.name: item.default_factory() if item.default_factory is not MISSING else item.default
        for item in fields(kind)
    }


_DEF_DEFAULTS = _defaults(DefSummary)
_MODULE_DEFAULTS = {name: value for name, value in _defaults(ModuleSummary).items() if name not in _NESTED}
"""The nested fields (``defs``, the URL entries) are written by :meth:`ModuleSummary.to_json` itself."""


def _without_defaults(item: Any, names: tuple[str, ...], defaults: dict[str, Any]) -> dict[str, Any]:
    """``item``'s fields of ``names`` whose value is not the default (same value, same type), as JSON data (lists
    and dicts copied: the data must not share them with the summary)."""
    data = {}
    for name in names:
        if name not in defaults:
            continue  # a nested field: :meth:`ModuleSummary.to_json` writes it
        value, default = getattr(item, name), defaults[name]
        if value == default and type(value) is type(default):
            continue
        data[name] = _json_copy(value) if type(value) in (list, dict) else value
    return data


def _json_copy(value: Any) -> Any:
    """A copy of JSON-like data (lists and dicts copied at every level, other values shared)."""
    if type(value) is list:
        return [_json_copy(item) if type(item) in (list, dict) else item for item in value]
    if type(value) is dict:
        return {key: _json_copy(item) if type(item) in (list, dict) else item for key, item in value.items()}
    return value


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _well_typed(summary: ModuleSummary) -> bool:
    return (
        isinstance(summary.module, str)
        and isinstance(summary.is_package, bool)
        and isinstance(summary.cli, bool)
        and isinstance(summary.serves, bool)
        and isinstance(summary.commands, str)
        and isinstance(summary.starts_service, bool) and isinstance(summary.runs_dev_server, bool)
        and isinstance(summary.health, bool)
        and isinstance(summary.patches_requests_timeout, bool)
        and isinstance(summary.development_only, bool)
        and isinstance(summary.settings_kind, str)
        and all(_strings(value) for value in (
            summary.roles, summary.imported, summary.dotted_strings, summary.settings_names,
            summary.app_run_classes, summary.type_only_imports,
            summary.star_imports, summary.replaced_settings, summary.rate_limits,
            summary.upload_limits, summary.route_paths, summary.admin_hooks, summary.limited_apps,
            summary.unique_models,
            summary.admin_only_names, summary.loopback_constants, summary.startup_calls, summary.startup_hooks,
            summary.loaded_fixtures, summary.traits, summary.grown_models, summary.referenced_names, summary.left_names,
            summary.command_names,
        ))
        and type(summary.prints) is int
        and isinstance(summary.writes_rows, bool)
        and isinstance(summary.loads_modules, bool) and isinstance(summary.script, bool)
        and isinstance(summary.model_forms, dict)
        and all(isinstance(key, str) and isinstance(value, str) for key, value in summary.model_forms.items())
        and isinstance(summary.imports, dict)
        and all(isinstance(key, str) and isinstance(value, str) for key, value in summary.imports.items())
        and isinstance(summary.constants, dict)
        and isinstance(summary.slow_clients, dict)
        and all(isinstance(key, str) and isinstance(value, str) for key, value in summary.slow_clients.items())
        and isinstance(summary.view_aliases, dict)
        and isinstance(summary.seeded_tables, dict) and isinstance(summary.staff_app, bool)
        and isinstance(summary.single_account, bool)
        and isinstance(summary.single_password, bool) and isinstance(summary.keeps_users, bool)
        and isinstance(summary.own_app, bool)
        and _strings(summary.client_paths)
        and _strings(summary.sent_headers)
        and isinstance(summary.assigned_callables, dict)
        and all(isinstance(key, str) and _strings(value) for key, value in summary.assigned_callables.items())
        and _strings(summary.compared_secrets)
        and _strings(summary.published_settings)
        and _strings(summary.overlaid_configs)
        and _strings(summary.url_addresses)
        and all(isinstance(key, str) and type(value) is int for key, value in summary.seeded_tables.items())
        and isinstance(summary.seeded_models, dict)
        and all(isinstance(key, str) and type(value) is int for key, value in summary.seeded_models.items())
        and isinstance(summary.api_routes, dict)
        and all(isinstance(key, str) and type(value) is int for key, value in summary.api_routes.items())
        and all(isinstance(key, str) and isinstance(value, str) for key, value in summary.view_aliases.items())
        and isinstance(summary.settings, dict)
        and all(_strings(pair) and len(pair) == 2 for pair in [*summary.middleware, *summary.request_hooks])
        and all(_strings(item) and len(item) == 4 for item in summary.error_handlers)
        and all(
            _strings(item.bases) and _strings(item.headers) and isinstance(item.renders_html, bool)
            and isinstance(item.xhr_only, bool)
            and isinstance(item.counts_attempts, bool) and isinstance(item.checkout_link, bool)
            and isinstance(item.tallies_failures, bool)
            and _strings(item.effects) and _strings(item.relations) and isinstance(item.checks_unique, bool)
            and _strings(item.calls) and isinstance(item.returns_literal, bool)
            and isinstance(item.returns_recent_time, bool) and isinstance(item.timeout, bool)
            and isinstance(item.table, str)
            and isinstance(item.returned_settings, dict)
            and isinstance(item.catches_all, bool) and isinstance(item.plain_class, bool)
            and isinstance(item.wraps_catch_all, bool)
            and _strings(item.admin_permissions) and isinstance(item.raises_message, bool)
            and isinstance(item.inserts_if_missing, bool)
            and isinstance(item.mails_own_inbox, bool)
            and isinstance(item.wraps_library_call, bool) and _strings(item.masks)
            and isinstance(item.admin_guard, bool) and isinstance(item.signs_in, bool)
            and isinstance(item.text_elements, list) and isinstance(item.runs_query, bool)
            and all(isinstance(index, int) and not isinstance(index, bool) for index in item.text_elements)
            and isinstance(item.item_text_elements, list)
            and all(isinstance(index, int) and not isinstance(index, bool) for index in item.item_text_elements)
            for item in summary.defs.values()
        )
        and all(isinstance(entry.view, str) for entry in summary.url_entries)
        and all(isinstance(include.module, str) for include in summary.url_includes)
        and all(isinstance(item.child, str) and isinstance(item.parent, str) for item in summary.router_includes)
    )
