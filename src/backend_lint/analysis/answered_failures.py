"""Catch-alls whose failure is answered by the code around them: more idioms BE205 leaves alone.

Read with :mod:`backend_lint.analysis.fallbacks` (its :func:`~.fallbacks.is_deliberate_fallback` asks these):

- **an error answer right after the ``try``**: ``try: ping = celery.control.inspect().ping() / if ping: return
  HttpResponse() / except Exception: pass`` then ``return HttpResponse(status=500)`` (bookwyrm's Celery health
  probe): the ``try`` answers when it succeeds, and a failure falls through to the error response, so the caller
  is told. The statement that runs after the ``try`` returns an error answer: a ``status=``/``status_code=`` of
  4xx/5xx (a number or a named ``HTTP_5xx``/``INTERNAL_SERVER_ERROR`` constant), Flask's ``return body, 503``,
  or a Django ``HttpResponseServerError``-like class;
- **a per-row trial decode skipped**: in a loop over rows, ``try: decrypted = enc.process_result_value(row.text,
  dialect) / except Exception: continue`` (fides' downgrade, "already plaintext, skip") followed by the write of
  ``decrypted``: the ``try`` only decodes one value of the row (a method named for decrypting, decoding,
  parsing, loading or unsigning), the write is outside the ``try``, so a row that does not decode is skipped
  whole and nothing is half-written, the same as the row-that-does-not-parse idiom. A call that writes or
  talks to a database or a service is not a decode and stays flagged;
- **a predicate behind a prefix**: ``def _table_has_column(table, column)`` whose handler answers ``False``
  (iris' alembic helper): a predicate named ``<subject>_has_…``/``_is_…``/``_can_…`` whose other returns are
  booleans too (a comparison, ``not``, a bool constant, or a local bound to one) says "no" when it cannot tell,
  as the plain ``has_*`` predicates of :func:`~.fallbacks.predicate_answer`;
- **a predicate read from what it returns**: ``def credentials_are_valid(self, settings, client): try:
  client.userinfo() / except Exception: return False / else: return True`` (osf's figshare and ownCloud
  serializers): a function whose name asks a question (a word such as ``is``/``are``/``has``/``can``/
  ``valid``/``exists``/``alive`` anywhere in it, not only as a prefix) and whose every ``return`` gives a
  boolean (a bool constant, a comparison, ``not``, ``bool(...)``/``isinstance(...)``/``any(...)``, a call of
  another predicate, a local bound to one), or whose return annotation is ``bool``, answers the question;
  ``False`` when it cannot tell is that answer. A function named for an action (``capture``, ``send``,
  ``save``) that answers a success flag is not a predicate: its ``False`` hides why the action failed, and it
  stays flagged;
- **a success flag answered**: ``deleted = False / try: os.remove(path); deleted = True / except: ...`` then
  ``return {"id": file_id, "deleted": deleted}`` (Langchain-Chatchat's OpenAI-style file delete): the ``try``
  ends by setting a flag to a constant, the flag held the opposite constant before the ``try``, and a ``return``
  after the ``try`` hands the flag back. A failure leaves the flag at its failure value, so whoever called is told
  the work did not happen (:func:`failure_flag_returned`);
- **successes counted**: in a loop over items, ``try: r = requests.post(node_url, ...) / if r.status_code ==
  200: propagated += 1 / except Exception: pass``, the counter set to ``0`` before the loop and read after it
  (``msg += f"Propagated to {propagated}/{total} workers"``: CAPEv2's rule upload spread to its workers, seed
  135). The ``try`` ends by counting its success, so every failure is counted by its absence, and the code after
  the loop reports or tests the count (:func:`successes_counted`). A counter never read after the loop tells no
  one and stays flagged.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from backend_lint.analysis.ast_helpers import (
    always_leaves,
    block_holding,
    callee_name,
    next_statement,
    own_nodes,
    response_call,
    written_constant,
)
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.secret_names import split_identifier

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_ERROR_CONSTANT = lazy_compile(r"HTTP_[45]\d\d|INTERNAL_SERVER_ERROR|SERVICE_UNAVAILABLE|BAD_GATEWAY|GATEWAY_TIMEOUT")
_ERROR_CLASS_ENDS = ("ServerError", "ServiceUnavailable", "BadRequest", "NotFound", "Forbidden", "NotAllowed", "Gone")


def _error_status(expr: ast.expr | None) -> bool:
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, int) and not isinstance(expr.value, bool) and 400 <= expr.value <= 599
    if isinstance(expr, (ast.Attribute, ast.Name)):
        return bool(_ERROR_CONSTANT.search(expr.attr if isinstance(expr, ast.Attribute) else expr.id))
    return False


def _error_answer(value: ast.expr | None) -> bool:
    """``HttpResponse(status=500)``, ``JSONResponse(..., status_code=503)``, ``("down", 503)``,
    ``jsonify(...), 500``, ``HttpResponseServerError()``."""
    if isinstance(value, ast.Tuple) and len(value.elts) >= 2:
        return _error_status(value.elts[1])
    if not isinstance(value, ast.Call):
        return False
    if any(keyword.arg in ("status", "status_code") and _error_status(keyword.value) for keyword in value.keywords):
        return True
    name = callee_name(value) or ""
    return name.startswith("HttpResponse") and name.endswith(_ERROR_CLASS_ENDS)


def is_error_answer(value: ast.expr | None) -> bool:
    """The returned value is an error answer to the client (a 4xx/5xx status as a tuple's second item, a
    ``status=``/``status_code=`` keyword, an ``HttpResponse…Error``-like class): the failure is reported."""
    return _error_answer(value)


def constant_answer(value: ast.expr | None) -> bool:
    """``jsonify({})``, ``JSONResponse({"ok": True})``: an HTTP answer built by a call from written constants only,
    with no error status and no text for the client: as made up as ``return {}``, only wrapped. A body that
    says something (``JsonResponse({"status": 1, "msg": "invalid parameters"})``, archery's error convention
    under a 200) tells the client the request failed."""
    if not (isinstance(value, ast.Call) and response_call(value) and not _error_answer(value)):
        return False
    given = [*value.args, *(keyword.value for keyword in value.keywords)]
    return all(keyword.arg is not None for keyword in value.keywords) \
        and all(written_constant(part) and not _says_something(part) for part in given)


_ERROR_KEY_WORDS = frozenset({"error", "errors", "err", "failure", "failed"})


def error_text_body(value: ast.expr | None) -> bool:
    """A written dict that carries an error text for the client under an error key: ``{"runs": [], "error":
    "Failed to fetch MLflow runs"}`` (feast's UI server, seed 134): a FastAPI or Flask handler returning it tells
    the client the request failed, an error told under a 200 like archery's ``{"status": 1, "msg": ...}``."""
    return isinstance(value, ast.Dict) and any(
        isinstance(key, ast.Constant) and isinstance(key.value, str)
        and set(split_identifier(key.value)) & _ERROR_KEY_WORDS
        and isinstance(item, ast.Constant) and isinstance(item.value, str) and item.value.strip()
        for key, item in zip(value.keys, value.values)
    )


def _says_something(part: ast.expr) -> bool:
    """A non-empty text among the values of a written constant (dict keys are names, not messages)."""
    values = [*part.values] if isinstance(part, ast.Dict) else [part]
    return any(
        isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.strip()
        for value in values if value is not None for node in ast.walk(value)
    )


def _returns_in(statements: list[ast.stmt]) -> bool:
    """A ``return`` among the statements or in the branches of their ``if`` blocks (not in nested functions)."""
    for statement in statements:
        if isinstance(statement, ast.Return):
            return True
        if isinstance(statement, ast.If) and (_returns_in(statement.body) or _returns_in(statement.orelse)):
            return True
    return False


def error_answered_next(attempt: ast.Try, handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """The ``try`` answers on success and the handler (``pass``) falls through to an error response."""
    if not all(isinstance(statement, ast.Pass) for statement in handler.body) or not _returns_in(attempt.body):
        return False
    following = next_statement(attempt, ctx.parent_of, through_ifs=4)
    return isinstance(following, ast.Return) and _error_answer(following.value)


_DECODE_WORDS = frozenset(
    {"decrypt", "decode", "parse", "loads", "deserialize", "deserialise", "unpickle", "unsign", "unseal"}
)
_DECODE_NAMES = frozenset({"process_result_value", "literal_eval", "fromisoformat", "strptime"})


def _decodes(call: ast.Call) -> bool:
    name = callee_name(call) or ""
    return name in _DECODE_NAMES or bool(_DECODE_WORDS & set(split_identifier(name)))


def _reads_row(expr: ast.expr, row: str) -> bool:
    """``row.comment_text``, ``row[1]``, ``row["value"]``: a value of the loop's row."""
    return isinstance(expr, (ast.Attribute, ast.Subscript)) and isinstance(expr.value, ast.Name) \
        and expr.value.id == row


def trial_decode_skipped(attempt: ast.Try, handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """``for row in rows: try: value = decoder.decrypt(row.x) / except Exception: continue`` then the write of
    ``value`` after the ``try``, in the same loop body."""
    if not handler.body or not all(isinstance(statement, ast.Continue) for statement in handler.body):
        return False
    loop = ctx.parent_of(attempt)
    if not isinstance(loop, (ast.For, ast.AsyncFor)) or attempt not in loop.body or not isinstance(
        loop.target, ast.Name
    ):
        return False
    if len(attempt.body) != 1 or not isinstance(attempt.body[0], ast.Assign):
        return False
    statement = attempt.body[0]
    if len(statement.targets) != 1 or not isinstance(statement.targets[0], ast.Name):
        return False
    value = statement.value.value if isinstance(statement.value, ast.Await) else statement.value
    if not isinstance(value, ast.Call) or not _decodes(value):
        return False
    if not any(_reads_row(argument, loop.target.id) for argument in value.args):
        return False
    name = statement.targets[0].id
    later = loop.body[loop.body.index(attempt) + 1:]
    return any(
        isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)
        for statement_after in later
        for node in ast.walk(statement_after)
    )


_PREDICATE_WORDS = ("has", "is", "can")


_QUESTION_WORDS = frozenset(
    {"is", "are", "has", "have", "can", "should", "was", "were", "does", "valid", "exists", "exist",
     "available", "enabled", "reachable", "alive", "healthy", "allowed", "supported", "supports", "installed",
     "configured", "authenticated", "authorized", "expired", "matches", "contains"}
)
"""Words that make a function's name a question (``credentials_are_valid``, ``token_expired``)."""
_BOOLEAN_CALLS = frozenset({"bool", "isinstance", "issubclass", "hasattr", "callable", "any", "all", "exists",
                            "isfile", "isdir", "startswith", "endswith", "match", "fullmatch"})
_PREDICATE_CALL_PREFIXES = ("is_", "has_", "can_", "should_", "_is_", "_has_", "_can_")


def _boolean(expr: ast.expr | None, function: ast.FunctionDef | ast.AsyncFunctionDef, depth: int = 0) -> bool:
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, bool)
    if isinstance(expr, ast.Compare) or (isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Not)):
        return True
    if isinstance(expr, ast.Await):
        return _boolean(expr.value, function, depth)
    if isinstance(expr, ast.Call):
        name = callee_name(expr)
        return name in _BOOLEAN_CALLS or name.startswith(_PREDICATE_CALL_PREFIXES)
    if isinstance(expr, ast.BoolOp):
        return all(_boolean(value, function, depth) for value in expr.values)
    if isinstance(expr, ast.Name) and depth == 0:
        values = [
            node.value
            for node in ast.walk(function)
            if isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == expr.id for target in node.targets
            )
        ]
        return len(values) == 1 and _boolean(values[0], function, depth + 1)
    return False


