"""What a function does that matters when it runs twice: its EFFECTS, as plain data.

A client retries a POST it got no answer to, and the handler runs again. Whether that hurts depends on what the
handler does (BE301 post-without-idempotency-key), and whether it answers 201 depends on whether it creates
something (BE305 create-without-201). The rules ask this module instead of guessing from a handler's path::

    effects = handler_effects(ctx, function)   # the function's own effects and its same-module helpers'
    effects.harmful                            # creates, enqueues, sends, pays: a retry duplicates them
    effects.creates                            # it creates a record

Kinds of effect (each :class:`Effect` is a kind, what it acts on as written, and a line):

- ``creates``: ORM ``create``/``bulk_create``, ``insert``/``insert_one``/``insert_many``, SQLAlchemy
  ``insert(...)``, ``session.add(obj)``/``add_all`` of an object built in the function (``Order(...)``),
  ``obj.save()`` of such an object, ``serializer.save()``/``form.save()`` of one built without an instance
  (``OrderSerializer(data=...)``; and in DRF's ``perform_create`` hook), ``self.create(...)``/
  ``perform_create(...)``, a call of an unresolved function named ``create_*``/``insert_*`` or a
  ``Create...`` class (``CreateChartCommand(item).run()``), and an ``INSERT INTO`` statement;
- ``enqueues``: Celery ``.delay``/``.apply_async``/``send_task``, RQ ``enqueue``, ``BackgroundTasks.add_task``,
  Django-Q ``async_task``, dramatiq ``.send`` of an actor of the module and ``send_with_options`` (not a bare
  function of the application's own named like one and handed no job, iris's ``add_task(task=task, ...)``);
- ``sends``: Django ``send_mail``/``send_mass_mail`` (not ``mail_admins``: a staff alert), an e-mail message's
  ``.send()``, Flask-Mail ``mail.send``, ``smtplib`` ``sendmail``/``send_message``, Twilio ``messages.create``,
  a ``send_*`` call whose name says what it sends (mail, SMS, message, notification, webhook, invitation), and an
  outbound HTTP POST (webhook delivery, a third-party API); not a websocket's ``send_text``/``send_json``/
  ``send_bytes`` (``websocket.send_text(...)``: a frame pushed to the sessions connected now, a transient popup
  a duplicate shows twice, fiduswriter's staff broadcast judged FALSE on seed 131);
- ``pays``: calls into a payment SDK (Stripe, Braintree, PayPal, Adyen...) other than reads, and calls named
  ``pay``/``pay_*``/``charge``/``capture``/``refund``/``payout``/``transact``/``open_channel``/``withdraw``
  (one that pays an invoice the client sent, ``pay_invoice(payment_request=data.bolt11)``, is an update: an
  invoice is paid once; so is one that names a fee rate and no amount, ``transact("bump", {"feerate": r})``:
  a fee bump sets the rate of pending transactions);
- naturally idempotent work, recorded for completeness: ``deletes`` (``.delete()``, ``delete_*``,
  ``remove_*``), ``updates`` (``.update()``, ``.save()`` of a fetched object, ``update_or_create``,
  ``get_or_create``: a natural key).

Helpers of the same module or class (``self._create_line(...)``, ``build_order(...)``, found by the one
resolver) are followed one level deep: their own effects count, marked ``via`` the helper. Calls the resolver
leaves to other modules are kept by their qualified names (``outside``), so that the project model can add
those modules' summaries later: :meth:`Effects.to_json` is the form a module summary stores.

A ``create`` whose result the function then treats as an object that was already there (tests it to be a
stand-in for one not found, ``isinstance(item, NonExistent)``, or deletes it) is a factory that loads, not a
create (moin's ``Item.create(name)``).

Left alone: reads, computations (a language model's ``client.embeddings.create``/``chat.completions.create``:
an answer computed, nothing stored), renders, logging; a create the module only names (a string, a docstring).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, Optional

from backend_lint.analysis.ast_helpers import body_of, callee_name
from backend_lint.analysis.effect_calls import (
    ERROR_STATUS,
    asks_a_model,
    builds_new,
    existing_object_use,
    looks_up,
    refuses_repeat,
    sets_fee_rate,
    settles_given_invoice,
    words,
)
from backend_lint.analysis.facts import node_fact
from backend_lint.analysis.handlers import handler_model
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.oauth_flows import oauth_protocol_request
from backend_lint.analysis.outbound_posts import client_parameter, payment_url
from backend_lint.analysis.resolve import Definition, Imported, called_function, resolve_name
from backend_lint.analysis.values import origin

if TYPE_CHECKING:
    from backend_lint.context import FileContext

CREATES = "creates"
ENQUEUES = "enqueues"
SENDS = "sends"
PAYS = "pays"
DELETES = "deletes"
UPDATES = "updates"
HARMFUL = frozenset({CREATES, ENQUEUES, SENDS, PAYS})
"""Effects a retry duplicates: a second record, job, message or payment."""

_CREATE_METHODS = frozenset({"create", "bulk_create", "insert", "insert_one", "insert_many", "add_all",
                             "perform_create", "create_one", "create_many"})
_CREATE_PREFIXES = ("create_", "insert_", "create", "Create")
_NOT_CREATED = frozenset({  # create_<word>: builds a value, a client or a task, not a record
    "token", "tokens", "access", "refresh", "jwt", "response", "task", "engine", "app", "application", "context",
    "url", "signature", "hash", "schema", "form", "serializer", "filter", "query", "client", "logger", "parser",
    "default", "connection", "pool", "model", "message", "error", "exception", "session", "cursor", "temp",
    "tmp", "temporary", "tempfile", "dir", "directory", "path", "hmac", "digest", "link", "headers", "payload",
    "instance", "object", "mock", "dataclass", "view", "router", "blueprint", "spec", "key", "otp", "code",
})
_ENQUEUE_METHODS = frozenset({
    "delay", "apply_async", "send_task", "enqueue", "enqueue_call", "enqueue_at", "enqueue_in", "add_task",
    "async_task", "send_with_options", "kiq", "schedule_task",
})
_JOB_FIRST = frozenset({"add_task", "enqueue", "enqueue_call", "async_task",
                        "schedule_task"})
"""Queueing calls whose first argument is the job (a function), not its payload."""
_QUEUE_MODULES = frozenset({"django_q", "rq", "django_rq", "celery", "dramatiq", "huey", "arq", "taskiq",
                            "procrastinate", "fastapi", "starlette"})
"""Libraries whose bare queueing functions (``async_task(job, ...)``) are queue calls wherever imported."""
_MAIL_FUNCTIONS = frozenset({"django.core.mail.send_mail", "django.core.mail.send_mass_mail"})
"""(Not ``mail_admins``/``mail_managers``: they alert the site's own staff, mostly from error reporting helpers
(onadata's ``report_exception``), and a repeated alert harms no one: neither a retry's harm nor work a client
waits for through a helper. BE206 still flags them called in a handler's own body, a feedback form's purpose.)"""
_SEND_WORDS = frozenset({"mail", "email", "emails", "sms", "message", "messages", "notification",
                         "notifications", "webhook", "webhooks", "invite", "invitation", "invitations", "push",
                         "text", "alert", "alerts", "fax", "letter"})
_FRAME_SENDS = frozenset({"send_text", "send_json", "send_bytes"})
"""A websocket connection's sends (Starlette, httpx-ws, aiohttp): a frame pushed to whoever is connected now."""
_SOCKET_WORDS = frozenset({"ws", "websocket", "websockets", "socket", "sock"})
_MESSAGE_CLASSES = ("EmailMessage", "EmailMultiAlternatives", "Message", "Mail", "Email")
_PAYMENT_MODULES = frozenset({"stripe", "braintree", "paypalrestsdk", "paypalcheckoutsdk", "paypalhttp", "Adyen",
                              "adyen", "squareup", "square", "mollie", "razorpay", "paystackapi", "gocardless_pro",
                              "coinbase_commerce"})
_PAYMENT_READS = frozenset({"retrieve", "list", "get", "search", "construct_event", "auto_paging_iter",
                            "find", "verify"})
_PAYMENT_LINKS = frozenset({"billing_portal", "checkout", "payment_link", "account_link", "login_link",
                            "ephemeral_key", "setup_intent", "configuration", "webhook_endpoint", "portal"})
"""Objects of a payment SDK that move no money: a link or session the payer or account holder follows
(``stripe.billing_portal.Session.create``, ``stripe.checkout.Session.create``, ``stripe.PaymentLink.create``,
``stripe.AccountLink.create``, ``client.payment_links.create``), a card saved for later
(``SetupIntent``), a client key, a portal or webhook setting. Nothing is charged until the payer approves on
the provider's page, which charges once; a retry only opens a second link nobody follows."""
_SDK_PLUMBING = ("Client", "Config", "Configuration", "Environment", "Credentials", "Error", "Exception")
"""Classes of a payment SDK that only build its client, settings or errors: constructing one sends nothing."""
_CAMEL_BREAK = lazy_compile(r"(?<=[a-z0-9])(?=[A-Z])")
_PAYMENT_SETS = frozenset({"modify", "update", "delete", "release", "cancel", "detach", "expire", "void",
                           "close", "deactivate"})
"""Payment SDK methods that set an object's state (a schedule released, a subscription cancelled): a retry
finds the state already set and moves no money."""
_PAY_NAMES = frozenset({"pay", "charge", "capture", "refund", "payout", "transact", "open_channel", "withdraw",
                        "purchase", "send_payment", "pay_invoice", "send_coins"})
_EVENT_KEYWORDS = frozenset({"event", "event_name", "properties", "distinct_id"})


def _snake(part: str) -> str:
    """``PaymentLink`` -> ``payment_link``, ``payment_links`` -> ``payment_link``, ``billing_portal`` kept."""
    snake = _CAMEL_BREAK.sub("_", part).lower()
    return snake[:-1] if snake.endswith("s") and snake[:-1] in _PAYMENT_LINKS else snake


def _moves_no_money(resolved: str, written: str, last: str) -> bool:
    """A payment SDK call on a link, session, setting or the payer's customer record
    (``stripe.billing_portal.Session.create``,
    ``stripe.checkout.Session.create``, ``stripe.PaymentLink.create``), or one that sets an object's state
    (``stripe.SubscriptionSchedule.release``, ``stripe.Subscription.modify``): no money moves on a retry."""
    if last in _PAYMENT_SETS or last.endswith(_SDK_PLUMBING):
        return True  # (``stripe.StripeClient(key)``, ``braintree.Configuration(...)``: builds the SDK's client)
    if last in ("create", "create_async") and "customer" in {_snake(part).rstrip("s") for part in written.split(".")}:
        return True  # ``stripe.Customer.create``, ``client.v1.customers.create``: the payer's record, no charge
    parts = {_snake(part) for part in (resolved or written).split(".")[:-1]}
    parts |= {_snake(part) for part in written.split(".")[:-1]}
    return bool(parts & _PAYMENT_LINKS)


def _records_event(call: ast.Call) -> bool:
    """``analytics.capture("skyvern-oss-agent-workflow-delete")``, ``posthog.capture(user_id, "signed_up",
    properties={...})``: a ``capture`` given an event name as a string literal (or an ``event=``/``properties=``
    keyword) records an analytics event. A payment capture is given the payment's id or an amount, never a
    literal name (``stripe.PaymentIntent.capture(intent_id)``, ``payment.capture(amount=total)``)."""
    return any(isinstance(arg, ast.Constant) and isinstance(arg.value, str) for arg in call.args) \
        or any(keyword.arg in _EVENT_KEYWORDS for keyword in call.keywords)


_PAY_PREFIXES = ("pay_", "charge_", "refund_", "payout_", "withdraw_")
_EXISTS = frozenset({"exist", "exists", "aexists"})
_UPSERTS = frozenset({"update_or_create", "get_or_create", "upsert", "merge", "replace_one", "set"})
_INERT = frozenset({ast.Name, *(
    kind for kind in vars(ast).values() if isinstance(kind, type)
    and issubclass(kind, (ast.expr_context, ast.boolop, ast.operator, ast.unaryop, ast.cmpop))
)})
"""Nodes the effects walk skips: a name read or written and the ``Load``/``Add``... singletons hold no call, no
assignment, no literal (about half of a function's nodes)."""
_INSERT_SQL = lazy_compile(r"^\s*insert\s+(or\s+\w+\s+)?into\b", re.IGNORECASE)
SIDE_RECORDS = frozenset({"log", "logs", "audit", "trail", "event", "events"})
"""Records written beside the work (a log line, an audit trail), not the resource the client asked for."""


class Effect(NamedTuple):
    """One thing a function does: its kind, what it acts on as written, the line, and the same-module helper
    it happens in (``""``: in the function itself)."""

    kind: str
    what: str
    line: int
    via: str = ""


@dataclass
class Effects:
    """The effects of one function, with its same-module helpers' one level deep."""

    effects: list[Effect] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    """Qualified names of what it calls in other modules (``shop.services.place_order``): the project model
    can add their summaries (sorted, no repeats)."""
    finds_first: bool = False
    """Before it creates, it looks the thing up and returns the one it found (``for t in get_by_url(url): if
    t.owner == me: return t``): a get-or-create by hand, idempotent on that key."""
    refuses_first: bool = False
    """Before anything a retry duplicates, it looks the thing up and raises when it is there (``if user.exist(): raise
    RegistrationError("already registered")``): a retry is refused, nothing is made twice (BE301); the first
    request still creates (BE305 still wants its 201). Not stored in summaries (:meth:`to_json`)."""

    @property
    def harmful(self) -> list[Effect]:
        """The effects a retry duplicates (a record, a job, a message, a payment)."""
        return [effect for effect in self.effects if effect.kind in HARMFUL]

    @property
    def creates(self) -> list[Effect]:
        return [effect for effect in self.effects if effect.kind == CREATES]

    def to_json(self) -> dict[str, Any]:
        return {"effects": [list(effect) for effect in self.effects], "outside": list(self.outside),
                "finds_first": self.finds_first}

    @classmethod
    def from_json(cls, data: Any) -> Optional[Effects]:
        """The effects :meth:`to_json` wrote, or ``None`` for anything else (a cache file is untrusted)."""
        try:
            effects = [Effect(str(kind), str(what), int(line), str(via)) for kind, what, line, via in data["effects"]]
            outside = [str(name) for name in data["outside"]]
            finds_first = data["finds_first"]
        except (TypeError, ValueError, KeyError):
            return None
        return cls(effects, outside, finds_first) if isinstance(finds_first, bool) else None


@dataclass
class _Walked:
    """One function's own effects, and the same-module ``def`` nodes it calls with the names they are called by."""

    effects: Effects
    helpers: list[tuple[ast.AST, str]]


@node_fact(reads=(handler_model, called_function, resolve_name, origin))
def _walked(ctx: FileContext, function: ast.AST) -> _Walked:
    return _Collector(ctx, function).run()


@node_fact(reads=(_walked,))
def own_effects(ctx: FileContext, function: ast.AST) -> Effects:
    """The effects of ``function``'s own body (functions nested in it included: callbacks run with it)."""
    return _walked(ctx, function).effects


@node_fact(reads=(_walked,))
def same_module_helpers(ctx: FileContext, function: ast.AST) -> list[ast.AST]:
    """The ``def`` nodes of this module that ``function`` calls (``self._save_form(...)``, ``build(...)``)."""
    return [helper for helper, _name in _walked(ctx, function).helpers if helper is not function]


@node_fact(reads=(_walked,))
def handler_effects(ctx: FileContext, function: ast.AST) -> Effects:
    """``function``'s own effects, and those of the same-module functions and same-class methods it calls
    (one level: their own effects only)."""
    walked = _walked(ctx, function)
    merged = Effects(list(walked.effects.effects), list(walked.effects.outside), walked.effects.finds_first,
                     walked.effects.refuses_first)
    for helper, name in walked.helpers:
        if helper is function:
            continue
        theirs = _walked(ctx, helper).effects
        merged.effects += [effect._replace(via=name) for effect in theirs.effects]
        merged.outside += theirs.outside
    merged.outside = sorted(set(merged.outside))
    return merged


class _Collector:
    def __init__(self, ctx: FileContext, function: ast.AST) -> None:
        self.ctx = ctx
        self.function = function
        self.scope = handler_model(ctx).scopes.get(function)
        self.found = Effects()
        self.helpers: dict[ast.AST, str] = {}
        self.built: dict[str, list[ast.Call]] = {}
        """Locals assigned a call of a capitalised name in this function (``order = Order(...)``)."""
        self.fetched: set[str] = set()
        self.lookups: set[str] = set()
        """Locals holding what a lookup found (``existing = get_order_by_ref(ref)``)."""
        self.bound: dict[int, str] = {}
        """The local each call's value is assigned to, by the call's ``id``."""
        self.existing: set[str] = set()
        """Locals the function treats as objects already there (:func:`.effect_calls.existing_object_use`)."""

    def run(self) -> _Walked:
        stack: list[tuple[ast.AST, bool]] = [(node, False) for node in reversed(body_of(self.function))]
        calls: list[ast.Call] = []
        returns: list[ast.Return] = []
        refusals: list[ast.If] = []
        branches: list[ast.If] = []
        while stack:
            node, in_if = stack.pop()
            if isinstance(node, ast.ClassDef):
                continue
            if isinstance(node, ast.Call):
                calls.append(node)
            elif isinstance(node, ast.Constant):
                if isinstance(node.value, str) and _INSERT_SQL.match(node.value):
                    self._add(CREATES, "INSERT", node)
                continue  # (no node below it)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                self._note_assignment(node)
            elif isinstance(node, (ast.For, ast.AsyncFor)) and isinstance(node.target, ast.Name) \
                    and isinstance(node.iter, ast.Name) and node.iter.id in self.lookups:
                self.lookups.add(node.target.id)  # for found in get_by_url(url): ...
            elif isinstance(node, ast.Return) and in_if:
                returns.append(node)
            elif isinstance(node, ast.If):
                if refuses_repeat(node.body[-1]):
                    refusals.append(node)
                branches.append(node)
            inside = in_if or isinstance(node, ast.If)
            children: list[ast.AST] = []
            for name in node._fields:  # (``ast.iter_child_nodes``, without the nodes nothing here reads)
                value = getattr(node, name, None)
                if type(value) is list:
                    children.extend(item for item in value if isinstance(item, ast.AST) and type(item) not in _INERT)
                elif isinstance(value, ast.AST) and type(value) not in _INERT:
                    children.append(value)
            stack.extend((child, inside) for child in reversed(children))
        self.existing = {found for call in calls if (found := existing_object_use(call)) is not None}
        for call in calls:
            self._call(call)
        self.found.effects.sort(key=lambda effect: effect.line)
        first = min((effect.line for effect in self.found.effects if effect.kind == CREATES), default=None)
        self.found.finds_first = first is not None and (any(
            isinstance(ret.value, ast.Name) and ret.value.id in self.lookups and ret.lineno < first for ret in returns
        ) or any(self._updates_and_returns(branch, returns) or self._answers_found(branch)
                 for branch in branches if branch.lineno < first))
        harm = min((effect.line for effect in self.found.effects if effect.kind in HARMFUL), default=None)
        self.found.refuses_first = any(
            (harm is None or refusal.lineno < harm) and self._finds_existing(refusal.test) for refusal in refusals
        )
        self.found.outside = sorted(set(self.found.outside))
        return _Walked(self.found, list(self.helpers.items()))

    def _updates_and_returns(self, branch: ast.If, returns: list[ast.Return]) -> bool:
        """``if chat.share_id: shared = SharedChats.update(...); ...; return ...`` before the create: an upsert by
        hand, whose repeat updates what the first call made. In a loop over items, a branch that updates the item
        it found and ends with ``continue`` (``if existing: update_purchase(..., quantity=q); continue``, then
        ``create_purchase(...)``) is the same upsert, item by item: a retry finds every item and sets it again."""
        end = branch.end_lineno or branch.lineno
        leaves = isinstance(branch.body[-1], ast.Continue) or any(branch.lineno <= ret.lineno <= end
                                                                  for ret in returns)
        return leaves and any(effect.kind == UPDATES and branch.lineno <= effect.line <= end
                              for effect in self.found.effects)

    def _answers_found(self, branch: ast.If) -> bool:
        """``if existing: return {"snapshot_id": existing.id, "public_url": ...}`` before the create: the branch
        runs when the lookup found the thing, and answers it (itself or a view of its fields), so a repeat of
        the request returns the first one's record instead of creating (surfsense's snapshot deduplicated by
        content hash)."""
        test = branch.test
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.IsNot) \
                and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None:
            test = test.left
        if not (isinstance(test, ast.Name) and test.id in self.lookups):
            return False
        found = test.id
        return any(
            isinstance(statement, ast.Return) and statement.value is not None
            and any(isinstance(name, ast.Name) and name.id == found for name in ast.walk(statement.value))
            and not ERROR_STATUS.search(ast.unparse(statement.value))  # a refusal naming what blocks it
            for statement in branch.body
        )

    def _finds_existing(self, test: ast.expr) -> bool:
        """``user.exist()``, ``Order.objects.filter(ref=ref).exists()``, ``existing`` or ``existing is not None``
        where ``existing = get_order_by_ref(ref)``: the condition holds when the thing is already there (a
        negated one, ``if not parent.exists()``, checks that something else exists: not a refusal)."""
        test = test.value if isinstance(test, ast.Await) else test
        if isinstance(test, ast.Call):
            return callee_name(test) in _EXISTS
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.IsNot) \
                and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None:
            test = test.left
        return isinstance(test, ast.Name) and test.id in self.lookups

    def _note_assignment(self, node: ast.Assign | ast.AnnAssign) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        call = node.value.value if isinstance(node.value, ast.Await) else node.value
        if not isinstance(call, ast.Call):
            return
        for target in targets:
            if not isinstance(target, ast.Name):
                continue
            self.bound[id(call)] = target.id
            if looks_up(call):
                self.lookups.add(target.id)
            if callee_name(call)[:1].isupper():
                self.built.setdefault(target.id, []).append(call)
            else:
                self.fetched.add(target.id)

    def _add(self, kind: str, what: str, node: ast.AST) -> None:
        self.found.effects.append(Effect(kind, what, getattr(node, "lineno", 0)))

    def _call(self, call: ast.Call) -> None:
        if self.scope is not None:
            helper = called_function(call, self.ctx, self.scope)
            if isinstance(helper, Definition):
                self.helpers.setdefault(helper.node, dotted_name(call.func) or callee_name(call))
                return
        resolved = self.ctx.imports.resolve(call.func) or ""
        written = dotted_name(call.func) or ""
        last = callee_name(call)
        if resolved and resolved != written and "." in resolved and self._imported(call):
            self.found.outside.append(resolved)
        kind = self._kind(call, resolved, written, last)
        if kind is not None:
            self._add(kind[0], kind[1], call)

    def _imported(self, call: ast.Call) -> bool:
        root = call.func
        while isinstance(root, ast.Attribute):
            root = root.value
        if not isinstance(root, ast.Name) or self.scope is None:
            return False
        return isinstance(resolve_name(root, self.ctx, self.scope), Imported)

    def _kind(self, call: ast.Call, resolved: str, written: str, last: str) -> Optional[tuple[str, str]]:
        receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
        receiver_name = dotted_name(receiver) if receiver is not None else None
        root = resolved.split(".", 1)[0]
        if root in _PAYMENT_MODULES:
            return None if last in _PAYMENT_READS or _moves_no_money(resolved, written, last) else (PAYS, written)
        if last == "capture" and _records_event(call):
            return None  # ``analytics.capture("workflow-delete")``: an analytics event, not a payment capture
        if last in _PAY_NAMES or last.startswith(_PAY_PREFIXES):
            return (UPDATES, written) if settles_given_invoice(call) or sets_fee_rate(call) else (PAYS, written)
        if resolved in _MAIL_FUNCTIONS or last in ("sendmail", "send_mass_mail"):
            return SENDS, written
        if last == "create" and receiver_name is not None and receiver_name.rpartition(".")[2] == "messages":
            return SENDS, written  # Twilio client.messages.create
        if last in _FRAME_SENDS and receiver_name is not None and words(receiver_name) & _SOCKET_WORDS:
            return None  # ``websocket.send_text(...)``: a frame pushed to a live connection, no message kept
        if last.startswith("send_") and words(last) & _SEND_WORDS:
            return SENDS, written
        if last == "send":
            return self._send(call, receiver, receiver_name)
        if last in _ENQUEUE_METHODS and not _project_function_named_like_queue(call, resolved, written, last):
            job = dotted_name(call.args[0]) if last in _JOB_FIRST and call.args else None
            return ENQUEUES, job or written  # ``add_task(telemetry.log_run, ...)``: the job says what it is
        if last == "post" and (self._outbound(call) if resolved else client_parameter(call, self.function, self.ctx)) \
                and not oauth_protocol_request(call):
            # (a token request or introspection only asks about credentials)
            return (PAYS if payment_url(call) else SENDS), written
        if last in _UPSERTS or _upsert_name(last):
            return UPDATES, written
        if last == "create" and asks_a_model(resolved, receiver_name):
            return None  # ``client.embeddings.create(...)``: a model computes an answer, nothing is stored
        if last == "create" and receiver_name is not None and _client_class(receiver_name):
            return None  # ``LLMClient.create(provider_type=...)``: a client class's factory, no record made
        if last == "create" and self.bound.get(id(call)) in self.existing:
            return None  # ``item = Item.create(name)`` then ``isinstance(item, NonExistent)``: a factory that loads
        if last in _CREATE_METHODS:
            return CREATES, written
        if last == "add" and call.args and self._new_object(call.args[0]):
            return CREATES, self._built_name(call.args[0])
        if last == "save" and receiver is not None:
            return (CREATES, self._built_name(receiver)) if self._new_object(receiver) else (UPDATES, written)
        if last.startswith(_CREATE_PREFIXES) and self._creating_name(last):
            return CREATES, written
        if last == "delete" or last.startswith(("delete_", "remove_")):
            return DELETES, written
        if last == "update" or last.startswith("update_"):
            return UPDATES, written
        return None

    def _send(self, call: ast.Call, receiver: Optional[ast.expr], receiver_name: Optional[str]) -> Optional[
            tuple[str, str]]:
        """``.send()`` of an e-mail message, Flask-Mail's ``mail.send(msg)``, a dramatiq actor's ``.send``."""
        if receiver is None:
            return None
        built = self.built.get(receiver.id, []) if isinstance(receiver, ast.Name) else []
        made = receiver if isinstance(receiver, ast.Call) else (built[-1] if built else None)
        if made is not None and callee_name(made).endswith(_MESSAGE_CLASSES):
            return SENDS, callee_name(made)
        if receiver_name is not None and receiver_name.rpartition(".")[2] in ("mail", "mailer", "smtp"):
            return SENDS, f"{receiver_name}.send"
        if isinstance(receiver, ast.Name) and self.scope is not None:
            actor = resolve_name(receiver, self.ctx, self.scope)
            if isinstance(actor, Definition) and any(
                "actor" in (dotted_name(d.func if isinstance(d, ast.Call) else d) or "")
                for d in actor.node.decorator_list
            ):
                return ENQUEUES, f"{receiver.id}.send"
        return None

    def _outbound(self, call: ast.Call) -> bool:
        """An HTTP POST to another service (``requests.post``, ``httpx.AsyncClient().post``, a session's)."""
        made = origin(call.func, self.ctx, self.scope) if self.scope is not None else None
        if made is None:
            return client_parameter(call, self.function, self.ctx)  # ``session: aiohttp.ClientSession``
        return made.split(".", 1)[0] in ("requests", "httpx", "aiohttp", "urllib3")

    def _new_object(self, node: ast.expr) -> bool:
        """A model object built here, not fetched: ``Order(...)``, a local assigned one, a serializer or model
        form built without an instance, or the ``serializer`` DRF hands to ``perform_create``."""
        if isinstance(node, ast.Call):
            return builds_new(node)
        if not isinstance(node, ast.Name):
            return False
        if node.id in self.built and node.id not in self.fetched:  # every assignment builds a new one
            return all(builds_new(call) for call in self.built[node.id])
        return node.id == "serializer" and getattr(self.function, "name", "") == "perform_create"

    def _built_name(self, node: ast.expr) -> str:
        if isinstance(node, ast.Call):
            return callee_name(node)
        built = self.built.get(node.id, []) if isinstance(node, ast.Name) else []
        return callee_name(built[-1]) if built else (dotted_name(node) or "")

    @staticmethod
    def _creating_name(name: str) -> bool:
        """``create_invoice``/``CreateChartCommand`` create; ``create_access_token``/``create_engine`` build."""
        parts = words(name)
        parts.discard("create")
        parts.discard("insert")
        return bool(parts) and not parts & _NOT_CREATED


