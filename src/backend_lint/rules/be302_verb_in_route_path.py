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
"""

from __future__ import annotations

import ast
import re
from typing import Optional

from backend_lint.analysis.handler_types import ModuleRoutes, Span
from backend_lint.analysis.handlers import FRAMEWORK_MODULES, handler_model
from backend_lint.analysis.project.conditions import html_view, test_support
from backend_lint.analysis.project.extract import url_view
from backend_lint.context import FileContext
from backend_lint.rule import Option, Rule, leaves

_PIECES = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_PARAMETER = re.compile(r"\{[^}]*\}|<[^>]*>|\(\?P<[^>]*>[^)]*\)|\([^)]*\)")


def verb_segment(path: str, verbs: frozenset[str]) -> Optional[tuple[str, str]]:
    """``(segment, verb)`` for the first segment of ``path`` that starts with one of ``verbs``."""
    cleaned = _PARAMETER.sub("", path)
    for raw in cleaned.split("/"):
        segment = raw.strip("^$?")
        if not segment or segment.startswith(":") or not segment[0].isalpha():
            continue
        pieces = _PIECES.findall(segment)
        if pieces and pieces[0].lower() in verbs and segment[: len(pieces[0])] == pieces[0]:
            return segment, pieces[0].lower()
    return None


class VerbInRoutePath(Rule):
    code = "BE302"
    name = "verb-in-route-path"
    message = "`{path}` has the verb `{verb}` in its path; name the resource and let the HTTP method say the action"
    triggers = FRAMEWORK_MODULES
    needs = (handler_model, html_view)
    module_facts = (test_support,)
    options = (
        Option(
            "verbs",
            list,
            ["get", "create", "update", "delete", "fetch", "add", "remove", "set", "make", "do"],
            "words that make a path segment an action when they start it",
        ),
    )

    @leaves(ast.Module)
    def check_module(self, node: ast.Module, ctx: FileContext) -> None:
        if ctx.is_test_file:
            return
        verbs = frozenset(verb.lower() for verb in self.option("verbs"))
        model = handler_model(ctx)
        views = _url_conf_views(model.routes, ctx)
        for string in model.route_strings:
            found = verb_segment(str(string.value), verbs)  # the model keeps string literals only
            if found is not None:
                pages = tuple(html_view(view) for view in views.get(Span.of(string), ()))
                self.report(ctx, string, path=string.value, verb=found[1], unless=pages)


def _url_conf_views(routes: ModuleRoutes, ctx: FileContext) -> dict[Span, list[str]]:
    """Literal path string -> the views a Django URL conf routes with it (whether they are server-rendered
    pages is in their own module, so the project model decides)."""
    found: dict[Span, list[str]] = {}
    is_package = ctx.display_path.replace("\\", "/").endswith("/__init__.py")
    for registration in routes.registrations:
        view = url_view(ctx.module, is_package, registration)
        if view is not None:
            for part in registration.path.parts:
                found.setdefault(part.span, []).append(view)
    return found
