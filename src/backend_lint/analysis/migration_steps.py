"""Migration steps that are expected to fail on some databases: what a migration may try and carry on from.

Migrations that must run on several databases (PostgreSQL, MySQL, SQLite) or on schemas of different
histories often try one step that is only needed, or only possible, on some of them, and ignore its failure:

- **creating a sequence** that may already exist, or that the dialect does not have (``try:
  create_seq(Sequence("tokenowner_seq")) / except Exception: pass``, ``op.execute(CreateSequence(seq))``);
- **dropping a constraint, an index or a sequence** that may not exist (``batch_op.drop_constraint(
  "ck_ssl_mode")``, ``op.drop_index(...)``, ``op.execute("DROP INDEX ...")``).

- **adding a column** that may already be there, with no test of it (``for table in tables: try: with
  op.batch_alter_table(table) as batch: batch.add_column(Column("access_control", JSON())) / except Exception:
  pass``: Open WebUI's downgrade re-adds a column its upgrade dropped only where it was present).

- **renaming a table and back** (``op.execute('ALTER TABLE "user" RENAME TO user_old')`` then ``op.execute(
  'ALTER TABLE user_old RENAME TO "user"')``, also ``op.rename_table``): SQLite's trick to make it rewrite the
  foreign keys that name a table, pgAdmin's migration refreshing stale references (seed 135). Each pair ends
  where it started, so the step changes no name; if the first rename fails nothing changed, and a table left
  under the other name makes the migration's next statement on it fail loudly.

The schema reads that decide the step (``indexes = [ix.get("name") for ix in inspector.get_indexes(t)]`` then
``if name in indexes: op.drop_index(...)``) and the step's log lines may sit in the ``try`` with it (Onyx's
downgrade dropping an index after checking it exists).

When the migration carries on right after (the ``create_table`` that uses the sequence, the column dropped
after its constraint, the statement after the loop over tables), a step that really was needed and failed makes
the next statement fail loudly; a step that was not needed leaves nothing to tell. This is the idiom only when
every statement of the ``try`` is such a step: a ``try`` that writes rows or changes access is real work, and a
migration that swallows its failure is reported. So is a column added under a test that it is missing (``if
"is_component" not in columns: batch_op.add_column(...)`` inside the ``try``): the test already answers "it is
there", so the catch-all only hides a real failure, and the column is recorded as added when it is not.

Two more things a migration tries and gives up on, where the failure is the answer "nothing to do here"
(:func:`tolerated_probe`):

- **reading the database's catalogue** (``cursor.execute("SELECT * FROM INFORMATION_SCHEMA.TABLES WHERE
  TABLE_NAME='FPCommandOutput'")``, then ``fetchall()``) to learn whether a legacy table is there: a database
  without that catalogue (SQLite, where Archivematica's tests run) has no legacy table either, so returning is
  right, and nothing was done before it;
- **converting a row's stored value in place** (``item.target = pickle.loads(item.target.encode())...``, then
  ``item.save()``) in a loop over the rows: a row whose value does not decode (already converted, never
  encoded) keeps its value, which is what the migration wants. Not a row rewritten from anything else
  (pretalx's ``answer.person = answer.submission.speakers.first()``, whose failure leaves the answer unfixed).
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from backend_lint.analysis.ast_helpers import callee_name, next_statement, statement_call, string_value
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.provenance import sql_text

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_MAY_EXIST_CALL = lazy_compile(
    r"^(?:create_(?:seq|sequence)s?|drop_(?:seq|sequence|constraint|index|check_constraint)s?|"
    r"(?:Create|Drop)Sequence|DropConstraint|DropIndex)$"
)
"""Callees that create what may already exist or drop what may not (``create_seq`` is a common local helper
around ``op.execute(CreateSequence(seq))``)."""
_MAY_EXIST_SQL = lazy_compile(
    r"^\s*(?:CREATE\s+SEQUENCE|DROP\s+(?:INDEX|SEQUENCE|CONSTRAINT)|ALTER\s+TABLE\s+\S+\s+DROP\s+CONSTRAINT)\b",
    re.IGNORECASE,
)


def tolerated_ddl_step(attempt: ast.Try, handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """``attempt`` only creates a sequence or drops a constraint/index/sequence, ``handler`` is ``pass``, and
    the migration goes on with another statement right after the ``try``."""
    if not handler.body or not all(isinstance(statement, ast.Pass) for statement in handler.body):
        return False
    steps = list(_flattened(attempt.body))
    work = [step for step in steps if not (_inspects(step) or _logs(step))]
    return (
        bool(work)
        and (all(_may_exist_step(step) or _adds_untested_column(step, attempt, ctx) for step in work)
             or _renames_and_back(work))
        and _carries_on(attempt, ctx)
    )


_RENAME_SQL = lazy_compile(
    r'^\s*ALTER\s+TABLE\s+[`"]?(\w+)[`"]?\s+RENAME\s+TO\s+[`"]?(\w+)[`"]?\s*;?\s*$', re.IGNORECASE
)


def _rename(statement: ast.stmt) -> tuple[str, str] | None:
    """``(old, new)`` of a table rename written with constants: ``op.rename_table("a", "b")`` or
    ``op.execute("ALTER TABLE a RENAME TO b")``."""
    call = statement_call(statement)
    if call is None:
        return None
    names = [string_value(argument) for argument in call.args[:2]]
    if callee_name(call) == "rename_table" and len(call.args) == 2 and names[0] and names[1]:
        return names[0].lower(), names[1].lower()
    match = _RENAME_SQL.match(names[0] or "") if callee_name(call) == "execute" else None
    return (match.group(1).lower(), match.group(2).lower()) if match else None


def _renames_and_back(steps: list[ast.stmt]) -> bool:
    """The steps are pairs of renames, each pair a table renamed and renamed back: no name changes."""
    renames = [_rename(step) for step in steps]
    return len(renames) % 2 == 0 and all(
        first is not None and second is not None and first == (second[1], second[0])
        for first, second in zip(renames[::2], renames[1::2])
    )


_INSPECTIONS = frozenset({
    "get_indexes", "get_foreign_keys", "get_unique_constraints", "get_check_constraints", "get_columns",
    "get_pk_constraint", "get_table_names", "has_table", "has_index", "inspect", "get", "any", "all", "list",
    "set", "len",
})
"""Calls that only read the schema (an SQLAlchemy inspector's) or the values read from it."""


def _inspects(statement: ast.stmt) -> bool:
    """``indexes = [ix.get("name") for ix in inspector.get_indexes("chat_session")]``: an assignment whose every
    call reads the schema (the check that the index exists before it is dropped)."""
    if not isinstance(statement, ast.Assign):
        return False
    calls = [node for node in ast.walk(statement.value) if isinstance(node, ast.Call)]
    return bool(calls) and all(callee_name(call) in _INSPECTIONS for call in calls)


def _logs(statement: ast.stmt) -> bool:
    """``logger.info("Dropped index ...")``: a log line of the step."""
    call = statement_call(statement)
    if call is None or not isinstance(call.func, ast.Attribute):
        return False
    owner = call.func.value
    return isinstance(owner, ast.Name) and "log" in owner.id.lower() and call.func.attr in (
        "info", "debug", "notice", "warning", "warn")


def _carries_on(attempt: ast.Try, ctx: FileContext) -> bool:
    """A statement runs after the ``try``: the next one of its block, or, when the ``try`` ends the body of a
    ``for`` loop (one step per table), the one after the loop."""
    if next_statement(attempt, ctx.parent_of) is not None:
        return True
    loop = ctx.parent_of(attempt)
    return (isinstance(loop, ast.For) and bool(loop.body) and loop.body[-1] is attempt
            and next_statement(loop, ctx.parent_of) is not None)


def _adds_untested_column(statement: ast.stmt, attempt: ast.Try, ctx: FileContext) -> bool:
    """``batch_op.add_column(...)``/``op.add_column(...)`` with no ``if`` between it and the ``try``: nothing
    has told the migration whether the column is there, so its failure is the answer "it is"."""
    call = statement_call(statement)
    if call is None or callee_name(call) != "add_column":
        return False
    node: ast.AST = statement
    while True:
        owner = ctx.parent_of(node)
        if owner is None or isinstance(owner, ast.If):
            return False
        if owner is attempt:
            return True
        node = owner


def _flattened(statements: list[ast.stmt]) -> list[ast.stmt]:
    """The statements, with the bodies of ``with`` blocks (``with op.batch_alter_table(t) as batch_op:``) and of
    ``if`` tests (``if dialect_supports_sequences():``) taken in their place."""
    result: list[ast.stmt] = []
    for statement in statements:
        if isinstance(statement, (ast.With, ast.AsyncWith)):
            result.extend(_flattened(statement.body))
        elif isinstance(statement, ast.If):
            result.extend(_flattened([*statement.body, *statement.orelse]))
        else:
            result.append(statement)
    return result


def _may_exist_step(statement: ast.stmt) -> bool:
    call = statement_call(statement)
    if call is None:
        return False
    if _MAY_EXIST_CALL.match(callee_name(call)):
        return True
    if callee_name(call) == "execute" and call.args:  # op.execute(CreateSequence(seq)), op.execute("DROP INDEX ...")
        first = call.args[0]
        if isinstance(first, ast.Call):
            return bool(_MAY_EXIST_CALL.match(callee_name(first)))
        text = string_value(first)
        return text is not None and bool(_MAY_EXIST_SQL.match(text))
    return False


_CATALOGUE_SQL = lazy_compile(
    r"^\s*SELECT\b[^;]*\bFROM\s+(?:INFORMATION_SCHEMA\.|pg_catalog\.|sqlite_master\b|pg_tables\b|pg_class\b)",
    re.IGNORECASE,
)
_FETCHES = frozenset({"fetchall", "fetchone", "fetchmany"})
_DECODERS = frozenset({"loads", "literal_eval", "b64decode", "urlsafe_b64decode", "unhexlify", "decode_value"})
"""Calls that decode a stored value (``pickle.loads``, ``json.loads``, ``ast.literal_eval``, base64)."""


def tolerated_probe(attempt: ast.Try, handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """In migration code, ``attempt`` only reads the database's catalogue and ``handler`` returns or passes, with
    nothing done before it in the function; or ``attempt`` converts the loop's row's stored value in place and
    saves it, and ``handler`` passes or continues (see the module's docstring)."""
    if not all(isinstance(statement, (ast.Pass, ast.Continue, ast.Return)) for statement in handler.body):
        return False
    return _reads_catalogue_first(attempt, ctx) or _converts_row_in_place(attempt, ctx)


def _reads_catalogue_first(attempt: ast.Try, ctx: FileContext) -> bool:
    """``cursor.execute(<SELECT ... FROM INFORMATION_SCHEMA...>)`` and fetches of its rows, the ``try`` preceded
    in its function only by what prepares it (:func:`_prepares`)."""
    function = ctx.scope.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or attempt not in function.body:
        return False
    before = function.body[:function.body.index(attempt)]
    if not all(_prepares(statement) for statement in before):
        return False
    probed = False
    for statement in attempt.body:
        call = statement_call(statement) or (statement.value if isinstance(statement, ast.Assign)
                                             and isinstance(statement.value, ast.Call) else None)
        if call is None:
            return False
        name = callee_name(call)
        if name == "execute" and call.args:
            text = sql_text(call.args[0], ctx)
            if text is None or not _CATALOGUE_SQL.match(text.text):
                return False
            probed = True
        elif name not in _FETCHES:
            return False
    return probed


_PREPARING = frozenset({"cursor", "get_model"})


def _prepares(statement: ast.stmt) -> bool:
    """A docstring, or an assignment whose calls only open a cursor or take a model from the registry
    (``cursor = schema_editor.connection.cursor()``, ``sql = "SELECT ..."``): nothing done to the database yet."""
    if isinstance(statement, ast.Expr):
        return isinstance(statement.value, ast.Constant)
    return isinstance(statement, ast.Assign) and all(
        callee_name(node) in _PREPARING for node in ast.walk(statement.value) if isinstance(node, ast.Call))


def _converts_row_in_place(attempt: ast.Try, ctx: FileContext) -> bool:
    """``row.field = <decoder>(row.field...)...`` then only ``row.save()``, in a ``for row in ...`` loop."""
    if len(attempt.body) != 2:
        return False
    assign, save = attempt.body
    if not isinstance(assign, ast.Assign):
        return False
    target = assign.targets[0] if len(assign.targets) == 1 else None
    if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)):
        return False
    row, field = target.value.id, target.attr
    loop = ctx.parent_of(attempt)
    while loop is not None and not isinstance(loop, (ast.For, ast.AsyncFor)):
        loop = ctx.parent_of(loop) if not isinstance(loop, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
    if loop is None or not (isinstance(loop.target, ast.Name) and loop.target.id == row):
        return False
    decodes_itself = any(
        isinstance(node, ast.Call) and callee_name(node) in _DECODERS and any(
            isinstance(read, ast.Attribute) and read.attr == field and isinstance(read.value, ast.Name)
            and read.value.id == row for arg in node.args for read in ast.walk(arg))
        for node in ast.walk(assign.value))
    call = statement_call(save)
    return decodes_itself and call is not None and callee_name(call) == "save" \
        and isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name) and call.func.value.id == row
