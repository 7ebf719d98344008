"""Retries that wait for something to start, not for a failing dependency to recover (BE203).

Backoff protects a service that answers badly under load from a herd retrying in lockstep. Two kinds of retry
put no load on such a service:

- **a wait for a listener**: the retry fires only when the connection is refused, nothing listening on the
  port yet (``except ConnectionRefusedError``, ``except httpx.ConnectError``, tenacity's
  ``retry=retry_if_exception_type(ConnectionRefusedError)``). A refused connection never reached a server's
  work: the peer's kernel answered "nobody here". A server under load accepts and is slow (a timeout, a 5xx),
  which such a retry does not catch and so does not repeat. Phoenix's fixture loader polls its own server's
  ``/healthz`` until it listens (5 s deadline); OpenHands' Jupyter client retries its kernel gateway while it
  starts. A missing socket file caught beside the refusal (``FileNotFoundError``: a unix socket the listener
  has not made yet) is the same wait. A clause that also catches timeouts, resets or any ``Exception`` stays
  flagged.
- **a readiness wait**: a function whose name says it waits for something to come up (``wait_until_alive``,
  ``_wait_for_server_ready``, ``wait_until_healthy``, ``wait_till_redis_is_responsive``: the word ``wait`` with
  ``alive``, ``ready``, ``healthy``, ``up``, ``started``, ``available``, ``responsive`` or ``reachable``), retried
  by ``@retry`` or by its own loop: it polls a server or container the application just started until it answers
  (OpenHands' runtimes wait up to 120 s, 2 s apart, for the sandbox they launched). Polling a starting service is
  not retrying a failure of a shared one, the same reading as a poll loop without a success exit.
- **a local process started**: a ``@retry``-decorated function whose work is starting a process on this
  machine (``multiprocessing.Process(...)``, ``subprocess.Popen``, ``asyncio.create_subprocess_exec``) and that
  names no network client module: OpenHands' ``init_browser`` starting the headless browser process again.
  Nothing shared takes the load (the same reading as :func:`.retries.retries_local_work` for loops).
- **a wait said to be one** (:func:`documented_readiness_wait`): the function's docstring, or a comment, a
  log line or the message raised in the loop, says the target may not be up yet ("give the replica time to become
  available", "in case its HTTP server is not running yet", "endpoints did not become ready"). Judged on
  dstack's gateway set-up and tracecat's benchmark runner: every such loop polled one host or endpoint the
  code itself had just provisioned or started.
- **a fixed pace the author chose on purpose** (:func:`documents_fixed_pace`): the function's docstring says
  the delay is "not exponential" or that the layers below "already back off" (onyx's port task: the embedder
  and search clients back off, the outer loop only guards a pipeline hiccup). A reviewed decision, like a
  ``# noqa`` on the line.
- **a poll of a state** (:func:`polls_state`): the retried code tests a state and raises tenacity's ``TryAgain``
  when it is not reached yet (``if not job_status.done: raise TryAgain``, ``if not await client.ping(): raise
  TryAgain``, the health of a sidecar the scheduler just started), under a fixed ``wait``: the interval of a poll,
  the same reading as a poll loop without a success exit. A ``retry=`` that also names a server's errors
  (``retry_if_exception_type((TryAgain, httpx.HTTPError))``) or is a predicate of its own
  (``retry_if_exception(_is_transient_server_error)``) is a retry of failures as well and stays flagged (osparc's
  job, redis and sidecar polls, seed 132).
- **a wait for one machine's shell** (:func:`retries_over_ssh`): the loop catches an SSH error
  (``SSHError``, ``paramiko.SSHException``). An SSH session reaches one host, typically the instance the code
  provisions or the user's own, not a service a fleet of workers shares (dstack's tunnel, gateway and
  host-info polls, all judged false).
- **a wait for a resource just made** (:func:`retries_new_resource`): the loop's ``try`` calls a method of what
  the function created before the loop (``instance = ec2.create_instances(...)[0]``, then
  ``instance.modify_attribute(...)``): the provider finishes making it a moment after answering (CAPEv2's AWS
  machinery, seed 135).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import keyword_value, own_nodes, statement_nodes
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.reader_comments import reader_comment
from backend_lint.analysis.secret_names import split_identifier
from backend_lint.analysis.tree_walk import walk

if TYPE_CHECKING:
    from backend_lint.context import FileContext

Parents = Callable[[ast.AST], Optional[ast.AST]]

_REFUSALS = frozenset(
    {"builtins.ConnectionRefusedError", "httpx.ConnectError", "httpcore.ConnectError",
     "aiohttp.ClientConnectorError", "aiohttp.client_exceptions.ClientConnectorError"}
)
"""Errors that mean the connection was refused or never made: nothing reached the server's work."""
_NOT_THERE_YET = frozenset({"builtins.FileNotFoundError"})
"""Caught beside a refusal, the socket file of a local listener that has not made it yet (hail's worker connecting
to the unix socket of the JVM it just started: ``except (FileNotFoundError, ConnectionRefusedError)``): raised on
this machine before anything is asked of a server."""
RETRY_ON_TYPES = frozenset({"tenacity.retry_if_exception_type", "tenacity.retry.retry_if_exception_type"})
_PROCESS_STARTS = frozenset(
    {"multiprocessing.Process", "multiprocessing.context.Process", "subprocess.Popen", "subprocess.run",
     "subprocess.call", "subprocess.check_call", "subprocess.check_output", "asyncio.create_subprocess_exec",
     "asyncio.create_subprocess_shell"}
)
NETWORK_MODULES = frozenset({"requests", "httpx", "aiohttp", "urllib", "urllib3", "http", "socket", "websockets",
                             "grpc", "boto3", "botocore", "smtplib", "ftplib"})
