"""Catch-alls whose failure is expected and told to the user: errors BE403 leaves without a traceback.

An ``except Exception`` that logs ``logger.error("...: %s", exc)`` usually loses the stack of a bug. Judged on
real applications, two kinds of handler are not that: the failure is part of how the code works, and the stack
would be noise.

- **A veto hook.** Flask-AppBuilder calls a view's ``pre_add``/``pre_update``/``pre_delete`` hook before it
  writes, and a hook rejects the change by raising (Superset's ownership check). ``try: self.pre_delete(item)
  / except Exception as ex: logger.error("Pre-delete error: %s", ex)`` logs a refusal the code asked for.
- **An error in user-written content, reported back.** Rendering a user-authored template or loading a user's
  repository files fails on the user's typo, and the handler tells the user: it hands the error text to a
  result the user reads (``job_result.log(msg, ...)``, ``messages.error(request, str(exc))``) or builds a
  translated message from it (``_("Error indexing document: %(exception)s") % {...}``; translation is for
  people, not for an operator's log). The error is decided by what the handler does with it, not by names.

- **A value that does not parse.** A ``try`` that only parses one value (``db_url = make_url(setting)``,
  ``metric.currency = json.loads(metric.currency)``, ``urlparse(url)``) can fail in one way: the text is not
  valid, and the message that names the value says all there is (the stack is the parser's own frames).

- **A failed item, counted.** In a loop over items (tokens to export, rows to import), the handler records the
  item among the failed ones (``failed.append(token.get_serial())``, ``errors.append(...)``): a per-item failure
  the code is designed to expect and hands back to its caller in the result, next to the items that succeeded.

A handler that ends by *returning* (``return {"status": "error", "message": str(e)}``, an MCP tool that tells
its client and returns an error object) is not one of them: the whole operation failed, and an API that turns any
failure into an error answer still loses the stack of the bug behind it. The handlers left alone go on: the
next file, row or template is processed, the user has been told about this one.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Optional

from backend_lint.analysis.facts import node_fact
from backend_lint.analysis.loggers import logging_call_kind
from backend_lint.context import FileContext

VETO_HOOKS = frozenset({"pre_add", "pre_update", "pre_delete"})
"""Flask-AppBuilder's hooks that reject a write by raising."""

_TRANSLATIONS = frozenset({"_", "gettext", "gettext_lazy", "ugettext", "ugettext_lazy", "pgettext", "ngettext",
                           "lazy_gettext"})
_NOT_TOLD = frozenset({"print", "str", "repr", "format", "len"})
"""Calls that do not tell a user anything (``print`` goes to a console, the rest only convert)."""


PARSERS = frozenset(
    {"json.loads", "yaml.safe_load", "urllib.parse.urlparse", "urllib.parse.urlsplit", "ast.literal_eval",
     "sqlalchemy.engine.url.make_url", "sqlalchemy.engine.make_url", "sqlalchemy.make_url", "uuid.UUID",
     "ipaddress.ip_address", "ipaddress.ip_network", "datetime.datetime.fromisoformat", "datetime.date.fromisoformat"}
)
"""Functions that turn one text into a value and fail only when the text is not valid."""


def parses_one_value(attempt: ast.Try, ctx: FileContext) -> bool:
    """The ``try`` is one statement whose value is a call of a parser: ``db_url = make_url(text)``."""
    if len(attempt.body) != 1:
        return False
    statement = attempt.body[0]
    value = statement.value if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.Return, ast.Expr)) else None
    return isinstance(value, ast.Call) and ctx.imports.resolve(value.func) in PARSERS


_FAILED_WORDS = re.compile("fail|error|skip|invalid|reject|broken")


def records_failed_item(handler: ast.ExceptHandler) -> bool:
    """The handler adds to a collection named after failures (``failed.append(serial)``,
    ``self.failed_tokens.append(serial)``, ``errors.add(name)``): the item is counted as failed in the result."""
    for statement in handler.body:
        call = _called(statement)
        func = call.func if call is not None else None
        if isinstance(func, ast.Attribute) and func.attr in ("append", "add", "extend") \
                and isinstance(func.value, (ast.Name, ast.Attribute)):
            owner = func.value.id if isinstance(func.value, ast.Name) else func.value.attr
            if _FAILED_WORDS.search(owner.lower()):
                return True
    return False


def vetoed_by_hook(attempt: ast.Try) -> bool:
    """The ``try`` only calls the view's own veto hooks: ``try: self.pre_delete(item)``."""
    return all(
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Call)
        and isinstance(statement.value.func, ast.Attribute)
        and isinstance(statement.value.func.value, ast.Name)
        and statement.value.func.value.id == "self"
        and statement.value.func.attr in VETO_HOOKS
        for statement in attempt.body
    )


@node_fact(reads=(logging_call_kind,))
def reports_error_to_user(ctx: FileContext, handler: ast.ExceptHandler) -> bool:
    """The handler hands the caught error's text to a call that is not logging (``job_result.log(msg)``),
    or builds a translated message from it. Reads the handler's own statements, in order, with the branches of
    its ``if`` statements: a name assigned from an expression that mentions the error carries it on (``msg =
    f"...{exc}"``, also in one branch of ``if duplicate: msg = "..." else: msg = f"...{exc}"``)."""
    if handler.name is None or isinstance(handler.body[-1], ast.Return):
        return False  # a failed operation answered with an error result: the bug behind it needs its stack
    carriers = {handler.name}
    for statement in _flattened(handler.body):
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
            if _mentions(statement.value, carriers):
                if _translated(statement.value):
                    return True
                targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                carriers |= {target.id for target in targets if isinstance(target, ast.Name)}
            continue
        call = _called(statement)
        if call is None or _callee(call) in _NOT_TOLD or logging_call_kind(call, ctx) is not None:
            continue
        if any(_mentions(argument, carriers) for argument in _arguments(call)):
            return True
    return False


def _flattened(statements: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements, each ``if`` replaced by the statements of its branches, in order."""
    for statement in statements:
        if isinstance(statement, ast.If):
            yield from _flattened(statement.body)
            yield from _flattened(statement.orelse)
        else:
            yield statement


def _called(statement: ast.stmt) -> Optional[ast.Call]:
    """The call a statement makes on its own: ``f(x)`` or ``await f(x)``."""
    if not isinstance(statement, ast.Expr):
        return None
    value = statement.value.value if isinstance(statement.value, ast.Await) else statement.value
    return value if isinstance(value, ast.Call) else None


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _arguments(call: ast.Call) -> Iterator[ast.expr]:
    yield from call.args
    for keyword in call.keywords:
        yield keyword.value


def _mentions(expr: ast.expr, names: set[str]) -> bool:
    return any(isinstance(node, ast.Name) and node.id in names for node in ast.walk(expr))


def _translated(expr: ast.expr) -> bool:
    """The expression builds a message through gettext (``_("...") % {...}``)."""
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _TRANSLATIONS
        for node in ast.walk(expr)
    )
