"""Whether a POST handler reads an idempotency key, or is keyed by the client another way (BE301).

The key counts as read when the handler takes it as a FastAPI ``Header()`` parameter (by ``alias=`` or by
name), a Litestar ``Parameter(header=...)``, reads ``request.headers[...]``/``.get(...)`` in any
capitalisation, Django's ``request.META["HTTP_IDEMPOTENCY_KEY"]``, uses a configured provider (decorator,
``Depends`` or helper call), or names idempotency in the handler, its view class (a base, a decorator, a
method that is no route of its own, such as ``dispatch``) or a module-level statement (an idempotency
middleware). A route that declares a 409 response or whose path ends in a client-chosen id is keyed by the client.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.facts import file_fact
from backend_lint.analysis.handler_body import handler_body
from backend_lint.analysis.handlers import Handler, handler_model
from backend_lint.analysis.imports import dotted_name

if TYPE_CHECKING:
    from backend_lint.context import FileContext

WORD = "idempoten"


def keyed_by_client(handler: Handler) -> bool:
    """The client names the resource, so a retry meets the first one: the route declares a 409 response
    (``responses={409: ...}``, ``HTTP_409_CONFLICT``), or its path ends in a path parameter
    (``POST /dags/{dag_id}/runs/{run_id}``)."""
    if handler.paths and all(path.rstrip("/").rpartition("/")[2].startswith(("{", "<")) for path in handler.paths):
        return True
    for decorator in handler.function.decorator_list:
        for part in ast.walk(decorator):
            if isinstance(part, ast.Constant) and part.value == 409:
                return True
            if isinstance(part, (ast.Attribute, ast.Name)) and "409" in (dotted_name(part) or ""):
                return True
    return False


def mentions_idempotency(node: ast.AST, strings: bool = True) -> bool:
    """A name, attribute, argument or (with ``strings``) string in ``node`` says idempotency."""
    for part in ast.walk(node):
        if isinstance(part, ast.Name):
            text = part.id
        elif isinstance(part, ast.Attribute):
            text = part.attr
        elif strings and isinstance(part, ast.Constant) and isinstance(part.value, str):
            text = part.value
        else:
            continue
        if WORD in text.lower():
            return True
    return False


@file_fact()
def module_handles_idempotency(ctx: FileContext) -> bool:
    """A module-level call names something idempotent: ``app.add_middleware(IdempotencyMiddleware)``,
    ``FastAPI(middleware=[Middleware(IdempotencyMiddleware)])``."""
    return WORD in ctx.source.lower() and any(
        isinstance(statement, (ast.Expr, ast.Assign, ast.AnnAssign))
        and isinstance(statement.value, ast.Call)
        and mentions_idempotency(statement.value, strings=False)
        for statement in ctx.tree.body
    )


def reads_key(handler: Handler, ctx: FileContext, header: str, providers: set[str]) -> bool:
    """The handler reads the ``header`` (lower case) key in any of the usual ways, or uses one of the
    ``providers`` (decorator, dependency or helper names)."""
    for param in handler.params:
        if WORD in param.name.lower() or _param_reads(param.marker, param.marker_call, param.name, header,
                                                     providers):
            return True
    for decorator in handler.function.decorator_list:
        if mentions_idempotency(decorator) or _provided(decorator, providers):
            return True
    body = handler_body(ctx, handler)
    if header in body.headers or any(WORD in word for word in body.words):
        return True
    if any(call.rpartition(".")[2] in providers or call in providers for call in body.calls):
        return True
    return handler.class_ is not None and _class_reads(handler, ctx, header)


def _param_reads(marker: Optional[str], call: Optional[ast.Call], name: str, header: str,
                 providers: set[str]) -> bool:
    if marker is None or call is None:
        return False
    kind = marker.rpartition(".")[2]
    if kind == "Header":
        alias = next((kw.value for kw in call.keywords if kw.arg in ("alias", "validation_alias")), None)
        if isinstance(alias, ast.Constant) and isinstance(alias.value, str):
            return alias.value.lower() == header
        return name.replace("_", "-").lower() == header
    if kind == "Parameter":
        given = next((kw.value for kw in call.keywords if kw.arg == "header"), None)
        return isinstance(given, ast.Constant) and str(given.value).lower() == header
    if kind in ("Depends", "Security") and call.args:
        return _provided(call.args[0], providers)
    return False


def _provided(node: ast.AST, providers: set[str]) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    written = dotted_name(target) or ""
    return bool(written) and (written in providers or written.rpartition(".")[2] in providers)


def _class_reads(handler: Handler, ctx: FileContext, header: str) -> bool:
    """The view class takes care of it: a base or decorator named after idempotency, or another method that
    runs for every request (``dispatch``, ``initial``, a helper) and reads the header. Another route of the class
    (a Litestar ``Controller``'s ``subscribe`` beside ``checkout``, a view's ``put`` beside ``post``) reads it
    for its own requests only: each handler is judged on its own."""
    cls = handler.class_
    assert cls is not None
    if any(mentions_idempotency(node) for node in [*cls.bases, *cls.decorator_list]):
        return True
    routes = handler_model(ctx).handlers
    for statement in cls.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement is not handler.function \
                and statement not in routes:
            body = handler_body(ctx, Handler(statement, handler.framework, cls, handler.request_names, ()))
            if header in body.headers or any(WORD in word for word in body.words):
                return True
    return False
