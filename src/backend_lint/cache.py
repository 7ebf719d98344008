"""The result cache: a file whose bytes, configuration, rules and tool have not changed is not checked again.

Checking is a pure function of a file's bytes, its path in the project, the module name its place in the
folders gives it and the configuration (:class:`~backend_lint.runner.Checker`), so a finding list can be reused
when all of them are the same. One
cache file per *run key* lives in ``.backend_lint_cache/`` at the project root (a ``.gitignore`` holding ``*``
keeps it out of version control, as ruff does). The run key covers the configuration
(:meth:`Config.fingerprint`), the project root, the selected rules, the Python version (it decides what
parses) and the tool itself: its version and the text of its own modules, so editing a rule in a development
install never serves stale findings. Inside, entries are keyed by absolute path and hold the SHA-256 of the
bytes that were checked, the file's stat signature (size, modification and change times, inode) when the
file was read, the module name and deployed program it was checked under (:func:`placement`: a folder
gaining or losing an ``__init__.py``, a package of the file's own name appearing beside it, or a ``Dockerfile``
or ``requirements.txt`` in a folder above it changes what the file is without touching its bytes), and the
SHA-256 of the file's summary for the project model (what a project's recorded answers follow from:
:class:`backend_lint.project_run.Settling`). A file whose signature is unchanged is a hit without
being read, as in ruff's and git's caches: reading and hashing every file was most of a warm run. Any write to
a file changes its change time (which no program can set back), so an edited file is never served from its
signature. A file modified less than two seconds before it was read keeps no signature (an edit right after the
read could fall within the same clock tick and leave the signature as it was: git's "racy" case) and is hashed
again next time.

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
import time
import zlib
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, TextIO

from backend_lint import __version__
from backend_lint.files import MAX_FILE_BYTES
from backend_lint.finding import Applicability, FileResult, Finding

if TYPE_CHECKING:
    from backend_lint.analysis.project.summary import ModuleSummary
    from backend_lint.config import Config

CACHE_DIR_NAME = ".backend_lint_cache"
FORMAT = "backend-lint-cache/36"
_SUMMARY_FORMAT = "backend-lint-summaries/139"
_SUMMARY_SHARDS = 256
"""The summary cache is split by path into this many files: storing one file's summary (the run after an edit)
rewrites one of them, not the summaries of the whole project."""
_GITIGNORE = "# Created by backend-lint automatically.\n*\n"
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by backend-lint.\n"
)
_ENTRY_FIELDS = 5  # digest, findings, signature, summary digest, module name
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


def settled_signature(path: str) -> Optional[Signature]:
    """The file's current signature when it was last modified long enough ago to be trusted, else ``None``."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return _signature(info) if time.time_ns() - info.st_mtime_ns > _RACY_NS else None


def _signature(info: os.stat_result) -> Signature:
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


def placement(path: str) -> str:
    """Where ``path`` sits, as far as checking it depends on more than its bytes: the module name it is imported by
    (:func:`~backend_lint.analysis.project.roots.module_name`: ``""`` for a module beside a package of its own
    name, which is never run and so has no findings) and the folder of the program deployed on its own it belongs
    to, by its requirements or container file and by its container file alone
    (:func:`~backend_lint.analysis.project.roots.deployed_program`: BE404 reads that program's own modules, and a
    program its container runs is no one-shot program), and what the files beside it say of its role (a folder
    README calling it a mock service, a folder of numbered steps: ``module_roles.location_roles``). A cached result
    or summary holds it and is used only while it is still the file's."""
    return "|".join(_placed(path))


def _placed(path: str) -> tuple[str, str, str, str]:
    from backend_lint.analysis.module_roles import location_roles  # noqa: PLC0415 - only with a cache
    from backend_lint.analysis.project.roots import (  # noqa: PLC0415 - only with a cache
        CONTAINER_FILES,
        deployed_program,
        module_name,
    )

    return module_name(path), deployed_program(path), deployed_program(path, CONTAINER_FILES), location_roles(path)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@lru_cache(maxsize=1)
