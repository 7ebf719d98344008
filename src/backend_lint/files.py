"""Finding the files to check and reading them without losing anything about their bytes.

Discovery walks folders for ``*.py`` and ``*.pyi`` files, skips excluded folders and does not follow
symbolic links to folders (which could loop). Reading keeps what a fix must write back unchanged: the
encoding (coding cookie or BOM) and the line endings. Every problem becomes a one-line reason, never a
traceback.
"""

from __future__ import annotations

import ast
import codecs
import errno
import io
import os
import sys
import tokenize
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

from backend_lint.analysis.paths import matches_path_pattern
from backend_lint.analysis.project.file_text import Listings
from backend_lint.config import Config

MAX_FILE_BYTES = 10 * 1024 * 1024
PYTHON_SUFFIXES = (".py", ".pyi")


@dataclass
class SourceFile:
    """A decoded file, with what is needed to write it back byte-for-byte the same way."""

    text: str
    encoding: str  # as reported by tokenize.detect_encoding: "utf-8", "utf-8-sig", "latin-1", ...
    raw: bytes = b""  # the bytes as read, to detect a file changed by someone else before writing

    def encode(self, text: str) -> bytes:
        return text.encode(self.encoding)


@dataclass
class Unreadable:
    """Why a file could not be read or parsed."""

    reason: str


def discover(
    paths: list[str], config: Config, listings: Optional[Listings] = None
) -> Iterator[Union[str, tuple[str, str]]]:
    """Yield file paths to check, and ``(path, reason)`` for each given path that cannot be used (``listings``: the
    folders' listings, kept for the project readers of the same run)."""
    seen: set[str] = set()
    listed = listings if listings is not None else Listings()
    for given in paths:
        if given == "-":
            yield given
            continue
        path = Path(given)
        try:
            path.stat()
        except FileNotFoundError:
            reason = "broken symbolic link" if path.is_symlink() else "no such file or directory"
            yield (given, reason)
            continue
        except OSError as exc:
            yield (given, _os_reason(exc))
            continue
        if path.is_dir():
            yield from _walk_folder(path, config, seen, listed)
        elif given not in seen:
            seen.add(given)
            yield given


def _walk_folder(
    folder: Path, config: Config, seen: set[str], listings: Listings
) -> Iterator[Union[str, tuple[str, str]]]:
    """``os.walk(folder, followlinks=False)`` top-down, each folder's sub-folders and files sorted, excluded folders
    not entered; its listings are ``listings``' (a symbolic link to a folder is listed with the folders, as by
    ``os.walk``, and not entered)."""
    excludes = _Excludes([*config.exclude, *config.extend_exclude])
    pending = [os.fspath(folder)]
    while pending:
        current = pending.pop()
        listed = listings(current)
        if listed is None:  # os.walk yields nothing for a folder it cannot list
            continue
        entered, files = listed
        links = listings.links(current)
        folders = sorted(
            name for name in [*entered, *links] if not _excluded(os.path.join(current, name), name, excludes, config)
        )
        # normpath(join(current, name)) for a plain name, normalising the folder once instead of every file
        normal = os.path.normpath(current)
        base = "" if normal == os.curdir else os.path.join(normal, "")
        for name in files:
            if not name.endswith(PYTHON_SUFFIXES):
                continue
            full = base + name
            if _excluded(full, name, excludes, config) or full in seen:
                continue
            seen.add(full)
            yield full
        for name in list(folders):
            if name.endswith(PYTHON_SUFFIXES):
                folders.remove(name)
                full = os.path.normpath(os.path.join(current, name))
                yield (full, "is a directory named like a Python file; skipped")
        pending.extend(os.path.join(current, name) for name in reversed(folders) if name not in links)


class _Excludes:
    """Exclude patterns split once: plain names (``.git``, ``venv``) are a set lookup on the name alone, so
    the relative path (a ``relpath`` per file, most of discovery's time) is computed only for path patterns."""

    def __init__(self, patterns: list[str]) -> None:
        self.names = {p for p in patterns if "/" not in p and not any(c in p for c in "*?[\\")}
        self.paths = [p for p in patterns if p not in self.names]
        self.path_names = {p.rstrip("/") for p in self.paths}


