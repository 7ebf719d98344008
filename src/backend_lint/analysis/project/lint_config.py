"""What a project's own linter configuration says about the logging-format family (flake8-logging-format, ``G``),
about ``print`` (flake8-print, ``T20``: :func:`print_allowed`) and about hard-coded passwords (bandit's ``S105``-
``S107``: :func:`secrets_allowed`), read from ruff's and flake8's configuration.

A project that selects some of the family by code (``"G001", "G002", "G01", "G1", "G2"``, DefectDojo's
``ruff.toml``) but no selector covering a code of it (``G004``: a logging message built with an f-string), or that
ignores that code while selecting the family, has chosen that style on purpose: a reviewed, written decision,
which BE402 follows for that one construct. Selecting nothing from the family, or all of it (``"G"``, ``"ALL"``),
says nothing: only a selection that names parts of the family and leaves the code out counts.

Read as data from ``ruff.toml``, ``.ruff.toml`` (the first found wins, as in ruff) or ``pyproject.toml``'s
``[tool.ruff]``: ``select``/``extend-select``/``ignore`` at the top level or under ``lint``. Pylint's own checks of
the family (``logging-fstring-interpolation``...) switched off in its ``disable`` list say the same
(:func:`pylint_disabled_logging_codes`: turbinia's ``.pylintrc``, Google's style rcfile).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from backend_lint.analysis.project.roots import repository_top

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
    of ``G00``) and none covering the code; or it ignores the code (``ignore = ["G004"]``), whether or not it selects
    the family. Selecting one code (onyx's ``"G004"`` alone) takes no stand on the others."""
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
        return frozenset(ignored)  # naming the code to ignore it is the same written decision
    covered = {code for code in LOGGING_FORMAT_CODES if any(code.startswith(selector) for selector in family)}
    rest_selected = covered and all(any(code.startswith(s) for s in family) for code in _OTHER_GROUPS)
    return frozenset(ignored | (set(LOGGING_FORMAT_CODES) - covered if rest_selected else set()))


_OTHER_GROUPS = ("G010", "G101", "G201")
"""A code of each other group of the family: ``warn``, ``extra`` keys clashing with the record, ``exc_info``."""


PYLINT_LOGGING_CHECKS = {
    "logging-format-interpolation": "G001", "w1202": "G001",
    "logging-not-lazy": "G002", "w1201": "G002",
    "logging-fstring-interpolation": "G004", "w1203": "G004",
}
"""Pylint's checks of a logging message built eagerly, by name and by code, with the ruff code of the same
construct: ``.format()``, ``%`` and an f-string (pylint has no check of ``+``)."""
PYLINT_FILES = ("pylintrc", ".pylintrc", "pyproject.toml", "setup.cfg", "tox.ini")
"""The files pylint reads its configuration from, in the order it looks for them (the first that configures it
wins)."""


def pylint_disabled_logging_codes(root: Path) -> frozenset[str]:
    """The codes of :data:`LOGGING_FORMAT_CODES` whose pylint check the project's pylint configuration
    (:func:`pylint_configuration`) switches off for every file: the ``disable`` option of any section of a
    ``pylintrc``/``.pylintrc``, of ``[tool.pylint.*]`` in ``pyproject.toml``, or of a ``[pylint.*]`` section of
    ``setup.cfg``/``tox.ini``. Turbinia's ``.pylintrc`` disables ``logging-fstring-interpolation``: f-string log
    messages are the style its maintainers chose, as a ruff ``ignore = ["G004"]`` would say."""
    found = pylint_configuration(root)
    if found is None:
        return frozenset()
    return frozenset(PYLINT_LOGGING_CHECKS[check] for check in found[1] if check in PYLINT_LOGGING_CHECKS)


def pylint_configuration(root: Path) -> tuple[Path, list[str]] | None:
    """The file pylint's settings for the project come from, with its ``disable`` entries: the first of
    :data:`PYLINT_FILES` that configures pylint in the project root, else in the nearest folder above it, up to
    the repository's top, that holds one. A repository of several services keeps one rcfile at its top and runs
    pylint from there: hail's ``pylintrc`` disables ``W1203`` for its ``batch/``, ``ci/`` and ``auth/``
    services, each a project of its own. Nothing above the root is read outside a repository."""
    for folder in (root, *_folders_above(root)):
        for name in PYLINT_FILES:
            disabled = _pylint_toml_disabled(folder / name) if name.endswith(".toml") else _pylint_ini_disabled(
                folder / name, every_section=name.endswith("pylintrc"))
            if disabled is not None:
                return folder / name, disabled
    return None


