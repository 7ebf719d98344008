"""BE304 exception-detail-in-response: a caught exception's text or traceback sent to the client.

``str(e)`` of an arbitrary exception carries internals: SQL and constraint names from the database driver,
file paths, hostnames and ports from a connection error, other users' values from a ``KeyError``, a full
traceback from ``traceback.format_exc()``. Sent to the client it helps an attacker map the system and it
makes error messages part of the API by accident. Log the exception (with its traceback) and return a
generic message or an error code.

Flagged inside an ``except ... as e`` clause (or a decorated error handler for internal errors, such as
``@app.exception_handler(Exception)`` or Flask's ``@app.errorhandler(Exception)``): ``str(e)``, ``repr(e)``,
``e.args``/``e.message``/``e.orig``, ``f"{e}"``, ``"%s" % e``, ``"{}".format(e)`` (also through a local assigned
from one of them), and
``traceback.format_exc()``/``format_exception()`` anywhere in the clause, when they go into a response:
a response constructor (``JSONResponse``, ``Response``, ``HttpResponse``, ``JsonResponse``, DRF ``Response``,
``web.json_response``, ``jsonify`` with a dict or keyword fields, ``make_response``),
``raise HTTPException(detail=...)`` (FastAPI, Starlette, werkzeug, DRF ``APIException`` family, aiohttp
``web.HTTP...``), Flask ``abort(..., description)``, or the value a handler returns (a dict, list, tuple or
string). Logging the exception is fine.

Reported only when the error comes from work whose failure text is internal, read as positive evidence
(:mod:`backend_lint.analysis.failing_work`): the clause names a database, network, storage, cloud or
operating-system error, or catches anything around a ``try`` that awaits or calls something other than
conversions, validations, text and container methods, log lines and answers; an error handler registered for
internal errors and a traceback always count. Judged on real applications, the leaks were the text of such
failures; the false alarms were the code's own messages (its ``ValueError``/``RuntimeError``/own classes) and
errors about the client's own input, which name no such work.

Left alone besides: validation errors raised as such (``raise ValidationError(...)``); text of the exception only
compared, never sent (``A if e.args == (A,) else B``); a ``try`` that only removes the file the client named in
the URL (the ``OSError`` is about that file); classes named ``...Response`` that are not a web framework's
responses (a status tuple); details sent in development only (``if settings.DEBUG``, ``SCOPE == "dev"``, routes
defined under ``if app.debug``); and HTTP exceptions caught and
passed on. A program its user installs and runs that authenticates nobody anywhere shows the error to its
operator (:func:`backend_lint.analysis.project.app_conditions.authenticates_nobody`). Handlers only administrators
reach (declared on the handler, by a guard at the top of its body, or in another module:
:mod:`backend_lint.analysis.admin_declarations`), handlers that answer only requests from a
loopback address (a decorator of the module or a guard at the top that refuses any other with 403:
:mod:`backend_lint.analysis.local_only`, a desktop program's local listener), and a 4xx answer to a project
service's own plain ``Exception`` refusal (:func:`backend_lint.analysis.error_answers.refusal_callee`) are left
alone too, and so is a ``try`` that only calls a ``raise_...`` guard with text the project wrote
(:func:`backend_lint.analysis.error_answers.raises_given_message`), or only calls methods or stored callbacks
that catch everything themselves (:func:`backend_lint.analysis.error_answers.shielding_methods`: chainlit's
``config.code.on_mcp_connect``, stored only as ``wrap_user_function(func)``). A route only the project's own services
call (:func:`backend_lint.analysis.internal_services.internal_api`: a module named ``internal_views.py``, or in a
package named ``internal``, whose
routes the project's workers call with a service key, a handler behind ``@backend_authenticated``) answers the
project's own worker, which logs the text: it is left alone.
"""

from __future__ import annotations

import ast
import re
from typing import Optional

