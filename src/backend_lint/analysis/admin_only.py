"""Whether a handler answers only the application's administrators.

An error text shown to the operator of the instance, in an endpoint only administrators reach, is the operator's
diagnostic, not a leak to an attacker (BE304). What counts, as written on the handler: a FastAPI dependency whose
name says admin or superuser (``dependencies=[Depends(check_admin)]`` on the route, or a parameter ``=
Depends(check_super_user)``), a decorator named for it (``@admin_required``, ``@staff_member_required``,
``@superuser_required``), a DRF class whose ``permission_classes`` name an admin permission (``IsAdminUser``), a
requirement class naming an administrator given to a decorator (Flask-Allows' ``@allows.requires(IsAdmin)``, also
in a ``MethodView``'s ``decorators``), and a Django permission to edit required by the view
(``@permission_required("shop.change_order")``, ``permission_required = "core.add_unit"`` on a
``PermissionRequiredMixin`` view, or a class attribute named for permissions mapping each method to one:
jumpserver's ``rbac_perms = {"POST": "settings.change_email"}``): back-office pages (BE104's configuration
lists, BE304's diagnostics). A class-based view whose base is a mixin named for the same requirement
(``StaffRequiredMixin``, django-braces' ``SuperuserRequiredMixin``, ``AdminRequiredMixin``: the class spelling of
``@staff_member_required``) counts as well. Weblate's ``@management_access`` counts too (its ``management.use``
permission is the administrators'), and so does Flask-Principal's ``@admin_permission.require(http_exception=403)``
(a permission object named for administrators). A guard at the top of the body that turns everyone else away (``if not
security_manager.is_admin(): return self.response(403, ...)``, or a call of the module's ``_require_admin(ctx)``
that raises unless administrator) is :func:`~.admin_guards.admin_guard`; one that turns away everyone else only on
a condition (``if url_idx is not None and user.role != "admin": raise 401``), for the code that runs only under
that condition, is :func:`~.admin_guards.admin_branch`. A decorator that lets only the members of named groups
through (arches' ``group_required("Application Administrator")``, also through ``method_decorator`` on a method)
counts as an admin decorator (:func:`requires_group`), and for a page's audience (BE104) so does an instance's
operator role (PowerDNS-Admin's ``@operator_role_required``).

A Flask blueprint can be closed to all but administrators at once: a ``@bp.before_request`` hook that carries
an admin decorator (privacyIDEA's ``before_admin_request``, often in another module than the routes).
:func:`admin_hooked_objects` names those objects for the project model (:func:`~.project.conditions.
admin_only_app`), and :func:`route_owners` gives the objects a handler's routes are registered on.
:func:`admin_router` adds the router the handler is registered on: ``APIRouter(dependencies=[Depends(
check_admin)])`` bound at module level guards every route of it. :func:`helper_of_admin_views` tells a function
shaped like a view that only administrators' views of its module call (django-helpdesk's
``redirect_from_chosen_ticket(request, ...)``, which the staff-only ``merge_tickets`` returns).
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.admin_guard_defs import passes_admin_test
from backend_lint.analysis.admin_guards import _write_permission
from backend_lint.analysis.facts import file_fact
from backend_lint.analysis.handler_types import Handler
from backend_lint.analysis.handlers import handler_for
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.tree_walk import walk

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_ADMIN_WORDS = ("admin", "superuser", "super_user", "staff_member", "management_access")
_REQUIRING_MIXIN = lazy_compile(r"(?:staff|superuser|admin)\w*(?:required|only)", re.IGNORECASE)
"""A base class named for the requirement it enforces: ``StaffRequiredMixin``, ``StaffuserRequiredMixin``,
``SuperuserRequiredMixin``, ``AdminRequiredMixin``, ``AdminOnlyMixin`` (not ``LoginRequiredMixin``)."""
_BACK_OFFICE_WORDS = (*_ADMIN_WORDS, "moderator", "operator_role", "operator_required")
"""With ``moderators=True``: a forum's moderators are staff too (flaskbb's ``IsAtleastModerator``), and so is an
instance's operator role (PowerDNS-Admin's ``@operator_role_required``: Administrator or Operator, else 403), for
rules whose concern is a page's audience size (BE104) rather than who may read a diagnostic."""

