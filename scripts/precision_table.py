"""Turn judged verdict lines into the precision table of ``docs/precision.md``.

    python scripts/precision_table.py --findings-in all.json --seed 101 verdicts/*.txt > table.md

The findings file is the one ``precision_sample.py --findings-out`` wrote; the seed is the sample's. Each
verdict file holds lines ``CODE path:line VERDICT — reason`` (``../shared/judging.md``); other lines are ignored.
The script draws the same sample again and refuses verdicts that do not match it: every sampled finding needs
exactly one verdict, and a verdict for a finding outside the sample is an error, so a published table is the
judging of the seeded sample and nothing else. Precision is TRUE / (TRUE + FALSE); the target (issue 17) is
90 % per code with UNCLEAR under a fifth of its sample.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from precision_sample import draw

VERDICT = re.compile(r"^(?P<code>BE\d{3}) (?P<path>\S+):(?P<line>\d+) (?P<verdict>TRUE|FALSE|UNCLEAR)\b(?P<rest>.*)$")
TARGET = 0.9
UNCLEAR_SHARE = 0.2


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--findings-in", type=Path, required=True, help="the findings precision_sample.py wrote")
    parser.add_argument("--seed", type=int, required=True, help="the seed the judged sample was drawn with")
    parser.add_argument("--per-code", type=int, default=10, help="findings drawn per code (default: 10)")
    parser.add_argument("--select", help="comma-separated codes: a table of these codes only (a round that judged "
                        "part of the sample); the others get no row")
    parser.add_argument("verdicts", type=Path, nargs="+", help="files of verdict lines")
    return parser.parse_args()


Key = tuple[str, str, int]


def read_verdicts(paths: list[Path]) -> dict[Key, list[tuple[str, str]]]:
    """Each ``(code, path, line)``'s verdicts in file order: a sample can hold two findings of a code on one line
    (two queries on one line), judged one verdict line each, in the sample's order."""
    found: dict[Key, list[tuple[str, str]]] = {}
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            match = VERDICT.match(line.strip())
            if match is None:
                continue
            key = (match["code"], match["path"], int(match["line"]))
            found.setdefault(key, []).append((match["verdict"], line.strip()))
    return found


def table(run: dict, sample: dict[str, list[dict]], verdicts: dict[Key, list[tuple[str, str]]]) -> str:
    counts = collections.Counter(finding["code"] for finding in run["findings"])
    names = {finding["code"]: finding["name"] for finding in run["findings"]}
    wanted = collections.Counter((code, item["path"], item["line"]) for code, items in sample.items() for item in items)
    given = collections.Counter({key: len(found) for key, found in verdicts.items()})
    missing = sorted((wanted - given).elements())
    extra = sorted((given - wanted).elements())
    if missing or extra:
        sys.exit("verdicts do not match the sample:\n"
                 + "".join(f"  no verdict: {c} {p}:{n}\n" for c, p, n in missing)
                 + "".join(f"  not sampled: {c} {p}:{n}\n" for c, p, n in extra))
    lines = run["lines"] or 1
    out = ["| Code | Name | Findings | Per 1,000 lines | Judged | TRUE | FALSE | UNCLEAR | Precision | Target |",
           "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    totals: collections.Counter[str] = collections.Counter()
    for code in sorted(counts):
        tally = collections.Counter(
            verdict for key in wanted if key[0] == code for verdict, _line in verdicts[key]
        )
        totals.update(tally)
        judged = sum(tally.values())
        decided = tally["TRUE"] + tally["FALSE"]
        precision = f"{100 * tally['TRUE'] / decided:.0f} %" if decided else "n/a"
        met = decided and tally["TRUE"] / decided >= TARGET and tally["UNCLEAR"] < UNCLEAR_SHARE * judged
        out.append(f"| {code} | `{names[code]}` | {counts[code]} | {1000 * counts[code] / lines:.3f} | {judged} | "
                   f"{tally['TRUE']} | {tally['FALSE']} | {tally['UNCLEAR']} | {precision} | "
                   f"{'met' if met else 'not met'} |")
    decided = totals["TRUE"] + totals["FALSE"]
    overall = f"{100 * totals['TRUE'] / decided:.0f} %" if decided else "n/a"
    out.append(f"| all | | {sum(counts.values())} | {1000 * sum(counts.values()) / lines:.3f} | "
               f"{sum(totals.values())} | {totals['TRUE']} | {totals['FALSE']} | {totals['UNCLEAR']} | {overall} | "
               f"{'met' if decided and totals['TRUE'] / decided >= TARGET else 'not met'} |")
    out += ["", "## Verdicts", ""]
    for code in sorted(sample):
        out += [f"### {code} `{names[code]}`", ""]
        seen: collections.Counter[Key] = collections.Counter()
        for item in sample[code]:
            key = (code, item["path"], item["line"])
            out.append(verdicts[key][seen[key]][1])
            seen[key] += 1
        out.append("")
    return "\n".join(out)


def main() -> int:
    args = arguments()
    run = json.loads(args.findings_in.read_text(encoding="utf-8"))
    sample = draw(run["findings"], args.seed, args.per_code)
    if args.select:
        codes = {code.strip() for code in args.select.split(",")}
        sample = {code: items for code, items in sample.items() if code in codes}
        run = {**run, "findings": [finding for finding in run["findings"] if finding["code"] in codes]}
    print(table(run, sample, read_verdicts(args.verdicts)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