def _client_class(receiver: str) -> bool:
    """``LettuceClient``, ``LLMClient``, ``clients.StorageClient``: a class named for a client, whose ``create``
    is a factory building one (letta's ``await LettuceClient.create()``, seed 132); an instance
    (``es_client.create(index=..., document=...)``) still creates what it is handed."""
    last = receiver.rpartition(".")[2]
    return last[:1].isupper() and last.endswith("Client")


def _upsert_name(name: str) -> bool:
    """A function named for an upsert: ``create_or_update_tool_async``, ``upsert_block``, ``get_or_create_user``,
    ``insert_or_replace``. Whether it makes a row or updates the one it finds by key is its data's business, so
    a caller neither creates twice on a retry nor knows it created (letta's ``POST /tools/``, seed 132)."""
    parts = words(name)
    if "upsert" in parts:
        return True
    return "or" in parts and bool(parts & {"create", "insert", "add"}) and bool(parts & {"update", "replace", "get"})


def _project_function_named_like_queue(call: ast.Call, resolved: str, written: str, last: str) -> bool:
    """``add_task(task=task, assignee_id_list=..., caseid=...)`` imported from the application's own data layer
    (iris's ``app.datamgmt.case.case_tasks_db.add_task``): a bare function named like a queue method, handed no
    job, is the application's own function (it adds a task record), not ``BackgroundTasks.add_task`` or
    Django-Q's ``async_task(job, ...)``, which always take the job first."""
    return isinstance(call.func, ast.Name) and last in _JOB_FIRST and not call.args and resolved != written \
        and resolved.split(".", 1)[0] not in _QUEUE_MODULES
