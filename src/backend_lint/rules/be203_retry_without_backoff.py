"""BE203 retry-without-backoff: retries that hammer a failing dependency at a fixed pace, or forever.

When an upstream is overloaded, every client retrying at once on a fixed interval keeps it down (a retry
storm); retries with no stop condition hold a worker forever. Flagged:

- tenacity ``@retry`` / ``Retrying`` / ``AsyncRetrying`` with no ``wait=`` or a ``wait_fixed``/``wait_none``
  wait, or with no ``stop=`` (or ``stop_never``);
- ``backoff.on_exception``/``on_predicate`` with ``backoff.constant``;
- urllib3 ``Retry(...)`` (also through ``requests.adapters``) with no ``backoff_factor`` or ``backoff_factor=0``;
- a hand-written retry loop (see :mod:`backend_lint.analysis.retries`) that sleeps a constant delay.

Left alone: tests and test support (module roles: a test suite's provisioning waits for its own database);
``wait_fixed(<variable>)`` (a delay the caller configured, like a CLI ``--retry-delay``); short bounded polls
of the application's own store (:func:`backend_lint.analysis.retries.short_read_poll`: at most 5 s of waiting
in all, from constants (a ``range`` or a local counted down), in a ``get_*``/``read_*``/``load_*``/``check_*``
function); loops that retry work done on this
machine only (the file system, a local program: :func:`backend_lint.analysis.retries.retries_local_work`; a
SQLite file, a file lock, a serial port, a Bluetooth, I2C or GPIO device, a browser driven by Selenium:
:func:`backend_lint.analysis.local_devices.retries_local_device`), a sleep the loop always leaves right after
(a rate-limit pause after a page read, then ``break``: :func:`.retry_purposes.pauses_after_success`), archived
scripts (``scripts/archive/``: :func:`.hand_run_scripts.archived_script`);
waits built from variables or combinations (``wait_fixed(1) + wait_random(0, 2)`` has jitter), ``**kwargs``
that may carry the settings, ``Retry(0)``/``Retry(total=False)`` (no retries), and loops that poll on a fixed
interval without a success exit; command line code (also a command class of a CLI framework, through project
bases), the code of a developer's script run by hand that only its main guard reaches
(:func:`.hand_run_scripts.run_by_hand`), set-up of the application's storage, migration code (run
once, at deploy time), a hand-written loop, ``for attempt in Retrying(...)`` or a retry decorator in or of a
function only start-up reaches (the project model's ``startup_only``), a fixed pause for a local fault while the
server's errors back off in a sibling ``except`` clause, transactions retried after a conflict, writes retried after
a database conflict (the clause catches only ``IntegrityError``, a deadlock, a serialization failure...), a push
retried after replaying the change on the remote's new head (``rebase``/``cherrypick`` in the clause), a loop of
at most two attempts (one retry: no schedule to back off), and the same bound written for a library (tenacity's
``stop=stop_after_attempt(2)``, also in ``stop_after_attempt(2) | stop_after_delay(...)``; backoff's
``max_tries=2``), puts retried on a full in-process queue and socket readiness probes
(:mod:`backend_lint.analysis.retry_purposes`), retries of a
refused connection only (a wait for a port to listen), of a function named for waiting until something is up
(``wait_until_alive``) and of a function that starts a local process
(:mod:`backend_lint.analysis.retry_waits`), a loop said to wait for its target to come up (its docstring or
its messages: "not running yet", "become available", "no VMs found yet"), a loop calling a method of a resource
its function has just created (``instance.modify_attribute(...)`` after ``create_instances``: eventual
consistency, :func:`.retry_waits.retries_new_resource`), a loop retrying work over SSH on one machine, and
a loop whose docstring says why its pace is fixed ("not exponential", "already back off"), a heartbeat (a
retry in or of a function named for one: :func:`.retry_purposes.sends_heartbeat`)
(:mod:`backend_lint.analysis.retry_waits`), a loop that gives up by ending the process (``sys.exit`` in its
``else:`` or right after it: a service's one-time wait for its database at start-up, not a worker's retries
while it serves), and a fixed pause of 30 s or more (``time.sleep(60)``, ``wait_fixed(60)``: a long pause is a
backoff already; clients retrying once a minute make no storm). Jitter is
recommended on the page, not required. No fix: the right backoff and attempt budget depend on the dependency.
"""

