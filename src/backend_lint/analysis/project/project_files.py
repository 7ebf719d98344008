"""What a project's packaging, test and deployment files say: its console scripts, its test settings, and
whether it ships to something that probes it.

Read as data, never run: ``pyproject.toml`` (``[project.scripts]``, ``[tool.poetry.scripts]``,
``[tool.pytest.ini_options]``) with ``tomllib``; ``setup.cfg`` (``[options.entry_points] console_scripts``,
``[tool:pytest]``), ``pytest.ini`` and ``tox.ini`` (``[pytest]``) with ``configparser``; ``setup.py``'s
``entry_points=`` with ``ast`` (literal values only). A file that does not parse gives nothing: the facts it
would have given stay unknown, and the run goes on.

Deployment (BE308) is what shows an orchestrator probes the service, read from file names and, for the files a
developer setup shares its name with, their contents: a Helm ``Chart.yaml``, ``fly.toml``, App Engine's
``app.yaml``, ``render.yaml``, a Nomad job (``*.nomad``, ``*.nomad.hcl``), an ECS task definition (a ``.json``
naming ``containerDefinitions``), a ``.yaml``/``.yml`` file of a folder named for manifests (``k8s/``,
``deploy/``, ``helm/``...) that declares ``kind: Deployment`` (or a Cloud Run/Knative ``Service``), or a compose
file that runs replicas (``deploy: replicas:``, a swarm stack), at the root or in a folder below it (at most
:data:`DEPLOY_DEPTH` folders down, hidden folders and ``node_modules`` skipped). A ``Dockerfile``, a ``Procfile``
or a compose file without replicas is not: a container image or a process list is how self-hosted applications
ship and how developers run them (freesound's compose runs ``manage.py runserver`` with a debugger port), and
nothing there probes a route. The probe a deployment configures is read too: a container file's ``HEALTHCHECK``,
a compose ``healthcheck:``, a Kubernetes ``livenessProbe``/``readinessProbe``/``startupProbe`` (also in the
``templates/`` of a Helm chart found, however deep), fly.toml checks,
Render's ``healthCheckPath``, an ECS ``healthCheck``. One bounded walk per project root, once per run.
"""

from __future__ import annotations

import ast
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.project.deployed_settings import read_settings_names
from backend_lint.analysis.project.file_text import Listings, bounded_walk, small_file_text
from backend_lint.analysis.project.lint_config import (
    lint_excluded,
    print_allowed,
    pylint_disabled_logging_codes,
    ruff_settings,
    secrets_allowed,
    unselected_logging_codes,
)
from backend_lint.analysis.project.request_limits import read_request_limit
from backend_lint.analysis.project.server_limits import read_body_limit
from backend_lint.analysis.project.settings_templates import located_root_template
from backend_lint.analysis.seeded_tables import fixture_files

CONFIGURATION_FILES = ("pyproject.toml", "setup.cfg", "pytest.ini", "tox.ini", "setup.py", "ruff.toml", ".ruff.toml",
                       ".flake8", "pylintrc", ".pylintrc")
"""Every file :meth:`ProjectFiles.read` reads, in the project root (a settled outcome the result cache keeps
follows their signatures: :func:`backend_lint.project_run.settle`)."""

_DS_OPTION = re.compile(r"(?:^|\s)--ds(?:=|\s+)([A-Za-z_][\w.]*)")
"""pytest-django's ``--ds`` option on the test command line, with the settings module it names."""


