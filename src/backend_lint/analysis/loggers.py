"""Which calls are logging calls, and which module-level name is the module's logger.

A logger is known by how it was made (through :mod:`.values`): ``logging.getLogger(...)``, the ``logging``
module itself (the root logger), ``structlog.get_logger()`` and loggers bound from it, loguru's ``logger``.
``self.logger``/``self.log`` whose origin is unknown (set by a base class) also count, since that is how
classes hold loggers in practice. A name merely containing "log" does not.

Services often wrap their logging setup in a module of their own (``from app.core.logging import logger``,
``logger = get_logger(__name__)`` with ``get_logger`` imported from the project). Such a logger is
``generic``: the import analysis says it is an object named ``logger`` (or made by a ``get_logger``-style
factory), but not which library it belongs to, so rules check it and leave its fix alone (or weaken it).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import callee_name, response_call
from backend_lint.analysis.facts import file_fact, node_fact, reads
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.resolve import lookup
from backend_lint.analysis.values import origin

if TYPE_CHECKING:
    from backend_lint.context import FileContext

STDLIB = "stdlib"
ROOT = "root"
STRUCTLOG = "structlog"
LOGURU = "loguru"
GENERIC = "logger"
"""A project's own logger (imported by that name, or from a ``get_logger``-style factory): library unknown."""

LEVEL_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log", "msg", "trace",
     "success"}
)
_STDLIB_FACTORIES = ("logging.getLogger()", "logging.getLoggerClass()()", "logging.Logger()",
                     "logging.LoggerAdapter()",
                     # celery's task loggers and Flask's app logger are stdlib loggers
                     "celery.utils.log.get_task_logger()", "celery.utils.log.get_logger()",
                     "flask.current_app.logger", "flask.Flask().logger")
_STRUCTLOG_FACTORIES = ("structlog.get_logger()", "structlog.getLogger()", "structlog.stdlib.get_logger()",
                        "structlog.wrap_logger()",
                        # annotated parameters and attributes: ``log: structlog.stdlib.BoundLogger``
                        "structlog.stdlib.BoundLogger()", "structlog.BoundLogger()",
                        "structlog.typing.FilteringBoundLogger()", "structlog.types.FilteringBoundLogger()")
_STDLIB_KEYWORDS = frozenset({"exc_info", "stack_info", "stacklevel", "extra", "level", "msg"})
_SELF_LOGGER_ATTRIBUTES = frozenset({"logger", "log", "_logger", "_log", "LOGGER", "LOG"})
_PROJECT_LOGGER_NAMES = frozenset({"logger", "log", "_logger", "_log", "LOGGER", "LOG", "_LOGGER"})
_PROJECT_FACTORIES = frozenset({"get_logger", "getLogger", "get_task_logger", "create_logger", "make_logger",
                                "setup_logger", "init_logger", "build_logger", "configure_logger"})
_CHAINED = (".bind()", ".new()", ".getChild()", ".opt()", ".patch()")


@reads(origin, lookup)
def logger_kind(receiver: ast.AST, ctx: FileContext) -> Optional[str]:
    """``stdlib``, ``root``, ``structlog`` or ``loguru`` for an expression that is a logger, else ``None``."""
    made = origin(receiver, ctx)
    kind = _kind_of_origin(made) if made is not None else None
    if kind is not None:
        return kind
    if made is None and _flask_app_logger(receiver, ctx):
        return STDLIB
    if made is None and isinstance(receiver, ast.Name):
        chosen = _chosen_logger(receiver, ctx)
        if chosen is not None:
            return chosen
    if (
        isinstance(receiver, ast.Attribute)
        and isinstance(receiver.value, ast.Name)
        and receiver.value.id in ("self", "cls")
        and receiver.attr in _SELF_LOGGER_ATTRIBUTES
    ):
        # set by a base class (no origin): probably stdlib; made by something else here (a dataclass
        # ``field(default_factory=...)``, a project factory): a logger of an unknown library
        return STDLIB if made is None else GENERIC
    if made is None and isinstance(receiver, ast.Name) and (
        receiver.id in _PROJECT_LOGGER_NAMES or receiver.id.endswith("_logger")
    ):
        function = ctx.scope.function
        if function is not None and receiver.id in {arg.arg for arg in _parameters(function)}:
            return GENERIC  # a ``logger`` parameter: the caller's logger, library unknown
    return None


