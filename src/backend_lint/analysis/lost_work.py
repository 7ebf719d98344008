"""What a swallowed failure LOSES: the positive evidence BE205 needs before it calls a catch-all a lost error.

Seven rounds of judging BE205 on applications it had never seen read about one finding in five true: a catch-all
around a parse, a lookup or an optional value is, on real code, almost always a deliberate default, and each
application spelled that default in a new idiom. The true findings all had something in common that the false
ones lacked, something a strict maintainer can see in the code: the failure makes the program lose work or tell
someone something untrue. This module reads that evidence from the ``try`` statement and its surroundings:

- **work in the ``try``** (:func:`does_work`): a call named for doing something with an effect (a write, a save,
  a commit, a send, a publish, a payment, a sync, a schema change: ``answer.save()``, ``email.attach(*a)``,
  ``cv2.imwrite(...)``, ``op.add_column(...)``, ``publish_event(...)``) or SQL text that changes rows or the
  schema (``INSERT``, ``UPDATE``, ``DELETE``, ``ALTER``...). When it fails silently, the write is lost and no
  one knows (Open WebUI's migration inserting access grants before it drops the columns they came from);
- **work abandoned** (:func:`abandons_work`): the handler leaves (``return``, ``continue``, ``break``) and the
  code it skips does such work: Superset's permission fix ``return``s from ``upgrade()`` at the first dataset
  that fails and skips the ``commit()``; a Celery task ``return False`` before the row it was queued to write;
- **work done without the value** (:func:`goes_on_without`): the handler goes on (``pass``) and the code after
  the ``try`` does work with a name the ``try`` was to set (Open WebUI's migration reads the old settings blob,
  swallows the failure, and writes the new per-key table empty: every setting silently reset);
- **a made-up value** (:func:`makes_up_value`): the handler returns a constant that looks like data (``return
  1.0`` for an exchange rate, ``return "en"``): the caller gets wrong data that looks right. ``None``, an empty
  container and a boolean are answers of absence, which callers test for;
- **a request answered as if it worked** (:func:`answers_request_anyway`): in the function that answers an HTTP
  request itself, the handler returns a constant (the client gets a success status and ``null``, ``False`` or
  ``{}``; not a read-only ``GET`` answering such an empty value, whose ``try`` does no work: "nothing stored"
  is the answer of a read whose store raises when nothing is there, Keep's workflow secrets), or skips an item
  of a loop that builds what the function returns (Open WebUI's usage statistics drop every chat whose
  computation raises, and the list answered is silently shorter than its ``total``).

What this does NOT read as evidence: a ``try`` that only reads, parses, looks up or converts a value and falls
back to a default, outside the function that answers the request (a helper that answers ``None`` for text that
is not JSON, a package version that is not installed): on real code those were deliberate defaults. A call named
neutrally (``do_it()``, ``get_oauth_token()``) is not work either: the name must say so.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from backend_lint.analysis.answered_failures import constant_answer, is_error_answer
from backend_lint.analysis.ast_helpers import body_of, callee_name, next_statement, own_nodes, statement_nodes
from backend_lint.analysis.best_effort import in_loop
from backend_lint.analysis.handlers import handler_for
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.secret_names import split_identifier

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_WORK_WORDS = frozenset({
    # storage
    "save", "commit", "flush", "write", "writelines", "insert", "update", "upsert", "delete", "remove", "create",
    "add", "bulk", "store", "persist", "record", "purge", "clear", "drop", "alter", "rename", "move", "migrate",
    "dump", "mkdir", "makedirs", "truncate", "reindex", "assign", "grant", "revoke", "approve", "reject",
    "export", "archive", "restore",
    # messages and other services
    "send", "sendmail", "publish", "emit", "notify", "broadcast", "post", "put", "patch", "push", "upload",
    "attach", "detach", "deliver", "dispatch", "trigger", "submit", "enqueue", "delay", "apply", "schedule", "sync",
    "login", "logout", "register", "subscribe",
    # money
    "charge", "pay", "refund", "capture", "transfer", "payout", "withdraw", "cancel",
    # work of a job
    "process", "execute", "refresh",
})
"""Words a call's name starts or ends with when it does something with an effect (``save``, ``bulk_create``,
``add_column``, ``send_mail``, ``clear_expired``, ``apply_async``). ``execute`` counts only with SQL that
writes (see :func:`sql_writes`): ``conn.execute(select(...))`` reads. Left out on purpose: words that name a
computation as often as an effect (``index``, ``copy``, ``replace``, ``mark_safe``, ``import_module``, ``build``,
``render``, ``run``, ``handle``, ``set``: ``list.index`` raises, ``str.replace`` writes nothing)."""
SQL_EXECUTE = frozenset({"execute", "executemany", "exec_driver_sql"})
_WRITING_SQL = lazy_compile(
    r"^\s*(?:INSERT|UPDATE|DELETE|MERGE|UPSERT|REPLACE|ALTER|CREATE|DROP|TRUNCATE|GRANT|REVOKE)\b", re.IGNORECASE
)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.Module)
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
"""Methods that only read: a failure there answered with nothing is an answer of absence, not a lost write."""


def _work_call(call: ast.Call) -> bool:
    """A call whose name says it does something with an effect (its first or last word, or a word ending in
    ``write``: ``imwrite``); ``execute`` and the like only with SQL text that writes."""
    name = callee_name(call)
    if name in SQL_EXECUTE:
        return sql_writes(call)
    words = split_identifier(name)
    if not words:
        return False
    return words[0] in _WORK_WORDS or words[-1] in _WORK_WORDS or name.lower().endswith("write")


def sql_writes(call: ast.Call) -> bool:
    """SQL text that changes rows or the schema among a call's arguments (also inside ``text("...")``)."""
    return any(
        isinstance(node, ast.Constant) and isinstance(node.value, str) and _WRITING_SQL.search(node.value)
        for argument in call.args for node in ast.walk(argument)
    )


