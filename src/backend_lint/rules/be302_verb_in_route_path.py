"""BE302 verb-in-route-path: a route path segment that names an action instead of a resource.

REST paths name resources and the HTTP method says what happens to them: ``POST /orders``, not
``/orders/create``; ``GET /users/{id}``, not ``/getUser``. Verb paths multiply endpoints, hide the method's
semantics from caches, proxies and retry logic, and make the API inconsistent. The rule reads every literal
string the handler model (:mod:`backend_lint.analysis.handlers`) knows as a route path or prefix: route
decorators, ``add_url_rule``/``add_api_route``, router and blueprint prefixes, Django ``urlpatterns``, DRF
``router.register`` and ``@action(url_path=)``, Starlette ``Route``/``Mount``, aiohttp and Litestar routes.

A segment is flagged when its first word is a verb from the ``verbs`` option, as a whole segment
(``/create``) or the head of a camelCase, snake_case or kebab-case segment (``/getUser``, ``/add_item``,
``/do-sync``). Nouns that merely start with the same letters (``/settings``, ``/addresses``, ``/documents``,
``/updates``) and path parameters (``{id}``, ``<int:pk>``, ``(?P<pk>...)``) are left alone.

Only API routes are reported: a server-rendered page's ``add/`` and ``<pk>/delete/`` are the admin convention.
Pages decided in this module are left alone (every handler of the path renders or redirects, itself
or through the helpers of the module it returns; Django's
``RedirectView``/``TemplateView`` or a module class built on a generic HTML view; ``urlpatterns`` of a module
that keeps its API routes in ``api_urls``; a Django URL conf of an admin package, ``admin/urls.py``,
``admin/urls/pages.py``, ``admin_urls.py``, whose routes are the admin UI's pages and its own AJAX actions, and the
routes a URL conf adds under the prefix it mounts ``admin.site.urls`` on: ``admin/api/get-portfolio-json/``); a URL
conf's views in other modules are decided by the project model (``html_view``, which follows a module-level
``name = View.as_view()`` and a package's ``from .views import *`` to the class), also when the entry wraps the
view in a Django view decorator, reaches it through a whole dotted module path or through ``self.<attr>`` of the
class that builds the URL conf (:mod:`backend_lint.analysis.url_views`); an imported handler class of another
framework's registration (Flask's ``add_url_rule``) is decided by its own body. A proxy route whose handlers
forward to the same path of the service they front (``f"{url}/api/delete"``) keeps the upstream's path, and a
route whose handlers are marked ``@deprecated(new_target="...")`` with the path of their replacement is already
being retired the way the page says, as is one declared deprecated to its clients by a keyword of its route
decorator, registration or handler decorator (``deprecated=True``, ``is_deprecated=True``), and a FastAPI route
given ``include_in_schema=False`` is left out of the API's published contract (an internal endpoint of the
application's own frontend), as is a route only the project's own services call (a module named
``internal_urls.py``, a handler behind ``@backend_authenticated``:
:func:`backend_lint.analysis.internal_services.internal_api`), or of an app behind one shared secret that the
project's own client sends (:mod:`backend_lint.analysis.shared_secret_guards`, the project model decides). A
``GET`` path starting with ``get`` on a blueprint or router whose routes
are mostly server-rendered pages (:mod:`backend_lint.analysis.page_apps`) is a helper the UI's own pages fetch,
and a route only administrators reach on a blueprint that renders pages of the module is a button of the
administrators' own UI (vulnlookup's ``POST /admin/command/dump_feeds`` beside its dashboard).
A view decorated to refuse all but the application's own XMLHttpRequests (``@require_AJAX``, in this module or,
through the project model, in the module a URL conf names) is a helper of the UI's scripts.
A one-word segment that the entry's viewset or included URL conf is named
after (``router.register("set", SetViewSet)``) is the resource's name. On a route that only answers GET, a
segment ending in a noun of information about an action (``delete-preview``, ``export_status``) names that
information, the resource the GET reads. A one-word verb segment that ends the name of the body's model, spelled by
the path (``/data/update`` taking a ``DataUpdate``), on a handler named for another action on it
(``publish_data_update_event``), names that model; and a route whose handlers' docstrings call it a legacy or
compatibility path kept for existing clients is not the maintainers' to rename
(:mod:`backend_lint.analysis.route_nouns`).
"""