from __future__ import annotations

import ast
from typing import Optional, Union

from backend_lint.analysis.ast_helpers import keyword_value
from backend_lint.analysis.command_classes import command_base_facts, in_command_class
from backend_lint.analysis.entrypoints import cli_module, in_cli_context
from backend_lint.analysis.hand_run_scripts import archived_script, run_by_hand
from backend_lint.analysis.http_clients import might_be
from backend_lint.analysis.local_devices import retries_local_device
from backend_lint.analysis.module_roles import in_migration, module_roles
from backend_lint.analysis.project.conditions import ProjectFact, cli_command_class, startup_only, unreferenced
from backend_lint.analysis.project.conditions import cli_module as cli_module_fact
from backend_lint.analysis.retries import (
    BACKOFF_CONSTANT,
    BACKOFF_DECORATORS,
    RETRY_CALL_NAMES,
    SLEEPS,
    TENACITY_ENDLESS_STOPS,
    TENACITY_FIXED_WAITS,
    TENACITY_RETRIES,
    URLLIB3_RETRIES,
    constant_number,
    is_constant_delay,
    is_retry_loop,
    polls_this_machine,
    range_length,
    retries_local_work,
    short_read_poll,
)
from backend_lint.analysis.retry_purposes import (
    gives_up_by_exiting,
    pauses_after_success,
    probes_connection,
    retries_database_conflict,
    retries_full_queue,
    retries_push_conflict,
    retries_transaction_conflict,
    runs_forever,
    sends_heartbeat,
    server_errors_back_off,
    sets_up_storage,
    tenacity_retries_conflict,
)
from backend_lint.analysis.retry_waits import (
    documented_readiness_wait,
    documents_fixed_pace,
    handler_waits_for_listener,
    polls_state,
    retries_new_resource,
    retries_over_ssh,
    starts_local_process,
    tenacity_waits_for_listener,
    waits_for_readiness,
)
from backend_lint.analysis.startup_hooks import startup_only_facts
from backend_lint.analysis.values import origin
from backend_lint.context import FileContext
from backend_lint.rule import Rule, visits

_URLLIB3_BACKOFF_POSITION = 7  # urllib3 1.26; 2.x has it at 8: a call with 8 positionals counts as setting it
_EXPONENTIAL_WAIT = "`wait=wait_random_exponential(...)`"
_ONE_RETRY = 2
_LONG_PAUSE_SECONDS = 30.0
"""A fixed pause this long is a backoff already: clients retrying once every half minute or more make no storm
(pyload's hoster-list fetch, five tries a minute apart), and a growing schedule would only delay recovery."""
_ATTEMPT_STOPS = frozenset({"tenacity.stop_after_attempt", "tenacity.stop.stop_after_attempt"})
"""A loop of at most this many attempts (``for attempt in range(2)``) retries once: no schedule to grow."""


def _callee(expr: ast.expr, ctx: FileContext) -> Optional[str]:
    """The origin of a value given as ``wait=``/``stop=``: ``tenacity.wait_fixed`` for ``wait_fixed(2)``."""
    target = expr.func if isinstance(expr, ast.Call) else expr
    return origin(target, ctx)


