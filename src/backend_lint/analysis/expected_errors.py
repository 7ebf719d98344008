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

- **Nothing to fail.** A ``try`` of log lines only (:func:`only_logs`).

A handler that ends by *returning* (``return {"status": "error", "message": str(e)}``, an MCP tool that tells
its client and returns an error object) is not one of them: the whole operation failed, and an API that turns any
failure into an error answer still loses the stack of the bug behind it. The handlers left alone go on: the
next file, row or template is processed, the user has been told about this one. (The calls into a library are
told apart by the ``try``, not the handler: however it ends, the error it logs is the library's.) Unless the
answer is a *client* error: a handler that returns the error's text with a 4xx status (``return
make_response(e_str, 400)`` after sending a test notification to the URL the user typed) files the failure as
the user's own and tells them (:func:`answers_client_error`; 400 or 422, not a 401/403 refusal).

- **A connection loop.** A ``while`` loop whose ``try`` opens a connection (``async with ws_connect(relay) as
  ws:``) and whose handler lets it go round again (:func:`reconnect_loop`): the relay being down is the
  expected failure, its message names it, and the loop connects again.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Optional

from backend_lint.analysis.catch_all import shielded
from backend_lint.analysis.facts import node_fact, reads
from backend_lint.analysis.loggers import logging_call_kind
from backend_lint.analysis.project.roots import first_party
from backend_lint.analysis.resolve import Definition, called_function
from backend_lint.analysis.values import origin
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


_FAILED_WORDS = re.compile("fail|error|skip|invalid|reject|broken")


def records_failed_item(handler: ast.ExceptHandler) -> bool:
    """The handler adds to a collection named after failures (``failed.append(serial)``,
    ``self.failed_tokens.append(serial)``, ``errors.add(name)``): the item is counted as failed in the result."""
    for statement in handler.body:
        call = _called(statement)
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
            if _mentions(statement.value, carriers):
                if _translated(statement.value):
                    return True
                targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                carriers |= {target.id for target in targets if isinstance(target, ast.Name)}
            continue
        call = _called(statement)
        if call is None or _callee(call) in _NOT_TOLD or logging_call_kind(call, ctx) is not None:
            continue
        if any(_mentions(argument, carriers) for argument in _arguments(call)):
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


def _called(statement: ast.stmt) -> Optional[ast.Call]:
    """The call a statement makes on its own: ``f(x)`` or ``await f(x)``."""
    if not isinstance(statement, ast.Expr):
        return None
    value = statement.value.value if isinstance(statement.value, ast.Await) else statement.value
    return value if isinstance(value, ast.Call) else None


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _arguments(call: ast.Call) -> Iterator[ast.expr]:
    yield from call.args
    for keyword in call.keywords:
        yield keyword.value


def _mentions(expr: ast.expr, names: set[str]) -> bool:
    return any(isinstance(node, ast.Name) and node.id in names for node in ast.walk(expr))


def _translated(expr: ast.expr) -> bool:
    """The expression builds a message through gettext (``_("...") % {...}``)."""
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _TRANSLATIONS
        for node in ast.walk(expr)
    )


_MAX_OUTSIDE_CALLS = 4
"""More calls than this is a workflow, whatever it calls."""
_MAX_FILE_CALLS = 24
"""File work (making a directory, writing a few files, serializing what goes in them) takes more calls, all of
the same kind: every one can only fail with the OS's ``OSError`` naming the path and the errno, or with the
serializer's own message."""
FILE_MODULES = frozenset({"open", "os", "shutil", "tempfile", "pathlib", "io", "json", "zlib", "gzip", "bz2",
                          "lzma", "tarfile", "zipfile", "csv", "glob", "stat"})
"""The standard library's file system, file object and serialization modules."""
_DYNAMIC_IMPORTS = frozenset({"importlib.import_module", "importlib.reload", "builtins.__import__", "runpy.run_path",
                              "runpy.run_module", "django.utils.module_loading.import_string",
                              "werkzeug.utils.import_string"})
"""Imports of a module named at run time (a configured hook, a plugin): they run that module's code, which is
the project's or the operator's, not a library's."""
SCHEDULING = frozenset({"asyncio", "contextlib"})
"""asyncio's own primitives (``create_task(asyncio.sleep(n))``, an event's ``wait()``, ``asyncio.wait``,
``cancel()``): scheduling that runs no code of the project, however many calls it takes."""
_RUNS_WORK = frozenset({"asyncio.gather", "asyncio.wait_for", "asyncio.shield", "asyncio.run", "asyncio.to_thread",
                        "asyncio.run_coroutine_threadsafe", "asyncio.as_completed", "asyncio.timeout"})
