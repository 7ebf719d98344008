"""Handlers that answer only in a development or testing deployment.

A handler whose body starts by turning every request away unless a development setting is on (kitsune's
``if not (settings.DEV and settings.ENABLE_TESTING_ENDPOINTS): raise Http404``) does not exist in production: a
test fixture's endpoint, not an API a hostile client reaches (BE303). The setting is read by its name: an
upper-case name or attribute (``settings.DEBUG``, ``app.config["TESTING"]`` is not read) that is ``DEBUG``,
``DEV``, ``DEVELOPMENT`` or ``TESTING``, or names testing endpoints (``ENABLE_TESTING_ENDPOINTS``).

Also here, for BE503: settings that say they are for local development (a settings module whose docstring, or
its class's, opens "Settings for local development") and a function named for development whose docstring says
it seeds a development set-up (``create_dev_user``, "intended for dev clusters"); and a settings module whose own
``DEBUG`` falls back to on when the environment does not say (``DEBUG = env.bool("DEBUG", default=True)``:
:func:`debug_on_by_default`), whose environment fallbacks are a developer's run's, not a deployment's.

And, for BE204, an opt-in delay: ``if state.response_delay: time.sleep(state.response_delay)``, a pause whose
length is a configured value and that runs only when that value is set (infrahub's ``response_delay`` setting,
0 by default, which only its CI's end-to-end runs set). Production, where the knob is off, never pauses there.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Callable, Optional

from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.secret_names import split_identifier
from backend_lint.analysis.settings import settings_module

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_FLAGS = frozenset({"DEBUG", "DEV", "DEVELOPMENT", "TESTING"})


def _development_flag(test: ast.expr) -> bool:
    """``settings.DEV``, ``DEBUG``, ``settings.ENABLE_TESTING_ENDPOINTS``: a setting on only in development."""
    name = test.attr if isinstance(test, ast.Attribute) else test.id if isinstance(test, ast.Name) else ""
    return name.isupper() and (name in _FLAGS or "TESTING" in name.split("_"))


def _requires_development(test: ast.expr) -> bool:
    """``test`` holds only when a development setting is on: the flag itself, or a conjunction holding one."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return any(_requires_development(value) for value in test.values)
    return _development_flag(test)


def _ends_request(statement: ast.stmt) -> bool:
    """``raise Http404``, ``return ...`` or ``abort(404)``."""
    if isinstance(statement, (ast.Return, ast.Raise)):
        return True
    value = statement.value if isinstance(statement, ast.Expr) else None
    return isinstance(value, ast.Call) and isinstance(value.func, (ast.Name, ast.Attribute)) and (
        value.func.id if isinstance(value.func, ast.Name) else value.func.attr) == "abort"


def development_only(function: ast.AST) -> bool:
    """The first statement of ``function``'s body (after its docstring) ends the request unless a development
    setting is on: ``if not (settings.DEV and settings.ENABLE_TESTING_ENDPOINTS): raise Http404``."""
    body = getattr(function, "body", None)
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or not body:
        return False
    first = body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        if len(body) < 2:
            return False
        first = body[1]
    return isinstance(first, ast.If) and not first.orelse and bool(first.body) and _ends_request(first.body[-1]) \
        and isinstance(first.test, ast.UnaryOp) and isinstance(first.test.op, ast.Not) \
        and _requires_development(first.test.operand)


_FOR_DEVELOPMENT = lazy_compile(
    r"^\s*(?:[\w-]+\s+){0,3}?settings\s+(?:used\s+)?for\s+(?:a\s+|the\s+)?(?:local\s+)?(?:development|dev)\b",
    re.IGNORECASE,
)
_DEV_WORDS = frozenset({"dev", "development"})
_MENTIONS_DEVELOPMENT = lazy_compile(r"\b(?:local\s+development|development|dev\s+(?:clusters?|environments?|"
                                   r"set-?ups?|stacks?|servers?|instances?))\b", re.IGNORECASE)