from backend_lint.analysis.admin_declarations import handler_admin_facts
from backend_lint.analysis.admin_guard_defs import admin_guard_facts
from backend_lint.analysis.admin_guards import admin_guard, refusing_helpers, setup_window_guard
from backend_lint.analysis.admin_helpers import admin_only_helpers
from backend_lint.analysis.admin_only import admin_only
from backend_lint.analysis.ast_helpers import callee_name, under_if
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.caught_errors import caught_names, error_handler_param, in_except
from backend_lint.analysis.error_answers import (
    discarded_response,
    raises_given_message,
    reason_phrase,
    refusal_callee,
    removes_named_file,
    shielding_methods,
)
from backend_lint.analysis.failing_work import (
    catches_anything,
    does_work,
    names_failing_work,
    only_verifies,
    public_upstream_only,
)
from backend_lint.analysis.handlers import handler_for
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.included_routes import module_routers
from backend_lint.analysis.input_errors import converts_upload, says_input_error
from backend_lint.analysis.internal_services import internal_api, internal_api_module, internal_service_facts
from backend_lint.analysis.local_only import local_only
from backend_lint.analysis.masked_errors import masking_facts
from backend_lint.analysis.project.app_conditions import authenticates_nobody, single_account_app
from backend_lint.analysis.project.conditions import (
    ProjectFact,
    guards_admins,
    internal_service,
    test_support,
    unmounted_router,
    unreferenced,
)
from backend_lint.analysis.project.handler_conditions import methods_catch_all, raises_message
from backend_lint.analysis.resolve import class_chain, resolve_class
from backend_lint.analysis.uploads import is_upload
from backend_lint.context import FileContext
from backend_lint.rule import Rule, visits

_DETAIL_ATTRIBUTES = frozenset({"args", "message", "msg", "strerror", "orig"})
_TRACEBACK_CALLS = frozenset({
    "traceback.format_exc", "traceback.format_exception", "traceback.format_tb", "traceback.format_stack",
    "traceback.format_exception_only",
})
_RESPONSE_FUNCTIONS = frozenset({"jsonify", "json_response", "make_response", "Response"})
_NOT_FOUND_PHRASES = ("not found", "does not exist")
_VALIDATION_ERRORS = ("ValidationError", "ParseError", "ValidationException")
_WEB_FRAMEWORKS = frozenset({
    "fastapi", "starlette", "django", "rest_framework", "flask", "werkzeug", "quart", "aiohttp", "litestar",
    "sanic", "tornado", "falcon", "pyramid", "bottle", "ninja",
})
_CLIENT_ERROR_RESPONSES = frozenset({
    "HttpResponseBadRequest", "HttpResponseNotFound", "HttpResponseForbidden", "HttpResponseNotAllowed",
    "HttpResponseGone",
})
"""Django's responses whose class is the 4xx status."""
_DETAIL_KEYWORDS = frozenset({"detail", "description", "text", "body", "content", "reason", "message", "msg"})
_RESPONSE_KEYWORDS = _DETAIL_KEYWORDS | {"data"}
_MAX_DEPTH = 3


def _narrowed(node: ast.AST, name: str, ctx: FileContext) -> bool:
    """``node`` sits in the body of an ``if`` that narrows the caught ``name`` to a client-facing type."""
    not_found = _answers_not_found(node)
    return under_if(node, ctx.parent_of, lambda test: _narrows_to_client_error(test, name, ctx, not_found))


