"""Delivery backends that deliver by logging: a message written to the log is their whole job (BE405).

An application that sends e-mail, SMS or notifications usually has a delivery interface (``EmailProvider``,
``BaseEmailBackend``, ``Notifier``) and, besides the real implementations, one for development that writes
each message to the console instead of sending it: Django's ``console.EmailBackend``, r2r's
``ConsoleMockEmailProvider`` ("logs emails to console, useful for testing"). Such a method logs the message
whole, the password-reset token or verification code in it included: that is the delivery, chosen by whoever
configured the console provider, and the fix is configuring a real one, not changing the line.

:func:`delivers_by_logging` reads it from the code: the logging call is a statement of a method named for
delivering (``send``, ``send_*``, ``deliver*``, ``notify*``, ``dispatch*``) whose body does nothing but log
(a docstring, message text built into locals, ``pass``/``return``), of a class that implements an interface (it
has a base class) and whose name or docstring marks it as a stand-in for delivery (``Console``, ``Mock``,
``Dummy``, ``Fake``, ``Stub``, ``Log``/``Logging``, ``Stdout``, ``Print``, ``Debug``, ``Noop``; a docstring
saying it logs or prints to the console). A real provider that logs a token while sending keeps the finding:
its body does more than log.

A line logged because the operator asked for credentials in the log is the same kind of choice:
:func:`logged_by_choice` finds a logging call under an ``if`` on a setting whose purpose is to log them
(``if settings.LOG_CREDENTIALS:``).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from backend_lint.analysis.secret_names import split_identifier

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_DELIVERY_VERBS = ("send", "deliver", "notify", "dispatch")
"""First words of a method that hands a message on."""
_STAND_IN_WORDS = frozenset({
    "console", "mock", "dummy", "fake", "stub", "log", "logging", "logger", "stdout", "print", "debug", "noop",
})
"""Words of a class name that make it a stand-in for delivery (``ConsoleMockEmailProvider``, ``LogNotifier``)."""
_DOCSTRING_WORDS = ("to console", "to the console", "to stdout", "logs email", "logs the email", "logs messages",
                    "prints email", "instead of sending", "log instead")
"""Phrases of a class docstring that say it writes messages out rather than sending them."""
_LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "critical", "log", "exception"})


def delivers_by_logging(call: ast.Call, ctx: FileContext) -> bool:
    """``call`` (a logging call) is the delivery of a console/mock delivery backend (see the module docstring)."""
    function = ctx.scope.function
    cls = ctx.scope.method_class
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or cls is None or not cls.bases:
        return False
    if not function.name.lstrip("_").lower().startswith(_DELIVERY_VERBS):
        return False
    if not (_STAND_IN_WORDS & set(split_identifier(cls.name)) or _says_console(cls)):
        return False
    return call in _logging_calls(function.body)


def _says_console(cls: ast.ClassDef) -> bool:
    docstring = (ast.get_docstring(cls) or "").lower()
    return any(phrase in docstring for phrase in _DOCSTRING_WORDS)


def _logging_calls(body: list[ast.stmt]) -> list[ast.Call]:
    """The logging calls that are ``body``'s statements, or ``[]`` when the body does anything else."""
    calls: list[ast.Call] = []
    for statement in body:
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue  # the docstring
        if isinstance(statement, ast.Pass) or (
                isinstance(statement, ast.Return)
                and (statement.value is None or isinstance(statement.value, ast.Constant))):
            continue
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and isinstance(
                statement.value, (ast.Constant, ast.JoinedStr, ast.BinOp)):
            continue  # message text built into a local
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call) and _is_log(statement.value):
            calls.append(statement.value)
            continue
        return []
    return calls


def _is_log(call: ast.Call) -> bool:
    func = call.func
    return (isinstance(func, ast.Attribute) and func.attr in _LOG_METHODS) or (
        isinstance(func, ast.Name) and func.id == "print")


_LOGGED_SECRETS = frozenset({"credential", "credentials", "password", "passwords", "secret", "secrets", "token",
                             "tokens", "auth", "headers"})
"""What a switch to log secrets on purpose names: the secrets, or where they travel (``LOG_AUTH_PAYLOAD``,
``LOG_REQUEST_HEADERS``: Keep's and Grafana OnCall's switches, off by default, to debug authentication)."""


def logged_by_choice(call: ast.Call, ctx: FileContext) -> bool:
    """Under an ``if`` on a setting whose purpose is to log credentials (``if settings.LOG_CREDENTIALS:``,
    ``if setting_log_passwords.value:``, ``if os.environ.get("LOG_AUTH_PAYLOAD", "false") == "true":``): the operator
    asked for them in the log."""
    child: ast.AST = call
    current = ctx.parent_of(call)
    while current is not None and not isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef)):
        if isinstance(current, ast.If) and child is not current.test and _names_log_opt_in(current.test):
            return True
        child, current = current, ctx.parent_of(current)
    return False


def _names_log_opt_in(test: ast.expr) -> bool:
    """``X``, ``not X``, ``X and Y``, ``X == ...``, ``X()``, ``obj.X.value`` where X names such a switch."""
    if isinstance(test, ast.UnaryOp):
        return _names_log_opt_in(test.operand)
    if isinstance(test, ast.BoolOp):
        return any(_names_log_opt_in(value) for value in test.values)
    if isinstance(test, ast.Compare):
        return _names_log_opt_in(test.left)
    if isinstance(test, ast.Call):  # ``os.environ.get("LOG_AUTH_PAYLOAD", "false")``: the switch by its name
        first = test.args[0] if test.args else None
        named = isinstance(first, ast.Constant) and isinstance(first.value, str) and _log_opt_in_name(first.value)
        return named or _names_log_opt_in(test.func)
    if isinstance(test, ast.Attribute):
        return _log_opt_in_name(test.attr) or _names_log_opt_in(test.value)
    return isinstance(test, ast.Name) and _log_opt_in_name(test.id)


def _log_opt_in_name(name: str) -> bool:
    """``log_credentials``, ``LOG_PASSWORDS``, ``setting_log_secrets``: a switch to log secrets on purpose."""
    words = set(split_identifier(name))
    return "log" in words and bool(words & _LOGGED_SECRETS)