"""asyncio calls that run or await other code and raise its errors: not scheduling alone."""
_FILE_ANNOTATIONS = frozenset({"typing.IO", "typing.TextIO", "typing.BinaryIO", "io.IOBase", "io.TextIOBase",
                               "io.BufferedIOBase", "io.RawIOBase"})
_PLAIN_BUILTINS = frozenset({"str", "len", "bool", "int", "float", "repr", "isinstance", "hasattr"})
_OWN_RECEIVERS = frozenset({"self", "cls"})
_APP_STORAGE = frozenset({"app", "state", "g", "extensions"})
"""Attributes where an application keeps its own objects (``request.app.state.oauth_manager``): what is reached
through them is the project's, whatever the library object they hang on."""


@reads(origin, called_function, logging_call_kind)
def calls_outside_only(attempt: ast.Try, handler: ast.ExceptHandler, call: ast.Call, ctx: FileContext) -> bool:
    """The ``try`` only makes a few calls into a library or the OS (see the module docstring) and the logging
    ``call`` of ``handler`` carries the error (``"...: %s", exc``, ``f"...{exc}"``)."""
    if handler.name is None or not any(_mentions(argument, {handler.name}) for argument in _arguments(call)):
        return False
    calls = _OutsideCalls(ctx)
    if not calls.block(attempt.body, 0):
        return False
    if calls.counted == 0:
        return calls.registers  # ``class_dict[name] = obj``: a lookup error naming what is missing, no call made
    scheduling = calls.kinds <= SCHEDULING and not calls.awaits_work
    limit = _MAX_FILE_CALLS if calls.kinds <= FILE_MODULES or scheduling else _MAX_OUTSIDE_CALLS
    return calls.counted <= limit


