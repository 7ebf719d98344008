"""What a queued job a handler enqueues is handed, read from the enqueueing call (BE301).

A retried POST runs the handler again, and the job it queues runs again. Whether that second run harms anyone
depends on what the job is given, which the enqueueing call shows:

- a **trigger**: the job is handed nothing from the request (``background_tasks.add_task(send_email_batch)``,
  ``tasks.reindex_all.delay()``): it works from what the server holds (the requests pending e-mail, the rows
  due), and a retried trigger finds that work running or done (fides' e-mail batch, which locks and drains the
  requests still waiting);
- a **follow-up of a record just created**: the job is handed the record the handler created in the same body
  (``page_transaction.delay(page_id=serializer.data["id"])`` after ``serializer.save()``): it logs, indexes or
  hooks that record, and on a retry it follows the second record, visible and deletable like the record itself;
- a **forced re-run**: the handler passes a ``force`` flag to the work it starts (``analyzer_force_run=...``):
  by default the work skips what it already did (timesketch skips an analyzer already run with the same
  arguments), so it is re-runnable by design.

Only the handler's own body is read (effects found in a helper are not matched to a call here).
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Optional, Union

from backend_lint.analysis.ast_helpers import callee_name
from backend_lint.analysis.effect_calls import words
from backend_lint.analysis.effects import CREATES, ENQUEUES, Effect
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.project.imported import absolute_name, imported_qualified

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]
_JOB_FIRST = frozenset({"add_task", "enqueue", "enqueue_call", "async_task", "schedule_task"})
_ON_TASK = frozenset({"delay", "apply_async", "send", "kiq"})
_CREATE_CALLS = frozenset({"create", "bulk_create", "insert", "insert_one", "create_one"})
_MESSAGE_WORDS = frozenset({"mail", "email", "emails", "sms", "message", "messages", "notify", "notification",
                            "notifications", "webhook", "webhooks", "invite", "invitation", "push", "alert",
                            "send", "forward", "charge", "pay", "payment"})
"""Words of a job that acts outside (delivers a message, forwards a request, moves money): not a mere
follow-up, a second run reaches someone."""


def _enqueue_call(function: _Function, effect: Effect) -> Optional[ast.Call]:
    """The call in ``function``'s own body that ``effect`` (an enqueue found there) was read from."""
    if effect.kind != ENQUEUES or effect.via:
        return None
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and node.lineno == effect.line \
                and callee_name(node) in _JOB_FIRST | _ON_TASK | {"enqueue_at", "enqueue_in", "send_task",
                                                                  "send_with_options"}:
            return node
    return None


def _assigned_locals(function: _Function) -> set[str]:
    return {target.id for node in ast.walk(function) if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign))
            for target in ([node.target] if not isinstance(node, ast.Assign) else node.targets)
            if isinstance(target, ast.Name)}


def payload_free_trigger(function: _Function, effect: Effect) -> bool:
    """The enqueue at ``effect`` hands the job nothing: ``add_task(send_email_batch)`` with no other argument,
    or ``send_digest.delay()`` on a task named where it is defined or imported (not on a local canvas built
    with arguments, ``pipeline = chain(...); pipeline.apply_async()``)."""
    call = _enqueue_call(function, effect)
    if call is None:
        return False
    last = callee_name(call)
    if last in _JOB_FIRST:
        return len(call.args) == 1 and not call.keywords and isinstance(call.args[0], (ast.Name, ast.Attribute))
    if last not in _ON_TASK or call.args or call.keywords or not isinstance(call.func, ast.Attribute):
        return False
    receiver = call.func.value
    root = receiver
    while isinstance(root, ast.Attribute):
        root = root.value
    return isinstance(root, ast.Name) and root.id not in _assigned_locals(function) \
        and not isinstance(receiver, ast.Call)


