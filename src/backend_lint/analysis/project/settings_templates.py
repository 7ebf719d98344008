"""Python settings templates a project ships: the settings module its set-up command writes for each site.

askbot has no settings module of its own: ``askbot-setup`` renders ``askbot/setup_templates/settings.py.jinja2``
into the new site's ``settings.py``. What that template configures is what every deployment runs with, though no
module of the project holds it (its ``testproject`` settings are a test's). Only its root logging is read here:
:func:`located_root_template` finds a ``logging.basicConfig(...)`` call whose format writes each record's source
file (``%(pathname)s``, ``%(filename)s``, ``%(module)s``), which BE404 reads as it reads the same call in a module
(:data:`backend_lint.analysis.app_conventions.LOCATED_ROOT_LOG`). A template is a file whose name ends in
``.py`` followed by a template suffix (``settings.py.jinja2``, ``settings.py-tpl``, ``local_settings.py.j2``),
at most :data:`TEMPLATE_DEPTH` folders down; its text is searched, never parsed (template tags are no Python).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.project.file_text import Listings, bounded_walk, small_file_text

TEMPLATE_DEPTH = 3
_TEMPLATE_SUFFIXES = (".py.jinja2", ".py.jinja", ".py.j2", ".py-tpl", ".py.tpl", ".py.tmpl", ".py.template")
_SKIPPED = frozenset({"node_modules", "__pycache__", "site-packages", "tests", "test", "testing", "docs"})
_BASIC_CONFIG = lazy_compile(r"logging\.basicConfig\(((?:[^()]|\([^()]*\))*)\)")
"""A ``logging.basicConfig(...)`` call and its arguments (one level of nested parentheses: ``os.path.join(...)``,
the ``%(name)s`` fields)."""
SOURCE_FIELDS = lazy_compile(r"%\((?:pathname|filename|module)\)")
"""A log format field that names the file a record comes from."""


def located_root_template(root: Path, listings: Optional[Listings] = None) -> str:
    """The first Python settings template at or below ``root`` (relative to it) whose text sets the root logger up
    with ``basicConfig`` and a format naming each record's source file; ``""`` when none does. ``listings``: shared
    with the other readers of the root."""
    for folder, relative, files in bounded_walk(str(root), TEMPLATE_DEPTH, _skipped, listings):
        for name in files:
            if not name.endswith(_TEMPLATE_SUFFIXES):
                continue
            text = small_file_text(os.path.join(folder, name))
            if "basicConfig(" in text and any(
                SOURCE_FIELDS.search(found.group(1)) for found in _BASIC_CONFIG.finditer(text)
            ):
                return os.path.normpath(os.path.join(relative, name))
    return ""


def _skipped(name: str) -> bool:
    return name.startswith(".") or name in _SKIPPED