def _requires_write_permission(decorator: ast.expr, moderators: bool = False) -> bool:
    """``@permission_required("shop.change_order")``: Django's decorator with a permission to edit."""
    return isinstance(decorator, ast.Call) and (dotted_name(decorator.func) or "").endswith("permission_required") \
        and bool(decorator.args) and _write_permission(decorator.args[0], moderators)


def admin_only_class(cls: ast.ClassDef, moderators: bool = False) -> bool:
    """A class-based view only administrators or staff reach: ``permission_classes`` naming an admin permission
    (DRF), ``permission_required`` holding a permission to edit (Django's ``PermissionRequiredMixin``), a base
    mixin named for staff, superusers or administrators (``StaffRequiredMixin``), a
    Flask ``MethodView`` whose ``decorators`` require an administrator (``decorators = [allows.requires(IsAdmin)]``,
    ``[admin_required]``; with ``moderators``, also ``IsAtleastModerator``), or a Django view whose ``dispatch``
    carries an admin decorator through ``method_decorator`` (:func:`_admin_dispatch`)."""
    words = _BACK_OFFICE_WORDS if moderators else _ADMIN_WORDS
    if _admin_dispatch(cls, words):
        return True
    if any(_REQUIRING_MIXIN.search((dotted_name(base) or "").rpartition(".")[2]) for base in cls.bases):
        return True  # ``class IdentityProviderListView(StaffRequiredMixin, ListView)``
    for statement in cls.body:
        if any(_admin_permission(item) for item in _permission_classes(statement)):
            return True
        if any(names_admin(item, words) or _requires_admin(item, words) for item in _listed(statement, "decorators")):
            return True
        if isinstance(statement, ast.Assign) and any(
            isinstance(target, ast.Name) and "perm" in target.id for target in statement.targets
        ) and _write_permissions(statement.value):
            return True
    return False


def _method_decorates_admin(decorator: ast.expr, words: tuple[str, ...]) -> bool:
    """``method_decorator(staff_member_required)`` or ``method_decorator((feature_required(f),
    staff_member_required, csrf_protect))``: Django's adapter given an admin decorator, alone or in a list or
    tuple of decorators that all apply; with moderators (BE104), also Django's ``permission_required`` with a
    permission to edit or to moderate (BookWyrm's settings pages: ``method_decorator(permission_required(
    "bookwyrm.edit_instance_settings"), name="dispatch")``, ``"bookwyrm.moderate_user"``)."""
    if not (isinstance(decorator, ast.Call) and decorator.args
            and (dotted_name(decorator.func) or "").rpartition(".")[2] == "method_decorator"):
        return False
    given = decorator.args[0]
    items = given.elts if isinstance(given, (ast.List, ast.Tuple)) else [given]
    moderators = "moderator" in words
    return any(names_admin(item, words) or (moderators and _requires_write_permission(item, moderators))
               or requires_group(item) for item in items)


def _admin_dispatch(cls: ast.ClassDef, words: tuple[str, ...]) -> bool:
    """Every request to the class-based view passes an admin decorator on ``dispatch``: the class is decorated
    ``@method_decorator(staff_member_required, name="dispatch")`` (Review Board's ``LicensesView``), or its own
    ``dispatch`` is decorated ``@method_decorator(staff_member_required)``."""
    for decorator in cls.decorator_list:
        if isinstance(decorator, ast.Call) and any(
            keyword.arg == "name" and isinstance(keyword.value, ast.Constant) and keyword.value.value == "dispatch"
            for keyword in decorator.keywords
        ) and _method_decorates_admin(decorator, words):
            return True
    return any(
        isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == "dispatch"
        and any(_method_decorates_admin(decorator, words) for decorator in statement.decorator_list)
        for statement in cls.body
    )


_GROUP_GATE = lazy_compile(r"(?:^|_)(?:groups?|in_groups?)_required$|^(?:require|requires)_groups?$")
"""A decorator named for membership of groups: arches' ``group_required``, ``groups_required``, ``require_group``."""


def requires_group(decorator: ast.expr) -> bool:
    """``@group_required("Application Administrator")``, ``group_required("Graph Editor")``: a decorator that lets
    through only members of the groups it names, each a literal. Membership of a named group is what the
    operator grants to chosen accounts (arches' decorators.py: ``user_passes_test`` on the user's groups), so the
    page is a back-office one whatever the group is called, as with Django's permission to edit."""
    if not (isinstance(decorator, ast.Call) and decorator.args):
        return False
    name = (dotted_name(decorator.func) or "").rpartition(".")[2].lower()
    return bool(_GROUP_GATE.search(name)) and all(
        isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value.strip()
        for arg in decorator.args)


