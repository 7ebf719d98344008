"""Code that lets no exception out: it catches everything itself (BE403).

An ``except Exception`` that logs without the traceback is worth reporting because the failure it hides is
unexpected; around code that cannot fail it is dead code. Judged on real applications, the common shape is a
guard around a call of a function whose body is itself one ``try: ... except Exception: logger...`` (or a loop
of such ``try`` blocks, one per item), or around a loop whose every risky statement sits in an inner catch-all:
the outer handler never runs, and asking it for a traceback asks for nothing.

:func:`catches_everything` decides it for a function (stored in the function's summary for callers in other
modules, :attr:`.project.summary.DefSummary.catches_all`); :func:`shielded` for a block of statements, with a
callback that says which calls are of such functions. Both look only at the statements themselves, their
nested blocks and their expressions (no walk of the file; a few nodes per statement).

What lets nothing out: a docstring, ``pass``/``break``/``continue``; a logging call (``logger.info(...)``, on a
receiver whose name says log); a simple value appended or added to a local collection (``found.append(x)``); an
assignment of a simple value (a literal, a name, an attribute, an f-string, arithmetic and comparisons of those:
an attribute read or a division can fail, in principle, but a reviewer does not call such code risky);
``return`` of one; a ``try`` with a catch-all handler (bare, ``Exception``, ``BaseException``) that does not
re-raise, whatever its body; a ``for`` over a name or an attribute whose body lets nothing out; an ``if`` on a
simple test (predicate calls, ``is_configured()``, included) whose branches let nothing out. Anything else (a
subscript, a call of anything else, ``with``, ``raise``) may fail.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import Callable, Optional

from backend_lint.analysis.imports import dotted_name

_CATCH_ALL = frozenset({"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"})
_LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "trace",
                          "success", "log"})
_PREDICATE_PREFIXES = ("is_", "has_", "can_", "should_")
_SIMPLE_BUILTINS = frozenset({"len", "str", "bool", "isinstance", "hasattr", "type", "id", "repr"})
_COLLECTING = frozenset({"append", "add", "appendleft"})
_MAX_DEPTH = 6


def catches_everything(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """The function's body lets no exception out, and it does so by catching everything somewhere (a function
    of plain assignments alone is not what a caller's guard is about)."""
    return _has_catch_all(function.body) and shielded(function.body)


def shielded(statements: Sequence[ast.stmt], delegated: Optional[Callable[[ast.Call], bool]] = None,
             depth: int = 0) -> bool:
    """No statement of ``statements`` lets an exception out. ``delegated`` says which calls (an expression
    statement or an assignment's value, awaited or not, with simple arguments) are of functions that catch
    everything themselves."""
    if depth > _MAX_DEPTH:
        return False
    return all(_statement_shielded(statement, delegated, depth) for statement in statements)


def covers_something(statements: Sequence[ast.stmt], delegated: Callable[[ast.Call], bool]) -> bool:
    """The block holds an inner catch-all ``try`` or a delegated call (the shape a guard around code that
    catches everything has; a guard around plain assignments is not that)."""
    for statement in statements:
        if isinstance(statement, ast.Try) and _catch_all_handler(statement):
            return True
        call = _statement_call(statement)
        if call is not None and delegated(call):
            return True
        if isinstance(statement, (ast.For, ast.AsyncFor, ast.If)) and (
            covers_something(statement.body, delegated) or covers_something(statement.orelse, delegated)
        ):
            return True
    return False


def _has_catch_all(statements: Sequence[ast.stmt]) -> bool:
    for statement in statements:
        if isinstance(statement, ast.Try) and _catch_all_handler(statement):
            return True
        if isinstance(statement, (ast.For, ast.AsyncFor, ast.If)) and (
            _has_catch_all(statement.body) or _has_catch_all(statement.orelse)
        ):
            return True
    return False


def simple_test(test: ast.expr) -> bool:
    """An ``if`` test a reviewer would not call risky: names, attributes, comparisons of them and predicate calls
    (``settings.is_telegram_configured()``)."""
    return _simple(test, predicates=True)


