"""Taking a module's summary from the context of its check: after the walk, from facts the rules already asked.

The summary reads module-level statements (constants, settings, imports), the handler model's plain routing
data (URL confs, app-wide middleware and hooks) and, only where the text says it can matter, the bodies of the
module's functions and classes: for strings naming an idempotency header (a file that never writes
``idempoten`` is not looked into) and for HTML views (only in modules that import Django or Flask; the readers
are in :mod:`.html_evidence`). No second parse and no walk of expressions outside those cases.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Optional, Union

from backend_lint.analysis.admin_declarations import (
    admin_only_names,
    admin_permissions,
    keeps_users,
    single_account,
    single_password,
)
from backend_lint.analysis.admin_guard_defs import GUARD_WORDS, admin_guard_def
from backend_lint.analysis.admin_only import admin_hooked_objects
from backend_lint.analysis.api_conventions import api_traits, route_counts
from backend_lint.analysis.app_conventions import auth_traits, print_count
from backend_lint.analysis.assigned_callables import assigned_callables
from backend_lint.analysis.ast_helpers import assigned_values
from backend_lint.analysis.catch_all import catches_everything, returns_catching_wrapper
from backend_lint.analysis.command_reach import (
    command_only_names,
    declares_commands,
    project_app_runs,
    runs_dev_server,
    starts_service,
)
from backend_lint.analysis.config_layers import overlaid_configs
from backend_lint.analysis.decorator_bodies import (
    BACKGROUND_STARTS,
    SIGN_IN_TEXT,
    own_decorators,
    runs_in_background,
    signs_in,
)
from backend_lint.analysis.effect_calls import declares_checkout_link
from backend_lint.analysis.entrypoints import cli_module
from backend_lint.analysis.error_answers import raises_own_message
from backend_lint.analysis.health_checks import route_texts, serves_health_check
from backend_lint.analysis.idempotent_inserts import inserts_if_missing, mentions_insert_if_missing
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.internal_services import builds_own_app, client_paths
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.library_calls import wraps_library_call
from backend_lint.analysis.loopback import loopback_constants
from backend_lint.analysis.masked_errors import masked_statuses, may_register, middleware_masks, registrations
from backend_lint.analysis.model_growth import grown_names, model_forms, writes_rows
from backend_lint.analysis.module_roles import module_roles, says_development_only
from backend_lint.analysis.node_index import node_index
from backend_lint.analysis.orm import model_relations
from backend_lint.analysis.own_inbox import mails_own_inbox
from backend_lint.analysis.project.def_effects import EffectReader
from backend_lint.analysis.project.deployed_settings import settings_named
from backend_lint.analysis.project.html_evidence import (
    Def,
    add_page_wrappers,
    html_word_lines,
    renders_html,
    spans_word_line,
)
from backend_lint.analysis.project.roots import deployed_program
from backend_lint.analysis.project.routing_summary import absolute_name, read_routing
from backend_lint.analysis.project.summary import DefSummary, ModuleSummary
from backend_lint.analysis.published_settings import published_settings
from backend_lint.analysis.rate_limits import (
    app_rate_limits,
    counts_attempts,
    limited_app_objects,
    mentions_attempt_limit,
    tallies_failed_sign_ins,
)
from backend_lint.analysis.reach_names import loads_modules, referenced_names, runs_as_script
from backend_lint.analysis.seeded_tables import created_rows, loaded_fixtures, seeded_rows, table_of
from backend_lint.analysis.sentinels import compared_secret_names
from backend_lint.analysis.settings import settings_module
from backend_lint.analysis.shared_secret_guards import sent_headers
from backend_lint.analysis.slow_work import CLIENT_CLASSES
from backend_lint.analysis.startup_hooks import startup_calls, startup_hook_names
from backend_lint.analysis.time_windows import returns_recent_time
from backend_lint.analysis.unique_models import CHECK_WORDS, checks_unique, mentions_uniqueness, unique_models
from backend_lint.analysis.uploads import app_upload_limits
from backend_lint.analysis.url_addresses import address_fields
from backend_lint.analysis.word_lines import word_lines
from backend_lint.analysis.xhr_views import xhr_only

if TYPE_CHECKING:
    from backend_lint.context import FileContext

KEY_WORD = "idempoten"
_DOTTED = lazy_compile(r"""["']([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)["']""")
_SETTINGS_MARKERS = frozenset({"INSTALLED_APPS", "MIDDLEWARE", "REST_FRAMEWORK", "DATABASES", "ROOT_URLCONF"})
SETTING_NAMES = frozenset({
    *_SETTINGS_MARKERS, "DEBUG", "DATA_UPLOAD_MAX_MEMORY_SIZE", "FILE_UPLOAD_MAX_MEMORY_SIZE", "MAX_CONTENT_LENGTH",
    "PASSWORD_HASHERS", "WTF_CSRF_ENABLED", "AUTHENTICATION_BACKENDS", "AUTH_USER_MODEL",
})
"""Settings the project model reads (literal values only; anything else is recorded as ``"?"``)."""
_INSTALLING_PARTS = ("_APPS", "_MIDDLEWARE", "_MIDDLEWARE_CLASSES", "_AUTHENTICATION_BACKENDS")
_LEFT_OUT = frozenset({"REMOVED", "DISABLED", "EXCLUDED", "OPTIONAL", "TEST", "TESTING", "DEV", "DEBUG", "LOCAL"})


def installing_part(name: str) -> bool:
    """``name`` is a part a project merges into Django's ``INSTALLED_APPS``, ``MIDDLEWARE`` or
    ``AUTHENTICATION_BACKENDS`` (``BASE_INSTALLED_APPS``, ``THIRD_PARTY_APPS``, ``BASE_MIDDLEWARE``,
    ``AXES_AUTHENTICATION_BACKENDS``: fiduswriter's ``manage.py`` joins them at start-up), also recorded in the
    summary. A part named for what is left out or only for development (``REMOVED_APPS``, ``DEV_APPS``) is not."""
    return name.endswith(_INSTALLING_PARTS) and not _LEFT_OUT & set(name.split("_"))
UNKNOWN = "?"
BUILT_BY = "?built-by"
"""The key of a setting's recorded value when a project function builds it: ``{"?built-by": "weblate.api.
spectacular.get_drf_settings"}`` (:attr:`.summary.DefSummary.returned_settings`)."""
_NOTHING = DefSummary()
"""What a definition's summary holds when nothing was found (compared against, never changed)."""
_LITERAL_KINDS = {str: "str", int: "int", float: "float", bytes: "bytes", bool: "bool", type(None): "none"}


def summarize(ctx: FileContext) -> ModuleSummary:
    """The summary of the checked file (``ctx.module`` is its dotted name, ``""`` when unknown)."""
    module = ctx.module
    is_package = ctx.display_path.replace("\\", "/").endswith("/__init__.py")
    summary = ModuleSummary(module=module, is_package=is_package,
                            program=deployed_program(ctx.location) if ctx.location else "")
    roles = module_roles(ctx)
    summary.roles = [
        name for name in ("test", "test_support", "migration", "example", "test_harness") if getattr(roles, name)
    ]
    _read_imports(ctx, summary)
    _read_names(ctx, summary)
    _read_module_statements(ctx, summary)
    _read_defs(ctx, summary)
    _read_view_aliases(ctx, summary)
    read_routing(ctx, summary)
    summary.rate_limits = sorted(app_rate_limits(ctx))
    summary.upload_limits = sorted(app_upload_limits(ctx))
    limited = (_qualified(ctx, summary, written) for written in limited_app_objects(ctx))
    summary.limited_apps = sorted({name for name in limited if name})
    if "before_request" in ctx.source:
        hooked = (_qualified(ctx, summary, written) for written in admin_hooked_objects(ctx.tree))
        summary.admin_hooks = sorted({name for name in hooked if name})
    summary.health = serves_health_check(ctx)
    summary.route_paths = list(route_texts(ctx))
    summary.cli = cli_module(ctx)
    if not {"test", "test_support"} & set(summary.roles):
        _read_start(ctx, summary)
    summary.patches_requests_timeout = not summary.roles and _patches_requests_timeout(ctx)
    summary.unique_models = unique_models(ctx)
    summary.development_only = says_development_only(ctx)
    if "migration" in summary.roles:
        summary.seeded_tables, summary.seeded_models = (seeded_rows(ctx.tree, ctx.source),
                                                        created_rows(ctx.tree, ctx.source))
    summary.keeps_users, summary.staff_app = (  # a test's user model is the project's too
        keeps_users(ctx), "default_permissions" in ctx.source and _requires_staff(ctx.tree))
    if not {"test", "test_support"} & set(summary.roles):
        summary.admin_only_names = admin_only_names(ctx.tree, ctx.source)
        summary.single_account, summary.single_password = single_account(ctx), single_password(ctx)
        if ("handler" in ctx.source or "middlewares" in ctx.source) and may_register(node_index(ctx)):
            summary.error_handlers = registrations(
                ctx.tree, ctx.imports.resolve, lambda written: _qualified(ctx, summary, written), module, is_package)
        summary.startup_calls = startup_calls(ctx)
        summary.startup_hooks = startup_hook_names(ctx)
        summary.loaded_fixtures = loaded_fixtures(ctx.tree, ctx.source)
        summary.traits = sorted(auth_traits(ctx) + api_traits(ctx))
        summary.prints, summary.api_routes = print_count(ctx), route_counts(ctx)
        summary.grown_models = grown_names(ctx)
        summary.writes_rows = writes_rows(ctx)
        summary.model_forms = model_forms(ctx.tree)
        summary.url_addresses = address_fields(ctx)
        summary.own_app = builds_own_app(ctx)
        summary.client_paths, summary.sent_headers = client_paths(ctx), sent_headers(ctx)
        summary.published_settings, summary.assigned_callables = (
            published_settings(ctx), assigned_callables(ctx, lambda written: _qualified(ctx, summary, written)))
        summary.overlaid_configs = overlaid_configs(ctx)
    _read_reach(ctx, summary)
    summary.compared_secrets = sorted(
        name for name in (_compared(summary, written) for written in compared_secret_names(ctx.source)) if name
    )
    return summary


_REQUESTS_SENDING = frozenset({
    "requests.adapters.HTTPAdapter.send", "requests.HTTPAdapter.send", "requests.Session.request",
    "requests.sessions.Session.request", "requests.Session.send", "requests.sessions.Session.send",
})
"""What a project replaces to give every ``requests`` call a default timeout."""


def _patches_requests_timeout(ctx: FileContext) -> bool:
    """An assignment to ``HTTPAdapter.send``/``Session.request``/``Session.send`` of ``requests`` whose module
    mentions a timeout: the wrapper the project installs at start-up. Read only in files whose text names one
    of those (a cheap test first), so other files cost nothing."""
    source = ctx.source
    if "timeout" not in source or not ("HTTPAdapter.send" in source or "Session.request" in source
                                       or "Session.send" in source):
        return False
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Attribute) and ctx.imports.resolve(target) in _REQUESTS_SENDING
            for target in node.targets
        ):
            return True
    return False


