"""Fetch a second pinned corpus of real web applications, for rules the shared corpus rarely triggers.

    python scripts/fetch_extra_corpus.py               # into ~/.cache/backend-lint-corpus/extra
    python scripts/fetch_extra_corpus.py --set extra2  # the third set, into ~/.cache/backend-lint-corpus/extra2
    python scripts/fetch_extra_corpus.py --dest DIR    # anywhere else
    python scripts/precision_sample.py --seed 103 ~/.cache/backend-lint-corpus/extra   # then measure on it

Why a second corpus: the shared one (``../shared/corpus/fetch``) is mostly frameworks and large platforms, and
rules about token issuing, password hashing, HTML building, CSRF exemptions, uploads, login and create endpoints
find almost nothing there, so their precision cannot be measured. These are applications (not libraries) that
do those things. Each pin is an exact version *and* the sha256 of its archive, so the corpus is the same code on
every machine: ``pip download`` (the ordinary client, with the machine's index settings) fetches the archive, this
script checks its sha256 and unpacks only its ``.py`` files to ``DEST/<name>``. A package already unpacked is
skipped; a failed download or a wrong hash stops the run with an error that names the package.

Two sets: ``extra`` (19 applications, used since December 2026 to find false alarms, so no longer unseen) and
``extra2`` (14 more applications, fetched on 5 December 2026 and kept for measures only: a rule tuned on what it
reports there is no longer measured by it). Once a set has been used for tuning, add a new set rather than
re-drawing from it.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

CORPUS_HOME = Path.home() / ".cache" / "backend-lint-corpus"


@dataclass(frozen=True)
class Pin:
    """One package: the exact version and the archive's file name and sha256."""

    name: str
    version: str
    archive: str
    sha256: str
    about: str


# Pure-Python wheels only, so the same archive is chosen on every platform and Python version.
PINS = (
    Pin("archivebox", "0.7.4", "archivebox-0.7.4-py3-none-any.whl",
        "3e8bd9390b9b26addd0e65e5d8574261f1aaca39911bef9ac06cd9c89db7370c", "Django web archiver"),
    Pin("calibreweb", "0.6.27", "calibreweb-0.6.27-py3-none-any.whl",
        "c6d4173d31a4495e09c615857f30f0d03d9f7eabc7bb50558164f67083d4f72d", "Flask e-book library, login, uploads"),
    Pin("changedetection.io", "0.60.10", "changedetection_io-0.60.10-py3-none-any.whl",
        "a99794de52220a398ef4002ac66f6bf07e579ef9269254828e6b59bd3fb2cd13", "Flask page-change monitor"),
    Pin("django-helpdesk", "2.6.1", "django_helpdesk-2.6.1-py3-none-any.whl",
        "f2167cd340577088be861fa5d25ca6f828226ac0d25db7e67b96a35a89ca4e44", "Django + DRF ticket system, e-mail"),
    Pin("django-oscar", "4.2.1", "django_oscar-4.2.1-py3-none-any.whl",
        "adbb95ea0130859c204cc6fb221052d6d437ecbaa90800e8418a809f72645e9c", "Django e-commerce shop"),
    Pin("fittrackee", "1.3.6", "fittrackee-1.3.6-py3-none-any.whl",
        "6aefd582e04de2ab6abb80d7910fa2260107c9f96bd67f846e1595cc2b05c28e", "Flask workout tracker, JWT, uploads"),
    Pin("flaskbb", "2.0.2", "FlaskBB-2.0.2-py2.py3-none-any.whl",
        "58a6490057efa31de28e2f44dc6a179743206fa4f601dde1558ef712697b9395", "Flask forum, register/login"),
    Pin("hyperkitty", "1.3.12", "hyperkitty-1.3.12-py3-none-any.whl",
        "4205862e1d323e972bcb7447f1962da925709c7be43e663ffdc7bc7fa51e514d", "Django mailing-list archive"),
    Pin("ihatemoney", "7.2.1", "ihatemoney-7.2.1-py3-none-any.whl",
        "19742d7c6d08ee5675b97beefc7c40f1e07fe8ee2124a1036f5679f20ff9e324", "Flask shared-budget app, WTF_CSRF"),
    Pin("indico", "3.2.9", "indico-3.2.9-py3-none-any.whl",
        "194d2e31ccaabd2b9af7809e67d60d942faee35a6b4de36f0c2c280a32ed84c3", "Flask event management"),
    Pin("kinto", "26.5.0", "kinto-26.5.0-py3-none-any.whl",
        "886a877bc33a810324ca57a4c48bfebd74de440405d194b649c414e34fa614a1", "Pyramid JSON storage API"),
    Pin("octoprint", "1.11.8", "octoprint-1.11.8-py3-none-any.whl",
        "21fef2f84f9b730dab905c3d22c0476f4877cadf6c129c8a75be8e5b5546241e", "Flask/Tornado 3D-printer server"),
    Pin("postorius", "1.3.13", "postorius-1.3.13-py3-none-any.whl",
        "a13f3b6856cf8f0f454efbf7d642d06912867e8f0befb98a43cd604e04532ffe", "Django mailing-list admin"),
    Pin("pretalx", "2025.2.2", "pretalx-2025.2.2-py3-none-any.whl",
        "39e99ae2c8ad4a6a17d2ee022fc52369a0ac398762cac537de7833c664828440", "Django conference planner"),
    Pin("pretix", "2026.8.0", "pretix-2026.8.0-py3-none-any.whl",
        "a78932e698778d873530d67f25a57c28d1c09b1bfb1a22ec817c00d90397db85", "Django ticket shop, payments"),
    Pin("privacyidea", "3.14", "privacyidea-3.14-py3-none-any.whl",
        "86a24cbffa8a7316eab93eb220b4d8710ea68af2390990d0dddd58d7bd6947b1", "Flask MFA server, JWT"),
    Pin("superdesk-core", "2.5.3", "Superdesk_Core-2.5.3-py3-none-any.whl",
        "cf7cae91b31bb174adc9eae0755c158287500ce40333c19bc5559635b360910f", "Eve/Flask newsroom API"),
    Pin("weblate", "5.14.3", "weblate-5.14.3-py3-none-any.whl",
        "0bc2c5a49ebc496758e89f08d5ec9d1b226e8aba2cff7744a18ab9f235dca816", "Django translation platform"),
    Pin("wger", "2.1", "wger-2.1-py2.py3-none-any.whl",
        "eeb67b4184137b83cb6ee4c2dff2935c6de3d3633dc20279fe9b1d0c91160a32", "Django + DRF fitness manager"),
)