class _OutsideCalls:
    """Reads a block and counts its calls into a library; ``block`` is false at the first step that is not one."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.counted = 0
        self.kinds: set[str] = set()
        """The top-level modules of the calls counted (``os``, ``json``, ``redis``; ``open`` for the builtin)."""
        self.registers = False
        """The block stores values into a dict named by a local (``class_dict[class_name] = obj``)."""
        self.package = ctx.module.partition(".")[0]
        self.tops: dict[str, bool] = {}
        self.made: dict[str, str] = {}
        """Names the ``try`` binds to what a library call made (``with open(path) as f``, ``r = requests.get(u)``),
        with the kind of that call."""
        self.kind = ""
        """The kind of the last call counted."""
        self.awaits_work = False
        """An asyncio call that raises the errors of the code it runs (``asyncio.gather``) or an ``await`` of
        a name the ``try`` did not make: errors of code outside the ``try``."""

    def count(self, kind: str) -> None:
        self.counted += 1
        self.kinds.add(kind)
        self.kind = kind

    def block(self, statements: list[ast.stmt], depth: int) -> bool:
        return depth <= 3 and all(self.statement(statement, depth) for statement in statements)

    def statement(self, statement: ast.stmt, depth: int) -> bool:
        if isinstance(statement, (ast.Pass, ast.Break, ast.Continue)):
            return True
        if isinstance(statement, (ast.For, ast.AsyncFor)):
            return self.loop(statement, depth)
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            return self.imports(statement)
        if isinstance(statement, ast.If):
            return (self.expr(statement.test) and self.block(statement.body, depth + 1)
                    and self.block(statement.orelse, depth + 1))
        if isinstance(statement, (ast.With, ast.AsyncWith)):
            return all(self.with_item(item) for item in statement.items) and self.block(statement.body, depth + 1)
        if isinstance(statement, ast.Expr):
            value = statement.value.value if isinstance(statement.value, ast.Await) else statement.value
            if isinstance(value, ast.Constant):
                return True  # a docstring
            if isinstance(value, ast.Call) and (logging_call_kind(value, self.ctx) is not None
                                                or self.lets_nothing_out(value)):
                return True
            return self.expr(statement.value)
        if isinstance(statement, ast.Return):
            return statement.value is None or self.expr(statement.value)
        if isinstance(statement, (ast.Assign, ast.AnnAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            if statement.value is None or not all(self.plain_target(target) for target in targets):
                return False
            value = statement.value.value if isinstance(statement.value, ast.Await) else statement.value
            self.kind = "builtins"
            if isinstance(value, ast.Call) and self.expr(value):
                self.made.update((name, self.kind) for target in targets for name in _bound_names(target))
                return True
            return self.expr(value) or (isinstance(value, ast.Call) and self.lets_nothing_out(value))
        return False

    def with_item(self, item: ast.withitem) -> bool:
        """``with open(path, "w") as f``: a library's context manager; or one that hands out a library's object
        (``async with get_db_context(db) as db`` where ``db: AsyncSession``): a session to run the calls on."""
        call, target = item.context_expr, item.optional_vars
        if not isinstance(call, ast.Call) or not (target is None or isinstance(target, ast.Name)):
            return False
        self.kind = "builtins"
        if self.expr(call):
            if target is not None:
                self.made[target.id] = self.kind
            return True
        made_by = origin(target, self.ctx) if target is not None else None
        if made_by is None or "()" not in made_by or not self.outside_name(made_by):
            return False
        self.count(made_by.partition(".")[0])
        return all(self.expr(argument) for argument in _arguments(call))

    def loop(self, statement: ast.For | ast.AsyncFor, depth: int) -> bool:
        """``for task in pending: task.cancel()`` over what a library call made: each item is that library's
        object too."""
        if statement.orelse or not isinstance(statement.target, ast.Name) or not self.expr(statement.iter):
            return False
        if isinstance(statement.iter, ast.Name) and statement.iter.id in self.made:
            self.made[statement.target.id] = self.made[statement.iter.id]
        return self.block(statement.body, depth + 1)

    def plain_target(self, target: ast.expr) -> bool:
        """A local name, names unpacked (``done, pending = await asyncio.wait(...)``), or an entry of a dict a
        name holds (``class_dict[class_name] = obj``: a store that runs no code of the project)."""
        if isinstance(target, ast.Tuple):
            return all(isinstance(item, ast.Name) for item in target.elts)
        if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and self.expr(target.slice):
            self.registers = True
            return True
        return isinstance(target, ast.Name)

    def imports(self, statement: ast.Import | ast.ImportFrom) -> bool:
        """``from PIL import Image`` inside the ``try``: an import of a library, whose ``ImportError`` names the
        module; an import of the project's own module runs the project's code."""
        if isinstance(statement, ast.ImportFrom):
            if statement.level or statement.module is None:
                return False
            names = [statement.module]
        else:
            names = [alias.name for alias in statement.names]
        if not all(self.outside_name(name) for name in names):
            return False
        for name in names:
            self.count(name.partition(".")[0])
        return True

    def lets_nothing_out(self, call: ast.Call) -> bool:
        """A function of this file that lets nothing out (its body catches everything itself, or only computes
        plain values: ``_activity_key(user_id)`` returning an f-string), called with plain arguments."""
        helper = called_function(call, self.ctx, self.ctx.scope)
        return (isinstance(helper, Definition) and isinstance(helper.node, (ast.FunctionDef, ast.AsyncFunctionDef))
                and shielded(helper.node.body) and all(self.expr(argument) for argument in _arguments(call)))

    def expr(self, expr: ast.expr) -> bool:
        """A value made of names, literals, attribute reads, operators and calls into a library."""
        if isinstance(expr, (ast.Constant, ast.Name)):
            return True
        if isinstance(expr, ast.Await) and isinstance(expr.value, ast.Name) and expr.value.id not in self.made:
            self.awaits_work = True  # ``await task`` of a task made elsewhere: its errors are its code's
        if isinstance(expr, (ast.Attribute, ast.Await, ast.UnaryOp)):
            return self.expr(expr.value if not isinstance(expr, ast.UnaryOp) else expr.operand)
        if isinstance(expr, ast.JoinedStr):
            return all(self.expr(part.value) for part in expr.values if isinstance(part, ast.FormattedValue))
        if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
            return all(self.expr(item) for item in expr.elts)
        if isinstance(expr, ast.Dict):
            return all(item is None or self.expr(item) for item in [*expr.keys, *expr.values])
        if isinstance(expr, ast.BoolOp):
            return all(self.expr(item) for item in expr.values)
        if isinstance(expr, ast.BinOp):
            return self.expr(expr.left) and self.expr(expr.right)
        if isinstance(expr, ast.Compare):
            return self.expr(expr.left) and all(self.expr(item) for item in expr.comparators)
        if isinstance(expr, ast.Starred):
            return self.expr(expr.value)
        if isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Call):
            # ``os.path.splitext(path)[0]``, ``stamp.isoformat()[:19]``: a part of what a library call returned
            return _constant_index(expr.slice) and self.expr(expr.value)
        if isinstance(expr, ast.Call):
            return self.outside(expr) and all(self.expr(argument) for argument in _arguments(expr))
        return False  # a subscript, a comprehension, a lambda: the project's own logic

    def outside(self, call: ast.Call) -> bool:
        """``call`` runs a library's code: a function imported from outside the project (``os.unlink``,
        ``sqlalchemy.delete``), ``open``, or a method of an object a library made (``redis_client.setex`` after
        ``redis_client = get_connection()`` from ``django_rq``; ``result.scalars().first()``). A plain builtin
        (``str``, ``len``) is allowed and not counted."""
        func = call.func
        if isinstance(func, ast.Name) and func.id in _PLAIN_BUILTINS | {"open"} \
                and self.ctx.imports.resolve(func) is None and called_function(call, self.ctx, self.ctx.scope) is None:
            if func.id == "open":
                self.count("open")
            return True
        qualified = self.ctx.imports.resolve(func)
        if qualified is not None:
            if not self.outside_name(qualified) or qualified in _DYNAMIC_IMPORTS:
                return False
            self.awaits_work |= qualified in _RUNS_WORK
            self.count(qualified.partition(".")[0])
            return True
        if not isinstance(func, ast.Attribute):
            return False
        receiver = func.value.value if isinstance(func.value, ast.Await) else func.value
        if isinstance(receiver, ast.Constant) and isinstance(receiver.value, str):
            return True  # ``"{0}.prev.bak".format(path)``: a method of a literal text, runs no project code
        if isinstance(receiver, ast.Call):  # a chain: ``delete(Session).filter_by(...)``, ``cf.zones.get``
            return self.expr(receiver)
        if isinstance(receiver, ast.Name) and receiver.id in _OWN_RECEIVERS:
            return False  # a method of the class itself
        if isinstance(receiver, ast.Name) and receiver.id in self.made:
            self.count(self.made[receiver.id])
            return True
        if isinstance(receiver, ast.Name) and self.file_parameter(receiver.id):
            self.count("io")
            return True
        if any(isinstance(node, ast.Attribute) and node.attr in _APP_STORAGE for node in ast.walk(receiver)):
            return False  # the application's own object, kept on the app
        made_by = origin(receiver, self.ctx)
        if made_by is None or "()" not in made_by or not self.outside_name(made_by):
            return False
        self.count(made_by.partition(".")[0])
        return True

    def file_parameter(self, name: str) -> bool:
        """``log_io`` of ``def _stream_lines(log_io: IO[str])``: a parameter annotated as a file object."""
        function = self.ctx.scope.function
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return False
        args = function.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
            if arg.arg == name and arg.annotation is not None:
                annotation = arg.annotation.value if isinstance(arg.annotation, ast.Subscript) else arg.annotation
                return self.ctx.imports.resolve(annotation) in _FILE_ANNOTATIONS
        return False

    def outside_name(self, qualified: str) -> bool:
        """A qualified name of a library: not a relative import, not of the file's own top-level package, and
        no folder or module of the project has the name of its first part (:func:`.project.roots.first_party`).
        Without a file (standard input) nothing is known to be a library's."""
        top = qualified.partition(".")[0]
        if not self.package or qualified.startswith(".") or top == self.package:
            return False
        if top not in self.tops:
            self.tops[top] = not first_party(self.ctx.display_path, top)
        return self.tops[top]