_STAFF_PERMISSIONS = frozenset({"is_staff", "is_superuser"})


def _requires_staff(tree: ast.Module) -> bool:
    """A top-level class (an app config) sets ``default_permissions = ["is_staff"]``: django-oscar applies it to
    every URL of the app. (A model's ``Meta.default_permissions`` lists actions, never ``is_staff``.)"""
    return any(
        isinstance(item, ast.Assign) and isinstance(item.value, (ast.List, ast.Tuple))
        and any(isinstance(target, ast.Name) and target.id == "default_permissions" for target in item.targets)
        and any(isinstance(element, ast.Constant) and element.value in _STAFF_PERMISSIONS
                for element in item.value.elts)
        for statement in tree.body if isinstance(statement, ast.ClassDef)
        for item in statement.body
    )


def _returned_settings(function: Union[ast.FunctionDef, ast.AsyncFunctionDef]) -> dict[str, Any]:
    """The literal items of the dict a module-level function returns at the end of its body, when every key is
    an upper-case setting name (``return {"DEFAULT_PAGINATION_CLASS": "...", ...}``); else nothing."""
    last = function.body[-1] if function.body else None
    if not (isinstance(last, ast.Return) and isinstance(last.value, ast.Dict) and last.value.keys):
        return {}
    keys = last.value.keys
    if not all(isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value.isupper() for key in keys):
        return {}
    found = literal_json(last.value)
    return found if isinstance(found, dict) else {}