def _flask_app_logger(receiver: ast.AST, ctx: FileContext) -> bool:
    """``app.logger`` in a module that imports Flask, ``app`` being a parameter or a name whose origin is
    unknown (``def configure_plugins(app)``): Flask's application logger, a stdlib logger."""
    return (
        isinstance(receiver, ast.Attribute)
        and receiver.attr == "logger"
        and dotted_name(receiver.value) == "app"
        and any(qualified == "flask" or qualified.startswith("flask.") for qualified in ctx.imports.names.values())
    )


def _chosen_logger(name: ast.Name, ctx: FileContext) -> Optional[str]:
    """A local name of the function whose every assignment is a logger: ``_logger = get_run_logger(...)`` in
    one branch and ``_logger = self.logger`` in the other (``self.logger`` set by a base class has no origin).
    Loggers of different kinds give ``generic``."""
    function = ctx.scope.function
    found = lookup(name.id, ctx, ctx.scope) if function is not None else None
    if found is None or found[0].node is not function:
        return None
    bindings = found[1]
    values = bindings.assigned.get(name.id) or []
    if (
        not values
        or name.id in bindings.params
        or name.id in bindings.augmented
        or name.id in bindings.loop_targets
        or any(value is None or isinstance(value, ast.Name) for value in values)
    ):
        return None
    kinds = {logger_kind(value, ctx) for value in values if value is not None}
    if None in kinds:
        return None
    return kinds.pop() if len(kinds) == 1 else GENERIC


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> list[ast.arg]:
    arguments = function.args
    return [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]


def _kind_of_origin(made: str) -> Optional[str]:
    if made == "logging":
        return ROOT
    if made.startswith(_STDLIB_FACTORIES):
        return STDLIB
    if made.startswith(_STRUCTLOG_FACTORIES):
        return STRUCTLOG
    if made.startswith("loguru.logger"):
        return LOGURU
    return GENERIC if _is_project_logger(made) else None


def _is_project_logger(made: str) -> bool:
    """``app.core.logging.logger`` (an imported ``logger``), ``app.log.get_logger()`` and their ``.bind()``."""
    while made.endswith(_CHAINED):
        made = made[: made.rindex(".")]
    last = made.rpartition(".")[2]
    if last.endswith("()"):
        factory = last[:-2]
        # ``get_run_logger()``, ``make_logger()``, and a factory named for the logger it makes
        # (``flow_run_logger(flow_run)``, ``task_run_logger(task_run)``)
        named_for_it = factory.endswith("_logger") or (
            factory.startswith(("get_", "make_", "create_")) and factory.endswith("logger")
        )
        return (factory in _PROJECT_FACTORIES or named_for_it) and "." in made
    return (last in _PROJECT_LOGGER_NAMES or last.endswith("_logger")) and "." in made


@reads(logger_kind)
def logging_call_kind(call: ast.Call, ctx: FileContext) -> Optional[str]:
    """The logger kind when ``call`` is ``<logger>.<level method>(...)``, else ``None``.

    A call with a keyword a stdlib logger would reject (``bold=True``) is not a stdlib logging call: the
    receiver is some other logger-like object.
    """
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in LEVEL_METHODS:
        return None
    kind = logger_kind(func.value, ctx)
    if kind in (STDLIB, ROOT) and any(
        keyword.arg is not None and keyword.arg not in _STDLIB_KEYWORDS for keyword in call.keywords
    ):
        return None
    return kind


def message_argument(call: ast.Call) -> Optional[ast.expr]:
    """The message of a logging call: the first positional argument (the second for ``.log(level, msg)``)."""
    index = 1 if isinstance(call.func, ast.Attribute) and call.func.attr == "log" else 0
    if len(call.args) <= index or any(isinstance(arg, ast.Starred) for arg in call.args[: index + 1]):
        return None
    return call.args[index]


@file_fact()
def module_logger(ctx: FileContext) -> Optional[tuple[str, str]]:
    """``(name, kind)`` of the first module-level logger (``logger = logging.getLogger(__name__)``)."""
    for statement in ctx.tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            target, value = statement.target, statement.value
        else:
            continue
        if isinstance(target, ast.Name) and isinstance(value, ast.Call):
            callee = ctx.imports.resolve(value.func)
            kind = _kind_of_origin(f"{callee}()") if callee else None
            if kind in (STDLIB, STRUCTLOG):
                return target.id, kind
    if ctx.imports.resolve_name("logger") == "loguru.logger":
        return "logger", LOGURU
    return None


