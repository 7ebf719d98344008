"""What names a function, class or module binds, summarised once per scope (a fact per scope node).

A summary answers "where could this local name have come from?" without each rule walking the function
again: plain assignments (``x = value``), augmented ones (``x += value``), ``with ... as x``, loop targets,
parameters, nested definitions and imports. For a class it also records ``self.attr = value`` made in any of
its methods, so a session kept on ``self`` is known by how ``__init__`` made it. The summary does not look
into nested functions, classes or lambdas: their names are their own.
"""

from __future__ import annotations

import ast
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional, Union

from backend_lint.analysis.facts import file_fact, node_fact

if TYPE_CHECKING:
    from backend_lint.context import FileContext

ScopeNode = Union[ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda]
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_SKIP = (*_NESTED, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
WalrusLines = Union[bool, list[int]]
"""Where a file writes ``:=`` (:func:`walrus_lines`)."""


@dataclass
class Bindings:
    """Names bound directly in one scope."""

    assigned: dict[str, list[Optional[ast.expr]]] = field(default_factory=dict)
    """``name -> values`` for ``name = value``, ``with value as name`` (``None``: unpacking, unknown)."""
    augmented: dict[str, list[ast.AugAssign]] = field(default_factory=dict)
    loop_targets: dict[str, list[Union[ast.For, ast.AsyncFor]]] = field(default_factory=dict)
    params: dict[str, ast.arg] = field(default_factory=dict)
    definitions: set[str] = field(default_factory=set)
    """Names bound by ``def``/``class``/``import``/``global``/``except ... as``, walrus and the like."""
    defined: dict[str, list[Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef]]] = field(
        default_factory=dict
    )
    """``name -> [def or class statement, ...]`` in source order (what :mod:`.resolve` chooses from)."""
    imported: set[str] = field(default_factory=set)
    """Names bound by an ``import`` statement in this scope."""
    self_attributes: dict[str, list[ast.expr]] = field(default_factory=dict)
    """For a class: ``self.attr = value`` in any method."""

    def binds(self, name: str) -> bool:
        return (
            name in self.assigned
            or name in self.params
            or name in self.definitions
            or name in self.loop_targets
            or name in self.augmented
        )

    def single_value(self, name: str) -> Optional[ast.expr]:
        """The value of ``name`` if it is assigned exactly once in this scope, and bound no other way."""
        values = self.assigned.get(name)
        if not values or len(values) != 1 or name in self.augmented or name in self.loop_targets:
            return None
        return values[0]


def _add_target(bindings: Bindings, target: ast.expr, value: Optional[ast.expr]) -> None:
    if isinstance(target, ast.Name):
        bindings.assigned.setdefault(target.id, []).append(value)
    elif isinstance(target, (ast.Tuple, ast.List)):
        # ``a, b = escape(a), escape(b)``: a tuple written whole pairs each target with its own value.
        paired = (
            isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts)
            and not any(isinstance(item, ast.Starred) for item in (*target.elts, *value.elts))
        )
        for position, element in enumerate(target.elts):
            element_value = value.elts[position] if paired and isinstance(value, (ast.Tuple, ast.List)) else None
            _add_target(bindings, element.value if isinstance(element, ast.Starred) else element, element_value)


def _add_params(bindings: Bindings, args: ast.arguments) -> None:
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    if args.vararg:
        every.append(args.vararg)
    if args.kwarg:
        every.append(args.kwarg)
    for arg in every:
        bindings.params[arg.arg] = arg


_BLOCK_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")


def _statements(body: list[ast.stmt], into_nested: bool = False) -> Iterator[ast.AST]:
    """Every statement of a block, nested blocks included (not inside nested definitions unless asked).

    Bindings come from statements, so expressions are not visited: this is what keeps summaries cheap.
    """
    stack: list[ast.AST] = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, _NESTED) and not into_nested:
            continue
        for name in _BLOCK_FIELDS:
            block = getattr(node, name, None)
            if block:
                stack.extend(reversed(block))


