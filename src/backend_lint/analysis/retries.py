"""Retry code: which library calls configure retries, which loops are hand-written retry loops, which delays
are constant.

A retry loop is told apart from a polling or batch loop by its success exit: a loop (``for ... in
range(...)`` or ``while``) holding a ``try``/``except`` whose ``try`` body, ``else`` or the statements right
after it always ``break`` or ``return``. ``while True: try: job = queue.get() except Empty: sleep(1);
continue`` has no such exit (a worker loop, where a fixed poll interval is normal), and neither has a
readiness poll that leaves only when a condition holds (``else: if response.ok: break``). A ``try`` whose
handlers only catch "not there yet" (``IndexError``, ``queue.Empty``, ``DoesNotExist``) polls for data and
is not a retry either.
Whether a loop retries is a fact per loop node, so each loop body is looked at once per file.

A short bounded poll of the application's own store is not a retry storm either: a reader that waits for a
row or a result another process of the same application is still writing (``get_query`` retried 5 times a
second apart; "results may be written asynchronously", 10 times 0.25 s). It is told apart by its bound and
its purpose: at most :data:`SHORT_POLL_SECONDS` of waiting in all, known from constants, in a function named
for reading (``get_*``, ``read_*``, ``load_*``, ``fetch_*``, ``find_*``) or checking (``check_*``, ``verify_*``:
a resource just made polled until it shows up), the attempts counted by a ``range`` or by a local counted down
(``while count > 0: count -= 1``). A request handler retried the same
way is a single user action (``stop_query`` retried 5 times a second apart with a session rollback): a few
attempts of one click, not a herd. A reconnect loop, any wait that is long or unbounded, and a short one that
mentions a network client module (the herd would hit a remote service) stay retries.

Nor is a retry of work done on this machine: an attempt whose every call is a builtin, a container method,
logging, the file system (``os.makedirs`` again after ``EACCES``, a lock directory made with ``os.mkdir``, a file
opened with ``io.open`` and wrapped in werkzeug's in-memory ``FileStorage``) or
a local program (``subprocess``, or a function of the same file that starts one and names no network client:
gns3 running ``vmrun`` twice), or a URL presigned by an S3 client (botocore's ``generate_presigned_url``
signs with the client's credentials here and sends nothing: ragflow's ``get_presigned_url`` retried ten times a
second apart reaches no server). Nothing shared takes the load, and the herd that backoff protects against does
not exist.

A wait for a process on this machine is not a retry storm either: a loop in a function that names a loopback
address (``"127.0.0.1"``, ``"localhost"``, ``"::1"``) polls a server the application itself runs there (gns3's
wait for the emulator it just launched to listen on its console port). Nothing shared takes the load.
"""

from __future__ import annotations

import ast
import builtins
from typing import TYPE_CHECKING, Optional, Union

from backend_lint.analysis.ast_helpers import always_leaves
from backend_lint.analysis.bindings import Bindings, bindings_of
from backend_lint.analysis.facts import node_fact, reads
from backend_lint.analysis.handlers import handler_for
from backend_lint.analysis.http_clients import modules_by_name
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.library_calls import FILE_MODULES
from backend_lint.analysis.loggers import logging_call_kind
from backend_lint.analysis.mentions import mentioned_names
from backend_lint.analysis.resolve import called_function, instance_class, lookup
from backend_lint.analysis.retry_waits import NETWORK_MODULES, starts_local_process

if TYPE_CHECKING:
    from backend_lint.analysis.scopes import Scope
    from backend_lint.context import FileContext

SLEEPS = frozenset({"time.sleep", "asyncio.sleep", "gevent.sleep", "trio.sleep", "anyio.sleep"})
TENACITY_RETRIES = frozenset(
    {"tenacity.retry", "tenacity.Retrying", "tenacity.AsyncRetrying", "tenacity.asyncio.AsyncRetrying"}
)
TENACITY_FIXED_WAITS = frozenset(
    {"tenacity.wait_fixed", "tenacity.wait.wait_fixed", "tenacity.wait_none", "tenacity.wait.wait_none"}
)
TENACITY_ENDLESS_STOPS = frozenset({"tenacity.stop_never", "tenacity.stop.stop_never"})
BACKOFF_DECORATORS = frozenset({"backoff.on_exception", "backoff.on_predicate"})
BACKOFF_CONSTANT = frozenset({"backoff.constant", "backoff._wait_gen.constant"})
URLLIB3_RETRIES = frozenset(
    {"urllib3.Retry", "urllib3.util.Retry", "urllib3.util.retry.Retry", "requests.adapters.Retry",
     "requests.packages.urllib3.Retry", "requests.packages.urllib3.util.Retry",
     "requests.packages.urllib3.util.retry.Retry"}
)

