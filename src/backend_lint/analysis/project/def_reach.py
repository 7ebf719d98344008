"""Which module-level functions and classes nothing in the project reaches: the model's half of
:func:`.conditions.unreached` (:class:`.model.ProjectModel` inherits it; the file's half, which definitions their
own module never names, is :mod:`backend_lint.analysis.reach_names`).

A loose definition is unreached when no module outside the tests and the migrations imports it by name (through a
re-export too: the package that re-exports it imports it), star-imports its module, or uses its name as an
attribute or a word of a path-like string (``routes_page.helper``, ``"shop.tasks.refresh"``, a ``"handle_"`` prefix
it starts with: :attr:`.summary.ModuleSummary.referenced_names`), while some module of the application imports or
names its module (a module nothing imports may be a script run by hand or a plugin loaded from its file, whose
functions a loader calls by convention). A class must also be a plain class of the project (no base outside it,
no metaclass): a framework's subclass (a model, a view, a command, an admin) is registered without being named,
and so is a subclass of the project's own base where the project walks ``__subclasses__`` or defines
``__init_subclass__``.

Only in an application, where no one outside the repository calls the code: a module serves requests or builds an
app, runs a worker, or production settings exist, and no folder below the root holds a project of its own (a
library's public functions are its API, called by others; a sibling project may import them); elsewhere, only
private names (``_helper``) are decided.

The same words decide a settings module's constant that nothing reads (:meth:`DefReach.unread_setting`): no
reaching module uses its name as an attribute (``settings.SECRET``), a string word (``app.config["SECRET"]``) or an
import, and none star-imports the module.
"""

from __future__ import annotations

from functools import cached_property

from backend_lint.analysis.project.module_reach import ModuleReach
from backend_lint.analysis.project.summary import ModuleSummary
from backend_lint.analysis.reach_names import CLASS

_UNREACHING_ROLES = frozenset({"test", "test_support", "migration"})
"""Modules whose calls do not make code reachable by the service: tests, their support, and migrations (a data
migration runs once, like a command)."""

_SUBCLASS_REGISTRIES = frozenset({"__subclasses__", "__init_subclass__"})
"""A project that finds classes by their base (Quay's ``BuildTriggerHandler.get_handler`` walking
``cls.__subclasses__()``) reaches every subclass unnamed."""


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
        words = frozenset(
            word for summary in self._reaching
            for word in (*summary.referenced_names, *(name.rpartition(".")[2] for name in summary.imported))
        )
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
        if module in self.files.entry_modules or module in self._star_imported or module not in self._imported_modules:
            return False
        words, prefixes = self._reach_words
        if name in words or name.startswith(prefixes) or qualified in self._imported_names:
            return False
        if kind != CLASS:
            return True
        found = self.definition(qualified)[1]
        registry = found is not None and bool(found.bases) and bool(words & _SUBCLASS_REGISTRIES)
        return not registry and self.plain_class(qualified)

    def unread_setting(self, qualified: str) -> bool:
        """:func:`.conditions.unread_setting`: no reaching module reads the settings module's constant."""
        module, _, name = qualified.rpartition(".")
        summary = self.modules.get(module)
        if summary is None or not summary.settings_kind or not self.application or module in self._star_imported:
            return False
        words, prefixes = self._reach_words
        return name not in words and not name.startswith(prefixes) and qualified not in self._imported_names
