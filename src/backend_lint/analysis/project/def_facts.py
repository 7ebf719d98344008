"""What the project's functions and classes are and do, across modules: the part of the project model that
reads the def summaries (:class:`.summary.DefSummary`).

A name one module imports is followed through re-exports to the def that another module summarised
(:meth:`DefFacts.definition`); the facts about it are then read from that summary: its effects and those of the
project functions it calls, a few calls deep (:meth:`DefFacts.effects_of`, BE206/BE301/BE305/BE403), whether it
runs a query on every call (:meth:`DefFacts.runs_query`, BE103), a class's timeout and lazy relations (its
project bases included: BE201, BE103), plain classes and functions that catch everything (BE103, BE403), a
model's file fields that name their uploads (BE506), and whether a name, a call or an element of a returned
tuple is constant text (:meth:`DefFacts.is_constant`, BE101). :class:`.model.ProjectModel` inherits these answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Optional

from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.project.summary import SLOW_DEF_EFFECTS, DefSummary, ModuleSummary
from backend_lint.analysis.schema_models import SCHEMA_BASES
from backend_lint.analysis.slow_work import client_call_kind

_ELEMENT = lazy_compile(r"(.+)\(\)(\[:\])?\[(\d+)\]")
"""``shop.queries.build_query()[0]``: element 0 of what the function returns (:func:`.conditions.constants`)."""
MAX_DEPTH = 8
"""How many re-exports, bases or imports a name is followed through before it counts as unknown."""
CALL_DEPTH = 3
"""How many calls deep a function's effects include its callees' (the handler's helper is depth 0): a mail
sent two helpers below a handler's call is still on its request path, and a bound keeps a large project's
call graph from making every function do everything."""


CLI_COMMAND_BASES = frozenset({
    "flask_script.Command", "flask_script.commands.Command", "django.core.management.BaseCommand",
    "django.core.management.base.BaseCommand",
})
"""Command classes of CLI frameworks: an operator runs their ``run``/``handle`` from a shell."""


class DefFacts:
    """The def summaries of one project's modules, by qualified name, and what they establish."""

    def __init__(self, modules: dict[str, ModuleSummary]) -> None:
        self.modules = modules
        self.defs: dict[str, DefSummary] = {
            name: found for summary in modules.values() for name, found in summary.defs.items()
        }
        self._effects: dict[tuple[str, bool], frozenset[str]] = {}
        self._methods: Optional[dict[str, list[DefSummary]]] = None
        self._assigned: Optional[dict[str, set[str]]] = None
        self.namespace_folders: frozenset[str] = frozenset()
        """Dotted paths of the folders under the project root that have no ``__init__.py``
        (:attr:`.project_files.ProjectFiles.namespace_folders`)."""

    # -- names ---------------------------------------------------------------------------------------------------

    def split(self, qualified: str) -> Optional[tuple[ModuleSummary, str]]:
        """``(module, rest)`` for the longest module of the project that ``qualified`` starts with."""
        module, _, rest = qualified.rpartition(".")
        tail = [rest]
        while module:
            found = self.modules.get(module)
            if found is not None:
                return found, ".".join(reversed(tail))
            module, _, part = module.rpartition(".")
            tail.append(part)
        local = self.namespace_local(qualified)
        return self.split(local) if local is not None else None

    def namespace_local(self, qualified: str) -> Optional[str]:
        """``qualified`` without its longest head that spells folders under the project root holding no
        ``__init__.py`` (``zentral.utils.views.UpdateViewWithAudit`` -> ``utils.views.UpdateViewWithAudit``
        when ``zentral/`` is such a folder and ``zentral/utils/`` a package): those folders are namespace
        portions the modules are imported through, while the model names each module from its first package
        (:func:`.roots.module_name`), so the import's longer name and the module's are the same file.
        ``None`` when no such head (or nothing after it)."""
        parts = qualified.split(".")
        for cut in range(len(parts) - 2, 0, -1):
            if ".".join(parts[:cut]) in self.namespace_folders:
                return ".".join(parts[cut:])
        return None

    def definition(self, qualified: str, depth: int = 0) -> tuple[str, Optional[DefSummary]]:
        """The def a qualified name stands for, following re-exports (``from .views import OrderView`` in a
        package's ``__init__``): its canonical name and summary (``None``: not a def of the project)."""
        if qualified in self.defs or depth > MAX_DEPTH:
            return qualified, self.defs.get(qualified)
        split = self.split(qualified)
        if split is None:
            return qualified, None
        module, rest = split
        if not qualified.startswith(f"{module.module}."):  # reached through namespace folders: the module's name
            return self.definition(f"{module.module}.{rest}", depth + 1)
        head, _, tail = rest.partition(".")
        target = module.imports.get(head) or module.view_aliases.get(head)
        if target is None:  # ``from .settings import *`` in a package's ``__init__``
            for star in module.star_imports:
                name, found = self.definition(f"{star}.{rest}", depth + 1)
                if found is not None:
                    return name, found
            return qualified, None
        return self.definition(f"{target}.{tail}" if tail else target, depth + 1)

    def loaded_classes(self, qualified: str) -> list[str]:
        """The classes a name loaded by module label stands for (``dashboard.pages.views.PageCreateView``, from
        django-oscar's ``get_class("dashboard.pages.views", "PageCreateView")``) when the label is no module of
        the project: that class in each module whose dotted name ends with the label
        (``oscar.apps.dashboard.pages.views``, and a project's fork of the app)."""
        label, _, name = qualified.rpartition(".")
        if not label or label in self.modules or self.split(qualified) is not None:
            return []
        ending = f".{label}"
        return [
            found for module in self.modules if module.endswith(ending)
            if self.definition(found := f"{module}.{name}")[1] is not None
        ]

    def does(self, qualified: str, effect: str) -> bool:
        """The function or method ``qualified`` (through re-exports) has ``effect`` in its own body or in the
        project functions it calls (:meth:`effects_of`)."""
        if effect in SLOW_DEF_EFFECTS:  # slow work counts where the caller waits for it (BE206)
            return effect in self.effects_of(qualified, waited=True)
        return effect in self.effects_of(qualified)

    def method_does(self, cls: str, method: str, effect: str, depth: int = 0) -> bool:
        """The method ``method`` that instances of the class ``cls`` (through re-exports) run, its own or
        inherited from the first of its project bases that defines it, has ``effect`` (:meth:`does`):
        peering-manager's ``JournalEntryTable(...).configure(request)`` runs ``BaseTable.configure``."""
        name, found = self.definition(cls)
        if found is None or depth > MAX_DEPTH:
            return False
        own = self.definition(f"{name}.{method}")[1]
        if own is not None:
            return self.does(f"{name}.{method}", effect)
        return any(self.method_does(base, method, effect, depth + 1) for base in found.bases)

    def sets_timeout(self, qualified: str, depth: int = 0) -> bool:
        """The class ``qualified`` (through re-exports) or one of its bases of the project names a timeout.

        An import through a top-level namespace folder (``zentral.utils.requests`` where ``zentral/`` has no
        ``__init__.py``, so the project knows the module as ``utils.requests``) is found by its shorter ends."""
        found = self.definition(qualified)[1]
        head, _, rest = qualified.partition(".")
        while found is None and head and depth == 0 and "." in rest:
            found = self.definition(rest)[1]
            head, _, rest = rest.partition(".")
        if found is None or depth > MAX_DEPTH:
            return False
        return found.timeout or any(self.sets_timeout(base, depth + 1) for base in found.bases)

    def command_class(self, qualified: str, depth: int = 0) -> bool:
        """The class ``qualified`` is, or derives through project bases from, a command line command class of a
        CLI framework (:data:`CLI_COMMAND_BASES`: superdesk's ``Command(flask_script.Command)``)."""
        if qualified in CLI_COMMAND_BASES:
            return True
        found = self.definition(qualified)[1]
        if found is None or depth > MAX_DEPTH:
            return False
        return any(self.command_class(base, depth + 1) for base in found.bases)

    def schema_model(self, qualified: str, depth: int = 0) -> bool:
        """The class ``qualified`` (through re-exports) derives, through project bases, from pydantic's
        ``BaseModel``: building it validates what it is handed."""
        found = self.definition(qualified)[1]
        if found is None or depth > MAX_DEPTH:
            return False
        return any(base in SCHEMA_BASES or self.schema_model(base, depth + 1) for base in found.bases)

    def effects_of(self, qualified: str, waited: bool = False) -> frozenset[str]:
        """What the function ``qualified`` does, with what the project functions it calls do, up to
        :data:`CALL_DEPTH` calls deep (see :meth:`reached`; ``waited``: only what its caller waits for). Computed
        once per function asked about and kept."""
        key = (qualified, waited)
        found = self._effects.get(key)
        if found is None:
            found = self._effects[key] = frozenset(
                effect for summary in self.reached(qualified, waited) for effect in summary.effects
            )
        return found

    def reached(self, qualified: str, waited: bool = False) -> list[DefSummary]:
        """The function ``qualified`` and the project functions it calls, up to :data:`CALL_DEPTH` calls deep (a
        breadth-first walk over the recorded calls; a function met twice is walked once, so cycles end).
        Functions of test modules count for nothing (a handler never calls one), and a class called is not
        followed (what making it runs is not recorded). With ``waited``, only what the caller waits for: not a
        function a project decorator runs in the background (:meth:`_in_background`)."""
        found: list[DefSummary] = []
        seen: set[str] = set()
        level = [qualified]
        for _depth in range(CALL_DEPTH + 1):
            following: list[str] = []
            for name in level:
                canonical, summary = self.definition(name)
                if summary is None or canonical in seen or not self._callable(canonical) \
                        or (waited and self._in_background(summary)):
                    continue
                seen.add(canonical)
                found.append(summary)
                following.extend(summary.calls)
            level = following
        return found

    def _in_background(self, summary: DefSummary) -> bool:
        """A project decorator of the function runs it in the background (``@async_maker``: a thread): its call
        returns at once, and what it does is not its caller's work."""
        return any(
            found is not None and found.backgrounds
            for found in (self.definition(name)[1] for name in summary.decorators)
        )

    def _callable(self, canonical: str) -> bool:
        split = self.split(canonical)
        return split is not None and "test" not in split[0].roles

    def has_relation(self, qualified: str, attribute: str, depth: int = 0) -> bool:
        """The model class ``qualified`` (through re-exports), or one of its project bases, declares
        ``attribute`` as a lazily loaded relation."""
        _name, found = self.definition(qualified)
        if found is None or depth > MAX_DEPTH:
            return False
        return attribute in found.relations or any(
            self.has_relation(base, attribute, depth + 1) for base in found.bases
        )

    def plain_class(self, qualified: str, depth: int = 0) -> bool:
        """The class ``qualified`` (through re-exports) is written with no base but ``object``, or all its
        bases are such classes of the project, a few levels up."""
        found = self.definition(qualified)[1]
        if found is None or depth > MAX_DEPTH:
            return False
        return found.plain_class or (bool(found.bases) and all(
            self.plain_class(base, depth + 1) for base in found.bases
        ))

    def catches_all(self, qualified: str) -> bool:
        """The function ``qualified`` (through re-exports) catches everything itself, in a module that is not
        a test."""
        canonical, found = self.definition(qualified)
        return found is not None and found.catches_all and self._callable(canonical)

    def methods_catch_all(self, name: str) -> bool:
        """The project's modules outside tests define a method ``name`` (``Class.name``), and every one of them
        that the summaries hold catches everything itself. A method whose summary holds nothing is not in them
        (a body of library calls only): the answer trusts the summarised ones."""
        if self._methods is None:
            self._methods = {}
            for summary in self.modules.values():
                if "test" in summary.roles:
                    continue
                start = len(summary.module) + 1 if summary.module else 0
                for qualified, found in summary.defs.items():
                    owner, dot, method = qualified[start:].partition(".")
                    if dot and owner and "." not in method:
                        self._methods.setdefault(method, []).append(found)
        methods = self._methods.get(name, [])
        makers = self._makers().get(name, set())
        return bool(methods or makers) and all(item.catches_all for item in methods) and all(
            (made := self.definition(maker)[1]) is not None and made.wraps_catch_all for maker in makers)

    def _makers(self) -> dict[str, set[str]]:
        """Attribute name -> the project functions whose calls modules outside tests store on it
        (``ModuleSummary.assigned_callables``): a callable held there is what they make."""
        if self._assigned is None:
            self._assigned = {}
            for summary in self.modules.values():
                if "test" not in summary.roles:
                    for name, makers in summary.assigned_callables.items():
                        self._assigned.setdefault(name, set()).update(makers)
        return self._assigned

    def runs_query(self, qualified: str) -> bool:
        """The function or method ``qualified`` (through re-exports, not of a test module) runs a query on every
        call in its own body; what it calls is not followed (one level)."""
        canonical, found = self.definition(qualified)
        return found is not None and found.runs_query and self._callable(canonical)

    # -- constants -----------------------------------------------------------------------------------------------

    def is_loopback_constant(self, qualified: str) -> bool:
        """``app.literals.DEFAULT_HOSTS`` is bound once, in its module, to loopback addresses (through re-exports)."""
        return self._bound_as(qualified, lambda module, name: name in module.loopback_constants)

    def is_slow_client_call(self, qualified: str, method: str, kind: str) -> bool:
        """``blog.mail`` is bound once, in its module, to a client whose ``method`` does ``kind`` (through
        re-exports)."""
        return self._bound_as(qualified, lambda module, name: name in module.slow_clients
                              and client_call_kind(module.slow_clients[name], method) == kind)

    def is_constant(self, qualified: str) -> bool:
        """``shop.tables.RETAINED`` is bound once, to a literal, in its module (through re-exports); a name
        written as a call, ``shop.queries.active_filter()``, is a function every ``return`` of which gives a
        string literal; ``shop.queries.build_query()[0]``, an element of what a function returns, is constant
        SQL text in every tuple it returns; ``shop.queries.chunks()[:][1]``, an element of each item of what it
        hands back (``for chunk, marks in chunks(ids)``), is constant SQL text in every item."""
        element = _ELEMENT.fullmatch(qualified)
        if element is not None:
            found = self.definition(element.group(1))[1]
            positions = found.item_text_elements if found is not None and element.group(2) else (
                found.text_elements if found is not None else [])
            return int(element.group(3)) in positions
        if qualified.endswith("()"):
            found = self.definition(qualified[:-2])[1]
            return found is not None and found.returns_literal
        return self._bound_as(qualified, lambda module, name: name in module.constants)

    def _bound_as(self, qualified: str, holds: Callable[[ModuleSummary, str], bool], depth: int = 0) -> bool:
        """The module-level name ``qualified`` is one ``holds`` says its module binds as asked, in its own
        module or in the one it re-exports it from."""
        split = self.split(qualified)
        if split is None or depth > MAX_DEPTH:
            return False
        module, name = split
        if "." in name:
            return False
        if holds(module, name):
            return True
        target = module.imports.get(name)
        return target is not None and self._bound_as(target, holds, depth + 1)
