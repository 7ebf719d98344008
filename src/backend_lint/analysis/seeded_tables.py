"""Tables a project's migrations fill with rows of their own: lookup tables, small by nature.

fittrackee's migrations ``INSERT INTO sports (label, img, is_active) VALUES ('Hiking', ...), ('Running', ...)``:
the sports are a list the application ships, which users choose from and cannot grow. A handler that lists
every sport lists a handful of rows (BE104), whatever the table is called. What counts, read only in migration
modules: SQL ``INSERT INTO <table> (...) VALUES (...), (...)`` in the module's text (the table also named with
its schema, ``INSERT INTO public.geocoders(...)``: arches' registries; one-row statements add up; not ``INSERT ...
SELECT``, which copies rows a user made), and Alembic's ``op.bulk_insert(table("sports", ...), [{...}, {...}])``. The
project model adds the rows up per table; a single row (a default administrator) does not make a lookup table.

A model names its table with SQLAlchemy's ``__tablename__`` or a Django ``Meta.db_table``
(:func:`table_of`); Django's default table names are not read. Django data migrations count by model instead
(:func:`created_rows`): archivematica's ``0002_initial_data`` takes ``TransferMetadataField =
apps.get_model("main", "TransferMetadataField")`` and calls ``TransferMetadataField.objects.create(**props)`` once
per field, fifteen times: ``main.transfermetadatafield`` gets fifteen rows, matched to the model like a fixture's
label (:func:`label_matches`).

Django fixtures count too, when the project's own code loads them: DefectDojo's ``complete_initialization``
command runs ``call_command("loaddata", "regulation", "role", ...)`` (:func:`loaded_fixtures`, read in every module
that is not a test), and ``dojo/fixtures/regulation.json`` lists 26 ``dojo.regulation`` rows
(:func:`fixture_rows`). A model with between :data:`FIXTURE_MIN` and :data:`FIXTURE_MAX` rows in such fixtures is a
list the application ships; more rows are a catalogue (an exercise database), not a lookup table.
"""

from __future__ import annotations

import ast
import json
import os
import re
from pathlib import Path
from typing import Optional

from backend_lint.analysis.ast_helpers import callee_name
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.project.file_text import Listings, bounded_walk
from backend_lint.analysis.tree_walk import walk

_INSERT = lazy_compile(
    r"""\bINSERT\s+INTO\s+(?:["`]?\w+["`]?\.)?["`]?(\w+)["`]?\s*"""
    r"""\([^()]*\)\s*VALUES\s*((?:\([^()]*(?:\([^()]*\)[^()]*)*\)\s*,?\s*)+)""",
    re.IGNORECASE,
)
_ROW = lazy_compile(r"\)\s*,\s*\(")


def seeded_rows(tree: ast.Module, source: str) -> dict[str, int]:
    """``table -> rows`` a migration module inserts with literal values."""
    found: dict[str, int] = {}
    if "insert" in source.lower():
        for match in _INSERT.finditer(source):
            table = match.group(1).lower()
            found[table] = found.get(table, 0) + len(_ROW.findall(match.group(2))) + 1
    if "bulk_insert" in source:
        tables = _table_names(tree)
        for node in walk(tree):  # a migration module, small; read only when it bulk-inserts
            if (isinstance(node, ast.Call) and callee_name(node) == "bulk_insert" and len(node.args) >= 2
                    and isinstance(node.args[1], ast.List)):
                table = _table(node.args[0], tables)
                if table is not None:
                    found[table] = found.get(table, 0) + len(node.args[1].elts)
    return found