RETRY_CALL_NAMES = modules_by_name(*SLEEPS, *TENACITY_RETRIES, *BACKOFF_DECORATORS, *URLLIB3_RETRIES)
"""The last name of every callee BE203 looks at (see :func:`.http_clients.might_be`)."""

SHORT_POLL_SECONDS = 5.0
_LOOPBACK = lazy_compile(r"""["'](?:127\.0\.0\.1|localhost|::1)["']""")
"""The longest total wait (attempts times delay) a read may poll for data that is not written yet."""
_READ_VERBS = ("get", "read", "load", "fetch", "find", "lookup", "check", "verify")
_MAX_NAME_DEPTH = 4

_LOCAL_MODULES = FILE_MODULES | {"fcntl", "subprocess"}
"""The standard library's file system, file object and serialization modules (``io.open``, ``csv.reader``), file
locks and local programs: work on this machine only."""
_IN_MEMORY = frozenset({"werkzeug.datastructures"})
"""Library modules of in-memory containers: werkzeug's ``FileStorage`` wrapping a file just opened (pybossa's
local CSV import, retried until the file appears), ``MultiDict``, ``Headers``; they do no I/O of their own."""
_SUBPROCESSES = frozenset({"asyncio.create_subprocess_exec", "asyncio.create_subprocess_shell"})
_LOCAL_BUILTINS = frozenset({"sorted", "len", "list", "dict", "set", "tuple", "open", "min", "max", "str", "int",
                             "float", "print", "isinstance", "range", "enumerate", "zip"})
_CONTAINER_METHODS = frozenset({"items", "keys", "values", "append", "extend", "copy", "get", "pop", "update",
                                "format", "join", "split", "strip"})
_TEXT_METHODS = frozenset({"splitlines", "rsplit", "rstrip", "lstrip", "partition", "rpartition", "startswith",
                           "endswith", "lower", "upper", "replace", "isdigit", "decode", "removeprefix",
                           "removesuffix"})
"""Methods of the text a local read gave (``path.read_text().splitlines()``)."""
_PATH_METHODS = frozenset({"read_text", "read_bytes", "write_text", "write_bytes", "iterdir", "is_file", "is_dir",
                           "is_symlink", "rglob", "with_suffix", "with_name", "relative_to", "expanduser"})
"""Methods only a ``pathlib`` path has (``user_data_dir / "DevToolsActivePort"`` read through a local): a local
file read, whatever name the path was given."""
_SIGNS_LOCALLY = frozenset({"generate_presigned_url", "generate_presigned_post"})
"""Methods of a botocore client that compute a signed URL or form from its credentials on this machine: no request
leaves it (the names are botocore's own; no other common client spells them)."""

_NOT_YET = frozenset(
    {"IndexError", "KeyError", "LookupError", "StopIteration", "StopAsyncIteration", "Empty", "QueueEmpty",
     "FileNotFoundError", "DoesNotExist", "ObjectDoesNotExist", "NoResultFound"}
)

Loop = Union[ast.For, ast.AsyncFor, ast.While, ast.comprehension]
_LEAVE_LOOP = (ast.Break, ast.Return)
"""A successful attempt leaves the retry loop."""
_SKIP_REST = (ast.Continue, ast.Raise)
"""A failed attempt never reaches the success exit after the ``try``."""
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.For, ast.AsyncFor, ast.While)