def _narrows_to_client_error(test: ast.expr, name: str, ctx: FileContext, not_found: bool = False) -> bool:
    """``isinstance(exc, CustomComponentValidationError)``: inside this ``if`` the caught ``exc`` is of a type
    whose text is written for clients (a project's own error, a validation error), whatever the clause caught.
    ``"stream or streaming set to True" in str(exc)``: the text is a message the code knows (a phrase of three
    words or more; ``"timeout" in str(e)`` may be a word of anything). With ``not_found`` (the branch answers
    404), ``"not found" in str(e).lower()`` counts too: the code picks out its services' own not-found refusals
    (``TracecatNotFoundError(f"Attachment {id} not found")``) and answers them as the missing resource."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.In) \
            and isinstance(test.left, ast.Constant) and isinstance(test.left.value, str) \
            and (len(test.left.value.split()) >= 3 or (not_found and test.left.value.lower() in _NOT_FOUND_PHRASES)) \
            and _detail_in(test.comparators[0], [name], ctx, _MAX_DEPTH) is not None:
        return True
    if not (isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "isinstance"
            and len(test.args) == 2 and isinstance(test.args[0], ast.Name) and test.args[0].id == name):
        return False
    narrowed_to = test.args[1]
    return not (catches_anything(narrowed_to) or names_failing_work(narrowed_to, ctx))


def _answers_not_found(node: ast.AST) -> bool:
    """The ``raise``, ``return`` or response call answers 404 (``HTTPException(status_code=404, ...)``,
    ``status.HTTP_404_NOT_FOUND``, a returned ``(body, 404)``)."""
    if isinstance(node, ast.Raise):
        node = node.exc if node.exc is not None else node
    if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple) and len(node.value.elts) > 1:
        return _is_404(node.value.elts[1])
    if not isinstance(node, ast.Call):
        return False
    given = [*node.args[:2], *(kw.value for kw in node.keywords if kw.arg in ("status_code", "status", "code"))]
    return any(_is_404(value) for value in given)


def _is_404(value: ast.expr) -> bool:
    if isinstance(value, ast.Constant):
        return value.value == 404
    written = dotted_name(value) or ""
    return "404" in written or written.rpartition(".")[2] == "NOT_FOUND"


class ExceptionDetailInResponse(Rule):
    code = "BE304"
    name = "exception-detail-in-response"
    message = "`{detail}` of a caught exception goes into the response; log it and return a generic message"
    triggers = ("except",)
    needs = (handler_for, bindings_of, resolve_class, class_chain, removes_named_file, is_upload, refusing_helpers,
             guards_admins, admin_only_helpers, internal_service, internal_api, module_routers, unmounted_router)
    module_facts = (test_support,)

    @visits(ast.Call)
    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        """Response constructors and ``abort(...)``; ``raise`` of an HTTP exception is checked at the raise."""
        last = callee_name(node)
        fab = _fab_response(node, ctx)
        if not (last == "abort" or fab or (_is_response_name(last) and _framework_response(node, ctx))):
            return
        if not in_except(ctx.scope, ctx) or ctx.is_test_file or discarded_response(node, ctx):
            return
        parent = ctx.parent
        if isinstance(parent, ast.Tuple) and isinstance(ctx.parent_of(parent), ast.Return):
            parent = ctx.parent_of(parent)  # return jsonify(...), 500
        if last == "abort":
            if not (ctx.imports.resolve(node.func) or "").endswith(("flask.abort", "werkzeug.exceptions.abort")):
                return
            arguments = [*node.args[1:], *(kw.value for kw in node.keywords if kw.arg == "description")]
        else:
            if isinstance(parent, ast.Raise):
                return
            # every keyword of ``jsonify(error=str(e))`` is a field of the body it answers
            arguments = [*node.args, *(kw.value for kw in node.keywords
                                       if kw.arg in _RESPONSE_KEYWORDS or last == "jsonify")]
        client_error = last[len("response_"):].startswith("4") if fab else (
            last != "abort" and (_client_status(node, positional=False) or last in _CLIENT_ERROR_RESPONSES
                                 or any(_client_code(arg) for arg in node.args[1:])))
        leak = self._leak(node, arguments, ctx, client_error=client_error)
        if leak is not None:
            self.report(ctx, parent if isinstance(parent, ast.Return) else node, detail=leak,
                        unless=(*_factory_unused(ctx), *_refutations(ctx, client_error),
                                *masking_facts(node, ctx.imports.resolve, ctx.module)))

    @visits(ast.Raise)
    def check_raise(self, node: ast.Raise, ctx: FileContext) -> None:
        exc = node.exc
        if not isinstance(exc, ast.Call) or not in_except(ctx.scope, ctx) or ctx.is_test_file:
            return
        qualified = ctx.imports.resolve(exc.func) or ""
        last = qualified.rpartition(".")[2] or (dotted_name(exc.func) or "").rpartition(".")[2]
        http = last.endswith(("HTTPException", "APIException")) or (
            qualified.startswith(("aiohttp.web.HTTP", "werkzeug.exceptions.", "rest_framework.exceptions."))
        )
        if not http or last.endswith(_VALIDATION_ERRORS):
            return  # raise ValidationError({key: str(e)}): the code files the error as the client's input
        arguments = [*exc.args, *(kw.value for kw in exc.keywords if kw.arg in _DETAIL_KEYWORDS)]
        client_error = _client_status(exc) or _client_error_class(qualified, last)
        leak = self._leak(node, arguments, ctx, client_error=client_error)
        if leak is not None:
            masked = masking_facts(node, ctx.imports.resolve, ctx.module)
            self.report(ctx, node, detail=leak, unless=(*_refutations(ctx, client_error), *masked))

    @visits(ast.Return)
    def check_return(self, node: ast.Return, ctx: FileContext) -> None:
        value = node.value
        if not isinstance(value, (ast.Dict, ast.List, ast.Tuple, ast.JoinedStr, ast.BinOp, ast.Call, ast.Name)):
            return
        if isinstance(value, ast.Call) and not _is_formatting(value, ctx):
            return  # response constructors are checked at the call; other calls make their own values
        if not in_except(ctx.scope, ctx) or ctx.is_test_file:
            return
        if isinstance(value, ast.Name):
            local = _local_value(value.id, ctx)
            if isinstance(local, ast.Call) and not _is_formatting(local, ctx):
                return  # response = JSONResponse(...): checked at the constructor
        function = ctx.scope.function
        if function is None or (handler_for(ctx, function) is None and error_handler_param(function, ctx) is None):
            return
        parts = value.elts if isinstance(value, (ast.Tuple, ast.List)) else [value]
        client_error = isinstance(value, ast.Tuple) and len(value.elts) > 1 and _client_code(value.elts[1])
        leak = self._leak(node, [part for part in parts if not _is_response_call(part)], ctx, client_error=client_error)
        if leak is not None:
            self.report(ctx, node, detail=leak, unless=_refutations(ctx, client_error))

    def _leak(
        self, node: ast.AST, arguments: list[ast.expr], ctx: FileContext, client_error: bool = False
    ) -> Optional[str]:
        """The detail that leaks, as written, when the caught error comes from work whose failure text is internal
        (:func:`_from_failing_work`)."""
        if _under_debug_branch(node, ctx) or _operator_only(ctx) or _removes_requested_file(ctx) \
                or raises_given_message(ctx) or _internal_caller(ctx):
            return None
        names = [name for name in caught_names(ctx.scope, ctx) if not _narrowed(node, name, ctx)]
        for argument in arguments:
            found = _detail_in(argument, names, ctx, 0)
            if found is None:
                continue
            if not _from_failing_work(found, names, ctx, client_error):
                return None
            if reason_phrase(found, ctx):
                return None  # aiohttp ClientResponseError.message: the upstream's reason phrase
            if client_error and converts_upload(ctx):
                return None  # the decoder's message about the client's own uploaded file, answered 4xx
            if client_error and says_input_error(found, argument):
                return None  # f"Failed to decode: {exc}" with a 4xx: the parse error of the client's own string
            if client_error and _verifies_only(ctx):
                return None  # ``response.verify()`` with a 4xx: the verdict on the client's own signed data
            if _public_upstream(ctx):
                return None  # a request to a fixed public API failed: its text names that service at most
            text = ctx.segment(found) or ast.unparse(found)
            return text if len(text) <= 40 else text[:37] + "..."
        return None


def _from_failing_work(found: ast.expr, names: list[str], ctx: FileContext, client_error: bool) -> bool:
    """The error whose text is sent comes from work whose failure text is internal: the clause binding it names
    a database, network, storage or operating-system failure, or catches anything around a ``try`` that does such
    work (:mod:`backend_lint.analysis.failing_work`). An error handler registered for internal errors receives
    every failure nothing else handled. A traceback (``traceback.format_exc()``) is internal text whatever was
    caught: the server's file paths and code."""
    if any(isinstance(part, ast.Call) and (ctx.imports.resolve(part.func) or "") in _TRACEBACK_CALLS
           for part in ast.walk(found)):
        return True
    used = {part.id for part in ast.walk(found) if isinstance(part, ast.Name) and part.id in names}
    for link in ctx.scope:
        clause = link.node
        if not isinstance(clause, ast.ExceptHandler):
            if isinstance(clause, (ast.FunctionDef, ast.AsyncFunctionDef)):
                param = error_handler_param(clause, ctx)
                return param is not None and (not used or param in used)
            continue
        if used and clause.name not in used:
            continue
        if names_failing_work(clause.type, ctx, client_error):
            return True
        attempt = ctx.parent_of(clause)
        return catches_anything(clause.type) and isinstance(attempt, ast.Try) and does_work(attempt, ctx)
    return False


