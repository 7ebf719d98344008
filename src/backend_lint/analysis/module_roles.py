"""What a module is for, beyond shipping service code: tests, test support, migrations, examples, vendored code.

Rules about production behaviour (a query per row, a ``print`` instead of a log, a network call without a
timeout) are noise in code that never serves a request: a test, the fixtures and provisioning that tests run on, a
schema migration that runs once at a fixed schema version, an example shipped for users to copy. Real
applications keep such code outside ``tests/`` folders too (``conftest.py`` and pytest plugins next to the
package, Alembic ``versions/``, Django ``migrations/``, ``example_dags/``), so the role is read from the path and,
where a path cannot tell, from what the module imports and defines, and, for a numbered script, from its folder's
other files (a folder of ``NNN-name.py`` steps run in order is a folder of migrations).

Each rule decides which roles it leaves alone and says so on its page: a migration that swallows an error and
silently does nothing is still a real bug (BE205), while a ``print`` in it is the migration's own output (BE401).
Roles that only the rest of the project can establish (a settings module named by ``DJANGO_SETTINGS_MODULE`` in
the test configuration, a module reachable only from a console script) belong to the project model.
"""

from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.facts import file_fact, reads
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.paths import is_test_path
from backend_lint.analysis.settings import DEVELOPMENT, PRODUCTION, settings_module

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_MIGRATION_DIRS = frozenset({"migrations", "_migrations", "alembic"})
_MIGRATION_FILES = ("migrations.py",)
_MIGRATION_WORDS = frozenset({"migration", "migrations"})
_SCHEMA_WORDS = frozenset({"database", "databases", "db", "schema", "schemas", "tables"})
_EXAMPLE_DIRS = frozenset({"examples", "example", "example_dags", "docs_src", "samples"})
_DEMO_DIRS = frozenset({"demo", "demos", "demo_site", "demosite"})
_VENDOR_DIRS = frozenset({"vendor", "_vendor", "vendored", "_vendored"})
"""Packages that hold a copy of someone else's library (``archivebox/vendor/pocket.py``, ``pip/_vendor``)."""
_TEST_SUPPORT_DIRS = frozenset({"testutils", "test_utils", "testing_utils", "test_helpers", "pytest_plugins"})
_TEST_SUPPORT_FILES = frozenset({"conftest.py", "pytest_plugin.py", "pytest_plugins.py", "testing.py"})
_TEST_LIBRARIES = frozenset({"pytest", "factory", "faker", "_pytest"})
"""Imported at module level only by code that runs under a test runner (factory_boy is ``factory``)."""
_MOCK_DIRS = frozenset({"mock", "mocks", "fakes", "stub", "stubs"})
_MOCK_PREFIXES = ("mock_", "stub_")
"""Not ``fake_``: onyx's ``tools/fake_tools/`` are tools its deep research loop runs in production."""
_MOCK_SUFFIXES = ("_mock", "_mocks", "_fake", "_stub")
_MOCK_SERVICES = lazy_compile(
    r"(?:mock|stub|fake)s?[_-]?(?:service|server|api|backend)s?|(?:service|server|api|backend)s?[_-]?(?:mock|stub|fake)s?")
"""A folder named for a stand-in service, its words run together or joined (openlibrary's ``docker/mockservices/``,
``mockserver/``, ``fake_api/``, ``api-stubs/``): ``fake`` counts here, beside a service's word, where a bare
``fake_`` prefix does not."""
_TEST_DATA_NAMES = lazy_compile(r"(?:^|_)test_?(?:data|fixtures)(?:_|$)")
"""What the name of a script that fills a development or test system with data holds (``make_test_data.py``,
``testdata.py``; not ``latest_data.py``)."""


