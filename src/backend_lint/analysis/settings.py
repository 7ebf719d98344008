"""The settings model: whether a module is a settings module, which kind (production, development, test), and
its module-level UPPER_CASE values. Rules about configuration (BE501 password hashers, BE504 ``DEBUG``, BE505
CORS) ask here, so they agree on what "a development settings module" is.

The kind comes from the path, with one pattern list:

- ``test``: a test module (:func:`.paths.is_test_path`) or a file whose name says test (``test_settings.py``,
  ``settings_test.py``, ``settings/testing.py``) or continuous integration (``settings/ci.py``,
  ``ci_settings.py``, Maykin's ``conf/ci.py``: the CI runs the test suite with it), where fast hashers and debug
  pages are deliberate;
- ``development``: a path matching :data:`DEVELOPMENT_PATTERNS` (``settings/local.py``, ``settings/dev.py``,
  ``local_settings.py``...), or a file named with nothing but a configuration word and a development word in any
  spelling (``config-local.py``, ``local_config.py``, ``config.dev.py``), a module of a settings package
  (``settings/``, ``conf/``) whose name has a development word and no production one (``conf/dev.py``,
  ``settings/docker-development.py``), or a template of such a file
  (``settings/.example.local.py``, ``local.sample.py``: copied to ``local.py`` for local work); a settings module
  named for debugging (``debug_toolbar_settings.py``, ``settings/debug.py``) or as the example of one
  environment's module (``staging_example.py``: what runs is the copy, edited): a developer's machine;
- ``production``: anything else, since that is what ships.

A *settings module* (``settings.py``, ``*_settings.py``, a module in a ``settings/`` package) is where Django
reads ``DEBUG`` and friends; :attr:`SettingsModule.values` is read for any module, since Flask and FastAPI
configuration modules hold the same names. Only assignments made directly in the module body count: one
under ``if`` is decided by the condition (usually ``DEBUG`` or an environment variable). A module that
``from .base import *`` also has base's values at run time; merging those needs the project's other files
and is left to the project model.
"""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional, Union

from backend_lint.analysis.facts import file_fact
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.paths import is_test_path, matches_any

if TYPE_CHECKING:
    from backend_lint.context import FileContext

PRODUCTION = "production"
DEVELOPMENT = "development"
TEST = "test"

DEVELOPMENT_PATTERNS: tuple[str, ...] = (
    "settings/local*.py", "settings/dev*.py", "settings/ci.py", "*local_settings.py", "*dev_settings.py",
    "*settings_local.py", "*settings_dev*.py", "devproject/", "*_workbench/settings/*.py",
)
"""Settings for a developer's machine or CI, where ``DEBUG = True`` is expected (BE504's default); a
``devproject/`` or ``<app>_workbench/`` is the development project a reusable app ships to run itself (misago's,
shuup's)."""
_UPPER = lazy_compile(r"_*[A-Z][A-Z0-9_]*")
_CONFIG_WORDS = frozenset({"config", "configs", "settings", "conf", "configuration", "cfg"})
_DEVELOPMENT_WORDS = frozenset({"local", "dev", "development", "devel"})
_TEMPLATE_WORDS = frozenset({"example", "sample", "template", "dist"})
"""Words naming a file as a template to copy (``.example.local.py``, ``local.sample.py``)."""
_DEBUG_WORDS = frozenset({"debug"})
_EXAMPLE_WORDS = frozenset({"example", "sample"})
"""Words naming a settings module as an example to copy whatever its other words (``staging_example.py``); not
``template`` or ``dist``, which a settings module may be named for otherwise (a module of template settings)."""
_NAME_WORDS = lazy_compile(r"[-_.]+")


def _development_config_name(path: str) -> bool:
    """A file named only for configuration and for a developer's machine, however it is spelled:
    ``config-local.py``, ``local_config.py``, ``config.dev.py``, ``settings-development.py``: a name the
    patterns' ``_``-joined forms miss. Only such words: ``0004_rename_local_config_context.py`` is no config. Not
    a bare ``configs/development.py``: PowerDNS-Admin's install guides copy theirs into production. A template
    word stands for the configuration word: ``.example.local.py`` is the developer's template (cla_backend's
    ``VIRTUAL_ENV.md`` copies it to ``settings/local.py``)."""
    stem = posixpath.basename(path).removesuffix(".py").lower()
    words = {word for word in _NAME_WORDS.split(stem) if word}
    return bool(words & (_CONFIG_WORDS | _TEMPLATE_WORDS)) and bool(words & _DEVELOPMENT_WORDS) and words <= (
        _CONFIG_WORDS | _DEVELOPMENT_WORDS | _TEMPLATE_WORDS
    )


@dataclass(frozen=True)
class Setting:
    """One module-level assignment of an UPPER_CASE name."""

    name: str
    value: ast.expr
    statement: Union[ast.Assign, ast.AnnAssign]