@reads(logging_call_kind)
def only_logs(attempt: ast.Try, ctx: FileContext) -> bool:
    """The ``try`` holds nothing but logging calls of plain values (``logger.debug("queue closed")``,
    ``logger.info(f"... {type(q)}")``, ``self.logger.debug(self.ENTRY_MESSAGE.format(name, args),
    extra={"s_line": lno})``), with the plain assignments and ``if`` branches that choose between them: nothing
    in it can fail but the log line itself, and the handler's error line has no stack worth keeping."""
    return _only_logs(attempt.body, ctx, 0) and any(
        isinstance(node, ast.Call) and logging_call_kind(node, ctx) is not None
        for statement in attempt.body for node in ast.walk(statement)
    )


def _only_logs(statements: list[ast.stmt], ctx: FileContext, depth: int) -> bool:
    """Log lines, ``if`` tests of plain values choosing between them, and names bound to a name or a literal
    (``lno = definition_line``; an attribute read may run a property: ``tool = instance.tool``)."""
    if depth > 2:
        return False
    for statement in statements:
        if isinstance(statement, ast.Pass):
            continue
        if isinstance(statement, ast.If):
            if not (_plain_value(statement.test) and _only_logs(statement.body, ctx, depth + 1)
                    and _only_logs(statement.orelse, ctx, depth + 1)):
                return False
            continue
        if isinstance(statement, ast.Assign):
            if not (all(isinstance(target, ast.Name) for target in statement.targets)
                    and isinstance(statement.value, (ast.Name, ast.Constant))):
                return False
            continue
        call = _called(statement)
        if call is None or logging_call_kind(call, ctx) is None:
            return False
        if not all(_plain_value(argument) for argument in _arguments(call)):
            return False
    return True