@dataclass(frozen=True)
class ModuleRoles:
    """The roles of one module; a shipping service module has none of them."""

    test: bool = False
    """A test module (``test_*.py``, ``*_test.py``, ``conftest.py``, anything under ``tests``/``test``/``testing``)."""
    test_support: bool = False
    """Code only tests run: pytest plugins and fixture modules, factory_boy factories, test utilities."""
    migration: bool = False
    """A schema or data migration: Django ``migrations/``, Alembic ``versions/``, migration helper modules, a
    numbered script among several in its folder (:func:`numbered_step`)."""
    example: bool = False
    """An example, tutorial or demo shipped for users to read and copy (``examples/``, ``example_dags/``,
    ``demo/``, ``bakerydemo/``)."""
    test_harness: bool = False
    """A package whose docstring declares it a test framework or harness (Airweave's ``monke/__init__.py``:
    "Monke testing framework for Airweave"): the project model takes every module under it for test support."""
    vendored: bool = False
    """A copy of a third-party library kept inside the project (``vendor/``, ``_vendor/``, ``vendored/``, or a
    package under ``third_party/``: osv's ``osv/third_party/univers/``; a module directly in a ``third_party``
    folder is the project's own, courtlistener's ``settings/third_party/rest_framework.py``): its maintainers do
    not patch it, they replace it with a newer upstream release."""

    @property
    def for_tests(self) -> bool:
        """Test code or test support: nothing in it runs in production."""
        return self.test or self.test_support


@file_fact()
def module_roles(ctx: FileContext) -> ModuleRoles:
    """The roles of the file being checked, from its path under the project and its module-level statements."""
    return roles_of(ctx.role_path, ctx.tree, ctx.location)


def roles_of(path: str, tree: ast.Module, location: Optional[str] = None) -> ModuleRoles:
    """The roles of the module at ``path`` (relative to the project root) whose tree is ``tree``; ``location``,
    its absolute path on disk (``None``: not on disk), lets its folder's other files say it is a numbered step."""
    parts = path.replace("\\", "/").split("/")
    folders, name = parts[:-1], parts[-1]
    imported = _module_level_imports(tree)
    harness = name == "__init__.py" and declares_test_harness(tree)
    return ModuleRoles(
        test=is_test_path(path),
        test_support=harness or _is_test_support(folders, name, imported, tree)
        or (bool(folders) and location is not None and _described_as_mock(os.path.dirname(location))),
        test_harness=harness,
        migration=_is_migration(folders, name, imported, tree) or numbered_step(location),
        example=any(_is_example_folder(folder) for folder in folders),
        vendored=any(folder.lower() in _VENDOR_DIRS for folder in folders) or "third_party" in folders[:-1],
    )


_BENCHMARK_DIRS = frozenset({"benchmarks", "benchmark", "bench", "benches", "benchmarking", "profiling",
                             "loadtest", "loadtests", "loadtesting", "load_test", "load_tests", "load_testing",
                             "locust"})
"""Folders of harnesses that measure the product: benchmarks, load tests (``load_testing/``, ``load-test/``,
``locust/``) and profiling tools (evennia's ``server/profiling/``: the dummyrunner that logs in hundreds of dummy
accounts, and the settings mixin it needs, "not suitable for production servers")."""


@file_fact()
def benchmark_code(ctx: FileContext) -> bool:
    """A module of a benchmark, load-test or profiling harness (``benchmarks/agent-config-editing/bench_lib.py``,
    ``server/profiling/dummyrunner_settings.py``): it measures the product from outside, is run by its developers
    and is deployed nowhere. Not a :class:`ModuleRoles` field: the roles are stored in module summaries that other
    rules read. Also a locust file wherever it sits (``locustfile.py``, ``locustfile_api.py``: the name Locust
    loads by default; fec-cms keeps its load test at the repository root, run by hand with ``locust
    --host=...``)."""
    *folders, name = ctx.role_path.replace("\\", "/").split("/")
    return name.lower().startswith("locustfile") or any(
        folder.lower().replace("-", "_") in _BENCHMARK_DIRS for folder in folders)


_SNIPPET_MARKER = lazy_compile(r"^\s*#\s*\[START\s+[\w.-]+\]\s*$", re.MULTILINE)
"""``# [START retry_policy_on_task]``: where Sphinx's ``literalinclude`` (``:start-after:``) cuts an excerpt into
the documentation (Airflow's example DAGs, cloud vendors' samples)."""


