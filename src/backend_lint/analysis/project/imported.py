"""Which names of other modules a value comes from, so that the project model can say they are constants.

``from .tables import RETAINED_TABLES`` then ``for table in RETAINED_TABLES: cur.execute(f"DELETE FROM {table}")``:
the file cannot tell what ``RETAINED_TABLES`` holds, the project can (a tuple of literals in ``tables.py``). Only
the plain forms are followed: the imported name itself, an element of it taken by a ``for`` loop, or a subscript
of it. Anything else (a call, an attribute, a parameter) is no imported constant.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import own_nodes
from backend_lint.analysis.facts import node_fact, reads
from backend_lint.analysis.project.roots import resolve_relative
from backend_lint.analysis.resolve import Imported, lookup, resolve_name

if TYPE_CHECKING:
    from backend_lint.analysis.scopes import Scope
    from backend_lint.context import FileContext

_MAX_DEPTH = 4


@reads(lookup, resolve_name)
def imported_value(expr: ast.expr, ctx: FileContext, scope: Scope, depth: int = 0) -> Optional[str]:
    """The qualified name (``shop.tables.RETAINED_TABLES``) of the imported value ``expr`` is, or is an element of;
    ``None`` when it is anything else."""
    if depth > _MAX_DEPTH:
        return None
    if isinstance(expr, ast.Subscript):
        return imported_value(expr.value, ctx, scope, depth + 1)
    if not isinstance(expr, ast.Name):
        return None
    target = resolve_name(expr, ctx, scope)
    if isinstance(target, Imported):
        return absolute_name(ctx, target.qualified)
    found = lookup(expr.id, ctx, scope)
    if found is None:
        return None
    _link, bindings = found
    loops = bindings.loop_targets.get(expr.id, [])
    if len(loops) != 1 or expr.id in bindings.assigned or expr.id in bindings.params:
        return None
    loop = loops[0]
    if not (isinstance(loop.target, ast.Name) and isinstance(loop.iter, (ast.Name, ast.Subscript))):
        return None
    return imported_value(loop.iter, ctx, scope, depth + 1)


def absolute_name(ctx: FileContext, qualified: str) -> Optional[str]:
    """``qualified`` as the import map resolved it, relative imports made absolute (``None``: no module name
    to resolve them against)."""
    if not qualified.startswith("."):
        return qualified
    if not ctx.module:
        return None
    is_package = ctx.display_path.replace("\\", "/").endswith("/__init__.py")
    return resolve_relative(ctx.module, is_package, qualified)


def imported_qualified(ctx: FileContext, expr: ast.expr) -> Optional[str]:
    """The absolute qualified name of a ``Name``/``Attribute`` chain rooted at an import (``deps.require_key``
    after ``from app import deps``), else ``None``."""
    qualified = ctx.imports.resolve(expr)
    return absolute_name(ctx, qualified) if qualified is not None else None


def imported_qualified_name(ctx: FileContext, written: str) -> Optional[str]:
    """The same for a written dotted name (``idempotency.check``), as handler summaries record calls."""
    head, _, rest = written.partition(".")
    base = ctx.imports.resolve_name(head)
    if base is None:
        return None
    return absolute_name(ctx, f"{base}.{rest}" if rest else base)




@node_fact()
def project_calls_in(ctx: FileContext, block: ast.AST) -> list[str]:
    """The functions of other modules of the file's own top-level package that the statements of ``block``
    (an ``except`` clause) call, through the file's imports (``reporting.log_failure`` after ``from app import
    reporting``); nested functions left out, classes too (what making one runs is not recorded)."""
    package = ctx.module.partition(".")[0]
    if not package:
        return []
    found: list[str] = []
    for node in own_nodes(block):
        if isinstance(node, ast.Call):
            qualified = imported_qualified(ctx, node.func)
            if qualified is not None and qualified.partition(".")[0] == package \
                    and not qualified.rpartition(".")[2][:1].isupper() and qualified not in found:
                found.append(qualified)
    return sorted(found)


def project_functions(ctx: FileContext, outside: list[str]) -> list[str]:
    """The functions of the handler's own top-level package, in other modules, that it (or a same-module
    helper) calls (``shop.services.place_order``): what the project model can say it does (BE301, BE305).
    Classes are left out (a class's summary records no effects)."""
    package = ctx.module.partition(".")[0]
    absolute = (absolute_name(ctx, name) for name in outside)
    return [
        name for name in absolute
        if package and name is not None and name.partition(".")[0] == package
        and not name.rpartition(".")[2][:1].isupper()
    ]