@dataclass
class ProjectFiles:
    """The facts of one project root's configuration files."""

    entry_modules: set[str] = field(default_factory=set)
    """Modules console scripts start (``shop.cli:main`` gives ``shop.cli``)."""
    test_settings: set[str] = field(default_factory=set)
    """Settings modules the test configuration names (``DJANGO_SETTINGS_MODULE = shop.settings.test``, pytest-django's
    ``addopts = --ds=shop.settings.test``, pytest-env's ``env = DJANGO_SETTINGS_MODULE=...``)."""

    deployment: Optional[str] = None
    """The first file found that shows the project is deployed where something probes it (a ``Dockerfile``,
    ``docker-compose.yml``, a Kubernetes ``Deployment``...), relative to the root; ``""`` when none is, ``None``
    when the root was not read (then nothing is known)."""
    container_probe: bool = False
    served_modules: tuple[str, ...] = ()
    """Modules a WSGI/ASGI server of the deployment files serves (``CMD gunicorn -w 4 main:app`` gives ``main``;
    sorted): the application's entry as shipped (BE504)."""
    """A container file of the project declares a ``HEALTHCHECK``: the service is probed by a command of its own."""
    fixtures: dict[str, str] = field(default_factory=dict)
    """Django fixture name -> its JSON file, in ``fixtures`` folders (:func:`.seeded_tables.fixture_files`)."""
    namespace_folders: frozenset[str] = frozenset()
    """Dotted paths of the folders below the root, named like identifiers, that hold no ``__init__.py``, reached
    through such folders only (zentral's ``zentral``, ``zentral.contrib``): namespace portions the project's
    imports spell (``from zentral.utils.views import ...``) above the packages its modules are named from
    (:func:`namespace_folders`)."""
    lint_unselected: frozenset[str] = frozenset()
    """Logging-format codes (``G004``) the project's ruff configuration deliberately leaves out or ignores, or whose
    pylint check its pylint configuration disables (:func:`.lint_config.unselected_logging_codes`,
    :func:`.lint_config.pylint_disabled_logging_codes`)."""
    print_allowed: tuple[str, ...] = ()
    """Globs of the files whose prints the project's ruff or flake8 configuration allows (``"**"``: all of them;
    :func:`.lint_config.print_allowed`)."""
    secrets_allowed: tuple[str, ...] = ()
    """Globs of the files for which the project's ruff or flake8 configuration ignores the hard-coded password
    checks (``S105``-``S107``; :func:`.lint_config.secrets_allowed`)."""
    lint_excluded: tuple[str, ...] = ()
    """Globs of the files the project's ruff configuration keeps out of its linting: every check ignored
    (``"devbin/**/*" = ["ALL"]``) or excluded (:func:`.lint_config.lint_excluded`)."""

    security_scanner: bool = False
    """The README's opening calls the application a vulnerability or security scanner (:func:`describes_scanner`)."""
    settings_names: tuple[str, ...] = ()
    """Settings modules the deployment and configuration files give ``DJANGO_SETTINGS_MODULE`` or ``--settings``,
    with ``"?"`` for a value they do not spell (:func:`.deployed_settings.read_settings_names`, BE504)."""
    nested_projects: bool = False
    """A folder below the root holds a project of its own (a ``pyproject.toml``, ``setup.py`` or ``setup.cfg``):
    a repository of several projects, one of which may import the other's public functions (OpenHands'
    ``enterprise/``), which no model of one root sees (:func:`nested_projects`)."""
    located_root_template: str = ""
    """The Python settings template (``settings.py.jinja2``) whose ``basicConfig`` format names each record's
    source file, relative to the root; ``""`` when none does (:func:`.settings_templates.located_root_template`,
    BE404)."""

    body_limit: str = ""
    """The first file of the web or application server configuration the project ships that caps every request
    body (nginx ``client_max_body_size``, uWSGI ``limit-post``...), relative to the root; ``""`` when none does
    (:func:`.server_limits.read_body_limit`, BE306)."""
    request_limit: str = ""
    """The first file of the nginx configuration the project ships that limits the rate of every request to the
    application per client (``limit_req`` in ``location /`` of a zone keyed by the client's address), relative to
    the root; ``""`` when none does (:func:`.request_limits.read_request_limit`, BE307)."""

    @classmethod
    def read(cls, root: Path) -> ProjectFiles:
        found = cls()
        listings = Listings()  # the readers below walk the same root: each folder is listed once
        found.deployment, found.container_probe, found.served_modules = read_deployment(root, listings)
        found.body_limit = read_body_limit(root, listings)
        found.request_limit = read_request_limit(root, listings)
        found.settings_names = read_settings_names(root, listings)
        found.security_scanner = describes_scanner(root)
        found.fixtures = fixture_files(root, listings)
        found.namespace_folders = namespace_folders(root)
        found.nested_projects = nested_projects(root, listings)
        found.located_root_template = located_root_template(root, listings)
        pyproject, setup_cfg, pytest_ini, tox_ini, setup_py = (root / name for name in CONFIGURATION_FILES[:5])
        found.lint_unselected = unselected_logging_codes(ruff_settings(root)) | pylint_disabled_logging_codes(root)
        found.print_allowed = print_allowed(root)
        found.secrets_allowed = secrets_allowed(root)
        found.lint_excluded = lint_excluded(root)
        found._pyproject(pyproject)
        for path, sections in ((setup_cfg, ("tool:pytest",)), (pytest_ini, ("pytest",)), (tox_ini, ("pytest",))):
            found._ini(path, sections, tox=path is not pytest_ini)
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

    def _pytest_options(self, addopts: Any, env: Any) -> None:
        """The settings module pytest-django is told to use on the test command line (``addopts = --ds=osf_tests.
        settings``, as a string or a list) or through pytest-env (``env = DJANGO_SETTINGS_MODULE=shop.settings.
        test``, ``D:`` and ``R:`` prefixes included): the test configuration names it as surely as
        ``DJANGO_SETTINGS_MODULE = ...`` does."""
        options = " ".join(addopts) if isinstance(addopts, list) else addopts
        if isinstance(options, str):
            for match in _DS_OPTION.finditer(options):
                self._pytest_settings(match.group(1))
        lines = env if isinstance(env, list) else env.splitlines() if isinstance(env, str) else []
        for line in lines:
            if isinstance(line, str):
                name, _, value = line.strip().rpartition(":")[2].partition("=") if "=" in line else ("", "", "")
                if name.strip() == "DJANGO_SETTINGS_MODULE":
                    self._pytest_settings(value)

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
            self._pytest_options(options.get("addopts"), options.get("env"))

    def _ini(self, path: Path, pytest_sections: tuple[str, ...], tox: bool = False) -> None:
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
            if parser.has_section(section):
                self._pytest_options(parser.get(section, "addopts", fallback=None),
                                     parser.get(section, "env", fallback=None))
        if tox:
            self._tox_environments(parser)

    def _tox_environments(self, parser: Any) -> None:
        """The settings module tox's test environments run with (``[testenv]`` or ``[testenv:coverage]`` of
        ``tox.ini`` or ``setup.cfg``, ``setenv = DJANGO_SETTINGS_MODULE = patchwork.settings.dev``): the test run's
        settings, named as surely as pytest's ``DJANGO_SETTINGS_MODULE`` names them. A value tox substitutes
        (``{env:DJANGO_SETTINGS_MODULE}``) names nothing."""
        for section in parser.sections():
            if section != "testenv" and not section.startswith("testenv:"):
                continue
            for line in parser.get(section, "setenv", fallback="").splitlines():
                name, equals, value = line.partition("=")
                if equals and name.strip() == "DJANGO_SETTINGS_MODULE" and "{" not in value:
                    self._pytest_settings(value)

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
_PLATFORM_NAMES = frozenset({"fly.toml", "app.yaml", "app.yml", "render.yaml", "Chart.yaml"})
"""Platform and chart files whose name alone says an orchestrator runs (and may probe) the service."""
_NOMAD_JOB = lazy_compile(r"^.+\.nomad(?:\.hcl)?$")
_CONTAINER_NAMES = r"(?:Dockerfile|Containerfile)(?:\..+)?|.+\.Dockerfile"
_CONTAINER_FILE = lazy_compile(rf"^(?:{_CONTAINER_NAMES})$")
_COMPOSE_FILE = lazy_compile(r"^(?:docker-compose.*|compose(?:\..+)?)\.ya?ml$")
_HEALTHCHECK = lazy_compile(r"^\s*HEALTHCHECK\s+(?!NONE\b)", re.MULTILINE | re.IGNORECASE)
"""A container file's ``HEALTHCHECK`` instruction that is not ``HEALTHCHECK NONE``."""
_COMPOSE_REPLICAS = lazy_compile(r"^\s+replicas:\s*\d", re.MULTILINE)
"""A compose service run as replicas (``deploy: replicas: 3``): a swarm stack, which routes by its probe."""
_COMPOSE_PROBE = lazy_compile(
    r"^\s+healthcheck:[ \t]*\n(?:[ \t]+.*\n){0,6}?.*\b(?:curl|wget|https?:|python)", re.MULTILINE
)
"""A compose service's ``healthcheck:`` whose test asks the web service (``curl``, ``wget``, a URL, a Python
script), not a database's ``pg_isready``."""
_MANIFEST_FOLDERS = frozenset({"k8s", "kubernetes", "kube", "deploy", "deployment", "deployments", "manifests",
                               "helm", "charts", "templates", "openshift", "infra", "ops"})