def summarise(scope: ScopeNode, walrus: WalrusLines = True) -> Bindings:
    """Build the summary of one scope (prefer :func:`bindings_of`, which memoizes it).

    ``walrus=False`` (the file has no ``:=``) skips looking for assignment expressions inside expressions; a
    list of the lines that write ``:=`` looks only into the statements that span one of them.
    """
    bindings = Bindings()
    if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        _add_params(bindings, scope.args)
    if isinstance(scope, ast.Lambda):
        if walrus:
            _add_walrus(bindings, scope.body)
        return bindings
    for node in _statements(scope.body):
        if isinstance(node, _NESTED):
            if not isinstance(node, ast.Lambda):
                bindings.definitions.add(node.name)
                bindings.defined.setdefault(node.name, []).append(node)
            if isinstance(scope, ast.ClassDef) and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                _collect_self_attributes(node, bindings)
            continue
        if isinstance(node, ast.Assign):
            for target in node.targets:
                _add_target(bindings, target, node.value)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            _add_target(bindings, node.target, node.value)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            bindings.augmented.setdefault(node.target.id, []).append(node)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            for name in _names_in(node.target):
                bindings.loop_targets.setdefault(name, []).append(node)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    _add_target(bindings, item.optional_vars, item.context_expr)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                bindings.definitions.add(alias.asname or alias.name.partition(".")[0])
                bindings.imported.add(alias.asname or alias.name.partition(".")[0])
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            bindings.definitions.update(node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bindings.definitions.add(node.name)
        if walrus and not isinstance(node, ast.ExceptHandler) and _spans_any(node, walrus):
            _add_walrus(bindings, node, statements_too=False)
    return bindings


def _spans_any(node: ast.AST, walrus: WalrusLines) -> bool:
    """Whether ``node``'s lines hold one of the ``walrus`` lines (``True``: every statement may)."""
    first = getattr(node, "lineno", None)
    if not isinstance(walrus, list) or first is None:  # a ``case`` clause has no position of its own
        return walrus is not False
    at = bisect_left(walrus, first)
    last = getattr(node, "end_lineno", None) or first
    return at < len(walrus) and walrus[at] <= last


def _add_walrus(bindings: Bindings, root: ast.AST, statements_too: bool = True) -> None:
    """``(name := value)`` inside the expressions of ``root`` (not inside nested scopes or comprehensions)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.NamedExpr):
            _add_target(bindings, node.target, node.value)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, _SKIP) or (isinstance(child, ast.stmt) and not statements_too):
                continue
            stack.append(child)


def _names_in(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _names_in(element)]
    if isinstance(target, ast.Starred):
        return _names_in(target.value)
    return []


def _collect_self_attributes(method: ast.FunctionDef | ast.AsyncFunctionDef, bindings: Bindings) -> None:
    params = method.args.posonlyargs + method.args.args
    if not params:
        return
    self_name = params[0].arg
    for node in _statements(method.body, into_nested=True):
        targets: list[ast.expr] = []
        value: Optional[ast.expr] = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        for target in targets:
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == self_name
                and value is not None
            ):
                bindings.self_attributes.setdefault(target.attr, []).append(value)


@file_fact()
def walrus_lines(ctx: FileContext) -> WalrusLines:
    """Where the file writes ``:=``: ``False`` nowhere (summaries need not look inside expressions), else the
    lines (1-based, ascending) that do, so that only the statements spanning them are looked into (walking
    every statement's expressions was most of a summary in files using ``:=`` once); ``True`` (look into every
    statement) when lone carriage returns would make the line count differ from ``ast``'s."""
    source = ctx.source
    if ":=" not in source:
        return False
    if source.count("\r") != source.count("\r\n"):
        return True
    lines = []
    line, position = 1, 0
    at = source.find(":=")
    while at != -1:
        line += source.count("\n", position, at)
        position = at
        lines.append(line)
        at = source.find(":=", at + 2)
    return lines


@node_fact(reads=(walrus_lines,))
def bindings_of(ctx: FileContext, scope: ScopeNode) -> Bindings:
    """The summary of ``scope`` (a module, class, function or lambda of this file)."""
    return summarise(scope, walrus_lines(ctx))