def development_settings_class(ctx: FileContext) -> bool:
    """The node being checked sits in a settings module (``settings/docker_compose.py``) whose module docstring,
    or the docstring of the class around the node, opens by calling it the settings for local development
    (readthedocs' ``DockerBaseSettings``: "Settings for local development with Docker"): the values of a
    developer's compose stack, not of a deployment."""
    if not settings_module(ctx).is_settings:
        return False
    holders: list[ast.Module | ast.ClassDef] = [ctx.tree]
    if ctx.scope.class_ is not None:
        holders.append(ctx.scope.class_)
    return any(
        _FOR_DEVELOPMENT.search(ast.get_docstring(holder) or "")
        for holder in holders
    )


def development_seed_function(ctx: FileContext) -> bool:
    """Inside a function named for development (``create_dev_user``) whose docstring says so too ("Create local
    development SU and tenant user accounts... intended for dev clusters", tracecat's admin CLI): the
    credentials it seeds are a development cluster's, defaults a developer types, not a deployment's."""
    for function in ctx.scope.functions:
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if _DEV_WORDS & set(split_identifier(function.name)) and _MENTIONS_DEVELOPMENT.search(
            ast.get_docstring(function) or ""
        ):
            return True
    return False


_DEBUG_WORDS = frozenset({"DEBUG", "DEBUGGING"})


_TEST_WORDS = frozenset({"TEST", "TESTS", "TESTING"})
_TEST_SWITCH_FILLERS = frozenset({"IS", "IN", "ENV", "ENVIRONMENT", "MODE", "RUN", "RUNNING"})


def _test_switch(name: str) -> bool:
    """An upper-case switch named for the test run and nothing else: ``TEST_ENV``, ``TEST_MODE``, ``IS_TESTING``,
    ``RUNNING_TESTS`` (tecken's ``TEST_ENV``: "Set to true if you're running tests", off by default, on only in
    its test environment file). Not ``TEST_EMAIL_RECIPIENT`` or ``SEND_TEST_EMAILS``: values and features, not
    the switch of the run."""
    words = set(name.split("_"))
    return name.isupper() and bool(words & _TEST_WORDS) and words <= _TEST_WORDS | _TEST_SWITCH_FILLERS


def _debug_switch(test: ast.expr) -> bool:
    """``settings.DEBUG``, ``ADD_DEBUGGING_ROUTES``, ``ENABLE_TESTING_ENDPOINTS``, ``TEST_ENV``, a check that the
    process is the test run (``"test" in sys.argv``), also in a conjunction: a switch that is on only where the
    application is developed or tested."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return any(_debug_switch(value) for value in test.values)
    name = test.attr if isinstance(test, ast.Attribute) else test.id if isinstance(test, ast.Name) else ""
    return _development_flag(test) or (name.isupper() and bool(_DEBUG_WORDS & set(name.split("_")))) \
        or _test_switch(name) or _test_run_check(test)


_TEST_COMMANDS = frozenset({"test", "pytest", "py.test"})
"""What ``sys.argv`` holds, or ``sys.modules`` has loaded, only when the test suite runs (``manage.py test``)."""


def _names_sys(expr: ast.expr, attribute: str) -> bool:
    """``sys.argv`` (or ``sys.modules``), also sliced or indexed (``sys.argv[1:2]``, ``sys.argv[1]``)."""
    while isinstance(expr, ast.Subscript):
        expr = expr.value
    return isinstance(expr, ast.Attribute) and expr.attr == attribute and isinstance(expr.value, ast.Name) \
        and expr.value.id == "sys"


def _test_command(expr: ast.expr) -> bool:
    """``"test"``, ``["test"]``: the word that names the test run on a command line."""
    if isinstance(expr, (ast.List, ast.Tuple)) and len(expr.elts) == 1:
        expr = expr.elts[0]
    return isinstance(expr, ast.Constant) and expr.value in _TEST_COMMANDS


def _test_run_check(test: ast.expr) -> bool:
    """``"test" in sys.argv``, ``sys.argv[1:2] == ["test"]``, ``"pytest" in sys.modules``: the process is the test
    suite's (``manage.py test``, a pytest run), so a settings module's block under it is the test run's speed-up
    (etools' ``PASSWORD_HASHERS = [MD5PasswordHasher]`` under ``if 'test' in sys.argv:`` in its local settings),
    as a tests settings module is; no served process is started that way. Also a comparison of the environment's
    name with a test environment's (mitxonline's ``if ENVIRONMENT == "pytest":``, the variable set only by
    pytest-env; ``APP_ENV in ("test", "testing")``): the switch of the test run as the project names it."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return False
    left, operator, right = test.left, test.ops[0], test.comparators[0]
    if isinstance(operator, ast.In):
        return (_test_command(left) and (_names_sys(right, "argv") or _names_sys(right, "modules"))) \
            or (_names_environment(left) and _test_environments(right))
    if isinstance(operator, ast.Eq):
        return any((_names_sys(one, "argv") and _test_command(other))
                   or (_names_environment(one) and _test_environments(other))
                   for one, other in ((left, right), (right, left)))
    return False


