"""The statements a module's routing is read from: one walk over statements, never expressions.

Functions and classes (with their enclosing function, scope link and dotted name), calls made as statements
(``app.include_router(...)``, ``app.add_url_rule(...)``) and values assigned that may hold routes
(``urlpatterns = [...]``, ``routes = [Route(...)]``). Statements under ``if``/``try``/``with``/loops and inside
functions (an app factory) count; expressions are not walked, which is what keeps this cheap.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import callee_name
from backend_lint.analysis.handler_types import FunctionNode
from backend_lint.analysis.scopes import CLASS, FUNCTION, Scope

if TYPE_CHECKING:
    from backend_lint.context import FileContext

HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options")
_COMPOUND: dict[type, tuple[str, ...]] = {
    ast.If: ("body", "orelse"),
    ast.For: ("body", "orelse"),
    ast.AsyncFor: ("body", "orelse"),
    ast.While: ("body", "orelse"),
    ast.With: ("body",),
    ast.AsyncWith: ("body",),
    ast.Try: ("body", "handlers", "orelse", "finalbody"),
    **({ast.TryStar: ("body", "handlers", "orelse", "finalbody")} if hasattr(ast, "TryStar") else {}),
    **({ast.Match: ("cases",)} if hasattr(ast, "Match") else {}),
}
TABLE_CALLS = frozenset({
    "path", "re_path", "url", "Route", "Mount", "Router", "Host", "Starlette", "FastAPI", "Litestar", "route",
    "view", *HTTP_VERBS,
})
"""Written names of calls that make routes or route tables (what a route-table value can hold)."""
_Pending = tuple[ast.AST, Optional[FunctionNode], Optional[ast.ClassDef], Scope, str]
"""A statement still to read: its enclosing function and class, its scope link and its qualname prefix."""


@dataclass
class Statements:
    """The statements of a module the readers look at, each with its enclosing function."""

    functions: list[tuple[FunctionNode, Optional[FunctionNode], Optional[ast.ClassDef]]] = field(default_factory=list)
    """``(def, enclosing function, class whose body holds it)``."""
    classes: list[tuple[ast.ClassDef, Optional[FunctionNode]]] = field(default_factory=list)
    calls: list[tuple[ast.Call, Optional[FunctionNode]]] = field(default_factory=list)
    values: list[tuple[ast.expr, Optional[FunctionNode]]] = field(default_factory=list)
    """``(value, function)`` of assignments and ``+=`` whose value may hold routes (lists, routing calls)."""
    enclosing: dict[ast.AST, Optional[FunctionNode]] = field(default_factory=dict)
    scopes: dict[ast.AST, Scope] = field(default_factory=dict)
    """The scope link of each function and class (its body's scope), for :mod:`..resolve`."""
    qualnames: dict[ast.AST, str] = field(default_factory=dict)
    """Each function's and class's dotted name in the module, as Python's ``__qualname__`` spells it."""


def collect(ctx: FileContext) -> Statements:
    found = Statements()
    stack: list[_Pending] = [(statement, None, None, ctx.root_scope, "") for statement in reversed(ctx.tree.body)]
    while stack:
        node, function, cls, scope, prefix = stack.pop()
        kind = type(node)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            name = found.qualnames[node] = prefix + node.name
            found.enclosing[node] = function
            children: list[_Pending]
            if isinstance(node, ast.ClassDef):
                found.classes.append((node, function))
                inner = found.scopes[node] = Scope(CLASS, node, scope)
                children = [(child, function, node, inner, name + ".") for child in node.body]
            else:
                found.functions.append((node, function, cls))
                inner = found.scopes[node] = Scope(FUNCTION, node, scope)
                children = [(child, node, None, inner, name + ".<locals>.") for child in node.body]
            stack.extend(reversed(children))
        elif isinstance(node, ast.Expr):
            call = node.value
            if isinstance(call, ast.Await):
                call = call.value
            if isinstance(call, ast.Call):
                found.calls.append((call, function))
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            value = node.value
            if value is not None and may_route(value):
                found.values.append((value, function))
        elif kind in _COMPOUND:
            for name in _COMPOUND[kind]:
                for child in reversed(getattr(node, name)):
                    stack.append((child, function, cls, scope, prefix))
        elif kind is ast.ExceptHandler or kind.__name__ == "match_case":  # ast.match_case: Python 3.10+
            body: list[ast.stmt] = node.body  # type: ignore[attr-defined]  # both kinds have a body
            stack.extend((child, function, cls, scope, prefix) for child in reversed(body))
    return found


def may_route(value: Optional[ast.expr]) -> bool:
    """A value that can hold routes: a list or tuple, ``a + b``, or a call of a routing name."""
    kind = type(value)
    if kind is ast.List or kind is ast.Tuple or kind is ast.BinOp:
        return True
    return isinstance(value, ast.Call) and callee_name(value) in TABLE_CALLS
