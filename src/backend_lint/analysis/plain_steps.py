"""Steps of a block that run no code of the project and cannot fail on their own: building a record, filling a
container the code itself made, keeping a value on the object, a local typed as a library's class.

BE403 reads a ``try`` step by step (:mod:`.library_calls`) to see whether the only thing in it that can raise is
a call into an installed library; these are the steps around that call that real code writes and that cannot
raise anything a traceback would help with:

- :func:`record_class`: ``RepositoryDigest(repo=..., tree=...)`` of a ``@dataclass`` (``attrs``), a
  ``NamedTuple`` or a ``TypedDict`` of the file with no ``__post_init__``/``__init__`` of its own: it only keeps
  its fields.
- :func:`literal_container`: ``kwargs["token"] = token``, ``cmd.extend([...])`` on a local every assignment of
  which is a list, dict or set literal (or ``dict()``/``list()``/``set()``): a container the code itself made.
- :func:`kept_store`: ``self.cams[name] = {...}`` (an entry of a container the object keeps) or ``self.client =
  client`` where the class (and its bases of the file) defines no method of that name (a property setter) and no
  ``__setattr__``: a plain store on the object.
- :func:`annotated_class`: ``onvif: ONVIFCamera = self.cams[name]["onvif"]``: a local whose annotation names a
  class imported from elsewhere, so its methods are that class's.
"""

from __future__ import annotations

import ast
from typing import Optional

from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.facts import reads
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.resolve import class_chain, instance_class, lookup, method_of, resolve_class
from backend_lint.analysis.scopes import Scope
from backend_lint.context import FileContext

_RECORD_DECORATORS = frozenset({"dataclasses.dataclass", "attr.s", "attr.attrs", "attr.define", "attr.frozen",
                                "attr.dataclass", "attrs.define", "attrs.frozen", "attrs.mutable"})
_RECORD_BASES = frozenset({"typing.NamedTuple", "typing.TypedDict", "typing_extensions.TypedDict",
                           "typing_extensions.NamedTuple"})
_OWN_CODE = frozenset({"__init__", "__post_init__", "__attrs_post_init__", "__new__", "__setattr__"})
_CONTAINER_CALLS = frozenset({"dict", "list", "set"})
CONTAINER_METHODS = frozenset({"append", "extend", "insert", "update", "setdefault", "add", "get", "copy",
                               "items", "keys", "values"})
"""Methods of a list, dict or set that run no code but the container's (``pop``/``remove`` may raise a lookup
error: not among them)."""


@reads(resolve_class, class_chain)
def record_class(call: ast.Call, ctx: FileContext, scope: Scope) -> bool:
    """``call`` constructs a record class of the file (see the module docstring): it only keeps its fields."""
    cls = resolve_class(call.func, ctx, scope)
    if cls is None:
        return False
    decorated = any(
        (ctx.imports.resolve(decorator.func if isinstance(decorator, ast.Call) else decorator) or "")
        in _RECORD_DECORATORS
        for decorator in cls.node.decorator_list
    )
    based = any((ctx.imports.resolve(base) or "") in _RECORD_BASES for base in cls.node.bases)
    if not (decorated or based):
        return False
    for current in class_chain(cls, ctx):
        if any(isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name in _OWN_CODE
               for statement in current.node.body):
            return False
    return True


@reads(lookup)
def literal_container(name: str, ctx: FileContext, scope: Scope) -> bool:
    """``name`` is a local every assignment of which is a list, dict or set the code writes out (a literal, a
    comprehension, ``dict(...)``/``list()``/``set()``): its methods and item stores run no code of the project."""
    found = lookup(name, ctx, scope)
    if found is None:
        return False
    link, bindings = found
    if link.kind == "module" or name in bindings.params or name in bindings.definitions:
        return False
    values = bindings.assigned.get(name) or []
    return bool(values) and all(_literal(value) for value in values)


def _literal(value: Optional[ast.expr]) -> bool:
    if isinstance(value, (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)):
        return True
    return (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in _CONTAINER_CALLS
            and all(isinstance(argument, (ast.Name, ast.Constant, ast.Dict, ast.List)) for argument in value.args))


@reads(method_of, class_chain, bindings_of)
def kept_store(target: ast.expr, ctx: FileContext, scope: Scope) -> bool:
    """``self.cams[name] = ...`` or ``self.client = ...`` (no setter, no ``__setattr__`` in the class or its bases
    of the file): a store on the object the method runs on, which runs no code of the project."""
    if isinstance(target, ast.Subscript):
        target = target.value
        if not isinstance(target, ast.Attribute):
            return False
        return instance_class(target.value, scope) is not None
    if not isinstance(target, ast.Attribute):
        return False
    cls = instance_class(target.value, scope)
    if cls is None or method_of(cls, target.attr, ctx) is not None:
        return False
    return not any(
        isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == "__setattr__"
        for current in class_chain(cls, ctx) for statement in current.node.body
    )


def annotated_class(name: str, ctx: FileContext, scope: Scope) -> Optional[str]:
    """The qualified class a local of ``scope``'s function is annotated with where it is bound (``onvif:
    ONVIFCamera = ...``, ``Optional[...]``/``X | None`` unwrapped), when the name is imported; else ``None``."""
    function = scope.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    annotations = [
        node.annotation for node in ast.walk(function)
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name
    ]
    if len(annotations) != 1:
        return None
    annotation = _unwrapped(annotations[0])
    if not isinstance(annotation, (ast.Name, ast.Attribute)):
        return None
    qualified = ctx.imports.resolve(annotation)
    written = dotted_name(annotation) or ""
    if qualified is None or not written.rpartition(".")[2][:1].isupper():
        return None
    return qualified


def _unwrapped(annotation: ast.expr) -> ast.expr:
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return annotation
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        sides = [side for side in (annotation.left, annotation.right)
                 if not (isinstance(side, ast.Constant) and side.value is None)]
        return sides[0] if len(sides) == 1 else annotation
    if isinstance(annotation, ast.Subscript) and (dotted_name(annotation.value) or "").endswith("Optional"):
        return annotation.slice
    return annotation
