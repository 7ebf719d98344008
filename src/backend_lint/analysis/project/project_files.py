"""What a project's packaging, test and deployment files say: its console scripts, its test settings, and
whether it ships to something that probes it.

Read as data, never run: ``pyproject.toml`` (``[project.scripts]``, ``[tool.poetry.scripts]``,
``[tool.pytest.ini_options]``) with ``tomllib``; ``setup.cfg`` (``[options.entry_points] console_scripts``,
``[tool:pytest]``), ``pytest.ini`` and ``tox.ini`` (``[pytest]``) with ``configparser``; ``setup.py``'s
``entry_points=`` with ``ast`` (literal values only). A file that does not parse gives nothing: the facts it
would have given stay unknown, and the run goes on.

Deployment (BE308) is read from file names, not contents, except Kubernetes manifests: a ``Dockerfile`` or
``Containerfile`` (``Dockerfile.prod`` too), ``docker-compose*.yml``, ``compose.y*ml``, ``Procfile``, ``fly.toml``,
``app.yaml``, ``render.yaml`` or a Helm ``Chart.yaml`` at the root or in a folder below it (at most
:data:`DEPLOY_DEPTH` folders down, hidden folders and ``node_modules`` skipped), or a ``.yaml``/``.yml`` file of a
folder named for manifests (``k8s/``, ``deploy/``, ``helm/``...) that declares ``kind: Deployment``; a container
file's ``HEALTHCHECK`` instruction is read too (the service probes itself). One bounded walk per project root,
once per run.
"""

from __future__ import annotations

import ast
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

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

    deployment: Optional[str] = None
    """The first file found that shows the project is deployed where something probes it (a ``Dockerfile``,
    ``docker-compose.yml``, a Kubernetes ``Deployment``...), relative to the root; ``""`` when none is, ``None``
    when the root was not read (then nothing is known)."""
    container_probe: bool = False
    """A container file of the project declares a ``HEALTHCHECK``: the service is probed by a command of its own."""

    @classmethod
    def read(cls, root: Path) -> ProjectFiles:
        found = cls()
        found.deployment, found.container_probe = read_deployment(root)
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
        if sys.version_info >= (3, 11):
            import tomllib  # noqa: PLC0415 - read only when the project has a pyproject.toml
        else:  # pragma: no cover - Python < 3.11
            import tomli as tomllib  # noqa: PLC0415

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
        import configparser  # noqa: PLC0415 - read only when the project has one of these files

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


DEPLOY_DEPTH = 3
"""How many folders below the root the deployment files are looked for (``deploy/k8s/api/deployment.yaml``)."""
_DEPLOY_NAMES = frozenset({"Procfile", "fly.toml", "app.yaml", "app.yml", "render.yaml", "Chart.yaml"})
_CONTAINER_NAMES = r"(?:Dockerfile|Containerfile)(?:\..+)?|.+\.Dockerfile"
_CONTAINER_FILE = re.compile(rf"^(?:{_CONTAINER_NAMES})$")
_DEPLOY_PATTERN = re.compile(rf"^(?:{_CONTAINER_NAMES}|docker-compose.*\.ya?ml|compose(?:\..+)?\.ya?ml)$")
_HEALTHCHECK = re.compile(r"^\s*HEALTHCHECK\s+(?!NONE\b)", re.MULTILINE | re.IGNORECASE)
"""A container file's ``HEALTHCHECK`` instruction that is not ``HEALTHCHECK NONE``."""
_MANIFEST_FOLDERS = frozenset({"k8s", "kubernetes", "kube", "deploy", "deployment", "deployments", "manifests",
                               "helm", "charts", "templates", "openshift", "infra", "ops"})
_KUBE_DEPLOYMENT = re.compile(r"^kind:\s*(?:Deployment|StatefulSet|DaemonSet)\s*$", re.MULTILINE)
_SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__", "site-packages", "tests", "test", "testing", "docs",
                              "examples", "example"})
"""Folders whose container files are not the project's own deployment (test services, documentation, samples)."""
_MANIFEST_BYTES = 256 * 1024


def _small_file_says(path: str, pattern: re.Pattern[str]) -> bool:
    """A small text file (a manifest, a container file) in which ``pattern`` matches; an unreadable or large file
    says nothing."""
    try:
        if os.path.getsize(path) > _MANIFEST_BYTES:
            return False
        with open(path, encoding="utf-8", errors="replace") as handle:
            return bool(pattern.search(handle.read()))
    except OSError:
        return False


def read_deployment(root: Path) -> tuple[str, bool]:
    """The first deployment file at or below ``root`` (see the module docstring), relative to it (``""`` if none),
    and whether a container file among them probes the service itself (a ``HEALTHCHECK`` instruction other than
    ``HEALTHCHECK NONE``: Mealie's ``HEALTHCHECK CMD python .../healthcheck.py`` calls its about endpoint)."""
    base = str(root)
    first, probes = "", False
    for folder, folders, files in os.walk(base):
        relative = os.path.relpath(folder, base)
        depth = 0 if relative == "." else relative.count(os.sep) + 1
        folders[:] = sorted(name for name in folders if not name.startswith(".") and name not in _SKIPPED_FOLDERS) \
            if depth < DEPLOY_DEPTH else []
        manifests = os.path.basename(folder) in _MANIFEST_FOLDERS
        for name in sorted(files):
            path = os.path.join(folder, name)
            if name in _DEPLOY_NAMES or _DEPLOY_PATTERN.match(name) or (
                manifests and name.endswith((".yaml", ".yml")) and _small_file_says(path, _KUBE_DEPLOYMENT)
            ):
                first = first or os.path.normpath(os.path.join(relative, name))
                probes = probes or (_CONTAINER_FILE.match(name) is not None and _small_file_says(path, _HEALTHCHECK))
    return first, probes