def _compared(summary: ModuleSummary, written: str) -> Optional[str]:
    """``default_settings.SECRET_KEY`` -> ``ihatemoney.default_settings.SECRET_KEY`` through the imports; a bare
    name is the module's own (``DEFAULT_API_KEY``)."""
    head, _, rest = written.partition(".")
    imported = summary.imports.get(head)
    if imported is not None:
        qualified = absolute_name(summary, imported)
        return f"{qualified}.{rest}" if qualified and rest else qualified
    return f"{summary.module}.{written}" if summary.module and not rest else None


def _read_start(ctx: FileContext, summary: ModuleSummary) -> None:
    """How the module is started: the commands it declares, whether it starts a service, and the classes whose
    ``app.run()`` is its only sign of doing so."""
    summary.commands = declares_commands(ctx)
    summary.starts_service = starts_service(ctx)
    summary.runs_dev_server = runs_dev_server(ctx)
    summary.app_run_classes = sorted(
        absolute for made in project_app_runs(ctx) if (absolute := absolute_name(summary, made)) is not None
    )


def _read_names(ctx: FileContext, summary: ModuleSummary) -> None:
    """The dotted names the module's strings spell, and the settings modules it gives ``DJANGO_SETTINGS_MODULE``."""
    summary.dotted_strings = sorted(set(_DOTTED.findall(ctx.source)))
    summary.settings_names = settings_named(ctx.source)