@dataclass
class SettingsModule:
    """What the settings model knows about one module."""

    is_settings: bool
    """The path is a settings module's: ``settings.py``, ``*_settings.py`` or in a ``settings/`` package."""
    kind: str
    """``production``, ``development`` or ``test``."""
    values: dict[str, list[Setting]] = field(default_factory=dict)
    """UPPER_CASE name -> its assignments directly in the module body, in source order."""
    star_imports: list[int] = field(default_factory=list)
    """Lines of ``from X import *`` in the module body, also in the blocks of a top-level ``try`` (its handlers
    too), ``with`` or ``if`` (``from settings_local import *`` with an ``except ImportError``): each may replace
    any value assigned before it."""
    local_overrides: list[int] = field(default_factory=list)
    """Lines where the module runs a file of the operator's over its own names: an ``exec`` of the module body,
    also in a top-level ``try``, ``with`` or ``if`` (DMOJ's ``exec(f.read(), globals())`` of ``local_settings.py``,
    squad's ``exec(open(os.getenv("SQUAD_EXTRA_SETTINGS", "/dev/null")).read())``), or a star import in a block of
    a top-level ``try``, ``with`` or ``if`` (``try: from .local_settings import *`` ``except ImportError: pass``):
    the deployment's own file, which may be absent, set last."""

    def replaced_later(self, line: int) -> bool:
        """A star import or an operator's file run after ``line`` may replace what was assigned there (review
        board's ``DEBUG = True`` before ``from settings_local import *``, whose generated file sets ``DEBUG =
        False``; DMOJ's before its ``exec`` of ``local_settings.py``)."""
        return any(star > line for star in [*self.star_imports, *self.local_overrides])

    def overridden_locally(self, line: int) -> bool:
        """An operator's file run after ``line`` (:attr:`local_overrides`) may replace what was assigned there: the
        module is the shipped default layer, the deployment's values are set in that file."""
        return any(override > line for override in self.local_overrides)

    def replacing(self) -> list[str]:
        """The names whose last assignment comes after every star import of the module and gives a value read when
        it runs or a false one (``SECRET_KEY = os.environ["SECRET_KEY"]``, ``DEBUG = False``), sorted: what a
        production module extending its base (``from .base import *``) puts in place of the base's literals. A
        truthy literal replaces nothing safely: it is the module's own finding, if any."""
        last_import = max(self.star_imports, default=0)
        return sorted(
            name for name, settings in self.values.items()
            if settings[-1].statement.lineno > last_import
            and not (isinstance(value := settings[-1].value, ast.Constant) and value.value)
        )

    def value(self, name: str) -> Optional[ast.expr]:
        """The value ``name`` has once the module has run (its last assignment), if it is assigned here."""
        found = self.values.get(name)
        return found[-1].value if found else None


def is_settings_path(path: str) -> bool:
    """``settings.py``, ``*_settings.py``, or a module of a ``settings/`` package."""
    parts = path.split("/")
    name = parts[-1]
    return name == "settings.py" or name.endswith("_settings.py") or (len(parts) > 1 and parts[-2] == "settings")


_DOCUMENTATION_WORDS = frozenset({"docs", "doc", "documentation", "sphinx"})


def documentation_settings_name(path: str) -> bool:
    """A settings module named for building the documentation and nothing else: ``docs_settings.py``,
    ``settings/docs.py``, ``sphinx_settings.py`` (course-discovery's, "the bare minimum needed for Sphinx to import
    each file"). Sphinx's autodoc imports the code with it; whether a deployment runs it too is the project
    model's to say (:func:`.project.settings_conditions.unnamed_settings`)."""
    if not is_settings_path(path):
        return False
    stem = posixpath.basename(path).removesuffix(".py").lower()
    words = {word for word in _NAME_WORDS.split(stem) if word}
    return bool(words & _DOCUMENTATION_WORDS) and words <= (_DOCUMENTATION_WORDS | _CONFIG_WORDS)


_SETTINGS_PACKAGES = frozenset({"settings", "conf"})
"""Folders that hold a project's settings modules, one per environment: Django's ``settings/`` and the ``conf/``
of Maykin's layout (open-forms', open-zaak's ``conf/base.py``, ``dev.py``, ``ci.py``, ``docker.py``,
``production.py``). Not ``config/`` or ``configs/``: PowerDNS-Admin's install guides copy its
``configs/development.py`` into production."""
_PRODUCTION_WORDS = frozenset({"prod", "production", "staging", "stage", "live", "deploy", "deployment", "release"})


def _in_settings_package(path: str) -> bool:
    parts = path.split("/")
    return len(parts) > 1 and parts[-2] in _SETTINGS_PACKAGES


