"""A throwaway git repository for the adoption tests: real ``git``, real files, no global git config."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.processes import ENV, run_cli

GIT_ENV = {
    **ENV,
    "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
}


class Repo:
    """A git repository in ``root``, on branch ``main``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        done = subprocess.run(["git", *args], cwd=self.root, capture_output=True, text=True, env=GIT_ENV,
                              check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        return path

    def read(self, relative: str) -> str:
        return (self.root / relative).read_bytes().decode("utf-8")

    def commit(self, message: str = "change") -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)

    def check(self, *args: str) -> subprocess.CompletedProcess:
        """``backend-lint check ARGS`` in the repository, text decoded; ``--no-cache`` keeps the tree clean."""
        done = run_cli("check", "--no-cache", *args, cwd=self.root, env=GIT_ENV)
        return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(), done.stderr.decode())


def codes_and_lines(stdout: str) -> list[tuple[str, int, str]]:
    """``(path, line, code)`` of each finding in default text output."""
    found = []
    for line in stdout.splitlines():
        parts = line.split(":", 3)
        if len(parts) == 4 and parts[1].isdigit():
            found.append((parts[0], int(parts[1]), parts[3].split()[0]))
    return found
