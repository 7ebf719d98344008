"""Retry code: which library calls configure retries, which loops are hand-written retry loops, which delays
are constant.

A retry loop is told apart from a polling or batch loop by its success exit: a loop (``for ... in
range(...)`` or ``while``) holding a ``try``/``except`` whose ``try`` body, ``else`` or the statements right
after it always ``break`` or ``return``. ``while True: try: job = queue.get() except Empty: sleep(1);
continue`` has no such exit (a worker loop, where a fixed poll interval is normal), and neither has a
readiness poll that leaves only when a condition holds (``else: if response.ok: break``). A ``try`` whose
handlers only catch "not there yet" (``IndexError``, ``queue.Empty``, ``DoesNotExist``) polls for data and
is not a retry either.
Whether a loop retries is a fact per loop node, so each loop body is looked at once per file.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Union

from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.facts import node_fact, reads
from backend_lint.analysis.http_clients import modules_by_name
from backend_lint.analysis.resolve import instance_class, lookup

if TYPE_CHECKING:
    from backend_lint.analysis.scopes import Scope
    from backend_lint.context import FileContext

SLEEPS = frozenset({"time.sleep", "asyncio.sleep", "gevent.sleep", "trio.sleep", "anyio.sleep"})
TENACITY_RETRIES = frozenset(
    {"tenacity.retry", "tenacity.Retrying", "tenacity.AsyncRetrying", "tenacity.asyncio.AsyncRetrying"}
)
TENACITY_FIXED_WAITS = frozenset(
    {"tenacity.wait_fixed", "tenacity.wait.wait_fixed", "tenacity.wait_none", "tenacity.wait.wait_none"}
)
TENACITY_ENDLESS_STOPS = frozenset({"tenacity.stop_never", "tenacity.stop.stop_never"})
BACKOFF_DECORATORS = frozenset({"backoff.on_exception", "backoff.on_predicate"})
BACKOFF_CONSTANT = frozenset({"backoff.constant", "backoff._wait_gen.constant"})
URLLIB3_RETRIES = frozenset(
    {"urllib3.Retry", "urllib3.util.Retry", "urllib3.util.retry.Retry", "requests.adapters.Retry",
     "requests.packages.urllib3.Retry", "requests.packages.urllib3.util.Retry",
     "requests.packages.urllib3.util.retry.Retry"}
)

RETRY_CALL_NAMES = modules_by_name(*SLEEPS, *TENACITY_RETRIES, *BACKOFF_DECORATORS, *URLLIB3_RETRIES)
"""The last name of every callee BE203 looks at (see :func:`.http_clients.might_be`)."""

_NOT_YET = frozenset(
    {"IndexError", "KeyError", "LookupError", "StopIteration", "StopAsyncIteration", "Empty", "QueueEmpty",
     "FileNotFoundError", "DoesNotExist", "ObjectDoesNotExist", "NoResultFound"}
)

Loop = Union[ast.For, ast.AsyncFor, ast.While, ast.comprehension]
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.For, ast.AsyncFor, ast.While)


@node_fact()
def is_retry_loop(ctx: FileContext, loop: Loop) -> bool:
    """Whether ``loop`` is a hand-written retry loop (a fact per loop: every call in its body asks)."""
    if isinstance(loop, ast.comprehension):
        return False
    if isinstance(loop, (ast.For, ast.AsyncFor)):
        iterable = loop.iter
        if not (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name)
                and iterable.func.id == "range"):
            return False
    return _has_guarded_exit(loop.body)


def _has_guarded_exit(block: list[ast.stmt]) -> bool:
    """A ``try``/``except`` in ``block`` (not in a nested loop) that leaves the loop when it succeeds."""
    for index, statement in enumerate(block):
        if isinstance(statement, _NESTED):
            continue
        if isinstance(statement, ast.Try) and statement.handlers and not _waits_for_data(statement.handlers):
            if _exits(statement.body) or _exits(statement.orelse):
                return True
            if _exits(block[index + 1:]) and all(_skips_rest(handler.body) for handler in statement.handlers):
                return True  # ``except: sleep(); continue`` then ``break`` after the ``try``
        for child in _blocks_of(statement):
            if _has_guarded_exit(child):
                return True
    return False


def _blocks_of(statement: ast.stmt) -> list[list[ast.stmt]]:
    if isinstance(statement, ast.If):
        return [statement.body, statement.orelse]
    if isinstance(statement, (ast.With, ast.AsyncWith)):
        return [statement.body]
    if isinstance(statement, ast.Try):
        return [statement.body, statement.orelse, statement.finalbody,
                *(handler.body for handler in statement.handlers)]
    return []


def _waits_for_data(handlers: list[ast.ExceptHandler]) -> bool:
    """Every handler catches "nothing there yet" (``IndexError``, ``queue.Empty``, ``DoesNotExist``...): the
    loop polls for data that has not arrived, it does not retry a failure."""
    for handler in handlers:
        kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        for kind in kinds:
            name = kind.attr if isinstance(kind, ast.Attribute) else getattr(kind, "id", None)
            if name not in _NOT_YET:
                return False
    return True


def _skips_rest(block: list[ast.stmt]) -> bool:
    """``block`` always ends in ``continue`` or ``raise``: a failed attempt never reaches the success exit."""
    if not block:
        return False
    last = block[-1]
    if isinstance(last, (ast.Continue, ast.Raise)):
        return True
    return isinstance(last, ast.If) and _skips_rest(last.body) and _skips_rest(last.orelse)


def _exits(block: list[ast.stmt]) -> bool:
    """``block`` always ends in ``break`` or ``return`` (every branch of an ``if`` does)."""
    for statement in block:
        if isinstance(statement, (ast.Break, ast.Return)):
            return True
        if isinstance(statement, ast.If) and _exits(statement.body) and _exits(statement.orelse):
            return True
        if isinstance(statement, (ast.With, ast.AsyncWith)) and _exits(statement.body):
            return True
    return False


@reads(bindings_of, lookup)
def is_constant_delay(expr: ast.expr, ctx: FileContext, scope: Scope) -> bool:
    """A number literal, or a name bound once to one (in the enclosing function or at module level), or
    ``self.RETRY_DELAY`` set once in the class body and never assigned through ``self``."""
    if isinstance(expr, ast.Constant):
        return _is_number(expr)
    owner = instance_class(expr.value, scope) if isinstance(expr, ast.Attribute) else None
    if owner is not None and isinstance(expr, ast.Attribute):
        bindings = bindings_of(ctx, owner.node)
        value = bindings.single_value(expr.attr)
        return value is not None and _is_number(value) and expr.attr not in bindings.self_attributes
    if not isinstance(expr, ast.Name):
        return False
    found = lookup(expr.id, ctx, scope)
    if found is None:
        return False
    bindings = found[1]
    value = bindings.single_value(expr.id)
    return value is not None and expr.id not in bindings.params and _is_number(value)


def _is_number(value: ast.expr) -> bool:
    return (
        isinstance(value, ast.Constant)
        and isinstance(value.value, (int, float))
        and not isinstance(value.value, bool)
    )
