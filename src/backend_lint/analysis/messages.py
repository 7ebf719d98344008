"""A message as pieces (literal text and interpolated values), rendered as a lazy logging call.

``print(f"order {oid} paid in {t:.2f} s")`` and ``logger.info(f"...")`` both become pieces
``["order ", Value(oid), " paid in ", Value(t, spec=".2f"), " s"]``, which render, per logging library:

- stdlib ``logging``: ``logger.info("order %s paid in %.2f s", oid, t)``, only when ``%`` formatting renders
  exactly what the f-string did (a format spec that ``%`` cannot express means no rendering);
- loguru: ``logger.info("order {} paid in {:.2f} s", oid, t)`` (loguru formats with ``str.format``);
- structlog: ``logger.info("order paid", oid=oid, t=t)``, only when each value is a plain name or attribute
  that gives a keyword, and no two values give the same one.

Everything here works on ``ast`` nodes, so detection can decide whether a fix is exact and the fix renders
the same pieces from the node's text.
"""

from __future__ import annotations

import ast
import string
from dataclasses import dataclass
from typing import Callable, Optional, Union

from backend_lint.analysis.lazy_regex import lazy_compile

STDLIB = "stdlib"
STRUCTLOG = "structlog"
LOGURU = "loguru"

# [[fill]align] is left out on purpose: ``%`` cannot centre, and pads numbers and strings differently.
_SPEC = lazy_compile(r"(?P<flags>[+ 0-]*)(?P<width>\d*)(?:\.(?P<precision>\d+))?(?P<type>[dfFeEgGxXos]?)$")
_CONVERSIONS = {-1: "", ord("s"): "s", ord("r"): "r", ord("a"): "a"}


@dataclass(frozen=True)
class Value:
    """One interpolated value: its expression, ``!r``-style conversion and format spec."""

    expr: ast.expr
    conversion: str = ""  # "", "s", "r" or "a"
    spec: str = ""
    directive: str = ""
    """A ``%`` directive other than ``%s``/``%r``/``%a`` (``%5.2f``), kept verbatim from a ``%`` message;
    only stdlib rendering can use it."""


Piece = Union[str, Value]


