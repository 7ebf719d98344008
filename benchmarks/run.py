"""The benchmark: backend-lint against the parse floor and its peers, on the same files, in one run.

    python benchmarks/run.py [FOLDER] [--runs N] [--jobs N] [--skip SECTION ...] [--only SECTION ...]

``--only warm`` measures just the two cache targets (the warm run against ruff's cold run, the run after
editing one file against the warm run): one uncounted cold run fills the cache, and no floor is taken.

FOLDER defaults to the pinned corpus of real backends (``../shared/corpus/fetch`` downloads it once and prints
its folder). Every figure is the median wall time of ``--runs`` runs of a fresh process; the table gives
lines per second and the ratio to the floor (the floor's time divided by the command's: 0.5 means half the
floor's throughput). The floor is what any Python linter pays: reading every file and ``ast.parse`` on it, in
one process. Peers (ruff, bandit) are measured when installed (``pip install -e ".[bench]"``); nothing is
installed at run time. Speed is measured here, never by timed assertions in tests.

The commands whose ratio a target is about run in turn in each round (A B A B ...), and the target's figure is
the median of the per-round ratios: on a shared machine whose speed drifts, a paired ratio holds where two
medians taken minutes apart do not. After the table, each target is printed with its measured figure and
whether it is met. Commands run with bytecode writing allowed (``PYTHONDONTWRITEBYTECODE`` removed), as an
installed package runs: a warm-up run compiles the modules once.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = Path.home() / ".cache" / "backend-lint-corpus" / "src"
FETCH = REPO.parent / "shared" / "corpus" / "fetch"
CACHE_DIR = ".backend_lint_cache"
SECTIONS = ("floor", "check", "cache", "flake8", "peers", "fix", "memory")
ONLY = (*SECTIONS[1:], "warm")
"""What ``--only`` takes: the sections after the floor, and ``warm`` (the cache section without its cold rows)."""

_FLOOR = r"""
import ast, sys, time, warnings
warnings.simplefilter("ignore")
paths = sys.stdin.read().splitlines()
lines = 0
start = time.perf_counter()
for path in paths:
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        ast.parse(data)
    except (SyntaxError, ValueError):
        pass
    lines += data.count(b"\n")
print(time.perf_counter() - start, lines)
"""

_FILES = r"""
import sys
from backend_lint.config import Config
from backend_lint.files import discover
for item in discover(sys.argv[1:], Config()):
    if isinstance(item, str):
        print(item)
"""


@dataclass
class Row:
    label: str
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    max_rss_kb: int = 0
    note: str = ""
    memory_only: bool = False

    @property
    def median(self) -> float:
        return statistics.median(self.times)


ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def _timed(command: list[str], cwd: Path, stdin: bytes | None = None) -> tuple[float, float, int, bytes]:
    """Wall time, CPU time (the process and the workers it waited for), max RSS in KiB, stdout."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                                   stdout=out, stderr=subprocess.DEVNULL, env=ENV)
        if stdin:
            process.stdin.write(stdin)  # type: ignore[union-attr]
            process.stdin.close()  # type: ignore[union-attr]
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, out.read()


def _tool(name: str) -> list[str] | None:
    found = shutil.which(name)
    return [found] if found else None


@dataclass
class Spec:
    """One command of a round: what it is called, how to run it, and what to do before each run."""

    label: str
    command: list[str] = field(default_factory=list)
    note: str = ""
    before: Callable[[], None] | None = None
    floor_setup: str | None = None  # an in-process floor measurement instead of a command


@dataclass
class Target:
    """A target of the issue: a figure, its bound and whether it is met."""

    name: str
    figure: str
    met: bool


