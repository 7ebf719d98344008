"""Django file fields whose ``upload_to`` callable makes the stored name itself.

``row.file.save(upload.name, upload)`` hands the client's name to the field, and Django passes it through the
field's ``upload_to``. When that is a callable that builds its own name (pretix's ``cachedfile_name``:
``f"cachedfiles/{instance.id}.{secret}.{ext}"``, the client's name giving at most the extension), the client
does not choose the path (BE506). A callable that keeps the name (``f"docs/{filename}"``,
``os.path.join("docs", filename)``) or a string ``upload_to`` does not count.

The callable is read where the model is: a module-level function of the model's module, or a lambda. The name
it is given (its second parameter) counts as kept when a ``return`` gives it whole, embeds it in an f-string,
``+``/``%`` text, ``os.path.join``/``str.format``, or through a string method that keeps it (``lower()``,
``replace()``), directly or through a local assigned so; any other call (``split``, ``splitext``, ``slugify``,
``uuid4``, another helper) counts as making a new name, as BE506 counts it everywhere.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional, Union

from backend_lint.analysis.ast_helpers import callee_name

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_KEEPING_METHODS = frozenset({"lower", "upper", "strip", "lstrip", "rstrip", "replace", "casefold", "title",
                              "format", "join"})
"""Calls whose result still holds a name passed to them (``os.path.join``, ``"{}/{}".format``, ``lower()``)."""
_Function = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda]


def generated_upload_fields(ctx: FileContext) -> dict[str, set[str]]:
    """``model -> file fields`` of the models defined at module level, whose ``upload_to`` callable makes its
    own name (see the module docstring)."""
    functions = {statement.name: statement for statement in ctx.tree.body
                 if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))}
    found: dict[str, set[str]] = {}
    for statement in ctx.tree.body:
        if not isinstance(statement, ast.ClassDef):
            continue
        for item in statement.body:
            if not (isinstance(item, ast.Assign) and isinstance(item.value, ast.Call)
                    and callee_name(item.value).endswith(("FileField", "ImageField"))):
                continue
            upload_to = next((k.value for k in item.value.keywords if k.arg == "upload_to"), None)
            function: Optional[_Function] = (
                upload_to if isinstance(upload_to, ast.Lambda)
                else functions.get(upload_to.id) if isinstance(upload_to, ast.Name) else None
            )
            if function is not None and _makes_own_name(function):
                found.setdefault(statement.name, set()).update(
                    target.id for target in item.targets if isinstance(target, ast.Name)
                )
    return found


def _makes_own_name(function: _Function) -> bool:
    """No ``return`` of the callable keeps the file name it is given."""
    params = function.args.posonlyargs + function.args.args
    if len(params) < 2:
        return False
    kept = {params[1].arg}
    if isinstance(function, ast.Lambda):
        return not _keeps(function.body, kept)
    returns: list[ast.expr] = []
    for node in ast.walk(function):  # the callable's own small body, read once when its module is summarised
        if isinstance(node, ast.Assign) and _keeps(node.value, kept):
            kept.update(target.id for target in node.targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.Return) and node.value is not None:
            returns.append(node.value)
    return bool(returns) and not any(_keeps(value, kept) for value in returns)


def _keeps(expr: ast.expr, names: set[str]) -> bool:
    """``expr`` holds one of ``names`` whole: the name itself, or text built around it."""
    if isinstance(expr, ast.Name):
        return expr.id in names
    if isinstance(expr, ast.JoinedStr):
        return any(isinstance(part, ast.FormattedValue) and _keeps(part.value, names) for part in expr.values)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Mod)):
        right = expr.right.elts if isinstance(expr.right, ast.Tuple) else [expr.right]
        return any(_keeps(part, names) for part in [expr.left, *right])
    if isinstance(expr, ast.IfExp):
        return _keeps(expr.body, names) or _keeps(expr.orelse, names)
    if isinstance(expr, ast.Call) and callee_name(expr) in _KEEPING_METHODS:
        receiver = expr.func.value if isinstance(expr.func, ast.Attribute) else None
        return any(_keeps(arg, names) for arg in [*expr.args, *(k.value for k in expr.keywords)]) or (
            receiver is not None and _keeps(receiver, names)
        )
    return False
