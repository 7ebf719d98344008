"""Draw a seeded sample of findings on real code and write it out for judging (how precise is each rule?).

    python scripts/precision_sample.py --seed 1 -o sample.md               # the shared corpus
    python scripts/precision_sample.py --seed 1 -o sample.md PATH [PATH...]  # any folders
    python scripts/precision_sample.py --seed 1 --findings-out all.json -o sample.md
    python scripts/precision_sample.py --seed 2 --findings-in all.json -o sample2.md  # redraw, no new run

It runs ``backend-lint check`` as a real process (JSON, ``--no-cache``, all cores) over the roots, sorts every
finding by (path, line, column, code) and draws up to ``--per-code`` findings of each code with a random
generator seeded by the seed *and the code*, so a code's sample depends only on the seed and that code's
findings (a change in another rule does not reshuffle it). The Markdown file holds the command, the commit,
findings and findings per 1,000 lines per code, and each sampled finding with its source (±10 lines) and an
empty ``Verdict:`` line; ``../shared/judging.md`` says how to fill it in. Paths are relative to the root.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import re
import shlex
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus_check import root_parser, selected_roots

ROOT = Path(__file__).resolve().parents[1]
CONTEXT_LINES = 10
LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the line ends Python counts, so numbers match the finding's


def arguments() -> argparse.Namespace:
    parser = root_parser(__doc__ or "")
    parser.add_argument("--seed", type=int, required=True, help="seed of the sample (draw a new one per round)")
    parser.add_argument("--per-code", type=int, default=10, help="findings drawn per code (default: 10)")
    parser.add_argument("--select", help="comma-separated codes or prefixes to sample (default: every code)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes for check")
    parser.add_argument("--findings-out", type=Path, help="write every finding (sorted JSON) to this file")
    parser.add_argument("--findings-in", type=Path, help="reuse a --findings-out file instead of running check")
    parser.add_argument("-o", "--output", type=Path, default=Path("precision-sample.md"),
                        help="the Markdown file to write (default: precision-sample.md)")
    return parser.parse_args()


def commit() -> str:
    """The backend-lint commit that produced the findings (``-dirty`` when the checkout has changes)."""
    result = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty", "--abbrev=12"],
                            capture_output=True, text=True, check=False)
    if result.returncode == 0:
        return result.stdout.strip()
    from backend_lint import __version__  # noqa: PLC0415 (only when not run from a checkout)

    return f"version {__version__} (not a git checkout)"


def base_of(root: Path) -> Path:
    return root if root.is_dir() else root.parent


def relative(path: str, roots: list[Path]) -> str:
    """``path`` relative to the root it lies in; prefixed with that root's name when there are several."""
    resolved = Path(path).resolve()
    for root in sorted(roots, key=lambda item: len(str(item)), reverse=True):
        base = base_of(root).resolve()
        if resolved.is_relative_to(base):
            inside = resolved.relative_to(base).as_posix()
            return f"{root.name}/{inside}" if len(roots) > 1 else inside
    return resolved.as_posix()


def absolute(path: str, roots: list[Path]) -> Path:
    """The file a relative path of :func:`relative` names."""
    if len(roots) == 1:
        return base_of(roots[0]) / path
    head, _, rest = path.partition("/")
    root = next((item for item in roots if item.name == head), None)
    return base_of(root) / rest if root is not None else Path(path)


def count_lines(roots: list[Path]) -> tuple[int, int]:
    """Files and lines that ``check`` looks at (its own discovery and excludes), for findings per 1,000 lines."""
    from backend_lint.config import load_config  # noqa: PLC0415 (the installed package, as the CLI runs it)
    from backend_lint.files import discover  # noqa: PLC0415

    files = lines = 0
    for root in roots:
        config = load_config(start=base_of(root))
        for item in discover([str(root)], config):
            if isinstance(item, str):
                data = Path(item).read_bytes()
                files += 1
                lines += len(LINE_BREAK.findall(data.decode("latin-1"))) + (not data.endswith((b"\n", b"\r")))
    return files, lines


def run_check(roots: list[Path], select: str | None, jobs: int) -> dict:
    """Every finding of one ``check`` process over the roots, sorted, with what produced them."""
    options = ["check", "--output-format", "json", "--no-cache", "--no-color", "--exit-zero", "--jobs", str(jobs),
               *(["--select", select] if select else []), *(str(root) for root in roots)]
    result = subprocess.run([sys.executable, "-m", "backend_lint", *options], capture_output=True, text=True,
                            cwd=ROOT, check=False, env={**os.environ, "NO_COLOR": "1"})
    if result.returncode not in (0, 2) or not result.stdout.strip():
        sys.exit(f"check failed (exit {result.returncode}):\n{result.stderr[-3000:]}")
    not_checked = [line for line in result.stderr.splitlines() if line.startswith("backend-lint: error:")]
    findings = [{**finding, "path": relative(finding["path"], roots)} for finding in json.loads(result.stdout)]
    files, lines = count_lines(roots)
    return {"command": shlex.join(["backend-lint", *options]), "commit": commit(),
            "roots": [str(root) for root in roots], "files": files, "lines": lines, "not_checked": not_checked,
            "findings": sorted(findings, key=order)}


