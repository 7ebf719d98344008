"""Secret-named defaults the application itself checks for: sentinels, not secrets it relies on.

ihatemoney ships ``SECRET_KEY = "tralala"`` in ``default_settings.py`` and, at start-up, compares the loaded key
with it (``if app.config["SECRET_KEY"] == default_settings.SECRET_KEY: warnings.warn(...)``); privacyIDEA
compares the Yubico key in use with its ``DEFAULT_API_KEY`` and logs that it must be replaced. A constant the
project compares for equality is a marker of "not configured yet", whose value the code expects to be replaced
(BE503). What is read: the operands of ``==``/``!=`` in a module's text whose last name part is a secret's
(``SECRET_KEY``, ``DEFAULT_API_KEY``), as written (``default_settings.SECRET_KEY``, ``DEFAULT_API_KEY``); the
project model qualifies them through the module's imports.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.facts import reads
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.node_index import node_index
from backend_lint.analysis.secret_names import secret_word

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_OPERATOR = lazy_compile(r"[=!]=")
_AFTER = lazy_compile(r"\s*((?:[A-Za-z_]\w*\.)*[A-Z][A-Z0-9_]*)\b")
_BEFORE = lazy_compile(r"((?:[A-Za-z_]\w*\.)*[A-Z][A-Z0-9_]*)\s*$")
_WINDOW = 80
_SECRET_CAPITALS = lazy_compile(r"PASSW|PWD|SECRET|TOKEN|KEY|CREDENTIAL")
"""Cheap test first: a module without an upper-case secret word has no such constant to compare."""


def compared_secret_names(source: str) -> set[str]:
    """Upper-case names with a secret's last part written next to ``==``/``!=`` in ``source``, as written. Only
    the text around each operator is read (most modules have few)."""
    found: set[str] = set()
    if _SECRET_CAPITALS.search(source) is None:
        return found
    for operator in _OPERATOR.finditer(source):
        start, end = operator.span()
        for match in (_AFTER.match(source, end, end + _WINDOW), _BEFORE.search(source, max(0, start - _WINDOW), start)):
            if match is not None:
                written = match.group(1)
                if secret_word(written.rpartition(".")[2]) is not None:
                    found.add(written)
    return found


@reads(node_index)
def compared_in_file(ctx: FileContext, text: Optional[str]) -> bool:
    """The module compares a value with the literal ``text`` (``if SECRET_KEY == "mysecretkey": raise ...``): the
    application checks for its default and refuses or warns, the literal is a sentinel it knows (the same reading
    as the project model's ``compared_default``, within the file). The literal written twice in the source is the
    cheap test before the module's comparisons are read."""
    if not text or ctx.source.count(text) < 2:
        return False
    return any(
        isinstance(operand, ast.Constant) and operand.value == text
        for compare in node_index(ctx).of(ast.Compare)
        if any(isinstance(op, (ast.Eq, ast.NotEq, ast.Is, ast.IsNot)) for op in compare.ops)
        for operand in (compare.left, *compare.comparators)
    )
