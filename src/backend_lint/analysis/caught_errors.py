"""Caught exceptions whose text is internal, and the names they are bound to (BE304).

``str(e)`` sent to a client leaks internals only when ``e`` may be an error whose message the code did not
write: anything (a bare ``except``, ``Exception``), a builtin error other than ``ValueError`` and
``NotImplementedError``, or an error of a database, network or cloud library (:func:`internal_errors`); a
project's own exception classes and validation errors carry messages written for clients. Each name bound by an
``except ... as name`` clause around a node, or the exception parameter of an error handler registered for
internal errors (:func:`error_handler_param`: ``@app.exception_handler(Exception)``, Flask's
``@app.errorhandler(Exception)``), is followed (:func:`caught_names`); whether the error comes from work whose
failure text is internal is :mod:`.failing_work`'s reading. :func:`in_except` says whether a node is in such a
place.
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
LIBRARY_INPUT_ERRORS = frozenset({
    "django.utils.datastructures.MultiValueDictKeyError", "django.http.multipartparser.MultiPartParserError",
    "django.core.exceptions.SuspiciousOperation", "django.core.exceptions.BadRequest",
    "django.core.exceptions.RequestDataTooBig", "django.core.exceptions.TooManyFieldsSent",
    "django.core.exceptions.TooManyFilesSent", "django.http.request.RawPostDataException",
    "django.http.RawPostDataException",
})
"""Web frameworks' errors about the request the client sent: Django's ``MultiValueDictKeyError`` is the
``KeyError`` of ``request.GET["id"]`` naming the missing query key, its multipart and suspicious-request errors
describe the client's body. Like the builtin errors they stand for, they name no failing work
(:func:`backend_lint.analysis.failing_work.names_failing_work`)."""
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
def caught_names(scope: Scope, ctx: FileContext) -> list[str]:
    """Names of caught exceptions whose messages are internal, bound by the ``except ... as name`` clauses
    around the node or the exception parameter of the error handler the node is in."""
    names: list[str] = []
    for link in scope:
        if link.kind == FUNCTION:
            param = error_handler_param(link.node, ctx)
            if param is not None and param not in names:
                names.append(param)
            break
        handler = link.node  # an EXCEPT link's node is its handler
        if isinstance(handler, ast.ExceptHandler) and handler.name and handler.name not in names \
                and internal_errors(handler.type, ctx):
            names.append(handler.name)
    return names


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
