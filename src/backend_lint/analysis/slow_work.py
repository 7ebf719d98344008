"""Slow work: calls that send e-mail or SMS, render a PDF or sleep, and the module's functions that make one.

BE206 asks it about the calls of an HTTP handler. A call is slow by how its callee was made (:mod:`.values`
origins: ``django.core.mail.send_mail``, ``smtplib.SMTP().sendmail``, ``flask_mail.Mail().send``,
``twilio.rest.Client().messages.create``, ``weasyprint.HTML().write_pdf``, ``pdfkit.from_string``,
``time.sleep``). A function of the same module is slow when its own body makes such a call (:func:`slow_work_in`,
a fact per function): by an imported name, or on a value whose origin is a slow one
(``EmailMessage(...).send()``, ``message.send()`` after ``message = build_mail(...)`` whose every ``return``
gives an ``EmailMultiAlternatives``). A send through an ``smtplib`` connection to the machine's own mail server
(``SMTP("localhost")``: :func:`local_mail_handoff`) is not slow work: the local MTA is itself a queue.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import body_of
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.facts import node_fact, reads
from backend_lint.analysis.resolve import returned_values
from backend_lint.analysis.scopes import FUNCTION, Scope
from backend_lint.analysis.tree_walk import child_nodes, walk
from backend_lint.analysis.values import origin

if TYPE_CHECKING:
    from backend_lint.context import FileContext

SLOW: dict[str, str] = {
    "django.core.mail.send_mail": "sends e-mail",
    "django.core.mail.send_mass_mail": "sends e-mail",
    "django.core.mail.EmailMessage().send": "sends e-mail",
    "django.core.mail.EmailMultiAlternatives().send": "sends e-mail",
    "django.core.mail.message.EmailMessage().send": "sends e-mail",
    "django.core.mail.message.EmailMultiAlternatives().send": "sends e-mail",
    "smtplib.SMTP().sendmail": "sends e-mail",
    "smtplib.SMTP().send_message": "sends e-mail",
    "smtplib.SMTP_SSL().sendmail": "sends e-mail",
    "smtplib.SMTP_SSL().send_message": "sends e-mail",
    "flask_mail.Mail().send": "sends e-mail",
    "flask_mail.Mail().send_message": "sends e-mail",
    "flask_mail.Message().send": "sends e-mail",
    "twilio.rest.Client().messages.create": "sends an SMS",
    "weasyprint.HTML().write_pdf": "renders a PDF",
    "pdfkit.from_string": "renders a PDF",
    "pdfkit.from_url": "renders a PDF",
    "pdfkit.from_file": "renders a PDF",
    "time.sleep": "sleeps",
}
SLEEPS = "sleeps"
"""Origins of slow calls, and what each does."""
CLIENT_CLASSES = frozenset(key.partition("().")[0] for key in SLOW if "()." in key)
"""Classes whose instances make the slow calls (``flask_mail.Mail``): a module-level one is often made in a
package's ``__init__`` and imported where it is used (``from . import mail``)."""


def client_call_kind(client_class: str, method: str) -> Optional[str]:
    """What calling ``method`` (``send``, ``messages.create``) on an instance of ``client_class`` does."""
    return SLOW.get(f"{client_class}().{method}")


def client_call_kinds(method: str) -> list[str]:
    """What calling ``method`` does on each client class that has it (``sends e-mail`` for ``send``), once each."""
    return sorted({kind for key, kind in SLOW.items() if key.endswith(f"().{method}")})
RENDERS_PDF = "renders a PDF"
_STAFF_ALERTS = {"django.core.mail.mail_admins": "sends e-mail", "django.core.mail.mail_managers": "sends e-mail"}
"""E-mail to the site's own staff: slow work in a handler's own body (a feedback form's purpose), but not in the
helpers it calls, where it is error reporting (onadata's ``report_exception`` behind every failed Enketo call)."""
_MADE_THEN_CALLED = frozenset(key.rpartition(".")[2] for key in SLOW if "()." in key)
"""Methods called on a value made first (``send``, ``write_pdf``...): only their origins are worth working out."""
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def slow_kind(called: Optional[str], *, in_handler: bool = False) -> Optional[str]:
    """What the call does when its origin is a slow one (``sends e-mail``), else ``None``; a staff alert
    (``mail_admins``) counts only ``in_handler``, written in the handler's own body."""
    kind = SLOW.get(called or "")
    if kind is None and in_handler:
        return _STAFF_ALERTS.get(called or "")
    return kind


