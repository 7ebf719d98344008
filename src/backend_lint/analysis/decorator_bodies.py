"""What a project's own decorator does to the view it wraps: the code that runs when the decorated view is called.

A decorator is a function that returns a wrapper (``def decorated(*args, **kw): ...; return decorated``), a
decorator factory one that returns such a function (``def owner(model, key): def inner(view): ...``), and a
decorator may itself be built by another decorator of the module (Mailu's ``@permissions_wrapper def owner(...)``,
whose wrappers end in ``return flask_login.login_required(wrapper)``). What the decorated view is protected by
is therefore in the wrappers the decorator returns, not in its name: a wrapper that asks a limiter
(``utils.limiter.should_rate_limit_ip(ip)``, then ``abort(429)``) limits every view it decorates, and a wrapper
handed to ``login_required`` admits only signed-in users.

:func:`returned_wrappers` finds those wrappers (nested to any depth); :func:`wrapper_names` the names that they
and the function mention; :func:`signs_in` whether they require a signed-in user; :func:`project_decorators`
the qualified names of the project decorators a handler (or its class) is behind, for the project model to
answer (``limits_attempts``, ``signs_in``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Optional, Union

from backend_lint.analysis.ast_helpers import callee_name, own_nodes, written_names
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.project.imported import imported_qualified
from backend_lint.analysis.secret_names import split_identifier
from backend_lint.analysis.tree_walk import child_nodes, walk

if TYPE_CHECKING:
    from backend_lint.analysis.handler_types import Handler
    from backend_lint.context import FileContext

Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_MAX_WRAPPERS = 3
"""How many levels of returned functions are followed (a decorator factory's factory is the deepest seen)."""

SIGNED_IN_NAMES = frozenset({
    "login_required", "permission_required", "staff_member_required", "user_passes_test", "superuser_required",
    "LoginRequiredMixin", "PermissionRequiredMixin", "UserPassesTestMixin", "IsAuthenticated", "IsAdminUser",
    "fresh_login_required", "jwt_required", "requires_auth", "verify_jwt_in_request",
})
"""Decorators, mixins, permissions and checks that admit only a signed-in user (Django, DRF, Flask-Login,
Flask-JWT-Extended): no secret is guessed behind them."""
SIGN_IN_TEXT = ("required", "user_passes_test", "isauthenticated", "isadminuser", "requires_auth", "verify_jwt")
"""What a module's lower-cased text holds when one of its functions may name a sign-in requirement (a cheap
filter before :func:`signs_in` reads them)."""
_REQUIRED_SUBJECTS = frozenset({"login", "permission", "permissions", "authentication", "authenticated", "staff"})


def requires_sign_in(name: str) -> bool:
    """``name`` is one of :data:`SIGNED_IN_NAMES`, or a project's own decorator or mixin named for a signed-in
    requirement: ``user_login_required``, ``PermissionRequired``, ``RecentAuthenticationRequiredMixin`` (not
    Django's ``login_not_required``)."""
    if name in SIGNED_IN_NAMES:
        return True
    words = set(split_identifier(name))
    return "required" in words and "not" not in words and bool(words & _REQUIRED_SUBJECTS)


def _nested_functions(function: Function) -> Iterator[Function]:
    """The functions defined in ``function``'s own statements (also under ``if``/``else``), not deeper."""
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        if isinstance(node, _FUNCTIONS):
            yield node
            continue
        if isinstance(node, (ast.ClassDef, ast.Lambda)):
            continue
        stack.extend(child_nodes(node))


def _returned_names(function: Function) -> set[str]:
    """The plain names in ``function``'s own ``return`` values: ``return wrapper``, ``return
    login_required(wrapper)``, ``return functools.wraps(view)(wrapper)``."""
    found: set[str] = set()
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (*_FUNCTIONS, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Return) and node.value is not None:
            found.update(part.id for part in walk(node.value) if isinstance(part, ast.Name))
        stack.extend(child_nodes(node))
    return found


def returned_wrappers(function: ast.AST) -> list[Function]:
    """The functions nested in ``function`` that it returns, and those they return in turn (up to
    :data:`_MAX_WRAPPERS` levels): a decorator's wrapper, a decorator factory's decorator and its wrapper. A
    function that returns no function of its own gives none."""
    if not isinstance(function, _FUNCTIONS):
        return []
    found: list[Function] = []
    level: list[Function] = [function]
    for _ in range(_MAX_WRAPPERS):
        following: list[Function] = []
        for current in level:
            nested = list(_nested_functions(current))
            returned = _returned_names(current) if nested else set()  # (most functions nest none: one walk)
            following.extend(inner for inner in nested if inner.name in returned)
        found.extend(following)
        level = following
    return found


def wrapper_names(function: ast.AST) -> set[str]:
    """Every name and attribute name mentioned in the wrappers ``function`` returns (their own statements, as
    :func:`~.mentions.mentioned_names` reads a body; their decorators and return values included)."""
    return set().union(*(written_names(wrapper) for wrapper in returned_wrappers(function)))


def _names_sign_in(function: Function) -> bool:
    """``function``'s body or the wrappers it returns name a sign-in requirement (the wrappers are written in the
    body, whose every name is read: :func:`wrapper_names` would add none)."""
    return any(requires_sign_in(name) for name in _body_names(function))


def _body_names(function: Function) -> set[str]:
    found: set[str] = set()
    for statement in function.body:
        for node in walk(statement):
            if isinstance(node, ast.Name):
                found.add(node.id)
            elif isinstance(node, ast.Attribute):
                found.add(node.attr)
    return found


def signs_in(function: ast.AST, module_defs: Mapping[str, ast.AST]) -> bool:
    """The decorator ``function`` lets only a signed-in user through: it or a wrapper it returns names a sign-in
    requirement (``return flask_login.login_required(wrapper)``, ``@jwt_required()``, ``verify_jwt_in_request()``),
    or it is itself decorated by a function of its module (``module_defs``, name -> node) that does (Mailu's
    ``@permissions_wrapper def owner(...)``). A DRF permission class (in a view's ``permission_classes``) signs in
    when its ``has_permission`` answers only for a signed-in user (:func:`_permission_signs_in`)."""
    if isinstance(function, ast.ClassDef):
        return _permission_signs_in(function, module_defs)
    if not isinstance(function, _FUNCTIONS):
        return False
    if _names_sign_in(function):
        return True
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        builder = module_defs.get(target.id) if isinstance(target, ast.Name) else None
        if isinstance(builder, _FUNCTIONS) and builder is not function and _names_sign_in(builder):
            return True
    return False


def _permission_signs_in(cls: ast.ClassDef, module_defs: Mapping[str, ast.AST], depth: int = 0) -> bool:
    """The permission class's ``has_permission``, its own or that of the nearest base of its module defining one,
    answers true only for a signed-in user: every ``return`` gives ``request.user.is_authenticated``, alone, as a
    term of an ``and`` or inside ``bool(...)`` (linkedevents' ``CanAccessSignup.has_permission``, which
    ``CanAccessSignupGroup`` inherits). Object permissions (``has_object_permission``) come after it and decide
    nothing about who may reach the view."""
    method = next((item for item in cls.body if isinstance(item, _FUNCTIONS) and item.name == "has_permission"), None)
    if method is not None:
        returns = [node.value for node in ast.walk(method) if isinstance(node, ast.Return)]
        return bool(returns) and all(value is not None and _requires_authenticated(value) for value in returns)
    if depth > _MAX_BASES:
        return False
    for base in cls.bases:
        found = module_defs.get(base.id) if isinstance(base, ast.Name) else None
        if isinstance(found, ast.ClassDef) and found is not cls:
            return _permission_signs_in(found, module_defs, depth + 1)
    return False


_MAX_BASES = 8


def _requires_authenticated(value: ast.expr) -> bool:
    """``request.user.is_authenticated``, ``bool(request.user and request.user.is_authenticated)``."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "bool" \
            and len(value.args) == 1:
        return _requires_authenticated(value.args[0])
    if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.And):
        return any(_requires_authenticated(part) for part in value.values)
    return isinstance(value, ast.Attribute) and value.attr == "is_authenticated"


def decorator_targets(decorator: ast.expr) -> list[ast.expr]:
    """What a decorator written on a view names: itself (``@api_token_authorization``), the factory it calls
    (``@access.owner(models.User, "user_email")``), what ``method_decorator`` is given."""
    if not isinstance(decorator, ast.Call):
        return [decorator]
    found: list[ast.expr] = [decorator.func]
    if (dotted_name(decorator.func) or "").rpartition(".")[2] == "method_decorator" and decorator.args:
        given = decorator.args[0]
        found.extend(given.elts if isinstance(given, (ast.List, ast.Tuple)) else [given])
    return found


VIEW_GUARD_LISTS = ("decorators", "method_decorators", "permission_classes")
"""Class attributes listing what guards every method of a class-based view: Flask ``MethodView`` and
flask-restx ``decorators``, Flask-RESTful ``method_decorators``, DRF ``permission_classes``."""


def class_guards(cls: ast.ClassDef) -> list[ast.expr]:
    """What a class-based view as a whole is behind, as written: its class decorators, the items of its
    :data:`VIEW_GUARD_LISTS` and the decorators of its ``dispatch`` (each through :func:`decorator_targets`).
    The one reading of a view class's guards: BE307 asks the project whether one limits attempts or signs in
    (:func:`project_decorators`), BE104/BE105/BE304/BE306 whether one admits only administrators
    (:mod:`backend_lint.analysis.admin_guard_defs`)."""
    written: list[ast.expr] = []
    for decorator in cls.decorator_list:
        written.extend(decorator_targets(decorator))
    for statement in cls.body:
        if isinstance(statement, ast.Assign) and isinstance(statement.value, (ast.List, ast.Tuple)) and any(
            isinstance(target, ast.Name) and target.id in VIEW_GUARD_LISTS for target in statement.targets
        ):
            for item in statement.value.elts:
                written.extend(decorator_targets(item))
        if isinstance(statement, _FUNCTIONS) and statement.name == "dispatch":
            for decorator in statement.decorator_list:
                written.extend(decorator_targets(decorator))
    return written


def project_decorators(ctx: FileContext, handler: Handler) -> list[str]:
    """The qualified names of the project's own decorators the handler is behind: those on its function and
    what its class is behind (:func:`class_guards`), qualified through the module's imports or as a function
    of the module itself. Only names of the module's own top-level package are kept (the project model knows
    nothing else)."""
    package = ctx.module.partition(".")[0]
    if not package:
        return []
    written: list[ast.expr] = []
    for decorator in handler.function.decorator_list:
        written.extend(decorator_targets(decorator))
    if handler.class_ is not None:
        written.extend(class_guards(handler.class_))
    found: list[str] = []
    for expr in written:
        qualified = qualified_name(ctx, expr)
        if qualified is not None and qualified.partition(".")[0] == package and qualified not in found:
            found.append(qualified)
    return found


def module_decorators(ctx: FileContext, handler: Handler) -> list[Function]:
    """The functions of the handler's own module that decorate it (``@api_token_authorization``,
    ``@owner(User, "email")``): read where they are, with or without a project."""
    defs = {node.name: node for node in ctx.tree.body if isinstance(node, _FUNCTIONS)}
    found: list[Function] = []
    for decorator in handler.function.decorator_list:
        for target in decorator_targets(decorator):
            node = defs.get(target.id) if isinstance(target, ast.Name) else None
            if node is not None and node is not handler.function and node not in found:
                found.append(node)
    return found


def qualified_name(ctx: FileContext, expr: ast.expr) -> Optional[str]:
    """``expr`` (a called factory's callee) qualified through the module's imports, or as a name of the module's
    own (``staff_required``)."""
    if isinstance(expr, ast.Call):
        expr = expr.func
    qualified = imported_qualified(ctx, expr)
    if qualified is not None:
        return qualified
    if isinstance(expr, ast.Name) and ctx.module:
        return f"{ctx.module}.{expr.id}"
    return None


BACKGROUND_STARTS = ("Thread", "Process", "Timer", "submit", "create_task", "ensure_future", "run_in_executor",
                     "start_new_thread", "spawn")
"""Calls that run a function handed to them apart from the caller (a thread, a process, an executor, the event
loop); also what a module's text must hold for :func:`runs_in_background` to read its decorators."""


def runs_in_background(function: ast.AST) -> bool:
    """A decorator whose wrapper hands the decorated function to one of :data:`BACKGROUND_STARTS`
    (``Thread(target=f, args=args, kwargs=kwargs).start()``, ``executor.submit(f, *args)``,
    ``asyncio.create_task(f(*args))``) and returns at once: a call of a function it decorates starts the work
    and does not wait for it (vulnerability-lookup's ``@async_maker`` on ``send_smtp_async``: BE206 follows no
    slow work through it)."""
    if not isinstance(function, _FUNCTIONS) or not function.args.args:
        return False
    wrapped = function.args.args[0].arg
    return any(
        isinstance(node, ast.Call) and callee_name(node) in BACKGROUND_STARTS and any(
            isinstance(part, ast.Name) and part.id == wrapped
            for argument in (*node.args, *(keyword.value for keyword in node.keywords))
            for part in walk(argument)
        )
        for wrapper in returned_wrappers(function) for node in own_nodes(wrapper)
    )


def own_decorators(ctx: FileContext, function: ast.AST, module_defs: Mapping[str, ast.AST]) -> list[str]:
    """The project's own decorators written on ``function``, qualified (sorted): imported from a module of its own
    top-level package, or a function of its own module (``module_defs``, name -> node)."""
    package = ctx.module.partition(".")[0]
    if not isinstance(function, _FUNCTIONS) or not function.decorator_list or not package:
        return []
    found: set[str] = set()
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        qualified = imported_qualified(ctx, target)
        if qualified is None and isinstance(target, ast.Name) and target.id in module_defs:
            qualified = f"{ctx.module}.{target.id}"
        if qualified is not None and qualified.partition(".")[0] == package:
            found.add(qualified)
    return sorted(found)
