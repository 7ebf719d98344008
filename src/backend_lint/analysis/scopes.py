"""Where a node sits: an immutable chain of enclosing scopes, replaced (never mutated) on entering one.

The walk hands every callback the scope of the node it visits, so rules never keep scope flags of their own
(which break on nested functions). Only the parts of a node that run inside it get its scope: a function's
decorators and defaults belong to the outer scope, a loop's iterable is evaluated outside the loop, and the
``else`` of ``if __name__ == "__main__":`` is not in the main guard.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING, Optional, Union

if TYPE_CHECKING:
    from backend_lint.context import FileContext

FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda]
LoopNode = Union[ast.For, ast.AsyncFor, ast.While, ast.comprehension]
_FUNCTION_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_LOOP_NODES = (ast.For, ast.AsyncFor, ast.While, ast.comprehension)

FUNCTION = "function"
CLASS = "class"
LOOP = "loop"
EXCEPT = "except"
MAIN_GUARD = "main-guard"
MODULE = "module"


class _Unknown:
    """The value of a :class:`Scope`'s kept answer not yet worked out (``None`` is an answer)."""


_UNKNOWN = _Unknown()


class Scope:
    """One link of the chain: its kind, the node that opened it and the enclosing link."""

    __slots__ = ("_function", "_loops", "kind", "node", "outer")

    def __init__(self, kind: str, node: ast.AST, outer: Optional[Scope]) -> None:
        self.kind = kind
        self.node = node
        self.outer = outer
        self._loops: Optional[tuple[LoopNode, ...]] = None
        """:attr:`loops`, kept: every node of a scope asks for them (BE103 asks three times per call)."""
        self._function: Optional[FunctionNode] | _Unknown = _UNKNOWN
        """:attr:`function`, kept once asked: several rules ask it of every call they visit."""

    def __iter__(self) -> Iterator[Scope]:  # innermost first
        scope: Optional[Scope] = self
        while scope is not None:
            yield scope
            scope = scope.outer

    @property
    def function(self) -> Optional[FunctionNode]:
        """The innermost enclosing function or lambda, if any (worked out once per link)."""
        found = self._function
        if isinstance(found, _Unknown):
            found = self._function = next(
                (scope.node for scope in self if isinstance(scope.node, _FUNCTION_NODES)), None
            )  # (the node of every FUNCTION scope, and only of those)
        return found

    @property
    def class_(self) -> Optional[ast.ClassDef]:
        """The innermost enclosing class (the class of a method, too)."""
        for scope in self:
            if isinstance(scope.node, ast.ClassDef):
                return scope.node
        return None

    @property
    def method_class(self) -> Optional[ast.ClassDef]:
        """The class whose method body this is (directly: ``def`` inside ``class``), if any."""
        function_seen = False
        for scope in self:
            if scope.kind == FUNCTION:
                if function_seen:
                    return None
                function_seen = True
            elif isinstance(scope.node, ast.ClassDef):
                return scope.node if function_seen else None
        return None

    @property
    def in_async_function(self) -> bool:
        """True when the innermost enclosing function is an ``async def``."""
        return isinstance(self.function, ast.AsyncFunctionDef)

    @property
    def except_handler(self) -> Optional[ast.ExceptHandler]:
        """The innermost ``except`` clause around this node within the same function."""
        for scope in self:
            if isinstance(scope.node, ast.ExceptHandler):
                return scope.node
            if scope.kind in (FUNCTION, CLASS):
                return None
        return None

    @property
    def loops(self) -> tuple[LoopNode, ...]:
        """Loops around this node within the same function, innermost first (worked out once per link: a
        link never changes)."""
        if self._loops is None:
            found: list[LoopNode] = []
            for scope in self:
                if isinstance(scope.node, _LOOP_NODES):  # the node of every LOOP scope, and only of those
                    found.append(scope.node)
                elif scope.kind in (FUNCTION, CLASS):
                    break
            self._loops = tuple(found)
        return self._loops

    @property
    def in_main_guard(self) -> bool:
        """True inside ``if __name__ == "__main__":`` (at any depth)."""
        return any(scope.kind == MAIN_GUARD for scope in self)

    @property
    def functions(self) -> list[FunctionNode]:
        """Every enclosing function, innermost first."""
        return [scope.node for scope in self if isinstance(scope.node, _FUNCTION_NODES)]


def is_main_guard(node: ast.If) -> bool:
    """``if __name__ == "__main__":`` (either operand order)."""
    test = node.test
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    operands = (test.left, test.comparators[0])
    has_name = any(isinstance(op, ast.Name) and op.id == "__name__" for op in operands)
    has_main = any(isinstance(op, ast.Constant) and op.value == "__main__" for op in operands)
    return has_name and has_main


def under_condition(node: ast.AST, ctx: FileContext) -> bool:
    """Under an ``if`` (other than the main guard) or inside a conditional expression, in any scope: an
    environment or a setting decides whether the code runs (BE504, BE512)."""
    current = ctx.parent_of(node)
    while current is not None:
        if isinstance(current, ast.IfExp) or (isinstance(current, ast.If) and not is_main_guard(current)):
            return True
        current = ctx.parent_of(current)
    return False
