"""Retries whose purpose is not a request to a shared dependency that may be overloaded (BE203).

Backoff with jitter protects a shared service from a herd of clients retrying in lockstep. Some kinds of
retry have no such herd:

- a transaction retried after a conflict: the attempt commits (itself, or in a function of the same file it
  calls: spiff's ``_save_to_database_once`` retried after a MySQL deadlock), the handler rolls the session
  back, and the pause is short (fittrackee's get-or-create of its one ``AppConfig`` row when two workers race
  to create it at start, 0.1 s apart): the database answered, it is the other writer that is waited for;
- a write retried after a database conflict: the clause that retries catches only a conflict the database
  reports (``IntegrityError`` from a concurrent insert of the same row, a serialization failure, a deadlock,
  a lock not available, SQLAlchemy's ``StaleDataError``; an ``OperationalError``/``DatabaseError`` only when
  the clause tests it for a deadlock, a lock or a serialization failure): courtlistener's ``await d.asave()``
  retried 1 s after an ``IntegrityError`` from another worker saving the same docket, under Django's
  autocommit, with no explicit rollback; also a row another worker is creating that is not there yet (the clause
  catches only ``Docket.DoesNotExist``, ``NoResultFound``: courtlistener waits 1 s, 5 times, for the upload
  task that creates the docket); an error the project names for a conflict (``PaymentAlreadyExistsError``,
``DuplicateKeyError``: :func:`conflict_error`), also as the only ``retry=`` of a tenacity retry
(:func:`tenacity_retries_conflict`). The database answered; the pause waits for the other writer to finish,
  nothing is being hammered;
- a push retried after the remote moved on: the attempt pushes (``repo.remotes["origin"].push(...)``) and the
  clause replays the local change on the new head (``rebase``, ``cherrypick``, ``pull``) before the next try
  (osv's batch worker pushing its vulnerability records, twice more 10 s apart): optimistic concurrency with
  the other writers of the repository, like a transaction retried after a conflict, not a herd on a failing
  service;
- a put on a full in-process queue (``except queue.Full: sleep(0.1)``, every other failure leaving the loop):
  backpressure from a consumer thread of the same process (timesketch's sliced export), nothing remote;
- set-up of the application's own storage: creating the database engine or the tables, or running the
  schema migrations (langflow's ``_create_engine_with_retry``, ``create_db_and_tables_with_retry``, an alembic
  ``command.upgrade`` retried): it runs once per process, at start-up, not per request;
- a process's one-time wait for its dependency at start-up: the loop gives up by ending the process (its
  ``else:`` clause, or the statement right after it, calls ``sys.exit``/``os._exit`` or raises ``SystemExit``:
  yeti's connect to ArangoDB, four tries 5 s apart, then "Could not connect, bailing."): a service that cannot
  start without its database, not a worker retrying a shared dependency while serving;
- a readiness probe that only opens a connection (``asyncio.open_connection(host, port)`` until a deadline):
  waiting for a port to listen (gns3's wait for the QEMU monitor of the process it just started), nothing is
  asked of the server.

- a heartbeat: a function named for one (``send_heart_beat``, ``heartbeat``) sends a liveness ping that carries
  no work, and its sender pings on a fixed beat by design; trying again on that beat after a failed ping is the
  beat itself (fastchat's model worker pinging its controller, 5 s timeout, 5 s apart).

Nor is every sleep in a retry loop a retry's delay: one that the loop always leaves right after
(:func:`pauses_after_success`: a rate-limit courtesy pause after a page read, then ``break``) runs once.

One retry is meant never to stop: an exponential retry that restarts a worker which never returns on its own
(CTFd's Redis pub/sub listener, ``while True: subscribe; read messages``): a stop would end the process's
live events for good, and the exponential wait already spreads the reconnects.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import always_leaves, keyword_value, own_nodes, statement_blocks
from backend_lint.analysis.facts import reads
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.loggers import logging_call_kind
from backend_lint.analysis.resolve import called_function
from backend_lint.analysis.retries import retried_attempts
from backend_lint.analysis.retry_waits import RETRY_ON_TYPES
from backend_lint.analysis.secret_names import split_identifier

if TYPE_CHECKING:
    from backend_lint.analysis.retries import Loop
    from backend_lint.context import FileContext

CONFLICT_PAUSE_SECONDS = 1.0
"""The longest pause between attempts of a transaction retried after a conflict."""


def _calls(nodes: list[ast.stmt]) -> list[ast.Call]:
    return [node for statement in nodes for node in ast.walk(statement) if isinstance(node, ast.Call)]


def _last_name(call: ast.Call) -> str:
    return (dotted_name(call.func) or "").rpartition(".")[2]


@reads(retried_attempts, called_function)
def retries_transaction_conflict(ctx: FileContext, loop: Loop, delay: Optional[float]) -> bool:
    """Every attempt of the retry loop commits a transaction (itself or in a function of this file it calls) and
    every handler rolls it back, with a pause of at most :data:`CONFLICT_PAUSE_SECONDS` (see the module
    docstring)."""
    attempts = retried_attempts(ctx, loop)
    if not attempts or delay is None or delay > CONFLICT_PAUSE_SECONDS:
        return False
    return all(
        _commits(_calls(attempt.body), ctx)
        and all(any(_last_name(call) == "rollback" for call in _calls(handler.body)) for handler in attempt.handlers)
        for attempt in attempts
    )


def _commits(calls: list[ast.Call], ctx: FileContext) -> bool:
    """One of ``calls`` commits, or runs a function of this file (``cls._save_once(...)``) whose own body does."""
    if any(_last_name(call) == "commit" for call in calls):
        return True
    for call in calls:
        callee = called_function(call, ctx, ctx.scope)
        if callee is not None and any(
            isinstance(node, ast.Call) and _last_name(node) == "commit" for node in own_nodes(callee.node)
        ):
            return True
    return False


_REPLAYS = frozenset({"rebase", "cherrypick", "pull"})
"""The words of a call that puts a local change back on top of the remote's new head."""