@reads(module_roles)
def documentation_example(ctx: FileContext) -> bool:
    """An example module the documentation quotes: it has the example role and marks excerpts with ``# [START
    name]`` comments. It is written for readers to copy, not run as anyone's service (an example *service*, a
    demo app showing the mistakes a service makes, has no such markers and stays what it is)."""
    return module_roles(ctx).example and "[START" in ctx.source and bool(_SNIPPET_MARKER.search(ctx.source))


def _is_example_folder(folder: str) -> bool:
    """``examples/``, ``example_dags/``, and demo sites shipped to show the product (``demo/``, Wagtail's
    ``bakerydemo/``): what runs there is for people to try and copy, not a service someone operates."""
    lowered = folder.lower()
    return lowered in _EXAMPLE_DIRS or lowered.startswith("example_") or lowered in _DEMO_DIRS or (
        lowered.endswith("demo") and lowered.isidentifier()
    )


def _module_level_imports(tree: ast.Module) -> set[str]:
    """Dotted names the module imports at its top level: modules, and ``module.name`` for each name taken from a
    module (relative imports keep their leading dots)."""
    found: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, ast.Import):
            found.update(alias.name for alias in statement.names)
        elif isinstance(statement, ast.ImportFrom):
            module = "." * statement.level + (statement.module or "")
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in statement.names)
    return found


_TEST_HARNESS = lazy_compile(
    r"\b(?:test(?:ing)?|e2e|end-to-end|integration[- ]test(?:ing)?)[- ](?:framework|harness|orchestrator)\b"
    r"|\b(?:end-to-end|e2e|integration)[- ]test(?:ing)?[- ]suite\b",
    re.IGNORECASE,
)


def declares_test_harness(tree: ast.Module) -> bool:
    """The module's docstring says the code is a test framework or harness: "Monke testing framework for
    Airweave", "End-to-end test harness", "Integration testing framework", "E2E test suite". Such a package
    drives the product from outside to test it (it creates test data in real systems, triggers the product,
    checks the result) and is run by developers and CI, never deployed; its path need not say "test"."""
    doc = ast.get_docstring(tree) or ""
    return bool(doc) and bool(_TEST_HARNESS.search(" ".join(doc.split())))


def _is_test_support(folders: list[str], name: str, imported: set[str], tree: ast.Module) -> bool:
    if name in _TEST_SUPPORT_FILES or any(folder in _TEST_SUPPORT_DIRS for folder in folders):
        return True
    if any(_is_mock_folder(folder) for folder in folders) or _makes_test_data(name):
        return True
    if any(module.partition(".")[0] in _TEST_LIBRARIES for module in imported):  # relative ones start with "."
        return True
    # Provisioning of a library's own test databases (SQLAlchemy's ``dialects/*/provision.py``)
    return name == "provision.py" and any("testing" in module.lstrip(".").split(".") for module in imported)


def _is_mock_folder(folder: str) -> bool:
    """A package named as a stand-in for another service (``mocks/``, galaxy_ng's ``github_mock/``, liteapi's
    ``mock_virus_scan/``, ``fakes/``, openlibrary's ``docker/mockservices/``, :data:`_MOCK_SERVICES`): a server
    the tests or a development setup start in place of the real one (copr's ``mocks/frontend/app.py`` answers the
    backend's calls as the frontend would; openlibrary's mock answers as Amazon's PA-API would). Its routes are no
    API of the product (BE302), its bodies no product's (BE303, BE306), its ``print`` and debug switch a
    fixture's."""
    lowered = folder.lower()
    return lowered in _MOCK_DIRS or lowered.startswith(_MOCK_PREFIXES) or lowered.endswith(_MOCK_SUFFIXES) \
        or bool(_MOCK_SERVICES.fullmatch(lowered))


def location_roles(location: str) -> str:
    """What the files beside ``location`` say of its role, as a short text for a cache key: its folder's README
    calls the folder a mock service, or the file is one of a folder of numbered steps. These roles depend on
    other files than the module itself, so a cached result or summary is used only while this text is unchanged
    (``cache.placement``)."""
    return ("mock-readme " if _described_as_mock(os.path.dirname(location)) else "") + \
        ("numbered-step" if numbered_step(location) else "")


