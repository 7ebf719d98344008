"""BE401 print-in-backend-code: ``print`` in service code, where output belongs in structured logs.

A service's stdout is not a log: ``print`` has no level, no logger name, no timestamp or request context, ignores
the logging configuration and is lost or interleaved under a process manager. Command line code is left alone: ``if
__name__ == "__main__":`` blocks, click/typer commands and invoke/Fabric tasks, functions that parse their own
arguments, CLI modules (:func:`.entrypoints.cli_module`), paths in ``script-paths``, and modules whose role is not
serving (tests, test support, migrations, a folder of numbered migration scripts included, and functions with the
``RunPython`` signature, examples). So are prints
that are terminal output by their own form: under a Django ``verbosity`` check or a check of the log format
(``if LOG_FORMAT != "json":``: a start-up banner for plain-text logs), in a function named for printing
(``print_*``, ``dump_*``) or in a ``StdOut``/``StdErr`` writer, in a function that prompts the user, building a
terminal line (``end=""``, an empty ``print()``), coloured for a terminal (colorama, ``click.style``), writing to a
stream the caller chose (``file=fh``) or into ``redirect_stdout``'s buffer, a fatal notice the block ends the
process after (``sys.exit``, the builtin ``exit``), or the fallback in an ``except`` whose ``try`` was logging.
A shadowed ``print`` (a local function or import of that name) is not the builtin and is not flagged. A
module-level function that only the module's main guard reaches is the program's code too, unless the project
model sees another module reach it (:func:`~.project.conditions.unimported_function`, decided per function; for a
function run as one command the process exits after, :func:`~.project.conditions.unimported_outside_tests`: a test
importing it runs the command under pytest, not in the service); so is
a function or method only command line code reaches (:func:`~.project.conditions.cli_only`: every module naming it
is one, and so is every caller in its own module); and
a coroutine of a client SDK kept in an ``sdk``/``sdks`` folder above its import root runs in its user's script,
not in the service. An example app (``examples/webhook-demo/app.py``) that uses no logging at all prints its
trace for whoever runs it. Nor is a print in a file the project's own ruff or flake8 configuration allows prints in
(``ignore = ["T201"]``, a ``per-file-ignores`` glob naming ``T20``: :func:`~.project.app_conditions.lint_allows_print`).

By default (``service-evidence``) what is left is reported only where the file shows that a service runs it
(:func:`.service_code.in_service_code`): judged on real code, every other print was far more often a display
utility, a vendored script or a management command's progress than a service's missing log line (30 % precise).
An error written to ``sys.stderr`` beside a logger is no evidence either: judged on real code it was a deliberate
channel (nautobot's cleanup jobs send their non-verbose summaries to stderr, and their tests assert it).
Where that evidence is weaker than a module of HTTP handlers or a coroutine (the event loop of a service; a
client SDK's coroutines are left alone below): a task, a serving class's method, a template tag, the print must
also show it is a log line gone astray (:mod:`.stray_log_lines`): the code beside
it logs, it reports a caught error or a failure, or it dumps values with no words; judged on applications the
rules had never seen, the other prints there were deliberate output as often as not.
``service-evidence = false`` keeps the wider rule for users who want it.

The fix turns the call into a lazy call on the module logger (added when the module has none):
``print(f"order {oid} paid")`` becomes ``logger.info("order %s paid", oid)``; ``file=sys.stderr`` logs at
``error``. Calls whose output cannot be reproduced exactly (``sep=``, ``end=``, ``flush=``, another
``file=``, ``*args``, a format spec ``%`` cannot express) get no fix.
"""

from __future__ import annotations

