"""BE403 error-log-without-traceback: ``logger.error(...)`` in an ``except`` block drops the traceback.

An error logged while handling an exception is the one line an on-call engineer has to go on; without the
traceback it says that something failed but not where. ``logger.exception(...)`` (or ``exc_info=True``)
records the stack with the message, in the same log event, tied to the same request context.

Flagged: ``error``, ``critical`` and ``fatal`` calls on a known logger (stdlib, structlog, loguru) directly
inside a catch-all ``except`` clause (bare, ``Exception``, ``BaseException``, or a tuple holding one) of the
same function, with no ``exc_info`` argument (loguru: no ``.opt(exception=...)``). A handler for named
exception types (``except NoResultFound``, ``except redis.RedisError``) expects that failure: its message
says what happened, and the stack adds little; the ``narrow-handlers`` option reports those too.

Left alone: handlers whose last statement re-raises (the exception, traceback included, goes on to whoever handles
it), unless what it raises is an HTTP error that the framework turns into a response without logging; handlers
that record the traceback another way (a ``logger.exception`` call, ``exc_info=``, ``traceback.format_exc()``,
``sentry_sdk.capture_exception``) or keep the exception object (``self.exception = e``), calls with ``**kwargs``
(``exc_info`` may be in them), calls in a function defined inside the handler, ``warning``/``info`` levels (a
handled, expected failure), a retry or reconnect loop whose message says so (``"lost connection, retrying in 5
seconds"`` in an ``except`` inside a loop: an expected
outage logged once per attempt; a ``while`` loop whose ``try`` opens a connection and goes round again) or whose
shape says so (a bounded loop that leaves on success and counts its attempts: ``while retry > 0`` with ``retry -=
1`` in the clause), a
secondary failure logged inside another ``except`` that ends by raising (failing to parse the error body of a
request whose error is then raised, or in a function handed the exception it reports: auditing another failure),
expected errors (a Flask-AppBuilder veto hook, one value that does not parse, a user's content error told back to
the user (also answered with 400/422), a test of a configured connection answering its error (``test_access``
returning ``str(e)``), a ``try`` of a few calls into a library or the OS whose error the handler
logs with its message (thin wrappers of such calls in the file read as their calls), file work of the standard
library, asyncio's own scheduling, stores into local dicts, see :mod:`backend_lint.analysis.expected_errors`; a
predicate answering ``False`` when it cannot tell; a ``try`` of log lines only), a command's error exit (also in a
helper only the file's commands call) or its check of what the operator asked for (a clause setting a flag the
function hands back ``False``, in command line code), a developer's script run by hand (a program, argparse or its
command line, under ``script-paths``: ``scripts/chat_loadtest.py``; or a script there with a main guard, whose guard
and the functions only it reaches run only when started by hand, unless another module imports them:
:mod:`backend_lint.analysis.hand_run_scripts`), and tests and test support.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import call_arguments, mentions_name, own_nodes
from backend_lint.analysis.catch_all import catches_any_exception, covers_something, shielded
from backend_lint.analysis.catch_all import catches_everything as lets_nothing_out
from backend_lint.analysis.dev_seeds import management_commands
from backend_lint.analysis.entrypoints import helper_of_commands, in_cli_context
from backend_lint.analysis.expected_errors import (
    answers_client_error,
    parses_one_value,
    reconnect_loop,
    records_failed_item,
    reports_another_failure,
    reports_error_to_user,
    tests_connection,
    vetoed_by_hook,
)
from backend_lint.analysis.fallbacks import predicate_answer
from backend_lint.analysis.hand_run_scripts import hand_run_script, run_by_hand
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.input_checks import checks_client_input
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.library_calls import calls_outside_only
from backend_lint.analysis.log_only_tries import only_logs
from backend_lint.analysis.loggers import GENERIC, LOGURU, handler_records_traceback, logging_call_kind
from backend_lint.analysis.module_roles import module_roles
from backend_lint.analysis.one_shot_programs import one_shot_program
from backend_lint.analysis.project.conditions import ProjectFact, does, schema_models, test_support, unreferenced
from backend_lint.analysis.project.def_effects import LOGS_TRACEBACK
from backend_lint.analysis.project.handler_conditions import catch_alls, wraps_library_call
from backend_lint.analysis.project.imported import imported_qualified, project_calls_in
from backend_lint.analysis.resolve import Definition, called_function
from backend_lint.analysis.retries import is_retry_loop
from backend_lint.analysis.schema_models import schema_facts
from backend_lint.analysis.values import origin
from backend_lint.context import FileContext
from backend_lint.finding import Applicability, Finding
from backend_lint.rule import Option, Rule, visits

if TYPE_CHECKING:
    import libcst as cst

    from backend_lint.fixing.context import FixContext

_ERROR_METHODS = frozenset({"error", "critical", "fatal"})


_RESPONSE_EXCEPTION_MODULES = ("fastapi", "starlette", "werkzeug", "flask", "rest_framework", "django.http",
                               "aiohttp.web", "litestar")


def _reraises(handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """The handler ends by raising, so the traceback travels on with the exception (as itself, or chained
    as ``__cause__``/``__context__`` of the new one), except when what is raised is an HTTP error that the
    framework turns into a response without logging anything."""
    last = handler.body[-1]
    if not isinstance(last, ast.Raise):
        return False
    raised = last.exc.func if isinstance(last.exc, ast.Call) else last.exc
    if raised is None or last.cause is not None:
        return True
    qualified = ctx.imports.resolve(raised) or ""
    written = dotted_name(raised) or ""
    is_response = qualified.startswith(_RESPONSE_EXCEPTION_MODULES) or written.rpartition(".")[2].startswith("HTTP")
    return not is_response


_RETRY_WORDS = lazy_compile(r"\bretry|\bretrying|reconnect|\btry(ing)? again", re.IGNORECASE)
"""What a message says when the failure it logs is retried (``"lost connection ... retrying in 5 seconds"``)."""


def _literal_text(expr: ast.expr) -> str:
    """The literal parts of a log message: a string, the text of an f-string, the left of ``%`` or ``+``."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    if isinstance(expr, ast.JoinedStr):
        return "".join(_literal_text(part) for part in expr.values if isinstance(part, ast.Constant))
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Mod)):
        return _literal_text(expr.left) + _literal_text(expr.right)
    return ""


