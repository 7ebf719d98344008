"""The flake8 plugin's result cache: a file whose text flake8 already had the plugin check (same tool,
configuration and selection) is not walked again; its findings, kept with their project conditions, are settled
with the model of the run, so an edit of another module still drops or restores them. flake8 runs as a real
process, in one process and with forked workers (each writes what it added; the next run joins them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.processes import ENV, run_flake8
from tests.projects import write_project
from tests.test_be201_project import PROJECT

HELPER = ("ynr/results/helpers.py", 5, 12, "BE201")  # read_csv_from_url: only a management command calls it
VIEW_CALLS_IT = (
    PROJECT["ynr/results/views.py"]
    .replace("import party_colour", "import party_colour, read_csv_from_url")
    .replace("return JsonResponse(party_colour(slug))", "return JsonResponse({'csv': read_csv_from_url(slug)})")
)


def _cache_files(root: Path) -> list[Path]:
    return sorted((root / ".backend_lint_cache").glob("*-flake8-*.json"))


def _flake8(root: Path, *args: str) -> set[tuple[str, int, int, str]]:
    return set(run_flake8(*args, ".", cwd=root))


def test_a_second_run_reads_the_findings_and_settles_them_again(tmp_path: Path) -> None:
    root = write_project(tmp_path, PROJECT)
    first = _flake8(root, "-j1")
    assert HELPER not in first and ("ynr/results/helpers.py", 9, 12, "BE201") in first
    assert _flake8(root, "-j1") == first
    [cache] = _cache_files(root)
    data = json.loads(cache.read_text(encoding="utf-8"))
    kept = data["files"][str(root / "ynr/results/helpers.py")][1]
    assert [finding[3] for finding in kept] == [5, 9]  # kept before settling, with their conditions
    # the helper's module is not walked again: a finding changed in the cache is what the next run reports
    for finding in kept:
        finding[2] = "from the cache"
    cache.write_text(json.dumps(data), encoding="utf-8")
    again = run_flake8_messages(root)
    assert ("ynr/results/helpers.py", 9) in again and again[("ynr/results/helpers.py", 9)] == "from the cache"
    # another module's edit settles the cached findings of the helper's module differently
    (root / "ynr/results/views.py").write_text(VIEW_CALLS_IT, encoding="utf-8")
    assert HELPER in _flake8(root, "-j1")


def test_edited_text_is_checked_again(tmp_path: Path) -> None:
    root = write_project(tmp_path, PROJECT)
    _flake8(root, "-j1")
    helpers = root / "ynr/results/helpers.py"
    helpers.write_text(
        helpers.read_text(encoding="utf-8").replace("requests.get(f", "requests.get(timeout=5, url=f"), encoding="utf-8"
    )
    assert not any(path == "ynr/results/helpers.py" for path, *_ in _flake8(root, "-j1"))


def test_forked_workers_write_what_they_checked(tmp_path: Path) -> None:
    root = write_project(tmp_path, PROJECT)
    first = _flake8(root, "-j2")
    assert _cache_files(root)  # one file per worker that checked something
    assert _flake8(root, "-j2") == first
    assert len(_cache_files(root)) == 1  # joined by the second run
    assert _flake8(root, "-j1") == first


def run_flake8_messages(root: Path) -> dict[tuple[str, int], str]:
    """The messages of a ``flake8 --select BE -j1`` run, by path and line."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "flake8",
            "--isolated",
            "-j1",
            "--select",
            "BE",
            "--format",
            "%(path)s\t%(row)d\t%(text)s",
            ".",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        env=ENV,
        timeout=600,
    )
    found = {}
    for line in result.stdout.splitlines():
        path, row, text = line.split("\t")
        found[(os.path.normpath(path), int(row))] = text
    return found


def test_a_module_a_new_package_of_its_name_shadows_is_not_served_from_the_cache(tmp_path: Path) -> None:
    """A package ``helpers/`` appearing beside ``helpers.py`` changes no byte of the module, yet Python then never
    imports it: the cached findings are not reported, and come back when the package goes."""
    root = write_project(tmp_path, PROJECT)
    first = _flake8(root, "-j1")
    assert ("ynr/results/helpers.py", 9, 12, "BE201") in first
    (root / "ynr/results/helpers").mkdir()
    (root / "ynr/results/helpers/__init__.py").write_text("", encoding="utf-8")
    assert not {finding for finding in _flake8(root, "-j1") if finding[0] == "ynr/results/helpers.py"}
    (root / "ynr/results/helpers/__init__.py").unlink()
    (root / "ynr/results/helpers").rmdir()
    assert _flake8(root, "-j1") == first
