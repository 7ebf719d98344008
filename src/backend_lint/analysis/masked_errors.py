"""Application-wide error handlers that rewrite what clients see (BE304).

An HTTP exception raised by a view does not go to the client as it is: the framework hands it to the error
handler the application registered for it. When that handler answers with a message of its own instead of the
exception's text (for every status, or for 500), ``raise HTTPException(500, detail=str(e))`` anywhere in the
application never shows ``e`` to a client: the handler logs it and sends a generic message (surfsense's
``_http_exception_handler`` replaces every 500 detail with ``GENERIC_5XX_MESSAGE``).

Which handler catches what:

- FastAPI/Starlette: a handler for ``HTTPException`` (FastAPI's or Starlette's) receives every raised HTTP
  exception; one for ``Exception`` or ``500`` only sees errors nothing else handled, not an ``HTTPException``.
- Flask: a handler for werkzeug's ``HTTPException`` or for ``Exception`` receives every ``abort(...)``; one for
  ``500`` (or ``InternalServerError``) receives ``abort(500, ...)``.
- aiohttp: every middleware of the application sees every raised ``web.HTTPException``; one whose
  ``except web.HTTPException as ex`` clause ends by raising another exception without the text (backend.ai's
  ``raise GenericBadRequest from ex``) keeps it from the client (:func:`middleware_masks`).

What the handler does with the exception is read from its body (:func:`masked_statuses`): it masks every status
when it never reads the exception's text (only its status, its headers, or in a log line); it masks 500 (or every
5xx) when a branch testing the status for 500 replaces the local holding the text with a constant, or answers
without it. A handler that passes the exception's text through (the default) masks nothing.
"""

from __future__ import annotations

import ast
import re
from typing import Callable, Optional, Union

from backend_lint.analysis.ast_helpers import assigned_values, own_nodes
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.node_index import NodeIndex
from backend_lint.analysis.project.conditions import ProjectFact
from backend_lint.analysis.project.handler_conditions import masked_error

Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]

ASGI = "asgi"
WSGI = "wsgi"
AIOHTTP = "aiohttp"
EVERY = "all"
"""A masked status class: every status."""
SERVER = "5xx"
INTERNAL = "500"

_ASGI_HTTP = frozenset({
    "fastapi.HTTPException", "fastapi.exceptions.HTTPException", "starlette.exceptions.HTTPException",
    "starlette.HTTPException",
})
_WSGI_HTTP = frozenset({"werkzeug.exceptions.HTTPException", "werkzeug.HTTPException", "flask.HTTPException"})
_WSGI_INTERNAL = frozenset({"werkzeug.exceptions.InternalServerError", "werkzeug.InternalServerError"})
_TEXT_ATTRIBUTES = frozenset({"detail", "description", "args", "message", "msg", "body", "original_exception"})
_SAFE_ATTRIBUTES = frozenset({"status_code", "code", "headers", "name", "status"})
"""What a handler may read of the exception without sending its text: werkzeug's ``name`` is the status's
standard phrase."""
_LOG_METHODS = frozenset({
    "debug", "info", "warning", "warn", "error", "exception", "critical", "log", "capture_exception",
    "captureException", "print",
})
_EXCEPTION_PARAMS = frozenset({"exc", "e", "ex", "err", "error", "exception", "http_exc", "http_exception", "exc_info"})
_FAMILIES = {
    "exception_handler": ASGI, "add_exception_handler": ASGI,
    "errorhandler": WSGI, "app_errorhandler": WSGI, "register_error_handler": WSGI,
}
"""Registering methods by the family of frameworks that have them (FastAPI/Starlette, Flask/Quart)."""
_REGISTERING = frozenset({"exception_handler", "errorhandler", "app_errorhandler"})
_REGISTERING_CALLS = _REGISTERING | {"add_exception_handler", "register_error_handler"}


def may_register(index: NodeIndex) -> bool:
    """The module holds a call or decorator :func:`registrations` reads (``@app.exception_handler(...)``,
    ``app.register_error_handler(...)``, ``exception_handlers={...}``): the test on the file's node index that
    spares the three walks of the whole tree in a module that only names a handler."""
    for call in index.of(ast.Call):
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in _REGISTERING_CALLS:
            return True
        if any(keyword.arg in ("exception_handlers", "middlewares") for keyword in call.keywords):
            return True
        if _adds_middleware(call) is not None:
            return True
    return False


