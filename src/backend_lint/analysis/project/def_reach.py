"""Which module-level functions and classes nothing in the project reaches: the model's half of
:func:`.conditions.unreached` (:class:`.model.ProjectModel` inherits it; the file's half, which definitions their
own module never names, is :mod:`backend_lint.analysis.reach_names`).

A loose definition is unreached when no module outside the tests and the migrations imports it by name (through a
re-export too: the package that re-exports it imports it), star-imports its module, or uses its name as an
attribute or a word of a path-like string (``routes_page.helper``, ``"shop.tasks.refresh"``, a ``"handle_"`` prefix
it starts with: :attr:`.summary.ModuleSummary.referenced_names`), while some module of the application imports or
names its module (a module nothing imports may be a script run by hand or a plugin loaded from its file, whose
functions a loader calls by convention), or the module is an *orphan* (:meth:`DefReach.orphan`): a module of a
package the application imports that nothing but tests imports, in a project that loads no module by a computed
name, with no main guard and no name or folder a framework loads by convention (vulnerablecode's retired
``importers/suse_oval.py``, left out of the importer registry and imported by its test only). A class must
also be a plain class of the project (no base outside it, no metaclass): a framework's subclass (a model, a
view, a command, an admin) is registered without being named, and so is a subclass of the project's own base
where the project walks ``__subclasses__`` or defines ``__init_subclass__``.

Only in an application, where no one outside the repository calls the code: a module serves requests or builds an
app, runs a worker, or production settings exist, and no folder below the root holds a project of its own (a
library's public functions are its API, called by others; a sibling project may import them); elsewhere, only
private names (``_helper``) are decided. Even in an application a public name is decided only on evidence that it
was left behind: tests or migrations name it (Mycodo's ``dict_custom_colors()``, which only data migrations call)
or its module is an orphan. A public function that nothing names at all is as likely new code, or code a caller
outside the repository or a framework reaches, as dead code; on a blind recall set of small services written from
the guidance, every finding this fact dropped was in such a function (``benchmarks/recall``).

The same records decide what only command line code reaches (:meth:`DefReach.cli_only`): a function or method
that every module naming it (an import or an attribute, tests aside) is command line code, and whose callers in its
own module (:attr:`DefReach.callers`) are all such functions in turn (nutshell's ``Wallet.restore_tokens_for_keyset``,
called by ``restore_wallet_from_mnemonic``, which only the CLI's ``restore`` command names).

The same words decide a settings module's constant that nothing reads (:meth:`DefReach.unread_setting`): no
reaching module uses its name as an attribute (``settings.SECRET``), a string word (``app.config["SECRET"]``) or an
import, and none star-imports the module.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from backend_lint.analysis.project.def_facts import MAX_DEPTH
from backend_lint.analysis.project.module_reach import AUTOLOADED, ModuleReach
from backend_lint.analysis.project.summary import ModuleSummary
from backend_lint.analysis.reach_names import CLASS, LOADED_BY_FILE

_UNREACHING_ROLES = frozenset({"test", "test_support", "migration"})
"""Modules whose calls do not make code reachable by the service: tests, their support, and migrations (a data
migration runs once, like a command)."""

_SUBCLASS_REGISTRIES = frozenset({"__subclasses__", "__init_subclass__"})
"""A project that finds classes by their base (Quay's ``BuildTriggerHandler.get_handler`` walking
``cls.__subclasses__()``) reaches every subclass unnamed."""


_MOUNTS = frozenset({"include_router", "register_blueprint", "add_routes", "include_routes", "mount"})
"""Calls that mount a router, blueprint or route table: a module that loads modules by computed name and makes
one of them may mount routers it discovers (``app.include_router(module.router)``)."""

_CONVENTIONAL_MODULES = frozenset({
    "tasks", "jobs", "settings", "config", "wsgi", "asgi", "main", "app", "server", "worker", "cli", "commands",
    "receivers", "listeners", "subscribers", "callbacks", "fixtures", "factories", "seeds", "gunicorn_config",
})
"""Module names that a framework, server or deployment loads by convention or names outside Python (a worker's
``tasks``, a ``gunicorn -c`` configuration, a server's ``main``), beside the app modules Django and friends load
(:data:`.module_reach.AUTOLOADED`) and the files tools load by name (:data:`.reach_names.LOADED_BY_FILE`)."""
_CONVENTIONAL_FOLDERS = frozenset({
    "management", "commands", "templatetags", "migrations", "alembic", "scripts", "script", "bin", "tools",
    "plugins", "extensions", "contrib", "dags", "spiders", "handlers", "lambdas", "functions", "hooks", "examples",
    "docs", "utils_scripts", "devtools", "benchmarks",
})
"""Folders whose modules are loaded from their files or run by hand: management commands, template tags,
migrations, scripts, plugin folders, Airflow DAGs, Scrapy spiders, serverless handlers named in deployment
files."""


class DefReach(ModuleReach):
    """The project's unreached definitions, from the summaries' imports and referenced names."""

    @cached_property
    def _reaching(self) -> list[ModuleSummary]:
        return [summary for summary in self.modules.values() if not _UNREACHING_ROLES & set(summary.roles)]

    @cached_property
    def _reach_words(self) -> tuple[frozenset[str], tuple[str, ...]]:
        """Every name the reaching modules use as an attribute or a string word, or import (its last part: a
        project whose roots the model reads otherwise than its imports, Keep's ``keep.api...`` known as
        ``api...``, still imports it by that name), and the prefixes among them."""
        words = _named(self._reaching, lambda summary: summary.referenced_names)
        return words, tuple(word for word in words if word.endswith("_") and word.strip("_"))

    @cached_property
    def _imported_names(self) -> frozenset[str]:
        """What the reaching modules import, bind or name in dotted strings (qualified)."""
        return frozenset(
            name for summary in self._reaching
            for name in (*summary.imported, *summary.imports.values(), *summary.dotted_strings)
        )

    @cached_property
    def _star_imported(self) -> frozenset[str]:
        return frozenset(module for summary in self._reaching for module in summary.star_imports)

    @cached_property
    def _imported_modules(self) -> frozenset[str]:
        """Modules some other reaching module imports (or a name from) or names in a dotted string."""
        reaching = {summary.module for summary in self._reaching}
        return frozenset(
            module for module, importers in self._importers(strings=True).items() if importers & reaching
        )

    @cached_property
    def application(self) -> bool:
        """The project is an application: a shipped module serves requests, builds an app or starts a service, or
        production settings exist; and no folder below it holds another project, which may import its public
        functions (:attr:`.project_files.ProjectFiles.nested_projects`)."""
        return not self.files.nested_projects and any(
            summary.serves or summary.own_app or summary.starts_service or summary.settings_kind == "production"
            for summary in self.shipped_summaries
        )

    def unreached(self, qualified: str, kind: str = "") -> bool:
        """:func:`.conditions.unreached`: nothing outside tests and migrations reaches the loose definition."""
        module, _, name = qualified.rpartition(".")
        summary = self.modules.get(module)
        if summary is None or _UNREACHING_ROLES & set(summary.roles) or not (name.startswith("_") or self.application):
            return False
        orphaned = module not in self._imported_modules
        if module in self.files.entry_modules or module in self._star_imported or (
            orphaned and not self.orphan(module, summary)
        ):
            return False
        words, prefixes = self._reach_words
        if name in words or name.startswith(prefixes) or qualified in self._imported_names:
            return False
        if not (name.startswith("_") or orphaned or self._left_to_tests(name, qualified)):
            return False  # a public name nothing names at all: new code or an outside caller's, not evidence of death
        if kind != CLASS:
            return True
        found = self.definition(qualified)[1]
        registry = found is not None and bool(found.bases) and bool(words & _SUBCLASS_REGISTRIES)
        return not registry and self.plain_class(qualified)

    @cached_property
    def _left_words(self) -> tuple[frozenset[str], frozenset[str]]:
        """What the tests, their support and the migrations name (attributes, string words, the last part of their
        imports) and import (qualified): the code that still calls what the application left behind."""
        left = [summary for summary in self.modules.values() if _UNREACHING_ROLES & set(summary.roles)]
        words = _named(left, lambda summary: summary.left_names)
        return words, frozenset(name for summary in left for name in (*summary.imported, *summary.imports.values()))

    def _left_to_tests(self, name: str, qualified: str) -> bool:
        """Tests, test support or migrations name the definition: it was written to be called, and only they
        still call it."""
        words, imported = self._left_words
        return name in words or qualified in imported

    @cached_property
    def callers(self) -> dict[str, set[str]]:
        """Canonical function name -> the project's functions that call it (``DefSummary.calls``)."""
        found: dict[str, set[str]] = {}
        for name, summary in self.defs.items():
            for called in summary.calls:
                found.setdefault(self.definition(called)[0], set()).add(name)
        return found

    @cached_property
    def _naming_modules(self) -> dict[str, set[str]]:
        """A name -> the reaching modules that use it as an attribute or string word, or import it (its last part)."""
        found: dict[str, set[str]] = {}
        for summary in self._reaching:
            for word in (*summary.referenced_names, *(name.rpartition(".")[2] for name in summary.imported)):
                found.setdefault(word, set()).add(summary.module)
        return found

    def cli_only(self, qualified: str, depth: int = 0) -> bool:
        """:func:`.conditions.cli_only`: the function or method is of a command line module, or some module names it
        and every module outside its own that does is command line code or names it only in the bodies of its
        commands (a launcher's ``@app.cli.command``: :attr:`.summary.ModuleSummary.command_names`), and its callers
        in its own module (a few calls deep) are only such functions. As for :meth:`unreached`, a public name is
        decided only in an application: a library's users call its public functions from outside the repository.
        A name used in its own module otherwise than by a recorded call (a callback handed on) is not seen."""
        name = self.definition(qualified)[0]
        split = self.split(name)
        if split is None or _UNREACHING_ROLES & set(split[0].roles):
            return False
        module = split[0].module
        if module in self.cli_modules:
            return True
        last = name.rpartition(".")[2]
        if not (last.startswith("_") or self.application):
            return False  # a library's public function: its callers may be outside the repository, as for unreached
        naming = self._naming_modules.get(last, set()) - {module}
        own = {caller for caller in self.callers.get(name, set()) - {name}
               if (found := self.split(caller)) is not None and found[0].module == module}
        if not (naming or own) or depth >= MAX_DEPTH or not all(
            naming_module in self.cli_modules or last in self.modules[naming_module].command_names
            for naming_module in naming
        ):
            return False
        return all(self.cli_only(caller, depth + 1) for caller in own)

    def unmounted_router(self, qualified: str) -> bool:
        """:func:`.conditions.unmounted_router`: nothing imports the router or its module, while the project
        mounts routers by name: some module mounts them (``include_router``, ``register_blueprint``...) and no
        such module loads modules by a computed name (it may mount routers it discovers)."""
        module = qualified.rpartition(".")[0]
        wanted = {qualified, module}
        if module not in self.modules or any(
            wanted & {*summary.imported, *summary.dotted_strings, *summary.imports.values()}
            for name, summary in self.modules.items() if name != module
        ):
            return False
        mounting = [summary for summary in self._reaching if _MOUNTS & set(summary.referenced_names)]
        return bool(mounting) and not any(summary.loads_modules for summary in mounting)

    def unread_setting(self, qualified: str) -> bool:
        """:func:`.settings_conditions.unread_setting`: no reaching module reads the settings module's constant."""
        module, _, name = qualified.rpartition(".")
        summary = self.modules.get(module)
        if summary is None or not summary.settings_kind or not self.application or module in self._star_imported:
            return False
        words, prefixes = self._reach_words
        return name not in words and not name.startswith(prefixes) and qualified not in self._imported_names

    @cached_property
    def _loads_modules(self) -> bool:
        """A module of the project outside tests loads modules by a name it computes."""
        return any(summary.loads_modules for summary in self._reaching)

    @cached_property
    def _named_packages(self) -> frozenset[str]:
        """Packages whose modules the reaching code imports or names (the package itself or one of them)."""
        return frozenset(module.rpartition(".")[0] for module in self._imported_modules) | self._imported_modules

    @cached_property
    def _dotted_strings(self) -> frozenset[str]:
        return frozenset(name for summary in self._reaching for name in summary.dotted_strings)

    def orphan(self, module: str, summary: ModuleSummary) -> bool:
        """Nothing outside tests imports or names ``module`` (asked when that is so), yet its package is live code
        of the application (reaching code imports the package or a module beside it), and nothing could load it
        otherwise: no module of the project loads modules by a computed name, no dotted string names its package
        (Scrapy's ``SPIDER_MODULES``, Celery's ``include``), it is no program (main guard, command line,
        service, settings, commands), and neither its name nor a folder it sits in is one a framework, a tool or
        a deployment loads by convention. Such a module was left behind: vulnerablecode's retired importers,
        absent from ``IMPORTERS_REGISTRY``, that only their tests import."""
        package, _, last = module.rpartition(".")
        if not package or package not in self._named_packages or self._loads_modules or summary.is_package:
            return False
        if summary.script or summary.cli or summary.commands or summary.serves or summary.own_app \
                or summary.starts_service or summary.settings_kind or summary.roles:
            return False
        if last in AUTOLOADED or last in LOADED_BY_FILE or last in _CONVENTIONAL_MODULES or last.startswith(
            ("test", "gunicorn", "settings", "config")
        ):
            return False
        if any(part in _CONVENTIONAL_FOLDERS for part in module.split(".")):
            return False
        return package not in self._dotted_strings


def _named(summaries: list[ModuleSummary], used: Callable[[ModuleSummary], list[str]]) -> frozenset[str]:
    """The names ``summaries`` use (``used``: their attribute and string words) and the last part of each import."""
    return frozenset(
        word for summary in summaries
        for word in (*used(summary), *(name.rpartition(".")[2] for name in summary.imported))
    )