def tool_fingerprint() -> str:
    """The version, and the name, size and modification time of every module of the installed package (rules,
    analysis, engine): an edit of a module, an upgrade or a checkout changes it."""
    return package_fingerprint(os.path.dirname(os.path.realpath(__file__)))


def package_fingerprint(package: str) -> str:
    """The fingerprint of the ``.py`` files under ``package``. Stat-based, as for the files checked, so that a
    warm run does not read the tool's own sources (reading and hashing them cost about a tenth of a warm run on
    Django's sources)."""
    hasher = hashlib.sha256(f"{__version__}|{sys.version_info[:2]}".encode())
    prefix = len(os.path.join(package, ""))  # a module's path below the package, cut (not ``relpath`` per module)
    for folder, subfolders, names in os.walk(package):
        subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
        for name in sorted(names):
            if name.endswith(".py"):
                module = os.path.join(folder, name)
                try:
                    info = os.stat(module)
                except OSError:
                    hasher.update(f"{module}|?".encode())
                    continue
                hasher.update(f"{module[prefix:]}|{info.st_size}|{info.st_mtime_ns}".encode())
    return hasher.hexdigest()


def run_key(config_fingerprint: str, root: Path, codes: list[str]) -> str:
    text = json.dumps([FORMAT, tool_fingerprint(), config_fingerprint, str(root), sorted(codes)])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class ResultCache:
    """The cached results of one run key: look files up by path and digest, store new results, save once.

    Besides each file's findings, the file holds what a warm run needs to report without importing a rule:
    whether the run's rules ask the project model (``modelled``), each rule's trigger words (``triggers``: the
    run after an edit imports only the rules the edited file triggers), and the answers each project's model
    gave (:meth:`settled`), so that a run over files whose summaries are unchanged builds no model."""

    def __init__(self, folder: Path, key: str, summaries: Optional[SummaryCache] = None) -> None:
        self.folder = folder
        self.key = key
        self.file = folder / f"{tool_fingerprint()[:12]}-{key}.json"
        self.modelled: Optional[bool] = None
        """Whether a rule of this run asks the project model (``None``: not known until the rules are built)."""
        self._settled: dict[str, Any] = {}
        self._used: dict[str, str] = {}
        """Absolute path -> the digest of the bytes this run reported for it (a hit, or a result stored)."""
        self._summarised: dict[str, str] = {}
        """Absolute path -> the digest of the summary of those bytes (:func:`summary_digest`), when it has one."""
        self.triggers: Optional[dict[str, list[str]]] = None
        """The enabled rules' trigger words by code (``None``: not known until the rules are built), so that the
        run after an edit imports only the rules the edited file's text triggers."""
        self._entries: dict[str, Any] = self._load()
        self._dirty = False
        self.summaries = summaries
        """Where the files' summaries for the project model are kept, when the run's rules ask the model."""

    @classmethod
    def for_run(cls, config: Config, codes: list[str]) -> ResultCache:
        """The cache of a configuration and the codes of the rules it enables (the summaries are set apart
        once the run knows whether its rules ask the project model)."""
        key = run_key(config.fingerprint(), Path(config.root), codes)
        return cls(Path(config.root) / CACHE_DIR_NAME, key)

    @classmethod
    def for_checker(cls, checker: Any) -> ResultCache:
        """The cache of a :class:`~backend_lint.runner.Checker`'s configuration and rules (and of the files'
        summaries, when the checker takes them)."""
        cache = cls.for_run(checker.config, [rule.code for rule in checker.rules])
        if checker.summarize:
            cache.summaries = SummaryCache(cache.folder)
        return cache

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.file.read_bytes())
        except (OSError, ValueError, RecursionError):  # missing, unreadable, not JSON, not UTF-8
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != self.key:
            return {}
        modelled, settled, triggers = data.get("modelled"), data.get("settled"), data.get("triggers")
        self.modelled = modelled if isinstance(modelled, bool) else None
        self._settled = settled if isinstance(settled, dict) else {}
        if isinstance(triggers, dict) and all(_strings(words) for words in triggers.values()):
            self.triggers = triggers
        files = data.get("files")
        return files if isinstance(files, dict) else {}

    def used(self, path: str) -> Optional[str]:
        """The digest of the bytes whose result this run took from the cache or stored in it, else ``None``."""
        return self._used.get(os.path.abspath(path))

    def reported(self, absolute: str) -> Optional[str]:
        """For the absolute, normalised path of a file this run reported: the digest of the summary of the bytes
        :meth:`used` names when the entry has one, else the digest of those bytes, else ``None`` (what a project
        model follows from, per file: :func:`backend_lint.project_run._inputs` asks it of every file of a
        project on every warm run, so the path is not normalised again)."""
        return self._summarised.get(absolute) or self._used.get(absolute)

    def settled(self, root: str, inputs: str) -> Optional[dict[str, bool]]:
        """The answers the model of the project ``root`` gave when its summaries and configuration were exactly
        ``inputs`` (see :func:`backend_lint.project_run.settle`): a fact (:func:`fact_key`) -> whether it holds."""
        record = self._settled.get(root)
        if not (isinstance(record, list) and len(record) == 2 and record[0] == inputs and isinstance(record[1], dict)):
            return None
        answers = record[1]
        return answers if all(isinstance(holds, bool) for holds in answers.values()) else None

    def record_settled(self, root: str, inputs: Optional[str], answers: dict[str, bool]) -> None:
        """Remember a project model's answers (``inputs`` ``None``: its files cannot be told apart later, forget
        them)."""
        if inputs is None:
            if self._settled.pop(root, None) is not None:
                self._dirty = True
            return
        if self._settled.get(root) != [inputs, answers]:
            self._settled[root] = [inputs, answers]
            self._dirty = True

    def record_triggers(self, triggers: dict[str, list[str]]) -> None:
        if self.triggers != triggers:
            self.triggers = triggers
            self._dirty = True

    def lookup_signed(self, path: str, file_signature: Signature) -> Optional[FileResult]:
        """The stored result for ``path`` when its signature is the one recorded with it, or ``None``."""
        absolute = os.path.abspath(path)
        entry = self._entries.get(absolute)
        if not (isinstance(entry, list) and len(entry) == _ENTRY_FIELDS and entry[2] == file_signature):
            return None
        return self._result(absolute, path, entry)

    def lookup(self, path: str, file_digest: str, file_signature: Optional[Signature] = None) -> Optional[FileResult]:
        """The stored result for ``path`` with exactly these bytes, or ``None``; a hit records the signature the
        bytes were read with, so that the next run need not read them."""
        absolute = os.path.abspath(path)
        entry = self._entries.get(absolute)
        if not (isinstance(entry, list) and len(entry) == _ENTRY_FIELDS and entry[0] == file_digest):
            return None
        result = self._result(absolute, path, entry)
        if result is not None and entry[2] != file_signature:
            self._entries[absolute] = [entry[0], entry[1], file_signature, entry[3], entry[4]]
            self._dirty = True
        return result

    def _result(self, absolute: str, path: str, entry: list[Any]) -> Optional[FileResult]:
        file_digest, summarised = entry[0], entry[3]
        if not (isinstance(file_digest, str) and (summarised is None or isinstance(summarised, str))):
            return None
        if entry[4] != placement(absolute):
            return None
        findings = _findings(entry[1], path)
        if findings is None:
            return None
        self._used[absolute] = file_digest
        if summarised is not None:
            self._summarised[absolute] = summarised
        return FileResult(path, findings=findings)  # settling reads the summary when it needs it (used())

    def store(
        self, path: str, file_digest: str, result: FileResult, file_signature: Optional[Signature] = None
    ) -> None:
        if result.errors:
            return
        findings = [_encode(finding) for finding in result.findings]
        absolute = os.path.abspath(path)
        summarised = None
        if self.summaries is not None and result.summary is not None:
            summarised = self.summaries.store(path, file_digest, result.summary)
        elif self.summaries is not None:  # checked without taking the summary the summary cache holds
            summarised = self.summaries.digest_of(path, file_digest)
        if summarised is not None:
            self._summarised[absolute] = summarised
        self._entries[absolute] = [file_digest, findings, file_signature, summarised, placement(absolute)]
        self._used[absolute] = file_digest
        self._dirty = True

    def save(self) -> None:
        """Write the entries if anything changed; a folder that cannot be written means no cache, not an error."""
        if self.summaries is not None:
            self.summaries.save()
        if not self._dirty:
            return
        head = {"format": FORMAT, "key": self.key, "modelled": self.modelled, "triggers": self.triggers,
                "settled": self._settled}
        try:
            prepare_folder(self.folder)
            handle, temporary = _temporary(self.folder)
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    _write_json(out, head, self._entries)
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
        for old in self.folder.glob("summaries-*"):
            if old.name != f"summaries-{ours}" and old.is_dir() and not old.is_symlink():
                import shutil  # noqa: PLC0415 - only when another version's summaries are found

                shutil.rmtree(old, ignore_errors=True)


