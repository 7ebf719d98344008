"""``--add-noqa`` (idempotent, merging, never inside a string) and ``--report-unused-noqa`` (BE000)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from backend_lint.add_noqa import add_comments
from backend_lint.finding import Finding
from backend_lint.unused_noqa import unused_noqa
from tests.adoption_repo import Repo, codes_and_lines
from tests.processes import run_flake8

LEGACY = textwrap.dedent('''\
    import sys


    async def report(table, order):
        print(order)  # TODO: remove
        print(f"""
            SELECT * FROM {table}
        """)
        print("a very long line about the order that goes on", order, file=sys.stderr)  # noqa: E501 long
        print("x",
              order)  # type: ignore[arg-type]
        total = 1 + \\
            len(print("b") or "")
        return total
    ''')

EXPECTED = textwrap.dedent('''\
    import sys


    async def report(table, order):
        print(order)  # TODO: remove  # noqa: BE401
        print(f"""
            SELECT * FROM {table}
        """)  # noqa: BE401
        print("a very long line about the order that goes on", order, file=sys.stderr)  # noqa: E501, BE401 long
        print("x",  # noqa: BE401
              order)  # type: ignore[arg-type]
        total = 1 + \\
            len(print("b") or "")  # noqa: BE401
        return total
    ''')


def test_add_noqa_twice_gives_the_same_file_as_once(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "service")
    repo.write("app/report.py", LEGACY)
    before = repo.check(".")
    assert len(codes_and_lines(before.stdout)) == 5, before.stdout
    first = repo.check("--add-noqa", ".")
    assert first.returncode == 0, first.stderr
    assert first.stdout == ""
    assert "added noqa comments to 5 lines in 1 file" in first.stderr
    assert repo.read("app/report.py") == EXPECTED
    second = repo.check("--add-noqa", ".")
    assert "added noqa comments to 0 lines in 0 files" in second.stderr
    assert repo.read("app/report.py") == EXPECTED
    # Both entry points now agree that nothing is left.
    assert repo.check(".").returncode == 0
    assert run_flake8("app", cwd=repo.root) == []


def test_add_noqa_keeps_crlf_and_only_touches_files_with_findings(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "service")
    path = repo.root / "app" / "crlf.py"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"async def job():\r\n    print('x')\r\n")
    clean = repo.write("app/clean.py", "def ok():\n    return 1\n")
    mtime = clean.stat().st_mtime_ns
    assert repo.check("--add-noqa", ".").returncode == 0
    assert path.read_bytes() == b"async def job():\r\n    print('x')  # noqa: BE401\r\n"
    assert clean.stat().st_mtime_ns == mtime


def test_add_noqa_with_diff_base_annotates_only_new_lines(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "service")
    repo.write("app/a.py", "async def a():\n    print(1)\n")
    repo.commit()
    repo.write("app/a.py", "async def a():\n    print(1)\n    print(2)\n")
    assert repo.check("--add-noqa", "--diff-base", "HEAD", ".").returncode == 0
    assert repo.read("app/a.py") == "async def a():\n    print(1)\n    print(2)  # noqa: BE401\n"


def test_add_noqa_refuses_stdin_and_write_baseline(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "service")
    assert "cannot read standard input" in repo.check("--add-noqa", "-").stderr
    both = repo.check("--add-noqa", "--write-baseline", "b.json", ".")
    assert both.returncode == 2
    assert "cannot be combined" in both.stderr


def _finding(line: int, code: str) -> Finding:
    return Finding(code, "name", "message", "app.py", line, 1, line, 2)


def test_add_comments_merges_with_existing_codes_and_prefixes() -> None:
    source = "a = 1  # noqa: BE4\nb = 2  # NOQA:E501\nc = 3  # noqa\n"  # prefixes and bare comments cover
    text, changed = add_comments(source, [_finding(1, "BE401"), _finding(2, "BE201"), _finding(2, "BE201"),
                                          _finding(3, "BE201"), _finding(2, "BE000")])
    assert text == "a = 1  # noqa: BE4\nb = 2  # NOQA:E501, BE201\nc = 3  # noqa\n"
    assert changed == 1


def test_unused_noqa_is_reported_as_be000(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "service")
    repo.write("app/views.py", textwrap.dedent('''\
        """Use `# noqa: BE401` on a line to silence BE401 (a docstring, not a comment)."""
        import logging


        async def view():
            print("kept")  # noqa: BE401
            x = 1  # noqa: BE201
            y = 2  # noqa: E501, BE401, BE999
            z = 3  # noqa
            w = 4  # noqa: BE201, BE000
            return logging.getLogger(__name__)  # noqa: BE201
        '''))
    result = repo.check("--report-unused-noqa", ".")
    assert result.returncode == 1
    assert codes_and_lines(result.stdout) == [
        ("app/views.py", 7, "BE000"), ("app/views.py", 8, "BE000"), ("app/views.py", 11, "BE000")]
    assert "app/views.py:8:12: BE000 `# noqa: BE401, BE999` suppresses nothing on this line; remove them" in (
        result.stdout)
    # A rule that did not run cannot be judged: with only BE4 selected, the BE201 comments are left alone.
    narrowed = repo.check("--report-unused-noqa", "--select", "BE4", ".")
    assert codes_and_lines(narrowed.stdout) == [("app/views.py", 8, "BE000")]
    assert "`# noqa: BE401, BE999`" in narrowed.stdout
    # Without the flag, nothing.
    assert repo.check(".").returncode == 0


def test_unused_noqa_follows_stretches() -> None:
    source = 'cur.execute(f"""\n  SELECT {t}\n""")  # noqa: BE101\nx = 1  # noqa: BE101\n'
    found = unused_noqa(source, "app.py", [_finding(1, "BE101")], {"BE101"})
    assert [(f.line, f.col, f.code) for f in found] == [(4, 8, "BE000")]
