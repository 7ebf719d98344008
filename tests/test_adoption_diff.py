"""``--diff-base REF``: findings only on lines added or changed since the merge-base, in real git repositories."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from backend_lint.changed_lines import DiffBaseError, changed_lines, parse_diff
from tests.adoption_repo import Repo, codes_and_lines

SERVICE = textwrap.dedent('''\
    async def sync_inventory(client, sku):
        print(sku)
        print("synced", client.fetch(sku))
        return sku
    ''')


@pytest.fixture
def branch_repo(tmp_path: Path) -> Repo:
    """``main`` with legacy findings, then a feature branch that adds one bad line and one new file."""
    repo = Repo(tmp_path / "service")
    repo.write("app/inventory.py", SERVICE)
    repo.commit("legacy")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("app/inventory.py", SERVICE.replace("    print(sku)\n", "    print(sku)\n    print('fetching', sku)\n"))
    repo.write("app/jobs.py", "async def run():\n    print('job')\n")
    repo.commit("feature work")
    return repo


def test_only_new_lines_are_reported(branch_repo: Repo) -> None:
    result = branch_repo.check("--diff-base", "main", ".")
    assert result.returncode == 1, result.stderr
    assert codes_and_lines(result.stdout) == [("app/inventory.py", 3, "BE401"), ("app/jobs.py", 2, "BE401")]
    # Without the flag every finding shows.
    assert len(codes_and_lines(branch_repo.check(".").stdout)) == 4


def test_files_without_changes_are_not_even_read(branch_repo: Repo) -> None:
    branch_repo.git("checkout", "-q", "main")
    branch_repo.write("app/legacy_broken.py", "def broken(:\n")
    branch_repo.commit("a file that does not parse, untouched by the branch")
    branch_repo.git("checkout", "-q", "feature")
    branch_repo.git("merge", "-q", "main")
    assert branch_repo.check(".").returncode == 2
    result = branch_repo.check("--diff-base", "main", ".")
    assert result.returncode == 1, result.stderr
    assert "legacy_broken" not in result.stderr


def test_merge_base_ignores_commits_that_landed_on_the_base_later(branch_repo: Repo) -> None:
    branch_repo.git("checkout", "-q", "main")
    branch_repo.write("app/billing.py", "async def bill():\n    print('bill')\n")
    branch_repo.commit("landed on main after the branch was cut")
    branch_repo.git("checkout", "-q", "feature")
    assert codes_and_lines(branch_repo.check("--diff-base", "main", ".").stdout) == [
        ("app/inventory.py", 3, "BE401"), ("app/jobs.py", 2, "BE401")]


def test_uncommitted_and_untracked_code_counts_as_changed(branch_repo: Repo) -> None:
    branch_repo.write("app/jobs.py", "async def run():\n    return None\n")
    branch_repo.write("app/scratch.py", "import sys\n\n\nasync def paths():\n    print(sys.path)\n")
    branch_repo.write(".gitignore", "ignored.py\n")
    branch_repo.write("ignored.py", "async def mine():\n    print('not ours')\n")
    found = codes_and_lines(branch_repo.check("--diff-base", "main", "app").stdout)
    assert found == [("app/inventory.py", 3, "BE401"), ("app/scratch.py", 5, "BE401")]
    # HEAD itself as the base: only the working tree's changes.
    assert codes_and_lines(branch_repo.check("--diff-base", "HEAD", "app").stdout) == [("app/scratch.py", 5, "BE401")]


def test_github_annotations_cover_only_new_lines(branch_repo: Repo) -> None:
    result = branch_repo.check("--diff-base", "main", "--output-format", "github", ".")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("::warning file=app/inventory.py,line=3,col=5,")
    assert lines[1].startswith("::warning file=app/jobs.py,line=2,")


def test_a_change_inside_a_multi_line_finding_counts(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "service")
    repo.write("app/client.py", "async def f(x):\n    print(\n        'a',\n        x,\n    )\n")
    repo.commit()
    repo.write("app/client.py", "async def f(x):\n    print(\n        'b',\n        x,\n    )\n")
    assert codes_and_lines(repo.check("--diff-base", "HEAD", ".").stdout) == [("app/client.py", 2, "BE401")]


def test_unknown_ref_and_no_repository_are_errors(branch_repo: Repo, tmp_path: Path) -> None:
    unknown = branch_repo.check("--diff-base", "origin/nope", ".")
    assert unknown.returncode == 2
    assert "unknown git revision `origin/nope`" in unknown.stderr
    outside = tmp_path / "plain"
    outside.mkdir()
    (outside / "a.py").write_text("print(1)\n")
    result = branch_repo.check("--diff-base", "main", str(outside))
    assert result.returncode == 2
    assert "needs a git repository" in result.stderr
    assert "not a git repository" in result.stderr  # git's own reason
    with pytest.raises(DiffBaseError, match="is not a git revision"):
        changed_lines("--output=x", str(branch_repo.root))


def test_parse_diff_handles_quoted_paths_deletions_and_pure_removals() -> None:
    diff = textwrap.dedent('''\
        diff --git a/app/a.py b/app/a.py
        --- a/app/a.py
        +++ b/app/a.py
        @@ -3,0 +4,2 @@ def f():
        +    x = 1
        +    y = 2
        @@ -10 +12 @@
        -old
        +new
        @@ -20,3 +23,0 @@
        -gone
        diff --git "a/app/caf\\303\\251 \\"x\\".py" "b/app/caf\\303\\251 \\"x\\".py"
        --- "a/app/caf\\303\\251 \\"x\\".py"
        +++ "b/app/caf\\303\\251 \\"x\\".py"
        @@ -1 +1 @@
        -a
        +b
        diff --git a/old.py b/old.py
        --- a/old.py
        +++ /dev/null
        @@ -1 +0,0 @@
        -a
        ''')
    assert parse_diff(diff) == {"app/a.py": {4, 5, 12}, 'app/café "x".py': {1}}
