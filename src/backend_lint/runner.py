"""Checking and fixing one file end to end: read, parse once, run the enabled rules, drop suppressed findings.

:meth:`Checker.check_file` is a plain function of a path and a :class:`Checker`, so files can be checked in
any order, in worker processes, or from a cache, and give the same result. :meth:`Checker.fix_source` is the
one library call that fixes text: the CLI (``fix``, ``check --fix``, ``fix -``) and the language server both
use it, so a fix behaves the same in a terminal and in an editor.
"""

from __future__ import annotations

import ast
import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.project.roots import module_name, role_path, shadowed
from backend_lint.config import Config
from backend_lint.files import SourceFile, Unreadable, decode_source, parse_source, project_path, read_source
from backend_lint.finding import Applicability, FileError, FileResult, Finding
from backend_lint.registry import all_rule_classes, rule_class

if TYPE_CHECKING:
    from backend_lint.analysis.project.index import ProjectIndex
    from backend_lint.engine import Engine
    from backend_lint.rule import Rule


def never_run(path: str, text: str) -> bool:
    """The file can never run: a module that no import reaches, its package beside it taking its name
    (:func:`.analysis.project.roots.shadowed`), and no main guard for running it by path. Every rule reports code
    that runs, so such a file has no findings and no summary (docs/project-model.md)."""
    if not shadowed(path):
        return False
    from backend_lint.analysis.reach_names import runs_as_script  # noqa: PLC0415 - only for a shadowed module

    return not runs_as_script(text)


def build_rules(config: Config) -> list[Rule]:
    """Instances of every enabled rule, with their configured options."""
    return [
        cls(config.rule_settings.get(cls.code)) for cls in all_rule_classes() if config.is_enabled(cls.code)
    ]


@dataclass
class FixResult:
    """What fixing one file's text produced.

    ``result`` is the check of the fixed text (the findings left, with the fixed text's line numbers) and its
    errors, which also hold a fix that raised: an internal error of that rule, whose finding stays in
    ``result.findings`` and in ``refused`` while every other fix applies. ``result.fixed`` and
    ``result.refused`` repeat ``applied`` and ``refused`` for the reports.
    """

    text: str  # the fixed text (== source.text when nothing was applied)
    result: FileResult  # the check of the fixed text: findings left, errors
    applied: Counter[str] = field(default_factory=Counter)  # fixes applied per rule code
    refused: list[tuple[Finding, str]] = field(default_factory=list)  # fixes refused, and why

    @property
    def changed(self) -> bool:
        return sum(self.applied.values()) > 0


