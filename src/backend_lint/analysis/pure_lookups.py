"""A ``try`` that only looks values up, and skips the work when one is not there (BE205).

The fact: a ``try`` whose body only imports, looks up and converts values into local names (``from x import
helper``, ``Model = apps.get_model("app", "Model")``, ``repo = settings["apps"]["monolith"]["repository"]``,
``shard = int(self.data[key])``) has no effect that a failure could leave half-done: it writes nothing, sends
nothing, calls nothing but a conversion or a registry lookup. When its handler then skips the work that needed
those values (a bare ``return`` or ``return None``/a constant, or ``continue`` to the next item), the failure
means "this value is not there, there is nothing to do with it": an old data migration whose helper module was
removed since (zentral's ``try: from zentral.contrib.mdm.scep import ... / except Exception: return``), a legacy
setting whose absence means nothing to migrate, an optional form field absent or not a number, left out.

Anything else in the body (a call with effects, a method call on a value, a loop, a save) is real work and stays
flagged, and so does a handler that goes on (``pass``) with the names unset.
"""

from __future__ import annotations

import ast

_CONVERSIONS = frozenset({"int", "float", "str", "bool", "Decimal", "UUID", "get_model"})
"""Calls that only turn a value into another or look a class up in a registry (Django's ``apps.get_model``)."""


def only_looks_up(attempt: ast.Try, handler: ast.ExceptHandler) -> bool:
    """The ``try`` only imports, looks up and converts values into names, and the handler skips."""
    if not handler.body or not all(_skips(statement) for statement in handler.body):
        return False
    return bool(attempt.body) and all(_lookup_statement(statement) for statement in attempt.body)


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
