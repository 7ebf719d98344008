"""The flake8 plugin: ``flake8 --select BE`` runs every rule on flake8's own tree, without parsing again.

flake8 fills ``tree``, ``filename`` and ``lines`` from the parameter names. flake8 never reads
``pyproject.toml``, so the plugin reads ``[tool.backend-lint]`` once per process (from the current folder
upward), giving both entry points the same rule options, selection and per-file ignores. flake8 handles
``# noqa`` itself. flake8 keeps no cache, so the plugin keeps its own (:class:`~backend_lint.plugin_cache.PluginCache`,
beside ``check``'s): a file whose text it checked before with the same tool, configuration and selection is not
walked again, and its findings are settled with the project model of the run.
"""

from __future__ import annotations

import ast
import gc
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Optional

from backend_lint import __version__
from backend_lint.config import ConfigError, load_config
from backend_lint.finding import FileResult
from backend_lint.registry import rule_codes
from backend_lint.runner import Checker

if TYPE_CHECKING:
    from backend_lint.plugin_cache import PluginCache


class Plugin:
    """flake8 entry point ``BE``."""

    name = "backend-lint"
    version = __version__
    _checker: ClassVar[Optional[Checker]] = None
    _idle: ClassVar[bool] = False
    """Whether flake8's selection leaves out every rule (then no rule is even imported)."""
    _results: ClassVar[Optional[PluginCache]] = None
    """The findings of the files as the last runs checked them (:class:`~backend_lint.plugin_cache.PluginCache`)."""

    def __init__(self, tree: ast.AST, filename: str, lines: list[str]) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines

    @classmethod
    def parse_options(cls, option_manager: Any, options: Any, args: list[str]) -> None:
        """Called once per flake8 run, in the main process, before flake8 forks its workers: build the project
        model of the paths being checked here, so that every worker inherits it (never once per file).

        flake8 runs every installed plugin on every file and only then drops the codes its selection leaves out,
        so ``flake8 --select E,F,W`` would pay for all of backend-lint's analysis and show none of it. The rules
        flake8 would not report are switched off here, before anything is built: with no ``BE`` code selected
        the plugin does no work at all."""
        checker = cls.checker()
        checker.leave_out(_not_selected(options))
        cls._idle = not any(checker.config.is_enabled(code) for code in rule_codes())
        if cls._idle:
            return
        if checker.engine.project_rules():
            from backend_lint.parallel import fewer_collections  # noqa: PLC0415 - only when a rule needs it
            from backend_lint.project_run import prepared_index  # noqa: PLC0415

            with fewer_collections():  # decoding the summary cache makes many objects, none of them garbage
                checker.project = prepared_index(list(args or ["."]), checker.config, use_cache=True)
                checker.project.build_models()
                cls._results = _result_cache(checker)
        # What is loaded now (the rules, the analysis, the summaries and models) lives until the run ends: frozen,
        # the collections flake8's own work starts no longer walk it (without this the plugin's share of the
        # collector's time was about a quarter of its overhead on Django's sources), and forked workers share it.
        gc.freeze()

    @classmethod
    def checker(cls) -> Checker:
        if cls._checker is None:
            try:
                config = load_config(start=Path.cwd())
            except ConfigError as exc:  # flake8 shows this as the plugin's failure, naming the file
                raise SystemExit(f"backend-lint: error: {exc}") from None
            cls._checker = Checker.from_config(config)
        return cls._checker

    def run(self) -> Iterator[tuple[int, int, str, type[Any]]]:
        if self._idle:
            return
        checker = self.checker()
        source = "".join(self.lines)
        if source.startswith("\ufeff"):
            source = source[1:]
        display = os.path.normpath(self.filename) if self.filename not in ("-", "stdin") else self.filename
        if not isinstance(self.tree, ast.Module):
            return
        result = self._check(checker, self.tree, source, display)
        for finding in result.findings:
            yield finding.line, finding.col - 1, f"{finding.code} {finding.message}", type(self)
        if result.errors:  # a rule crashed: flake8 reports this as the plugin's failure on this file
            raise RuntimeError("; ".join(str(error) for error in result.errors))

    def _check(self, checker: Checker, tree: ast.Module, source: str, display: str) -> FileResult:
        """The file's findings: from the result cache when the same text was checked with the same tool,
        configuration and selection (settled again with this run's model), else from the walk."""
        cache = self._results
        if cache is None or display in ("-", "stdin"):
            return checker.check_tree(tree, source, display)
        absolute = os.path.abspath(display)
        text_digest = hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()
        findings = cache.lookup(absolute, text_digest)
        if findings is None:
            result = checker.walk_tree(tree, source, display)
            cache.store(absolute, text_digest, result)
        else:
            result = FileResult(display, findings=findings)
        return checker.settle(result, display)


def _result_cache(checker: Checker) -> Optional[PluginCache]:
    """The plugin's result cache in the configuration's cache folder (``check``'s), its last run's files joined."""
    from backend_lint.cache import CACHE_DIR_NAME, run_key  # noqa: PLC0415 - with the model
    from backend_lint.plugin_cache import PluginCache  # noqa: PLC0415

    config = checker.config
    codes = ["flake8", *(rule.code for rule in checker.rules)]
    cache = PluginCache(Path(config.root) / CACHE_DIR_NAME, run_key(config.fingerprint(), Path(config.root), codes))
    cache.compact()
    return cache


def _not_selected(options: Any) -> list[str]:
    """The rule codes flake8's own selection (``--select``, ``--extend-select``, ``--ignore`` and their
    configuration-file forms) would not report, decided by flake8's decision engine itself."""
    from flake8.style_guide import Decision, DecisionEngine  # type: ignore[import-untyped]  # noqa: PLC0415 - flake8 calls us

    try:
        decide = DecisionEngine(options)
    except AttributeError:  # options from a caller that is not flake8's command line: leave the selection alone
        return []
    return [code for code in rule_codes() if decide.decision_for(code) is not Decision.Selected]
