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


def _files_of(config: Config) -> Any:
    def files(root: str) -> list[str]:
        return [item for item in discover([root], config) if isinstance(item, str) and item != "-"]

    return files


def prepared_index(paths: Iterable[str], config: Config, use_cache: bool) -> ProjectIndex:
    """The summaries of every project the given files and folders belong to, ready before checking."""
    index = new_index(config, use_cache)
    files_of = _files_of(config)
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
        index.complete({root}, _files_of(checker.config))
        index.save()
    result = checker.check_source(source, path)
    if result.summary is not None:
        index.add(path, result.summary)
    return result


def settle(
    checked: list[tuple[Any, Optional[FileResult]]], config: Config, use_cache: bool,
    summaries: Optional[SummaryCache] = None,
) -> list[tuple[Any, Optional[FileResult]]]:
    """Build the models of the projects ``checked`` belongs to from its results' summaries (and the rest of those
    projects), then drop each result's findings that a project fact refutes. No finding with a condition: no
    model to build, and the rest of the projects' files are not looked for."""
    if not any(result is not None and any(finding.unless for finding in result.findings) for _, result in checked):
        return checked
    index = new_index(config, use_cache, summaries)
    for item, result in checked:
        if result is not None and result.summary is not None and isinstance(item, str):
            index.add(item, result.summary)
    index.complete(index.roots(), _files_of(config))
    index.save()
    for item, result in checked:
        if result is not None and any(finding.unless for finding in result.findings):
            # standard input is one file, whatever name it is given: no model settles its findings
            result.findings = resolve(result.findings, index.model_for(item) if isinstance(item, str) else None)
    return checked
