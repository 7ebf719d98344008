"""The Django settings modules a project's deployment and configuration files name: ``DJANGO_SETTINGS_MODULE`` given
a value (``env = DJANGO_SETTINGS_MODULE=shop.settings`` in a uWSGI file, ``DJANGO_SETTINGS_MODULE:
${DJANGO_SETTINGS:-shop.settings.base}`` in a compose file, a Kubernetes ``- name: DJANGO_SETTINGS_MODULE`` with its
``value:``) or ``--settings=shop.settings.prod`` on a command line.

With the names the project's Python code gives (``manage.py``, ``wsgi.py``), they are the settings its deployments
run with; a settings module named nowhere is run by none (BE504 leaves its ``DEBUG = True`` alone:
:meth:`.settings_facts.SettingsFacts.unnamed_settings`). A value the files take from elsewhere (``${DJANGO_SETTINGS}``
with no default) could be any module: it is recorded as :data:`UNKNOWN_SETTINGS`, and then no module is known unused.
Only files of the kinds that configure a process are read (container, compose, ``Procfile``, ``.ini``, ``.cfg``,
``.toml``, ``.env``, YAML, JSON, shell scripts, ``Makefile``), at most :data:`SETTINGS_DEPTH` folders down, and only
those that mention the variable or the option.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.project.file_text import Listings, bounded_walk, small_file_text

SETTINGS_DEPTH = 3
UNKNOWN_SETTINGS = "?"
"""A ``DJANGO_SETTINGS_MODULE`` whose value the files do not spell: any settings module may be the one run."""
_WORDS = ("DJANGO_SETTINGS_MODULE", "--settings")
_NAMED = lazy_compile(
    r"""(?:DJANGO_SETTINGS_MODULE|--settings)\b["']?\]?([ \t]*[=:,][ \t]*|\n[ \t]*value:[ \t]*|[ \t]+)(["']?)"""
    r"""(\$\{\w+:-|\$\{?\w+\}?)?([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+(?=["'\s,;}]|$))?"""
)
"""The variable or option and its value: group 1 the separator, group 2 a quote, group 3 a shell or compose
variable (``${X:-`` keeps its default, in group 4), group 4 the dotted module name, written out whole
(``os.environ["X"]``, ``os.getenv(...)`` are no module: the value is not spelled)."""
_SENTENCE = lazy_compile(r"[A-Za-z]+[ \t]+[A-Za-z]")
"""Words going on after the name: a sentence about the variable, no value of it."""
_SUFFIXES = (".ini", ".cfg", ".toml", ".env", ".yaml", ".yml", ".json", ".sh", ".conf")
_NAMES = ("Dockerfile", "Containerfile", "Procfile", "Makefile", ".env")
_SKIPPED = frozenset({"node_modules", "__pycache__", "site-packages", "tests", "test", "testing", "docs"})


def _candidate(name: str) -> bool:
    return name.endswith(_SUFFIXES) or name.startswith(_NAMES)


def read_settings_names(root: Path, listings: Optional[Listings] = None) -> tuple[str, ...]:
    """The dotted settings modules the files at or below ``root`` name (sorted), with :data:`UNKNOWN_SETTINGS`
    when one of them sets the variable from a value it does not spell."""
    found: set[str] = set()
    for path in settings_files(root, listings):
        found.update(settings_named(small_file_text(path)))
    return tuple(sorted(found))


def settings_files(root: Path, listings: Optional[Listings] = None) -> list[str]:
    """The files :func:`read_settings_names` reads (what a warm run signs, by their stat, to know that the names
    it recorded still hold; ``listings``: shared with the other readers of the root)."""
    return [
        os.path.join(folder, name)
        for folder, _relative, files in bounded_walk(str(root), SETTINGS_DEPTH, _skipped, listings)
        for name in files
        if _candidate(name)
    ]


def settings_named(text: str) -> list[str]:
    """The settings modules ``text`` gives ``DJANGO_SETTINGS_MODULE`` or ``--settings`` (a file's, or a Python
    module's: ``os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")``), sorted, with
    :data:`UNKNOWN_SETTINGS` for a value it does not spell (``${SETTINGS}``, an f-string). The name in a sentence,
    followed by a word and no value (the comment of Django's old ``wsgi.py`` template, "We defer to a
    DJANGO_SETTINGS_MODULE already in the environment"), gives no value at all."""
    if not any(word in text for word in _WORDS):
        return []
    found = set()
    for match in _NAMED.finditer(text):
        separator, quote, variable, module = match.groups()
        if not (separator.strip() or quote or variable or module) and _SENTENCE.match(text, match.end()):
            continue  # prose: "We defer to a DJANGO_SETTINGS_MODULE already in the environment" (Django's wsgi.py)
        found.add(module if module and (not variable or variable.endswith(":-")) else UNKNOWN_SETTINGS)
    return sorted(found)


def _skipped(name: str) -> bool:
    return (name.startswith(".") and name != ".env") or name in _SKIPPED