def _write_permissions(value: ast.expr) -> bool:
    """``permission_required = "core.add_unit"``, or a map of methods to permissions whose every value is one
    to edit (jumpserver's ``rbac_perms = {"POST": "settings.change_email"}`` on its settings' test buttons)."""
    if isinstance(value, ast.Dict):
        return bool(value.values) and all(_write_permission(item) for item in value.values)
    return _write_permission(value)


def names_admin(expr: ast.expr, words: tuple[str, ...] = _ADMIN_WORDS) -> bool:
    """The decorator, dependency or permission ``expr`` is named for administrators."""
    target = expr.func if isinstance(expr, ast.Call) else expr
    name = (dotted_name(target) or "").rpartition(".")[2].lower()
    if "admin_key" in name:  # lnbits ``require_admin_key``: the owner's own key to a wallet, not an administrator
        return False
    return any(word in name for word in words)


def _dependency_names_admin(expr: ast.expr) -> bool:
    """``Depends(check_admin)`` / ``Security(require_admin)``: the dependency's own name decides; a dependency
    made by a factory from permissions (``Depends(require_permission(Permission.FULL_ADMIN_PANEL_ACCESS))``,
    Onyx) decides by what it requires (:func:`_requires_admin_permission`)."""
    return isinstance(expr, ast.Call) and bool(expr.args) and (
        names_admin(expr.args[0]) or _requires_admin_permission(expr.args[0]))


def _required_permissions(made: ast.expr) -> list[ast.expr]:
    """The permission constants a dependency factory is given (``require_permission(Permission.MANAGE_BOTS)``):
    every argument a constant named in capitals (``Permission.X`` or a bare ``X``), the factory named for a
    permission or a role; otherwise none."""
    if not isinstance(made, ast.Call) or made.keywords or not made.args:
        return []
    factory = (dotted_name(made.func) or "").rpartition(".")[2].lower()
    if "permission" not in factory and "role" not in factory:
        return []
    names = [(dotted_name(arg) or "").rpartition(".")[2] for arg in made.args]
    if not all(name and name.isupper() for name in names):
        return []
    return list(made.args)


def _requires_admin_permission(made: ast.expr) -> bool:
    """``require_permission(Permission.FULL_ADMIN_PANEL_ACCESS)``: every permission the dependency requires is
    named for administrators; or ``require_role(["admin"])``: every role a role factory is given, written as
    literal strings (alone or in a list or tuple), names an administrator (Frigate's upload endpoints)."""
    required = _required_permissions(made)
    return (bool(required) and all(names_admin(arg) for arg in required)) or _requires_admin_roles(made)


def _requires_admin_roles(made: ast.expr) -> bool:
    if not isinstance(made, ast.Call) or made.keywords or not made.args:
        return False
    if "role" not in (dotted_name(made.func) or "").rpartition(".")[2].lower():
        return False
    roles: list[ast.expr] = []
    for arg in made.args:
        roles.extend(arg.elts if isinstance(arg, (ast.List, ast.Tuple)) else [arg])
    return bool(roles) and all(
        isinstance(role, ast.Constant) and isinstance(role.value, str)
        and any(word in role.value.lower() for word in _ADMIN_WORDS)
        for role in roles
    )


_STAFF_PERMISSION_WORDS = ("manage", *_ADMIN_WORDS)


def requires_staff_permission(handler: Handler) -> bool:
    """The handler's user comes from a dependency made by a factory given permissions, each a member of a class
    named for permissions whose name says it manages (``Depends(is_user_allowed_to([CinemaPermissions.
    manage_sessions]))``, Hyperion, where members hold ``access_cinema`` and only the cinema's staff group
    ``manage_sessions``): the FastAPI spelling of Django's ``"gym.manage_gyms"`` permission, held by the few
    who run a module. Not part of :func:`admin_only`: it says how few call the handler (BE105), not that the
    caller is an administrator whose records harm nobody twice (BE301 keeps a staff action that issues tickets)."""
    markers = [param.marker_call for param in handler.params if param.marker_call is not None] + [
        item for decorator in handler.function.decorator_list if isinstance(decorator, ast.Call)
        for item in _dependency_items(decorator)
    ]
    return any(marker.args and _staff_permissions(marker.args[0]) for marker in markers)


