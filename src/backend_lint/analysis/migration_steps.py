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
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from backend_lint.analysis.ast_helpers import callee_name, next_statement, statement_call, string_value
from backend_lint.analysis.lazy_regex import lazy_compile

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
        and all(_may_exist_step(step) or _adds_untested_column(step, attempt, ctx) for step in work)
        and _carries_on(attempt, ctx)
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
