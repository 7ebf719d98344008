"""BE102 select-star: ``SELECT *`` (or ``t.*``) in SQL text that reaches a query sink.

``SELECT *`` ships every column, including ones added later (a large blob, a password hash), breaks code that
unpacks rows by position when a migration adds or reorders a column, and stops the database from answering
from an index alone. Only text that reaches a real query sink is checked (a ``SELECT *`` in a docstring or a
log message is not SQL that runs), followed through locals and constants. ``COUNT(*)``, a ``SELECT *`` inside
parentheses (``EXISTS (SELECT * ...)``, a derived table the outer query picks columns from), ``SELECT * FROM
(subquery)`` (whose columns the subquery lists), ``SELECT * FROM cte`` over a common table expression of the query
whose columns the query names (``WITH RECURSIVE t(depth, id) AS (...)``, or a body listing its columns) and a column
probe (``SELECT * FROM t LIMIT 0``/``LIMIT 1``/
``WHERE 1=0``/Oracle's ``WHERE ROWNUM < 2``, run to read ``cursor.description``) are fine.

Also left alone, because every column is wanted or none is read (:mod:`backend_lint.analysis.query_results`):
an existence probe whose row is only tested (``if not cur.execute(...).fetchone():``), a result read by
whatever columns it has (``writer.writerow(cursor.keys())``, ``.mappings()``), text given to the ORM's
``.from_statement()`` (which maps every column), a copy or alias of a table (``INSERT INTO t2 SELECT * FROM
t``, ``CREATE VIEW v AS SELECT * ...``), reads of the database's own catalog (``sqlite_master``,
``information_schema``, ``pg_catalog``), and code that never runs against a changing schema: tests, test
support and migrations (they run at one fixed schema version), and tutorials: example DAGs
(``example_dags/``) and ``tutorial*.py`` modules of an examples folder build a table and print it back to show
what it holds, every column wanted. Other examples stay checked: a service's example is copied into services.

A whole-entity load of a hand-written data-access layer is left alone too (:mod:`backend_lint.analysis.row_mapping`):
rows mapped by column name into an object (``Alert.from_record(row)``, ``dict(row)``, ``User(**row)``, a function
of the file that reads the row by key, a constructor reading it by key), or returned as they came from a method of
a data-access class (not a handler). Rows unpacked by position, rows of which only a key is read, and rows a
handler sends back as they are stay reported.
"""

from __future__ import annotations

import ast
import re

from backend_lint.analysis.module_roles import in_migration, module_roles
from backend_lint.analysis.project.conditions import test_support
from backend_lint.analysis.provenance import sql_reaching
from backend_lint.analysis.query_results import COLUMNS, FROM_STATEMENT, TEST, result_use
from backend_lint.analysis.row_mapping import loads_entity
from backend_lint.context import FileContext
from backend_lint.rule import Rule, visits

_SELECT = re.compile(r"\bSELECT\b", re.IGNORECASE)
_FROM = re.compile(r"\bFROM\b", re.IGNORECASE)
_STAR_ITEM = re.compile(r"(?:DISTINCT\s+|ALL\s+)?(?:[\w\"`\[\]]+\.)?\*", re.IGNORECASE)
_COPY = re.compile(r"\s*(?:INSERT\b|CREATE\b|REPLACE\s+INTO\b)", re.IGNORECASE)
_CATALOG = re.compile(r"\b(?:sqlite_master|sqlite_schema|sqlite_temp_master|information_schema|pg_catalog|pg_tables"
                      r"|pg_class|pg_views)\b", re.IGNORECASE)
_PROBE = re.compile(
    r"\s*SELECT\s+\*\s+FROM\s+\S+\s+(?:LIMIT\s+[01]|WHERE\s+(?:1\s*=\s*0|1\s*<>\s*1|FALSE)"
    r"|WHERE\s+ROWNUM\s*(?:<\s*2|<=\s*1)(?:\s+AND\s+[^()]*)?)\s*;?\s*",
    re.IGNORECASE,
)


def star_selects(text: str) -> bool:
    """Whether ``text`` has a ``SELECT`` whose column list contains ``*`` or ``t.*`` as an item."""
    if _PROBE.fullmatch(text):
        return False  # reading a table's columns (``cursor.description``), not its rows
    if _COPY.match(text) or _CATALOG.search(text):
        return False  # a copy or alias of a whole table; the database's own catalog
    for match in _SELECT.finditer(text):
        before = text[: match.start()]
        if before.count("(") > before.count(")"):
            continue  # EXISTS (SELECT * ...) or a derived table: the enclosing query names what it reads
        columns, end = _select_list(text, match.end())
        if columns is None:
            continue
        if any(_STAR_ITEM.fullmatch(item.strip()) for item in _split_top_level(columns)):
            if _from_subquery(text, end) or _from_named_cte(text, end):
                continue
            return True
    return False