def prepare_folder(folder: Path) -> None:
    """Make the cache folder, ignored by git and marked as a cache for backup tools."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in ((".gitignore", _GITIGNORE), ("CACHEDIR.TAG", _CACHEDIR_TAG)):
        with contextlib.suppress(FileExistsError), open(folder / name, "x", encoding="utf-8") as out:
            out.write(text)


class SummaryCache:
    """The files' summaries for the project model (:mod:`backend_lint.analysis.project`), by absolute path and
    the digest of the bytes summarised, in a folder per tool version in the cache folder. They do not depend on
    the configuration, so ``check``, ``fix``, flake8 and the editor's server share them.

    The folder holds :data:`_SUMMARY_SHARDS` JSON files, a file's entry in the one its path hashes to: each is
    read when a summary in it is first asked for, and only those with a new entry are written back, so the run
    after editing one file rewrites one shard (about 1/256 of the summaries), not all of them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / f"summaries-{tool_fingerprint()[:12]}"
        self._shards: dict[int, dict[str, Any]] = {}
        self._dirty: set[int] = set()

    def _shard(self, absolute: str) -> tuple[int, dict[str, Any]]:
        number = zlib.crc32(absolute.encode("utf-8", "surrogateescape")) % _SUMMARY_SHARDS
        entries = self._shards.get(number)
        if entries is None:
            entries = self._shards[number] = self._load(number)
        return number, entries

    def _file(self, number: int) -> Path:
        return self.folder / f"{number:02x}.json"

    def _load(self, number: int) -> dict[str, Any]:
        try:
            data = json.loads(self._file(number).read_bytes())
        except (OSError, ValueError, RecursionError):
            return {}
        if not isinstance(data, dict) or data.get("format") != _SUMMARY_FORMAT:
            return {}
        files = data.get("files")
        return files if isinstance(files, dict) else {}

    def _kept(self, path: str, file_digest: str) -> Optional[dict[str, Any]]:
        """The JSON data of the kept summary of these bytes while the file keeps the module name, the program and
        the roles its folder gives it that it was summarised under (:func:`placement`), else ``None``."""
        absolute = os.path.abspath(path)
        entry = self._shard(absolute)[1].get(absolute)
        if not (isinstance(entry, list) and len(entry) == 3 and entry[0] == file_digest and isinstance(entry[1], dict)):
            return None
        module, program, _contained, roles = _placed(absolute)
        data = entry[1]
        return data if (data.get("module", ""), data.get("program", ""), entry[2]) == (module, program, roles) else None

    def lookup(self, path: str, file_digest: str) -> Optional[ModuleSummary]:
        data = self._kept(path, file_digest)
        if data is None:
            return None
        from backend_lint.analysis.project.summary import ModuleSummary  # noqa: PLC0415 - only when settling

        return ModuleSummary.from_json(data)

    def holds(self, path: str, file_digest: str) -> bool:
        """Whether the summary of these bytes is kept (without decoding it)."""
        return self._kept(path, file_digest) is not None

    def digest_of(self, path: str, file_digest: str) -> Optional[str]:
        """The digest (:func:`summary_digest`) of the kept summary of these bytes, else ``None``."""
        data = self._kept(path, file_digest)
        return None if data is None else summary_digest(data)

    def store(self, path: str, file_digest: str, summary: ModuleSummary) -> str:
        """Keep the summary of these bytes; its digest (:func:`summary_digest`)."""
        absolute = os.path.abspath(path)
        number, entries = self._shard(absolute)
        data = summary.to_json()
        entries[absolute] = [file_digest, data, _placed(absolute)[3]]
        self._dirty.add(number)
        return summary_digest(data)

    def save(self) -> None:
        if not self._dirty:
            return
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            prepare_folder(self.folder.parent)
            for number in sorted(self._dirty):
                handle, temporary = _temporary(self.folder)
                try:
                    with os.fdopen(handle, "w", encoding="utf-8") as out:
                        _write_json(out, {"format": _SUMMARY_FORMAT}, self._shards[number])
                    os.replace(temporary, self._file(number))
                except BaseException:
                    os.unlink(temporary)
                    raise
            self._dirty.clear()

    def release(self) -> None:
        """Write what is new and forget every shard read (settling one project after another)."""
        self.save()
        self._shards.clear()