import ast
import os
from functools import lru_cache
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import next_statement, statement_nodes, under_if
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.entrypoints import PROMPTS, in_cli_context, terminal_use
from backend_lint.analysis.fix_logger import logger_for_fix
from backend_lint.analysis.hand_run_scripts import guard_only_functions
from backend_lint.analysis.loggers import LOGURU, ROOT_CONFIGURERS, STRUCTLOG, body_logs, module_logger
from backend_lint.analysis.messages import STDLIB, print_pieces, render_log_call, source_text
from backend_lint.analysis.module_roles import module_roles
from backend_lint.analysis.node_index import node_index
from backend_lint.analysis.output_switches import debug_switch, opt_in_parameter, print_mode, reads_verbosity
from backend_lint.analysis.project.app_conditions import lint_allows_print, print_convention, task_stdout_logged
from backend_lint.analysis.project.conditions import (
    ProjectFact,
    cli_module,
    cli_only,
    test_support,
    unimported_function,
    unimported_outside_tests,
)
from backend_lint.analysis.project.roots import path_in_project, project_root
from backend_lint.analysis.resolve import lookup
from backend_lint.analysis.secret_names import split_identifier
from backend_lint.analysis.service_code import in_service_code, outside_service_code, serves_requests
from backend_lint.analysis.startup_hooks import defined_name
from backend_lint.analysis.stray_log_lines import beside_logging, dumps_values, reports_failure
from backend_lint.context import FileContext
from backend_lint.finding import Applicability, Finding
from backend_lint.noqa import reviewed_by_peer
from backend_lint.rule import Option, Rule, visits

if TYPE_CHECKING:
    import libcst as cst

    from backend_lint.fixing.context import FixContext

_ANY_LOGGER = frozenset({STDLIB, STRUCTLOG, LOGURU})
"""Loggers the fix can write a call to (the message is rendered for each kind)."""

_PRINT_CODES = frozenset({"T201", "T203"})
"""ruff's and flake8-print's codes for ``print`` and ``pprint``: a ``# noqa`` naming one (or their prefix
``T20``/``T2``) on the call's lines is a reviewer's decision to keep the print."""

_COLOUR_MODULES = ("colorama.", "termcolor.", "colored.", "blessings.", "blessed.")
_COLOUR_FUNCTIONS = frozenset({"click.style", "typer.style"})
_ANSI = "\x1b["
"""Where terminal colour codes come from: text built with them is meant for a terminal."""
_LEVEL_FOR_STREAM = {"sys.stdout": "info", "sys.stderr": "error"}
_PRINTING_FUNCTIONS = ("print", "dump")
_NAME_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.Module)
"""First words of a function name that make printing its job (``print_banner``, ``_dump_option_struct``)."""
_STREAM_WORDS = frozenset({"stdout", "stderr"})
"""Words of a class or function name that make it a writer to the terminal (``StdOutEventLogger``)."""


def _is_builtin_print(ctx: FileContext) -> bool:
    if "print" in ctx.imports.names:
        return False
    for scope in ctx.scope:
        node = scope.node  # a def, lambda or module binds names its code sees; a class body does not
        if isinstance(node, _NAME_SCOPES) and bindings_of(ctx, node).binds("print"):
            return False
    return True


def _terminal_form(call: ast.Call, ctx: FileContext) -> bool:
    """The call itself is terminal output rather than a log line: an empty ``print()``, ``end=`` continuing a
    line (a progress bar, "Applying migration... OK"), or ``file=`` a stream other than stdout/stderr (a file
    or a stream the caller passed in: writing output, not logging)."""
    if not call.args and not call.keywords:
        return True
    if any(_coloured(arg, ctx) for arg in call.args) or _prints_banner(call):
        return True
    for keyword in call.keywords:
        if keyword.arg == "end" and not (
            isinstance(keyword.value, ast.Constant)
            and (keyword.value.value is None or str(keyword.value.value).endswith("\n"))
        ):
            return True
        if keyword.arg == "file" and not _standard_stream(keyword.value, ctx):
            return True
    return False


def _prints_banner(call: ast.Call) -> bool:
    """The first thing printed is named a banner (``print(APP_STARTED_BANNER_MSG, flush=True)``,
    ``print(info.get_finished_banner())``): a start-up or shut-down banner is drawn for whoever watches the
    console, not a log line (osparc's services, seed 132)."""
    first = call.args[0] if call.args else None
    if isinstance(first, ast.Call):
        first = first.func
    name = first.id if isinstance(first, ast.Name) else first.attr if isinstance(first, ast.Attribute) else ""
    return "banner" in split_identifier(name)


