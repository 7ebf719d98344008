"""What a project's packaging and test configuration say: its console scripts and its test settings.

Read as data, never run: ``pyproject.toml`` (``[project.scripts]``, ``[tool.poetry.scripts]``,
``[tool.pytest.ini_options]``) with ``tomllib``; ``setup.cfg`` (``[options.entry_points] console_scripts``,
``[tool:pytest]``), ``pytest.ini`` and ``tox.ini`` (``[pytest]``) with ``configparser``; ``setup.py``'s
``entry_points=`` with ``ast`` (literal values only). A file that does not parse gives nothing: the facts it
would have given stay unknown, and the run goes on.
"""

from __future__ import annotations

import ast
import configparser
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python < 3.11
    import tomli as tomllib


CONFIGURATION_FILES = ("pyproject.toml", "setup.cfg", "pytest.ini", "tox.ini", "setup.py")
"""Every file :meth:`ProjectFiles.read` reads, in the project root (a settled outcome the result cache keeps
follows their signatures: :func:`backend_lint.project_run.settle`)."""


@dataclass
class ProjectFiles:
    """The facts of one project root's configuration files."""

    entry_modules: set[str] = field(default_factory=set)
    """Modules console scripts start (``shop.cli:main`` gives ``shop.cli``)."""
    test_settings: set[str] = field(default_factory=set)
    """Settings modules the test configuration names (``DJANGO_SETTINGS_MODULE = shop.settings.test``)."""

    @classmethod
    def read(cls, root: Path) -> ProjectFiles:
        found = cls()
        pyproject, setup_cfg, pytest_ini, tox_ini, setup_py = (root / name for name in CONFIGURATION_FILES)
        found._pyproject(pyproject)
        for path, sections in ((setup_cfg, ("tool:pytest",)), (pytest_ini, ("pytest",)), (tox_ini, ("pytest",))):
            found._ini(path, sections)
        found._setup_py(setup_py)
        return found

    def _scripts(self, targets: Any) -> None:
        if isinstance(targets, dict):
            targets = list(targets.values())
        if not isinstance(targets, list):
            return
        for target in targets:
            if isinstance(target, str):
                # "name = module:function" (setup.cfg lines) or "module:function" (pyproject values)
                value = target.partition("=")[2] if "=" in target else target
                module = value.strip().partition(":")[0].strip()
                if module:
                    self.entry_modules.add(module)

    def _pytest_settings(self, value: Any) -> None:
        if isinstance(value, str) and value.strip():
            self.test_settings.add(value.strip())

    def _pyproject(self, path: Path) -> None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return
        project = data.get("project")
        if isinstance(project, dict):
            self._scripts(project.get("scripts"))
            self._scripts(project.get("gui-scripts"))
        tool = data.get("tool")
        if not isinstance(tool, dict):
            return
        poetry = tool.get("poetry")
        if isinstance(poetry, dict):
            self._scripts(poetry.get("scripts"))
        pytest = tool.get("pytest")
        options = pytest.get("ini_options") if isinstance(pytest, dict) else None
        if isinstance(options, dict):
            self._pytest_settings(options.get("DJANGO_SETTINGS_MODULE"))

    def _ini(self, path: Path, pytest_sections: tuple[str, ...]) -> None:
        parser = configparser.ConfigParser(interpolation=None)
        try:
            if not parser.read(path, encoding="utf-8"):
                return
        except (configparser.Error, UnicodeDecodeError):
            return
        if parser.has_option("options.entry_points", "console_scripts"):
            self._scripts(parser.get("options.entry_points", "console_scripts").strip().splitlines())
        for section in pytest_sections:
            if parser.has_option(section, "DJANGO_SETTINGS_MODULE"):
                self._pytest_settings(parser.get(section, "DJANGO_SETTINGS_MODULE"))

    def _setup_py(self, path: Path) -> None:
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            return
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                if keyword.arg != "entry_points":
                    continue
                try:
                    value = ast.literal_eval(keyword.value)
                except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                    continue
                if isinstance(value, dict):
                    self._scripts(value.get("console_scripts"))