def order(finding: dict) -> tuple:
    return (finding["path"], finding["line"], finding["column"], finding["code"])


def selected(code: str, select: str | None) -> bool:
    return not select or any(code.startswith(prefix.strip().upper()) for prefix in select.split(","))


def draw(findings: list[dict], seed: int, per_code: int) -> dict[str, list[dict]]:
    """Up to ``per_code`` findings of each code, in sorted order; a code's draw depends on the seed and the code."""
    by_code: dict[str, list[dict]] = collections.defaultdict(list)
    for finding in sorted(findings, key=order):
        by_code[finding["code"]].append(finding)
    sample = {}
    for code, items in sorted(by_code.items()):
        chosen = range(len(items))
        if len(items) > per_code:
            chosen = sorted(random.Random(f"{seed}:{code}").sample(range(len(items)), per_code))
        sample[code] = [items[index] for index in chosen]
    return sample


def excerpt(path: Path, line: int) -> str:
    """The source around ``line`` with line numbers, the finding's line marked ``>``, in a fence it cannot close."""
    try:
        lines = LINE_BREAK.split(path.read_bytes().decode("utf-8", errors="replace"))
    except OSError as exc:
        return f"(source not readable: {exc})\n"
    first, last = max(1, line - CONTEXT_LINES), min(len(lines), line + CONTEXT_LINES)
    width = len(str(last))
    body = "\n".join(f"{'>' if number == line else ' '} {number:>{width}} | {lines[number - 1]}".rstrip()
                     for number in range(first, last + 1))
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", body)), default=0))
    return f"{fence}python\n{body}\n{fence}\n"


def markdown(run: dict, sample: dict[str, list[dict]], seed: int, per_code: int, select: str | None) -> str:
    counts = collections.Counter(finding["code"] for finding in run["findings"] if selected(finding["code"], select))
    names = {finding["code"]: finding["name"] for finding in run["findings"]}
    roots = [Path(root) for root in run["roots"]]
    out = [
        "# backend-lint precision sample", "",
        f"- Seed: {seed}; up to {per_code} findings per code"
        f"{f'; codes: {select}' if select else ''}; sorted by (path, line, column, code)",
        f"- Command: `{run['command']}`",
        f"- backend-lint commit: `{run['commit']}`",
        f"- Roots: {', '.join(f'`{root}`' for root in run['roots'])}; {run['files']:,} files, "
        f"{run['lines']:,} lines; {len(run['not_checked'])} files not checked (reasons on check's stderr)",
        "- Judge each finding by `../shared/judging.md`: `CODE path:line VERDICT — reason`, "
        "VERDICT one of TRUE, FALSE, UNCLEAR.", "",
        "## Findings per code", "",
        "| Code | Name | Findings | Per 1,000 lines | Sampled |", "| --- | --- | ---: | ---: | ---: |",
    ]
    for code in sorted(counts):
        rate = 1000 * counts[code] / run["lines"] if run["lines"] else 0.0
        out.append(f"| {code} | `{names[code]}` | {counts[code]} | {rate:.3f} | {len(sample.get(code, []))} |")
    out.append(f"| all | | {sum(counts.values())} | "
               f"{1000 * sum(counts.values()) / run['lines'] if run['lines'] else 0.0:.3f} | "
               f"{sum(len(items) for items in sample.values())} |")
    for code, items in sample.items():
        out += ["", f"## {code} `{names[code]}` ({len(items)} of {counts[code]})"]
        for finding in items:
            out += ["", f"### {code} {finding['path']}:{finding['line']}", "",
                    f"Column {finding['column']}: {finding['message']}", "",
                    excerpt(absolute(finding["path"], roots), finding["line"]) + "\nVerdict:"]
    return "\n".join(out) + "\n"


def main() -> int:
    args = arguments()
    if args.findings_in:
        run = json.loads(args.findings_in.read_text(encoding="utf-8"))
    else:
        run = run_check(selected_roots(args, with_stdlib=False), args.select, args.jobs)
        for line in run["not_checked"]:
            print(line, file=sys.stderr)
    if args.findings_out:
        args.findings_out.write_text(json.dumps(run, indent=1) + "\n", encoding="utf-8")
    findings = [finding for finding in run["findings"] if selected(finding["code"], args.select)]
    sample = draw(findings, args.seed, args.per_code)
    args.output.write_text(markdown(run, sample, args.seed, args.per_code, args.select), encoding="utf-8")
    print(f"{len(findings)} findings in {run['files']} files ({run['lines']} lines); "
          f"{sum(len(items) for items in sample.values())} sampled into {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