def _coloured(arg: ast.expr, ctx: FileContext) -> bool:
    """The text carries terminal colour codes (``f"{Fore.RED}ERROR ...{Style.RESET_ALL}"``,
    ``click.style(...)``, ``termcolor.colored(...)``): its form is for a terminal, not a log. The parts looked
    at are the argument itself, the values of an f-string and the operands of ``+``. Raw ANSI escape sequences
    written into the text (``"\\033[35m>>> ..."``, in a constant, an f-string, a ``%`` or ``.format`` template)
    are colour codes too."""
    if isinstance(arg, ast.Constant):
        return isinstance(arg.value, str) and _ANSI in arg.value
    if isinstance(arg, ast.JoinedStr):
        return any(
            _coloured(part.value if isinstance(part, ast.FormattedValue) else part, ctx) for part in arg.values)
    if isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Add):
        return _coloured(arg.left, ctx) or _coloured(arg.right, ctx)
    if isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Mod):
        return _coloured(arg.left, ctx)
    if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr == "format":
        return _coloured(arg.func.value, ctx)
    target = arg.func if isinstance(arg, ast.Call) else arg
    qualified = ctx.imports.resolve(target) or ""
    return qualified.startswith(_COLOUR_MODULES) or qualified in _COLOUR_FUNCTIONS


def _standard_stream(stream: ast.expr, ctx: FileContext) -> bool:
    """``sys.stdout``, ``sys.stderr`` or ``None`` (which means stdout)."""
    return (isinstance(stream, ast.Constant) and stream.value is None) or (
        ctx.imports.resolve(stream) in _LEVEL_FOR_STREAM
    )


def _terminal_context(call: ast.Call, ctx: FileContext) -> bool:
    """Where the call sits makes it terminal output: a ``verbosity`` check, a function named for printing or
    prompting the user, a stdout writer class, or the fallback of a ``try`` that was logging."""
    for scope in ctx.scope:
        if isinstance(scope.node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            name = scope.node.name
            if any(word in name.lower() for word in _STREAM_WORDS):
                return True
    function = ctx.scope.function
    if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
        function.name.lstrip("_").startswith(_PRINTING_FUNCTIONS) or PROMPTS in terminal_use(ctx, function)
    ):
        return True
    handler = ctx.scope.except_handler
    if handler is not None:
        statement = ctx.parent_of(handler)
        if isinstance(statement, ast.Try) and body_logs(ctx, statement):
            return True
    return _in_terminal_block(call, ctx) or _before_exit(call, ctx) or _function_exits(call, ctx) \
        or _before_logging_setup(call, ctx) or under_if(call, ctx.parent_of, debug_switch) \
        or under_if(call, ctx.parent_of, lambda test: opt_in_parameter(test, ctx.scope.function)) \
        or under_if(call, ctx.parent_of, lambda test: print_mode(test, ctx.scope.functions))


_EXITS = frozenset({"sys.exit", "os._exit"})
_BUILTIN_EXITS = frozenset({"exit", "quit"})
"""The site builtins that raise ``SystemExit`` like ``sys.exit`` (``exit(-1)`` after a fatal notice)."""
_LOGGING_MODULES = frozenset({"logging", "structlog", "loguru"})
_LOGGING_SETUP_WORDS = ("basicConfig", "dictConfig", "fileConfig")
"""The calls that configure the root logger: a print at import above one runs before logging exists."""
_REDIRECTS = frozenset({"contextlib.redirect_stdout", "contextlib.redirect_stderr"})


def _in_terminal_block(node: ast.AST, ctx: FileContext) -> bool:
    """Inside an ``if`` whose test reads a verbosity level (``if verbosity >= 2:``, ``self.verbosity``,
    ``options["verbosity"]``): Django's convention for what ``migrate`` and management commands print. Or
    inside ``with redirect_stdout(buffer):``: the text goes to the buffer the code reads back (archivebox
    shows an ``add`` command's output on the page), not to the service's stdout."""
    child, current = node, ctx.parent_of(node)
    while current is not None and not isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        if isinstance(current, ast.If) and child is not current.test and reads_verbosity(current.test):
            return True
        if isinstance(current, (ast.With, ast.AsyncWith)) and _redirects_stdout(current, child, ctx):
            return True
        child, current = current, ctx.parent_of(current)
    return False


