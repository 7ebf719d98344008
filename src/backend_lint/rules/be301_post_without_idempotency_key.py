"""BE301 post-without-idempotency-key: a POST handler that never reads an idempotency key.

Clients retry POSTs: a timeout, a dropped connection or a double click sends the same request twice, and a
handler that creates things creates them twice (two orders, two charges). An ``Idempotency-Key`` header lets
the server recognise the retry and return the first result. The rule asks the handler model
(:mod:`backend_lint.analysis.handlers`) for POST handlers of every supported framework and stays quiet when
the handler reads the key in any usual way: a FastAPI ``Header()`` parameter (by alias or by name), a
Litestar ``Parameter(header=...)``, ``request.headers[...]``/``.get(...)`` in any capitalisation, Django's
``request.META["HTTP_IDEMPOTENCY_KEY"]``, a configured provider (decorator, ``Depends``, or helper call), or
anything named after idempotency in the handler, its class or a module-level statement (a middleware).

Only handlers whose EFFECTS (:mod:`backend_lint.analysis.effects`: the handler and its same-module helpers,
one level; a payment in another module's function through the project model) a retry would duplicate are
considered, and only those with a COSTLY effect
(:mod:`backend_lint.analysis.costly_effects`) are reported: money moves, a message reaches people or another
service (also a queued job named for it, or a callback URL handed to the work), a stored quantity is incremented,
or a commerce record (an order, a booking) is made; a plain create of another record is reported only with
``report-plain-creates``. Naturally idempotent work (deletes, state updates, ``get_or_create``, rows written with
``bulk_create(..., ignore_conflicts=True)``, an upsert by hand, computations) is left alone, and
so is work idempotent by key: a route declaring 409, a path ending in the client-chosen id, a handler that
answers 409 or 201 only when it created. A commerce record the same router lets its client delete
(``POST /bookings`` beside ``DELETE /bookings/{id}``) is not costly by itself. Created UI state (a second
permalink or editor tab), log entries, activity-log, cache and sync jobs, and resendable verification codes are
not duplicate harm (``harmless-effects``, ``resendable-messages``).

Left alone too: paths with a word saying they create nothing (login, logout, token, auth, session, search, and
reads sent as POST: filter, count, query, paginate, get, list, history, validate, ...; webhooks and callbacks,
whose sender picks the headers; toggles and state changes), judged on the full path with router, blueprint and
Mount prefixes, or on the handler's and class's names when the path is not in the file; and server-rendered
form views that render a template or redirect (through any ``redirect*`` helper), or read form data (Django's
``request.POST``, Flask's ``request.form``) or validate a form, in the handler or one level into a helper of
the same class or module (a browser form cannot send the header).

The fix (unsafe, FastAPI only) adds ``idempotency_key: Optional[str] = Header(default=None,
alias="Idempotency-Key")`` (``str | None`` when the file already writes unions that way, ``Annotated`` when
the handler uses it), importing ``Header``; deduplicating with the key is still the developer's job.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any, Optional

from backend_lint.analysis.admin_only import admin_only, admin_router, admin_routers
from backend_lint.analysis.costly_effects import (
    costly,
    counts_by_purpose,
    created_records,
    message_effect,
    outside_effects,
    reaching_job,
    record_words,
    sends_by_purpose,
)
from backend_lint.analysis.done_guards import applies_once
from backend_lint.analysis.effect_calls import words
from backend_lint.analysis.effects import (
    CREATES,
    ENQUEUES,
    PAYS,
    SENDS,
    Effect,
    handler_effects,
    same_module_helpers,
)
from backend_lint.analysis.form_pages import asgi_form_page
from backend_lint.analysis.handler_body import handler_body
from backend_lint.analysis.handlers import (
    DJANGO,
    DRF,
    FASTAPI,
    FLASK,
    FRAMEWORK_MODULES,
    Handler,
    handler_for,
    handler_model,
)
from backend_lint.analysis.idempotency_keys import keyed_by_client, module_handles_idempotency, reads_key
from backend_lint.analysis.included_routes import included_app_objects
from backend_lint.analysis.own_inbox import mails_own_inbox, named_send
from backend_lint.analysis.post_purposes import checks_sender_signature, exempt_by_name, exempt_words, sends_again
from backend_lint.analysis.project.conditions import (
    ProjectFact,
    checkout_link,
    checks_unique,
    deletes_routed_items,
    does,
    html_view,
    idempotency_middleware,
    no_project,
    reads_idempotency_key,
    route_words,
    test_support,
    unique_record,
)
from backend_lint.analysis.project.handler_conditions import own_inbox, quiet_jobs, unpaying_jobs, unreaching_jobs
from backend_lint.analysis.project.imported import (
    imported_qualified,
    imported_qualified_name,
    project_functions,
)
from backend_lint.analysis.project.view_facts import path_words
from backend_lint.analysis.queued_jobs import (
    project_job_name,
    queued_project_jobs,
    without_harmless_jobs,
)
from backend_lint.analysis.retry_outcomes import consumes_path_resource, deletable_items, posts_to_conversation
from backend_lint.analysis.state_notices import notice_of_a_set
from backend_lint.analysis.unique_models import conflict_skipping_lines, names_match, unique_models
from backend_lint.context import FileContext
from backend_lint.finding import Applicability, Finding
from backend_lint.rule import Option, Rule, visits

if TYPE_CHECKING:
    import libcst as cst

    from backend_lint.fixing.context import FixContext

_KEY_PARAM = "idempotency_key"
_MAX_LINE = 100


def _handler_words(handler: Handler) -> set[str]:
    """The words of the handler's name and of its view class's (``invite_user_to_org``,
    ``InvitationMailAPI.post``): what the endpoint says it sends when the sending call is generic
    (``send_mail``, ``send_notification_to_queue``)."""
    return words(handler.function.name) | (words(handler.class_.name) if handler.class_ is not None else set())


def _own_inbox_sender(harm: list[Effect], handler: Handler, ctx: FileContext) -> tuple[ProjectFact, ...]:
    """The one message the handler sends is a call of a project function in another module
    (``SMTPService.send_contact_admin_email(data)``): the fact that it mails only the site's own inbox, which drops
    the finding (:func:`~.handler_conditions.own_inbox`); nothing for anything else a retry would duplicate."""
    if len(harm) != 1 or harm[0].kind != SENDS or harm[0].via:
        return ()
    tail = f".{harm[0].what}"
    helpers = project_functions(ctx, handler_effects(ctx, handler.function).outside)
    found = [name for name in helpers if name.endswith(tail)]
    return (own_inbox(found[0]),) if len(found) == 1 else ()


def _response_models(handler: Handler, ctx: FileContext) -> list[str]:
    """The project classes the handler declares it answers with: its return annotation or the route's
    ``response_model=`` (``-> FiatSubscriptionResponse``), qualified."""
    written: list[ast.expr] = [handler.function.returns] if handler.function.returns is not None else []
    written += [keyword.value for decorator in handler.function.decorator_list if isinstance(decorator, ast.Call)
                for keyword in decorator.keywords if keyword.arg == "response_model"]
    found = (imported_qualified(ctx, expr) for expr in written if isinstance(expr, (ast.Name, ast.Attribute)))
    return sorted({name for name in found if name is not None})


def _browser_form(handler: Handler, ctx: FileContext) -> bool:
    """A server-rendered form view (Django or Flask; a DRF view that renders or redirects) that renders or
    redirects, or reads form data: browsers
    send no custom headers, so the key cannot be asked for there (the form's CSRF token and redirect-after-POST
    do that job). The evidence may sit one level down, in a helper of the same class or module."""
    if handler.framework not in (DJANGO, FLASK, DRF):
        return asgi_form_page(handler)  # a FastAPI/HTMX dashboard's form page (GET and POST, a template)
    bodies = [handler_body(ctx, handler)]
    for helper in same_module_helpers(ctx, handler.function):
        if isinstance(helper, (ast.FunctionDef, ast.AsyncFunctionDef)):
            bodies.append(handler_body(ctx, Handler(helper, handler.framework, handler.class_,
                                                    handler.request_names, ())))
    if handler.framework == DRF:  # an API view answers JSON unless it renders or redirects itself
        return any(body.renders_html for body in bodies)
    return any(
        body.renders_html or body.form_data or "super().post" in body.calls
        or any(call.endswith(".is_valid") for call in body.calls)
        for body in bodies
    )


class PostWithoutIdempotencyKey(Rule):
    code = "BE301"
    name = "post-without-idempotency-key"
    message = "`{handler}` handles {method} without reading the `{header}` header; accept it and deduplicate retries"
    fix_title = "Add an `idempotency_key` header parameter"
    fix_kind = Applicability.UNSAFE
    fix_node = "FunctionDef"
    triggers = FRAMEWORK_MODULES
    needs = (handler_for, handler_model, handler_body, handler_effects, same_module_helpers, outside_effects,
             module_handles_idempotency, unique_models, admin_routers, conflict_skipping_lines, checks_sender_signature)
    module_facts = (test_support,)
    options = (
        Option("methods", list, ["POST"], "HTTP methods whose handlers must read the idempotency key"),
        Option("idempotency-header", str, "Idempotency-Key", "name of the idempotency key header"),
        Option(
            "exempt-paths",
            list,
            [
                "login", "logout", "signin", "signout", "token", "refresh", "auth", "oauth", "sso", "session",
                "search", "filter", "count", "query", "paginate", "get", "fetch", "read", "list", "lookup", "history",
                "calculate", "compute", "validate", "verify", "preview", "estimate", "test", "testing", "heartbeat",
                "ping",
                "webhook", "hook", "callback", "graphql",
                "favorite", "unfavorite", "favourite", "unfavourite", "star", "unstar", "watch", "unwatch", "follow",
                "unfollow", "subscribe", "unsubscribe", "like", "unlike", "pin", "unpin",
                "close", "cancel", "stop", "shutdown", "pause", "resume", "archive", "unarchive", "enable", "disable",
                "activate", "deactivate", "approve", "deny", "reject", "lock", "unlock", "reset", "sync", "synchronise",
                "synchronize", "replicate", "mark", "unmark",
            ],
            "path words (also plural) of endpoints that create nothing (sign-in, reads sent as POST, a settings "
            "test that sends one test message, webhooks and "
            "a code host's notification hooks, "
            "toggles such as favorite or watch, state changes such as close, approve or reset; sync and "
            "replication jobs), matched on the full path",
        ),
        Option(
            "harmless-effects",
            list,
            ["permalink", "tab", "draft", "log", "logs", "audit", "activity", "activities", "cache", "warm",
             "screenshot", "thumbnail",
             "refresh", "sync", "synchronise", "synchronize", "synchronisation", "synchronization",
             "cleanup", "reindex",
             "theme", "domain", "role", "notification", "asset", "setting", "preference", "config",
             "configuration", "wallet", "import", "replica", "replicate", "replication",
             "file", "upload", "attachment"],
            "words of created things or queued jobs whose duplicate harms nobody (UI state: a second permalink or "
            "editor tab; a log, audit or activity-log entry; a cache warm-up, a sync or clean-up job; an "
            "administrator's configuration record such as a theme, a domain, a role, a notification setting or an "
            "uploaded asset, "
            "which is visible, deletable and acts on nothing outside; an empty wallet; an import or a replication "
            "job, which deduplicates what it brings in; a stored upload and the processing queued for it: a "
            "second copy of a file is visible and deletable)",
        ),
        Option(
            "resendable-messages",
            list,
            ["verification", "verify", "confirmation", "confirm", "otp", "code", "reset", "invite", "invites",
             "invited", "invitation", "invitations"],
            "words of messages a client may ask for again (verification codes, password resets, invitations: a "
            "second copy of an invite is an equally valid invite)",
        ),
        Option(
            "transactional-records",
            list,
            ["order", "payment", "charge", "invoice", "booking", "reservation", "ticket", "transfer",
             "transaction", "purchase", "subscription", "donation", "refund", "payout", "shipment", "withdrawal",
             "deposit", "appointment", "checkout"],
            "words of created records whose duplicate is a second purchase (orders, payments, bookings, "
            "tickets...): creating one is a costly effect; other plain creates are reported only with "
            "report-plain-creates",
        ),
        Option(
            "payment-requests",
            list,
            ["payment request", "payment link", "checkout session", "checkout link", "checkout url"],
            "names (words of what a handler creates) of requests for a payment rather than payments: an invoice "
            "for the caller to receive money, a checkout link the payer may or may not follow; a second one "
            "moves no money",
        ),
        Option(
            "report-plain-creates",
            bool,
            False,
            "also report handlers with no costly effect (no money, message, increment or commerce record): a "
            "plain create of another kind of record (a note, a page, an API key: visible and deletable; judged "
            "on real applications, most were not worth a key) or a job named for nothing costly",
        ),
        Option(
            "report-side-messages",
            bool,
            False,
            "also report handlers whose only costly effect is a message sent as a side effect of their action (a "
            "registration's confirmation, an invitation, a notice): only endpoints named for sending (send, "
            "notify, contact, mail, sms) are reported by default",
        ),
        Option(
            "report-admin-creates",
            bool,
            False,
            "also report handlers only administrators reach whose only effect is creating records (an admin's "
            "duplicate is visible and deletable: reviewers disagree on it)",
        ),
        Option(
            "idempotency-providers",
            list,
            [],
            "names of decorators, dependencies or helpers that handle the key (e.g. 'idempotent')",
        ),
    )

    @visits(ast.FunctionDef, ast.AsyncFunctionDef)
    def check_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> None:
        handler = handler_for(ctx, node)
        if handler is None:
            return
        methods = {method.upper() for method in self.option("methods")}
        matched = sorted(handler.methods & methods)
        if not matched or ctx.is_test_file or exempt_by_name(handler, self.option("exempt-paths")) \
                or checks_sender_signature(ctx, handler):
            return
        if keyed_by_client(handler) or self._reads_key(handler, ctx) or module_handles_idempotency(ctx) \
                or _browser_form(handler, ctx):
            return
        harm = self._duplicate_harm(handler, ctx)
        if not harm:
            self._project_payments(handler, ctx, node, matched[0])
            return
        if all(effect.kind in (CREATES, ENQUEUES) for effect in harm) and posts_to_conversation(handler) \
                and not self.option("report-plain-creates"):
            return  # a chat message or comment: a duplicate is visible and deletable, the queued work follows it
        if all(effect.kind in (CREATES, SENDS) for effect in harm) and applies_once(handler.function):
            return  # ``exclude(organizations=pk)`` before ``org.users.add(*users)``: a retry selects no one
        if notice_of_a_set(handler, harm):
            return  # ``update_password(...)`` then a "password changed" mail: a retry sets it again, one more notice
        if all(effect.kind != PAYS for effect in harm) and consumes_path_resource(handler):
            return  # deletes the resource its path names once done: a retry finds nothing (404)
        if all(effect.kind == SENDS and not effect.via and named_send(effect.what) for effect in harm) \
                and mails_own_inbox(handler.function):
            return  # a contact form mailing the address of the configuration: a second copy in the site's own inbox
        unless: tuple[ProjectFact, ...] = _own_inbox_sender(harm, handler, ctx)
        if not self.option("report-plain-creates"):
            transactional = {word.lower() for word in self.option("transactional-records")}
            said = {word for path in handler.paths for word in path_words(path)}
            side = not self.option("report-side-messages") and not sends_by_purpose(handler, said)
            # a record the client deletes through the same router (``DELETE /bookings/{id}``) is its own to undo
            undone = deletable_items(ctx, handler)
            if not counts_by_purpose(handler, said) and not any(
                    costly(effect, handler, ctx, transactional) and not (side and message_effect(effect))
                    and not (undone and effect.kind == CREATES) for effect in harm):
                # no money, message, quantity or purchase here: only a job of the project named for nothing, or
                # a project function it calls (a service that starts a run), may still reach outside, which their
                # bodies say through the project model (a plain record is visible and deletable)
                neutral = [project_job_name(effect, handler.function, ctx)
                           for effect in harm if effect.kind == ENQUEUES]
                jobs = tuple(name for name in neutral if name is not None)
                resendable = {word.lower() for word in self.option("resendable-messages")}
                if not _handler_words(handler) & resendable:  # get_recover_code: a code asked for again
                    jobs += tuple(handler_effects(ctx, handler.function).outside)
                if not jobs:
                    return
                # single file: no evidence of their bodies; a side message of the work is no harm, money is
                unless += (unpaying_jobs(jobs) if side else unreaching_jobs(jobs), no_project())
            if not undone and handler.class_ is not None and handler.framework in (DJANGO, DRF) \
                    and not handler.paths and ctx.module and not counts_by_purpose(handler, said) \
                    and all(effect.kind == CREATES for effect in harm
                            if costly(effect, handler, ctx, transactional) and not (side and message_effect(effect))):
                # a Django view whose URL conf routes the item path to a view answering DELETE (``payments/`` and
                # ``payments/<uuid:pk>/``): the record the retry creates twice is the client's to delete
                unless += (deletes_routed_items(f"{ctx.module}.{handler.class_.name}"),)
        if all(effect.kind == CREATES for effect in harm) and not self.option("report-admin-creates") \
                and (admin_only(handler) or admin_router(ctx, handler)):
            return  # an administrator's new record: visible and deletable, a duplicate harms nobody
        records = created_records(harm, handler, ctx)
        if records is not None and any(names_match(model, records) for model in unique_models(ctx)):
            return  # the model refuses a second record with the same name: the retry creates nothing
        unless += self._project_providers(handler, ctx)
        jobs = queued_project_jobs(harm, handler.function, ctx)
        if jobs:  # every job it queues only reads and computes (an export writing a file): a retry reaches no one
            unless += (quiet_jobs(jobs),)
        if all(effect.kind == CREATES for effect in harm):  # answers a checkout link: no money moves yet
            unless += tuple(checkout_link(name) for name in _response_models(handler, ctx))
        if records is not None:  # the model, or the service the handler calls, refuses a second one
            unless += (unique_record(records),)
        if records is not None or all(effect.kind in (CREATES, SENDS) for effect in harm):
            # a form or service that refuses an existing record (a client-chosen id) stops the retry before the
            # create and the mail that follows it
            unless += self._uniqueness_checks(handler, ctx)
        header = self.option("idempotency-header")
        fixable = handler.framework == FASTAPI and handler.param(_KEY_PARAM) is None
        self.report(
            ctx,
            node,
            unless=unless,
            applicability=Applicability.UNSAFE if fixable else Applicability.NONE,
            fix_data=_fix_style(handler, ctx, header) if fixable else None,
            handler=node.name,
            method=matched[0],
            header=header,
        )

    def _project_payments(self, handler: Handler, ctx: FileContext, node: ast.AST, method: str) -> None:
        """Nothing in the handler's module is duplicated, but it calls functions of another module of the
        project (``await post_billing(session, "/payments", body)`` in ``upstream.py``): one candidate per
        function, standing when the project model says it (or a project function it calls) pays, and no earlier
        one does (one finding). Only money counts here: a side message or a plain record another module makes
        is judged as in the handler's own module, where it is excused by default."""
        body = handler_body(ctx, handler)
        if body.created_when or body.conflict:
            return
        helpers = project_functions(ctx, handler_effects(ctx, handler.function).outside)
        if not helpers:
            return
        header = self.option("idempotency-header")
        fixable = handler.framework == FASTAPI and handler.param(_KEY_PARAM) is None
        providers = self._project_providers(handler, ctx)
        earlier: list[ProjectFact] = []
        for qualified in helpers:
            fact = does(qualified, PAYS)
            self.report(ctx, node, only_if=(fact,), unless=(*earlier, *providers),
                        applicability=Applicability.UNSAFE if fixable else Applicability.NONE,
                        fix_data=_fix_style(handler, ctx, header) if fixable else None,
                        handler=handler.function.name, method=method, header=header)
            earlier.append(fact)

    def _duplicate_harm(self, handler: Handler, ctx: FileContext) -> list[Effect]:
        """What a retry would do twice: a record (other than UI state such as a permalink or an editor tab),
        a job (other than a cache warm-up or a sync), a message (other than a resendable verification code) or
        a payment (not a request for one: an invoice to receive money, a checkout link). Nothing when the handler
        tells a new resource from one it found (a conditional 201, a lookup whose find it returns before
        creating, a check that raises when the thing is already there) or answers a duplicate with 409 (what it
        creates has a natural key)."""
        body = handler_body(ctx, handler)
        if body.created_when or body.conflict:
            return []
        harmless = {word.lower() for word in self.option("harmless-effects")}
        resendable = {word.lower() for word in self.option("resendable-messages")}
        requests = [words(name) for name in self.option("payment-requests")]
        found = []
        effects = handler_effects(ctx, handler.function)
        if effects.finds_first or effects.refuses_first:
            return []  # a get-or-create by hand; a create refused when the thing is already there
        for effect in effects.harmful:
            if effect.kind == SENDS and sends_again(handler):
                continue  # ``POST /invites/<id>/resend-invite``: sending the message again is what it is asked
            if effect.kind == SENDS:  # (the handler or helper may say what the message is: ``send_email_code``)
                named = words(effect.what) | words(effect.via) | _handler_words(handler)
                excused = resendable
            elif reaching_job(effect) and _handler_words(handler) & resendable:
                continue  # ``send_confirm_link`` queueing ``format_and_send_mail``: a resendable message
            elif effect.kind in (CREATES, ENQUEUES):
                if effect.kind == CREATES and effect.what.endswith("bulk_create") \
                        and effect.line in conflict_skipping_lines(ctx):
                    continue  # ``bulk_create(rows, ignore_conflicts=True)``: the unique key refuses a row twice
                named, excused = record_words(effect, handler, ctx), harmless
                if effect.kind == CREATES and any(request <= named for request in requests):
                    continue  # ``create_payment_request(wallet, data)``: asks for money, moves none
            else:
                named, excused = set(), set()
            if named & excused:
                continue
            found.append(effect)
        found += outside_effects(ctx, handler.function)  # increments, a callback URL handed to the work
        return without_harmless_jobs(found, handler.function)

    def _reads_key(self, handler: Handler, ctx: FileContext) -> bool:
        return reads_key(handler, ctx, self.option("idempotency-header").lower(),
                         set(self.option("idempotency-providers")))

    def _project_providers(self, handler: Handler, ctx: FileContext) -> tuple[ProjectFact, ...]:
        """What another module of the project may do for this handler: an app-wide middleware or hook, or a
        dependency, decorator, base class or helper it uses that reads the key; and, for a Django view whose
        path is written in a URL conf, a path word that exempts it, or a base class that makes it an HTML page."""
        facts = [idempotency_middleware(handler.framework)]
        used: list[ast.expr] = [*handler.function.decorator_list]
        used += [param.marker_call.args[0] for param in handler.params
                 if param.marker_call is not None and param.marker_call.args]
        if handler.class_ is not None:
            used += handler.class_.bases
        for written in used:
            target = written.func if isinstance(written, ast.Call) else written
            qualified = imported_qualified(ctx, target)
            if qualified is not None:
                facts.append(reads_idempotency_key(qualified))
        for call in handler_body(ctx, handler).calls:
            qualified = imported_qualified_name(ctx, call)
            if qualified is not None:
                facts.append(reads_idempotency_key(qualified))
        if not ctx.module:
            return tuple(facts)
        words = exempt_words(self.option("exempt-paths"))
        if handler.framework in (DJANGO, DRF) and not handler.paths:
            view = f"{ctx.module}.{handler.class_.name if handler.class_ else handler.function.name}"
            facts.append(route_words(view, words))
            facts.append(html_view(view))
        facts += [route_words(owner, words) for owner in included_app_objects(ctx, handler)]
        return tuple(dict.fromkeys(facts))

    @staticmethod
    def _uniqueness_checks(handler: Handler, ctx: FileContext) -> tuple[ProjectFact, ...]:
        """A service or command of another module the handler calls checks uniqueness before creating
        (``CreateAnnotationLayerCommand(item).run()`` whose ``validate`` calls ``validate_update_uniqueness``)."""
        facts = []
        for call in handler_body(ctx, handler).calls:
            qualified = imported_qualified_name(ctx, call)
            if qualified is not None:
                facts.append(checks_unique(qualified))
        return tuple(dict.fromkeys(facts))

    def fix(self, finding: Finding, node: cst.CSTNode, fixer: FixContext) -> Optional[cst.CSTNode]:
        import libcst  # noqa: PLC0415 - fix path only

        style: dict[str, Any] = finding.fix_data or {}
        if not isinstance(node, libcst.FunctionDef) or not style:
            return None
        parameters = node.params
        if parameters.star_kwarg is not None or any(
            isinstance(param.name, libcst.Name) and param.name.value == _KEY_PARAM
            for param in [*parameters.posonly_params, *parameters.params, *parameters.kwonly_params]
        ):
            return None
        header_name = fixer.import_from("fastapi", "Header")
        header = style["header"]
        optional = "str | None"
        if not style["union"]:
            optional = f"{fixer.import_from('typing', 'Optional')}[str]"
        if style["annotated"]:
            annotated = fixer.import_from("typing", "Annotated")
            annotation = f'{annotated}[{optional}, {header_name}(alias="{header}")]'
            default = "None"
        else:
            annotation = optional
            default = f'{header_name}(default=None, alias="{header}")'
        new = libcst.Param(
            name=libcst.Name(_KEY_PARAM),
            annotation=libcst.Annotation(libcst.parse_expression(annotation)),
            default=libcst.parse_expression(default),
            equal=libcst.AssignEqual(),
        )
        if isinstance(parameters.star_arg, (libcst.Param, libcst.ParamStar)):
            if not parameters.kwonly_params:
                return None
            kwonly = _append(list(parameters.kwonly_params), new, node)
            return node.with_changes(params=parameters.with_changes(kwonly_params=kwonly))
        params = _append(list(parameters.params), new, node)
        fixed = node.with_changes(params=parameters.with_changes(params=params))
        if parameters.posonly_params or _def_line_length(fixer.code_for(fixed)) + finding.col <= _MAX_LINE:
            return fixed
        return _one_per_line(fixed)


