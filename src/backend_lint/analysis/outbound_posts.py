"""Outbound HTTP POSTs (BE301 through :mod:`.effects`): a client handed in as a parameter, and a POST that moves
money.

A handler or helper that POSTs to another service sends it something; a retry sends it twice. The client is often
a parameter (``async def post_billing(session: aiohttp.ClientSession, ...)``), known by its annotation. When the
service is a payment provider (``requests.post("https://payments.example.com/v1/checkout", ...)``,
``.../v1/charges``) the duplicate is a second payment, not a second message: the call is read as paying.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from backend_lint.analysis.lazy_regex import lazy_compile

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_PAYMENT_URL_WORDS = frozenset({"pay", "payment", "payments", "charge", "charges", "payout", "payouts", "refund",
                                "refunds", "billing"})
"""Words of a literal URL whose POST moves money (``https://payments.example.com/v1/checkout``, ``/v1/charges``)."""
_URL_WORDS = lazy_compile(r"[a-z]+")


def payment_url(call: ast.Call) -> bool:
    """The outbound POST goes to a payment service: the strings of its URL (first argument or ``url=``, the
    literal parts of an f-string, ``f"{UPSTREAMS['billing']}{path}"``) have a word of :data:`_PAYMENT_URL_WORDS`."""
    url = call.args[0] if call.args else next((kw.value for kw in call.keywords if kw.arg == "url"), None)
    parts = ast.walk(url) if url is not None else ()
    text = " ".join(part.value for part in parts if isinstance(part, ast.Constant) and isinstance(part.value, str))
    return bool(_PAYMENT_URL_WORDS.intersection(_URL_WORDS.findall(text.lower())))


_CLIENT_TYPES = frozenset({"aiohttp.ClientSession", "aiohttp.client.ClientSession", "httpx.Client", "httpx.AsyncClient",
                           "requests.Session", "requests.sessions.Session"})


def client_parameter(call: ast.Call, function: ast.AST, ctx: FileContext) -> bool:
    """``session.post(...)`` where ``session`` is a parameter of ``function`` annotated as an HTTP client
    (``aiohttp.ClientSession``, ``httpx.AsyncClient``, ``requests.Session``)."""
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    arguments = getattr(function, "args", None)
    if not isinstance(receiver, ast.Name) or not isinstance(arguments, ast.arguments):
        return False
    for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
        if arg.arg == receiver.id and arg.annotation is not None:
            return (ctx.imports.resolve(arg.annotation) or "") in _CLIENT_TYPES
    return False
