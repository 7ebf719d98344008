"""Adopting backend-lint on legacy code: the ``check`` flags that decide which findings a run reports.

``--write-baseline`` / ``--baseline`` (and ``baseline`` in ``[tool.backend-lint]``) hide known findings
(:mod:`backend_lint.baseline`); ``--diff-base REF`` keeps findings on lines changed since REF
(:mod:`backend_lint.changed_lines`); ``--add-noqa`` writes suppressions (:mod:`backend_lint.add_noqa`);
``--report-unused-noqa`` adds BE000 findings for stale ones (:mod:`backend_lint.unused_noqa`).

The CLI calls three hooks: :meth:`Adoption.from_args` before checking (so a bad baseline or REF fails fast,
before minutes of work), :meth:`Adoption.observe` with each file's result, and :meth:`Adoption.finish`,
which rewrites the report's findings or ends the run itself (writing a baseline or noqa comments prints a
summary instead of findings). Filters compose: the baseline is matched against all of a file's findings
(its counts would be wrong on a subset), then the diff keeps the new lines' findings. With none of the
flags and no configured baseline every hook returns at once.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from backend_lint.config import Config, ConfigError
from backend_lint.files import SourceFile, Unreadable, project_path, read_source
from backend_lint.finding import FileError, FileResult, Finding
from backend_lint.outputs.report import Report

if TYPE_CHECKING:
    from backend_lint import baseline as baseline_file
    from backend_lint.changed_lines import ChangedLines
    from backend_lint.runner import Checker

# The baseline, the changed lines and unused-noqa load only for the flags (and configuration) that ask for them:
# every run goes through these hooks, and on a warm run without the flags importing those modules (three classes
# made at import) cost about as much as reporting.

EXIT_CLEAN, EXIT_ERROR = 0, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The adoption flags of ``backend-lint check``."""
    group = parser.add_argument_group("adopting on existing code (see docs/adopting-on-legacy-code.md)")
    group.add_argument("--write-baseline", type=Path, metavar="FILE",
                       help="record every current finding in FILE (sorted JSON, commit it) and exit 0")
    group.add_argument("--baseline", type=Path, metavar="FILE",
                       help="report only findings not recorded in FILE (default: `baseline` in the config)")
    group.add_argument("--no-baseline", action="store_true", help="ignore the configured baseline")
    group.add_argument("--show-fixed-baseline", action="store_true",
                       help="list baseline entries that no longer occur (on stderr), so the file can shrink")
    group.add_argument("--diff-base", metavar="REF",
                       help="report only findings on lines added or changed since the merge-base of REF and "
                       "HEAD (git), including uncommitted and untracked files")
    group.add_argument("--add-noqa", action="store_true",
                       help="add `# noqa: BE###` to every line with a finding (kept comments merged) and exit")
    group.add_argument("--report-unused-noqa", action="store_true",
                       help="report `# noqa: BE###` comments that suppress nothing, as BE000 unused-noqa")


@dataclass
class _Seen:
    """One checked file as the adoption features need it."""

    result: FileResult
    text: Optional[str]
    extra: list[Finding] = field(default_factory=list)  # unused-noqa findings