# The third set: applications no rule had been run on when they were pinned (5 December 2026).
EXTRA2_PINS = (
    Pin("alerta-server", "9.1.0", "alerta_server-9.1.0-py2.py3-none-any.whl",
        "50e3d49655e14a2361341871901b9a23a8a99658c1c93316a636f8585ab3e2df", "Flask alerting API, JWT, API keys"),
    Pin("chainlit", "2.12.0", "chainlit-2.12.0-py3-none-any.whl",
        "17cbd2c408f775a123892984bf9170674b5c81a01f7a8af278912e2786253ffc", "FastAPI chat-application server"),
    Pin("gns3-server", "3.0.6", "gns3_server-3.0.6-py3-none-any.whl",
        "6293f06431135305a18323cb893f69395d84470818ac5711360433bc01b38bc9", "FastAPI network emulator, JWT, users"),
    Pin("gramps-webapi", "3.24.0", "gramps_webapi-3.24.0-py3-none-any.whl",
        "81333f6b427ea3dc67fb53ac04e72bc5b7069cd967c9f40fe0cb48fcb932ca29", "Flask genealogy API, JWT, uploads"),
    Pin("horizon", "27.0.0", "horizon-27.0.0-py3-none-any.whl",
        "8a981dae4fb6626e71553aa185f6e429b0b1efb86b04b0a72c3b18ee04f1f990", "Django OpenStack dashboard"),
    Pin("jupyterhub", "6.1.1", "jupyterhub-6.1.1-py3-none-any.whl",
        "ae20ed7b3d7cef1dd5d51e28723fd53853d69f732e7a9e84a73136acab454248", "Tornado multi-user notebook hub, tokens"),
    Pin("keystone", "30.0.0", "keystone-30.0.0-py3-none-any.whl",
        "d0fa097278b1c1eda5b2c727766322a6a8afac0ed848d3104253855d4d483515", "Flask OpenStack identity service"),
    Pin("langflow-base", "1.13.0", "langflow_base-1.13.0-py3-none-any.whl",
        "e15db23e16cf27d6d1ac8fcc5030cf25ad3a04356a9581862b4e97de739dd3a2", "FastAPI low-code AI workflows, JWT"),
    Pin("modoboa", "2.12.0", "modoboa-2.12.0-py3-none-any.whl",
        "f3ad5957a2069f3221814979f7144aeb2a541539009a03a534ec19b4f65306e0", "Django + DRF mail hosting admin"),
    Pin("opal-server", "0.9.9", "opal_server-0.9.9-py3-none-any.whl",
        "9f9307cc5432fd5a1992177a57a7eeb337e96eb554d6888a2322bb51bf1e8ff8", "FastAPI policy distribution server"),
    Pin("open-webui", "0.12.4", "open_webui-0.12.4-py3-none-any.whl",
        "02e9caba96234db3fa17a92e56163b3f7f2b8ca8227fa886b85c178d696483f6", "FastAPI AI chat interface, JWT, uploads"),
    Pin("pgadmin4", "9.18", "pgadmin4-9.18-py3-none-any.whl",
        "9ea084fc416265e4fc95c9fb6e6ae0f6668d34da8670c9b65c79cea054124356", "Flask PostgreSQL administration"),
    Pin("reviewboard", "8.1", "reviewboard-8.1-py3-none-any.whl",
        "efbac759430425a99a09435f566d5dc61e30624b3a80ba2e04e578591d2a31f5", "Django code review, web API"),
    Pin("shuup", "3.1.0", "shuup-3.1.0-py2.py3-none-any.whl",
        "535b41374d3288261206cb3ffba2a4565a54bd8c30d88e0143e81388e03b78cb", "Django e-commerce platform"),
)


