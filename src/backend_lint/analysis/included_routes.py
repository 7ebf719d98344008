"""Which app objects of a module hold a handler's routes, for another module to include under a prefix.

``router = APIRouter()`` in ``routers/auths.py`` knows its routes as ``/signup`` and ``/add``; ``main.py``
includes it with ``prefix="/api/v1/auths"``. A rule that judges a route by the words of its full path (BE301's
and BE305's exempt paths) asks the project model whether such a prefix holds a word
(:func:`backend_lint.analysis.project.conditions.route_words`); this module names the objects to ask about.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import callee_name
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



_ROUTERS = frozenset({"APIRouter", "Blueprint", "RouteTableDef", "Router"})
"""Classes of a router a module fills for an application elsewhere to mount."""
_APPS = frozenset({"FastAPI", "Flask", "Quart", "Starlette", "Application", "Litestar", "Sanic"})
"""Applications, which a server loads by a name written outside Python (``uvicorn main:app``)."""


def module_routers(ctx: FileContext) -> list[str]:
    """Qualified names of the module-level routers of a module that is only a router's (``router =
    APIRouter(...)``, ``bp = Blueprint(...)``, ``routes = web.RouteTableDef()``): none when it makes an
    application too or runs as a program (a main guard), or has no module name. Unless another module imports
    the module or a router, nothing in it runs (:func:`~.project.conditions.unmounted_router`)."""
    if not ctx.module or "__main__" in ctx.source:
        return []
    made: dict[str, str] = {}
    for statement in ctx.tree.body:
        if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    made[target.id] = callee_name(statement.value)
    if any(kind in _APPS for kind in made.values()):
        return []
    return [f"{ctx.module}.{name}" for name, kind in made.items() if kind in _ROUTERS]
