"""A ``try`` that only looks values up, and skips the work when one is not there (BE205).

The fact: a ``try`` whose body only imports, looks up and converts values into local names (``from x import
helper``, ``Model = apps.get_model("app", "Model")``, ``repo = settings["apps"]["monolith"]["repository"]``,
``shard = int(self.data[key])``) has no effect that a failure could leave half-done: it writes nothing, sends
nothing, calls nothing but a conversion or a registry lookup. When its handler then skips the work that needed
those values (a bare ``return`` or ``return None``/a constant, or ``continue`` to the next item), the failure
means "this value is not there, there is nothing to do with it": an old data migration whose helper module was
removed since (zentral's ``try: from zentral.contrib.mdm.scep import ... / except Exception: return``), a legacy
setting whose absence means nothing to migrate, an optional form field absent or not a number, left out. The
``try`` may also *return* what it reads (``return obj.avatar.url``, a file field with no file raises
``ValueError``), when the handler answers ``None``: the absence of the value is the answer.

Anything else in the body (a call with effects, a method call on a value, a loop, a save) is real work and stays
flagged, and so does a handler that goes on (``pass``) with the names unset.

A second form, :func:`builds_from_locals`: a ``try`` that only computes a value from local values (string
methods, comparisons, ``isinstance``, f-strings, under ``if`` tests of the same kind) and at most adds it to a
local list, with ``except Exception: pass``: frigate's ``if username and password and isinstance(uri, str) and
uri.startswith("rtsp://"): cred_uri = uri.replace(...); to_test.append(cred_uri)``. It reads and writes nothing
outside the function, so a failure leaves nothing half-done: the list keeps what it had, and the names the
``try`` binds are read nowhere after it (or were bound before it and keep their value). A guard, not a lost error.
"""

from __future__ import annotations

import ast
from typing import Optional

from backend_lint.analysis.ast_helpers import own_nodes

_CONVERSIONS = frozenset({"int", "float", "str", "bool", "Decimal", "UUID", "get_model"})
"""Calls that only turn a value into another or look a class up in a registry (Django's ``apps.get_model``)."""


def only_looks_up(attempt: ast.Try, handler: ast.ExceptHandler) -> bool:
    """The ``try`` only imports, looks up and converts values into names, and the handler skips."""
    if not handler.body or not all(_skips(statement) for statement in handler.body):
        return False
    if attempt.body and isinstance(attempt.body[-1], ast.Return) and attempt.body[-1].value is not None:
        # ``try: return obj.avatar.url / except Exception: return None``: the value read is absent, and the
        # handler answers the absence itself (``None``), not a made-up value (``return 1.0`` stays flagged)
        return (
            _pure(attempt.body[-1].value) and _answers_none(handler)
            and not any(isinstance(node, ast.Call) for node in ast.walk(attempt.body[-1].value))
            and all(_lookup_statement(statement) for statement in attempt.body[:-1])
        )
    return bool(attempt.body) and all(_lookup_statement(statement) for statement in attempt.body)


def _answers_none(handler: ast.ExceptHandler) -> bool:
    last = handler.body[-1]
    return isinstance(last, ast.Return) and (
        last.value is None or (isinstance(last.value, ast.Constant) and last.value.value is None)
    )


def _skips(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Continue):
        return True
    return isinstance(statement, ast.Return) and (
        statement.value is None or isinstance(statement.value, ast.Constant)
    )


def _lookup_statement(statement: ast.stmt) -> bool:
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return True
    if isinstance(statement, ast.Assign):
        return all(isinstance(target, ast.Name) for target in statement.targets) and _pure(statement.value)
    if isinstance(statement, ast.AnnAssign):
        return isinstance(statement.target, ast.Name) and statement.value is not None and _pure(statement.value)
    return False


