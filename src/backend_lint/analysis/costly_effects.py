"""Which of a handler's effects cost something when a retry repeats them: COSTLY effects (BE301).

A retried POST runs the handler again. A second copy of a record the user can see and delete in the
application (a wiki page, a workflow, a case task, a stored credential, a copy of an event) is what the guidance
calls natural idempotency's limit, and maintainers close such reports as "not a bug". A duplicate COSTS
something when it reaches outside the application's own visible records:

- **money moves**: a payment SDK's charge, transfer, refund or payout, a project function named for paying
  (``pay_*``, ``charge``, ``transact``, ``open_channel``: :mod:`.effects` ``pays``);
- **a message reaches people or another service**: mail, SMS, push, a chat or notification message, webhook
  delivery, an outbound HTTP POST (``sends``); a queued job whose name says it does so (``send_email.delay``,
  ``notify_*``, ``forward_trait_request``, ``charge_*``); and a callback URL from the request handed to the
  work the handler starts (``webhook_callback_url=data.webhook_callback_url``): the server calls it back when
  the run ends, and a second run calls back a second time;
- **a stored quantity moves**: an increment or decrement (``F("count") + n``, ``obj.count += n`` then saved,
  ``UPDATE ... SET x = x + ...``, ``values(count=Model.count + 1)``): a retry counts twice (not text appended to a
  stored string, ``task.console += "..."``: a log line written twice);
- **a commerce record is made**: an order, booking, reservation, subscription, purchase, transaction, donation,
  ticket sale (the ``transactional-records`` words): a second one is a second purchase, the guidance's own
  ``POST /api/orders - Create new order (idempotent via idempotency key)``. Not when the handler makes its
  record as a draft (a literal ``status="Draft"`` among a call's keywords, djangocrm's "duplicate invoice" making
  ``Invoice.objects.create(invoice_title=f"Copy of ...", status="Draft", ...)`` and its lines): a draft is sent,
  confirmed or paid by another action, and a second one is a visible record the user discards.

Everything else (a plain create of another kind of record, a queued job whose name says nothing of reaching
out) is not costly by itself; a job of the project named neutrally is judged by its body
(:func:`.handler_conditions.unreaching_jobs`).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Optional, Union

from backend_lint.analysis.ast_helpers import callee_name, own_nodes
from backend_lint.analysis.effect_calls import words
from backend_lint.analysis.effects import CREATES, ENQUEUES, PAYS, SENDS, Effect, same_module_helpers
from backend_lint.analysis.facts import node_fact, reads
from backend_lint.analysis.imports import dotted_name

if TYPE_CHECKING:
    from backend_lint.analysis.handler_types import Handler
    from backend_lint.context import FileContext

INCREMENTS = "increments"
CALLS_BACK = "calls-back"
_Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]

REACHING_JOB_WORDS = frozenset({
    "send", "sends", "mail", "email", "emails", "mails", "sms", "notify", "notifies", "push", "webhook", "webhooks",
    "forward", "relay", "deliver", "delivery", "broadcast", "ship", "shipment", "fulfil", "fulfill", "fulfilment",
    "fulfillment", "invite", "invitation", "invitations", "alert", "alerts",
    "charge", "pay", "payment", "payments", "refund", "payout", "transfer", "withdraw", "withdrawal",
})
"""Words of a queued job that reaches someone or something outside (a second run mails, notifies, forwards or
relays a request, ships goods or moves money again). ``notification`` alone is not one: a notification record
or setting is also what an administrator configures."""

_QUEUE_CALLS = frozenset({"delay", "apply_async", "send_task", "enqueue", "enqueue_call", "enqueue_at", "enqueue_in",
                          "add_task", "async_task", "send_with_options", "kiq", "schedule_task", "send", "s", "si"})
_INCREMENT_SQL = re.compile(r"\bset\b[^;]*?\b(\w+)\s*=\s*\1\s*[-+]", re.IGNORECASE | re.DOTALL)
_CHANGE_COUNTERS = frozenset({"version", "revision", "rev", "generation", "seq", "sequence", "etag", "serial"})
"""Counters a change bumps (``rule.version = F("version") + 1`` when a rule changes): they move with the change,
and a retry whose change is already made bumps nothing. Not a quantity a retry counts twice."""
_SAVES = frozenset({"save", "commit", "flush", "add"})


def reaching_job(effect: Effect) -> bool:
    """A queued job whose name says it reaches outside: ``send_email.delay``, ``tasks.notify_leaders.apply_async``,
    ``add_task(forward_trait_request, ...)``, ``charge_card.send``. The queueing call's own name is not the job's
    (``send_task``, a dramatiq actor's ``send``)."""
    if effect.kind != ENQUEUES:
        return False
    parts = effect.what.split(".")
    while parts and parts[-1] in _QUEUE_CALLS:
        parts.pop()
    return bool(parts) and bool(words(parts[-1]) & REACHING_JOB_WORDS)


_FEEDS = frozenset({"webhook", "webhooks", "notification", "notifications", "feed", "feeds", "topic", "topics",
                    "newsletter", "calendar", "alert", "alerts", "push"})
"""What a subscription delivers when it is a feed of messages, not a paid plan (a webhook subscription)."""


def commerce_record(named: Iterable[str], transactional: set[str], around: Iterable[str] = ()) -> bool:
    """The words of a created record (``Order``, ``create_booking``, each also in the singular) name a
    commerce record (``transactional``). A subscription to a feed (``webhook_service.create_subscription``, a
    notification subscription) is a configuration record the user sees and deletes, not a purchase (``around``:
    the other words of the call, its receiver's)."""
    named = set(named)
    found = {word if word in transactional else singular(word) for word in named
             if word in transactional or (word.endswith("s") and singular(word) in transactional)}
    return bool(found - {"subscription"}) or bool(found and not (named | set(around)) & _FEEDS)


@node_fact()
def _increment_lines(ctx: FileContext, function: ast.AST) -> list[int]:
    """Lines of ``function``'s own body that move a stored quantity by an amount (see the module doc)."""
    found: list[int] = []
    saved = {_root(call.func.value) for call in ast.walk(function) if isinstance(call, ast.Call)
             and isinstance(call.func, ast.Attribute) and call.func.attr in _SAVES}
    saved |= {_root(arg) for call in ast.walk(function) if isinstance(call, ast.Call)
              and isinstance(call.func, ast.Attribute) and call.func.attr == "add" for arg in call.args}
    commits = bool(saved & {"session", "db"})
    for node in ast.walk(function):
        field = None
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)) and _stored_field(node.left):
            field = node.left.args[0].value  # type: ignore[attr-defined]  # F("hits") + 1
        elif isinstance(node, ast.keyword) and node.arg and isinstance(node.value, ast.BinOp) \
                and isinstance(node.value.op, (ast.Add, ast.Sub)) and isinstance(node.value.left, ast.Attribute) \
                and node.value.left.attr == node.arg:
            field = node.arg  # .values(count=Counter.count + 1), .update(hits=self.hits + 1)
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, (ast.Add, ast.Sub)) \
                and isinstance(node.target, ast.Attribute) and isinstance(node.target.value, ast.Name) \
                and node.target.value.id != "self" and (node.target.value.id in saved or commits) \
                and not _text(node.value):
            field = node.target.attr  # trait.value += n; trait.save() (not task.console += "Importing...\n")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = _INCREMENT_SQL.search(node.value)
            field = match.group(1) if match else None
        if isinstance(field, str) and not words(field) & _CHANGE_COUNTERS:
            found.append(getattr(node, "lineno", 0) or getattr(getattr(node, "value", None), "lineno", 0))
    return sorted(set(found))