"""Modules whose calls reach another machine: a function that names one does more than local work."""


def _error_name(node: ast.expr, ctx: FileContext) -> Optional[str]:
    if isinstance(node, ast.Name) and node.id not in ctx.imports.names:
        return f"builtins.{node.id}"
    return ctx.imports.resolve(node)


def only_refusals(kinds: Optional[ast.expr], ctx: FileContext) -> bool:
    """``kinds`` (an ``except`` clause's type, or the classes given to ``retry_if_exception_type``) names only
    errors of a refused connection, and at least one (a missing socket file beside one: :data:`_NOT_THERE_YET`)."""
    if kinds is None:
        return False
    names = [_error_name(kind, ctx) for kind in (kinds.elts if isinstance(kinds, ast.Tuple) else [kinds])]
    return any(name in _REFUSALS for name in names) and all(name in _REFUSALS | _NOT_THERE_YET for name in names)


def handler_waits_for_listener(handler: Optional[ast.ExceptHandler], ctx: FileContext) -> bool:
    """The ``except`` clause that sleeps and retries catches only a refused connection."""
    return handler is not None and only_refusals(handler.type, ctx)


def tenacity_waits_for_listener(call: Optional[ast.Call], ctx: FileContext) -> bool:
    """``@retry(retry=retry_if_exception_type(ConnectionRefusedError), ...)``."""
    condition = keyword_value(call, "retry") if call is not None else None
    if not isinstance(condition, ast.Call) or ctx.imports.resolve(condition.func) not in RETRY_ON_TYPES:
        return False
    kinds = condition.args[0] if condition.args else keyword_value(condition, "exception_types")
    if len(condition.args) > 1:
        kinds = ast.Tuple(elts=list(condition.args), ctx=ast.Load())
    return only_refusals(kinds, ctx)


def starts_local_process(function: Optional[ast.AST], ctx: FileContext) -> bool:
    """``function`` starts a process on this machine (``subprocess``, ``multiprocessing.Process``, an asyncio
    subprocess) and names no network client module (gns3's ``_execute`` running ``vmrun``; a headless browser
    started in a child process)."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    starts = False
    for node in own_nodes(function):
        if isinstance(node, (ast.Name, ast.Attribute)):
            resolved = ctx.imports.resolve(node)
            if resolved is None:
                continue
            if resolved.partition(".")[0] in NETWORK_MODULES:
                return False
            starts = starts or resolved in _PROCESS_STARTS or resolved.startswith("subprocess.")
    return starts


_READY_WORDS = frozenset({"alive", "ready", "readiness", "healthy", "up", "started", "available", "online",
                          "responsive", "reachable"})


def waits_for_readiness(function: Optional[ast.AST]) -> bool:
    """``function`` is named for waiting until something is up (``wait_until_alive``, ``wait_for_ready``)."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    words = set(split_identifier(function.name))
    return "wait" in words and bool(_READY_WORDS & words)


