"""Admin guards defined in one module of the project and used in another (the project model's ``admin-guard``).

:mod:`.admin_only` reads a handler's guards by their names (``@admin_required``, ``Depends(check_superuser)``,
``IsAdminUser``) and :mod:`.admin_guards` reads refusals written in the handler's own module. Real applications
put their guards in a shared module (``app/decorators.py``, ``deps.py``, ``permissions.py``) and name them as
they please (oncall's ``IsStaff``, ephios' ``staff_required``, securedrop's wrapper that redirects everyone but
administrators). The fact that makes a handler behind such a guard the operator's is what the guard's body
PROVES, not its name: the view runs only when an administrator's flag holds.

:func:`admin_guard_def` decides it for a module's summary, for each function and class:

- **a guard function** (a FastAPI dependency, a helper called as a statement): before it returns anything it
  raises (or ``abort(...)``\\ s) unless the caller carries an administrator's flag (``if not
  user.is_superuser: raise HTTPException(403)``), or every ``return`` of it sits under a test that the flag holds
  and it ends by raising;
- **a decorator** (also a decorator factory, one level more): its inner wrapper calls the wrapped view only when
  the flag holds, under ``if user.is_admin: return view(...)`` or after a refusal (``raise``, ``abort``, or a
  ``return`` of anything else: a redirect to the login page, a 403 answer) unless it holds;
- **a DRF permission class** whose ``has_permission`` answers only with the flag (``return
  request.user.is_staff``, ``return bool(user and user.is_superuser)``), ``False``, or ``True`` under the flag.

A guard that lets every signed-in user through (``login_required``, ``IsAuthenticated``,
``get_current_active_user``) tests no such flag and is none; neither is one that lets anyone through on another
condition (``request.method in SAFE_METHODS or user.is_staff``: the read-only half is everyone's). The flags are
an administrator's, staff's or superuser's (:data:`.admin_guards.ADMIN_FLAGS`) or a role compared to
``"admin"``; a moderator's flag is not one.

:func:`admin_guard_facts` names, for a handler, the project's guards it is behind (its decorators, its
``Depends(...)``, its class's ``permission_classes`` and ``decorators``, a call of a guard as a statement at the
top of its body before the node in question), qualified through the module's imports (or in its own module);
the rule reports ``unless`` one of them is an admin guard. Without a project (one file, standard input) no fact
holds and nothing changes.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Optional, Union

from backend_lint.analysis.admin_guards import ADMIN_FLAGS, leaves_block, refuses_unless_admin
from backend_lint.analysis.decorator_bodies import class_guards, decorator_targets, qualified_name
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.project.conditions import ProjectFact, guards_admins
from backend_lint.analysis.tree_walk import child_nodes

if TYPE_CHECKING:
    from backend_lint.analysis.handler_types import Handler
    from backend_lint.context import FileContext

Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_ADMIN_ROLES = ("admin", "administrator", "superuser", "super_admin", "superadmin")
GUARD_WORDS = ("admin", "staff", "superuser", "super_user")
"""What a module must mention for :func:`admin_guard_def` to read its definitions (a cheap filter)."""


def admin_guard_def(node: ast.AST) -> bool:
    """``node`` (a module's function, method or class) lets only administrators through: a guard function, a
    decorator or a DRF permission class as the module docstring says."""
    if isinstance(node, ast.ClassDef):
        return _admin_permission_class(node)
    if not isinstance(node, _FUNCTIONS):
        return False
    return _guard_function(node) or _guarding_decorator(node, depth=2)


_FLAG = lazy_compile(
    r"^(?:is_?|role_?|has_?)?(?:super_?admin|admin|administrator|superuser|super_user|staff|sys_?admin"
    r"|system_admin|site_admin|platform_admin|instance_admin)(?:_?user|_?role)?$", re.IGNORECASE)
"""An administrator's flag by its shape, however spelled: ``is_admin``, ``role_admin()`` (calibre-web),
``isAdmin``, ``is_platform_admin``, ``is_superuser``, ``is_staff``; not a tenant's (``is_org_admin``) nor one
joined to another case (``is_admin_or_owner``)."""


def _flag(expr: ast.expr) -> bool:
    """An administrator's flag of an account (not a setting in capitals: langflow's ``auth_settings.SUPERUSER``
    is the configured superuser's name)."""
    name = _tail(expr)
    return name in ADMIN_FLAGS or (not name.isupper() and bool(_FLAG.match(name)))


def _chain(expr: ast.expr) -> list[str]:
    """The names of ``current_user.role.name``: ``["current_user", "role", "name"]`` (calls looked through)."""
    names: list[str] = []
    while True:
        if isinstance(expr, ast.Call):
            expr = expr.func
        elif isinstance(expr, ast.Attribute):
            names.append(expr.attr)
            expr = expr.value
        elif isinstance(expr, ast.Name):
            names.append(expr.id)
            return names[::-1]
        else:
            return names[::-1]


def _role(expr: ast.expr) -> bool:
    return any("role" in name.lower() for name in _chain(expr))


def _tail(expr: ast.expr) -> str:
    """The last name of ``user.is_admin``, ``session.get_user().is_admin``, ``is_superuser()``."""
    if isinstance(expr, ast.Call):
        expr = expr.func
    if isinstance(expr, ast.Attribute):
        return expr.attr
    if isinstance(expr, ast.Name):
        return expr.id
    return ""


def passes_admin_test(decorator: ast.expr) -> bool:
    """``@user_passes_test(lambda u: u.is_staff)``: Django's decorator given a test that holds only for
    administrators (the spelled-out ``@staff_member_required``); ``lambda u: u.is_active`` is not one."""
    return isinstance(decorator, ast.Call) and _tail(decorator.func) == "user_passes_test" and bool(decorator.args) \
        and isinstance(decorator.args[0], ast.Lambda) and _implies_admin(decorator.args[0].body)


def _implies_admin(test: ast.expr) -> bool:
    """The test holds only for administrators: an admin flag (``user.is_staff``, ``is_superuser()``), a role
    compared equal to ``"admin"`` (or in a collection of administrators' roles), ``bool(...)`` of such a test,
    a conjunction one of whose parts is one, a disjunction all of whose parts are."""
    if isinstance(test, ast.BoolOp):
        parts = [_implies_admin(value) for value in test.values]
        return any(parts) if isinstance(test.op, ast.And) else all(parts)
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "bool" \
            and len(test.args) == 1:
        return _implies_admin(test.args[0])
    if isinstance(test, ast.Compare):
        return _compares_role(test, ast.Eq, ast.In)
    return _flag(test)


def _not_admin(test: ast.expr) -> bool:
    """The test holds whenever the caller is no administrator: ``not <admin test>``, a role compared unequal to
    an administrator's (``current_user.role.name != "Administrator"``, ``role not in ("admin",)``), or a
    disjunction one of whose parts is such a test (``not user.is_authenticated or not user.is_admin``)."""
    if refuses_unless_admin(test):
        return True
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _implies_admin(test.operand)
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return any(_not_admin(value) for value in test.values)
    if isinstance(test, ast.Compare):
        return _compares_role(test, ast.NotEq, ast.NotIn)
    return False


def _compares_role(test: ast.Compare, equal: type[ast.cmpop], member: type[ast.cmpop]) -> bool:
    """A role compared with an administrator's by ``equal`` (``role == "admin"``, or ``!=``), or tested with
    ``member`` against a literal list of administrators' roles only (``role in ("admin",)``, or ``not in``)."""
    if len(test.ops) != 1:
        return False
    sides = [test.left, test.comparators[0]]
    role = any(_role(side) for side in sides)
    if isinstance(test.ops[0], equal):
        return role and any(_admin_role(side) for side in sides)
    if isinstance(test.ops[0], member) and isinstance(test.comparators[0], (ast.List, ast.Tuple, ast.Set)):
        elts = test.comparators[0].elts
        return role and bool(elts) and all(_admin_role(item) for item in elts)
    return False


def _admin_role(expr: ast.expr) -> bool:
    """``"admin"``, ``Role.ADMIN``, ``UserRole.SUPERUSER``: an administrator's role."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value.lower() in _ADMIN_ROLES
    return isinstance(expr, ast.Attribute) and expr.attr.lower() in _ADMIN_ROLES


def _body(function: Function) -> list[ast.stmt]:
    body = list(function.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]  # the docstring
    return body


def _refusal(statement: ast.stmt, returns_refuse: bool) -> bool:
    """``if not user.is_admin: raise ...`` (``abort(403)``; with ``returns_refuse``, also ``return ...``):
    a top-level ``if`` without ``else`` that ends the call unless the caller is an administrator."""
    if not (isinstance(statement, ast.If) and not statement.orelse and statement.body):
        return False
    last = statement.body[-1]
    if not leaves_block(last) or (isinstance(last, ast.Return) and not returns_refuse) or _invalid_value(last):
        return False
    return _not_admin(statement.test)


_VALUE_ERRORS = frozenset({"ValueError", "TypeError", "KeyError", "LookupError", "AssertionError", "RuntimeError"})
"""Errors about a value, not a refusal of the caller: tracecat's ``demote_superuser`` raises ``ValueError`` when
the user it was asked to demote is no superuser."""


def _invalid_value(statement: ast.stmt) -> bool:
    """``raise ValueError(...)``: the statement raises an error about a value, not one that refuses access."""
    if not isinstance(statement, ast.Raise) or statement.exc is None:
        return False
    return _tail(statement.exc) in _VALUE_ERRORS


def _preparation(statement: ast.stmt) -> bool:
    """A statement a guard may run before its test: an assignment, a call for its effect, a refusal of anyone
    signed out (an ``if`` without ``else`` that ends the call)."""
    if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Pass)):
        return True
    if isinstance(statement, ast.Expr):
        return not leaves_block(statement)
    return isinstance(statement, ast.If) and not statement.orelse and bool(statement.body) \
        and leaves_block(statement.body[-1])


def _guard_function(function: Function) -> bool:
    """A function that raises unless the caller is an administrator, before it returns anything; or whose every
    ``return`` is under a test implying administrator and that ends by raising."""
    body = _body(function)
    for statement in body:
        if _refusal(statement, returns_refuse=False):
            return True
        if not _preparation(statement) or _returns_in(statement):
            break
    if not body or not leaves_block(body[-1]) or isinstance(body[-1], ast.Return) or _invalid_value(body[-1]):
        return False
    returns = [node for statement in body for node in _own_nodes(statement) if isinstance(node, ast.Return)]
    return bool(returns) and all(_under_admin_test(ret, body) for ret in returns)


def _returns_in(statement: ast.stmt) -> bool:
    return any(isinstance(node, ast.Return) for node in _own_nodes(statement))


def _own_nodes(statement: ast.AST) -> list[ast.AST]:
    """The nodes of ``statement``, nested functions, classes and lambdas left out."""
    found: list[ast.AST] = []
    stack = [statement]
    while stack:
        node = stack.pop()
        found.append(node)
        for child in child_nodes(node):
            if not isinstance(child, (*_FUNCTIONS, ast.ClassDef, ast.Lambda)):
                stack.append(child)
    return found


def _under_admin_test(node: ast.AST, body: list[ast.stmt]) -> bool:
    """``node`` sits in the body of an ``if`` (of ``body``, at any depth) whose test implies administrator."""
    for statement in body:
        if not any(inner is node for inner in _own_nodes(statement)):
            continue
        if isinstance(statement, ast.If):
            if any(inner is node for part in statement.body for inner in _own_nodes(part)):
                return _implies_admin(statement.test) or _under_admin_test(node, statement.body)
            return _under_admin_test(node, statement.orelse)
        if isinstance(statement, (ast.With, ast.AsyncWith, ast.Try)):
            return _under_admin_test(node, list(statement.body))
        return False
    return False


def _guarding_decorator(function: Function, depth: int) -> bool:
    """A decorator whose returned wrapper calls the view it was given only for administrators; with ``depth``
    2, also a factory of such decorators (``def admin_required(): def decorator(view): ...``)."""
    params = [arg.arg for arg in (*function.args.posonlyargs, *function.args.args)]
    nested = {item.name: item for item in function.body if isinstance(item, _FUNCTIONS)}
    returned = [statement.value.id for statement in function.body
                if isinstance(statement, ast.Return) and isinstance(statement.value, ast.Name)]
    if len(returned) != 1 or returned[0] not in nested:
        return False
    inner = nested[returned[0]]
    if len(params) == 1 and _wrapper_guards(inner, params[0]):
        return True
    return depth > 1 and _guarding_decorator(inner, depth - 1)


def _wrapper_guards(wrapper: Function, view: str) -> bool:
    """Every call of ``view`` in ``wrapper`` runs only for administrators: after a top-level refusal of everyone
    else, or in the body of an ``if`` whose test implies administrator."""
    body = _body(wrapper)
    calls = [node for statement in body for node in _own_nodes(statement)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == view]
    if not calls:
        return False
    refused_before = None
    for statement in body:
        if _refusal(statement, returns_refuse=True) and not any(
            isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == view
            for node in _own_nodes(statement)
        ):
            refused_before = statement.end_lineno or statement.lineno
            break
        if not _preparation(statement):
            break
    return all(
        (refused_before is not None and call.lineno > refused_before) or _under_admin_test(call, body)
        for call in calls
    )


def _admin_permission_class(cls: ast.ClassDef) -> bool:
    """A DRF permission class whose ``has_permission`` answers only with an administrator's flag, ``False``, or
    ``True`` under a test implying administrator (``return request.user.is_staff``); it must derive from a
    class named for permissions (``BasePermission``)."""
    if not any("Permission" in (dotted_name(base) or "") for base in cls.bases):
        return False
    method = next((item for item in cls.body if isinstance(item, _FUNCTIONS) and item.name == "has_permission"),
                  None)
    if method is None:
        return False
    body = _body(method)
    returns = [node for statement in body for node in _own_nodes(statement) if isinstance(node, ast.Return)]
    if not returns or not body or not isinstance(body[-1], (ast.Return, ast.Raise)):
        return False
    for ret in returns:
        value = ret.value
        if value is None or (isinstance(value, ast.Constant) and value.value in (False, None)):
            continue
        if isinstance(value, ast.Constant) and value.value is True and _under_admin_test(ret, body):
            continue
        if _implies_admin(value):
            continue
        return False
    return any(ret.value is not None and not (isinstance(ret.value, ast.Constant) and ret.value.value in (False, None))
               for ret in returns)


def admin_guard_facts(ctx: FileContext, handler: Handler, before: Optional[ast.AST] = None) -> tuple[ProjectFact, ...]:
    """The facts that would make ``handler`` administrators-only through a guard of the project (see the module
    docstring): one :func:`~.project.conditions.guards_admins` per guard it is behind. With ``before`` (the node
    in question), also the guards its body calls as a statement at its top before that node."""
    written: list[ast.expr] = []
    function = handler.function
    for decorator in function.decorator_list:
        written.extend(_decorator_guards(decorator))
    for param in handler.params:
        marker = param.marker_call
        if marker is not None and marker.args:
            written.append(marker.args[0])
    if handler.class_ is not None:
        written.extend(class_guards(handler.class_))
    position = getattr(before, "lineno", None)
    if position is not None:
        for statement in function.body:
            if (statement.end_lineno or statement.lineno) >= position:
                break
            call = _guard_call(statement)
            if call is not None:
                written.append(call.func)
    return _facts(ctx, written)


def class_guard_facts(ctx: FileContext, cls: ast.ClassDef) -> tuple[ProjectFact, ...]:
    """The same for a class-based view as a whole: what it is behind as
    :func:`.decorator_bodies.class_guards` reads it (class decorators, ``permission_classes``, ``decorators``,
    ``method_decorators``, the decorators of ``dispatch``)."""
    return _facts(ctx, class_guards(cls))


def _facts(ctx: FileContext, written: list[ast.expr]) -> tuple[ProjectFact, ...]:
    facts: list[ProjectFact] = []
    for expr in written:
        qualified = qualified_name(ctx, expr)
        if qualified is not None and guards_admins(qualified) not in facts:
            facts.append(guards_admins(qualified))
    return tuple(facts)


def _decorator_guards(decorator: ast.expr) -> list[ast.expr]:
    """What a handler's decorator may be guarded by: what it names (:func:`.decorator_bodies.decorator_targets`:
    ``@staff_required``, the factory of ``@admin_required()``, what ``method_decorator`` is given) and a route's
    ``dependencies=[Depends(x)]``."""
    found = decorator_targets(decorator)
    if isinstance(decorator, ast.Call):
        for keyword in decorator.keywords:
            if keyword.arg == "dependencies" and isinstance(keyword.value, (ast.List, ast.Tuple)):
                found.extend(item.args[0] for item in keyword.value.elts if isinstance(item, ast.Call) and item.args)
    return found


def _guard_call(statement: ast.stmt) -> Optional[ast.Call]:
    """``require_admin(user)``, ``await ensure_superuser(request)``: a call as a statement of its own (its value
    unused: it is called for its refusal) of a plain or imported function."""
    if not isinstance(statement, ast.Expr):
        return None
    call = statement.value.value if isinstance(statement.value, ast.Await) else statement.value
    if not isinstance(call, ast.Call):
        return None
    return call if isinstance(call.func, (ast.Name, ast.Attribute)) else None