def _read_imports(ctx: FileContext, summary: ModuleSummary) -> None:
    imported: set[str] = set()
    type_only = _type_checking_imports(ctx.tree)
    at_run_time: set[str] = set()
    for statement in ctx.imports.statements:
        if isinstance(statement, ast.Import):
            names = {alias.name for alias in statement.names}
        else:
            base = absolute_name(summary, "." * statement.level + (statement.module or ""))
            if base is None:
                continue
            names = {base, *(f"{base}.{alias.name}" for alias in statement.names if alias.name != "*")}
            if any(alias.name == "*" for alias in statement.names) and statement.col_offset == 0:
                summary.star_imports.append(base)
        imported |= names
        if id(statement) not in type_only:
            at_run_time |= names
    summary.imported = sorted(imported)
    summary.type_only_imports = sorted(imported - at_run_time)
    for name, qualified in ctx.imports.names.items():
        absolute = absolute_name(summary, qualified)
        if absolute is not None:
            summary.imports[name] = absolute


def _type_checking_imports(tree: ast.Module) -> set[int]:
    """The ids of the import statements written under a module-level ``if TYPE_CHECKING:``
    (``typing.TYPE_CHECKING`` too): they exist for annotations and never run."""
    found: set[int] = set()
    for statement in tree.body:
        if isinstance(statement, ast.If) and dotted_name(statement.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            found.update(id(inner) for inner in statement.body if isinstance(inner, (ast.Import, ast.ImportFrom)))
    return found


def _read_module_statements(ctx: FileContext, summary: ModuleSummary) -> None:
    """Constants (names bound once, to a literal) and, in a settings module, the settings the model reads."""
    bound: dict[str, int] = {}
    values: dict[str, ast.expr] = {}
    for statement in ctx.tree.body:
        targets, value = assigned_values(statement)
        if isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
            bound[statement.target.id] = 2
            continue
        for target in targets:
            if isinstance(target, ast.Name) and value is not None:
                bound[target.id] = bound.get(target.id, 0) + 1
                values[target.id] = value
            elif isinstance(target, ast.Subscript) and value is not None:
                _setting_item(summary, target, value)
    for name, value in values.items():
        kind = literal_kind(value)
        if kind is not None and bound[name] == 1:
            summary.constants[name] = kind
        made = ctx.imports.resolve(value.func) if isinstance(value, ast.Call) and bound[name] == 1 else None
        if made in CLIENT_CLASSES:  # ``mail = Mail()``: its ``mail.send`` in another module is slow work (BE206)
            summary.slow_clients[name] = made
    summary.loopback_constants = loopback_constants(ctx.tree)
    settings = settings_module(ctx)
    if settings.is_settings or _SETTINGS_MARKERS & values.keys():
        summary.settings_kind = settings.kind
        for name in sorted(name for name in values if name in SETTING_NAMES or installing_part(name)):
            value = values[name]
            built_by = _qualified(ctx, summary, value.func) if isinstance(value, ast.Call) else None
            # ``REST_FRAMEWORK = get_drf_settings(...)``: the model reads what that function returns
            summary.settings[name] = {BUILT_BY: built_by} if built_by else literal_json(value)
        if summary.star_imports:  # ``from .base import *``: what it puts in place of the base's values
            summary.replaced_settings = settings.replacing()


def _setting_item(summary: ModuleSummary, target: ast.Subscript, value: ast.expr) -> None:
    """``REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"] = "..."`` after the dict was made."""
    if not (isinstance(target.value, ast.Name) and target.value.id in SETTING_NAMES):
        return
    key = target.slice
    table = summary.settings.get(target.value.id)
    if isinstance(table, dict) and isinstance(key, ast.Constant) and isinstance(key.value, str):
        table[key.value] = literal_json(value)


def literal_kind(value: ast.expr) -> Optional[str]:
    """The kind of a literal constant: a str/number/bytes/bool/None, or a tuple/list/set/frozenset of those."""
    if isinstance(value, ast.Constant):
        return _LITERAL_KINDS.get(type(value.value))
    if isinstance(value, (ast.Tuple, ast.List, ast.Set)):
        elements = value.elts
    elif (
        isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in ("frozenset", "tuple")
        and len(value.args) == 1 and not value.keywords and isinstance(value.args[0], (ast.Tuple, ast.List, ast.Set))
    ):
        elements = value.args[0].elts
    else:
        return None
    if all(isinstance(element, ast.Constant) and type(element.value) in _LITERAL_KINDS for element in elements):
        return type(value).__name__.lower() if not isinstance(value, ast.Call) else "frozenset"
    return None


def literal_json(value: ast.expr) -> Any:
    """A JSON value for a literal (dicts and lists keep their literal items and mark the others ``"?"``)."""
    if isinstance(value, ast.Constant) and isinstance(value.value, (str, int, float, bool, type(None))):
        return value.value
    if isinstance(value, (ast.List, ast.Tuple)):
        return [literal_json(element) for element in value.elts]
    if isinstance(value, ast.Dict):
        return {
            key.value: literal_json(item) for key, item in zip(value.keys, value.values)
            if isinstance(key, ast.Constant) and isinstance(key.value, str)
        }
    return UNKNOWN


def _read_decorators(
    ctx: FileContext, node: ast.AST, top_level: bool, module_defs: Mapping[str, ast.AST],
    gates: tuple[bool, bool, bool], found: DefSummary,
) -> None:
    """What a def says as a decorator or permission class (it signs in, it runs what it decorates in the
    background) and the project decorators written on it; ``gates``: the module's text may name a sign-in, a
    background start, and the module is one whose defs no handler calls (tests, migrations: ``skip``)."""
    sign_in, background, skip = gates
    # (a class is read whatever the text: only its ``has_permission`` is, a DRF permission class's)
    found.signs_in = top_level and (sign_in or isinstance(node, ast.ClassDef)) and signs_in(node, module_defs)
    found.backgrounds = background and top_level and runs_in_background(node)
    found.decorators = [] if skip else own_decorators(ctx, node, module_defs)


def _read_function(ctx: FileContext, node: ast.FunctionDef | ast.AsyncFunctionDef, found: DefSummary,
                   gates: tuple[bool, bool, bool, bool]) -> None:
    """A function's own readings: what a caller's ``except`` meets (BE304, BE403), an idempotent grant (BE305),
    the statuses it masks and whether it mails only the site's own inbox (BE301). ``gates`` are the module's
    text tests (raises a message, inserts if missing, may mail a configured address, a module to skip)."""
    raises, if_missing, mails, skip = gates
    found.raises_message, found.wraps_library_call, found.inserts_if_missing = (
        raises and raises_own_message(node), wraps_library_call(ctx, node), if_missing and inserts_if_missing(node))
    found.masks = [] if skip else masked_statuses(node) or (
        middleware_masks(node) if "HTTPException" in ctx.source else [])
    found.mails_own_inbox = mails and mails_own_inbox(node)


def _read_defs(ctx: FileContext, summary: ModuleSummary) -> None:
    """Classes' bases and models' lazy relations everywhere; idempotency headers, HTML evidence and functions'
    effects (:mod:`.def_effects`) where they can be."""
    defs = _defs(ctx.tree)
    if not defs:
        return  # (a module of statements only: none of the readings below has anything to read)
    lowered = word_lines(ctx).lowered
    reads_key = KEY_WORD in lowered
    limits = mentions_attempt_limit(ctx.source, lowered)
    web = bool(ctx.imports.modules & {"django", "flask", "rest_framework", "flask_appbuilder"})
    html_lines = html_word_lines(ctx.source) if web else []
    skip = bool({"test", "test_support", "migration", "example"} & set(summary.roles))
    effects = EffectReader(ctx, skip, defs, summary.module)
    relations = model_relations(ctx)
    unique_lines = word_lines(ctx).words(CHECK_WORDS) if mentions_uniqueness(ctx.source, lowered) else []
    # a function returns a recent moment only if its own lines write ``timedelta(...)``
    recent_lines = word_lines(ctx).words(("timedelta",), cased=True) if "timedelta" in ctx.source else []
    raises, guards, if_missing, mails = (not skip and "raise Exception(" in ctx.source,
                                         not skip and any(word in lowered for word in GUARD_WORDS),
                                         not skip and mentions_insert_if_missing(lowered),
                                         not skip and _may_mail_configured_address(lowered))
    sign_in, background = (any(word in lowered for word in SIGN_IN_TEXT),
                           not skip and any(word in ctx.source for word in BACKGROUND_STARTS))
    module_defs = {name: node for name, node in defs if "." not in name}
    html: dict[int, bool] = {}  # id of a definition -> it renders HTML (only those that mention a name)
    for _, node in reversed(defs):  # a class's methods before the class: it reuses their answers
        if html_lines is None or (html_lines and spans_word_line(node, html_lines)):
            html[id(node)] = renders_html(node, html)
    if web and "as_view" in lowered:
        add_page_wrappers(ctx, defs, html)
    for qualname, node in defs:
        found = DefSummary()
        if isinstance(node, ast.ClassDef):
            _read_class(ctx, summary, node, found, effects, skip)
        else:
            _read_function(ctx, node, found, (raises, if_missing, mails, skip))
        found.admin_guard = guards and admin_guard_def(node)
        _read_decorators(ctx, node, "." not in qualname, module_defs, (sign_in, background, skip), found)
        if reads_key:
            found.headers = _key_headers(node)
        found.renders_html = html.get(id(node), False)
        found.xhr_only = web and xhr_only(node)
        found.counts_attempts, found.tallies_failures = (  # a limit, or a lockout's tally of failed sign-ins
            limits and counts_attempts(ctx, node), limits and tallies_failed_sign_ins(ctx, node))
        found.effects = effects.effects(node)
        if isinstance(node, ast.ClassDef) and "." not in qualname:
            found.relations = sorted(relations.get(qualname, ()))
            found.table = table_of(node)
        found.checks_unique = not isinstance(node, ast.ClassDef) and bool(unique_lines) \
            and spans_word_line(node, unique_lines) and checks_unique(node)
        found.calls = effects.calls(node, lambda written: absolute_name(summary, written), found.arguments)
        found.returns_literal = effects.returns_literal(node)
        found.returns_recent_time = spans_word_line(node, recent_lines) and returns_recent_time(node)
        if "." not in qualname and not isinstance(node, ast.ClassDef):
            found.returned_settings = _returned_settings(node)
        found.catches_all = not effects.skip and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) \
            and catches_everything(node)
        found.wraps_catch_all = "." not in qualname and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) \
            and returns_catching_wrapper(node)
        found.text_elements = effects.text_elements(node)
        found.item_text_elements = effects.item_text_elements(node)
        found.runs_query = effects.runs_query(node)
        if found != _NOTHING:
            summary.defs[f"{summary.module}.{qualname}" if summary.module else qualname] = found


