"""Catch-alls that stand for a deliberate fallback, not a lost error: what BE205 leaves alone.

A handler that only says ``pass`` or assigns a constant looks like a swallowed error, but on real code most of
them are one of a few idioms whose meaning is plain from the ``try`` statement itself:

- **a fallback value**: the ``try`` computes a name and the handler gives the same name a constant
  (``try: body = response.json() / except Exception: body = None``; ``__version__ = version("pkg")`` with
  ``"unknown"``): the constant *is* the handling, and the code after reads the name either way;
- **previous values kept**: a ``try`` that only imports and assigns (``result["ml"] = {"version":
  ml.__version__}``, ``obj._config.chunk_size = n``) with ``except Exception: pass``: the names keep the
  values they had before, the optional extra is simply not there;
- **an optional value**: ``try: logger = get_run_logger() / except Exception: pass / else: logger.warning(...)``:
  the ``else`` uses the value only when there is one;
- **a documented contract**: a function named ``*_safe``/``safe_*`` (``parse_http_date_safe``) promises its
  caller a default instead of an error; a predicate (``is_*``, ``has_*``, ``can_*``, ``*_exists``...) whose
  handler answers ``True``/``False`` says "no" (or "yes") when it cannot tell, which is its answer;
  ``__repr__``/``__str__``/``__del__`` must never raise, and neither must a Django template filter or tag
  (``@register.filter``: "filter functions should fail silently", says Django's documentation);
- **an explained decision**: a comment in the handler (or right above its ``except``) says why the error
  is dropped ("the advice to the kernel is just an advice"): a reviewed choice, like a ``# noqa: S110``.
  Not in migration code: a migration that drops an error and does nothing leaves the data half-fixed, and
  the operator, who never reads the comment, has to be told;
- **an item whose errors the code says it ignores**: in a loop, a handler of ``continue`` (or ``pass`` ending
  the loop's body) under a comment that says the errors are ignored (``# ignore any errors``: pgAdmin's
  migration adding ``panelLock`` to each user's saved layout, where a layout of another shape keeps its
  valid value) or that the item is left as it is (``# not valid markdown - leave it as-is``: shuup's
  migrations converting each row's Markdown to HTML). The author states the skip is the intent, not why
  something may fail; also in migration code, where a comment that only explains a failure (``# This can fail
  on differing SECRET_KEYS``) does not count, and neither does one over a handler that gives up on the whole
  job (``return``);
- **a row skipped in a backfill**: in migration code, ``except Exception: continue`` in a loop whose ``try``
  has an ``else:`` that writes the row: a row whose new value cannot be computed keeps the old one (a nullable
  hash left null), and no row is half-fixed. A migration that gives up on the whole job stays flagged;
- **a row that does not parse, skipped**: in a loop, a ``try`` that only parses one value (``data =
  json.loads(data)``, see :func:`.expected_errors.parses_one_value`) with ``except Exception: continue``: it
  can fail in one way, the text is not valid, and skipping that row is what a narrow ``except ValueError``
  would do (also in a migration: the row is skipped, nothing is half-written). Answering ``None`` for the
  whole parse is not this: the caller gets no value and no reason;
- **a stored file, a legacy value or a log line that does not parse**: a file read and parsed per row and
  skipped, a parse helper answering the empty value of what it decodes, a malformed line left out of the
  items collected, a value that does not decode refused like a missing one (the handler repeats the guard's
  ``return`` just above: see :mod:`.parse_failures`);
- **an entry dropped from a registry**: a ``try`` that only removes entries (``del self.clients[key]``,
  ``registry.pop(key)``, ``manager.remove_client(key)``, ``watchers.discard(w)``, ``unregister(...)``): a
  best-effort cleanup whose failure means the entry was not there, like closing a closed connection;
- **alternatives probed**: in a loop that tries each candidate in turn (``for kind, call in consoles.items():
  try: console = call(...) / except Exception: continue``), returns the first that works and raises after the
  loop when none did: one failure is the reason to try the next, and the failure of all is surfaced;
- **an error raised either way**: the statement that runs after the ``try`` raises (``try: detail =
  (await response.json())["detail"] / except Exception: pass`` then ``raise HTTPException(status, detail)``,
  also when the ``try`` ends an ``if`` block): the ``try`` only enriches an error that is raised anyway;
- **an error answer, a trial decode, a prefixed predicate, a success flag answered, successes counted**: see
  :mod:`.answered_failures`;
- **best-effort telemetry**: usage analytics must never break the program they observe, so a ``try`` that only
  imports or calls analytics/telemetry/milestone code, and any catch-all in a telemetry module, is best-effort.

Each test reads the ``try`` statement's own top-level statements (and the branches of an ``if`` among them),
never a whole subtree. A catch-all that throws away the failure of work with effects (``gateway.charge(o)``
with ``except: charged = False``, a different name) is none of these and stays flagged, and so does a constant
*returned* in place of a result (``return 1.0`` for an exchange rate that could not be read): the caller gets
wrong data that looks right.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.answered_failures import (
    answers_question,
    error_answered_next,
    failure_flag_returned,
    prefixed_predicate_answer,
    successes_counted,
    trial_decode_skipped,
)
from backend_lint.analysis.ast_helpers import next_statement, own_nodes
from backend_lint.analysis.expected_errors import parses_one_value
from backend_lint.analysis.facts import reads
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.module_roles import module_roles, runs_as_data_migration
from backend_lint.analysis.parse_failures import (
    BLOB_PARSERS,
    decoded_parameter,
    empty_answer,
    malformed_record_skipped,
    reads_one_file,
    rejected_like_missing,
)
from backend_lint.analysis.reader_comments import reader_comment

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_TELEMETRY_WORDS = ("analytics", "telemetry", "milestone")
"""Words in a module, function or package name that mark usage telemetry (``try_mark_milestone``)."""
_PREDICATE_PREFIXES = ("is_", "has_", "can_", "should_", "supports_", "detect_", "check_")
_PREDICATE_SUFFIXES = ("_exists", "exists", "_available", "_enabled")
_TEMPLATE_LIBRARY = frozenset({"filter", "simple_tag", "inclusion_tag", "tag"})
_NEVER_RAISE = frozenset({"__repr__", "__str__", "__del__", "__format__", "__bool__", "__hash__"})


@reads(module_roles)
def is_deliberate_fallback(attempt: ast.Try, handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """``handler`` (whose every statement already discards the error) belongs to one of the idioms above."""
    return (
        _falls_back_to_same_name(attempt, handler)
        or _keeps_previous_values(attempt, handler)
        or _optional_value(attempt)
        or _safe_contract(ctx)
        or predicate_answer(handler, ctx)
        or prefixed_predicate_answer(handler, ctx)
        or answers_question(handler, ctx)
        or error_answered_next(attempt, handler, ctx)
        or failure_flag_returned(attempt, handler, ctx)
        or successes_counted(attempt, handler, ctx)
        or trial_decode_skipped(attempt, handler, ctx)
        or _best_effort_telemetry(attempt, ctx)
        or ((parses_one_value(attempt, ctx) or reads_one_file(attempt, ctx)) and _skips_item(handler))
        or malformed_record_skipped(attempt, handler, ctx)
        or rejected_like_missing(attempt, handler, ctx)
        or _drops_entries(attempt)
        or probes_alternatives(attempt, handler, ctx)
        or (_explained(handler, ctx) and not _migration_code(ctx))
        or (_row_skipped(attempt, handler) and _migration_code(ctx))
        or (_says_ignored(handler, ctx) and _skips_loop_item(attempt, handler, ctx))
        or _raised_next(attempt, ctx)
        or _fallback_returned_next(attempt, handler, ctx)
        or _not_found_lookup(attempt, ctx)
        or parse_helper(attempt, handler, ctx)
        or (_explained_above_try(attempt, handler, ctx) and not _migration_code(ctx))
    )


_NOT_FOUND_LOOKUPS = frozenset(
    {f"{module}.{name}" for module in ("importlib.metadata", "importlib_metadata")
     for name in ("distribution", "version", "metadata", "files", "requires")}
    | {"pkg_resources.get_distribution"}
)
"""Lookups of an installed package whose error (``PackageNotFoundError``) is the answer "not installed"."""


def _not_found_lookup(attempt: ast.Try, ctx: FileContext) -> bool:
    """``try: pkg = metadata.distribution(name) / except: return None, None``: the ``try`` is one lookup of an
    installed package, and its failure means the package is not there; the constant is that answer."""
    if len(attempt.body) != 1:
        return False
    statement = attempt.body[0]
    value = statement.value if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.Return, ast.Expr)) else None
    return isinstance(value, ast.Call) and ctx.imports.resolve(value.func) in _NOT_FOUND_LOOKUPS


def _fallback_returned_next(attempt: ast.Try, handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """``try: ... return StreamingResponse(decoded) / except Exception: pass`` then ``return
    FileResponse(default)``: the ``try`` answers the request when it can, and the statement that runs after it
    (also when the ``try`` ends an ``if`` block) returns the fallback answer: a stored image that does not decode
    is answered with the default one, which is the handling."""
    if not all(isinstance(statement, ast.Pass) for statement in handler.body):
        return False
    if not attempt.body or not isinstance(attempt.body[-1], ast.Return) or attempt.body[-1].value is None:
        return False
    following = next_statement(attempt, ctx.parent_of, through_ifs=4)
    return isinstance(following, ast.Return) and following.value is not None


_BUILTIN_PARSERS = frozenset({"int", "float", "complex", "str"})
"""Built-in converters of one value; ``str(value)`` too: mealie's ``get_value_as_string_or_none(dictionary, key)``
answers ``None`` for a value that will not convert, as its name says."""


def _read_from_parameters(function: ast.FunctionDef | ast.AsyncFunctionDef, parameters: set[str]) -> set[str]:
    """Locals the function assigns once, from an item of a parameter (``value = dictionary.get(key)``, ``value =
    row[key]``): the converter's own argument, read out of what the caller handed it."""
    assigned: dict[str, list[ast.expr]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    assigned.setdefault(target.id, []).append(node.value)
    found = set()
    for name, values in assigned.items():
        if len(values) != 1 or name in parameters:
            continue
        value = values[0]
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "get":
            value = value.func.value
        elif isinstance(value, ast.Subscript):
            value = value.value
        else:
            continue
        if isinstance(value, ast.Name) and value.id in parameters:
            found.add(name)
    return found


def parse_helper(attempt: ast.Try, handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """A function whose job is to parse its own argument (``def _decode_json_object(value): try: decoded =
    json.loads(value) / except Exception: return None``, ``def get_int(value): try: return int(value) / except
    Exception: pass``, ``def unpickle_settings(blob): try: return pickle.loads(b64decode(blob.encode("utf-8")))
    / except Exception: return {}``): ``None`` or the empty value is its documented answer for text that is not
    valid, and the caller decides. The ``try`` is one parse (:data:`.parse_failures.BLOB_PARSERS`) of a
    parameter of the function, directly or through decoding calls, and the handler answers ``None`` or an empty
    literal (``return {}``, or ``pass`` where nothing follows in the function)."""
    function = ctx.scope.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or len(attempt.body) != 1:
        return False
    statement = attempt.body[0]
    value = statement.value if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.Return)) else None
    if not isinstance(value, ast.Call) or not value.args:
        return False
    builtin = isinstance(value.func, ast.Name) and value.func.id in _BUILTIN_PARSERS \
        and value.func.id not in ctx.imports.names
    if not (builtin or ctx.imports.resolve(value.func) in BLOB_PARSERS):
        return False
    parameters = {arg.arg for arg in [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]}
    if not decoded_parameter(value.args[0], parameters | _read_from_parameters(function, parameters)):
        return False
    if empty_answer(handler):
        return True
    return (
        all(isinstance(s, ast.Pass) for s in handler.body)
        and isinstance(statement, ast.Return)
        and _ends_function(attempt, function, ctx)
    )


