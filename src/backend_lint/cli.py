"""The ``backend-lint`` command: ``check``, ``fix`` and ``rule``, with ruff's flags and flake8's output.

Exit codes (also in ``--help``): 0 no findings; 1 findings remain (or ``--diff`` would change files);
2 a usage or configuration error, a file that could not be checked, or an internal error.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Optional, TextIO

from backend_lint import __version__
from backend_lint.adoption import Adoption
from backend_lint.adoption import add_arguments as add_adoption_arguments
from backend_lint.analysis.project.file_text import Listings
from backend_lint.config import Config, ConfigError, load_config, validate_selectors
from backend_lint.files import Unreadable, decode_source, discover, read_source
from backend_lint.finding import Applicability, FileError, FileResult
from backend_lint.outputs import FORMATS, renderer
from backend_lint.outputs.report import Report
from backend_lint.progress import Progress
from backend_lint.registry import all_rule_classes, rule_by_name_or_code, rule_codes
from backend_lint.runner import Checker

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

EPILOG = """\
exit codes:
  0  no findings (or --exit-zero, when every file could be checked)
  1  findings remain, or --diff would change at least one file
  2  usage or configuration error, a file that could not be checked, or an internal error
A closed output pipe (`backend-lint check | head`) ends the run quietly with the status above.

stderr: errors, warnings (`no Python files found under PATH`), and, when stderr is a terminal and the
run takes over two seconds, a progress line (files done / total) that is erased before the report.

examples:
  backend-lint check src/                      report findings
  backend-lint check --select BE2 --statistics count resilience findings per rule
  backend-lint check --output-format full src/ each finding with its source line
  backend-lint fix src/ --diff                 show what the safe fixes would change
  backend-lint fix src/ --unsafe-fixes         apply safe and unsafe fixes
  backend-lint rule BE401                      explain a rule
  cat app.py | backend-lint check - --stdin-filename app.py
"""


def _codes(value: str) -> list[str]:
    return [part.strip().upper() for part in value.split(",") if part.strip()]


def _add_selection_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                        help="files or folders to check (default: .); '-' reads standard input")
    parser.add_argument("--select", type=_codes, metavar="CODES",
                        help="comma-separated codes or prefixes to enable (replaces the configured select)")
    parser.add_argument("--extend-select", type=_codes, default=[], metavar="CODES",
                        help="codes or prefixes to enable in addition")
    parser.add_argument("--ignore", type=_codes, default=[], metavar="CODES",
                        help="codes or prefixes to disable (added to the configured ignore)")
    parser.add_argument("--config", type=Path, metavar="PATH",
                        help="pyproject.toml to read [tool.backend-lint] from (default: nearest one upward)")
    parser.add_argument("--output-format", choices=sorted(FORMATS), default="concise",
                        help="report format: concise (default; one flake8-style line per finding), full (each "
                        "finding with its source line, a caret, the rule's name and fix, and counts per rule), "
                        "json, github, sarif, gitlab, junit")
    parser.add_argument("--statistics", action="store_true", help="print counts per rule instead of findings")
    parser.add_argument("--exit-zero", action="store_true",
                        help="exit 0 even when findings remain (a file that could not be checked still exits 2)")
    parser.add_argument("--stdin-filename", metavar="PATH",
                        help="the path of the code read from '-', for messages, per-file rules and config")
    parser.add_argument("--unsafe-fixes", action="store_true",
                        help="also apply fixes that need review (see each rule's Fix section)")
    parser.add_argument("--diff", action="store_true",
                        help="with `fix` or `--fix` only: print a unified diff of the fixes and write nothing; "
                        "the findings left are reported with the lines of the files on disk")
    parser.add_argument("--show-internal-errors", "-v", "--verbose", action="store_true",
                        dest="verbose", help="print tracebacks of internal errors and skipped-file details")
    parser.add_argument("--no-color", action="store_true", help="never colour the output")
    parser.add_argument("--jobs", "-j", type=_jobs, default=None, metavar="N",
                        help="worker processes for checking (default: all cores; fixing runs in one process)")
    parser.add_argument("--no-cache", action="store_true",
                        help="neither read nor write the result cache (.backend_lint_cache/ at the project root)")


def _terminal_columns() -> int:
    """The terminal's width as ``shutil.get_terminal_size`` gives it (``COLUMNS``, then the terminal, then 80)."""
    with contextlib.suppress(KeyError, ValueError):
        columns = int(os.environ["COLUMNS"])
        if columns > 0:
            return columns
    stream = sys.__stdout__
    try:
        return (os.get_terminal_size(stream.fileno()).columns or 80) if stream is not None else 80
    except (AttributeError, ValueError, OSError):
        return 80