def prefixed_predicate_answer(handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """``def _table_has_column(...)`` answering ``False`` in the handler, every other return a boolean."""
    function = ctx.scope.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    words = split_identifier(function.name)
    if not any(word in _PREDICATE_WORDS for word in words[1:3]) or words[-1] in _PREDICATE_WORDS:
        return False
    last = handler.body[-1]
    if not (isinstance(last, ast.Return) and isinstance(last.value, ast.Constant) and isinstance(last.value.value,
                                                                                                  bool)):
        return False
    returns = [node for node in ast.walk(function) if isinstance(node, ast.Return)]
    return all(_boolean(node.value, function) for node in returns)


def answers_question(handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """``def credentials_are_valid(...)`` answering ``True``/``False`` in the handler, every ``return`` of the
    function a boolean (or its annotation ``bool``): the handler's constant is the predicate's answer."""
    function = ctx.scope.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    if not _QUESTION_WORDS.intersection(split_identifier(function.name)):
        return False
    last = handler.body[-1]
    if not (isinstance(last, ast.Return) and isinstance(last.value, ast.Constant)
            and isinstance(last.value.value, bool)):
        return False
    if _annotated_bool(function.returns):
        return True
    returns = [node for node in own_nodes(function) if isinstance(node, ast.Return)]
    answers = always_leaves(function.body, (ast.Return, ast.Raise))  # never falls off its end, answering None
    return answers and all(_boolean(node.value, function) for node in returns)


def _annotated_bool(annotation: ast.expr | None) -> bool:
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        return annotation.value == "bool"
    return isinstance(annotation, ast.Name) and annotation.id == "bool"


def _flags_set_last(statements: list[ast.stmt]) -> dict[str, object]:
    """Names the block's last statement sets to a constant (``deleted = True``), also at the end of the branches
    of a closing ``if`` (``if os.path.isfile(path): os.remove(path); deleted = True``)."""
    last = statements[-1] if statements else None
    if isinstance(last, ast.Assign) and len(last.targets) == 1 and isinstance(last.targets[0], ast.Name) \
            and isinstance(last.value, ast.Constant) and isinstance(last.value.value, bool):
        return {last.targets[0].id: last.value.value}
    if isinstance(last, ast.If):
        return {**_flags_set_last(last.orelse), **_flags_set_last(last.body)}
    return {}


def failure_flag_returned(attempt: ast.Try, handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """The ``try`` ends by setting a flag, the statements before it set the opposite constant, and a ``return``
    after the ``try`` (in the same block) hands the flag back: the failure is answered as the flag's value."""
    if not all(isinstance(statement, ast.Pass) or (isinstance(statement, ast.Expr)
                                                    and isinstance(statement.value, ast.Constant))
               for statement in handler.body):
        return False
    owner = ctx.parent_of(attempt)
    block: list[ast.stmt] = next((getattr(owner, field) for field in ("body", "orelse", "finalbody")
                                  if attempt in getattr(owner, field, ())), [])
    if not block:
        return False
    index = block.index(attempt)
    before = {target.id: statement.value.value for statement in block[:index] if isinstance(statement, ast.Assign)
              and isinstance(statement.value, ast.Constant) for target in statement.targets
              if isinstance(target, ast.Name)}
    flags = {name for name, value in _flags_set_last(attempt.body).items()
             if name in before and before[name] is (not value)}
    return bool(flags) and any(
        isinstance(statement, ast.Return) and statement.value is not None and any(
            isinstance(node, ast.Name) and node.id in flags for node in ast.walk(statement.value))
        for statement in block[index + 1:]
    )


_LOOPS = (ast.For, ast.AsyncFor, ast.While)


def _counted_last(statements: list[ast.stmt]) -> set[str]:
    """Names the block's last statement adds one to (``sent += 1``), also at the end of the branches of a closing
    ``if`` (``if r.ok: sent += 1``)."""
    last = statements[-1] if statements else None
    if isinstance(last, ast.AugAssign) and isinstance(last.op, ast.Add) and isinstance(last.target, ast.Name) \
            and isinstance(last.value, ast.Constant) and last.value.value == 1:
        return {last.target.id}
    if isinstance(last, ast.If):
        return _counted_last(last.body) | _counted_last(last.orelse)
    return set()


def successes_counted(attempt: ast.Try, handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """In a loop, the ``try`` ends by counting its success (``done += 1``), the counter is set to ``0`` before the
    loop and read after it: each failure is the count's shortfall, which the code after the loop reports."""
    if not all(isinstance(statement, (ast.Pass, ast.Continue)) for statement in handler.body):
        return False
    counters = _counted_last(attempt.body)
    loop: ast.AST | None = ctx.parent_of(attempt)
    while loop is not None and not isinstance(loop, (*_LOOPS, ast.FunctionDef, ast.AsyncFunctionDef)):
        loop = ctx.parent_of(loop)
    if not counters or not isinstance(loop, _LOOPS):
        return False
    block = block_holding(ctx.parent_of(loop), loop)
    if block is None:
        return False
    index = block.index(loop)
    zeroed = {target.id for statement in block[:index] if isinstance(statement, ast.Assign)
              and isinstance(statement.value, ast.Constant) and statement.value.value == 0
              and statement.value.value is not False
              for target in statement.targets if isinstance(target, ast.Name)}
    return any(
        isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in counters & zeroed
        for statement in block[index + 1:] for node in ast.walk(statement)
    )
