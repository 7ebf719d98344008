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

So is the branch that stands in for the mail when mail is off: :func:`logged_instead_of_mail` finds a logging call
in the branch of an ``if`` on a mail setting (``settings.SMTP_ACTIVE``, ``app.config["MAIL_ENABLED"]``) that runs
when the setting is off, whose other branch sends the mail (``send_email(...)``): hyperion's activation and
password-reset tokens are mailed, and logged only on a development set-up without SMTP (``SMTP_ACTIVE`` is off by
default), where the developer reads the link in the log. The token goes to the log only where the operator chose
to run without mail.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from backend_lint.analysis.ast_helpers import statement_nodes, string_value
from backend_lint.analysis.secret_names import split_identifier

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_MAIL_WORDS = frozenset({"smtp", "mail", "email", "emails", "mails", "mailer", "mailing"})
"""Words of a setting that switches mail on (``SMTP_ACTIVE``, ``EMAIL_ENABLED``, ``MAIL_SERVER``)."""
_CONFIG_HOLDERS = frozenset({"settings", "config", "conf", "configuration", "cfg", "env"})
"""Last words of what a setting is read from: ``settings.SMTP_ACTIVE``, ``app.config["MAIL_ENABLED"]``."""
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


def logged_instead_of_mail(call: ast.Call, ctx: FileContext) -> bool:
    """``call`` runs only when a mail setting is off (``else:`` of ``if settings.SMTP_ACTIVE:``, or the body of
    ``if not settings.SMTP_ACTIVE:``) and the other branch sends mail: the log stands in for the mail on a set-up
    that has none (see the module docstring)."""
    child: ast.AST = call
    current = ctx.parent_of(call)
    while current is not None and not isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        if isinstance(current, ast.If) and child is not current.test:
            negated = _mail_switch(current.test)
            if negated is not None:
                off, on = (current.body, current.orelse) if negated else (current.orelse, current.body)
                return any(statement is child for statement in off) and _sends_mail(on)
        child, current = current, ctx.parent_of(current)
    return False


def _mail_switch(test: ast.expr) -> bool | None:
    """Whether ``test`` reads a mail setting negated (``not settings.SMTP_ACTIVE``: ``True``) or as it is
    (``settings.EMAIL_ENABLED``, ``app.config.get("MAIL_SERVER")``: ``False``); ``None`` for any other test."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _mail_switch(test.operand)
        return None if inner is None else not inner
    return False if _mail_setting(test) else None


def _mail_setting(expr: ast.expr) -> bool:
    """A setting whose name has a mail word: an UPPER_CASE name or attribute, or any attribute of ``settings``/
    ``config``, an item or ``.get()`` of a configuration mapping (``os.environ.get("SMTP_HOST")`` too). A
    user's ``user.email`` is no setting."""
    if isinstance(expr, ast.Name):
        return expr.id.isupper() and _mail_name(expr.id)
    if isinstance(expr, ast.Attribute):
        return _mail_name(expr.attr) and (expr.attr.isupper() or _config_holder(expr.value))
    key: ast.expr | None = None
    holder: ast.expr = expr
    if isinstance(expr, ast.Subscript):
        key, holder = expr.slice, expr.value
    elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "get" \
            and expr.args:
        key, holder = expr.args[0], expr.func.value
    name = string_value(key)
    return name is not None and _mail_name(name) and (name.isupper() or _config_holder(holder))


def _written_name(expr: ast.AST) -> str:
    """The last name of ``settings``, ``app.config``, ``send_email``; ``""`` for anything else."""
    return expr.attr if isinstance(expr, ast.Attribute) else expr.id if isinstance(expr, ast.Name) else ""


def _config_holder(expr: ast.expr) -> bool:
    words = split_identifier(_written_name(expr))
    return bool(words) and words[-1] in _CONFIG_HOLDERS


def _mail_name(name: str) -> bool:
    return bool(_MAIL_WORDS & set(split_identifier(name)))


def _sends_mail(branch: list[ast.stmt]) -> bool:
    """The branch names a function or method that sends mail (``send_email``, ``send_mail``, ``mail.send``,
    ``sendmail``), called or handed to a task queue (``background_tasks.add_task(send_email, ...)``)."""
    for node in statement_nodes(branch):
        if isinstance(node, ast.Attribute) and node.attr == "send" and _mail_name(_written_name(node.value)):
            return True
        words = set(split_identifier(_written_name(node)))
        if ("send" in words and words & _MAIL_WORDS) or "sendmail" in words:
            return True
    return False
