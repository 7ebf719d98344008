"""Never crash, never break a file: contained internal errors, real-code slices, fuzzing, bad bytes,
concurrent and interrupted fixes."""

from __future__ import annotations

import ast
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from backend_lint.config import Config
from backend_lint.files import SourceFile
from backend_lint.finding import Applicability
from backend_lint.runner import Checker
from tests.processes import ENV, run_cli

ROOT = Path(__file__).resolve().parents[1]
CHECKER = Checker.from_config(Config(root=ROOT))
FUZZ_EXAMPLES = int(os.environ.get("BACKEND_LINT_FUZZ_EXAMPLES", "40"))
PRINTING = "import sys\n\n\nasync def pay(order_id):\n    print('paying', order_id)\n    print(f'paid {order_id}', file=sys.stderr)\n"

INJECT = textwrap.dedent(
    """
    import ast, sys
    from backend_lint import registry
    from backend_lint.rule import Rule, visits

    class Exploding(Rule):
        code = "BE991"
        name = "exploding"
        message = "`boom`"

        @visits(ast.Call)
        def call(self, node, ctx):
            raise KeyError("boom")

    classes = registry.all_rule_classes()
    registry.all_rule_classes = lambda: (*classes, Exploding)
    import backend_lint.config, backend_lint.runner, backend_lint.outputs.sarif
    for module in (backend_lint.config, backend_lint.runner, backend_lint.outputs.sarif):
        module.all_rule_classes = registry.all_rule_classes
    from backend_lint.cli import main
    sys.exit(main(sys.argv[1:]))
    """
)


def _inject(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", INJECT, *args], cwd=cwd, capture_output=True, text=True, env=ENV)


def test_internal_error_is_one_line_and_the_run_goes_on(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(PRINTING, encoding="utf-8")
    (tmp_path / "b.py").write_text(PRINTING, encoding="utf-8")
    result = _inject("check", ".", cwd=tmp_path)
    assert result.returncode == 2
    errors = result.stderr.splitlines()
    assert len(errors) == 2, result.stderr
    assert errors[0].startswith("backend-lint: error: a.py: internal error in BE991: KeyError: 'boom' (at line")
    assert "please report" in errors[0] and "Traceback" not in result.stderr
    assert result.stdout.count("BE401") == 4, "the other rules still ran on both files"
    verbose = _inject("check", "-v", ".", cwd=tmp_path)
    assert "Traceback (most recent call last)" in verbose.stderr


def test_stdlib_slice_has_no_internal_errors() -> None:
    result = subprocess.run([sys.executable, "scripts/corpus_check.py", "--stdlib-slice"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 internal errors" in result.stdout


def test_fix_round_trip_on_stdlib_slice() -> None:
    result = subprocess.run([sys.executable, "scripts/fix_roundtrip.py", "--stdlib-slice"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout and "UNSTABLE" not in result.stdout


def _never_raises(text: str, path: str = "app/service.py") -> None:
    result = CHECKER.check_source(SourceFile(text, "utf-8"), path)
    assert not [error for error in result.errors if error.code], result.errors
    fixed = CHECKER.fix_source(SourceFile(text, "utf-8"), path, Applicability.UNSAFE)
    assert not [error for error in fixed.result.errors if error.code], fixed.result.errors
    if fixed.changed:
        ast.parse(fixed.text)


def _fuzz_source():
    import hypothesmith

    return hypothesmith.from_grammar() | hypothesmith.from_node()


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(source=_fuzz_source())
def test_fuzzed_source_never_crashes_check_or_fix(source: str) -> None:
    _never_raises(source)


def _real_files() -> list[Path]:
    files = sorted((ROOT / "tests" / "fixtures").rglob("*.py")) + sorted((ROOT / "src").rglob("*.py"))
    return [path for path in files if path.stat().st_size > 0]


def test_bad_bytes_never_crash(tmp_path: Path) -> None:
    rng = random.Random(20261126)
    files = _real_files()
    mutated = []
    for index in range(120):
        data = bytearray(rng.choice(files).read_bytes())
        if index % 2:
            data = data[: rng.randrange(1, len(data) + 1)]
        for _ in range(rng.randrange(1, 6)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        result = CHECKER.check_bytes(bytes(data), "app/mutated.py")
        assert not [error for error in result.errors if error.code], result.errors
        (tmp_path / f"m{index:03}.py").write_bytes(bytes(data))
        mutated.append(bytes(data))
    process = run_cli("fix", "--unsafe-fixes", ".", cwd=tmp_path)
    assert process.returncode in (0, 1, 2)
    assert "Traceback" not in process.stderr.decode() and "internal error" not in process.stderr.decode()
    for index, path in enumerate(sorted(tmp_path.glob("*.py"))):
        if path.read_bytes() != mutated[index]:
            ast.parse(path.read_bytes())  # only files that parsed are fixed, and they still parse


def _tree(root: Path, count: int) -> dict[str, bytes]:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[tool.backend-lint]\n", encoding="utf-8")
    originals = {}
    for index in range(count):
        name = f"mod{index:04}.py"
        data = (PRINTING * 3).replace("def pay", f"def pay{index}").encode()
        (root / name).write_bytes(data)
        originals[name] = data
    return originals


def test_concurrent_fix_runs_leave_every_file_old_or_new(tmp_path: Path) -> None:
    originals = _tree(tmp_path / "tree", 60)
    reference = tmp_path / "reference"
    _tree(reference, 60)
    run_cli("fix", "--unsafe-fixes", ".", cwd=reference)
    runs = [
        subprocess.Popen([sys.executable, "-m", "backend_lint", "fix", "--unsafe-fixes", "."], cwd=tmp_path / "tree",
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
        for _ in range(2)
    ]
    for run in runs:
        _, stderr = run.communicate(timeout=300)
        assert b"Traceback" not in stderr
    for name, data in originals.items():
        now = (tmp_path / "tree" / name).read_bytes()
        assert now in (data, (reference / name).read_bytes()), f"{name} is neither old nor new"
    leftovers = [p.name for p in (tmp_path / "tree").iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_interrupted_fix_leaves_no_partial_file(tmp_path: Path, sig: signal.Signals) -> None:
    originals = _tree(tmp_path / "tree", 400)
    process = subprocess.Popen([sys.executable, "-m", "backend_lint", "fix", "--unsafe-fixes", "."], cwd=tmp_path / "tree",
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    time.sleep(2.0)
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=120)
    assert b"Traceback" not in stderr
    for name, data in originals.items():
        now = (tmp_path / "tree" / name).read_bytes()
        if now != data:  # a file is either untouched or completely fixed
            assert b"print(" not in now and b"logger = logging.getLogger(__name__)" in now, name
            ast.parse(now)
    temp_files = [p for p in (tmp_path / "tree").iterdir() if p.name.endswith(".tmp")]
    if sig == signal.SIGTERM:
        assert temp_files == [], "SIGTERM unwinds and removes the temporary file"
    rerun = run_cli("fix", "--unsafe-fixes", ".", cwd=tmp_path / "tree")
    assert rerun.returncode == 0, rerun.stderr.decode()
    assert "tmp" not in rerun.stderr.decode() + rerun.stdout.decode()
