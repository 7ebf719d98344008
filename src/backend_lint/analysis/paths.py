"""Which files are tests or scripts, by path: rules that concern service code leave those alone."""

from __future__ import annotations

import fnmatch
import posixpath

_TEST_DIRS = frozenset({"tests", "test", "testing"})


def is_test_path(path: str) -> bool:
    """``test_*.py``, ``*_test.py``, ``conftest.py``, or anything under a ``tests``/``test`` folder."""
    parts = path.replace("\\", "/").split("/")
    name = parts[-1]
    if name.startswith("test_") or name.endswith(("_test.py", "_tests.py")) or name == "conftest.py":
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
        parts = path.split("/")
        return any(fnmatch.fnmatchcase("/".join(parts[i:]), pattern) for i in range(len(parts)))
    if pattern.endswith("/"):
        folders = "/" + posixpath.dirname(path) + "/"
        return "/" + pattern.strip("/") + "/" in folders
    if "/" in pattern:
        return path == pattern or path.endswith("/" + pattern)
    return posixpath.basename(path) == pattern


def matches_any(path: str, patterns: list[str]) -> bool:
    return any(matches_path_pattern(path, pattern) for pattern in patterns)
