"""A ``try`` whose every step is a call into a library or the OS, or that has nothing to fail: BE403 leaves its
logged error without a traceback (:mod:`.expected_errors` says why).

:func:`calls_outside_only` reads the ``try`` step by step (:class:`_OutsideCalls`): a call of a library or the
standard library, on a client a library made, a method of a literal text or of a parameter annotated as a file,
counts, and so does a text's own method (``buffer.decode(encoding)``, ``url.strip()``) and a field of a text
the ``try`` split taken by a constant index (``float(parts[4])``: malformed text fails with a ``ValueError``
naming it); so does a function or
``self.`` method of the file that is a thin wrapper of such calls
(:meth:`_OutsideCalls.wrapper`: read as its calls, two wrappers deep). Any other code of the project (its
functions and methods, comprehensions, attribute writes, a module imported by name at run time) ends the
reading. A few such calls (more for file work of the standard library and for asyncio's own scheduling) fail
only with the library's or the OS's error, whose message
names what failed. (A ``try`` of log lines only: :mod:`.log_only_tries`.)
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Optional

from backend_lint.analysis.ast_helpers import call_arguments, mentions_name, own_nodes
from backend_lint.analysis.catch_all import shielded, simple_test
from backend_lint.analysis.facts import reads
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.loggers import logging_call_kind
from backend_lint.analysis.plain_steps import (
    CONTAINER_METHODS,
    annotated_class,
    kept_store,
    literal_container,
    record_class,
)
from backend_lint.analysis.project.roots import first_party
from backend_lint.analysis.resolve import Definition, Function, called_function
from backend_lint.analysis.scopes import Scope
from backend_lint.analysis.tree_walk import walk
from backend_lint.analysis.values import origin
from backend_lint.context import FileContext

_MAX_OUTSIDE_CALLS = 4
"""More calls than this is a workflow, whatever it calls."""
_MAX_DEPTH = 4
"""Blocks nested deeper than this (a ``with`` holding a loop holding two ``if`` levels) are not read."""
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
_SPAWNS = frozenset({"asyncio.create_task", "asyncio.ensure_future"})
"""asyncio calls that wrap a coroutine in a task: the coroutine's code runs later, in the task, never here."""
_FILE_ANNOTATIONS = frozenset({"typing.IO", "typing.TextIO", "typing.BinaryIO", "io.IOBase", "io.TextIOBase",
                               "io.BufferedIOBase", "io.RawIOBase"})
_PLAIN_BUILTINS = frozenset({"str", "len", "bool", "int", "float", "repr", "isinstance", "hasattr", "getattr"})
_OWN_RECEIVERS = frozenset({"self", "cls"})
_SPLITS = frozenset({"split", "rsplit", "partition", "rpartition"})
"""Methods of ``str`` and ``bytes`` that cut a text into its fields (``parts = line.split(",")``)."""
_TEXT_METHODS = frozenset({"strip", "lstrip", "rstrip", "lower", "upper", "casefold", "encode", "decode", "splitlines",
                           "startswith", "endswith"}) | _SPLITS
"""Methods of ``str`` and ``bytes`` (``buffer.decode(encoding)``, ``webhook.url.strip()``): they run no code of the
project, and their only failure (a ``UnicodeDecodeError`` naming the codec and the position) says what failed."""
_MAX_WRAPPERS = 2
"""How many helpers deep a call is read through (``send_telegram_notification`` calling
``send_telegram_message``, which makes the ``httpx`` calls)."""
_RESULT_READS = frozenset({"get", "keys", "values", "items", "group", "groups", "groupdict", "span"})
"""Methods that read a part of the value a library call returned (the dict ``resp.json()`` gave, the match
``re.match`` gave): they fail only as that value's container does, and are not counted as further calls."""
_METHOD_DECORATORS = frozenset({"staticmethod", "classmethod"})
_APP_STORAGE = frozenset({"app", "state", "g", "extensions"})
"""Attributes where an application keeps its own objects (``request.app.state.oauth_manager``): what is reached
through them is the project's, whatever the library object they hang on."""


