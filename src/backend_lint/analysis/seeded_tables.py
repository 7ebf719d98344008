"""Tables a project's migrations fill with rows of their own: lookup tables, small by nature.

fittrackee's migrations ``INSERT INTO sports (label, img, is_active) VALUES ('Hiking', ...), ('Running', ...)``:
the sports are a list the application ships, which users choose from and cannot grow. A handler that lists
every sport lists a handful of rows (BE104), whatever the table is called. What counts, read only in migration
modules: SQL ``INSERT INTO <table> (...) VALUES (...), (...)`` in the module's text (not ``INSERT ... SELECT``,
which copies rows a user made), and Alembic's ``op.bulk_insert(table("sports", ...), [{...}, {...}])``. The
project model adds the rows up per table; a single row (a default administrator) does not make a lookup table.

A model names its table with SQLAlchemy's ``__tablename__`` or a Django ``Meta.db_table``
(:func:`table_of`); Django's default table names and data migrations that create rows through
``apps.get_model(...)`` are not read.
"""

from __future__ import annotations

import ast
import re

from backend_lint.analysis.ast_helpers import callee_name

_INSERT = re.compile(
    r"""\bINSERT\s+INTO\s+["`]?(\w+)["`]?\s*\([^()]*\)\s*VALUES\s*((?:\([^()]*(?:\([^()]*\)[^()]*)*\)\s*,?\s*)+)""",
    re.IGNORECASE,
)
_ROW = re.compile(r"\)\s*,\s*\(")


def seeded_rows(tree: ast.Module, source: str) -> dict[str, int]:
    """``table -> rows`` a migration module inserts with literal values."""
    found: dict[str, int] = {}
    if "insert" in source.lower():
        for match in _INSERT.finditer(source):
            table = match.group(1).lower()
            found[table] = found.get(table, 0) + len(_ROW.findall(match.group(2))) + 1
    if "bulk_insert" in source:
        tables = _table_names(tree)
        for node in ast.walk(tree):  # a migration module, small; read only when it bulk-inserts
            if (isinstance(node, ast.Call) and callee_name(node) == "bulk_insert" and len(node.args) >= 2
                    and isinstance(node.args[1], ast.List)):
                table = _table(node.args[0], tables)
                if table is not None:
                    found[table] = found.get(table, 0) + len(node.args[1].elts)
    return found


def _table_names(tree: ast.Module) -> dict[str, str]:
    """Names bound to ``table("sports", ...)`` / ``sa.table(...)`` anywhere in the module."""
    return {
        target.id: table
        for node in ast.walk(tree) if isinstance(node, ast.Assign)
        for table in [_table(node.value, {})] if table is not None
        for target in node.targets if isinstance(target, ast.Name)
    }


def _table(expr: ast.expr, names: dict[str, str]) -> str | None:
    if isinstance(expr, ast.Name):
        return names.get(expr.id)
    if (isinstance(expr, ast.Call) and callee_name(expr) in ("table", "Table") and expr.args
            and isinstance(expr.args[0], ast.Constant) and isinstance(expr.args[0].value, str)):
        return expr.args[0].value.lower()
    return None


def table_of(cls: ast.ClassDef) -> str:
    """The table a model class names: ``__tablename__ = "sports"`` or ``class Meta: db_table = "sports"``."""
    for item in cls.body:
        if isinstance(item, ast.ClassDef) and item.name == "Meta":
            found = _assigned_text(item.body, "db_table")
        else:
            found = _assigned_text([item], "__tablename__")
        if found:
            return found
    return ""


def _assigned_text(body: list[ast.stmt], attribute: str) -> str:
    for item in body:
        if (isinstance(item, (ast.Assign, ast.AnnAssign)) and isinstance(item.value, ast.Constant)
                and isinstance(item.value.value, str)):
            targets = item.targets if isinstance(item, ast.Assign) else [item.target]
            if any(isinstance(target, ast.Name) and target.id == attribute for target in targets):
                return item.value.value.lower()
    return ""
