"""BE102 select-star: ``SELECT *`` (or ``t.*``) in SQL text that reaches a query sink.

``SELECT *`` ships every column, including ones added later (a large blob, a password hash), breaks code that
unpacks rows by position when a migration adds or reorders a column, and stops the database from answering
from an index alone. Only text that reaches a real query sink is checked (a ``SELECT *`` in a docstring or a
log message is not SQL that runs), followed through locals and constants. ``COUNT(*)``, a ``SELECT *`` inside
parentheses (``EXISTS (SELECT * ...)``, a derived table the outer query picks columns from), ``SELECT * FROM
(subquery)`` (whose columns the subquery lists), ``SELECT * FROM cte`` over a common table expression of the query
whose columns the query names (``WITH RECURSIVE t(depth, id) AS (...)``, or a body listing its columns), and the
qualified ``cte.*`` of such a relation whatever else is joined (:mod:`backend_lint.analysis.star_sources`), and a column
probe (``SELECT * FROM t LIMIT 0``/``LIMIT 1``/
``WHERE 1=0``/Oracle's ``WHERE ROWNUM < 2``, run to read ``cursor.description``) are fine.

Also left alone, because every column is wanted or none is read (:mod:`backend_lint.analysis.query_results`):
an existence probe whose row is only tested, in any form (``if not cur.execute(...).fetchone():``, ``return True if
result.fetchone() else False``, ``bool(row)``), a result read by
whatever columns it has (``writer.writerow(cursor.keys())``, ``.mappings()``), text given to the ORM's
``.from_statement()`` (which maps every column) or to Django's ``Model.objects.raw()`` on any manager chain (a
``RawQuerySet`` builds model instances by column name; not when a loop reads only one or two attributes of each:
:func:`backend_lint.analysis.row_mapping.orm_instances`), a copy or alias of a table (``INSERT INTO t2 SELECT * FROM
t``, ``CREATE VIEW v AS SELECT * ...``), reads of the database's own catalog (``sqlite_master``,
``information_schema``, ``pg_catalog``, any ``pg_*`` system relation the star reads), and code that never runs
against a changing schema: tests, test
support and migrations (they run at one fixed schema version), and tutorials: example DAGs
(``example_dags/``) and ``tutorial*.py`` modules of an examples folder build a table and print it back to show
what it holds, every column wanted. Other examples stay checked: a service's example is copied into services.

A whole-entity load of a hand-written data-access layer shows no such cost either
(:mod:`backend_lint.analysis.row_mapping`):
rows mapped by column name into an object (``Alert.from_record(row)``, ``dict(row)``, ``User(**row)``,
``User(**dict(row))``, ``User.model_validate(row)``, a record naming three or more of its columns one by one, a function
of the file that reads the row by key, a constructor reading it by key), or returned as they came from a method of
a data-access class (not a handler). So are rows the driver builds by name into a class of the code, a psycopg
cursor given ``row_factory=class_row(User)`` or ``kwargs_row(f)`` (:mod:`backend_lint.analysis.row_factories`).
Rows unpacked by position, rows of which only a key is read, and rows a
handler sends back as they are stay reported.

A star over a table the same module creates with a column list (``CREATE TABLE IF NOT EXISTS words (_id, value)``,
then ``SELECT * FROM words``: :mod:`backend_lint.analysis.own_tables`) is left alone: the reader fixes the columns
itself, and no migration of a shared database can widen them.

A program under ``script-paths`` (``scripts/check_signature.py``: it parses its command line, defines no HTTP
handler; :func:`backend_lint.analysis.hand_run_scripts.hand_run_script`) is left alone: a developer runs it by hand
against the database in front of them and reads what it prints; no service or API consumer receives its rows.

A generic helper handed the table it reads (``SELECT * FROM {table}`` with ``table`` a parameter of the function,
in any formatting: :mod:`backend_lint.analysis.generic_tables`) is left alone: it cannot know the columns of a
table its callers choose.
"""

from __future__ import annotations

import ast

from backend_lint.analysis.generic_tables import reads_table_parameter
from backend_lint.analysis.hand_run_scripts import SCRIPT_PATHS, hand_run_script
from backend_lint.analysis.module_roles import in_migration, module_roles
from backend_lint.analysis.own_tables import own_tables
from backend_lint.analysis.project.conditions import test_support
from backend_lint.analysis.provenance import sql_reaching
from backend_lint.analysis.query_results import COLUMNS, FROM_STATEMENT, TEST, only_tested, result_use
from backend_lint.analysis.row_factories import runs_on_entity_cursor
from backend_lint.analysis.row_mapping import orm_instances, star_evidence
from backend_lint.analysis.schema_steps import schema_version_step
from backend_lint.analysis.star_sources import star_selects
from backend_lint.context import FileContext
from backend_lint.rule import Option, Rule, visits

__all__ = ["SelectStar", "star_selects"]


def _tutorial(ctx: FileContext) -> bool:
    """An example DAG or a tutorial module among the examples (``airflow/example_dags/tutorial_etl.py``)."""
    if not module_roles(ctx).example:
        return False
    *folders, name = ctx.role_path.split("/")
    return "example_dags" in folders or name.startswith("tutorial")


class SelectStar(Rule):
    code = "BE102"
    name = "select-star"
    message = "`{sink}` runs `SELECT *`{where}; name the columns the code reads"
    triggers = ("*",)
    needs = (sql_reaching, module_roles, in_migration, schema_version_step, result_use, only_tested, star_evidence,
             orm_instances, own_tables, hand_run_script, runs_on_entity_cursor)
    module_facts = (test_support,)
    options = (
        Option(
            "script-paths",
            list,
            list(SCRIPT_PATHS),
            "folders of developer scripts: a program there (argparse, its command line) is run by hand against the "
            "database in front of its user, and no service receives its rows",
        ),
    )

    @visits(ast.Call)
    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        for sink, _sql, provenance in sql_reaching(node, ctx):
            if "*" not in provenance.text or not star_selects(provenance.text, own_tables(ctx)):
                continue
            if reads_table_parameter(provenance, node, ctx):
                continue  # ``SELECT * FROM {table}`` of a helper handed the table: its callers pick the columns
            if module_roles(ctx).for_tests or in_migration(ctx) or schema_version_step(ctx) or _tutorial(ctx):
                return
            if hand_run_script(ctx, self.option("script-paths")):
                return  # a developer's program, run by hand: whoever reads its rows is at the terminal
            if result_use(ctx, node) in (TEST, FROM_STATEMENT, COLUMNS) or only_tested(ctx, node):
                return  # a probe reads no column; ``from_statement`` and generic readers take them all
            if sink.driver == "django" and orm_instances(ctx, node):
                return  # Django maps each row by column name into a model instance, as from_statement does
            if runs_on_entity_cursor(ctx, node):
                return  # psycopg builds each row by name into a class of the code (``class_row``): an entity load
            if star_evidence(ctx, node) is None:
                return  # no sign that the star costs: rows mapped whole by name, read by name, or handed on unseen
            where = f" from `{provenance.variable}`" if provenance.variable else ""
            self.report(ctx, node, sink=sink.name, where=where)
            return
