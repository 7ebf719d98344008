"""The benchmark: backend-lint against the parse floor and its peers, on the same files, in one run.

    python benchmarks/run.py [FOLDER] [--runs N] [--jobs N] [--skip SECTION ...]

FOLDER defaults to the pinned corpus of real backends (``../shared/corpus/fetch`` downloads it once and prints
its folder). Every figure is the median wall time of ``--runs`` runs of a fresh process; the table gives
lines per second and the ratio to the floor (the floor's time divided by the command's: 0.5 means half the
floor's throughput). The floor is what any Python linter pays: reading every file and ``ast.parse`` on it, in
one process. Peers (ruff, bandit) are measured when installed (``pip install -e ".[bench]"``); nothing is
installed at run time. Speed is measured here, never by timed assertions in tests.
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
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = Path.home() / ".cache" / "backend-lint-corpus" / "src"
FETCH = REPO.parent / "shared" / "corpus" / "fetch"
CACHE_DIR = ".backend_lint_cache"
SECTIONS = ("floor", "check", "cache", "flake8", "peers", "fix", "memory")

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


def _timed(command: list[str], cwd: Path, stdin: bytes | None = None) -> tuple[float, float, int, bytes]:
    """Wall time, CPU time (the process and the workers it waited for), max RSS in KiB, stdout."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                                   stdout=out, stderr=subprocess.DEVNULL)
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


class Bench:
    def __init__(self, folder: Path, runs: int, jobs: int, scratch: Path) -> None:
        self.folder = folder
        self.runs = runs
        self.jobs = jobs
        self.scratch = scratch  # an empty working folder: no project configuration applies
        self.rows: list[Row] = []
        listing = subprocess.run([sys.executable, "-c", _FILES, str(folder)], capture_output=True, check=True)
        self.files = listing.stdout
        self.file_count = len(listing.stdout.splitlines())
        self.lines = 0
        self.floor = 0.0
        self.floor_cpu = 0.0

    def measure(self, label: str, command: list[str], note: str = "", before=None, runs: int = 0) -> Row:
        row = Row(label, note=note)
        for _ in range(runs or self.runs):
            if before:
                before()
            wall, cpu, rss, _ = _timed(command, self.scratch)
            row.times.append(wall)
            row.cpu.append(cpu)
            row.max_rss_kb = max(row.max_rss_kb, rss)
        self.rows.append(row)
        print(f"  {label}: {row.median:.2f} s", file=sys.stderr)
        return row

    def clear_cache(self) -> None:
        """The cache sits at the project root: the folder of a configuration, else the working folder."""
        for root in (self.folder, self.scratch):
            shutil.rmtree(root / CACHE_DIR, ignore_errors=True)

    def floor_row(self, label: str, setup: str = "") -> Row:
        row = Row(label)
        for _ in range(self.runs):
            _, cpu, rss, out = _timed([sys.executable, "-c", setup + _FLOOR], self.scratch, self.files)
            seconds, lines = out.split()
            row.times.append(float(seconds))
            row.cpu.append(cpu)
            row.max_rss_kb = max(row.max_rss_kb, rss)
            self.lines = int(lines)
        row.note = "in-process time (no interpreter start-up)"
        self.rows.append(row)
        print(f"  {label}: {row.median:.2f} s", file=sys.stderr)
        return row

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
            out.append(
                f"| {row.label} | {row.median:.2f} | {speed:,.0f} | {ratio:.2f} | {cpu:.2f} | {cpu_ratio:.2f} | "
                f"{row.max_rss_kb / 1024:.0f} | {row.note} |"
            )
        return "\n".join(out)


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
    args = parser.parse_args(argv)
    folder = (args.folder or _corpus()).resolve()
    with tempfile.TemporaryDirectory() as scratch:
        bench = Bench(folder, args.runs, args.jobs, Path(scratch))
        print(f"measuring on {folder} ({bench.file_count} files)", file=sys.stderr)
        floor = bench.floor_row("floor: read + `ast.parse`, one process")
        bench.floor, bench.floor_cpu = floor.median, statistics.median(floor.cpu)
        bench.floor_row("floor with backend-lint's GC threshold", "import gc; gc.set_threshold(100_000, 10, 10)\n")
        for section in SECTIONS[1:]:
            if section not in args.skip:
                SECTION_RUNNERS[section](bench, folder, args.slow_runs or args.runs)
    print(bench.table())
    return 0


