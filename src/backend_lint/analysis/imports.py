"""Which qualified name a local name or dotted expression stands for, through imports and aliases.

``import requests as r`` makes ``r.get`` resolve to ``requests.get``; ``from requests import Session as S``
makes ``S`` resolve to ``requests.Session``; ``import os.path`` binds ``os``. The map is complete before the
walk starts (:func:`module_imports` reads every import statement of the module: at module level, inside
functions and classes, under ``if``/``try``/``with``), so a function defined above a late ``import requests``
resolves too. Imports inside functions are recorded for the whole file: a name imported locally nearly
always means the same thing everywhere in the file, and a rule that needs more precision asks
:mod:`.bindings`.

A name bound to different targets (``from typing import cast`` in one function, ``from sqlalchemy import
cast`` in another) resolves by position when the asking node has one: to the last binding at or above its
line, else to the module's last binding.
"""

from __future__ import annotations

import ast
from typing import Optional

_BLOCKS: dict[type, tuple[str, ...]] = {
    ast.FunctionDef: ("body",),
    ast.AsyncFunctionDef: ("body",),
    ast.ClassDef: ("body",),
    ast.If: ("body", "orelse"),
    ast.For: ("body", "orelse"),
    ast.AsyncFor: ("body", "orelse"),
    ast.While: ("body", "orelse"),
    ast.With: ("body",),
    ast.AsyncWith: ("body",),
    ast.Try: ("body", "handlers", "orelse", "finalbody"),
    ast.ExceptHandler: ("body",),
    **({ast.TryStar: ("body", "handlers", "orelse", "finalbody")} if hasattr(ast, "TryStar") else {}),
    **({ast.Match: ("cases",), ast.match_case: ("body",)} if hasattr(ast, "Match") else {}),
}
"""Statements that hold blocks of statements, and the fields holding them: all an import can sit in."""


class ImportMap:
    """Local name -> qualified name, plus the set of top-level modules the file imports."""

    __slots__ = ("_lines", "_rebound", "modules", "names", "statements")

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        """The last binding of each imported name (what a name means once the whole module has run)."""
        self.modules: set[str] = set()
        self.statements: list[ast.Import | ast.ImportFrom] = []
        """Every import statement, in source order (the project model reads whole module paths from them)."""
        self._lines: dict[str, int] = {}
        self._rebound: dict[str, list[tuple[int, str]]] = {}
        """``name -> [(line, qualified), ...]`` in source order, for names imported as different things."""

    def add(self, node: ast.Import | ast.ImportFrom) -> None:
        """Record one import statement (statements must come in source order)."""
        self.statements.append(node)
        line = node.lineno
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.partition(".")[0]
                self.modules.add(top)
                self._bind(alias.asname or top, alias.name if alias.asname else top, line)
            return
        module = node.module or ""
        if node.level:  # relative import: keep it recognisably local
            module = "." * node.level + module
        else:
            self.modules.add(module.partition(".")[0])
        for alias in node.names:
            if alias.name == "*":
                continue
            qualified = f"{module}.{alias.name}" if module and not module.endswith(".") else module + alias.name
            self._bind(alias.asname or alias.name, qualified, line)

    def _bind(self, name: str, qualified: str, line: int) -> None:
        previous = self.names.get(name)
        if previous is not None and previous != qualified:
            self._rebound.setdefault(name, [(self._lines[name], previous)]).append((line, qualified))
        elif name in self._rebound:
            self._rebound[name].append((line, qualified))
        self.names[name] = qualified
        self._lines[name] = line

    def resolve_name(self, name: str, line: Optional[int] = None) -> Optional[str]:
        """What ``name`` was imported as, seen from ``line`` (``None``: once the whole module has run)."""
        if line is not None and name in self._rebound:
            return _at(self._rebound[name], line)
        return self.names.get(name)

    def resolve(self, node: ast.AST) -> Optional[str]:
        """Qualified dotted name of a ``Name`` or ``Attribute`` chain rooted at an import, else ``None``."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        name = node.id
        base = self.names.get(name)
        if base is None:
            return None
        if name in self._rebound:
            line = getattr(node, "lineno", None)
            if line is not None:
                base = _at(self._rebound[name], line)
        if parts:
            parts.reverse()
            return base + "." + ".".join(parts)
        return base

    def imports_module(self, *modules: str) -> bool:
        return any(module in self.modules for module in modules)


def _at(bindings: list[tuple[int, str]], line: int) -> str:
    """The last binding at or above ``line``; else (a late import) the last one: what the name holds once the
    module has run, which is when a function defined above it is called."""
    chosen = bindings[-1][1]
    for bound_at, qualified in bindings:
        if bound_at > line:
            break
        chosen = qualified
    return chosen


def module_imports(tree: ast.Module) -> ImportMap:
    """Every import of the module, in source order: one pass over statements (expressions cannot import)."""
    imports = ImportMap()
    add = imports.add
    blocks = _BLOCKS
    stack: list[ast.AST] = list(reversed(tree.body))
    pop, extend = stack.pop, stack.extend
    while stack:
        node = pop()
        kind = type(node)
        if kind is ast.Import or kind is ast.ImportFrom:
            add(node)  # type: ignore[arg-type]  # an Import or ImportFrom: `type(node) is`, the fast check
            continue
        fields = blocks.get(kind)
        if fields is not None:
            for name in reversed(fields):  # the first block pops first
                block = getattr(node, name)
                if block:
                    extend(reversed(block))
    return imports


def dotted_name(node: ast.AST) -> Optional[str]:
    """The written dotted name of a ``Name``/``Attribute`` chain (``self.session.get``), else ``None``."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    parts.reverse()
    return ".".join(parts)
