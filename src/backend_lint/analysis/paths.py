"""Which files are tests or scripts, by path: rules that concern service code leave those alone."""

from __future__ import annotations

import fnmatch
import posixpath
import re
from functools import lru_cache

_TEST_DIRS = frozenset({"tests", "test", "testing", "unittests", "unit_tests", "integration_tests", "integration-tests",
                        "functional_tests", "acceptance_tests", "e2e", "e2e_tests", "testproject", "test_project",
                        "_tests", "__tests__"})
"""Folders of tests (DefectDojo keeps its tests and their scan samples under ``unittests/``), a package's private
test package (moin keeps its tests and their support, a test slapd it starts, under ``moin/_tests/`` and
``moin/auth/_tests/``; ``__tests__`` is the same convention), and the Django project a reusable app keeps to run
its test suite (askbot's ``testproject/``, which tox runs from and the package leaves out)."""


def is_test_path(path: str) -> bool:
    """``test_*.py``, ``*_test.py``, ``conftest.py``, a Django app's ``tests.py`` (the module ``startapp`` makes for
    an app's tests: RapidPro's ``temba/utils/models/tests.py``), or anything under a ``tests``/``test``/``unittests``
    folder, a private ``_tests`` package, or one named for a kind of test (``integration_tests``: wazo-confd's mock
    servers the test compose file starts), or a ``testproject``/``test_project`` folder."""
    parts = path.replace("\\", "/").split("/")
    name = parts[-1]
    if name.startswith("test_") or name.endswith(("_test.py", "_tests.py")) or name in ("conftest.py", "tests.py"):
        return True
    return any(part in _TEST_DIRS for part in parts[:-1])


def matches_path_pattern(path: str, pattern: str) -> bool:
    """Whether a path matches a user pattern.

    ``scripts/`` (trailing slash) matches a folder of that name, or that sequence of folders, anywhere in the
    path; ``manage.py`` (no slash) matches a file name; a pattern with ``*``, ``?`` or ``[`` is a glob tried
    against the whole path and against every tail of it (``*/migrations/*.py``).
    """
    path = path.replace("\\", "/")
    if path.startswith("./"):
        path = path[2:]
    if any(char in pattern for char in "*?["):
        return _glob_on_any_tail(pattern).match(path) is not None
    if pattern.endswith("/"):
        folders = "/" + posixpath.dirname(path) + "/"
        return "/" + pattern.strip("/") + "/" in folders
    if "/" in pattern:
        return path == pattern or path.endswith("/" + pattern)
    return posixpath.basename(path) == pattern


@lru_cache(maxsize=256)
def _glob_on_any_tail(pattern: str) -> re.Pattern[str]:
    """The glob as one expression matching the whole path or any tail of it that starts after a ``/`` (trying
    ``fnmatch`` on each tail in turn was a tenth of the settings model's cost, every file asking)."""
    return re.compile(r"(?:.*/)?" + fnmatch.translate(pattern), re.DOTALL)


def matches_any(path: str, patterns: list[str]) -> bool:
    return any(matches_path_pattern(path, pattern) for pattern in patterns)