_TEST_ENVIRONMENTS = frozenset({"test", "tests", "testing", "pytest", "unittest"})
"""Names of the environment a test suite runs in (``ENVIRONMENT == "pytest"``, ``APP_ENV == "testing"``)."""
_ENVIRONMENT_WORDS = frozenset({"env", "environment"})


def _test_environments(expr: ast.expr) -> bool:
    """``"pytest"``, ``("test", "testing")``: names of test environments only."""
    values = expr.elts if isinstance(expr, (ast.List, ast.Tuple, ast.Set)) else [expr]
    return bool(values) and all(
        isinstance(value, ast.Constant) and isinstance(value.value, str)
        and value.value.lower() in _TEST_ENVIRONMENTS for value in values)


def _names_environment(expr: ast.expr) -> bool:
    """The name of the deployment environment: a name or attribute named for it (``ENVIRONMENT``,
    ``settings.APP_ENV``), or an environment variable named for it (``os.environ.get("DJANGO_ENV")``,
    ``env("ENVIRONMENT")``, also lower-cased: ``ENVIRONMENT.lower()``)."""
    while isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in ("lower", "strip"):
        expr = expr.func.value
    if isinstance(expr, (ast.Call, ast.Subscript)):
        key = expr.slice if isinstance(expr, ast.Subscript) else expr.args[0] if expr.args else None
        return isinstance(key, ast.Constant) and isinstance(key.value, str) \
            and bool(_ENVIRONMENT_WORDS & set(split_identifier(key.value)))
    return bool(_ENVIRONMENT_WORDS & set(split_identifier(_switch_name(expr))))


_NOT_IN_PRODUCTION = lazy_compile(
    r"\bnever\b[^.\n]{0,40}\b(?:in|on|to)\s+prod(?:uction)?\b|\b(?:disabled|not\s+(?:enabled|available|used))"
    r"\s+(?:in|on)\s+prod(?:uction)?\b|\btypically\s+only\s+staging\b",
    re.IGNORECASE,
)
"""Text saying that what follows is never on where the application serves its users ("This should never be
enabled in prod!", "disabled in production")."""


def _switch_name(test: ast.expr) -> str:
    return test.attr if isinstance(test, ast.Attribute) else test.id if isinstance(test, ast.Name) else ""


def _leaves_unless_switch(statement: ast.stmt, documented: bool) -> bool:
    """``if not ADD_DEBUGGING_ROUTES: return`` (or ``raise``): nothing after it runs unless the switch is on. With
    ``documented`` (the code says the switch is never on in production), any upper-case switch counts."""
    if not (isinstance(statement, ast.If) and not statement.orelse and bool(statement.body)
            and isinstance(statement.body[-1], (ast.Return, ast.Raise))
            and isinstance(statement.test, ast.UnaryOp) and isinstance(statement.test.op, ast.Not)):
        return False
    operand = statement.test.operand
    return _debug_switch(operand) or (documented and _switch_name(operand).isupper())


def _documented_off_in_production(function: ast.AST, statement: ast.stmt, ctx: FileContext) -> bool:
    """The function's docstring, or the comment lines right above ``statement``, say it is never on in
    production (OpenHands' GitHub login proxy: "This should never be enabled in prod!")."""
    text = ""
    if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Module)):
        text = ast.get_docstring(function) or ""
    index = statement.lineno - 2
    while index >= 0 and ctx.lines[index].lstrip().startswith("#"):
        text += "\n" + ctx.lines[index]
        index -= 1
    return bool(_NOT_IN_PRODUCTION.search(text))