@reads(origin, called_function, logging_call_kind, record_class, literal_container, kept_store)
def calls_outside_only(attempt: ast.Try, handler: ast.ExceptHandler, call: ast.Call, ctx: FileContext) -> bool:
    """The ``try`` only makes a few calls into a library or the OS (see the module docstring) and the logging
    ``call`` of ``handler`` carries the error (``"...: %s", exc``, ``f"...{exc}"``, or through a local the clause
    made from it first: ``ret = str(e)`` then ``logger.error(ret)``, tacticalrmm's NATS connect)."""
    carriers = _error_carriers(handler, call)
    if not carriers or not any(mentions_name(argument, carriers) for argument in call_arguments(call)):
        return False
    calls = _OutsideCalls(ctx)
    if not calls.block(attempt.body, 0):
        return False
    if calls.counted == 0:
        return calls.registers or calls.texts  # ``class_dict[name] = obj``: a lookup error naming what is missing;
        # ``buffer.decode(encoding)``: the codec's error naming the position
    scheduling = calls.kinds <= SCHEDULING and not calls.awaits_work
    limit = _MAX_FILE_CALLS if calls.kinds <= FILE_MODULES or scheduling else _MAX_OUTSIDE_CALLS
    return calls.counted <= limit


def _error_carriers(handler: ast.ExceptHandler, call: ast.Call) -> set[str]:
    """The clause's name for the error and the locals its statements before ``call`` assign from an expression
    that mentions one (``ret = str(e)``): what carries the error's text (empty: the clause names no error)."""
    if handler.name is None:
        return set()
    carriers = {handler.name}
    for statement in handler.body:
        if statement.lineno >= call.lineno:
            break
        if isinstance(statement, ast.Assign) and mentions_name(statement.value, carriers):
            carriers.update(target.id for target in statement.targets if isinstance(target, ast.Name))
    return carriers