_KUBE_DEPLOYMENT = lazy_compile(
    r"^kind:\s*(?:Deployment|StatefulSet|DaemonSet)\s*$|^apiVersion:\s*serving\.knative\.dev/", re.MULTILINE
)
_PLATFORM_PROBE = lazy_compile(
    r"^\s*(?:livenessProbe|readinessProbe|startupProbe|healthCheckPath|liveness_check|readiness_check):"
    r"|^\s*\[+(?:[\w.]*\.)?(?:http_checks|tcp_checks|checks)(?:\.\w+)?\]+"
    r'|^\s*(?:check\s*\{|"healthCheck"\s*:)',
    re.MULTILINE,
)
"""A probe a platform file configures: Kubernetes probes, Render's ``healthCheckPath``, App Engine's
``liveness_check``, fly.toml's ``[[services.http_checks]]``/``[checks.x]``, a Nomad ``check {``, ECS's
``"healthCheck"``."""
_SERVER_COMMAND = lazy_compile(
    r"""\b(?:gunicorn|uvicorn|hypercorn|daphne|granian|waitress-serve|uwsgi)\b[^\n]*?[\s"',=]"""
    r"""([A-Za-z_][\w.]*):[A-Za-z_]\w*(?:\(\))?["']?(?=[\s,\]]|$)""", re.MULTILINE)