def _verifies_only(ctx: FileContext) -> bool:
    """The clause's ``try`` only verifies something (:func:`~backend_lint.analysis.failing_work.only_verifies`)."""
    clause = ctx.scope.except_handler
    attempt = ctx.parent_of(clause) if clause is not None else None
    return isinstance(attempt, ast.Try) and only_verifies(attempt, ctx)


def _public_upstream(ctx: FileContext) -> bool:
    """The clause's ``try`` only requests a fixed public host
    (:func:`~backend_lint.analysis.failing_work.public_upstream_only`)."""
    clause = ctx.scope.except_handler
    attempt = ctx.parent_of(clause) if clause is not None else None
    return isinstance(attempt, ast.Try) and public_upstream_only(attempt, ctx)


def _operator_only(ctx: FileContext) -> bool:
    """The clause is in a handler only administrators reach (:mod:`backend_lint.analysis.admin_only`), as declared
    or by a guard at the top of its body that turns everyone else away, or only the deployer of a fresh instance
    (:func:`~backend_lint.analysis.admin_guards.setup_window_guard`): the error text is the operator's
    diagnostic."""
    function = ctx.scope.function
    handler = handler_for(ctx, function) if function is not None else None
    if handler is None:  # a private helper only administrators' handlers call
        return isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) and function in ctx.tree.body \
            and function.name in admin_only_helpers(ctx)
    clause = ctx.scope.except_handler
    return admin_only(handler) or (clause is not None and admin_guard(handler.function, clause, ctx=ctx)) \
        or (clause is not None and setup_window_guard(handler.function, clause)) \
        or local_only(handler.function, ctx.tree)  # only programs on this machine reach it


