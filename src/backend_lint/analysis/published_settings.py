"""Settings a module hands to the pages the application serves, for the project model (BE503).

A value the application itself renders into every page (a template's context, a widget's attributes, a template
tag's HTML, a context processor) is shown to every visitor: a map-tiles client token, a publishable key. It is
public by the application's own design, not a secret to keep out of the code. :func:`published_settings` reads a
module for the settings (``settings.A4_OPENMAPTILES_TOKEN``, upper-case names) that reach, directly or through a
local bound to them in the same function, an item of a dict or a subscript store inside a function that builds
what a page shows:

- a view's or a widget's ``get_context_data``/``get_context``/``get_template_context``, a widget's ``render``;
- a template tag or filter (decorated ``@register.simple_tag``, ``inclusion_tag``, ``tag``, ``filter``);
- a context processor (a function of a ``context_processors`` module, or decorated ``@app.context_processor``);
- the keywords of ``render_template(...)``/``render(...)``/``render_to_string(...)`` anywhere.
"""

from __future__ import annotations

import ast

from backend_lint.analysis.node_index import node_index
from backend_lint.analysis.tree_walk import walk
from backend_lint.context import FileContext

_PAGE_METHODS = frozenset({"get_context_data", "get_context", "get_template_context", "render"})
_TAG_DECORATORS = frozenset({"simple_tag", "inclusion_tag", "tag", "filter", "context_processor"})
_RENDERERS = frozenset({"render_template", "render", "render_to_string", "render_to_response", "TemplateResponse"})
_SETTINGS = frozenset({"django.conf.settings", "settings"})
_SENT = frozenset({"headers", "data", "json", "auth", "params", "cookies", "files"})
"""Keywords of a request: a dict there is sent to another service, not shown in a page."""


def published_settings(ctx: FileContext) -> list[str]:
    """The upper-case settings this module renders into pages (see the module docstring), sorted."""
    if "settings" not in ctx.source:
        return []
    found: set[str] = set()
    processors = ctx.role_path.replace("\\", "/").rsplit("/", 1)[-1] == "context_processors.py"
    index = node_index(ctx)
    for function in index.functions():
        if function.name in _PAGE_METHODS or processors or any(_tag(written) for written in function.decorator_list):
            found |= _rendered(function, ctx)
    for call in index.of(ast.Call):
        if _callee(call.func) in _RENDERERS:
            for keyword in call.keywords:
                found |= _settings_in(keyword.value, ctx, {})
            for argument in call.args:
                if isinstance(argument, ast.Dict):
                    found |= {name for value in argument.values for name in _settings_in(value, ctx, {})}
    return sorted(found)


def _tag(decorator: ast.expr) -> bool:
    func = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(func, ast.Attribute) and func.attr in _TAG_DECORATORS


def _callee(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _rendered(function: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> set[str]:
    """Settings that reach a dict item, a subscript store or a renderer's keyword in ``function``."""
    nodes = [node for node in walk(function) if isinstance(node, (ast.Assign, ast.Call, ast.Dict))]  # one walk
    locals_: dict[str, set[str]] = {}
    for node in nodes:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            named = _setting(node.value, ctx)
            if named:
                locals_.setdefault(node.targets[0].id, set()).add(named)
    sent = {id(keyword.value) for node in nodes if isinstance(node, ast.Call)
            for keyword in node.keywords if keyword.arg in _SENT}
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Dict) and id(node) not in sent:
            for value in node.values:
                found |= _settings_in(value, ctx, locals_)
        elif isinstance(node, ast.Assign) and any(isinstance(target, ast.Subscript) for target in node.targets):
            found |= _settings_in(node.value, ctx, locals_)
    return found


def _settings_in(value: ast.expr, ctx: FileContext, locals_: dict[str, set[str]]) -> set[str]:
    """The setting ``value`` is, or the settings the local ``value`` names was bound to."""
    named = _setting(value, ctx)
    if named:
        return {named}
    if isinstance(value, ast.Name):
        return locals_.get(value.id, set())
    return set()


def _setting(value: ast.expr, ctx: FileContext) -> str:
    """``settings.A4_OPENMAPTILES_TOKEN`` (``django.conf.settings`` or a module's ``settings``): its name."""
    if not (isinstance(value, ast.Attribute) and value.attr.isupper() and isinstance(value.value, ast.Name)):
        return ""
    resolved = ctx.imports.resolve(value.value) or value.value.id
    return value.attr if resolved in _SETTINGS or resolved.endswith(".settings") else ""
