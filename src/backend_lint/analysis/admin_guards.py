"""Guards written in a handler's body that turn away everyone but administrators.

Split from :mod:`backend_lint.analysis.admin_only` (which re-exports :func:`admin_guard` and :func:`admin_branch`):
what the body of a handler proves about its caller, where :mod:`.admin_only` reads what the handler declares. A
top-level ``if not security_manager.is_admin(): return self.response(403, ...)`` (:func:`admin_guard`), the same
refusal made by calling a function of the module that refuses everyone but administrators (airweave's
``_require_admin(ctx)``, :func:`refusing_helpers`), and a refusal that holds only under a condition the guarded
code also runs under (:func:`admin_branch`). A guard that closes the handler once the instance has accounts beyond
its first (:func:`setup_window_guard`), or a permission class that lets requests in only until the instance is set up
(:func:`setup_window_class`), leaves only the deployer setting it up.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Callable, Optional

from backend_lint.analysis.facts import file_fact
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.lazy_regex import lazy_compile

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_WRITE_PERMISSIONS = (".add_", ".change_", ".delete_", "manage")
"""Django permissions that only back-office users hold: ``"core.add_repetitionunit"``, ``"gym.manage_gyms"``."""
_MODERATE_PERMISSIONS = (".edit_", ".moderate_")
"""With ``moderators=True`` (a page's audience, BE104): a custom permission to edit or to moderate (BookWyrm's
``"bookwyrm.edit_instance_settings"``, ``"bookwyrm.moderate_user"``), which its settings and moderation pages
require."""


def _write_permission(expr: ast.expr, moderators: bool = False) -> bool:
    """``"core.change_unit"`` or a tuple/list holding one: a permission to edit, given to staff, not visitors."""
    items = expr.elts if isinstance(expr, (ast.List, ast.Tuple)) else [expr]
    parts = (*_WRITE_PERMISSIONS, *_MODERATE_PERMISSIONS) if moderators else _WRITE_PERMISSIONS
    return any(
        isinstance(item, ast.Constant) and isinstance(item.value, str)
        and any(part in item.value for part in parts)
        for item in items
    )


ADMIN_FLAGS = ("is_admin", "is_superuser", "is_super_user", "is_staff", "is_admin_user")
"""What a guard at the top of a handler tests: ``security_manager.is_admin()``, ``request.user.is_superuser``."""


def admin_guard(function: ast.AST, before: ast.AST, refusing: bool = False,
                ctx: Optional[FileContext] = None) -> bool:
    """``function`` turns away everyone but administrators in its own body before ``before`` (one of its top-level
    statements, or a node inside one) can run: a top-level ``if not security_manager.is_admin(): return
    self.response(403, ...)`` (or ``raise``/``abort(...)``) whose test is that one negated flag, or a negated
    ``user.has_perm(...)`` of a permission to edit or manage (``"base.can_manage_project"``). With ``refusing``,
    only a guard that refuses (``raise``/``abort(...)``), not one that answers everyone else otherwise (``return
    JsonResponse({"orders": []})``). A check that
    combines the flag with anything else (``if not user.is_superuser and ...``) is not one. Given the module's
    ``ctx``, the guard may also be a call, as a statement of its own, of a function of the module that refuses
    everyone but administrators (:func:`refusing_helpers`: airweave's ``_require_admin(ctx)``)."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    position = getattr(before, "lineno", None)
    for statement in function.body:
        if position is None or (statement.end_lineno or statement.lineno) >= position:
            return False  # the guard must end before ``before`` begins
        if isinstance(statement, ast.If) and not statement.orelse and _negated_admin_flag(statement.test) \
                and statement.body and leaves_block(statement.body[-1]) \
                and not (refusing and isinstance(statement.body[-1], ast.Return)):
            return True
        if ctx is not None and _calls_refusing_helper(statement, ctx):
            return True
    return False


def setup_window_guard(function: ast.AST, before: ast.AST) -> bool:
    """``function`` refuses with 403, in its own body before ``before`` can run, unless the instance holds no account
    beyond its first: a top-level ``if len(users) != 1: raise HTTPException(status_code=403, ...)`` where ``users``
    is every user (``users = await cruds_users.get_users(db=db)``: hyperion's ``make-admin`` bootstrap, "only
    usable if the database contains exactly one user"), ``if User.objects.count() > 0: abort(403)``. The count
    must be of the whole table (a read named for users or accounts given nothing but the database handle, or an
    unfiltered ``.count()``), compared with 0 or 1 (``!=``, ``>``, or ``>=`` 1). A lookup expected to find one user
    (``if len(found) != 1: raise NotFound``) is no such guard. Whoever reaches the rest is the deployer setting up
    a fresh instance."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    position = getattr(before, "lineno", None)
    for statement in function.body:
        if position is None or (statement.end_lineno or statement.lineno) >= position:
            return False
        if isinstance(statement, ast.If) and not statement.orelse and statement.body \
                and _forbids(statement.body[-1]) and _beyond_first_account(statement.test, function):
            return True
    return False


_SET_UP = lazy_compile(
    r"(?:^|_)(?:provisioned|set_?up_(?:done|complete|completed|finished)|is_set_?up|initiali[sz]ed)$")
"""Checks named for an instance that is already set up: kolibri's ``device_provisioned()``."""


def setup_window_class(cls: ast.ClassDef, tree: ast.Module) -> bool:
    """The view class's ``permission_classes`` name a permission class of the module whose ``has_permission`` is
    only ``return not device_provisioned()`` (a call named for a set-up instance, :data:`_SET_UP`): kolibri's
    ``HasPermissionDuringSetup`` ("makes these endpoints unusable if device is provisioned"). Whoever reaches
    the view is the deployer in the setup wizard, before any user has an account on the device."""
    guards = {
        statement.name for statement in tree.body
        if isinstance(statement, ast.ClassDef) and any(
            isinstance(item, ast.FunctionDef) and item.name == "has_permission" and _open_until_set_up(item)
            for item in statement.body)
    }
    if not guards:
        return False
    for statement in cls.body:
        if isinstance(statement, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == "permission_classes" for target in statement.targets) \
                and isinstance(statement.value, (ast.List, ast.Tuple)):
            return any(isinstance(item, ast.Name) and item.id in guards for item in statement.value.elts)
    return False


def _open_until_set_up(method: ast.FunctionDef) -> bool:
    """The method's last statement is ``return not <check named for a set-up instance>()`` (imports before it)."""
    last = method.body[-1]
    if not (isinstance(last, ast.Return) and isinstance(last.value, ast.UnaryOp)
            and isinstance(last.value.op, ast.Not) and isinstance(last.value.operand, ast.Call)):
        return False
    name = (dotted_name(last.value.operand.func) or "").rpartition(".")[2]
    return bool(_SET_UP.search(name)) and all(
        isinstance(item, (ast.Import, ast.ImportFrom, ast.Expr)) for item in method.body[:-1])


_ACCOUNT_WORDS = ("user", "account")
_HANDLES = frozenset({"db", "session", "db_session", "conn", "connection"})


def _forbids(statement: ast.stmt) -> bool:
    """``raise HTTPException(status_code=403, ...)``, ``raise PermissionDenied``, ``abort(403)``."""
    if isinstance(statement, ast.Raise) and statement.exc is not None:
        exc = statement.exc
        name = dotted_name(exc.func if isinstance(exc, ast.Call) else exc) or ""
        if name.endswith(("Forbidden", "PermissionDenied")):
            return True
        call = exc if isinstance(exc, ast.Call) else None
    elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call) and leaves_block(statement):
        call = statement.value
    else:
        return False
    return call is not None and any(
        (isinstance(value, ast.Constant) and value.value == 403) or "403" in (dotted_name(value) or "")
        for value in (*call.args[:1], *(kw.value for kw in call.keywords if kw.arg in ("status_code", "code")))
    )