@reads(retried_attempts)
def retries_push_conflict(ctx: FileContext, loop: Loop) -> bool:
    """Every attempt of the retry loop pushes, and every clause that retries replays the local change on the
    remote's new head (a ``rebase``, ``cherrypick`` or ``pull`` call): a push rejected because another writer got
    there first, retried after catching up (see the module docstring)."""
    attempts = retried_attempts(ctx, loop)
    return bool(attempts) and all(
        any(_called_name(call) == "push" for call in _calls(attempt.body))
        and all(any(_REPLAYS & set(_called_name(call).lower().split("_")) for call in _calls(handler.body))
                for handler in attempt.handlers)
        for attempt in attempts
    )


def _called_name(call: ast.Call) -> str:
    """The name a call ends with, whatever it is called on (``repo.remotes["origin"].push``: ``push``)."""
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


_QUEUE_FULL = frozenset({"queue.Full", "asyncio.QueueFull", "asyncio.queues.QueueFull", "multiprocessing.queues.Full",
                         "gevent.queue.Full"})


def _ends(block: list[ast.stmt]) -> bool:
    """``block`` always ends in ``return``, ``raise`` or ``break``: the failure is not tried again."""
    if not block:
        return False
    last = block[-1]
    if isinstance(last, (ast.Return, ast.Raise, ast.Break)):
        return True
    return isinstance(last, ast.If) and _ends(last.body) and _ends(last.orelse)


@reads(retried_attempts)
def retries_full_queue(ctx: FileContext, loop: Loop) -> bool:
    """The only failure the retry loop tries again is a full in-process queue (``except queue.Full``): every
    other handler of its attempts leaves the loop (see the module docstring)."""
    attempts = retried_attempts(ctx, loop)
    if not attempts:
        return False
    handlers = [handler for attempt in attempts for handler in attempt.handlers]
    full = [handler for handler in handlers if _catches_full_queue(handler, ctx)]
    return bool(full) and all(handler in full or _ends(handler.body) for handler in handlers)


