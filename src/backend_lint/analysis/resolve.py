"""Which ``def`` (or ``class``) a name or call runs, and what a ``def`` returns: the one resolver every analysis
asks, so that value origins, SQL builders, factories and route endpoints agree.

A plain name is looked up as Python does: in the innermost scope that binds it (the enclosing functions, then
the module; a class body only for code written directly in it). In that scope the name must be bound by
``def``/``class`` statements only (a parameter, an assignment or an import next to them leaves it unknown),
and the one that runs is the last definition that reaches the use: for code of that same scope, the last one
above the use; for code in a nested function, which runs later, the last one in the scope. ``self.name`` and
``cls.name`` resolve in the class whose method the code is in (also from functions nested in that method),
then in its bases defined in the same file, depth first: never in another class that happens to define the
name. A name bound by an import resolves to :class:`Imported`: defined in another module.

This is where resolution across files plugs in. An :class:`Imported` result names the module and the name
(``shop.db.build_query``); the project model will map it to the definition in that module. Within one file
the answer stops there, and callers treat it as unknown (or use the qualified name, as origins do).
"""

from __future__ import annotations

import ast
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Optional, TypeVar, Union

from backend_lint.analysis.bindings import Bindings, bindings_of
from backend_lint.analysis.facts import node_fact, reads
from backend_lint.analysis.scopes import CLASS, FUNCTION, MODULE, Scope
from backend_lint.analysis.tree_walk import child_nodes
from backend_lint.analysis.word_lines import word_lines

if TYPE_CHECKING:
    from backend_lint.context import FileContext

Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]
Defined = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef]
D = TypeVar("D", bound=Defined)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_PROPERTY_DECORATORS = frozenset({"property", "cached_property"})
_MAX_BASES = 10
_KEYWORDS = ("return", "yield")


@dataclass(frozen=True)
class Definition(Generic[D]):
    """A ``def`` or ``class`` of this file, and the scope its body runs in (its own link, whose ``outer`` is
    the scope it is defined in), so that names in the body resolve as they will when it runs. The type
    parameter says which: ``Definition[Function]`` from :func:`called_function`, ``Definition[ast.ClassDef]``
    from :func:`resolve_class`."""

    node: D
    scope: Scope


@dataclass(frozen=True)
class Imported:
    """A name bound by an import: ``qualified`` is what it was imported as (``shop.db.build_query``)."""

    qualified: str


Target = Union["Definition[Defined]", Imported]


@reads(bindings_of)
def lookup(name: str, ctx: FileContext, scope: Scope) -> Optional[tuple[Scope, Bindings]]:
    """The innermost scope visible from ``scope`` that binds ``name``, with its bindings (``None``: a
    builtin, or a name bound nowhere in this file). A class body is visible only to code written directly in
    it, not to its methods."""
    link: Optional[Scope] = scope
    innermost = True
    while link is not None:
        kind = link.kind
        if kind in (FUNCTION, MODULE) or (kind == CLASS and innermost):
            innermost = False
            bindings = bindings_of(ctx, link.node)  # type: ignore[arg-type]  # a def, lambda, class or module
            if bindings.binds(name):
                return link, bindings
        link = link.outer
    return None


@reads(lookup)
def resolve_name(name: ast.Name, ctx: FileContext, scope: Scope) -> Optional[Target]:
    """The ``def``/``class`` of this file, or the import, that ``name`` stands for where it is written."""
    found = lookup(name.id, ctx, scope)
    if found is None:
        return None
    link, bindings = found
    defined = bindings.defined.get(name.id)
    others = (
        name.id in bindings.assigned or name.id in bindings.augmented or name.id in bindings.loop_targets
        or name.id in bindings.params
    )
    if defined and not others and name.id not in bindings.imported:
        chosen = _reaching(defined, name, link, scope)
        if chosen is None:
            return None
        return Definition(chosen, Scope(CLASS if isinstance(chosen, ast.ClassDef) else FUNCTION, chosen, link))
    if name.id in bindings.imported and not defined and not others:
        qualified = ctx.imports.resolve_name(name.id, name.lineno)
        return Imported(qualified) if qualified is not None else None
    return None


def _reaching(defined: list[Defined], use: ast.AST, link: Scope, scope: Scope) -> Optional[Defined]:
    """The definition that runs: code that runs as the defining scope runs (its own body, a class body in
    it) sees the last one above it; code in a nested function runs later and sees the last one of all."""
    current: Optional[Scope] = scope
    while current is not None and current is not link:
        if current.kind == FUNCTION:
            return defined[-1]
        current = current.outer
    line = getattr(use, "lineno", 0)
    above = [node for node in defined if node.lineno < line]
    return above[-1] if above else None