class Bench:
    def __init__(self, folder: Path, runs: int, jobs: int, scratch: Path, warmup: int = 1) -> None:
        self.folder = folder
        self.runs = runs
        self.warmup = warmup
        self.jobs = jobs
        self.scratch = scratch  # an empty working folder: no project configuration applies
        self.rows: list[Row] = []
        self.by_label: dict[str, Row] = {}
        self.targets: list[Target] = []
        self.restore: list[tuple[Path, bytes]] = []  # files the benchmark edits, with their bytes
        listing = subprocess.run([sys.executable, "-c", _FILES, str(folder)], capture_output=True, check=True,
                                 env=ENV)
        self.files = listing.stdout
        self.file_count = len(listing.stdout.splitlines())
        self.lines = 0
        self.floor = 0.0
        self.floor_cpu = 0.0

    def rounds(self, specs: list[Spec], runs: int = 0) -> list[Row]:
        """Run every spec once per round, in turn, after ``--warmup`` rounds that are not counted."""
        rows = [Row(spec.label, note=spec.note) for spec in specs]
        for counted in [False] * self.warmup + [True] * (runs or self.runs):
            for spec, row in zip(specs, rows):
                if spec.before:
                    spec.before()
                if spec.floor_setup is not None:
                    _, cpu, rss, out = _timed([sys.executable, "-c", spec.floor_setup + _FLOOR], self.scratch,
                                              self.files)
                    seconds, lines = out.split()
                    wall = float(seconds)
                    self.lines = int(lines)
                else:
                    wall, cpu, rss, _ = _timed(spec.command, self.scratch)
                if counted:
                    row.times.append(wall)
                    row.cpu.append(cpu)
                    row.max_rss_kb = max(row.max_rss_kb, rss)
        for row in rows:
            self.rows.append(row)
            self.by_label[row.label] = row
            print(f"  {row.label}: {row.median:.2f} s", file=sys.stderr)
        return rows

    def clear_cache(self) -> None:
        """The cache sits at the project root: the folder of a configuration, else the working folder."""
        for root in (self.folder, self.scratch):
            shutil.rmtree(root / CACHE_DIR, ignore_errors=True)

    def clear_plugin_results(self) -> None:
        """Remove the flake8 plugin's result files (:mod:`backend_lint.plugin_cache`), keeping the summaries."""
        for root in (self.folder, self.scratch):
            for file in (root / CACHE_DIR).glob("*-flake8-*.json"):
                file.unlink(missing_ok=True)

    def undo_edits(self) -> None:
        while self.restore:
            path, original = self.restore.pop()
            path.write_bytes(original)

    def target(self, name: str, figure: str, met: bool) -> None:
        self.targets.append(Target(name, figure, met))

    def table(self) -> str:
        out = [
            f"corpus: {self.folder} ({self.file_count} files, {self.lines:,} lines); "
            f"{os.cpu_count()} cores; Python {sys.version.split()[0]}; median of {self.runs} runs",
            "",
            "| measurement | median s | lines/s | x floor (wall) | CPU s | x floor (CPU) | max RSS MiB | note |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        for row in self.rows:
            if row.memory_only:
                out.append(f"| {row.label} | | | | | | {row.max_rss_kb / 1024:.0f} | {row.note} |")
                continue
            speed = self.lines / row.median if row.median else 0
            ratio = self.floor / row.median if row.median else 0
            cpu = statistics.median(row.cpu)
            cpu_ratio = self.floor_cpu / cpu if cpu else 0
            if not self.lines:  # ``--only warm``: no floor was taken
                out.append(f"| {row.label} | {row.median:.2f} | | | {cpu:.2f} | | {row.max_rss_kb / 1024:.0f} | "
                           f"{row.note} |")
                continue
            out.append(
                f"| {row.label} | {row.median:.2f} | {speed:,.0f} | {ratio:.2f} | {cpu:.2f} | {cpu_ratio:.2f} | "
                f"{row.max_rss_kb / 1024:.0f} | {row.note} |"
            )
        if self.targets:
            out += ["", "| target | measured | status |", "|---|---|---|"]
            out += [f"| {t.name} | {t.figure} | {'met' if t.met else '**not met**'} |" for t in self.targets]
        return "\n".join(out)


def paired(first: Row, second: Row, cpu: bool = False) -> float:
    """The median over the rounds of ``first``'s time divided by ``second``'s (wall, or CPU)."""
    a, b = (first.cpu, second.cpu) if cpu else (first.times, second.times)
    return statistics.median(x / y for x, y in zip(a, b) if y)


def _corpus() -> Path:
    if DEFAULT_CORPUS.is_dir() and any(DEFAULT_CORPUS.iterdir()):
        return DEFAULT_CORPUS
    if not FETCH.is_file():
        sys.exit(f"no folder given and {FETCH} not found: pass a folder of Python code")
    printed = subprocess.run(["bash", str(FETCH)], capture_output=True, text=True, check=True).stdout
    return Path(printed.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, help="code to measure on (default: the pinned corpus)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement; the median is shown")
    parser.add_argument("--slow-runs", type=int, default=0,
                        help="runs of the slow measurements (flake8, bandit, fix); default: --runs")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="workers for the all-cores run")
    parser.add_argument("--skip", nargs="*", default=[], choices=SECTIONS, help="sections to leave out")
    parser.add_argument("--only", nargs="*", default=[], choices=ONLY,
                        help="run only these sections (``warm``: the warm and edit targets, no floor, no cold rows)")
    parser.add_argument("--warmup", type=int, default=1,
                        help="rounds run first and not counted (they compile the modules and fill file caches)")
    args = parser.parse_args(argv)
    folder = (args.folder or _corpus()).resolve()
    with tempfile.TemporaryDirectory() as scratch:
        bench = Bench(folder, args.runs, args.jobs, Path(scratch), args.warmup)
        print(f"measuring on {folder} ({bench.file_count} files)", file=sys.stderr)
        if args.only == ["warm"]:
            _warm(bench, folder)
            print(bench.table())
            return 0
        floor, _ = bench.rounds([
            Spec(FLOOR, note="in-process time (no interpreter start-up)", floor_setup=""),
            Spec("floor with backend-lint's GC threshold", note="in-process time (no interpreter start-up)",
                 floor_setup="import gc; gc.set_threshold(100_000, 10, 10)\n"),
        ])
        bench.floor, bench.floor_cpu = floor.median, statistics.median(floor.cpu)
        for section in SECTIONS[1:]:
            if section not in args.skip and (not args.only or section in args.only):
                SECTION_RUNNERS[section](bench, folder, args.slow_runs or args.runs)
    print(bench.table())
    return 0


