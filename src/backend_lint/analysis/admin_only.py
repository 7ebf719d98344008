"""Whether a handler answers only the application's administrators.

An error text shown to the operator of the instance, in an endpoint only administrators reach, is the
operator's diagnostic, not a leak to an attacker (BE304). What counts, as written on the handler: a FastAPI
dependency whose name says admin or superuser (``dependencies=[Depends(check_admin)]`` on the route, or a
parameter ``= Depends(check_super_user)``), a decorator named for it (``@admin_required``,
``@staff_member_required``, ``@superuser_required``), and a DRF class whose ``permission_classes`` name an
admin permission (``IsAdminUser``). A check inside the body (``if not user.is_admin: raise``) is not read.
:func:`admin_router` adds the router the handler is registered on: ``APIRouter(dependencies=[Depends(check_admin)])``
bound at module level guards every route of it.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from backend_lint.analysis.facts import file_fact
from backend_lint.analysis.handler_types import Handler
from backend_lint.analysis.imports import dotted_name

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_ADMIN_WORDS = ("admin", "superuser", "super_user", "staff_member")


def _names_admin(expr: ast.expr) -> bool:
    target = expr.func if isinstance(expr, ast.Call) else expr
    name = (dotted_name(target) or "").rpartition(".")[2].lower()
    if "admin_key" in name:  # lnbits ``require_admin_key``: the owner's own key to a wallet, not an administrator
        return False
    return any(word in name for word in _ADMIN_WORDS)


def _dependency_names_admin(expr: ast.expr) -> bool:
    """``Depends(check_admin)`` / ``Security(require_admin)``: the dependency's own name decides."""
    return isinstance(expr, ast.Call) and bool(expr.args) and _names_admin(expr.args[0])


def _permission_classes(statement: ast.stmt) -> list[ast.expr]:
    """The classes of ``permission_classes = [IsAuthenticated, IsAdminUser]`` (a literal list or tuple)."""
    if isinstance(statement, ast.Assign) and isinstance(statement.value, (ast.List, ast.Tuple)) and any(
        isinstance(target, ast.Name) and target.id == "permission_classes" for target in statement.targets
    ):
        return statement.value.elts
    return []


def admin_only(handler: Handler) -> bool:
    """The handler declares that only administrators reach it (see the module docstring)."""
    for decorator in handler.function.decorator_list:
        if _names_admin(decorator):
            return True
        if isinstance(decorator, ast.Call) and _admin_dependencies(decorator):
            return True
    if any(param.marker_call is not None and _dependency_names_admin(param.marker_call) for param in handler.params):
        return True
    if handler.class_ is not None:
        for statement in handler.class_.body:
            if any(_names_admin(item) for item in _permission_classes(statement)):
                return True
    return False


def _admin_dependencies(call: ast.Call) -> bool:
    return any(
        keyword.arg == "dependencies" and isinstance(keyword.value, (ast.List, ast.Tuple))
        and any(_dependency_names_admin(item) for item in keyword.value.elts)
        for keyword in call.keywords
    )


@file_fact()
def admin_routers(ctx: FileContext) -> frozenset[str]:
    """Module-level names bound to a router made with an admin dependency (``APIRouter(dependencies=[...])``)."""
    return frozenset(
        target.id for statement in ctx.tree.body
        if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call)
        and _admin_dependencies(statement.value)
        for target in statement.targets if isinstance(target, ast.Name)
    )


def admin_router(ctx: FileContext, handler: Handler) -> bool:
    """Every route of the handler is registered on a router of this module that only administrators reach."""
    routers = admin_routers(ctx)
    return bool(routers) and bool(handler.routes) and all(
        route.owner is not None and route.owner.startswith(":") and route.owner[1:] in routers
        for route in handler.routes
    )
