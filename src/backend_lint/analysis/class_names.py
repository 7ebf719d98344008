"""Values that are the name of a class: ``self.__class__.__name__``, ``type(self).__name__``, ``cls.__name__``
(BE402).

A class name is fixed per class: a log message built from one (``f"{class_name} closing the stream"``) has one
text per class, a handful for the whole program, so grouping and filtering by message still work and building
the text costs nothing worth deferring. Recognised in the forms code writes it: the attribute itself
(``__name__``/``__qualname__`` of ``x.__class__``, ``type(x)``, ``cls``, a class of the file), a local assigned
once from one, and an attribute or a call whose name is a property or method of a class of this file that only
returns one (``vnc_channel.class_name`` with ``@property def class_name(self): return self.__class__.__name__``).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.facts import file_fact, reads
from backend_lint.analysis.tree_walk import walk

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_NAME_ATTRIBUTES = frozenset({"__name__", "__qualname__"})


def _direct(expr: ast.expr, classes: frozenset[str]) -> bool:
    """``x.__class__.__name__``, ``type(x).__name__``, ``cls.__name__``, ``Order.__name__`` of a class of the
    file."""
    if not (isinstance(expr, ast.Attribute) and expr.attr in _NAME_ATTRIBUTES):
        return False
    owner = expr.value
    if isinstance(owner, ast.Attribute) and owner.attr == "__class__":
        return True
    if isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) and owner.func.id == "type" \
            and len(owner.args) == 1:
        return True
    return isinstance(owner, ast.Name) and (owner.id in ("cls", "klass", "mcs") or owner.id in classes)


@file_fact()
def class_name_members(ctx: FileContext) -> frozenset[str]:
    """Names of methods and properties of the file's classes whose every ``return`` gives a class name."""
    class_defs = [node for node in walk(ctx.tree) if isinstance(node, ast.ClassDef)]
    classes = frozenset(node.name for node in class_defs)
    found: set[str] = set()
    for node in class_defs:
        for member in node.body:
            if not isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            returns = [item for item in walk(member) if isinstance(item, ast.Return)]
            if returns and all(item.value is not None and _direct(item.value, classes) for item in returns):
                found.add(member.name)
    return frozenset(found)


@reads(class_name_members, bindings_of)
def class_name_value(expr: ast.expr, ctx: FileContext, depth: int = 0) -> bool:
    """``expr`` is the name of a class (see the module), directly, through a property or method of the file, or
    through a local of the enclosing function assigned once."""
    classes = frozenset(node.name for node in ctx.tree.body if isinstance(node, ast.ClassDef))
    if _direct(expr, classes):
        return True
    members = class_name_members(ctx)
    if isinstance(expr, ast.Attribute) and expr.attr in members:
        return True
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in members \
            and not expr.args:
        return True
    if isinstance(expr, ast.Name) and depth == 0:
        function = ctx.scope.function
        if function is not None:
            value = bindings_of(ctx, function).single_value(expr.id)
            return value is not None and class_name_value(value, ctx, depth + 1)
    return False
