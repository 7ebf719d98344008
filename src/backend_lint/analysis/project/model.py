"""The model of one project: its modules' summaries joined, answering the facts findings depend on.

Built once per run and per project root from every module's summary (:mod:`.summary`) and the packaging and
test configuration (:mod:`.project_files`); cheap to build (no parsing), so a warm run rebuilds it from cached
summaries. Each answer is computed on first use and kept. What it cannot establish does not hold (see
:mod:`.conditions`).

- Settings: a Django settings module is any module assigning ``INSTALLED_APPS``, ``MIDDLEWARE``,
  ``REST_FRAMEWORK``, ``DATABASES`` or ``ROOT_URLCONF`` (or named like one); ``from .base import *`` gives it its
  base's values first. Test settings (named for tests, or named by the test configuration) do not count for
  what production does.
- Entry points: console scripts, and modules the file itself marks as a program (``__main__``, ``cli`` packages,
  argparse programs); a module is command line code when it is one, or when every module of the project that
  imports it (or names it in a string, as lazy command tables do) is command line code or a test. A module that
  serves HTTP never is, even when only a command imports it (``app run`` starts the server). Read in
  :mod:`.module_reach`.
- Test support: the settings the test configuration names, and modules every importer of which is a test.
- URL confs: ``ROOT_URLCONF`` (else every URL conf no other includes) joined through ``include()`` gives each
  Django view its full paths.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cached_property
from typing import Optional

from backend_lint.analysis.api_conventions import answers_201_nowhere, rpc_project, status_envelope_project
from backend_lint.analysis.app_conventions import (
    AMBIENT_AUTH,
    AMBIENT_IN_CLASSES,
    AUTHENTICATES,
    CONFIGURES_LOGGING,
    KEEPS_STDOUT,
    LOCATED_ROOT_LOG,
    LOGS,
    MODULE_LOGGER,
    REDIRECTS_STDOUT,
    VALIDATES_CSRF,
)
from backend_lint.analysis.caller_values import callers_safe, some_caller_passes_request
from backend_lint.analysis.internal_services import internal_route
from backend_lint.analysis.masked_errors import covers
from backend_lint.analysis.project import conditions
from backend_lint.analysis.project.catalog_facts import CatalogFacts
from backend_lint.analysis.project.conditions import ProjectFact
from backend_lint.analysis.project.def_facts import MAX_DEPTH
from backend_lint.analysis.project.def_reach import DefReach
from backend_lint.analysis.project.extract import UNKNOWN
from backend_lint.analysis.project.lint_config import matches_lint_glob
from backend_lint.analysis.project.project_files import ProjectFiles
from backend_lint.analysis.project.settings_facts import FAMILIES
from backend_lint.analysis.project.summary import ModuleSummary
from backend_lint.analysis.project.view_facts import ViewFacts, path_words
from backend_lint.finding import Finding

_DUPLICATED = frozenset({"creates", "enqueues", "sends", "pays", "sends-mail", "sends-sms"})
"""Effects a second run of a queued job would repeat for someone (:func:`.handler_conditions.quiet_jobs`)."""
_REACHING = frozenset({"sends", "pays", "sends-mail", "sends-sms"})
"""Effects of a queued job that reach outside the application (:func:`.handler_conditions.unreaching_jobs`)."""
_NO_PROJECT = conditions.no_project()
CONVENTION_MODULES = 10
CONVENTION_PRINTS = 100
"""How many modules must print, and how many prints in all, before a project that logs nowhere counts as printing
its log by design (:func:`.app_conditions.print_convention`; over the 110 applications judged, two log nowhere at all
and print that much: tubearchivist, 36 modules and 236 prints, and archivebox, 20 and 262; the next with no
logging prints 7 times)."""
_SERVER_ENTRY_NAMES = ("wsgi", "asgi")
"""Last words of the modules a WSGI/ASGI server is pointed at (``gunicorn shop.wsgi:application``)."""
_ESTABLISHED = conditions.KINDS - {conditions.ABSENT, conditions.NO_PROJECT}
"""Facts ``absent(...)`` may wrap: what the project establishes (a model always exists where it is asked)."""


def resolve(findings: list[Finding], model: Optional[ProjectModel]) -> list[Finding]:
    """The findings no fact of the project refutes; without a model, all but those that need one
    (:func:`.conditions.no_project`)."""
    if model is None:
        return [finding for finding in findings if _NO_PROJECT not in finding.unless]
    return [finding for finding in findings if not any(model.holds(fact) for fact in finding.unless)]


class ProjectModel(DefReach, ViewFacts, CatalogFacts):
    """Every module of one project, by dotted name, and the facts they establish together (what its functions and
    classes are and do: :class:`.def_facts.DefFacts`; what its settings and app-wide registrations establish:
    :class:`.settings_facts.SettingsFacts`)."""

    def __init__(self, summaries: Iterable[ModuleSummary], files: Optional[ProjectFiles] = None) -> None:
        super().__init__({summary.module: summary for summary in summaries if summary.module})
        self.files = files or ProjectFiles()
        self.namespace_folders = self.files.namespace_folders
        self._answers: dict[ProjectFact, bool] = {}

    def holds(self, fact: ProjectFact) -> bool:
        """Whether the project establishes ``fact`` (unknown: it does not)."""
        found = self._answers.get(fact)
        if found is None:
            found = self._answers[fact] = self._decide(fact)
        return found

    def _decide(self, fact: ProjectFact) -> bool:
        on_name = _ON_NAME.get(fact.kind)
        if on_name is not None:
            return bool(fact.args) and on_name(self, fact.args[0])
        on_arguments = _ON_ARGUMENTS.get(fact.kind)
        return on_arguments is not None and on_arguments(self, fact.args)

    def program_modules(self, args: tuple[str, ...]) -> list[ModuleSummary]:
        """The modules of the program deployed on its own whose folder ``args`` names
        (:attr:`.summary.ModuleSummary.program`); every module of the project when it names none."""
        program = args[0] if args else ""
        return [found for found in self.modules.values() if not program or found.program == program]

    def unrouted_view(self, qualified: str) -> bool:
        """:func:`.conditions.unrouted_view`: the URL confs route views of the function's module, never it, and no
        other module imports, calls or names it in a dotted string."""
        canonical = self.definition(qualified)[0]
        routed = self.view_paths
        module = f"{canonical.rpartition('.')[0]}."
        return bool(routed) and canonical not in routed and any(view.startswith(module) for view in routed) \
            and canonical not in self.callers and canonical not in self._imported_names \
            and qualified not in self._imported_names

    def no_ambient_credential(self, package: str, view: bool = False) -> bool:
        """No module of ``package`` (``""``: the whole project) mentions a cookie, a session, Basic authentication
        or a proxy identity header; for a ``view``, none outside its classes
        (:func:`.app_conditions.no_ambient_credential`)."""
        prefix = f"{package}."
        return not any(
            AMBIENT_AUTH in found.traits and not (view and AMBIENT_IN_CLASSES in found.traits)
            for name, found in self.modules.items()
            if not package or name == package or name.startswith(prefix)
        )

    @cached_property
    def print_convention(self) -> bool:
        """No module logs and enough modules print (:func:`.app_conditions.print_convention`)."""
        modules = [found for found in self.modules.values() if not {"test", "test_support"} & set(found.roles)]
        if any(LOGS in found.traits for found in modules):
            return False
        printing = [found.prints for found in modules if found.prints]
        return len(printing) >= CONVENTION_MODULES and sum(printing) >= CONVENTION_PRINTS

    @cached_property
    def calls_of(self) -> dict[str, list[list[str]]]:
        """Canonical function name -> the recorded calls that pass it arguments (``DefSummary.arguments``)."""
        found: dict[str, list[list[str]]] = {}
        for summary in self.defs.values():
            for call in summary.arguments:
                if len(call) == 3 and all(isinstance(item, str) for item in call):
                    found.setdefault(self.definition(call[0])[0], []).append(call)
        return found

    @cached_property
    def subclassed(self) -> frozenset[str]:
        """Classes of the project that another class of it names as a base (canonical names)."""
        return frozenset(self.definition(base)[0] for found in self.defs.values() for base in found.bases)

    def callers_pass_safe(self, qualified: str, specs: tuple[str, ...]) -> bool:
        """:func:`.conditions.callers_pass_safe`: not for a method of a class the project subclasses (a subclass
        calls it through ``self`` from a file that cannot tie the call to it)."""
        name = self.definition(qualified)[0]
        owner = name.rpartition(".")[0]
        return owner not in self.subclassed and callers_safe(self.calls_of.get(name, []), specs)

    @cached_property
    def startup_reached(self) -> frozenset[str]:
        """Functions that run only at start-up: those the start-up hooks of the modules call
        (``ModuleSummary.startup_calls``), then the functions they call, a few calls deep, each kept only when
        every function of the project that calls it is such a function, command-line code or a test."""
        callers = self.callers
        seeds = {
            self.definition(called)[0] for summary in self.modules.values()
            if not {"test", "test_support"} & set(summary.roles) for called in summary.startup_calls
        }
        hooks = {
            name for summary in self.modules.values()
            if not {"test", "test_support"} & set(summary.roles) for name in summary.startup_hooks
        }
        reached: set[str] = set(hooks)  # a module-level hook (``async def lifespan``) is start-up code itself
        for _round in range(MAX_DEPTH):
            candidates = seeds | {
                self.definition(called)[0] for name in reached if name in self.defs for called in self.defs[name].calls
            }
            new = {
                name for name in candidates - reached
                if all(caller in reached or caller == name or self._one_off_caller(caller)
                       for caller in callers.get(name, ()))
            }
            if not new:
                break
            reached |= new
        return frozenset(reached)

    def _one_off_caller(self, qualified: str) -> bool:
        """A function of a command-line module or of a test: not a request's path."""
        split = self.split(qualified)
        return split is not None and (
            split[0].module in self.cli_modules or bool({"test", "test_support"} & set(split[0].roles))
        )

    @cached_property
    def admin_only_names(self) -> frozenset[str]:
        """Names listed in ``ADMIN_ONLY...`` attributes of modules that are not tests."""
        return frozenset(name for summary in self.modules.values() for name in summary.admin_only_names)

    def admin_permission(self, qualified: str) -> bool:
        """``qualified`` is an attribute of a project class (through re-exports) bound to a permission only
        administrators hold."""
        owner, _, attribute = qualified.rpartition(".")
        found = self.definition(owner)[1] if owner else None
        return found is not None and attribute in found.admin_permissions

    @cached_property
    def published_settings(self) -> frozenset[str]:
        """Settings non-test modules render into the pages they serve."""
        return frozenset(
            name for summary in self.modules.values() if not {"test", "test_support"} & set(summary.roles)
            for name in summary.published_settings
        )

    @cached_property
    def compared_secrets(self) -> frozenset[str]:
        """Secret-named constants that non-test modules compare with ``==``/``!=``, qualified."""
        return frozenset(
            name for summary in self.modules.values() if not {"test", "test_support"} & set(summary.roles)
            for name in summary.compared_secrets
        )

    @cached_property
    def url_addresses(self) -> frozenset[str]:
        """Fields non-test modules write into their objects' canonical URLs or look objects up by."""
        return frozenset(
            name for summary in self.modules.values() if not {"test", "test_support"} & set(summary.roles)
            for name in summary.url_addresses
        )

    def masks_error(self, family: str, status: str, module: str) -> bool:
        """A non-test module registers a handler for raised HTTP exceptions of ``family`` raised in ``module`` that
        keeps their text from the client for ``status`` (:func:`backend_lint.analysis.masked_errors.covers`)."""
        number = int(status) if status.isdigit() else None
        for summary in self.modules.values():
            if {"test", "test_support"} & set(summary.roles):
                continue
            for registered, caught, target, scope in summary.error_handlers:
                if target.startswith("@"):
                    found = self.definition(target[1:])[1]
                    statuses = found.masks if found is not None else []
                else:
                    statuses = target.split(",") if target else []
                if covers((registered, caught, statuses, scope), family, number, module):
                    return True
        return False

    def staff_package(self, module: str) -> bool:
        """A non-test module of the module's own package declares a staff-only app config."""
        package = module.rpartition(".")[0]
        return bool(package) and any(
            summary.staff_app and "test" not in summary.roles and name.rpartition(".")[0] == package
            for name, summary in self.modules.items()
        )

    def routes_words(self, words: frozenset[str]) -> bool:
        """A module outside the tests routes a path with one of ``words`` (the configured probe words)."""
        return bool(words) and any(
            words.intersection(path_words(text))
            for summary in self.shipped_summaries for text in summary.route_paths
        )

    # -- idempotency providers ----------------------------------------------------------------------------------

    def reads_key(self, qualified: str, depth: int = 0) -> bool:
        """A function, or a class (its methods, its bases of the project), that reads an idempotency header."""
        name, found = self.definition(qualified)
        if depth > MAX_DEPTH:
            return False
        if found is not None and found.headers:
            return True
        prefix = name + "."
        if any(key.startswith(prefix) and value.headers for key, value in self._methods_of(name)):
            return True
        return found is not None and any(self.reads_key(base, depth + 1) for base in found.bases)

    def development_only(self, module: str) -> bool:
        """A non-test module of the module's package, or of the package above, declares development-only use."""
        package = module.rpartition(".")[0]
        parent = package.rpartition(".")[0]
        return bool(package) and any(
            summary.development_only and "test" not in summary.roles
            and name.rpartition(".")[0] in {package, parent}
            for name, summary in self.modules.items()
        )

    def served_by_wsgi(self, module: str) -> bool:
        """A non-test module whose last name is ``wsgi``/``asgi`` (or ends ``_wsgi``/``_asgi``) imports
        ``module`` or a name from it; or a module a server command of the deployment files serves
        (``CMD gunicorn main:app``: ``main``, or a module whose name ends ``.main``, the container's working
        directory aside) is ``module`` or imports it (:attr:`.project_files.ProjectFiles.served_modules`)."""
        if module not in self.modules:
            return False
        served = self.files.served_modules
        return any(
            not {"test", "test_support"} & set(summary.roles) and (
                (name != module and name.rpartition(".")[2].endswith(_SERVER_ENTRY_NAMES)
                 and any(target == module or target.startswith(module + ".") for target in summary.imported))
                or (any(name == entry or name.endswith("." + entry) for entry in served) and (
                    name == module
                    or any(target == module or target.startswith(module + ".") for target in summary.imported)))
            )
            for name, summary in self.modules.items()
        )

    def unreferenced(self, qualified: str) -> bool:
        """The function's module is in the project and no other module imports it or the function, or names
        either in a dotted string."""
        module = qualified.rpartition(".")[0]
        if module not in self.modules:
            return False
        wanted = {qualified, module}
        return not any(
            wanted & set(summary.imported) or wanted & set(summary.dotted_strings)
            or wanted & set(summary.imports.values())
            for name, summary in self.modules.items() if name != module
        )

    def unimported_function(self, qualified: str, tests_too: bool = True) -> bool:
        """The function's module is in the project and no other module imports the function, binds the whole
        module and uses the function's name as an attribute or string word, star-imports the module, or names
        either in a dotted string (``tests_too=False``: no other module but tests and test support). A module
        that binds the whole module but never names the function (Hedy's ``gunicorn.conf.py`` preloading
        ``import app``) cannot reach it; nor can a test or a migration doing so, which runs under its runner,
        not in the service (their used names are not kept: :attr:`.summary.ModuleSummary.referenced_names`)."""
        module, _, function = qualified.rpartition(".")
        if module not in self.modules:
            return False
        for name, summary in self.modules.items():
            if name == module or (not tests_too and {"test", "test_support"} & set(summary.roles)):
                continue
            bound = set(summary.imports.values())
            if qualified in bound or qualified in summary.imported or module in summary.star_imports \
                    or {qualified, module} & set(summary.dotted_strings) \
                    or (module in bound and _names(function, summary.referenced_names)):
                return False
        return True

    def refuses_duplicates(self, qualified: str) -> bool:
        """A function, or a method of a class, of a module that is not a test, checks uniqueness first."""
        name, found = self.definition(qualified)
        split = self.split(name)
        if split is None or "test" in split[0].roles:
            return False
        return (found is not None and found.checks_unique) or any(
            value.checks_unique for _key, value in self._methods_of(name))

    @cached_property
    def idempotent_families(self) -> frozenset[str]:
        """Framework families with an app-wide middleware or request hook that reads an idempotency header."""
        found = set()
        for summary in self.production_settings:
            middleware = self.settings_value(summary, "MIDDLEWARE")
            if isinstance(middleware, list) and any(
                isinstance(entry, str) and entry != UNKNOWN and self.reads_key(entry) for entry in middleware
            ):
                found.add("django")
        for summary in self.modules.values():
            if {"test", "test_support"} & set(summary.roles):
                continue
            for framework, target in [*summary.middleware, *summary.request_hooks]:
                if self.reads_key(target):
                    found.add(FAMILIES.get(framework, framework))
        return frozenset(found)