def created_rows(tree: ast.Module, source: str) -> dict[str, int]:
    """``app_label.model -> rows`` a data migration creates: each ``Model.objects.create(...)`` call, and each item
    of a literal list given to ``Model.objects.bulk_create([...])``, where ``Model = apps.get_model("app",
    "Model")`` (or ``apps.get_model("app.Model")``) in the module. A call in a loop counts once: rows from data
    the code computes are not a list of literal rows."""
    if "get_model" not in source:
        return {}
    models: dict[str, str] = {}
    calls: list[ast.Call] = []
    for node in walk(tree):  # a migration module; read only when it takes models from the registry
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) \
                and callee_name(node.value) == "get_model" and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name):
            label = _model_label(node.value)
            if label:
                models[node.targets[0].id] = label
        elif isinstance(node, ast.Call) and callee_name(node) in ("create", "bulk_create"):
            calls.append(node)
    found: dict[str, int] = {}
    for call in calls:
        manager = call.func.value if isinstance(call.func, ast.Attribute) else None
        if not (isinstance(manager, ast.Attribute) and manager.attr == "objects"
                and isinstance(manager.value, ast.Name) and manager.value.id in models):
            continue
        label = models[manager.value.id]
        rows = 1
        if callee_name(call) == "bulk_create":
            if not (call.args and isinstance(call.args[0], (ast.List, ast.Tuple))):
                continue
            rows = len(call.args[0].elts)
        found[label] = found.get(label, 0) + rows
    return found


def _model_label(call: ast.Call) -> str:
    """``"main.transfermetadatafield"`` of ``apps.get_model("main", "TransferMetadataField")``."""
    texts = [arg.value for arg in call.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
    if len(texts) != len(call.args) or not texts:
        return ""
    label = ".".join(texts).lower()
    return label if label.count(".") == 1 else ""


def _table_names(tree: ast.Module) -> dict[str, str]:
    """Names bound to ``table("sports", ...)`` / ``sa.table(...)`` anywhere in the module."""
    return {
        target.id: table
        for node in walk(tree) if isinstance(node, ast.Assign)
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


FIXTURE_MIN = 2
FIXTURE_MAX = 100
"""Rows of one model in the fixtures the project loads that make it a lookup table (a list it ships); more is a
catalogue."""
_FIXTURE_BYTES = 2_000_000
_FIXTURE_DEPTH = 4
_SKIPPED = frozenset({"node_modules", "__pycache__", "site-packages", "tests", "test", "testing", "docs"})


def loaded_fixtures(tree: ast.Module, source: str) -> list[str]:
    """The fixtures the module loads: ``call_command("loaddata", "regulation", "role")`` (literal names; a path or a
    ``.json`` suffix is reduced to the fixture's name), sorted."""
    if "loaddata" not in source:
        return []
    found: set[str] = set()
    for node in walk(tree):
        if (isinstance(node, ast.Call) and callee_name(node) == "call_command" and node.args
                and isinstance(node.args[0], ast.Constant) and node.args[0].value == "loaddata"):
            for arg in node.args[1:]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value:
                    found.add(os.path.basename(arg.value).removesuffix(".json"))
    return sorted(found)


def _skipped(name: str) -> bool:
    return name.startswith(".") or name in _SKIPPED


def fixture_files(root: Path, listings: Optional[Listings] = None) -> dict[str, str]:
    """``name -> path`` of the JSON files in folders named ``fixtures`` at most :data:`_FIXTURE_DEPTH` folders below
    ``root`` (hidden folders, tests and documentation skipped); the first found by sorted walk wins (``listings``:
    shared with the other readers of the root)."""
    found: dict[str, str] = {}
    for folder, _, files in bounded_walk(str(root), _FIXTURE_DEPTH, _skipped, listings):
        if os.path.basename(folder) == "fixtures":
            for name in files:
                if name.endswith(".json"):
                    found.setdefault(name.removesuffix(".json"), os.path.join(folder, name))
    return found


def fixture_rows(path: str) -> dict[str, int]:
    """``model label -> rows`` of a Django fixture file (``[{"model": "dojo.regulation", ...}, ...]``); empty when it
    is too large, does not parse or is not a fixture."""
    try:
        if os.path.getsize(path) > _FIXTURE_BYTES:
            return {}
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    rows: dict[str, int] = {}
    for item in data if isinstance(data, list) else ():
        label = item.get("model") if isinstance(item, dict) else None
        if isinstance(label, str):
            rows[label.lower()] = rows.get(label.lower(), 0) + 1
    return rows


def label_matches(label: str, qualified: str) -> bool:
    """A fixture's model label names the class: ``dojo.regulation`` for ``dojo.regulations.models.Regulation`` (the
    model's name, lower case, and an app label that is one of the packages of its module: a Django app's label is
    its package's name, and a model module may sit deeper in the app)."""
    app, _, model = label.partition(".")
    module, _, name = qualified.rpartition(".")
    return model == name.lower() and app in module.split(".")
