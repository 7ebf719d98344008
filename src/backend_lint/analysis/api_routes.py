"""Whether a route is part of an application's API: the evidence a reviewer needs before asking that its path
name resources (BE302).

Resource naming is a contract with API clients: a client, an SDK generator or a gateway learns the path. A
server-rendered application's own pages and the small helpers their scripts call (``js/screenshot/<pk>/add/``,
a typeahead, a session toggle) have no such clients, and judged on applications the rules had never seen, a
verb path with nothing to say it was an API was as often UI plumbing, a webhook named by the event that fires
it or a placeholder as a published route. The verb paths judged true showed one of these, read from the code:

- **an API framework**: the module is written with FastAPI, Django REST framework, Django Ninja, Litestar,
  Flask-RESTful, Flask-RESTX or flask-smorest, whose routes answer data to clients;
- **the API's name in the path**: a segment ``api`` in the route's own path or its full path in the module
  (``/api/v1/...``), or a part of the module's dotted name (``superset.tags.api``, ``mayan...api_urls``,
  ``pretalx.api.views.team``) or of the view a URL conf entry names (``api.PushAccountAddAssetApi.as_view()``,
  :func:`api_named`); through the project model, the full path a URL conf gives a view or the prefix
  another module gives a blueprint or router (:func:`~.project.conditions.route_words`);
- **a JSON exchange**: a handler routed with the path reads a JSON request body (a browser form does not send
  one), or answers JSON (``jsonify``, ``JsonResponse``, ``make_json_response``) on an app object that does not
  serve pages (:mod:`.page_apps`: pgAdmin's single-page backend, not calibre-web's ``web`` blueprint); on such
  an app object another handler of the module answering JSON is enough (pgAdmin's ``GET /get_user_macros``
  answers through a helper of another module, its blueprint's other routes answer JSON here).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backend_lint.analysis.facts import reads
from backend_lint.analysis.handler_body import handler_body
from backend_lint.analysis.handlers import handler_model
from backend_lint.analysis.page_apps import page_app_objects
from backend_lint.analysis.project.view_facts import route_meaning_words, without_credential_api
from backend_lint.analysis.secret_names import split_identifier

if TYPE_CHECKING:
    from backend_lint.analysis.handler_types import Handler
    from backend_lint.context import FileContext

API_WORDS = frozenset({"api", "apis"})
"""Words of a path or a module name that name an API."""
_API_FRAMEWORKS = ("fastapi", "rest_framework", "ninja", "litestar", "flask_restful", "flask_restx", "flask_smorest")
"""Top-level modules of frameworks whose routes answer data to API clients."""
_JSON_WORDS = frozenset({"json", "jsonify", "ajax"})
"""Words of a callee's name that make it answer JSON (``jsonify``, ``JsonResponse``, ``make_json_response``,
pgAdmin's ``ajax_response``)."""


@reads(handler_body, page_app_objects, handler_model)
def api_route(ctx: FileContext, path: str, handlers: list[Handler]) -> bool:
    """The route written as ``path`` and answered by ``handlers`` (those of this module routed with it, maybe
    none) shows, in this file, that it belongs to an API (see the module docstring)."""
    if ctx.imports.imports_module(*_API_FRAMEWORKS):
        return True
    if _names_api(path) or any(_names_api(route.path or "") for handler in handlers for route in handler.routes):
        return True
    if api_named(ctx.module or ""):
        return True
    return any(_json_exchange(ctx, handler) for handler in handlers) or _json_app_object(ctx, handlers)


def _names_api(text: str) -> bool:
    """A path's words name an API (``api``, ``apis``; not the ``api`` of an API token: :func:`route_meaning_words`)."""
    return bool(API_WORDS.intersection(route_meaning_words(text)))


def api_named(dotted: str) -> bool:
    """A word of a part of the dotted name (a module, a view class) names an API: ``accounts.api.AssetApi``."""
    return any(API_WORDS.intersection(without_credential_api(split_identifier(part))) for part in dotted.split("."))


def _json_exchange(ctx: FileContext, handler: Handler) -> bool:
    """The handler reads a JSON body, or answers JSON on an app object that serves no pages."""
    body = handler_body(ctx, handler)
    if any("json" in read.label for read in body.body_reads):
        return True
    pages = page_app_objects(ctx)
    return _answers_json(ctx, handler) and not any(
        route.owner in pages for route in handler.routes if route.owner is not None)


def _answers_json(ctx: FileContext, handler: Handler) -> bool:
    """The handler calls something named for answering JSON."""
    return any(_JSON_WORDS.intersection(split_identifier(call.rpartition(".")[2]))
               for call in handler_body(ctx, handler).calls)


def _json_app_object(ctx: FileContext, handlers: list[Handler]) -> bool:
    """The handlers are routed on app objects (blueprints) that serve no pages, and another handler of the module
    on one of them answers JSON: the blueprint is the backend of a single-page UI or an API."""
    owners = {route.owner for handler in handlers for route in handler.routes if route.owner is not None}
    if not owners or owners & set(page_app_objects(ctx)):
        return False
    return any(_answers_json(ctx, other) for other in handler_model(ctx).handlers.values()
               if other not in handlers and any(route.owner in owners for route in other.routes))