def _settings_name_words(path: str) -> Optional[set[str]]:
    """The words of the file's name (``debug_toolbar_settings.py``: debug, toolbar, settings) when it is a
    settings module, in a settings package (``conf/ci.py``) or named for configuration; else ``None``."""
    stem = posixpath.basename(path).removesuffix(".py").lower()
    words = {word for word in _NAME_WORDS.split(stem) if word}
    return words if is_settings_path(path) or _in_settings_package(path) or words & _CONFIG_WORDS else None


def _development_layer_name(path: str, words: Optional[set[str]]) -> bool:
    """A module of a settings package named for a developer's machine, whatever else its name says of where that
    machine runs (``conf/dev.py``, ``settings/docker-development.py``: mailarchive's compose stack for developers,
    ``settings/local_docker.py``), and for no deployment (``settings/production_local.py`` stays production)."""
    return words is not None and _in_settings_package(path) and bool(words & _DEVELOPMENT_WORDS) \
        and not words & _PRODUCTION_WORDS


def _ci_settings_name(words: Optional[set[str]]) -> bool:
    """Settings named only for continuous integration (``settings/ci.py``, ``ci_settings.py``, ``settings-ci.py``):
    what the CI runs the test suite with (wger's "Settings for CI ... use a faster password hasher")."""
    return words is not None and "ci" in words and words <= (_CONFIG_WORDS | {"ci"})


def _development_settings_name(words: Optional[set[str]]) -> bool:
    """Settings named for debugging (``debug_toolbar_settings.py``, ``settings/debug.py``: a developer's module
    that switches the debug toolbar or debug pages on), or as the example of one environment's module to copy
    (``staging_example.py`` beside ``production_example.py``: onadata's install guide copies them): what runs is the
    copy a developer or an operator makes and edits, not the file itself. A bare ``settings/example.py`` or
    ``settings.example.py`` names no environment, and stays what ships."""
    if words is None:
        return False
    return bool(words & _DEBUG_WORDS) or (bool(words & _EXAMPLE_WORDS) and len(words - _CONFIG_WORDS) > 1)


def module_kind(path: str, development_patterns: Sequence[str] = DEVELOPMENT_PATTERNS) -> str:
    """The kind of the module at ``path`` (project-relative, ``/`` separators)."""
    words = _settings_name_words(path)
    if is_test_path(path) or "test" in posixpath.basename(path) or _ci_settings_name(words):
        return TEST
    if matches_any(path, list(development_patterns)) or _development_config_name(path) \
            or _development_settings_name(words) or _development_layer_name(path, words):
        return DEVELOPMENT
    return PRODUCTION


@file_fact()
def settings_module(ctx: FileContext) -> SettingsModule:
    """The settings model of the file (its values: one pass over the module's top-level statements)."""
    found = SettingsModule(is_settings_path(ctx.role_path), module_kind(ctx.role_path))
    for statement in ctx.tree.body:
        stars = _star_imports(statement)
        found.star_imports.extend(stars)
        if not isinstance(statement, ast.ImportFrom):
            found.local_overrides.extend(stars)
        found.local_overrides.extend(_module_execs(statement))
        if isinstance(statement, ast.Assign):
            targets, value = statement.targets, statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets, value = [statement.target], statement.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name) and _UPPER.fullmatch(target.id):
                found.values.setdefault(target.id, []).append(
                    Setting(target.id, value, statement)
                )
    return found


_BLOCKS = (ast.Try, ast.With, ast.If)


def _star_imports(statement: ast.stmt, depth: int = 0) -> list[int]:
    """Lines of ``from X import *`` run by a top-level statement of the module: the statement itself, or one in the
    blocks of a ``try`` (its handlers too), ``with`` or ``if`` (two deep), never in a function. CAPE's ``try:
    LOCAL_SETTINGS`` ``except NameError:`` ``with suppress(ImportError): from .local_settings import *`` runs the
    operator's file as surely as a star import in a ``try`` body."""
    if isinstance(statement, ast.ImportFrom) and any(alias.name == "*" for alias in statement.names):
        return [statement.lineno]
    if not isinstance(statement, _BLOCKS) or depth > 2:
        return []
    blocks = [statement.body, getattr(statement, "orelse", []), getattr(statement, "finalbody", []),
              *(handler.body for handler in getattr(statement, "handlers", []))]
    return [line for block in blocks for inner in block for line in _star_imports(inner, depth + 1)]


def _module_execs(statement: ast.stmt, depth: int = 0) -> list[int]:
    """Lines of ``exec(...)`` run by a top-level statement of the module: a statement, or one in the blocks of a
    ``try``, ``with`` or ``if`` (two deep), never in a function."""
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call) \
            and isinstance(statement.value.func, ast.Name) and statement.value.func.id == "exec":
        return [statement.lineno]
    if not isinstance(statement, _BLOCKS) or depth > 2:
        return []
    blocks = [statement.body, getattr(statement, "orelse", []), getattr(statement, "finalbody", [])]
    return [line for block in blocks for inner in block for line in _module_execs(inner, depth + 1)]
