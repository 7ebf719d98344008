"""Loops over rows whose query per row is the design, not an N+1 (BE103).

A query in a loop over rows is usually one round trip per row that one query before the loop would replace.
Some loops are built to do work per row, or run the query for a few rows only, and one query would lose what
the code needs. Each function here reads one such shape from the loop and the call:

- :func:`leaves_the_loop`: the query sits in a block that ends by leaving the loop (``if matched: owner =
  session.get(...); return owner``): it runs for the one row that matched.
- :func:`on_error_path`: the query sits in an ``except`` clause in the loop: only the rows that fail.
- :func:`probed_branch`: ``if qs.exists(): found.add(qs.first().name)``: a fetch from a queryset the same
  loop has just probed, run only for the rows the probe matched; the probe is the per-row query (and is
  reported), the fetch it guards goes away with it.
- :func:`copies_rows`: the loop copies each row (``copy.pk = None; copy.save()``, or ``create(component=new,
  configuration=addon.configuration)``, a new row under another parent given the row's own fields): one
  object's tree copied row by row, whose per-row reads (the duplicate guard of each copy) go with it.
- :func:`deletes_each_row`: the loop deletes its row (``old_job.delete()``, ``db.session.delete(reg)``): a
  purge, a write per row by design, whose reads decide how to delete each row (SQLAlchemy's unit of work even
  loads the row's collections to cascade the delete, so reading them first costs no query of its own).
- :func:`purges_in_turns`: the query serves a ``while`` in the loop that deletes one row per turn until its
  condition holds (an over-quota user's newest tasks): each turn must see the previous delete.
- :func:`starts_a_job_per_row`: the loop hands a job to a queue per row (``dispatch``, ``.delay``);
  :func:`job_helpers`: the project functions and methods the loop calls, any of which may do so one call deeper
  (``notify_creator(event)`` whose body runs ``send_email.delay(...)``), as facts the project model decides.
- :func:`fetched_to_write`: the query loads one row only to write it (``activity = Activity.objects.get(id=...)``,
  ``activity.total = n``, ``activity.save()``): the read is half of a write per row, which is the design.
- :func:`writes_its_relation`: the query reads a relation of the row that the same pass writes
  (``members = doc.shared_to.all()`` then ``doc.shared_to.add(user)`` for those missing, or ``.count()`` logged
  after ``.set(...)``): the read half of a per-row many-to-many write.
- :func:`fence_read`: the read of a row that a guarded write in the same pass then fences on
  (``kb = ...first()`` then ``update(KB).where(KB.id == kb.id, KB.generation == kb.generation)``, its
  ``rowcount`` checked): a per-row compare-and-set needs the row's version it just read.
- :func:`locked_per_row`: the query sits in a transaction the loop opens for each row (``with
  transaction.atomic():``, ``with session.begin():``) that takes a row lock (``select_for_update()``,
  ``with_for_update()``, SQL ``FOR UPDATE``): what is read there must be read under that row's lock, which one
  query before the loop cannot give.

And one shape that makes a query a query *per row* at all: :func:`uses_the_row`, the query is built from the
loop's row (``Customer.objects.get(pk=order.customer_id)``, ``order.lines.all()``, ``name = device.name`` then
``filter(name=name)``), as a key and not only through arithmetic (a cut-off ``now - timedelta(days=row.offset)``
is a parameter per pass); a query that names nothing of the row asks the same thing on every pass.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Optional, Union

from backend_lint.analysis.ast_helpers import callee_name, mentions_name
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.facts import node_fact, reads
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.mentions import mentioned_names
from backend_lint.analysis.project.conditions import ProjectFact, does, method_does
from backend_lint.analysis.project.imported import imported_qualified
from backend_lint.analysis.query_results import ROWCOUNT, name_uses, result_use

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_EXITS = (ast.Return, ast.Raise, ast.Break)
_PROBES = frozenset({"exists", "count", "aexists", "acount"})
_JOB_STARTS = frozenset({"dispatch", "delay", "apply_async", "enqueue", "send_task", "async_task"})
_CREATES = frozenset({"create", "acreate"})
_TRANSACTIONS = frozenset({"atomic", "begin", "begin_nested", "transaction", "start_transaction"})
"""Calls that open a transaction as a context manager: Django's ``transaction.atomic()``, SQLAlchemy's
``session.begin()``/``begin_nested()``/``engine.begin()``, asyncpg's and psycopg's ``conn.transaction()``."""
_LOCKS = frozenset({"select_for_update", "with_for_update", "with_lockmode", "aselect_for_update"})
"""Query methods that lock the rows they read until the transaction ends (Django, SQLAlchemy)."""
_SQL_LOCK = lazy_compile(r"\bFOR\s+(?:NO\s+KEY\s+)?(?:UPDATE|SHARE)\b|\bpg_advisory_xact_lock\b", re.IGNORECASE)


def leaves_the_loop(node: ast.AST, loop: ast.AST, ctx: FileContext) -> bool:
    """The call sits in a block that ends by leaving the loop (``if matched: user = session.get(...); ...
    return user``): it runs once for the row that matched, not once per row."""
    if not isinstance(loop, (ast.For, ast.AsyncFor)):
        return False  # (a comprehension's element is an expression: nothing in it leaves early)
    child: ast.AST = node
    parent = ctx.parent_of(child)
    while parent is not None and parent is not loop:
        for block in (getattr(parent, name, None) for name in ("body", "orelse", "finalbody")):
            if isinstance(block, list) and child in block and isinstance(block[-1], _EXITS):
                return True
        child, parent = parent, ctx.parent_of(parent)
    return False


def on_error_path(node: ast.AST, loop: ast.AST, ctx: FileContext) -> bool:
    """The call sits in an ``except`` clause inside the loop's body (``try: rows.append(decode(row)) except
    ValueError: session.delete(row)``): it runs only for the rows that fail, a rare path, not once per row."""
    child: ast.AST = node
    parent = ctx.parent_of(child)
    while parent is not None and parent is not loop:
        if isinstance(parent, ast.ExceptHandler) and child in parent.body:
            return True
        child, parent = parent, ctx.parent_of(parent)
    return False


def probed_branch(node: ast.Call, loop: ast.AST, ctx: FileContext) -> bool:
    """``qs.first()`` in the body of an ``if`` of the same loop whose test probes ``qs`` (``if qs.exists():``,
    ``if qs.count():``), or after such a probe in the same ``and`` (``qs.exists() and qs.first().at > t``): it
    runs only for the rows the probe matched (nautobot's rack form, where a match is a
    conflict that ends in a validation error), and the probe, a query per row itself, is where the loop's N+1
    is reported: the one query that replaces the probe gives the row too."""
    receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
    if not isinstance(receiver, ast.Name):
        return False
    child: ast.AST = node
    parent = ctx.parent_of(child)
    while parent is not None and parent is not loop:
        if isinstance(parent, ast.If) and child in parent.body and _probes(parent.test, receiver.id):
            return True
        if isinstance(parent, ast.BoolOp) and isinstance(parent.op, ast.And) and child in parent.values and any(
            _probes(earlier, receiver.id) for earlier in parent.values[:parent.values.index(child)]
        ):
            return True  # ``if runs.exists() and runs.first().run_at > since:`` (paperless's scheduled workflows)
        child, parent = parent, ctx.parent_of(parent)
    return False


def _probes(test: ast.expr, name: str) -> bool:
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _PROBES
        and isinstance(node.func.value, ast.Name) and node.func.value.id == name and not node.args
        for node in ast.walk(test)
    )


_ROW_DELETE = lazy_compile(r"a?(?:soft_)?delete$|(?:mark_(?:as_)?|set_)deleted$")
"""A row's delete, hard or soft: ``delete()``/``adelete()``, and the soft deletes models write for themselves
(``soft_delete()``, ``mark_as_deleted()``: a flag set and saved, the row kept for history)."""


def deletes_each_row(loop: ast.AST) -> bool:
    """The loop deletes the rows it iterates (``old_job.delete()``, ``await row.adelete()``,
    ``db.session.delete(reg)``, ``section.soft_delete()``: kerrokantasi soft-deletes each section one hearing
    edit dropped, and the images of each first): a purge, whose per-row work is a delete by design (with its signals and
    cascades: a query or more per row whatever the reads do), and whose per-row reads decide how to delete that
    row, seeing the deletes of earlier passes (intelowl's nightly retention task counts the jobs left on each
    job's analysable before deleting its file; indico's retention task reads each registration's files, which
    SQLAlchemy loads anyway to cascade the delete). A write per row is not the N+1 the rule is about."""
    if not isinstance(loop, (ast.For, ast.AsyncFor)) or not isinstance(loop.target, ast.Name):
        return False
    row = loop.target.id
    for statement in loop.body:
        for inner in ast.walk(statement):
            if not (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute)
                    and _ROW_DELETE.match(inner.func.attr)):
                continue
            receiver = inner.func.value
            if (not inner.args and isinstance(receiver, ast.Name) and receiver.id == row) or (
                    len(inner.args) == 1 and isinstance(inner.args[0], ast.Name) and inner.args[0].id == row):
                return True  # ``row.delete()``, or ``session.delete(row)`` (not ``row.file.delete()``)
    return False


def purges_in_turns(node: ast.AST, loop: ast.AST, ctx: FileContext) -> bool:
    """The query serves a ``while`` loop, inside the loop over rows, that deletes one fetched row per turn until
    its condition holds: the query is in that ``while`` (``while p.has_exceeded_quota(): last =
    Task.objects.filter(project__owner=p.user).order_by("-created_at").first(); last.delete()``), or it sets a
    local of the block holding it that the ``while`` reads (``task_count = ...count()``, the bound of the purge).
    Each turn must see the deletes of the previous ones, so no prefetch before the outer loop answers it; the
    per-row work is the purge of that row's children (webodm's hourly quota task deleting an over-quota user's
    newest tasks), a write per row by design, like :func:`deletes_each_row`."""
    child: ast.AST = node
    parent = ctx.parent_of(node)
    while parent is not None and parent is not loop:
        if isinstance(parent, ast.While) and child in parent.body and _purges(parent):
            return True
        block = next((block for block in (getattr(parent, name, None) for name in ("body", "orelse", "finalbody"))
                      if isinstance(block, list) and child in block), None)  # a lambda's or ``x if c else y``'s
        # ``body`` is one expression, not a block
        if block is not None and isinstance(child, ast.Assign):
            bound = {target.id for target in child.targets if isinstance(target, ast.Name)}
            later = block[block.index(child) + 1:]
            if any(isinstance(statement, ast.While) and _purges(statement)
                   and mentions_name(statement, bound) for statement in later):
                return True
        child, parent = parent, ctx.parent_of(parent)
    return False


def _purges(loop: ast.While) -> bool:
    """The ``while`` loop's body deletes a row it names (``last_task.delete()``, ``session.delete(row)``)."""
    return any(
        isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute)
        and _ROW_DELETE.match(inner.func.attr)
        and ((not inner.args and isinstance(inner.func.value, ast.Name))
             or (len(inner.args) == 1 and isinstance(inner.args[0], ast.Name)))
        for statement in loop.body for inner in ast.walk(statement)
    )