def _fix_style(handler: Handler, ctx: FileContext, header: str) -> dict[str, Any]:
    """How the added parameter is written: ``Annotated`` like the handler, ``X | None`` like the file."""
    annotated = any(param.in_annotated for param in handler.params)
    union = "| None" in ctx.source or "None |" in ctx.source
    return {"annotated": annotated, "union": union, "header": header}


def _append(params: list[cst.Param], new: cst.Param, function: cst.FunctionDef) -> list[cst.Param]:
    """Append ``new``, keeping a multi-line list multi-line (one parameter per line, trailing comma)."""
    import libcst  # noqa: PLC0415 - fix path only

    if params and isinstance(params[-1].comma, libcst.Comma):
        # one parameter per line: the new one takes the trailing comma, the old one a line break
        last = params[-1]
        before = params[-2].comma if len(params) > 1 and isinstance(params[-2].comma, libcst.Comma) else None
        if before is None:
            before = libcst.Comma(whitespace_after=function.whitespace_before_params)
        new = new.with_changes(comma=last.comma)
        params[-1] = last.with_changes(comma=before)
    return [*params, new]



def _def_line_length(code: str) -> int:
    """Length of the ``def`` line of a rendered function (after its decorators and comments)."""
    for line in code.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("def ", "async def ")):
            return len(stripped)
    return 0


def _one_per_line(function: cst.FunctionDef) -> cst.FunctionDef:
    """Rewrite a one-line parameter list as one parameter per line with a trailing comma (black's style)."""
    import libcst  # noqa: PLC0415 - fix path only

    def newline(indent: str) -> libcst.ParenthesizedWhitespace:
        return libcst.ParenthesizedWhitespace(
            first_line=libcst.TrailingWhitespace(), indent=True, last_line=libcst.SimpleWhitespace(indent)
        )

    params = list(function.params.params)
    inner = [param.with_changes(comma=libcst.Comma(whitespace_after=newline("    "))) for param in params[:-1]]
    inner.append(params[-1].with_changes(comma=libcst.Comma(whitespace_after=newline(""))))
    return function.with_changes(
        whitespace_before_params=newline("    "), params=function.params.with_changes(params=inner)
    )