class FetchError(Exception):
    """A package could not be fetched as pinned (download failed, archive missing, or wrong sha256)."""


def download(pin: Pin, folder: Path) -> Path:
    """The pinned archive, downloaded by ``pip download`` into ``folder`` (reused when already there)."""
    target = folder / pin.archive
    if target.is_file():
        return target
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--ignore-requires-python", "--only-binary",
               ":all:", "--disable-pip-version-check", "-q", "-d", str(folder), f"{pin.name}=={pin.version}"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise FetchError(f"{pin.name}=={pin.version}: download failed (pip exit {result.returncode}):\n"
                         f"{result.stderr.strip()[-2000:]}")
    if not target.is_file():
        raise FetchError(f"{pin.name}=={pin.version}: pip did not produce {pin.archive}")
    return target


def verify(archive: Path, expected: str) -> None:
    """Refuse an archive whose sha256 is not the pinned one (a changed upload, or a corrupt download)."""
    digest = hashlib.sha256()
    with archive.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != expected:
        raise FetchError(f"{archive.name}: sha256 {digest.hexdigest()} is not the pinned {expected}")


def safe_member(name: str) -> PurePosixPath | None:
    """The member's relative path when it is a ``.py`` file that stays inside the destination, else None."""
    path = PurePosixPath(name)
    if path.suffix != ".py" or path.is_absolute() or ".." in path.parts:
        return None
    return path


def unpack(archive: Path, out: Path) -> int:
    """Write only the ``.py`` files of a wheel/zip or a tar sdist under ``out``; returns how many."""
    count = 0
    if archive.name.endswith((".whl", ".zip")):
        with zipfile.ZipFile(archive) as bundle:
            for info in bundle.infolist():
                member = safe_member(info.filename)
                if member is not None and not info.is_dir():
                    count += write(out / member, bundle.read(info))
    elif archive.name.endswith((".tar.gz", ".tgz", ".tar.bz2", ".tar")):
        with tarfile.open(archive) as bundle:
            for info in bundle.getmembers():
                member = safe_member(info.name)
                stream = bundle.extractfile(info) if member is not None and info.isfile() else None
                if stream is not None:
                    count += write(out / member, stream.read())
    else:
        raise FetchError(f"{archive.name}: not a wheel, zip or tar archive")
    return count


def write(path: Path, data: bytes) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return 1


def fetch(pin: Pin, dest: Path, archives: Path) -> str:
    """Unpack one pin to ``dest/<name>`` unless it is there; via a temporary folder, so a failure leaves nothing."""
    out = dest / pin.name
    if out.is_dir() and any(out.iterdir()):
        return f"{pin.name} {pin.version}: already unpacked"
    archive = download(pin, archives)
    verify(archive, pin.sha256)
    partial = Path(tempfile.mkdtemp(prefix=f".{pin.name}-", dir=dest))
    try:
        files = unpack(archive, partial)
        if out.exists():
            out.rmdir()  # an empty folder left by hand
        partial.rename(out)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return f"{pin.name} {pin.version}: {files} .py files"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", dest="corpus", choices=("extra", "extra2"), default="extra",
                        help="which pinned set to fetch (default: extra; extra2 is kept for measures only)")
    parser.add_argument("--dest", type=Path,
                        help=f"where to unpack (default: {CORPUS_HOME}/<set>)")
    args = parser.parse_args(argv)
    pins = {"extra": PINS, "extra2": EXTRA2_PINS}[args.corpus]
    dest = args.dest or CORPUS_HOME / args.corpus
    archives = dest / ".archives"
    archives.mkdir(parents=True, exist_ok=True)
    for pin in pins:
        try:
            print(fetch(pin, dest, archives), file=sys.stderr)
        except FetchError as error:
            print(f"fetch_extra_corpus: error: {error}", file=sys.stderr)
            return 1
    print(dest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