def _text(node: ast.expr) -> bool:
    """``"..."``, ``f"..."``, ``"...".format(...)``, ``"..." % args`` or ``"a" + b``: text appended to a stored
    string (WebODM's ``task.console += "Importing {} images...\n".format(n)``, a log the task keeps), not an
    amount added to a quantity; a retry writes the line twice and counts nothing twice."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _text(node.func.value)
    return isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)) \
        and (_text(node.left) or (isinstance(node.op, ast.Add) and _text(node.right)))


def _root(node: ast.expr) -> str:
    while isinstance(node, (ast.Attribute, ast.Call)):
        node = node.value if isinstance(node, ast.Attribute) else node.func
    return node.id if isinstance(node, ast.Name) else ""


def _stored_field(node: ast.expr) -> bool:
    """``F("count")`` (Django), ``F("count") + 1`` nested: a database field read where the row is written."""
    return isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute)) \
        and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr) == "F" \
        and len(node.args) == 1 and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)


_STORES = frozenset({"create", "insert", "add", "save", "update", "upsert", "register", "store", "set"})
"""Words of a call that stores what it is handed (a record's settings), rather than starting work with it."""


def _callback_lines(function: ast.AST) -> list[int]:
    """Lines where ``function`` hands the work it starts a callback URL that is not ``None``
    (``initialize_task_v2(..., webhook_callback_url=data.webhook_callback_url)``, ``TaskRequest(...,
    callback_url=...)`` then run). One handed to a call that stores it (``create_workflow_from_prompt(...,
    webhook_callback_url=...)``) is a setting of the record made, called back only when that record runs."""
    return [node.lineno for node in ast.walk(function) if isinstance(node, ast.Call)
            and not words(callee_name(node)) & _STORES for keyword in node.keywords
            if keyword.arg and "callback" in words(keyword.arg) and words(keyword.arg) & {"url", "webhook", "uri"}
            and not (isinstance(keyword.value, ast.Constant) and keyword.value.value is None)]


@reads(_increment_lines, same_module_helpers)
def outside_effects(ctx: FileContext, function: _Function) -> list[Effect]:
    """The increments and handed callback URLs of ``function`` and the same-module helpers it calls (one
    level), as effects (``increments``, ``calls-back``) beside :func:`.effects.handler_effects`."""
    found = [Effect(INCREMENTS, "increment", line) for line in _increment_lines(ctx, function)]
    found += [Effect(CALLS_BACK, "callback", line) for line in _callback_lines(function)]
    for helper in same_module_helpers(ctx, function):
        name = getattr(helper, "name", "")
        found += [Effect(INCREMENTS, "increment", line, name) for line in _increment_lines(ctx, helper)]
        found += [Effect(CALLS_BACK, "callback", line, name) for line in _callback_lines(helper)]
    return found


_SIGNATURES = frozenset({"s", "si", "signature"})


def _canvas_jobs(function: ast.AST, effect: Effect) -> list[str]:
    """The jobs of a Celery canvas queued at ``effect`` in ``function``'s own body (``chain(
    async_initiate_payment.s(id), save_and_notify_payment.s(id)).delay()``): each signature's task name."""
    if effect.via:
        return []
    found: list[str] = []
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and node.lineno == effect.line and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Call):
            found += [dotted_name(part.func.value) or "" for part in ast.walk(node.func.value)
                      if isinstance(part, ast.Call) and isinstance(part.func, ast.Attribute)
                      and part.func.attr in _SIGNATURES]
    return [name for name in found if name]


