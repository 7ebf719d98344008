"""Recall on realistic service code: run ``backend-lint check`` on each labelled project and score it per rule.

Precision is measured by judging samples of findings on real applications (docs/precision.md); that cannot show
what the rules miss. This scores the other half on code written for it: six small services (FastAPI, Flask,
Django/DRF, Starlette, aiohttp, Litestar) in ``benchmarks/recall/``, written from the guidance with seeded problems
and near misses, labelled before the tool was run. A label line reads::

    project/path.py:LINE CODE TRUE|NEAR — why

``TRUE`` is a problem a reviewer following the guidance would flag on that line; ``NEAR`` is correct code that
looks like one and must not be flagged. A label counts as found when a finding has its code, its file and a line
within one of it; each finding is matched to its nearest label only. Run ``python benchmarks/recall.py``; it
prints recall and near misses flagged per rule, then every miss and every finding no label explains.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
_LABEL = re.compile(
    r"(?P<path>\S+?):(?P<line>\d+)\s+(?P<code>BE\d+)\s+(?P<kind>TRUE|NEAR)\b\s*(?:[—-]+\s*)?(?P<why>.*)")


@dataclass(frozen=True)
class Label:
    path: str
    line: int
    code: str
    kind: str
    why: str


def read_labels(path: Path) -> list[Label]:
    """Every label line of ``path``; blank lines and ``#`` comments are skipped, anything else is an error (a typo
    in a label must not silently shrink the denominator)."""
    labels = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        match = _LABEL.fullmatch(text.strip())
        if match is None:
            raise SystemExit(f"{path}:{number}: not a label line: {text!r}")
        labels.append(Label(match["path"], int(match["line"]), match["code"], match["kind"], match["why"]))
    return labels


def findings_of(project: Path) -> list[tuple[str, int, str]]:
    """``(path below the labels' folder, line, code)`` of every finding of one project, checked on its own: copied
    to a temporary folder first, as a user's checkout stands alone. Inside this repository its modules would sit
    under ``benchmarks/``, and module roles are read below the repository's top: every rule that leaves benchmark
    harnesses alone would be silent."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / project.name
        shutil.copytree(project, copy, ignore=shutil.ignore_patterns("__pycache__", ".backend_lint_cache"))
        run = subprocess.run(
            [sys.executable, "-m", "backend_lint", "check", "--no-cache", "--exit-zero", "--output-format", "json",
             str(copy)], capture_output=True, text=True, check=False,
        )
        if run.returncode != 0:
            raise SystemExit(f"backend-lint failed on {project}: {run.stderr.strip()}")
        found = []
        for finding in json.loads(run.stdout):
            where = Path(finding["path"]).resolve().relative_to(Path(scratch).resolve())
            found.append((where.as_posix(), int(finding["line"]), finding["code"]))
    return found


def match(labels: list[Label], found: list[tuple[str, int, str]]) -> tuple[set[Label], list[tuple[str, int, str]]]:
    """The labels some finding hits (each finding hits its nearest label within one line) and the findings that
    hit none."""
    hit: set[Label] = set()
    unexplained = []
    for path, line, code in found:
        near = [label for label in labels if label.path == path and label.code == code and abs(label.line - line) <= 1]
        if near:
            hit.add(min(near, key=lambda label: abs(label.line - line)))
        else:
            unexplained.append((path, line, code))
    return hit, unexplained


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=HERE / "recall",
                        help="a folder of projects with a labels.txt (default: benchmarks/recall)")
    args = parser.parse_args(argv)
    labels = read_labels(args.folder / "labels.txt")
    projects = sorted({label.path.split("/", 1)[0] for label in labels})
    found = [item for project in projects for item in findings_of(args.folder / project)]
    hit, unexplained = match(labels, found)
    rows: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for label in labels:
        rows[label.code][label.kind] += 1
        rows[label.code][label.kind + " hit"] += label in hit
    print("| rule | TRUE labels | found | recall | NEAR labels | NEAR flagged |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    total: collections.Counter[str] = collections.Counter()
    for code in sorted(rows):
        row = rows[code]
        total.update(row)
        recall = f"{100 * row['TRUE hit'] // row['TRUE']} %" if row["TRUE"] else ""
        print(f"| {code} | {row['TRUE']} | {row['TRUE hit']} | {recall} | {row['NEAR']} | {row['NEAR hit']} |")
    print(f"| all | {total['TRUE']} | {total['TRUE hit']} | {100 * total['TRUE hit'] // max(total['TRUE'], 1)} % "
          f"| {total['NEAR']} | {total['NEAR hit']} |")
    print("\nMissed:")
    for label in labels:
        if label.kind == "TRUE" and label not in hit:
            print(f"  {label.path}:{label.line} {label.code} — {label.why}")
    print("\nNear misses flagged:")
    for label in labels:
        if label.kind == "NEAR" and label in hit:
            print(f"  {label.path}:{label.line} {label.code} — {label.why}")
    print("\nFindings no label explains:")
    for path, line, code in unexplained:
        print(f"  {path}:{line} {code}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
