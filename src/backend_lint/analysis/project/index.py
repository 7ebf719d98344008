"""Every summary of the projects a run touches, and their models.

The CLI's ``check`` gets most summaries from the files it checks (the summary is taken in the same walk). What
it did not check, and everything flake8, the editor's server and ``fix`` need before they check a file, comes
from the summary cache (``.backend_lint_cache/summaries-*.json``, keyed by each file's path and the SHA-256 of its
bytes, like the result cache) or from a *summary pass*: parse the file and take its summary, without running
any rule. A project's files are those discovery finds under its root (the configuration's excludes apply).
"""

from __future__ import annotations

import ast
import logging
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from backend_lint.analysis.project.model import ProjectModel
from backend_lint.analysis.project.project_files import ProjectFiles
from backend_lint.analysis.project.roots import module_name, project_root, role_path
from backend_lint.analysis.project.summary import ModuleSummary

if TYPE_CHECKING:
    from backend_lint.cache import SummaryCache

_logger = logging.getLogger(__name__)
_MAX_FILES = 20_000
"""A root holding more Python files than this (a home folder, ``/``) is not summarised whole."""


class ProjectIndex:
    """The summaries of each project root seen in a run, and each root's model (built when first asked)."""

    def __init__(self, cache: Optional[SummaryCache] = None) -> None:
        self.cache = cache
        self.summaries: dict[str, dict[str, ModuleSummary]] = {}
        """Root -> absolute path -> summary."""
        self._models: dict[str, ProjectModel] = {}

    def add(self, path: str, summary: ModuleSummary) -> None:
        """Record the summary of a checked file (an editor's buffer: again at every change that alters it)."""
        absolute = os.path.abspath(path)
        root = project_root(absolute)
        known = self.summaries.setdefault(root, {})
        if known.get(absolute) != summary:
            known[absolute] = summary
            self._models.pop(root, None)

    def complete(self, roots: set[str], files_of: Any) -> None:
        """Summarise every file of ``roots`` not summarised yet: from the cache, else with a summary pass.
        ``files_of(root)`` lists a root's Python files (discovery with the configuration's excludes)."""
        from backend_lint.cache import digest, read_cacheable  # noqa: PLC0415 - the cache imports the engine

        for root in roots:
            known = self.summaries.setdefault(root, {})
            files = files_of(root)
            if len(files) > _MAX_FILES:
                continue
            for path in files:
                absolute = os.path.abspath(path)
                if absolute in known or project_root(absolute) != root:
                    continue
                data = read_cacheable(absolute)
                if data is None:
                    continue
                file_digest = digest(data)
                summary = self.cache.lookup(absolute, file_digest) if self.cache is not None else None
                if summary is None:
                    summary = summary_of(absolute, data)
                    if summary is None:
                        continue
                    if self.cache is not None:
                        self.cache.store(absolute, file_digest, summary)
                known[absolute] = summary
            self._models.pop(root, None)

    def model_for(self, path: str) -> Optional[ProjectModel]:
        """The model of the project ``path`` belongs to, if any of its files was summarised."""
        return self._model(project_root(os.path.abspath(path)))

    def _model(self, root: str) -> Optional[ProjectModel]:
        found = self._models.get(root)
        if found is None and root in self.summaries:
            found = self._models[root] = ProjectModel(self.summaries[root].values(), ProjectFiles.read(Path(root)))
        return found

    def build_models(self) -> None:
        """Build every root's model now (flake8: once in the main process, before it forks its workers)."""
        for root in self.summaries:
            self._model(root)

    def roots(self) -> set[str]:
        return set(self.summaries)

    def save(self) -> None:
        if self.cache is not None:
            self.cache.save()


def summary_of(path: str, data: bytes) -> Optional[ModuleSummary]:
    """A summary pass over one file: parse and summarise, no rule runs (``None``: it cannot be read)."""
    from backend_lint.analysis.project.extract import summarize  # noqa: PLC0415 - imports the analysis layer
    from backend_lint.context import FileContext  # noqa: PLC0415
    from backend_lint.files import decode_source  # noqa: PLC0415

    source = decode_source(data)
    text = getattr(source, "text", None)
    if text is None:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text, filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    relative = role_path(path) or path
    ctx = FileContext(tree, text, path, relative, module=module_name(path), role_path=relative,
                      location=os.path.abspath(path))
    try:
        return summarize(ctx)
    except Exception:  # a bug in the analysis: the file's facts stay unknown, and the run goes on
        _logger.exception("backend-lint: cannot summarise %s for the project model", path)
        return None
