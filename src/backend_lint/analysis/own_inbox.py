"""Functions whose every message goes to the site's own inbox: the address its configuration holds (BE301).

A contact form, a "request a demo" button or a feedback widget mails one message to the operators of the site:
``email_to = settings.EMAIL_CONTACT_ADDRESS`` then ``send(email_to, subject, body)``, Django's
``send_mail(..., [settings.CONTACT_EMAIL])`` or ``mail_admins(...)``. A retry puts a second copy of one message
in the operators' own inbox: no member of the public is mailed twice, nothing is charged, and a maintainer
closes the missing idempotency key as not a bug (taskingmanager's ``POST /contact-admin/``, whose service mails
``settings.EMAIL_CONTACT_ADDRESS``: judged FALSE on seed 130, like the demo request to the own support inbox the
rule already leaves alone). A message to an address the request or the database gives (the attendees of an
event, a group's leaders, the address the client typed) is not such a message and stays costly.

Read off one function's own body: every call named for sending (``send``, ``mail``, ``email`` among the words of
its name) hands it a recipient from configuration (first positional argument or a recipient keyword): a
``settings``/``config`` attribute or item, an environment variable, a list of them, or a local bound once to one;
or the call is Django's ``mail_admins``/``mail_managers``.
"""

from __future__ import annotations

import ast
from typing import Optional

from backend_lint.analysis.ast_helpers import callee_name, statement_nodes
from backend_lint.analysis.effect_calls import words

_SEND_WORDS = frozenset({"send", "mail", "email"})
_OPERATOR_MAIL = frozenset({"mail_admins", "mail_managers"})
"""Django's mails to the ``ADMINS``/``MANAGERS`` of the settings."""
_RECIPIENT_KEYWORDS = frozenset({"to", "recipient", "recipients", "recipient_list", "to_email", "to_emails",
                                 "email_to", "to_address", "to_addrs", "to_addresses"})
_DJANGO_RECIPIENTS = 3
_CONFIGURATION = frozenset({"settings", "config", "environ"})
"""Names of the objects that hold an application's configuration (``settings.X``, ``app.config["X"]``,
``os.environ["X"]``)."""


def mails_own_inbox(function: ast.AST) -> bool:
    """Every message ``function`` sends goes to an address of its configuration, and it sends one (see the
    module)."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    assigned: dict[str, list[ast.expr]] = {}
    sends: list[ast.Call] = []
    for node in statement_nodes(function.body):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    assigned.setdefault(target.id, []).append(node.value)
        elif isinstance(node, ast.Call) and words(callee_name(node)) & _SEND_WORDS:
            sends.append(node)
    return bool(sends) and all(
        callee_name(call) in _OPERATOR_MAIL or _configured(_recipient(call), assigned) for call in sends
    )


def named_send(what: str) -> bool:
    """An effect's call (``send_mail``, ``SMTPService._send_message``, ``mail_admins``) is one :func:`mails_own_inbox`
    reads: its name says it sends. An outbound ``requests.post`` is not, and is never taken for mail to the inbox."""
    last = what.rpartition(".")[2]
    return last in _OPERATOR_MAIL or bool(words(last) & _SEND_WORDS)


def _recipient(call: ast.Call) -> Optional[ast.expr]:
    """The recipient a send call is given: a recipient keyword, Django's ``send_mail(subject, message, sender,
    recipient_list)`` fourth argument, else the first."""
    for keyword in call.keywords:
        if keyword.arg in _RECIPIENT_KEYWORDS:
            return keyword.value
    at = _DJANGO_RECIPIENTS if callee_name(call) == "send_mail" else 0
    return call.args[at] if len(call.args) > at else None


def _configured(value: Optional[ast.expr], assigned: dict[str, list[ast.expr]]) -> bool:
    """``settings.CONTACT_EMAIL``, ``current_app.config["ADMIN_MAIL"]``, ``os.getenv("SUPPORT_EMAIL")``, a list of
    them, or a local bound once to one."""
    if isinstance(value, ast.Name):
        values = assigned.get(value.id, [])
        return len(values) == 1 and _configured(values[0], {})
    if isinstance(value, (ast.List, ast.Tuple)):
        return bool(value.elts) and all(_configured(element, assigned) for element in value.elts)
    if isinstance(value, ast.Call):  # os.getenv("X"), settings.get("X"), app.config.get("X")
        if callee_name(value) == "getenv":
            return True
        if not (isinstance(value.func, ast.Attribute) and value.func.attr == "get"):
            return False
        value = value.func.value
    node: Optional[ast.expr] = value
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        if isinstance(node, ast.Attribute) and node.attr in _CONFIGURATION:
            return True
        node = node.value
    return isinstance(node, ast.Name) and node.id in _CONFIGURATION
