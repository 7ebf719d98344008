"""Modules that perform one schema-version step of the application's own upgrade mechanism.

Not every application migrates its database with Alembic or Django: a desktop or self-hosted application often
keeps a numbered step per schema version in a package of its own and runs the ones its database lacks (rotki's
``rotkehlchen/db/upgrades/v32_v33.py`` with ``upgrade_v32_to_v33(db, ...)``, registered as
``UpgradeRecord(from_version=32)``; maubot's ``db/upgrade/v01_initial_revision.py`` with ``upgrade_v1`` registered
on mautrix's ``UpgradeTable``; iris's ``upgrades/upgrade_to_2.0.0.py``). Such a module is a migration: it runs
once, on the database at one fixed schema version, and what it reads and writes is that version's schema.

Read from what the module is called and what it defines, never from the project's own names:

- a module named for the step: from one version to the next (``v32_v33.py``, ``v32_to_v33.py``, lbry's
  ``migrate4to5.py``), for upgrading to or from a version (``upgrade_to_2.0.0.py``, ``migrate_v5.py``), or as the
  migration from a version (arches's ``utils/v3migration.py``, which the ``v3`` management command runs);
- a module of a package named for upgrades (``upgrade/``, ``upgrades/``, ``db_upgrades/``) or whose own name
  starts with a version number (``v01_initial_revision.py``, ``0042_add_tags.py``) that defines, at top level, a
  function named for a version step (``upgrade_v1``, ``upgrade_v32_to_v33``, ``downgrade_to_v4``);
- a helper module of such a package (``upgrades/utils.py``, ``upgrades/upgrade_utils.py``).

A version number is needed everywhere: ``upgrade_plan(user)`` in a billing module is a business operation.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from backend_lint.analysis.facts import file_fact
from backend_lint.analysis.lazy_regex import lazy_compile

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_STEP_FILE = lazy_compile(
    r"v\d+_(?:to_)?v\d+|(?:upgrade|downgrade|migrate|migration)_?(?:from_?|to_?)?v?\d+(?:[._]\d+)*(?:_?to_?v?\d+)?"
    r"|v\d+_?(?:to_?v?\d+_?)?(?:migration|migrate|upgrade)s?"
)
_STEP_FUNCTION = lazy_compile(
    r"_?(?:upgrade|downgrade|migrate)_(?:from_|to_)?v?\d+(?:_\d+)*(?:_to_v?\d+(?:_\d+)*)?"
)
_NUMBERED_FILE = lazy_compile(r"v?\d+_\w*")
_STEP_DIRS = frozenset({"upgrade", "upgrades", "db_upgrades", "schema_upgrades", "upgrade_scripts", "dbupgrades"})
_HELPER_WORDS = ("util", "helper", "common")


@file_fact()
def schema_version_step(ctx: FileContext) -> bool:
    """The module performs one schema-version step, or helps the steps of its upgrades package (see the
    module docstring)."""
    *folders, name = ctx.role_path.split("/")
    stem = name.removesuffix(".py")
    if _STEP_FILE.fullmatch(stem):
        return True
    in_upgrades = bool(folders) and folders[-1] in _STEP_DIRS
    if in_upgrades and any(word in stem for word in _HELPER_WORDS):
        return True
    if not (in_upgrades or _NUMBERED_FILE.fullmatch(stem)):
        return False
    return any(
        isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and _STEP_FUNCTION.fullmatch(statement.name)
        for statement in ctx.tree.body
    )