LINT = [sys.executable, "-m", "backend_lint"]
CHECK = [*LINT, "check", "--exit-zero", "--output-format", "json"]
FLOOR = "floor: read + `ast.parse`, one process"
RUFF_SELECT = "S,G,LOG,T20,ASYNC,BLE"


def _check(bench: Bench, folder: Path, slow_runs: int) -> None:
    """One core and all cores against the floor, in the same rounds (the floor is rerun in each)."""
    floor, one, every = bench.rounds([
        Spec("floor (paired with the check rows)", note="in-process time", floor_setup=""),
        Spec("`check -j1 --no-cache`", [*CHECK, "-j", "1", "--no-cache", str(folder)]),
        Spec(f"`check -j{bench.jobs} --no-cache`", [*CHECK, "-j", str(bench.jobs), "--no-cache", str(folder)]),
    ])
    ratio = 1 / paired(one, floor)
    bench.target("one core at least 0.5x the parse floor's throughput",
                 f"{ratio:.2f}x (paired; CPU {1 / paired(one, floor, cpu=True):.2f}x)", ratio >= 0.5)
    speedup = 1 / paired(every, one)
    bench.target(f"{bench.jobs} cores at least 1.8x one core", f"{speedup:.2f}x (paired; CPU ratio "
                 f"{paired(every, one, cpu=True):.2f})", speedup >= 1.8)