def _announced_retry(call: ast.Call, handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """A reconnect or retry loop: the handler sits in a loop of the same function and the message says the
    failure will be retried, or a logging call among the loop's own statements says so. Each attempt during an
    outage logs one line; a traceback per attempt (every five seconds while a node is down) is noise, and the
    failure is expected."""
    says_so = _says_retry(call)
    inside = False
    for scope in ctx.scope:
        if scope.node is handler:
            inside = True
        elif inside and isinstance(scope.node, (ast.For, ast.AsyncFor, ast.While)):
            return says_so or any(_logs_retry(statement, ctx) for statement in scope.node.body)
        elif isinstance(scope.node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return False
    return False


def _retried_attempt(handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """The handler's ``try`` is an attempt of a bounded hand-written retry loop of the same function: the loop
    leaves when the ``try`` succeeds (:func:`.retries.is_retry_loop`) and counts its attempts, a ``for`` over
    ``range(...)`` or a ``while`` whose test reads a counter the handler moves (chatchat's API client trying
    ``client.get(url)`` again while ``retry > 0``, ``retry -= 1`` in the clause). The code says it retries as
    plainly as a message would: each failed attempt logs one line during an outage. A supervisor loop that
    restarts a crashed worker until shutdown counts nothing and stays flagged."""
    attempt = ctx.parent_of(handler)
    for scope in ctx.scope:
        loop = scope.node
        if isinstance(loop, (ast.For, ast.AsyncFor, ast.While)):
            return attempt in loop.body and _counts_attempts(loop, handler) and is_retry_loop(ctx, loop)
        if isinstance(loop, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return False
    return False


def _counts_attempts(loop: ast.For | ast.AsyncFor | ast.While, handler: ast.ExceptHandler) -> bool:
    """``for attempt in range(3)``, or ``while retry > 0`` with ``retry -= 1`` among the handler's statements."""
    if not isinstance(loop, ast.While):
        return isinstance(loop.iter, ast.Call) and isinstance(loop.iter.func, ast.Name) and loop.iter.func.id == "range"
    tested = {node.id for node in ast.walk(loop.test) if isinstance(node, ast.Name)}
    return any(isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name)
               and statement.target.id in tested for statement in handler.body)


def _says_retry(call: ast.Call) -> bool:
    return bool(call.args) and bool(_RETRY_WORDS.search(_literal_text(call.args[0])))


def _logs_retry(statement: ast.stmt, ctx: FileContext) -> bool:
    """A statement of the loop's own body that logs the retry (``logger.warning(f"Retrying connection in
    {delay} seconds...")`` after the ``try``): the loop announces each attempt, the error line is one of them."""
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Call)
        and _says_retry(statement.value)
        and logging_call_kind(statement.value, ctx) is not None
    )


def _guards_catch_alls(attempt: ast.Try, ctx: FileContext) -> Optional[tuple[ProjectFact, ...]]:
    """The ``try`` guards only code that catches everything itself (:mod:`backend_lint.analysis.catch_all`):
    inner catch-all ``try`` blocks, calls of functions of the file whose body catches everything, and calls of
    functions of other modules of the project, which the project model must show do too. ``()``: decided in
    the file; the facts about the other modules' functions, all of which must hold; ``None``: something in
    the ``try`` may fail."""
    elsewhere: list[str] = []

    def delegated(call: ast.Call) -> bool:
        helper = called_function(call, ctx, ctx.scope)
        if isinstance(helper, Definition):
            node = helper.node
            return isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and lets_nothing_out(node)
        qualified = imported_qualified(ctx, call.func)
        if qualified is None or not ctx.module or qualified.partition(".")[0] != ctx.module.partition(".")[0]:
            return False
        elsewhere.append(qualified)
        return True

    if not covers_something(attempt.body, delegated):
        return None
    elsewhere.clear()
    if not shielded(attempt.body, delegated):
        return None
    return (catch_alls(elsewhere),) if elsewhere else ()


def _library_wrapper(attempt: ast.Try, handler: ast.ExceptHandler, call: ast.Call,
                     ctx: FileContext) -> tuple[ProjectFact, ...]:
    """The ``try`` is one call, with arguments that make no call, of a function another module of the project
    defines, and the log ``call`` carries the error: the finding holds unless that function is one library call
    (:func:`.handler_conditions.wraps_library_call`; askbot's ``decode_jwt(next_jwt)`` around PyJWT's
    ``jwt.decode``), the library's error that :func:`.library_calls.calls_outside_only` leaves alone when called
    here directly."""
    if len(attempt.body) != 1 or handler.name is None \
            or not any(mentions_name(argument, {handler.name}) for argument in call_arguments(call)):
        return ()
    statement = attempt.body[0]
    value = statement.value if isinstance(statement, (ast.Assign, ast.Return, ast.Expr)) else None
    wrapped = value.value if isinstance(value, ast.Await) else value
    if not isinstance(wrapped, ast.Call) or any(
        isinstance(part, ast.Call) for argument in call_arguments(wrapped) for part in ast.walk(argument)
    ):
        return ()
    qualified = imported_qualified(ctx, wrapped.func)
    package = ctx.module.partition(".")[0]
    if qualified is None or not package or qualified.partition(".")[0] != package:
        return ()
    return (wraps_library_call(qualified),)


def _input_schemas(attempt: Optional[ast.AST], handler: ast.ExceptHandler,
                   ctx: FileContext) -> Optional[tuple[ProjectFact, ...]]:
    """The ``try`` of an HTTP handler only reads the client's input and checks it, and the clause answers 400
    (:func:`.input_checks.checks_client_input`): ``()`` when that is settled in the file (no class built, or
    pydantic models of the file), the fact that the project's classes it builds are pydantic models, or ``None``
    (the ``try`` does more, or a class it builds cannot be read)."""
    if not isinstance(attempt, ast.Try):
        return None
    models = checks_client_input(attempt, handler, ctx)
    return schema_facts(ctx, models) if models is not None else None


def _while_raising(handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """The handler is inside another ``except`` of the same function that ends by raising: a secondary
    failure (reading the error body of a failed request) met while handling one that goes on, traceback
    included, to whoever handles it."""
    for scope in ctx.scope:
        if isinstance(scope.node, ast.ExceptHandler) and scope.node is not handler and _reraises(scope.node, ctx):
            return True
        if isinstance(scope.node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return False
    return False


_EXITS = frozenset({"exit", "_exit", "Abort", "Exit", "SystemExit"})


def _answers_with_flag(handler: ast.ExceptHandler, function: Optional[ast.AST]) -> bool:
    """The clause ends by setting a local to ``False`` that the function hands back (alone or in a tuple): the
    FAC's ``validate_uei_options`` trying ``.objects.get`` for the report an operator named, logging the error and
    answering ``ok_old_uei = False``. In a command's code the flag makes the command refuse, and the operator
    reads why at the terminal."""
    last = handler.body[-1] if handler.body else None
    if not (isinstance(last, ast.Assign) and len(last.targets) == 1 and isinstance(last.targets[0], ast.Name)
            and isinstance(last.value, ast.Constant) and last.value.value is False
            and isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))):
        return False
    flag = last.targets[0].id
    for node in own_nodes(function):
        if isinstance(node, ast.Return) and node.value is not None:
            values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
            if any(isinstance(value, ast.Name) and value.id == flag for value in values):
                return True
    return False


def _exits_the_program(handler: ast.ExceptHandler) -> bool:
    """The clause ends the program (``sys.exit(1)``, ``raise SystemExit``, ``raise click.Abort()``): the top-level
    error exit of a command."""
    last = handler.body[-1] if handler.body else None
    target = last.value if isinstance(last, ast.Expr) else last.exc if isinstance(last, ast.Raise) else None
    target = target.func if isinstance(target, ast.Call) else target
    name = target.attr if isinstance(target, ast.Attribute) else target.id if isinstance(target, ast.Name) else ""
    return name in _EXITS


class ErrorLogWithoutTraceback(Rule):
    code = "BE403"
    name = "error-log-without-traceback"
    message = "`{call}` in `except` drops the traceback; {advice}"
    fix_title = "Log the traceback with the error"
    fix_kind = Applicability.SAFE
    fix_node = "Call"
    triggers = ("except",)
    needs = (logging_call_kind, handler_records_traceback, reports_error_to_user, module_roles, origin,
             project_calls_in, does, in_cli_context, calls_outside_only, helper_of_commands, only_logs,
             hand_run_script, run_by_hand, unreferenced, is_retry_loop, checks_client_input, schema_models,
             one_shot_program)
    module_facts = (test_support,)
    options = (
        Option(
            "script-paths",
            list,
            ["scripts/", "bin/"],
            "folders of developer scripts: a program there (argparse, its command line) is run by hand, and its "
            "logged errors are read at the terminal that started it",
        ),
        Option(
            "narrow-handlers",
            bool,
            False,
            "also report handlers of named exception types (`except KeyError`), not only catch-alls",
        ),
    )

    @visits(ast.Call)
    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if type(func) is not ast.Attribute or func.attr not in _ERROR_METHODS:
            return
        handler = ctx.scope.except_handler
        if handler is None or _reraises(handler, ctx):
            return
        if not self.option("narrow-handlers") and not catches_any_exception(handler, ctx.imports.resolve):
            return
        if any(keyword.arg in (None, "exc_info") for keyword in node.keywords):
            return
        kind = logging_call_kind(node, ctx)
        if kind is None or handler_records_traceback(ctx, handler) or module_roles(ctx).for_tests:
            return
        if hand_run_script(ctx, self.option("script-paths")):
            return  # a developer's script run by hand: its operator reads the error at the terminal
        script = run_by_hand(ctx, ctx.scope, self.option("script-paths"))
        if script == ():
            return  # the main guard of a script run by hand: the same
        if _announced_retry(node, handler, ctx) or _retried_attempt(handler, ctx) or _while_raising(handler, ctx) \
                or reports_another_failure(ctx.scope.function):
            return  # a retry; a secondary failure met while another is handled
        attempt = ctx.parent_of(handler)
        if isinstance(attempt, ast.Try) and (vetoed_by_hook(attempt) or parses_one_value(attempt, ctx)):
            return  # an expected rejection; a text that does not parse
        if isinstance(attempt, ast.Try) and calls_outside_only(attempt, handler, node, ctx):
            return  # a library's or the OS's own error, logged with its message
        if isinstance(attempt, ast.Try) and only_logs(attempt, ctx):
            return  # nothing in the ``try`` but log lines: nothing to trace
        if reports_error_to_user(ctx, handler) or answers_client_error(handler):
            return  # a user's own error told back to them
        if tests_connection(ctx.scope.function, handler):
            return  # a test of the configured destination: its failure is the answer the user reads
        checked = _input_schemas(attempt, handler, ctx)
        if checked == ():
            return  # a ``try`` that only reads the client's input and checks it, answered 400: the client's error
        if isinstance(attempt, ast.Try) and reconnect_loop(attempt, handler, ctx):
            return  # a connection loop: the connection's own failure, and it connects again
        if _exits_the_program(handler) and (
            in_cli_context(ctx.scope, ctx) or helper_of_commands(ctx.scope.function, ctx)
        ):
            return  # a command's error exit: the operator reads the message at the terminal
        if _answers_with_flag(handler, ctx.scope.function) and (
            in_cli_context(ctx.scope, ctx) or helper_of_commands(ctx.scope.function, ctx) or management_commands(ctx)
        ):
            return  # a command checking what its operator asked for: the flag refuses, the message says why
        if ctx.scope.loops and records_failed_item(handler):
            return  # one item of a loop counted among the failed ones, handed back in the result
        if predicate_answer(handler, ctx):
            return  # ``is_safe_url`` answering False for a URL it cannot parse: the error is the answer
        guarded = _guards_catch_alls(attempt, ctx) if isinstance(attempt, ast.Try) else None
        wrapper = _library_wrapper(attempt, handler, node, ctx) if isinstance(attempt, ast.Try) else ()
        if guarded == ():
            return  # everything the ``try`` runs catches its own errors: the handler never runs
        receiver = _short(func.value)
        if func.attr == "error":
            advice = f"use `{receiver}.exception`"
        elif kind == LOGURU:
            advice = f"use `{receiver}.opt(exception=True)`"
        else:
            advice = "pass `exc_info=True`"
        if kind == GENERIC:  # a project's own logger: .exception() is the convention, exc_info= is not
            applicability = Applicability.UNSAFE if func.attr == "error" else Applicability.NONE
        elif origin(func.value, ctx) is None:  # ``self.logger`` set by a base class: probably stdlib
            applicability = Applicability.UNSAFE
        else:
            applicability = Applicability.SAFE
        self.report(
            ctx,
            node,
            applicability=applicability,
            fix_data=kind,
            call=f"{receiver}.{func.attr}",
            advice=advice,
            unless=(*(does(name, LOGS_TRACEBACK) for name in project_calls_in(ctx, handler)), *(guarded or ()),
                    *(script or ()),  # a function only a script's main guard reaches, unless imported elsewhere
                    *(one_shot_program(ctx) or ()),  # a program run by hand wherever it sits, unless imported
                    *wrapper, *(checked or ())),  # (the input built into pydantic models of the project)
        )

    def fix(self, finding: Finding, node: cst.CSTNode, fixer: FixContext) -> Optional[cst.CSTNode]:
        import libcst  # noqa: PLC0415 - fix path only

        from backend_lint.fixing.arguments import append_keyword  # noqa: PLC0415 - fix path only

        if not isinstance(node, libcst.Call) or not isinstance(node.func, libcst.Attribute):
            return None
        method = node.func.attr.value
        if method == "error":
            return node.with_changes(func=node.func.with_changes(attr=libcst.Name("exception")))
        if finding.fix_data == LOGURU:
            receiver = libcst.parse_expression(f"{fixer.code_for(node.func.value)}.opt(exception=True)")
            return node.with_changes(func=node.func.with_changes(value=receiver))
        return append_keyword(node, "exc_info", libcst.Name("True"))


def _short(receiver: ast.AST) -> str:
    """The receiver as written (``self.logger``), or ``logger`` when it is not a plain dotted name."""
    written = dotted_name(receiver)
    return written if written is not None and len(written) <= 40 else "logger"