@dataclass
class Checker:
    """A configuration and the rule instances and engine made from it, reused for every file.

    The rules are imported and the engine built when first needed (:attr:`rules`, :attr:`engine`): a warm
    cached run, which checks nothing, never needs them."""

    config: Config
    summarize: bool = False
    """Take each checked file's summary for the project model (the CLI gathers them while checking)."""
    project: Optional[ProjectIndex] = None
    """The projects' summaries, when they are known before checking (flake8, the editor, ``fix``): findings a
    project fact refutes are dropped as each file is checked."""
    triggers: Optional[dict[str, list[str]]] = None
    """The enabled rules' trigger words by code, when the result cache knows them: until something needs every
    rule, a file is checked with only the rules its text triggers, and only those are imported (the run after
    editing one file imports a few rule modules, not all of them). The rules a file does not trigger would not
    run on it anyway (:meth:`Engine.active_rules <backend_lint.engine.Engine.active_rules>`)."""
    _summary_cached: bool = field(default=False, repr=False)
    """The file being checked has its summary in the summary cache already (:meth:`summary_cached`)."""
    _engine: Optional[Engine] = field(default=None, repr=False)
    _some: Optional[Engine] = field(default=None, repr=False)
    """The rules imported so far for the files checked by their trigger words (:attr:`triggers`)."""

    @classmethod
    def from_config(cls, config: Config) -> Checker:
        return cls(config)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            from backend_lint.engine import Engine  # noqa: PLC0415 - imports the rules and the analysis

            self._engine = Engine(build_rules(self.config))
        return self._engine

    @property
    def rules(self) -> list[Rule]:
        return self.engine.rules

    def leave_out(self, codes: list[str]) -> None:
        """Switch these rules off before checking (flake8's selection): the engine is built again without them."""
        if codes:
            self.config.ignore = [*self.config.ignore, *codes]
            self._engine = None

    def load(self) -> None:
        """Import the rules and build the engine now (before forking workers, which then inherit them)."""
        _ = self.engine

    @property
    def trigger_table(self) -> Optional[dict[str, list[str]]]:
        """Every enabled rule's trigger words by code, once the rules are built (for the result cache)."""
        if self._engine is None:
            return None
        return {rule.code: list(rule.triggers) for rule in self._engine.rules}

    def rules_for(self, relative_path: str, rules: Optional[list[Rule]] = None) -> list[Rule]:
        """The rules (default: every enabled rule) the configuration does not switch off for this file."""
        chosen = self.rules if rules is None else rules
        ignored = self.config.ignored_for(relative_path)
        if not ignored:
            return chosen
        return [rule for rule in chosen if not rule.code.startswith(tuple(code.upper() for code in ignored))]

    def _engine_for(self, text: str, relative_path: str) -> tuple[Engine, list[Rule]]:
        """The engine and the rules to check a file with: every enabled rule, or, while only :attr:`triggers`
        are known, the rules whose trigger words occur in ``text`` (their modules imported now)."""
        if self._engine is not None or self.triggers is None:
            return self.engine, self.rules_for(relative_path)
        if self._some is None:
            from backend_lint.engine import Engine  # noqa: PLC0415 - imports the analysis the rules share

            self._some = Engine([])
        loaded = {rule.code: rule for rule in self._some.rules}
        wanted = [code for code, words in self.triggers.items() if not words or any(word in text for word in words)]
        missing = [code for code in wanted if code not in loaded]
        if missing:
            for code in missing:
                cls = rule_class(code)
                if cls is None:  # the record names a rule this install does not have: build every rule
                    return self.engine, self.rules_for(relative_path)
                loaded[code] = cls(self.config.rule_settings.get(code))
            self._some.rules = [loaded[code] for code in sorted(loaded)]
        return self._some, self.rules_for(relative_path, [loaded[code] for code in wanted])

    def check_source(
        self, source: SourceFile, display_path: str, real_path: Optional[str] = None, noqa: bool = True
    ) -> FileResult:
        """Parse and check decoded text; ``real_path`` locates it in the project (default: ``display_path``).

        ``noqa=False`` keeps the findings ``# noqa`` comments suppress (to find comments that suppress nothing).
        """
        tree = parse_source(source.text, display_path)
        if isinstance(tree, Unreadable):
            return FileResult(display_path, errors=[FileError(display_path, tree.reason)], source=source.text)
        result = self.check_tree(tree, source.text, display_path, real_path)
        if noqa:
            result.findings = apply_noqa(result.findings, source.text)
        result.source = source.text
        return result

    def check_tree(self, tree: ast.Module, text: str, display_path: str, real_path: Optional[str] = None) -> FileResult:
        """Run the rules over a parsed file (flake8 hands its own tree), with the project model where there is
        one: the file's summary taken (``summarize``) and its findings settled (``project``)."""
        return self.settle(self.walk_tree(tree, text, display_path, real_path), real_path or display_path)

    def walk_tree(self, tree: ast.Module, text: str, display_path: str, real_path: Optional[str] = None) -> FileResult:
        """The rules' findings on a parsed file with their project conditions, before :meth:`settle` (what the
        flake8 plugin's result cache keeps)."""
        located = real_path or display_path
        if located not in ("-", "stdin") and never_run(located, text):
            return FileResult(display_path)
        relative = project_path(located, self.config)
        modelled = self._modelled(located)
        engine, rules = self._engine_for(text, relative)
        return engine.check(
            tree, text, display_path, relative, rules,
            module=module_name(located) if modelled else "",
            summarize=self.summarize and modelled and not self._summary_cached,
            role_path=None if located in ("-", "stdin") else role_path(located),
            location=None if located in ("-", "stdin") else os.path.abspath(located),
        )

    @contextmanager
    def summary_cached(self, cached: bool = True) -> Iterator[None]:
        """Check the next file without taking its summary (``check``: the summary cache holds the summary of the
        very bytes being checked, and settling reads it from there)."""
        self._summary_cached = cached
        try:
            yield
        finally:
            self._summary_cached = False

    def _modelled(self, located: str) -> bool:
        return (self.summarize or self.project is not None) and located not in ("-", "stdin")

    def settle(self, result: FileResult, located: str) -> FileResult:
        """Drop the findings of ``result`` (the file at ``located``) that a project fact refutes, with the model of
        :attr:`project`; without a project, those only a project supports (``summarize``: ``check`` settles later)."""
        from backend_lint.analysis.project.model import resolve  # noqa: PLC0415 - with the engine

        modelled = self._modelled(located)
        if self.project is not None and modelled:
            if any(finding.unless for finding in result.findings):  # (most files: no finding, no model asked)
                result.findings = resolve(result.findings, self.project.model_for(located))
        elif not (self.summarize and modelled):
            result.findings = resolve(result.findings, None)  # no project: what only a project supports goes
        return result

    def check_file(self, path: str) -> FileResult:
        source = read_source(path)
        if isinstance(source, Unreadable):
            return FileResult(path, errors=[FileError(path, source.reason)])
        return self.check_source(source, path)

    def fix_source(
        self,
        source: SourceFile,
        path: str,
        threshold: Applicability = Applicability.SAFE,
        only: Optional[Finding] = None,
    ) -> FixResult:
        """Fix ``source`` in memory: every fix at or above ``threshold``, or only the fix of the finding ``only``.

        ``only`` is matched by code and range against a fresh check of ``source`` and applied alone, in one
        pass (an editor's code action); when it no longer matches, nothing changes and ``refused`` says why.
        Nothing here raises for a bad file or a bad fix: a file that does not parse comes back unchanged with
        its error, and a fix that raises is refused for its finding only (see :class:`FixResult`).
        """
        first = self.check_source(source, path)
        if any(error.code is None for error in first.errors):  # unreadable or a syntax error: nothing to fix
            return FixResult(source.text, first)
        from backend_lint.fixing.apply import fix_text, fixable  # noqa: PLC0415 - loads libcst only now

        if only is None and not fixable(first.findings, threshold):
            return FixResult(source.text, first)
        try:
            outcome = fix_text(self, source, path, threshold, first.findings, only=only)
        except Exception as exc:  # a bug in the fixing machinery itself: keep the file and every finding
            import traceback  # noqa: PLC0415 - only when the fixing machinery fails

            reason = f"{type(exc).__name__}: {exc}".splitlines()[0]
            first.errors.append(FileError(path, reason, code="fix", detail=traceback.format_exc()))
            return FixResult(source.text, first)
        result = first
        if outcome.changed:
            result = self.check_source(SourceFile(outcome.text, source.encoding), path)
        result.errors.extend(outcome.errors)
        result.fixed = sum(outcome.applied.values())
        result.refused = outcome.refused
        return FixResult(outcome.text, result, outcome.applied, outcome.refused)

    def check_bytes(self, data: bytes, display_path: str) -> FileResult:
        source = decode_source(data)
        if isinstance(source, Unreadable):
            return FileResult(display_path, errors=[FileError(display_path, source.reason)])
        return self.check_source(source, display_path)


def apply_noqa(findings: list[Finding], text: str) -> list[Finding]:
    """Drop findings whose first line is governed by a matching ``# noqa`` comment (see :mod:`noqa`)."""
    if not findings or "noqa" not in text.lower():
        return findings
    from backend_lint.noqa import NoqaMap  # noqa: PLC0415 - loaded by the first file with findings, not by a warm run

    comments = NoqaMap(text)
    return [finding for finding in findings if not comments.suppresses(finding.line, finding.code)]
