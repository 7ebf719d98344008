"""Which qualified name a local name or dotted expression stands for, through imports and aliases.

``import requests as r`` makes ``r.get`` resolve to ``requests.get``; ``from requests import Session as S``
makes ``S`` resolve to ``requests.Session``; ``import os.path`` binds ``os``. The walk feeds every import
statement to :meth:`ImportMap.add` in source order, so a name used after its import resolves. Imports inside
functions are recorded for the whole file: a name imported locally nearly always means the same thing
everywhere in the file, and a rule that needs more precision asks :mod:`.bindings`.
"""

from __future__ import annotations

import ast
from typing import Optional


class ImportMap:
    """Local name -> qualified name, plus the set of top-level modules the file imports."""

    __slots__ = ("modules", "names")

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.modules: set[str] = set()

    def add(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                self.modules.add(alias.name.partition(".")[0])
                if alias.asname:
                    self.names[alias.asname] = alias.name
                else:
                    top = alias.name.partition(".")[0]
                    self.names[top] = top
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
            self.names[alias.asname or alias.name] = qualified

    def resolve_name(self, name: str) -> Optional[str]:
        return self.names.get(name)

    def resolve(self, node: ast.AST) -> Optional[str]:
        """Qualified dotted name of a ``Name`` or ``Attribute`` chain rooted at an import, else ``None``."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        base = self.names.get(node.id)
        if base is None:
            return None
        if parts:
            parts.reverse()
            return base + "." + ".".join(parts)
        return base

    def imports_module(self, *modules: str) -> bool:
        return any(module in self.modules for module in modules)


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
