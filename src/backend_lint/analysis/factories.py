"""Factory functions defined in the file: which ``def`` a call runs, and what that ``def`` returns.

Real services rarely build a client inline; they call ``make_session()`` or ``self._build_session()``, and
the object is whatever the factory returns. :mod:`.values` asks this module when a call's callee is not an
import, so ``session = make_session()`` gets the origin of the factory's ``return`` value
(``requests.Session()``). Only functions defined in the same file are followed: a module-level ``def``, a
``def`` in an enclosing function, or a method of the enclosing class called through ``self``/``cls``.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional, Union

from backend_lint.analysis.facts import node_fact
from backend_lint.analysis.scopes import CLASS, FUNCTION, Scope

if TYPE_CHECKING:
    from backend_lint.context import FileContext

Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_PROPERTY_DECORATORS = frozenset({"property", "cached_property"})


def factory_of(call: ast.Call, scope: Scope) -> Optional[tuple[Function, Scope]]:
    """The local ``def`` that ``call`` runs and the scope its body is evaluated in, if it is one."""
    func = call.func
    if isinstance(func, ast.Name):
        for link in scope:
            if link.kind == CLASS:
                continue
            body = link.node.body if isinstance(link.node, (ast.Module, *_NESTED[:2])) else []
            found = _def_named(body, func.id)  # type: ignore[arg-type]
            if found is not None:
                return found, Scope(FUNCTION, found, link)
        return None
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in ("self", "cls"):
        for link in scope:
            if link.kind == CLASS:
                found = _def_named(link.node.body, func.attr)  # type: ignore[attr-defined]
                return (found, Scope(FUNCTION, found, link)) if found is not None else None
    return None


def property_of(cls: ast.ClassDef, name: str) -> Optional[Function]:
    """The getter of ``cls.name`` when it is a ``@property`` or ``@cached_property`` defined in the class."""
    found = _def_named(cls.body, name)
    if found is None:
        return None
    for decorator in found.decorator_list:
        written = decorator.attr if isinstance(decorator, ast.Attribute) else getattr(decorator, "id", None)
        if written in _PROPERTY_DECORATORS:
            return found
    return None


def _def_named(body: list[ast.stmt], name: str) -> Optional[Function]:
    """The last ``def name`` directly in ``body`` (a redefinition replaces the earlier one)."""
    found = None
    for statement in body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == name:
            found = statement
    return found


@node_fact()
def returned_values(ctx: FileContext, function: Function) -> list[Optional[ast.expr]]:
    """The values of the ``return`` statements of ``function`` itself (``None`` for a bare ``return``).

    A generator (any ``yield``) returns nothing useful and gives an empty list.
    """
    values: list[Optional[ast.expr]] = []
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        if isinstance(node, _NESTED):
            continue
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return []
        if isinstance(node, ast.Return):
            values.append(node.value)
        stack.extend(ast.iter_child_nodes(node))
    return values
