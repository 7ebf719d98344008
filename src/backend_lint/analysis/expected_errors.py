"""Catch-alls whose failure is expected and told to the user: errors BE403 leaves without a traceback.

An ``except Exception`` that logs ``logger.error("...: %s", exc)`` usually loses the stack of a bug. Judged on
real applications, two kinds of handler are not that: the failure is part of how the code works, and the stack
would be noise.

- **A veto hook.** Flask-AppBuilder calls a view's ``pre_add``/``pre_update``/``pre_delete`` hook before it
  writes, and a hook rejects the change by raising (Superset's ownership check). ``try: self.pre_delete(item)
  / except Exception as ex: logger.error("Pre-delete error: %s", ex)`` logs a refusal the code asked for.
- **An error in user-written content, reported back.** Rendering a user-authored template or loading a user's
  repository files fails on the user's typo, and the handler tells the user: it hands the error text to a
  result the user reads (``job_result.log(msg, ...)``, ``messages.error(request, str(exc))``) or builds a
  translated message from it (``_("Error indexing document: %(exception)s") % {...}``; translation is for
  people, not for an operator's log). The error is decided by what the handler does with it, not by names.

- **A value that does not parse.** A ``try`` that only parses one value (``db_url = make_url(setting)``,
  ``metric.currency = json.loads(metric.currency)``, ``urlparse(url)``) can fail in one way: the text is not
  valid, and the message that names the value says all there is (the stack is the parser's own frames).

- **A failed item, counted.** In a loop over items (tokens to export, rows to import), the handler records the
  item among the failed ones (``failed.append(token.get_serial())``, ``errors.append(...)``): a per-item failure
  the code is designed to expect and hands back to its caller in the result, next to the items that succeeded.

- **A few calls into a library or the OS.** A ``try`` whose every step is a call into an outside system
  (``redis_client.setex(...)`` on a client ``django_rq.get_connection()`` made, ``os.path.getmtime(d)`` and
  ``shutil.rmtree(d)``, ``with open(path, "w") as f: f.write(body)``, ``cf.zones.get(params=...)`` on a
  ``CloudFlare.CloudFlare()`` client), with no function of the project in it, and whose handler logs the error
  with it: the error can only be the library's or the OS's (a ``RedisError``, an ``OSError`` naming the path
  and the errno, the API's error), its message says what failed, and the stack would show the library's own
  frames. A ``try`` that runs any code of the project (a function or method of the project, ``self.``
  methods, a comprehension, a write to an attribute) can fail on a bug of that code and stays
  flagged; so does a handler whose message leaves the error out. File work (a folder made and a few files
  written with ``os``, ``open``, ``json``, ``zlib``) may take more calls, all of the standard library's files.
  asyncio's own scheduling (``create_task(asyncio.sleep(n))``, ``asyncio.wait``, ``task.cancel()``) may take
  more calls too, when none of them runs other code (``asyncio.gather``) or awaits a task made elsewhere.
  A method of a literal text (``"{0}.bak".format(path)``) runs no code of the project.
  A ``try`` that calls nothing and only stores values into local dicts (``class_dict[name] = obj``) can only
  fail on a lookup error naming the attribute.

- **Nothing to fail.** A ``try`` of log lines only.

The last two are read by :mod:`.library_calls` (:func:`~.library_calls.calls_outside_only`,
:func:`~.log_only_tries.only_logs`).

A handler that ends by *returning* (``return {"status": "error", "message": str(e)}``, an MCP tool that tells
its client and returns an error object) is not one of them: the whole operation failed, and an API that turns any
failure into an error answer still loses the stack of the bug behind it. The handlers left alone go on: the
next file, row or template is processed, the user has been told about this one. (The calls into a library are
told apart by the ``try``, not the handler: however it ends, the error it logs is the library's.) Unless the
answer is a *client* error: a handler that returns the error's text with a 4xx status (``return
make_response(e_str, 400)`` after sending a test notification to the URL the user typed) files the failure as
the user's own and tells them (:func:`answers_client_error`; 400 or 422, not a 401/403 refusal).

- **A connection test answered with its error.** A function named for testing access to a destination the user
  configured (``test_access``, ``test_connection``, ``check_connectivity``, ``verify_credentials``) whose handler
  returns the error's text (``return str(e)``: motionEye's "test" button of its SFTP, FTP and cloud upload
  settings, seed 135; :func:`tests_connection`). Reaching the host with the typed credentials is what it asks,
  its failure (refused, unreachable, bad password) is the answer the user reads, and its message says which. A
  function named for doing the work (``upload_file``) that answers its error stays flagged.

- **A connection loop.** A ``while`` loop whose ``try`` opens a connection (``async with ws_connect(relay) as
  ws:``) and whose handler lets it go round again (:func:`reconnect_loop`): the relay being down is the
  expected failure, its message names it, and the loop connects again.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Optional

from backend_lint.analysis.ast_helpers import call_arguments, callee_name, mentions_name, statement_call
from backend_lint.analysis.delegated_validation import client_status
from backend_lint.analysis.facts import node_fact
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.loggers import logging_call_kind
from backend_lint.analysis.secret_names import split_identifier
from backend_lint.context import FileContext

VETO_HOOKS = frozenset({"pre_add", "pre_update", "pre_delete"})
"""Flask-AppBuilder's hooks that reject a write by raising."""