def _created_names(function: _Function) -> set[str]:
    """Locals holding what the body created: ``serializer`` of ``serializer.save()`` where ``serializer =
    PageSerializer(data=...)``, ``task`` of ``db.session.add(task)`` where ``task = CaseTask(...)``, ``page`` of
    ``page = Page.objects.create(...)`` or ``page = create_page(...)``. A local fetched anywhere in the body
    (``obj = self.get_object()``, ``order = Order.objects.get(...)``) is an update's, not a new record's; one
    rebound from a call handed the local itself (``credential = await update(credential.credential_id)``) is
    still the record it held."""
    built: set[str] = set()
    fetched: set[str] = set()
    created: set[str] = set()
    stored: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "save" and isinstance(node.func.value, ast.Name):
                stored.add(node.func.value.id)
            elif node.func.attr == "add" and node.args and isinstance(node.args[0], ast.Name):
                stored.add(node.args[0].id)
        if not isinstance(node, ast.Assign):
            continue
        value = node.value.value if isinstance(node.value, ast.Await) else node.value
        targets = {target.id for target in node.targets if isinstance(target, ast.Name)}
        last = callee_name(value) if isinstance(value, ast.Call) else ""
        if last in _CREATE_CALLS or last.startswith("create_"):
            created |= targets
        elif isinstance(value, ast.Call) and last[:1].isupper() \
                and not any(keyword.arg == "instance" for keyword in value.keywords):
            built |= targets
        elif not (isinstance(value, ast.Call) and targets & _mentioned(value)):
            fetched |= targets  # (``credential = update(credential.credential_id, ...)``: the same record again)
    return (created | (stored & built)) - fetched


def _mentioned(value: ast.expr) -> set[str]:
    """The names a value is made from: a local rebound from a call given itself (``credential = await
    update_credential(credential_id=credential.credential_id, ...)``) is the record it already held, updated."""
    return {node.id for node in ast.walk(value) if isinstance(node, ast.Name)}


def follows_created_record(function: _Function, effect: Effect) -> bool:
    """The enqueue at ``effect`` hands the job the record the body just created (an argument mentions it,
    ``page_id=serializer.data["id"]``), and the job's name says it reaches no one (not a mail, a notification,
    a webhook, a forwarded request or a payment)."""
    call = _enqueue_call(function, effect)
    if call is None:
        return False
    job = call.args[0] if callee_name(call) in _JOB_FIRST and call.args else call.func
    named = words(ast.unparse(job))
    if named & _MESSAGE_WORDS:
        return False
    created = _created_names(function)
    handed = call.args[1:] if callee_name(call) in _JOB_FIRST else call.args
    passed = [*handed, *(keyword.value for keyword in call.keywords)]
    return bool(created) and any(isinstance(part, ast.Name) and part.id in created
                                 for value in passed for part in ast.walk(value))


def forced_rerun(function: _Function, effect: Effect) -> bool:
    """The handler passes a ``force`` flag to what it calls (``build_pipeline(..., analyzer_force_run=force)``)
    and queues, in its own body, a job whose name says it reaches no one (``pipeline.apply_async()``): the work
    it starts skips by default what it already did, so a repeat is a re-run by design."""
    return effect.kind == ENQUEUES and not effect.via and not words(effect.what) & _MESSAGE_WORDS and any(
        isinstance(node, ast.keyword) and node.arg is not None and "force" in words(node.arg)
        for node in ast.walk(function))


_INSERT_TABLE = lazy_compile(r"^\s*insert\s+(?:or\s+\w+\s+)?into\s+[\"`]?([\w.]+)", re.IGNORECASE)
_QUEUE_TABLE_WORDS = frozenset({"task", "tasks", "job", "jobs", "queue", "queued", "outbox"})
"""Words of a table whose rows are work for a background worker (``background_tasks``, ``job_queue``)."""


def inserts_queued_work(function: ast.AST) -> bool:
    """The function writes a row of work for a background worker: an ``INSERT INTO background_tasks ...`` (a
    table named for tasks, jobs, a queue or an outbox). That row is the job queued, as a queue call's message
    would be (listenbrainz's export, processed later by its background task runner, BE305)."""
    for node in ast.walk(function):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = _INSERT_TABLE.match(node.value)
            if match and _QUEUE_TABLE_WORDS.intersection(re.split(r"[_.]", match.group(1).lower())):
                return True
    return False


