"""Whether a handler answers a duplicate with 409 Conflict (BE301: what it creates has a natural key).

A ``409`` (``HTTP_409_CONFLICT``, ``HTTPStatus.CONFLICT``), an application error code saying the thing is already
there, or an ``except`` of the database's ``IntegrityError``/``UniqueViolation`` or a service's refusal of a
repeat (``UserAlreadyExists``) says a second request with the same data is refused. Not every 409 answers a
duplicate: a shop's ``if not await inventory.reserve(sku, qty): raise HTTPException(409, "out of stock")``
answers a failed action, and a retry of the whole order after the stock came back creates a second order.
:func:`answers_failed_action` tells that case: the 409 is raised under an ``if`` whose test reads only what
calls that look nothing up gave back (``reserve``, ``charge``), not a lookup by a client-given key
(``get_by_email``, ``exists()``, ``find``, ``filter``...).
"""

from __future__ import annotations

import ast
import builtins
import re

from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.secret_names import split_identifier

_LOOKUP_WORDS = frozenset({
    "get", "find", "filter", "exists", "exist", "first", "one", "select", "query", "lookup", "fetch", "search",
    "scalar", "scalars", "execute", "count", "load", "read", "has", "contains", "any", "available", "taken",
    "unique", "duplicate", "duplicates", "already", "by", "check", "used", "registered", "in", "is",
})
"""Words of a call that looks a thing up or asks whether it is already there (``get_by_email``,
``filter(...).exists()``, ``is_available``, ``username_taken``): a 409 after it refuses a duplicate."""


def conflict_answer(node: ast.AST) -> bool:
    """``409``, a name saying 409 or CONFLICT, or an ``except`` of a uniqueness error."""
    if isinstance(node, ast.Constant):
        return node.value == 409 and not isinstance(node.value, bool)
    if isinstance(node, ast.Attribute):
        return "409" in node.attr or node.attr == "CONFLICT" or _duplicate_error_code(node)
    if isinstance(node, ast.Name):
        return "409" in node.id
    if isinstance(node, ast.ExceptHandler) and node.type is not None:
        return any(_refusal_name(written) for written in _WORD_RUNS.findall(ast.unparse(node.type)))
    return False


def _duplicate_error_code(node: ast.Attribute) -> bool:
    """A member of the application's error codes saying the thing is already there: ``OnyxErrorCode.
    DUPLICATE_RESOURCE`` (Onyx refuses a client-chosen ``report_id`` already in use), ``ErrorCode.ALREADY_EXISTS``."""
    owner = dotted_name(node.value) or ""
    if "error" not in owner.rpartition(".")[2].lower():
        return False
    parts = node.attr.upper().split("_")
    return "DUPLICATE" in parts or ("ALREADY" in parts and ("EXISTS" in parts or "EXIST" in parts))


_WORD_RUNS = lazy_compile(r"\w+")
_NAME_WORDS = lazy_compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+")


def _refusal_name(name: str) -> bool:
    """An exception a service raises for a duplicate: ``IntegrityError``, ``UniqueViolation``,
    ``UserAlreadyExists``, ``UserAlreadySuspendedException``, ``UserWarningExistsException``, ``DuplicateKey``
    (not ``DoesNotExist``/``NotExists``: the thing is missing)."""
    if name in ("IntegrityError", "UniqueViolation"):
        return True
    words = [word.lower() for word in _NAME_WORDS.findall(name)]
    return ("already" in words or "duplicate" in words or "exists" in words) and "not" not in words


def answers_failed_action(node: ast.AST, parents: dict[ast.AST, ast.AST],
                          function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """The 409 at ``node`` answers an action that failed, not a duplicate: it sits in the body of an ``if``
    (not in an ``except``, which catches a refusal) whose test reads only what calls of functions or methods
    looking nothing up gave back (``ok = await inventory.reserve(...)`` then ``if not ok: raise
    HTTPException(409, ...)``), directly or through a local of the handler. A test that reads a string (``"already
    exists" in str(e)``), an object the handler built (``RedisConnector(...).prune.fenced``: a run already under
    way) or a value of a built-in (``getattr(settings, ...)``) says nothing either way, and an answer whose message
    says the thing is already there or under way (``"A backfill is already running"``) refuses a repeat: the 409
    counts."""
    child, parent = node, parents.get(node)
    test: ast.expr | None = None
    answer: list[ast.stmt] = []
    while parent is not None and parent is not function:
        if isinstance(parent, ast.ExceptHandler):
            return False
        if test is None and isinstance(parent, ast.If) and child in parent.body:
            test, answer = parent.test, parent.body
        child, parent = parent, parents.get(parent)
    if test is None or any(isinstance(part, ast.Constant) and isinstance(part.value, str) for part in ast.walk(test)):
        return False
    if any(_says_repeat(part.value) for statement in answer for part in ast.walk(statement)
           if isinstance(part, ast.Constant) and isinstance(part.value, str)):
        return False  # "A backfill is already running", "already resumed": the repeat is what it refuses
    names = {part.id for part in ast.walk(test) if isinstance(part, ast.Name)}
    calls = [part for part in ast.walk(test) if isinstance(part, ast.Call)]
    for statement in ast.walk(function):
        if isinstance(statement, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id in names for target in statement.targets):
            value = statement.value.value if isinstance(statement.value, ast.Await) else statement.value
            if not isinstance(value, ast.Call):
                return False  # a value of the handler's own making: no telling
            calls.append(value)
    return bool(calls) and all(_action(call) for call in calls)


def _action(call: ast.Call) -> bool:
    """A call of a function or method (not a class, not a built-in) whose name looks nothing up: ``reserve``,
    ``charge``, ``send``."""
    name = (dotted_name(call.func) or "").rpartition(".")[2]
    return bool(name) and name[0].islower() and name not in _BUILTINS \
        and not _LOOKUP_WORDS.intersection(split_identifier(name))


_BUILTINS = frozenset(dir(builtins))
_REPEAT_WORDS = lazy_compile(r"\b(?:already|duplicate|exists?|in progress|in use|taken|running)\b", re.IGNORECASE)


def _says_repeat(text: str) -> bool:
    """The answer's message says the thing is already there or under way."""
    return bool(_REPEAT_WORDS.search(text))
