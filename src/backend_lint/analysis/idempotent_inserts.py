"""SQL inserts that add a row only when none is there (BE305): ``INSERT ... ON CONFLICT (...) DO NOTHING``,
SQLite's ``INSERT OR IGNORE``, MySQL's ``INSERT IGNORE``.

A handler whose only create is such an insert (fmtm's ``DbOrganisationManagers.create``: ``INSERT INTO
organisation_managers ... ON CONFLICT (organisation_id, user_sub) DO NOTHING``, an admin role granted) makes a
row the first time and nothing on every later request: an idempotent grant, not the creation of a resource, and a
``201 Created`` would be wrong whenever the row was there already. Read off a function's own body, also for the
project model (:attr:`~backend_lint.analysis.project.summary.DefSummary.inserts_if_missing`), so a handler that
calls such a method of another module is settled there.
"""

from __future__ import annotations

import ast
from typing import Union

from backend_lint.analysis.ast_helpers import own_nodes
from backend_lint.analysis.lazy_regex import lazy_compile

_INSERT = lazy_compile(r"(?i)^\s*insert\s+(?:or\s+\w+\s+|ignore\s+)?into\b")
_IF_MISSING = lazy_compile(
    r"(?is)^\s*insert\s+(?:or\s+ignore|ignore)\s+into\b|\bon\s+conflict\b[^;]*?\bdo\s+nothing\b")
_WORDS = ("do nothing", "or ignore", "insert ignore")
"""Words the function's text must hold before its strings are read."""

_Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]


def mentions_insert_if_missing(lowered: str) -> bool:
    """The lower-cased text may hold such an insert: the cheap test before a function is read."""
    return any(word in lowered for word in _WORDS)


def inserts_if_missing(*functions: _Function) -> bool:
    """The functions' own SQL inserts (string literals starting ``INSERT ... INTO``, nested functions left out)
    are at least one, and each adds its row only when none is there."""
    inserts = [
        node.value for function in functions for node in own_nodes(function)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _INSERT.match(node.value)
    ]
    return bool(inserts) and all(_IF_MISSING.search(text) for text in inserts)
