"""What an ``except`` clause really answers with the caught error (BE304).

- :func:`discarded_response`: a response built in the clause and bound to a local that nothing reads again
  (calibre-web's ``ret = Response(...)`` before the view returns ``{'success': True}``) never reaches the client.
- :func:`reason_phrase`: ``e.message`` of aiohttp's ``ClientResponseError`` (what ``raise_for_status()`` raises)
  is only the upstream's HTTP reason phrase (``response.reason``: ``"Not Found"``), no internal text; its
  ``str(e)``, which adds the request URL, is not exempt.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_RESPONSE_ERRORS = frozenset({
    "aiohttp.ClientResponseError", "aiohttp.client_exceptions.ClientResponseError",
    "aiohttp.client.ClientResponseError",
})
_REASON_ATTRIBUTES = frozenset({"message", "status"})


def discarded_response(call: ast.Call, ctx: FileContext) -> bool:
    """``call`` (the node being visited) is the whole value of ``name = call`` and the enclosing function never
    reads ``name``: the response is built and dropped."""
    parent = ctx.parent
    function = ctx.scope.function
    if not (isinstance(parent, ast.Assign) and parent.value is call and len(parent.targets) == 1
            and isinstance(parent.targets[0], ast.Name)
            and isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))):
        return False
    name = parent.targets[0].id
    return not any(  # nested functions included: a closure may read it
        isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)
        for node in ast.walk(function)
    )


def reason_phrase(found: ast.expr, ctx: FileContext) -> bool:
    """``found`` is ``e.message`` (or ``e.status``) where every ``except ... as e`` around it catches only
    aiohttp's ``ClientResponseError``."""
    if not (isinstance(found, ast.Attribute) and found.attr in _REASON_ATTRIBUTES
            and isinstance(found.value, ast.Name)):
        return False
    name = found.value.id
    caught: Optional[ast.expr] = None
    for link in ctx.scope:
        handler = link.node
        if isinstance(handler, ast.ExceptHandler) and handler.name == name:
            caught = handler.type
            break
        if isinstance(handler, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            break
    if caught is None:
        return False
    items = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    return all((ctx.imports.resolve(item) or "") in _RESPONSE_ERRORS for item in items)
