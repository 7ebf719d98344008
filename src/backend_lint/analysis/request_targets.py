"""Network calls that, read from the code, reach no peer that could leave them waiting (BE201).

- ``urlopen(value)`` of what is not a remote URL: a ``data:`` URI written in the code (decoded locally), or
  the result of a function the same file treats as bytes elsewhere (calibre-web's
  ``gdriveutils.get_cover_via_gdrive(path)`` is wrapped in ``BytesIO(content)`` by a sibling method; handed to
  ``urlopen`` it raises before any network I/O, and a timeout would not fix that);
- ``socket.create_connection(address).close()``: a connect-only probe that opens and closes at once (Jupyter
  Hub's ``can_connect`` to its own just-launched proxy), asking nothing of the peer.

:func:`requests_time_out` reads the other side of one client: an aiohttp session made without a timeout whose
every request passes ``timeout=`` (gns3's Docker client, whose other use is a long-lived websocket that a
session-wide total timeout would cut) or runs under a deadline of asyncio's (``async with timeout(300):``
around it, as pulpcore's analytics task does, or ``asyncio.wait_for(request, timeout)``).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.facts import file_fact, reads
from backend_lint.analysis.imports import dotted_name

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_BYTES_WRAPPERS = frozenset({"io.BytesIO", "BytesIO"})


def _data_uri(value: ast.expr) -> bool:
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value.startswith("data:")
    if isinstance(value, ast.JoinedStr) and value.values:
        return _data_uri(value.values[0])
    return False


@file_fact()
def bytes_sources(ctx: FileContext) -> frozenset[str]:
    """The callees (as written: ``gdriveutils.get_cover_via_gdrive``) whose result the file wraps in
    ``BytesIO(...)``, directly or through a name assigned once in the same function."""
    found: set[str] = set()
    for node in ast.walk(ctx.tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        bindings = bindings_of(ctx, node)
        for call in ast.walk(node):
            if not (isinstance(call, ast.Call) and call.args
                    and (ctx.imports.resolve(call.func) or dotted_name(call.func)) in _BYTES_WRAPPERS):
                continue
            wrapped: Optional[ast.expr] = call.args[0]
            if isinstance(wrapped, ast.Name):
                wrapped = bindings.single_value(wrapped.id)
            if isinstance(wrapped, ast.Call):
                name = dotted_name(wrapped.func)
                if name:
                    found.add(name)
    return frozenset(found)


@reads(bytes_sources)
def not_a_remote_url(call: ast.Call, ctx: FileContext) -> bool:
    """The first argument of ``urlopen`` is a ``data:`` URI, or comes from a callee the file treats as bytes."""
    value: Optional[ast.expr] = call.args[0] if call.args else None
    if value is None:
        return False
    if isinstance(value, ast.Name) and ctx.scope.function is not None:
        value = bindings_of(ctx, ctx.scope.function).single_value(value.id) or value
    if _data_uri(value):
        return True
    return isinstance(value, ast.Call) and dotted_name(value.func) in bytes_sources(ctx)


def connect_only_probe(call: ast.Call, ctx: FileContext) -> bool:
    """``socket.create_connection(address).close()``: the connection is closed the moment it opens."""
    parent = ctx.parent_of(call)
    return isinstance(parent, ast.Attribute) and parent.attr == "close" \
        and isinstance(ctx.parent_of(parent), ast.Call)


_REQUEST_METHODS = frozenset({"request", "get", "post", "put", "patch", "delete", "head", "options"})


def requests_time_out(ctx: FileContext, session: ast.Call) -> bool:
    """The session ``session`` makes is bound to a name (``self._session = ClientSession(...)``, ``async with
    ClientSession() as http``), and every request made on that name where it lives (the module for a
    ``self.`` attribute, the function or the ``with`` block otherwise) passes ``timeout=`` or runs under a
    deadline (:func:`_requests_on`); at least one request is made."""
    parent = ctx.parent_of(session)
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1:
        holder = ast.unparse(parent.targets[0])
        where: Optional[ast.AST] = ctx.tree if holder.startswith("self.") else ctx.scope.function or ctx.tree
    elif isinstance(parent, ast.withitem) and parent.optional_vars is not None:
        holder, where = ast.unparse(parent.optional_vars), ctx.parent_of(parent)
    else:
        return False
    if where is None:
        return False
    requests = _requests_on(holder, where, ctx)
    return bool(requests) and all(
        bounded or any(keyword.arg == "timeout" for keyword in node.keywords) for node, bounded in requests
    )


_DEADLINES = frozenset({
    "asyncio.timeout", "asyncio.timeout_at", "async_timeout.timeout", "async_timeout.timeout_at",
    "anyio.fail_after", "anyio.move_on_after", "trio.fail_after", "trio.move_on_after",
})
"""Context managers that cancel what runs inside them when their deadline passes."""
_WAIT_FOR = "asyncio.wait_for"


def _given(value: Optional[ast.expr]) -> bool:
    """A deadline's time was given, and is not ``None`` (which means none)."""
    return value is not None and not (isinstance(value, ast.Constant) and value.value is None)


def _deadline(call: ast.expr, ctx: FileContext) -> bool:
    """``call`` makes a deadline: one of :data:`_DEADLINES` given a time that is not ``None``."""
    if not isinstance(call, ast.Call) or ctx.imports.resolve(call.func) not in _DEADLINES:
        return False
    return _given(call.args[0] if call.args else next((keyword.value for keyword in call.keywords), None))


def _requests_on(holder: str, where: ast.AST, ctx: FileContext) -> list[tuple[ast.Call, bool]]:
    """The requests made on ``holder`` within ``where``, each with whether it runs under a deadline: inside
    ``async with timeout(...):`` (or another of :data:`_DEADLINES`), or awaited through
    ``asyncio.wait_for(request, timeout)``. (Read downwards: the walk has not reached these nodes yet, so their
    parents are not known.)"""
    found: list[tuple[ast.Call, bool]] = []
    stack: list[tuple[ast.AST, bool]] = [(where, False)]
    while stack:
        node, bounded = stack.pop()
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and node.func.attr in _REQUEST_METHODS \
                    and ast.unparse(node.func.value) == holder:
                found.append((node, bounded))
            elif ctx.imports.resolve(node.func) == _WAIT_FOR and node.args:
                limit = node.args[1] if len(node.args) > 1 else next(
                    (keyword.value for keyword in node.keywords if keyword.arg == "timeout"), None)
                stack.append((node.args[0], bounded or _given(limit)))
                stack.extend((child, bounded) for child in [*node.args[1:], *node.keywords])
                continue
        if isinstance(node, (ast.With, ast.AsyncWith)) \
                and any(_deadline(item.context_expr, ctx) for item in node.items):
            stack.extend((child, bounded) for child in node.items)
            stack.extend((child, True) for child in node.body)
            continue
        stack.extend((child, bounded) for child in ast.iter_child_nodes(node))
    return found
