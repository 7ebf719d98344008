"""Administrators-only access declared in another module than the handler (BE304, through the project model).

:mod:`.admin_only` reads what a handler says about its audience where it is written. Two declarations it cannot
see live elsewhere in the project, and the project model joins them:

- **A list of what only administrators get.** Superset's security manager keeps class attributes named
  ``ADMIN_ONLY_VIEW_MENUS`` and ``ADMIN_ONLY_PERMISSIONS`` (security/manager.py): the view menus and permissions
  it grants to the Admin role alone. A Flask-AppBuilder API class's view menu is its ``class_permission_name``
  (the class's own name when it sets none), a method's permission the name given to ``@permission_name(...)``.
  :func:`admin_only_names` reads, for a module's summary, the strings of any class or module attribute whose
  name starts with ``ADMIN_ONLY``; :func:`handler_admin_facts` asks whether the handler's view menu or permission
  is one of them (:func:`~.project.conditions.admin_only_name`).
- **A permission object only administrators hold.** OctoPrint declares its permissions as class attributes
  (``Permissions.SETTINGS = OctoPrintPermission("Settings Admin", ..., dangerous=True)``), each with the groups
  that get it by default; the admin group holds every permission. A permission whose ``default_groups`` name
  only administrators' groups, or which is marked ``dangerous=True`` and given to no default group, is the
  administrators'. :func:`admin_permissions` reads them for the class's summary; a handler decorated
  ``@Permissions.SETTINGS.require(403)`` (Flask-Principal's ``Permission.require``) asks
  :func:`~.project.conditions.admin_permission` about it.
- **An application with one account.** A Flask-Login user class that is no database row, a ``UserMixin``
  subclass whose ``id`` is a class constant and that takes no identity in an ``__init__`` (changedetection.io's
  ``User``, behind its single optional password), makes every signed-in visitor the operator of the instance:
  :func:`single_account` reads it for the module summary (:func:`~.project.app_conditions.single_account_app`).
  So does an application whose only credential is one configured password: a module compares what the client
  sent with ``ENV_VALUES["PASSWORD"]`` (Jesse's ``services/auth.py``; :func:`single_password`) and no module of
  the project keeps users (:func:`keeps_users`): whoever holds the password is the installation's operator.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from backend_lint.analysis.handler_types import Handler
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.node_index import node_index
from backend_lint.analysis.project.conditions import ProjectFact, admin_only_name, admin_permission

if TYPE_CHECKING:
    from backend_lint.context import FileContext

ADMIN_ONLY_PREFIX = "ADMIN_ONLY"
_PERMISSION_WORDS = ("default_groups", "dangerous")
"""What a module must say for :func:`admin_permissions` to look at its classes."""


def admin_only_names(tree: ast.Module, source: str) -> list[str]:
    """The strings listed in module or class attributes named ``ADMIN_ONLY...`` (sorted): set, list, tuple and
    ``frozenset(...)`` literals and their unions (``{...} | USER_MODEL_VIEWS`` gives the literal's strings)."""
    if ADMIN_ONLY_PREFIX not in source:
        return []
    found: set[str] = set()
    classes = [item for node in tree.body if isinstance(node, ast.ClassDef) for item in node.body]
    for statement in [*tree.body, *classes]:
        targets = statement.targets if isinstance(statement, ast.Assign) else (
            [statement.target] if isinstance(statement, ast.AnnAssign) and statement.value is not None else [])
        value = getattr(statement, "value", None)
        if value is not None and any(
            isinstance(target, ast.Name) and target.id.startswith(ADMIN_ONLY_PREFIX) for target in targets
        ):
            found.update(_listed_strings(value))
    return sorted(found)


def _listed_strings(value: ast.expr) -> list[str]:
    if isinstance(value, ast.BinOp) and isinstance(value.op, (ast.BitOr, ast.Add)):
        return [*_listed_strings(value.left), *_listed_strings(value.right)]
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in ("frozenset", "set") \
            and len(value.args) == 1:
        return _listed_strings(value.args[0])
    if isinstance(value, (ast.Set, ast.List, ast.Tuple)):
        return [item.value for item in value.elts if isinstance(item, ast.Constant) and isinstance(item.value, str)]
    return []


def admin_permissions(cls: ast.ClassDef, source: str) -> list[str]:
    """The class's attributes bound to a permission only administrators hold (sorted): a call whose
    ``default_groups`` names administrators' groups only (``[ADMIN_GROUP]``), or that says ``dangerous=True``
    and gives no ``default_groups``."""
    if not any(word in source for word in _PERMISSION_WORDS):
        return []
    found: list[str] = []
    for statement in cls.body:
        if not (isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call)):
            continue
        if _administrators_only(statement.value):
            found.extend(target.id for target in statement.targets if isinstance(target, ast.Name))
    return sorted(found)


def _administrators_only(call: ast.Call) -> bool:
    keywords = {keyword.arg: keyword.value for keyword in call.keywords if keyword.arg}
    groups = keywords.get("default_groups")
    if groups is not None:
        items = groups.elts if isinstance(groups, (ast.List, ast.Tuple)) else []
        return bool(items) and all("admin" in (dotted_name(item) or "").lower() for item in items)
    dangerous = keywords.get("dangerous")
    return isinstance(dangerous, ast.Constant) and dangerous.value is True


