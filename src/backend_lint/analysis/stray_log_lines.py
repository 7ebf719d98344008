"""Whether a ``print`` is a log line that went astray: the evidence a strict reviewer needs to agree (BE401).

A service module answers HTTP requests; every ``print`` in it runs per request, and the page's example (a
handler printing ``paying order 12``) is a log line in the wrong place by that alone. Elsewhere the evidence
that the code is a service is weaker (an ``async def``, a job-queue task, a method of a class named for a view
or a consumer, a template tag), and judged on applications the rules had never seen, prints there were as often
deliberate output (a client SDK's progress for its notebook user, an ``invoke`` task's report, a Celery task's
stdout the worker already logs, a start-up banner) as missing log lines. What the prints judged true there had
in common is one of three things read from the code itself:

- **the code beside it logs**: the module has its own logger (``log = logging.getLogger(__name__)``, loguru's
  ``logger``), or a function around the print (at module level, the module's top-level code) makes a logging
  call: its authors have a logger at hand, and the print bypasses it (changedetection's subprocess timings next
  to ``logger.critical``, lemur's Celery task next to ``current_app.logger``, airweave's Svix adapter);
- **it reports a caught error**: inside an ``except`` clause, it prints the exception caught or a formatted
  traceback (``print(e)`` and ``return []`` in open-webui's models), or anywhere its text says it reports a
  failure (``"ERROR INSIDE UPDATE"``, ``"Failed to initialize parser"``): an error lost to the logs, without
  level or traceback;
- **it dumps values with no words**: every argument is a value (``print(parts)``, ``print(job_id)``,
  ``print(res.get("status_name"))``): nobody writes a line without a word as a program's output; it is a
  debugging leftover.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from backend_lint.analysis.facts import reads
from backend_lint.analysis.loggers import body_logs, logging_call_kind, module_logger, records_traceback
from backend_lint.analysis.messages import constant_text
from backend_lint.analysis.secret_names import split_identifier

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_FAILURE_WORDS = frozenset({"error", "errors", "failed", "failure", "fail", "fails", "exception", "traceback"})
"""Words whose presence in a print's text makes it the report of a failure."""
_TEXT_CALLS = frozenset({"format", "join"})
"""Methods that build text from a literal template (``"{} done".format(x)``, ``", ".join(rows)``)."""


@reads(module_logger, body_logs)
def beside_logging(ctx: FileContext) -> bool:
    """The module has a module-level logger, or a function around the visited node makes a logging call in its
    own body (nested definitions left out); at module level, the module's top-level code does."""
    if module_logger(ctx) is not None:
        return True
    owners: list[ast.AST] = [function for function in ctx.scope.functions
                             if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return any(body_logs(ctx, owner) for owner in owners or [ctx.tree])


@reads(logging_call_kind)
def reports_failure(call: ast.Call, ctx: FileContext) -> bool:
    """The print reports an error: in an ``except`` clause it writes the exception caught (``print(e)``,
    ``print(str(e))``, ``f"... {e}"``) or a traceback (``traceback.format_exc()``); or its literal text has a
    word of failure (``error``, ``failed``, ``exception``...)."""
    handler = ctx.scope.except_handler
    caught = handler.name if handler is not None else None
    for arg in call.args:
        for node in ast.walk(arg):
            if caught is not None and isinstance(node, ast.Name) and node.id == caught:
                return True
            if handler is not None and isinstance(node, ast.Call) and records_traceback(node, ctx):
                return True
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and _FAILURE_WORDS.intersection(split_identifier(node.value)):
                return True
    return False


def dumps_values(call: ast.Call) -> bool:
    """Every argument of the print is a value with no text of its own: a name, an attribute, a subscript or a
    call that does not build text from a literal (``print(parts)``, ``print(res.get("status"))``)."""
    return bool(call.args) and all(_bare_value(arg) for arg in call.args)


def _bare_value(arg: ast.expr) -> bool:
    if isinstance(arg, (ast.Name, ast.Attribute, ast.Subscript)):
        return True
    if not isinstance(arg, ast.Call):
        return False
    func = arg.func
    if isinstance(func, ast.Attribute) and func.attr in _TEXT_CALLS and constant_text(func.value) is not None:
        return False  # ``"{} done".format(x)``: text the author wrote
    return not any(isinstance(value, (ast.JoinedStr, ast.BinOp)) for value in arg.args)