def _pure(value: ast.expr) -> bool:
    """A value computed without effects: names, constants, attribute reads, subscripts, conversions."""
    if isinstance(value, (ast.Name, ast.Constant)):
        return True
    if isinstance(value, ast.Attribute):
        return _pure(value.value)
    if isinstance(value, ast.Subscript):
        return _pure(value.value) and _pure(value.slice)
    if isinstance(value, ast.JoinedStr):
        return all(_pure(part.value) if isinstance(part, ast.FormattedValue) else True for part in value.values)
    if isinstance(value, ast.BinOp):
        return _pure(value.left) and _pure(value.right)
    if isinstance(value, ast.Tuple):
        return all(_pure(element) for element in value.elts)
    if isinstance(value, ast.Call):
        func = value.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        return (
            name in _CONVERSIONS and not (isinstance(func, ast.Attribute) and not _pure(func.value))
            and all(_pure(argument) for argument in value.args)
            and all(_pure(keyword.value) for keyword in value.keywords)
        )
    return False


_PURE_METHODS = frozenset(
    {"replace", "startswith", "endswith", "lower", "upper", "strip", "lstrip", "rstrip", "split", "rsplit",
     "join", "format", "casefold", "title", "partition", "rpartition", "removeprefix", "removesuffix", "get"}
)
_PURE_BUILTINS = frozenset({"isinstance", "len", "hasattr", "str", "int", "float", "bool", "repr", "min", "max"})
_ADDS = frozenset({"append", "add", "extend", "insert"})


def builds_from_locals(attempt: ast.Try, handler: ast.ExceptHandler, function: Optional[ast.AST]) -> bool:
    """The ``try`` only computes values from locals (and adds them to a local list) and the handler passes."""
    if function is None or not handler.body or not all(isinstance(s, ast.Pass) for s in handler.body):
        return False
    bound: set[str] = set()
    if not attempt.body or not all(_local_work(statement, bound) for statement in attempt.body):
        return False
    before: set[str] = set()
    after: set[str] = set()
    for node in own_nodes(function):
        if isinstance(node, ast.Name) and hasattr(node, "lineno"):
            if node.lineno < attempt.lineno and isinstance(node.ctx, ast.Store):
                before.add(node.id)
            elif node.lineno > (attempt.end_lineno or attempt.lineno) and isinstance(node.ctx, ast.Load):
                after.add(node.id)
        elif isinstance(node, ast.arg) and node.lineno < attempt.lineno:
            before.add(node.arg)
    return not (bound & after) - before


def _local_work(statement: ast.stmt, bound: set[str]) -> bool:
    if isinstance(statement, ast.If):
        return _computed(statement.test) and all(_local_work(s, bound) for s in statement.body + statement.orelse)
    if isinstance(statement, ast.Assign):
        if all(isinstance(target, ast.Name) for target in statement.targets) and _computed(statement.value):
            bound.update(target.id for target in statement.targets if isinstance(target, ast.Name))
            return True
        return False
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        call = statement.value
        return (
            isinstance(call.func, ast.Attribute) and call.func.attr in _ADDS and isinstance(call.func.value, ast.Name)
            and call.func.value.id not in ("self", "cls") and not call.keywords
            and all(_computed(argument) for argument in call.args)
        )
    return False


def _computed(value: ast.expr) -> bool:
    """A value computed from locals without effects: :func:`_pure`, comparisons, string methods, ``isinstance``."""
    if isinstance(value, (ast.Compare,)):
        return _computed(value.left) and all(_computed(c) for c in value.comparators)
    if isinstance(value, ast.BoolOp):
        return all(_computed(v) for v in value.values)
    if isinstance(value, ast.UnaryOp):
        return _computed(value.operand)
    if isinstance(value, ast.IfExp):
        return _computed(value.test) and _computed(value.body) and _computed(value.orelse)
    if isinstance(value, ast.BinOp):
        return _computed(value.left) and _computed(value.right)
    if isinstance(value, ast.JoinedStr):
        return all(_computed(part.value) if isinstance(part, ast.FormattedValue) else True for part in value.values)
    if isinstance(value, ast.Call):
        func = value.func
        arguments = [*value.args, *(keyword.value for keyword in value.keywords)]
        if isinstance(func, ast.Name):
            known = func.id in _PURE_BUILTINS
        elif isinstance(func, ast.Attribute):
            known = func.attr in _PURE_METHODS and _computed(func.value)
        else:
            known = False
        return known and all(_computed(argument) for argument in arguments)
    return _pure(value)
