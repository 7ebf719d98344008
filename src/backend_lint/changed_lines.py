"""The lines added or changed since a git revision, for ``--diff-base REF`` (findings only on new code).

The comparison point is the merge-base of REF and ``HEAD``, as a pull request sees it: commits that landed
on REF after the branch was cut are not "changes" of the branch. The working tree is compared against it,
so uncommitted edits count, and untracked files (not ignored) count as new in full. Git is asked for a
zero-context diff with every setting that could change its shape pinned (prefixes, colour, external diff
drivers, text conversion, relative paths), so a user's ``~/.gitconfig`` cannot break the parsing. Outside
a repository, without git, or with a REF git does not know, the error says so (exit 2).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.config import ConfigError

if TYPE_CHECKING:
    import subprocess

_HUNK = lazy_compile(r"^@@ -\d+(?:,\d+)? \+(?P<start>\d+)(?:,(?P<count>\d+))? @@")
_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", '"': '"', "\\": "\\"}
_DIFF_OPTIONS = (
    "diff", "--no-color", "--no-ext-diff", "--no-textconv", "--unified=0", "--src-prefix=a/",
    "--dst-prefix=b/", "--find-renames",
)


class DiffBaseError(ConfigError):
    """``--diff-base`` cannot be computed; the message says why and what to do."""


@dataclass
class ChangedLines:
    """Added or changed lines per file (paths relative to the repository root) and wholly new files."""

    root: str
    base: str  # the merge-base commit
    lines: dict[str, set[int]] = field(default_factory=dict)
    new_files: set[str] = field(default_factory=set)

    def repo_path(self, path: str) -> str | None:
        """``path`` relative to the repository root with ``/`` separators; ``None`` outside it."""
        try:
            relative = os.path.relpath(os.path.realpath(path), self.root)
        except ValueError:
            return None
        if relative == ".." or relative.startswith(".." + os.sep):
            return None
        return relative.replace(os.sep, "/")

    def has_changes(self, path: str) -> bool:
        """Whether ``path`` has any new line (files without one need not be checked at all)."""
        relative = self.repo_path(path)
        return relative is not None and (relative in self.new_files or bool(self.lines.get(relative)))

    def touches(self, path: str, first: int, last: int) -> bool:
        """Whether any line from ``first`` to ``last`` of ``path`` is new since the base."""
        relative = self.repo_path(path)
        if relative is None:
            return False
        if relative in self.new_files:
            return True
        changed = self.lines.get(relative)
        if not changed:
            return False
        return any(line in changed for line in range(first, max(first, last) + 1))


def _git(args: list[str], cwd: str) -> subprocess.CompletedProcess[str]:
    import subprocess  # noqa: PLC0415 - only with --diff-base: a plain run does not load it

    try:
        return subprocess.run(
            ["git", "-c", "core.quotePath=false", *args], cwd=cwd, capture_output=True, text=True,
            encoding="utf-8", errors="surrogateescape", check=False,
        )
    except FileNotFoundError:
        raise DiffBaseError("--diff-base needs git, and `git` was not found on PATH") from None


def _first_line(completed: subprocess.CompletedProcess[str]) -> str:
    text = (completed.stderr or completed.stdout).strip()
    return text.splitlines()[0] if text else f"exit status {completed.returncode}"


def changed_lines(ref: str, start: str) -> ChangedLines:
    """What changed between the merge-base of ``ref`` and ``HEAD``, and the working tree of ``start``'s repo."""
    folder = start if os.path.isdir(start) else os.path.dirname(os.path.abspath(start)) or "."
    top = _git(["rev-parse", "--show-toplevel"], folder)
    if top.returncode != 0:
        raise DiffBaseError(  # git's own words matter: "dubious ownership" in CI containers is not "no repo"
            f"--diff-base needs a git repository, and git cannot use {os.path.abspath(folder)} as one "
            f"(git: {_first_line(top)})"
        )
    root = os.path.realpath(top.stdout.strip())
    if ref.startswith("-"):
        raise DiffBaseError(f"--diff-base: `{ref}` is not a git revision")
    known = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root)
    if known.returncode != 0:
        raise DiffBaseError(
            f"--diff-base: unknown git revision `{ref}` in {root} (in CI, fetch it first, e.g. "
            f"`git fetch origin {ref.split('/', 1)[-1]}`)"
        )
    base = _git(["merge-base", known.stdout.strip(), "HEAD"], root)
    if base.returncode != 0:
        raise DiffBaseError(
            f"--diff-base: `{ref}` and HEAD have no common commit ({_first_line(base)}); in a shallow clone, "
            "fetch more history (`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout)"
        )
    result = ChangedLines(root, base.stdout.strip())
    diff = _git([*_DIFF_OPTIONS, result.base, "--"], root)
    if diff.returncode != 0:
        raise DiffBaseError(f"--diff-base: `git diff {result.base}` failed: {_first_line(diff)}")
    result.lines = parse_diff(diff.stdout)
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], root)
    if untracked.returncode == 0:
        result.new_files = {name for name in untracked.stdout.split("\0") if name}
    return result


def parse_diff(text: str) -> dict[str, set[int]]:
    """New-side line numbers of every added line in a ``--unified=0`` diff, by new path."""
    changed: dict[str, set[int]] = {}
    current: set[int] | None = None
    for line in text.splitlines():
        if line.startswith("+++ "):
            name = _unquote(line[4:].rstrip("\t"))
            current = None if name == "/dev/null" else changed.setdefault(name[2:], set())
        elif line.startswith("@@") and current is not None:
            match = _HUNK.match(line)
            if match:
                start = int(match["start"])
                count = 1 if match["count"] is None else int(match["count"])
                current.update(range(start, start + count))
    return changed


def _unquote(name: str) -> str:
    """Undo git's C-style quoting of unusual path names (``"b/a\\tb.py"``); octal escapes are UTF-8 bytes."""
    if not (len(name) >= 2 and name[0] == name[-1] == '"'):
        return name
    out = bytearray()
    body = name[1:-1]
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            following = body[index + 1]
            if following in "01234567":
                out.append(int(body[index + 1:index + 4], 8))
                index += 4
                continue
            out.extend(_ESCAPES.get(following, following).encode("utf-8"))
            index += 2
            continue
        out.extend(char.encode("utf-8", "surrogateescape"))
        index += 1
    return out.decode("utf-8", "surrogateescape")