from __future__ import annotations

import ast
import re
from typing import Optional

from backend_lint.analysis.api_routes import API_WORDS, api_named, api_route
from backend_lint.analysis.ast_helpers import callee_name
from backend_lint.analysis.form_pages import asgi_form_page
from backend_lint.analysis.handler_body import handler_body
from backend_lint.analysis.handler_types import DJANGO, DRF, Handler, HandlerModel, ModuleRoutes, Span
from backend_lint.analysis.handlers import FRAMEWORK_MODULES, handler_model
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.included_routes import included_app_objects
from backend_lint.analysis.internal_services import internal_api, internal_api_module
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.page_answers import answers_page_through_helpers
from backend_lint.analysis.page_apps import back_office_action, ui_read_helper
from backend_lint.analysis.project.conditions import ProjectFact, html_view, route_words, test_support, xhr_view
from backend_lint.analysis.project.handler_conditions import own_client_header, rpc_api
from backend_lint.analysis.project.routing_summary import url_view
from backend_lint.analysis.resolve import class_chain, resolve_class
from backend_lint.analysis.route_nouns import kept_for_old_clients, names_body_model
from backend_lint.analysis.secret_names import split_identifier
from backend_lint.analysis.shared_secret_guards import guarded_header
from backend_lint.analysis.url_views import entry_view, forwarded_paths
from backend_lint.analysis.xhr_views import xhr_only
from backend_lint.context import FileContext
from backend_lint.rule import Option, Rule, leaves

_PIECES = lazy_compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_PARAMETER = lazy_compile(r"\{[^}]*\}|<[^>]*>|\(\?P<[^>]*>[^)]*\)|\([^)]*\)")


_ACTIONS = frozenset({
    "cancel", "approve", "reject", "activate", "deactivate", "archive", "unarchive", "publish", "unpublish", "submit",
    "confirm", "close", "reopen", "start", "stop", "run", "send", "resend", "assign", "unassign", "refund", "ship",
    "pay", "complete", "process", "enable", "disable", "reset", "sync", "export", "import", "move", "copy", "clone",
    "duplicate", "rename", "lock", "unlock", "restore", "retry", "verify", "validate", "register", "block",
    "unblock", "ban", "unban", "suspend", "resume", "pause", "void", "accept", "decline", "execute", "trigger",
    "fulfill", "checkout", "upload", "download",
})
"""Actions flagged only when the rest of the segment names the resource of the path again
(``/orders/{id}/cancel_order``): the action plus the resource's own name is a procedure call, where a bare
``/orders/{id}/cancel`` may be a deliberate custom method."""


_NEGATIONS = frozenset({"not", "no", "never"})
"""A verb followed by one of these and more words is a negated phrase (``do-not-recommend``, ``do-not-disturb``):
the name of a list or a setting, not an order to act on the resource."""


def verb_segment(path: str, verbs: frozenset[str]) -> Optional[tuple[str, str]]:
    """``(segment, verb)`` for the first segment of ``path`` that starts with one of ``verbs``, or with an
    action of :data:`_ACTIONS` followed by the name of a resource earlier in the path. ``make`` followed by one
    past participle (pretalx's ``make-submitted``, next to ``accept``/``reject``/``confirm``) moves the resource to
    a state and is not flagged, and neither is a negated phrase, ``do-not-recommend`` (the name of a list)."""
    cleaned = _PARAMETER.sub("", path)
    resources: set[str] = set()
    for raw in cleaned.split("/"):
        segment = raw.strip("^$?")
        if not segment or segment.startswith(":") or not segment[0].isalpha():
            continue
        pieces = _PIECES.findall(segment)
        if pieces and segment[: len(pieces[0])] == pieces[0]:
            first, rest = pieces[0].lower(), "_".join(piece.lower() for piece in pieces[1:])
            if first == "make" and len(pieces) == 2 and rest.endswith("ed"):
                pass  # ``make-submitted``: "mark as submitted", a change of state like ``/accept``, not a create
            elif len(pieces) > 2 and pieces[1].lower() in _NEGATIONS:
                pass  # ``do-not-recommend``, ``do-not-track``: a negated phrase names a list or a flag, a noun
            elif first in verbs or (first in _ACTIONS and rest and rest in resources):
                return segment, first
        name = "_".join(piece.lower() for piece in pieces)
        resources |= {name, name.removesuffix("s"), name[:-3] + "y" if name.endswith("ies") else name}
    return None