def _ends_function(node: ast.stmt, function: ast.AST, ctx: FileContext) -> bool:
    """Nothing runs after ``node`` in ``function``: it is the last statement of the body, or of an ``if``
    block that is itself last."""
    current: ast.AST = node
    while True:
        owner = ctx.parent_of(current)
        if owner is None:
            return False
        block = next((getattr(owner, field) for field in ("body", "orelse")
                      if isinstance(getattr(owner, field, None), list) and current in getattr(owner, field)), None)
        if block is None or block[-1] is not current:
            return False
        if owner is function:
            return True
        if not isinstance(owner, ast.If):
            return False
        current = owner


_SHORT_ATTEMPT = 2


def _explained_above_try(attempt: ast.Try, handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """A comment for a reader right above a short ``try`` whose handler is ``pass`` (``# Broadcast so other
    connected clients drop the row too.`` / ``try: signal.send(...) / except Exception: pass``; ``# glibc keeps
    freed pages mapped; malloc_trim() releases them`` over an optional ``ctypes`` call): the side step is
    explained as best-effort next to the work it follows. A long ``try`` is work of its own, not a side step."""
    if not all(isinstance(statement, ast.Pass) for statement in handler.body) or len(attempt.body) > _SHORT_ATTEMPT:
        return False
    above = attempt.lineno - 2
    return above >= 0 and ctx.lines[above].lstrip().startswith("#") and _for_reader(ctx.lines[above])


def _raised_next(attempt: ast.Try, ctx: FileContext) -> bool:
    """The next statement the code runs after the ``try`` raises (``try: detail = (await r.json())["error"] /
    except Exception: pass`` then ``raise HTTPException(status, detail)``): the ``try`` only enriches an error
    that is raised either way, so nothing is hidden. The ``try`` may end an ``if`` block whose statement is
    followed by the ``raise``."""
    node: ast.AST = attempt
    for _ in range(3):
        block_owner = ctx.parent_of(node)
        if block_owner is None:
            return False
        for field in ("body", "orelse", "finalbody"):
            block = getattr(block_owner, field, None)
            if isinstance(block, list) and node in block:
                later = block[block.index(node) + 1:]
                if later:
                    return isinstance(later[0], ast.Raise)
                break
        else:
            return False
        if not isinstance(block_owner, ast.If):
            return False
        node = block_owner
    return False


_REMOVALS = frozenset({"pop", "discard", "remove", "unregister", "deregister", "unsubscribe"})
_REMOVAL_PREFIXES = ("remove_", "unregister_", "deregister_")


def _drops_entries(attempt: ast.Try) -> bool:
    """Every statement of the ``try`` removes an entry: ``del registry[key]``, ``clients.pop(key)``,
    ``manager.remove_client(key)`` (a method, awaited or not, whose name says it removes), ``request.session.clear()``
    (open-webui's sign-out, the session cookie deleted right after), ``store.delete("slack_bot_tokens_config_key")``
    (one entry by a literal key: Onyx's migration dropping the stale key after the data moved), also under an
    ``if`` whose branches only do that."""
    return bool(attempt.body) and all(_drops_entry(statement) for statement in attempt.body)


def _drops_entry(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.If):
        return bool(statement.body) and all(_drops_entry(item) for item in [*statement.body, *statement.orelse])
    if isinstance(statement, ast.Delete):
        return all(isinstance(target, (ast.Subscript, ast.Attribute)) for target in statement.targets)
    value = statement.value if isinstance(statement, ast.Expr) else None
    value = value.value if isinstance(value, ast.Await) else value
    if not isinstance(value, ast.Call) or not isinstance(value.func, ast.Attribute):
        return False
    name = value.func.attr
    if name == "clear":
        return not value.args and not value.keywords  # a container emptied
    if name == "delete":  # one entry of a store, by a key the code writes
        return len(value.args) == 1 and not value.keywords and isinstance(value.args[0], ast.Constant) \
            and isinstance(value.args[0].value, str)
    return name in _REMOVALS or name.startswith(_REMOVAL_PREFIXES)


def probes_alternatives(attempt: ast.Try, handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """``for kind, call in candidates.items(): try: found = call(...) / except Exception: continue / ...
    return found`` followed by a ``raise`` (right after the loop or in its ``else:``): the handler moves on
    to the next candidate, the loop returns the first that works, and the failure of every one is raised."""
    if not handler.body or not all(isinstance(statement, ast.Continue) for statement in handler.body):
        return False
    loop = ctx.parent_of(attempt)
    if not isinstance(loop, (ast.For, ast.AsyncFor)) or attempt not in loop.body:
        return False
    if not any(isinstance(statement, ast.Return) for statement in loop.body[loop.body.index(attempt) + 1:]):
        return False
    if loop.orelse:
        return isinstance(loop.orelse[-1], ast.Raise)
    block = ctx.parent_of(loop)
    statements = getattr(block, "body", None)
    if not isinstance(statements, list) or loop not in statements:
        return False
    following = statements[statements.index(loop) + 1:]
    return bool(following) and isinstance(following[0], ast.Raise)


def _skips_item(handler: ast.ExceptHandler) -> bool:
    return all(isinstance(statement, ast.Continue) for statement in handler.body)


def _row_skipped(attempt: ast.Try, handler: ast.ExceptHandler) -> bool:
    """``for row in rows: try: value = compute(row) / except Exception: continue / else: row.x = value;
    row.save()``: the write is in ``else:``, so a row whose value cannot be computed is skipped and keeps what
    it had (a nullable column backfilled best-effort stays null). Nothing is half-written."""
    return bool(attempt.orelse) and all(isinstance(statement, ast.Continue) for statement in handler.body)


_IGNORED = lazy_compile(r"\bignor(?:e|es|ed|ing)\b")
_ERRORS = lazy_compile(r"\b(?:errors?|exceptions?|failures?|fail(?:s|ed|ing)?)\b")
_LEFT_AS_IT_IS = lazy_compile(
    r"\b(?:leave|leaves|leaving|left|keep|keeps|keeping|kept)\s+(?:(?:it|them|this|that|the\s+\w+(?:\s+\w+)?)\s+)?"
    r"(?:as[\s-]+(?:is|it\s+is|they\s+are)|unchanged|untouched)(?!\w)"
)
"""A comment saying the item keeps its old value (``# not valid markdown - leave it as-is``, ``# keep the old value
unchanged``): skipping it is the intent, and nothing about it is half-written."""


def _says_ignored(handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """A comment on the ``except`` line, in the handler or right above ``except`` says that errors are ignored
    (``# ignore any errors``, ``# failures are ignored on purpose``) or that the item is left as it is (``# not
    valid markdown - leave it as-is``: shuup's data migrations converting each row's text, seed 133): the skip is
    stated as the intent."""
    first = handler.lineno - 2
    last = handler.end_lineno or handler.lineno
    for index in range(max(first, 0), last):
        line = ctx.lines[index]
        position = line.find("#")
        if position == -1 or not _for_reader(line) or (index == first and not line.lstrip().startswith("#")):
            continue
        text = line[position + 1 :].lower()
        if (_IGNORED.search(text) and _ERRORS.search(text)) or _LEFT_AS_IT_IS.search(text):
            return True
    return False


_LOOPS = (ast.For, ast.AsyncFor, ast.While)


def _skips_loop_item(attempt: ast.Try, handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """``handler`` moves on to the next item of the loop around ``attempt``: it is ``continue``, or ``pass`` with
    the ``try`` ending the loop's body (also through the ``if`` blocks it ends). A handler that leaves the loop
    or the function gives up on every item after it."""
    if all(isinstance(statement, ast.Continue) for statement in handler.body):
        return any(isinstance(scope_loop, _LOOPS) for scope_loop in _enclosing(attempt, ctx))
    if not all(isinstance(statement, ast.Pass) for statement in handler.body):
        return False
    node: ast.AST = attempt
    for _ in range(4):
        owner = ctx.parent_of(node)
        block = getattr(owner, "body", None) if owner is not None else None
        orelse = getattr(owner, "orelse", None) if owner is not None else None
        if isinstance(owner, _LOOPS):
            return isinstance(block, list) and bool(block) and block[-1] is node
        if not isinstance(owner, ast.If):
            return False
        if not any(isinstance(part, list) and part and part[-1] is node for part in (block, orelse)):
            return False
        node = owner
    return False


def _enclosing(node: ast.AST, ctx: FileContext) -> list[ast.AST]:
    """The nodes around ``node`` up to its function (not past it: a loop outside the function is not its own)."""
    found: list[ast.AST] = []
    current = ctx.parent_of(node)
    while current is not None and not isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        found.append(current)
        current = ctx.parent_of(current)
    return found


def _migration_code(ctx: FileContext) -> bool:
    """A migration module, or a function with Django's ``RunPython`` signature: code an operator runs once and
    must hear about when it skips work (a helper merely named for migrations reads, it does not migrate)."""
    return module_roles(ctx).migration or any(
        isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) and runs_as_data_migration(function)
        for function in ctx.scope.functions
    )


def _assigned_names(statement: ast.stmt) -> set[str]:
    if isinstance(statement, ast.Assign):
        targets = [
            element
            for target in statement.targets
            for element in (target.elts if isinstance(target, ast.Tuple) else [target])
        ]
    elif isinstance(statement, ast.AnnAssign):
        targets = [statement.target]
    else:
        return set()
    return {target.id for target in targets if isinstance(target, ast.Name)}


def _falls_back_to_same_name(attempt: ast.Try, handler: ast.ExceptHandler) -> bool:
    """Every handler statement assigns a constant, and one of the names it assigns is what the ``try`` body
    computes (``x = f()`` / ``x = None``), at its top level or in a block nested in it (frigate's
    ``line_number = current.lc.line`` under an ``if`` in a loop of the ``try``, ``"Unable to determine"`` in the
    handler). ``pass`` alone is not a fallback value."""
    if not all(isinstance(statement, (ast.Assign, ast.AnnAssign)) for statement in handler.body):
        return False
    fallback = set().union(*(_assigned_names(statement) for statement in handler.body))
    computed = set().union(*(_assigned_names(node) for node in own_nodes(attempt) if isinstance(node, ast.stmt)))
    return bool(fallback & computed)


def _keeps_previous_values(attempt: ast.Try, handler: ast.ExceptHandler) -> bool:
    """``except: pass`` after a ``try`` that only imports and assigns (at least one assignment)."""
    if not all(isinstance(statement, ast.Pass) for statement in handler.body):
        return False
    kinds = (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Import, ast.ImportFrom)
    return all(isinstance(statement, kinds) for statement in attempt.body) and any(
        isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)) for statement in attempt.body
    )


def _optional_value(attempt: ast.Try) -> bool:
    """``try: value = f()`` with an ``else:`` block: the value is used only when it could be had."""
    return bool(attempt.orelse) and len(attempt.body) == 1 and bool(_assigned_names(attempt.body[0]))


def _safe_contract(ctx: FileContext) -> bool:
    function = ctx.scope.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    if function.name in _NEVER_RAISE or any(_template_library(decorator) for decorator in function.decorator_list):
        return True
    name = function.name.lower().strip("_")
    return name.endswith("_safe") or name.startswith("safe_")


def _template_library(decorator: ast.expr) -> bool:
    """``@register.filter``, ``@register.filter(is_safe=True)``, ``@register.simple_tag``."""
    written = dotted_name(decorator.func if isinstance(decorator, ast.Call) else decorator) or ""
    return written.startswith("register.") and written.rpartition(".")[2] in _TEMPLATE_LIBRARY


def predicate_answer(handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """``def is_valid(...)`` whose handler is ``return False`` (or ``True``): the answer when it cannot tell
    (BE403 leaves such a handler's error log alone too: a malformed URL is the reason to say "not safe")."""
    function = ctx.scope.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    name = function.name.lower().lstrip("_")
    if not (name.startswith(_PREDICATE_PREFIXES) or name.endswith(_PREDICATE_SUFFIXES)):
        return False
    last = handler.body[-1]
    return isinstance(last, ast.Return) and isinstance(last.value, ast.Constant) and isinstance(
        last.value.value, bool
    )


def _explained(handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """A comment for a reader on the ``except`` line, in the handler, or on the line right above ``except``."""
    first = handler.lineno - 1
    last = handler.end_lineno or handler.lineno
    lines = ctx.lines[first - 1 : last] if first >= 1 else ctx.lines[:last]
    above, rest = (lines[0], lines[1:]) if first >= 1 else ("", lines)
    return (above.lstrip().startswith("#") and _for_reader(above)) or any(_for_reader(line) for line in rest)


def _for_reader(line: str) -> bool:
    """The line ends in a comment (a ``#`` outside quotes) that is not a tool pragma."""
    return bool(reader_comment(line))


def _best_effort_telemetry(attempt: ast.Try, ctx: FileContext) -> bool:
    path = ctx.role_path.replace("\\", "/").lower()
    if any(word in part for part in path.split("/") for word in _TELEMETRY_WORDS):
        return True
    return bool(attempt.body) and all(_telemetry_statement(statement) for statement in attempt.body)


def _telemetry_statement(statement: ast.stmt) -> bool:
    """An import from, or a call of, telemetry code (an ``if`` whose branches only hold such statements)."""
    if isinstance(statement, ast.ImportFrom):
        return _names_telemetry(statement.module) or all(_names_telemetry(a.name) for a in statement.names)
    if isinstance(statement, ast.Import):
        return all(_names_telemetry(alias.name) for alias in statement.names)
    if isinstance(statement, ast.If):
        branches = [*statement.body, *statement.orelse]
        return all(_telemetry_statement(branch) for branch in branches)
    if isinstance(statement, ast.Expr):
        call = statement.value.value if isinstance(statement.value, ast.Await) else statement.value
        return isinstance(call, ast.Call) and _names_telemetry(dotted_name(call.func))
    return False


def _names_telemetry(name: Optional[str]) -> bool:
    return name is not None and any(word in name.lower() for word in _TELEMETRY_WORDS)
