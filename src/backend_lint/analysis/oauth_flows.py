"""OAuth protocol requests: the token exchange that finishes an authorization, and requests that only ask about a token.

An OAuth redirect callback runs once each time a user authorizes an application (links a connector, signs in
through a provider): the provider redirects the browser to it with a one-time ``code``, and the handler trades
that code for tokens in one POST to the provider's token endpoint. Its traffic is the number of authorizations,
not the number of requests the service serves, so a client made for that one exchange is not a connection pool
thrown away per request (BE105). What marks the handler is the exchange itself, whatever the route or provider
is called: a mapping the handler builds with ``"grant_type": "authorization_code"`` (a dict literal or
``dict(grant_type="authorization_code", ...)``), which is the token request RFC 6749 section 4.1.3 defines, or
the same exchange in a provider's own spelling without ``grant_type`` (ClickUp's ``{"client_id": ...,
"client_secret": ..., "code": code}``): a mapping with a ``code`` key next to the client's credentials
(``client_id``, ``client_secret``) or ``redirect_uri``/``code_verifier``. A ``refresh_token`` grant is left out:
a refresh runs each time a token expires, for every user, on the request path.

An OAuth protocol request (:func:`oauth_protocol_request`) is a POST whose form or JSON body is one of the protocol's
own messages: a token request (``grant_type``, RFC 6749 §4.1.3, §6) or a token introspection or revocation
(``token_type_hint``, RFC 7662, RFC 7009). Such a POST asks the authorization server about credentials (a
listenbrainz handler validates the caller's token by introspecting it); it sends no message to people and makes
nothing another service keeps on the handler's behalf, so it is no outbound effect of the handler's work (BE301).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from backend_lint.analysis.ast_helpers import own_nodes
from backend_lint.analysis.facts import node_fact

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_GRANT = "grant_type"
_CODE_GRANT = "authorization_code"


_EXCHANGE_PARTNERS = frozenset({"client_id", "client_secret", "redirect_uri", "code_verifier"})


def _code_grant(key: object, value: ast.expr) -> bool:
    return key == _GRANT and isinstance(value, ast.Constant) and value.value == _CODE_GRANT


def _code_exchange(keys: set[object]) -> bool:
    """``{"client_id": ..., "client_secret": ..., "code": code}``: a code traded with the client's credentials,
    unless the mapping names another grant (``grant_type`` is tested on its own)."""
    return "code" in keys and bool(_EXCHANGE_PARTNERS & keys) and _GRANT not in keys


@node_fact()
def exchanges_authorization_code(ctx: FileContext, function: ast.AST) -> bool:
    """Whether ``function`` builds an OAuth token request for the authorization-code grant (see the module
    docstring)."""
    for node in own_nodes(function):
        if isinstance(node, ast.Dict) and (any(
            isinstance(key, ast.Constant) and _code_grant(key.value, value)
            for key, value in zip(node.keys, node.values)
        ) or _code_exchange({key.value for key in node.keys if isinstance(key, ast.Constant)})):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict" and (any(
            _code_grant(keyword.arg, keyword.value) for keyword in node.keywords
        ) or _code_exchange({keyword.arg for keyword in node.keywords})):
            return True
    return False


_PROTOCOL_KEYS = frozenset({_GRANT, "token_type_hint"})
_BODY_KEYWORDS = ("data", "json")


def oauth_protocol_request(call: ast.Call) -> bool:
    """Whether ``call`` (a POST) sends an OAuth token request, introspection or revocation as its body: a dict
    literal or ``dict(...)`` given as ``data=``/``json=`` that has a ``grant_type`` or ``token_type_hint`` key."""
    for keyword in call.keywords:
        if keyword.arg not in _BODY_KEYWORDS:
            continue
        body = keyword.value
        if isinstance(body, ast.Dict) and any(
            isinstance(key, ast.Constant) and key.value in _PROTOCOL_KEYS for key in body.keys
        ):
            return True
        if isinstance(body, ast.Call) and isinstance(body.func, ast.Name) and body.func.id == "dict" and any(
            item.arg in _PROTOCOL_KEYS for item in body.keywords
        ):
            return True
    return False