def _redirects_stdout(block: ast.With | ast.AsyncWith, child: ast.AST, ctx: FileContext) -> bool:
    """``child`` is in the body of ``with contextlib.redirect_stdout(...)`` (or ``redirect_stderr``)."""
    return child in block.body and any(
        isinstance(item.context_expr, ast.Call) and ctx.imports.resolve(item.context_expr.func) in _REDIRECTS
        for item in block.items
    )


def _before_exit(call: ast.Call, ctx: FileContext) -> bool:
    """The print is a fatal notice: a later statement of its block ends the process (``sys.exit(6)``,
    ``os._exit``, ``raise SystemExit``). calibre-web prints "dataclasses is needed ... please install it" and
    exits at import time: text for whoever started the program, on the console it is watching."""
    statement = ctx.parent_of(call)
    block = ctx.parent_of(statement) if isinstance(statement, ast.Expr) else None
    if block is None:
        return False
    for field in ("body", "orelse", "finalbody"):
        statements = getattr(block, field, None)
        if isinstance(statements, list) and statement in statements:
            return any(_exits(later, ctx) for later in statements[statements.index(statement) + 1:])
    return False


def _function_exits(call: ast.Call, ctx: FileContext) -> bool:
    """The print's path goes on to end the process: a statement after it, in its block or an enclosing block of
    its function, holds a ``sys.exit``, ``os._exit``, ``raise SystemExit`` or the builtin ``exit``, and no
    ``return`` or ``raise`` before it leaves first. A fatal check of the program's start-up (linotp's
    ``check_directories`` prints each missing directory in a loop, then "This is a fatal condition, aborting." and
    exits, before logging is set up): no request or job path ends the process, and where nothing runs yet the
    terminal is the only channel that works."""
    if not isinstance(ctx.scope.function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    child: ast.AST = call
    parent = ctx.parent_of(child)
    while parent is not None and not isinstance(parent, (ast.Lambda, ast.ClassDef, ast.Module)):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(parent, field, None)
            if not isinstance(block, list) or child not in block:
                continue
            for later in block[block.index(child) + 1:]:
                if any(isinstance(node, ast.stmt) and _exits(node, ctx) for node in statement_nodes([later])):
                    return True
                if isinstance(later, (ast.Return, ast.Raise, ast.Continue, ast.Break)):
                    return False
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
            break
        child, parent = parent, ctx.parent_of(parent)
    return False


def _before_logging_setup(call: ast.Call, ctx: FileContext) -> bool:
    """A print at import (a statement of the module itself) that a later statement of the module follows by
    configuring the root logger (``logging.basicConfig``, ``dictConfig``, ``fileConfig``): a start-up banner
    printed once per process before logging exists (openreplay's ``print(f">Loglevel set to: {loglevel}")`` on the
    line above ``logging.basicConfig(level=loglevel)``), where a logger call would be dropped or would configure
    the root logger itself first. A print after the set-up, or in a function, stays checked."""
    statement = ctx.parent_of(call)
    if ctx.scope.function is not None or not isinstance(statement, ast.Expr) or statement not in ctx.tree.body:
        return False
    if not any(word in ctx.source for word in _LOGGING_SETUP_WORDS):
        return False
    later = ctx.tree.body[ctx.tree.body.index(statement) + 1:]
    return any(
        isinstance(node, ast.Call) and ctx.imports.resolve(node.func) in ROOT_CONFIGURERS
        for node in statement_nodes(later)
    )


def _exits(statement: ast.stmt, ctx: FileContext) -> bool:
    if isinstance(statement, ast.Raise) and statement.exc is not None:
        raised = statement.exc.func if isinstance(statement.exc, ast.Call) else statement.exc
        return isinstance(raised, ast.Name) and raised.id == "SystemExit"
    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
        return False
    func = statement.value.func
    if ctx.imports.resolve(func) in _EXITS:
        return True
    # the builtin ``exit``/``quit``: a bare name that nothing in the file binds
    return isinstance(func, ast.Name) and func.id in _BUILTIN_EXITS and lookup(func.id, ctx, ctx.scope) is None


def _example_without_logging(ctx: FileContext) -> bool:
    """An example shipped for users to run and read (:mod:`.module_roles`: ``examples/webhook-demo/app.py``)
    that uses no logging at all: no logging library imported, no logger made. Its prints are the demo's trace on
    the terminal of whoever started it; with no logging configured a ``logger.info`` would show nothing. An
    example that logs elsewhere in the module has a log to write to, and its prints stay flagged."""
    if not module_roles(ctx).example or module_logger(ctx) is not None:
        return False
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.Import) and any(alias.name.partition(".")[0] in _LOGGING_MODULES
                                                for alias in node.names):
            return False
        if isinstance(node, ast.ImportFrom) and (node.module or "").partition(".")[0] in _LOGGING_MODULES:
            return False
    return True


