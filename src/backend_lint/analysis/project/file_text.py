"""The project files that are not Python (a manifest, a container or server configuration, a fixture): the
bounded walk of a project's folders that their readers share, and the text of a small one, with one size bound,
so a large or unreadable file says nothing."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Optional

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


class Listings:
    """Each folder's listing, taken once: discovery walks the folders a run is given (:func:`backend_lint.files.
    discover`), and the project readers (deployment files, server body limits, Django fixtures, the files naming
    settings modules, nested projects) each walk a project root with their own depth and skipped names, which a warm
    run asks of every project it settles (:func:`backend_lint.project_run._inputs`). Given one :class:`Listings`,
    they list each folder once between them (six walks of the same folders were most of the inputs' cost on
    Django's sources). A listing is a snapshot: keep one for one run, not across runs."""

    def __init__(self) -> None:
        self._listed: dict[str, Optional[tuple[list[str], list[str]]]] = {}
        self._links: dict[str, list[str]] = {}

    def __call__(self, folder: str) -> Optional[tuple[list[str], list[str]]]:
        """The sorted names of the sub-folders of ``folder`` a walk enters (symbolic links to folders are not
        entered, as by ``os.walk``) and of its entries that are not folders; ``None`` when it cannot be listed."""
        if folder in self._listed:
            return self._listed[folder]
        folders: list[str] = []
        links: list[str] = []
        files: list[str] = []
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if not _is_folder(entry):
                        files.append(entry.name)
                    else:
                        (links if _is_link(entry) else folders).append(entry.name)
        except OSError:  # os.walk yields nothing for a folder it cannot list
            self._listed[folder] = None
            return None
        if links:
            self._links[folder] = sorted(links)
        listed = self._listed[folder] = (sorted(folders), sorted(files))
        return listed

    def links(self, folder: str) -> list[str]:
        """The sorted names of the symbolic links to folders in ``folder`` (listed first), which ``os.walk`` gives
        with its sub-folders but does not enter."""
        return self._links.get(folder, [])


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_link(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return False


def bounded_walk(
    base: str, depth: int, skipped: Callable[[str], bool], listings: Optional[Listings] = None
) -> Iterator[tuple[str, str, list[str]]]:
    """Each folder at most ``depth`` folders below ``base``, top-down and in sorted order as ``os.walk`` gives them
    (``base`` first; a folder whose name is ``skipped`` is not entered, nor are symbolic links to folders): the
    folder, its path relative to ``base`` (``.`` for ``base``) and the names of its files, sorted (not to be
    changed: ``listings`` shares them).

    The path relative to ``base`` is cut from the folder's path, which is built, as ``os.walk`` builds it, by
    joining names to ``base``: ``os.path.relpath`` per folder (two ``abspath`` calls) was most of the three project
    readers' walks. ``listings``: the folders' listings, shared with the other readers of the same root."""
    listed = listings if listings is not None else Listings()
    prefix = len(base) if base.endswith(os.sep) else len(base) + 1
    pending = [base]
    while pending:
        folder = pending.pop()
        listing = listed(folder)
        if listing is None:
            continue
        folders, files = listing
        relative = folder[prefix:] if folder != base else "."
        yield folder, relative, files
        level = 0 if relative == "." else relative.count(os.sep) + 1
        if level < depth:
            pending.extend(os.path.join(folder, name) for name in reversed(folders) if not skipped(name))