def handler_admin_facts(ctx: FileContext, handler: Handler) -> tuple[ProjectFact, ...]:
    """The project facts that would make the handler administrators-only: its Flask-AppBuilder view menu or
    method permission listed in an ``ADMIN_ONLY...`` attribute, or a ``@<permission>.require(...)`` decorator
    whose permission only administrators hold. Any one of them holding is enough."""
    facts: list[ProjectFact] = []
    function = handler.function
    cls = handler.class_
    if cls is not None and "flask_appbuilder" in ctx.imports.modules:
        facts.append(admin_only_name(_class_permission_name(cls)))
        for decorator in function.decorator_list:
            if isinstance(decorator, ast.Call) and (dotted_name(decorator.func) or "").endswith("permission_name") \
                    and decorator.args and isinstance(decorator.args[0], ast.Constant) \
                    and isinstance(decorator.args[0].value, str):
                name = decorator.args[0].value
                facts.extend((admin_only_name(name), admin_only_name(f"can_{name}")))
    for decorator in function.decorator_list:
        permission = _required_permission(ctx, decorator)
        if permission:
            facts.append(admin_permission(permission))
    return tuple(facts)


def _class_permission_name(cls: ast.ClassDef) -> str:
    """``class_permission_name = "Row Level Security"``, or the class's name (Flask-AppBuilder's default)."""
    for statement in cls.body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "class_permission_name" for target in statement.targets
        ) and isinstance(statement.value, ast.Constant) and isinstance(statement.value.value, str):
            return statement.value.value
    return cls.name


def _required_permission(ctx: FileContext, decorator: ast.expr) -> str:
    """``@Permissions.SETTINGS.require(403)``: the qualified permission (``octoprint.access.permissions.
    Permissions.SETTINGS``), ``""`` for any other decorator."""
    if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr == "require" and isinstance(decorator.func.value, ast.Attribute)):
        return ""
    permission = decorator.func.value
    qualified = ctx.imports.resolve(permission)
    if qualified is None:
        written = dotted_name(permission)
        if written is None or not ctx.module or written.partition(".")[0] in ctx.imports.modules:
            return ""
        qualified = f"{ctx.module}.{written}"
    return qualified if qualified.count(".") >= 1 else ""


_USER_MIXINS = frozenset({"flask_login.UserMixin", "flask_login.mixins.UserMixin"})


def single_account(ctx: FileContext) -> bool:
    """A top-level class of the module derives from Flask-Login's ``UserMixin``, binds ``id`` to a constant in its
    body and defines no ``__init__``: every loaded user is the same one."""
    if "UserMixin" not in ctx.source:
        return False
    for cls in ctx.tree.body:
        if not (isinstance(cls, ast.ClassDef)
                and any(ctx.imports.resolve(base) in _USER_MIXINS for base in cls.bases)):
            continue
        constant_id = any(
            isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Constant)
            and any(isinstance(target, ast.Name) and target.id == "id" for target in statement.targets)
            for statement in cls.body
        )
        if constant_id and not any(
            isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == "__init__"
            for statement in cls.body
        ):
            return True
    return False


_OPERATOR_PASSWORD = re.compile(r"(?:APP_|AUTH_|LOGIN_|ACCESS_|UI_|WEB_|DASHBOARD_)?PASSWORD")
"""The configured key of an installation's one password (``PASSWORD``, ``APP_PASSWORD``): not an
administrator's password beside users' (``ADMIN_PASSWORD``) nor a service's (``REDIS_PASSWORD``)."""


def single_password(ctx: FileContext) -> bool:
    """The module compares (``==``/``!=``) a value with the one configured password of :data:`_OPERATOR_PASSWORD`,
    read by its constant key from the environment or a settings mapping: ``ENV_VALUES["PASSWORD"]``,
    ``os.environ.get("PASSWORD")``, ``os.getenv("APP_PASSWORD")``, ``settings.PASSWORD``."""
    if "PASSWORD" not in ctx.source:
        return False
    return any(
        len(node.ops) == 1 and isinstance(node.ops[0], (ast.Eq, ast.NotEq))
        and any(_configured_password(side) for side in (node.left, *node.comparators))
        for node in node_index(ctx).of(ast.Compare)
    )


def _configured_password(node: ast.expr) -> bool:
    """``X["PASSWORD"]``, ``X.get("PASSWORD")``, ``getenv("PASSWORD")`` or ``X.PASSWORD``."""
    key: object = None
    if isinstance(node, ast.Subscript):
        key = node.slice.value if isinstance(node.slice, ast.Constant) else None
    elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
            and isinstance(node.func, (ast.Attribute, ast.Name)) \
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) in ("get", "getenv"):
        key = node.args[0].value
    elif isinstance(node, ast.Attribute):
        key = node.attr
    return isinstance(key, str) and _OPERATOR_PASSWORD.fullmatch(key) is not None


_USER_CLASS = re.compile(r"\w*User|Users?(?:Model|Table|Record|Account)?|Accounts?|Members?|Customers?")
_USER_WORDS = ("django.contrib.auth", "get_user_model", "AbstractUser", "AbstractBaseUser", "UserMixin",
               "fastapi_users", "flask_security", "BaseUserManager")
"""Text that shows a project keeping users: Django's, Flask-Login's and FastAPI Users' user models."""


def keeps_users(ctx: FileContext) -> bool:
    """The module defines a top-level class named as a user or account (``User``, ``AppUser``, ``Account``) or names
    a framework's user model (:data:`_USER_WORDS`): the application has accounts."""
    if any(word in ctx.source for word in _USER_WORDS):
        return True
    return any(isinstance(node, ast.ClassDef) and _USER_CLASS.fullmatch(node.name) is not None
               for node in ctx.tree.body)
