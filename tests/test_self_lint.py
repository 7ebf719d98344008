"""The project lints itself: ruff (configured in pyproject.toml) and its own rules over its sources."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "src", "tests"], cwd=ROOT, capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_backend_lint_is_clean_on_its_own_sources() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "backend_lint", "check", "--no-color", "src"], cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
