"""How an application's HTTP API answers as a whole: the conventions BE305 (201 on creates) and BE302 (verbs in
paths) defer to.

Both rules name a REST convention. An application whose API deliberately follows another one is not breaking
it in one place: judged on unseen applications, maintainers closed such reports as "not a bug":

- **RPC over POST**: dstack's server reads, lists and deletes through ``POST /list``, ``POST /get``,
  ``POST /delete`` in every router, and its own CLI and SDK are the clients; jesse's dashboard API does the same
  (``POST /candles/get``, ``/route-templates/list``, ``/sessions/{id}/remove``: 116 POST routes to 27 GET) for
  its bundled dashboard only. A verb in one path, or a 200 on a ``POST /create``, is that design, not a slip;
- **status in the body**: kairon answers every call 200 with ``{"success": ..., "error_code": ...}``, even from
  its handler for raised HTTP exceptions, so no route's status says anything; a 201 on one create would break
  that contract, not fix it;
- **an acknowledged action**: Artemis's ``POST /archive-tag`` queues a request row a worker consumes and answers
  ``{"ok": True}``, like every other action of its API, and the project answers 201 nowhere. An answer made
  only of constants (:func:`acknowledges_only`) names no created resource the client could address: a 201
  would tell it nothing more than the ``ok`` does.

Each module records its evidence as traits and route counts of its project summary (:func:`api_traits`,
:func:`route_counts`, outside tests; cheap: a word test on the source before any reading); the project model joins them
(:func:`backend_lint.analysis.project.handler_conditions.rpc_api`,
:func:`.handler_conditions.status_envelope_api`). A project that answers 201 anywhere has taken the REST
convention on, and neither fact holds there: a create it forgot is a slip (dispatch's routes, REST nouns with no
201 anywhere, are still reported).
"""

from __future__ import annotations

import ast
import re
from typing import Optional, Union

from backend_lint.analysis.ast_helpers import callee_name, own_nodes, response_call
from backend_lint.analysis.handlers import FRAMEWORK_MODULES, handler_model
from backend_lint.analysis.imports import dotted_name
from backend_lint.context import FileContext

ANSWERS_CREATED = "answers-201"
"""The module answers 201 somewhere (``status_code=201``, ``HTTP_201_CREATED``, ``HTTPStatus.CREATED``)."""
GET_ROUTES = "get"
"""Key of :func:`route_counts`: the module's routes that answer GET."""
POST_ROUTES = "post"
"""Key of :func:`route_counts`: its routes that answer POST only."""
POST_READS = "post-read"
"""Key of :func:`route_counts`: its POST-only routes whose path names a read (``POST /list``, ``POST /get_plan``)."""
RPC_METHOD_SHARE = 3
"""How many POST-only routes per GET route make POST the API's method, not REST's spread of them. Measured on
the judged sets and corpora (about 200 applications): dstack (96 POST, 11 GET) and jesse (116, 27) reach it; the
next without a 201 is yeti (65, 23, and it reads nothing by POST); REST APIs route about as many GETs as POSTs
(open-webui, prefect: 97 POST to 56 GET, with ``POST /filter`` reads but 201s)."""
RPC_READS = 3
"""How many POST routes must name a read before reads going by POST is the design, not one search form."""
STATUS_IN_BODY = "status-in-body"
"""The module registers a handler for raised HTTP exceptions that answers with the default status 200 (the
error's status goes in the body)."""

_CREATED_STATUS = r"(?:201\b|[\w.]*HTTP_201\w*|[\w.]*\bCREATED\b)"
_CREATED = re.compile(
    rf"\bstatus(?:_code)?\s*=\s*{_CREATED_STATUS}|^\s*return\b[^\n]*,\s*{_CREATED_STATUS}\s*\)?\s*(?:#[^\n]*)?$"
    rf"|Response\([^\n]*{_CREATED_STATUS}", re.MULTILINE)
"""Where a module answers 201: a status argument or assignment, a Flask ``return body, 201``, a response built
with it (a comment may follow the ``return``). A client's test of an answer it got (``if resp.status_code not
in (200, 201)``) is not one."""
_READ_SEGMENT = re.compile(r"(?:get|list|Get|List)(?=$|[-_.A-Z0-9])")
_RESPONSES = frozenset({"JSONResponse", "ORJSONResponse", "UJSONResponse", "Response", "jsonify"})
_Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]


def api_traits(ctx: FileContext) -> list[str]:
    """The module's evidence about its application's API conventions (sorted, see the module doc)."""
    source = ctx.source
    found: set[str] = set()
    if ("201" in source or "CREATED" in source) and _CREATED.search(source):  # (each alternative names one)
        found.add(ANSWERS_CREATED)
    if not any(module in source for module in FRAMEWORK_MODULES):
        return sorted(found)
    if "exception_handler" in source and _answers_errors_with_200(ctx.tree):
        found.add(STATUS_IN_BODY)
    return sorted(found)


