"""Where reading a JWT's claims without checking its signature trusts nothing the client wrote (BE502).

- :func:`documented_unverified`: the function's docstring says it does not verify the token and is not for
  authentication (Langflow's ``get_user_id_from_token``: "should NOT be used for authentication", a utility
  for logging). The reader is documented as untrusted; its callers are what a reviewer checks.
- :func:`validated_by_issuer`: earlier in the same function the same token was handed to the identity
  provider's userinfo or introspection endpoint (``client.userinfo(token={"access_token": form_data.token})``),
  which refuses a forged or expired token; the claims read afterwards come from a token the provider accepted.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import callee_name, own_nodes
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.facts import reads

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_NOT_FOR_AUTH = re.compile(
    r"\b(?:not|never)\b[^.]{0,40}\b(?:used?|meant|intended|suitable|safe)\b[^.]{0,20}\b(?:for\s+)?"
    r"(?:authenticat|authoriz|security)",
    re.IGNORECASE,
)
_ISSUER_CHECKS = ("userinfo", "user_info", "introspect")


def documented_unverified(function: Optional[ast.AST]) -> bool:
    """The function's docstring says it must not be used for authentication (or authorization, security)."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    doc = ast.get_docstring(function) or ""
    return bool(_NOT_FOR_AUTH.search(" ".join(doc.split())))


@reads(bindings_of)
def validated_by_issuer(ctx: FileContext, call: ast.Call) -> bool:
    """The token ``call`` decodes (its first argument, a name or attribute chain) was given, before ``call`` in
    the same function, to a call of a userinfo or introspection endpoint, directly or in a local built from it."""
    function = ctx.scope.function
    if not call.args or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    token = call.args[0]
    if not isinstance(token, (ast.Name, ast.Attribute)):
        return False
    text = ast.dump(token)
    bindings = bindings_of(ctx, function)

    def mentions(expr: ast.expr, depth: int = 0) -> bool:
        for node in ast.walk(expr):
            if isinstance(node, (ast.Name, ast.Attribute)) and ast.dump(node) == text:
                return True
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and depth < 2:
                value = bindings.single_value(node.id)
                if value is not None and mentions(value, depth + 1):
                    return True
        return False

    for node in own_nodes(function):
        if isinstance(node, ast.Call) and node.lineno < call.lineno \
                and any(word in callee_name(node).lower() for word in _ISSUER_CHECKS) \
                and any(mentions(arg) for arg in [*node.args, *(kw.value for kw in node.keywords)]):
            return True
    return False