def copies_rows(loop: ast.AST) -> bool:
    """The loop copies each row: ``day_copy = copy.copy(day); day_copy.pk = None; day_copy.save()``, or a
    ``create(...)`` per row that gives a new row the row's own field under the same name and another parent
    (``addon.addon.create(component=component, configuration=addon.configuration)``, Weblate copying the
    add-ons of one component to a new one). The copy of one object's tree (a workout's days, a plan's meals, a
    component's add-ons) is a write per row by design, whose per-row reads of the children to copy and checks
    for duplicates go with it; so is a ``create(**data)`` given the row's fields as Django's
    ``model_to_dict(row)`` hands them (wger's nutrition plan copy: ``meal_data = model_to_dict(orig_meal)``, then
    ``Meal.objects.create(**meal_data)`` under the new plan). A ``create`` that only hands the row on
    (``create(user=user, ...)``, a notification per user) is no copy."""
    if not isinstance(loop, (ast.For, ast.AsyncFor)):
        return False
    row = loop.target.id if isinstance(loop.target, ast.Name) else None
    fields: set[str] = set()
    for statement in loop.body:
        for node in ast.walk(statement):
            if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and node.value.value is None
                    and any(isinstance(target, ast.Attribute) and target.attr in ("pk", "id")
                            for target in node.targets)):
                return True
            if row is not None and isinstance(node, ast.Assign) and _fields_of(node.value, row):
                fields.update(target.id for target in node.targets if isinstance(target, ast.Name))
            if row is not None and isinstance(node, ast.Call) and callee_name(node) in _CREATES \
                    and (_copy_of(node, row) or _created_from(node, fields)):
                return True
    return False