LINT = [sys.executable, "-m", "backend_lint"]
CHECK = [*LINT, "check", "--exit-zero", "--output-format", "json"]


def _check(bench: Bench, folder: Path, slow_runs: int) -> None:
    bench.measure("`check -j1 --no-cache`", [*CHECK, "-j", "1", "--no-cache", str(folder)])
    bench.measure(f"`check -j{bench.jobs} --no-cache`", [*CHECK, "-j", str(bench.jobs), "--no-cache", str(folder)])


def _cache(bench: Bench, folder: Path, slow_runs: int) -> None:
    bench.measure("`check` cold, writing the cache", [*CHECK, str(folder)], before=bench.clear_cache)
    bench.clear_cache()
    _timed([*CHECK, str(folder)], bench.scratch)
    bench.measure("`check` warm cache", [*CHECK, str(folder)])
    bench.clear_cache()


def _flake8(bench: Bench, folder: Path, slow_runs: int) -> None:
    flake8 = [sys.executable, "-m", "flake8", "--isolated", "-j", "1", "--exit-zero", "--output-file", os.devnull]
    for select in ("E,F,W", "E,F,W,BE"):
        bench.measure(f"`flake8 --select {select} -j1`", [*flake8, "--select", select, str(folder)], runs=slow_runs)


def _peers(bench: Bench, folder: Path, slow_runs: int) -> None:
    ruff, bandit = _tool("ruff"), _tool("bandit")
    if ruff:
        bench.measure("`ruff check --select S,G,LOG,T20,ASYNC,BLE --no-cache`",
                      [*ruff, "check", "--no-cache", "--exit-zero", "-q", "--select", "S,G,LOG,T20,ASYNC,BLE",
                       str(folder)], note="ruff uses every core")
    if bandit:
        bench.measure("`bandit -r -q`", [*bandit, "-r", "-q", "-f", "json", "-o", os.devnull, str(folder)],
                      note="one process", runs=slow_runs)
    if not (ruff and bandit):
        print("  (install the peers with: pip install -e '.[bench]')", file=sys.stderr)


def _fix(bench: Bench, folder: Path, slow_runs: int) -> None:
    bench.measure("`fix --diff --no-cache`", [*LINT, "fix", "--diff", "--exit-zero", "--no-cache", str(folder)],
                  note="one process; libcst only on files with a fix", runs=slow_runs)


def _memory(bench: Bench, folder: Path, slow_runs: int) -> None:
    """Max RSS of ``check -j1`` on growing parts of the corpus: flat means nothing grows with the files."""
    parts = sorted(path for path in folder.iterdir() if path.is_dir() and path.name != CACHE_DIR)
    for count in sorted({1, max(1, len(parts) // 2), len(parts)}):
        chosen = [str(part) for part in parts[:count]]
        _, _, rss, _ = _timed([*CHECK, "-j", "1", "--no-cache", *chosen], bench.scratch)
        files = sum(1 for line in bench.files.splitlines() if any(
            line.decode().startswith(part + os.sep) for part in chosen))
        row = Row(f"max RSS of `check -j1`, {count} of {len(parts)} folders ({files} files)",
                  max_rss_kb=rss, memory_only=True)
        bench.rows.append(row)
        print(f"  {row.label}: {rss / 1024:.0f} MiB", file=sys.stderr)


SECTION_RUNNERS = {"check": _check, "cache": _cache, "flake8": _flake8, "peers": _peers, "fix": _fix,
                   "memory": _memory}

if __name__ == "__main__":
    raise SystemExit(main())