class _Help(argparse.HelpFormatter):
    """argparse's formatter, told the width: left to itself it imports ``shutil`` for it (and ``shutil`` imports
    ``bz2`` and ``lzma``), at every ``add_argument``, so a run that prints no help paid a few milliseconds."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_terminal_columns() - 2)


class _RawHelp(_Help, argparse.RawDescriptionHelpFormatter):
    """The same, keeping the epilog's and descriptions' own line breaks."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backend-lint",
        description="Static code review for Python backends: framework-aware rules for data access, "
        "resilience, API handlers, observability and security, with autofixes.",
        epilog=EPILOG,
        formatter_class=_RawHelp,
    )
    parser.add_argument("--version", action="version", version=f"backend-lint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = commands.add_parser("check", help="report findings", epilog=EPILOG,
                                formatter_class=_RawHelp,
                                description="Check Python files and report findings.")
    _add_selection_arguments(check)
    check.add_argument("--fix", action="store_true", help="apply fixes, then report what is left")
    add_adoption_arguments(check)
    fix = commands.add_parser("fix", help="apply safe fixes (--unsafe-fixes for all), then report what is left",
                              epilog=EPILOG, formatter_class=_RawHelp,
                              description="Apply fixes in place (or print them with --diff), then report "
                              "the findings that are left.")
    _add_selection_arguments(fix)
    rule = commands.add_parser("rule", help="print a rule's page, or --list every rule", formatter_class=_Help,
                               description="Explain a rule: prints its page from the catalog.")
    rule.add_argument("code", nargs="?", help="rule code or name, e.g. BE401 or print-in-backend-code")
    rule.add_argument("--list", action="store_true", help="list every rule: code, name, fix kind")
    rule.add_argument("--output-format", choices=("text", "json"), default="text")
    commands.add_parser("server", help="run the language server on stdin/stdout (needs backend-lint[server])",
                        formatter_class=_Help,
                        description="Serve the Language Server Protocol on stdin/stdout for an editor: "
                        "findings as you type, quick fixes, hover. See docs/editors.md.")
    return parser


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM unwinds like Ctrl-C, so a fix being written removes its temporary file."""
    raise SystemExit(128 + signum)


def main(argv: Optional[list[str]] = None) -> int:
    with contextlib.suppress(ValueError):  # not the main thread (main() called from a thread): no handler to set
        signal.signal(signal.SIGTERM, _terminate)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_ERROR
    if args.command == "server":
        from backend_lint.server import main as serve  # noqa: PLC0415 - pygls is loaded only here

        return serve()
    try:
        if args.command == "rule":
            return _rule_command(args, parser)
        return _check_command(args, fixing=args.command == "fix" or args.fix)
    except ConfigError as exc:
        print(f"backend-lint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("backend-lint: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader closed the pipe while a diff or fixed code was being written (`fix --diff | head`): stop
        # quietly, like other Unix tools. What was being written was a change, hence 1 (a page: 0).
        _stop_writing(sys.stdout)
        return EXIT_CLEAN if args.command == "rule" else EXIT_FINDINGS


def _rule_command(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from backend_lint.catalog import META_CODES, load_page  # noqa: PLC0415

    if args.list:
        classes = all_rule_classes()
        if args.output_format == "json":
            import json  # noqa: PLC0415

            print(json.dumps([cls.describe() for cls in classes], indent=2))
        else:
            for cls in classes:
                print(f"{cls.code}  {cls.name:<36} fix: {cls.fix_kind.label}")
        return EXIT_CLEAN
    if not args.code:
        parser.error("rule: give a rule code (e.g. BE401) or --list")
    found = rule_by_name_or_code(args.code)
    if found is None and args.code.upper() in META_CODES:
        meta = load_page(args.code.upper())
        if meta is not None:
            sys.stdout.write(meta.text)
            return EXIT_CLEAN
    if found is None:
        known = ", ".join(c.code for c in all_rule_classes())
        print(f"backend-lint: error: unknown rule `{args.code}` (known: {known})", file=sys.stderr)
        return EXIT_ERROR
    page = load_page(found.code)
    if page is None:
        print(f"backend-lint: error: no page for {found.code} in this installation", file=sys.stderr)
        return EXIT_ERROR
    sys.stdout.write(page.text if page.text.endswith("\n") else page.text + "\n")
    return EXIT_CLEAN


def _configure(args: argparse.Namespace) -> Config:
    first = next((Path(p) for p in args.paths if p != "-"), None)
    if first is None and args.stdin_filename:
        first = Path(args.stdin_filename).parent
    start = first if first is not None and first.exists() else Path.cwd()
    config = load_config(args.config, start=start if start.is_dir() else start.parent)
    if args.select is not None:
        validate_selectors(args.select, "--select")
        config.select = args.select
    validate_selectors(args.extend_select, "--extend-select")
    validate_selectors(args.ignore, "--ignore")
    config.extend_select = [*config.extend_select, *args.extend_select]
    config.ignore = [*config.ignore, *args.ignore]
    return config


def _use_color(args: argparse.Namespace, stream: TextIO) -> bool:
    if args.no_color or os.environ.get("NO_COLOR"):
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def _check_command(args: argparse.Namespace, fixing: bool) -> int:
    if args.diff and not fixing:
        raise ConfigError("`--diff` needs `fix` or `--fix` (it shows what the fixes would change)")
    config = _configure(args)
    if os.environ.get("GITHUB_ACTIONS") == "true" and args.output_format == "concise":
        print("backend-lint: running in GitHub Actions; `--output-format github` gives annotations",
              file=sys.stderr)
    checker = Checker.from_config(config)
    adoption = Adoption.from_args(args, config, checker)
    threshold = Applicability.UNSAFE if args.unsafe_fixes else Applicability.SAFE
    report = Report(
        fix_mode=fixing,
        statistics=args.statistics,
        color=args.output_format in ("concise", "full") and _use_color(args, sys.stdout),
        unsafe_fixes=args.unsafe_fixes,
    )
    from backend_lint.parallel import is_file_item  # noqa: PLC0415 - not for `rule`

    listings = Listings()  # discovery's listings of the folders, for the project readers of a warm run
    discovered = list(discover(args.paths, config, listings))
    _warn_if_no_python_files(args.paths, discovered)
    items = list(adoption.narrow(discovered))
    progress = Progress(sum(1 for item in items if is_file_item(item)), sys.stderr)
    diff_changes = 0
    for item, checked in _checked_items(args, checker, fixing, items, progress, (discovered, listings)):
        if isinstance(item, tuple):
            _report_error(FileError(*item), report, args, progress)
            continue
        if item == "-":
            result, changed = _check_stdin(args, checker, fixing, threshold, report)
        elif fixing:
            result, changed = _fix_one(item, checker, threshold, args)
            progress.advance()
        else:
            assert checked is not None
            result, changed = checked, False
        diff_changes += changed
        report.files_checked += 1
        report.fixed += result.fixed
        report.findings.extend(result.findings)
        adoption.observe(result)
        for error in result.errors:
            _report_error(error, report, args, progress)
        for finding, reason in result.refused:
            if args.verbose or "would not parse" in reason:  # the latter is a bug in a fix: always say it
                progress.clear()
                print(f"{finding.path}:{finding.line}:{finding.col}: {finding.code} fix not applied: {reason}",
                      file=sys.stderr)
    progress.clear()
    status = adoption.finish(report)
    if status is not None:
        return status
    return _write_report(args, report, fixing, diff_changes)


def _write_report(args: argparse.Namespace, report: Report, fixing: bool, diff_changes: int) -> int:
    """Render the report; the exit status (a closed pipe does not change it)."""
    if report.errors:
        status = EXIT_ERROR
    elif args.exit_zero:
        status = EXIT_CLEAN
    elif report.findings or (args.diff and diff_changes):
        status = EXIT_FINDINGS
    else:
        status = EXIT_CLEAN
    # `fix -` writes the fixed code to stdout (editors replace the buffer with it): the report goes to stderr.
    out = sys.stderr if fixing and "-" in args.paths and not args.diff else sys.stdout
    try:
        renderer(args.output_format)(report, out)
        out.flush()
    except BrokenPipeError:  # `backend-lint check | head`: the reader has what it wanted; the status stands
        _stop_writing(out)
    return status


def _warn_if_no_python_files(paths: list[str], discovered: list[Any]) -> None:
    """A typo'd or empty folder checks nothing and passes: say so (exit status unchanged)."""
    if "-" in paths or any(isinstance(item, str) for item in discovered):  # a str is a file; a tuple an error
        return
    missing = {item[0] for item in discovered if isinstance(item, tuple)}
    given = [path for path in paths if path not in missing]
    if given:
        print(f"backend-lint: warning: no Python files found under {', '.join(given)}", file=sys.stderr)