def _program_only(ctx: FileContext) -> tuple[ProjectFact, ...]:
    """The print is in a module-level function that only the module's main guard reaches (through ``main()`` and
    the functions only it calls, :func:`.hand_run_scripts.guard_only_functions`): the program's terminal output
    when the file runs as a command, unless another module imports the function (the project fact returned). A test
    importing a function that every call in the module runs as one command, the process exiting right after
    (``show_status_cli()`` then ``sys.exit()``: the ``--status`` option of CAPEv2's ``utils/dist.py``, imported by
    ``tests/test_dist_db.py``, seed 135), does not count: it runs the command under pytest. A function the program's
    long-running part reaches (a thread of the daemon the same ``main()`` starts) keeps the test as a reader."""
    outer = next((function for function in ctx.scope.functions if function in ctx.tree.body), None)
    if not isinstance(outer, (ast.FunctionDef, ast.AsyncFunctionDef)) or not ctx.module \
            or outer.name not in guard_only_functions(ctx):
        return ()
    qualified = f"{ctx.module}.{outer.name}"
    command = _runs_as_command(outer.name, ctx)
    return (unimported_outside_tests(qualified) if command else unimported_function(qualified),)


def _runs_as_command(name: str, ctx: FileContext) -> bool:
    """Every call of the module's function ``name`` is a statement whose next statement ends the process
    (``register_node_cli(...)`` then ``sys.exit()``): a command the program runs once and exits after."""
    index = node_index(ctx)
    calls = [node for node in index.of(ast.Call) if isinstance(node.func, ast.Name) and node.func.id == name]
    if not calls:
        return False
    for call in calls:
        statement = index.parent(call)
        following = next_statement(statement, index.parent, through_ifs=0) \
            if isinstance(statement, ast.Expr) else None
        if following is None or not _exits(following, ctx):
            return False
    return True


def _command_code(ctx: FileContext) -> tuple[ProjectFact, ...]:
    """The print is in a module-level function or a method of a module-level class: the project fact that only
    command line code reaches it (nutshell's ``Wallet.restore_tokens_for_keyset``, whose prints are the progress
    of the CLI's ``restore`` command), which makes the print that command's terminal output."""
    name = defined_name(ctx)
    return (cli_only(name),) if name is not None else ()


def _lint_decision(ctx: FileContext) -> tuple[ProjectFact, ...]:
    """The project's own ruff or flake8 configuration allows prints in this file (it ignores ``T201`` for every
    file or for a per-file glob that matches it): a decision the maintainers wrote down, decided by the project
    model from the file's path below the project root (:func:`~.project.app_conditions.lint_allows_print`)."""
    relative = path_in_project(ctx.display_path)
    return (lint_allows_print(relative),) if relative is not None else ()


_CONVENTION = print_convention()
_TASK_STDOUT = task_stdout_logged()
_CELERY_DECORATORS = frozenset({"shared_task", "task", "periodic_task"})