def summary_digest(data: dict[str, Any]) -> str:
    """What a project model's answers follow from, per file: the digest of its summary's JSON (``data``, as
    :meth:`ModuleSummary.to_json` gives it). An edit that leaves a file's summary as it was (a comment, a
    function's body) leaves it as it was, and the other files' findings need not be settled again."""
    return hashlib.sha256(json.dumps(data, separators=(",", ":"), sort_keys=True).encode()).hexdigest()


def _temporary(folder: Path) -> tuple[int, str]:
    """A new temporary file in ``folder`` to rename over a cache file (``tempfile`` loads only when a run
    writes: a warm run over unchanged files does not)."""
    import tempfile  # noqa: PLC0415

    return tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=folder)


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
        read = _facts(stored_unless)
        unless = tuple(fact for fact in read if fact is not None)
        if not (  # spelt out, not all() over generators: a warm run checks every cached finding
            isinstance(code, str) and isinstance(name, str) and isinstance(message, str)
            and type(line) is int and type(col) is int and type(end_line) is int and type(end_col) is int
            and min(line, col, end_line, end_col) >= 0
            and type(applicability) is int
            and applicability in Applicability._value2member_map_
            and (fix_title is None or isinstance(fix_title, str))
            and len(unless) == len(read)
        ):
            return None
        findings.append(Finding(code, name, message, path, line, col, end_line, end_col,
                                Applicability(applicability), fix_title, unless=unless))
    return findings