class VerbInRoutePath(Rule):
    code = "BE302"
    name = "verb-in-route-path"
    message = "`{path}` has the verb `{verb}` in its path; name the resource and let the HTTP method say the action"
    triggers = FRAMEWORK_MODULES
    needs = (handler_model, handler_body, html_view, resolve_class, class_chain, forwarded_paths,
             answers_page_through_helpers, ui_read_helper, back_office_action, api_route, internal_api, guarded_header)
    module_facts = (test_support,)
    options = (
        Option(
            "verbs",
            list,
            ["get", "create", "update", "delete", "fetch", "add", "remove", "set", "make", "do"],
            "words that make a path segment an action when they start it",
        ),
        Option(
            "report-rpc-apis",
            bool,
            False,
            "also report in a project whose API is RPC over POST by design (three POST-only routes or more per "
            "GET route, reads among them as POST /list, /get; no 201 anywhere): its own clients speak that style",
        ),
    )

    @leaves(ast.Module)
    def check_module(self, node: ast.Module, ctx: FileContext) -> None:
        if ctx.is_test_file:
            return
        verbs = frozenset(verb.lower() for verb in self.option("verbs"))
        model = handler_model(ctx)
        views = _url_conf_views(model.routes, ctx)
        handlers = _handlers_by_part(model)
        api_urls = _api_url_lines(node)
        admin_ui = _admin_url_conf(ctx, model.routes) | _admin_site_routes(model, ctx)
        for string in model.route_strings:
            found = verb_segment(str(string.value), verbs)  # the model keeps string literals only
            if found is None:
                continue
            if api_urls and not any(first <= string.lineno <= last for first, last in api_urls):
                continue  # the module keeps its API routes in ``api_urls``: ``urlpatterns`` are its UI pages
            if _names_its_resource(string, found[0], ctx):
                continue  # ``router.register("set", SetViewSet)``: the word is the resource's name, a noun
            if Span.of(string) in admin_ui:
                continue  # the admin UI's own URL conf or admin site prefix: its pages and their AJAX actions
            if _page(handlers.get(Span.of(string), []), ctx) or _html_class_view(string, ctx):
                continue
            if _xhr_helpers(handlers.get(Span.of(string), [])):
                continue  # ``@require_AJAX``: refuses all but the UI's own scripts, not a published API route
            if _ui_read_helper(found[1], handlers.get(Span.of(string), []), ctx):
                continue  # ``GET /get_languages_json`` of a blueprint of pages: the UI's own helper, a read
            if _back_office_actions(handlers.get(Span.of(string), []), ctx):
                continue  # ``POST /admin/command/dump_feeds``: a button of the administrators' own pages
            if _mirrors_upstream(str(string.value), handlers.get(Span.of(string), []), ctx):
                continue  # a proxy keeps the path of the service it forwards to: not this API's choice
            if _not_for_clients(handlers.get(Span.of(string), [])) \
                    or _for_own_services(handlers.get(Span.of(string), []), ctx):
                continue  # "An internal API used for testing processes"; ``@backend_authenticated``: no client's
            if _retired(handlers.get(Span.of(string), [])) or _deprecation_marker(ctx.parent_of(string)):
                continue  # already deprecated for the resource route it names: the page's fix, under way
            if _hidden_from_schema(string, handlers.get(Span.of(string), []), ctx):
                continue  # ``include_in_schema=False``: left out of the API's published contract, the UI's own
            if _no_order(str(string.value), found, handlers.get(Span.of(string), [])):
                continue  # ``GET .../delete-preview``, ``/data/update`` of a ``DataUpdate``, a legacy path kept
            entry = ctx.parent_of(string)
            pages = [*views.get(Span.of(string), []), *_shared_secret(entry, ctx)]
            view = entry_view(entry, ctx) if isinstance(entry, ast.Call) and entry.args and entry.args[0] is string \
                else None
            if view is not None:
                pages = [*pages, html_view(view), xhr_view(view)]
            only_if: tuple[ProjectFact, ...] = ()
            routed = handlers.get(Span.of(string), [])
            in_api_urls = any(first <= string.lineno <= last for first, last in api_urls)
            if not in_api_urls and not (view is not None and api_named(view)) \
                    and not api_route(ctx, str(string.value), routed):
                # no sign of an API in this file: the project model must find ``api`` in the full path of the
                # view or in the prefix another module gives the router or blueprint
                targets = [view] if view is not None else \
                    [owner for handler in routed for owner in included_app_objects(ctx, handler)]
                if not targets:
                    continue
                only_if = (route_words(targets[0], API_WORDS),)
            if not self.option("report-rpc-apis"):
                pages = [*pages, rpc_api()]  # ``POST /list``, ``POST /delete`` throughout: the API's own design
            self.report(ctx, string, path=string.value, verb=found[1], unless=tuple(dict.fromkeys(pages)),
                        only_if=only_if)