def _edit_one_file(bench: Bench) -> Callable[[], None]:
    """Before each run, give one file of median size a new last line (restored when the benchmark ends)."""
    paths = sorted(bench.files.decode().splitlines(), key=os.path.getsize)
    chosen = Path(paths[len(paths) // 2])
    original = chosen.read_bytes()
    counter = iter(range(1_000_000))
    bench.restore.append((chosen, original))

    def edit() -> None:
        chosen.write_bytes(original + f"\n# backend-lint benchmark edit {next(counter)}\n".encode())

    return edit


def _cache(bench: Bench, folder: Path, slow_runs: int) -> None:
    bench.rounds([Spec("`check` cold, writing the cache", [*CHECK, str(folder)], before=bench.clear_cache)])
    # The last cold run left the cache full: the warm rounds start from it.
    _warm_rounds(bench, folder)


def _warm(bench: Bench, folder: Path) -> None:
    """``--only warm``: one cold run, not counted, fills the cache; then the warm rounds."""
    bench.clear_cache()
    _timed([*CHECK, str(folder)], bench.scratch)
    _warm_rounds(bench, folder)


def _warm_rounds(bench: Bench, folder: Path) -> None:
    specs = [
        Spec("`check` warm cache", [*CHECK, str(folder)]),
        Spec("`check` warm cache, one file edited", [*CHECK, str(folder)], before=_edit_one_file(bench),
             note="a file of median size gets a new line before each run"),
    ]
    ruff = _tool("ruff")
    if ruff:
        specs.append(Spec(f"`ruff check --select {RUFF_SELECT} --no-cache`",
                          [*ruff, "check", "--no-cache", "--exit-zero", "-q", "--select", RUFF_SELECT, str(folder)],
                          note="ruff uses every core"))
    try:
        rows = bench.rounds(specs)
    finally:
        bench.undo_edits()
    bench.clear_cache()
    warm, edited = rows[0], rows[1]
    ratio = paired(edited, warm)
    bench.target("warm run after editing one file at most 2x the warm run",
                 f"{ratio:.2f}x (paired; CPU {paired(edited, warm, cpu=True):.2f}x)", ratio <= 2)
    if ruff:
        against = paired(warm, rows[2])
        bench.target("warm run faster than ruff's cold run", f"{against:.2f}x ruff's time (paired; "
                     f"{warm.median:.2f} s against {rows[2].median:.2f} s)", against < 1)


def _flake8(bench: Bench, folder: Path, slow_runs: int) -> None:
    """flake8 alone, with the plugin over files it checked before (its result cache warm, as for every run after
    the first), and with the plugin's results removed before each run (a first run over the files, or files all
    edited since; the project's summaries stay cached, as they are for any run after the first ``check``)."""
    flake8 = [sys.executable, "-m", "flake8", "--isolated", "-j", "1", "--exit-zero", "--output-file", os.devnull]
    command = [*flake8, "--select", "E,F,W,BE", str(folder)]
    plain, with_be, first = bench.rounds([
        Spec("`flake8 --select E,F,W -j1`", [*flake8, "--select", "E,F,W", str(folder)]),
        Spec("`flake8 --select E,F,W,BE -j1`", command, note="the plugin's results of the last run kept"),
        Spec("`flake8 --select E,F,W,BE -j1`, first run", command, before=bench.clear_plugin_results,
             note="the plugin's results removed before each run"),
    ], runs=slow_runs)
    for label, row in (("a run after the first", with_be), ("a first run", first)):
        overhead = paired(row, plain) - 1
        bench.target(f"`flake8 --select BE` overhead under 10 %, {label}", f"{overhead:+.1%} (paired; CPU "
                     f"{paired(row, plain, cpu=True) - 1:+.1%})", overhead < 0.10)


def _peers(bench: Bench, folder: Path, slow_runs: int) -> None:
    bandit = _tool("bandit")
    if bandit:
        bench.rounds([Spec("`bandit -r -q`", [*bandit, "-r", "-q", "-f", "json", "-o", os.devnull, str(folder)],
                           note="one process")], runs=slow_runs)
    else:
        print("  (install the peers with: pip install -e '.[bench]')", file=sys.stderr)


def _fix(bench: Bench, folder: Path, slow_runs: int) -> None:
    bench.rounds([Spec("`fix --diff --no-cache`", [*LINT, "fix", "--diff", "--exit-zero", "--no-cache", str(folder)],
                       note="one process; libcst only on files with a fix")], runs=slow_runs)


def _memory(bench: Bench, folder: Path, slow_runs: int) -> None:
    """Max RSS of ``check -j1`` on growing parts of the corpus: flat means nothing grows with the files."""
    parts = sorted(path for path in folder.iterdir() if path.is_dir() and path.name != CACHE_DIR)
    peaks = []
    for count in sorted({1, max(1, min(3, len(parts))), len(parts)}):
        chosen = [str(part) for part in parts[:count]]
        _, _, rss, _ = _timed([*CHECK, "-j", "1", "--no-cache", *chosen], bench.scratch)
        listed = [line for line in bench.files.splitlines() if any(
            line.decode().startswith(part + os.sep) for part in chosen)]
        files = len(listed)
        # The floor's own peak follows the largest file's tree: it says how much of check's peak is that.
        _, _, floor_rss, _ = _timed([sys.executable, "-c", _FLOOR], bench.scratch, b"\n".join(listed))
        row = Row(f"max RSS of `check -j1`, {count} of {len(parts)} folders ({files} files)",
                  max_rss_kb=rss, memory_only=True, note=f"the floor on the same files: {floor_rss / 1024:.0f} MiB")
        bench.rows.append(row)
        peaks.append((files, rss / 1024))
        print(f"  {row.label}: {rss / 1024:.0f} MiB", file=sys.stderr)
    growth = peaks[-1][1] / peaks[0][1]
    bench.target("memory flat in the number of files (all folders at most 1.5x one folder)",
                 ", ".join(f"{mib:.0f} MiB on {files} files" for files, mib in peaks), growth <= 1.5)


SECTION_RUNNERS = {"check": _check, "cache": _cache, "flake8": _flake8, "peers": _peers, "fix": _fix,
                   "memory": _memory}

if __name__ == "__main__":
    raise SystemExit(main())