def route_counts(ctx: FileContext) -> dict[str, int]:
    """How many of the module's routes answer GET, POST only, and POST only at a path naming a read (keys
    :data:`GET_ROUTES`, :data:`POST_ROUTES`, :data:`POST_READS`; empty when it routes nothing). Counted over
    routes, not modules: jesse's controllers each route a GET or two beside a dozen ``POST /get``, ``/list``,
    ``/sessions/{id}/remove``, so most of its modules route GET and its API is still RPC over POST."""
    if not any(module in ctx.source for module in FRAMEWORK_MODULES):
        return {}
    counts = {GET_ROUTES: 0, POST_ROUTES: 0, POST_READS: 0}
    for registration in handler_model(ctx).routes.registrations:
        if "GET" in registration.methods:
            counts[GET_ROUTES] += 1
        elif registration.methods == frozenset({"POST"}):
            counts[POST_ROUTES] += 1
            counts[POST_READS] += _read_path(registration.path.text)
    return counts if any(counts.values()) else {}


def _read_path(path: object) -> bool:
    """The last segment of a route path names a read: ``/list``, ``/get``, ``/get_plan``, ``/{name}/get``."""
    if not isinstance(path, str):
        return False
    segments = [segment for segment in path.split("/") if segment and not segment.startswith(("{", "<"))]
    return bool(segments) and bool(_READ_SEGMENT.match(segments[-1]))


def _answers_errors_with_200(tree: ast.Module) -> bool:
    """A function registered with ``@app.exception_handler(HTTPException)`` (FastAPI's or Starlette's) returns a
    response that sets no status (``JSONResponse(Response(success=False, error_code=exc.status_code).dict())``):
    every raised HTTP error reaches the client as a 200."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                _registers_http_errors(decorator) for decorator in node.decorator_list):
            return _answers_default_status(node)
    return False


def _registers_http_errors(decorator: ast.expr) -> bool:
    return isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute) \
        and decorator.func.attr == "exception_handler" and len(decorator.args) == 1 \
        and (dotted_name(decorator.args[0]) or "").endswith("HTTPException")


def _answers_default_status(function: _Function) -> bool:
    """Every ``return`` of ``function`` builds a response without a status (no ``status_code=``/``status=``,
    one positional argument)."""
    returns = [node.value for node in ast.walk(function) if isinstance(node, ast.Return)]
    return bool(returns) and all(
        isinstance(value, ast.Call) and (dotted_name(value.func) or "").rpartition(".")[2] in _RESPONSES
        and len(value.args) <= 1 and not any(keyword.arg in ("status_code", "status") for keyword in value.keywords)
        for value in returns)


def acknowledges_only(function: _Function) -> bool:
    """Every ``return`` of ``function``'s own body gives a dict literal of constants (``{"ok": True}``,
    ``{"status": "ok"}``), bare or as the one body of a framework's JSON answer (Django's
    ``JsonResponse({"status": "success"})``, ``jsonify({"ok": True})``, ``jsonify(ok=True)``): the answer
    acknowledges the call and names nothing it made (no id, no object)."""
    returns = [node.value for node in own_nodes(function) if isinstance(node, ast.Return)]
    return bool(returns) and all(_constant_dict(_answered_body(value)) for value in returns)


def _answered_body(value: Optional[ast.expr]) -> Optional[ast.expr]:
    """The body a returned JSON answer carries: the one positional argument of ``JsonResponse(...)``,
    ``JSONResponse(...)``, ``jsonify(...)``, ``web.json_response(...)`` given no other argument, or the keywords of
    ``jsonify(ok=True)`` as a dict; any other value as it is."""
    if not (isinstance(value, ast.Call) and response_call(value)):
        return value
    if len(value.args) == 1 and not value.keywords:
        return value.args[0]
    if not value.args and value.keywords and callee_name(value) == "jsonify" \
            and all(keyword.arg is not None for keyword in value.keywords):
        return ast.Dict(keys=[ast.Constant(keyword.arg) for keyword in value.keywords],
                        values=[keyword.value for keyword in value.keywords])
    return value


def _constant_dict(value: Optional[ast.expr]) -> bool:
    return isinstance(value, ast.Dict) and bool(value.values) \
        and all(isinstance(item, ast.Constant) for item in (*value.keys, *value.values))


def answers_201_nowhere(traits: list[list[str]]) -> bool:
    """No module of the project answers 201 (:data:`ANSWERS_CREATED` in none of the modules' :func:`api_traits`)."""
    return not any(ANSWERS_CREATED in found for found in traits)


def rpc_project(traits: list[list[str]], routes: list[dict[str, int]]) -> bool:
    """The modules' :func:`api_traits` and :func:`route_counts` show an RPC-over-POST API: no module answers 201,
    the project's POST-only routes are at least :data:`RPC_METHOD_SHARE` times its GET routes, and at least
    :data:`RPC_READS` of them name a read. REST reads by GET and creates by POST, so about as many of each."""
    if not answers_201_nowhere(traits):
        return False
    gets, posts, reads = (sum(counts.get(key, 0) for counts in routes) for key in (GET_ROUTES, POST_ROUTES, POST_READS))
    return reads >= RPC_READS and posts >= RPC_METHOD_SHARE * gets


def status_envelope_project(traits: list[list[str]]) -> bool:
    """The modules' :func:`api_traits` show an API answering errors 200 with the status in the body, and no module
    answers 201."""
    return not any(ANSWERS_CREATED in found for found in traits) and any(STATUS_IN_BODY in found for found in traits)