_HTML_VIEWS = frozenset({
    "TemplateView", "FormView", "CreateView", "UpdateView", "DeleteView", "DetailView", "ListView", "RedirectView",
    "ArchiveIndexView", "YearArchiveView", "MonthArchiveView", "DayArchiveView", "DateDetailView", "ModelView",
    "BaseView",
})
"""Django's generic views that answer HTML (and Flask-AppBuilder's page views): their routes are pages."""


def _shared_secret(entry: Optional[ast.AST], ctx: FileContext) -> list[ProjectFact]:
    """The registration puts the route on an app behind one shared secret in a custom header
    (:mod:`backend_lint.analysis.shared_secret_guards`): it serves the project's own services when another module of
    the project sends that header (``own_client_header``)."""
    header = guarded_header(ctx, entry) if entry is not None and ctx.module else None
    return [own_client_header(header, ctx.module)] if header is not None else []


def _handlers_by_part(model: HandlerModel) -> dict[Span, list[Handler]]:
    """Literal path string -> the handlers of this module routed with it."""
    found: dict[Span, list[Handler]] = {}
    for handler in model.handlers.values():
        for route in handler.routes:
            for part in route.parts:
                found.setdefault(part.span, []).append(handler)
    return found


def _page(handlers: list[Handler], ctx: FileContext) -> bool:
    """Every handler routed with the string answers a browser: it renders a template or redirects (a view
    class's ``get`` renders the confirmation page, its ``post`` redirects), itself or through the helpers of the
    module its every ``return`` calls (:mod:`backend_lint.analysis.page_answers`), or it is a FastAPI/Starlette
    form page (:mod:`backend_lint.analysis.form_pages`: GET and POST on one route, a template or a redirect:
    fief's HTMX dashboard, ``/roles/create``)."""
    return bool(handlers) and all(
        handler_body(ctx, handler).renders_html or answers_page_through_helpers(ctx, handler.function)
        or asgi_form_page(handler)
        for handler in handlers
    )


_VIEW_SUFFIXES = ("viewset", "modelviewset", "view", "views", "resource", "api", "endpoint")


def _names_its_resource(string: ast.Constant, segment: str, ctx: FileContext) -> bool:
    """The segment is one word that the entry's target is named after: ``router.register(r"set", SetViewSet)``
    (wger's workout sets), ``path("set/", include((patterns_set, "set"), namespace="set"))``. The view or the
    included URL conf carries the same word as its own name, so the word names the resource, not an action."""
    entry = ctx.parent_of(string)
    if not (isinstance(entry, ast.Call) and len(entry.args) >= 2 and entry.args[0] is string):
        return False
    word = segment.lower()
    if _PIECES.findall(segment) != [segment]:
        return False  # ``createInvoice``, ``add_item``: more than the one word
    target = entry.args[1]
    if isinstance(target, ast.Call) and callee_name(target) == "include":
        names = [keyword.value for keyword in target.keywords if keyword.arg == "namespace"]
        if target.args and isinstance(target.args[0], ast.Tuple) and len(target.args[0].elts) == 2:
            names.append(target.args[0].elts[1])
        return any(isinstance(name, ast.Constant) and name.value == word for name in names)
    written = (dotted_name(target) or "").rpartition(".")[2].lower()
    return written in {word + suffix for suffix in _VIEW_SUFFIXES}


def _xhr_helpers(handlers: list[Handler]) -> bool:
    """Every handler routed with the string is decorated to refuse all but the application's own XMLHttpRequests
    (``@require_AJAX``, ``@ajax_required``: :mod:`backend_lint.analysis.xhr_views`), itself or its class."""
    return bool(handlers) and all(
        xhr_only(handler.function) or (handler.class_ is not None and xhr_only(handler.class_))
        for handler in handlers
    )