def _statement_shielded(statement: ast.stmt, delegated: Optional[Callable[[ast.Call], bool]], depth: int) -> bool:
    if isinstance(statement, (ast.Pass, ast.Break, ast.Continue, ast.Global, ast.Nonlocal)):
        return True
    if isinstance(statement, ast.Try):
        return (_catch_all_handler(statement) is not None and shielded(statement.orelse, delegated, depth + 1)
                and shielded(statement.finalbody, delegated, depth + 1))
    if isinstance(statement, (ast.For, ast.AsyncFor)):
        return (_simple(statement.iter) and shielded(statement.body, delegated, depth + 1)
                and shielded(statement.orelse, delegated, depth + 1))
    if isinstance(statement, ast.If):
        return (_simple(statement.test, predicates=True) and shielded(statement.body, delegated, depth + 1)
                and shielded(statement.orelse, delegated, depth + 1))
    call = _statement_call(statement)
    if isinstance(statement, ast.Return) and call is None:
        return statement.value is None or _simple(statement.value)
    if call is not None and (_logging(call) or _collects(call) or (delegated is not None and delegated(call) and all(
        _simple(argument, constructors=True) for argument in [*call.args, *(k.value for k in call.keywords)]
    ))):
        return _plain_targets(statement)
    if isinstance(statement, ast.Expr):
        return isinstance(statement.value, ast.Constant)  # a docstring
    if isinstance(statement, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
        return statement.value is not None and _simple(statement.value) and _plain_targets(statement)
    return False


def _statement_call(statement: ast.stmt) -> Optional[ast.Call]:
    """The call an expression statement, an assignment or a ``return`` makes (``await`` unwrapped)."""
    value = statement.value if isinstance(statement, (ast.Expr, ast.Assign, ast.AnnAssign, ast.Return)) else None
    if isinstance(value, ast.Await):
        value = value.value
    return value if isinstance(value, ast.Call) else None


def _plain_targets(statement: ast.stmt) -> bool:
    targets = statement.targets if isinstance(statement, ast.Assign) else (
        [statement.target] if isinstance(statement, (ast.AugAssign, ast.AnnAssign)) else [])
    return all(isinstance(target, (ast.Name, ast.Tuple)) for target in targets)


def catches_any_exception(
    handler: ast.ExceptHandler, resolve: Callable[[ast.expr], Optional[str]] = dotted_name
) -> bool:
    """A bare ``except:``, ``except Exception``/``BaseException``, or a tuple holding one of them; ``resolve``
    names each caught type (a rule passes its file's import resolution, so an alias of ``Exception`` counts)."""
    caught = handler.type
    if caught is None:
        return True
    types = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    return any((resolve(written) or dotted_name(written)) in _CATCH_ALL for written in types)


def _catch_all_handler(attempt: ast.Try) -> Optional[ast.ExceptHandler]:
    """A handler of ``attempt`` that catches everything and does not end by raising."""
    for handler in attempt.handlers:
        if catches_any_exception(handler) and not (handler.body and isinstance(handler.body[-1], ast.Raise)):
            return handler
    return None


def _collects(call: ast.Call) -> bool:
    """``found.append({"id": uuid})``: a local collection growing by a simple value."""
    func = call.func
    return (isinstance(func, ast.Attribute) and func.attr in _COLLECTING and isinstance(func.value, ast.Name)
            and all(_simple(argument) for argument in call.args) and not call.keywords)


def _logging(call: ast.Call) -> bool:
    """``logger.info(...)``, ``self.log.warning(...)``, ``logging.error(...)``."""
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in _LOG_METHODS:
        return False
    receiver = (dotted_name(func.value) or "").lower()
    return "log" in receiver.rpartition(".")[2]


def _simple(expr: ast.expr, predicates: bool = False, constructors: bool = False) -> bool:
    """A value whose evaluation a reviewer would not call risky (see the module docstring)."""
    if isinstance(expr, (ast.Constant, ast.Name)):
        return True
    if isinstance(expr, ast.Attribute):
        return _simple(expr.value)
    if isinstance(expr, ast.JoinedStr):
        return all(_simple(part.value) if isinstance(part, ast.FormattedValue) else True for part in expr.values)
    if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
        return all(_simple(item, predicates, constructors) for item in expr.elts)
    if isinstance(expr, ast.Dict):
        return all(item is None or _simple(item, predicates, constructors) for item in [*expr.keys, *expr.values])
    if isinstance(expr, ast.BoolOp):
        return all(_simple(item, predicates, constructors) for item in expr.values)
    if isinstance(expr, ast.UnaryOp):
        return _simple(expr.operand, predicates, constructors)
    if isinstance(expr, ast.BinOp):
        return _simple(expr.left) and _simple(expr.right)
    if isinstance(expr, ast.Compare):
        return _simple(expr.left) and all(_simple(item) for item in expr.comparators)
    if isinstance(expr, ast.Call):
        name = dotted_name(expr.func) or ""
        last = name.rpartition(".")[2]
        allowed = (name in _SIMPLE_BUILTINS or (predicates and last.startswith(_PREDICATE_PREFIXES))
                   or (constructors and last[:1].isupper()))
        return allowed and all(
            _simple(item, predicates, constructors) for item in [*expr.args, *(k.value for k in expr.keywords)]
        )
    return False



def returns_catching_wrapper(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """The function is a wrapper factory whose wrapper lets none of the wrapped function's errors out: it returns
    (as its last statement) a function it defines, which calls a parameter of the factory (the function it was
    given) only inside ``try`` blocks with a catch-all handler that does not re-raise (chainlit's
    ``wrap_user_function(user_function)``, whose ``wrapper`` logs every ``Exception`` of the user's callback). A
    value the project makes with it and calls elsewhere (``config.code.on_mcp_connect = wrap_user_function(func)``,
    then ``await config.code.on_mcp_connect(...)``) hands its caller's ``except`` none of the callback's text."""
    last = function.body[-1] if function.body else None
    if not (isinstance(last, ast.Return) and isinstance(last.value, ast.Name)):
        return False
    inner = next((statement for statement in function.body
                  if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
                  and statement.name == last.value.id), None)
    given = {argument.arg for argument in [*function.args.posonlyargs, *function.args.args,
                                           *function.args.kwonlyargs]}
    if inner is None or not given:
        return False
    guarded: set[int] = set()
    for node in ast.walk(inner):
        if isinstance(node, ast.Try) and _catch_all_handler(node) is not None:
            guarded.update(id(part) for statement in node.body for part in ast.walk(statement))
    calls = [node for node in ast.walk(inner) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Name) and node.func.id in given]
    return bool(calls) and all(id(call) in guarded for call in calls)