def _facts(stored: Any) -> list[Any]:
    """The project facts a stored finding depends on (``[None]``: not a list of them)."""
    if not isinstance(stored, list):
        return [None]
    if not stored:
        return []
    from backend_lint.analysis.project.conditions import ProjectFact  # noqa: PLC0415 - only for such findings

    return [ProjectFact.from_json(fact) for fact in stored]


_CHUNK = 256
"""Entries encoded per ``json.dumps`` call when a cache file is written (the text is the same as one call per
entry: a dict's compact JSON without its braces, joined by commas)."""


def _write_json(out: TextIO, head: dict[str, Any], files: dict[str, Any]) -> None:
    """Write ``{**head, "files": files}`` as compact JSON, :data:`_CHUNK` entries at a time: ``json.dumps`` of a
    dict uses the C encoder (``json.dump`` to a file streams through the pure-Python one, ten times slower on a
    summary cache of a thousand files), and the text of the whole file, several times its size in memory on the
    corpus, is never held at once."""
    out.write(_json(head)[:-1] + ',"files":{')
    separator = ""
    items = iter(files.items())
    while chunk := dict(islice(items, _CHUNK)):  # one C-encoder call per chunk, not two per entry
        out.write(separator + _json(chunk)[1:-1])
        separator = ","
    out.write("}}")


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _json(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"))