def _ui_read_helper(verb: str, handlers: list[Handler], ctx: FileContext) -> bool:
    """``GET /get_languages_json`` on a blueprint whose routes are server-rendered pages (calibre-web's ``web``):
    the verb is ``get``, every handler routed with the string only reads, and its app object serves pages
    (:mod:`backend_lint.analysis.page_apps`). The UI's scripts fetch it; the method already says the read."""
    return verb == "get" and bool(handlers) and all(ui_read_helper(ctx, handler) for handler in handlers)


def _back_office_actions(handlers: list[Handler], ctx: FileContext) -> bool:
    """Every handler routed with the string is only for administrators, on a blueprint that renders pages of the
    module (vulnlookup's dashboard buttons, :func:`~backend_lint.analysis.page_apps.back_office_action`)."""
    return bool(handlers) and all(back_office_action(ctx, handler) for handler in handlers)


_ACTION_REPORTS = frozenset({
    "preview", "previews", "status", "progress", "result", "results", "summary", "report", "log", "logs", "history",
    "estimate", "impact", "info", "details", "options", "form", "schema", "template", "count", "stats",
    "statistics", "confirmation", "eligibility",
})
"""Nouns that name information about an action (its preview, status, progress, result, log, estimate, the form
that asks for it): joined after the action's word, they make the name of that information, not an order."""
_READS = frozenset({"GET", "HEAD", "OPTIONS"})
_READ_VERBS = frozenset({"get", "fetch", "read", "load", "retrieve", "list", "show", "view", "find", "query"})
"""Verbs that are a read themselves: before a noun they order the read GET already says (``get-status``,
``fetch-payment-options``), they modify nothing."""


def _no_order(path: str, found: tuple[str, str], handlers: list[Handler]) -> bool:
    """The verb segment orders nothing the maintainers could rename: the read of information about an action
    (``GET .../delete-preview``), the body's model named by the path on a handler doing another action to it
    (``/data/update`` taking a ``DataUpdate`` to publish), or a path the handlers' docstrings keep for existing
    clients ("legacy path without username prefix"; :mod:`backend_lint.analysis.route_nouns`)."""
    return _read_of_an_action_report(found[0], handlers) or names_body_model(path, found[0], found[1], handlers) \
        or kept_for_old_clients(handlers)


def _read_of_an_action_report(segment: str, handlers: list[Handler]) -> bool:
    """The segment joins an action's word to a noun of :data:`_ACTION_REPORTS` that ends it (``delete-preview``,
    ``export_status``, ``importProgress``), and every handler routed with the string only reads (GET): the
    segment is a compound noun whose head is the last word. Open Notebook's ``GET
    /notebooks/{id}/delete-preview`` returns the counts a delete would remove; the delete itself is ``DELETE
    /notebooks/{id}``. The action's word modifies the noun the GET reads, it is not what the request does. The
    same segment on a route that writes (``POST .../delete-preview``) stays reported, and so does a verb with
    the resource it acts on (``GET /create-user``) and a reading verb (``GET /fetch-payment-options``)."""
    pieces = [piece.lower() for piece in _PIECES.findall(segment)]
    if pieces and pieces[0] in _READ_VERBS:
        return False  # ``fetch-payment-options``: the verb is the read itself, what GET already says
    return len(pieces) >= 2 and pieces[-1] in _ACTION_REPORTS and bool(handlers) and all(
        handler.methods and handler.methods <= _READS for handler in handlers
    )


_NOT_FOR_CLIENTS = lazy_compile(
    r"not\s+(to\s+be\s+|meant\s+to\s+be\s+)?used\s+by\s+(users|clients|customers)"
    r"|internal\s+(api|endpoint|route)\s+(used\s+)?for\s+(testing|tests)",
    re.IGNORECASE,
)


def _not_for_clients(handlers: list[Handler]) -> bool:
    """Every handler routed with the string says in its docstring that it is no endpoint for the API's clients
    (marqo's ``/batch/indexes/delete``: "An internal API used for testing processes. Not to be used by users."):
    no client learns its path, so its naming is no part of the API's contract."""
    return bool(handlers) and all(
        _NOT_FOR_CLIENTS.search(ast.get_docstring(handler.function) or "") for handler in handlers)


