"""Code that runs as a command line program, where printing to the terminal is the point.

A function is a CLI entry point when it is a click command or group, a typer command, or it parses its own
arguments (calls ``parse_args``/``parse_known_args``, as an argparse ``main()`` does). Code inside
``if __name__ == "__main__":`` runs only as a script. A helper function in the same module that is none of
these is ordinary code: it may be imported by the service.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.facts import node_fact, reads
from backend_lint.analysis.scopes import Scope

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_CLI_DECORATOR_MODULES = ("click", "typer", "asyncclick", "rich_click", "cloup")
_PARSE_METHODS = frozenset({"parse_args", "parse_known_args", "parse_intermixed_args"})


@node_fact()
def parses_arguments(ctx: FileContext, function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """The function calls ``parse_args``/``parse_known_args``: it reads its own command line."""
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _PARSE_METHODS
        for node in ast.walk(function)
    )


@reads(bindings_of, parses_arguments)
def is_cli_command(function: ast.AST, ctx: FileContext) -> bool:
    """A click/typer command or group, or a function that parses command line arguments itself."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        resolved = ctx.imports.resolve(target)
        if resolved and resolved.partition(".")[0] in _CLI_DECORATOR_MODULES:
            return True
        # @cli.command() / @app.command() where cli/app is a click group or typer app of this file
        if isinstance(target, ast.Attribute) and target.attr in ("command", "group", "callback"):
            base = ctx.imports.resolve(target.value)
            if base is None and isinstance(target.value, ast.Name):
                base = _cli_object_origin(target.value.id, ctx)
            if base and base.partition(".")[0] in _CLI_DECORATOR_MODULES:
                return True
    return parses_arguments(ctx, function)


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


@reads(is_cli_command)
def in_cli_context(scope: Scope, ctx: FileContext) -> bool:
    """Inside ``if __name__ == "__main__":`` or inside (at any depth) a CLI entry point."""
    if scope.in_main_guard:
        return True
    return any(is_cli_command(function, ctx) for function in scope.functions)