def _fields_of(value: ast.expr, row: str) -> bool:
    """``model_to_dict(meal)`` for the row ``meal``: Django's copy of the row's fields as a dict."""
    return isinstance(value, ast.Call) and callee_name(value) == "model_to_dict" and len(value.args) >= 1 \
        and isinstance(value.args[0], ast.Name) and value.args[0].id == row


def _created_from(call: ast.Call, fields: set[str]) -> bool:
    """``Meal.objects.create(**meal_data)`` where ``meal_data`` holds the row's fields (:func:`_fields_of`,
    assigned in an earlier statement of the loop's body): the new row is a copy of the row."""
    return any(
        keyword.arg is None and isinstance(keyword.value, ast.Name) and keyword.value.id in fields
        for keyword in call.keywords
    )


def _copy_of(call: ast.Call, row: str) -> bool:
    """``create(component=component, configuration=addon.configuration)`` for the row ``addon``: a keyword given
    the row's field of the same name, and another given a name that is not the row (the new parent); the row
    itself is not handed on (``create(customer=customer, email=customer.email)`` makes a child of the row)."""
    copied = any(
        isinstance(keyword.value, ast.Attribute) and keyword.value.attr == keyword.arg
        and isinstance(keyword.value.value, ast.Name) and keyword.value.value.id == row
        for keyword in call.keywords
    )
    parent = any(
        isinstance(keyword.value, ast.Name) and keyword.value.id != row for keyword in call.keywords
    )
    handed_on = any(
        isinstance(value, ast.Name) and value.id == row
        for value in [*call.args, *(keyword.value for keyword in call.keywords)]
    )
    return copied and parent and not handed_on