def wraps_library_call(ctx: FileContext, function: ast.AST) -> bool:
    """The function's body (past a docstring) is one call of a library, returned or made, whose arguments make no
    call (askbot's ``decode_jwt``: ``return jwt.decode(data_jwt, settings.SECRET_KEY, algorithms=["HS256"])``):
    a ``try`` of it in another module fails only with that library's error (BE403, through the project model).
    Only the top statements are looked at: no walk of the body."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or function.decorator_list:
        return False
    body = function.body[1:] if function.body and _is_docstring(function.body[0]) else function.body
    if len(body) != 1:
        return False
    statement = body[0]
    value = statement.value if isinstance(statement, (ast.Return, ast.Expr)) else None
    call = value.value if isinstance(value, ast.Await) else value
    if not isinstance(call, ast.Call) or any(
        isinstance(part, ast.Call) for argument in call_arguments(call) for part in walk(argument)
    ):
        return False
    qualified = ctx.imports.resolve(call.func)
    return qualified is not None and _OutsideCalls(ctx, ctx.root_scope).outside_name(qualified)


class _OutsideCalls:
    """Reads a block and counts its calls into a library; ``block`` is false at the first step that is not one."""

    def __init__(self, ctx: FileContext, scope: Optional[Scope] = None, nesting: int = 0) -> None:
        self.ctx = ctx
        self.scope = scope if scope is not None else ctx.scope
        """The scope the block runs in: the handler's, or a helper's body being read through."""
        self.nesting = nesting
        """How many helpers deep this reading is (:meth:`wrapper`)."""
        self.counted = 0
        self.kinds: set[str] = set()
        """The top-level modules of the calls counted (``os``, ``json``, ``redis``; ``open`` for the builtin)."""
        self.registers = False
        """The block stores values into a dict named by a local (``class_dict[class_name] = obj``)."""
        self.texts = False
        """The block calls a text's own method (``buffer.decode(...)``), which is not counted."""
        self.fields: set[str] = set()
        """Locals the ``try`` binds to a text cut into fields (``parts = line.split(",")``): ``parts[4]`` is one
        field, and a line with too few of them fails with an ``IndexError``, malformed text like a bad number."""
        self.package = ctx.module.partition(".")[0]
        self.tops: dict[str, bool] = {}
        self.made: dict[str, str] = {}
        """Names the ``try`` binds to what a library call made (``with open(path) as f``, ``r = requests.get(u)``),
        with the kind of that call."""
        self.kind = ""
        """The kind of the last call counted."""
        self.awaits_work = False
        self.guards: list[tuple[ast.expr, bool]] = []
        """The ``if`` tests the statement being read runs under, each with whether it holds there."""
        """An asyncio call that raises the errors of the code it runs (``asyncio.gather``) or an ``await`` of
        a name the ``try`` did not make: errors of code outside the ``try``."""

    def count(self, kind: str) -> None:
        self.counted += 1
        self.kinds.add(kind)
        self.kind = kind

    def block(self, statements: list[ast.stmt], depth: int) -> bool:
        return depth <= _MAX_DEPTH and all(self.statement(statement, depth) for statement in statements)

    def statement(self, statement: ast.stmt, depth: int) -> bool:
        if isinstance(statement, (ast.Pass, ast.Break, ast.Continue)):
            return True
        if isinstance(statement, (ast.For, ast.AsyncFor)):
            return self.loop(statement, depth)
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            return self.imports(statement)
        if isinstance(statement, ast.If):
            return ((self.expr(statement.test) or simple_test(statement.test))
                    and self.guarded_block(statement.test, True, statement.body, depth + 1)
                    and self.guarded_block(statement.test, False, statement.orelse, depth + 1))
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
        if isinstance(statement, ast.AugAssign):  # ``watch_count += 1``: a local counter
            return isinstance(statement.target, ast.Name) and self.expr(statement.value)
        if isinstance(statement, (ast.Assign, ast.AnnAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            if statement.value is None or not all(self.plain_target(target) for target in targets):
                return False
            value = statement.value.value if isinstance(statement.value, ast.Await) else statement.value
            self.kind = "builtins"
            if isinstance(value, ast.Call) and self.expr(value):
                self.made.update((name, self.kind) for target in targets for name in _bound_names(target))
                if isinstance(value.func, ast.Attribute) and value.func.attr in _SPLITS:
                    self.fields.update(name for target in targets for name in _bound_names(target))
                return True
            return self.expr(value) or (isinstance(value, ast.Call) and self.lets_nothing_out(value))
        return False

    def guarded_block(self, test: ast.expr, holds: bool, statements: list[ast.stmt], depth: int) -> bool:
        """``statements`` run where ``test`` is true (``holds``) or false: what :meth:`checked_key` knows."""
        self.guards.append((test, holds))
        try:
            return self.block(statements, depth)
        finally:
            self.guards.pop()

    def checked_key(self, subscript: ast.Subscript) -> bool:
        """``res[k]`` under ``if res.get(k):`` or ``if k in res:`` (``res['css_filter']`` too, in the ``else`` of
        ``if k != 'css_filter'`` inside it): a key the ``try`` has just seen in the dict, no ``KeyError``."""
        if not isinstance(subscript.value, ast.Name):
            return False
        name = subscript.value.id
        same = {ast.dump(subscript.slice)}
        for _ in range(2):  # the keys equal to it: ``k == "css_filter"``, or the ``else`` of ``!=``
            for test, holds in self.guards:
                if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(
                        test.ops[0], ast.Eq if holds else ast.NotEq):
                    sides = {ast.dump(test.left), ast.dump(test.comparators[0])}
                    if sides & same:
                        same |= sides
        for test, holds in self.guards:
            tests = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) else [test]
            for part in tests if holds else ():
                if isinstance(part, ast.Call) and isinstance(part.func, ast.Attribute) and part.func.attr == "get" \
                        and isinstance(part.func.value, ast.Name) and part.func.value.id == name and part.args \
                        and ast.dump(part.args[0]) in same:
                    return True
                if isinstance(part, ast.Compare) and len(part.ops) == 1 and isinstance(part.ops[0], ast.In) \
                        and isinstance(part.comparators[0], ast.Name) and part.comparators[0].id == name \
                        and ast.dump(part.left) in same:
                    return True
        return False

    def own_key(self, subscript: ast.Subscript) -> bool:
        """``self.__data['app_guid']``: a constant key of a dict the object keeps, which a method of its class
        sets (``self.__data['app_guid'] = str(uuid4())``): the object's own data, present by its own code."""
        value, key = subscript.value, subscript.slice
        cls = self.scope.class_
        if cls is None or not isinstance(key, ast.Constant) or not isinstance(value, ast.Attribute) \
                or not isinstance(value.value, ast.Name) or value.value.id not in _OWN_RECEIVERS:
            return False
        for node in walk(cls):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Attribute) \
                            and target.value.attr == value.attr and isinstance(target.value.value, ast.Name) \
                            and target.value.value.id in _OWN_RECEIVERS and isinstance(target.slice, ast.Constant) \
                            and target.slice.value == key.value:
                        return True
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
        made_by = origin(target, self.ctx, self.scope) if target is not None else None
        if made_by is None or "()" not in made_by or not self.outside_name(made_by):
            return False
        self.count(made_by.partition(".")[0])
        return all(self.expr(argument) for argument in call_arguments(call))

    def loop(self, statement: ast.For | ast.AsyncFor, depth: int) -> bool:
        """``for task in pending: task.cancel()`` over what a library call made, or ``for entry in
        os.listdir(path)`` over what a library call returns: each item is that library's object too."""
        self.kind = ""
        if statement.orelse or not isinstance(statement.target, ast.Name) or not self.expr(statement.iter):
            return False
        if isinstance(statement.iter, ast.Name) and statement.iter.id in self.made:
            self.made[statement.target.id] = self.made[statement.iter.id]
        elif isinstance(statement.iter, ast.Call) and self.kind:
            self.made[statement.target.id] = self.kind
        return self.block(statement.body, depth + 1)

    def plain_target(self, target: ast.expr) -> bool:
        """A local name, names unpacked (``done, pending = await asyncio.wait(...)``), or an entry of a dict a
        name holds (``class_dict[class_name] = obj``: a store that runs no code of the project)."""
        if isinstance(target, ast.Tuple):
            return all(isinstance(item, ast.Name) for item in target.elts)
        if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and self.expr(target.slice):
            self.registers = True
            return True
        if isinstance(target, (ast.Subscript, ast.Attribute)) and kept_store(target, self.ctx, self.scope):
            return not isinstance(target, ast.Subscript) or self.expr(target.slice)  # ``self.cams[name] = ...``
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
        helper = called_function(call, self.ctx, self.scope)
        return (isinstance(helper, Definition) and isinstance(helper.node, (ast.FunctionDef, ast.AsyncFunctionDef))
                and shielded(helper.node.body) and all(self.expr(argument) for argument in call_arguments(call)))

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
        if isinstance(expr, ast.IfExp):  # ``match.group(1) if match else "0.0.0"``
            return self.expr(expr.test) and self.expr(expr.body) and self.expr(expr.orelse)
        if isinstance(expr, ast.BinOp):
            return self.expr(expr.left) and self.expr(expr.right)
        if isinstance(expr, ast.Compare):
            return self.expr(expr.left) and all(self.expr(item) for item in expr.comparators)
        if isinstance(expr, ast.Starred):
            return self.expr(expr.value)
        if isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Call):
            # ``os.path.splitext(path)[0]``, ``stamp.isoformat()[:19]``: a part of what a library call returned
            return _constant_index(expr.slice) and self.expr(expr.value)
        if isinstance(expr, ast.Call) and self.spawned(expr):
            return True
        if isinstance(expr, ast.Call):
            return self.outside(expr) and all(self.expr(argument) for argument in call_arguments(expr))
        if isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Name) and expr.value.id in self.fields:
            return _constant_index(expr.slice)  # ``float(parts[4])``: a field of a line the ``try`` split
        if isinstance(expr, ast.Subscript):
            return self.checked_key(expr) or self.own_key(expr)
        return False  # a subscript, a comprehension, a lambda: the project's own logic

    def spawned(self, call: ast.Call) -> bool:
        """``asyncio.create_task(data_layer.update_step(step_dict))``: the coroutine of a call handed straight to
        a task, its arguments plain. Calling a coroutine function runs none of its body (the task runs it later,
        and its errors surface there), so only asyncio's scheduling runs here, whatever code the coroutine
        holds."""
        if len(call.args) != 1 or not isinstance(call.args[0], ast.Call) \
                or self.ctx.imports.resolve(call.func) not in _SPAWNS:
            return False
        coroutine = call.args[0]
        func = coroutine.func
        helper = called_function(coroutine, self.ctx, self.scope)
        if not isinstance(func, (ast.Name, ast.Attribute)) or (isinstance(func, ast.Attribute) and not self.expr(
                func.value)) or (isinstance(helper, Definition) and not isinstance(helper.node, ast.AsyncFunctionDef)):
            return False  # a receiver made by a call here; a plain function of the file, which runs here
        if not all(self.expr(argument) for argument in [*call_arguments(coroutine), *(
                keyword.value for keyword in call.keywords)]):
            return False
        self.count("asyncio")
        return True

    def outside(self, call: ast.Call) -> bool:
        """``call`` runs a library's code: a function imported from outside the project (``os.unlink``,
        ``sqlalchemy.delete``), ``open``, or a method of an object a library made (``redis_client.setex`` after
        ``redis_client = get_connection()`` from ``django_rq``; ``result.scalars().first()``). A plain builtin
        (``str``, ``len``) is allowed and not counted."""
        func = call.func
        helper = called_function(call, self.ctx, self.scope)
        if helper is not None:
            return self.wrapper(helper)
        if record_class(call, self.ctx, self.scope):
            return True  # ``RepositoryDigest(tree=tree, ...)``: a record of the file keeps its fields, nothing more
        if isinstance(func, ast.Name) and func.id in _PLAIN_BUILTINS | {"open"} \
                and self.ctx.imports.resolve(func) is None:
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
        if func.attr in _TEXT_METHODS and not (isinstance(receiver, ast.Name) and receiver.id in _OWN_RECEIVERS):
            self.texts = True
            return self.expr(receiver)  # ``buffer.decode(...)``, ``url.strip()``: a text's own method
        if isinstance(receiver, ast.Call):  # a chain: ``delete(Session).filter_by(...)``, ``cf.zones.get``
            return self.expr(receiver)
        if isinstance(receiver, ast.Name) and receiver.id in _OWN_RECEIVERS:
            return False  # a method of the class itself
        if isinstance(receiver, ast.Name) and receiver.id in self.made:
            if func.attr not in _RESULT_READS:
                self.count(self.made[receiver.id])
            return True  # ``data.get("version")``, ``match.group(1)``: a part of what a library call returned
        if isinstance(receiver, ast.Name) and self.file_parameter(receiver.id):
            self.count("io")
            return True
        if isinstance(receiver, ast.Name) and func.attr in CONTAINER_METHODS \
                and literal_container(receiver.id, self.ctx, self.scope):
            return True  # ``cmd.extend([...])`` on a list the code wrote out: runs no code of the project
        typed = annotated_class(receiver.id, self.ctx, self.scope) if isinstance(receiver, ast.Name) else None
        if typed is not None and self.outside_name(typed):
            self.count(typed.partition(".")[0])  # ``onvif: ONVIFCamera = ...``: a library's object
            return True
        if any(isinstance(node, ast.Attribute) and node.attr in _APP_STORAGE for node in walk(receiver)):
            return False  # the application's own object, kept on the app
        made_by = origin(receiver, self.ctx, self.scope)
        if made_by is None or "()" not in made_by or not self.outside_name(made_by):
            return False
        self.count(made_by.partition(".")[0])
        return True

    def wrapper(self, helper: Definition[Function]) -> bool:
        """A function or method of this file that is a thin wrapper of a few library calls, read as those calls
        (:data:`_MAX_WRAPPERS` helpers deep): ``self.crop(img, ...)`` whose body is ``return img.crop(...)`` on a
        parameter annotated ``pyvips.Image``; ``send_telegram_message`` opening an ``httpx.AsyncClient()`` to
        ``post`` and ``raise_for_status``. Its body must pass the same reading as the ``try`` (no loop, no code of
        the project but such wrappers), and its calls count towards the ``try``'s."""
        node = helper.node
        if self.nesting >= _MAX_WRAPPERS or not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                or any(dotted_name(decorator) not in _METHOD_DECORATORS for decorator in node.decorator_list) \
                or any(scope.node is node for scope in self.scope):  # a recursive call
            return False
        body = node.body[1:] if node.body and _is_docstring(node.body[0]) else node.body
        if any(isinstance(inner, (ast.For, ast.AsyncFor, ast.While, ast.Try)) for inner in own_nodes(node)):
            return False
        inner = _OutsideCalls(self.ctx, helper.scope, self.nesting + 1)
        if not body or not inner.block(body, 0):
            return False
        self.counted += inner.counted
        self.kinds |= inner.kinds
        self.kind = inner.kind or "builtins"
        self.awaits_work |= inner.awaits_work
        return True

    def file_parameter(self, name: str) -> bool:
        """``log_io`` of ``def _stream_lines(log_io: IO[str])``: a parameter annotated as a file object."""
        function = self.scope.function
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
        if top == self.ctx.module.rpartition(".")[2] and "." in self.ctx.module:
            return True  # ``from onvif import ONVIFCamera`` in ``frigate/ptz/onvif.py``: a module never imports itself
        if top not in self.tops:
            self.tops[top] = not first_party(self.ctx.display_path, top)
        return self.tops[top]


def _is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)


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
