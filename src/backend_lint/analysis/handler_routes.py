"""Joining a module's route registrations into full paths: plain data in, plain data out.

A registration carries its own path and the app object it is registered on (:mod:`.frameworks` reads them).
Its full path puts in front, outermost first, the prefixes of the objects that object is included in
(``app.include_router(api, prefix="/api")``, ``register_blueprint(bp, url_prefix=...)``, which replaces the
blueprint's own), the object's own prefix (``APIRouter(prefix="/orders")``), then the prefix a router gives
the class or function it lists (``router.register("orders", OrderViewSet)``, Litestar ``Router(path=...)``).
An unreadable route path makes the full path unknown; an unreadable prefix is left out.
"""

from __future__ import annotations

from typing import Optional

from backend_lint.analysis.handler_types import NO_PATH, ModuleRoutes, PathPart, Registration, RoutePath


def joined_paths(routes: ModuleRoutes) -> tuple[list[RoutePath], list[tuple[PathPart, str]]]:
    """The full path of each registration (in order), and every literal string routing uses: those the
    framework readers found and the own prefixes of the objects the registrations are made on."""
    strings = list(routes.route_strings)
    paths = [
        _endpoint_prefix(routes, registration).route(
            _object_prefix(routes, registration.owner, set(), strings).route(registration.path)
        )
        for registration in routes.registrations
    ]
    return paths, strings


def _object_prefix(
    routes: ModuleRoutes, key: Optional[str], seen: set[str], strings: list[tuple[PathPart, str]]
) -> RoutePath:
    """The full prefix of routes registered on the object ``key``: where it is included, then its own."""
    if key is None or key in seen:
        return NO_PATH
    seen.add(key)
    own = NO_PATH
    if key in routes.own_prefixes:
        own, framework = routes.own_prefixes[key]
        strings.extend((part, framework) for part in own.parts)
    included = routes.inclusions.get(key)
    if included is None:
        return own
    outer = _object_prefix(routes, included.parent, seen, strings).then(included.prefix)
    return outer if included.replaces_own else outer.then(own)


def _endpoint_prefix(routes: ModuleRoutes, registration: Registration) -> RoutePath:
    """The prefix a router gives the function itself, or the class whose method it is."""
    prefixes = routes.endpoint_prefixes
    if not prefixes or registration.module is not None:
        return NO_PATH
    endpoint = registration.endpoint
    return prefixes.get(endpoint) or prefixes.get(endpoint.rpartition(".")[0]) or NO_PATH