def _test_run_flag(test: ast.expr, ctx: FileContext) -> bool:
    """A module-level name bound once to a check that the process is the test run (scancode.io's
    ``IS_TESTS = "test" in sys.argv``, then ``if IS_TESTS:`` around its test speed-ups)."""
    if not isinstance(test, ast.Name):
        return False
    value = bindings_of(ctx, ctx.tree).single_value(test.id)
    return value is not None and _test_run_check(value)


def under_debug_switch(node: ast.AST, ctx: FileContext) -> bool:
    """``node`` runs (or its handler is defined and registered) only when a development or debugging switch is
    on: it sits in the body of ``if settings.DEBUG:`` (or ``if "test" in sys.argv:``, the test run, also through
    a module-level name bound to that check: ``IS_TESTS = "test" in sys.argv``), or after
    ``if not ADD_DEBUGGING_ROUTES: return`` in a function around it (OpenHands' ``add_debugging_routes(app)``,
    whose chaos endpoints "are never deployed to production"), also behind a switch of any name when the
    function's docstring or the comment above the test says it is never on in production. A route added that way
    does not exist in a production deployment."""
    child: ast.AST = node
    parent = ctx.parent_of(child)
    while parent is not None:
        if isinstance(parent, ast.If) and child in parent.body and (
                _debug_switch(parent.test) or _test_run_flag(parent.test, ctx)):
            return True
        body = getattr(parent, "body", None)
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Module)) and isinstance(body, list) \
                and child in body and any(
                    _leaves_unless_switch(s, _documented_off_in_production(parent, s, ctx))
                    for s in body[:body.index(child)] if isinstance(s, ast.If)):
            return True
        child, parent = parent, ctx.parent_of(parent)
    return False


def opt_in_delay(call: ast.Call, ctx: FileContext) -> bool:
    """``call`` (a sleep) pauses for a configured attribute (``request.app.state.response_delay``,
    ``settings.DELAY``) and is the body of an ``if`` that tests that same value (``if x:``, ``if x > 0:``),
    outside any loop of its function: an artificial delay that exists only where it is switched on (see the
    module docstring). A local or computed length (a ``Retry-After`` wait), a sleep in a loop (a retry's or a
    poll's pace) and a sleep under another condition stay what they are."""
    if len(call.args) != 1 or call.keywords or not isinstance(call.args[0], ast.Attribute) or ctx.scope.loops:
        return False
    statement = ctx.parent_of(call)
    test = ctx.parent_of(statement) if isinstance(statement, ast.Expr) else None
    if not isinstance(test, ast.If) or statement not in test.body:
        return False
    tested = test.test
    if isinstance(tested, ast.Compare) and len(tested.ops) == 1 and isinstance(tested.ops[0], (ast.Gt, ast.NotEq)) \
            and isinstance(tested.comparators[0], ast.Constant) and tested.comparators[0].value == 0:
        tested = tested.left
    return ast.dump(tested) == ast.dump(call.args[0])


_LOCAL_ENVIRONMENTS = frozenset({"local", "localhost"})
"""Environment names only a developer's machine has: a ``dev`` or ``development`` environment is often a shared,
deployed one."""
_LOCAL_WORDS = frozenset({"local", "localhost", "dev", "development"})
_PREDICATE_FILLERS = frozenset({"env", "environment", "mode", "run", "instance"})
_CONFIG_HOLDERS = frozenset({"settings", "config", "conf", "env", "environment", "environ", "hosting", "deployment",
                             "platform", "runtime", "stage"})
"""Words of a name that holds where the process runs (``settings``, ``hosting``, ``app_config``)."""


def _predicate_words(test: ast.expr) -> list[str]:
    """The words of a predicate about where the process runs: ``HostingEnvironment.is_local()``,
    ``settings.IS_LOCAL``, ``IS_DEPLOYED`` (a call of no arguments, a name, or an attribute of the configuration or
    of a class); nothing for other tests, nor for a predicate of a value (``user.is_local``, ``model.is_deployed``,
    ``request.is_localhost()``: about that object, not the process)."""
    if isinstance(test, ast.Call) and not test.args and not test.keywords:
        test = test.func
    if isinstance(test, ast.Attribute):
        root: ast.expr = test.value
        while isinstance(root, ast.Attribute):
            root = root.value
        if not (isinstance(root, ast.Name)
                and (root.id[:1].isupper() or bool(_CONFIG_HOLDERS & set(split_identifier(root.id))))):
            return []
    return split_identifier(_switch_name(test))


