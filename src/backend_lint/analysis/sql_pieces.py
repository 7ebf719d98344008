"""What SQL text is made of, once :mod:`.provenance` has followed it: constant pieces and *holes*.

A :class:`SqlText` is the text a sink receives, as constant pieces (what the database will see) and
:class:`Hole` objects (parts whose value is not known here). This module holds what can be said of such text
without following any value again: where a hole sits (:func:`in_value_position`: ``= {x}``, ``'{x}'``, ``IN (``
are places for values; ``FROM "{x}"`` is a quoted name; a named SQL fragment elsewhere is composed
SQL), which holes can carry attacker text
(:meth:`SqlText.unsafe_holes`), whether the text is a query or data change at all
(:attr:`SqlText.is_data_statement`), and whether a value was escaped for HTML (:func:`escapes_html`, which BE511
asks of the same pieces).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Union

from backend_lint.analysis.lazy_regex import lazy_compile

if TYPE_CHECKING:
    from backend_lint.context import FileContext

HOLE = "\x00"
_VALUE_BEFORE = lazy_compile(
    r"(?:[=<>]|\bLIKE|\bILIKE|\bIN\s*\(|\bVALUES\s*\(|\bLIMIT|\bOFFSET|\bBETWEEN\s+\S+\s+AND)\s*$",
    re.IGNORECASE,
)
_NAME_QUOTE = lazy_compile(r'(?:\b(?:FROM|INTO|JOIN|UPDATE|TABLE)\s+|\.)"$', re.IGNORECASE)
"""A double quote opened where SQL expects a table's name: standard SQL's quoted identifier, not a string."""
_HTML_ESCAPING = frozenset({"escape", "conditional_escape", "escape_html", "html_escape"})
_LIST_OPENER = lazy_compile(r"\b(?:IN|VALUES)\s*$", re.IGNORECASE)
_FIRST_WORD = lazy_compile(r"(?:\s|\(|--[^\n]*\n|/\*.*?\*/)*([A-Za-z]+)\b", re.DOTALL)
_DATA_WORDS = {"select", "insert", "update", "delete", "with", "merge", "replace", "upsert", "values", "explain",
               "call", "exec", "execute", "table"}
_DATA_STATEMENT = lazy_compile(r"\b(?:SELECT|INSERT|UPDATE|DELETE|MERGE|REPLACE|UPSERT)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Hole:
    """A part of the SQL whose text is not known here."""

    expr: ast.expr
    safe: bool = False
    """It cannot carry attacker-controlled SQL (a number, a quoted identifier, a constant)."""
    fragment: bool = False
    """It is named like SQL composed elsewhere (``where_sql``), so in a structural position it is SQL."""
    placeholder: bool = False
    """A generated list of placeholders (``%s, %s, %s``)."""


Piece = Union[str, Hole]
Built = Union[ast.expr, ast.stmt]
"""Where text was formatted: an expression, or an ``sql += ...`` statement (always a node with a line)."""


@dataclass
class SqlText:
    """The SQL text a sink receives, as constant pieces and holes."""

    pieces: list[Piece]
    kind: Optional[str] = None
    """How the first unsafe part was formatted in (``f-string``, ``%``, ``.format()``, ``+``, ``+=``, ``join``)."""
    built_at: Optional[Built] = None
    """The expression or ``+=`` statement that formatted it in."""
    variable: Optional[str] = None
    """The local name the sink received, when the SQL was not built inside the call."""
    alternatives: int = 1

    @property
    def text(self) -> str:
        """The SQL with every hole as ``\\x00``."""
        return "".join(piece if isinstance(piece, str) else HOLE for piece in self.pieces)

    @property
    def holes(self) -> list[Hole]:
        return [piece for piece in self.pieces if isinstance(piece, Hole)]

    @property
    def is_data_statement(self) -> bool:
        """A query or data change (``SELECT``, ``INSERT``, ``UPDATE``, ``DELETE``, ``WITH``...), not a session or
        schema statement (``SET``, ``PRAGMA``, ``CREATE``, ``SAVEPOINT``...), whose variable parts are names or
        settings that no driver can bind. Text starting with a hole counts when it mentions a data verb."""
        text = self.text
        first = _FIRST_WORD.match(text)
        if first is None:
            return bool(_DATA_STATEMENT.search(text))
        return first.group(1).lower() in _DATA_WORDS

    def unsafe_holes(self) -> list[Hole]:
        """Holes that can carry attacker text: not safe, and not a named SQL fragment in a structural spot."""
        found = []
        for index, piece in enumerate(self.pieces):
            if not isinstance(piece, Hole) or piece.safe:
                continue
            if piece.fragment and not in_value_position(self.pieces, index):
                continue
            found.append(piece)
        return found


def escapes_html(value: Optional[ast.expr]) -> bool:
    """``escape(x)``, ``html.escape(x)``, ``conditional_escape(x)``, ``x.replace("<", "&lt;")``: a value made
    safe for HTML. A name some
    assignment of which escapes it is read as one escaped value, not through its other assignments: code
    that escapes in a branch (``if autoescape:``) does so where the value is meant to be HTML."""
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    written = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if written == "replace" and len(value.args) == 2:  # ``text.replace("<", "&lt;")``: escaped by hand
        old, new = (item.value if isinstance(item, ast.Constant) else None for item in value.args)
        return old in ("<", "&") and isinstance(new, str) and new.startswith("&")
    return written in _HTML_ESCAPING


def in_value_position(pieces: list[Piece], index: int) -> bool:
    """Whether the hole at ``index`` sits where SQL expects a value (``= {x}``, ``'{x}'``, ``IN ({x}``...)."""
    before = _text_before(pieces, index)
    stripped = before.rstrip()
    if stripped.endswith('"') and _NAME_QUOTE.search(stripped):
        return False  # ``FROM "{table}"``, ``schema."{table}"``: a quoted identifier, a name no driver binds
    if stripped.endswith(("'", '"')) or before.count("'") % 2 == 1:
        return True  # right after a quote, or inside a string literal ('%{term}%')
    if _VALUE_BEFORE.search(stripped):
        return True
    if stripped.endswith(","):
        return _inside_value_list(stripped)
    return False


def in_string_literal(pieces: list[Piece], index: int, postgres: bool = False) -> bool:
    """Whether the hole at ``index`` sits inside a quoted SQL string (``= '{x}'``, ``LIKE '%{x}%'``, MySQL's
    ``"{x}"``), not a quoted name (``FROM "{x}"``): the author splices the value in as text, the shape in which a
    quote in the value closes the literal and the rest runs as SQL. With ``postgres`` (the module talks to
    PostgreSQL only) a double quote always opens an identifier (``MAX("{column}")``), never a string."""
    before = _text_before(pieces, index)
    if before.count("'") % 2 == 1:
        return True
    if before.count('"') % 2 == 0 or postgres:
        return False
    opened = before[: before.rfind('"') + 1].rstrip()
    return not _NAME_QUOTE.search(opened)


def _text_before(pieces: list[Piece], index: int) -> str:
    """The SQL text before the hole at ``index``, earlier holes written as :data:`HOLE`."""
    return "".join(piece if isinstance(piece, str) else HOLE for piece in pieces[:index])


def _inside_value_list(before: str) -> bool:
    depth = 0
    for position in range(len(before) - 1, -1, -1):
        char = before[position]
        if char == ")":
            depth += 1
        elif char == "(":
            if depth == 0:
                return bool(_LIST_OPENER.search(before[:position]))
            depth -= 1
    return False


_POSTGRES_DRIVERS = ("psycopg", "psycopg2", "asyncpg", "pg8000", "aiopg")
_OTHER_DRIVERS = ("sqlite3", "aiosqlite", "pymysql", "MySQLdb", "mysql", "aiomysql", "asyncmy", "mariadb",
                  "cx_Oracle", "oracledb", "pyodbc", "pymssql", "snowflake", "duckdb", "clickhouse_driver")


def postgres_only(ctx: FileContext) -> bool:
    """The module imports a PostgreSQL driver (``psycopg``, ``asyncpg``...) and no other database's: its SQL is
    PostgreSQL's, where ``"..."`` is an identifier (feast's offline store, ``MAX("{timestamp_field}")``)."""
    imports = ctx.imports
    return imports.imports_module(*_POSTGRES_DRIVERS) and not imports.imports_module(*_OTHER_DRIVERS)


_NAME_SLOT = lazy_compile(r"\b(?:FROM|INTO|JOIN|UPDATE|TABLE|INDEX|EXISTS|AS)\s+$", re.IGNORECASE)
"""Text after which SQL expects a table's or column's name, unquoted (``CREATE TABLE IF NOT EXISTS {t}``)."""
_SCHEMA_CHANGE = lazy_compile(r"\s*(?:CREATE|ALTER|DROP)\b", re.IGNORECASE)


def schema_object_name(expr: ast.expr, ctx: FileContext) -> bool:
    """``table_name`` (or a part it is built from) quoted as a string here (``WHERE table_name =
    '{table_name}'``, a catalog lookup) is also formatted unquoted as a table's, index's or column's name in a
    schema change of the same function (``CREATE TABLE IF NOT EXISTS {table_name}``, ``ALTER TABLE ...``): the
    function manages the schema object of that name, a name the code owns, not text; binding the quoted use
    would change nothing (feast's MySQL online store creating each feature view's table, seed 134)."""
    if not isinstance(expr, ast.Name):
        return False
    names = {expr.id}
    function = ctx.parent_of(expr)
    while function is not None and not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        if isinstance(function, ast.Assign) and len(function.targets) == 1 \
                and isinstance(function.targets[0], ast.Name):
            names.add(function.targets[0].id)  # ``table_name = f"{project}_{table}"``: the name built from it
        function = ctx.parent_of(function)
    if function is None:
        function = ctx.scope.function  # (a part read back from the text of a multi-line f-string: the sink's)
    if function is None:
        return False
    for text in ast.walk(function):
        if not isinstance(text, ast.JoinedStr) or not text.values or not isinstance(text.values[0], ast.Constant) \
                or not _SCHEMA_CHANGE.match(str(text.values[0].value)):
            continue
        before = ""
        for part in text.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                before += part.value
                continue
            if isinstance(part, ast.FormattedValue) and isinstance(part.value, ast.Name) \
                    and part.value.id in names and _NAME_SLOT.search(before) \
                    and before.count("'") % 2 == 0 and before.count('"') % 2 == 0:
                return True
            before += "\x00"
    return False
