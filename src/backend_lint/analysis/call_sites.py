"""Where the functions of a file are called in that file: a parameter's callers decide what it can hold (a path
value from a handler's URL, a literal every caller passes). Read once per file, asked only by the readings that
follow a parameter to its callers.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.facts import file_fact
from backend_lint.analysis.node_index import node_index

if TYPE_CHECKING:
    from backend_lint.context import FileContext

CallSites = dict[str, list[tuple[ast.Call, Optional[ast.AST]]]]


@file_fact(reads=(node_index,))
def module_calls(ctx: FileContext) -> CallSites:
    """Every call in the file, with the ``def`` (or lambda) it is written in (``None`` outside any), under three
    keys: a bare name (``helper(...)`` under ``"helper"``), a method through ``self`` (``self.fetch(...)`` under
    ``"self.fetch"``) and any method by its name (``x._get_func("version")`` under ``"._get_func"``). A name also
    used other than as a callee (passed around: a callback, a registry, so called from places this file cannot
    see) gets an empty list. The calls of a key come in no particular order."""
    found: CallSites = {}
    mentions: dict[str, int] = {}
    index = node_index(ctx)
    for call in index.of(ast.Call):
        owner = index.parent(call)
        while owner is not None and not isinstance(owner, _FUNCTIONS):
            owner = index.parent(owner)
        for key in _keys(call.func):
            found.setdefault(key, []).append((call, owner))
    for written in index.of(ast.Name):
        if written.id in found:  # (only a callee's key is asked)
            mentions[written.id] = mentions.get(written.id, 0) + 1
    for attribute in index.of(ast.Attribute):
        if "." + attribute.attr in found:  # (``self.x`` is filed under ``.x`` too)
            for key in _keys(attribute):
                mentions[key] = mentions.get(key, 0) + 1
    for name, calls in found.items():
        if mentions.get(name, 0) > len(calls):
            found[name] = []
    return found


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def _keys(node: Optional[ast.AST]) -> list[str]:
    """The keys a callee or a mention is filed under: its name; an attribute's ``.name``, and ``self.name`` too when
    it is read through ``self``."""
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Attribute):
        through_self = isinstance(node.value, ast.Name) and node.value.id == "self"
        return ["." + node.attr, f"self.{node.attr}"] if through_self else ["." + node.attr]
    return []
