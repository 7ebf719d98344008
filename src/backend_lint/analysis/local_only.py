"""Handlers that answer only requests from this machine: an error text they send goes to a local program (BE304).

A caught exception's text in a response is a leak when someone outside can read it. An endpoint that turns away
every request not coming from a loopback address serves only programs of the same machine (pyLoad's Click'N'Load
listener, which a browser extension on the user's desktop posts links to: ``@local_check`` answers ``"Forbidden",
403`` unless the request's host or remote address is ``127.0.0.1``/``localhost``/``::1``); its error text is the
local user's own diagnostic, and no attacker on the network sees it.

What counts: a decorator of the handler defined in the same module, or a guard statement at the top of the
handler's body, that compares a value with a loopback literal (``"127.0.0.1"``, ``("localhost:9666",
"127.0.0.1:9666", "[::1]:9666")``, :func:`~.loopback.is_loopback_literal`) and refuses otherwise: a 401 or 403
answer (``return "Forbidden", 403``, ``abort(403)``, ``raise HTTPException(status_code=403)``). Nothing else is read:
a handler that only logs the remote address is not local-only.
"""

from __future__ import annotations

import ast
import ipaddress
from typing import Union

from backend_lint.analysis.loopback import is_loopback_literal

_Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]
_REFUSALS = frozenset({401, 403})
_GUARD_STATEMENTS = 3
"""How many statements at the top of a handler's body a guard may be among (after a docstring)."""


def local_only(function: _Function, tree: ast.Module) -> bool:
    """``function`` (a handler) answers only requests from a loopback address: a decorator defined in ``tree``,
    or a guard at the top of its body, compares with a loopback literal and refuses with 401/403."""
    defined = {node.name: node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        made = defined.get(target.id) if isinstance(target, ast.Name) else None
        if made is not None and made is not function and _checks_loopback(made) and _refuses(made):
            return True
    body = function.body[1:] if ast.get_docstring(function) is not None else function.body
    return any(isinstance(statement, ast.If) and _compares_loopback(statement.test) and _refuses(statement)
               for statement in body[:_GUARD_STATEMENTS])


def _checks_loopback(node: ast.AST) -> bool:
    return any(isinstance(part, ast.Compare) and _compares_loopback(part) for part in ast.walk(node))


def _compares_loopback(test: ast.expr) -> bool:
    """``host in ("localhost:9666", "127.0.0.1:9666")``, ``request.remote_addr != "127.0.0.1"`` (also inside
    ``not``, ``and``/``or``)."""
    return any(isinstance(part, ast.Compare)
               and any(_loopback(side) for side in (part.left, *part.comparators))
               for part in ast.walk(test))


def _loopback(value: ast.expr) -> bool:
    """A loopback literal, or a collection of them; a bare IPv6 address (``"::1"``) too."""
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return bool(value.elts) and all(_loopback(element) for element in value.elts)
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        try:
            return ipaddress.ip_address(value.value).is_loopback
        except ValueError:
            pass
    return is_loopback_literal(value)


def _refuses(node: ast.AST) -> bool:
    """Somewhere in ``node``: a 401/403 answer (a returned ``(body, 403)``, ``abort(403)``, a call or raise with
    ``status_code=403``)."""
    for part in ast.walk(node):
        if isinstance(part, ast.Return) and isinstance(part.value, ast.Tuple) \
                and any(_refusal_status(item) for item in part.value.elts[1:]):
            return True
        if isinstance(part, ast.Call) and any(_refusal_status(value) for value in (
                *part.args[:2], *(keyword.value for keyword in part.keywords
                                  if keyword.arg in ("status", "status_code", "code")))):
            return True
    return False


def _refusal_status(value: ast.expr) -> bool:
    return isinstance(value, ast.Constant) and type(value.value) is int and value.value in _REFUSALS
