"""BE202 timeout-disabled: a timeout explicitly switched off, so the call can wait forever.

``timeout=None`` reads like "the default", but for requests, httpx, aiohttp and the standard library clients
it means "no limit at all": httpx's 5 second default and aiohttp's 5 minute one are thrown away.
Flagged: ``timeout=None`` (``socket_timeout=None`` for redis) on the calls listed in
:mod:`backend_lint.analysis.http_clients`, ``aiohttp.ClientTimeout`` whose every bound is ``None``,
``httpx.Timeout(None)`` with no other bound, ``socket.setdefaulttimeout(None)`` and ``<socket>.settimeout(None)``.

A long-lived httpx stream (``client.stream(..., timeout=None)``, read line by line for server-sent events or
a subscription) must be allowed to wait between events, but ``None`` also drops the *connect* timeout, so a
peer that never accepts the connection hangs it before the first event: the message says to keep one
(``httpx.Timeout(None, connect=10)``), and that is what the fix writes.

A per-call ``timeout=None`` on a request method of an httpx client or aiohttp session (``await
self.client.post(url, timeout=None)``) is reported only with the ``per-call-none`` option: the client keeps its
bound for every other call, and this one call opts out on purpose, in real code for an operation whose caller
bounds the wait (a Lightning payment awaited under ``asyncio.wait_for`` that must turn "pending", not fail).
That caller is in another module, which one file cannot show, so by default the rule stays quiet.

Left alone: tests and test support (:mod:`backend_lint.analysis.module_roles`: test modules, ``conftest.py``,
fixtures and factories; modules the project model finds only tests import), as BE201 and BE203 leave them: a
test that switches the timeout off exercises that case on purpose (a unit test of a connector "without timeout"
against a mocked peer), and a hang fails one test run, not a service. A variable that may be ``None``
(``timeout=self.timeout``), ``None`` as a parameter default,
``settimeout(None)`` on an object not known to be a socket in a file that does not import ``socket``, and
``settimeout(None)`` on a socket the same function gave a finite timeout before (a handshake done with a
deadline, then back to blocking mode for a long-lived connection its owner closes to stop), by ``settimeout`` or
as ``socket.create_connection(address, 0.1)`` made it, under its name or one it was assigned to
(``self.sock = s``). Also ``settimeout(None)`` on a socket held under an attribute name that a cancelling method
of the file shuts down (``self.sock.shutdown(socket.SHUT_RD)`` in ``def cancel(self)``,
:mod:`backend_lint.analysis.cancelled_sockets`): a long-lived stream, quiet for as long as its peer has nothing to
send, that its owner ends from another thread or greenlet rather than by a timeout.

An explicit ``None`` with its reason in a comment at the end of its line (a comment line above is not read), a few words
speaking of the wait (``socket_timeout=None,  # NOTE: setting a timeout here can lead to issues with long running
commands``; ``timeout=None,  # No timeout for a streaming operation.``), is a decision the author documented, as
a ``# noqa: BE202`` with a reason would be: left alone. A note of work left to do (``# TODO: add a timeout``), a
comment that only restates the code (``# no timeout``) or one about something else on the line does not count.

The fix (unsafe: the call may now time out where it used to wait) puts ``default-timeout`` seconds in place
of ``None``.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional, Union

from backend_lint.analysis.ast_helpers import keyword_value
from backend_lint.analysis.cancelled_sockets import ended_by_cancel
from backend_lint.analysis.http_clients import disabled_timeout_keyword
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.module_roles import module_roles
from backend_lint.analysis.project.conditions import test_support
from backend_lint.analysis.reader_comments import explains_setting
from backend_lint.analysis.values import origin
from backend_lint.context import FileContext
from backend_lint.finding import Applicability, Finding
from backend_lint.rule import FileState, Option, Rule, visits

if TYPE_CHECKING:
    import libcst as cst

    from backend_lint.fixing.context import FixContext

_CLIENT_TIMEOUTS = ("aiohttp.ClientTimeout", "aiohttp.client.ClientTimeout")
_CLIENT_TIMEOUT_BOUNDS = ("total", "connect", "sock_read", "sock_connect")
_HTTPX_TIMEOUT_BOUNDS = ("timeout", "connect", "read", "write", "pool")
_SOCKET_MODULES = ("socket", "ssl")
_STREAM_ADVICE = "a stream may wait between events, but keep a connect timeout: `httpx.Timeout(None, connect=10)`"
_ADVICE = "set a finite timeout"
_WAIT_WORDS = (
    "timeout", "time out", "time-out", "timed out", "wait", "long", "forever", "block", "stream", "poll", "hang",
    "indefinite", "unbounded", "limit", "deadline", "slow",
)
"""Words of a comment that speaks of the wait it leaves unbounded (:func:`.reader_comments.explains_setting`)."""
_CLIENT_METHODS = ("httpx.Client.", "httpx.AsyncClient.", "aiohttp.ClientSession.")
"""Request methods of a client that has its own default timeout: ``timeout=None`` there opts one call out."""


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


class TimeoutDisabled(Rule):
    code = "BE202"
    name = "timeout-disabled"
    message = "`{construct}` never times out; {advice}"
    fix_title = "Replace `None` with the default timeout"
    fix_kind = Applicability.UNSAFE
    fix_node = "Arg"
    triggers = ("timeout", "Timeout")
    needs = (disabled_timeout_keyword, origin, module_roles, explains_setting, ended_by_cancel)
    module_facts = (test_support,)
    options = (
        Option("default-timeout", float, 10.0, "seconds the fix puts in place of `None`"),
        Option(
            "per-call-none",
            bool,
            False,
            "also flag `timeout=None` on one request of an httpx client or aiohttp session (its default stays on "
            "for the other calls)",
        ),
    )
    bounded_sockets: FileState[set[tuple[Optional[ast.AST], Optional[str]]]] = FileState(set)
    """``(function, receiver)`` pairs given a finite timeout earlier in the file's walk (``settimeout(5)``, made by
    ``create_connection`` with a timeout, or assigned from such a socket)."""

    @visits(ast.Call)
    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if not isinstance(func, (ast.Attribute, ast.Name)):
            return
        if module_roles(ctx).for_tests:
            return  # a test's own call: a hang fails that test run, not a service (see the module docstring)
        if isinstance(func, ast.Attribute) and func.attr == "settimeout":
            self._check_settimeout(node, func, ctx)
            return
        name = func.attr if isinstance(func, ast.Attribute) else func.id
        if name == "create_connection":
            self._note_bounded_connection(node, ctx)
        has_none = any(_is_none(keyword.value) for keyword in node.keywords) or (
            bool(node.args) and _is_none(node.args[0])
        )
        if not has_none and not (name == "ClientTimeout" and not node.args and not node.keywords):
            return  # cheap exit: nothing is None and the call is not an empty ``ClientTimeout()``
        made = origin(func, ctx)
        if made in _CLIENT_TIMEOUTS:
            self._check_client_timeout(node, ctx)
        elif made == "httpx.Timeout":
            self._check_httpx_timeout(node, ctx)
        elif made == "socket.setdefaulttimeout":
            if len(node.args) == 1 and _is_none(node.args[0]):
                self._report(ctx, node.args[0], "socket.setdefaulttimeout(None)")
        else:
            found = disabled_timeout_keyword(node, ctx)
            if found is None:
                return
            construct, keyword = found
            stream = construct.startswith("httpx.") and construct.endswith("stream")
            if construct.startswith(_CLIENT_METHODS) and not stream and not self.option("per-call-none"):
                return  # one call opts out of its client's default on purpose (see the module docstring)
            for item in node.keywords:
                if item.arg == keyword and _is_none(item.value):
                    self._report(ctx, item, f"{construct}({keyword}=None)", stream=stream)

    def _note_bounded_connection(self, node: ast.Call, ctx: FileContext) -> None:
        """``s = socket.create_connection(address, 0.1)``: the socket is made with a finite timeout (its second
        argument or ``timeout=``), the connect's deadline, as a ``settimeout(5)`` would give it."""
        bound = node.args[1] if len(node.args) > 1 else keyword_value(node, "timeout")
        if bound is None or _is_none(bound) or origin(node.func, ctx) != "socket.create_connection":
            return
        statement = ctx.parent_of(node)
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                self.bounded_sockets(ctx).add((ctx.scope.function, dotted_name(target)))

    @visits(ast.Assign)
    def follow_bounded_socket(self, node: ast.Assign, ctx: FileContext) -> None:
        """``self.sock = s`` after ``s`` got a finite timeout: the same socket under the name that is switched
        back to blocking mode (visited before its value, so a name bound by this very statement is not read)."""
        value = dotted_name(node.value)
        if value is None or (ctx.scope.function, value) not in self.bounded_sockets(ctx):
            return
        for target in node.targets:
            self.bounded_sockets(ctx).add((ctx.scope.function, dotted_name(target)))

    def _check_settimeout(self, node: ast.Call, func: ast.Attribute, ctx: FileContext) -> None:
        if len(node.args) != 1 or node.keywords:
            return
        receiver = (ctx.scope.function, dotted_name(func.value))
        if not _is_none(node.args[0]):
            self.bounded_sockets(ctx).add(receiver)  # walked in source order: before any later settimeout(None)
            return
        if receiver[1] is not None and receiver in self.bounded_sockets(ctx):
            return  # back to blocking mode after a finite phase of the same socket
        if ended_by_cancel(func.value, ctx):
            return  # a long-lived stream its owner ends by shutting the socket down (see the module docstring)
        made = origin(func.value, ctx)
        if made is not None:
            if made.partition(".")[0] not in _SOCKET_MODULES:
                return
        elif not ctx.imports.imports_module(*_SOCKET_MODULES):
            return
        self._report(ctx, node.args[0], "socket.settimeout(None)")

    def _check_client_timeout(self, node: ast.Call, ctx: FileContext) -> None:
        if node.args or any(item.arg is None for item in node.keywords):
            return  # positional or ``**`` bounds: not known to be unbounded
        bounds = [item for item in node.keywords if item.arg in _CLIENT_TIMEOUT_BOUNDS]
        if any(not _is_none(item.value) for item in bounds):
            return
        if not bounds:
            if explains_setting(node, ctx, _WAIT_WORDS):
                return  # the author says why it never times out (see the module docstring)
            self.report(ctx, node, applicability=Applicability.NONE, construct="aiohttp.ClientTimeout()",
                        advice=_ADVICE)
            return
        first = next((item for item in bounds if item.arg == "total"), bounds[0])
        self._report(ctx, first, f"aiohttp.ClientTimeout({first.arg}=None)")

    def _check_httpx_timeout(self, node: ast.Call, ctx: FileContext) -> None:
        if len(node.args) > 1 or any(item.arg is None for item in node.keywords):
            return
        values = [*node.args, *(item.value for item in node.keywords if item.arg in _HTTPX_TIMEOUT_BOUNDS)]
        if not values or not all(_is_none(value) for value in values):
            return
        target = node.args[0] if node.args else next(i for i in node.keywords if i.arg in _HTTPX_TIMEOUT_BOUNDS)
        self._report(ctx, target, "httpx.Timeout(None)")

    def _report(
        self, ctx: FileContext, node: Union[ast.keyword, ast.expr], construct: str, stream: bool = False
    ) -> None:
        """Report at the ``None`` argument (or its keyword), which the fix replaces; not when a comment there says
        why the wait is unbounded (see the module docstring)."""
        if explains_setting(node, ctx, _WAIT_WORDS):
            return
        advice = _STREAM_ADVICE if stream else _ADVICE
        self.report(ctx, node, construct=construct, advice=advice, fix_data="stream" if stream else None)

    def fix(self, finding: Finding, node: cst.CSTNode, fixer: FixContext) -> Optional[cst.CSTNode]:
        import libcst  # noqa: PLC0415 - fix path only

        if not isinstance(node, libcst.Arg) or not isinstance(node.value, libcst.Name) or node.value.value != "None":
            return None
        seconds = f"{self.option('default-timeout'):g}"
        if finding.fix_data == "stream":
            httpx = fixer.import_module("httpx")
            return node.with_changes(value=libcst.parse_expression(f"{httpx}.Timeout(None, connect={seconds})"))
        return node.with_changes(value=libcst.parse_expression(seconds))
