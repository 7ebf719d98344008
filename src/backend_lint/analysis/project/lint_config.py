"""What a project's own ruff configuration says about the logging-format family (flake8-logging-format, ``G``).

A project that selects some of the family by code (``"G001", "G002", "G01", "G1", "G2"``, DefectDojo's
``ruff.toml``) but no selector covering a code of it (``G004``: a logging message built with an f-string), or that
ignores that code while selecting the family, has chosen that style on purpose: a reviewed, written decision,
which BE402 follows for that one construct. Selecting nothing from the family, or all of it (``"G"``, ``"ALL"``),
says nothing: only a selection that names parts of the family and leaves the code out counts.

Read as data from ``ruff.toml``, ``.ruff.toml`` (the first found wins, as in ruff) or ``pyproject.toml``'s
``[tool.ruff]``: ``select``/``extend-select``/``ignore`` at the top level or under ``lint``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

LOGGING_FORMAT_CODES = ("G001", "G002", "G003", "G004")
"""``.format()``, ``%``, ``+`` and an f-string in a logging message."""
RUFF_FILES = ("ruff.toml", ".ruff.toml")


def _codes(value: Any) -> list[str]:
    return [code.strip().upper() for code in value if isinstance(code, str)] if isinstance(value, list) else []


def ruff_settings(root: Path) -> dict[str, Any]:
    """The ruff configuration of the project root: a ``ruff.toml``/``.ruff.toml`` table, or ``[tool.ruff]``."""
    if sys.version_info >= (3, 11):
        import tomllib  # noqa: PLC0415 - read only when asked
    else:  # pragma: no cover - Python < 3.11
        import tomli as tomllib  # noqa: PLC0415

    for name in (*RUFF_FILES, "pyproject.toml"):
        path = root / name
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        if name == "pyproject.toml":
            tool = data.get("tool")
            ruff = tool.get("ruff") if isinstance(tool, dict) else None
            return ruff if isinstance(ruff, dict) else {}
        return data
    return {}


def unselected_logging_codes(settings: dict[str, Any]) -> frozenset[str]:
    """The codes of :data:`LOGGING_FORMAT_CODES` the configuration deliberately leaves out: it selects the rest of
    the ``G`` family code by code (a selector for each of its other groups, ``G01``, ``G1``, ``G2``, and for some
    of ``G00``) and none covering the code; or it selects the family and ignores the code. Selecting one code
    (onyx's ``"G004"`` alone) takes no stand on the others."""
    select: list[str] = []
    ignore: list[str] = []
    for table in (settings, settings.get("lint")):
        if isinstance(table, dict):
            select += _codes(table.get("select")) + _codes(table.get("extend-select"))
            ignore += _codes(table.get("ignore")) + _codes(table.get("extend-ignore"))
    family = [code for code in select if code.startswith("G")]
    if "ALL" in select:
        family.append("G")
    ignored = {code for code in LOGGING_FORMAT_CODES if any(code.startswith(i) for i in ignore if i.startswith("G"))}
    if not family:
        return frozenset()
    covered = {code for code in LOGGING_FORMAT_CODES if any(code.startswith(selector) for selector in family)}
    rest_selected = covered and all(any(code.startswith(s) for s in family) for code in _OTHER_GROUPS)
    return frozenset(ignored | (set(LOGGING_FORMAT_CODES) - covered if rest_selected else set()))


_OTHER_GROUPS = ("G010", "G101", "G201")
"""A code of each other group of the family: ``warn``, ``extra`` keys clashing with the record, ``exc_info``."""