def instance_class(receiver: ast.expr, scope: Scope) -> Optional[Definition[ast.ClassDef]]:
    """The class ``self``/``cls`` stands for: ``receiver`` is the first parameter of the method the code is in
    (also inside functions nested in that method), and the method is directly in the class body."""
    if not isinstance(receiver, ast.Name):
        return None
    method: Optional[Scope] = None
    for link in scope:
        if isinstance(link.node, ast.ClassDef):  # a CLASS scope
            if method is not None and _first_parameter(method.node) == receiver.id:
                return Definition(link.node, link)
            return None
        if link.kind == FUNCTION:
            method = link
    return None


@reads(resolve_name)
def resolve_class(name: ast.expr, ctx: FileContext, scope: Scope) -> Optional[Definition[ast.ClassDef]]:
    """The ``class`` of this file a plain name stands for where it is written (``Repository.SQL``)."""
    found = resolve_name(name, ctx, scope) if isinstance(name, ast.Name) else None
    if isinstance(found, Definition) and isinstance(found.node, ast.ClassDef):
        return Definition(found.node, found.scope)
    return None


def _first_parameter(function: ast.AST) -> Optional[str]:
    if not isinstance(function, _FUNCTIONS):
        return None
    params = [*function.args.posonlyargs, *function.args.args]
    return params[0].arg if params else None


@reads(resolve_class)
def class_chain(cls: Definition[ast.ClassDef], ctx: FileContext) -> Iterator[Definition[ast.ClassDef]]:
    """The class, then its bases defined in this file, depth first (what ``self.name`` can find a method in)."""
    stack = [cls]
    seen: set[ast.AST] = set()
    while stack and len(seen) < _MAX_BASES:
        current = stack.pop()
        if current.node in seen:
            continue
        seen.add(current.node)
        yield current
        outer = current.scope.outer or current.scope
        bases = [resolve_class(base, ctx, outer) for base in current.node.bases]
        stack.extend(reversed([base for base in bases if base is not None]))


@reads(class_chain)
def method_of(cls: Definition[ast.ClassDef], name: str, ctx: FileContext) -> Optional[Definition[Function]]:
    """The ``def name`` that ``self.name`` finds: in the class, else in its bases of this file. A class that
    binds the name some other way (an assignment) hides it, and then nothing is known."""
    for current in class_chain(cls, ctx):
        bindings = bindings_of(ctx, current.node)
        defined = bindings.defined.get(name)
        if name in bindings.assigned or name in bindings.augmented:
            return None
        if defined:
            chosen = defined[-1]
            if not isinstance(chosen, _FUNCTIONS):
                return None
            return Definition(chosen, Scope(FUNCTION, chosen, current.scope))
    return None


@reads(resolve_name, method_of, resolve_class)
def called_function(call: ast.Call, ctx: FileContext, scope: Scope) -> Optional[Definition[Function]]:
    """The ``def`` of this file that ``call`` runs: ``build(...)``, a nested or redefined ``build``,
    ``self.build(...)``/``cls.build(...)``, or ``Builder.build(...)`` on a class of this file (a static or class
    method called through its class). ``None`` for imported, unknown or ambiguous callees."""
    func = call.func
    if isinstance(func, ast.Name):
        found = resolve_name(func, ctx, scope)
        if isinstance(found, Definition) and isinstance(found.node, _FUNCTIONS):
            return Definition(found.node, found.scope)
        return None
    if isinstance(func, ast.Attribute):
        owner = instance_class(func.value, scope) or resolve_class(func.value, ctx, scope)
        if owner is not None:
            return method_of(owner, func.attr, ctx)
    return None


@reads(method_of)
def property_of(cls: Definition[ast.ClassDef], name: str, ctx: FileContext) -> Optional[Definition[Function]]:
    """The getter ``self.name`` runs when it is a ``@property``/``@cached_property`` of the class or its bases."""
    found = method_of(cls, name, ctx)
    if found is None:
        return None
    for decorator in found.node.decorator_list:
        written = decorator.attr if isinstance(decorator, ast.Attribute) else getattr(decorator, "id", None)
        if written in _PROPERTY_DECORATORS:
            return found
    return None


@node_fact(reads=(word_lines,))
def returned_values(ctx: FileContext, function: Function) -> list[Optional[ast.expr]]:
    """The values of the ``return`` statements of ``function`` itself, not of functions nested in it
    (``None`` for a bare ``return``). A generator (any ``yield``) returns nothing useful: an empty list.
    Only statements and expressions whose lines hold ``return`` or ``yield`` are looked into."""
    values: list[Optional[ast.expr]] = []
    lines = word_lines(ctx).words(_KEYWORDS)
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        if isinstance(node, _NESTED):
            continue
        first = getattr(node, "lineno", None)
        if first is not None:
            at = bisect_left(lines, first)
            if at == len(lines) or lines[at] > (getattr(node, "end_lineno", None) or first):
                continue
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return []
        if isinstance(node, ast.Return):
            values.append(node.value)
        stack.extend(child_nodes(node))
    return values
