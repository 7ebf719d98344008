"""scripts/precision_sample.py on a tiny corpus of two fake packages, run as a real process.

One real ``check`` run writes the findings; the redraws reuse them (``--findings-in``), which is also how a
judging round redraws without running the corpus again.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes import ENV

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "precision_sample.py"
PRINTS_PER_FILE = 7


def _service(name: str, swallowed: int) -> str:
    """A module of 7 functions that print (BE401) and ``swallowed`` job-queue tasks whose catch-all returns
    ``None`` (BE205, which checks serving code by default)."""
    lines = [f'"""The {name} service."""', "", "from celery import shared_task", ""]
    for index in range(PRINTS_PER_FILE):
        lines += ["", f"async def step_{index}(order):", f'    """Step {index}."""', "    total = order.total",
                  f'    print("step {index}", total)', "    return total", ""]
    for index in range(swallowed):
        lines += ["", "@shared_task", f"def parse_{index}(raw):", "    try:", "        return raw.save()",
                  "    except Exception:", "        return None", ""]
    return "\n".join(lines) + "\n"


def _run(*args: str, cwd: Path) -> str:
    result = subprocess.run([sys.executable, str(SCRIPT), *args], cwd=cwd, capture_output=True, text=True,
                            env=ENV, timeout=600)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _sampled(markdown: str) -> list[tuple[str, str, int]]:
    return [(code, path, int(line)) for code, path, line in re.findall(r"^### (BE\d+) (\S+):(\d+)$", markdown, re.M)]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("corpus")
    sources = {"alpha/alpha/orders.py": _service("orders", 0), "beta/beta/billing.py": _service("billing", 2)}
    for relative, text in sources.items():
        (root / relative).parent.mkdir(parents=True)
        (root / relative).write_text(text, encoding="utf-8")
    findings_file = root.parent / f"{root.name}-findings.json"
    first = root.parent / f"{root.name}-seed7.md"
    _run("--seed", "7", "--per-code", "4", "--findings-out", str(findings_file), "-o", str(first), str(root),
         cwd=root.parent)
    return {"root": root, "sources": sources, "findings": json.loads(findings_file.read_text()),
            "findings_file": findings_file, "first": first.read_text(encoding="utf-8")}


def test_every_finding_is_kept_sorted_with_paths_relative_to_the_root(corpus: dict) -> None:
    findings = corpus["findings"]["findings"]
    assert [(f["code"], f["path"]) for f in findings].count(("BE401", "alpha/alpha/orders.py")) == PRINTS_PER_FILE
    assert sum(f["code"] == "BE401" for f in findings) == 2 * PRINTS_PER_FILE
    assert sum(f["code"] == "BE205" for f in findings) == 2
    keys = [(f["path"], f["line"], f["column"], f["code"]) for f in findings]
    assert keys == sorted(keys)
    assert corpus["findings"]["lines"] == sum(text.count("\n") for text in corpus["sources"].values())
    assert "--no-cache" in corpus["findings"]["command"] and "--output-format json" in corpus["findings"]["command"]


def test_the_sample_is_bounded_per_code_sorted_and_drawn_from_the_findings(corpus: dict) -> None:
    sampled = _sampled(corpus["first"])
    every = {(f["code"], f["path"], f["line"]) for f in corpus["findings"]["findings"]}
    assert set(sampled) <= every
    assert [code for code, _, _ in sampled] == ["BE205"] * 2 + ["BE401"] * 4  # all of a rare code, 4 of 14
    prints = [(path, line) for code, path, line in sampled if code == "BE401"]
    assert prints == sorted(prints)
    assert "| BE401 | `print-in-backend-code` | 14 |" in corpus["first"]


def test_the_same_seed_draws_the_same_sample_and_another_seed_another(corpus: dict) -> None:
    root = corpus["root"]
    again, other = root.parent / "again.md", root.parent / "other.md"
    _run("--seed", "7", "--per-code", "4", "--findings-in", str(corpus["findings_file"]), "-o", str(again), cwd=root)
    _run("--seed", "8", "--per-code", "4", "--findings-in", str(corpus["findings_file"]), "-o", str(other), cwd=root)
    assert again.read_text(encoding="utf-8") == corpus["first"]
    assert _sampled(other.read_text(encoding="utf-8")) != _sampled(corpus["first"])


def test_each_sampled_finding_shows_its_source_with_ten_lines_around_it(corpus: dict) -> None:
    sections = corpus["first"].split("\n### ")[1:]
    assert len(sections) == 6
    for section in sections:
        heading = section.splitlines()[0]
        _, place = heading.split(" ")
        path, line = place.rsplit(":", 1)
        source = corpus["sources"][path].splitlines()
        number = int(line)
        for shown in range(max(1, number - 10), min(len(source), number + 10) + 1):
            marker = ">" if shown == number else " "
            text = f" {re.escape(source[shown - 1])}" if source[shown - 1] else ""
            expected = rf"^{marker} +{shown} \|{text}$"
            assert re.search(expected, section, re.M), (heading, shown)
        assert not re.search(rf"^. +({number - 11}|{number + 11}) \|", section, re.M)
        assert section.split("\n## ")[0].rstrip().endswith("```\n\nVerdict:")
