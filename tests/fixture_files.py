"""Reading fixture files: expected findings from trailing markers, and the header that places them.

A fixture ``tests/fixtures/BE201.py`` (or ``BE201_<variant>.py``) marks each line where a finding of its own
rule starts with a trailing ``# BE201`` (``# BE201:9`` also pins the 1-based column; several markers are
separated by commas). A line without a marker must have no finding of that rule. Optional header comments in
the first lines:

- ``# backend-lint-path: app/settings.py``: where the file sits in the checked project (default
  ``service/<file name>``), for rules that look at paths (settings modules, scripts, tests);
- ``# backend-lint-config: {"BE201": {"default-timeout": 5}}``: rule options, as JSON;
- ``# backend-lint-min-python: 3.12``: skip on older Pythons (newer syntax);
- ``# backend-lint-beside: Dockerfile``: files (comma-separated, project-relative) written into the fixture's
  project next to it, for rules that ask what the project ships (BE308: a ``Dockerfile`` says it is deployed).
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
MARKER = re.compile(r"#\s*(BE\d{3}(?::\d+)?(?:\s*,\s*BE\d{3}(?::\d+)?)*)\s*$")
HEADER = re.compile(r"#\s*backend-lint-(path|config|min-python|beside):\s*(.+?)\s*$")


@dataclass
class Fixture:
    path: Path
    code: str
    project_path: str
    config: dict = field(default_factory=dict)
    min_python: tuple[int, int] = (3, 9)
    beside: list[str] = field(default_factory=list)

    @property
    def fixed_path(self) -> Path:
        return self.path.with_name(self.path.stem + ".fixed.py")

    @property
    def skipped(self) -> bool:
        return sys.version_info[:2] < self.min_python

    def expected(self) -> list[tuple[int, str, int | None]]:
        """``(line, code, column or None)`` for each marker of this fixture's own rule."""
        found = []
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), start=1):
            match = MARKER.search(line)
            if not match:
                continue
            for marker in match.group(1).split(","):
                code, _, column = marker.strip().partition(":")
                if code == self.code:
                    found.append((number, code, int(column) if column else None))
        return sorted(found, key=lambda item: (item[0], item[1]))


def load_fixture(path: Path) -> Fixture:
    code = path.name[:5]
    fixture = Fixture(path, code, f"service/{path.name}")
    for line in path.read_text(encoding="utf-8").splitlines()[:10]:
        match = HEADER.search(line)
        if not match:
            continue
        kind, value = match.groups()
        if kind == "path":
            fixture.project_path = value
        elif kind == "config":
            fixture.config = json.loads(value)
        elif kind == "beside":
            fixture.beside = [name.strip() for name in value.split(",") if name.strip()]
        else:
            major, minor = value.split(".")
            fixture.min_python = (int(major), int(minor))
    return fixture


def all_fixtures() -> list[Fixture]:
    return [
        load_fixture(path)
        for path in sorted(FIXTURES.glob("BE[0-9][0-9][0-9]*.py"))
        if not path.name.endswith(".fixed.py")
    ]


def toml_config(config: dict) -> str:
    """A pyproject.toml holding ``[tool.backend-lint]`` with these rule options."""
    lines = ["[tool.backend-lint]", ""]
    for code, options in sorted(config.items()):
        lines.append(f"[tool.backend-lint.{code}]")
        for key, value in options.items():
            lines.append(f"{key} = {json.dumps(value)}")
        lines.append("")
    return "\n".join(lines)
