"""Tables a module creates itself: the columns of a table whose ``CREATE TABLE`` the same module runs.

``SELECT *`` costs where a table's columns are not the reading code's to fix: a migration of a shared database adds
a large column, or reorders them, and every star read of that table ships it or unpacks it wrong (BE102). A table
that the same module creates, listing its columns in its own ``CREATE TABLE`` (Sefaria's offline-search script
builds a two-column SQLite table ``(_id, value)`` and reads it back with ``SELECT *``), has no such migration: the
code that reads the star is the code that fixes the columns, next to it; a column added there is added by the
reader. Judged false each time on real code (three in seed 124).

:func:`own_tables` reads the module's source text for ``CREATE [TEMP] TABLE [IF NOT EXISTS] name (`` (no walk:
the statement's text is in the module's strings), and answers the names so created, lower case, without quotes
or schema. A name formatted in (``CREATE TABLE IF NOT EXISTS {} (...)``.format(table_name)``) cannot be matched
to a read by name; where the module also opens its database file itself (``sqlite3.connect(...)``: a local file
the module builds, not a shared server), every table it reads is taken as its own (:data:`ANY_TABLE` in the
answer). ``CREATE TABLE t AS SELECT ...`` (a copy, whose columns come from elsewhere) fixes nothing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from backend_lint.analysis.facts import file_fact
from backend_lint.analysis.lazy_regex import lazy_compile

if TYPE_CHECKING:
    from backend_lint.context import FileContext

ANY_TABLE = "*"
"""In :func:`own_tables`: the module creates tables of formatted names in a SQLite file it opens itself."""

_CREATE = lazy_compile(
    r"\bCREATE\s+(?:(?:TEMP|TEMPORARY)\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?"
    r"([\w\"`\[\].]+|\{[^{}]*\}|%s|%\(\w+\)s)\s*\(",
    re.IGNORECASE,
)
_SQLITE_FILE = lazy_compile(r"\bsqlite3\.connect\(")


@file_fact()
def own_tables(ctx: FileContext) -> frozenset[str]:
    """The tables the module's own SQL creates with a column list (lower case, bare names), plus
    :data:`ANY_TABLE` when a created name is formatted in and the module opens a SQLite file itself."""
    if "table" not in ctx.source and "TABLE" not in ctx.source:
        return frozenset()  # the cheap test: most modules create nothing
    names: set[str] = set()
    for match in _CREATE.finditer(ctx.source):
        name = match.group(1)
        if name.startswith(("{", "%")):
            if _SQLITE_FILE.search(ctx.source):
                names.add(ANY_TABLE)
            continue
        names.add(name.split(".")[-1].strip('"`[]').lower())
    return frozenset(names)
