"""Sockets whose blocking reads the code ends by cancelling them, not by a timeout (BE202).

A read that waits forever hangs unless something else ends it. A long-lived stream (a result server's
per-analysis log feed, a subscription) may stay quiet for as long as its peer has nothing to say, so a finite
timeout would cut legitimate quiet periods short; such code ends the read from outside instead: another thread or
greenlet calls ``shutdown(how)`` on the socket, the call that wakes a ``recv`` blocked on it. When a method named
for that (``cancel``, ``abort``, ``stop``, ``interrupt``, ``kill``, ``terminate``) shuts down a socket the code
holds as an attribute (``self.sock.shutdown(socket.SHUT_RD)``), that socket is ended by its owner, and switching
it to blocking mode is the design: ``self.sock`` in the methods of that class, and another object's socket under
that attribute name (``self.handler.sock``) elsewhere in the file, the object holding it being that class's.

Not read as such: a ``shutdown`` in a ``close``/``disconnect`` method (the ordinary end of a connection, mostly
run by the thread that reads, so it cannot wake it), ``shutdown()`` without its one ``how`` argument (an
executor's, a server's), and a socket held in a plain local, which nothing else can reach to cancel.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.effect_calls import words
from backend_lint.analysis.facts import file_fact, reads
from backend_lint.analysis.node_index import node_index

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_CANCEL_WORDS = frozenset({"cancel", "abort", "stop", "interrupt", "kill", "terminate"})
"""Words of a method's name that say it ends someone else's work."""


@file_fact(reads=(node_index,))
def cancelled_socket_attributes(ctx: FileContext) -> frozenset[tuple[Optional[ast.ClassDef], str]]:
    """``(class, attribute)`` for each socket a cancelling method of the file shuts down: ``(HandlerContext,
    "sock")`` for ``self.sock.shutdown(socket.SHUT_RD)`` in ``HandlerContext.cancel``."""
    index = node_index(ctx)
    found: set[tuple[Optional[ast.ClassDef], str]] = set()
    for call in index.of(ast.Call):
        func = call.func
        if not (isinstance(func, ast.Attribute) and func.attr == "shutdown" and len(call.args) == 1):
            continue
        if not isinstance(func.value, ast.Attribute):
            continue
        function = _enclosing(call, index.parent, (ast.FunctionDef, ast.AsyncFunctionDef))
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) and words(function.name) & _CANCEL_WORDS:
            owner = _enclosing(function, index.parent, (ast.ClassDef,))
            found.add((owner if isinstance(owner, ast.ClassDef) else None, func.value.attr))
    return frozenset(found)


def _enclosing(
    node: ast.AST, parent_of: Callable[[ast.AST], Optional[ast.AST]], kinds: tuple[type[ast.AST], ...]
) -> Optional[ast.AST]:
    """The innermost node of one of ``kinds`` around a node, if any."""
    current = parent_of(node)
    while current is not None and not isinstance(current, kinds):
        current = parent_of(current)
    return current


@reads(cancelled_socket_attributes)
def ended_by_cancel(receiver: ast.expr, ctx: FileContext) -> bool:
    """Whether the socket ``receiver`` is one a cancelling method of the file shuts down: ``self.sock`` in a class
    whose own cancelling method shuts ``self.sock`` down, or another object's (``self.handler.sock``) held under
    an attribute name that a cancelling method of a class of the file shuts down (the handler's context)."""
    if not isinstance(receiver, ast.Attribute):
        return False
    cancelled = cancelled_socket_attributes(ctx)
    if isinstance(receiver.value, ast.Name) and receiver.value.id == "self":
        return (ctx.scope.method_class, receiver.attr) in cancelled
    return any(attribute == receiver.attr for _, attribute in cancelled)
