"""The result cache: a file whose bytes, configuration, rules and tool have not changed is not checked again.

Checking is a pure function of a file's bytes, its path in the project and the configuration
(:class:`~backend_lint.runner.Checker`), so a finding list can be reused when all of them are the same. One
cache file per *run key* lives in ``.backend_lint_cache/`` at the project root (a ``.gitignore`` holding ``*``
keeps it out of version control, as ruff does). The run key covers the configuration
(:meth:`Config.fingerprint`), the project root, the selected rules, the Python version (it decides what
parses) and the tool itself: its version and the text of its own modules, so editing a rule in a development
install never serves stale findings. Inside, entries are keyed by absolute path and hold the SHA-256 of the
bytes that were checked.

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
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from backend_lint import __version__
from backend_lint.engine import FileResult
from backend_lint.files import MAX_FILE_BYTES
from backend_lint.finding import Applicability, Finding

CACHE_DIR_NAME = ".backend_lint_cache"
FORMAT = "backend-lint-cache/1"
_GITIGNORE = "# Created by backend-lint automatically.\n*\n"
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by backend-lint.\n"
)
_FINDING_FIELDS = 8  # code, name, message, line, col, end_line, end_col, applicability (+ fix_title)


def read_cacheable(path: str) -> Optional[bytes]:
    """The bytes of a regular file small enough to check, else ``None`` (then it is checked uncached)."""
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
                return None
            return handle.read()
    except OSError:
        return None


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

    def __init__(self, folder: Path, key: str) -> None:
        self.folder = folder
        self.key = key
        self.file = folder / f"{tool_fingerprint()[:12]}-{key}.json"
        self._entries: dict[str, Any] = self._load()
        self._dirty = False

    @classmethod
    def for_checker(cls, checker: Any) -> ResultCache:
        """The cache of a :class:`~backend_lint.runner.Checker`'s configuration and rules."""
        config = checker.config
        key = run_key(config.fingerprint(), Path(config.root), [rule.code for rule in checker.rules])
        return cls(Path(config.root) / CACHE_DIR_NAME, key)

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.file.read_bytes())
        except (OSError, ValueError, RecursionError):  # missing, unreadable, not JSON, not UTF-8
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != self.key:
            return {}
        files = data.get("files")
        return files if isinstance(files, dict) else {}

    def lookup(self, path: str, file_digest: str) -> Optional[FileResult]:
        """The stored result for ``path`` with exactly these bytes, or ``None``."""
        entry = self._entries.get(os.path.abspath(path))
        if not (isinstance(entry, list) and len(entry) == 2 and entry[0] == file_digest):
            return None
        findings = _findings(entry[1], path)
        return None if findings is None else FileResult(path, findings=findings)

    def store(self, path: str, file_digest: str, result: FileResult) -> None:
        if result.errors:
            return
        self._entries[os.path.abspath(path)] = [file_digest, [_encode(finding) for finding in result.findings]]
        self._dirty = True

    def save(self) -> None:
        """Write the entries if anything changed; a folder that cannot be written means no cache, not an error."""
        if not self._dirty:
            return
        try:
            self._prepare_folder()
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
            if not old.name.startswith(ours):
                with contextlib.suppress(OSError):
                    old.unlink()

    def _prepare_folder(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for name, text in ((".gitignore", _GITIGNORE), ("CACHEDIR.TAG", _CACHEDIR_TAG)):
            with contextlib.suppress(FileExistsError), open(self.folder / name, "x", encoding="utf-8") as out:
                out.write(text)


def _encode(finding: Finding) -> list[Any]:
    return [finding.code, finding.name, finding.message, finding.line, finding.col, finding.end_line,
            finding.end_col, int(finding.applicability), finding.fix_title]


def _findings(stored: Any, path: str) -> Optional[list[Finding]]:
    """Decode stored findings, or ``None`` when anything in them is not exactly what :func:`_encode` writes."""
    if not isinstance(stored, list):
        return None
    findings = []
    for item in stored:
        if not (isinstance(item, list) and len(item) == _FINDING_FIELDS + 1):
            return None
        code, name, message, line, col, end_line, end_col, applicability, fix_title = item
        if not (
            all(isinstance(text, str) for text in (code, name, message))
            and all(type(number) is int and number >= 0 for number in (line, col, end_line, end_col))
            and type(applicability) is int
            and applicability in Applicability._value2member_map_
            and (fix_title is None or isinstance(fix_title, str))
        ):
            return None
        findings.append(Finding(code, name, message, path, line, col, end_line, end_col,
                                Applicability(applicability), fix_title))
    return findings