def _stop_writing(stream: TextIO) -> None:
    """The reader closed the pipe: point the stream's descriptor at /dev/null, so that nothing more is written
    and Python's flush at exit does not print a second BrokenPipeError."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)


def _jobs(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a number of processes (1 or more), got {value!r}")
    return int(value)


def _checked_items(
    args: argparse.Namespace, checker: Checker, fixing: bool, items: list[Any], progress: Progress,
    discovered: tuple[list[Any], Listings],
) -> Iterator[tuple[Any, Optional[FileResult]]]:
    """The items with their check results, in discovery order, settled with the project model project by project
    (fixing checks each file itself, later, once the model is ready). ``discovered``: what discovery found for the
    paths given and the folders' listings it took, so that settling does not walk those folders again."""
    from backend_lint.parallel import fewer_collections, is_file_item  # noqa: PLC0415
    from backend_lint.project_run import prepared_index  # noqa: PLC0415

    if fixing:
        if checker.engine.project_rules():
            checker.project = prepared_index([item for item in items if is_file_item(item)], checker.config,
                                             not args.no_cache)
        yield from ((item, None) for item in items)  # fixing checks each file itself, in this process
        return
    with fewer_collections():  # from the cache's load on: a warm run's objects are not garbage either
        yield from _checked(args, checker, items, progress, discovered)