def costly(effect: Effect, handler: Handler, ctx: FileContext, transactional: set[str]) -> bool:
    """``effect`` costs something when a retry repeats it: money, a message, a quantity, a purchase."""
    if effect.kind in (PAYS, SENDS, INCREMENTS, CALLS_BACK):
        return True
    if effect.kind == ENQUEUES:
        return reaching_job(effect) or any(reaching_job(effect._replace(what=job))
                                           for job in _canvas_jobs(handler.function, effect))
    return effect.kind == CREATES and commerce_record(_made_words(effect, handler, ctx), transactional,
                                                      words(effect.what)) and not makes_draft(handler)


_STATE_KEYWORDS = frozenset({"status", "state"})


def makes_draft(handler: Handler) -> bool:
    """A call of the handler's own body gives a literal draft state (``Invoice.objects.create(..., status="Draft")``,
    ``state="draft"``): what the handler makes is a draft, committed to nothing until another action sends it."""
    return any(
        isinstance(node, ast.Call) and any(
            keyword.arg in _STATE_KEYWORDS and isinstance(keyword.value, ast.Constant)
            and isinstance(keyword.value.value, str) and keyword.value.value.lower() == "draft"
            for keyword in node.keywords
        )
        for node in own_nodes(handler.function)
    )


def _made_words(effect: Effect, handler: Handler, ctx: FileContext) -> set[str]:
    """The words of the thing a create makes: the rest of a ``create_<thing>`` call's name, not its receiver's
    (``payment_gw.create_customer`` makes a customer; ``cruds_booking.create_manager`` a manager, whatever its
    module is about), else :func:`record_words` (``Order.objects.create``)."""
    own = words(effect.what.rpartition(".")[2]) - _NAMELESS
    if not own:
        return record_words(effect, handler, ctx)
    return own | {singular(word) for word in own if word.endswith("s") and len(word) > 3}


_GENERIC = frozenset({"create", "creates", "insert", "add", "new", "bulk", "service", "services", "objects",
                      "self", "command", "cmd", "model", "models", "db", "crud", "repo", "repository", "manager",
                      "perform", "save", "one", "many", "all", "user", "list", "view", "views", "api", "resource"})
