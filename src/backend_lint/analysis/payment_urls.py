"""Whether an outbound HTTP POST moves money (BE301 through :mod:`.effects`).

A handler that POSTs to another service sends it something; a retry sends it twice. When the service is a
payment provider (``requests.post("https://payments.example.com/v1/checkout", ...)``, ``.../v1/charges``) the
duplicate is a second payment, not a second message: the call is read as paying.
"""

from __future__ import annotations

import ast

from backend_lint.analysis.lazy_regex import lazy_compile

_PAYMENT_URL_WORDS = frozenset({"pay", "payment", "payments", "charge", "charges", "payout", "payouts", "refund",
                                "refunds", "billing"})
"""Words of a literal URL whose POST moves money (``https://payments.example.com/v1/checkout``, ``/v1/charges``)."""
_URL_WORDS = lazy_compile(r"[a-z]+")


def payment_url(call: ast.Call) -> bool:
    """The outbound POST goes to a payment service: its literal URL (first argument or ``url=``, the literal
    parts of an f-string too) has a word of :data:`_PAYMENT_URL_WORDS` in its host or path."""
    url = call.args[0] if call.args else next((kw.value for kw in call.keywords if kw.arg == "url"), None)
    parts = url.values if isinstance(url, ast.JoinedStr) else [url]
    text = " ".join(part.value for part in parts if isinstance(part, ast.Constant) and isinstance(part.value, str))
    return bool(_PAYMENT_URL_WORDS.intersection(_URL_WORDS.findall(text.lower())))