def _internal_caller(ctx: FileContext) -> bool:
    """The answer goes to the project's own service: the module keeps the routes its workers call, or the handler
    admits only the project's backend (:func:`~backend_lint.analysis.internal_services.internal_api`)."""
    if internal_api_module(ctx):
        return True
    function = ctx.scope.function
    handler = handler_for(ctx, function) if function is not None else None
    return handler is not None and internal_api(ctx, handler)


def _removes_requested_file(ctx: FileContext) -> bool:
    """The ``try`` only removes the file the client named in the handler's URL: its ``OSError`` is about that
    file (:func:`~backend_lint.analysis.error_answers.removes_named_file`)."""
    function = ctx.scope.function
    handler = handler_for(ctx, function) if function is not None else None
    if handler is None:
        return False
    return removes_named_file(ctx, handler.function, frozenset(param.name for param in handler.params))


def _refutations(ctx: FileContext, client_error: bool) -> tuple[ProjectFact, ...]:
    """Facts of other modules that would clear the finding: the application has one account, or is a program its
    user runs that authenticates nobody (the caller is its operator:
    :func:`~backend_lint.analysis.project.app_conditions.authenticates_nobody`), the handler is declared
    administrators-only elsewhere (:func:`~backend_lint.analysis.admin_declarations.handler_admin_facts`), or, for
    a 4xx answer of a clause
    catching ``Exception``, the one project function its ``try`` calls raises a plain ``Exception`` with a
    message of its own (:func:`~backend_lint.analysis.error_answers.refusal_callee`)."""
    function = ctx.scope.function
    handler = handler_for(ctx, function) if function is not None else None
    clause = ctx.scope.except_handler
    facts: tuple[ProjectFact, ...] = (single_account_app(), authenticates_nobody())  # whoever calls, helpers too
    if handler is not None:
        facts = (*facts, *handler_admin_facts(ctx, handler), *admin_guard_facts(ctx, handler, clause),
                 *internal_service_facts(ctx, handler))
    attempt = ctx.parent_of(clause) if clause is not None else None
    if client_error and clause is not None and isinstance(attempt, ast.Try) and _catches_exception(clause):
        callee = refusal_callee(attempt, ctx)
        if callee is not None:
            facts = (*facts, raises_message(callee))
    methods = shielding_methods(ctx)
    if methods:  # ``await document_service.db.list_folders(auth)``: a method that answers [] on any error
        facts = (*facts, methods_catch_all(methods))
    routers = module_routers(ctx)
    if len(routers) == 1:  # a router's module that no module imports or mounts: nothing in it runs
        facts = (*facts, unmounted_router(routers[0]))
    return facts