def _beyond_first_account(test: ast.expr, function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """``len(users) != 1`` (``users`` every user), ``User.objects.count() > 0``."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.comparators[0], ast.Constant)):
        return False
    limit, op = test.comparators[0].value, test.ops[0]
    if isinstance(limit, bool) or not (
            (isinstance(op, (ast.NotEq, ast.Gt)) and limit in (0, 1)) or (isinstance(op, ast.GtE) and limit == 1)):
        return False
    counted = test.left
    if isinstance(counted, ast.Call) and isinstance(counted.func, ast.Name) and counted.func.id == "len" \
            and len(counted.args) == 1 and isinstance(counted.args[0], ast.Name):
        values = [node.value for node in ast.walk(function) if isinstance(node, ast.Assign)
                  and any(isinstance(target, ast.Name) and target.id == counted.args[0].id for target in node.targets)]
        return len(values) == 1 and _every_account(values[0])
    return isinstance(counted, ast.Call) and isinstance(counted.func, ast.Attribute) and counted.func.attr == "count" \
        and not counted.args and _every_account(counted.func.value)


def _every_account(value: ast.expr) -> bool:
    """``await cruds_users.get_users(db=db)``, ``User.objects.all()``, ``User.query``: the whole table of accounts."""
    value = value.value if isinstance(value, ast.Await) else value
    if isinstance(value, ast.Call):
        if value.args or any(kw.arg not in _HANDLES for kw in value.keywords):
            return False  # a lookup: get_users(email=...), filter(...)
        value = value.func
    name = (dotted_name(value) or "").lower()
    return bool(name) and any(word in name for word in _ACCOUNT_WORDS) and "filter" not in name


def _calls_refusing_helper(statement: ast.stmt, ctx: FileContext) -> bool:
    """``_require_admin(ctx)``, ``await check_superuser(user)``, ``self._ensure_admin(request)``: a statement that
    only calls a function of the module that refuses everyone but administrators; its value is not used, so
    it is called for the refusal."""
    if not isinstance(statement, ast.Expr):
        return False
    call = statement.value.value if isinstance(statement.value, ast.Await) else statement.value
    if not isinstance(call, ast.Call):
        return False
    func = call.func
    if isinstance(func, ast.Name):
        name = func.id
    elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in ("self", "cls"):
        name = func.attr
    else:
        return False
    return name in refusing_helpers(ctx)


@file_fact()
def refusing_helpers(ctx: FileContext) -> frozenset[str]:
    """Names of the module's functions and methods that raise (or ``abort``) unless the caller is an administrator,
    before doing anything else: a docstring, then ``if not ctx.user.is_admin: raise HTTPException(403)`` (also
    ``if not ctx.has_user_context or not (user.is_admin or user.is_superuser): raise ...``, ``if not
    user.has_perm("app.change_x"): raise PermissionDenied``, ``if user.role != "admin": abort(403)``). A helper
    that returns on the check (``return False``) refuses nothing: its caller goes on. A name the module defines
    twice, one of them not such a helper, is not one."""
    found: set[str] = set()
    other: set[str] = set()
    for statement in ctx.tree.body:
        items = statement.body if isinstance(statement, ast.ClassDef) else [statement]
        for item in items:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                (found if _refuses_first(item) else other).add(item.name)
    return frozenset(found - other)


def _refuses_first(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    body = list(function.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]  # the docstring
    if not body:
        return False
    first = body[0]
    return isinstance(first, ast.If) and not first.orelse and bool(first.body) \
        and leaves_block(first.body[-1]) and not isinstance(first.body[-1], ast.Return) \
        and refuses_unless_admin(first.test)


def refuses_unless_admin(test: ast.expr) -> bool:
    """The test holds whenever the caller is no administrator: ``not user.is_admin``; ``not (user.is_admin or
    user.is_superuser)`` (neither flag); ``user.role != "admin"``; or a disjunction one of whose parts is such a
    test (``not ctx.has_user_context or not (...)``: the refusal happens on either)."""
    if _not_admin(test):
        return True
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.BoolOp) \
            and isinstance(test.operand.op, ast.Or):
        return all(_admin_flag(value) for value in test.operand.values)
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return any(refuses_unless_admin(value) for value in test.values)
    return False


def _admin_flag(expr: ast.expr) -> bool:
    """``user.is_admin``, ``is_superuser()``: one of the flags an administrator's account carries."""
    target = expr.func if isinstance(expr, ast.Call) else expr
    return (dotted_name(target) or "").rpartition(".")[2] in ADMIN_FLAGS


def _negated_admin_flag(test: ast.expr) -> bool:
    if not (isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)):
        return False
    operand = test.operand
    target = operand.func if isinstance(operand, ast.Call) else operand
    # the attribute's own name, also of a value a call made (``viewer_for(request.user).is_local_admin``)
    name = target.attr if isinstance(target, ast.Attribute) else (dotted_name(target) or "").rpartition(".")[2]
    if name in ("has_perm", "has_perms") and isinstance(operand, ast.Call) and operand.args:
        # ``if not request.user.has_perm("base.can_manage_project"): raise PermissionDenied``: the body spelling of
        # ``@permission_required`` with a permission to edit or manage
        return _write_permission(operand.args[0])
    return name in ADMIN_FLAGS or bool(_INSTANCE_ADMIN_FLAG.fullmatch(name))


