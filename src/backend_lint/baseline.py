"""A baseline of known findings, so a legacy codebase can turn backend-lint on and fail only on new problems.

A finding is recorded by a fingerprint that survives unrelated edits: its path (relative to the baseline
file's folder, so the file works from any working directory), its code, the name of the function (or class)
it is in, and the text of the line it starts on without its comment (matched with all whitespace removed, so
a formatter's spacing changes nothing; the file keeps it readable). Line numbers
are left out on purpose: adding an import at the top must not turn every old finding into a new one. Keys
are counted, so a second identical ``print(order)`` in the same function is new even though the first is
known; when there are more findings than recorded, the later ones (by line) are the new ones.

The file is JSON with one finding per line, sorted, without versions or dates, so regenerating it after a
fix shows as a small diff in code review. A missing, unreadable or malformed file is a
:class:`BaselineError` (exit 2): an unusable baseline must never look like "no findings".
"""

from __future__ import annotations

import ast
import json
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Optional

from backend_lint.config import ConfigError
from backend_lint.finding import Finding
from backend_lint.noqa import NoqaMap

FORMAT_KEY = "backend-lint-baseline"
FORMAT_VERSION = 1
MODULE_LEVEL = ""


class BaselineError(ConfigError):
    """The baseline file cannot be used; the message says which file, why, and how to recreate it."""


class Key(NamedTuple):
    """What identifies a finding across edits (see the module docstring)."""

    path: str
    code: str
    function: str
    text: str


def baseline_path(finding_path: str, base_dir: Path) -> str:
    """``finding_path`` relative to the baseline's folder, with ``/`` separators (``-`` stays ``-``)."""
    if finding_path == "-":
        return finding_path
    try:
        relative = os.path.relpath(os.path.realpath(finding_path), os.path.realpath(base_dir))
    except ValueError:  # another drive on Windows
        relative = os.path.abspath(finding_path)
    return relative.replace(os.sep, "/")


def _scope_names(tree: ast.Module, line_count: int) -> list[str]:
    """The qualified name of the innermost function or class around each line (index 0 is unused)."""
    names = [MODULE_LEVEL] * (line_count + 2)
    stack: list[tuple[ast.AST, str]] = [(tree, "")]
    while stack:  # pre-order: an outer scope's lines are written before its inner scopes overwrite theirs
        node, prefix = stack.pop()
        for child in ast.iter_child_nodes(node):
            name = prefix
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}.{child.name}" if prefix else child.name
                last = min(getattr(child, "end_lineno", None) or child.lineno, line_count + 1)
                names[child.lineno:last + 1] = [name] * (last + 1 - child.lineno)
            stack.append((child, name))
    return names


def normalise(line_text: str, comment_start: Optional[int] = None) -> str:
    """The line without its comment, trailing line break and runs of whitespace."""
    if comment_start is not None:
        line_text = line_text[:comment_start]
    return " ".join(line_text.split())


def keys_for(findings: list[Finding], source: str, path: str) -> list[Key]:
    """The fingerprint of each of one file's findings; ``path`` is the file's baseline path."""
    if not findings:
        return []
    comments = NoqaMap(source)
    lines = comments.lines
    try:
        scopes = _scope_names(ast.parse(source), len(lines))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        scopes = [MODULE_LEVEL] * (len(lines) + 2)
    keys = []
    for finding in findings:
        line = finding.line
        text = ""
        if 0 < line <= len(lines):  # the tokenizer runs only when a finding's line may hold a comment
            line_text = lines[line - 1]
            text = normalise(line_text, comments.comment_start(line) if "#" in line_text else None)
        scope = scopes[line] if 0 < line < len(scopes) else MODULE_LEVEL
        keys.append(Key(path, finding.code, scope, text))
    return keys