def _for_own_services(handlers: list[Handler], ctx: FileContext) -> bool:
    """The routes of a module named ``internal`` (unstract's ``internal_urls.py``, mounted under ``/internal/`` for
    its workers), or every handler routed with the string admits only the project's own backend or workers
    (copr's ``@backend_authenticated``): no client of the API learns the path
    (:func:`~backend_lint.analysis.internal_services.internal_api`)."""
    return internal_api_module(ctx) or (bool(handlers) and all(internal_api(ctx, handler) for handler in handlers))


def _retired(handlers: list[Handler]) -> bool:
    """Every handler routed with the string is marked ``@deprecated(new_target="api/v1/dataset/<int:pk>")``:
    a decorator named ``deprecated`` given the path of the route that replaces it (a string with a ``/``); or a
    decorator of the handler, its route's included, declares it deprecated to the API's clients with a keyword
    (FastAPI's ``@router.post("/getUser", deprecated=True)``, which the OpenAPI document publishes; backend.ai's
    ``@pydantic_api_handler(Model, is_deprecated=True)``)."""
    return bool(handlers) and all(
        any(_deprecation_marker(decorator) for decorator in handler.function.decorator_list)
        for handler in handlers
    )


_DEPRECATED_KEYWORDS = frozenset({"deprecated", "is_deprecated"})


def _deprecation_marker(decorator: Optional[ast.AST]) -> bool:
    """``@deprecated(new_target="/api/v1/...")`` naming the replacement's path, or any decorator or route
    registration given ``deprecated=True``/``is_deprecated=True`` (``app.add_api_route(path, f, deprecated=True)``).
    A ``@deprecated()`` that names no replacement only warns the server's log: no client learns of it, and it is
    not read."""
    if not isinstance(decorator, ast.Call):
        return False
    if any(keyword.arg in _DEPRECATED_KEYWORDS and isinstance(keyword.value, ast.Constant)
           and keyword.value.value is True for keyword in decorator.keywords):
        return True
    return (dotted_name(decorator.func) or "").rpartition(".")[2] == "deprecated" and any(
        isinstance(value, ast.Constant) and isinstance(value.value, str) and "/" in value.value
        for value in [*decorator.args, *(keyword.value for keyword in decorator.keywords)]
    )


def _hidden_from_schema(string: ast.Constant, handlers: list[Handler], ctx: FileContext) -> bool:
    """The string is the path of a FastAPI route decorator given ``include_in_schema=False`` (langflow's
    ``@router.post("/custom_component/update", include_in_schema=False)``), and every handler routed with it is
    registered so: the route is left out of the OpenAPI document, so no client, SDK generator or gateway
    learns it; it is an internal endpoint of the application's own frontend."""
    decorator = ctx.parent_of(string)
    if not (isinstance(decorator, ast.Call) and decorator.args and decorator.args[0] is string):
        return False
    if not _hidden(decorator) or not handlers:
        return False
    return all(
        any(isinstance(item, ast.Call) and _hidden(item) for item in handler.function.decorator_list)
        for handler in handlers
    )


def _hidden(call: ast.Call) -> bool:
    return any(
        keyword.arg == "include_in_schema" and isinstance(keyword.value, ast.Constant) and keyword.value.value is False
        for keyword in call.keywords
    )


def _mirrors_upstream(path: str, handlers: list[Handler], ctx: FileContext) -> bool:
    """Every handler routed with ``path`` forwards the request to that same path of another service
    (``@router.delete("/api/delete/{url_idx}")`` sending to ``f"{url}/api/delete"``)."""
    own = "/" + "/".join(segment for segment in _PARAMETER.sub("", path).split("/") if segment)
    return bool(handlers) and all(own in forwarded_paths(ctx, handler.function) for handler in handlers)


