"""Strings built by formatting: "was this string built from non-constant parts, and how?" for one expression.

Turning such a string into a lazy logging call lives in :mod:`.messages`.
"""

from __future__ import annotations

import ast
from typing import Optional

FSTRING = "f-string"
PERCENT = "%"
FORMAT_METHOD = ".format()"
CONCATENATION = "+"
JOIN = "join"



def is_constant_string(expr: ast.AST) -> bool:
    """A string literal, or an implicit/explicit concatenation of literals only."""
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, str)
    if isinstance(expr, ast.JoinedStr):
        return not any(isinstance(value, ast.FormattedValue) for value in expr.values)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        return is_constant_string(expr.left) and is_constant_string(expr.right)
    return False


def formatting_kind(expr: ast.AST) -> Optional[str]:
    """How ``expr`` builds a string from non-constant parts, or ``None`` when it does not."""
    if isinstance(expr, ast.JoinedStr):
        return FSTRING if any(isinstance(value, ast.FormattedValue) for value in expr.values) else None
    if isinstance(expr, ast.BinOp):
        if isinstance(expr.op, ast.Mod) and is_constant_string(expr.left):
            return None if _is_constant(expr.right) else PERCENT
        if isinstance(expr.op, ast.Add) and (_stringy(expr.left) or _stringy(expr.right)):
            return None if is_constant_string(expr) else CONCATENATION
        return None
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
        if expr.func.attr == "format" and is_constant_string(expr.func.value):
            return FORMAT_METHOD if (expr.args or expr.keywords) else None
        if expr.func.attr == "join" and is_constant_string(expr.func.value) and expr.args:
            return None if _is_constant(expr.args[0]) else JOIN
    return None


def _stringy(expr: ast.AST) -> bool:
    return is_constant_string(expr) or formatting_kind(expr) is not None


def _is_constant(expr: ast.AST) -> bool:
    if isinstance(expr, ast.Constant):
        return True
    if isinstance(expr, (ast.Tuple, ast.List)):
        return all(_is_constant(element) for element in expr.elts)
    return False
