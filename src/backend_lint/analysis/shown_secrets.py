"""Secrets a command shows its operator on purpose: a logged secret that is not a leak (BE405).

A secret written to a log is a leaked credential: logs are shipped and kept. Judged on real applications, one
kind of logging call is not that: a CLI command that creates a credential and shows it, once, to the operator
who ran it (``langflow api-key`` prints the new key in a rich panel, "this is the only time the API key will be
displayed", and logs the same lines only as the fallback when the Windows console cannot draw the panel). The
operator asked for the value; the log call is one of the ways the command puts it in front of them.

What is read: the logging call runs in CLI code (:func:`.entrypoints.in_cli_context`: a command, the module's
``main()`` under its main guard, a CLI module; or :func:`.entrypoints.helper_of_commands`: a module-level
helper only the file's commands call), and the same function shows the same value on the terminal
(``print(...)``, ``typer.echo``/``click.echo``/``secho``, ``console.print``, a rich ``Panel``/``Text``
holding it). A secret a command only logs (a connection's password written to the log while it connects)
is not shown to anyone on purpose and stays reported.
"""

from __future__ import annotations

import ast

from backend_lint.analysis.ast_helpers import callee_name, own_nodes
from backend_lint.analysis.entrypoints import helper_of_commands, in_cli_context
from backend_lint.analysis.facts import reads
from backend_lint.context import FileContext

_SHOWS = frozenset({"print", "echo", "secho", "Panel", "Text", "Markdown", "rprint", "pprint"})
"""Calls that put text in front of the person at the terminal (builtins, click/typer, rich)."""


@reads(in_cli_context, helper_of_commands)
def shown_to_operator(call: ast.Call, value: ast.expr, ctx: FileContext) -> bool:
    """``value``, logged by ``call``, is also shown on the terminal by the same CLI function (see the module
    docstring)."""
    function = ctx.scope.function
    if function is None or not (in_cli_context(ctx.scope, ctx) or helper_of_commands(function, ctx)):
        return False
    wanted = ast.dump(value)
    for node in own_nodes(function):
        if isinstance(node, ast.Call) and node is not call and callee_name(node) in _SHOWS \
                and any(ast.dump(inner) == wanted for inner in ast.walk(node)):
            return True
    return False