def pieces_of(expr: ast.expr) -> Optional[list[Piece]]:
    """Pieces of a string literal or an f-string with constant format specs, else ``None``."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value]
    if not isinstance(expr, ast.JoinedStr):
        return None
    pieces: list[Piece] = []
    for part in expr.values:
        if isinstance(part, ast.Constant):
            pieces.append(str(part.value))
            continue
        if not isinstance(part, ast.FormattedValue) or part.conversion not in _CONVERSIONS:
            return None
        spec = ""
        if part.format_spec is not None:
            spec_parts = part.format_spec.values if isinstance(part.format_spec, ast.JoinedStr) else []
            constants = [piece for piece in spec_parts if isinstance(piece, ast.Constant)]
            if len(constants) != len(spec_parts):
                return None  # a nested {width} in the spec
            spec = "".join(str(piece.value) for piece in constants)
        pieces.append(Value(part.value, _CONVERSIONS[part.conversion], spec))
    return pieces


def print_pieces(args: list[ast.expr]) -> Optional[list[Piece]]:
    """What ``print(*args)`` writes (with the default ``sep=" "``), as pieces."""
    pieces: list[Piece] = []
    for index, arg in enumerate(args):
        if isinstance(arg, ast.Starred):
            return None
        if index:
            pieces.append(" ")
        own = pieces_of(arg)
        pieces.extend(own if own is not None else [Value(arg)])
    return pieces


def constant_text(expr: ast.AST) -> Optional[str]:
    """The value of a string literal, an implicit or ``+`` concatenation of literals, else ``None``."""
    if isinstance(expr, ast.Constant):
        return expr.value if isinstance(expr.value, str) else None
    if isinstance(expr, ast.JoinedStr):
        parts = [constant_text(part) for part in expr.values]
        texts = [part for part in parts if part is not None]
        return "".join(texts) if len(texts) == len(parts) else None
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        left, right = constant_text(expr.left), constant_text(expr.right)
        return left + right if left is not None and right is not None else None
    return None


def is_plain(expr: ast.expr) -> bool:
    """A name, a literal or an attribute of a name: evaluating it twice, once or later changes nothing."""
    while isinstance(expr, ast.Attribute):
        expr = expr.value
    return isinstance(expr, (ast.Name, ast.Constant))


def message_pieces(expr: ast.expr) -> Optional[list[Piece]]:
    """Pieces of a message built eagerly: an f-string, ``"...".format(...)``, ``"..." % ...`` or ``+``.

    ``None`` when the string cannot be split exactly (``{user.name}`` fields, ``%(key)s`` with a mapping,
    ``*args``, a ``.format()`` argument that would be dropped, duplicated or evaluated out of order).
    """
    if isinstance(expr, (ast.Constant, ast.JoinedStr)):
        return pieces_of(expr)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        left, right = _operand_pieces(expr.left), _operand_pieces(expr.right)
        return left + right if left is not None and right is not None else None
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod):
        template = constant_text(expr.left)
        if template is None:
            return None
        operands = expr.right.elts if isinstance(expr.right, ast.Tuple) else [expr.right]
        return percent_pieces(template, operands)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "format":
        template = constant_text(expr.func.value)
        return format_pieces(template, expr) if template is not None else None
    return None


def _operand_pieces(expr: ast.expr) -> Optional[list[Piece]]:
    """One side of ``+``: its own pieces when it is a string expression, else one value (``str(x)`` is x)."""
    if isinstance(expr, (ast.Constant, ast.JoinedStr, ast.BinOp)) or (
        isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "format"
    ):
        found = message_pieces(expr)
        if found is not None or not isinstance(expr, ast.BinOp):
            return found
    if isinstance(expr, ast.Starred):
        return None
    if (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Name)
        and expr.func.id in ("str", "repr")
        and len(expr.args) == 1
        and not expr.keywords
        and not isinstance(expr.args[0], ast.Starred)
    ):
        return [Value(expr.args[0], "r" if expr.func.id == "repr" else "")]
    return [Value(expr)]


_PERCENT = lazy_compile(
    r"%(?P<key>\([^)]*\))?(?P<flags>[#0\- +]*)(?P<width>\*|\d+)?(?:\.(?P<precision>\*|\d+))?[hlL]?"
    r"(?P<type>[diouxXeEfFgGcrsa%])"
)


def percent_pieces(template: str, operands: list[ast.expr]) -> Optional[list[Piece]]:
    """Pieces of ``template % (operands)``: ``%s``/``%r``/``%a`` as plain values, others as directives."""
    pieces: list[Piece] = []
    position = 0
    remaining = list(operands)
    for match in _PERCENT.finditer(template):
        pieces.append(template[position : match.start()])
        position = match.end()
        if match["type"] == "%" and match.group(0) == "%%":
            pieces.append("%")
            continue
        if match["key"] or "*" in (match["width"] or "") + (match["precision"] or "") or not remaining:
            return None
        value = remaining.pop(0)
        if isinstance(value, ast.Starred) or match["type"] == "%":
            return None
        if match.group(0) in ("%s", "%r", "%a"):
            pieces.append(Value(value, "" if match["type"] == "s" else match["type"]))
        else:
            pieces.append(Value(value, directive=match.group(0)))
    if remaining or "%" in template[position:]:
        return None
    pieces.append(template[position:])
    return [piece for piece in pieces if piece != ""]


def format_pieces(template: str, call: ast.Call) -> Optional[list[Piece]]:
    """Pieces of ``template.format(*call.args, **call.keywords)``.

    Refused (``None``) when moving the arguments into a logging call could change what is evaluated: an
    argument that is not a plain name/literal/attribute and is unused, used twice, or moved before another.
    """
    if any(isinstance(arg, ast.Starred) for arg in call.args) or any(kw.arg is None for kw in call.keywords):
        return None
    named = {keyword.arg: keyword.value for keyword in call.keywords}
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError:
        return None
    pieces: list[Piece] = []
    used: list[ast.expr] = []
    automatic = 0
    numbering: set[str] = set()
    for text, field_name, spec, conversion in fields:
        if text:
            pieces.append(text)
        if field_name is None:
            continue
        if spec and "{" in spec:
            return None
        if field_name == "":
            numbering.add("auto")
            index: Optional[int] = automatic
            automatic += 1
        elif field_name.isdigit():
            numbering.add("manual")
            index = int(field_name)
        elif field_name.isidentifier():
            index = None
        else:
            return None  # {user.name} / {row[0]}
        if index is not None:
            if index >= len(call.args):
                return None
            value = call.args[index]
        elif field_name in named:
            value = named[field_name]
        else:
            return None
        if conversion not in (None, "s", "r", "a"):
            return None
        pieces.append(Value(value, conversion or "", spec or ""))
        used.append(value)
    if len(numbering) > 1 or not _same_evaluation([*call.args, *named.values()], used):
        return None
    return pieces


def _same_evaluation(passed: list[ast.expr], used: list[ast.expr]) -> bool:
    """Whether evaluating ``used`` (in order) instead of ``passed`` evaluates the same things the same way."""
    if all(is_plain(value) for value in passed):
        return True
    once = [value for value in used if not is_plain(value)]
    in_order = [value for value in passed if not is_plain(value)]
    return once == in_order and len({id(value) for value in once}) == len(once)


def _percent_directive(value: Value) -> Optional[str]:
    if not value.spec:
        return "%" + (value.conversion or "s")
    if value.conversion:
        return None
    match = _SPEC.match(value.spec)
    if match is None or not match["type"]:
        return None  # a bare width pads numbers left and strings right in format(), always left in %
    if match["type"] == "s" and (match["precision"] or "0" in match["flags"] or "-" in match["flags"]):
        return None
    precision = f".{match['precision']}" if match["precision"] else ""
    flags = match["flags"].replace("-", "")  # "-" is format()'s default sign, but left-justifies in %
    return f"%{flags}{match['width']}{precision}{match['type']}"


def percent_template(pieces: list[Piece]) -> Optional[tuple[str, list[ast.expr]]]:
    """``("order %s paid", [oid])``, or ``None`` when ``%`` cannot render a piece exactly."""
    template: list[str] = []
    args: list[ast.expr] = []
    for piece in pieces:
        if isinstance(piece, str):
            template.append(piece.replace("%", "%%"))
            continue
        directive = piece.directive or _percent_directive(piece)
        if directive is None:
            return None
        template.append(directive)
        args.append(piece.expr)
    if not args:  # logging applies % only when there are arguments
        return "".join(piece for piece in pieces if isinstance(piece, str)), args
    return "".join(template), args


def brace_template(pieces: list[Piece]) -> tuple[str, list[ast.expr]]:
    """``("order {} paid", [oid])`` for loguru, which renders with ``str.format``."""
    template: list[str] = []
    args: list[ast.expr] = []
    for piece in pieces:
        if isinstance(piece, str):
            template.append(piece.replace("{", "{{").replace("}", "}}"))
            continue
        conversion = f"!{piece.conversion}" if piece.conversion else ""
        spec = f":{piece.spec}" if piece.spec else ""
        template.append("{" + conversion + spec + "}")
        args.append(piece.expr)
    return "".join(template), args


def keyword_for(expr: ast.expr) -> Optional[str]:
    """``oid`` for ``oid``, ``id`` for ``order.id``; ``None`` for anything else."""
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        return expr.attr
    return None


def structlog_event(pieces: list[Piece]) -> Optional[tuple[str, list[tuple[str, ast.expr]]]]:
    """``("order paid", [("oid", oid)])``, or ``None`` when a value has no keyword or keywords clash."""
    words: list[str] = []
    pairs: list[tuple[str, ast.expr]] = []
    for piece in pieces:
        if isinstance(piece, str):
            words.append(piece)
            continue
        key = keyword_for(piece.expr)
        if key is None or piece.spec or piece.conversion or piece.directive:
            return None
        if key in {k for k, _ in pairs} or key == "event":
            return None
        pairs.append((key, piece.expr))
    event = " ".join(" ".join(words).split()).strip(" :=,")
    return (event or "event"), pairs


def string_literal(text: str) -> str:
    """A Python string literal for ``text``, in double quotes where that needs no escaping."""
    literal = repr(text)
    if literal.startswith("'") and '"' not in text:
        literal = '"' + literal[1:-1].replace("\\'", "'") + '"'
    return literal


def source_text(code: str) -> Callable[[ast.expr], str]:
    """A ``text_of`` for :func:`render_log_call`: the exact source of an expression parsed from ``code``.

    Falls back to ``ast.unparse`` where the recorded position does not give back the same expression
    (values inside f-strings on Pythons before 3.12 have unreliable positions).
    """

    def text_of(expr: ast.expr) -> str:
        segment = ast.get_source_segment(code, expr)
        if segment is not None:
            try:
                if ast.dump(ast.parse(segment.strip(), mode="eval").body) == ast.dump(expr):
                    return segment.strip()
            except SyntaxError:
                pass
        return ast.unparse(expr)

    return text_of


def render_log_call(
    logger: str, method: str, pieces: list[Piece], kind: str, text_of: Callable[[ast.expr], str],
    extra: tuple[str, ...] = (),
) -> Optional[str]:
    """The source of ``logger.method(...)`` logging ``pieces``, or ``None`` when no exact rendering exists.

    ``text_of`` gives the source text of a value's expression; ``extra`` are keyword arguments already in
    source form (``exc_info=True``) appended at the end.
    """
    if kind == STRUCTLOG:
        event = structlog_event(pieces)
        if event is None:
            return None
        arguments = [string_literal(event[0]), *(f"{key}={text_of(value)}" for key, value in event[1])]
    elif kind == LOGURU:
        if any(isinstance(piece, Value) and piece.directive for piece in pieces):
            return None
        template, values = brace_template(pieces)
        arguments = [string_literal(template), *(text_of(value) for value in values)]
    else:
        rendered = percent_template(pieces)
        if rendered is None:
            return None
        template, values = rendered
        arguments = [string_literal(template), *(text_of(value) for value in values)]
    return f"{logger}.{method}({', '.join([*arguments, *extra])})"