def _adds_middleware(call: ast.Call) -> Optional[list[ast.expr]]:
    """The middlewares ``app.middlewares.append(m)``, ``.insert(i, m)`` or ``.extend([...])`` adds, else ``None``."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute)
            and func.value.attr == "middlewares" and call.args):
        return None
    if func.attr == "append":
        return [call.args[0]]
    if func.attr == "insert" and len(call.args) == 2:
        return [call.args[1]]
    if func.attr == "extend" and isinstance(call.args[0], (ast.List, ast.Tuple)):
        return list(call.args[0].elts)
    return None


def registrations(
    tree: ast.Module, resolve: Callable[[ast.expr], Optional[str]], qualify: Callable[[ast.expr], Optional[str]],
    module: str, is_package: bool,
) -> list[list[str]]:
    """``[family, caught, statuses or handler, scope]`` for every error handler the module registers for HTTP
    errors: ``caught`` is ``all`` (every HTTP exception reaches it) or ``500``; the third item is the statuses the
    handler masks, joined by ``,``, when its ``def`` is in the module (``""``: none), else ``@`` and the handler's
    qualified name, for the project model to look up (:attr:`DefSummary.masks`). ``scope`` is the modules whose
    views it serves: a Flask blueprint's ``errorhandler`` its own module; an application's handlers the package
    the application is built in, and below (a sub-application in ``polar/checkout_link/app.py`` serves
    ``polar.checkout_link``, not the main application's routers)."""
    package = module if is_package else module.rpartition(".")[0]
    blueprints = {
        target.id for node in ast.walk(tree) if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
        and (dotted_name(node.value.func) or "").rpartition(".")[2] == "Blueprint"
        for target in node.targets if isinstance(target, ast.Name)
    }
    functions = {
        node.name: node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    found: list[list[str]] = []

    def add(
        family: str, caught_expr: ast.expr, handler: Union[ast.expr, Function], receiver: Optional[ast.expr]
    ) -> None:
        caught = _caught(family, caught_expr, resolve)
        if caught is None:
            return
        if isinstance(handler, ast.Name) and handler.id in functions:
            handler = functions[handler.id]
        if isinstance(handler, (ast.FunctionDef, ast.AsyncFunctionDef)):
            target = ",".join(masked_statuses(handler, registered=True))
        else:
            qualified = qualify(handler)
            if qualified is None:
                return
            target = f"@{qualified}"
        own = isinstance(receiver, ast.Name) and receiver.id in blueprints
        found.append([family, caught, target, module if own else package])

    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute) \
                        and decorator.func.attr in _REGISTERING and decorator.args:
                    attribute = decorator.func.attr
                    add(_FAMILIES[attribute], decorator.args[0], node,
                        decorator.func.value if attribute == "errorhandler" else None)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and len(node.args) >= 2 \
                and node.func.attr in ("add_exception_handler", "register_error_handler"):
            add(_FAMILIES[node.func.attr], node.args[0], node.args[1], node.func.value)
        elif isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "exception_handlers" and isinstance(keyword.value, ast.Dict):
                    for key, value in zip(keyword.value.keys, keyword.value.values):
                        if key is not None:
                            add(ASGI, key, value, None)
            for middleware in _middlewares(node, resolve):
                target = _middleware_target(middleware, functions, qualify)
                if target is not None:
                    found.append([AIOHTTP, EVERY, target, package])
    return found


def _middlewares(call: ast.Call, resolve: Callable[[ast.expr], Optional[str]]) -> list[ast.expr]:
    """The middlewares an aiohttp application is given: ``web.Application(middlewares=[...])``, or added to its
    list (``app.middlewares.insert(1, build_exception_middleware(...))``)."""
    if (resolve(call.func) or "") == "aiohttp.web.Application":
        return [item for keyword in call.keywords if keyword.arg == "middlewares"
                and isinstance(keyword.value, (ast.List, ast.Tuple)) for item in keyword.value.elts]
    return _adds_middleware(call) or []


def _middleware_target(
    middleware: ast.expr, functions: dict[str, Function], qualify: Callable[[ast.expr], Optional[str]]
) -> Optional[str]:
    """The statuses a middleware of the module masks joined by ``,``, or ``@`` and the qualified name of the
    middleware or of the factory that builds it (``build_exception_middleware(...)``), for the project model."""
    written = middleware.func if isinstance(middleware, ast.Call) else middleware
    if isinstance(written, ast.Name) and written.id in functions:
        return ",".join(middleware_masks(functions[written.id]))
    qualified = qualify(written)
    return f"@{qualified}" if qualified is not None else None


def _caught(family: str, expr: ast.expr, resolve: Callable[[ast.expr], Optional[str]]) -> Optional[str]:
    """``all`` or ``500``: which raised HTTP exceptions a registration of ``family`` receives, else ``None``.
    Starlette hands an ``HTTPException`` only to a handler registered for its class (an ``Exception`` or ``500``
    handler sees what nothing else handled); Flask hands an ``abort`` to a handler for its class, for
    ``Exception``, or for its status."""
    qualified = resolve(expr) or ""
    if family == ASGI:
        return EVERY if qualified in _ASGI_HTTP else None
    if qualified in _WSGI_HTTP or (isinstance(expr, ast.Name) and expr.id == "Exception" and not qualified):
        return EVERY
    if qualified in _WSGI_INTERNAL or status_number(expr) == 500:
        return INTERNAL
    return None


def covers(
    registration: tuple[str, str, list[str], str], raised_family: str, status: Optional[int], module: str
) -> bool:
    """A registration ``(family, caught, statuses its handler masks, scope)`` hides the text of an HTTP exception of
    ``raised_family`` with ``status`` (``None``: not known) raised in ``module``."""
    family, caught, statuses, scope = registration
    if family != raised_family or not statuses:
        return False
    if scope and module != scope and not module.startswith(f"{scope}."):
        return False
    if caught == INTERNAL and status != 500:
        return False
    return EVERY in statuses or (status is not None and (
        (SERVER in statuses and 500 <= status < 600) or (INTERNAL in statuses and status == 500)))


def exception_param(function: Function, registered: bool = False) -> Optional[str]:
    """The exception parameter of an error handler: ``(request, exc)`` or ``(error)``; unless ``registered`` (the
    module registers it), only one whose name or annotation says it is an exception."""
    params = [*function.args.posonlyargs, *function.args.args]
    if params and params[0].arg in ("self", "cls"):
        params = params[1:]
    if not 1 <= len(params) <= 2:
        return None
    param = params[-1]
    annotation = dotted_name(param.annotation) if param.annotation is not None else ""
    if registered or param.arg in _EXCEPTION_PARAMS or (annotation or "").endswith(("Exception", "Error")):
        return param.arg
    return None


def masked_statuses(function: Function, registered: bool = False) -> list[str]:
    """The statuses whose text the error handler ``function`` keeps from the client: ``all`` when it never sends
    the exception's text; ``500`` or ``5xx`` when a branch for that status replaces the text with a constant (or
    answers without it); none when it passes the text on."""
    param = exception_param(function, registered)
    if param is None:
        return []
    nodes = list(own_nodes(function))
    parents = {id(child): node for node in nodes for child in ast.iter_child_nodes(node)}
    if not any(_reads_text(node, param, parents) for node in nodes):
        return [EVERY] if any(isinstance(node, ast.Return) and node.value is not None for node in nodes) else []
    text_locals = _text_locals(nodes, param, parents)
    flags = _status_flags(nodes, param)
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.If):
            masked = _status_class(node.test, param, flags)
            if masked is not None and _replaces_text(node.body, text_locals, param, parents):
                found.add(masked)
    return sorted(found)