def pylint_files_above(root: Path) -> list[Path]:
    """The files above the project root that :func:`pylint_configuration` may read (those that exist): a warm
    run's check of the model's inputs follows their signatures (the root's own are among the configuration
    files it follows already)."""
    return [folder / name for folder in _folders_above(root) for name in PYLINT_FILES if (folder / name).exists()]


def _folders_above(root: Path) -> list[Path]:
    """The folders above ``root`` up to the top of its repository (none outside a repository)."""
    folder = Path(os.path.abspath(root))
    top = repository_top(str(folder))
    if top is None or not str(folder).startswith(top):
        return []
    folders = []
    while str(folder) != top and folder.parent != folder:
        folder = folder.parent
        folders.append(folder)
    return folders


def _pylint_toml_disabled(path: Path) -> list[str] | None:
    """The ``disable`` entries of ``[tool.pylint.*]`` (lower-cased), ``None`` when the file configures no pylint."""
    if sys.version_info >= (3, 11):
        import tomllib  # noqa: PLC0415 - read only when asked
    else:  # pragma: no cover - Python < 3.11
        import tomli as tomllib  # noqa: PLC0415

    try:
        tool = tomllib.loads(path.read_text(encoding="utf-8")).get("tool")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    pylint = tool.get("pylint") if isinstance(tool, dict) else None
    if not isinstance(pylint, dict):
        return None
    disabled: list[str] = []
    for table in (pylint, *pylint.values()):
        value = table.get("disable") if isinstance(table, dict) else None
        entries = value.split(",") if isinstance(value, str) else value if isinstance(value, list) else []
        disabled += [entry.strip().lower() for entry in entries if isinstance(entry, str)]
    return disabled


def _pylint_ini_disabled(path: Path, every_section: bool) -> list[str] | None:
    """The ``disable`` entries (lower-cased) of an rcfile's sections (``every_section``) or of the ``pylint.*``
    sections of ``setup.cfg``/``tox.ini``, ``None`` when the file has no section pylint reads."""
    import configparser  # noqa: PLC0415 - read only when asked

    parser = configparser.ConfigParser(interpolation=None)
    try:
        if not parser.read(path, encoding="utf-8"):
            return None
    except (configparser.Error, UnicodeDecodeError):
        return None
    sections = [section for section in parser.sections() if every_section or section.lower().startswith("pylint")]
    if not sections:
        return None
    return [entry.strip().lower() for section in sections
            for entry in parser.get(section, "disable", fallback="").replace("\n", ",").split(",")]


PRINT_CODES = ("T201", "T001")
"""The print check of ruff and flake8-print (``T201``), and flake8-print's code for it before 5.0 (``T001``)."""
FLAKE8_FILES = ("setup.cfg", "tox.ini", ".flake8")
"""Files whose ``[flake8]`` section configures flake8, in the order flake8 looks for them."""
EVERYWHERE = "**"
"""The glob standing for "every file" in :func:`print_allowed`."""


SECRET_CODES = ("S105", "S106", "S107")
"""The hard-coded password checks of ruff and flake8-bandit: assigned to a variable, passed as an argument, a
parameter's default. BE503's peers, the same reading of a literal bound to a secret's name."""


def _covers(codes: list[str], checks: tuple[str, ...]) -> bool:
    """A selector among ``codes`` covers one of ``checks`` (``T201``, ``T20``, ``T2``, ``T``; ``S105``, ``S10``);
    a selector of another letter (``ALL``, ``A``) names another family."""
    return any(code[:1] == check[:1] and check.startswith(code) for code in codes for check in checks)


def _split_codes(value: str) -> list[str]:
    return [code.strip().upper() for code in value.replace(",", " ").split() if code.strip()]


def print_allowed(root: Path) -> tuple[str, ...]:
    """Globs of the files whose prints the project's own linter configuration allows (:data:`EVERYWHERE` for all
    of them): ruff's ``ignore``/``extend-ignore`` (top level or under ``lint``) or a ``per-file-ignores``/
    ``extend-per-file-ignores`` entry naming the print check (``"T201"  # allow print statements``), or the same in
    flake8's ``[flake8]`` section (``ignore``, ``extend-ignore``, ``per-file-ignores = scripts/*.py: T201``). A
    reviewed, written decision of the maintainers: the prints are their chosen output there."""
    return ignored_in(root, PRINT_CODES, whole_project=True)