def _html_class_view(string: ast.Constant, ctx: FileContext) -> bool:
    """``path("add/", OrderCreate.as_view())`` where ``OrderCreate`` is one of Django's generic HTML views
    (``RedirectView``, ``TemplateView``...) or a class of this module built on one, or naming a
    ``template_name``."""
    entry = ctx.parent_of(string)
    if not (isinstance(entry, ast.Call) and len(entry.args) >= 2 and entry.args[0] is string):
        return False
    view = entry.args[1]
    if not (isinstance(view, ast.Call) and callee_name(view) == "as_view" and isinstance(view.func, ast.Attribute)):
        return False
    imported = ctx.imports.resolve(view.func.value) or ""
    if imported.startswith("django.views.") and imported.rpartition(".")[2] in _HTML_VIEWS:
        return True  # RedirectView.as_view(url=...), TemplateView.as_view(template_name=...)
    cls = resolve_class(view.func.value, ctx, ctx.root_scope)
    if cls is None:
        return False
    for current in class_chain(cls, ctx):
        node = current.node
        assert isinstance(node, ast.ClassDef)
        if any((dotted_name(base) or "").rpartition(".")[2] in _HTML_VIEWS for base in node.bases):
            return True
        if any(isinstance(item, ast.Assign) and any(getattr(t, "id", "") == "template_name" for t in item.targets)
               for item in node.body):
            return True
    return False


def _admin_url_conf(ctx: FileContext, routes: ModuleRoutes) -> frozenset[Span]:
    """The route strings of a Django URL conf of an admin package (a module path with an ``admin`` part, or
    ``admin_urls.py``; none with ``api``): the admin UI routes its pages and their AJAX actions there, not a
    public API."""
    parts = ctx.role_path.replace("\\", "/").removesuffix(".py").split("/")
    if "api" in parts or not ("admin" in parts or parts[-1] == "admin_urls"):
        return frozenset()
    return frozenset(part.span for registration in routes.registrations if registration.framework == DJANGO
                     for part in registration.path.parts)


def _admin_site_routes(model: HandlerModel, ctx: FileContext) -> frozenset[Span]:
    """The route strings of this Django URL conf under the prefix it mounts the admin site under (``path("admin/",
    admin.site.urls)``, ``re_path(r"^admin/", include(admin.site.urls))``, a project's own
    ``custom_admin_site.urls``). The routes the module adds under that prefix (getgov's
    ``admin/api/get-portfolio-json/``, the AJAX helpers of its select2 widgets and change forms, placed before the
    admin site so they resolve first) are part of the admin site: helpers of the staff UI's own scripts, not a
    published API whose paths clients learn. A prefix that is the whole site (``""``) says nothing."""
    strings = [string for string, framework in model.route_strings.items() if framework == DJANGO]
    prefixes: list[str] = []
    for string in strings:
        entry = ctx.parent_of(string)
        if not (isinstance(entry, ast.Call) and len(entry.args) >= 2 and entry.args[0] is string):
            continue
        view = entry.args[1]
        if isinstance(view, ast.Call) and callee_name(view) == "include" and view.args:
            view = view.args[0]
        prefix = str(string.value).lstrip("^")
        if isinstance(view, ast.Attribute) and view.attr == "urls" and prefix.strip("/") \
                and "site" in split_identifier(dotted_name(view.value) or ""):
            prefixes.append(prefix)
    if not prefixes:
        return frozenset()
    return frozenset(Span.of(string) for string in strings if str(string.value).lstrip("^").startswith(tuple(prefixes)))


def _api_url_lines(module: ast.Module) -> list[tuple[int, int]]:
    """The lines of module-level ``api_urls = [...]`` and ``api_urls_<part> = [...]`` lists (Mayan's split of API
    routes from UI ``urlpatterns``)."""
    return [
        (statement.lineno, statement.end_lineno or statement.lineno)
        for statement in module.body
        if isinstance(statement, ast.Assign)
        and any(isinstance(target, ast.Name) and target.id.startswith("api_urls") for target in statement.targets)
    ]


def _url_conf_views(routes: ModuleRoutes, ctx: FileContext) -> dict[Span, list[ProjectFact]]:
    """Literal path string -> that the views of other modules routed with it are pages: a Django URL conf's
    views, and the imported view of another framework's registration (Flask's ``add_url_rule(path, endpoint,
    OrderView)``), judged by its own body: such handler classes share a base that redirects for every one of
    them (a canonical URL, a login), which makes none of them a page. Whether they are server-rendered is in
    their own module, so the project model decides."""
    found: dict[Span, list[ProjectFact]] = {}
    is_package = ctx.display_path.replace("\\", "/").endswith("/__init__.py")
    for registration in routes.registrations:
        view = url_view(ctx.module, is_package, registration, any_framework=True)
        if view is not None:
            facts = [html_view(view, own=registration.framework not in (DJANGO, DRF)), xhr_view(view)]
            for part in registration.path.parts:
                found.setdefault(part.span, []).extend(facts)
    return found
