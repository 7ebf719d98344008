"""Code that runs as a command line program, where printing to the terminal is the point.

A function is a CLI entry point when it is a click command or group, a typer command, an invoke or Fabric task
(``@task`` from ``invoke``/``fabric``: a command of the ``invoke``/``fab`` program, not a job queue's task), or
decorated by the module's own spelling of one of these (a function applying ``invoke.task`` to what it is given,
an alias, a ``functools.partial``: :func:`_wraps_cli_decorator`), or it parses its own arguments (calls
``parse_args``/``parse_known_args``, as an argparse ``main()`` does; not in a file that uses Flask-RESTful's
request parser, whose ``parse_args()`` reads the request), or the module hands it to an argparse sub-command
(``parser.set_defaults(func=run)``: wazuh's ``engine_metrics/cmds/dashboard.py``, whose ``run`` starts a local
dashboard and prints its status to the terminal of whoever ran the command). Code inside
``if __name__ == "__main__":`` runs only as a script, and so does the module-level ``main()`` that block calls
(the conventional name of a script's body). A helper function in the same module that is none of
these is ordinary code: it may be imported by the service (:func:`helper_of_commands` says when only the
commands of its module call it, for a rule that also sees the helper end the program, which no service does).

A whole module is command line code when the file itself says so (:func:`cli_module`): it is a package's
``__main__.py`` or a ``cli.py``, it sits in a ``cli`` package (``airflow/cli/commands/dag_command.py``), or it
is a program that defines no HTTP handler (a Flask ``app.py`` whose main guard parses a port serves requests
from its own functions) and imports ``argparse``, reads its command line at import time, or has a main guard
that runs an entry point reading its command line or standard input (``main()`` calling ``parse_args`` or
reading ``sys.argv``). Every function of such a module is part of the
program. Such a module that also asks its user at the keyboard (:func:`interactive_cli`) is an interactive
program, watched by whoever runs it. Which modules only a console script or a CLI package of *another* file
reaches is the project model's question, not this module's.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.facts import file_fact, node_fact, reads
from backend_lint.analysis.handlers import handler_model
from backend_lint.analysis.mentions import call_conditions
from backend_lint.analysis.node_index import node_index
from backend_lint.analysis.scopes import Scope, is_main_guard
from backend_lint.analysis.tree_walk import walk

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_CLI_DECORATOR_MODULES = ("click", "typer", "asyncclick", "rich_click", "cloup", "invoke", "fabric")
_PARSE_METHODS = frozenset({"parse_args", "parse_known_args", "parse_intermixed_args"})
_CLI_FOLDERS = frozenset({"cli"})
_CLI_FILES = frozenset({"__main__.py", "cli.py"})

PARSES_ARGUMENTS = "parses arguments"
READS_ARGV = "reads sys.argv"
READS_STDIN = "reads sys.stdin"
PROMPTS = "prompts"
_PROMPTS = frozenset({"input", "getpass.getpass", "click.prompt", "click.confirm", "typer.prompt", "typer.confirm"})
_REQUEST_PARSERS = ("flask_restful", "flask_restx", "flask_restplus")
"""Libraries whose ``RequestParser.parse_args()`` reads an HTTP request, not a command line."""


def _reads_command_line(ctx: FileContext) -> bool:
    """A ``parse_args()`` call here parses a command line: the file does not use a request parser library
    (Flask-RESTful's ``self.reqparse.parse_args()`` in a view) unless it imports ``argparse`` as well."""
    return ctx.imports.imports_module("argparse") or not ctx.imports.imports_module(*_REQUEST_PARSERS)


_TERMINAL_WORDS = ("parse_args", "parse_known_args", "parse_intermixed_args", "argv", "stdin", "input(", "getpass",
                   "prompt(", "confirm(")


@file_fact()
def _may_use_terminal(ctx: FileContext) -> bool:
    """The file's text has a word :func:`terminal_use` looks for: most files have none, and the question is
    asked of every function of a file (BE101 and BE401 ask whether code is a command's), so one scan of the
    text spares a walk of each function."""
    return any(word in ctx.source for word in _TERMINAL_WORDS)


@node_fact(reads=(_may_use_terminal,))
def terminal_use(ctx: FileContext, function: ast.AST) -> frozenset[str]:
    """How a function (or a main guard) talks to the terminal: parses its arguments, reads ``sys.argv`` or
    ``sys.stdin``, prompts the user (``input()``, ``getpass``, click's or typer's ``prompt``/``confirm``); one
    pass over its body. A Flask-RESTful
    request parser's ``parse_args()`` reads a request, not a command line."""
    if not _may_use_terminal(ctx):
        return frozenset()
    found: set[str] = set()
    command_line = _reads_command_line(ctx)
    for node in walk(function):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in _PARSE_METHODS and command_line:
                found.add(PARSES_ARGUMENTS)
            elif (isinstance(func, ast.Name) and func.id == "input" and "input" not in ctx.imports.names) or (
                ctx.imports.resolve(func) in _PROMPTS
            ):
                found.add(PROMPTS)
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in ("argv", "stdin")
            and ctx.imports.resolve(node) in ("sys.argv", "sys.stdin")
        ):
            found.add(READS_ARGV if node.attr == "argv" else READS_STDIN)
    return frozenset(found)