_CONTAINER_METHODS = frozenset({"update", "add", "append", "extend", "insert", "remove", "clear", "pop", "discard",
                                "setdefault"})
"""Methods of a dict, list or set that change the value in memory: on a local the ``try`` was to set
(``report.update(counts)``), they add to a value, they write nothing anywhere."""


def _changes_local(call: ast.Call, locals_: frozenset[str]) -> bool:
    """``report.update(...)`` on one of ``locals_``: the value changed in memory, not work with an effect."""
    return (
        isinstance(call.func, ast.Attribute) and call.func.attr in _CONTAINER_METHODS
        and isinstance(call.func.value, ast.Name) and call.func.value.id in locals_
    )


def does_work(statements: Iterable[ast.AST], locals_: frozenset[str] = frozenset()) -> bool:
    """``statements`` do something with an effect: a call named for one, or SQL text that writes. A container
    method called on one of ``locals_`` (``report.update(...)``) only changes that value in memory."""
    for node in statement_nodes(statements):
        if isinstance(node, ast.Call) and _work_call(node) and not _changes_local(node, locals_):
            return True
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _WRITING_SQL.search(node.value):
            return True
    return False


def _following(node: ast.AST, ctx: FileContext, stop: tuple[type[ast.AST], ...], next_items: bool) -> list[ast.stmt]:
    """The statements that run after ``node`` in its block and each enclosing block, up to the first enclosing
    ``stop`` node (a loop for ``continue`` and ``break``, the function for ``return``); with ``next_items``, the
    bodies of the loops left on the way too (``return`` and ``break`` skip the items not yet processed)."""
    skipped: list[ast.stmt] = []
    child, parent = node, ctx.parent_of(node)
    while parent is not None:
        for field in ("body", "orelse", "finalbody"):
            block = getattr(parent, field, None)
            if isinstance(block, list) and any(statement is child for statement in block):
                skipped.extend(block[[id(statement) for statement in block].index(id(child)) + 1:])
        if next_items and isinstance(parent, _LOOPS):
            skipped.extend(parent.body)
        if isinstance(parent, (*stop, *_SCOPES)):
            break
        child, parent = parent, ctx.parent_of(parent)
    return skipped


