"""The routing part of a module's summary: URL conf entries and includes, routers an app includes, app-wide
middleware and hooks, read from the handler model's plain routing data once the walk is done.

Split from :mod:`.extract`, which takes the rest of the summary; the project model joins these entries across
modules into the project's URL map (:mod:`.model`), and BE302 asks :func:`url_view` of one registration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.handler_types import DJANGO, DRF, Registration
from backend_lint.analysis.handlers import handler_model
from backend_lint.analysis.project.roots import resolve_relative
from backend_lint.analysis.project.summary import ModuleSummary, RouterInclude, UrlEntry, UrlInclude

if TYPE_CHECKING:
    from backend_lint.context import FileContext


def absolute_name(summary: ModuleSummary, written: str) -> Optional[str]:
    """A module name as the summary's module writes it (``.models``), made absolute; ``None`` when the module's
    own name is not known."""
    if not written.startswith("."):
        return written
    return resolve_relative(summary.module, summary.is_package, written) if summary.module else None


def url_view(module: str, is_package: bool, registration: Registration, any_framework: bool = False) -> Optional[str]:
    """The qualified view of a Django URL conf entry (``shop.views.OrderCreate``), else ``None`` (not an entry:
    a decorator; or the module's name is not known). ``any_framework``: also an imported view another framework
    registers with a path (Flask's ``add_url_rule("/orders", "orders", OrderView)``)."""
    if registration.framework not in (DJANGO, DRF) and not (any_framework and registration.module is not None):
        return None
    if registration.path.text is None and not registration.path.unknown:
        return None
    if registration.module is not None:
        where = resolve_relative(module, is_package, registration.module) if module else None
        if registration.module.startswith(".") and where is None:
            return None
        return f"{where or registration.module}.{registration.endpoint}"
    return f"{module}.{registration.endpoint.partition('.')[0]}" if module else None


def object_name(summary: ModuleSummary, key: str) -> Optional[str]:
    """The qualified name of an app object from the routing readers' key: ``:app`` (a module-level name of this
    module), ``create_app:app`` (a name inside a function), ``import:shop.api.router``, ``attr:api.router``."""
    kind, _, name = key.partition(":")
    if kind == "import":
        return absolute_name(summary, name)
    if kind == "attr":
        head, _, rest = name.partition(".")
        base = summary.imports.get(head)
        return f"{base}.{rest}" if base and rest else None
    return f"{summary.module}.{name}" if summary.module and "." not in name else None


def read_routing(ctx: FileContext, summary: ModuleSummary) -> None:
    """The module's plain routing data from the handler model: URL conf entries and includes, routers included
    in other modules' apps, app-wide middleware and request hooks."""
    model = handler_model(ctx)
    routes = model.routes
    if not routes.frameworks:
        return
    summary.serves = bool(
        model.handlers or routes.registrations or routes.inclusions or routes.app_wide or routes.own_prefixes
    )
    for registration in routes.registrations:
        view = url_view(summary.module, summary.is_package, registration)
        if view is not None:
            summary.url_entries.append(UrlEntry(registration.path.text, view))
    for prefix, included in routes.url_includes:
        module = absolute_name(summary, included)
        if module is not None:
            summary.url_includes.append(UrlInclude(prefix.text, module))
    for key, inclusion in routes.inclusions.items():
        child = object_name(summary, key)
        parent = object_name(summary, inclusion.parent) if inclusion.parent else None
        if child is not None and parent is not None and not child.startswith(f"{summary.module}."):
            summary.router_includes.append(RouterInclude(child, parent, inclusion.prefix.text))
    for kind, framework, target in routes.app_wide:
        qualified = f"{summary.module}{target}" if target.startswith(".") else target
        (summary.middleware if kind == "middleware" else summary.request_hooks).append([framework, qualified])
