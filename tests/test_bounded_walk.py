"""The bounded walk the project readers share (deployment files, server body limits, Django fixtures) gives what
``os.walk`` with ``os.path.relpath`` per folder gave: the same folders in the same order, relative paths, depth
bound, skipped names and unfollowed links to folders, also when the walks share one listing of each folder."""

from __future__ import annotations

import os
from pathlib import Path

from backend_lint.analysis.project.file_text import Listings, bounded_walk


def _by_relpath(base: str, depth: int, skipped: set[str]) -> list[tuple[str, str, list[str]]]:
    found = []
    for folder, folders, files in os.walk(base):
        relative = os.path.relpath(folder, base)
        level = 0 if relative == "." else relative.count(os.sep) + 1
        folders[:] = sorted(name for name in folders if name not in skipped) if level < depth else []
        found.append((folder, relative, sorted(files)))
    return found


def test_the_walk_is_os_walk_with_relpath(tmp_path: Path) -> None:
    for folder in ("deploy/k8s/api/deep", "docs/conf", "app/fixtures", "b/c/d/e/f", "z"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "x.yaml").write_text("kind: Deployment\n", encoding="utf-8")
    (tmp_path / "Dockerfile").write_text("FROM python\n", encoding="utf-8")
    (tmp_path / "app" / "link").symlink_to(tmp_path / "deploy", target_is_directory=True)
    shared = Listings()  # one listing for walks of every depth and skipped name, as a warm run's readers share it
    for depth in (0, 1, 3, 8):
        for base in (str(tmp_path), str(tmp_path) + os.sep):
            for skipped in ({"docs"}, {"app", "z"}):
                expected = _by_relpath(base, depth, skipped)
                assert list(bounded_walk(base, depth, skipped.__contains__)) == expected
                assert list(bounded_walk(base, depth, skipped.__contains__, shared)) == expected
    assert [relative for _, relative, _ in bounded_walk(str(tmp_path), 2, {"docs"}.__contains__, shared)] == [
        ".", "app", os.path.join("app", "fixtures"), "b", os.path.join("b", "c"), "deploy",
        os.path.join("deploy", "k8s"), "z",
    ]  # not `app/link`: a link to a folder is not followed
