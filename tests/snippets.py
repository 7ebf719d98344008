"""Checking dedented code snippets in-process: the fast half of the two test speeds (see DEVELOPERS.md).

Every rule test module asks these instead of writing its own helper, so all of them check the same way: one
:class:`Checker` per selection and options (built once), the snippet dedented, at a neutral service path unless
the case is about paths, and no internal error allowed.
"""

from __future__ import annotations

import json
import textwrap
from typing import Optional

from backend_lint.config import Config
from backend_lint.files import SourceFile
from backend_lint.finding import Finding
from backend_lint.runner import Checker

SERVICE_PATH = "app/service.py"
_CHECKERS: dict[str, Checker] = {}


def checker(select: str | tuple[str, ...], settings: Optional[dict] = None) -> Checker:
    """The checker running ``select`` (a code, a prefix such as ``BE5``, or several) with rule ``settings``."""
    codes = [select] if isinstance(select, str) else list(select)
    key = json.dumps([codes, settings], sort_keys=True)
    found = _CHECKERS.get(key)
    if found is None:
        config = Config(select=codes, rule_settings=dict(settings or {}))
        found = _CHECKERS[key] = Checker.from_config(config)
    return found


def findings(
    code: str, select: str | tuple[str, ...], path: str = SERVICE_PATH, settings: Optional[dict] = None
) -> list[Finding]:
    """The findings of ``select`` on the dedented ``code`` placed at ``path``; an internal error fails the test."""
    result = checker(select, settings).check_source(SourceFile(textwrap.dedent(code), "utf-8"), path)
    assert not result.errors, result.errors
    return result.findings


def found(
    code: str, select: str | tuple[str, ...], path: str = SERVICE_PATH, settings: Optional[dict] = None
) -> list[tuple[int, str]]:
    """``(line, code)`` of each finding, in order."""
    return [(finding.line, finding.code) for finding in findings(code, select, path, settings)]