def _catches_exception(clause: ast.ExceptHandler) -> bool:
    """``except Exception`` (alone): the only clause that catches a plain ``Exception`` a callee raises."""
    return isinstance(clause.type, ast.Name) and clause.type.id == "Exception"


_CLIENT_ERROR_CLASSES = frozenset({
    "HTTPBadRequest", "HTTPNotFound", "HTTPConflict", "HTTPGone", "HTTPUnprocessableEntity", "HTTPPreconditionFailed",
    "HTTPRequestEntityTooLarge", "HTTPUnsupportedMediaType", "HTTPRequestRangeNotSatisfiable", "HTTPLengthRequired",
    "HTTPNotAcceptable", "HTTPMethodNotAllowed", "HTTPFailedDependency", "HTTPUnauthorized", "HTTPForbidden",
    "BadRequest", "NotFound", "Conflict", "Gone", "UnprocessableEntity", "PreconditionFailed",
    "RequestEntityTooLarge", "UnsupportedMediaType", "ParseError",
})
"""aiohttp's, werkzeug's and DRF's HTTP exceptions whose class is a 4xx status (``web.HTTPBadRequest``,
``werkzeug.exceptions.NotFound``, DRF's ``ParseError``)."""


def _client_error_class(qualified: str, last: str) -> bool:
    """The raised class is a 4xx status by its name: aiohttp's ``web.HTTPBadRequest(text=...)`` takes no status
    argument, the class is the status."""
    return last in _CLIENT_ERROR_CLASSES and (
        qualified.startswith(("aiohttp.", "werkzeug.", "rest_framework.")) or last.startswith("HTTP"))


def _client_code(value: ast.expr) -> bool:
    """``400`` as the status of a returned ``(body, status)`` tuple."""
    return isinstance(value, ast.Constant) and isinstance(value.value, int) and 400 <= value.value < 500


def _client_status(call: ast.Call, positional: bool = True) -> bool:
    """The HTTP exception or response says 4xx: ``HTTPException(400, ...)``, ``status=status.HTTP_400_...``."""
    given = [*(call.args[:1] if positional else []),
             *(kw.value for kw in call.keywords if kw.arg in ("status_code", "status", "code"))]
    for value in given:
        if isinstance(value, ast.Constant) and isinstance(value.value, int) and 400 <= value.value < 500:
            return True
        written = dotted_name(value) or ""
        if "_4" in written or written.rpartition(".")[2] in ("BAD_REQUEST", "UNPROCESSABLE_ENTITY", "NOT_FOUND"):
            return True
    return False


