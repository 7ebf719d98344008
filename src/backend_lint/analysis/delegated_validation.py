"""Handlers that leave the checking of the body to the code they hand it to, and answer its refusal (BE303).

A handler that reads the raw body field by field is usually missing a schema. Judged on real applications, one
kind is not: the handler hands what it read to a service of the project that checks it, and catches that
service's own refusal to answer the client with 400 (OctoPrint's ``printerProfileManager.save(merged_profile)``
raising ``InvalidProfileError``, answered ``abort(400, description="profile is invalid")``; fittrackee's
``UserManagerService(...).create_user(email, password)`` raising ``UserControlsException``, answered
``InvalidPayloadErrorResponse(str(e))``). The checks exist, in the service, and a bad body already gets its
4xx; a schema in the handler would repeat them.

What is read: an ``except`` clause of the handler's own body that names an exception class that is not one of
Python's (a project's or a library's: a ``KeyError`` or ``ValueError`` caught around the handler's own field
reads is its hand-made checking, not a service's) and answers a client error: ``abort(400)``/``abort(422)``,
``return ..., 400``, a call or ``raise`` with ``status``/``status_code``/``code`` 400 or 422, or a response or
exception class that says so (``InvalidPayloadErrorResponse``, ``HttpResponseBadRequest``, ``BadRequest``).
The exception's name must say the value is invalid (``InvalidProfileError``, ``ProfileValidationError``), and
the ``try`` must hand the service one value made from the body, whole (``save(merged_profile, ...)``, every
other argument a literal or a value not read from the body): a service handed several fields one by one
(``add_user(name, password, active, ...)``, refusing only ``InvalidUsername``) checks only some of them, and the
finding stands.

A schema applied by a decorator is the other kind (:func:`validated_by_decorator`): changedetection.io's
``@validate_openapi_request('deleteNotifications')`` checks the body against the OpenAPI document before the
handler runs, as webargs' ``@use_kwargs(schema)``, flask-smorest's ``@blp.arguments(Schema)``, APIFlask's
``@app.input(Schema)``, flask-expects-json's ``@expects_json(schema)`` or aiohttp-apispec's
``@request_schema(Schema())`` (with its ``validation_middleware``, answering 422 before the handler) do.
"""

from __future__ import annotations

import ast
import builtins
from typing import Optional

from backend_lint.analysis.ast_helpers import callee_name, own_nodes
from backend_lint.analysis.lazy_regex import lazy_compile

_INPUT_STATUSES = frozenset({400, 422})
"""Bad request, unprocessable: the client's input is at fault. A refusal (401, 403) after a failed login is not:
the failure may be the provisioning code's, not the credentials'."""
_REFUSAL_WORDS = ("invalid", "badrequest", "unprocessable")
_BUILTIN_EXCEPTIONS = frozenset(
    name for name, value in vars(builtins).items() if isinstance(value, type) and issubclass(value, BaseException)
)


def answers_service_refusal(function: ast.AST, reads: list[ast.expr]) -> bool:
    """The handler hands one value made from the body (``reads``) whole to a service inside a ``try`` and
    answers the service's refusal of it with a client error (see the module docstring)."""
    tainted = _body_names(function, reads)
    for node in own_nodes(function):
        if not isinstance(node, ast.Try):
            continue
        refused = [name for clause in node.handlers if _answers_client_error(clause)
                   for name in _invalid_names(clause.type)]
        handed = [value for call in _calls(node.body) for value in _value_handed(call, tainted)]
        if any(_same_thing(name, value) for name in refused for value in handed):
            return True
    return False


_WORD = lazy_compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_GENERIC_WORDS = frozenset({"invalid", "validation", "error", "exception", "data", "value"})


def _same_thing(exception: str, value: str) -> bool:
    """``InvalidProfileError`` refuses ``merged_profile``: every word of the exception's name names the thing
    the value is, or it names nothing in particular (``ValidationError``). ``InvalidEquipmentsException`` does
    not refuse ``workout_data``, nor ``InvalidUserRole`` ``user_data``: they are about a part of it."""
    named = {word.lower() for word in _WORD.findall(exception)} - _GENERIC_WORDS
    words = {word.lower() for word in _WORD.findall(value)} - _GENERIC_WORDS
    return named <= words