def _celery_task(ctx: FileContext) -> bool:
    """The print runs in a Celery task: a function of its scope chain is decorated ``@shared_task``,
    ``@app.task(...)`` or ``@periodic_task`` in a module that imports Celery (or resolved to ``celery.``). Its
    stdout is the worker's, which Celery can send into logging (:func:`~.project.app_conditions.task_stdout_logged`)."""
    celery = ctx.imports.imports_module("celery")
    for function in ctx.scope.functions:
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for decorator in function.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if not isinstance(target, (ast.Name, ast.Attribute)):
                continue
            written = target.id if isinstance(target, ast.Name) else target.attr
            if written in _CELERY_DECORATORS and (celery or (ctx.imports.resolve(target) or "").startswith("celery.")):
                return True
    return False


_SDK_FOLDERS = frozenset({"sdk", "sdks"})
_CLIENT_WORDS = frozenset({"sdk", "sdks", "client"})
_PACKAGING = ("pyproject.toml", "setup.py", "setup.cfg")
"""Folders of a repository that hold client libraries of the service, shipped for its users (``sdks/python/``)."""


def _client_library(ctx: FileContext) -> bool:
    """The module belongs to a client SDK, a distribution of its own kept in an ``sdk``/``sdks`` folder of the
    repository (the folder lies above the module's import root: ``sdks/python/agenta/sdk/managers/testsets.py``
    is ``agenta.sdk.managers.testsets``; a ``sdk`` package inside the service, ``skyvern.forge.sdk``, does not
    count), and the only evidence that a service runs the code is ``async def``: a client's coroutine runs in its
    user's script or notebook. A handler, a task or a serving class there is still service code."""
    if not ctx.module:
        return False
    parts = ctx.display_path.replace("\\", "/").split("/")
    package_folders = ctx.module.count(".") + (parts[-1] == "__init__.py")  # folders the dotted name spells
    above_root = parts[: max(0, len(parts) - 1 - package_folders)]
    return (any(folder in _SDK_FOLDERS for folder in above_root) or _client_distribution(ctx)) \
        and not in_service_code(ctx, coroutines=False)


def _client_distribution(ctx: FileContext) -> bool:
    """The module's project (its nearest ``pyproject.toml``/``setup.py``/``setup.cfg``) is a distribution named
    for a client library: its folder's words hold ``client`` or ``sdk`` (``packages/phoenix-client/``,
    ``clients/python-sdk/``), and the module lies below it. A client package inside the service's own
    distribution (``app/clients/github.py``) is not one: its project root is the service's; nor is a repository
    named so without a larger one around it (:func:`_nested_distribution`)."""
    if ctx.display_path in ("", "-"):
        return False
    root = project_root(os.path.abspath(ctx.display_path))
    return bool(_CLIENT_WORDS & set(split_identifier(os.path.basename(root)))) and _nested_distribution(root)


@lru_cache(maxsize=256)
def _nested_distribution(root: str) -> bool:
    """A folder above ``root`` (up to four) holds packaging of its own: ``root`` is a distribution kept inside a
    larger repository (the service's), not the repository itself."""
    folder = os.path.dirname(root)
    for _level in range(4):
        if any(os.path.isfile(os.path.join(folder, marker)) for marker in _PACKAGING):
            return True
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return False


def _stray_log_line(call: ast.Call, ctx: FileContext) -> bool:
    """The print is a log line gone astray by the code itself (:mod:`.stray_log_lines`): the code beside it
    logs, it reports a caught error or a failure, or it dumps values with no words."""
    return beside_logging(ctx) or reports_failure(call, ctx) or dumps_values(call)


def _level(call: ast.Call, ctx: FileContext) -> Optional[str]:
    """The log level the fix uses, or ``None`` when the call has an argument the fix cannot keep."""
    level: Optional[str] = "info"
    for keyword in call.keywords:
        if keyword.arg != "file":
            return None  # sep=, end=, flush= or **kwargs change what is written
        level = _LEVEL_FOR_STREAM.get(ctx.imports.resolve(keyword.value) or "")
        if level is None:
            return None
    return level


