"""The project model in a run: which faces build it when, and how findings are settled with it.

- ``check`` takes each file's summary in the walk that checks it, then completes the projects of the files it
  checked (summaries of their other files come from the summary cache or a summary pass), builds each
  project's model and drops the findings a project fact refutes (:func:`settle`). A warm run gets both the
  findings (with their conditions) and the summaries from the cache, so editing one file re-checks only that
  file, and the findings of the other files still follow what it changed.
- ``fix``, flake8 and the editor's server check files one at a time: they prepare the model first
  (:func:`prepared_index`), and the checker settles each file's findings as it checks it.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Optional

from backend_lint.analysis.project.index import ProjectIndex
from backend_lint.analysis.project.model import resolve
from backend_lint.analysis.project.roots import project_root
from backend_lint.cache import CACHE_DIR_NAME, SummaryCache
from backend_lint.config import Config
from backend_lint.engine import FileResult
from backend_lint.files import SourceFile, discover
from backend_lint.runner import Checker


def new_index(config: Config, use_cache: bool, summaries: Optional[SummaryCache] = None) -> ProjectIndex:
    """An empty index over the summary cache (``summaries``: the one the run has loaded already)."""
    if not use_cache:
        return ProjectIndex(None)
    return ProjectIndex(summaries or SummaryCache(Path(config.root) / CACHE_DIR_NAME))


class Discovery:
    """The Python files of the folders a run has walked, so that a project root at or under one of them is not
    walked a second time (``check .`` over a project used to walk it once to check and once to settle).

    The files under a root, in the order a walk from the root yields them, are the files of a walk from a
    folder above that lie below the root: the walk is top-down in sorted order and prunes only excluded
    folders, which a walk from the root prunes too. A walk is reused only when it is whole (``discover`` skips
    a file it yielded for an earlier path, so overlapping paths are not recorded) and when matching path
    patterns cannot differ: the root inside the configuration's folder, or the walk given an absolute path
    (:func:`backend_lint.files.project_path` keeps a path outside that folder as given).
    """

    def __init__(self, config: Config) -> None:
        self.config = config
        self._walks: list[tuple[str, list[str]]] = []
        """Folder (absolute) -> its Python files (absolute), in the order discovery yielded them."""

    def record(self, paths: list[str], discovered: Iterable[Any]) -> None:
        """Remember what :func:`backend_lint.files.discover` yielded for ``paths``, when they are folders none
        of which holds another (then each folder's files are its whole walk)."""
        if not paths or not all(path != "-" and os.path.isdir(path) for path in paths):
            return
        folders = [os.path.abspath(path) for path in paths]
        if any(_under(one, other) for one in folders for other in folders if one is not other):
            return
        files = [os.path.abspath(item) for item in discovered if isinstance(item, str)]
        self._walks.extend(
            (folder, [file for file in files if _under(file, folder)])
            for path, folder in zip(paths, folders) if self._reusable(path, folder)
        )

    def _reusable(self, given: str, folder: str) -> bool:
        return os.path.normpath(given) == folder or Path(folder).is_relative_to(self.config.root)

    def __call__(self, root: str) -> list[str]:
        """The Python files under ``root`` (discovery with the configuration's excludes), walked at most once."""
        root = os.path.abspath(root)
        for folder, files in self._walks:
            if root == folder:
                return files
            if _under(root, folder):
                return [file for file in files if _under(file, root)]
        files = [item for item in discover([root], self.config) if isinstance(item, str) and item != "-"]
        self.record([root], files)
        return files


def _under(path: str, folder: str) -> bool:
    """Whether ``path`` lies below ``folder`` (both absolute; ``/a/bc`` is not below ``/a/b``)."""
    return path.startswith(folder.rstrip(os.sep) + os.sep)


def prepared_index(paths: Iterable[str], config: Config, use_cache: bool) -> ProjectIndex:
    """The summaries of every project the given files and folders belong to, ready before checking."""
    index = new_index(config, use_cache)
    files_of = Discovery(config)
    roots: set[str] = set()
    for path in paths:
        if path == "-" or not os.path.exists(path):
            continue
        # A folder may hold several projects, or one whose marker is deeper (``app/manage.py``): each file says.
        roots.update(project_root(file) for file in (files_of(path) if os.path.isdir(path) else [path]))
    index.complete(roots, files_of)
    index.save()
    return index


def modelled_checker(checker: Checker) -> Checker:
    """Give a checker that checks one file at a time (the editor's server) an empty project index, filled per
    project the first time one of its files is checked (:func:`check_in_project`); no index when no rule asks."""
    if checker.engine.project_rules():
        checker.summarize = True
        checker.project = new_index(checker.config, use_cache=True)
    return checker


def check_in_project(checker: Checker, source: SourceFile, path: str) -> FileResult:
    """Check one file's (unsaved) text with its project's model, and keep its summary for the next checks."""
    index = checker.project
    if index is None:
        return checker.check_source(source, path)
    root = project_root(os.path.abspath(path))
    if root not in index.roots():
        index.complete({root}, Discovery(checker.config))
        index.save()
    result = checker.check_source(source, path)
    if result.summary is not None:
        index.add(path, result.summary)
    return result


class Checked:
    """The results of a ``check`` run as they come in, each file's summary set apart until settling needs it.

    A summary is kept pickled, by project root (about a third of the memory of the objects: 1.3 KB a file on
    Django's sources against 4.4 KB), and settling unpickles one project at a time, so what a run holds at
    its peak grows with its largest project, not with every file it checked."""

    def __init__(self) -> None:
        self.items: list[tuple[Any, Optional[FileResult]]] = []
        self.summaries: dict[str, dict[str, bytes]] = {}
        """Project root -> absolute path -> the pickled summary of a checked file."""

    def add(self, item: Any, result: Optional[FileResult]) -> None:
        if result is not None and result.summary is not None and isinstance(item, str):
            absolute = os.path.abspath(item)
            packed = pickle.dumps(result.summary, protocol=pickle.HIGHEST_PROTOCOL)
            self.summaries.setdefault(project_root(absolute), {})[absolute] = packed
            result.summary = None
        self.items.append((item, result))


def settle(
    checked: Checked, config: Config, use_cache: bool,
    summaries: Optional[SummaryCache] = None, discovery: Optional[Discovery] = None,
) -> list[tuple[Any, Optional[FileResult]]]:
    """Build the model of each project a finding with a condition belongs to, from the summaries of the files
    checked (and of the rest of that project), then drop the findings a project fact refutes; one project at a
    time, its summaries and model let go before the next. No finding with a condition in a project: no model to
    build, and the rest of its files are not looked for. ``discovery``: the folders the run has walked already
    (their files are not looked for again)."""
    pending: dict[str, list[tuple[str, FileResult]]] = {}
    for item, result in checked.items:
        if result is None or not any(finding.unless for finding in result.findings):
            continue
        if isinstance(item, str):
            pending.setdefault(project_root(os.path.abspath(item)), []).append((item, result))
        else:  # standard input is one file, whatever name it is given: no model settles its findings
            result.findings = resolve(result.findings, None)
    if not pending:
        return checked.items
    files_of = discovery or Discovery(config)
    cache = new_index(config, use_cache, summaries).cache  # one summary cache for every project, saved once
    for root, results in pending.items():
        index = ProjectIndex(cache)
        for path, packed in checked.summaries.pop(root, {}).items():
            index.add(path, pickle.loads(packed))
        if index.roots():
            index.complete({root}, files_of)
        # no summary of this project (nothing in it could be read): what only a project supports goes
        model = index.model_for(results[0][0]) if index.roots() else None
        for _, result in results:
            result.findings = resolve(result.findings, model)
    if cache is not None:
        cache.save()
    return checked.items
