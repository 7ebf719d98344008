"""The project model in a run: which faces build it when, and how findings are settled with it.

- ``check`` takes each file's summary in the walk that checks it, then, once the last of a project's files is
  in, completes that project (summaries of its other files come from the summary cache or a summary pass),
  builds its model and drops the findings a project fact refutes (:class:`Settling`). A warm run gets both the
  findings (with their conditions) and the summaries from the cache, so editing one file re-checks only that
  file, and the findings of the other files still follow what it changed. A run over a project none of whose
  files' summaries changed builds no model at all: the cache keeps the answers each project's model gave with
  the digests of the summaries they follow from.
- ``fix``, flake8 and the editor's server check files one at a time: they prepare the model first
  (:func:`prepared_index`), and the checker settles each file's findings as it checks it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from backend_lint.analysis.project.deployed_settings import settings_files
from backend_lint.analysis.project.file_text import Listings
from backend_lint.analysis.project.lint_config import pylint_files_above
from backend_lint.analysis.project.project_files import (
    CONFIGURATION_FILES,
    describes_scanner,
    nested_projects,
    read_deployment,
)
from backend_lint.analysis.project.request_limits import read_request_limit
from backend_lint.analysis.project.roots import project_root
from backend_lint.analysis.project.server_limits import read_body_limit
from backend_lint.analysis.project.settings_templates import located_root_template
from backend_lint.analysis.seeded_tables import fixture_files
from backend_lint.cache import CACHE_DIR_NAME, ResultCache, SummaryCache, settled_signature
from backend_lint.config import Config
from backend_lint.files import SourceFile, discover
from backend_lint.finding import FileResult

if TYPE_CHECKING:
    from backend_lint.analysis.project.index import ProjectIndex
    from backend_lint.analysis.project.summary import ModuleSummary
    from backend_lint.runner import Checker


def new_index(config: Config, use_cache: bool, summaries: Optional[SummaryCache] = None) -> ProjectIndex:
    """An empty index over the summary cache (``summaries``: the one the run has loaded already)."""
    from backend_lint.analysis.project.index import ProjectIndex  # noqa: PLC0415 - the model, only when built

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

    def __init__(self, config: Config, listings: Optional[Listings] = None) -> None:
        self.config = config
        self._walks: list[tuple[str, list[str]]] = []
        """Folder (absolute) -> its Python files (absolute), in the order discovery yielded them."""
        self.listings = listings if listings is not None else Listings()
        """The folders' listings discovery took (:class:`.file_text.Listings`): the project readers that tell
        whether a project's model inputs changed list only the folders discovery did not (:func:`_inputs`)."""

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
        files = [item for item in discover([root], self.config, self.listings) if isinstance(item, str) and item != "-"]
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
    """Each checked file's summary set apart, by project, until its project is settled.

    A summary is kept as it came, by project root, until settling builds that project's model from all of them:
    pickled, they took about a third of the memory of the objects (1.3 KB a file on Django's sources against
    4.4 KB), but the model unpickled every one of them next to its bytes, so the peak (the largest project's
    summaries and model) was no lower, and the round trip cost a one-core run 0.12 s of CPU on Django's sources
    and a run with workers a second pickling of each summary in the main process. A cached result comes without
    its summary: settling reads it from the summary cache only when it builds that project's model."""

    def __init__(self) -> None:
        self.summaries: dict[str, dict[str, ModuleSummary]] = {}
        """Project root -> absolute path -> the summary of a checked file."""
        self.unsummarised: dict[str, list[str]] = {}
        """Project root -> absolute paths of the files reported without errors but without a summary (cache
        hits)."""

    def add(self, item: Any, result: Optional[FileResult], root: Optional[str] = None) -> None:
        """Set apart the summary of ``item``'s result (``root``: its project's root, when the caller knows it)."""
        if result is not None and isinstance(item, str) and item != "-":
            absolute = os.path.abspath(item)
            root = root or project_root(absolute)
            if result.summary is not None:
                self.summaries.setdefault(root, {})[absolute] = result.summary
                result.summary = None
            elif not result.errors:
                self.unsummarised.setdefault(root, []).append(absolute)


