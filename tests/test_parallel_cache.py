"""Worker processes and the result cache change how fast a run is, never what it reports.

Each test runs the real command (or the real :func:`check_items`) on real files: a project made of the
fixtures and the example service, copied into two folders so that a pool is used, plus files that cannot be
checked (a syntax error, bytes that are not UTF-8, a folder named like a Python file).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backend_lint import parallel
from backend_lint.cache import CACHE_DIR_NAME, ResultCache, package_fingerprint
from backend_lint.config import load_config
from backend_lint.files import discover
from backend_lint.parallel import MIN_FILES_FOR_POOL, check_items
from backend_lint.runner import Checker
from tests.processes import ENV, run_cli

REPO = Path(__file__).resolve().parent.parent
# each rule's main fixture (every rule has findings to cache) and the example service; not the variants and
# ``.fixed`` files, which only make each of the many runs below slower
SOURCES = sorted((REPO / "tests" / "fixtures").glob("BE[0-9][0-9][0-9].py")) + sorted((REPO / "examples").rglob("*.py"))


def _result_files(folder: Path) -> list[Path]:
    """The result cache files (the project model's summaries are kept beside them)."""
    return [path for path in folder.glob("*.json") if not path.name.startswith("summaries-")]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    (root / "pyproject.toml").write_text('[tool.backend-lint]\nselect = ["BE"]\n', encoding="utf-8")
    for copy in ("app", "service"):
        for index, source in enumerate(SOURCES):
            target = root / copy / f"m{index:02d}_{source.name.replace('.', '_')}.py"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    (root / "app" / "broken.py").write_text("def broken(:\n    pass\n", encoding="utf-8")
    (root / "app" / "latin.py").write_bytes(b"name = '\xe9t\xe9'\nprint(name)\n")
    (root / "app" / "folder.py").mkdir()
    assert len(list(root.rglob("*.py"))) >= 2 * MIN_FILES_FOR_POOL
    return root


def _copy(project: Path, tmp_path: Path) -> Path:
    """A copy of the project whose files were last modified a minute ago (a file modified in the last two
    seconds is hashed on every run instead of being trusted by its stat signature)."""
    target = tmp_path / "copy"
    shutil.copytree(project, target, ignore=shutil.ignore_patterns(CACHE_DIR_NAME))
    past = time.time() - 60
    for path in target.rglob("*.py"):
        if path.is_file():
            os.utime(path, (past, past))
    return target


def _run(root: Path, *args: str) -> tuple[int, str, str]:
    result = run_cli("check", "--output-format", "json", *args, ".", cwd=root)
    return result.returncode, result.stdout.decode(), result.stderr.decode()


def test_workers_report_what_one_process_reports(project: Path, tmp_path: Path) -> None:
    root = _copy(project, tmp_path)
    serial = _run(root, "--jobs", "1", "--no-cache")
    code, out, err = serial
    assert code == 2 and "broken.py" in err and "latin.py" in err and "folder.py" in err
    assert len(json.loads(out)) > 10
    for jobs in ("2", "3"):
        assert _run(root, "--jobs", jobs, "--no-cache") == serial
    text_serial = run_cli("check", "-j", "1", "--no-cache", ".", cwd=root)
    text_parallel = run_cli("check", "-j", "2", "--no-cache", ".", cwd=root)
    assert text_parallel.stdout == text_serial.stdout and text_parallel.stderr == text_serial.stderr
    assert not (root / CACHE_DIR_NAME).exists()


def test_warm_cache_reports_the_same_and_is_ignored_by_git(project: Path, tmp_path: Path) -> None:
    root = _copy(project, tmp_path)
    uncached = _run(root, "--no-cache")
    assert _run(root) == uncached  # cold: fills the cache
    folder = root / CACHE_DIR_NAME
    assert (folder / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    [cache_file] = _result_files(folder)
    written = cache_file.stat().st_mtime_ns
    assert _run(root) == uncached  # warm
    assert _run(root, "-j", "1") == uncached
    assert cache_file.stat().st_mtime_ns == written  # all hits: nothing to write
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=root,
                            capture_output=True, text=True, check=True).stdout
    assert CACHE_DIR_NAME not in status and "pyproject.toml" in status


def test_warm_run_checks_only_changed_files(project: Path, tmp_path: Path) -> None:
    root = _copy(project, tmp_path)
    config = load_config(start=root)
    checker = Checker.from_config(config)
    items = list(discover([str(root)], config))
    first = [(item, result) for item, result in check_items(items, checker, 1, ResultCache.for_checker(checker))]

    checked: list[str] = []
    original = Checker.check_bytes

    def counting(self: Checker, data: bytes, path: str):
        checked.append(path)
        return original(self, data, path)

    edited = next(Path(p) for p in items if isinstance(p, str) and p.endswith("BE401_py.py"))
    Checker.check_bytes = counting  # type: ignore[method-assign]
    try:
        again = list(check_items(items, checker, 1, ResultCache.for_checker(checker)))
        assert sorted(Path(path).name for path in checked) == ["broken.py", "latin.py"]  # errors: not cached
        checked.clear()
        assert [(i, r.findings if r else None) for i, r in again] == [
            (i, r.findings if r else None) for i, r in first
        ]
        edited.write_text(edited.read_text(encoding="utf-8") + "\n\nasync def one_more():\n    print('one more')\n", encoding="utf-8")
        after_edit = dict((i, r) for i, r in check_items(items, checker, 1, ResultCache.for_checker(checker))
                          if isinstance(i, str))
    finally:
        Checker.check_bytes = original  # type: ignore[method-assign]
    assert sorted(Path(path).name for path in checked) == sorted(["broken.py", "latin.py", edited.name])
    before = dict((i, r) for i, r in first if isinstance(i, str))
    assert len(after_edit[str(edited)].findings) == len(before[str(edited)].findings) + 1


def test_unchanged_files_are_served_by_their_signature_without_being_read(project: Path, tmp_path: Path) -> None:
    root = _copy(project, tmp_path)
    config = load_config(start=root)
    checker = Checker.from_config(config)
    items = list(discover([str(root)], config))
    first = [(i, r.findings if r else None) for i, r in check_items(items, checker, 1, ResultCache.for_checker(checker))]
    read: list[str] = []
    original = parallel.read_signed

    def counting(path: str):
        read.append(path)
        return original(path)

    parallel.read_signed = counting  # type: ignore[assignment]
    try:
        again = [(i, r.findings if r else None) for i, r in check_items(items, checker, 1,
                                                                        ResultCache.for_checker(checker))]
    finally:
        parallel.read_signed = original  # type: ignore[assignment]
    assert again == first
    # Files with errors are never stored: each is hashed for the lookup and read again to be checked.
    assert sorted(Path(path).name for path in read) == ["broken.py", "broken.py", "latin.py", "latin.py"]


def test_an_edit_that_keeps_size_and_modification_time_is_seen(project: Path, tmp_path: Path) -> None:
    """The change time, which no program can set back, is part of the signature. (The call sits in a function: a
    module nothing imports whose top level makes the call is a program run by hand, which BE201 leaves alone.)"""
    root = _copy(project, tmp_path)
    target = root / "app" / "edited.py"
    target.write_text("import requests\n\n\ndef fetch():\n    return requests.get(URL)\n", encoding="utf-8")
    os.utime(target, (time.time() - 60, time.time() - 60))
    before = json.loads(_run(root)[1])
    assert [f["code"] for f in before if f["path"].endswith("edited.py")] == ["BE201"]
    info = target.stat()
    target.write_text("import requests\n\n\ndef fetch():\n    return requests.gat(URL)\n", encoding="utf-8")  # same size
    os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert target.stat().st_size == info.st_size and target.stat().st_mtime_ns == info.st_mtime_ns
    after = json.loads(_run(root)[1])
    assert [f["code"] for f in after if f["path"].endswith("edited.py")] == []
    assert after == json.loads(_run(root, "--no-cache")[1])


def test_a_module_that_a_package_of_its_name_shadows_is_not_served_from_the_cache(project: Path, tmp_path: Path) -> None:
    """Neither bytes nor stat signature change when a package ``edited/`` appears beside ``edited.py``, yet Python
    then never imports the file (no findings); when the package goes, the file's findings come back."""
    root = _copy(project, tmp_path)
    target = root / "app" / "edited.py"
    target.write_text("import requests\n\n\ndef fetch():\n    return requests.get(URL)\n", encoding="utf-8")
    os.utime(target, (time.time() - 60, time.time() - 60))
    assert [f["code"] for f in json.loads(_run(root)[1]) if f["path"].endswith("edited.py")] == ["BE201"]
    (root / "app" / "edited").mkdir()
    (root / "app" / "edited" / "__init__.py").write_text("", encoding="utf-8")
    shadowed = json.loads(_run(root)[1])
    assert [f for f in shadowed if f["path"].endswith("edited.py")] == []
    assert shadowed == json.loads(_run(root, "--no-cache")[1])
    shutil.rmtree(root / "app" / "edited")
    assert [f["code"] for f in json.loads(_run(root)[1]) if f["path"].endswith("edited.py")] == ["BE201"]


def test_configuration_and_rule_selection_are_part_of_the_key(project: Path, tmp_path: Path) -> None:
    root = _copy(project, tmp_path)
    everything = _run(root)
    only_401 = _run(root, "--select", "BE401")
    assert only_401 == _run(root, "--select", "BE401", "--no-cache")
    assert {f["code"] for f in json.loads(only_401[1])} == {"BE401"}
    assert _run(root) == everything
    pyproject = root / "pyproject.toml"
    pyproject.write_text('[tool.backend-lint]\nselect = ["BE"]\nignore = ["BE401"]\n', encoding="utf-8")
    ignored = _run(root)
    assert ignored == _run(root, "--no-cache")
    assert "BE401" not in {f["code"] for f in json.loads(ignored[1])}


_CORRUPTIONS = {
    "binary": b"\x00\xff garbage \x80",
    "truncated": b'{"format": "backend-lint-cache/1", "key": "',
    "a list": b"[1, 2, 3]",
    "foreign": b'{"format": "someone-else", "key": "x", "files": {}}',
}


def _tampered(data: dict, how: str) -> bytes:
    """The right format, key and digests, with entries of the wrong shape or findings of the wrong types."""
    for path, entry in data["files"].items():
        if how == "wrong shape":
            data["files"][path] = {"digest": entry}
        else:
            entry[1] = [["BE999", "x", "x", "one", -1, 0, 0, 9, None], *entry[1]]
    return json.dumps(data).encode()


def test_corrupt_or_foreign_cache_is_ignored(project: Path, tmp_path: Path) -> None:
    root = _copy(project, tmp_path)
    expected = _run(root, "--no-cache")
    assert _run(root) == expected
    [cache_file] = _result_files(root / CACHE_DIR_NAME)
    good = cache_file.read_bytes()
    cases = {**_CORRUPTIONS, **{how: _tampered(json.loads(good), how) for how in ("wrong shape", "tampered")}}
    for name, content in cases.items():
        cache_file.write_bytes(content)
        assert _run(root) == expected, name
    assert json.loads(cache_file.read_bytes())["files"]  # rewritten with good entries
    assert _run(root) == expected


def test_cache_path_taken_by_a_folder_is_not_fatal(project: Path, tmp_path: Path) -> None:
    root = _copy(project, tmp_path)
    expected = _run(root, "--no-cache")
    assert _run(root) == expected
    [cache_file] = _result_files(root / CACHE_DIR_NAME)
    cache_file.unlink()
    cache_file.mkdir()
    assert _run(root) == expected


def test_concurrent_runs_share_one_cache(project: Path, tmp_path: Path) -> None:
    root = _copy(project, tmp_path)
    expected = _run(root, "--no-cache")
    command = [sys.executable, "-m", "backend_lint", "check", "--output-format", "json", "-j", "2", "."]
    runs = [subprocess.Popen(command, cwd=root, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(4)]
    for process in runs:
        out, err = process.communicate(timeout=600)
        assert (process.returncode, out.decode(), err.decode()) == expected
    [cache_file] = _result_files(root / CACHE_DIR_NAME)
    assert json.loads(cache_file.read_bytes())["files"]
    assert _run(root) == expected


_REAL_WORKER_BATCH = parallel._worker_batch


def _dying_worker_batch(paths: list[str], with_digest: bool, known: dict[str, str]) -> list:
    """A worker that dies (as if killed or out of memory) on every batch from the ``service`` folder."""
    if any(os.sep + "service" + os.sep in path for path in paths):
        os._exit(1)
    return _REAL_WORKER_BATCH(paths, with_digest, known)


def test_a_dying_worker_does_not_lose_files(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if parallel._context().get_start_method() != "fork":
        pytest.skip("the patched worker reaches the pool only when workers are forked")
    root = _copy(project, tmp_path)
    config = load_config(start=root)
    checker = Checker.from_config(config)
    items = list(discover([str(root)], config))
    expected = [(i, r.findings if r else None) for i, r in check_items(items, checker, 1)]
    monkeypatch.setattr(parallel, "_worker_batch", _dying_worker_batch)
    got = [(i, r.findings if r else None) for i, r in check_items(items, checker, 2)]
    assert got == expected


def test_the_tool_fingerprint_follows_its_modules_without_reading_them(tmp_path: Path) -> None:
    """The cache's key names the tool's modules by their stat, so a warm run reads none of them; an edit of a
    module (size or modification time) gives a new key, compiled bytecode does not."""
    package = tmp_path / "backend_lint"
    (package / "rules").mkdir(parents=True)
    module = package / "rules" / "be999.py"
    module.write_text("CODE = 'BE999'\n", encoding="utf-8")
    (package / "__init__.py").write_text("", encoding="utf-8")
    before = package_fingerprint(str(package))
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"compiled")
    (package / "notes.txt").write_text("not a module", encoding="utf-8")
    assert package_fingerprint(str(package)) == before
    module.write_text("CODE = 'BE998'\n", encoding="utf-8")  # same size: the modification time tells
    os.utime(module, ns=(time.time_ns(), time.time_ns() + 1_000_000_000))
    edited = package_fingerprint(str(package))
    assert edited != before
    (package / "rules" / "be997.py").write_text("", encoding="utf-8")
    assert package_fingerprint(str(package)) not in (before, edited)


def test_a_cache_file_is_written_as_one_compact_json_text() -> None:
    """The entries are encoded a chunk at a time; the text is what encoding the whole file at once gives."""
    import io

    from backend_lint.cache import _CHUNK, _write_json

    head = {"format": 1, "key": "k", "settled": {"/p": ["x", {"f": True}]}}
    for count in (0, 1, _CHUNK, _CHUNK + 1, 3 * _CHUNK - 1):
        files = {f"/project/m{number}.py": ["d" * 8, [["BE101", "n", "m\u00e9", 1, 2, 3, 4, 1, None, []]], None, None, "m"]
                 for number in range(count)}
        out = io.StringIO()
        _write_json(out, head, files)
        assert out.getvalue() == json.dumps({**head, "files": files}, separators=(",", ":"))
