"""``benchmarks/run.py`` runs end to end on a small folder: every target is printed with a figure and met /
not met, and the file it edits for the "one file edited" row is left exactly as it was. Nothing here looks
at how fast anything is (speed is measured by the script, never asserted)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.processes import ENV

REPO = Path(__file__).resolve().parent.parent


def test_the_benchmark_prints_every_target_and_restores_what_it_edits(tmp_path: Path) -> None:
    folder = tmp_path / "code"
    for package in ("one", "two"):
        (folder / package).mkdir(parents=True)
        (folder / package / "__init__.py").write_text("", encoding="utf-8")
        for source in sorted((REPO / "examples").rglob("*.py"))[:6]:
            shutil.copyfile(source, folder / package / source.name)
    before = {path: path.read_bytes() for path in folder.rglob("*.py")}
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), str(folder), "--runs", "1", "--warmup", "0",
         "--skip", "flake8", "peers", "fix"],
        capture_output=True, text=True, env=ENV, cwd=tmp_path, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    targets = re.findall(r"^\| (.+?) \| (.+?) \| (met|\*\*not met\*\*) \|$", result.stdout, re.MULTILINE)
    names = [name for name, _, _ in targets]
    assert "one core at least 0.5x the parse floor's throughput" in names
    assert any(name.endswith("cores at least 1.8x one core") for name in names)
    assert "warm run after editing one file at most 2x the warm run" in names
    assert any(name.startswith("memory flat in the number of files") for name in names)
    assert ("warm run faster than ruff's cold run" in names) == (shutil.which("ruff") is not None)
    assert all(re.search(r"\d", figure) for _, figure, _ in targets)
    assert "`check` warm cache, one file edited" in result.stdout
    assert {path: path.read_bytes() for path in folder.rglob("*.py")} == before
    assert not (folder / ".backend_lint_cache").exists()


def test_the_recall_score_counts_found_labels_and_flagged_near_misses(tmp_path: Path) -> None:
    """``benchmarks/recall.py`` matches each finding to a label of its code within one line: a call without a
    timeout labelled TRUE is found, the same call with one labelled NEAR is not flagged, and an unlabelled
    finding is listed, not counted."""
    project = tmp_path / "svc"
    project.mkdir()
    (project / "pyproject.toml").write_text("[project]\nname = 'svc'\n", encoding="utf-8")
    (project / "client.py").write_text(
        "import requests\n\n\n"
        "def rates():\n    return requests.get('https://rates.example/api').json()\n\n\n"
        "def quote():\n    return requests.get('https://quotes.example/api', timeout=5).json()\n\n\n"
        "def prices():\n    return requests.get('https://prices.example/api').json()\n\n\n"
        "print(rates(), quote(), prices())\n",
        encoding="utf-8",
    )
    (tmp_path / "labels.txt").write_text(
        "# one TRUE, one NEAR; prices() is left unlabelled\n"
        "svc/client.py:5 BE201 TRUE — no timeout\n"
        "svc/client.py:9 BE201 NEAR — timeout given\n",
        encoding="utf-8",
    )
    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / "recall.py"), str(tmp_path)],
                            capture_output=True, text=True, env=ENV, cwd=tmp_path, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "| BE201 | 1 | 1 | 100 % | 1 | 0 |" in result.stdout
    assert result.stdout.split("Findings no label explains:")[1].split() == ["svc/client.py:13", "BE201"]
    (tmp_path / "labels.txt").write_text("svc/client.py:5 BE201 MAYBE\n", encoding="utf-8")
    broken = subprocess.run([sys.executable, str(REPO / "benchmarks" / "recall.py"), str(tmp_path)],
                            capture_output=True, text=True, env=ENV, cwd=tmp_path, timeout=600)
    assert broken.returncode != 0 and "not a label line" in broken.stderr