def _staff_permissions(made: ast.expr) -> bool:
    """``is_user_allowed_to([CinemaPermissions.manage_sessions])``: a call given permission members only (alone or
    in a list or tuple), every one named for managing or administering."""
    if not isinstance(made, ast.Call) or made.keywords or not made.args:
        return False
    given: list[ast.expr] = []
    for arg in made.args:
        given.extend(arg.elts if isinstance(arg, (ast.List, ast.Tuple)) else [arg])
    return bool(given) and all(
        isinstance(item, ast.Attribute) and _permission_member(item)
        and any(word in item.attr.lower() for word in _STAFF_PERMISSION_WORDS) for item in given
    )


def _admin_path(handler: Handler) -> bool:
    """Every route of the handler has a path with an ``admin`` segment (``/admin/query-history/download``)."""
    paths = [route.path for route in handler.routes]
    return bool(paths) and all(
        path is not None and "admin" in path.lower().strip("/").split("/") for path in paths
    )


def delegated_admin(handler: Handler) -> bool:
    """A route of the back office (its every path under an ``admin`` segment) that requires a specific permission
    through a dependency (``Depends(require_permission(Permission.READ_QUERY_HISTORY))`` on
    ``/admin/query-history/download``): a capability of administration the operator delegates to chosen groups
    (Onyx's "view query history of everyone"), not a page every user reaches; FastAPI's ``Security(verify_client,
    scopes=[DATABASE_RESET])`` on ``/admin/db/{action}`` requires such a capability as an OAuth scope (fides). A
    permission named basic is not one."""
    if not _admin_path(handler):
        return False
    markers = [param.marker_call for param in handler.params if param.marker_call is not None] + [
        item for decorator in handler.function.decorator_list if isinstance(decorator, ast.Call)
        for item in _dependency_items(decorator)
    ]
    required = [
        arg for marker in markers if marker.args for arg in _required_permissions(marker.args[0])
    ] + [arg for marker in markers for arg in _security_scopes(marker)]
    return bool(required) and not any(
        "basic" in (dotted_name(arg) or "").rpartition(".")[2].lower() for arg in required)


def _dependency_items(call: ast.Call) -> list[ast.Call]:
    """The ``Depends(...)``/``Security(...)`` calls of a route decorator's ``dependencies=[...]``."""
    return [
        item
        for keyword in call.keywords
        if keyword.arg == "dependencies" and isinstance(keyword.value, (ast.List, ast.Tuple))
        for item in keyword.value.elts if isinstance(item, ast.Call) and item.args
    ]


def _security_scopes(marker: ast.Call) -> list[ast.expr]:
    """The scopes FastAPI's ``Security(verify_oauth_client, scopes=[scope_registry.DATABASE_RESET])`` requires:
    every item a constant named in capitals (fides' scope registry); otherwise none. A scope is a permission the
    operator grants an OAuth client, the same as a factory's permission constant."""
    if (dotted_name(marker.func) or "").rpartition(".")[2] != "Security":
        return []
    scopes = next((keyword.value for keyword in marker.keywords if keyword.arg == "scopes"), None)
    if not isinstance(scopes, (ast.List, ast.Tuple)) or not scopes.elts:
        return []
    names = [(dotted_name(item) or "").rpartition(".")[2] for item in scopes.elts]
    if not all(name and name.isupper() for name in names):
        return []
    return list(scopes.elts)


def _permission_classes(statement: ast.stmt) -> list[ast.expr]:
    """The classes of ``permission_classes = [IsAuthenticated, IsAdminUser]`` (a literal list or tuple)."""
    return _listed(statement, "permission_classes")


def _admin_permission(item: ast.expr) -> bool:
    """A DRF permission only administrators pass: one named for them (``IsAdminUser``), or DRF's composition of
    permissions with one such on a side that must hold (joanie's admin viewsets' ``IsAdminUser &
    DjangoModelPermissions``: staff, and with the model permission), on both sides of an ``|`` (``IsAdminUser |
    IsSuperUser``; ``IsAdminUser | IsOwner`` lets owners in)."""
    if isinstance(item, ast.BinOp) and isinstance(item.op, ast.BitAnd):
        return _admin_permission(item.left) or _admin_permission(item.right)
    if isinstance(item, ast.BinOp) and isinstance(item.op, ast.BitOr):
        return _admin_permission(item.left) and _admin_permission(item.right)
    return not isinstance(item, ast.BinOp) and names_admin(item)


