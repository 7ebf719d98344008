"""The baseline file: written once, old findings stay hidden while code moves, new ones appear, bad files fail."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from backend_lint import baseline
from backend_lint.finding import Finding
from tests.adoption_repo import Repo, codes_and_lines

BASELINE = ".backend-lint-baseline.json"

LEGACY = textwrap.dedent('''\
    import json


    async def create_order(order):
        print(order)
        print("charging", json.dumps(order))
        return order


    class Reports:
        async def nightly(self):
            print("starting")
    ''')


def test_baseline_survives_shifted_lines_and_reports_only_new_findings(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "service")
    repo.write("app/orders.py", LEGACY)
    repo.commit()
    written = repo.check("--write-baseline", BASELINE, ".")
    assert written.returncode == 0, written.stderr
    assert written.stdout == ""
    assert "recorded 3 findings in 1 file" in written.stderr
    entries = json.loads(repo.read(BASELINE))["findings"]
    assert [(e["path"], e["code"], e["function"], e["text"], e["count"]) for e in entries] == [
        ("app/orders.py", "BE401", "Reports.nightly", 'print("starting")', 1),
        ("app/orders.py", "BE401", "create_order", 'print("charging", json.dumps(order))', 1),
        ("app/orders.py", "BE401", "create_order", "print(order)", 1),
    ]

    # Code above the findings changes (every line number shifts), a comment and spacing change on a known
    # line, and a second identical print appears in the same function: only the later one is new.
    edited = LEGACY.replace("import json\n", '"""Orders."""\nimport logging\n\nimport json\n')
    edited = edited.replace("    print(order)\n", "    print( order )  # debugging\n    print(order)\n")
    repo.write("app/orders.py", edited)
    result = repo.check("--baseline", BASELINE, ".")
    assert result.returncode == 1, result.stderr
    assert codes_and_lines(result.stdout) == [("app/orders.py", 9, "BE401")]

    # The same with the baseline named in pyproject.toml, and --no-baseline shows everything.
    repo.write("pyproject.toml", f'[tool.backend-lint]\nbaseline = "{BASELINE}"\n')
    assert codes_and_lines(repo.check(".").stdout) == [("app/orders.py", 9, "BE401")]
    assert len(codes_and_lines(repo.check("--no-baseline", ".").stdout)) == 4


def test_baseline_works_from_another_working_directory(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "service")
    repo.write("app/orders.py", LEGACY)
    assert repo.check("--write-baseline", BASELINE, "app").returncode == 0
    sub = Repo.__new__(Repo)
    sub.root = repo.root / "app"
    result = sub.check("--baseline", f"../{BASELINE}", "orders.py")
    assert result.returncode == 0, result.stdout + result.stderr
    # The configured baseline is found relative to pyproject.toml, whatever the working directory.
    repo.write("pyproject.toml", f'[tool.backend-lint]\nbaseline = "{BASELINE}"\n')
    assert sub.check(".").returncode == 0
    assert sub.check("--no-baseline", ".").returncode == 1
    shown = sub.check("--show-fixed-baseline", ".")
    assert "every finding in the baseline" in shown.stderr
    assert "needs a baseline" in sub.check("--no-baseline", "--show-fixed-baseline", ".").stderr


def test_fixed_findings_are_listed_on_request(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "service")
    repo.write("app/orders.py", LEGACY)
    repo.write("app/other.py", "async def job():\n    print('x')\n")
    repo.check("--write-baseline", BASELINE, ".")
    repo.write("app/orders.py", LEGACY.replace('        print("starting")\n', "        return None\n"))
    result = repo.check("--baseline", BASELINE, "--show-fixed-baseline", ".")
    assert result.returncode == 0
    assert "1 finding in the baseline .backend-lint-baseline.json no longer occurs" in result.stderr
    assert 'app/orders.py: BE401 in `Reports.nightly`: print("starting")' in result.stderr
    # Checking one file says nothing about the other file's entries.
    only_other = repo.check("--baseline", BASELINE, "--show-fixed-baseline", "app/other.py")
    assert "still occurs" in only_other.stderr
    # Rewriting the baseline drops the fixed entry; the file is stable byte for byte.
    repo.check("--write-baseline", BASELINE, ".")
    first = repo.read(BASELINE)
    assert "Reports.nightly" not in first
    repo.check("--write-baseline", BASELINE, ".")
    assert repo.read(BASELINE) == first


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "baseline file not found"),
        ("{not json", "the baseline is not valid JSON"),
        ('{"findings": []}', "not a backend-lint baseline"),
        ('{"backend-lint-baseline": 1, "findings": [{"path": "a.py"}]}', "finding #1 must have"),
        ('{"backend-lint-baseline": 7, "findings": []}', "format 7 is not supported"),
    ],
    ids=["missing", "corrupt", "foreign", "bad-entry", "future-version"],
)
def test_unusable_baseline_is_an_error(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "baseline.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(baseline.BaselineError, match=message):
        baseline.load(path)


def test_unusable_baseline_exits_2_before_checking(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "service")
    repo.write("app/orders.py", LEGACY)
    repo.write("broken.json", "{")
    for args in (["--baseline", "missing.json"], ["--baseline", "broken.json"]):
        result = repo.check(*args, ".")
        assert result.returncode == 2
        assert result.stdout == ""
        assert "backend-lint: error:" in result.stderr
    repo.write("pyproject.toml", "[tool.backend-lint]\nbaseline = 3\n")
    assert "`baseline` must be a file name" in repo.check(".").stderr


def _finding(line: int, code: str = "BE401") -> Finding:
    return Finding(code, "name", "message", "app.py", line, 5, line, 10)


def test_fingerprint_ignores_comments_whitespace_and_strings_with_hashes() -> None:
    source = textwrap.dedent('''\
        class A:
            def go(self):
                print( "#1" )   # noqa: E501
            x = print(2)
        print(3)
        ''')
    keys = baseline.keys_for([_finding(3), _finding(4), _finding(5)], source, "app.py")
    assert keys == [
        baseline.Key("app.py", "BE401", "A.go", 'print( "#1" )'),
        baseline.Key("app.py", "BE401", "A", "x = print(2)"),
        baseline.Key("app.py", "BE401", "", "print(3)"),
    ]


def test_render_is_sorted_one_finding_per_line_and_round_trips(tmp_path: Path) -> None:
    keys = [baseline.Key("b.py", "BE401", "f", "print(1)"), baseline.Key("a.py", "BE201", "", "get('é')"),
            baseline.Key("b.py", "BE401", "f", "print(1)")]
    text = baseline.render(keys)
    lines = text.splitlines()
    assert lines[3].startswith('    {"path": "a.py"') and '"count": 2' in lines[4]
    path = tmp_path / "b.json"
    baseline.write(path, keys)
    loaded = baseline.load(path)
    assert loaded.counts == {baseline.Key("a.py", "BE201", "", "get('é')"): 1,
                             baseline.Key("b.py", "BE401", "f", "print(1)"): 2}
    assert baseline.render([]) == '{\n  "backend-lint-baseline": 1,\n  "findings": []\n}\n'