def _plain_value(expr: ast.expr) -> bool:
    """Names, literals, attribute reads, f-strings of them, dicts of them, plain builtins (``type(q)``,
    ``len(items)``) and a text formatted from them (``self.ENTRY_MESSAGE.format(name, args)``)."""
    if isinstance(expr, (ast.Constant, ast.Name)):
        return True
    if isinstance(expr, ast.Attribute):
        return _plain_value(expr.value)
    if isinstance(expr, ast.JoinedStr):
        return all(_plain_value(part.value) for part in expr.values if isinstance(part, ast.FormattedValue))
    if isinstance(expr, ast.Dict):
        return all(item is None or _plain_value(item) for item in [*expr.keys, *expr.values])
    if isinstance(expr, ast.Call):
        if isinstance(expr.func, ast.Attribute) and expr.func.attr == "format":
            return _plain_value(expr.func.value) and all(_plain_value(argument) for argument in _arguments(expr))
        return (isinstance(expr.func, ast.Name) and expr.func.id in _PLAIN_BUILTINS | {"type"}
                and all(_plain_value(argument) for argument in _arguments(expr)))
    return False


def _bound_names(target: ast.expr) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, ast.Tuple):
        for item in target.elts:
            yield from _bound_names(item)


def _constant_index(index: ast.expr) -> bool:
    """``0``, ``-1``, ``:19``: an index or a slice of constants."""
    if isinstance(index, ast.Slice):
        return all(part is None or _constant_index(part) for part in (index.lower, index.upper, index.step))
    if isinstance(index, ast.UnaryOp):
        return _constant_index(index.operand)
    return isinstance(index, ast.Constant)


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
        if isinstance(statement, ast.Assign) and _mentions(statement.value, carriers):
            carriers |= {target.id for target in statement.targets if isinstance(target, ast.Name)}
    parts = answer.elts if isinstance(answer, ast.Tuple) else [answer]
    calls = [part for part in parts if isinstance(part, ast.Call)]
    statuses = [*(part for part in parts if not isinstance(part, ast.Call)),
                *(value for call in calls for value in _status_arguments(call))]
    return any(_client_status(value) for value in statuses) and any(
        _mentions(part, carriers) for part in parts
    )


def _status_arguments(call: ast.Call) -> Iterator[ast.expr]:
    yield from call.args[1:]
    for keyword in call.keywords:
        if keyword.arg in ("status", "status_code", "code"):
            yield keyword.value


_INPUT_STATUSES = frozenset({400, 422})
"""Bad request, unprocessable: the client's input is at fault. A refusal (401, 403) after a failed login is not:
the failure may be the provisioning code's, not the credentials'."""


def _client_status(value: ast.expr) -> bool:
    return isinstance(value, ast.Constant) and type(value.value) is int and value.value in _INPUT_STATUSES


_CONNECTS = ("connect",)


def reconnect_loop(attempt: ast.Try, handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """A connection loop: the ``try`` is a statement of a ``while`` loop's own body, it opens a connection
    (``async with ws_connect(self.relay) as ws:``, the first statement) and the handler lets the loop go round
    again (no ``break``, ``return`` or ``raise``). What it catches is the connection's failure (the relay is down,
    the socket closed), whose message names it; the loop connects again, and a stack per attempt is noise."""
    loop = ctx.parent_of(attempt)
    if not isinstance(loop, ast.While) or attempt not in loop.body or not attempt.body:
        return False
    first = attempt.body[0]
    if not isinstance(first, (ast.With, ast.AsyncWith)):
        return False
    opens = any(
        isinstance(item.context_expr, ast.Call)
        and any(word in _callee(item.context_expr).lower() for word in _CONNECTS)
        for item in first.items
    )
    return opens and not any(
        isinstance(node, (ast.Break, ast.Return, ast.Raise))
        for statement in handler.body for node in ast.walk(statement)
    )


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