def _tenacity_problems(
    call: Optional[ast.Call], ctx: FileContext, retried: Optional[ast.AST] = None
) -> Optional[tuple[str, str]]:
    """``(problem, advice)`` for a tenacity retry configured by ``call`` (``None``: the bare decorator) of the
    function ``retried`` (``None``: not known). Without a stop, an exponential wait around a function that
    never returns (a listener's read loop) restarts a worker that is meant to run for good."""
    if call is not None and (call.args or any(item.arg is None for item in call.keywords)):
        return None  # positional or ``**`` configuration: not known
    wait = keyword_value(call, "wait") if call is not None else None
    stop = keyword_value(call, "stop") if call is not None else None
    if stop is not None and _stops_after_one_retry(stop, ctx):
        return None  # at most two attempts: one retry, no schedule for a backoff to grow
    if tenacity_waits_for_listener(call, ctx) or starts_local_process(retried, ctx) \
            or waits_for_readiness(retried if retried is not None else ctx.scope.function) \
            or sends_heartbeat(retried if retried is not None else ctx.scope.function) \
            or retries_local_device(ctx, retried):
        return None  # a wait for a port, a local process, a device of this machine, a heartbeat: no herd
    problems, advice = [], []
    conflict = tenacity_retries_conflict(call, ctx)  # the store answered: the next attempt waits for no recovery
    if wait is None and not conflict:
        problems.append("retries with no wait between attempts")
        advice.append(f"add {_EXPONENTIAL_WAIT}")
    elif wait is not None and _callee(wait, ctx) in TENACITY_FIXED_WAITS and not _configured_delay(wait, ctx) \
            and not _long_fixed_wait(wait, ctx) and not conflict and not polls_state(call, retried, ctx):
        problems.append("retries at a fixed interval")
        advice.append(f"use {_EXPONENTIAL_WAIT}")
    endless = stop is None or _callee(stop, ctx) in TENACITY_ENDLESS_STOPS
    if endless and not (wait is not None and not problems and retried is not None and runs_forever(retried)):
        problems.append("never stops retrying")
        advice.append("add `stop=stop_after_attempt(...)`")
    if not problems:
        return None
    return " and ".join(problems), " and ".join(advice)


def _stops_after_one_retry(stop: ast.expr, ctx: FileContext) -> bool:
    """``stop_after_attempt(2)`` (tenacity counts the first call): at most one retry. In ``a | b`` tenacity
    stops at whichever comes first, so one operand bounded that way bounds the whole; in ``a & b`` both must."""
    if isinstance(stop, ast.BinOp) and isinstance(stop.op, ast.BitOr):
        return _stops_after_one_retry(stop.left, ctx) or _stops_after_one_retry(stop.right, ctx)
    if isinstance(stop, ast.BinOp) and isinstance(stop.op, ast.BitAnd):
        return _stops_after_one_retry(stop.left, ctx) and _stops_after_one_retry(stop.right, ctx)
    if not isinstance(stop, ast.Call) or _callee(stop, ctx) not in _ATTEMPT_STOPS:
        return False
    count = stop.args[0] if stop.args else keyword_value(stop, "max_attempt_number")
    attempts = constant_number(count, ctx, ctx.scope) if count is not None else None
    return attempts is not None and attempts <= _ONE_RETRY


def _long_fixed_wait(wait: ast.expr, ctx: FileContext) -> bool:
    """``wait_fixed(60)``: a constant pause of :data:`_LONG_PAUSE_SECONDS` or more."""
    if not (isinstance(wait, ast.Call) and wait.args):
        return False
    seconds = constant_number(wait.args[0], ctx, ctx.scope)
    return seconds is not None and seconds >= _LONG_PAUSE_SECONDS


def _configured_delay(wait: ast.expr, ctx: FileContext) -> bool:
    """``wait_fixed(retry_delay)``: a delay the caller chose (a CLI option, a setting), like a wait passed as a
    variable, not a constant the code hard-wires."""
    return isinstance(wait, ast.Call) and bool(wait.args) and not is_constant_delay(wait.args[0], ctx, ctx.scope)


def _urllib3_problem(call: ast.Call) -> Optional[tuple[str, str]]:
    if any(isinstance(arg, ast.Starred) for arg in call.args) or any(k.arg is None for k in call.keywords):
        return None
    total = call.args[0] if call.args else keyword_value(call, "total")
    if isinstance(total, ast.Constant) and (total.value is False or (type(total.value) is int and total.value <= 1)):
        return None  # no retries at all, or one: urllib3 never waits before the first retry, whatever the factor
    if len(call.args) > _URLLIB3_BACKOFF_POSITION:
        return None
    factor = keyword_value(call, "backoff_factor")
    if factor is None:
        return "retries with no backoff", "set `backoff_factor=` (urllib3 adds jitter with `backoff_jitter=`)"
    if isinstance(factor, ast.Constant) and factor.value == 0:
        return "has `backoff_factor=0`", "set a positive `backoff_factor=`"
    return None