def _says_local(test: ast.expr) -> bool:
    """``is_local()``, ``IS_LOCAL_DEV``, ``settings.DEBUG``, ``ENVIRONMENT == "local"``: true only where the
    application runs on a developer's machine (or its test run)."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return any(_says_local(value) for value in test.values)
    if _debug_switch(test):
        return True
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Eq, ast.In)):
        left, right = test.left, test.comparators[0]
        return any(_names_environment(one) and isinstance(other, ast.Constant) and isinstance(other.value, str)
                   and other.value.lower() in _LOCAL_ENVIRONMENTS for one, other in ((left, right), (right, left)))
    words = _predicate_words(test)
    return len(words) >= 2 and words[0] == "is" and bool(_LOCAL_WORDS & set(words[1:])) \
        and set(words[1:]) <= _LOCAL_WORDS | _PREDICATE_FILLERS


def _says_deployed(test: ast.expr) -> bool:
    """``HostingEnvironment.is_deployed()``, ``settings.IS_DEPLOYED``: true wherever the application is deployed
    (any deployed environment, staging too; ``is_production()`` is not: staging runs its ``else``)."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return all(_says_deployed(value) for value in test.values)
    words = _predicate_words(test)
    return "deployed" in words and (words[0] == "is" or _switch_name(test).isupper())


def outside_deployments(node: ast.AST, ctx: FileContext) -> bool:
    """``node`` runs only where the application is not deployed: in the body of an ``if`` whose test says the
    process is a developer's (:func:`_says_local`), or where a test saying it is deployed is false (the ``else``
    of ``elif HostingEnvironment.is_deployed():``, the body of ``if not IS_DEPLOYED:``): consult's "Local
    environment authentication" branch, which reads a token's claims unverified where no identity provider runs
    (BE502). Looked for up to the enclosing function."""
    child: ast.AST = node
    parent = ctx.parent_of(child)
    while parent is not None and not isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                                                         ast.ClassDef, ast.Module)):
        if isinstance(parent, ast.If):
            test = parent.test
            negated = test.operand if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) else None
            if child in parent.body and (_says_local(test) or (negated is not None and _says_deployed(negated))):
                return True
            if child in parent.orelse and _says_deployed(test):
                return True
        child, parent = parent, ctx.parent_of(parent)
    return False


_ON_TEXTS = frozenset({"true", "1", "yes", "on"})


def debug_on_by_default(ctx: FileContext, reads_environment: Callable[[ast.Call], Optional[str]]) -> bool:
    """A settings module whose module-level ``DEBUG`` reads the environment with a fallback that turns it on
    (``env.bool("DEBUG", default=True)``, ``os.getenv("DEBUG", "True") == "True"``; ``reads_environment`` names the
    variable a call reads). Run without its environment, the module is a developer's: django-oscar's sandbox
    settings, "intended for local development and QA", whose one shipped deployment requires ``SECRET_KEY`` (seed
    135). A ``DEBUG`` that falls back to off (shynet's ``os.getenv("DEBUG", "False")``) says nothing."""
    if not settings_module(ctx).is_settings:
        return False
    for statement in ctx.tree.body:
        if not (isinstance(statement, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == "DEBUG" for target in statement.targets)):
            continue
        value = statement.value
        compared: Optional[ast.expr] = None
        if isinstance(value, ast.Compare) and len(value.ops) == 1 and isinstance(value.ops[0], ast.Eq):
            compared = value.comparators[0]
            value = value.left
        if not isinstance(value, ast.Call) or reads_environment(value) != "DEBUG":
            continue
        fallback = next((keyword.value for keyword in value.keywords if keyword.arg == "default"),
                        value.args[1] if len(value.args) > 1 else None)
        if not isinstance(fallback, ast.Constant):
            return False
        if compared is not None:
            return isinstance(compared, ast.Constant) and fallback.value == compared.value
        return fallback.value is True or (isinstance(fallback.value, str) and fallback.value.lower() in _ON_TEXTS)
    return False
