"""BE404 root-logger-call: ``logging.info(...)`` and friends log through the root logger.

The module functions ``logging.debug/info/warning/error/exception/critical/log`` write to the root logger:
every record is named ``root``, so per-module levels and handlers (``"app.payments": {"level": "DEBUG"}``)
cannot select it, and the log line no longer says which module wrote it. If logging is not configured yet,
the first such call also runs ``logging.basicConfig()`` as a side effect.

Command line code is left alone, with the same context rules as BE401: ``if __name__ == "__main__":``
blocks, click/typer commands, functions that parse their own arguments, CLI modules, paths in
``script-paths``, and files that configure the root logger (``basicConfig``, ``dictConfig``, ``fileConfig``,
directly or through a function of the file) or whose module logger is the root logger; so is code
no service runs (tests, test support, migrations and ``RunPython`` functions, examples). ``logging.getLogger()``
with no name is the root logger too, but is not flagged: naming the root logger is a deliberate choice. With the
project model, a project that configures logging itself and makes no module logger anywhere logs through the
root logger by design, and is left alone (:func:`~.project.app_conditions.root_logger_convention`; for a module of
a program deployed on its own inside the repository, with its own requirements or container file, the program's
modules decide: mem0's ``server/`` configures the root logger and names none, while the library beside it names
its loggers); so is a
module that makes no logger of its own in a project whose ``basicConfig`` format writes each record's source file
(``%(pathname)s``, ``%(filename)s``, ``%(module)s``): the root record says which module wrote it, and the module
follows the project's set-up (:func:`~.project.app_conditions.root_log_located`). A module with a logger of its own
that logs one line through the root logger has slipped, and is still flagged.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.entrypoints import in_cli_context
from backend_lint.analysis.fix_logger import logger_for_fix
from backend_lint.analysis.hand_run_scripts import guard_only_functions
from backend_lint.analysis.loggers import (
    STDLIB,
    configures_root_logger,
    import_time_calls,
    module_logger,
    root_is_module_logger,
)
from backend_lint.analysis.project.app_conditions import root_log_located, root_logger_convention
from backend_lint.analysis.project.conditions import ProjectFact, cli_module, does, test_support, unimported_function
from backend_lint.analysis.project.roots import deployed_program
from backend_lint.analysis.service_code import outside_service_code
from backend_lint.analysis.values import origin
from backend_lint.context import FileContext
from backend_lint.finding import Applicability, Finding
from backend_lint.rule import Option, Rule, visits

if TYPE_CHECKING:
    import libcst as cst

    from backend_lint.fixing.context import FixContext

_ROOT_FUNCTIONS = {
    f"logging.{name}": name
    for name in ("debug", "info", "warning", "error", "exception", "critical", "fatal", "log")
}
_ROOT_FUNCTIONS["logging.warn"] = "warning"  # deprecated alias: the fix uses the real name
_STDLIB_ONLY = frozenset({STDLIB})
_LOCATED = root_log_located()


def _program_only(ctx: FileContext) -> tuple[ProjectFact, ...]:
    """The call is in a module-level function that only the module's main guard reaches
    (:func:`.hand_run_scripts.guard_only_functions`: a cron worker's job, handed to its scheduler in the guard):
    code of the program the file is when run on its own, which owns the root logger then, unless another module
    imports the function (the project fact returned, as BE401 decides it)."""
    outer = next((function for function in ctx.scope.functions if function in ctx.tree.body), None)
    if not isinstance(outer, (ast.FunctionDef, ast.AsyncFunctionDef)) or not ctx.module \
            or outer.name not in guard_only_functions(ctx):
        return ()
    return (unimported_function(f"{ctx.module}.{outer.name}"),)


class RootLoggerCall(Rule):
    code = "BE404"
    name = "root-logger-call"
    message = "`{call}` logs through the root logger; log through the module logger"
    fix_title = "Log through the module logger"
    fix_kind = Applicability.UNSAFE
    fix_node = ("Attribute", "Name")
    triggers = ("logging",)
    needs = (in_cli_context, outside_service_code, configures_root_logger, root_is_module_logger, module_logger,
             logger_for_fix, origin, import_time_calls, root_logger_convention, root_log_located,
             guard_only_functions, unimported_function)
    module_facts = (cli_module, test_support)
    options = (
        Option(
            "script-paths",
            list,
            ["scripts/", "bin/", "manage.py", "setup.py", "management/commands/"],
            "paths of command line scripts, where the root logger is fine (folders end in '/', globs allowed)",
        ),
    )

    @visits(ast.Call)
    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if type(func) is ast.Attribute:
            if func.attr not in ("debug", "info", "warning", "warn", "error", "exception", "critical", "fatal",
                                 "log"):
                return
        elif type(func) is not ast.Name:
            return
        method = _ROOT_FUNCTIONS.get(origin(func, ctx) or "")
        if method is None:
            return
        if ctx.is_test_file or ctx.path_matches(self.option("script-paths")) or outside_service_code(ctx):
            return
        if in_cli_context(ctx.scope, ctx) or configures_root_logger(ctx) or root_is_module_logger(ctx):
            return
        fixable = logger_for_fix(node, ctx, _STDLIB_ONLY) is not None
        self.report(
            ctx,
            func,
            applicability=Applicability.SAFE if fixable else Applicability.NONE,
            fix_data=method,
            call=ctx.segment(func) or f"logging.{method}",
            # a project function the module calls at import configures the root logger; or the project logs
            # through the root logger by design (it configures logging and makes no module logger anywhere; in a
            # program deployed on its own inside the repository, anywhere in that program); or
            # only the module's main guard reaches the function, unless another module imports it; or the module
            # makes no logger of its own and the project's root format names each record's file
            unless=(*(does(name, "configures-logging") for name in import_time_calls(ctx)),
                    root_logger_convention(deployed_program(ctx.location) if ctx.location else ""),
                    *_program_only(ctx), *(() if module_logger(ctx) else (_LOCATED,))),
        )

    def fix(self, finding: Finding, node: cst.CSTNode, fixer: FixContext) -> Optional[cst.CSTNode]:
        import libcst  # noqa: PLC0415 - fix path only

        existing = fixer.module_logger(create=False)
        if existing is not None and existing[1] != STDLIB:
            return None
        logger = fixer.module_logger()
        if logger is None:
            return None
        return libcst.Attribute(value=libcst.Name(logger[0]), attr=libcst.Name(finding.fix_data))
