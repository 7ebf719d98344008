"""BE401 print-in-backend-code: ``print`` in service code, where output belongs in structured logs.

A service's stdout is not a log: ``print`` has no level, no logger name, no timestamp or request context,
ignores the logging configuration and is lost or interleaved under a process manager. Command line code is
left alone: ``if __name__ == "__main__":`` blocks, click/typer commands, functions that parse their own
arguments, tests, and paths in ``script-paths``. A shadowed ``print`` (a local function or import of that
name) is not the builtin and is not flagged.

The fix turns the call into a lazy call on the module logger (added when the module has none):
``print(f"order {oid} paid")`` becomes ``logger.info("order %s paid", oid)``; ``file=sys.stderr`` logs at
``error``. Calls whose output cannot be reproduced exactly (``sep=``, ``end=``, ``flush=``, another
``file=``, ``*args``, a format spec ``%`` cannot express) get no fix.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.entrypoints import in_cli_context
from backend_lint.analysis.loggers import module_logger
from backend_lint.analysis.messages import STDLIB, print_pieces, render_log_call, source_text
from backend_lint.context import FileContext
from backend_lint.finding import Applicability, Finding
from backend_lint.rule import Option, Rule, visits

if TYPE_CHECKING:
    import libcst as cst

    from backend_lint.fixing.context import FixContext

_LEVEL_FOR_STREAM = {"sys.stdout": "info", "sys.stderr": "error"}


def _is_builtin_print(ctx: FileContext) -> bool:
    if "print" in ctx.imports.names:
        return False
    for scope in ctx.scope:
        if scope.kind in ("function", "module") and bindings_of(ctx, scope.node).binds("print"):  # type: ignore[arg-type]
            return False
    return True


def _level(call: ast.Call, ctx: FileContext) -> Optional[str]:
    """The log level the fix uses, or ``None`` when the call has an argument the fix cannot keep."""
    level = "info"
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
    needs = (in_cli_context, module_logger, bindings_of)
    options = (
        Option(
            "script-paths",
            list,
            ["scripts/", "bin/", "manage.py", "setup.py", "management/commands/"],
            "paths of command line scripts, where printing is expected (folders end in '/', globs allowed)",
        ),
    )

    @visits(ast.Call)
    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if type(func) is not ast.Name or func.id != "print":
            return
        if ctx.is_test_file or ctx.path_matches(self.option("script-paths")):
            return
        if not _is_builtin_print(ctx) or in_cli_context(ctx.scope, ctx):
            return
        level = _level(node, ctx)
        logger = module_logger(ctx)
        kind = logger[1] if logger else STDLIB
        fixable = (
            level is not None
            and not ctx.comment_inside(node)
            and node.args
            and (pieces := print_pieces(node.args)) is not None
            and render_log_call("logger", level, pieces, kind, ast.unparse) is not None
        )
        self.report(
            ctx, node,
            applicability=Applicability.SAFE if fixable else Applicability.NONE,
            fix_data=level,
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
