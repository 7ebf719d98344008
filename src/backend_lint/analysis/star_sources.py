"""What the ``*`` of a ``SELECT`` list reads: table columns, or columns the query (or the database) fixes itself.

``SELECT *`` (and ``t.*``) over a table ships every column the table has now and later (BE102). The same star
over a relation whose columns the query itself names reads nothing a migration can widen: a derived table
``(SELECT a, b FROM t) x``, a common table expression declared with a column list (``WITH RECURSIVE t(depth,
id) AS``) or whose body lists its columns (``WITH releases AS (SELECT rl.id AS release_id, ...)``), and a relation
of the database's own catalog (``pg_timezone_names``, ``pg_catalog.pg_settings``, ``information_schema.columns``,
``sqlite_master``): the catalog's shape is fixed by the database version, not by the application's migrations.
A function call in ``FROM`` (``SELECT * FROM TRIM(%s)``, ``generate_series(...)``, a project function that
``RETURNS BOOLEAN`` or ``RETURNS TABLE(...)``) reads the function's declared result, its interface, not a table:
no table row is fetched whole (a function declared ``RETURNS SETOF some_table`` is not told apart). A table the
reading module creates itself with a column list (``owned``, :mod:`backend_lint.analysis.own_tables`) has its
columns fixed by the reader's own code.

The rule is about *which relation the star reads*, so it applies to every spelling: a bare ``*`` reads every
relation of its ``FROM`` clause (all of them must be such relations), a qualified ``releases.*`` reads the one
relation whose alias or name is ``releases`` (``SELECT releases.*, tc.total FROM releases CROSS JOIN totals
tc``), whatever else the query joins.
"""

from __future__ import annotations

import re
from typing import NamedTuple, Optional

from backend_lint.analysis.lazy_regex import lazy_compile

_SELECT = lazy_compile(r"\bSELECT\b", re.IGNORECASE)
_FROM = lazy_compile(r"\bFROM\b", re.IGNORECASE)
_STAR_ITEM = lazy_compile(r"(?:DISTINCT\s+|ALL\s+)?(?:([\w\"`\[\]]+)\.)?\*", re.IGNORECASE)
_COPY = lazy_compile(r"\s*(?:INSERT\b|CREATE\b|REPLACE\s+INTO\b)", re.IGNORECASE)
_CATALOG = lazy_compile(r"\b(?:sqlite_master|sqlite_schema|sqlite_temp_master|information_schema|pg_catalog|pg_tables"
                      r"|pg_class|pg_views)\b", re.IGNORECASE)
_CATALOG_RELATION = lazy_compile(
    r"(?:(?:pg_catalog\.)?pg_\w+|information_schema\.\w+|performance_schema\.\w+|sqlite_\w+"
    r"|sys\.\w+|mysql\.\w+|(?:\w+\.)?(?:alembic_version|django_migrations|flyway_schema_history))",
    re.IGNORECASE,
)
"""A relation of the database's own catalog: PostgreSQL reserves the ``pg_`` prefix for its system relations
(``pg_timezone_names``, ``pg_stat_activity``, ``pg_settings``), the SQL standard's ``information_schema``,
MySQL's ``performance_schema``/``mysql`` and SQL Server's ``sys`` schemas, SQLite's ``sqlite_`` tables; and the
bookkeeping table of a migration tool, whose columns the tool fixes, not the application's migrations (Alembic's
one-column ``alembic_version``, Django's ``django_migrations``, Flyway's ``flyway_schema_history``)."""
_PROBE = lazy_compile(
    r"\s*SELECT\s+\*\s+FROM\s+\S+\s+(?:LIMIT\s+[01]|WHERE\s+(?:1\s*=\s*0|1\s*<>\s*1|FALSE)"
    r"|WHERE\s+ROWNUM\s*(?:<\s*2|<=\s*1)(?:\s+AND\s+[^()]*)?)\s*;?\s*",
    re.IGNORECASE,
)
_CTE = lazy_compile(
    r"(?:\bWITH(?:\s+RECURSIVE)?|,)\s*([\w\"`]+)\s*(\([^()]*\))?\s*AS\s+(?:NOT\s+)?(?:MATERIALIZED\s+)?\(",
    re.IGNORECASE,
)
_CLAUSE_END = lazy_compile(
    r"\b(?:WHERE|ORDER|GROUP|LIMIT|UNION|HAVING|OFFSET|WINDOW|FETCH|FOR|INTERSECT|EXCEPT|RETURNING|QUALIFY)\b",
    re.IGNORECASE,
)
_JOIN = lazy_compile(r"\b(?:(?:NATURAL\s+)?(?:INNER|LEFT|RIGHT|FULL|CROSS)?(?:\s+OUTER)?\s*JOIN\b|,)", re.IGNORECASE)
_CONDITION = lazy_compile(r"\b(?:ON|USING)\b", re.IGNORECASE)
_RELATION = lazy_compile(r"\s*(?:LATERAL\s+|ONLY\s+)?([\w\"`\[\]]+(?:\.[\w\"`\[\]]+)*)(?:\s+(?:AS\s+)?([\w\"`]+))?\s*$",
                       re.IGNORECASE)