_README_NAMES = ("README.md", "README.rst", "README.txt", "README")
_MOCK_DESCRIPTION = lazy_compile(
    r"\b(?:mock|stub|fake)(?:ed)?\s+(?:services?|servers?|backends?|api|endpoints?)\b", re.IGNORECASE)
_HEADING = lazy_compile(r"^\s*(?:#|=+$|-+$)")


@lru_cache(maxsize=1024)
def _described_as_mock(folder: str) -> bool:
    """The README of ``folder`` opens by calling what the folder holds a mock service (open-forms'
    ``docker/generic-json/README.md``: "... available to run a mock service intended to simulate a receiving
    server to test the Generic JSON registration plugin", started by its own compose file in a developer's local
    environment): a stand-in for another system, as a ``mocks/`` folder is, whatever the folder is called. Only
    the first paragraph under the title is read, and only a folder below the project root asks (a project's own
    README may mention the mock server its tests start)."""
    for readme in _README_NAMES:
        try:
            with open(os.path.join(folder, readme), encoding="utf-8", errors="replace") as handle:
                text = handle.read(4000)
        except OSError:
            continue
        return bool(_MOCK_DESCRIPTION.search(" ".join(_first_paragraph(text).split())))
    return False


def _first_paragraph(text: str) -> str:
    """The first block of non-heading lines of a README (headings and underlines skipped, up to a blank line)."""
    lines: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            if lines:
                break
            continue
        if not _HEADING.match(line):
            lines.append(line)
    return "\n".join(lines)


def _makes_test_data(name: str) -> bool:
    """A script named for making test data (galaxy_ng's ``profiles/dab/make_test_data.py``, run by the
    integration profile against ``https://localhost``; ``generate_test_data.py``): it fills a throwaway system
    for tests or development."""
    return bool(_TEST_DATA_NAMES.search(name.lower().removesuffix(".py")))


def _is_migration(folders: list[str], name: str, imported: set[str], tree: ast.Module) -> bool:
    if any(folder in _MIGRATION_DIRS for folder in folders) or name in _MIGRATION_FILES:
        return True
    stem = name.removesuffix(".py")
    if "migration" in stem and ("helper" in stem or "util" in stem):
        return True
    if "alembic" in imported or any(module.startswith("alembic.") for module in imported):
        return _assigns(tree, "revision") and _assigns(tree, "down_revision")
    if "django.db.migrations" in imported:
        return any(
            isinstance(statement, ast.ClassDef) and statement.name == "Migration" for statement in tree.body
        )
    return False


_NUMBERED_SCRIPT = lazy_compile(r"(\d{3,})[-_][^/\\]*\.(?:py|sql)")
"""A script named by its place in a sequence (``055-add_resource_ids.py``, ``00004_20170908-140205_users.py``,
``012-add-instance-zone.sql``): three digits or more, as a sequence of schema versions grows; two-digit lessons and
set-up steps (``01_check_prerequisites.py``) are not read as migrations."""
_STEPS_IN_SEQUENCE = 3
"""The fewest numbered scripts a folder holds for its numbered files to be steps of a sequence."""


def numbered_step(location: Optional[str]) -> bool:
    """The file at ``location`` is one of several numbered scripts in its folder (hail's ``batch/sql/``:
    ``001-insert_globals.py`` ... ``093-dedup_billing_project_users_by_date.py`` among numbered ``.sql`` files,
    run once each, in order, by the deployment's migration step; superdesk's ``data_updates/``): a migration, like
    an Alembic ``versions/`` module, whatever its folder is called. A numbered name cannot be imported, so the
    file is run by a tool that walks the sequence. Decided by the folder's shape (at least
    :data:`_STEPS_IN_SEQUENCE` numbered scripts), not by its name; only a numbered file's folder is listed."""
    if location is None or not _NUMBERED_SCRIPT.fullmatch(os.path.basename(location)):
        return False
    return _numbered_scripts(os.path.dirname(location)) >= _STEPS_IN_SEQUENCE


