"""Which modules of a project are command line code and which are test support: the part of the project model
that reads who imports whom (:class:`.model.ProjectModel` inherits it). A command's helpers in another package
are command line code when only commands import them; a module the service imports, names or loads never is.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from backend_lint.analysis.command_reach import LOADED, TERMINAL_APP_BASES
from backend_lint.analysis.project.def_facts import MAX_DEPTH
from backend_lint.analysis.project.settings_facts import SettingsFacts
from backend_lint.analysis.project.summary import ModuleSummary

_LAUNCHERS = frozenset({"manage", "wsgi", "asgi"})
"""Modules that start the service as well as commands (Django's ``manage.py runserver``): not CLI roots."""
AUTOLOADED = frozenset({
    "models", "admin", "apps", "signals", "receivers", "handlers", "urls", "views", "serializers",
    "forms", "consumers", "routing", "celery", "checks", "context_processors", "middleware", "schema", "api",
    "conftest", "hooks", "plugins",
})
"""Module names a web framework loads by convention (Django's app modules and autodiscovery, a plugin registry):
such a module runs in the service whoever imports it. A job module (Celery's ``tasks``) is read by what it defines
(:func:`.command_reach.starts_service`)."""


class ModuleReach(SettingsFacts):
    """Command line code and test support of one project, read from its imports."""

    def _importers(self, strings: bool, run_time: bool = False) -> dict[str, set[str]]:
        """Module -> the modules of the project that import it (or a name in it), and with ``strings`` those
        that name it in a dotted string (settings naming middleware, ``include("app.urls")``); with ``run_time``,
        not the imports written only under ``if TYPE_CHECKING:`` (for annotations, never run)."""
        importers: dict[str, set[str]] = {name: set() for name in self.modules}
        for summary in self.modules.values():
            targets = {*summary.imported, *summary.dotted_strings} if strings else set(summary.imported)
            if run_time:
                targets -= set(summary.type_only_imports)
            for target in targets:
                split = self.split(target) if target not in self.modules else (self.modules[target], "")
                if split is not None and split[0].module != summary.module:
                    importers[split[0].module].add(summary.module)
        return importers

    @cached_property
    def _test_files(self) -> frozenset[str]:
        return frozenset(name for name, summary in self.modules.items() if "test" in summary.roles)

    @cached_property
    def cli_modules(self) -> frozenset[str]:
        """Command line code: the programs (console scripts, ``__main__``, a module that parses its command line:
        :func:`.entrypoints.cli_module`), the commands a CLI framework loads (a management command, a click group
        ``manage.py`` registers, invoke tasks: :func:`.command_reach.declares_commands`) when nothing but a
        launcher such as ``manage.py`` imports them (and something does, unless the framework loads the command
        by name), and, transitively, every module whose importers (tests
        aside) are all command line code: the helper in another package that only two management commands use.

        Never the service: a module that serves requests or builds an app, settings, a module that starts the web
        server or a worker or defines a worker's jobs (:func:`.command_reach.starts_service`), a module the
        service names in a dotted string (settings naming middleware, a beat schedule), a module the framework
        loads by its conventional name (``models``, ``tasks``, ``admin``, ``signals``...), a package's
        ``__init__`` (it runs whenever any of its modules is imported), and a module nothing imports. A launcher
        (``manage.py``, ``wsgi.py``) counts as command line code only for the commands it registers: it also
        starts the server, so what else it imports is the service."""
        serving = {
            name for name, summary in self.modules.items()
            if summary.serves or summary.settings_kind
            or (summary.starts_service and not self._runs_terminal_ui(summary))
        }
        roots = {
            name for name, summary in self.modules.items()
            if summary.cli and name.rpartition(".")[2] not in _LAUNCHERS
        }
        roots |= {name for name in self.files.entry_modules if name in self.modules}
        roots -= serving
        launchers = {name for name in self.modules if name.rpartition(".")[2] in _LAUNCHERS}
        imports = self._importers(strings=False, run_time=True)
        named = self._importers(strings=True, run_time=True)
        below: dict[str, list[str]] = {}  # package -> the modules under it
        for name in self.modules:
            parts = name.split(".")
            for end in range(1, len(parts)):
                below.setdefault(".".join(parts[:end]), []).append(name)

        def admitted(name: str, importers: set[str], inside: set[str]) -> bool:
            summary = self.modules[name]
            users = importers - self._test_files
            if name in serving or named[name] - importers - self._test_files - inside:
                return False
            if summary.commands:  # loaded by its framework by name, or registered by a launcher or a command
                return (bool(users) or summary.commands == LOADED) and users <= inside | launchers
            if name.rpartition(".")[2] in AUTOLOADED or ".templatetags." in f".{name}.":
                return False
            if summary.is_package:  # it runs when any of its modules is imported: every importer counts
                if "." not in name:
                    return False
                users = set().union(users, *(imports[inner] for inner in below.get(name, ()))) - self._test_files
                users = {user for user in users if user != name and not user.startswith(name + ".")}
            return bool(users) and users <= inside

        return self._closure(roots, imports, admitted)

    def _runs_terminal_ui(self, summary: ModuleSummary) -> bool:
        """The module's only sign of starting a service is ``app.run()`` on instances of project classes that
        derive, through project bases, from a terminal UI framework's application (Textual's ``App``: backend.ai's
        installer, launched by a click command, drawing on the operator's terminal)."""
        return bool(summary.app_run_classes) and all(
            self._derives_from(name, TERMINAL_APP_BASES) for name in summary.app_run_classes
        )

    def _derives_from(self, qualified: str, bases: frozenset[str], depth: int = 0) -> bool:
        found = self.definition(qualified)[1]
        if found is None or depth > MAX_DEPTH:
            return False
        return any(base in bases or self._derives_from(base, bases, depth + 1) for base in found.bases)

    @cached_property
    def test_modules(self) -> frozenset[str]:
        """Test support the project shows: the settings modules the test configuration names (not what they import,
        and not those a module of the service gives ``DJANGO_SETTINGS_MODULE`` too: a project testing with its
        production settings: :attr:`.settings_facts.SettingsFacts.test_only_settings`), the modules under a
        package that declares itself a test framework or harness (:func:`.module_roles.declares_test_harness`),
        and modules that only test support imports (tests may import them too). A module only tests import is not
        support: it is usually the code under test (a plugin, a management command) that the application loads by
        name."""
        roots = {
            name for name, summary in self.modules.items()
            if "test_support" in summary.roles and name not in self._test_files
        }
        # every module under a package that declares itself a test framework or harness (``monke/__init__.py``)
        harnesses = tuple(
            f"{name}." for name, summary in self.modules.items() if "test_harness" in summary.roles and name
        )
        if harnesses:
            roots |= {name for name in self.modules if name.startswith(harnesses)}

        # the settings the test configuration names are test support, but what only they import is not made so: the
        # base settings and the URL conf a development module shared with the tests builds on are the deployment's
        # too, whose own settings may be a file the repository ships only as a template (patchwork's
        # ``settings/dev.py``, which tox runs the tests with, beside ``production.example.py``)
        settings = {name for name in self.test_only_settings if name in self.modules} - roots

        def admitted(name: str, importers: set[str], inside: set[str]) -> bool:
            return bool(importers & inside) and importers <= inside | self._test_files | settings

        return self._closure(roots, self._importers(strings=True), admitted) | settings

    @staticmethod
    def _closure(
        roots: set[str], importers: dict[str, set[str]], admitted: Callable[[str, set[str], set[str]], bool]
    ) -> frozenset[str]:
        """``roots`` and, until nothing changes, every module that ``admitted(name, its importers, the set so
        far)`` lets in."""
        inside = set(roots)
        changed = True
        while changed:
            changed = False
            for name, found in importers.items():
                if name not in inside and admitted(name, found, inside):
                    inside.add(name)
                    changed = True
        return frozenset(inside)