def _checked(
    args: argparse.Namespace, checker: Checker, items: list[Any], progress: Progress,
    discovered: tuple[list[Any], Listings],
) -> Iterator[tuple[Any, Optional[FileResult]]]:
    """``check``'s items with their results (:func:`_checked_items`)."""
    from backend_lint.cache import ResultCache, SummaryCache  # noqa: PLC0415 - only when checking
    from backend_lint.parallel import check_items, default_jobs, is_file_item  # noqa: PLC0415
    from backend_lint.project_run import Discovery, Settling  # noqa: PLC0415

    # The cache is found from the codes of the enabled rules, and it says whether they ask the project model:
    # a warm run imports no rule (the checker builds its rules at its first miss).
    config = checker.config
    cache = None if args.no_cache else ResultCache.for_run(config, enabled_codes(config))
    modelled = cache.modelled if cache is not None and cache.modelled is not None else None
    if modelled is None:  # no rule asks the project: no model to build
        modelled = bool(checker.engine.project_rules())
    if cache is not None:
        cache.modelled = modelled
        cache.summaries = SummaryCache(cache.folder) if modelled else None
    checker.summarize = modelled
    checker.triggers = cache.triggers if cache is not None else None
    settling = None
    if modelled:
        discovery = Discovery(config, discovered[1])
        discovery.record(args.paths, discovered[0])
        settling = Settling(items, config, not args.no_cache, cache, discovery)
    for item, result in check_items(items, checker, args.jobs or default_jobs(), cache):
        if is_file_item(item):
            progress.advance()
        if settling is None:
            yield item, result
        else:
            yield from settling.add(item, result)
    if settling is not None:
        yield from settling.finish()