def _framework_response(call: ast.Call, ctx: FileContext) -> bool:
    """``call`` builds a web framework's response: a name imported from a web framework (``JSONResponse``,
    ``web.json_response``, DRF ``Response``), the helpers ``jsonify``/``make_response``, or a class of this
    module built on one. A project's ``StatusResponse`` tuple is no HTTP response, whatever its name."""
    qualified = ctx.imports.resolve(call.func)
    if qualified is not None:
        return qualified.partition(".")[0] in _WEB_FRAMEWORKS
    if isinstance(call.func, ast.Name) and call.func.id in ("jsonify", "make_response"):
        return True  # flask.jsonify reached some other way (``from flask import *``)
    cls = resolve_class(call.func, ctx, ctx.scope)
    if cls is None:
        return False
    for current in class_chain(cls, ctx):
        for base in current.node.bases:
            if (ctx.imports.resolve(base) or "").partition(".")[0] in _WEB_FRAMEWORKS:
                return True
    return False


def _factory_unused(ctx: FileContext) -> tuple[ProjectFact, ...]:
    """The response is built in a function nested in a module-level factory (``def get_stats_endpoint(): def
    stats(): ...; return stats``) that is no handler and that its module never names again: unless another
    module imports it, nothing registers the endpoint (the project model decides)."""
    functions = [scope.node for scope in ctx.scope if isinstance(scope.node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if len(functions) < 2 or not ctx.module or any(handler_for(ctx, function) is not None for function in functions):
        return ()
    outer = functions[-1]
    if outer not in ctx.tree.body or len(re.findall(rf"\b{re.escape(outer.name)}\b", ctx.source)) != 1:
        return ()
    return (unreferenced(f"{ctx.module}.{outer.name}"),)


def _fab_response(call: ast.Call, ctx: FileContext) -> bool:
    """Flask-AppBuilder's ``self.response_500(message=...)``/``self.response_400(...)`` in a method exposed as an
    endpoint (``@expose``) of a module that uses Flask-AppBuilder: the API class's own response helpers."""
    func = call.func
    return (
        isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self"
        and func.attr.startswith("response_") and func.attr[len("response_"):].isdigit()
        and "flask_appbuilder" in ctx.imports.modules
        and any(
            (dotted_name(decorator.func if isinstance(decorator, ast.Call) else decorator) or "").endswith("expose")
            for scope in ctx.scope if isinstance(scope.node, (ast.FunctionDef, ast.AsyncFunctionDef))
            for decorator in scope.node.decorator_list
        )
    )


def _is_response_name(name: str) -> bool:
    return name.endswith("Response") or name.startswith("HttpResponse") or name in _RESPONSE_FUNCTIONS


def _is_response_call(node: ast.expr) -> bool:
    """``jsonify(...)``, ``JSONResponse(...)``: checked by the call callback, which reports at the return."""
    if not isinstance(node, ast.Call):
        return False
    name = callee_name(node)
    return _is_response_name(name) or name == "abort"


def _is_formatting(call: ast.Call, ctx: FileContext) -> bool:
    """``str(e)``, ``"...".format(e)``, ``traceback.format_exc()``: calls that make the detail itself."""
    func = call.func
    if isinstance(func, ast.Name) and func.id in ("str", "repr"):
        return True
    if isinstance(func, ast.Attribute) and func.attr == "format":
        return True
    return (ctx.imports.resolve(func) or "") in _TRACEBACK_CALLS


def _detail_in(expr: ast.expr, names: list[str], ctx: FileContext, depth: int) -> Optional[ast.expr]:
    """The part of ``expr`` that carries the caught exception's text or a traceback, if any."""
    if depth > _MAX_DEPTH:
        return None
    stack: list[ast.AST] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.IfExp):
            if _mentions_debug(node.test):
                stack.append(node.orelse)  # traceback.format_exc() if settings.DEBUG else "Internal error"
            else:
                stack.extend((node.orelse, node.body))  # the test only chooses: `A if e.args == (A,) else B`
            continue
        if isinstance(node, ast.Compare) or (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)):
            continue  # `e.args == (EMPTY,)`, `not str(e)`: a bool, the text is compared, never sent
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in ("str", "repr") and node.args and _is_caught(
                node.args[0], names
            ):
                return node
            if (ctx.imports.resolve(func) or "") in _TRACEBACK_CALLS:
                return node
            if isinstance(func, ast.Attribute) and func.attr == "format" and any(
                _is_caught(arg, names) for arg in [*node.args, *(kw.value for kw in node.keywords)]
            ):
                return node
        elif isinstance(node, ast.Attribute) and node.attr in _DETAIL_ATTRIBUTES and _is_caught(node.value, names):
            return node
        elif isinstance(node, ast.FormattedValue) and _is_caught(node.value, names):
            return node.value if not isinstance(node.value, ast.Name) else _parent_string(expr, node)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant):
            right = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
            if any(_is_caught(item, names) for item in right):
                return node
        elif isinstance(node, ast.Name) and depth < _MAX_DEPTH:
            local = _local_value(node.id, ctx)
            if local is not None and _detail_in(local, names, ctx, depth + 1) is not None:
                return node
        if isinstance(node, (ast.Lambda, ast.ListComp, ast.GeneratorExp, ast.DictComp, ast.SetComp)):
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))  # source order
    return None


