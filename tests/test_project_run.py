"""How ``check`` settles its findings with the project model (:mod:`backend_lint.project_run`).

Settling walks each folder once: a project root at or under a folder the run has walked takes its files from
that walk (:class:`~backend_lint.project_run.Discovery`), and they are exactly the files a walk from the root
finds, excluded folders and nested projects included. Until settling, each checked file's summary is kept
apart by project (:class:`~backend_lint.project_run.Checked`); the findings settled per project are tested
on whole projects through the CLI in ``tests/test_project_model.py``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from backend_lint import project_run
from backend_lint.config import load_config
from backend_lint.files import discover
from backend_lint.runner import Checker


def _tree(base: Path) -> Path:
    """A repository holding two projects (``svc`` and ``tools``, each with its marker), an excluded folder and
    files that are not Python."""
    files = {
        "svc/pyproject.toml": "[project]\nname = 'svc'\n",
        "svc/app/__init__.py": "",
        "svc/app/views.py": "def index():\n    return 1\n",
        "svc/app/migrations/0001_initial.py": "x = 1\n",
        "svc/.venv/lib/site.py": "x = 1\n",
        "svc/README.md": "not python\n",
        "tools/setup.py": "from setuptools import setup\n",
        "tools/cli.py": "print('tool')\n",
        "top.py": "y = 2\n",
    }
    for name, text in files.items():
        path = base / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return base


def _walked(root: Path, config: object) -> list[str]:
    return [os.path.abspath(item) for item in discover([str(root)], config) if isinstance(item, str)]  # type: ignore[arg-type]


def test_a_root_under_a_walked_folder_is_not_walked_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = _tree(tmp_path / "repo")
    config = load_config(start=tmp_path)
    expected = {name: _walked(repo / name, config) for name in ("svc", "tools")}
    assert any(path.endswith("views.py") for path in expected["svc"])
    assert not any(".venv" in path for path in expected["svc"])  # the walk from the root excludes it too

    discovery = project_run.Discovery(config)
    discovery.record([str(repo)], list(discover([str(repo)], config)))

    def no_second_walk(*args: object) -> None:
        raise AssertionError("a folder already walked was walked again")

    monkeypatch.setattr(project_run, "discover", no_second_walk)
    for name, files in expected.items():
        assert discovery(str(repo / name)) == files
    assert discovery(str(repo)) == _walked(repo, config)


def _count_walks(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Replace ``project_run.discover`` by one that records the paths of each walk it is asked for."""
    calls: list[object] = []
    real_discover = project_run.discover

    def counted(*args: object) -> object:
        calls.append(args[0])
        return real_discover(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(project_run, "discover", counted)
    return calls


def test_a_root_outside_the_walked_folders_is_walked_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = _tree(tmp_path / "repo")
    config = load_config(start=tmp_path)
    discovery = project_run.Discovery(config)
    given = repo / "svc" / "app"  # `check svc/app`: the project root (svc) lies above the folder given
    discovery.record([str(given)], list(discover([str(given)], config)))
    calls = _count_walks(monkeypatch)
    root = repo / "svc"
    assert discovery(str(root)) == _walked(root, config)
    assert discovery(str(root)) == _walked(root, config)
    assert len(calls) == 1  # the second time, the walk of the root itself is reused


def test_overlapping_paths_are_not_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``check repo/svc/app repo``: discovery skips in ``repo`` what it yielded for ``repo/svc/app``, so the
    walk of ``repo`` is not whole, and the root is walked on its own."""
    repo = _tree(tmp_path / "repo")
    config = load_config(start=tmp_path)
    paths = [str(repo / "svc" / "app"), str(repo)]
    discovery = project_run.Discovery(config)
    discovery.record(paths, list(discover(paths, config)))
    calls = _count_walks(monkeypatch)
    assert discovery(str(repo / "svc")) == _walked(repo / "svc", config)
    assert calls == [[str(repo / "svc")]]


def test_checked_keeps_each_summary_apart_by_project(tmp_path: Path) -> None:
    repo = _tree(tmp_path / "repo")
    config = load_config(start=tmp_path)
    checker = Checker.from_config(config)
    checker.summarize = True
    checked = project_run.Checked()
    taken = {}
    for name in ("svc/app/views.py", "tools/cli.py"):
        path = str(repo / name)
        result = checker.check_file(path)
        assert result.summary is not None
        taken[os.path.abspath(path)] = result.summary
        checked.add(path, result)
        assert result.summary is None  # the result no longer holds it: the one set apart is the only one
    checked.add(("missing.py", "no such file or directory"), None)
    assert set(checked.summaries) == {str(repo / "svc"), str(repo / "tools")}
    kept = {path: summary for by_path in checked.summaries.values() for path, summary in by_path.items()}
    assert kept == taken


def test_each_project_is_settled_and_given_back_when_its_last_file_is_in(tmp_path: Path) -> None:
    """Results come back in the order of the items, each as soon as its project's last file has been checked:
    the run does not hold every result until the end."""
    repo = _tree(tmp_path / "repo")
    config = load_config(start=tmp_path)
    checker = Checker.from_config(config)
    checker.summarize = True
    svc_a, svc_b, tool = (str(repo / name) for name in ("svc/app/__init__.py", "svc/app/views.py", "tools/cli.py"))

    def given_back(items: list[object]) -> list[list[object]]:
        settling = project_run.Settling(items, config, use_cache=False)
        steps = [[item for item, _ in settling.add(item, checker.check_file(item) if isinstance(item, str)
                                                    else None)] for item in items]
        return [*steps, [item for item, _ in settling.finish()]]

    error = ("missing.py", "no such file or directory")
    assert given_back([svc_a, svc_b, error, tool]) == [[], [svc_a, svc_b], [error], [tool], []]
    # a project whose files are not together holds back what follows its first file until its last is in
    assert given_back([svc_a, tool, svc_b]) == [[], [], [svc_a, tool, svc_b], []]