def enabled_codes(config: Config) -> list[str]:
    """The codes of the rules ``config`` enables, from the rule modules' names (no rule is imported)."""
    return [code for code in rule_codes() if config.is_enabled(code)]


def _report_error(error: FileError, report: Report, args: argparse.Namespace, progress: Progress) -> None:
    progress.clear()
    report.errors.append(error)
    print(f"backend-lint: error: {error}", file=sys.stderr)
    if args.verbose and error.detail:
        print(error.detail, file=sys.stderr, end="")


def _check_stdin(
    args: argparse.Namespace, checker: Checker, fixing: bool, threshold: Applicability, report: Report
) -> tuple[FileResult, bool]:
    display = args.stdin_filename or "-"
    data = sys.stdin.buffer.read()
    source = decode_source(data)
    if isinstance(source, Unreadable):
        return FileResult(display, errors=[FileError(display, source.reason)]), False
    report.sources[display] = source.text  # on no disk: kept for the `full` format
    if not fixing:
        from backend_lint.analysis.project.model import resolve  # noqa: PLC0415 - only for standard input

        result = checker.check_source(source, display)
        result.findings = resolve(result.findings, None)  # one file, whatever its name: no project settles it
        return result, False
    fixed = checker.fix_source(source, display, threshold)
    if args.diff:
        sys.stdout.write(_diff(display, source.text, fixed.text))
        return _as_before_fix(fixed.result, source.text, fixed.text), fixed.changed
    sys.stdout.write(fixed.text)
    report.sources[display] = fixed.text
    return fixed.result, fixed.changed


def _as_before_fix(result: FileResult, before: str, after: str) -> FileResult:
    """``--diff`` wrote nothing: the findings left are reported at their lines in the text on disk."""
    from backend_lint.fixing.positions import findings_before_fix  # noqa: PLC0415

    result.findings = findings_before_fix(result.findings, before, after)
    result.fixed = 0
    return result


def _fix_one(
    path: str, checker: Checker, threshold: Applicability, args: argparse.Namespace
) -> tuple[FileResult, bool]:
    from backend_lint.fixing.writer import ConcurrentChange, atomic_write  # noqa: PLC0415

    source = read_source(path)
    if isinstance(source, Unreadable):
        return FileResult(path, errors=[FileError(path, source.reason)]), False
    fixed = checker.fix_source(source, path, threshold)  # a fix that raises is refused there, and reported
    result, text = fixed.result, fixed.text
    if text == source.text:
        return result, False
    if args.diff:
        sys.stdout.write(_diff(path, source.text, text))
        return _as_before_fix(result, source.text, text), True
    try:
        atomic_write(path, source.encode(text), expected_old=source.raw)
    except ConcurrentChange:
        result.errors.append(FileError(path, "changed on disk while being fixed; left as it is"))
        return result, False
    except (OSError, UnicodeEncodeError) as exc:
        result.errors.append(FileError(path, f"could not write the fixed file: {exc}"))
        return result, False
    return result, True


def _diff(path: str, before: str, after: str) -> str:
    import difflib  # noqa: PLC0415 - only for --diff, never on a warm run

    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{path}", f"b/{path}"
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