def _names(function: str, referenced: list[str]) -> bool:
    """A module's used names may reach ``function``: one of them is its name, or a prefix it starts with (a word
    ending in ``_``: ``getattr(handlers, "handle_" + kind)``, :func:`.reach_names.referenced_names`)."""
    return any(word == function or (word.endswith("_") and word.strip("_") and function.startswith(word))
               for word in referenced)


def _definition_says(attribute: str) -> Callable[[ProjectModel, str], bool]:
    """A fact read off the summary of what a qualified name defines (``raises_message``): false when the
    project does not define it."""

    def decide(model: ProjectModel, name: str) -> bool:
        found = model.definition(name)[1]
        return found is not None and bool(getattr(found, attribute))

    return decide


_ON_NAME: dict[str, Callable[[ProjectModel, str], bool]] = {
    conditions.IDEMPOTENCY_MIDDLEWARE: lambda model, name: FAMILIES.get(name) in model.idempotent_families,
    conditions.READS_IDEMPOTENCY_KEY: lambda model, name: model.reads_key(name),
    conditions.CLI_MODULE: lambda model, name: name in model.cli_modules,
    conditions.TEST_SUPPORT: lambda model, name: name in model.test_modules,
    conditions.RATE_LIMITED_APP: lambda model, name: name in model.rate_limited_families
    or bool(model.files.request_limit),
    conditions.UPLOAD_LIMIT: lambda model, name: name in model.upload_limited_families or bool(model.files.body_limit),
    conditions.NOT_ROOT_URLCONF: lambda model, name: name not in model.root_urlconfs,
    conditions.LIMITS_ATTEMPTS: lambda model, name: any(found.counts_attempts for found in model.reached(name)),
    conditions.LOCKS_OUT: lambda model, name: any(found.tallies_failures for found in model.reached(name)),
    conditions.ADMIN_ONLY_APP: lambda model, name: name in model.admin_only_apps,
    conditions.LIMITED_APP: lambda model, name: name in model.limited_apps,
    conditions.CLI_COMMAND_CLASS: lambda model, name: model.command_class(name),
    conditions.CHECKOUT_LINK: _definition_says("checkout_link"),
    conditions.CHECKS_UNIQUE: lambda model, name: model.refuses_duplicates(name),
    conditions.UNREFERENCED: lambda model, name: model.unreferenced(name),
    conditions.UNMOUNTED_ROUTER: lambda model, name: model.unmounted_router(name),
    conditions.UNIMPORTED_FUNCTION: lambda model, name: model.unimported_function(name),
    conditions.UNIMPORTED_OUTSIDE_TESTS: lambda model, name: model.unimported_function(name, tests_too=False),
    conditions.DEVELOPMENT_ONLY: lambda model, name: model.development_only(name),
    conditions.SETS_TIMEOUT: lambda model, name: model.sets_timeout(name),
    conditions.SERVED_BY_WSGI: lambda model, name: model.served_by_wsgi(name),
    conditions.UNNAMED_SETTINGS: lambda model, name: model.unnamed_settings(name),
    conditions.REPLACED_SETTING: lambda model, name: model.replaced_setting(name),
    conditions.UNREAD_SETTING: lambda model, name: model.unread_setting(name),
    conditions.COMPARED_DEFAULT: lambda model, name: name in model.compared_secrets,
    conditions.PUBLISHED_SETTING: lambda model, name: name in model.published_settings,
    conditions.OVERLAID_CONFIG: lambda model, name: name in model.overlaid_configs,
    conditions.URL_ADDRESS: lambda model, name: name in model.url_addresses,
    conditions.STAFF_APP: lambda model, name: model.staff_package(name),
    conditions.SEEDED_TABLE: lambda model, name: model.seeded(name),
    conditions.CATALOG_TABLE: lambda model, name: model.catalog(name),
    conditions.FIXED_TABLE: lambda model, name: model.fixed(name),
    conditions.RUNS_QUERY: lambda model, name: model.runs_query(name),
    conditions.PLAIN_CLASS: lambda model, name: model.plain_class(name),
    conditions.ADMIN_ONLY_NAME: lambda model, name: name in model.admin_only_names,
    conditions.ADMIN_PERMISSION: lambda model, name: model.admin_permission(name),
    conditions.RAISES_MESSAGE: _definition_says("raises_message"),
    conditions.OWN_INBOX: _definition_says("mails_own_inbox"),
    conditions.WRAPS_LIBRARY_CALL: _definition_says("wraps_library_call"),
    conditions.ADMIN_GUARD: _definition_says("admin_guard"),
    conditions.SIGNS_IN: _definition_says("signs_in"),
    conditions.LOOPBACK_CONSTANT: lambda model, name: model.is_loopback_constant(name),
    conditions.RECENT_TIME: _definition_says("returns_recent_time"),
    conditions.XHR_VIEW: _definition_says("xhr_only"),
    conditions.STARTUP_ONLY: lambda model, name: model.definition(name)[0] in model.startup_reached,
    conditions.CLI_ONLY: lambda model, name: model.cli_only(name),
    conditions.UNROUTED_VIEW: lambda model, name: model.unrouted_view(name),
}
"""How the model decides a fact about one name (its first argument; a fact without one does not hold)."""

