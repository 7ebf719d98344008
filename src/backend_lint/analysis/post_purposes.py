"""What a POST handler's name and paths say its purpose is (BE301): a read sent as POST, a path word the project
configures as repeatable, a message sent again on purpose; and a handler that checks its sender's signature, a
provider's webhook whatever its path says.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from backend_lint.analysis.ast_helpers import own_nodes
from backend_lint.analysis.effects import same_module_helpers
from backend_lint.analysis.facts import reads
from backend_lint.analysis.handler_types import Handler
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.project.view_facts import path_words

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_NAME_NEUTRAL = frozenset({"get", "list", "read", "fetch"})


def exempt_words(exempt: list[str]) -> set[str]:
    """The configured path words and their plurals."""
    wanted = {word.lower() for word in exempt}
    return wanted | {word + "s" for word in wanted}


def exempt_by_name(handler: Handler, exempt: list[str]) -> bool:
    """The handler's name starts with a read (``read_flow_runs``, ``list_orders``), or its paths (else its name and
    view class's) hold one of the configured ``exempt`` words: a read or a conventionally repeatable action."""
    if path_words(handler.function.name)[:1] in (["read"], ["list"], ["count"], ["search"], ["query"]):
        return True  # read_flow_runs(), list_orders(): a read sent as POST, whatever its path
    wanted = exempt_words(exempt)
    if not handler.paths:  # names instead: ``OrderListCreateView.post`` or ``get_or_create_order`` create
        wanted -= _NAME_NEUTRAL | {word + "s" for word in _NAME_NEUTRAL}
        texts = [handler.function.name, handler.class_.name if handler.class_ else ""]
    else:
        texts = handler.paths
    return any(word in wanted for text in texts for word in path_words(text))


_SEND_AGAIN = frozenset({"resend", "resends", "resent", "resending", "redeliver", "redelivers", "redelivery"})
"""Words of an endpoint whose purpose is to send an existing message again."""


def sends_again(handler: Handler) -> bool:
    """The handler's paths, name or class say it sends a message again (``/role-invites/<id>/resend-invite``,
    ``def resend_invite``, ``ResendConfirmationView``, ``/deliveries/<id>/re-deliver``): a retried request is one
    more of the re-sends the client asks for on purpose, not a duplicate it did not want. Only what it sends is
    excused: a record it creates is still judged."""
    texts = [*handler.paths, handler.function.name, handler.class_.name if handler.class_ else ""]
    for text in texts:
        found = path_words(text)
        if _SEND_AGAIN & set(found) or any(
                first == "re" and second in ("send", "deliver") for first, second in zip(found, found[1:])):
            return True
    return False


_SIGNATURE_HEADER = lazy_compile(r"(?:x[-_]|http_)?[a-z0-9_-]*signature[a-z0-9_-]*", re.IGNORECASE)
"""A request header carrying the sender's signature: ``X-Twilio-Signature``, ``Stripe-Signature``,
``X-Hub-Signature-256``, Django's ``HTTP_X_SLACK_SIGNATURE``."""


@reads(same_module_helpers)
def checks_sender_signature(ctx: FileContext, handler: Handler) -> bool:
    """The handler, or a function of its module it calls, reads a signature header of the request (``if
    "X-Twilio-Signature" not in request.headers``, ``request.META["HTTP_STRIPE_SIGNATURE"]``): the request is a
    provider's signed webhook, whatever its path is called (Twilio's ``/inbound_call``). The provider chooses the
    headers and cannot send an idempotency key; it deduplicates by its own event id, if at all."""
    for function in (handler.function, *same_module_helpers(ctx, handler.function)):
        for node in own_nodes(function):
            if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn)):
                key, container = node.left, node.comparators[0]
            elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
                key, container = node.slice, node.value
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
                    and node.args:
                key, container = node.args[0], node.func.value
            else:
                continue
            if isinstance(key, ast.Constant) and isinstance(key.value, str) \
                    and _SIGNATURE_HEADER.fullmatch(key.value) and _request_headers(container):
                return True
    return False


def _request_headers(container: ast.expr) -> bool:
    """``request.headers``, ``request._request.headers``, ``self.request.META``: the headers of a request, not a
    dict the code builds to send."""
    return isinstance(container, ast.Attribute) and container.attr in ("headers", "META")