"""A WSGI/ASGI server started on ``module:app`` (``gunicorn -w 4 main:app``, ``["uvicorn", "shop.asgi:app"]``,
``uvicorn --factory app.main:create_app()``): group 1 is the module."""
_ECS_TASK = lazy_compile(r'"containerDefinitions"\s*:')
_SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__", "site-packages", "tests", "test", "testing", "docs",
                              "examples", "example"})
"""Folders whose container files are not the project's own deployment (test services, documentation, samples)."""


def _deployment_file(folder: str, name: str, manifests: bool, served: set[str]) -> tuple[bool, bool]:
    """Whether the file ``name`` of ``folder`` shows an orchestrator runs the service, and whether it configures
    a probe (see the module docstring); the modules a server command of a container file, compose file or
    ``Procfile`` serves are added to ``served``."""
    path = os.path.join(folder, name)
    if _CONTAINER_FILE.match(name):
        text = small_file_text(path)
        served.update(_SERVER_COMMAND.findall(text))
        return False, bool(_HEALTHCHECK.search(text))
    if _COMPOSE_FILE.match(name):
        text = small_file_text(path)
        served.update(_SERVER_COMMAND.findall(text))
        return bool(_COMPOSE_REPLICAS.search(text)), bool(_COMPOSE_PROBE.search(text))
    if name == "Procfile":
        served.update(_SERVER_COMMAND.findall(small_file_text(path)))
        return False, False
    if name in _PLATFORM_NAMES or _NOMAD_JOB.match(name):
        return True, bool(_PLATFORM_PROBE.search(small_file_text(path)))
    if name.endswith(".json") and ("task" in name.lower() or manifests):
        text = small_file_text(path)
        return (True, bool(_PLATFORM_PROBE.search(text))) if _ECS_TASK.search(text) else (False, False)
    if name.endswith((".yaml", ".yml")) and (manifests or name.startswith(("service.", "cloudrun"))):
        text = small_file_text(path)
        return (True, bool(_PLATFORM_PROBE.search(text))) if _KUBE_DEPLOYMENT.search(text) else (False, False)
    return False, False


def _chart_probes(chart: str, listings: Optional[Listings]) -> bool:
    """A manifest of the Helm chart in folder ``chart`` (its ``templates/`` folder, which may lie below
    :data:`DEPLOY_DEPTH`: ``_infra/helm/<app>/templates/deployment.yaml``) configures a probe: the route it
    probes is the service's health check (response-operations-ui's ``readinessProbe`` on ``/info``)."""
    templates = os.path.join(chart, "templates")
    listing = (listings or Listings())(templates)
    return listing is not None and any(
        name.endswith((".yaml", ".yml"))
        and bool(_PLATFORM_PROBE.search(small_file_text(os.path.join(templates, name))))
        for name in listing[1])


