"""Values, records and files that do not parse: failures whose only meaning is "this one is not valid".

A catch-all around a parse looks like a swallowed error, but a parser fails in one way (the text is not valid),
and what the code does next is the handling: it skips the row, answers an empty value, or keeps the others.
BE205 leaves these alone (:mod:`backend_lint.analysis.fallbacks` asks this module):

- **a stored file read and parsed, skipped**: in a loop, ``try: with open(folder / "index.json") as f:
  index = json.load(f) / except Exception: continue`` (ArchiveBox's migration importing each snapshot's
  on-disk history): a snapshot whose file is missing, unreadable or not valid has nothing to import, and the
  others go on; nothing is half-written, the writes come after the ``try``;
- **a legacy value decoded by a parse helper**: ``def unpickle_settings(blob): try: return
  pickle.loads(b64decode(blob.encode("utf-8"))) / except Exception: return {}`` (django-helpdesk's migration
  of pickled user settings): the helper's job is to decode its argument, and the empty value of what it
  decodes (``{}``, ``[]``, ``None``) is its answer for a blob that is not valid; the caller keeps its defaults;
- **a malformed record skipped while collecting**: in a loop over lines, ``try: fields = line.split(",") /
  rows.append({"severity": fields[11], "message": fields[13]}) / except Exception: pass`` (pgAdmin's server
  log viewer): the record is parsed and its fields read into one new item appended last, so the failures
  are a line that does not parse (an ``IndexError``, a ``KeyError``, invalid JSON) and the item is simply not
  added; the loop goes on with the next line and nothing else changed.
- **a value refused like a missing one**: ``if not salt: return`` then ``try: decoded = b64decode(salt) /
  except Exception: return`` (fiduswriter's websocket consumer): the handler repeats the guard's answer, so a
  value that does not decode is treated as an absent one, by design (:func:`rejected_like_missing`).

The parse must be of the loop's own item or of the function's parameter, and nothing else may run in the
``try``: a ``try`` that also saves, sends or calls the project's code is work, and stays reported.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import block_holding
from backend_lint.analysis.expected_errors import PARSERS

if TYPE_CHECKING:
    from backend_lint.context import FileContext

BLOB_PARSERS = PARSERS | frozenset({"pickle.loads", "cPickle.loads", "marshal.loads"})
"""Parsers of one text or bytes value: :data:`.expected_errors.PARSERS` and the unpicklers of a legacy blob
(``cPickle`` is Python 2's name, imported in its place where ``pickle`` is missing)."""
FILE_PARSERS = frozenset(
    {"json.load", "yaml.safe_load", "yaml.load", "pickle.load", "tomllib.load", "tomli.load", "toml.load"}
)
"""Parsers that read a whole open file."""
_DECODERS = frozenset({
    "b64decode", "urlsafe_b64decode", "decodebytes", "decodestring", "unhexlify", "a2b_base64", "bytes", "str",
})
"""Functions that only turn a value into the text or bytes a parser reads (``b64decode(blob.encode("utf-8"))``)."""
_METHOD_DECODERS = frozenset({"encode", "decode", "strip"})
"""Methods that do the same on the value itself (``blob.encode("utf-8")``)."""
_SPLITS = frozenset({"split", "rsplit", "splitlines", "partition", "rpartition"})


def decoded_parameter(expr: ast.expr, parameters: set[str]) -> bool:
    """``expr`` is a parameter, or a parameter through decoding calls only (``b64decode(value.encode("utf-8"))``,
    ``value.strip()``)."""
    for _ in range(5):
        if isinstance(expr, ast.Name):
            return expr.id in parameters
        if not isinstance(expr, ast.Call):
            return False
        func = expr.func
        if isinstance(func, ast.Attribute) and func.attr in _METHOD_DECODERS:
            expr = func.value
            continue
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name not in _DECODERS or len(expr.args) != 1:
            return False
        expr = expr.args[0]
    return False


def empty_answer(handler: ast.ExceptHandler) -> bool:
    """Every statement of the handler returns ``None`` or an empty literal (``{}``, ``[]``, ``()``, ``""``)."""
    return bool(handler.body) and all(
        isinstance(statement, ast.Return) and (statement.value is None or _empty(statement.value))
        for statement in handler.body
    )


def _empty(value: ast.expr) -> bool:
    if isinstance(value, ast.Constant):
        return value.value is None or value.value in ("", b"")
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return not value.elts
    return isinstance(value, ast.Dict) and not value.keys


def reads_one_file(attempt: ast.Try, ctx: FileContext) -> bool:
    """The ``try`` is one ``with open(...) as f:`` whose body is one parse of ``f`` (``index = json.load(f)``)."""
    if len(attempt.body) != 1 or not isinstance(attempt.body[0], ast.With):
        return False
    block = attempt.body[0]
    if len(block.items) != 1 or len(block.body) != 1:
        return False
    opened, handle = block.items[0].context_expr, block.items[0].optional_vars
    if not (isinstance(opened, ast.Call) and isinstance(handle, ast.Name) and _opens_file(opened, ctx)):
        return False
    statement = block.body[0]
    value = statement.value if isinstance(statement, (ast.Assign, ast.AnnAssign)) else None
    return (
        isinstance(value, ast.Call)
        and ctx.imports.resolve(value.func) in FILE_PARSERS
        and len(value.args) >= 1
        and isinstance(value.args[0], ast.Name)
        and value.args[0].id == handle.id
    )


def _opens_file(call: ast.Call, ctx: FileContext) -> bool:
    """``open(path)`` (the builtin) or ``path.open()``."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id == "open" and func.id not in ctx.imports.names
    return isinstance(func, ast.Attribute) and func.attr == "open" and not call.args[1:]


def malformed_record_skipped(attempt: ast.Try, handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """In a ``for`` loop, the ``try`` parses the loop's item into a name (``fields = line.split(",")``,
    ``entry = json.loads(line)``) and then only appends to a collection one new item built from that name's
    fields and constants (``rows.append({"message": fields[13]})``); the handler skips the item (``continue``,
    or ``pass`` when the ``try`` ends the loop's body)."""
    loop = ctx.parent_of(attempt)
    if not isinstance(loop, (ast.For, ast.AsyncFor)) or attempt not in loop.body or len(attempt.body) != 2:
        return False
    skips = all(isinstance(statement, ast.Continue) for statement in handler.body) or (
        all(isinstance(statement, ast.Pass) for statement in handler.body) and loop.body[-1] is attempt
    )
    if not skips or not isinstance(loop.target, ast.Name):
        return False
    parse, append = attempt.body
    if not (isinstance(parse, ast.Assign) and len(parse.targets) == 1 and isinstance(parse.targets[0], ast.Name)):
        return False
    record = parse.targets[0].id
    if not _parses_item(parse.value, loop.target.id, ctx):
        return False
    call = append.value if isinstance(append, ast.Expr) else None
    return (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "append"
        and isinstance(call.func.value, ast.Name)
        and call.func.value.id not in (record, loop.target.id)
        and len(call.args) == 1
        and not call.keywords
        and _fields_of(call.args[0], record)
    )


def _parses_item(value: ast.expr, item: str, ctx: FileContext) -> bool:
    """``item.split(",")`` or a parser of :data:`BLOB_PARSERS` given ``item``."""
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    if isinstance(func, ast.Attribute) and func.attr in _SPLITS:
        return isinstance(func.value, ast.Name) and func.value.id == item
    return ctx.imports.resolve(func) in BLOB_PARSERS and bool(value.args) \
        and isinstance(value.args[0], ast.Name) and value.args[0].id == item


def _fields_of(value: ast.expr, record: str) -> bool:
    """A value built only of constants and constant-indexed fields of ``record`` (``{"m": fields[13]}``,
    ``(entry["a"], entry["b"])``), with at least one field."""
    fields = 0
    stack: list[Optional[ast.expr]] = [value]
    while stack:
        node = stack.pop()
        if node is None or isinstance(node, ast.Constant):
            continue
        if isinstance(node, ast.Dict):
            stack.extend([*node.keys, *node.values])
        elif isinstance(node, (ast.List, ast.Tuple)):
            stack.extend(node.elts)
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == record \
                and isinstance(node.slice, ast.Constant):
            fields += 1
        else:
            return False
    return fields > 0


_VALUE_DECODERS = PARSERS | frozenset({
    "base64.b64decode", "base64.urlsafe_b64decode", "base64.b32decode", "base64.b16decode", "base64.decodebytes",
    "binascii.unhexlify", "binascii.a2b_base64", "bytes.fromhex", "int", "float", "decimal.Decimal",
})
"""Calls that turn one value into another and fail only when the value is not valid: the parsers, the
base64/hex decoders and the number conversions."""
_LOOK_BACK = 3
"""How many statements before the ``try`` may hold the guard of the missing value."""


def rejected_like_missing(attempt: ast.Try, handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """``if not salt: return`` then ``try: decoded = base64.b64decode(salt) / except Exception: return``: the
    ``try`` is one statement that decodes or parses one named value, and the handler does exactly what the guard
    just above does when that value is missing (the same ``return``, ``continue`` or answer). A value that does
    not decode is refused like an absent one, on purpose: input checked, nothing half-done (fiduswriter's
    websocket consumer dropping a snapshot whose salt is missing or not base64)."""
    if len(attempt.body) != 1 or not handler.body:
        return False
    statement = attempt.body[0]
    value = statement.value if isinstance(statement, (ast.Assign, ast.AnnAssign)) else None
    if not (isinstance(value, ast.Call) and len(value.args) == 1 and isinstance(value.args[0], ast.Name)
            and ctx.imports.resolve(value.func) in _VALUE_DECODERS):
        return False
    name = value.args[0].id
    block = block_holding(ctx.parent_of(attempt), attempt)
    if block is None:
        return False
    index = block.index(attempt)
    answer = [ast.dump(part) for part in handler.body]
    return any(
        isinstance(guard, ast.If) and not guard.orelse and _tests_missing(guard.test, name)
        and [ast.dump(part) for part in guard.body] == answer
        for guard in block[max(index - _LOOK_BACK, 0):index]
    )


def _tests_missing(test: ast.expr, name: str) -> bool:
    """``not name``, ``name is None`` or ``name == ""``, alone or in an ``or``."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return any(_tests_missing(part, name) for part in test.values)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return isinstance(test.operand, ast.Name) and test.operand.id == name
    return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == name
            and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Is, ast.Eq))
            and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value in (None, ""))