_INSTANCE_ADMIN_FLAG = lazy_compile(r"is_(?:local|site|system|global|instance|server)_?admin")
"""A flag naming the administrator of the whole instance (CAPE's ``viewer.is_local_admin``, ``is_site_admin``,
``is_system_admin``): the operator, unlike the administrator of one tenant or team (``is_tenant_admin``)."""


def leaves_block(statement: ast.stmt) -> bool:
    """``return ...``, ``raise ...`` or ``abort(403)``: the guard's branch ends the request."""
    if isinstance(statement, (ast.Return, ast.Raise)):
        return True
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call) \
        and (dotted_name(statement.value.func) or "").rpartition(".")[2] == "abort"


def admin_branch(function: ast.AST, node: ast.AST, parent_of: Callable[[ast.AST], Optional[ast.AST]]) -> bool:
    """Only administrators reach ``node`` by a guard at the top of ``function``'s body: an ``if`` before the
    statement holding ``node`` that ends the request (``return``/``raise``/``abort``) when the caller is not an
    administrator (``not user.is_admin``, ``user.role != "admin"``), either unconditionally or together with
    other conditions (``if url_idx is not None and user.role != "admin": raise ...``) that ``node`` itself runs
    only under: it sits in the body of an ``if`` testing the same condition, or in the ``else`` of one testing
    its opposite (``if url_idx is None: ... else: <node>``; open-webui's per-connection model listing). The
    names the conditions read must not be assigned in the function (a parameter keeps its value)."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    position = getattr(node, "lineno", None)
    if position is None:
        return False
    for statement in function.body:
        if (statement.end_lineno or statement.lineno) >= position:
            return False  # the guard must end before ``node`` begins
        if not (isinstance(statement, ast.If) and not statement.orelse and statement.body
                and leaves_block(statement.body[-1])):
            continue
        parts = statement.test.values if isinstance(statement.test, ast.BoolOp) and isinstance(
            statement.test.op, ast.And) else [statement.test]
        refusals = [part for part in parts if _not_admin(part)]
        if len(refusals) != 1:
            continue
        conditions = [part for part in parts if part is not refusals[0]]
        if all(_fixed_names(condition, function) and _runs_only_if(node, condition, function, parent_of)
               for condition in conditions):
            return True
    return False


def _not_admin(test: ast.expr) -> bool:
    """``not user.is_admin``, ``not is_superuser()``, ``user.role != "admin"``: the caller is no administrator."""
    if _negated_admin_flag(test):
        return True
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.NotEq)):
        return False
    sides = [test.left, test.comparators[0]]
    role = any((dotted_name(side) or "").rpartition(".")[2] == "role" for side in sides)
    return role and any(
        isinstance(side, ast.Constant) and isinstance(side.value, str)
        and side.value.lower() in ("admin", "administrator")
        for side in sides
    )


def _fixed_names(condition: ast.expr, function: ast.AST) -> bool:
    """No name ``condition`` reads is assigned anywhere in ``function`` (it means the same wherever it is read)."""
    names = {node.id for node in ast.walk(condition) if isinstance(node, ast.Name)}
    return not any(
        isinstance(node, ast.Name) and node.id in names and not isinstance(node.ctx, ast.Load)
        for statement in getattr(function, "body", []) for node in ast.walk(statement)
    )


def _runs_only_if(
    node: ast.AST, condition: ast.expr, function: ast.AST, parent_of: Callable[[ast.AST], Optional[ast.AST]]
) -> bool:
    """``node`` sits in the body of an ``if condition`` (or of an ``if`` whose test is a conjunction holding it),
    or in the ``else`` of an ``if`` testing the opposite, within ``function``."""
    wanted = ast.dump(condition)
    opposite = _opposite(condition)
    child, parent = node, parent_of(node)
    while parent is not None and parent is not function:
        if isinstance(parent, ast.If):
            tests = parent.test.values if isinstance(parent.test, ast.BoolOp) and isinstance(
                parent.test.op, ast.And) else [parent.test]
            if child in parent.body and any(ast.dump(test) == wanted for test in tests):
                return True
            if child in parent.orelse and opposite is not None and ast.dump(parent.test) == opposite:
                return True
        child, parent = parent, parent_of(parent)
    return False


_OPPOSITES: tuple[tuple[type, type], ...] = ((ast.Is, ast.IsNot), (ast.IsNot, ast.Is), (ast.Eq, ast.NotEq),
                                              (ast.NotEq, ast.Eq), (ast.In, ast.NotIn), (ast.NotIn, ast.In))


def _opposite(condition: ast.expr) -> Optional[str]:
    """The dump of the test that holds exactly when ``condition`` does not: ``x is None`` for ``x is not None``,
    ``x`` for ``not x``, ``not x`` for ``x``."""
    if isinstance(condition, ast.UnaryOp) and isinstance(condition.op, ast.Not):
        return ast.dump(condition.operand)
    if isinstance(condition, ast.Compare) and len(condition.ops) == 1:
        for op, flipped in _OPPOSITES:
            if isinstance(condition.ops[0], op):
                return ast.dump(ast.Compare(left=condition.left, ops=[flipped()], comparators=condition.comparators))
        return None
    return ast.dump(ast.UnaryOp(op=ast.Not(), operand=condition))