@node_fact()
def retried_attempts(ctx: FileContext, loop: Loop) -> tuple[ast.Try, ...]:
    """The ``try`` statements that make ``loop`` a hand-written retry loop (empty: it is not one); a fact per
    loop, since every call in its body asks."""
    if isinstance(loop, ast.comprehension):
        return ()
    if isinstance(loop, (ast.For, ast.AsyncFor)):
        iterable = loop.iter
        if not (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name)
                and iterable.func.id == "range"):
            return ()
    return tuple(_guarded_exits(loop.body))


@reads(retried_attempts)
def is_retry_loop(ctx: FileContext, loop: Loop) -> bool:
    """Whether ``loop`` is a hand-written retry loop."""
    return bool(retried_attempts(ctx, loop))


def _guarded_exits(block: list[ast.stmt]) -> list[ast.Try]:
    """Each ``try``/``except`` in ``block`` (not in a nested loop) that leaves the loop when it succeeds."""
    found: list[ast.Try] = []
    for index, statement in enumerate(block):
        if isinstance(statement, _NESTED):
            continue
        if isinstance(statement, ast.Try) and _retried(statement, block[index + 1:]):
            found.append(statement)
            continue
        for child in _blocks_of(statement):
            found.extend(_guarded_exits(child))
    return found


def _retried(attempt: ast.Try, after: list[ast.stmt]) -> bool:
    """The ``try`` leaves the loop when it succeeds: ``return``/``break`` in its body or ``else``, or
    ``except: sleep(); continue`` with ``break`` after the ``try``; and it catches a failure, not "nothing yet"."""
    if not attempt.handlers or _waits_for_data(attempt.handlers):
        return False
    return always_leaves(attempt.body, _LEAVE_LOOP) or always_leaves(attempt.orelse, _LEAVE_LOOP) or (
        always_leaves(after, _LEAVE_LOOP)
        and all(always_leaves(handler.body, _SKIP_REST) for handler in attempt.handlers)
    )


def _blocks_of(statement: ast.stmt) -> list[list[ast.stmt]]:
    if isinstance(statement, ast.If):
        return [statement.body, statement.orelse]
    if isinstance(statement, (ast.With, ast.AsyncWith)):
        return [statement.body]
    if isinstance(statement, ast.Try):
        return [statement.body, statement.orelse, statement.finalbody,
                *(handler.body for handler in statement.handlers)]
    return []


def _waits_for_data(handlers: list[ast.ExceptHandler]) -> bool:
    """Every handler catches "nothing there yet" (``IndexError``, ``queue.Empty``, ``DoesNotExist``...): the
    loop polls for data that has not arrived, it does not retry a failure."""
    for handler in handlers:
        kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        for kind in kinds:
            name = kind.attr if isinstance(kind, ast.Attribute) else getattr(kind, "id", None)
            if name not in _NOT_YET:
                return False
    return True


@reads(bindings_of, lookup)
def is_constant_delay(expr: ast.expr, ctx: FileContext, scope: Scope) -> bool:
    """A number literal, or a name bound once to one (in the enclosing function or at module level), or
    ``self.RETRY_DELAY`` set once in the class body and never assigned through ``self``."""
    if isinstance(expr, ast.Constant):
        return _is_number(expr)
    owner = instance_class(expr.value, scope) if isinstance(expr, ast.Attribute) else None
    if owner is not None and isinstance(expr, ast.Attribute):
        bindings = bindings_of(ctx, owner.node)
        value = bindings.single_value(expr.attr)
        return value is not None and _is_number(value) and expr.attr not in bindings.self_attributes
    if not isinstance(expr, ast.Name):
        return False
    found = lookup(expr.id, ctx, scope)
    if found is None:
        return False
    bindings = found[1]
    value = bindings.single_value(expr.id)
    return value is not None and expr.id not in bindings.params and _is_number(value)