def _may_mail_configured_address(lowered: str) -> bool:
    """The module's text names both configuration and sending: the cheap test before
    :func:`backend_lint.analysis.own_inbox.mails_own_inbox` reads its functions."""
    return any(word in lowered for word in ("settings", "config", "environ")) \
        and any(word in lowered for word in ("send", "mail"))


def _read_class(
    ctx: FileContext, summary: ModuleSummary, node: ast.ClassDef, found: DefSummary, effects: EffectReader, skip: bool
) -> None:
    """What a class's summary holds beyond what every definition's does: its bases, timeout, checkout link,
    whether it is a plain class, and its admin permissions."""
    found.bases = [  # a generic base by its class: ``App[None]`` is ``App``
        base for base in (_qualified(ctx, summary, written.value if isinstance(written, ast.Subscript) else written)
                          for written in node.bases) if base
    ]
    found.timeout = effects.names_timeout(node)
    found.checkout_link = declares_checkout_link(node)
    found.plain_class = not node.keywords and all(
        isinstance(base, ast.Name) and base.id == "object" for base in node.bases
    )
    if not skip:
        found.admin_permissions = admin_permissions(node, ctx.source)


def _read_reach(ctx: FileContext, summary: ModuleSummary) -> None:
    """What :func:`.conditions.unreached` reads: of a module outside tests and migrations, the names through which
    it may reach others and whether it loads modules by computed name; of one outside tests, whether it is a
    program; of tests, test support and migrations, which reach nothing the service runs, the same names kept
    apart (``left_names``: what they still call that the application may have left behind)."""
    roles = set(summary.roles)
    if roles & {"test", "test_support", "migration"}:
        summary.left_names = referenced_names(ctx)
    if roles & {"test", "test_support"}:
        return
    summary.script = runs_as_script(ctx.source)
    if "migration" not in roles:
        summary.referenced_names = referenced_names(ctx)
        summary.loads_modules = loads_modules(ctx.source)
        summary.command_names = command_only_names(ctx)  # (only a module that declares commands has any)


