"""What a POST handler's name and paths say its purpose is (BE301): a read sent as POST, a path word the project
configures as repeatable, a message sent again on purpose.
"""

from __future__ import annotations

from backend_lint.analysis.handler_types import Handler
from backend_lint.analysis.project.view_facts import path_words

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