def _catches_full_queue(handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    if handler.type is None:
        return False
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return all((ctx.imports.resolve(kind) or "") in _QUEUE_FULL for kind in kinds)


_SET_UP_PAIRS = (frozenset({"create", "engine"}), frozenset({"create", "tables"}), frozenset({"create", "schema"}))
_MIGRATIONS = frozenset({"migrate", "migration", "migrations"})


_EXITS = frozenset({"sys.exit", "os._exit", "exit", "quit"})


def _exits(block: list[ast.stmt]) -> bool:
    """``block`` ends the process: a call of :data:`_EXITS` or ``raise SystemExit``."""
    for node in (item for statement in block for item in ast.walk(statement)):
        if isinstance(node, ast.Call) and dotted_name(node.func) in _EXITS:
            return True
        if isinstance(node, ast.Raise) and node.exc is not None and "SystemExit" in (
                dotted_name(node.exc.func if isinstance(node.exc, ast.Call) else node.exc) or ""):
            return True
    return False


def gives_up_by_exiting(ctx: FileContext, loop: Loop) -> bool:
    """The retry loop ends the process when its attempts run out (its ``else:`` clause, or the statement that
    follows it in its block, exits): a one-time wait for a dependency at start-up."""
    if _exits(getattr(loop, "orelse", [])):
        return True
    parent = ctx.parent_of(loop)
    for field in ("body", "orelse", "finalbody"):
        block = getattr(parent, field, None)
        if isinstance(block, list) and loop in block:
            following = block[block.index(loop) + 1:block.index(loop) + 2]
            return _exits(following)
    return False


def _sets_up(name: str) -> bool:
    words = set(split_identifier(name))
    return bool(words & _MIGRATIONS) or any(pair <= words for pair in _SET_UP_PAIRS)


def sets_up_storage(function: Optional[ast.AST], ctx: FileContext) -> bool:
    """The function is named for setting up the application's storage, or calls something that is or runs
    alembic (``_create_engine``, ``create_db_and_tables``, ``run_migrations``, ``command.upgrade``)."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    if _sets_up(function.name):
        return True
    for node in own_nodes(function):
        if isinstance(node, ast.Call):
            resolved = ctx.imports.resolve(node.func) or ""
            if resolved.partition(".")[0] == "alembic" or _sets_up(_last_name(node)):
                return True
    return False


_CONNECTS = frozenset({"asyncio.open_connection", "asyncio.open_unix_connection", "socket.create_connection"})


def _connects(call: ast.Call, ctx: FileContext) -> bool:
    """A plain TCP or Unix socket connection (``asyncio.open_connection``, ``socket.create_connection``,
    ``sock.connect_ex``): no protocol is spoken, unlike a database driver's or a websocket's ``connect``."""
    return ctx.imports.resolve(call.func) in _CONNECTS or _last_name(call) == "connect_ex"


@reads(retried_attempts, logging_call_kind)
def probes_connection(ctx: FileContext, loop: Loop) -> bool:
    """Every attempt of the retry loop only opens a socket connection (and logs): a wait for a port to listen."""
    attempts = retried_attempts(ctx, loop)
    calls = [call for attempt in attempts for call in _calls(attempt.body)]
    return any(_connects(call, ctx) for call in calls) and all(
        _connects(call, ctx) or logging_call_kind(call, ctx) is not None for call in calls
    )


def runs_forever(function: ast.AST) -> bool:
    """``function`` never returns on its own: its body has a ``while True`` loop, and nothing in the function
    (nested functions left out) returns or breaks out of a loop. A retry around it restarts a long-lived
    worker (a subscriber's read loop) after a failure, and "never stops retrying" is what it is for."""
    forever = any(isinstance(statement, ast.While) and isinstance(statement.test, ast.Constant)
                  and statement.test.value is True for statement in getattr(function, "body", []))
    return forever and not any(isinstance(node, (ast.Return, ast.Break)) for node in own_nodes(function))


_LOCAL_ERRORS = frozenset({"AttributeError", "TypeError", "KeyError", "IndexError", "LookupError", "NameError"})
"""Errors raised inside this process (a client library's own bug), not answers of a server."""
_SERVER_ERROR_WORDS = ("HTTPError", "ConnectionError", "RequestException", "Timeout", "TransportError",
                       "HTTPStatusError")


def _caught(handler: ast.ExceptHandler) -> list[str]:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return [(dotted_name(kind) or "").rpartition(".")[2] if kind is not None else "" for kind in kinds]


def _computes_wait(handler: ast.ExceptHandler) -> bool:
    """The handler waits a delay it computes: a name given a call's result (``delay_until =
    _handle_http_error(e, attempt, MAX_RETRIES)``) that a ``while`` test or a sleep reads, or a sleep whose
    argument is a call or arithmetic (``time.sleep(backoff(attempt))``, ``time.sleep(2 ** attempt)``)."""
    computed = {
        target.id for statement in handler.body for node in ast.walk(statement)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
        for target in node.targets if isinstance(target, ast.Name)
    }
    for statement in handler.body:
        for node in ast.walk(statement):
            if isinstance(node, ast.While) and any(
                isinstance(part, ast.Name) and part.id in computed for part in ast.walk(node.test)
            ):
                return True
            if isinstance(node, ast.Call) and _last_name(node) == "sleep" and node.args:
                argument = node.args[0]
                if isinstance(argument, (ast.Call, ast.BinOp)) or (
                    isinstance(argument, ast.Name) and argument.id in computed
                ):
                    return True
    return False


def server_errors_back_off(ctx: FileContext, handler: ast.ExceptHandler) -> bool:
    """A constant sleep in ``handler``, which catches only errors raised in this process (``except
    AttributeError``: "some error within the Confluence library, unclear why it fails"), of a ``try`` whose other
    clause catches the server's errors (``except HTTPError``) and waits a delay it computes (an exponential
    backoff): the server's failures back off, and the fixed pause only spaces retries of a local fault, no herd
    on a failing server (Onyx's Confluence client)."""
    attempt = ctx.parent_of(handler)
    kinds = _caught(handler)
    if not isinstance(attempt, ast.Try) or not kinds or not all(kind in _LOCAL_ERRORS for kind in kinds):
        return False
    return any(
        other is not handler and _caught(other) and all(
            any(word in kind for word in _SERVER_ERROR_WORDS) for kind in _caught(other)
        ) and _computes_wait(other)
        for other in attempt.handlers
    )


_CONFLICTS = frozenset({"IntegrityError", "UniqueViolation", "SerializationFailure", "DeadlockDetected",
                        "TransactionRollbackError", "LockNotAvailable", "StaleDataError", "ObjectDeletedError",
                        "DeadlockError", "LockTimeout", "ConcurrentUpdateError",
                        "DoesNotExist", "ObjectDoesNotExist", "NoResultFound"})
"""Errors in which the database reports a conflict with another writer, whatever driver or ORM spells them, or
that the row another writer is creating is not there yet (``Docket.DoesNotExist``): the database answered."""
_MAYBE_CONFLICTS = frozenset({"OperationalError", "DatabaseError", "DBAPIError", "InternalError"})
"""Errors that are a conflict only when the clause tests for one (a deadlock, a lock, a serialization failure)."""
_CONFLICT_WORDS = ("deadlock", "serializ", "lock", "40001", "40p01", "1213", "1205", "nowait", "concurrent")


_CONFLICT_NAME_WORDS = frozenset({"duplicate", "conflict", "conflicting"})


def conflict_error(name: str) -> bool:
    """The error class ``name`` (its last part) reports a conflict with another writer: a database's
    (:data:`_CONFLICTS`), or one the project names for it (``PaymentAlreadyExistsError`` raised on a unique-key
    conflict, ``DuplicateKeyError``, ``VersionConflictError``)."""
    last = name.rpartition(".")[2]
    words = set(split_identifier(last))
    return last in _CONFLICTS or bool(words & _CONFLICT_NAME_WORDS) or {"already", "exists"} <= words


def tenacity_retries_conflict(call: Optional[ast.Call], ctx: FileContext) -> bool:
    """The tenacity retry ``call`` retries only conflicts (``retry=retry_if_exception_type(AlreadyExistsError)``,
    :func:`conflict_error`): the store answered, and the next attempt (a fresh id, a re-read row) does not wait for
    a failing service to recover (osparc's payment transaction inserted again under a new ``uuid4()`` after a
    unique-key conflict, seed 132)."""
    condition = keyword_value(call, "retry") if call is not None else None
    if not isinstance(condition, ast.Call) or ctx.imports.resolve(condition.func) not in RETRY_ON_TYPES:
        return False
    kinds = [*condition.args, *(item.value for item in condition.keywords if item.arg == "exception_types")]
    names = [
        dotted_name(kind) or "" for written in kinds
        for kind in (written.elts if isinstance(written, ast.Tuple) else [written])
    ]
    return bool(names) and all(name and conflict_error(name) for name in names)


def _conflict_clause(handler: ast.ExceptHandler) -> bool:
    kinds = _caught(handler)
    if not kinds or "" in kinds:
        return False
    if all(conflict_error(kind) for kind in kinds):
        return True
    return all(conflict_error(kind) or kind in _MAYBE_CONFLICTS for kind in kinds) and _tests_conflict(handler)


def _tests_conflict(handler: ast.ExceptHandler) -> bool:
    """The clause's ``if`` tests name a conflict (``if "deadlock" in str(e)``, ``e.orig.pgcode == "40001"``)."""
    for statement in handler.body:
        for node in ast.walk(statement):
            if not isinstance(node, (ast.If, ast.IfExp, ast.While)):
                continue
            for part in ast.walk(node.test):
                text = part.value if isinstance(part, ast.Constant) and isinstance(part.value, str) else \
                    part.attr if isinstance(part, ast.Attribute) else part.id if isinstance(part, ast.Name) else ""
                if any(word in text.lower() for word in _CONFLICT_WORDS):
                    return True
    return False


@reads(retried_attempts)
def retries_database_conflict(ctx: FileContext, loop: Loop) -> bool:
    """The clauses of the retry loop that try again catch only a database conflict (see the module docstring):
    the clause the sleep is in, or, for a sleep outside the clauses, every clause that does not leave."""
    attempts = retried_attempts(ctx, loop)
    if not attempts:
        return False
    handler = ctx.scope.except_handler
    handlers = [clause for attempt in attempts for clause in attempt.handlers]
    if handler is not None and handler in handlers:
        return _conflict_clause(handler)
    retrying = [clause for clause in handlers if not _ends(clause.body)]
    return bool(retrying) and all(_conflict_clause(clause) for clause in retrying)


@reads(logging_call_kind)
def pauses_after_success(call: ast.Call, loop: Loop, ctx: FileContext) -> bool:
    """The sleep ``call`` is followed, in its block or a block around it inside ``loop``, by statements that
    always leave the loop (``break``, ``return``): it pauses once before the loop ends, not between attempts.
    Sefaria's pager sleeps 10 s when the API says its rate limit is spent, after a page it read, then breaks:
    a courtesy pause on success, not a retry's delay. Only log lines may run between the sleep and the exit:
    ``time.sleep(2); return fetch()`` waits before an attempt."""
    statement: Optional[ast.AST] = ctx.parent_of(call)
    while statement is not None and not isinstance(statement, ast.stmt):
        statement = ctx.parent_of(statement)
    while statement is not None and statement is not loop:
        parent = ctx.parent_of(statement)
        if parent is None:
            return False
        for block in statement_blocks(parent):
            at = next((index for index, item in enumerate(block) if item is statement), None)
            if at is None:
                continue
            rest = block[at + 1:]
            if any(not _reports(call, ctx) for call in _calls(rest)):
                return False  # an attempt follows the sleep (``sleep(2); return fetch()``): a retry's delay
            if always_leaves(rest, (ast.Break, ast.Return)):
                return True
            if always_leaves(rest, (ast.Continue, ast.Raise)):
                return False  # ``sleep(delay); continue``: the next attempt follows
        statement = parent
    return False


def _reports(call: ast.Call, ctx: FileContext) -> bool:
    """A log line or a ``print``: no work of its own."""
    return (isinstance(call.func, ast.Name) and call.func.id == "print") or logging_call_kind(call, ctx) is not None


def sends_heartbeat(function: Optional[ast.AST]) -> bool:
    """``function`` is named for a heartbeat (``send_heart_beat``, ``heartbeat``, ``_heartbeat_loop``): the
    request it retries is a liveness ping on a fixed beat, whose retry on that beat is the design."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    words = split_identifier(function.name)
    return bool({"heartbeat", "heartbeats"} & set(words)) or any(
        first == "heart" and second == "beat" for first, second in zip(words, words[1:]))
