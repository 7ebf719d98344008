"""Which app objects of a module hold a handler's routes, for another module to include under a prefix.

``router = APIRouter()`` in ``routers/auths.py`` knows its routes as ``/signup`` and ``/add``; ``main.py``
includes it with ``prefix="/api/v1/auths"``. A rule that judges a route by the words of its full path (BE301's
and BE305's exempt paths) asks the project model whether such a prefix holds a word
(:func:`backend_lint.analysis.project.conditions.route_words`); this module names the objects to ask about.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.facts import reads
from backend_lint.analysis.handlers import handler_model

if TYPE_CHECKING:
    from backend_lint.analysis.handler_types import Handler, ModuleRoutes
    from backend_lint.context import FileContext


def outermost(routes: ModuleRoutes, key: Optional[str]) -> Optional[str]:
    """The app object at the top of the module's own inclusions of ``key`` (a router included in a router)."""
    seen = set()
    while key is not None and key not in seen:
        seen.add(key)
        inclusion = routes.inclusions.get(key)
        if inclusion is None or inclusion.parent is None:
            return key
        key = inclusion.parent
    return key


@reads(handler_model)
def included_app_objects(ctx: FileContext, handler: Handler) -> list[str]:
    """Qualified names (``app.routers.auths.router``) of the module-level app objects at the top of the
    handler's routes: other modules may include them under a prefix. Empty without a module name."""
    if not ctx.module:
        return []
    routes = handler_model(ctx).routes
    found: list[str] = []
    for route in handler.routes:
        owner = outermost(routes, route.owner)
        if owner is not None and owner.startswith(":"):  # a module-level app object
            found.append(f"{ctx.module}.{owner[1:]}")
    return list(dict.fromkeys(found))
