"""Round-trip every fix over real code: fix a copy, then prove nothing broke and nothing fixable is left.

    python scripts/fix_roundtrip.py                 # the shared corpus and this Python's standard library
    python scripts/fix_roundtrip.py PATH [PATH...]  # any folders
    python scripts/fix_roundtrip.py --stdlib-slice  # the small slice CI runs

For each root: copy it to a temporary folder, run ``backend-lint fix --unsafe-fixes -v`` (a real process),
then check that every changed file parses and compiles (``py_compile``), that ``check`` shows none of the
fixable findings, that a second ``fix --unsafe-fixes`` changes nothing, and that unchanged files are
byte-identical to the originals. Prints files changed, fixes applied per rule and fixes refused with reasons.
Exit 1 on any broken file, internal error or non-idempotent fix.
"""

from __future__ import annotations

import collections
import json
import py_compile
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus_check import roots_from_arguments

ROOT = Path(__file__).resolve().parents[1]
REFUSED = re.compile(r"^(?P<path>.+?):\d+:\d+: (?P<code>BE\d+) fix not applied: (?P<reason>.*)$")


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "backend_lint", *args], cwd=cwd, capture_output=True, text=True,
                          check=False)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in folder.rglob("*.py") if path.is_file()}


def round_trip(root: Path) -> bool:
    with tempfile.TemporaryDirectory() as temp:
        copy = Path(temp) / root.name
        if root.is_dir():
            shutil.copytree(root, copy, symlinks=True, ignore=shutil.ignore_patterns("site-packages", "__pycache__"))
        else:
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root, copy)
        before = _snapshot(copy.parent if copy.is_file() else copy)
        first = json.loads(_cli("check", "--output-format", "json", "--unsafe-fixes", str(copy), cwd=ROOT).stdout)
        fixable_before = collections.Counter(f["code"] for f in first if f["fix"] != "none")
        fixed = _cli("fix", "--unsafe-fixes", "-v", "--no-color", str(copy), cwd=ROOT)
        refused = collections.Counter()
        internal = [line for line in fixed.stderr.splitlines() if "internal error" in line or "Traceback" in line]
        for line in fixed.stderr.splitlines():
            match = REFUSED.match(line)
            if match:
                refused[(match["code"], match["reason"])] += 1
        after = _snapshot(copy.parent if copy.is_file() else copy)
        changed = [name for name in after if after[name] != before.get(name)]
        broken = []
        base = copy.parent if copy.is_file() else copy
        for name in changed:
            try:
                warnings.simplefilter("ignore")
                py_compile.compile(str(base / name), doraise=True, cfile=str(Path(temp) / "compiled.pyc"))
            except py_compile.PyCompileError as exc:
                broken.append(f"{name}: {str(exc).splitlines()[-1]}")
        left = json.loads(_cli("check", "--output-format", "json", "--unsafe-fixes", str(copy), cwd=ROOT).stdout)
        fixable_left = [f for f in left if f["fix"] != "none"]
        _cli("fix", "--unsafe-fixes", str(copy), cwd=ROOT)
        unstable = [name for name, data in _snapshot(base).items() if data != after.get(name)]
        print(f"== {root}: {len(before)} files, {len(changed)} changed, "
              f"{sum(fixable_before.values())} fixable findings, {len(fixable_left)} fixable left, "
              f"{len(broken)} broken, {len(unstable)} changed by a second run, {len(internal)} internal errors")
        for code, count in sorted(fixable_before.items()):
            print(f"   fixable {code}: {count}")
        for (code, reason), count in refused.most_common():
            print(f"   refused {code} x{count}: {reason}")
        for line in [*broken, *internal[:20]]:
            print(f"   BROKEN: {line}")
        for finding in fixable_left[:20]:
            print(f"   LEFT: {finding['path']}:{finding['line']} {finding['code']} {finding['message']}")
        for name in unstable[:20]:
            print(f"   UNSTABLE: {name}")
        return not (broken or internal or unstable or fixable_left)


def main() -> int:
    roots = roots_from_arguments(__doc__ or "")
    results = [round_trip(root) for root in roots]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