class Settling:
    """Settles a ``check`` run's findings project by project as the results come in, and gives the results back
    in discovery order as soon as their project is settled.

    A project is settled when the last of the run's files in it has been checked (the run's items say which one
    that is before checking starts): the model of a project a finding with a condition belongs to is built from
    the summaries of the files checked (and of the rest of that project), the findings a project fact refutes are
    dropped, and its summaries, model and results are let go. A run walks its folders one after the other, so a
    project's files come together, and what it holds at its peak is its largest project and the results waiting
    behind it, not every file's summary and result (memory flat in the number of files). A project none of whose
    findings has a condition builds no model, and the rest of its files are not looked for. ``discovery``: the
    folders the run has walked already (their files are not looked for again).

    With the result ``cache``, the model's answer to each fact it was asked is recorded with what the model
    follows from (:func:`_inputs`: the digest of every file's summary, the project's configuration files); a
    later run whose project gives the same inputs answers its findings' facts from the record, without reading
    a summary or building a model, so an edit that leaves a file's summary as it was settles nothing again. A
    fact the record does not hold (a finding the edit added) builds the model."""

    def __init__(
        self, items: list[Any], config: Config, use_cache: bool,
        cache: Optional[ResultCache] = None, discovery: Optional[Discovery] = None,
    ) -> None:
        self.config = config
        self.use_cache = use_cache
        self.cache = cache
        self.files_of = discovery or Discovery(config)
        self._roots = _roots(items)
        self._last = {root: index for index, root in enumerate(self._roots) if root is not None}
        self._open = set(self._last)
        """The roots some of whose files are still to come."""
        self._checked = Checked()
        self._pending: dict[str, list[tuple[str, FileResult]]] = {}
        self._waiting: deque[tuple[Optional[str], Any, Optional[FileResult]]] = deque()
        self._added = 0
        self._index_cache: Any = False  # the summary cache, opened for the first project that needs a model

    def add(self, item: Any, result: Optional[FileResult]) -> Iterator[tuple[Any, Optional[FileResult]]]:
        """Take the next item's result (in the order of the items); yield every result now settled, in order."""
        index, self._added = self._added, self._added + 1
        root = self._roots[index] if index < len(self._roots) and _is_path(item) else None
        self._checked.add(item, result, root)
        if result is not None and any(finding.unless for finding in result.findings):
            if root is None:  # not a file of a project: no model settles its findings
                from backend_lint.analysis.project.model import resolve  # noqa: PLC0415

                result.findings = resolve(result.findings, None)
            else:
                self._pending.setdefault(root, []).append((item, result))
        self._waiting.append((root, item, result))
        if root is not None and self._last.get(root) == index:
            self._settle(root)
        while self._waiting and self._waiting[0][0] not in self._open:
            yield self._waiting.popleft()[1:]

    def finish(self) -> Iterator[tuple[Any, Optional[FileResult]]]:
        """Settle what is left (a run stopped early) and yield it; save what the cache recorded."""
        for root in sorted(self._open):
            self._settle(root)
        while self._waiting:
            yield self._waiting.popleft()[1:]
        if self.cache is not None:
            self.cache.save()  # the answers recorded, and the summaries (``cache.summaries``) completed
        elif self._index_cache:
            self._index_cache.save()

    def _settle(self, root: str) -> None:
        self._open.discard(root)
        results = self._pending.pop(root, None)
        summaries = self._checked.summaries.pop(root, {})
        unsummarised = self._checked.unsummarised.pop(root, [])
        if not results:
            return
        cache = self.cache
        inputs = _inputs(root, self.files_of(root), cache, self.files_of.listings) if cache is not None else None
        recorded = cache.settled(root, inputs) if cache is not None and inputs is not None else None
        if recorded is not None and _settle_with(results, partial(_recorded, recorded)):
            return
        if self._index_cache is False:
            self._index_cache = new_index(self.config, self.use_cache, cache.summaries if cache else None).cache
        answers = _settle_project(root, results, summaries, unsummarised, self._index_cache, cache, self.files_of)
        if cache is not None:
            cache.record_settled(root, None if answers is None else inputs, {**(recorded or {}), **(answers or {})})
        if self._index_cache:
            self._index_cache.release()  # the project's summaries read from the cache: let them go with its model


def _is_path(item: Any) -> bool:
    return isinstance(item, str) and item != "-"


def _roots(items: list[Any]) -> list[Optional[str]]:
    """The project root of each item that is a path (``None`` for the others), looked up once per folder: the
    files of a folder share their root, and making each of a run's paths absolute to ask it was a tenth of a warm
    run's own work."""
    by_folder: dict[str, str] = {}
    roots: list[Optional[str]] = []
    for item in items:
        if not _is_path(item):
            roots.append(None)
            continue
        folder = os.path.dirname(item)
        root = by_folder.get(folder)
        if root is None:
            root = by_folder[folder] = project_root(os.path.abspath(item))
        roots.append(root)
    return roots


def fact_key(fact: Any) -> str:
    """A project fact as the result cache keeps its answer."""
    return json.dumps(fact.to_json(), separators=(",", ":"))


