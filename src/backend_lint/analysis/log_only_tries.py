"""A ``try`` that holds nothing but log lines of plain values (BE403): nothing in it can fail but the log line
itself, so the handler's error line has no stack worth keeping.

Apart from :mod:`.library_calls` (a ``try`` whose every call runs a library's code), whose idea of a plain builtin,
a text method and the class's own receiver it shares.
"""

from __future__ import annotations

import ast

from backend_lint.analysis.ast_helpers import call_arguments, own_nodes, statement_call
from backend_lint.analysis.facts import reads
from backend_lint.analysis.library_calls import _OWN_RECEIVERS, _PLAIN_BUILTINS, _TEXT_METHODS
from backend_lint.analysis.loggers import logging_call_kind
from backend_lint.analysis.tree_walk import walk
from backend_lint.context import FileContext


@reads(logging_call_kind)
def only_logs(attempt: ast.Try, ctx: FileContext) -> bool:
    """The ``try`` holds nothing but logging calls of plain values (``logger.debug("queue closed")``,
    ``logger.info(f"... {type(q)}")``, ``self.logger.debug(self.ENTRY_MESSAGE.format(name, args),
    extra={"s_line": lno})``), with the plain assignments and ``if`` branches that choose between them: nothing
    in it can fail but the log line itself, and the handler's error line has no stack worth keeping."""
    return _only_logs(attempt.body, ctx, 0, _log_only_names(attempt, ctx)) and any(
        isinstance(node, ast.Call) and logging_call_kind(node, ctx) is not None
        for statement in attempt.body for node in walk(statement)
    )


def _log_only_names(attempt: ast.Try, ctx: FileContext) -> frozenset[str]:
    """Names the ``try`` binds that its function reads nowhere outside it: locals gathered for its log lines
    only (``request = args[1]``, ``data = request.body`` of a decorator logging the incoming request)."""
    function = ctx.scope.function
    if function is None:
        return frozenset()
    inside = {id(node) for node in walk(attempt)}
    read_outside = {node.id for node in own_nodes(function)
                    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and id(node) not in inside}
    bound = {target.id for statement in attempt.body if isinstance(statement, ast.Assign)
             for target in statement.targets if isinstance(target, ast.Name)}
    return frozenset(bound - read_outside)


def _only_logs(statements: list[ast.stmt], ctx: FileContext, depth: int, log_only: frozenset[str]) -> bool:
    """Log lines, ``if`` tests of plain values choosing between them, and names bound to a name or a literal
    (``lno = definition_line``), or to a read of a plain value (``request = args[1]``, ``data = request.body``)
    when only the ``try``'s log lines read them: an attribute read may run a property, whose failure matters
    only when the value is used after (``tool = instance.tool``, then ``return tool.tool_id``)."""
    if depth > 2:
        return False
    for statement in statements:
        if isinstance(statement, ast.Pass):
            continue
        if isinstance(statement, ast.If):
            if not (_plain_value(statement.test) and _only_logs(statement.body, ctx, depth + 1, log_only)
                    and _only_logs(statement.orelse, ctx, depth + 1, log_only)):
                return False
            continue
        if isinstance(statement, ast.Assign):
            names = [target.id for target in statement.targets if isinstance(target, ast.Name)]
            if len(names) != len(statement.targets):
                return False
            if isinstance(statement.value, (ast.Name, ast.Constant)):
                continue
            if not (all(name in log_only for name in names) and _read_of_plain(statement.value)):
                return False
            continue
        call = statement_call(statement)
        if call is None or logging_call_kind(call, ctx) is None:
            return False
        if not all(_plain_value(argument) for argument in call_arguments(call)):
            return False
    return True


def _read_of_plain(expr: ast.expr) -> bool:
    """An attribute or a constant subscript of a plain value (``request.body``, ``args[1]``)."""
    if isinstance(expr, ast.Subscript):
        return isinstance(expr.slice, ast.Constant) and _plain_value(expr.value)
    return isinstance(expr, ast.Attribute) and _plain_value(expr)


_READERS = frozenset({"items", "keys", "values", "isoformat"}) | _TEXT_METHODS
"""Methods that only read the value they are called on, whatever it is."""
_REQUEST_NAMES = frozenset({"request", "req"})
"""A ``get``/``get_...`` reads only what a request already holds (``request.headers.get("host")``, Django's
``request.get_full_path()``); on other objects it may query (``User.objects.get(pk=pk)``, ``s3.get_object(...)``)."""


def _request_getter(receiver: ast.expr, method: str) -> bool:
    """``get``/``get_...`` called on the request or one of its parts."""
    if method != "get" and not method.startswith("get_"):
        return False
    node = receiver
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        if isinstance(node, ast.Attribute) and node.attr in _REQUEST_NAMES:
            return True
        node = node.value
    return isinstance(node, ast.Name) and node.id in _REQUEST_NAMES


def _plain_value(expr: ast.expr) -> bool:
    """Names, literals, attribute reads, f-strings of them, dicts of them, plain builtins (``type(q)``,
    ``len(items)``), a text formatted from them (``self.ENTRY_MESSAGE.format(name, args)``) and a getter of such a
    value that is not the class's own: a reader of any value (``.items()``, ``.strip()``), a getter of the request
(``request.headers.get("host", "Unknown")``, ``request.get_full_path()``)."""
    if isinstance(expr, (ast.Constant, ast.Name)):
        return True
    if isinstance(expr, ast.Attribute):
        return _plain_value(expr.value)
    if isinstance(expr, ast.JoinedStr):
        return all(_plain_value(part.value) for part in expr.values if isinstance(part, ast.FormattedValue))
    if isinstance(expr, ast.Dict):
        return all(item is None or _plain_value(item) for item in [*expr.keys, *expr.values])
    if isinstance(expr, ast.Call):
        if isinstance(expr.func, ast.Attribute) and expr.func.attr == "format":
            return _plain_value(expr.func.value) and all(_plain_value(argument) for argument in call_arguments(expr))
        if isinstance(expr.func, ast.Attribute) and (expr.func.attr in _READERS
                                                     or _request_getter(expr.func.value, expr.func.attr)):
            receiver = expr.func.value
            return not (isinstance(receiver, ast.Name) and receiver.id in _OWN_RECEIVERS) \
                and _plain_value(receiver) and all(_plain_value(argument) for argument in call_arguments(expr))
        return (isinstance(expr.func, ast.Name) and expr.func.id in _PLAIN_BUILTINS | {"type"}
                and all(_plain_value(argument) for argument in call_arguments(expr)))
    return False