_DEVELOPMENT_SCOPES = frozenset({"dev", "development", "local", "test", "testing"})


def _mentions_debug(test: ast.expr) -> bool:
    """``settings.DEBUG``, ``app.debug``, ``application.testing``, ``config["DEBUG"]``, ``SCOPE == 'dev'``: a test
    for a development setting or deployment."""
    for node in ast.walk(test):
        text = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else (
            node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else "")
        if text.lower() in ("debug", "testing"):
            return True
        if isinstance(node, ast.Compare) and any(isinstance(op, (ast.Eq, ast.In)) for op in node.ops) and any(
            isinstance(side, ast.Constant) and str(side.value).lower() in _DEVELOPMENT_SCOPES
            for side in (node.left, *node.comparators)
        ):
            return True
    return False


def _under_debug_branch(start: ast.AST, ctx: FileContext) -> bool:
    """``start`` sits in the body of ``if settings.DEBUG:`` (details shown in development only), or in a function
    defined there (Snuba's ``if application.debug or application.testing:`` around its test routes; Hail's
    ``if SCOPE == 'dev':`` in front of the traceback)."""
    child: ast.AST = start
    node: Optional[ast.AST] = ctx.parent_of(start)
    while node is not None and not isinstance(node, ast.Module):
        if isinstance(node, ast.If) and child in node.body and _mentions_debug(node.test):
            return True
        child, node = node, ctx.parent_of(node)
    return False


def _parent_string(expr: ast.expr, formatted: ast.FormattedValue) -> ast.expr:
    """The f-string holding ``{e}``."""
    for node in ast.walk(expr):
        if isinstance(node, ast.JoinedStr) and formatted in node.values:
            return node
    return expr



def _is_caught(node: ast.expr, names: list[str]) -> bool:
    if isinstance(node, ast.Attribute) and node.attr in _DETAIL_ATTRIBUTES:
        node = node.value
    return isinstance(node, ast.Name) and node.id in names


def _local_value(name: str, ctx: FileContext) -> Optional[ast.expr]:
    """The single value a local of the enclosing function was assigned (``message = str(e)``)."""
    function = ctx.scope.function
    if function is None or isinstance(function, ast.Lambda):
        return None
    return bindings_of(ctx, function).single_value(name)