@reads(bindings_of, lookup)
def constant_number(expr: ast.expr, ctx: FileContext, scope: Scope, depth: int = 0) -> Optional[float]:
    """The largest value ``expr`` can have when it is built from number constants: a literal, a name whose every
    assignment (in the scope that binds it) is one, ``self.NAME``/``cls.NAME`` set once to a literal in the
    class body and never through ``self``, and ``+``, ``-`` and ``*`` of those; else ``None``."""
    if depth > _MAX_NAME_DEPTH:
        return None
    if isinstance(expr, ast.Constant):
        value = expr.value
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Sub, ast.Mult)):
        left = constant_number(expr.left, ctx, scope, depth + 1)
        right = constant_number(expr.right, ctx, scope, depth + 1)
        if left is None or right is None:
            return None
        if isinstance(expr.op, ast.Add):
            return left + right
        return left - right if isinstance(expr.op, ast.Sub) else left * right
    owner = instance_class(expr.value, scope) if isinstance(expr, ast.Attribute) else None
    if owner is not None and isinstance(expr, ast.Attribute):  # ``cls.RETRY_DELAY`` set once in the class body
        class_bindings = bindings_of(ctx, owner.node)
        set_once = class_bindings.single_value(expr.attr)
        if not isinstance(set_once, ast.Constant) or expr.attr in class_bindings.self_attributes:
            return None
        return constant_number(set_once, ctx, scope, depth + 1)
    if not isinstance(expr, ast.Name):
        return None
    found = _plain_local(expr.id, ctx, scope)
    if found is None or expr.id in found[1].augmented:
        return None
    numbers: list[float] = []
    for assigned in found[2]:
        if not isinstance(assigned, (ast.Constant, ast.Name)):
            return None
        number = constant_number(assigned, ctx, found[0], depth + 1)
        if number is None:
            return None
        numbers.append(number)
    return max(numbers)


def _plain_local(
    name: str, ctx: FileContext, scope: Scope
) -> Optional[tuple[Scope, Bindings, list[Optional[ast.expr]]]]:
    """The scope that binds ``name``, its bindings and the values assigned to the name there, when it is
    assigned at all and is neither a parameter nor a loop target; else ``None``."""
    found = lookup(name, ctx, scope)
    if found is None:
        return None
    values = found[1].assigned.get(name)
    if not values or name in found[1].params or name in found[1].loop_targets:
        return None
    return found[0], found[1], values


def range_length(loop: Loop, ctx: FileContext, scope: Scope) -> Optional[float]:
    """How many times ``for ... in range(...)`` runs at most, from constants, or a ``while`` counting a local
    down (:func:`_countdown_length`); ``None``: not known."""
    if isinstance(loop, ast.While):
        return _countdown_length(loop, ctx, scope)
    if not isinstance(loop, (ast.For, ast.AsyncFor)):
        return None
    call = loop.iter
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "range"):
        return None
    bounds: list[float] = []
    for arg in call.args[:2]:
        bound = constant_number(arg, ctx, scope)
        if bound is None:
            return None
        bounds.append(bound)
    if not bounds:
        return None
    return bounds[0] if len(bounds) == 1 else bounds[1] - bounds[0]


def _countdown_length(loop: ast.While, ctx: FileContext, scope: Scope) -> Optional[float]:
    """``count = NFS_CHECK_RETRY_COUNT`` then ``while count > 0: count -= 1 ...`` (or ``while count:``): the
    local is assigned once, from constants, and only ever decreased by one, so the loop runs at most that many
    times (backend.ai's five tries a second apart for the NFS export of a share it just made)."""
    test = loop.test
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Gt) \
            and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value == 0:
        test = test.left
    if not isinstance(test, ast.Name):
        return None
    found = _plain_local(test.id, ctx, scope)
    if found is None:
        return None
    values = found[2]
    steps = found[1].augmented.get(test.id, [])
    if len(values) != 1 or values[0] is None or not steps or not all(
                isinstance(step.op, ast.Sub) and isinstance(step.value, ast.Constant) and step.value.value == 1
                for step in steps):
        return None
    return constant_number(values[0], ctx, found[0])


@reads(mentioned_names, handler_for)
def short_read_poll(
    attempts: Optional[float], delay: Optional[float], function: Optional[ast.AST], ctx: FileContext
) -> bool:
    """``attempts`` waits of ``delay`` seconds, at most :data:`SHORT_POLL_SECONDS` in all, in a reading
    function or a request handler that mentions no network client module the file imports: a wait for data of
    the application's own store being written, or one user's action tried again, not a retry storm against a
    remote service (see the module docstring)."""
    if attempts is None or delay is None or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    words = function.name.lower().lstrip("_").split("_")
    if attempts * delay > SHORT_POLL_SECONDS or (words[0] not in _READ_VERBS and handler_for(ctx, function) is None):
        return False
    imported = ctx.imports.names
    return not any(
        imported.get(name, "").partition(".")[0] in NETWORK_MODULES for name in mentioned_names(ctx, function)
    )


