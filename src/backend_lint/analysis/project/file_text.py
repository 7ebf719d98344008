"""The project files that are not Python (a manifest, a container or server configuration, a fixture): the
bounded walk of a project's folders that their readers share, and the text of a small one, with one size bound,
so a large or unreadable file says nothing."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

SMALL_FILE_BYTES = 256 * 1024


def small_file_text(path: str) -> str:
    """A small text file's text; an unreadable or large file says nothing."""
    try:
        if os.path.getsize(path) > SMALL_FILE_BYTES:
            return ""
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return ""


def bounded_walk(base: str, depth: int, skipped: Callable[[str], bool]) -> Iterator[tuple[str, str, list[str]]]:
    """Each folder at most ``depth`` folders below ``base``, top-down and in sorted order as ``os.walk`` gives them
    (``base`` first; a folder whose name is ``skipped`` is not entered, nor are symbolic links to folders): the
    folder, its path relative to ``base`` (``.`` for ``base``) and the names of its files, sorted.

    The path relative to ``base`` is cut from the folder's path, which ``os.walk`` builds by joining names to
    ``base``: ``os.path.relpath`` per folder (two ``abspath`` calls) was most of the three project readers' walks,
    which a warm run takes once per project to tell whether its model's inputs changed."""
    prefix = len(base) if base.endswith(os.sep) else len(base) + 1
    for folder, folders, files in os.walk(base):
        relative = folder[prefix:] if folder != base else "."
        level = 0 if relative == "." else relative.count(os.sep) + 1
        folders[:] = sorted(name for name in folders if not skipped(name)) if level < depth else []
        yield folder, relative, sorted(files)