@dataclass
class Adoption:
    """What the adoption flags of one run asked for, and the files seen so far."""

    checker: Checker
    write_to: Optional[Path] = None
    baseline: Optional[baseline_file.Baseline] = None
    show_fixed: bool = False
    changes: Optional[ChangedLines] = None
    add_noqa: bool = False
    report_unused: bool = False
    seen: list[_Seen] = field(default_factory=list)

    @classmethod
    def from_args(cls, args: argparse.Namespace, config: Config, checker: Checker) -> Adoption:
        """Validate the flags and load what they need; problems raise :class:`ConfigError` (exit 2)."""
        option = _options(args)
        adoption = cls(checker, write_to=option("write_baseline"), show_fixed=bool(option("show_fixed_baseline")),
                       add_noqa=bool(option("add_noqa")), report_unused=bool(option("report_unused_noqa")))
        if option("fix") and (adoption.write_to or adoption.add_noqa):
            raise ConfigError("--write-baseline and --add-noqa cannot be combined with --fix")
        if adoption.write_to and adoption.add_noqa:
            raise ConfigError("--write-baseline and --add-noqa cannot be combined; choose one way to adopt")
        if adoption.write_to and option("diff_base"):
            raise ConfigError("--write-baseline records every finding; it cannot be combined with --diff-base")
        if adoption.add_noqa and "-" in args.paths:
            raise ConfigError("--add-noqa edits files in place; it cannot read standard input ('-')")
        if not adoption.write_to:
            adoption.baseline = _load_baseline(option("baseline"), config, bool(option("no_baseline")))
        if adoption.show_fixed and adoption.baseline is None:
            raise ConfigError("--show-fixed-baseline needs a baseline (--baseline FILE or `baseline` in the config)")
        if option("diff_base"):
            from backend_lint.changed_lines import changed_lines  # noqa: PLC0415 - see the imports above

            start = next((path for path in args.paths if path != "-"), ".")
            adoption.changes = changed_lines(option("diff_base"), start)
        return adoption

    @property
    def active(self) -> bool:
        return bool(self.write_to or self.baseline or self.changes or self.add_noqa or self.report_unused)

    def narrow(self, items: Iterable[Any]) -> Iterable[Any]:
        """Discovered items worth checking: with ``--diff-base``, files without new lines are skipped.

        Discovery errors and ``-`` pass through. On a pull request this turns a whole-repository run into
        a run over the handful of files it touches.
        """
        changes = self.changes
        if changes is None:
            return items
        return (item for item in items if not isinstance(item, str) or item == "-" or changes.has_changes(item))

    def observe(self, result: FileResult) -> None:
        """Remember one file's result (and its text, when a feature needs it)."""
        if not self.active:
            return
        needs_text = self.report_unused or (result.findings and (self.write_to or self.baseline or self.add_noqa))
        text = result.source
        if needs_text and text is None and result.path != "-":
            source = read_source(result.path)
            text = None if isinstance(source, Unreadable) else source.text
        seen = _Seen(result, text)
        if self.report_unused and text is not None and not result.errors:
            seen.extra = self._unused_noqa(result.path, text)
        self.seen.append(seen)

    def _unused_noqa(self, path: str, text: str) -> list[Finding]:
        from backend_lint.unused_noqa import has_candidates, unused_noqa  # noqa: PLC0415 - see the imports above

        if not has_candidates(text):
            return []
        unsuppressed = self.checker.check_source(SourceFile(text, "utf-8"), path, noqa=False)
        if unsuppressed.errors:
            return []
        return unused_noqa(text, path, unsuppressed.findings, self._active_codes(path))

    def _active_codes(self, path: str) -> set[str]:
        return {rule.code for rule in self.checker.rules_for(project_path(path, self.checker.config))}

    def finish(self, report: Report) -> Optional[int]:
        """Apply the filters to ``report``; an exit code when this run ends here instead of reporting."""
        if not self.active:
            return None
        if self.write_to:
            return self._write_baseline(report)
        checked: dict[str, set[str]] = {}
        findings: list[Finding] = []
        for seen in self.seen:
            findings.extend(self._kept(seen, checked))
        report.findings = findings
        if self.show_fixed and self.baseline is not None:
            _print_fixed(self.baseline, self.baseline.fixed(checked))
        if self.add_noqa:
            return self._add_noqa(report)
        return None

    def _kept(self, seen: _Seen, checked: dict[str, set[str]]) -> list[Finding]:
        findings = sorted([*seen.result.findings, *seen.extra], key=Finding.sort_key)
        if self.baseline is not None:
            from backend_lint import baseline as baseline_file  # noqa: PLC0415 - see the imports above

            path = baseline_file.baseline_path(seen.result.path, self.baseline.folder)
            if findings and seen.text is not None:
                keys = baseline_file.keys_for(findings, seen.text, path)
                findings = [finding for finding, key in zip(findings, keys) if not self.baseline.is_known(key)]
            if not seen.result.errors:
                checked[path] = self._active_codes(seen.result.path)
        if self.changes is not None:
            findings = [f for f in findings if self.changes.touches(f.path, f.line, f.end_line)]
        return findings

    def _write_baseline(self, report: Report) -> int:
        assert self.write_to is not None
        from backend_lint import baseline as baseline_file  # noqa: PLC0415 - see the imports above

        keys: list[baseline_file.Key] = []
        files = 0
        for seen in self.seen:
            findings = sorted([*seen.result.findings, *seen.extra], key=Finding.sort_key)
            if not findings:
                continue
            if seen.text is None:
                report.errors.append(FileError(seen.result.path, "could not be read again to record its findings"))
                continue
            files += 1
            path = baseline_file.baseline_path(seen.result.path, self.write_to.resolve().parent)
            keys.extend(baseline_file.keys_for(findings, seen.text, path))
        try:
            baseline_file.write(self.write_to, keys)
        except OSError as exc:
            raise ConfigError(f"{self.write_to}: cannot write the baseline: {exc}") from None
        noun = "finding" if len(keys) == 1 else "findings"
        print(f"backend-lint: recorded {len(keys)} {noun} in {files} file{'s' if files != 1 else ''} "
              f"in {self.write_to}", file=sys.stderr)
        if report.errors:
            print("backend-lint: files that could not be checked are not in the baseline (see above)", file=sys.stderr)
            return EXIT_ERROR
        return EXIT_CLEAN

    def _add_noqa(self, report: Report) -> int:
        from backend_lint.add_noqa import add_noqa_to_file  # noqa: PLC0415

        texts = {seen.result.path: seen.text for seen in self.seen}
        lines = files = 0
        for path, findings in _by_path(report.findings).items():
            changed, error = add_noqa_to_file(path, findings, texts.get(path))
            if error is not None:
                report.errors.append(error)
                print(f"backend-lint: error: {error}", file=sys.stderr)
            lines += changed
            files += bool(changed)
        print(f"backend-lint: added noqa comments to {lines} line{'s' if lines != 1 else ''} in {files} "
              f"file{'s' if files != 1 else ''}", file=sys.stderr)
        return EXIT_ERROR if report.errors else EXIT_CLEAN


