"""Views and URL confs of one project: which views render pages, the full paths Django's URL confs give each
view, the prefixes other modules put before an app object's routes. The part of the project model that reads
routing (:class:`.model.ProjectModel` inherits it).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Optional

from backend_lint.analysis.handler_types import join_path
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.project.def_facts import MAX_DEPTH
from backend_lint.analysis.project.settings_facts import SettingsFacts
from backend_lint.analysis.project.summary import DefSummary

_JSON_VIEW_PREFIXES = ("rest_framework.", "ninja.")
_HTML_GENERIC = frozenset({
    "TemplateView", "FormView", "CreateView", "UpdateView", "DeleteView", "ListView", "DetailView", "RedirectView",
    "ArchiveIndexView", "YearArchiveView", "MonthArchiveView", "DayArchiveView", "TodayArchiveView",
    "DateDetailView", "LoginView", "LogoutView", "PasswordChangeView", "PasswordResetView", "FormMixin",
    "TemplateResponseMixin", "ProcessFormView", "BaseFormView", "BaseDeleteView", "BaseCreateView",
    "BaseUpdateView", "SingleObjectTemplateResponseMixin", "MultipleObjectTemplateResponseMixin",
})
_WORD = lazy_compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_ITEM_PLACEHOLDER = lazy_compile(r"<(?:\w+:)?\w+>|\{\w+(?::[^}]*)?\}|\^?\(\?P<\w+>[^)]*\)\$?")
"""The last segment of an item path: ``<uuid:pk>``, ``{id}``, ``(?P<pk>[^/]+)$``."""
_DELETING_BASES = frozenset({
    "DestroyAPIView", "RetrieveDestroyAPIView", "RetrieveUpdateDestroyAPIView", "DestroyModelMixin",
    "ModelViewSet", "DeleteView", "BaseDeleteView",
})
"""Django and DRF bases that answer DELETE."""


def path_words(text: str) -> list[str]:
    """Lower-case words of a path or name: ``/auth/access-token`` -> auth, access, token; ``LoginView``."""
    return [piece.lower() for piece in _WORD.findall(text)]


_CREDENTIAL_WORDS = frozenset({"token", "tokens", "key", "keys", "secret", "secrets", "credential", "credentials"})
"""Words that, right after ``api``, make it the name of a user's credential (``api/token/remove/``, ``api-keys``),
not of an API."""


def route_meaning_words(text: str) -> list[str]:
    """:func:`path_words`, an ``api``/``apis`` right before a credential word left out: it names the user's API
    token or key, not an API (DMOJ's profile action ``api/token/remove/``; its API is ``api/v2/``, seed 132)."""
    return without_credential_api(path_words(text))


def without_credential_api(words: list[str]) -> list[str]:
    """``words`` without an ``api``/``apis`` right before a credential word (``remove_api_token``)."""
    return [word for index, word in enumerate(words)
            if not (word in ("api", "apis") and index + 1 < len(words) and words[index + 1] in _CREDENTIAL_WORDS)]


class ViewFacts(SettingsFacts):
    """Views and routing of one project, read from its URL confs and router inclusions."""

    def _methods_of(self, qualified: str) -> Iterator[tuple[str, DefSummary]]:
        split = self.split(qualified + ".x")
        if split is None:
            return
        prefix = qualified + "."
        for key, value in split[0].defs.items():
            if key.startswith(prefix):
                yield key, value

    def is_html_view(self, qualified: str, depth: int = 0, own: bool = False) -> bool:
        """The view renders or redirects: itself, one of its methods, or (unless ``own``) a base of the
        project, or it is built on one of Django's generic HTML views. A name loaded by module label
        (:meth:`.def_facts.DefFacts.loaded_classes`) stands for every class it may load."""
        name, found = self.definition(qualified)
        if depth > MAX_DEPTH:
            return False
        if found is None and depth == 0:
            loaded = self.loaded_classes(qualified)
            if loaded:
                return all(self.is_html_view(candidate, depth + 1, own) for candidate in loaded)
        if found is not None and found.renders_html:
            return True
        if any(value.renders_html for _key, value in self._methods_of(name)):
            return True
        for base in found.bases if found is not None and not own else ():
            if base.startswith(_JSON_VIEW_PREFIXES):
                return False
            if base.rpartition(".")[2] in _HTML_GENERIC and base.startswith("django."):
                return True
            if self.is_html_view(base, depth + 1):
                return True
        return False

    @cached_property
    def view_paths(self) -> dict[str, list[str]]:
        """View (canonical qualified name) -> its full paths through the project's URL confs."""
        included = {include.module for summary in self.modules.values() for include in summary.url_includes}
        roots = [
            value for summary in self.production_settings
            if isinstance(value := self.settings_value(summary, "ROOT_URLCONF"), str) and value in self.modules
        ] or [
            name for name, summary in self.modules.items()
            if (summary.url_entries or summary.url_includes) and name not in included
        ]
        paths: dict[str, list[str]] = {}
        for root in dict.fromkeys(roots):
            self._walk_urls(root, "", paths, set())
        return paths

    def _walk_urls(self, module: str, prefix: Optional[str], paths: dict[str, list[str]], seen: set[str]) -> None:
        summary = self.modules.get(module)
        if summary is None or module in seen or len(seen) > MAX_DEPTH * 4:
            return
        seen = seen | {module}
        for entry in summary.url_entries:
            full = join_path(prefix, entry.path) if entry.path is not None else None
            if full is not None:
                paths.setdefault(self.definition(entry.view)[0], []).append(full)
        for include in summary.url_includes:
            self._walk_urls(include.module, join_path(prefix, include.prefix or ""), paths, seen)

    @cached_property
    def _inclusions(self) -> dict[str, list[tuple[str, Optional[str]]]]:
        """App object -> ``(parent, prefix)`` for each inclusion of it in another module."""
        found: dict[str, list[tuple[str, Optional[str]]]] = {}
        for summary in self.modules.values():
            for include in summary.router_includes:
                found.setdefault(self.definition(include.child)[0], []).append((include.parent, include.prefix))
        return found

    def object_prefixes(self, qualified: str, depth: int = 0) -> list[str]:
        """The prefixes other modules put before the routes of the app object ``qualified`` (outermost first)."""
        inclusions = self._inclusions.get(self.definition(qualified)[0], [])
        if depth > MAX_DEPTH:
            return []
        found: list[str] = []
        for parent, prefix in inclusions:
            outer = self.object_prefixes(parent, depth + 1) or [""]
            found.extend(join_path(text, prefix or "") or "" for text in outer)
        return found

    def routed_with_words(self, target: str, words: frozenset[str]) -> bool:
        """A full path of the Django view ``target``, or a prefix other modules give the app object ``target``,
        has one of ``words``."""
        name = self.definition(target)[0]
        paths = [*self.view_paths.get(name, ()), *self.object_prefixes(name)]
        return any(word in words for path in paths for word in route_meaning_words(path))

    def _deletes(self, view: str) -> bool:
        """The view class answers DELETE: a ``delete``/``destroy`` method of its own, or a base that does."""
        if any(key.rpartition(".")[2] in ("delete", "destroy") for key, _value in self._methods_of(view)):
            return True
        found = self.definition(view)[1]
        return found is not None and any(base.rpartition(".")[2] in _DELETING_BASES for base in found.bases)

    def deletes_routed_items(self, target: str) -> bool:
        """Every full path the URL confs give the Django view ``target`` is a collection whose item path, one
        placeholder deeper (``<uuid:invoice_id>/payments/<uuid:pk>/``), routes to a view that answers DELETE:
        what a retried POST creates twice the client sees and deletes through the same API (BE301)."""
        name = self.definition(target)[0]
        paths = self.view_paths.get(name)
        if not paths:
            return False
        items = {
            head
            for view, routed in self.view_paths.items() if view != name and self._deletes(view)
            for path in routed
            for head, _slash, last in [path.rstrip("/").rpartition("/")] if _ITEM_PLACEHOLDER.fullmatch(last)
        }
        return all(path.rstrip("/") in items for path in paths)