def secrets_allowed(root: Path) -> tuple[str, ...]:
    """Globs of the files for which the project's ruff or flake8 configuration switches the hard-coded password
    checks off (:data:`SECRET_CODES`) in a ``per-file-ignores`` entry (infrahub's ``"models/infrastructure_edge.py"
    = ["S106"  # Hardcoded password]``, its demo-data loader): the maintainers looked at that file's literals and
    decided. An ``ignore`` for every file is not read: it turns off a check known for its noise on names
    (``TOKEN_URL``), a style choice that reviews no literal."""
    return ignored_in(root, SECRET_CODES, whole_project=False)


def lint_excluded(root: Path) -> tuple[str, ...]:
    """Globs of the files the project's ruff configuration keeps out of its own linting: a ``per-file-ignores``/
    ``extend-per-file-ignores`` entry ignoring ``ALL`` (Hail's ``"devbin/**/*" = ["ALL"]``), or an ``exclude``/
    ``extend-exclude`` entry (a folder named alone stands for what it holds: ``datasets`` for ``datasets/``)."""
    globs: list[str] = []
    settings = ruff_settings(root)
    for table in (settings, settings.get("lint")):
        if not isinstance(table, dict):
            continue
        for key in ("exclude", "extend-exclude"):
            entries = table.get(key)
            if isinstance(entries, list):
                globs += [entry.rstrip("/") + "/" for entry in entries if isinstance(entry, str) and entry.strip("/")]
        for key in ("per-file-ignores", "extend-per-file-ignores"):
            entries = table.get(key)
            if isinstance(entries, dict):
                globs += [glob for glob, codes in entries.items() if isinstance(glob, str) and "ALL" in _codes(codes)]
    return tuple(dict.fromkeys(globs))


def ignored_in(root: Path, checks: tuple[str, ...], whole_project: bool) -> tuple[str, ...]:
    """Globs of the files for which ruff's configuration or flake8's ``[flake8]`` section ignores one of
    ``checks`` in a ``per-file-ignores``/``extend-per-file-ignores`` entry, with :data:`EVERYWHERE` when
    ``whole_project`` and ``ignore``/``extend-ignore`` names one."""
    globs: list[str] = []
    settings = ruff_settings(root)
    for table in (settings, settings.get("lint")):
        if not isinstance(table, dict):
            continue
        if whole_project and _covers(_codes(table.get("ignore")) + _codes(table.get("extend-ignore")), checks):
            globs.append(EVERYWHERE)
        for key in ("per-file-ignores", "extend-per-file-ignores"):
            entries = table.get(key)
            if isinstance(entries, dict):
                globs += [glob for glob, codes in entries.items() if isinstance(glob, str) and _covers(
                    _codes(codes), checks)]
    globs += _flake8_ignored(root, checks, whole_project)
    return tuple(dict.fromkeys(globs))


def _flake8_ignored(root: Path, checks: tuple[str, ...], whole_project: bool) -> list[str]:
    import configparser  # noqa: PLC0415 - read only when asked

    for name in FLAKE8_FILES:
        parser = configparser.ConfigParser(interpolation=None)
        try:
            if not parser.read(root / name, encoding="utf-8") or not parser.has_section("flake8"):
                continue
        except (configparser.Error, UnicodeDecodeError):
            continue
        globs = [EVERYWHERE] if whole_project and any(
            _covers(_split_codes(parser.get("flake8", key, fallback="")), checks)
            for key in ("ignore", "extend-ignore")) else []
        for key in ("per-file-ignores", "extend-per-file-ignores"):
            for line in parser.get("flake8", key, fallback="").replace(",\n", ", ").splitlines():
                glob, _, codes = line.partition(":")
                if glob.strip() and _covers(_split_codes(codes), checks):
                    globs += glob.replace(",", " ").split()  # ``a.py,b.py: T201`` names two globs
        return globs  # flake8 reads the first file that has a [flake8] section
    return []


def matches_lint_glob(path: str, glob: str) -> bool:
    """``path`` (relative to the project root, ``/`` separators) is one of the files ``glob`` names, as ruff and
    flake8 match per-file globs: against the relative path, ``**/`` also matching no folder, and a glob without a
    ``/`` against the file name too (``__init__.py``, ``test_*.py``)."""
    from fnmatch import fnmatchcase  # noqa: PLC0415 - asked only when a project ignores a check somewhere

    if glob == EVERYWHERE:
        return True
    glob = glob.strip().removeprefix("./")
    candidates = {glob, glob.replace("**/", "")}
    if glob.endswith("/"):
        candidates |= {glob + "*", glob.replace("**/", "") + "*"}
    name = path.rpartition("/")[2]
    return any(fnmatchcase(path, candidate) or ("/" not in candidate and fnmatchcase(name, candidate))
               or fnmatchcase(path, candidate.rstrip("/") + "/*") for candidate in candidates)
