"""scripts/fetch_extra_corpus.py offline: pip fetches from a local folder only, archives are made here.

The real process checks the two ways a pinned download fails (no archive, a wrong sha256); the pins are then
swapped for a fake application whose wheel and sdist lie in a local ``--find-links`` folder, so the whole path
(pip download, sha256 check, ``.py``-only unpack, skip when unpacked) runs without the network.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from tests.processes import ENV

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "fetch_extra_corpus.py"
OFFLINE = {"PIP_NO_INDEX": "1", "PIP_CONFIG_FILE": "/dev/null", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
MEMBERS = {
    "fakeapp/__init__.py": b"",
    "fakeapp/views.py": b"def login(request):\n    return None\n",
    "fakeapp/static/app.js": b"alert(1)\n",
    "fakeapp/templates/base.html": b"<html></html>\n",
    "fakeapp-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: fakeapp\nVersion: 1.0\n",
    "../escape.py": b"print('outside')\n",
}


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fetch_extra_corpus", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def _wheel(folder: Path, name: str = "fakeapp-1.0-py3-none-any.whl") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with zipfile.ZipFile(path, "w") as bundle:
        for member, data in MEMBERS.items():
            bundle.writestr(member, data)
        bundle.writestr("fakeapp-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        bundle.writestr("fakeapp-1.0.dist-info/RECORD", "")
    return path


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(links: Path, *args: str) -> subprocess.CompletedProcess:
    links.mkdir(exist_ok=True)
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          env={**ENV, **OFFLINE, "PIP_FIND_LINKS": str(links)}, timeout=120)


def test_failed_download_stops_with_an_error_naming_the_package(tmp_path: Path) -> None:
    result = _run(tmp_path / "links", "--dest", str(tmp_path / "extra"))
    first = _script().PINS[0]
    assert result.returncode == 1
    assert f"error: {first.name}=={first.version}: download failed" in result.stderr
    assert not (tmp_path / "extra" / first.name).exists()


def test_second_set_is_chosen_by_set_and_an_unknown_set_is_refused(tmp_path: Path) -> None:
    script = _script()
    first = script.EXTRA2_PINS[0]
    assert not {pin.name for pin in script.EXTRA2_PINS} & {pin.name for pin in script.PINS}  # no application twice
    result = _run(tmp_path / "links", "--set", "extra2", "--dest", str(tmp_path / "extra2"))
    assert result.returncode == 1
    assert f"error: {first.name}=={first.version}: download failed" in result.stderr
    refused = _run(tmp_path / "links", "--set", "extra3", "--dest", str(tmp_path / "extra3"))
    assert refused.returncode == 2 and "invalid choice: 'extra3'" in refused.stderr
    assert not (tmp_path / "extra3").exists()


def test_archive_with_another_sha256_is_refused(tmp_path: Path) -> None:
    first = _script().PINS[0]
    forged = _wheel(tmp_path / "extra" / ".archives", first.archive)  # already "downloaded", wrong content
    result = _run(tmp_path / "links", "--dest", str(tmp_path / "extra"))
    assert result.returncode == 1
    assert f"{first.archive}: sha256 {_sha256(forged)} is not the pinned {first.sha256}" in result.stderr
    assert not (tmp_path / "extra" / first.name).exists()
    assert [path.name for path in (tmp_path / "extra").iterdir()] == [".archives"]  # no partial folder left


@pytest.fixture
def offline_pip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A local package folder that pip (a real subprocess) downloads from instead of the registry."""
    links = tmp_path / "links"
    _wheel(links)
    for name, value in {**OFFLINE, "PIP_FIND_LINKS": str(links)}.items():
        monkeypatch.setenv(name, value)
    return links


def test_pinned_wheel_is_downloaded_verified_and_only_py_files_unpacked(tmp_path: Path, offline_pip: Path,
                                                                       monkeypatch: pytest.MonkeyPatch,
                                                                       capsys: pytest.CaptureFixture) -> None:
    script = _script()
    wheel = offline_pip / "fakeapp-1.0-py3-none-any.whl"
    monkeypatch.setattr(script, "PINS", (script.Pin("fakeapp", "1.0", wheel.name, _sha256(wheel), "fake"),))
    dest = tmp_path / "extra"
    assert script.main(["--dest", str(dest)]) == 0
    assert (dest / ".archives" / wheel.name).read_bytes() == wheel.read_bytes()  # pip fetched it
    unpacked = sorted(path.relative_to(dest / "fakeapp").as_posix() for path in (dest / "fakeapp").rglob("*")
                      if path.is_file())
    assert unpacked == ["fakeapp/__init__.py", "fakeapp/views.py"]
    assert (dest / "fakeapp" / "fakeapp" / "views.py").read_bytes() == MEMBERS["fakeapp/views.py"]
    assert not (tmp_path / "escape.py").exists() and not (dest / "escape.py").exists()
    assert "fakeapp 1.0: 2 .py files" in capsys.readouterr().err

    def no_download(pin: object, folder: Path) -> Path:
        raise AssertionError("an unpacked package is downloaded again")

    monkeypatch.setattr(script, "download", no_download)
    assert script.main(["--dest", str(dest)]) == 0
    assert "fakeapp 1.0: already unpacked" in capsys.readouterr().err


def test_missing_version_is_a_clear_download_error(tmp_path: Path, offline_pip: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture) -> None:
    script = _script()
    monkeypatch.setattr(script, "PINS", (script.Pin("fakeapp", "2.0", "fakeapp-2.0-py3-none-any.whl", "0" * 64,
                                                    "fake"),))
    assert script.main(["--dest", str(tmp_path / "extra")]) == 1
    assert "error: fakeapp==2.0: download failed (pip exit" in capsys.readouterr().err


def test_sdist_unpacks_only_regular_py_files_inside_the_destination(tmp_path: Path) -> None:
    script = _script()
    archive = tmp_path / "fakeapp-1.0.tar.gz"
    with tarfile.open(archive, "w:gz") as bundle:
        for member, data in MEMBERS.items():
            info = tarfile.TarInfo(f"fakeapp-1.0/{member}" if not member.startswith("..") else member)
            info.size = len(data)
            bundle.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("fakeapp-1.0/fakeapp/link.py")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        bundle.addfile(link)
    assert script.unpack(archive, tmp_path / "out") == 2
    assert sorted(path.relative_to(tmp_path / "out").as_posix() for path in (tmp_path / "out").rglob("*.py")) == [
        "fakeapp-1.0/fakeapp/__init__.py", "fakeapp-1.0/fakeapp/views.py"]
    assert not (tmp_path / "escape.py").exists()
