"""The view a URL conf entry routes to, read from the entry itself where the handler model names none.

The handler model registers a Django entry's view when it is a name of the module or ``module.View`` of an
imported module. Four common ways of writing the view escape it, and this module reads them, as a qualified
name for the project model (:func:`backend_lint.analysis.project.conditions.html_view`) to decide:

- a view wrapped in one of Django's view decorators: ``login_required(views.PlanDeleteView.as_view())``,
  ``cache_page(60)(views.index)``, or in any decorator of a class-based view (``management_access(View.as_view())``);
- an instance of a view class of another module (django-formtools' ``gym.EmailListFormPreview(EmailListForm)``,
  a ``FormPreview`` is called as the view), which is that class;
- a view reached through a whole dotted module path: ``pretix.presale.views.cart.CartRemove.as_view()``,
  ``weblate.screenshots.views.get_sources`` (after ``import weblate.screenshots.views``);
- a view held by an attribute of the class whose method builds the URL conf (django-oscar's
  ``self.create_view.as_view()`` in ``get_urls``), bound once in the class (``create_view = PageCreateView``)
  or in its methods (``self.create_view = get_class("dashboard.pages.views", "PageCreateView")``). A class
  loaded by name from a module label and a class name (two string literals, as ``get_class`` takes them) is
  written ``label.Name``; the project model finds the module whose dotted name ends with the label.

It also reads the paths a handler forwards to the service it fronts (:func:`forwarded_paths`): a proxy route that
keeps the upstream's path (Open WebUI's ``/ollama/api/delete`` sending ``f"{url}/api/delete"``).
"""

from __future__ import annotations

import ast
from typing import Optional

from backend_lint.analysis.ast_helpers import argument
from backend_lint.analysis.facts import node_fact
from backend_lint.analysis.frameworks.django import VIEW_DECORATOR_MODULES
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.project.roots import resolve_relative
from backend_lint.context import FileContext

_LABEL = lazy_compile(r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*")
_CLASS_NAME = lazy_compile(r"[A-Z][A-Za-z0-9_]*")
_MAX_WRAPPERS = 4


def entry_view(entry: ast.Call, ctx: FileContext) -> Optional[str]:
    """The qualified name of the view the URL conf entry ``entry`` (``path(route, view, ...)``) routes to, when
    it is written in one of the ways the module docstring lists; else ``None``."""
    view = argument(entry, 1, "view")
    for _ in range(_MAX_WRAPPERS):
        if not (isinstance(view, ast.Call) and _view_decorator(view, ctx)):
            break
        view = view.args[0]
    if isinstance(view, ast.Call) and isinstance(view.func, ast.Attribute) and view.func.attr == "as_view":
        view = view.func.value
    elif isinstance(view, ast.Call) and isinstance(view.func, ast.Attribute) \
            and _CLASS_NAME.fullmatch(view.func.attr):
        view = view.func  # gym.EmailListFormPreview(EmailListForm): an instance of a view class is the view
    if not isinstance(view, ast.Attribute):
        return None
    if isinstance(view.value, ast.Name) and view.value.id == "self":
        return _held_view(view.attr, entry, ctx)
    return _qualified(view, ctx)


def _view_decorator(call: ast.Call, ctx: FileContext) -> bool:
    """``login_required(view)`` or ``cache_page(60)(view)``: a Django view decorator applied to one view, or any
    decorator applied to a class-based view's ``View.as_view()`` (Weblate's ``management_access(...)``): what it
    is given is a view already, so what it gives back is that view."""
    if len(call.args) != 1 or call.keywords:
        return False
    inner = call.args[0]
    if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and inner.func.attr == "as_view":
        return True
    func = call.func.func if isinstance(call.func, ast.Call) else call.func
    return (ctx.imports.resolve(func) or "").startswith(VIEW_DECORATOR_MODULES)


def _qualified(written: ast.expr, ctx: FileContext) -> Optional[str]:
    """The qualified name of an imported name or dotted chain, a relative import made absolute."""
    found = ctx.imports.resolve(written)
    if found is None or not found.startswith("."):
        return found
    is_package = ctx.display_path.replace("\\", "/").endswith("/__init__.py")
    return resolve_relative(ctx.module, is_package, found) if ctx.module else None


def _held_view(attribute: str, entry: ast.Call, ctx: FileContext) -> Optional[str]:
    """The view ``self.<attribute>`` holds in the class whose method holds ``entry``: every binding of it in the
    class (``attribute = View`` in its body, ``self.attribute = ...`` in its methods) names the same view."""
    node: Optional[ast.AST] = entry
    while node is not None and not isinstance(node, ast.ClassDef):
        node = ctx.parent_of(node)
    if node is None:
        return None
    found: set[Optional[str]] = set()
    for statement in node.body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == attribute for target in statement.targets
        ):
            found.add(_class_value(statement.value, ctx))
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for child in ast.walk(statement):
                if isinstance(child, ast.Assign) and any(
                    isinstance(target, ast.Attribute) and target.attr == attribute
                    and isinstance(target.value, ast.Name) and target.value.id == "self"
                    for target in child.targets
                ):
                    found.add(_class_value(child.value, ctx))
    return found.pop() if len(found) == 1 else None


def _class_value(value: ast.expr, ctx: FileContext) -> Optional[str]:
    """What an assigned view class is: an imported name, a class of this module, or a class loaded by name
    (``get_class("dashboard.pages.views", "PageCreateView")``: ``dashboard.pages.views.PageCreateView``)."""
    if isinstance(value, ast.Name):
        imported = _qualified(value, ctx)
        if imported is not None:
            return imported
        defined = any(isinstance(statement, ast.ClassDef) and statement.name == value.id for statement in ctx.tree.body)
        return f"{ctx.module}.{value.id}" if defined and ctx.module else None
    if isinstance(value, ast.Attribute):
        return _qualified(value, ctx)
    if isinstance(value, ast.Call) and len(value.args) >= 2:
        label, name = value.args[0], value.args[1]
        if isinstance(label, ast.Constant) and isinstance(label.value, str) and _LABEL.fullmatch(label.value) \
                and isinstance(name, ast.Constant) and isinstance(name.value, str) \
                and _CLASS_NAME.fullmatch(name.value):
            return f"{label.value}.{name.value}"
    return None


@node_fact()
def forwarded_paths(ctx: FileContext, function: ast.AST) -> frozenset[str]:
    """The paths ``function`` appends to a base URL it holds: ``f"{url}/api/delete"`` gives ``/api/delete``
    (a proxy that forwards a request to the same path of the service it fronts)."""
    found = set()
    for node in ast.walk(function):
        if isinstance(node, ast.JoinedStr) and len(node.values) == 2:
            base, tail = node.values
            if isinstance(base, ast.FormattedValue) and isinstance(tail, ast.Constant) \
                    and isinstance(tail.value, str) and tail.value.startswith("/"):
                found.add(tail.value.rstrip("/"))
    return frozenset(found)
