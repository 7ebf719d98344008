"""Health checks: web applications, and whether a module routes a health, readiness or liveness endpoint.

BE308 asks whether *any* module of a project answers a health check, which no single file can say, so each
module records one bit in its summary (:func:`serves_health_check`) and the project model joins them. A module
serves one when one of its route paths or prefixes (the handler model's plain routing data) reads as a probe
(``/health``, ``/healthz``, ``/api/v1/ready``, ``/ping``), when it includes a health-check URL conf
(django-health-check's ``health_check.urls``), or when it imports a health-check package that registers the
endpoint itself.
"""

from __future__ import annotations

import ast
from bisect import bisect_left
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import string_value
from backend_lint.analysis.facts import file_fact
from backend_lint.analysis.handlers import handler_model
from backend_lint.analysis.node_index import node_index
from backend_lint.analysis.secret_names import split_identifier
from backend_lint.analysis.word_lines import word_lines

if TYPE_CHECKING:
    from backend_lint.context import FileContext

APP_CLASSES = frozenset({
    "fastapi.FastAPI", "fastapi.applications.FastAPI", "flask.Flask", "flask.app.Flask", "quart.Quart",
    "starlette.applications.Starlette", "litestar.Litestar", "litestar.app.Litestar", "aiohttp.web.Application",
})
"""Callables that make a web application."""
PROBE_WORDS = frozenset({
    "health", "healthz", "healthcheck", "healthchecks", "readyz", "livez", "readiness", "liveness", "heartbeat",
})
"""Words that make a path a probe wherever they stand."""
SHORT_PROBE_WORDS = frozenset({"ready", "live", "alive", "ping", "status", "up"})
"""Words that make a path a probe when they end it and nothing but these stands before them."""
_NEUTRAL = frozenset({"api", "v", "internal", "system", "sys", "service", "monitor", "monitoring", "_"})
_TEXT_WORDS = ("health", "livez", "readyz", "heartbeat", "ready", "alive", "ping", "status", "live")
_PROBE_PARTS = ("health", "ready", "readi", "live", "heartbeat", "ping", "status", "up")
"""Every word of :data:`PROBE_WORDS` and :data:`SHORT_PROBE_WORDS` contains one of these: a probe path's text
does too, on the lines of the call that routes it."""
_ROUTING_CALLS = frozenset({
    "path", "re_path", "url", "route", "get", "api_route", "add_api_route", "add_url_rule", "add_get", "add_route",
    "Route", "Mount", "head",
})
"""Calls whose first argument is a route path (Django URL conf entries, decorators, aiohttp and Starlette)."""
HEALTH_PACKAGES = frozenset({"health_check", "healthcheck", "flask_healthz", "fastapi_health", "django_healthchecks"})
"""Packages that register a health endpoint themselves once installed."""


def is_probe_path(text: str) -> bool:
    """``/health``, ``/api/healthz``, ``/ready``, ``/v1/ping``; not ``/orders/{id}/status``."""
    words = [word for word in split_identifier(text.replace("/", "_")) if word and not word.isdigit()]
    if PROBE_WORDS.intersection(words):
        return True
    return bool(words) and words[-1] in SHORT_PROBE_WORDS and set(words[:-1]) <= _NEUTRAL


@file_fact(reads=(handler_model,))
def route_texts(ctx: FileContext) -> tuple[str, ...]:
    """The literal route paths and prefixes of the module (registrations, route strings, URL conf includes)."""
    routes = handler_model(ctx).routes
    texts = [registration.path.text for registration in routes.registrations if registration.path.text]
    texts += [part.text for part, _framework in routes.route_strings]
    texts += [prefix.text for prefix, _included in routes.url_includes if prefix.text]
    return tuple(sorted(set(texts)))


@file_fact(reads=(handler_model, route_texts, word_lines, node_index))
def serves_health_check(ctx: FileContext) -> bool:
    """The module routes a probe path, includes a health-check URL conf or imports a health-check package."""
    if ctx.imports.modules & HEALTH_PACKAGES:
        return True
    if any(included.split(".")[0] in HEALTH_PACKAGES for _prefix, included in handler_model(ctx).routes.url_includes):
        return True
    return any(is_probe_path(text) for text in route_texts(ctx)) or _registers_probe(ctx)


def _registers_probe(ctx: FileContext) -> bool:
    """A routing call anywhere in the module (inside a function too, where the handler model does not read
    URL conf entries: ``re_path(r"^livez/", LivezView.as_view())``) has a probe path as its first argument.
    Only a module whose text has a probe word is looked into, and only the routing calls (from the file's node
    index) that lie, with every node that holds them, on lines holding a probe word: a probe path's literal
    lies within its call (a decorator's call lies before its function's ``def`` line: the function's lines
    must hold one too)."""
    index = word_lines(ctx)
    if not any(word in index.lowered for word in _TEXT_WORDS):
        return False
    lines: Optional[list[int]] = None  # (found only once a routing call's first argument is a probe path)
    nodes = node_index(ctx)
    for call in nodes.of(ast.Call):
        if not (call.args and _callee(call) in _ROUTING_CALLS):
            continue
        text = string_value(call.args[0])
        if text is None or not is_probe_path(text.strip("^$")):
            continue
        if lines is None:
            lines = index.words(_PROBE_PARTS)
        node: Optional[ast.AST] = call
        while node is not None and _spans_probe_line(node, lines):
            node = nodes.parent(node)
        if node is None:
            return True  # (else a node holding the call spans no probe word's line)
    return False


def _spans_probe_line(node: ast.AST, lines: list[int]) -> bool:
    """One of ``lines`` lies within ``node``'s lines (a node without lines, the module: yes)."""
    first = getattr(node, "lineno", None)
    if first is None:
        return True
    at = bisect_left(lines, first)
    return at < len(lines) and lines[at] <= (getattr(node, "end_lineno", None) or first)


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