def _reads_text(node: ast.AST, param: str, parents: dict[int, ast.AST]) -> bool:
    """``node`` is a use of the exception ``param`` that may carry its text on: anything but its status, its
    headers, an ``isinstance``/``type`` test, or an argument of a log call."""
    if not (isinstance(node, ast.Name) and node.id == param and isinstance(node.ctx, ast.Load)):
        return False
    parent = parents.get(id(node))
    if isinstance(parent, ast.Attribute) and parent.attr in _SAFE_ATTRIBUTES:
        return False
    if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id in ("isinstance", "type"):
        return False
    current: Optional[ast.AST] = parent
    while current is not None and not isinstance(current, ast.stmt):
        if isinstance(current, ast.Call) and _is_log_call(current):
            return False
        current = parents.get(id(current))
    return True


def _is_log_call(call: ast.Call) -> bool:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name in _LOG_METHODS


def _text_locals(nodes: list[ast.AST], param: str, parents: dict[int, ast.AST]) -> set[str]:
    """Locals assigned a value that reads the exception's text (``detail = exc.detail``)."""
    found: set[str] = set()
    for node in nodes:
        targets, value = assigned_values(node)
        if value is not None and any(_reads_text(part, param, parents) for part in ast.walk(value)):
            found.update(target.id for target in targets if isinstance(target, ast.Name))
    return found