def _settle_project(
    root: str, results: list[tuple[str, FileResult]], checked: dict[str, ModuleSummary], unsummarised: list[str],
    summaries: Optional[SummaryCache], cache: Optional[ResultCache], files_of: Discovery,
) -> Optional[dict[str, bool]]:
    """Settle one project's findings with its model; the answers the model gave (``None``: no model, nothing in
    the project could be read)."""
    from backend_lint.analysis.project.index import ProjectIndex  # noqa: PLC0415 - only when a model is built
    from backend_lint.analysis.project.model import resolve  # noqa: PLC0415

    index = ProjectIndex(summaries)
    for path, made in checked.items():
        index.add(path, made)
    for path in unsummarised:  # cache hits: their summaries by the digest of their entry
        used = cache.used(path) if cache is not None else None
        summary = summaries.lookup(path, used) if summaries is not None and used is not None else None
        if summary is not None:
            index.add(path, summary)
    if index.roots():
        index.complete({root}, files_of)
    # no summary of this project (nothing in it could be read): what only a project supports goes
    model = index.model_for(results[0][0]) if index.roots() else None
    if model is None:
        for _, result in results:
            result.findings = resolve(result.findings, None)
        return None
    answers: dict[str, bool] = {}

    def ask(fact: Any) -> bool:
        holds = answers[fact_key(fact)] = model.holds(fact)
        return holds

    _settle_with(results, ask)
    return answers


def _recorded(answers: dict[str, bool], fact: Any) -> Optional[bool]:
    return answers.get(fact_key(fact))


def _settle_with(results: list[tuple[str, FileResult]], answer: Callable[[Any], Optional[bool]]) -> bool:
    """Drop each finding one of whose facts holds, asking them in order and stopping at the first that holds
    (:func:`backend_lint.analysis.project.model.resolve`); when ``answer`` does not know one (``None``), change
    nothing and say so."""
    kept: list[list[Any]] = []
    for _, result in results:
        survivors = []
        for finding in result.findings:
            for fact in finding.unless:
                holds = answer(fact)
                if holds is None:
                    return False
                if holds:
                    break
            else:
                survivors.append(finding)
        kept.append(survivors)
    for (_, result), survivors in zip(results, kept):
        result.findings = survivors
    return True


def _inputs(root: str, files: list[str], cache: ResultCache, listings: Listings) -> Optional[str]:
    """What a project's model follows from, hashed: for each of its files, the digest of the summary of the
    bytes this run reported it from (the digest of the bytes when they gave no summary: :meth:`ResultCache.reported`),
    else its stat signature, and the signatures of the configuration files the model reads, Django fixtures and
    the files naming settings modules included (``None`` when a file was modified too recently to be told apart
    from a later edit). ``listings``: the run's listings of the folders (the readers list each folder once, and
    not those discovery listed already).

    A digest describes the bytes whose findings and summary settling used, whenever the file changes after
    its read; a signature is taken before the model reads the file, so an edit after the stat leaves a
    signature that no longer matches, never a stale answer."""
    signed: list[Any] = []
    for path in sorted(files):  # absolute and normalised, as :class:`Discovery` gives them
        found: Any = cache.reported(path) or settled_signature(path)
        if found is None:
            return None
        signed.append([path, found])
    for name in CONFIGURATION_FILES:  # the packaging and test configuration the model reads
        path = os.path.join(root, name)
        found = settled_signature(path) if os.path.lexists(path) else "absent"
        if found is None:
            return None
        signed.append([path, found])
    folder = Path(root)
    for above in map(str, pylint_files_above(folder)):  # BE402's: the repository's rcfile above a project of it
        found = settled_signature(above)
        if found is None:
            return None
        signed.append([above, found])
    signed.append(["deployment", *read_deployment(folder, listings)])  # BE308's evidence: a Dockerfile, HEALTHCHECK
    signed.append(["body-limit", read_body_limit(folder, listings)])  # BE306's: the server configuration's body cap
    signed.append(["request-limit", read_request_limit(folder, listings)])  # BE307's: its per-client rate limit
    signed.append(["nested-projects", nested_projects(folder, listings)])  # unreached: a sibling project may call it
    signed.append(["scanner", describes_scanner(folder)])  # BE507's: the README says it scans others' hosts
    signed.append(["root-template", located_root_template(folder, listings)])  # BE404's: a settings template's logging
    extra = [*fixture_files(folder, listings).values(), *settings_files(folder, listings)]  # BE104's, BE504's files
    for path in sorted(extra):
        found = settled_signature(path)
        if found is None:
            return None
        signed.append([path, found])
    return hashlib.sha256(json.dumps([root, signed]).encode()).hexdigest()