_TRANSLATIONS = frozenset({"_", "gettext", "gettext_lazy", "ugettext", "ugettext_lazy", "pgettext", "ngettext",
                           "lazy_gettext"})
_NOT_TOLD = frozenset({"print", "str", "repr", "format", "len"})
"""Calls that do not tell a user anything (``print`` goes to a console, the rest only convert)."""


PARSERS = frozenset(
    {"json.loads", "yaml.safe_load", "urllib.parse.urlparse", "urllib.parse.urlsplit", "ast.literal_eval",
     "sqlalchemy.engine.url.make_url", "sqlalchemy.engine.make_url", "sqlalchemy.make_url", "uuid.UUID",
     "ipaddress.ip_address", "ipaddress.ip_network", "datetime.datetime.fromisoformat", "datetime.date.fromisoformat"}
)
"""Functions that turn one text into a value and fail only when the text is not valid."""


def parses_one_value(attempt: ast.Try, ctx: FileContext) -> bool:
    """The ``try`` is one statement whose value is a call of a parser: ``db_url = make_url(text)``."""
    if len(attempt.body) != 1:
        return False
    statement = attempt.body[0]
    value = statement.value if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.Return, ast.Expr)) else None
    return isinstance(value, ast.Call) and ctx.imports.resolve(value.func) in PARSERS


_FAILED_WORDS = lazy_compile("fail|error|skip|invalid|reject|broken")


def records_failed_item(handler: ast.ExceptHandler) -> bool:
    """The handler adds to a collection named after failures (``failed.append(serial)``,
    ``self.failed_tokens.append(serial)``, ``errors.add(name)``): the item is counted as failed in the result."""
    for statement in handler.body:
        call = statement_call(statement)
        func = call.func if call is not None else None
        if isinstance(func, ast.Attribute) and func.attr in ("append", "add", "extend") \
                and isinstance(func.value, (ast.Name, ast.Attribute)):
            owner = func.value.id if isinstance(func.value, ast.Name) else func.value.attr
            if _FAILED_WORDS.search(owner.lower()):
                return True
    return False


def vetoed_by_hook(attempt: ast.Try) -> bool:
    """The ``try`` only calls the view's own veto hooks: ``try: self.pre_delete(item)``."""
    return all(
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Call)
        and isinstance(statement.value.func, ast.Attribute)
        and isinstance(statement.value.func.value, ast.Name)
        and statement.value.func.value.id == "self"
        and statement.value.func.attr in VETO_HOOKS
        for statement in attempt.body
    )


@node_fact(reads=(logging_call_kind,))
def reports_error_to_user(ctx: FileContext, handler: ast.ExceptHandler) -> bool:
    """The handler hands the caught error's text to a call that is not logging (``job_result.log(msg)``),
    or builds a translated message from it. Reads the handler's own statements, in order, with the branches of
    its ``if`` statements: a name assigned from an expression that mentions the error carries it on (``msg =
    f"...{exc}"``, also in one branch of ``if duplicate: msg = "..." else: msg = f"...{exc}"``)."""
    if handler.name is None or isinstance(handler.body[-1], ast.Return):
        return False  # a failed operation answered with an error result: the bug behind it needs its stack
    carriers = {handler.name}
    for statement in _flattened(handler.body):
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
            if mentions_name(statement.value, carriers):
                if _translated(statement.value):
                    return True
                targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                carriers |= {target.id for target in targets if isinstance(target, ast.Name)}
            continue
        call = statement_call(statement)
        if call is None or callee_name(call) in _NOT_TOLD or logging_call_kind(call, ctx) is not None:
            continue
        if any(mentions_name(argument, carriers) for argument in call_arguments(call)):
            return True
    return False


