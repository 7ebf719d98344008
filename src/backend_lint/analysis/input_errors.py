"""Errors that describe the client's own input, whatever their class (BE304).

- :func:`says_input_error`: the message around the exception's text says the client's input failed to parse.
- :func:`converts_upload`: the ``try`` body only reads the client's uploaded file and converts what it read
  (``testcases = await json_file_to_json_array(file)``, ``json.loads(await file.read())``): what it raises is about
  that file.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from backend_lint.analysis.ast_helpers import callee_name
from backend_lint.analysis.handlers import handler_for
from backend_lint.analysis.uploads import is_upload

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_PLAIN_CALLS = frozenset({"UUID", "int", "float", "Decimal", "bool", "str", "len", "redirect", "RedirectResponse",
                          "JSONResponse", "jsonify", "dict", "url_for"})


_INPUT_WORDS = ("decode", "decoding", "parse", "parsing", "invalid", "malformed")
"""Words of a message saying the client's input failed to parse, in both forms people write: "Failed to parse",
"Plyara parsing error" ('parse' is no part of 'parsing')."""


def says_input_error(found: ast.expr, answered: ast.expr) -> bool:
    """The message around the exception's text ``found``, in the ``answered`` value, says the client's input failed
    to parse (``f"Failed to decode: {exc}"``, ``f"Invalid date: {e}"``, ``f"Plyara parsing error: {str(e)}"``)."""
    found = _message_around(found, answered)
    if isinstance(found, ast.BinOp) and isinstance(found.op, ast.Mod):
        parts: list[ast.expr] = [found.left]  # 'malformed JSON request: %s' % e
    elif isinstance(found, ast.JoinedStr):
        parts = found.values
    else:
        return False
    return any(
        isinstance(part, ast.Constant) and isinstance(part.value, str)
        and any(word in part.value.lower() for word in _INPUT_WORDS)
        for part in parts
    )


def _message_around(found: ast.expr, answered: ast.expr) -> ast.expr:
    """The f-string of ``answered`` that formats ``found`` in (``f"Plyara parsing error: {str(e)}"`` for
    ``str(e)``): the words around the error's text say what failed, however the text was made."""
    for node in ast.walk(answered):
        if isinstance(node, ast.JoinedStr) and any(
                isinstance(part, ast.FormattedValue) and part.value is found for part in node.values):
            return node
    return found


_READS = frozenset({"read", "readlines", "getvalue", "decode"})
_CONVERTER_PREFIXES = ("read", "parse", "load", "decode", "convert", "deserialize", "from_")


def converts_upload(ctx: FileContext) -> bool:
    """The ``try`` around the clause only reads the client's uploaded file and converts it into data: every call
    in it is a read of the upload (``await file.read()``, ``content.decode()``), a conversion named for one
    (``json_file_to_json_array``, ``*_to_*``, ``parse*``, ``read*``, ``load*``, ``loads``), or a plain
    conversion, and each takes only the upload, values the body read from it, and constants. What it raises is
    the decoder's message about the client's own file (agenta's ``Failed to read JSON file: {e}``), nothing
    internal. Any other argument (a project id, a session) or call and the ``try`` may do more than read."""
    clause = ctx.scope.except_handler
    attempt = ctx.parent_of(clause) if clause is not None else None
    function = ctx.scope.function
    handler = handler_for(ctx, function) if function is not None else None
    if not isinstance(attempt, ast.Try) or clause not in attempt.handlers:
        return False
    request_names = handler.request_names if handler is not None else frozenset({"request"})
    derived: set[str] = set()
    uploads = 0
    for statement in attempt.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                and isinstance(statement.targets[0], ast.Name):
            value, target = statement.value, statement.targets[0].id
        elif isinstance(statement, (ast.Return, ast.Expr)) and statement.value is not None:
            value, target = statement.value, None
        else:
            return False
        for node in ast.walk(value):
            if isinstance(node, (ast.Lambda, ast.NamedExpr)):
                return False
            if not isinstance(node, ast.Call):
                continue
            name = callee_name(node)
            receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
            if name in _READS and receiver is not None and not node.args:
                if _from_upload(receiver, ctx, request_names, derived):
                    uploads += 1
                    continue
                return False
            lowered = name.lower()
            if not (lowered.startswith(_CONVERTER_PREFIXES) or "_to_" in lowered or name in _PLAIN_CALLS
                    or lowered == "loads"):
                return False
            for argument in [*node.args, *(kw.value for kw in node.keywords)]:
                if isinstance(argument, (ast.Constant, ast.Call, ast.Await)):
                    continue  # a nested read or conversion, checked by the walk
                if not _from_upload(argument, ctx, request_names, derived):
                    return False
                uploads += 1
        if target is not None:
            derived.add(target)
    return uploads > 0


def _from_upload(expr: ast.expr, ctx: FileContext, request_names: frozenset[str], derived: set[str]) -> bool:
    """The client's uploaded file, or a local the ``try`` body read from it."""
    if isinstance(expr, ast.Name) and expr.id in derived:
        return True
    return is_upload(expr, ctx, request_names)