def _excluded(full: str, name: str, patterns: _Excludes, config: Config) -> bool:
    if name in patterns.names or name in patterns.path_names:
        return True
    if not patterns.paths:
        return False
    relative = project_path(full, config)
    return any(matches_path_pattern(relative, pattern) for pattern in patterns.paths)


def is_excluded(path: str, config: Config) -> bool:
    """Whether discovery from the project root would skip ``path`` (the file or a folder on the way to it).

    For callers handed one file at a time, such as the language server: an editor opening a file in an
    excluded folder (``migrations/``, ``.venv/``) should show what ``backend-lint check .`` shows there.
    A file outside the project root is judged by its own name only.
    """
    excludes = _Excludes([*config.exclude, *config.extend_exclude])
    full = Path(os.path.abspath(path))
    folder = full.parent
    parts: tuple[str, ...] = (full.name,)
    for candidate in (full, Path(os.path.realpath(path))):
        if candidate.is_relative_to(config.root):
            folder, parts = config.root, candidate.relative_to(config.root).parts
            break
    for part in parts:
        folder = folder / part
        if _excluded(str(folder), part, excludes, config):
            return True
    return False


def project_path(path: str, config: Config) -> str:
    """``path`` relative to the project root (the config file's folder), with ``/`` separators."""
    try:
        relative = os.path.relpath(os.path.abspath(path), config.root)
    except ValueError:  # another drive on Windows
        relative = path
    if relative.startswith(".."):
        relative = path
    return relative.replace(os.sep, "/")


def read_source(path: str) -> Union[SourceFile, Unreadable]:
    """Read and decode one file (not ``-``), or say why it cannot be."""
    try:
        if os.path.isdir(path):
            return Unreadable("is a directory")
        size = os.path.getsize(path)
        if size > MAX_FILE_BYTES:
            return Unreadable(f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB ({size} bytes); skipped")
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        return Unreadable(_os_reason(exc))
    return decode_source(data)


def decode_source(data: bytes) -> Union[SourceFile, Unreadable]:
    """Decode bytes the way Python would (BOM, coding cookie, default UTF-8)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        if "unknown encoding" in str(exc):
            return Unreadable(f"declares an {exc}")
        if "invalid or missing encoding declaration" not in str(exc):
            bom = " with a UTF-8 BOM" if data.startswith(codecs.BOM_UTF8) else ""
            return Unreadable(f"{exc}{bom}; skipped")
        encoding = "utf-8"  # undecodable bytes in the first two lines: report them like any other
    try:
        codecs.lookup(encoding)
        text = data.decode(encoding)
    except LookupError:
        return Unreadable(f"declares an unknown encoding {encoding!r}")
    except UnicodeDecodeError as exc:
        return Unreadable(
            f"is not valid {encoding} (byte 0x{data[exc.start]:02x} at offset {exc.start}); skipped"
        )
    if encoding == "utf-8-sig" and text.startswith("\ufeff"):
        text = text[1:]
    return SourceFile(text, encoding, data)


def parse_source(text: str, path: str) -> Union[ast.Module, Unreadable]:
    """Parse with ``ast``, turning every failure into a reason."""
    if "\x00" in text:
        return Unreadable("contains NUL bytes; skipped")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences and the like are not our business
            return ast.parse(text, filename=path, type_comments=False)
    except SyntaxError as exc:
        version = f"{sys.version_info[0]}.{sys.version_info[1]}"
        where = f"line {exc.lineno}" + (f", column {exc.offset}" if exc.offset else "")
        return Unreadable(f"syntax error ({where}): {exc.msg}; not valid Python {version} syntax, skipped")
    except (ValueError, RecursionError, MemoryError) as exc:
        return Unreadable(f"cannot be parsed: {type(exc).__name__}: {exc}")


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if isinstance(exc, PermissionError):
        return "permission denied"
    reason = exc.strerror or str(exc)
    return reason[:1].lower() + reason[1:]
