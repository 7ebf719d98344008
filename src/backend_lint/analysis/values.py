"""Where a value came from, as a dotted *origin* string, so rules match receivers by how they were made.

An origin names the qualified callable that produced a value, with ``()`` for each call:

- ``requests.Session()`` for ``s = requests.Session()`` (also ``with requests.Session() as s``,
  ``self.session = requests.Session()`` in ``__init__``, or a parameter annotated ``s: requests.Session``);
- ``psycopg2.connect().cursor()`` for ``cur = conn.cursor()`` where ``conn = psycopg2.connect(...)``;
- ``requests.get`` for the name ``get`` after ``from requests import get``.
- ``requests.Session()`` for ``s = make_session()`` when every ``return`` of the ``def make_session`` the
  call runs gives one (:mod:`.resolve` says which ``def`` that is).

Rules compare origins with their tables (``origin.startswith("requests.Session()")``). A name assigned more
than once resolves only when every assignment has the same origin; anything unknown resolves to ``None``, so
rules stay quiet rather than guess.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional, TypeVar

from backend_lint.analysis.ast_helpers import unquoted
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.facts import reads
from backend_lint.analysis.resolve import (
    Definition,
    Function,
    called_function,
    instance_class,
    lookup,
    property_of,
    returned_values,
)
from backend_lint.analysis.scopes import FUNCTION, Scope

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_MAX_DEPTH = 12
_V = TypeVar("_V", bound=Optional[ast.expr])  # what a name or an attribute was assigned (None: unknown)
_Seen = frozenset[tuple[int, str]]
"""(id of a scope or function node, name) pairs already being followed: a cycle gives no origin."""


@reads(lookup, called_function, property_of, returned_values)
def origin(expr: ast.AST, ctx: FileContext, scope: Optional[Scope] = None) -> Optional[str]:
    """The origin of ``expr`` evaluated in ``scope`` (default: the scope of the node being visited)."""
    return _origin(expr, ctx, scope if scope is not None else ctx.scope, 0, frozenset())


def _origin(expr: ast.AST, ctx: FileContext, scope: Scope, depth: int, seen: _Seen) -> Optional[str]:
    if depth > _MAX_DEPTH:
        return None
    if isinstance(expr, ast.Name):
        return _name_origin(expr, ctx, scope, depth, seen)
    if isinstance(expr, ast.Attribute):
        if isinstance(expr.value, ast.Name):
            self_value = _self_attribute_origin(expr, ctx, scope, depth, seen)
            if self_value is not None:
                return self_value
        base = _origin(expr.value, ctx, scope, depth + 1, seen)
        return f"{base}.{expr.attr}" if base else None
    if isinstance(expr, ast.Call):
        base = _origin(expr.func, ctx, scope, depth + 1, seen)
        return f"{base}()" if base else _factory_origin(expr, ctx, scope, depth, seen)
    if isinstance(expr, ast.Await):
        return _origin(expr.value, ctx, scope, depth + 1, seen)
    if isinstance(expr, ast.Subscript):  # Annotated[T, ...] / Optional[T] in annotations
        return _annotation_origin(expr, ctx, scope, depth, seen)
    return None


def _factory_origin(call: ast.Call, ctx: FileContext, scope: Scope, depth: int, seen: _Seen) -> Optional[str]:
    """A call to a ``def`` in this file (``make_session()``): the origin of what every ``return`` gives."""
    found = called_function(call, ctx, scope)
    return _returns_origin(found, ctx, depth, seen) if found is not None else None


def _returns_origin(function: Definition[Function], ctx: FileContext, depth: int, seen: _Seen) -> Optional[str]:
    """The origin of what every ``return`` of ``function`` (a factory or a property) gives."""
    key = (id(function.node), "<return>")
    if key in seen:
        return None
    values = returned_values(ctx, function.node)
    if not values:
        return None
    inner = seen | {key}
    origins = {
        _origin(value, ctx, function.scope, depth + 1, inner) if value is not None else None for value in values
    }
    return origins.pop() if len(origins) == 1 else None


def _without_placeholders(values: list[_V]) -> list[_V]:
    """``values`` without literal ``None`` assignments, unless nothing else is left.

    ``self._session = None`` in ``__init__`` and ``self._session = requests.Session()`` on first use is lazy
    set-up: wherever the attribute is used as a session, it holds the session.
    """
    kept = [value for value in values if not (isinstance(value, ast.Constant) and value.value is None)]
    return kept or values


def _name_origin(node: ast.Name, ctx: FileContext, scope: Scope, depth: int, seen: _Seen) -> Optional[str]:
    name = node.id
    found = lookup(name, ctx, scope)
    if found is None:
        return ctx.imports.resolve_name(name, node.lineno)
    link, bindings = found
    key = (id(link.node), name)
    if key in seen:
        return None
    seen = seen | {key}
    param = bindings.params.get(name)
    if param is not None:
        if param.annotation is None:
            return None
        typed = _annotation_origin(param.annotation, ctx, link.outer or link, depth + 1, seen)
        return f"{typed}()" if typed else None
    values = bindings.assigned.get(name)
    if not values or name in bindings.augmented or name in bindings.loop_targets:
        return ctx.imports.resolve_name(name, node.lineno) if name in bindings.definitions else None
    origins = {
        _origin(value, ctx, link, depth + 1, seen) if value is not None else None
        for value in _without_placeholders(values)
    }
    return origins.pop() if len(origins) == 1 else None


def _annotation_origin(
    annotation: ast.AST, ctx: FileContext, scope: Scope, depth: int, seen: _Seen
) -> Optional[str]:
    unquoted_annotation = unquoted(annotation)
    if unquoted_annotation is None:
        return None
    annotation = unquoted_annotation
    if isinstance(annotation, ast.Subscript):
        wrapper = ctx.imports.resolve(annotation.value) or ""
        inner = annotation.slice
        if wrapper.endswith(("Optional", "Annotated")):
            first = inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
            return _annotation_origin(first, ctx, scope, depth + 1, seen)
        return None
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):  # T | None
        for side in (annotation.left, annotation.right):
            if not (isinstance(side, ast.Constant) and side.value is None):
                return _annotation_origin(side, ctx, scope, depth + 1, seen)
        return None
    if isinstance(annotation, (ast.Name, ast.Attribute)):
        return ctx.imports.resolve(annotation)
    return None


def _self_attribute_origin(
    expr: ast.Attribute, ctx: FileContext, scope: Scope, depth: int, seen: _Seen
) -> Optional[str]:
    """``self.session`` inside a method: the origin of what the class's methods assign to it, else of what its
    ``@property`` getter returns (in the class or a base of this file), else of a class attribute."""
    owner = instance_class(expr.value, scope)
    if owner is None:
        return None
    cls = owner.node
    values = bindings_of(ctx, cls).self_attributes.get(expr.attr)
    if not values:
        getter = property_of(owner, expr.attr, ctx)
        if getter is not None:  # ``@property``/``@cached_property def session(self): ... return session``
            return _returns_origin(getter, ctx, depth, seen)
        return _class_attribute_origin(cls, expr.attr, ctx, scope, depth, seen)
    origins = {
        _origin(value, ctx, _scope_of_value(cls, value, owner.scope), depth + 1, seen)
        for value in _without_placeholders(values)
    }
    return origins.pop() if len(origins) == 1 else None


def _scope_of_value(cls: ast.ClassDef, value: ast.expr, class_scope: Scope) -> Scope:
    """The scope of the method of ``cls`` whose body holds ``value``, so that its locals and parameters
    resolve (``session = requests.Session(); ...; self.session = session``)."""
    for statement in cls.body:
        if (
            isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
            and statement.lineno <= value.lineno <= (statement.end_lineno or statement.lineno)
        ):
            return Scope(FUNCTION, statement, class_scope)
    return class_scope


def _class_attribute_origin(
    cls: ast.ClassDef, attr: str, ctx: FileContext, scope: Scope, depth: int, seen: _Seen
) -> Optional[str]:
    values = bindings_of(ctx, cls).assigned.get(attr)
    if not values or len(values) != 1 or values[0] is None:
        return None
    return _origin(values[0], ctx, scope, depth + 1, seen)