def polls_this_machine(function: Optional[ast.AST], ctx: FileContext) -> bool:
    """The function names a loopback address as a literal: its loop waits for a local process (see the module
    docstring)."""
    text = ctx.segment(function) if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
    return text is not None and _LOOPBACK.search(text) is not None


@reads(retried_attempts, called_function, logging_call_kind)
def retries_local_work(ctx: FileContext, loop: Loop, scope: Scope) -> bool:
    """Every attempt the retry loop repeats does work on this machine only (see the module docstring): its
    calls are builtins, container methods, logging, the file system (``os``, ``shutil``, ``pathlib``), or run a
    local program (``subprocess``, or a function of this file that starts one and names no network module)."""
    attempts = retried_attempts(ctx, loop)
    calls = [node for attempt in attempts for statement in attempt.body for node in ast.walk(statement)
             if isinstance(node, ast.Call)]
    files = _local_files(calls, ctx)
    return bool(calls) and all(
        _local_call(call, ctx, scope, depth=0) or _on_local_file(call, files) for call in calls
    )


def _local_files(calls: list[ast.Call], ctx: FileContext) -> set[str]:
    """The receivers whose descriptor a local-only call takes (``fcntl.flock(self._fd.fileno(), ...)``,
    ``os.fsync(fh.fileno())``): open files of this machine, as written (``self._fd``)."""
    found = set()
    for call in calls:
        resolved = ctx.imports.resolve(call.func)
        if resolved is None or resolved.partition(".")[0] not in _LOCAL_MODULES:
            continue
        for argument in call.args:
            if isinstance(argument, ast.Call) and isinstance(argument.func, ast.Attribute) \
                    and argument.func.attr == "fileno":
                found.add(ast.dump(argument.func.value))
    return found


def _on_local_file(call: ast.Call, files: set[str]) -> bool:
    """A method of an open local file (see :func:`_local_files`): ``self._fd.write(...)``, ``.flush()``."""
    return isinstance(call.func, ast.Attribute) and ast.dump(call.func.value) in files


def _local_call(call: ast.Call, ctx: FileContext, scope: Scope, depth: int) -> bool:
    func = call.func
    if isinstance(func, ast.Name) and func.id in _LOCAL_BUILTINS and func.id not in ctx.imports.names:
        return True
    if logging_call_kind(call, ctx) is not None:
        return True  # also a logger the project imports (``from app.core.logger import app_logger as logger``)
    resolved = ctx.imports.resolve(func)
    if resolved is not None:
        return resolved.partition(".")[0] in _LOCAL_MODULES or resolved in _SUBPROCESSES \
            or resolved.rpartition(".")[0] in _IN_MEMORY
    if isinstance(func, ast.Attribute) and func.attr in _CONTAINER_METHODS | _TEXT_METHODS | _PATH_METHODS:
        return True
    if isinstance(func, ast.Attribute) and func.attr in _SIGNS_LOCALLY:
        return True  # ``s3.generate_presigned_url(...)``: signed here, nothing sent
    if isinstance(func, ast.Attribute) and isinstance(func.value, (ast.JoinedStr, ast.Constant)):
        return True  # a method of a literal string (``f"{port}\\n".encode()``, ``", ".join(...)``): text work
    if isinstance(func, ast.Name) and func.id not in ctx.imports.names and _builtin_exception(func.id):
        return True  # ``raise ValueError(...)`` of a value read locally
    callee = called_function(call, ctx, scope) if depth == 0 else None
    return callee is not None and starts_local_process(callee.node, ctx)


def _builtin_exception(name: str) -> bool:
    value = getattr(builtins, name, None)
    return isinstance(value, type) and issubclass(value, BaseException)


def _is_number(value: ast.expr) -> bool:
    return (
        isinstance(value, ast.Constant)
        and isinstance(value.value, (int, float))
        and not isinstance(value.value, bool)
    )