def queued_job(function: _Function, effect: Effect) -> Optional[ast.expr]:
    """The job the enqueue at ``effect`` queues, as written: ``export_apps`` of ``export_apps.apply_async(...)``
    or ``tasks.export_apps.delay(...)``, the first argument of ``background_tasks.add_task(export_apps, ...)``
    (a name or a dotted name, not a call building a signature); ``None`` otherwise."""
    call = _enqueue_call(function, effect)
    if call is None:
        return None
    last = callee_name(call)
    if last in _JOB_FIRST:
        job = call.args[0] if call.args else None
    elif last in _ON_TASK and isinstance(call.func, ast.Attribute):
        job = call.func.value
    else:
        return None
    return job if isinstance(job, (ast.Name, ast.Attribute)) else None


def locally_imported(function: _Function, name: str) -> Optional[str]:
    """The module path ``name`` is imported from inside ``function`` (``from .helpers.tasks import
    export_sales_task`` in the handler body): ``.helpers.tasks.export_sales_task``, relative dots kept."""
    for node in ast.walk(function):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    return "." * node.level + (f"{node.module}." if node.module else "") + alias.name
    return None


def job_bookkeeping(function: _Function, jobs: list[Effect], record: Effect) -> bool:
    """The record created at ``record`` (in ``function``'s own body) is handed the handle of a job the body
    queued (``task = export_task.delay(...)`` then ``create_export_job(task.id, event_id)``): it is the job's own
    bookkeeping row, made once per job, so it repeats exactly when the job does and says nothing of its own."""
    if record.via:
        return False
    handles: set[str] = set()
    for effect in jobs:
        call = _enqueue_call(function, effect)
        for node in ast.walk(function):
            if isinstance(node, ast.Assign) and (node.value is call or (
                    isinstance(node.value, ast.Await) and node.value.value is call)):
                handles |= {target.id for target in node.targets if isinstance(target, ast.Name)}
    if not handles:
        return False
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and node.lineno == record.line:
            passed = [*node.args, *(keyword.value for keyword in node.keywords)]
            if any(isinstance(part, ast.Name) and part.id in handles for value in passed for part in ast.walk(value)):
                return True
    return False


def without_harmless_jobs(found: list[Effect], function: _Function) -> list[Effect]:
    """``found`` without the queued jobs whose second run harms nobody, read from the enqueueing call
    (:mod:`backend_lint.analysis.queued_jobs`): a trigger handed nothing (it drains what the server holds), a
    job of a handler that passes a ``force`` flag (the work skips what it did unless forced), and a follow-up
    handed the record the handler just saved or created (its log, index or hooks: on a retry it follows the
    second record, visible and deletable like the record; the record itself is still judged as a create)."""
    return [effect for effect in found if effect.kind != ENQUEUES or not (
        payload_free_trigger(function, effect) or forced_rerun(function, effect)
        or follows_created_record(function, effect))]


def queued_project_jobs(harm: list[Effect], function: _Function, ctx: FileContext) -> tuple[str, ...]:
    """The qualified names of the jobs ``harm`` queues, when all it does is queue jobs of the project named
    where they are imported or defined (a module-level or handler-local import, or a function of this module);
    empty otherwise. A record handed the queued job's handle (``create_export_job(task.id, event_id)``) is the
    job's bookkeeping and goes with it (:func:`job_bookkeeping`). Whether a job harms anyone
    twice is then what its body does (:func:`.handler_conditions.quiet_jobs`), not what it is called."""
    queued = [effect for effect in harm if effect.kind == ENQUEUES]
    if not queued or any(effect.kind != ENQUEUES and not (
            effect.kind == CREATES and job_bookkeeping(function, queued, effect)) for effect in harm):
        return ()
    found = [project_job_name(effect, function, ctx) for effect in queued]
    return () if None in found else tuple(name for name in found if name is not None)


def project_job_name(effect: Effect, function: _Function, ctx: FileContext) -> Optional[str]:
    """The qualified name of the project job the enqueue at ``effect`` queues, named where it is imported or
    defined (a module-level or handler-local import, or a function of this module); ``None`` otherwise."""
    job = queued_job(function, effect)
    if job is None:
        return None
    qualified = imported_qualified(ctx, job)
    if qualified is None and isinstance(job, ast.Name):
        local = locally_imported(function, job.id)
        if local is not None:
            qualified = absolute_name(ctx, local)
        elif ctx.module and any(isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == job.id
                                for item in ctx.tree.body):
            qualified = f"{ctx.module}.{job.id}"
    return qualified
