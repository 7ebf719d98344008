"""The result cache: a file whose bytes, configuration, rules and tool have not changed is not checked again.

Checking is a pure function of a file's bytes, its path in the project and the configuration
(:class:`~backend_lint.runner.Checker`), so a finding list can be reused when all of them are the same. One
cache file per *run key* lives in ``.backend_lint_cache/`` at the project root (a ``.gitignore`` holding ``*``
keeps it out of version control, as ruff does). The run key covers the configuration
(:meth:`Config.fingerprint`), the project root, the selected rules, the Python version (it decides what
parses) and the tool itself: its version and the text of its own modules, so editing a rule in a development
install never serves stale findings. Inside, entries are keyed by absolute path and hold the SHA-256 of the
bytes that were checked, and the file's stat signature (size, modification and change times, inode) when the
file was read. A file whose signature is unchanged is a hit without being read, as in ruff's and git's
caches: reading and hashing every file was most of a warm run. Any write to a file changes its change time
(which no program can set back), so an edited file is never served from its signature. A file modified less
than two seconds before it was read keeps no signature (an edit right after the read could fall within the
same clock tick and leave the signature as it was: git's "racy" case) and is hashed again next time.

The file is JSON, never pickle: a cache file is data from disk, and a corrupt, truncated or foreign one must
be ignored, not executed or trusted. Every entry is type-checked before use; anything unexpected is a miss.
Saving writes a temporary file and renames it over the old one, so concurrent runs each leave a complete
file (the last one wins; the other's new entries are simply checked again next time), and removes the files
of other tool versions, so upgrades do not pile up dead caches. Only results without
errors are stored: unreadable files and syntax errors are cheap to report again and may depend on more than
the bytes (permissions, the Python version's grammar).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
import tempfile
import time
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from backend_lint import __version__
from backend_lint.analysis.project.conditions import ProjectFact
from backend_lint.analysis.project.summary import ModuleSummary
from backend_lint.engine import FileResult
from backend_lint.files import MAX_FILE_BYTES
from backend_lint.finding import Applicability, Finding

CACHE_DIR_NAME = ".backend_lint_cache"
FORMAT = "backend-lint-cache/6"
_SUMMARY_FORMAT = "backend-lint-summaries/6"
_GITIGNORE = "# Created by backend-lint automatically.\n*\n"
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by backend-lint.\n"
)
_FINDING_FIELDS = 10  # code, name, message, line, col, end_line, end_col, applicability, fix_title, unless
_RACY_NS = 2_000_000_000
"""A file modified this recently when it was read keeps no signature: an edit within the same clock tick could
leave its signature as it was."""

Signature = list[int]
"""``[size, mtime_ns, ctime_ns, inode]`` of a file, as ``os.stat`` gives them."""


def read_cacheable(path: str) -> Optional[bytes]:
    """The bytes of a regular file small enough to check, else ``None`` (then it is checked uncached)."""
    read = read_signed(path)
    return None if read is None else read[0]


def read_signed(path: str) -> Optional[tuple[bytes, Optional[Signature]]]:
    """The bytes of a regular file small enough to check and its signature as it was read (``None`` when it
    was modified too recently to be trusted), else ``None``."""
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
                return None
            data = handle.read()
    except OSError:
        return None
    settled = time.time_ns() - info.st_mtime_ns > _RACY_NS
    return data, _signature(info) if settled else None


def signature(path: str) -> Optional[Signature]:
    """The file's current signature, or ``None`` when it cannot be read."""
    try:
        return _signature(os.stat(path))
    except OSError:
        return None


def _signature(info: os.stat_result) -> Signature:
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@lru_cache(maxsize=1)
def tool_fingerprint() -> str:
    """The version and the text of every module of the installed package (rules, analysis, engine)."""
    package = Path(__file__).resolve().parent
    hasher = hashlib.sha256(f"{__version__}|{sys.version_info[:2]}".encode())
    for module in sorted(package.rglob("*.py")):
        hasher.update(str(module.relative_to(package)).encode())
        try:
            hasher.update(module.read_bytes())
        except OSError:
            hasher.update(b"?")
    return hasher.hexdigest()


