"""Parameters that can only hold one of the literals the code passes them: every call in the file writes one.

``update_key_type_rsa(2048)``, ``self._get_func("postgis_version")``: when every call of a module-level function
(or of a private method of a module-level class) in its file passes a literal for a parameter, the parameter
can only be one of those literals. The same holds, a few calls up, when a call passes its own caller's
parameter that is itself such a parameter (critiquebrainz's ``has_data(table_name)``, called only from
``import_data(file_name, table_name)``, which every call gives ``"user"``, ``"license"``...), and when a call
leaves the parameter out, so its literal default applies (faraday's ``_make_vuln_count_property(type_=None)``,
called only without it or with ``None``). A literal is a number, a string, ``None`` or a boolean: none can
carry SQL. A name also used other than as a callee (passed around as a callback) is called from places the
file cannot show, and counts as not known.

What :mod:`.safe_holes` asks (BE101's "a parameter every call in the file passes a literal").
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional, Union

from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.call_sites import module_calls
from backend_lint.analysis.facts import reads
from backend_lint.analysis.scopes import CLASS, FUNCTION, Scope

if TYPE_CHECKING:
    from backend_lint.context import FileContext

Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]
_DEPTH = 3
"""How many calls up a parameter passed on from a caller's parameter is followed."""


@reads(module_calls, bindings_of)
def literal_at_every_call(name: str, link: Scope, ctx: FileContext, depth: int = 0) -> bool:
    """The parameter ``name`` of the function of scope ``link`` gets a literal at every call in the file:
    written there, left to a literal default, or passed on from a parameter of the calling function that
    is itself such a parameter (a few calls up)."""
    function = link.node
    outer = link.outer
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or outer is None or depth > _DEPTH:
        return False
    if outer.node is ctx.tree:
        calls, skip = module_calls(ctx).get(function.name, []), 0
    elif (isinstance(outer.node, ast.ClassDef) and outer.outer is not None and outer.outer.node is ctx.tree
          and function.name.startswith("_") and not function.name.startswith("__")):
        static = any(getattr(d, "id", "") == "staticmethod" for d in function.decorator_list)
        calls, skip = module_calls(ctx).get("." + function.name, []), 0 if static else 1
    else:
        return False
    args = function.args
    positional = [arg.arg for arg in args.posonlyargs + args.args][skip:]
    if not calls or (name not in positional and name not in {arg.arg for arg in args.kwonlyargs}):
        return False
    index = positional.index(name) if name in positional else None
    default = _default(function, name)
    for call, owner in calls:
        if any(isinstance(arg, ast.Starred) for arg in call.args) or any(k.arg is None for k in call.keywords):
            return False
        given = next((k.value for k in call.keywords if k.arg == name), None)
        if given is None and index is not None and index < len(call.args):
            given = call.args[index]
        if given is None:
            given = default  # left out: the signature's default applies
        if isinstance(given, ast.UnaryOp):
            given = given.operand
        if _literal(given):
            continue
        if not (isinstance(given, ast.Name) and isinstance(owner, (ast.FunctionDef, ast.AsyncFunctionDef))
                and owner is not function and _passed_on(given.id, owner, ctx, depth)):
            return False
    return True


def _passed_on(name: str, owner: Function, ctx: FileContext, depth: int) -> bool:
    """``name`` is a parameter of ``owner`` the function never rebinds, and one every call of ``owner`` gives
    a literal."""
    bindings = bindings_of(ctx, owner)
    if name not in bindings.params or name in bindings.assigned or name in bindings.augmented \
            or name in bindings.loop_targets:
        return False
    outer = enclosing_scope(owner, ctx)
    return outer is not None and literal_at_every_call(name, Scope(FUNCTION, owner, outer), ctx, depth + 1)


def enclosing_scope(function: Function, ctx: FileContext) -> Optional[Scope]:
    """The scope a module-level function or a method of a module-level class is written in."""
    root = ctx.root_scope
    if function in ctx.tree.body:
        return root
    for statement in ctx.tree.body:
        if isinstance(statement, ast.ClassDef) and function in statement.body:
            return Scope(CLASS, statement, root)
    return None


def _default(function: Function, name: str) -> Optional[ast.expr]:
    args = function.args
    positional = args.posonlyargs + args.args
    names = [arg.arg for arg in positional]
    if name in names:
        at = names.index(name) - (len(positional) - len(args.defaults))
        return args.defaults[at] if at >= 0 else None
    for arg, value in zip(args.kwonlyargs, args.kw_defaults):
        if arg.arg == name:
            return value
    return None


def _literal(expr: Optional[ast.expr]) -> bool:
    """A number, a string, ``None`` or a boolean: nothing that can carry SQL."""
    return isinstance(expr, ast.Constant) and not isinstance(expr.value, bytes)