def _flattened(statements: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements, each ``if`` replaced by the statements of its branches, in order."""
    for statement in statements:
        if isinstance(statement, ast.If):
            yield from _flattened(statement.body)
            yield from _flattened(statement.orelse)
        else:
            yield statement


def _translated(expr: ast.expr) -> bool:
    """The expression builds a message through gettext (``_("...") % {...}``)."""
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _TRANSLATIONS
        for node in ast.walk(expr)
    )


def answers_client_error(handler: ast.ExceptHandler) -> bool:
    """The handler ends by answering the caught error's text with a status that blames the input (400 or 422:
    ``return make_response(e_str, 400)``, ``return jsonify(error=str(e)), 422``): the code files the failure as
    the client's own (the test notification of a URL the user typed), and tells them. A 5xx answer is a failure
    of the server and is not one (see the module docstring), nor is a 401/403 refusal."""
    if handler.name is None or not handler.body or not isinstance(handler.body[-1], ast.Return):
        return False
    answer = handler.body[-1].value
    if answer is None:
        return False
    carriers = {handler.name}
    for statement in _flattened(handler.body[:-1]):
        if isinstance(statement, ast.Assign) and mentions_name(statement.value, carriers):
            carriers |= {target.id for target in statement.targets if isinstance(target, ast.Name)}
    parts = answer.elts if isinstance(answer, ast.Tuple) else [answer]
    calls = [part for part in parts if isinstance(part, ast.Call)]
    statuses = [*(part for part in parts if not isinstance(part, ast.Call)),
                *(value for call in calls for value in _status_arguments(call))]
    return any(client_status(value) for value in statuses) and any(
        mentions_name(part, carriers) for part in parts
    )


def _status_arguments(call: ast.Call) -> Iterator[ast.expr]:
    yield from call.args[1:]
    for keyword in call.keywords:
        if keyword.arg in ("status", "status_code", "code"):
            yield keyword.value


_CONNECTS = ("connect",)


def reconnect_loop(attempt: ast.Try, handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """A connection loop: the ``try`` is a statement of a ``while`` loop's own body, it opens a connection first
    (``async with ws_connect(self.relay) as ws:``, or ``channel = await self._ensure_connected()``: a call named
    ``*connect*``) and the handler lets the loop go round again (no ``break``, ``return`` or ``raise``), or leaves
    only once it gives up after counting its attempts (``attempt += 1`` in the clause, then ``if
    self._gave_up(attempt): return``: opal's broadcaster listener). What it catches is the connection's failure
    (the relay is down, the socket closed), whose message names it; the loop connects again, and a stack per
    attempt is noise."""
    loop = ctx.parent_of(attempt)
    if not isinstance(loop, ast.While) or attempt not in loop.body or not attempt.body:
        return False
    first = attempt.body[0]
    if isinstance(first, (ast.With, ast.AsyncWith)):
        opened = [item.context_expr for item in first.items]
    elif isinstance(first, (ast.Assign, ast.Expr)):
        opened = [first.value.value if isinstance(first.value, ast.Await) else first.value]
    else:
        return False
    opens = any(
        isinstance(call, ast.Call) and any(word in callee_name(call).lower() for word in _CONNECTS)
        for call in opened
    )
    counters = {statement.target.id for statement in handler.body
                if isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name)}
    return opens and not any(
        isinstance(node, (ast.Break, ast.Return, ast.Raise))
        for statement in handler.body if not _gives_up(statement, counters) for node in ast.walk(statement)
    )


def _gives_up(statement: ast.stmt, counters: set[str]) -> bool:
    """``if self._gave_up(attempt): ... return``: the clause leaves under a test of the attempts it counts."""
    return isinstance(statement, ast.If) and bool(counters) and any(
        isinstance(node, ast.Name) and node.id in counters for node in ast.walk(statement.test))


_EXCEPTION_TYPES = frozenset({"Exception", "BaseException"})


def reports_another_failure(function: Optional[ast.AST]) -> bool:
    """The function is handed an exception to report (a parameter annotated ``Exception``: privacyIDEA's
    ``_log_handler_failure(self, position, e_handler_def, exception: Exception, ...)``, which audits the failure
    of an event handler). A failure inside it is secondary: the primary one is being handled by its caller, and
    "failing to write the entry must not replace the exception of the handler"."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    args = function.args
    return any(
        isinstance(arg.annotation, ast.Name) and arg.annotation.id in _EXCEPTION_TYPES
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]
    )


_TEST_WORDS = frozenset({"test", "check", "verify", "validate", "probe", "try"})
_DESTINATION_WORDS = frozenset({"access", "connection", "connectivity", "connect", "credentials", "login", "auth",
                                "authentication", "reachability", "reachable"})
"""A function named by one word of each (``test_access``, ``check_connection``) tests a configured destination."""


def tests_connection(function: Optional[ast.AST], handler: ast.ExceptHandler) -> bool:
    """``def test_access(self)`` whose handler ends by returning the caught error's text (``return str(e)``, alone
    or in a tuple or dict): the failure to reach the destination is the test's answer, told to the user."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or handler.name is None:
        return False
    words = set(split_identifier(function.name))
    if not (words & _TEST_WORDS and words & _DESTINATION_WORDS):
        return False
    last = handler.body[-1] if handler.body else None
    return isinstance(last, ast.Return) and last.value is not None and mentions_name(last.value, {handler.name})