@reads(terminal_use)
def parses_arguments(ctx: FileContext, function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """The function calls ``parse_args``/``parse_known_args``: it reads its own command line."""
    return PARSES_ARGUMENTS in terminal_use(ctx, function)


@file_fact(reads=(node_index,))
def subcommand_functions(ctx: FileContext) -> frozenset[str]:
    """The module's functions it hands to an argparse sub-command as what the command runs
    (``parser.set_defaults(func=run)``)."""
    if "set_defaults" not in ctx.source:
        return frozenset()
    return frozenset(
        keyword.value.id for node in node_index(ctx).of(ast.Call)
        if isinstance(node.func, ast.Attribute) and node.func.attr == "set_defaults"
        for keyword in node.keywords if keyword.arg == "func" and isinstance(keyword.value, ast.Name)
    )


@reads(bindings_of, parses_arguments, subcommand_functions)
def is_cli_command(function: ast.AST, ctx: FileContext) -> bool:
    """A click/typer command or group, an invoke/Fabric task, a function the module hands to an argparse
    sub-command (:func:`subcommand_functions`), or a function that parses command line arguments itself."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    if function.name in subcommand_functions(ctx) and function in ctx.tree.body:
        return True
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        resolved = ctx.imports.resolve(target)
        if resolved and resolved.partition(".")[0] in _CLI_DECORATOR_MODULES:
            return True
        if resolved is None and isinstance(target, ast.Name) and _wraps_cli_decorator(target.id, ctx):
            return True
        # @cli.command() / @app.command() where cli/app is a click group or typer app of this file
        if isinstance(target, ast.Attribute) and target.attr in ("command", "group", "callback"):
            base = ctx.imports.resolve(target.value)
            if base is None and isinstance(target.value, ast.Name):
                base = _cli_object_origin(target.value.id, ctx)
            if base and base.partition(".")[0] in _CLI_DECORATOR_MODULES:
                return True
    return parses_arguments(ctx, function)


_CLI_DECORATOR_NAMES = frozenset({"task", "command", "group", "callback"})
"""The last part of a CLI framework's decorator (``invoke.task``, ``click.command``, ``typer.Typer().command``)."""


def _cli_decorator(expr: ast.expr, ctx: FileContext) -> bool:
    """``expr`` is a CLI framework's command decorator: ``invoke.task``, ``fabric.task``, ``click.command``,
    ``click.group``, or ``<app>.command`` of a click group or typer app of this file."""
    resolved = ctx.imports.resolve(expr)
    if resolved is None and isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        base = _cli_object_origin(expr.value.id, ctx) if expr.attr in _CLI_DECORATOR_NAMES else None
        return base is not None and base.partition(".")[0] in _CLI_DECORATOR_MODULES
    return resolved is not None and resolved.partition(".")[0] in _CLI_DECORATOR_MODULES and \
        resolved.rpartition(".")[2] in _CLI_DECORATOR_NAMES


@reads(bindings_of)
def _wraps_cli_decorator(name: str, ctx: FileContext) -> bool:
    """The module-level ``name`` is the project's own spelling of a CLI command decorator, one level deep: a
    function of the module that applies one to the function it is given, directly or in the decorator it
    returns (osf's ``def task(*args, **kwargs)`` calling ``invoke.task(f, ...)`` and adding the task to its
    namespace), or a name bound to one (``task = invoke.task``, ``command = functools.partial(click.command,
    ...)``). What it decorates is a command of the ``invoke``/``click`` program like a function decorated by the
    framework itself."""
    module_bindings = bindings_of(ctx, ctx.tree)
    if name in module_bindings.definitions:
        for node in ctx.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
                return any(isinstance(call, ast.Call) and _cli_decorator(call.func, ctx) for call in walk(node))
        return False
    value = module_bindings.single_value(name)
    if isinstance(value, ast.Call) and ctx.imports.resolve(value.func) == "functools.partial" and value.args:
        value = value.args[0]
    if isinstance(value, ast.Call):  # ``task = invoke.task(...)``-style factory results are not looked into
        return False
    return value is not None and _cli_decorator(value, ctx)


@reads(call_conditions, is_cli_command)
def helper_of_commands(function: Optional[ast.AST], ctx: FileContext) -> bool:
    """A module-level function that this file calls, only from CLI commands (``refresh_workouts(...)`` in
    ``@workouts_cli.command("refresh") def refresh(...)``). Other modules may call it too: alone, this says
    little; with an error exit of the program in the helper (``sys.exit(1)``), it is the command's own code."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or function not in ctx.tree.body:
        return False
    sites = call_conditions(ctx).get(function.name, [])
    return bool(sites) and all(is_cli_command(site.owner, ctx) for site in sites)


def _cli_object_origin(name: str, ctx: FileContext) -> str | None:
    """What a module-level name such as ``cli``/``app`` was made from (``typer.Typer()``, a click group)."""
    module_bindings = bindings_of(ctx, ctx.tree)
    if name in module_bindings.definitions:
        for node in ctx.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
                return "click" if is_cli_command(node, ctx) else None
        return None
    value = module_bindings.single_value(name)
    if isinstance(value, ast.Call):
        return ctx.imports.resolve(value.func)
    return None


@file_fact(reads=(terminal_use, is_cli_command, handler_model))
def cli_module(ctx: FileContext) -> bool:
    """The whole module is command line code: ``__main__.py``, ``cli.py`` or a module of a ``cli`` package, or
    a program that defines no HTTP handler and imports ``argparse`` or reads its command line at its top level,
    or whose main guard runs an entry point that does."""
    parts = ctx.role_path.split("/")
    if parts[-1] in _CLI_FILES or any(folder in _CLI_FOLDERS for folder in parts[:-1]):
        return True
    functions = {}
    entries: list[ast.AST] = []
    imports_argparse = False
    for statement in ctx.tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions[statement.name] = statement
        elif isinstance(statement, ast.ClassDef):
            continue
        elif isinstance(statement, ast.If) and is_main_guard(statement):
            entries.append(statement)
        elif isinstance(statement, (ast.Import, ast.ImportFrom)):
            names = [alias.name for alias in statement.names] if isinstance(statement, ast.Import) else [
                statement.module or ""
            ]
            imports_argparse = imports_argparse or "argparse" in names
        elif terminal_use(ctx, statement) - {PROMPTS}:  # ``args = parser.parse_args()`` at import time
            imports_argparse = True
    for guard in list(entries):
        entries.extend(
            functions[node.func.id]
            for node in walk(guard)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in functions
        )
    runs_program = imports_argparse or any(
        terminal_use(ctx, entry) - {PROMPTS} or is_cli_command(entry, ctx) for entry in entries
    )
    return runs_program and not handler_model(ctx).handlers


@file_fact()
def main_guard_calls(ctx: FileContext) -> frozenset[str]:
    """The names the module's ``if __name__ == "__main__":`` blocks call (``main`` in ``main()``)."""
    return frozenset(
        node.func.id for statement in ctx.tree.body if isinstance(statement, ast.If) and is_main_guard(statement)
        for node in walk(statement) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    )


@reads(is_cli_command, cli_module, main_guard_calls)
def in_cli_context(scope: Scope, ctx: FileContext) -> bool:
    """Inside ``if __name__ == "__main__":``, inside (at any depth) a CLI entry point or the module's ``main()``
    that its main guard calls (a demo or a script's body, whether or not it reads arguments), or in a CLI
    module."""
    if scope.in_main_guard:
        return True
    return cli_module(ctx) or any(
        is_cli_command(function, ctx) or _guarded_main(function, ctx) for function in scope.functions
    )


def _guarded_main(function: ast.AST, ctx: FileContext) -> bool:
    return (isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) and function.name == "main"
            and function in ctx.tree.body and "main" in main_guard_calls(ctx))


@file_fact(reads=(cli_module, terminal_use))
def interactive_cli(ctx: FileContext) -> bool:
    """The module is command line code (:func:`cli_module`) that asks its user at the keyboard (``input()``,
    ``getpass``, ``click.confirm``): a program someone runs and watches, whose output, log lines included, is read
    at that terminal (nutshell's wallet CLI helpers, picking a mint with ``input()``). No scheduler runs a program
    that waits for an answer: a cron command's log lines, aggregated like the service's, are not this."""
    return cli_module(ctx) and PROMPTS in terminal_use(ctx, ctx.tree)