def render(keys: Iterable[Key]) -> str:
    """The baseline file's text: sorted, one finding per line, ending in a newline."""
    counts = Counter(keys)
    entries = [
        json.dumps({"path": key.path, "code": key.code, "function": key.function, "text": key.text,
                    "count": count}, ensure_ascii=False)
        for key, count in sorted(counts.items())
    ]
    body = ",\n    ".join(entries)
    findings = f"[\n    {body}\n  ]" if entries else "[]"
    return f'{{\n  "{FORMAT_KEY}": {FORMAT_VERSION},\n  "findings": {findings}\n}}\n'


def write(path: Path, keys: Iterable[Key]) -> None:
    """Write the baseline (atomically when the file exists, so a reader never sees half of it)."""
    data = render(keys).encode("utf-8")
    if path.exists():
        from backend_lint.fixing.writer import atomic_write  # noqa: PLC0415

        atomic_write(str(path), data)
    else:
        path.write_bytes(data)


@dataclass
class Baseline:
    """A loaded baseline: how many findings of each key are known, and how many of them were seen."""

    path: Path
    counts: Counter[Key] = field(default_factory=Counter)
    seen: Counter[Key] = field(default_factory=Counter)

    @property
    def folder(self) -> Path:
        return self.path.parent

    shown: dict[Key, Key] = field(default_factory=dict)  # matching key -> the key as written in the file

    def add(self, key: Key, count: int) -> None:
        matching = match_key(key)
        self.counts[matching] += count
        self.shown.setdefault(matching, key)

    def is_known(self, key: Key) -> bool:
        """Count one finding with ``key``; true while the baseline still has unclaimed findings of it."""
        matching = match_key(key)
        self.seen[matching] += 1
        return self.seen[matching] <= self.counts[matching]

    def fixed(self, checked: dict[str, set[str]]) -> list[tuple[Key, int]]:
        """Recorded findings that no longer occur, limited to files checked with the entry's rule enabled."""
        gone = []
        for matching, count in self.counts.items():
            missing = count - self.seen[matching]
            if missing > 0 and matching.code in checked.get(matching.path, ()):
                gone.append((self.shown[matching], missing))
        return sorted(gone)


def match_key(key: Key) -> Key:
    """The key findings are matched by: the line's text with every space removed."""
    return key._replace(text="".join(key.text.split()))


def load(path: Path) -> Baseline:
    """Read and validate a baseline file; every problem is a :class:`BaselineError`."""
    hint = f"create it with `backend-lint check --write-baseline {path}`"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"{path}: baseline file not found; {hint}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc}") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}: the baseline is not valid JSON ({exc}); re{hint}") from None
    if not isinstance(data, dict) or FORMAT_KEY not in data:
        raise BaselineError(f"{path}: not a backend-lint baseline (no `{FORMAT_KEY}` key); {hint}")
    if data[FORMAT_KEY] != FORMAT_VERSION:
        raise BaselineError(
            f"{path}: baseline format {data[FORMAT_KEY]!r} is not supported (expected {FORMAT_VERSION}); {hint}"
        )
    entries = data.get("findings")
    if not isinstance(entries, list):
        raise BaselineError(f"{path}: `findings` must be a list; {hint}")
    baseline = Baseline(path)
    for number, entry in enumerate(entries, start=1):
        baseline.add(_entry_key(entry, path, number, hint), entry["count"])
    return baseline


def _entry_key(entry: Any, path: Path, number: int, hint: str) -> Key:
    valid = (
        isinstance(entry, dict)
        and all(isinstance(entry.get(name), str) for name in Key._fields)
        and isinstance(entry.get("count"), int)
        and not isinstance(entry.get("count"), bool)
        and entry["count"] >= 1
    )
    if not valid:
        raise BaselineError(
            f"{path}: finding #{number} must have string `path`, `code`, `function`, `text` and a positive "
            f"integer `count`, got {entry!r}; {hint}"
        )
    return Key(entry["path"], entry["code"], entry["function"], entry["text"])
