"""Names a function validates against an identifier-only regular expression and rejects otherwise (BE101).

``if not _SAFE_KEY_RE.fullmatch(key): raise ValueError(...)`` (also ``re.fullmatch(PATTERN, key)``, ``.match``
with a pattern anchored at both ends, and one disjunct of an ``or``: ``if not isinstance(key, str) or not
RE.fullmatch(key): raise``): past the check, ``key`` can only be text the pattern allows. When every character
the pattern can match is a letter, a digit or ``_`` (``^[A-Za-z_][A-Za-z0-9_]{0,63}$``, ``\\w+``), the name is
an identifier, which cannot close a quote or start a clause: formatting it into SQL is safe by construction.

The pattern is read from a literal or a module-level ``re.compile(literal)`` constant and parsed with the
standard library's own regular-expression parser; a pattern that can match anything else (``.``, ``\\S``, a
negated class, a space, a quote) guards nothing.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Any, Optional

from backend_lint.analysis.bindings import bindings_of

try:  # Python 3.11+
    import re._parser as _sre_parse  # type: ignore[import-not-found,unused-ignore]  # (private, stable)
except ImportError:  # pragma: no cover  # Python 3.9, 3.10
    import sre_parse as _sre_parse  # type: ignore[no-redef,unused-ignore]  # (deprecated since 3.11)

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_MATCHERS = frozenset({"fullmatch", "match"})
_SAFE_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def regex_checked(ctx: FileContext, test: ast.expr) -> Optional[str]:
    """The name a rejecting ``if`` test checks against an identifier-only pattern: the test is ``not
    <match>`` or an ``or`` with such a disjunct, so the body runs unless the name matches."""
    checks = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or) else [test]
    for check in checks:
        if isinstance(check, ast.UnaryOp) and isinstance(check.op, ast.Not) and isinstance(check.operand, ast.Call):
            name = _matched_name(ctx, check.operand)
            if name is not None:
                return name
    return None


def _matched_name(ctx: FileContext, call: ast.Call) -> Optional[str]:
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in _MATCHERS:
        return None
    if (ctx.imports.resolve(func.value) or "") == "re":  # re.fullmatch(PATTERN, name)
        if len(call.args) != 2:
            return None
        pattern, subject = _pattern_text(ctx, call.args[0]), call.args[1]
    else:  # COMPILED.fullmatch(name)
        if len(call.args) != 1:
            return None
        pattern, subject = _compiled_pattern(ctx, func.value), call.args[0]
    if pattern is None or not isinstance(subject, ast.Name):
        return None
    return subject.id if identifier_pattern(pattern, full=func.attr == "fullmatch") else None


def _pattern_text(ctx: FileContext, expr: ast.expr) -> Optional[str]:
    if isinstance(expr, ast.Name):
        value = bindings_of(ctx, ctx.tree).single_value(expr.id)
        expr = value if isinstance(value, ast.expr) else expr
    return expr.value if isinstance(expr, ast.Constant) and isinstance(expr.value, str) else None


def _compiled_pattern(ctx: FileContext, expr: ast.expr) -> Optional[str]:
    if not isinstance(expr, ast.Name):
        return None
    value = bindings_of(ctx, ctx.tree).single_value(expr.id)
    if not (isinstance(value, ast.Call) and (ctx.imports.resolve(value.func) or "") == "re.compile" and value.args):
        return None
    if len(value.args) > 1 or value.keywords:
        return None  # flags (re.DOTALL, re.MULTILINE) change what the pattern matches
    return _pattern_text(ctx, value.args[0])


def identifier_pattern(pattern: str, full: bool) -> bool:
    """Every string ``pattern`` matches (wholly: ``fullmatch``, or ``match`` anchored with ``$``/``\\Z``) is made of
    letters, digits and ``_``."""
    try:
        parsed = list(_sre_parse.parse(pattern))
    except (re.error, RecursionError):
        return False
    if not full and (not parsed or str(parsed[-1][0]) != "AT" or str(parsed[-1][1]) not in ("AT_END", "AT_END_STRING")):
        return False  # match() without an end anchor accepts anything after the identifier
    return _safe_items(parsed)


def _safe_items(items: Any) -> bool:
    for op, argument in items:
        name = str(op)
        if name == "LITERAL":
            if chr(argument) not in _SAFE_CHARACTERS:
                return False
        elif name == "IN":
            if not _safe_set(argument):
                return False
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            if not _safe_items(argument[2]):
                return False
        elif name == "SUBPATTERN":
            if not _safe_items(argument[-1]):
                return False
        elif name == "BRANCH":
            if not all(_safe_items(branch) for branch in argument[1]):
                return False
        elif name == "CATEGORY":
            if str(argument) not in ("CATEGORY_DIGIT", "CATEGORY_WORD"):
                return False
        elif name != "AT":
            return False  # ANY, NOT_LITERAL, GROUPREF, ASSERT...
    return True


def _safe_set(items: Any) -> bool:
    for op, argument in items:
        name = str(op)
        if name == "LITERAL":
            if chr(argument) not in _SAFE_CHARACTERS:
                return False
        elif name == "RANGE":
            low, high = argument
            if not all(chr(code) in _SAFE_CHARACTERS for code in range(low, high + 1)):
                return False
        elif name == "CATEGORY":
            if str(argument) not in ("CATEGORY_DIGIT", "CATEGORY_WORD"):
                return False
        else:
            return False  # NEGATE and the rest
    return True