@reads(mentioned_names)
def starts_a_job_per_row(loop: ast.AST, ctx: FileContext) -> bool:
    """The loop hands a job to a queue for each row (``dispatch(sync, kwargs=...)``, ``task.delay(row.pk)``): the
    per-row work is the design, and the lookups that prepare each job are small next to the job itself."""
    return isinstance(loop, (ast.For, ast.AsyncFor)) and bool(mentioned_names(ctx, loop) & _JOB_STARTS)


_MAX_HELPERS = 6
"""Project callees of one loop asked about: a loop calling more is a service of its own, not one job per row."""


@reads(bindings_of)
def job_helpers(loop: ast.AST, ctx: FileContext) -> tuple[ProjectFact, ...]:
    """The facts any of which would make the loop hand each row to a queued job through a helper of the project
    (``enqueues`` in its body or in what it calls, :func:`~backend_lint.analysis.project.conditions.does`): a
    function imported from the project or defined in this module (``notify_creator(event)``), a method of the
    class on ``self`` (``self.schedule(row)``), or the method of a project class whose instance the function
    makes (``notification = PaymentOverdue(user, event=event)`` then ``notification.notify()``,
    :func:`~backend_lint.analysis.project.conditions.method_does`), called on every pass of the loop (not under
    an ``if``, in an inner loop or after a ``continue`` that most rows take). The page exempts a loop that
    enqueues a job per row in its own body; the same design one call deeper is the same fact."""
    if not isinstance(loop, (ast.For, ast.AsyncFor)) or not ctx.module:
        return ()
    function = ctx.scope.function
    package = ctx.module.partition(".")[0]
    module_defs = bindings_of(ctx, ctx.tree).definitions
    local_values = bindings_of(ctx, function) if function is not None else None
    facts: list[ProjectFact] = []
    for node in _every_pass(loop.body):
        if not isinstance(node, ast.Call) or len(facts) >= _MAX_HELPERS:
            continue
        func = node.func
        fact: Optional[ProjectFact] = None
        qualified = imported_qualified(ctx, func)
        if qualified is not None:
            if qualified.partition(".")[0] == package and not qualified.rpartition(".")[2][:1].isupper():
                fact = does(qualified, "enqueues")
        elif isinstance(func, ast.Name) and func.id in module_defs and not func.id[:1].isupper():
            fact = does(f"{ctx.module}.{func.id}", "enqueues")
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            cls = ctx.scope.method_class
            if func.value.id == "self" and isinstance(cls, ast.ClassDef):
                fact = does(f"{ctx.module}.{cls.name}.{func.attr}", "enqueues")
            elif local_values is not None:
                made = local_values.single_value(func.value.id)
                if isinstance(made, ast.Call):
                    maker = imported_qualified(ctx, made.func)
                    if maker is None and isinstance(made.func, ast.Name) and made.func.id in module_defs:
                        maker = f"{ctx.module}.{made.func.id}"
                    if maker is not None and maker.partition(".")[0] == package \
                            and maker.rpartition(".")[2][:1].isupper():
                        fact = method_does(maker, func.attr, "enqueues")
        if fact is not None and fact not in facts:
            facts.append(fact)
    return tuple(facts)


