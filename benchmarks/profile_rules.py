"""Where the time of ``check`` goes, in one process: reading, parsing, the walk, and each rule's callbacks.

    python benchmarks/profile_rules.py [FOLDER] [--select CODES]

Each rule's callbacks are wrapped with a timer (the idea of Fixit's per-rule ``metrics``), so the figures
include the shared analysis a rule triggers first (a memoized summary is charged to the rule that asked for
it first). The walk row is the engine's own cost: the time inside ``Engine.check`` minus the callbacks. The
timers add a little to every callback, so the rule rows are upper bounds. Times are CPU times, so other
work on the machine does not distort them. Measure with ``benchmarks/run.py``;
this script says why a figure is what it is.
"""

from __future__ import annotations

import argparse
import ast
import gc
import time
import warnings
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from backend_lint import engine
from backend_lint.analysis.project.index import ProjectIndex
from backend_lint.analysis.project.model import resolve
from backend_lint.analysis.project.roots import module_name
from backend_lint.config import Config
from backend_lint.files import decode_source, discover
from backend_lint.runner import Checker, apply_noqa

DEFAULT_CORPUS = Path.home() / ".cache" / "backend-lint-corpus" / "src"


def _timed(spent: dict[str, float], key: str, callback: Callable[[Any, Any], None]) -> Callable[[Any, Any], None]:
    clock = time.process_time  # CPU time: other processes on the machine do not count

    def run(node: Any, ctx: Any) -> None:
        start = clock()
        try:
            callback(node, ctx)
        finally:
            spent[key] += clock() - start

    return run


def _instrument(checker: Checker) -> dict[str, float]:
    spent: dict[str, float] = defaultdict(float)
    for rule in checker.rules:
        for table in (rule.visitors, rule.leavers):
            for names in table.values():
                for name in names:
                    setattr(rule, name, _timed(spent, rule.code, getattr(rule, name)))
    checker.engine._dispatch_cache.clear()
    return spent


def _time_summaries(phases: dict[str, float]) -> None:
    """Charge the project summary taken after each walk to its own phase (``check`` takes it in every run)."""
    summarize = engine._summary

    def timed(ctx: Any, errors: Any) -> Any:
        start = time.process_time()
        try:
            return summarize(ctx, errors)
        finally:
            phases[SUMMARY] += time.process_time() - start

    engine._summary = timed  # type: ignore[assignment]


SUMMARY = "project summary (per file, after the walk)"
SETTLE = "project model and settling findings"


def _profile(folder: Path, checker: Checker, spent: dict[str, float]) -> tuple[dict[str, float], int, int, int]:
    phases: dict[str, float] = defaultdict(float)
    clock = time.process_time  # CPU time: other processes on the machine do not count
    files = lines = active = 0
    modelled = bool(checker.engine.project_rules())
    _time_summaries(phases)
    index = ProjectIndex()
    results = []
    for item in discover([str(folder)], checker.config):
        if not isinstance(item, str):
            continue
        start = clock()
        with open(item, "rb") as handle:
            data = handle.read()
        source = decode_source(data)
        read = clock()
        phases["read + decode"] += read - start
        if not hasattr(source, "text"):
            continue
        try:
            tree = ast.parse(source.text)
        except (SyntaxError, ValueError):
            continue
        parsed = clock()
        phases["ast.parse"] += parsed - read
        active += len(checker.engine.active_rules(source.text))
        triggers = clock() - parsed
        phases["trigger words"] += triggers
        callbacks_before = sum(spent.values())
        checked = clock()
        summary_before = phases[SUMMARY]
        result = checker.engine.check(tree, source.text, item, item, module=module_name(item) if modelled else "",
                                      summarize=modelled)
        done = clock()
        walk = (done - checked) - (sum(spent.values()) - callbacks_before) - triggers  # check() runs them too
        walk -= phases[SUMMARY] - summary_before
        phases["walk (engine, without rule callbacks)"] += walk
        result.findings = apply_noqa(result.findings, source.text)
        phases["noqa"] += clock() - done
        if result.summary is not None:
            index.add(item, result.summary)
            results.append((item, result))
        files += 1
        lines += data.count(b"\n")
    start = clock()
    for item, result in results:
        if any(finding.unless for finding in result.findings):
            result.findings = resolve(result.findings, index.model_for(item))
    phases[SETTLE] += clock() - start
    return phases, files, lines, active


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--select", default="BE", help="comma-separated codes or prefixes (default: BE)")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    checker = Checker.from_config(Config(select=[code.strip().upper() for code in args.select.split(",")]))
    spent = _instrument(checker)
    gc.set_threshold(100_000, *gc.get_threshold()[1:])  # as `check` runs (backend_lint.parallel)
    phases, files, lines, active = _profile(args.folder, checker, spent)
    total = sum(phases.values()) + sum(spent.values())
    parse = phases["ast.parse"] or 1.0
    print(f"{files} files, {lines:,} lines; {len(checker.rules)} rules, {active / max(files, 1):.1f} run per "
          f"file on average (the others' trigger words are absent)\n")
    print("| phase | seconds | share | x parse |")
    print("|---|---:|---:|---:|")
    rules = ("all rule callbacks (with the analysis they ask for)", sum(spent.values()))
    for name, seconds in [*phases.items(), rules]:
        print(f"| {name} | {seconds:.2f} | {seconds / total:.0%} | {seconds / parse:.2f} |")
    print("\n| rule | seconds | x parse |")
    print("|---|---:|---:|")
    for code, seconds in sorted(spent.items(), key=lambda item: -item[1]):
        print(f"| {code} | {seconds:.2f} | {seconds / parse:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
