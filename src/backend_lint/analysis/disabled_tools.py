"""Settings of a tool the same module switches off: ``FLASK_PROFILER = {... "basicAuth": {"password": ...}}`` next
to ``ENABLE_FLASK_PROFILER = False`` (BE503).

A configuration module often carries the whole settings block of an optional developer tool (a profiler, a debug
toolbar) and, beside it, the switch the application reads before it starts the tool. With the switch written
``False`` in the module, the shipped configuration never starts the tool, and the password of its settings block
protects nothing (mycodo's flask-profiler credentials, started only ``if ENABLE_FLASK_PROFILER:``; judged FALSE in
seed 124). The switch is a module-level name that says it enables the block's name (``ENABLE_X``, ``X_ENABLED``,
``USE_X``, ``X_ENABLE``) for the upper-case name ``X`` the block is assigned to (at module level or in a class
body), bound to the literal ``False`` and to nothing else in the module. A block whose switch is ``True``, read
from the environment, or not in the module stays reported.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from backend_lint.analysis.facts import reads
from backend_lint.analysis.settings import settings_module

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_SWITCHES = ("ENABLE_{}", "{}_ENABLED", "USE_{}", "{}_ENABLE", "ENABLED_{}")


@reads(settings_module)
def switched_off_block(node: ast.AST, ctx: FileContext) -> bool:
    """``node`` (a dict, or a statement) is part of the value of an upper-case setting whose switch the module sets
    to ``False`` (see the module)."""
    current = node
    while isinstance(current, (ast.Dict, ast.List, ast.Tuple)):
        parent = ctx.parent_of(current)
        if parent is None:
            return False
        current = parent
    if not isinstance(current, (ast.Assign, ast.AnnAssign)) or current is node:
        return False
    targets = current.targets if isinstance(current, ast.Assign) else [current.target]
    names = [target.id for target in targets if isinstance(target, ast.Name) and target.id.isupper()]
    values = settings_module(ctx).values
    for name in names:
        for pattern in _SWITCHES:
            found = values.get(pattern.format(name), [])
            if found and all(_false(setting.value) for setting in found):
                return True
    return False


def _false(value: ast.expr) -> bool:
    return isinstance(value, ast.Constant) and value.value is False