_NOT_UP_YET = lazy_compile(
    r"\b(?:become|becomes|became)\s+(?:available|ready|reachable|healthy)\b"
    r"|\bnot\s+(?:be\s+)?(?:running|ready|up|started|available|reachable)\s+yet\b"
    r"|\b(?:no|not)\s+(?:[\w.'-]+\s+){0,3}?(?:found|listed|created|provisioned)\s+yet\b",
    flags=re.IGNORECASE,
)
"""Words saying the target may not have come up yet: the loop waits for it to start, not for it to recover ("No
VMs found yet", "instance not provisioned yet": what it waits for is still being made)."""

_WAIT_UNTIL_UP = lazy_compile(
    r"\bwait(?:s|ing)?\s+(?:for|until|till)\s+(?:[\w.'-]+\s+){0,4}?"
    r"(?:to\s+be(?:come)?\s+|is\s+|becomes?\s+)?(?:ready|available|reachable|healthy|created|online)\b",
    flags=re.IGNORECASE,
)
"""A comment over a loop saying it waits until its target is up ("Wait for index to be ready", "wait until the
bucket is available")."""


def documented_readiness_wait(
    function: Optional[ast.AST], loop: ast.AST, lines: Sequence[str], parent_of: Optional[Parents] = None
) -> bool:
    """``function``'s docstring, or the text of ``loop`` (a comment, a log line, the message it raises when it
    gives up; ``lines`` are the file's), says the loop waits for its target to come up: a readiness wait,
    whatever the function is named. So does the comment just above the loop (above the counter the loop sets up
    first, ``retry_count = 0``; ``parent_of`` finds the loop's block) when it says the loop waits until its
    target is up (:data:`_WAIT_UNTIL_UP`): mem0's OpenSearch store polls the index it has just created under "#
    Wait for index to be ready" (seed 133)."""
    docstring = ast.get_docstring(function) if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) \
        else None
    if docstring and _NOT_UP_YET.search(docstring):
        return True
    end = getattr(loop, "end_lineno", None) or getattr(loop, "lineno", 0)
    if any(_NOT_UP_YET.search(line) for line in lines[getattr(loop, "lineno", 1) - 1:end]):
        return True
    return parent_of is not None and any(
        _WAIT_UNTIL_UP.search(comment) for comment in _comments_above(loop, lines, parent_of)
    )


_CLIENT_WORDS = frozenset({"session", "client", "connection", "conn", "engine", "pool", "socket", "channel",
                           "driver", "app", "task", "thread", "process", "subprocess", "context", "producer",
                           "consumer", "stub"})
"""Words of a factory that makes a handle on a service (``create_session``, ``create_client``), not a resource:
retrying calls on such a handle retries the service behind it."""


def retries_new_resource(function: Optional[ast.AST], loop: ast.AST) -> bool:
    """The loop's ``try`` calls a method of a resource ``function`` has just created, before the loop
    (``new_instance = self.ec2_resource.create_instances(...)[0]``, then ``new_instance.modify_attribute(...)``
    retried 2 s apart): the provider finishes making it a moment after answering, and the loop waits for that one
    new resource to accept the call (eventual consistency), once per resource made, not a fleet retrying a shared
    service. A handle made by a factory of clients or sessions (``create_session()``) does not count: calls on it
    reach the service behind it."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    start = getattr(loop, "lineno", 0)
    assignments = sorted(
        (node for node in own_nodes(function) if isinstance(node, ast.Assign) and node.lineno < start
         and len(node.targets) == 1),
        key=lambda node: node.lineno,
    )
    made: set[str] = set()
    for assignment in assignments:
        target = assignment.targets[0]
        value = assignment.value.value if isinstance(assignment.value, ast.Subscript) else assignment.value
        if isinstance(value, ast.Await):
            value = value.value
        if isinstance(target, ast.Name) and (
            (isinstance(value, ast.Name) and value.id in made) or (isinstance(value, ast.Call) and _creates(value))
        ):
            made.add(target.id)  # (``response[0]`` of ``response = create_instances(...)`` too)
    if not made:
        return False
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name) and node.func.value.id in made
        for attempt in walk(loop) if isinstance(attempt, ast.Try)
        for statement in attempt.body for node in walk(statement)
    )


def _creates(call: ast.Call) -> bool:
    """A call named for creating something that is no handle on a service (``create_instances``,
    ``_create_instance``; not ``create_client``)."""
    name = dotted_name(call.func) or ""
    parts = set(split_identifier(name.rpartition(".")[2]))
    return "create" in parts and not parts & _CLIENT_WORDS


def _comments_above(loop: ast.AST, lines: Sequence[str], parent_of: Parents) -> list[str]:
    """The comment lines right above ``loop``, or above the plain assignments of constants that set up its
    counters just before it (``max_retries = 180``, ``retry_count = 0``)."""
    parent = parent_of(loop)
    block: list[ast.stmt] = next((getattr(parent, field) for field in ("body", "orelse", "finalbody")
                                  if loop in (getattr(parent, field, None) or [])), [])
    first = loop
    for statement in reversed(block[:block.index(loop)] if loop in block else []):
        if not (isinstance(statement, (ast.Assign, ast.AnnAssign)) and isinstance(statement.value, ast.Constant)):
            break
        first = statement
    comments: list[str] = []
    number = getattr(first, "lineno", 1) - 1
    while number >= 1 and lines[number - 1].lstrip().startswith("#"):
        comments.append(reader_comment(lines[number - 1]))
        number -= 1
    return comments


_CHOSEN_PACE = lazy_compile(r"\bnot\s+exponential\b|\balready\s+backs?[\s-]*off\b", flags=re.IGNORECASE)


def documents_fixed_pace(function: Optional[ast.AST]) -> bool:
    """``function``'s docstring explains why its delay is fixed (:data:`_CHOSEN_PACE`)."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    return bool(_CHOSEN_PACE.search(ast.get_docstring(function) or ""))