_NAMELESS = frozenset({"create", "creates", "insert", "add", "new", "bulk", "perform", "save", "one", "many", "all",
                       "objects", "db"})
"""Parts of a creating call's own name that say nothing of what it makes (``bulk_create``, ``insert_one``): the
thing is then named by the receiver. Any other word names it, even one :data:`_GENERIC` drops from a receiver
(``create_manager``, ``create_user``)."""
_PLAIN_CREATES = frozenset({"post", "create", "perform_create"})


def record_words(effect: Effect, handler: Handler, ctx: FileContext) -> set[str]:
    """The words of what a create or enqueue makes, each also in its singular: from the call as written
    (``CreateThemeCommand`` -> theme), or, when the call names nothing (``service.create(...)``, the pattern of
    a layered app), from the handler's class and module (``DomainsList`` in ``lemur/domains/views.py`` ->
    domain)."""
    named = words(effect.what) - _GENERIC
    if not named:
        texts = [handler.class_.name if handler.class_ else "", *ctx.role_path.split("/")[-2:]]
        named = {word for text in texts for word in words(text.removesuffix(".py"))} - _GENERIC
    return named | {singular(word) for word in named if word.endswith("s") and len(word) > 3}


def singular(word: str) -> str:
    """``authorities`` -> ``authority``, ``orders`` -> ``order``."""
    return word[:-3] + "y" if word.endswith("ies") else word[:-1]


def created_records(harm: list[Effect], handler: Handler, ctx: FileContext) -> Optional[set[str]]:
    """The words of the one kind of record the handler creates, when creating records is all it does that a
    retry would duplicate (no job, message or payment); ``None`` otherwise."""
    if any(effect.kind != CREATES for effect in harm):
        return None
    if handler.function.name not in _PLAIN_CREATES and not all(words(effect.what) - _GENERIC for effect in harm):
        return None  # ``run``, ``available_vlans``: the view's name says nothing of what this action makes
    kinds = {frozenset(record_words(effect, handler, ctx)) for effect in harm}
    return set(next(iter(kinds))) if len(kinds) == 1 and next(iter(kinds)) else None


_GOODS_JOB_WORDS = frozenset({"charge", "pay", "payment", "payments", "refund", "payout", "transfer", "withdraw",
                              "withdrawal", "ship", "shipment", "fulfil", "fulfill", "fulfilment", "fulfillment"})
"""Words of a queued job that moves money or goods (a subset of :data:`REACHING_JOB_WORDS`): no message."""
PURPOSE_WORDS = frozenset({"send", "sends", "notify", "contact", "broadcast", "announce", "announcement",
                           "announcements", "relay", "forward", "email", "emails", "mail", "mails", "sms"})
"""Words of an endpoint whose purpose is the message it sends (``POST /send-notification``, ``ContactFormViewSet``,
``POST /sms``), as opposed to one that mails as a side effect of its own action (a registration's welcome mail,
an invitation, a notice that something changed)."""


def message_effect(effect: Effect) -> bool:
    """``effect`` is a message (mail, SMS, an outbound request, a queued job named for sending), not money or
    goods."""
    if effect.kind == SENDS:
        return True
    return reaching_job(effect) and not words(effect.what) & _GOODS_JOB_WORDS


def sends_by_purpose(handler: Handler, path_words: set[str]) -> bool:
    """The endpoint exists to send a message: its path, name or view class says so (``path_words``: the words
    of its paths). Judged on unseen applications, messages a handler sends as a side effect (a registration's
    confirmation, an invitation, a demo request to the own support inbox, a notice of a change made elsewhere)
    were not worth an idempotency key to maintainers; a message the endpoint is for (a
    notification to a member of the public, a contact form to a group's leaders) was (2 of 3)."""
    named = words(handler.function.name) | (words(handler.class_.name) if handler.class_ is not None else set())
    return bool((named | path_words) & PURPOSE_WORDS)


COUNTING_WORDS = frozenset({"increment", "increments", "decrement", "decrements", "incr", "decr"})
"""Words of an endpoint whose purpose is to move a stored quantity (``POST .../increment-value``)."""


def counts_by_purpose(handler: Handler, path_words: set[str]) -> bool:
    """The endpoint exists to move a count: its path or name says so (Flagsmith's ``@action(url_path=
    "increment-value") def increment_value``, whose serializer adds ``increment_by`` to the stored value in another
    module). The textbook non-idempotent write: a retry counts twice, wherever the addition is written."""
    return bool((words(handler.function.name) | path_words) & COUNTING_WORDS)
