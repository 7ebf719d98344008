"""Rewriting SQL built by formatting into a query with placeholders and a parameters argument: BE101's fix.

:func:`plan_parameters` reads an inline f-string, ``%``, ``.format()`` or ``+`` expression into the SQL text with
the driver's placeholders (``%s``, ``?``, ``:name``, ``$1``, a ``%(name)s`` dict) and the values to pass, only
when every formatted part sits where SQL expects a value; :func:`render_call` writes the call with them, and
:func:`inline_sql` tells the rule's detection whether the expression is one it can rewrite (the finding then
offers the fix). Pure ``ast`` and text: the rule's ``fix`` hands the rendered call to libcst.
"""

from __future__ import annotations

import ast
import keyword
import re
from dataclasses import dataclass
from typing import Optional, Union

from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.sql import DOLLAR, FORMAT, LIST_FORMAT, NAMED, QMARK
from backend_lint.analysis.sql_pieces import Hole, Piece, in_value_position


@dataclass(frozen=True)
class Plan:
    """How the fix rewrites one inline SQL expression: its new text and the values to pass."""

    text: str
    values: list[tuple[str, ast.expr]]  # (bind name, value expression)
    multiline: bool


_AFTER_VALUE = lazy_compile(r"(\s|[),;]|::|$)")


def inline_sql(expr: ast.expr) -> bool:
    return isinstance(expr, (ast.JoinedStr, ast.BinOp, ast.Call))


# --- the rewrite (works on the call's own text, so it needs no file context) ---------------------------------


def _literal_text(expr: ast.expr) -> Optional[str]:
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    if isinstance(expr, ast.JoinedStr):
        texts = [str(v.value) for v in expr.values if isinstance(v, ast.Constant)]
        return "".join(texts) if len(texts) == len(expr.values) else None
    return None


def _pieces(expr: ast.expr) -> Optional[list[Piece]]:
    """The SQL as constant text and holes, read from an inline f-string, ``%``, ``.format()`` or ``+``."""
    if isinstance(expr, ast.JoinedStr):
        pieces: list[Piece] = []
        for value in expr.values:
            if isinstance(value, ast.Constant):
                pieces.append(str(value.value))  # an f-string's literal parts are str
            elif isinstance(value, ast.FormattedValue):
                if value.format_spec is not None or value.conversion not in (-1, None):
                    return None
                pieces.append(Hole(value.value))
        return pieces
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        left = _pieces(expr.left) or ([Hole(_unwrap_str(expr.left))] if _literal_text(expr.left) is None else None)
        right = _pieces(expr.right) or (
            [Hole(_unwrap_str(expr.right))] if _literal_text(expr.right) is None else None
        )
        if left is None or right is None:
            return None
        return left + right
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod):
        template = _literal_text(expr.left)
        if template is None:
            return None
        values = list(expr.right.elts) if isinstance(expr.right, ast.Tuple) else [expr.right]
        return _percent_pieces(template, values)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "format":
        template = _literal_text(expr.func.value)
        if template is None:
            return None
        return _format_pieces(template, expr)
    text = _literal_text(expr)
    return [text] if text is not None else None


def _unwrap_str(expr: ast.expr) -> ast.expr:
    if (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "str"
            and len(expr.args) == 1 and not expr.keywords):
        return expr.args[0]
    return expr


def _percent_pieces(template: str, values: list[ast.expr]) -> Optional[list[Piece]]:
    pieces: list[Piece] = []
    position = 0
    index = 0
    for match in re.finditer(r"%(%|[sdif])", template):
        pieces.append(template[position:match.start()])
        position = match.end()
        if match.group(1) == "%":
            pieces.append("%")
            continue
        if index >= len(values) or isinstance(values[index], ast.Starred):
            return None
        pieces.append(Hole(values[index]))
        index += 1
    if index != len(values) or re.search(r"%[^%sdif]", template.replace("%%", "")):
        return None
    pieces.append(template[position:])
    return pieces


def _format_pieces(template: str, call: ast.Call) -> Optional[list[Piece]]:
    import string  # noqa: PLC0415 - fix path only

    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    if len(keywords) != len(call.keywords) or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    pieces: list[Piece] = []
    auto = 0
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        return None
    for literal, written, spec, conversion in parsed:
        pieces.append(literal)
        if written is None:
            continue
        if spec or conversion or not re.fullmatch(r"\w*", written):
            return None
        field_name = written or str(auto)
        auto += 0 if written else 1
        if field_name.isdigit():
            if int(field_name) >= len(call.args):
                return None
            pieces.append(Hole(call.args[int(field_name)]))
        elif field_name in keywords:
            pieces.append(Hole(keywords[field_name]))
        else:
            return None
    return pieces


_IN_LIST = lazy_compile(r"\bIN\s*\(\s*$", re.IGNORECASE)