class RetryWithoutBackoff(Rule):
    code = "BE203"
    name = "retry-without-backoff"
    message = "`{construct}` {problem}; {advice}"
    triggers = ("retry", "Retry", "Retrying", "backoff", "sleep")
    needs = (origin, is_retry_loop, is_constant_delay, constant_number, short_read_poll, module_roles,
             retries_local_work, in_cli_context, cli_module, retries_transaction_conflict, probes_connection,
             retries_database_conflict, retries_push_conflict,
             retries_full_queue, cli_command_class, startup_only, run_by_hand, unreferenced, in_migration,
             retries_local_device, pauses_after_success, polls_state, tenacity_retries_conflict)
    module_facts = (cli_module_fact,)

    @staticmethod
    def _outside_service(ctx: FileContext, function: Optional[ast.AST]) -> bool:
        """Command line code (a click command, a CLI module, a method of a command class of a CLI framework
        written in the file), set-up of the application's storage, migration code or an archived script: run
        once by an operator, at start-up or at deploy time, or no longer at all."""
        return in_cli_context(ctx.scope, ctx) or sets_up_storage(function, ctx) or in_command_class(ctx) \
            or in_migration(ctx) or archived_script(ctx)

    @visits(ast.FunctionDef, ast.AsyncFunctionDef)
    def check_decorators(self, node: Union[ast.FunctionDef, ast.AsyncFunctionDef], ctx: FileContext) -> None:
        if module_roles(ctx).for_tests:
            return
        if self._outside_service(ctx, node):
            return
        for decorator in node.decorator_list:
            if isinstance(decorator, (ast.Name, ast.Attribute)) and origin(decorator, ctx) == "tenacity.retry":
                found = _tenacity_problems(None, ctx)
                if found is not None:
                    self.report(ctx, decorator, unless=command_base_facts(ctx) + startup_only_facts(ctx, node),
                                construct="tenacity.retry",
                                problem=found[0], advice=found[1])

    @visits(ast.Call)
    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        if not might_be(node.func, RETRY_CALL_NAMES, ctx) or module_roles(ctx).for_tests:
            return
        made = origin(node.func, ctx)
        if made is None:
            return
        found: Optional[tuple[str, str]] = None
        if made in SLEEPS:
            found = self._constant_sleep(node, ctx)
        elif made in TENACITY_RETRIES:
            retried = ctx.parent if isinstance(ctx.parent, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                and node in ctx.parent.decorator_list else None
            found = _tenacity_problems(node, ctx, retried)
        elif made in BACKOFF_DECORATORS:
            found = self._backoff_problem(node, ctx)
        elif made in URLLIB3_RETRIES:
            found = _urllib3_problem(node)
        if found is not None and not self._outside_service(ctx, self._decorated_or_enclosing(node, ctx)):
            script = run_by_hand(ctx, ctx.scope)
            if script == ():
                return  # a developer's script run by hand: one process retrying, no herd
            unless = command_base_facts(ctx) + (script or ()) + self._startup_only(node, made, ctx)
            self.report(ctx, node, unless=unless, construct=made, problem=found[0], advice=found[1])

    @staticmethod
    def _startup_only(node: ast.Call, made: str, ctx: FileContext) -> tuple[ProjectFact, ...]:
        """The fact that the retries run only at start-up (a function only start-up hooks reach, the project model
        decides): one process setting up, no herd. A hand-written loop runs where it is written; a tenacity or
        backoff decorator retries the function it decorates, and ``for attempt in Retrying(...)`` the block under
        it (honcho's schema check, 3 tries 1 s apart from its ``lifespan``). Not a ``Retrying``/``Retry`` object
        kept for later: start-up may only build what the service's requests use."""
        parent = ctx.parent
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)) and node in parent.decorator_list:
            return startup_only_facts(ctx, parent) if made in TENACITY_RETRIES | BACKOFF_DECORATORS else ()
        if made in SLEEPS or (made in TENACITY_RETRIES and isinstance(parent, (ast.For, ast.AsyncFor))
                              and parent.iter is node):
            return startup_only_facts(ctx)
        return ()

    @staticmethod
    def _decorated_or_enclosing(node: ast.Call, ctx: FileContext) -> Optional[ast.AST]:
        """The function a ``@retry(...)`` call decorates, else the function the call is in."""
        parent = ctx.parent
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)) and node in parent.decorator_list:
            return parent
        return ctx.scope.function

    def _constant_sleep(self, node: ast.Call, ctx: FileContext) -> Optional[tuple[str, str]]:
        """A constant sleep in a retry loop of a function. A loop at module level runs once, when the file runs
        (CTFd's ``ping.py``, run by the container's entry point to wait for the database server): one process
        waiting at start-up, no herd."""
        if len(node.args) != 1 or node.keywords or ctx.scope.function is None:
            return None
        loops = ctx.scope.loops
        if not loops or not is_retry_loop(ctx, loops[0]) or not is_constant_delay(node.args[0], ctx, ctx.scope):
            return None
        attempts = range_length(loops[0], ctx, ctx.scope)
        function = ctx.scope.function
        delay = constant_number(node.args[0], ctx, ctx.scope)
        if short_read_poll(attempts, delay, function, ctx) or polls_this_machine(function, ctx) or \
                retries_local_work(ctx, loops[0], ctx.scope) or retries_local_device(ctx, function):
            return None  # (a SQLite file, a file lock, a sensor of this machine: no shared server, no herd)
        if pauses_after_success(node, loops[0], ctx):
            return None  # a pause the loop always leaves right after (a rate limit spent after a page read)
        if attempts is not None and attempts <= _ONE_RETRY:
            return None  # one retry at most: no schedule to back off
        if delay is not None and delay >= _LONG_PAUSE_SECONDS:
            return None  # a pause of half a minute or more is a backoff already: no storm to spread
        if gives_up_by_exiting(ctx, loops[0]):
            return None  # the process's one-time wait for its dependency at start-up: no herd while serving
        if retries_transaction_conflict(ctx, loops[0], delay) or probes_connection(ctx, loops[0]) or \
                retries_full_queue(ctx, loops[0]) or retries_database_conflict(ctx, loops[0]) or \
                retries_push_conflict(ctx, loops[0]):
            return None
        handler = ctx.scope.except_handler
        if handler is not None and server_errors_back_off(ctx, handler):
            return None  # a local fault's pause; the server's errors back off in the sibling clause
        if handler_waits_for_listener(handler, ctx) or waits_for_readiness(function):
            return None  # only a refused connection is retried: a wait for a port to listen
        if sends_heartbeat(function):
            return None  # a liveness ping tried again on its own fixed beat: the heartbeat's design
        if documented_readiness_wait(function, loops[0], ctx.lines, ctx.parent_of) or retries_over_ssh(loops[0], ctx):
            return None  # a wait for one host or endpoint to come up, not a herd on a shared service
        if retries_new_resource(function, loops[0]):
            return None  # a wait for the resource the function just created to accept a call: eventual consistency
        if documents_fixed_pace(function):
            return None  # the docstring says why the pace is fixed: a reviewed decision
        return "sleeps a constant delay in a retry loop", "back off exponentially with jitter"

    def _backoff_problem(self, node: ast.Call, ctx: FileContext) -> Optional[tuple[str, str]]:
        generator = node.args[0] if node.args else keyword_value(node, "wait_gen")
        if generator is None or origin(generator, ctx) not in BACKOFF_CONSTANT:
            return None
        tries = keyword_value(node, "max_tries")
        attempts = constant_number(tries, ctx, ctx.scope) if tries is not None else None
        if attempts is not None and attempts <= _ONE_RETRY:
            return None  # ``max_tries`` counts the first call: one retry, no schedule to grow
        if self._short_backoff_poll(node, ctx):
            return None
        return "waits a constant interval between attempts", "use `backoff.expo` (jitter is on by default)"

    def _short_backoff_poll(self, node: ast.Call, ctx: FileContext) -> bool:
        """``@backoff.on_exception(backoff.constant, ..., interval=1, max_tries=5)`` on a ``get_*`` function:
        a short wait for a row being written (``max_tries`` counts the first call too)."""
        function = ctx.parent
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or node not in function.decorator_list:
            return False
        interval = keyword_value(node, "interval")
        tries = keyword_value(node, "max_tries")
        delay = 1.0 if interval is None else constant_number(interval, ctx, ctx.scope)
        attempts = constant_number(tries, ctx, ctx.scope) if tries is not None else None
        return short_read_poll(None if attempts is None else attempts - 1, delay, function, ctx)
