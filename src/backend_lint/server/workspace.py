"""Which configuration and checker each open document uses: workspace folders, configuration files, errors.

Configuration comes from the document's own path, exactly as ``backend-lint check FILE`` finds it: the
nearest ``pyproject.toml`` with a ``[tool.backend-lint]`` table above the file (the CLI's
:func:`~backend_lint.config.find_pyproject` and :func:`~backend_lint.config.load_config`). Each workspace
folder is one :class:`Folder`, which keeps the :class:`Settings` made from every configuration file its
documents use (usually one; a monorepo may have several), so a keystroke costs no file lookup and no TOML
parse. Each checker keeps the project model of the projects its documents belong to
(:func:`~backend_lint.project_run.modelled_checker`): built from the summary cache (or a summary pass) when a
project's first document is checked, then kept current with each checked buffer's summary. Files outside every
folder share one more :class:`Folder` with no root; untitled buffers are checked as a file at the root of the first
folder.

Settings are read again when a ``pyproject.toml`` changes: at once when the client reports it
(``workspace/didChangeWatchedFiles``, see :meth:`Folders.forget`), and in any case at the next check, which
compares the modification times of the ``pyproject.toml`` files between the document and its configuration
(a few ``stat`` calls), because some clients (Neovim on Linux) do not watch files for servers.

A configuration that cannot be loaded (bad TOML, an unknown key, a wrong type) leaves the server running on
the defaults; :attr:`Settings.problem` holds the error, which names the file and the key, for the server to
show once.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Optional
from urllib.parse import unquote, urlparse

from backend_lint.config import Config, ConfigError, find_pyproject, load_config
from backend_lint.files import PYTHON_SUFFIXES, is_excluded
from backend_lint.project_run import modelled_checker
from backend_lint.runner import Checker

CONFIG_FILE = "pyproject.toml"


@dataclass
class Settings:
    """A configuration and the checker made from it, shared by every document that uses it."""

    config: Config
    checker: Checker
    problem: Optional[str] = None  # why the configuration file was not used (the defaults are)
    problem_shown: bool = False  # the server shows a problem once per loading, not at every check


@dataclass
class Target:
    """Where an open document sits: the path rules see, and the settings that apply to it."""

    path: str  # absolute; for an untitled buffer, a file of that name at the project root
    settings: Settings
    excluded: bool = False  # excluded by the configuration: the server reports nothing for it


Stamp = tuple[Optional[tuple[int, int]], ...]


def stamp(folder: Path, config_file: Optional[Path]) -> Stamp:
    """The modification time and size (or absence) of every ``pyproject.toml`` from ``folder`` up to the
    configuration file in use (up to the file system's root when there is none): what decides the settings
    of a document in ``folder``."""
    found: list[Optional[tuple[int, int]]] = []
    for candidate in (folder, *folder.parents):
        path = candidate / CONFIG_FILE
        try:
            info = path.stat()
        except OSError:
            found.append(None)
            continue
        found.append((info.st_mtime_ns, info.st_size))
        if path == config_file:
            break
    return tuple(found)


def _settings(config: Config, problem: Optional[str] = None) -> Settings:
    return Settings(config, modelled_checker(Checker.from_config(config)), problem)


class Folder:
    """One workspace folder (or, with ``root=None``, the files outside every folder)."""

    def __init__(self, root: Optional[Path]) -> None:
        self.root = root
        self._by_folder: dict[Path, tuple[Settings, Stamp]] = {}  # a document's folder -> its settings
        self._shared: dict[object, Settings] = {}  # a configuration file (or a default) -> its settings

    def settings_for(self, folder: Path) -> Settings:
        """The settings for documents in ``folder``: loaded once, loaded again when a configuration changed."""
        found = self._by_folder.get(folder)
        if found is not None and stamp(folder, found[0].config.source) == found[1]:
            return found[0]
        if found is not None:  # a pyproject.toml changed: it may be shared with other folders of this one
            self.forget()
        settings = self._load(folder)
        self._by_folder[folder] = (settings, stamp(folder, settings.config.source))
        return settings

    def _load(self, folder: Path) -> Settings:
        default_root = self.root or folder
        try:
            path = find_pyproject(folder)
        except ConfigError as exc:  # a pyproject.toml on the way up that is not valid TOML
            return self._shared_settings(("problem", str(exc)), lambda: Config(root=default_root), str(exc))
        if path is None:
            return self._shared_settings(("default", default_root), lambda: Config(root=default_root))
        try:
            config = load_config(path)
        except ConfigError as exc:
            return self._shared_settings(("problem", str(exc)), lambda: Config(root=path.parent), str(exc))
        return self._shared_settings(path, lambda: config)

    def _shared_settings(self, key: object, make: Callable[[], Config], problem: Optional[str] = None) -> Settings:
        found = self._shared.get(key)
        if found is None:
            found = self._shared[key] = _settings(make(), problem)
        return found

    def forget(self) -> None:
        self._by_folder.clear()
        self._shared.clear()


def uri_to_path(uri: str) -> Optional[Path]:
    """The local path of a ``file:`` URI; ``None`` for untitled buffers and other schemes."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if os.name == "nt" and path.startswith("/") and len(path) > 2 and path[2] == ":":  # /C:/... on Windows
        path = path[1:]
    return Path(path)


def untitled_name(uri: str) -> str:
    """A file name for an unsaved buffer (``untitled:Untitled-1`` -> ``Untitled-1.py``)."""
    name = unquote(uri.rsplit("/", 1)[-1].rsplit(":", 1)[-1]) or "untitled"
    return name if name.endswith(PYTHON_SUFFIXES) else f"{name}.py"


class Folders:
    """Every workspace folder the client named, and the one for files outside them."""

    def __init__(self) -> None:
        self._folders: dict[str, Folder] = {}  # folder URI -> folder
        self.outside = Folder(None)

    def set_folders(self, uris: list[str]) -> None:
        """Keep the folders in ``uris`` (with their caches), add the new ones, drop the others."""
        kept = {uri: self._folders.get(uri) or Folder(uri_to_path(uri)) for uri in uris}
        self._folders = {uri: folder for uri, folder in kept.items() if folder.root is not None}

    def folder_of(self, path: Path) -> Folder:
        """The innermost workspace folder holding ``path`` (folders may nest), or the outside one."""
        best, depth = self.outside, -1
        for folder in self._folders.values():
            if folder.root is not None and path.is_relative_to(folder.root) and len(folder.root.parts) > depth:
                best, depth = folder, len(folder.root.parts)
        return best

    def target(self, uri: str) -> Target:
        path = uri_to_path(uri)
        if path is None:
            first = next(iter(self._folders.values()), self.outside)
            settings = first.settings_for(first.root or Path.cwd())
            return Target(str(settings.config.root / untitled_name(uri)), settings)
        path = Path(os.path.abspath(path))
        settings = self.folder_of(path).settings_for(path.parent)
        return Target(str(path), settings, is_excluded(str(path), settings.config))

    def forget(self) -> None:
        """Drop every cached configuration and checker: a configuration file changed."""
        for folder in [*self._folders.values(), self.outside]:
            folder.forget()