def _status_flags(nodes: list[ast.AST], param: str) -> dict[str, str]:
    """Locals bound to a test of the status (``should_sanitize = exc.status_code == 500``): name -> class."""
    flags: dict[str, str] = {}
    for node in nodes:
        targets, value = assigned_values(node)
        if value is not None and len(targets) == 1 and isinstance(targets[0], ast.Name):
            masked = _status_class(value, param, {})
            if masked is not None:
                flags[targets[0].id] = masked
    return flags


def _status_class(test: ast.expr, param: str, flags: dict[str, str]) -> Optional[str]:
    """``500`` for ``exc.status_code == 500`` (or ``in {500, ...}``), ``5xx`` for ``>= 500``/``> 499``; a flag
    local standing for one of those; ``None`` for anything else."""
    if isinstance(test, ast.Name):
        return flags.get(test.id)
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        classes = [_status_class(value, param, flags) for value in test.values]
        return SERVER if SERVER in classes else INTERNAL if INTERNAL in classes else None
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and _is_status(test.left, param)):
        return None
    op, right = test.ops[0], test.comparators[0]
    if isinstance(op, ast.Eq) and _number(right) == 500:
        return INTERNAL
    if (isinstance(op, ast.GtE) and _number(right) == 500) or (isinstance(op, ast.Gt) and _number(right) == 499):
        return SERVER
    if isinstance(op, ast.In) and isinstance(right, (ast.Set, ast.Tuple, ast.List)) \
            and any(_number(item) == 500 for item in right.elts):
        return INTERNAL
    return None


def _is_status(expr: ast.expr, param: str) -> bool:
    return isinstance(expr, ast.Attribute) and expr.attr in ("status_code", "code", "status") \
        and isinstance(expr.value, ast.Name) and expr.value.id == param


def _number(expr: ast.expr) -> Optional[int]:
    if isinstance(expr, ast.Constant) and isinstance(expr.value, int) and not isinstance(expr.value, bool):
        return expr.value
    return status_number(expr)


def status_number(expr: ast.expr) -> Optional[int]:
    """The status a constant names: ``status.HTTP_500_INTERNAL_SERVER_ERROR``, ``HTTPStatus.INTERNAL_SERVER_ERROR``."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, int) and not isinstance(expr.value, bool):
        return expr.value
    written = dotted_name(expr) or ""
    last = written.rpartition(".")[2]
    match = re.match(r"HTTP_(\d{3})_", last)
    if match:
        return int(match.group(1))
    if last == "INTERNAL_SERVER_ERROR":
        return 500
    return None


def _replaces_text(
    body: list[ast.stmt], text_locals: set[str], param: str, parents: dict[int, ast.AST]
) -> bool:
    """The branch replaces a local holding the exception's text with a constant (``detail = GENERIC_MESSAGE``), or
    answers without the text (``return JSONResponse({"detail": "Internal error"}, 500)``)."""
    for statement in body:
        targets, value = assigned_values(statement)
        if value is not None and _constant(value) and any(
                isinstance(target, ast.Name) and target.id in text_locals for target in targets):
            return True
        if isinstance(statement, ast.Return) and statement.value is not None and not any(
                _reads_text(part, param, parents) or (isinstance(part, ast.Name) and part.id in text_locals)
                for part in ast.walk(statement.value)):
            return True
    return False


def _constant(value: ast.expr) -> bool:
    """A string literal or an upper-case constant (``GENERIC_5XX_MESSAGE``, ``messages.INTERNAL_ERROR``)."""
    if isinstance(value, ast.Constant):
        return isinstance(value.value, str)
    written = dotted_name(value)
    return written is not None and written.rpartition(".")[2].isupper()


def raised_status(call: ast.Call) -> Optional[int]:
    """The status an HTTP exception or ``abort`` call raises: its first argument or ``status_code=``/``code=``."""
    given = [*call.args[:1], *(kw.value for kw in call.keywords if kw.arg in ("status_code", "code", "status"))]
    for value in given:
        number = status_number(value)
        if number is not None:
            return number
    return None


def masking_facts(
    node: ast.AST, resolve: Callable[[ast.expr], Optional[str]], module: str
) -> tuple[ProjectFact, ...]:
    """The project fact that would clear a leak at ``node`` because an application-wide error handler keeps the
    text from the client (:func:`~backend_lint.analysis.project.handler_conditions.masked_error`): a ``raise`` of
    FastAPI's/Starlette's or werkzeug's HTTP exception, or Flask's ``abort``. A response the view returns itself
    never passes through such a handler: nothing."""
    call = node.exc if isinstance(node, ast.Raise) else node
    if not isinstance(call, ast.Call):
        return ()
    qualified = resolve(call.func) or ""
    status = raised_status(call)
    if qualified in _ASGI_HTTP:
        family = ASGI
    elif qualified in _WSGI_HTTP or qualified in ("flask.abort", "werkzeug.exceptions.abort", "werkzeug.abort"):
        family = WSGI
    elif qualified in _WSGI_INTERNAL:
        family, status = WSGI, 500
    elif qualified.startswith("aiohttp.web.HTTP"):
        family, status = AIOHTTP, _AIOHTTP_STATUSES.get(qualified.rpartition(".")[2])
    else:
        return ()
    if not module:
        return ()
    return (masked_error(family, str(status) if status is not None else "", module),)


_AIOHTTP_STATUSES = {
    "HTTPInternalServerError": 500, "HTTPNotImplemented": 501, "HTTPBadGateway": 502, "HTTPServiceUnavailable": 503,
    "HTTPGatewayTimeout": 504, "HTTPInsufficientStorage": 507,
}
"""aiohttp's server-error classes and their statuses (the class is the status; it takes no status argument)."""