ROOT_CONFIGURERS = frozenset({"logging.basicConfig", "logging.config.dictConfig", "logging.config.fileConfig"})


@file_fact()
def configures_root_logger(ctx: FileContext) -> bool:
    """The file configures the root logger: it calls ``logging.basicConfig``, ``logging.config.dictConfig`` or
    ``fileConfig``, directly or through a function of its own that does (``configure_logging()`` defined in the
    file, one level): a program that owns the root logger and may log through it."""
    if not any(word in ctx.source for word in ("basicConfig", "dictConfig", "fileConfig")):
        return False
    configurers: set[str] = set()
    for node in ast.walk(ctx.tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
            isinstance(call, ast.Call) and ctx.imports.resolve(call.func) in ROOT_CONFIGURERS
            for call in ast.walk(node)
        ):
            configurers.add(node.name)
    for node in ast.walk(ctx.tree):
        if not isinstance(node, ast.Call):
            continue
        if ctx.imports.resolve(node.func) in ROOT_CONFIGURERS:
            if _inside_other_function(node, ctx, configurers):
                continue
            return True
        if isinstance(node.func, ast.Name) and node.func.id in configurers:
            return True
    return False


def _inside_other_function(call: ast.Call, ctx: FileContext, configurers: set[str]) -> bool:
    """The configuring call sits in a function of the file: it counts only where that function is called."""
    current = ctx.parent_of(call)
    while current is not None:
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return current.name in configurers
        current = ctx.parent_of(current)
    return False


@file_fact()
def import_time_calls(ctx: FileContext) -> tuple[str, ...]:
    """The qualified names of the imported functions the module calls in its own top-level statements
    (``log_file = configure_logging()``): a project function among them that configures the root logger
    (:func:`.project.conditions.does` ``configures-logging``) makes the module its owner, as a ``basicConfig``
    call of its own would."""
    names: list[str] = []
    for statement in ctx.tree.body:
        value = statement.value if isinstance(statement, (ast.Expr, ast.Assign, ast.AnnAssign)) else None
        if isinstance(value, ast.Await):
            value = value.value
        if isinstance(value, ast.Call) and isinstance(value.func, (ast.Name, ast.Attribute)):
            qualified = ctx.imports.resolve(value.func)
            if qualified and "." in qualified and not qualified.startswith("logging."):
                names.append(qualified)
    return tuple(names)


_ROOT_NAMES = (None, "", "root")


@file_fact()
def root_is_module_logger(ctx: FileContext) -> bool:
    """The module's own logger is the root logger: a module-level ``logger = logging.getLogger()`` (or
    ``getLogger(None)``, ``getLogger("")``). ``logging.info(...)`` there writes to the very logger the module chose;
    naming it one way or the other changes nothing."""
    if "getLogger" not in ctx.source:
        return False
    for statement in ctx.tree.body:
        value = statement.value if isinstance(statement, (ast.Assign, ast.AnnAssign)) else None
        if not isinstance(value, ast.Call) or ctx.imports.resolve(value.func) != "logging.getLogger":
            continue
        arguments = [*value.args, *(keyword.value for keyword in value.keywords if keyword.arg == "name")]
        if not arguments or (
            len(arguments) == 1 and isinstance(arguments[0], ast.Constant) and arguments[0].value in _ROOT_NAMES
        ):
            return True
    return False


_RECORDER_WORDS = ("exception", "capture", "record", "report")
_TRACEBACK_CALLS = frozenset({"traceback.format_exc", "traceback.print_exc", "traceback.format_exception",
                              "traceback.print_exception", "sentry_sdk.capture_exception"})


@node_fact(reads=(logging_call_kind,))
def handler_records_traceback(ctx: FileContext, handler: ast.ExceptHandler) -> bool:
    """The ``except`` clause already records the traceback somewhere: a ``.exception(...)`` call, a call
    with a true ``exc_info``/``exception=`` argument, ``traceback.format_exc()`` (unless its text only goes back
    to the client: :func:`_only_answered`) or Sentry's
    ``capture_exception``, or the exception object itself handed to a recorder (``self.handle_exception(exc)``,
    ``span.record_exception(exc)``: its ``__traceback__`` goes with it), or kept for later: assigned to an
    attribute or an item (kolibri's import job setting ``self.exception = e`` and raising it from ``run()``, where
    the job runner records it) or handed to a future (``future.set_exception(exc)``, raised where it is awaited).
    A further ``logger.error`` line in it is a follow-up, not a lost traceback."""
    return _keeps(handler) or any(
        (records_traceback(node, ctx) and not _only_answered(node, handler, ctx)) or _hands_on(node, handler.name)
        for node in _handler_calls(handler)
    )