def _listed(statement: ast.stmt, attribute: str) -> list[ast.expr]:
    """The items of ``<attribute> = [...]`` (a literal list or tuple) when ``statement`` assigns it."""
    if isinstance(statement, ast.Assign) and isinstance(statement.value, (ast.List, ast.Tuple)) and any(
        isinstance(target, ast.Name) and target.id == attribute for target in statement.targets
    ):
        return statement.value.elts
    return []


def _requires_admin(decorator: ast.expr, words: tuple[str, ...]) -> bool:
    """``allows.requires(IsAdmin)``: a decorator call whose requirement, given as an argument, names an
    administrator (Flask-Allows, or a project's own ``requires(...)``)."""
    return isinstance(decorator, ast.Call) and any(_names_requirement(arg, words) for arg in decorator.args)


def _names_requirement(arg: ast.expr, words: tuple[str, ...]) -> bool:
    """``IsAdmin``; ``IsAtleastModerator & CanEditUser`` (both must hold: one naming staff is enough);
    ``IsAdmin | IsOwner`` (either may: both must name staff)."""
    if isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.BitAnd):
        return _names_requirement(arg.left, words) or _names_requirement(arg.right, words)
    if isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.BitOr):
        return _names_requirement(arg.left, words) and _names_requirement(arg.right, words)
    return (_requirement(arg) or ("moderator" in words and _permission_member(arg))) and names_admin(arg, words)


def _permission_member(arg: ast.expr) -> bool:
    """``Permissions.server_administrator``: a member of a class named for permissions or roles (IRIS's
    ``@ac_api_requires(Permissions.server_administrator)``); read for a page's audience (BE104) only."""
    if not isinstance(arg, ast.Attribute):
        return False
    owner = (dotted_name(arg.value) or "").rpartition(".")[2]
    return owner[:1].isupper() and ("Permission" in owner or "Role" in owner)


def _requires_admin_role(decorator: ast.expr, words: tuple[str, ...]) -> bool:
    """``@roles_required("Administrator")`` (Flask-Security, pgAdmin), ``@role_required("admin")``: a decorator
    named for roles whose every role given names an administrator."""
    if not isinstance(decorator, ast.Call) or not decorator.args:
        return False
    name = (dotted_name(decorator.func) or "").rpartition(".")[2].lower()
    if "role" not in name:
        return False
    roles = [arg.value.lower() for arg in decorator.args
             if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
    return len(roles) == len(decorator.args) and all(any(word in role for word in words) for role in roles)


def _requires_admin_permission_object(decorator: ast.expr, words: tuple[str, ...]) -> bool:
    """``@admin_permission.require(http_exception=403)``: Flask-Principal's decorator of a permission object
    named for administrators (vulnlookup's ``admin_permission = Permission(RoleNeed("admin"))``, defined in
    another module); the object's name says whose role it needs, as a decorator's own name does."""
    return isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute) \
        and decorator.func.attr == "require" and names_admin(decorator.func.value, words)


def _requirement(arg: ast.expr) -> bool:
    """``IsAdmin``, ``perms.IsAdmin`` or ``IsAdmin()``: a requirement class (capitalised), not a value such as
    ``admin_url`` given to ``@bp.route``."""
    target = arg.func if isinstance(arg, ast.Call) else arg
    return (dotted_name(target) or "").rpartition(".")[2][:1].isupper()


def admin_only(handler: Handler, moderators: bool = False) -> bool:
    """The handler declares that only administrators (with ``moderators``, also moderators) reach it (see the
    module docstring)."""
    words = _BACK_OFFICE_WORDS if moderators else _ADMIN_WORDS
    for decorator in handler.function.decorator_list:
        if names_admin(decorator, words) or _requires_write_permission(decorator, moderators) \
                or _requires_admin(decorator, words) \
                or _requires_admin_role(decorator, words) or requires_group(decorator) \
                or _method_decorates_admin(decorator, words) or passes_admin_test(decorator) \
                or _requires_admin_permission_object(decorator, words):
            return True
        if isinstance(decorator, ast.Call) and _admin_dependencies(decorator):
            return True
    if any(param.marker_call is not None and _dependency_names_admin(param.marker_call) for param in handler.params):
        return True
    if delegated_admin(handler):
        return True
    return handler.class_ is not None and admin_only_class(handler.class_, moderators)


