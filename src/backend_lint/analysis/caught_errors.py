"""Caught exceptions whose text is internal, and the names they are bound to (BE304).

``str(e)`` sent to a client leaks internals only when ``e`` may be an error whose message the code did not
write: anything (a bare ``except``, ``Exception``), a builtin error other than ``ValueError`` and
``NotImplementedError``, or an error of a database, network or cloud library (:func:`internal_errors`); a
project's own exception classes and validation errors carry messages written for clients. Each name bound by an
``except ... as name`` clause around a node, or the exception parameter of an error handler registered for
internal errors (:func:`error_handler_param`: ``@app.exception_handler(Exception)``, Flask's
``@app.errorhandler(Exception)``), comes with the builtin error types it stands for (:func:`caught_names`;
:data:`ANY_ERROR` for anything else internal), so the rule can tell a specific builtin error answered with a 4xx
(the client's input error) from anything at all. :func:`in_except` says whether a node is in such a place.
Kept apart from the rule (:mod:`backend_lint.rules.be304_exception_detail_in_response`) because this is
knowledge of what was caught, not of what reaches the response.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.scopes import FUNCTION

if TYPE_CHECKING:
    from backend_lint.analysis.scopes import Scope
    from backend_lint.context import FileContext

_CLIENT_FACING = ("ValidationError", "HTTPException", "APIException", "Http404", "NotFound", "DoesNotExist",
                  "NoResultFound", "MultipleResultsFound", "ObjectDoesNotExist", "MultipleObjectsReturned")
"""Library errors written for clients or with fixed text; SQLAlchemy's ``NoResultFound`` is its ``DoesNotExist``:
the library's fixed "No row was found when one was required", or a message the project raised it with itself;
its ``MultipleResultsFound`` (Django's ``MultipleObjectsReturned``) is the fixed "Multiple rows were found when one
or none was required" (or "get() returned more than one Model -- it returned 2!")."""
_LIBRARY_INPUT_ERRORS = {
    "django.utils.datastructures.MultiValueDictKeyError": "KeyError",
    "django.http.multipartparser.MultiPartParserError": "ValueError",
    "django.core.exceptions.SuspiciousOperation": "ValueError",
    "django.core.exceptions.BadRequest": "ValueError",
    "django.core.exceptions.RequestDataTooBig": "ValueError",
    "django.core.exceptions.TooManyFieldsSent": "ValueError",
    "django.core.exceptions.TooManyFilesSent": "ValueError",
    "django.http.request.RawPostDataException": "ValueError",
    "django.http.RawPostDataException": "ValueError",
}
"""Web frameworks' errors about the request the client sent, by the builtin error they are (or stand for):
Django's ``MultiValueDictKeyError`` is the ``KeyError`` of ``request.GET["id"]`` naming the missing query key, its
multipart and suspicious-request errors describe the client's body. Like that builtin, a 4xx answer to them is the
client's input error."""
BUILTIN_INTERNAL = frozenset({
    "Exception", "BaseException", "KeyError", "IndexError", "LookupError", "TypeError", "AttributeError",
    "RuntimeError", "OSError", "IOError", "EnvironmentError", "ConnectionError", "TimeoutError",
    "PermissionError", "FileNotFoundError", "NameError",
    "ImportError", "ModuleNotFoundError", "ZeroDivisionError", "ArithmeticError", "RecursionError",
    "MemoryError", "SystemError", "BrokenPipeError", "ConnectionResetError", "ConnectionRefusedError",
})
_INFRASTRUCTURE_MODULES = frozenset({
    "sqlalchemy", "psycopg2", "psycopg", "asyncpg", "pymysql", "MySQLdb", "aiomysql", "sqlite3", "django",
    "redis", "pymongo", "motor", "elasticsearch", "requests", "httpx", "aiohttp", "urllib3", "urllib",
    "socket", "ssl", "boto3", "botocore", "grpc", "kafka", "aiokafka", "pika", "aio_pika", "celery",
    "subprocess", "pickle", "smtplib", "paramiko", "kombu", "cassandra", "google",
    "azure", "stripe", "openai",
})
ANY_ERROR = "*"
"""Stands, among the builtin error types a caught name may be, for anything else internal."""


def caught_names(scope: Scope, ctx: FileContext) -> dict[str, frozenset[str]]:
    """Names of caught exceptions whose messages are internal, bound by the ``except ... as name`` clauses
    around the node or the exception parameter of the error handler the node is in, each with the builtin
    error types it stands for (``*``: anything, a library's errors)."""
    names: dict[str, frozenset[str]] = {}
    for link in scope:
        if link.kind == FUNCTION:
            param = error_handler_param(link.node, ctx)
            if param is not None:
                names.setdefault(param, frozenset({ANY_ERROR}))
            break
        handler = link.node  # an EXCEPT link's node is its handler
        if isinstance(handler, ast.ExceptHandler) and handler.name and internal_errors(handler.type, ctx):
            names.setdefault(handler.name, _internal_types(handler.type, ctx))
    return names


def _internal_types(caught: Optional[ast.expr], ctx: FileContext) -> frozenset[str]:
    """The builtin error names among what a clause catches, ``*`` for anything else internal."""
    if caught is None:
        return frozenset({ANY_ERROR})
    found = set()
    for item in caught.elts if isinstance(caught, ast.Tuple) else [caught]:
        qualified = ctx.imports.resolve(item)
        if qualified is None and isinstance(item, ast.Name) and item.id in BUILTIN_INTERNAL:
            found.add(ANY_ERROR if item.id in ("Exception", "BaseException") else item.id)
        elif qualified in _LIBRARY_INPUT_ERRORS:
            found.add(_LIBRARY_INPUT_ERRORS[qualified])
        elif internal_errors(item, ctx):
            found.add(ANY_ERROR)
    return frozenset(found)


def error_handler_param(function: ast.AST, ctx: FileContext) -> Optional[str]:
    """The exception parameter of an error handler registered for internal errors:
    ``@app.exception_handler(Exception)``/``exception_handler(500)`` (FastAPI, Starlette: ``(request, exc)``)
    or ``@app.errorhandler(Exception)`` (Flask: ``(error)``). Flask's ``@app.errorhandler(500)`` is not one: it
    receives werkzeug's ``InternalServerError``, whose text is the generic message (the original exception is
    its ``original_exception``)."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    params = [*function.args.posonlyargs, *function.args.args]
    for decorator in function.decorator_list:
        if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute) and decorator.args):
            continue
        kind = decorator.func.attr
        registered = decorator.args[0]
        if kind in ("errorhandler", "app_errorhandler") and isinstance(registered, ast.Constant):
            continue  # Flask hands a status code's handler werkzeug's HTTPException: its text is the generic one
        internal = (isinstance(registered, ast.Constant) and isinstance(registered.value, int)
                    and registered.value >= 500) or internal_errors(registered, ctx)
        if kind in ("exception_handler", "errorhandler", "app_errorhandler") and internal:
            index = 1 if kind == "exception_handler" else 0
            return params[index].arg if len(params) > index else None
    return None


def internal_errors(caught: Optional[ast.expr], ctx: FileContext) -> bool:
    """The clause catches exceptions whose text is internal: anything (bare, ``Exception``), a builtin
    error other than ``ValueError`` and ``NotImplementedError`` (the code's own "not supported"), or an error
    of a database, network or cloud library. A project's own exception classes and validation errors carry
    messages written for clients."""
    if caught is None:
        return True
    for item in caught.elts if isinstance(caught, ast.Tuple) else [caught]:
        qualified = ctx.imports.resolve(item)
        if qualified is None:
            if isinstance(item, ast.Name) and item.id in BUILTIN_INTERNAL:
                return True
        elif qualified.partition(".")[0] in _INFRASTRUCTURE_MODULES and not qualified.endswith(_CLIENT_FACING):
            return True
    return False


def in_except(scope: Scope, ctx: FileContext) -> bool:
    """Inside an ``except`` clause, or in an error handler for internal errors."""
    if scope.except_handler is not None:
        return True
    function = scope.function
    return function is not None and error_handler_param(function, ctx) is not None
