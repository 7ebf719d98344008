"""The flake8 plugin's result cache: flake8 keeps no cache of its own, so runs after the first would walk every
file again for the plugin's findings.

Kept apart from :mod:`backend_lint.cache` (``check``'s result and summary caches), whose entry encoding, file
writing and run key it shares.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any, Optional

from backend_lint.cache import (
    FORMAT,
    _encode,
    _findings,
    _temporary,
    _write_json,
    placement,
    prepare_folder,
    tool_fingerprint,
)
from backend_lint.finding import FileResult, Finding


class PluginCache:
    """The flake8 plugin's findings by file, for flake8 runs after the first (flake8 keeps no cache of its own).

    A file's findings are a pure function of its text, its path and the run key (:func:`run_key`: the tool, the
    configuration, flake8's selection), as for ``check``'s :class:`ResultCache`; they are kept as the walk gave them,
    with their project conditions, and settled with the model the run built from the summaries, so an edit of
    another file still drops or restores them. An entry is keyed by absolute path and holds the SHA-256 of the text
    flake8 handed the plugin (``# noqa`` is flake8's to apply, so these are not ``check``'s findings) and the module
    name the file had (:func:`placement`).

    flake8 checks files in forked workers that share nothing back, so each process writes what it added to a file
    of its own when it exits (:meth:`store` registers that once per process; a pool worker runs it as it leaves,
    the main process at exit), and the next run reads them all and writes them back as one file
    (:meth:`compact`). Every entry is type-checked when read; anything unexpected is a miss."""

    def __init__(self, folder: Path, key: str) -> None:
        self.folder = folder
        self.prefix = f"{tool_fingerprint()[:12]}-flake8-{key}"
        self._entries: dict[str, Any] = {}
        self._new: dict[str, Any] = {}
        self._saver: Optional[int] = None
        """The process whose exit writes :attr:`_new` (a forked worker registers its own)."""
        self._read: list[Path] = []
        joined = folder / f"{self.prefix}.json"  # read first: the workers' files are newer
        for file in sorted(folder.glob(f"{self.prefix}*.json"), key=lambda file: (file != joined, file.name)):
            try:
                data = json.loads(file.read_bytes())
            except (OSError, ValueError, RecursionError):
                continue
            self._read.append(file)
            if isinstance(data, dict) and data.get("format") == FORMAT and isinstance(data.get("files"), dict):
                self._entries.update(data["files"])

    def lookup(self, absolute: str, text_digest: str) -> Optional[list[Finding]]:
        entry = self._entries.get(absolute)
        if not (isinstance(entry, list) and len(entry) == 3 and entry[0] == text_digest
                and entry[2] == placement(absolute)):
            return None
        return _findings(entry[1], absolute)

    def store(self, absolute: str, text_digest: str, result: FileResult) -> None:
        if result.errors:
            return
        entry = [text_digest, [_encode(finding) for finding in result.findings], placement(absolute)]
        self._entries[absolute] = self._new[absolute] = entry
        if self._saver != os.getpid():
            from multiprocessing.util import Finalize  # noqa: PLC0415 - run by a pool worker as it exits

            self._saver = os.getpid()
            self._new = {absolute: entry}  # what a forked worker inherited is its parent's to write
            Finalize(self, PluginCache._save_new, args=(self.folder, self.prefix, self._new), exitpriority=10)

    @staticmethod
    def _save_new(folder: Path, prefix: str, entries: dict[str, Any]) -> None:
        if entries:
            _write_entries(folder, folder / f"{prefix}-{os.getpid()}.json", entries)

    def compact(self) -> None:
        """Write the entries read from several files (the workers' of the last run) back as one."""
        if len(self._read) < 2 and all(file.name == f"{self.prefix}.json" for file in self._read):
            return
        if _write_entries(self.folder, self.folder / f"{self.prefix}.json", self._entries):
            ours = tool_fingerprint()[:12]
            stale = [old for old in self.folder.glob("*-flake8-*.json") if not old.name.startswith(ours)]
            for file in [*stale, *self._read]:
                if file.name != f"{self.prefix}.json":
                    with contextlib.suppress(OSError):
                        file.unlink()
        self._read = []


def _write_entries(folder: Path, target: Path, entries: dict[str, Any]) -> bool:
    """Write ``{"format": FORMAT, "files": entries}`` to ``target`` through a temporary file (``False``: the folder
    cannot be written, no cache)."""
    try:
        prepare_folder(folder)
        handle, temporary = _temporary(folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                _write_json(out, {"format": FORMAT}, entries)
            os.replace(temporary, target)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        return False
    return True