_DERIVED = lazy_compile(r"\s*(?:LATERAL\s+)?\(", re.IGNORECASE)
_FUNCTION = lazy_compile(r"\s*(?:LATERAL\s+|ROWS\s+FROM\s*)?([\w\"`]+(?:\.[\w\"`]+)*)\s*\(", re.IGNORECASE)
"""A function call in ``FROM`` (``TRIM(%s)``, ``unnest(%s)``, ``generate_series(1, 10)``, the project's
``__get_nodegroup_tree_by_graph(%s)``): its columns are the function's declared result, not a table's."""
_DERIVED_ALIAS = lazy_compile(r"\s*(?:AS\s+)?([\w\"`]+)", re.IGNORECASE)


_COMMENT = lazy_compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)


class Relation(NamedTuple):
    """One item of a ``FROM`` clause: its name (``None`` for a derived table), its alias, and whether its
    columns are fixed by the query or the database (a derived table, a named CTE, a catalog relation)."""

    name: Optional[str]
    alias: Optional[str]
    fixed: bool


def star_selects(text: str, owned: frozenset[str] = frozenset()) -> bool:
    """Whether ``text`` has a ``SELECT`` whose column list has ``*`` or ``t.*`` reading a table's columns.
    ``owned``: the tables the reading module creates itself, whose columns it fixes
    (:func:`backend_lint.analysis.own_tables.own_tables`; ``"*"``: every table)."""
    if _PROBE.fullmatch(text):
        return False  # reading a table's columns (``cursor.description``), not its rows
    if _COPY.match(text) or _CATALOG.search(text):
        return False  # a copy or alias of a whole table; the database's own catalog
    if "--" in text or "/*" in text:
        text = _COMMENT.sub(" ", text)  # ``-- END Basic info`` between the relations of a FROM clause
    ctes: Optional[dict[str, bool]] = None
    for match in _SELECT.finditer(text):
        before = text[: match.start()]
        if before.count("(") > before.count(")"):
            continue  # EXISTS (SELECT * ...) or a derived table: the enclosing query names what it reads
        columns, end = select_list(text, match.end())
        if columns is None:
            continue
        stars = [star for item in split_top_level(columns) if (star := _STAR_ITEM.fullmatch(item.strip()))]
        if not stars:
            continue
        if ctes is None:
            ctes = cte_columns_named(text)
        relations = from_relations(text, end, ctes, owned)
        for star in stars:
            if not _reads_fixed_columns(star.group(1), relations):
                return True
    return False


def _bare(name: str) -> str:
    return name.strip('"`[]').lower()


def _reads_fixed_columns(qualifier: Optional[str], relations: list[Relation]) -> bool:
    """The star (``*`` when ``qualifier`` is ``None``, else ``qualifier.*``) reads only relations whose columns
    the query or the database fixes."""
    if not relations:
        return False
    if qualifier is None:
        return all(relation.fixed for relation in relations)
    wanted = _bare(qualifier)
    for relation in relations:
        label = relation.alias or (relation.name.split(".")[-1] if relation.name else None)
        if label is not None and _bare(label) == wanted:
            return relation.fixed
    return False  # a qualifier this reading cannot place