def _every_pass(body: list[ast.stmt]) -> list[ast.AST]:
    """The nodes of the statements a loop's body runs on every pass: its own simple statements and those of a
    ``with`` block, not what an ``if``, an inner loop or a ``try`` runs only sometimes (Weblate's billing task
    mails the users of the few expired bills only, in an inner loop after a ``continue``: no job per row)."""
    found: list[ast.AST] = []
    for statement in body:
        if isinstance(statement, ast.If) and any(isinstance(block[-1], (ast.Continue, ast.Break, ast.Return))
                                                 for block in (statement.body, statement.orelse) if block):
            break  # ``if paid: continue``: what follows runs for some rows only
        if isinstance(statement, (ast.With, ast.AsyncWith)):
            found.extend(_every_pass(statement.body))
        elif not isinstance(statement, (ast.If, ast.For, ast.AsyncFor, ast.While, ast.Try, ast.Match,
                                        ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.extend(ast.walk(statement))
    return found


@reads(result_use)


@reads(name_uses)
def fence_read(node: ast.Call, loop: ast.AST, ctx: FileContext) -> bool:
    """The query reads one row into a name (``kb = (await session.exec(select(KB).where(...))).first()``) that a
    guarded write of the same pass reads (``changed = await session.exec(update(KB).where(KB.id == kb.id,
    KB.generation == kb.generation)...)``, then only ``changed.rowcount``): the read and the conditional write
    make one compare-and-set per row (Langflow fencing the knowledge bases of a deleted flow), which one query
    before the loop would not make safer or shorter."""
    name = _assigned_name(node, ctx)
    function = ctx.scope.function
    if name is None or function is None or not isinstance(loop, (ast.For, ast.AsyncFor)):
        return False
    uses = name_uses(ctx, function)
    for statement in loop.body:
        for assign in ast.walk(statement):
            if not (isinstance(assign, ast.Assign) and len(assign.targets) == 1
                    and isinstance(assign.targets[0], ast.Name)
                    and uses.get(assign.targets[0].id) == frozenset({ROWCOUNT})):
                continue
            if any(isinstance(part, ast.Name) and part.id == name for part in ast.walk(assign.value)) \
                    and any(isinstance(part, ast.Call) for part in ast.walk(assign.value)):
                return True
    return False


_ROW_WRITES = frozenset({"save", "asave", "delete", "adelete"})
"""Methods of a model instance that write it (``activity.save(run_triggers=False)``)."""
_SESSION_WRITES = frozenset({"add", "merge", "delete"})
"""Methods of a SQLAlchemy session that write the object handed to them (``session.add(row)``)."""


def fetched_to_write(node: ast.Call, loop: ast.AST, ctx: FileContext) -> bool:
    """The query loads one row into a name (``activity = Activity.objects.filter(id=pk).get()``) whose every use
    in the function writes it: fields set (``activity.deleted_contributors = total``) and the row saved or deleted
    (``activity.save(run_triggers=False)``, ``session.add(activity)``), at least once. The read is half of a write
    per row (bluebottle's nightly retention task saving each activity with its count; an ORM ``save`` needs the
    object, and a bulk ``update`` would skip the model's own save), and a write per row is not the N+1 this rule
    is about."""
    name = _assigned_name(node, ctx)
    function = ctx.scope.function
    if name is None or function is None or not isinstance(loop, (ast.For, ast.AsyncFor)):
        return False
    written: set[ast.AST] = set()  # the uses of the name that write the row or set its fields
    wrote = False
    for part in ast.walk(function):  # (top-down: the walk has not reached the later uses' parents yet)
        if isinstance(part, ast.Attribute) and isinstance(part.value, ast.Name) and part.value.id == name \
                and isinstance(part.ctx, ast.Store):
            written.add(part.value)  # ``activity.total = n``
        elif isinstance(part, ast.Call) and isinstance(part.func, ast.Attribute):
            receiver = part.func.value
            if part.func.attr in _ROW_WRITES and isinstance(receiver, ast.Name) and receiver.id == name:
                written.add(receiver)  # ``activity.save()``
                wrote = True
            elif part.func.attr in _SESSION_WRITES and len(part.args) == 1 and isinstance(part.args[0], ast.Name) \
                    and part.args[0].id == name:
                written.add(part.args[0])  # ``session.add(activity)``
                wrote = True
    return wrote and all(
        use in written for use in ast.walk(function)
        if isinstance(use, ast.Name) and use.id == name and isinstance(use.ctx, ast.Load)
    )  # read, returned or handed on anywhere else: the row is used, not only written


_RELATION_WRITES = frozenset({"add", "set", "remove", "clear", "aadd", "aset", "aremove", "aclear"})
"""Django related-manager writes (``doc.shared_to.add(user)``, ``pathway.items.set(rows)``)."""


def writes_its_relation(node: ast.Call, loop: ast.AST) -> bool:
    """The query reads a relation of a row (``doc.shared_to.all()``, ``pathway.items.count()``) that the loop's
    body also writes through the same manager (``doc.shared_to.add(member)``, ``pathway.items.set(rows)``): the
    read decides or reports a write per row (djangocrm's Celery task adding each team member missing from each
    document's ``shared_to``; enterprisecatalog's count logged after ``.set()``). A prefetch before the loop
    would leave the N writes, and a count after a write must be read after it; a write per row is the design,
    not the N+1 this rule is about."""
    manager = node
    while isinstance(manager, ast.Call) and isinstance(manager.func, ast.Attribute) \
            and isinstance(manager.func.value, ast.Call):
        manager = manager.func.value  # ``doc.shared_to.filter(...).exists()`` down to ``doc.shared_to.filter(...)``
    if not (isinstance(manager, ast.Call) and isinstance(manager.func, ast.Attribute)):
        return False
    relation = manager.func.value
    if not (isinstance(relation, ast.Attribute) and isinstance(relation.value, ast.Name)) \
            or not isinstance(loop, (ast.For, ast.AsyncFor)):
        return False
    written = ast.dump(relation)
    return any(
        isinstance(part, ast.Call) and isinstance(part.func, ast.Attribute) and part.func.attr in _RELATION_WRITES
        and ast.dump(part.func.value) == written
        for statement in loop.body for part in ast.walk(statement)
    )


def _assigned_name(node: ast.Call, ctx: FileContext) -> Optional[str]:
    """The local the query's row is assigned to, through ``await`` and row reads (``(await q).first()``)."""
    current: ast.AST = node
    parent = ctx.parent_of(current)
    while parent is not None:
        if isinstance(parent, ast.Await):
            current, parent = parent, ctx.parent_of(parent)
            continue
        if isinstance(parent, ast.Attribute) and parent.value is current:
            call = ctx.parent_of(parent)
            if isinstance(call, ast.Call) and call.func is parent:
                current, parent = call, ctx.parent_of(call)
                continue
        break
    if isinstance(parent, ast.Assign) and parent.value is current and len(parent.targets) == 1 \
            and isinstance(parent.targets[0], ast.Name):
        return parent.targets[0].id
    return None


def locked_per_row(node: ast.AST, loop: ast.AST, ctx: FileContext) -> bool:
    """The query sits in a transaction opened inside the loop, once per row (``with transaction.atomic():``,
    ``async with session.begin():``), that locks rows (``Event.objects.select_for_update().get(pk=event_id)``,
    ``select(Job).where(...).with_for_update()``, SQL ``... FOR UPDATE``): each row is locked and worked on in its
    own transaction, and the reads made there must see the data under that lock (lego's bump of each event's
    waiting list). One query before the loop would read outside the lock; the per-row round trips are the
    design. A lock taken for the whole loop (the transaction around it) is no such design and stays checked."""
    child: ast.AST = node
    parent = ctx.parent_of(child)
    while parent is not None and parent is not loop:
        if isinstance(parent, (ast.With, ast.AsyncWith)) and child in parent.body \
                and any(_opens_transaction(item.context_expr) for item in parent.items) \
                and any(_locks(inner) for statement in parent.body for inner in ast.walk(statement)):
            return True
        child, parent = parent, ctx.parent_of(parent)
    return False


def _opens_transaction(expr: ast.expr) -> bool:
    """``transaction.atomic()``, ``atomic(using="default")``, ``session.begin()``, ``conn.transaction()``."""
    return isinstance(expr, ast.Call) and callee_name(expr) in _TRANSACTIONS


def _locks(node: ast.AST) -> bool:
    """A call that locks the rows it reads: ``select_for_update(...)``, ``with_for_update(...)``, or SQL text
    written in the call that says ``FOR UPDATE``/``FOR SHARE`` (or takes a transaction's advisory lock)."""
    if not isinstance(node, ast.Call):
        return False
    if callee_name(node) in _LOCKS:
        return True
    return any(isinstance(argument, ast.Constant) and isinstance(argument.value, str)
               and _SQL_LOCK.search(argument.value) is not None for argument in node.args[:1])


@node_fact()
def row_names(ctx: FileContext, loop: ast.AST) -> frozenset[str]:
    """The names that hold the loop's row or something read from it: the names its target binds (``order``,
    ``pk, name``), the locals its body assigns from one of them before (``name = device.name``; not through
    arithmetic: :func:`_reads_row`) and the items of inner loops over one of them (``for base in
    set_obj.exercise_bases``); one pass in the body's order."""
    target = getattr(loop, "target", None)
    if target is None:
        return frozenset()
    names = {part.id for part in ast.walk(target) if isinstance(part, ast.Name)}
    for statement in getattr(loop, "body", ()):
        for bound in ast.walk(statement):
            if isinstance(bound, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                value, targets = bound.value, bound.targets if isinstance(bound, ast.Assign) else [bound.target]
            elif isinstance(bound, (ast.For, ast.AsyncFor, ast.comprehension)):
                value, targets = bound.iter, [bound.target]  # ``for base in row.bases``: items of the row
            else:
                continue
            if value is not None and _reads_row(value, names):
                names.update(part.id for each in targets for part in ast.walk(each) if isinstance(part, ast.Name))
    return frozenset(names)


_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Pow)
"""Operators of a computed amount (``%`` stays a key: it formats the row's key into SQL text)."""


def _reads_row(value: ast.AST, names: Union[set[str], frozenset[str]]) -> bool:
    """``value`` names the row other than through arithmetic: the row itself, something read off it
    (``device.name``, ``row["id"]``, ``str(row.pk)``) or a query keyed by it (``Run.objects.filter(document=doc)``).
    A value the row only enters arithmetic for (``threshold = now - timedelta(days=trigger.offset_days)``) is a
    parameter each pass computes, not the row's key: a query filtered by it asks for another range each pass
    (paperless's scheduled triggers, each with its own date cut-off), which no join or ``IN`` query replaces."""
    if isinstance(value, ast.Name):
        return value.id in names
    if (isinstance(value, ast.BinOp) and isinstance(value.op, _ARITHMETIC)) or (
        isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.USub)
    ):
        return False
    return any(_reads_row(child, names) for child in ast.iter_child_nodes(value))


@reads(row_names)
def uses_the_row(node: ast.AST, loop: ast.AST, ctx: FileContext) -> bool:
    """``node`` names the loop's row (:func:`row_names`): the positive evidence that the query asks something
    different for each row (judged N+1 on real code every time), where a query that names none of it
    (``organiser.events.all()`` in a loop over a user's teams) asks the same thing on every pass."""
    return _reads_row(node, row_names(ctx, loop))