def abandons_work(attempt: ast.AST, handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """The handler leaves (``return``, ``continue``, ``break``) and the code it skips does work."""
    last = handler.body[-1] if handler.body else None
    if isinstance(last, ast.Continue):
        return does_work(_following(attempt, ctx, _LOOPS, next_items=False))
    if isinstance(last, ast.Break):
        return does_work(_following(attempt, ctx, _LOOPS, next_items=True))
    if isinstance(last, ast.Return):
        return does_work(_following(attempt, ctx, _SCOPES, next_items=True))
    return False


def goes_on_without(attempt: ast.AST, handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """The handler goes on (``pass``) and the code after the ``try`` does work with a name the ``try`` was to
    set: the work is done with a value the failure left out (a migration that reads the old settings, fails,
    and writes the new table empty). Not when the next statement tests that the value is missing (``if not
    current_snapshot:`` then another source, or an error answer: CAPEv2's guacamole views, seed 135), nor when
    the only later use is a dict or list method on the value itself (``report.update(counts)``): the absence is
    handled, or the value only added to in memory."""
    if not handler.body or not isinstance(handler.body[-1], ast.Pass):
        return False
    bound = frozenset(
        node.id for node in own_nodes(attempt) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    )
    if not bound:
        return False
    if _absence_tested_next(attempt, bound, ctx):
        return False
    after = _following(attempt, ctx, _SCOPES, next_items=False)
    # ``report.update(counts)`` after a read that merges into ``report``: the value is added to, nothing written
    return does_work(after, bound) and any(
        isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in bound
        for node in statement_nodes(after)
    )


def _absence_tested_next(attempt: ast.AST, bound: frozenset[str], ctx: FileContext) -> bool:
    """The statement after the ``try`` is ``if not name:`` (or ``if name is None:``) for a name the ``try`` sets:
    the code handles the value's absence (a fallback source, an error answer), and a failure is that absence."""
    following = next_statement(attempt, ctx.parent_of) if isinstance(attempt, ast.stmt) else None
    if not isinstance(following, ast.If):
        return False
    test = following.test
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return isinstance(test.operand, ast.Name) and test.operand.id in bound
    return (
        isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id in bound
        and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Is, ast.Eq))
        and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None
    )


def makes_up_value(handler: ast.ExceptHandler) -> bool:
    """The handler returns a constant that looks like data: a number, a non-empty text or container (not
    ``None``, not a boolean, not empty, not ``-1``: answers of absence a caller tests for), and not an error
    answer."""
    for statement in handler.body:
        if isinstance(statement, ast.Return) and statement.value is not None:
            value = statement.value
            if is_error_answer(value):
                return False
            if isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.USub):
                # ``return -1``: the "not found" sentinel (``str.find``), which callers test like ``None``
                return not (isinstance(value.operand, ast.Constant) and value.operand.value == 1)
            if isinstance(value, ast.Constant):
                return not isinstance(value.value, bool) and value.value not in (None, "", b"")
            if isinstance(value, (ast.List, ast.Tuple, ast.Set, ast.Dict)):
                return bool(value.keys if isinstance(value, ast.Dict) else value.elts)
    return False


def answers_request_anyway(attempt: ast.AST, handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """In the function that answers a request itself: the handler returns a constant success answer, or skips
    (``pass``/``continue``) an item of a loop whose ``try`` adds to what the function returns."""
    function = ctx.scope.function
    answering = handler_for(ctx, function) if function is not None else None
    if function is None or answering is None:
        return False
    last = handler.body[-1] if handler.body else None
    if isinstance(last, ast.Return):
        if is_error_answer(last.value):
            return False
        # a read answering "nothing": a GET whose store raises when nothing is stored answers ``{}`` on purpose
        return not (answering.methods and answering.methods <= _READ_METHODS and _absence(last.value))
    if isinstance(last, (ast.Pass, ast.Continue)) and in_loop(attempt, ctx):
        collected = _collected_names(attempt)
        return bool(collected) and any(
            isinstance(node, ast.Name) and node.id in collected
            for statement in own_nodes(function) if isinstance(statement, ast.Return) and statement.value
            for node in ast.walk(statement.value)
        )
    return False


def _absence(value: ast.expr | None) -> bool:
    """An answer of absence: nothing (a bare ``return``), ``None``, ``False``, an empty text or container."""
    if value is None:
        return True
    if isinstance(value, ast.Call) and constant_answer(value):  # ``jsonify({})``: the same absence, wrapped
        return all(_absence(argument) for argument in value.args) and not value.keywords
    if isinstance(value, ast.Constant):
        return value.value in (None, False, "", b"")
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return not value.elts
    return isinstance(value, ast.Dict) and not value.keys


def _collected_names(attempt: ast.AST) -> set[str]:
    """Local lists the ``try`` adds to (``items.append(...)``, ``items.extend(...)``)."""
    return {
        node.func.value.id for node in own_nodes(attempt)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("append", "extend", "add", "update") and isinstance(node.func.value, ast.Name)
    }


def loses_something(attempt: ast.AST, handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """The positive evidence BE205 needs (see the module): the swallowed failure of ``attempt`` (a ``try`` or
    ``try ... except*``) loses work or tells someone something untrue."""
    return (
        does_work(body_of(attempt))
        or abandons_work(attempt, handler, ctx)
        or goes_on_without(attempt, handler, ctx)
        or makes_up_value(handler)
        or answers_request_anyway(attempt, handler, ctx)
    )