def retries_over_ssh(loop: ast.AST, ctx: FileContext) -> bool:
    """A ``try`` in ``loop`` catches an SSH error (``SSHError``, ``paramiko.SSHException``): the retried work
    runs over a shell on one machine, not against a service shared by many workers."""
    for node in ast.walk(loop):
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            kinds = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
            for kind in kinds:
                name = _error_name(kind, ctx) or ""
                if "SSH" in name.rsplit(".", 1)[-1].upper():
                    return True
    return False


_TRY_AGAIN = frozenset({"tenacity.TryAgain", "tenacity._utils.TryAgain"})
"""tenacity's "not yet" signal: raised by the retried code itself, it asks for another attempt."""
_SERVER_ERRORS = ("HTTPError", "ConnectionError", "ConnectError", "RequestException", "Timeout", "TransportError",
                  "HTTPStatusError", "NetworkError", "ServiceUnavailable", "ClientError", "OSError", "Exception")
"""Last words of errors a failing server raises (or that cover them): a ``retry=`` naming one retries failures."""


def polls_state(call: Optional[ast.Call], retried: Optional[ast.AST], ctx: FileContext) -> bool:
    """The tenacity retry ``call`` polls a state: the code it retries (the decorated function ``retried``, or the
    body of the ``for attempt in Retrying(...)`` loop ``call`` is the iterable of) raises ``TryAgain`` in the
    body of an ``if`` (the state not reached yet), and its ``retry=`` condition, if any, is
    ``retry_if_exception_type(...)`` naming no server's error (:data:`_SERVER_ERRORS`): a predicate
    (``retry_if_exception(_is_transient_server_error)``) may retry the server's failures."""
    if call is None:
        return False
    condition = keyword_value(call, "retry")
    if condition is not None and (
        not isinstance(condition, ast.Call) or ctx.imports.resolve(condition.func) not in RETRY_ON_TYPES
        or any(
            isinstance(node, (ast.Name, ast.Attribute)) and (dotted_name(node) or "").endswith(_SERVER_ERRORS)
            for argument in (*condition.args, *(item.value for item in condition.keywords))
            for node in walk(argument)
        )
    ):
        return False  # another condition (``retry_if_exception(_is_transient_server_error)``) retries failures
    loop = ctx.parent_of(call)
    if isinstance(retried, (ast.FunctionDef, ast.AsyncFunctionDef)):
        nodes: Iterable[ast.AST] = own_nodes(retried)
    elif isinstance(loop, (ast.For, ast.AsyncFor)) and loop.iter is call:
        nodes = statement_nodes(loop.body)
    else:
        return False
    return any(
        isinstance(node, ast.If) and any(_raises_try_again(statement, ctx) for statement in node.body)
        for node in nodes
    )


def _raises_try_again(statement: ast.stmt, ctx: FileContext) -> bool:
    if not isinstance(statement, ast.Raise) or statement.exc is None:
        return False
    raised = statement.exc.func if isinstance(statement.exc, ast.Call) else statement.exc
    return ctx.imports.resolve(raised) in _TRY_AGAIN