def _body_names(function: ast.AST, reads: list[ast.expr]) -> set[str]:
    """The locals whose value is made from the body: assigned from an expression holding a read or such a
    local (``json_data = request.get_json()``, ``new_profile = json_data["profile"]``,
    ``merged = dict_merge(profile, new_profile)``)."""
    read_ids = frozenset(id(read) for read in reads)
    assignments = [node for node in own_nodes(function) if isinstance(node, (ast.Assign, ast.AnnAssign))]
    assignments.sort(key=lambda node: (node.lineno, node.col_offset))
    names: set[str] = set()
    for _ in range(2):
        for assignment in assignments:
            if assignment.value is None or not _mentions(assignment.value, names, read_ids):
                continue
            targets = assignment.targets if isinstance(assignment, ast.Assign) else [assignment.target]
            names |= {target.id for target in targets if isinstance(target, ast.Name)}
    return names


def _mentions(expr: ast.AST, names: set[str], read_ids: frozenset[int] = frozenset()) -> bool:
    return any(id(node) in read_ids or (isinstance(node, ast.Name) and node.id in names) for node in ast.walk(expr))


def _calls(statements: list[ast.stmt]) -> list[ast.Call]:
    return [node for statement in statements for node in ast.walk(statement) if isinstance(node, ast.Call)]


def _value_handed(call: ast.Call, tainted: set[str]) -> list[str]:
    """``[merged_profile]`` for ``printerProfileManager.save(merged_profile, allow_overwrite=True,
    make_default=make_default)``: exactly one argument comes from the body, a local holding the value whole."""
    if _mentions(call.func, tainted):
        return []  # a method of the body's own value
    if isinstance(call.func, ast.Name) and hasattr(builtins, call.func.id):
        return []  # ``set(values)``, ``len(values)``: nothing that checks
    from_body = [argument for argument in [*call.args, *(k.value for k in call.keywords)]
                 if _mentions(argument, tainted)]
    return [from_body[0].id] if len(from_body) == 1 and isinstance(from_body[0], ast.Name) else []


_INVALID_WORDS = ("invalid", "validation")


def _invalid_names(caught: Optional[ast.expr]) -> list[str]:
    """The caught classes that are not Python's and whose name says the value is invalid."""
    if caught is None:
        return []
    names = [_name(name) for name in (caught.elts if isinstance(caught, ast.Tuple) else [caught])]
    return [name for name in names
            if name not in _BUILTIN_EXCEPTIONS and any(word in name.lower() for word in _INVALID_WORDS)]


def _name(expr: ast.expr) -> str:
    return expr.attr if isinstance(expr, ast.Attribute) else expr.id if isinstance(expr, ast.Name) else ""


def _answers_client_error(handler: ast.ExceptHandler) -> bool:
    for statement in handler.body:
        value = statement.value if isinstance(statement, (ast.Return, ast.Expr)) else \
            statement.exc if isinstance(statement, ast.Raise) else None
        if value is None:
            continue
        parts = value.elts if isinstance(value, ast.Tuple) else [value]
        if any(client_status(part) for part in parts):
            return True  # return message, 400
        if any(isinstance(part, ast.Call) and _refuses(part) for part in parts):
            return True
    return False


def _refuses(call: ast.Call) -> bool:
    name = callee_name(call)
    if any(word in name.lower() for word in _REFUSAL_WORDS):
        return True
    if name == "abort" and call.args and client_status(call.args[0]):
        return True
    statuses = [*call.args[1:2], *(k.value for k in call.keywords if k.arg in ("status", "status_code", "code"))]
    return any(client_status(status) for status in statuses)


def client_status(value: ast.expr) -> bool:
    """``value`` is the constant status 400 or 422: the client's input is at fault (shared by BE303's refusals and
    BE403's expected errors and input checks)."""
    return isinstance(value, ast.Constant) and type(value.value) is int and value.value in _INPUT_STATUSES


_SCHEMA_DECORATORS = frozenset({"use_args", "use_kwargs", "expects_json", "arguments", "input", "accepts",
                                "request_schema"})
"""Decorators of webargs, flask-expects-json, flask-smorest, APIFlask, flask-accepts and aiohttp-apispec that load
the body into a schema before the handler runs (aiohttp-apispec's ``@request_schema(Schema())`` through the
``validation_middleware`` the app registers: ACA-Py's admin API, seed 134)."""


def validated_by_decorator(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A decorator of the handler validates the request: its name says so (``@validate_openapi_request(...)``,
    ``@validate_json``), or it is a schema decorator of a known library called with a schema."""
    for decorator in function.decorator_list:
        name = callee_name(decorator) if isinstance(decorator, ast.Call) else \
            decorator.attr if isinstance(decorator, ast.Attribute) else \
            decorator.id if isinstance(decorator, ast.Name) else ""
        if "validat" in name.lower():
            return True
        if isinstance(decorator, ast.Call) and name in _SCHEMA_DECORATORS and decorator.args:
            return True
    return False