def select_list(text: str, start: int) -> tuple[Optional[str], int]:
    """The text between ``SELECT`` and its ``FROM`` at the same parenthesis depth."""
    depth = 0
    position = start
    while position < len(text):
        char = text[position]
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return text[start:position], position
            depth -= 1
        elif depth == 0 and char in "fF" and _FROM.match(text, position) and not text[position - 1].isalnum():
            return text[start:position], position
        position += 1
    return text[start:], position


def split_top_level(columns: str) -> list[str]:
    items: list[str] = []
    current: list[str] = []
    depth = 0
    for char in columns:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return items


def _from_clause(text: str, from_position: int) -> str:
    """The text of the ``FROM`` clause starting at ``from_position`` (at ``FROM``), with parenthesised parts
    blanked out to ``(…)`` markers of the same length so that top-level keywords are found by pattern."""
    start = from_position + 4
    depth = 0
    chars: list[str] = []
    position = start
    while position < len(text):
        char = text[position]
        if char == "(":
            depth += 1
            chars.append("(" if depth == 1 else " ")
        elif char == ")":
            if depth == 0:
                break
            depth -= 1
            chars.append(")" if depth == 0 else " ")
        elif char == ";" and depth == 0:
            break
        else:
            chars.append(char if depth == 0 else " ")
        position += 1
    clause = "".join(chars)
    end = _CLAUSE_END.search(clause)
    return clause[: end.start()] if end else clause


def from_relations(
    text: str, from_position: int, ctes: dict[str, bool], owned: frozenset[str] = frozenset()
) -> list[Relation]:
    """The relations the ``FROM`` clause at ``from_position`` reads; empty when it cannot be read. A table in
    ``owned`` (or any, with ``"*"`` there) has its columns fixed by the module that reads it."""
    clause = _from_clause(text, from_position)
    relations: list[Relation] = []
    for joined in _JOIN.split(clause):
        condition = _CONDITION.search(joined)
        item = joined[: condition.start()] if condition else joined
        if not item.strip():
            continue
        derived = _DERIVED.match(item)
        if derived:
            close = item.find(")", derived.end())
            alias = _DERIVED_ALIAS.match(item, close + 1) if close >= 0 else None
            relations.append(Relation(None, alias.group(1) if alias else None, True))
            continue
        function = _FUNCTION.match(item)
        if function:
            close = item.find(")", function.end())
            alias = _DERIVED_ALIAS.match(item, close + 1) if close >= 0 else None
            relations.append(Relation(None, alias.group(1) if alias else function.group(1), True))
            continue
        named = _RELATION.match(item)
        if named is None:
            return []
        name, label = named.group(1), named.group(2)
        fixed = ctes.get(_bare(name), False) if "." not in name else False
        fixed = fixed or bool(_CATALOG_RELATION.fullmatch(name.replace('"', "")))
        fixed = fixed or "*" in owned or _bare(name.split(".")[-1]) in owned
        relations.append(Relation(name, label, fixed))
    return relations


def cte_columns_named(text: str) -> dict[str, bool]:
    """The common table expressions the query declares (``WITH [RECURSIVE] name[(columns)] AS (...)``), each
    with whether its columns are named: a column list in the header, or a body whose ``SELECT`` lists no star."""
    named: dict[str, bool] = {}
    if "WITH" not in text.upper():
        return named
    for match in _CTE.finditer(text):
        body_start = match.end()
        depth, position = 1, body_start
        while position < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[position], 0)
            position += 1
        body = text[body_start:position - 1]
        declared = match.group(2) is not None and "*" not in match.group(2)
        named[_bare(match.group(1))] = declared or not _body_has_star(body)
    return named


def _body_has_star(body: str) -> bool:
    for match in _SELECT.finditer(body):
        columns, _end = select_list(body, match.end())
        if columns is not None and any(_STAR_ITEM.fullmatch(i.strip()) for i in split_top_level(columns)):
            return True
    return False