_ON_ARGUMENTS: dict[str, Callable[[ProjectModel, tuple[str, ...]], bool]] = {
    conditions.DRF_PAGINATION: lambda model, args: model.drf_paginates,
    conditions.CONSTANTS: lambda model, args: bool(args) and all(model.is_constant(name) for name in args),
    conditions.HTML_VIEW: lambda model, args: bool(args) and model.is_html_view(args[0], own=args[1:] == ("own",)),
    conditions.DELETES_ROUTED_ITEMS: lambda model, args: bool(args) and model.deletes_routed_items(args[0]),
    conditions.ROUTE_WORDS: lambda model, args: len(args) > 1 and model.routed_with_words(
        args[0], frozenset(args[1:])),
    conditions.HEALTH_CHECK: lambda model, args: (
        model.serves_health_check or model.files.container_probe or model.routes_words(frozenset(args))),
    conditions.NOT_DEPLOYED: lambda model, args: model.files.deployment == "",
    conditions.SECURITY_SCANNER: lambda model, args: model.files.security_scanner,
    conditions.LINT_UNSELECTED: lambda model, args: bool(args) and args[0] in model.files.lint_unselected,
    conditions.LINT_ALLOWS_PRINT: lambda model, args: bool(args) and any(
        matches_lint_glob(args[0], glob) for glob in model.files.print_allowed),
    conditions.LINT_ALLOWS_SECRET: lambda model, args: bool(args) and any(
        matches_lint_glob(args[0], glob) for glob in model.files.secrets_allowed),
    conditions.LINT_EXCLUDED: lambda model, args: bool(args) and any(
        matches_lint_glob(args[0], glob) for glob in model.files.lint_excluded),
    conditions.DJANGO_USERNAMES: lambda model, args: model.django_usernames,
    conditions.DOES: lambda model, args: len(args) == 2 and model.does(args[0], args[1]),
    conditions.QUIET_JOBS: lambda model, args: bool(args) and all(
        model.definition(name)[1] is not None and not model.effects_of(name) & _DUPLICATED for name in args),
    conditions.UNREACHING_JOBS: lambda model, args: bool(args) and all(  # a job it does not define: no evidence
        model.definition(name)[1] is None or not model.effects_of(name) & _REACHING for name in args),
    conditions.UNPAYING_JOBS: lambda model, args: bool(args) and all(
        model.definition(name)[1] is None or "pays" not in model.effects_of(name) for name in args),
    conditions.METHOD_DOES: lambda model, args: len(args) == 3 and model.method_does(*args),
    conditions.REQUESTS_TIMEOUT_PATCHED: lambda model, args: any(
        found.patches_requests_timeout for found in model.modules.values()),
    conditions.RELATION: lambda model, args: len(args) == 2 and model.has_relation(args[0], args[1]),
    conditions.UNIQUE_RECORD: lambda model, args: bool(args) and model.unique_record(frozenset(args)),
    conditions.CATCHES_ALL: lambda model, args: bool(args) and all(model.catches_all(name) for name in args),
    conditions.SCHEMA_MODELS: lambda model, args: bool(args) and all(model.schema_model(name) for name in args),
    conditions.IDEMPOTENT_INSERTS: lambda model, args: bool(args) and all(
        (found := model.definition(name)[1]) is not None and found.inserts_if_missing for name in args),
    conditions.METHODS_CATCH_ALL: lambda model, args: bool(args) and all(
        model.methods_catch_all(name) for name in args),
    conditions.NO_DEV_SERVER: lambda model, args: bool(model.modules) and not any(
        found.runs_dev_server for found in model.modules.values()),
    conditions.SINGLE_ACCOUNT_APP: lambda model, args: any(found.single_account for found in model.modules.values())
    or (any(found.single_password for found in model.modules.values())
        and not any(found.keeps_users for found in model.modules.values())),
    conditions.NO_AMBIENT_CREDENTIAL: lambda model, args: model.no_ambient_credential(
        args[0] if args else "", len(args) > 1),
    conditions.AUTHENTICATES_NOBODY: lambda model, args: bool(model.files.entry_modules and model.modules) and not any(
        AUTHENTICATES in found.traits for found in model.modules.values()),
    conditions.VALIDATES_CSRF: lambda model, args: any(
        VALIDATES_CSRF in found.traits for found in model.modules.values()),
    conditions.PRINT_CONVENTION: lambda model, args: model.print_convention,
    conditions.ROOT_LOGGER_CONVENTION: lambda model, args: any(
        CONFIGURES_LOGGING in found.traits and "migration" not in found.roles
        for found in model.program_modules(args)) and not any(
        MODULE_LOGGER in found.traits for found in model.program_modules(args)),
    conditions.ROOT_LOG_LOCATED: lambda model, args: bool(model.files.located_root_template) or any(
        LOCATED_ROOT_LOG in found.traits and not {"migration", "test", "test_support"} & set(found.roles)
        for found in model.modules.values()),
    conditions.TASK_STDOUT_LOGGED: lambda model, args: any(
        REDIRECTS_STDOUT in found.traits for found in model.modules.values()) and not any(
        KEEPS_STDOUT in found.traits for found in model.modules.values()),
    conditions.MASKED_ERROR: lambda model, args: len(args) == 3 and model.masks_error(*args),
    conditions.RPC_API: lambda model, args: rpc_project(
        [found.traits for found in model.modules.values()], [found.api_routes for found in model.modules.values()]),
    conditions.STATUS_ENVELOPE_API: lambda model, args: status_envelope_project(
        [found.traits for found in model.modules.values()]),
    conditions.NO_CREATED_ANSWERS: lambda model, args: answers_201_nowhere(
        [found.traits for found in model.modules.values()]),
    conditions.INTERNAL_SERVICE: lambda model, args: internal_route(model.modules, args),
    conditions.OWN_CLIENT_HEADER: lambda model, args: len(args) == 2 and any(
        args[0] in found.sent_headers for name, found in model.modules.items()
        if name != args[1] and not found.cli and not {"test", "test_support", "example"} & set(found.roles)),
    conditions.UNREACHED: lambda model, args: 0 < len(args) < 3 and model.unreached(*args),
    # a malformed inner fact is not established: absent
    conditions.CALLERS_PASS_SAFE: lambda model, args: len(args) > 1 and model.callers_pass_safe(args[0], args[1:]),
    conditions.CALLER_PASSES_REQUEST: lambda model, args: len(args) == 2 and some_caller_passes_request(
        model.calls_of.get(model.definition(args[0])[0], []), args[1]),
    conditions.SLOW_CLIENT_CALL: lambda model, args: len(args) == 3 and model.is_slow_client_call(*args),
    conditions.ABSENT: lambda model, args: not (
        args and args[0] in _ESTABLISHED and model.holds(ProjectFact(args[0], args[1:]))),
}
"""How the model decides the other facts, from all their arguments (none for a fact of the whole project)."""