def _options(args: argparse.Namespace) -> Any:
    """``fix`` has none of the adoption flags; read them with defaults so both commands share the hooks."""
    return lambda name: getattr(args, name, None)


def _load_baseline(given: Optional[Path], config: Config, ignore_config: bool) -> Optional[baseline_file.Baseline]:
    if given is None and config.baseline and not ignore_config:
        given = _relative_to_cwd(config.root / config.baseline)
    if given is None:
        return None
    from backend_lint import baseline as baseline_file  # noqa: PLC0415 - see the imports above

    return baseline_file.load(given)


def _relative_to_cwd(path: Path) -> Path:
    """The configured path as messages should show it: relative when it is under the working directory."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def _by_path(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        grouped.setdefault(finding.path, []).append(finding)
    return grouped


def _print_fixed(baseline: baseline_file.Baseline, fixed: list[tuple[baseline_file.Key, int]]) -> None:
    if not fixed:
        print(f"backend-lint: every finding in the baseline {baseline.path} still occurs", file=sys.stderr)
        return
    total = sum(count for _, count in fixed)
    verb = "no longer occurs" if total == 1 else "no longer occur"
    print(f"backend-lint: {total} finding{'s' if total != 1 else ''} in the baseline {baseline.path} {verb}; "
          f"`--write-baseline {baseline.path}` drops {'it' if total == 1 else 'them'}:", file=sys.stderr)
    for key, count in fixed:
        where = f"in `{key.function}`" if key.function else "at module level"
        times = f" ({count}x)" if count > 1 else ""
        print(f"  {key.path}: {key.code} {where}{times}: {key.text}", file=sys.stderr)