def _read_view_aliases(ctx: FileContext, summary: ModuleSummary) -> None:
    """``add_webauthn = AddWebAuthnView.as_view()``: the name a URL conf routes stands for the class."""
    for statement in ctx.tree.body:
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name) and isinstance(statement.value, ast.Call)):
            continue
        func = statement.value.func
        if isinstance(func, ast.Attribute) and func.attr == "as_view":
            qualified = _qualified(ctx, summary, func.value)
            if qualified is not None:
                summary.view_aliases[statement.targets[0].id] = qualified


def _defs(tree: ast.Module) -> list[tuple[str, Def]]:
    """Module-level functions and classes, and the methods of those classes."""
    found: list[tuple[str, Def]] = []
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.append((statement.name, statement))
            if isinstance(statement, ast.ClassDef):
                found.extend(
                    (f"{statement.name}.{method.name}", method) for method in statement.body
                    if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef))
                )
    return found


def _qualified(ctx: FileContext, summary: ModuleSummary, written: ast.expr) -> Optional[str]:
    resolved = ctx.imports.resolve(written)
    if resolved is not None:
        return absolute_name(summary, resolved)
    if isinstance(written, ast.Name) and summary.module:
        return f"{summary.module}.{written.id}"
    return None


def normal_header(text: str) -> str:
    """``HTTP_X_IDEMPOTENCY_KEY`` and ``X-Idempotency-Key`` both give ``x-idempotency-key``."""
    lowered = text.lower().replace("_", "-")
    return lowered[5:] if lowered.startswith("http-") else lowered


def _key_headers(node: Def) -> list[str]:
    return sorted({
        normal_header(child.value) for child in ast.walk(node)
        if isinstance(child, ast.Constant) and isinstance(child.value, str) and KEY_WORD in child.value.lower()
        and len(child.value) <= 64 and " " not in child.value
    })