@lru_cache(maxsize=1024)
def _numbered_scripts(folder: str) -> int:
    """How many distinct sequence numbers the ``.py`` and ``.sql`` scripts directly in ``folder`` are named with."""
    try:
        names = os.listdir(folder)
    except OSError:
        return 0
    return len({found.group(1) for found in map(_NUMBERED_SCRIPT.fullmatch, names) if found})


def _assigns(tree: ast.Module, name: str) -> bool:
    for statement in tree.body:
        targets: list[ast.expr] = []
        if isinstance(statement, ast.Assign):
            targets = statement.targets
        elif isinstance(statement, ast.AnnAssign):
            targets = [statement.target]
        if any(isinstance(target, ast.Name) and target.id == name for target in targets):
            return True
    return False


def runs_as_data_migration(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A function with Django's ``RunPython`` signature ``(apps, schema_editor)``: migration code wherever it
    lives (projects keep these helpers in ``utils/`` or ``management/`` modules)."""
    names = [arg.arg for arg in function.args.posonlyargs + function.args.args]
    return names[:2] == ["apps", "schema_editor"]


@reads(module_roles)
def in_migration(ctx: FileContext) -> bool:
    """The node being visited is migration code: in a migration module, or in a function with the ``RunPython``
    signature, one that takes the historical app registry first (``def fixup_statuses(apps, ...)``: Django's
    name for what a data migration receives), or one named for running migrations (``run_migration``,
    ``migrate_extension_database``; not ``migrate_order_status``, a business operation) wherever it lives."""
    return module_roles(ctx).migration or any(
        isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
        and (
            runs_as_data_migration(function)
            or _takes_app_registry(function)
            or _names_migration_runner(function.name)
        )
        for function in ctx.scope.functions
    )


def _takes_app_registry(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    names = [arg.arg for arg in function.args.posonlyargs + function.args.args]
    return bool(names) and names[0] == "apps"


def _names_migration_runner(name: str) -> bool:
    words = set(name.lower().split("_"))
    return bool(words & _MIGRATION_WORDS) or ("migrate" in words and bool(words & _SCHEMA_WORDS))


_NON_PRODUCTION_WORDS = frozenset({"test", "tests", "testing", "dev", "development", "local", "debug"})
"""Words of a class name that make it a configuration for tests or development (``class TestingConfig``)."""


@reads(module_roles, settings_module)
def non_production_code(ctx: FileContext) -> bool:
    """Code that does not run in production as written: tests and test support, test and development
    settings modules, and the body of a config class named for testing or development (BE510, BE512, where
    lowered costs and disabled protections are expected)."""
    from backend_lint.analysis.secret_names import split_identifier  # noqa: PLC0415 - keeps this module light

    if ctx.is_test_file or module_roles(ctx).for_tests:
        return True
    settings = settings_module(ctx)
    if settings.kind != PRODUCTION and (settings.is_settings or settings.kind == DEVELOPMENT):
        return True
    return any(
        isinstance(scope.node, ast.ClassDef) and bool(_NON_PRODUCTION_WORDS & set(split_identifier(scope.node.name)))
        for scope in ctx.scope
    )


_DEVELOPMENT_ONLY = lazy_compile(
    r"(should|must)\s+not\s+be\s+used\s+in\s+production|not\s+(meant\s+|intended\s+)?for\s+production"
    r"|(for\s+)?(development|testing|dev)(\s+(and|or)\s+(development|testing))?\s+(purposes\s+)?only",
    re.IGNORECASE,
)


@file_fact()
def says_development_only(ctx: FileContext) -> bool:
    """The module's docstring, or a top-level class's, says it is for development or testing only: "This auth
    manager should not be used in production", "for development purposes only". Such a module's neighbours
    (a development auth manager's login routes) are not production endpoints (BE307, through the project
    model). Only docstrings are read: a comment or a log message may say it of something else."""
    if "production" not in ctx.source and "only" not in ctx.source:
        return False
    nodes: list[ast.Module | ast.ClassDef] = [
        ctx.tree, *(node for node in ctx.tree.body if isinstance(node, ast.ClassDef))]
    return any(_DEVELOPMENT_ONLY.search(ast.get_docstring(node) or "") for node in nodes)
