"""The type checker runs in the suite: mypy (configured in pyproject.toml, strict) over src/, as a process.

An ``Optional`` read without a check is how the analysis layer turned real code into internal errors (a
``dotted_name(...)`` of ``None``, a module taken for a node with a line). mypy finds those before users do,
so the suite fails on any error it reports. An ignore must name its error code (mypy enforces that) and say
why in a comment after it (checked here), so a reader can tell a known limit of the types from a hidden bug.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import textwrap
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "src" / "backend_lint"
_EXPLAINED_IGNORE = re.compile(r"# type: ignore\[[a-z-]+(, ?[a-z-]+)*\]  # \S")


def _mypy(*targets: str, cache: Path) -> subprocess.CompletedProcess[str]:
    """mypy with the project's configuration; a fresh cache, so nothing is written into the checkout."""
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(cache),
         "--no-error-summary", "--show-error-codes", *targets],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )


def test_mypy_reports_no_errors_in_src(tmp_path: Path) -> None:
    result = _mypy(cache=tmp_path)  # the `files` of the configuration: src/
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_configuration_is_strict_and_wants_codes_on_ignores(tmp_path: Path) -> None:
    """What the check above relies on: an unannotated function, an unchecked Optional and a bare ignore are
    each reported under the project's configuration (a per-module `strict` or a lost flag would pass them)."""
    module = tmp_path / "sample.py"
    module.write_text(textwrap.dedent(
        """
        from typing import Optional

        def untyped(value):
            return value

        def unchecked(name: Optional[str]) -> str:
            return name.strip()

        def hidden() -> int:
            return "text"  # type: ignore
        """
    ))
    result = _mypy(str(module), cache=tmp_path / "cache")
    codes = sorted(set(re.findall(r"\[([a-z-]+)\]$", result.stdout, flags=re.MULTILINE)))
    assert result.returncode == 1, result.stdout + result.stderr
    assert codes == ["ignore-without-code", "no-untyped-def", "union-attr"], result.stdout


def _ignore_comments(path: Path) -> list[tuple[int, str]]:
    """``(line, comment)`` of every comment that holds ``type: ignore`` (text in strings is not a comment)."""
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    return [
        (token.start[0], token.string) for token in tokens
        if token.type == tokenize.COMMENT and "type: ignore" in token.string
    ]


def test_every_ignore_names_its_code_and_says_why() -> None:
    unexplained = [
        f"{path.relative_to(ROOT)}:{line}: {comment}"
        for path in sorted(SOURCES.rglob("*.py"))
        for line, comment in _ignore_comments(path)
        if not _EXPLAINED_IGNORE.search(comment)
    ]
    assert unexplained == [], "write `# type: ignore[code]  # why` or fix the types:\n" + "\n".join(unexplained)


def test_an_unexplained_ignore_is_caught(tmp_path: Path) -> None:
    """The check above on the shapes it must tell apart (so it cannot pass by finding nothing)."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        'DOC = "a # type: ignore inside a string is no comment"\n'
        "a = f()  # type: ignore\n"
        "b = f()  # type: ignore[attr-defined]\n"
        "c = f()  # type: ignore[attr-defined]  # the plugin sets it\n"
        "d = f()  # type: ignore[arg-type, union-attr]  # narrowed by the caller\n",
        encoding="utf-8",
    )
    comments = _ignore_comments(sample)
    assert [line for line, _ in comments] == [2, 3, 4, 5]
    assert [bool(_EXPLAINED_IGNORE.search(comment)) for _, comment in comments] == [False, False, True, True]
