"""Configuration objects an application loads as its defaults and then overlays with the deployment's own file.

Flask's documented way to configure an application is in layers: ``app.config.from_object(default_config)`` first,
then the instance's own file over it (``app.config.from_pyfile(path)``, ``from_envvar(...)``). FlaskBB's
``configure_app`` loads ``flaskbb.configs.default.DefaultConfig`` and then the ``flaskbb.cfg`` that ``flaskbb
makeconfig`` writes with random keys. A literal secret in the default layer is the placeholder the deployment's file
replaces (BE503), not the deployed value, as the defaults of a settings module whose last line runs the operator's
``local_settings.py`` are (:mod:`.settings`).

:func:`overlaid_configs` reads, per function (and the module's top level), a ``from_object`` call followed in the same
function by a call on the same configuration object that loads a file; the object is named by its dotted path (a
string, or a name the module imports or defines). It is a part of the module's summary, which the project model's
``overlaid_config`` fact reads. :func:`config_layer` is the fact a literal of a class body or of a module's top level
asks.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import own_nodes
from backend_lint.analysis.facts import file_fact
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.node_index import node_index
from backend_lint.analysis.project.conditions import ProjectFact
from backend_lint.analysis.project.settings_conditions import overlaid_config
from backend_lint.analysis.tree_walk import walk

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_OVERLAYS = frozenset({"from_pyfile", "from_envvar", "from_file", "from_json", "from_toml"})
"""Flask's (and Quart's) ``Config`` methods that load the deployment's own configuration file (``from_envvar``: the
file an environment variable names). ``from_prefixed_env`` is no such file: variables may set any key or none."""


@file_fact(reads=(node_index,))
def overlaid_configs(ctx: FileContext) -> list[str]:
    """The dotted paths of the objects the module loads with ``config.from_object(...)`` before the same
    configuration object loads the deployment's own file over them, sorted."""
    if "from_object" not in ctx.source:
        return []
    top = [node for statement in ctx.tree.body
           if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
           for node in walk(statement)]
    found: set[str] = set()
    for nodes in [top, *(own_nodes(function) for function in node_index(ctx).functions())]:
        calls = [(node, node.func) for node in nodes
                 if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)]
        for call, method in calls:
            config = dotted_name(method.value) if method.attr == "from_object" and call.args else None
            if config is not None and any(
                later.lineno > call.lineno and overlay.attr in _OVERLAYS and dotted_name(overlay.value) == config
                for later, overlay in calls
            ):
                target = _dotted_target(call.args[0], ctx)
                if target:
                    found.add(target)
    return sorted(found)


def _dotted_target(argument: ast.expr, ctx: FileContext) -> Optional[str]:
    """``"flaskbb.configs.default.DefaultConfig"``, or an imported name (``from shop import default_settings``), or
    a class of the module itself."""
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return argument.value if "." in argument.value and " " not in argument.value else None
    qualified = ctx.imports.resolve(argument)
    if qualified is not None:
        return qualified
    if isinstance(argument, ast.Name) and ctx.module:
        return f"{ctx.module}.{argument.id}"
    return None


def config_layer(ctx: FileContext) -> tuple[ProjectFact, ...]:
    """The fact under which a literal bound at the top level of the module or of one of its top-level classes is a
    default the deployment's own configuration replaces: the project loads that module or class as a default layer
    and overlays it (:func:`overlaid_configs`). Elsewhere (a function): none."""
    if not ctx.module or ctx.scope.function is not None:
        return ()
    cls = ctx.scope.class_
    if cls is None:
        return (overlaid_config(ctx.module),)
    if cls not in ctx.tree.body:
        return ()
    return (overlaid_config(f"{ctx.module}.{cls.name}"),)
