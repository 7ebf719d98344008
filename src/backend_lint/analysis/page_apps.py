"""Which app objects of a module serve a server-rendered UI: a blueprint or router whose routes are pages.

calibre-web's ``web`` blueprint renders its pages with templates (``render_title_template("index.html")``) and
redirects after its form posts; next to them it routes the small JSON helpers its own pages' scripts fetch
(``GET /get_languages_json`` for a typeahead, ``GET /get_update_status`` on the admin page). Those helpers are
plumbing of the UI, not an API a client has to learn (calibre-web's APIs are OPDS and Kobo, in blueprints of
their own), and a ``GET`` named ``get_...`` misstates no method. A single-page application's backend (pgAdmin:
each blueprint answers JSON to a bundled front end and renders at most its one shell page) is not such a UI.

A *page handler* answers a browser: a call in its own body renders a template given by its file's name
(``render_template("books.html")``, ``jsonify_template("delete.html")``) or redirects (``redirect``,
``HttpResponseRedirect``, any ``redirect*``), or it does so through the helpers of its module its every
``return`` calls (:func:`.page_answers.answers_page_through_helpers`). Rendering a template whose name is
built at run time (pgAdmin renders SQL templates that way) makes no page. An app object serves pages when at
least :data:`MIN_PAGES` of its handlers are page handlers and they are at least :data:`MIN_SHARE` of them.

A back office needs less: vulnlookup's ``admin_bp`` renders its dashboard and routes beside it the
``POST /admin/command/<name>`` buttons the dashboard's own script posts, each behind
``@admin_permission.require(http_exception=403)``. A handler only administrators reach
(:func:`.admin_only.admin_only`) on an app object that renders any page of the module is such an action of the
administrators' UI (:func:`back_office_action`), as a Django admin package's URL conf is; an administrators' API
router that renders no page (Open WebUI's ``/api/v1/ollama/config/update``) is not.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from backend_lint.analysis.admin_only import admin_only
from backend_lint.analysis.ast_helpers import callee_name, own_nodes
from backend_lint.analysis.facts import file_fact, reads
from backend_lint.analysis.handlers import handler_model
from backend_lint.analysis.page_answers import answers_page_through_helpers
from backend_lint.analysis.page_responses import HTMX_PAGE_RESPONSES, redirects
from backend_lint.analysis.project.html_evidence import renders_template

if TYPE_CHECKING:
    from backend_lint.analysis.handler_types import Handler
    from backend_lint.context import FileContext

MIN_PAGES = 3
"""Page handlers an app object needs before it counts as a UI's."""
MIN_SHARE = 0.25
"""The share of its handlers that must be pages."""
_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def page_handler(ctx: FileContext, handler: Handler) -> bool:
    """The handler answers a browser: it renders a template named by its file or redirects, itself or through
    the helpers of its module (see the module docstring)."""
    for node in own_nodes(handler.function):
        if isinstance(node, ast.Call) and (renders_template(node) or _redirects(callee_name(node))):
            return True
    return answers_page_through_helpers(ctx, handler.function)


def _redirects(name: str) -> bool:
    return redirects(name) or name in HTMX_PAGE_RESPONSES


@file_fact(reads=(handler_model, answers_page_through_helpers))
def page_counts(ctx: FileContext) -> dict[str, tuple[int, int]]:
    """For each app object of the module (the routing readers' keys, ``:web``): how many of its handlers are page
    handlers, and how many handlers it routes."""
    handlers: dict[str, list[Handler]] = {}
    for handler in handler_model(ctx).handlers.values():
        for owner in {route.owner for route in handler.routes if route.owner is not None}:
            handlers.setdefault(owner, []).append(handler)
    return {owner: (sum(1 for handler in routed if page_handler(ctx, handler)), len(routed))
            for owner, routed in handlers.items()}


@file_fact(reads=(page_counts,))
def page_app_objects(ctx: FileContext) -> frozenset[str]:
    """The app objects of the module that serve a server-rendered UI."""
    return frozenset(
        owner for owner, (pages, routed) in page_counts(ctx).items()
        if pages >= MIN_PAGES and pages >= MIN_SHARE * routed
    )


@reads(page_counts)
def back_office_action(ctx: FileContext, handler: Handler) -> bool:
    """Only administrators reach the handler and every route of it is on an app object that renders a page of
    the module: an action of the administrators' own UI (see the module docstring)."""
    counts = page_counts(ctx)
    return bool(handler.routes) and admin_only(handler) and all(
        route.owner is not None and counts.get(route.owner, (0, 0))[0] > 0 for route in handler.routes
    )


@reads(page_app_objects)
def ui_read_helper(ctx: FileContext, handler: Handler) -> bool:
    """The handler only reads (``GET``) and every route of it is on an app object that serves pages: a helper
    the UI's own pages fetch."""
    methods = handler.methods
    return bool(handler.routes) and bool(methods) and methods <= _READ_METHODS and all(
        route.owner is not None and route.owner in page_app_objects(ctx) for route in handler.routes
    )