def middleware_masks(function: Function) -> list[str]:
    """The statuses an aiohttp middleware (or the factory whose nested function is one) keeps from the client:
    its ``except web.HTTPException as ex`` clause ends by raising another exception that does not carry the text
    (``raise GenericBadRequest from ex``): ``all`` when no branch of the clause passes the text on, ``5xx`` when
    only branches testing a 4xx status do (backend.ai's manager, answering 405 with the allowed methods); nothing
    when the clause re-raises the exception or answers with its text."""
    for clause in (node for node in ast.walk(function) if isinstance(node, ast.ExceptHandler)):
        caught = (dotted_name(clause.type) or "") if clause.type is not None else ""
        if caught.rpartition(".")[2] != "HTTPException" or clause.name is None or not clause.body:
            continue
        param = clause.name
        nodes = [node for statement in clause.body for node in ast.walk(statement)]
        parents = {id(child): node for node in nodes for child in ast.iter_child_nodes(node)}
        last = clause.body[-1]
        if not (isinstance(last, ast.Raise) and last.exc is not None
                and not (isinstance(last.exc, ast.Name) and last.exc.id == param)
                and not any(_reads_text(part, param, parents) for part in ast.walk(last.exc))):
            continue  # the clause ends passing the exception on (``raise``, ``raise ex``) or answering with it
        if any(isinstance(node, ast.Raise) and (node.exc is None or (isinstance(node.exc, ast.Name)
                                                                     and node.exc.id == param)) for node in nodes):
            continue
        leaking = [node for node in nodes if isinstance(node, ast.If) and _passes_text(node.body, param, parents)]
        if not leaking:
            return [EVERY]
        if all(_client_status_test(branch.test, param) for branch in leaking):
            return [SERVER]
    return []


def _passes_text(body: list[ast.stmt], param: str, parents: dict[int, ast.AST]) -> bool:
    """The branch reads the exception's text and answers or raises: ``concrete = cast(HTTPMethodNotAllowed, ex)``
    then ``raise MethodNotAllowed(method=concrete.method)``."""
    nodes = [node for statement in body for node in ast.walk(statement)]
    return any(_reads_text(node, param, parents) for node in nodes) \
        and any(isinstance(node, (ast.Raise, ast.Return)) for node in nodes)


def _client_status_test(test: ast.expr, param: str) -> bool:
    """``ex.status_code == N`` (or ``ex.status == N``) for a status ``N`` below 500."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq) \
            and _is_status(test.left, param):
        number = _number(test.comparators[0])
        return number is not None and number < 500
    return False