def _select_list(text: str, start: int) -> tuple[str | None, int]:
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


def _split_top_level(columns: str) -> list[str]:
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


def _from_subquery(text: str, from_position: int) -> bool:
    return text[from_position + 4:].lstrip().startswith("(")


_CTE = re.compile(
    r"(?:\bWITH(?:\s+RECURSIVE)?|,)\s*([\w\"`]+)\s*(\([^()]*\))?\s*AS\s+(?:NOT\s+)?(?:MATERIALIZED\s+)?\(",
    re.IGNORECASE,
)
_FROM_NAME = re.compile(r"\s*([\w\"`]+)(?:\s+(?:AS\s+)?(?!(?:JOIN|INNER|LEFT|RIGHT|FULL|CROSS|NATURAL|WHERE|ORDER|"
                        r"GROUP|LIMIT|UNION|HAVING|OFFSET|WINDOW|FETCH|FOR)\b)\w+)?\s*", re.IGNORECASE)
_AFTER_FROM = re.compile(r"(?:$|;|\)|(?:WHERE|ORDER|GROUP|LIMIT|UNION|HAVING|OFFSET|FETCH|FOR)\b)", re.IGNORECASE)


def _cte_columns_named(text: str) -> dict[str, bool]:
    """The common table expressions the query declares (``WITH [RECURSIVE] name[(columns)] AS (...)``), each
    with whether its columns are named: a column list in the header, or a body whose ``SELECT`` lists no star."""
    named: dict[str, bool] = {}
    for match in _CTE.finditer(text):
        body_start = match.end()
        depth, position = 1, body_start
        while position < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[position], 0)
            position += 1
        body = text[body_start:position - 1]
        declared = match.group(2) is not None and "*" not in match.group(2)
        named[match.group(1).strip('"`').lower()] = declared or not _body_has_star(body)
    return named


def _body_has_star(body: str) -> bool:
    for match in _SELECT.finditer(body):
        columns, _end = _select_list(body, match.end())
        if columns is not None and any(_STAR_ITEM.fullmatch(i.strip()) for i in _split_top_level(columns)):
            return True
    return False


def _from_named_cte(text: str, from_position: int) -> bool:
    """``WITH RECURSIVE get_thread(depth, id, path) AS (...) SELECT * FROM get_thread``: the star reads only a
    common table expression of the query whose columns the query itself names (its header's column list or
    its body's select list), like ``SELECT * FROM (subquery)``; no table column is fetched by the star and a
    migration cannot widen it. A star over a join with a table, or over a CTE that itself selects ``*``,
    stays reported."""
    if "WITH" not in text.upper():
        return False
    match = _FROM_NAME.match(text, from_position + 4)
    if match is None or not _AFTER_FROM.match(text, match.end()):
        return False
    return _cte_columns_named(text).get(match.group(1).strip('"`').lower(), False)


def _tutorial(ctx: FileContext) -> bool:
    """An example DAG or a tutorial module among the examples (``airflow/example_dags/tutorial_etl.py``)."""
    if not module_roles(ctx).example:
        return False
    *folders, name = ctx.project_path.split("/")
    return "example_dags" in folders or name.startswith("tutorial")


class SelectStar(Rule):
    code = "BE102"
    name = "select-star"
    message = "`{sink}` runs `SELECT *`{where}; name the columns the code reads"
    triggers = ("*",)
    needs = (sql_reaching, module_roles, in_migration, result_use, loads_entity)
    module_facts = (test_support,)

    @visits(ast.Call)
    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        for sink, _sql, provenance in sql_reaching(node, ctx):
            if "*" not in provenance.text or not star_selects(provenance.text):
                continue
            if module_roles(ctx).for_tests or in_migration(ctx) or _tutorial(ctx):
                return
            if result_use(ctx, node) in (TEST, FROM_STATEMENT, COLUMNS):
                return  # a probe reads no column; ``from_statement`` and generic readers take them all
            if loads_entity(ctx, node):
                return  # a whole entity mapped by column name: every column is wanted, none read by position
            where = f" from `{provenance.variable}`" if provenance.variable else ""
            self.report(ctx, node, sink=sink.name, where=where)
            return