def run_key(config_fingerprint: str, root: Path, codes: list[str]) -> str:
    text = json.dumps([FORMAT, tool_fingerprint(), config_fingerprint, str(root), sorted(codes)])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class ResultCache:
    """The cached results of one run key: look files up by path and digest, store new results, save once."""

    def __init__(self, folder: Path, key: str, summaries: Optional[SummaryCache] = None) -> None:
        self.folder = folder
        self.key = key
        self.file = folder / f"{tool_fingerprint()[:12]}-{key}.json"
        self._entries: dict[str, Any] = self._load()
        self._dirty = False
        self.summaries = summaries
        """Where the files' summaries for the project model are kept (a hit needs its summary too)."""

    @classmethod
    def for_checker(cls, checker: Any) -> ResultCache:
        """The cache of a :class:`~backend_lint.runner.Checker`'s configuration and rules (and of the files'
        summaries, when the checker takes them)."""
        config = checker.config
        key = run_key(config.fingerprint(), Path(config.root), [rule.code for rule in checker.rules])
        folder = Path(config.root) / CACHE_DIR_NAME
        return cls(folder, key, SummaryCache(folder) if checker.summarize else None)

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.file.read_bytes())
        except (OSError, ValueError, RecursionError):  # missing, unreadable, not JSON, not UTF-8
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != self.key:
            return {}
        files = data.get("files")
        return files if isinstance(files, dict) else {}

    def lookup_signed(self, path: str, file_signature: Signature) -> Optional[FileResult]:
        """The stored result for ``path`` when its signature is the one recorded with it, or ``None``."""
        entry = self._entries.get(os.path.abspath(path))
        if not (isinstance(entry, list) and len(entry) == 3 and entry[2] == file_signature):
            return None
        return self._result(path, entry)

    def lookup(self, path: str, file_digest: str, file_signature: Optional[Signature] = None) -> Optional[FileResult]:
        """The stored result for ``path`` with exactly these bytes, or ``None``; a hit records the signature the
        bytes were read with, so that the next run need not read them."""
        absolute = os.path.abspath(path)
        entry = self._entries.get(absolute)
        if not (isinstance(entry, list) and len(entry) == 3 and entry[0] == file_digest):
            return None
        result = self._result(path, entry)
        if result is not None and entry[2] != file_signature:
            self._entries[absolute] = [entry[0], entry[1], file_signature]
            self._dirty = True
        return result

    def _result(self, path: str, entry: list[Any]) -> Optional[FileResult]:
        file_digest = entry[0]
        if not isinstance(file_digest, str):
            return None
        findings = _findings(entry[1], path)
        if findings is None:
            return None
        result = FileResult(path, findings=findings)
        if self.summaries is not None:
            result.summary = self.summaries.lookup(path, file_digest)
            if result.summary is None:
                return None
        return result

    def store(
        self, path: str, file_digest: str, result: FileResult, file_signature: Optional[Signature] = None
    ) -> None:
        if result.errors:
            return
        findings = [_encode(finding) for finding in result.findings]
        self._entries[os.path.abspath(path)] = [file_digest, findings, file_signature]
        self._dirty = True
        if self.summaries is not None and result.summary is not None:
            self.summaries.store(path, file_digest, result.summary)

    def save(self) -> None:
        """Write the entries if anything changed; a folder that cannot be written means no cache, not an error."""
        if self.summaries is not None:
            self.summaries.save()
        if not self._dirty:
            return
        try:
            prepare_folder(self.folder)
            handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=self.folder)
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    json.dump({"format": FORMAT, "key": self.key, "files": self._entries}, out,
                              separators=(",", ":"))
                os.replace(temporary, self.file)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError:
            return
        self._dirty = False
        self._remove_other_versions()

    def _remove_other_versions(self) -> None:
        """Delete cache files another version of the tool wrote: they can never be hits again."""
        ours = tool_fingerprint()[:12]
        for old in self.folder.glob("*-*.json"):
            if not old.name.startswith((ours, f"summaries-{ours}")):
                with contextlib.suppress(OSError):
                    old.unlink()


def prepare_folder(folder: Path) -> None:
    """Make the cache folder, ignored by git and marked as a cache for backup tools."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in ((".gitignore", _GITIGNORE), ("CACHEDIR.TAG", _CACHEDIR_TAG)):
        with contextlib.suppress(FileExistsError), open(folder / name, "x", encoding="utf-8") as out:
            out.write(text)


class SummaryCache:
    """The files' summaries for the project model (:mod:`backend_lint.analysis.project`), by absolute path and
    the digest of the bytes summarised, in one JSON file per tool version in the cache folder. They do not
    depend on the configuration, so ``check``, ``fix``, flake8 and the editor's server share them."""

    def __init__(self, folder: Path) -> None:
        self.file = folder / f"summaries-{tool_fingerprint()[:12]}.json"
        self._entries: dict[str, Any] = self._load()
        self._dirty = False

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.file.read_bytes())
        except (OSError, ValueError, RecursionError):
            return {}
        if not isinstance(data, dict) or data.get("format") != _SUMMARY_FORMAT:
            return {}
        files = data.get("files")
        return files if isinstance(files, dict) else {}

    def lookup(self, path: str, file_digest: str) -> Optional[ModuleSummary]:
        entry = self._entries.get(os.path.abspath(path))
        if not (isinstance(entry, list) and len(entry) == 2 and entry[0] == file_digest):
            return None
        return ModuleSummary.from_json(entry[1])

    def store(self, path: str, file_digest: str, summary: ModuleSummary) -> None:
        self._entries[os.path.abspath(path)] = [file_digest, summary.to_json()]
        self._dirty = True

    def save(self) -> None:
        if not self._dirty:
            return
        with contextlib.suppress(OSError):
            prepare_folder(self.file.parent)
            handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=self.file.parent)
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    json.dump({"format": _SUMMARY_FORMAT, "files": self._entries}, out, separators=(",", ":"))
                os.replace(temporary, self.file)
            except BaseException:
                os.unlink(temporary)
                raise
            self._dirty = False


def _encode(finding: Finding) -> list[Any]:
    return [finding.code, finding.name, finding.message, finding.line, finding.col, finding.end_line,
            finding.end_col, int(finding.applicability), finding.fix_title,
            [fact.to_json() for fact in finding.unless]]


def _findings(stored: Any, path: str) -> Optional[list[Finding]]:
    """Decode stored findings, or ``None`` when anything in them is not exactly what :func:`_encode` writes."""
    if not isinstance(stored, list):
        return None
    findings = []
    for item in stored:
        if not (isinstance(item, list) and len(item) == _FINDING_FIELDS):
            return None
        code, name, message, line, col, end_line, end_col, applicability, fix_title, stored_unless = item
        read = [ProjectFact.from_json(fact) for fact in stored_unless] if isinstance(stored_unless, list) else [None]
        unless = tuple(fact for fact in read if fact is not None)
        if not (
            all(isinstance(text, str) for text in (code, name, message))
            and all(type(number) is int and number >= 0 for number in (line, col, end_line, end_col))
            and type(applicability) is int
            and applicability in Applicability._value2member_map_
            and (fix_title is None or isinstance(fix_title, str))
            and len(unless) == len(read)
        ):
            return None
        findings.append(Finding(code, name, message, path, line, col, end_line, end_col,
                                Applicability(applicability), fix_title, unless=unless))
    return findings