def _only_answered(call: ast.Call, handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """``traceback.format_exc()`` whose text goes only into the answer to the client (``JSONResponse({"error":
    traceback.format_exc()})``, ``raise HTTPException(500, detail=tb)``, ``return {"trace": tb}``), directly or
    through a local: the operator's log never sees the stack, so it records nothing (that leak is BE304's)."""
    if ctx.imports.resolve(call.func) not in _TRACEBACK_CALLS:
        return False
    parents = {child: node for node in ast.walk(handler) for child in ast.iter_child_nodes(node)}
    pending: list[ast.AST] = [call]
    seen: set[str] = set()
    while pending:
        node = pending.pop()
        parent = parents.get(node)
        while parent is not None and not isinstance(parent, ast.stmt) \
                and not (isinstance(parent, ast.Call) and _answer_call(parent)):
            node, parent = parent, parents.get(parent)
        if isinstance(parent, (ast.Call, ast.Return, ast.Raise)):
            continue  # into a response, a returned answer or a raised HTTP error
        if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1
                and isinstance(parent.targets[0], ast.Name) and node is parent.value):
            return False  # logged, stored, printed, handed on
        name = parent.targets[0].id
        if name not in seen:  # ``tb = traceback.format_exc()``: where does ``tb`` go?
            seen.add(name)
            uses = [use for use in ast.walk(handler)
                    if isinstance(use, ast.Name) and use.id == name and isinstance(use.ctx, ast.Load)]
            if not uses:
                return False
            pending.extend(uses)
    return True


def _answer_call(call: ast.Call) -> bool:
    """A response constructor or an HTTP exception: ``JSONResponse(...)``, ``jsonify(...)``, ``HTTPException``."""
    return response_call(call) or callee_name(call).endswith("HTTPException") or callee_name(call) == "abort"


def _keeps(handler: ast.ExceptHandler) -> bool:
    """The clause stores the caught exception itself (``self.exception = e``, ``errors[key] = e``): the object,
    traceback included, outlives the clause for the code that raises or reports it later. A copy of its text
    (``self.error = str(e)``) keeps no stack and does not count."""
    caught = handler.name
    if caught is None:
        return False
    stack: list[ast.AST] = list(handler.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and node.value.id == caught \
                and any(isinstance(target, (ast.Attribute, ast.Subscript)) for target in node.targets):
            return True
        stack.extend(child for child in ast.iter_child_nodes(node) if isinstance(child, ast.stmt))
    return False


def _hands_on(call: ast.Call, caught: Optional[str]) -> bool:
    """``record_exception(exc)``, ``self.handle_exception(exc, ...)``, ``report_error(exc)``."""
    if caught is None or not any(isinstance(arg, ast.Name) and arg.id == caught for arg in call.args):
        return False
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return any(word in name.lower() for word in _RECORDER_WORDS)


def _handler_calls(handler: ast.ExceptHandler) -> Iterator[ast.Call]:
    stack: list[ast.AST] = list(handler.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Call):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def records_traceback(call: ast.Call, ctx: FileContext) -> bool:
    """``call`` records the exception being handled with its stack: ``logger.exception(...)``, a true
    ``exc_info=``/``exception=``, ``traceback.format_exc()``, Sentry's ``capture_exception()``."""
    if isinstance(call.func, ast.Attribute) and call.func.attr == "exception":
        return logging_call_kind(call, ctx) is not None  # not ``future.exception()``
    for keyword in call.keywords:
        if keyword.arg in ("exc_info", "exception") and not (
            isinstance(keyword.value, ast.Constant) and not keyword.value.value
        ):
            return True
    return ctx.imports.resolve(call.func) in _TRACEBACK_CALLS


@node_fact(reads=(logging_call_kind,))
def body_logs(ctx: FileContext, statement: ast.AST) -> bool:
    """The body of a ``try`` or a function makes a logging call (nested functions and classes left out). A
    ``try`` that logs has handlers that run when logging itself failed; a function that logs knows its
    logger, so a message it writes to stderr by hand instead is a slip."""
    stack: list[ast.AST] = list(getattr(statement, "body", []))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Call) and logging_call_kind(node, ctx) is not None:
            return True
        stack.extend(ast.iter_child_nodes(node))
    return False
