"""Run ``backend-lint check`` over real code and account for every file: checked, or skipped with a reason.

    python scripts/corpus_check.py                 # the shared corpus and this Python's standard library
    python scripts/corpus_check.py PATH [PATH...]  # any folders
    python scripts/corpus_check.py --stdlib-slice  # the small slice CI runs

It runs the real CLI as a process (one per root) and fails (exit 1) on any internal error or traceback.
The corpus comes from ``../shared/corpus/fetch`` (downloaded on first use). Prints files, findings per rule
and skipped files grouped by reason.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STDLIB = Path(sysconfig.get_paths()["stdlib"])
STDLIB_SLICE = ["json", "email", "asyncio", "test/test_grammar.py", "test/badsyntax_pep3120.py",
                "test/bad_coding.py", "test/tokenizedata", "lib2to3/tests/data"]
ERROR_LINE = re.compile(r"^backend-lint: error: (?P<path>.+?): (?P<reason>.*)$")


def corpus_folder() -> Path:
    fetch = ROOT.parent / "shared" / "corpus" / "fetch"
    if not fetch.is_file():  # a checkout with no ../shared beside it (a git worktree): use what fetch downloaded
        downloaded = Path.home() / ".cache" / "backend-lint-corpus" / "src"
        if downloaded.is_dir():
            return downloaded
        sys.exit(f"no corpus: {fetch} is missing and nothing was downloaded to {downloaded}; give the folders")
    output = subprocess.run(["bash", str(fetch)], capture_output=True, text=True, check=True).stdout
    return Path(output.strip().splitlines()[-1])


def python_files(root: Path) -> int:
    from backend_lint.config import Config  # noqa: PLC0415
    from backend_lint.files import discover  # noqa: PLC0415

    return sum(1 for item in discover([str(root)], Config(root=root)) if isinstance(item, str))


def check(root: Path) -> dict:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "backend_lint", "check", "--output-format", "json", "--no-color", "-v", str(root)],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    elapsed = time.perf_counter() - started
    findings = json.loads(result.stdout or "[]")
    skipped: collections.Counter = collections.Counter()
    internal = []
    for line in result.stderr.splitlines():
        match = ERROR_LINE.match(line)
        if match is None:
            continue
        reason = match["reason"]
        if "internal error" in reason or reason.startswith("internal error"):
            internal.append(line)
        else:
            skipped[re.sub(r"\(.*?\)|'.*?'|line \d+.*", "", reason).strip(" ;:,")] += 1
    return {
        "root": str(root),
        "files": python_files(root),
        "seconds": elapsed,
        "exit": result.returncode,
        "findings": collections.Counter(finding["code"] for finding in findings),
        "skipped": skipped,
        "internal": internal,
        "traceback": "Traceback" in result.stderr and not internal,
    }


def root_parser(description: str) -> argparse.ArgumentParser:
    """The arguments every corpus script takes (folders, or the stdlib slice); a script adds its own to it."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--stdlib-slice", action="store_true", help="only a small slice of the stdlib (CI)")
    return parser


def selected_roots(args: argparse.Namespace, with_stdlib: bool = True) -> list[Path]:
    """The folders a script works on: the given paths, the stdlib slice, or the corpus (and the stdlib)."""
    if args.stdlib_slice:
        return [STDLIB / part for part in STDLIB_SLICE if (STDLIB / part).exists()]
    return args.paths or ([corpus_folder(), STDLIB] if with_stdlib else [corpus_folder()])


def roots_from_arguments(description: str) -> list[Path]:
    """The folders a script that takes no other arguments works on."""
    return selected_roots(root_parser(description).parse_args())


def main() -> int:
    roots = roots_from_arguments(__doc__ or "")
    failed = False
    for root in roots:
        report = check(root)
        skipped = sum(report["skipped"].values())
        print(f"== {report['root']}: {report['files']} files, {report['files'] - skipped} checked, "
              f"{skipped} skipped with a reason, {len(report['internal'])} internal errors, "
              f"{sum(report['findings'].values())} findings, {report['seconds']:.1f} s")
        for code, count in sorted(report["findings"].items()):
            print(f"   {code}: {count}")
        for reason, count in report["skipped"].most_common():
            print(f"   skipped {count}: {reason}")
        for line in report["internal"]:
            print(f"   INTERNAL: {line}")
        if report["traceback"]:
            print("   TRACEBACK on stderr")
        if report["internal"] or report["traceback"] or report["exit"] not in (0, 1, 2):
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    os.environ.setdefault("NO_COLOR", "1")
    sys.exit(main())
