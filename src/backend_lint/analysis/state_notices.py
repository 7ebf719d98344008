"""Messages that notify of a state change which is itself a set (BE301).

A handler that sets a value (``persons_service.update_password(email, hashed)``, ``user.set_password(raw)``,
``user.email = new``) and mails the person a notice of that change ("your password was changed") does no
duplicate harm when retried: the second request sets the same value again, or is refused (a password change
checks the old password, which the first request replaced), and the worst a retry adds is a second notice of the
same change, a security notice rather than a costly message. The message is known to be that notice when what
names it (the sending call, its helper, the handler or its class: ``send_password_changed_by_admin_email``,
``ChangePasswordResource``) names the thing set.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from backend_lint.analysis.ast_helpers import own_nodes
from backend_lint.analysis.effect_calls import words
from backend_lint.analysis.effects import SENDS, Effect

if TYPE_CHECKING:
    from backend_lint.analysis.handler_types import Handler

_SET_VERBS = frozenset({"set", "update", "change", "reset", "replace"})
"""Verbs of a call that sets a value (``set_password``, ``update_password``, ``change_email``)."""
_CHANNEL = frozenset({"send", "sends", "email", "emails", "mail", "mails", "sms", "message", "messages", "notify",
                      "notification", "notifications", "notice", "post", "resource", "view", "api", "handler"})
"""Words of how a message goes out (or of the handler's framework), not of what it is about."""
_NOT_A_THING = _SET_VERBS | _CHANNEL | frozenset({"by", "for", "of", "the", "to", "new", "and", "in", "on", "s"})


def notice_of_a_set(handler: Handler, harm: list[Effect]) -> bool:
    """Every costly effect of ``handler`` is a message, and the handler sets a value that the message (or the
    handler, or its class) is named for: a notice of a change a retry only repeats."""
    if not harm or any(effect.kind != SENDS for effect in harm):
        return False
    things = _things_set(handler.function)
    if not things:
        return False
    named = words(handler.function.name) | (words(handler.class_.name) if handler.class_ is not None else set())
    return all(bool(things & ((words(effect.what) | words(effect.via) | named) - _CHANNEL)) for effect in harm)


def _things_set(function: ast.AST) -> set[str]:
    """The words of what ``function`` sets: ``update_password(...)``/``set_password(...)`` give ``password``,
    ``user.email = new`` gives ``email``."""
    found: set[str] = set()
    for node in own_nodes(function):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            said = words(name)
            if said & _SET_VERBS and name.lower().startswith(tuple(_SET_VERBS)):
                found |= said - _NOT_A_THING
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Attribute):
                    found |= words(target.attr) - _NOT_A_THING
    return found