def admin_hooked_objects(tree: ast.Module) -> list[ast.Name]:
    """The names, as written, of the app objects (``policy_blueprint``) whose module-level ``before_request``
    hook carries an admin decorator: every route of those objects answers administrators only."""
    found: list[ast.Name] = []
    for statement in tree.body:
        if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        hooked = [decorator.value for decorator in statement.decorator_list
                  if isinstance(decorator, ast.Attribute) and decorator.attr == "before_request"
                  and isinstance(decorator.value, ast.Name)]
        if hooked and any(names_admin(decorator) for decorator in statement.decorator_list):
            found.extend(hooked)
    return found


def route_owners(handler: Handler, module: str) -> Optional[set[str]]:
    """The qualified app objects the handler's routes are registered on (``shop.api.policy.policy_blueprint``), or
    ``None`` when a route's object is not a module-level or imported name of the module."""
    owners: set[str] = set()
    for route in handler.routes:
        owner = route.owner or ""
        if owner.startswith("import:") and not owner.startswith("import:."):
            owners.add(owner.removeprefix("import:"))
        elif owner.startswith(":") and module:
            owners.add(f"{module}.{owner[1:]}")
        else:
            return None
    return owners or None


def route_dependencies(call: ast.Call) -> list[ast.expr]:
    """What each ``Depends(...)``/``Security(...)`` of a route decorator's or router's ``dependencies=[...]``
    is given (``check_admin`` in ``dependencies=[Depends(check_admin)]``)."""
    return [item.args[0] for item in _dependency_items(call)]


def _admin_dependencies(call: ast.Call) -> bool:
    return any(names_admin(target) or _requires_admin_permission(target) for target in route_dependencies(call))


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


_ADMIN_PACKAGES = frozenset({"admin", "admin_module", "admin_modules", "adminpanel", "admin_panel"})


@file_fact()
def admin_package(ctx: FileContext) -> bool:
    """The module sits in a package of the application's back office (``shop/order_printouts/admin_module/
    views.py``, ``app/admin/views.py``) and in no ``api`` package: its views are registered in the admin site,
    which closes it to all but staff (Shuup's ``admin_url`` requires ``is_staff`` and a permission, Flask-Admin's
    and Django's admin sites do the same), often in another module than the views."""
    folders = ctx.role_path.split("/")[:-1]
    return "api" not in folders and any(folder in _ADMIN_PACKAGES for folder in folders)


@file_fact()
def module_callers(ctx: FileContext) -> dict[str, list[ast.AST]]:
    """For each name the module's top-level functions and methods call by a bare name (``helper(request)``),
    those functions; a name the module also mentions otherwise (``path("merge/", helper)``, a decorator's
    argument, a module-level call) maps to an empty list: something else may route it."""
    callers: dict[str, list[ast.AST]] = {}
    other: set[str] = set()
    functions = [
        item for statement in ctx.tree.body
        for item in (statement.body if isinstance(statement, ast.ClassDef) else [statement])
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]
    inside = {id(node) for function in functions for statement in function.body for node in walk(statement)}
    for function in functions:
        called: set[int] = set()
        for statement in function.body:
            for node in walk(statement):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                    callers.setdefault(node.func.id, []).append(function)
                    called.add(id(node.func))
                elif isinstance(node, ast.Name) and id(node) not in called and isinstance(node.ctx, ast.Load):
                    other.add(node.id)
    for node in walk(ctx.tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and id(node) not in inside:
            other.add(node.id)
    return {name: [] if name in other else found for name, found in callers.items()}


def helper_of_admin_views(ctx: FileContext, handler: Handler) -> bool:
    """The handler is an undecorated module-level function that its module only calls, and only from views that
    administrators alone reach (:func:`admin_only`): a helper of the back office shaped like a view, not a route
    of its own. A route to it written in another module (a URLconf naming it) is not seen."""
    function = handler.function
    if handler.class_ is not None or function.decorator_list or function not in ctx.tree.body:
        return False
    callers = module_callers(ctx).get(function.name)
    if not callers:
        return False
    for caller in callers:
        found = handler_for(ctx, caller) if caller is not function else None
        if found is None or not admin_only(found):
            return False
    return True
