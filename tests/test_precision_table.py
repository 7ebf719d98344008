"""scripts/precision_table.py as a real process: the table counts exactly the verdicts of the seeded sample."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tests.processes import ENV

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def _findings(tmp_path: Path) -> Path:
    findings = [{"code": "BE205", "name": "swallowed-exception", "path": f"app/m{index:02}.py", "line": 3,
                 "column": 5, "message": "m"} for index in range(14)]
    findings += [{"code": "BE401", "name": "print-in-backend-code", "path": "app/cli.py", "line": line,
                  "column": 1, "message": "m"} for line in (4, 9)]
    path = tmp_path / "all.json"
    path.write_text(json.dumps({"command": "c", "commit": "x", "roots": [str(tmp_path)], "files": 15,
                                "lines": 2000, "not_checked": [], "findings": findings}), encoding="utf-8")
    return path


def _run(script: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPTS / script), *args], cwd=cwd, capture_output=True,
                          text=True, env=ENV, timeout=120)


def _sampled(tmp_path: Path, findings: Path) -> list[str]:
    assert _run("precision_sample.py", "--seed", "7", "--findings-in", str(findings), "-o", "s.md",
                cwd=tmp_path).returncode == 0
    return re.findall(r"^### (BE\d+ \S+:\d+)$", (tmp_path / "s.md").read_text(encoding="utf-8"), re.M)


def test_table_counts_each_codes_verdicts(tmp_path: Path) -> None:
    findings = _findings(tmp_path)
    sampled = _sampled(tmp_path, findings)
    assert len(sampled) == 12  # 10 of 14, and both of 2
    verdicts = []
    for index, item in enumerate(sampled):
        verdict = "TRUE" if item.startswith("BE205") and index != 3 else "UNCLEAR" if index == 3 else "FALSE"
        verdicts.append(f"{item} {verdict} — reason {index}")
    (tmp_path / "v.txt").write_text("notes first\n" + "\n".join(verdicts) + "\n", encoding="utf-8")
    result = _run("precision_table.py", "--findings-in", str(findings), "--seed", "7", "v.txt", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "| BE205 | `swallowed-exception` | 14 | 7.000 | 10 | 9 | 0 | 1 | 100 % | met |" in result.stdout
    assert "| BE401 | `print-in-backend-code` | 2 | 1.000 | 2 | 0 | 2 | 0 | 0 % | not met |" in result.stdout
    assert "| all | | 16 | 8.000 | 12 | 9 | 2 | 1 | 82 % | not met |" in result.stdout
    assert verdicts[0] in result.stdout


def test_verdicts_must_match_the_sample(tmp_path: Path) -> None:
    findings = _findings(tmp_path)
    sampled = _sampled(tmp_path, findings)
    lines = [f"{item} TRUE — ok" for item in sampled[1:]] + ["BE205 app/elsewhere.py:1 TRUE — not drawn"]
    (tmp_path / "v.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _run("precision_table.py", "--findings-in", str(findings), "--seed", "7", "v.txt", cwd=tmp_path)
    assert result.returncode != 0
    assert f"no verdict: {sampled[0]}" in result.stderr
    assert "not sampled: BE205 app/elsewhere.py:1" in result.stderr


def test_two_findings_on_one_line_take_one_verdict_each(tmp_path: Path) -> None:
    """Two queries on one line are two findings with the same ``path:line``: each gets its own verdict line, in
    the sample's order; one verdict for both is refused."""
    findings = tmp_path / "all.json"
    rows = [{"code": "BE104", "name": "unbounded-query", "path": "app/views.py", "line": 7, "column": column,
             "message": "m"} for column in (5, 40)]
    findings.write_text(json.dumps({"command": "c", "commit": "x", "roots": [str(tmp_path)], "files": 1,
                                    "lines": 100, "not_checked": [], "findings": rows}), encoding="utf-8")
    assert _sampled(tmp_path, findings) == ["BE104 app/views.py:7", "BE104 app/views.py:7"]
    (tmp_path / "v.txt").write_text("BE104 app/views.py:7 TRUE — first\nBE104 app/views.py:7 FALSE — second\n",
                                    encoding="utf-8")
    result = _run("precision_table.py", "--findings-in", str(findings), "--seed", "7", "v.txt", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "| BE104 | `unbounded-query` | 2 | 20.000 | 2 | 1 | 1 | 0 | 50 % | not met |" in result.stdout
    assert result.stdout.index("TRUE — first") < result.stdout.index("FALSE — second")
    (tmp_path / "v.txt").write_text("BE104 app/views.py:7 TRUE — both\n", encoding="utf-8")
    result = _run("precision_table.py", "--findings-in", str(findings), "--seed", "7", "v.txt", cwd=tmp_path)
    assert result.returncode != 0
    assert "no verdict: BE104 app/views.py:7" in result.stderr