def _skipped_folder(name: str) -> bool:
    return name.startswith(".") or name in _SKIPPED_FOLDERS


def read_deployment(root: Path, listings: Optional[Listings] = None) -> tuple[str, bool, tuple[str, ...]]:
    """The first file at or below ``root`` that shows an orchestrator runs the service (see the module docstring),
    relative to it (``""`` if none), and whether a deployment or container file probes the service (a
    ``HEALTHCHECK`` instruction other than ``HEALTHCHECK NONE``: Mealie's ``HEALTHCHECK CMD python
    .../healthcheck.py`` calls its about endpoint; a Kubernetes ``livenessProbe``; a compose ``healthcheck:``), and
    the modules the server commands of its container, compose and ``Procfile`` files serve (sorted).
    ``listings``: the root's folders as the other readers of the root list them (:class:`.file_text.Listings`)."""
    first, probes = "", False
    served: set[str] = set()
    for folder, relative, files in bounded_walk(str(root), DEPLOY_DEPTH, _skipped_folder, listings):
        manifests = os.path.basename(folder) in _MANIFEST_FOLDERS
        for name in files:
            deployed, probed = _deployment_file(folder, name, manifests, served)
            if deployed:
                first = first or os.path.normpath(os.path.join(relative, name))
            probes = probes or probed or (name == "Chart.yaml" and _chart_probes(folder, listings))
    return first, probes, tuple(sorted(served))


README_NAMES = ("README.md", "README.rst", "README.txt", "README")
README_OPENING = 3000
"""How many characters of the README are read: the opening that says what the application is."""
_SCANNER = lazy_compile(r"\b(?:vulnerability|security)\s+scanner\b", re.IGNORECASE)


def describes_scanner(root: Path) -> bool:
    """The opening of the project's README calls the application a vulnerability or security scanner ("Artemis is a
    modular vulnerability scanner"): a program whose job is to reach hosts it does not own and test them."""
    for name in README_NAMES:
        text = small_file_text(str(root / name))
        if text:
            return bool(_SCANNER.search(text[:README_OPENING]))
    return False


NESTED_DEPTH = 2
"""How many folders down :func:`nested_projects` looks."""
_PACKAGING_FILES = frozenset({"pyproject.toml", "setup.py", "setup.cfg"})


def nested_projects(root: Path, listings: Optional[Listings] = None) -> bool:
    """A folder at most :data:`NESTED_DEPTH` below ``root`` (not hidden, tests, docs or examples) holds a
    packaging file of a project of its own."""
    return any(
        relative != "." and not _PACKAGING_FILES.isdisjoint(files)
        for _folder, relative, files in bounded_walk(str(root), NESTED_DEPTH, _skipped_folder, listings)
    )


NAMESPACE_DEPTH = 3
"""How many folders down :func:`namespace_folders` looks."""
_NOT_CODE = frozenset({"node_modules", "site_packages", "venv", "env", "static", "templates", "docs", "tests", "test"})


def namespace_folders(root: Path) -> frozenset[str]:
    """Dotted paths of the folders under ``root`` named like identifiers that hold no ``__init__.py``, each
    reached from ``root`` through such folders only (at most :data:`NAMESPACE_DEPTH` down; hidden folders,
    virtual environments, static files and tests skipped)."""
    found: set[str] = set()

    def walk(folder: Path, prefix: str, depth: int) -> None:
        if depth > NAMESPACE_DEPTH:
            return
        try:
            children = sorted(folder.iterdir())
        except OSError:
            return
        for child in children:
            name = child.name
            if not name.isidentifier() or name.startswith((".", "_")) or name.lower() in _NOT_CODE:
                continue
            try:
                if not child.is_dir() or (child / "__init__.py").exists():
                    continue
            except OSError:
                continue
            dotted = f"{prefix}{name}"
            found.add(dotted)
            walk(child, dotted + ".", depth + 1)

    walk(root, "", 1)
    return frozenset(found)