def plan_parameters(expr: ast.expr, paramstyle: str) -> Optional[Plan]:
    pieces = _pieces(expr)
    if pieces is None or not any(isinstance(piece, Hole) for piece in pieces):
        return None
    merged: list[Piece] = []
    for piece in pieces:  # join neighbouring text so quotes around a hole are adjacent to it
        if isinstance(piece, str) and merged and isinstance(merged[-1], str):
            merged[-1] += piece
        else:
            merged.append(piece)
    out: list[str] = []
    values: list[tuple[str, ast.expr]] = []
    used: set[str] = set()
    skip_quote = ""
    for index, piece in enumerate(merged):
        if isinstance(piece, str):
            text = piece
            if skip_quote:
                text = text[1:]
                skip_quote = ""
            out.append(text.replace("%", "%%") if paramstyle in (FORMAT, LIST_FORMAT) else text)
            continue
        if not _plain_value(piece.expr) or not in_value_position(merged, index):
            return None
        before = "".join(out)
        if _IN_LIST.search(before):
            return None  # ``IN ({ids})`` holds a list: one bound parameter cannot replace it
        after = merged[index + 1] if index + 1 < len(merged) else ""
        if not isinstance(after, str):
            return None
        quote = before[-1:] if before[-1:] in ("'", '"') else ""
        if quote:
            if not after.startswith(quote):
                return None
            out[-1] = out[-1][:-1]
            skip_quote = quote
            after = after[1:]
        if not _AFTER_VALUE.match(after):
            return None
        name = _bind_name(piece.expr, len(values) + 1, used)
        values.append((name, piece.expr))
        out.append(_placeholder(paramstyle, len(values), name))
    multiline = isinstance(expr, ast.JoinedStr) and "\n" in "".join(out)
    return Plan("".join(out), values, multiline)


def _plain_value(expr: ast.expr) -> bool:
    if isinstance(expr, (ast.Name, ast.Attribute, ast.Subscript, ast.Constant)):
        return True
    if isinstance(expr, ast.Call):
        func = expr.func
        return not (isinstance(func, ast.Attribute) and func.attr in ("join", "format"))
    return False


def _placeholder(paramstyle: str, number: int, name: str) -> str:
    if paramstyle == QMARK:
        return "?"
    if paramstyle == DOLLAR:
        return f"${number}"
    if paramstyle == NAMED:
        return f":{name}"
    return "%s"


def _bind_name(expr: ast.expr, number: int, used: set[str]) -> str:
    if isinstance(expr, ast.Name):
        base = expr.id
    elif isinstance(expr, ast.Attribute):
        base = expr.attr
    elif isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Constant) and isinstance(
        expr.slice.value, str
    ):
        base = expr.slice.value
    else:
        base = f"p{number}"
    base = base.strip("_") or f"p{number}"
    if not base.isidentifier() or keyword.iskeyword(base):
        base = f"p{number}"
    name, suffix = base, 2
    while name in used:
        name, suffix = f"{base}_{suffix}", suffix + 1
    used.add(name)
    return name


def _string_literal(text: str, multiline: bool) -> str:
    if multiline and '"""' not in text and "\\" not in text and not text.endswith('"'):
        return f'"""{text}"""'
    written = repr(text)
    if written.startswith("'") and '"' not in text:
        written = '"' + written[1:-1].replace("\\'", "'") + '"'
    return written


def render_call(code: str, call: ast.Call, plan: Plan, paramstyle: str) -> Optional[str]:
    func = ast.get_source_segment(code, call.func)
    if func is None:
        return None
    texts: list[tuple[str, str]] = []
    for name, expr in plan.values:
        segment = ast.get_source_segment(code, expr)
        if segment is None or "\n" in segment:
            return None
        texts.append((name, segment))
    literal = _string_literal(plan.text, plan.multiline)
    if paramstyle == NAMED and isinstance(call.func, (ast.Name, ast.Attribute)) and _is_text_call(call):
        binds = ", ".join(f"{name}={segment}" for name, segment in texts)
        return f"{func}({literal}).bindparams({binds})"
    if paramstyle == NAMED:
        values = ", ".join(f'"{name}": {segment}' for name, segment in texts)
        return f"{func}({literal}, values={{{values}}})"
    if paramstyle == DOLLAR:
        return f"{func}({literal}, {', '.join(segment for _, segment in texts)})"
    if paramstyle == LIST_FORMAT:
        return f"{func}({literal}, [{', '.join(segment for _, segment in texts)}])"
    inner = ", ".join(segment for _, segment in texts)
    return f"{func}({literal}, ({inner}{',' if len(texts) == 1 else ''}))"


def _is_text_call(call: ast.Call) -> bool:
    func: Union[ast.expr, None] = call.func
    return (isinstance(func, ast.Name) and func.id == "text") or (
        isinstance(func, ast.Attribute) and func.attr == "text"
    )