class PrintInBackendCode(Rule):
    code = "BE401"
    name = "print-in-backend-code"
    message = "`print` in backend code; log through the module logger"
    fix_title = "Replace `print` with a module logger call"
    fix_kind = Applicability.UNSAFE
    fix_node = "Call"
    triggers = ("print",)
    needs = (
        in_cli_context, terminal_use, outside_service_code, body_logs, in_service_code, serves_requests,
        module_logger, bindings_of, logger_for_fix, guard_only_functions, unimported_function, module_roles,
        unimported_outside_tests, node_index,
        lint_allows_print, print_convention, task_stdout_logged, beside_logging, reports_failure, cli_only,
    )
    module_facts = (cli_module, test_support)
    options = (
        Option(
            "script-paths",
            list,
            ["scripts/", "bin/", "manage.py", "setup.py", "management/commands/"],
            "paths of command line scripts, where printing is expected (folders end in '/', globs allowed)",
        ),
        Option(
            "service-evidence",
            bool,
            True,
            "report a print only where the file shows a service runs it (a module with HTTP handlers, a task, a "
            "coroutine, a view or serializer method, a template tag)",
        ),
    )

    @visits(ast.Call)
    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if type(func) is not ast.Name or func.id != "print":
            return
        if ctx.is_test_file or ctx.path_matches(self.option("script-paths")):
            return
        if not _is_builtin_print(ctx) or outside_service_code(ctx) or in_cli_context(ctx.scope, ctx):
            return
        if _example_without_logging(ctx):
            return
        if _terminal_form(node, ctx) or _terminal_context(node, ctx):
            return
        if reviewed_by_peer(ctx.lines, node.lineno, node.end_lineno or node.lineno, _PRINT_CODES, frozenset()):
            return  # a peer's T201 suppressed on the line: the project lints prints and kept this one
        if self.option("service-evidence") and not in_service_code(ctx):
            return
        if (self.option("service-evidence") and not serves_requests(ctx) and not ctx.scope.in_async_function
                and not _stray_log_line(node, ctx)):
            return  # weaker evidence of a service (a task, a template tag) needs a log line's own
        if self.option("service-evidence") and ctx.scope.function is not None and _client_library(ctx):
            return  # a coroutine of a client SDK: run in its user's script or notebook, not by the service
        program = _program_only(ctx)
        level = _level(node, ctx)
        logger = module_logger(ctx)
        kind = logger[1] if logger else STDLIB
        fixable = (
            level is not None
            and logger_for_fix(node, ctx, _ANY_LOGGER) is not None
            and not ctx.comment_inside(node)
            and node.args
            and (pieces := print_pieces(node.args)) is not None
            and render_log_call("logger", level, pieces, kind, ast.unparse) is not None
        )
        self.report(
            ctx, node,
            applicability=Applicability.SAFE if fixable else Applicability.NONE,
            fix_data=level,
            # only the module's main guard reaches the function, unless another module imports it; or only
            # command line code reaches it; or the
            # project's linter configuration allows prints in the file
            # project; or the project prints its log by design (it logs nowhere); or a Celery task's print in a
            # project that sends its workers' stdout into logging
            unless=(*program, *_command_code(ctx), *_lint_decision(ctx), _CONVENTION,
                    *((_TASK_STDOUT,) if _celery_task(ctx) else ())),
        )

    def fix(self, finding: Finding, node: cst.CSTNode, fixer: FixContext) -> Optional[cst.CSTNode]:
        import libcst  # noqa: PLC0415 - fix path only

        if fixer.has_comments(node):
            return None
        parsed = fixer.call_of(node)
        if parsed is None or not finding.fix_data:
            return None
        code, call = parsed
        pieces = print_pieces(call.args)
        if pieces is None:
            return None
        existing = fixer.module_logger(create=False)
        kind = existing[1] if existing else STDLIB
        if render_log_call("logger", finding.fix_data, pieces, kind, ast.unparse) is None:
            return None
        logger = fixer.module_logger()
        if logger is None:
            return None
        rendered = render_log_call(logger[0], finding.fix_data, pieces, logger[1], source_text(code))
        return libcst.parse_expression(rendered) if rendered else None