@node_fact(reads=(returned_values, bindings_of))
def returned_values_of(ctx: FileContext, function: ast.AST) -> frozenset[ast.AST]:
    """The calls whose value ``function`` returns: written in a ``return`` (``return HttpResponse(HTML(...)
    .write_pdf())``) or in a value assigned to a name a ``return`` reads, through other such names (``pdf =
    pdfkit.from_string(html, False)``, ``response = HttpResponse(pdf)``, ``return response``); read from
    :func:`.resolve.returned_values` and the function's :func:`.bindings.bindings_of`. BE206 leaves a PDF rendered
    there alone, by the handler or by a helper it calls: it is the answer the client asked for (MobSF's report
    download), not work a queue could take over."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return frozenset()
    assigned = bindings_of(ctx, function).assigned
    values = [value for value in returned_values(ctx, function) if value is not None]
    seen: set[str] = set()
    at = 0
    while at < len(values):
        for node in walk(values[at]):
            if isinstance(node, ast.Name) and node.id not in seen:
                seen.add(node.id)
                values.extend(value for value in assigned.get(node.id, []) if value is not None)
        at += 1
    return frozenset(node for value in values for node in walk(value) if isinstance(node, ast.Call))


@node_fact(reads=(origin, bindings_of))
def slow_work_in(ctx: FileContext, function: ast.AST) -> Optional[str]:
    """What slow work the body of ``function`` does directly, by an imported name (``send_mail(...)``,
    ``time.sleep(...)``, ``pdfkit.from_string(...)``) or on a value made by a slow library's class
    (``message.send()``; names resolved as in a module-level function: ``self`` attributes are not followed);
    nested functions left out, and so is a sleep in a loop or an ``except`` clause (a retry's backoff, a poll's
    or a stream's wait) or of a random duration (:func:`random_delay`)."""
    found = slow_calls_in(ctx, function, first=True)
    return found[0][1] if found else None


def slow_calls_in(ctx: FileContext, function: ast.AST, first: bool = False) -> list[tuple[ast.Call, str]]:
    """Each call of :func:`slow_work_in`'s reading with its kind (only the first with ``first``)."""
    scope = Scope(FUNCTION, function, ctx.root_scope)
    stack: list[tuple[ast.AST, bool]] = [(statement, False) for statement in body_of(function)]
    found: list[tuple[ast.Call, str]] = []
    while stack:
        node, waiting = stack.pop()
        if isinstance(node, _NESTED):
            continue
        if isinstance(node, ast.Call):
            kind = slow_kind(ctx.imports.resolve(node.func))
            if kind is None and isinstance(node.func, ast.Attribute) and node.func.attr in _MADE_THEN_CALLED:
                kind = slow_kind(origin(node.func, ctx, scope))
            if kind is not None and not (kind == SLEEPS and (waiting or random_delay(node, ctx, scope))) and not (
                    local_mail_handoff(node, ctx, function)):
                found.append((node, kind))
                if first:
                    return found
        waiting = waiting or isinstance(node, (ast.For, ast.AsyncFor, ast.While, ast.ExceptHandler))
        stack.extend((child, waiting) for child in child_nodes(node))
    return found


_SMTP_CLASSES = frozenset({"smtplib.SMTP", "smtplib.SMTP_SSL"})
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


@reads(bindings_of)
def local_mail_handoff(call: ast.Call, ctx: FileContext, function: Optional[ast.AST]) -> bool:
    """A ``sendmail``/``send_message`` on an ``smtplib`` connection opened to this machine by a literal host
    (``with SMTP("localhost") as smtp: smtp.sendmail(...)``, ``SMTP("127.0.0.1").send_message(...)``; the name
    bound once in ``function``): the message is handed to the local mail server (Postfix, sendmail), itself a
    queue that delivers later and retries on its own, so the request waits for a local hand-off, not for a
    remote SMTP exchange (copr's ``send_mail``). A host read from a setting may name any server and stays slow
    work."""
    if not isinstance(call.func, ast.Attribute) or call.func.attr not in ("sendmail", "send_message"):
        return False
    made: Optional[ast.AST] = call.func.value
    if isinstance(made, ast.Name) and isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        made = bindings_of(ctx, function).single_value(made.id)
    if not isinstance(made, ast.Call) or ctx.imports.resolve(made.func) not in _SMTP_CLASSES:
        return False
    host = made.args[0] if made.args else next((k.value for k in made.keywords if k.arg == "host"), None)
    return isinstance(host, ast.Constant) and host.value in _LOCAL_HOSTS


_RANDOM_MODULES = frozenset({"random", "secrets"})


def random_delay(call: ast.Call, ctx: FileContext, scope: Optional[Scope] = None) -> bool:
    """A sleep whose duration is drawn at random (``time.sleep(random.uniform(0.0, 0.5))``,
    ``secrets.randbelow``, a ``random.SystemRandom()``'s ``uniform``): a delay that blurs how long the answer
    takes (fides' login, against telling valid users from invalid ones by timing), not work a queue could take;
    it must delay this very response."""
    if not call.args:
        return False
    for node in walk(call.args[0]):
        if isinstance(node, ast.Call):
            made = ctx.imports.resolve(node.func) or origin(node.func, ctx, scope) or ""
            if made.partition(".")[0] in _RANDOM_MODULES or made.startswith("numpy.random."):
                return True
    return False
