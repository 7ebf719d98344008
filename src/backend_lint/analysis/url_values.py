"""Values a handler takes from the request's URL path: identifiers every access log already holds (BE405).

``@router.get("/policy/{policy_key}/webhook/{webhook_key}")`` then ``def get_webhook(policy_key: FidesKey,
webhook_key: FidesKey)``: ``webhook_key`` is a segment of the path the client requested. The web server, the
proxy and the framework write that path to their access logs on every request, and an application that puts a
value in its URLs treats it as an address (a slug, a key naming a row), not as a credential. Logging it again
leaks nothing. :func:`from_url_path` reads that from the code:

* a parameter of an HTTP handler that the framework fills from the path: FastAPI/Litestar parameters marked
  ``Path(...)`` or named ``{name}`` in a route path of the handler (when the route path cannot be read, as with a
  path constant of another module, a required parameter with no marker and no default, which FastAPI takes from
  the path or the query string: the URL either way); the view arguments of Flask, Django and DRF views, which
  their URL patterns fill;
* a parameter of a module function every call of which in the module passes such a value (or a parameter of
  another such function) at that position: a lookup helper the handlers share (``get_webhook_or_404(db, policy,
  webhook_key)``), three calls deep. A function nothing in the module calls, or that the module also passes
  around (a callback), is not read.

* the URL keyword arguments of a Django view: ``kwargs["alert_channel_key"]`` in ``dispatch``/``get``/``post``...
  (``def dispatch(self, request, *args, **kwargs)``) of a class in a module that imports Django or DRF, or a
  local assigned once from it (``token = str(kwargs["alert_channel_key"])``);
* a parameter of a method every ``self.<method>(...)`` call of which in its class passes such a value: the
  lookup helpers a view's ``dispatch`` hands the key to.

A parameter counts only if the function never assigns it again.

A value the code cuts out of a URL it holds (a segment, decoded: ``token = b64decode(original_uri.split("/")[2])``)
is the same kind of value when the logging call writes that URL too (``logger.debug("token %s for %s", token,
original_uri)``): the URL, a capability URL's short-lived token in its path included, is what the line logs, as
every access log of that URL does; naming the token again adds nothing (:func:`cut_from_logged_url`).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional, Union

from backend_lint.analysis.ast_helpers import own_nodes
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.call_sites import module_calls
from backend_lint.analysis.facts import reads
from backend_lint.analysis.handlers import FASTAPI, LITESTAR, Handler, handler_for
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.secret_names import split_identifier

if TYPE_CHECKING:
    from backend_lint.context import FileContext

Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]
_DEPTH = 3
"""How many helper calls away from a handler a path value is followed."""
_VIEW_METHODS = frozenset({"dispatch", "get", "post", "put", "patch", "delete", "head", "options"})
"""Methods of a Django view that receive the URL pattern's keyword arguments as ``**kwargs``."""
_DJANGO_MODULES = ("django", "rest_framework")
_CONVERSIONS = frozenset({"str", "int", "uuid.UUID", "UUID"})


@reads(bindings_of, handler_for, module_calls)
def from_url_path(value: ast.expr, ctx: FileContext) -> bool:
    """Whether ``value`` (a plain name) is a parameter the request's URL path fills (see the module docstring)."""
    function = ctx.scope.function
    if not isinstance(value, ast.Name) or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    return _path_value(function, value.id, ctx, 0)


def _path_value(function: Function, name: str, ctx: FileContext, depth: int) -> bool:
    bindings = bindings_of(ctx, function)
    if name in bindings.augmented or name in bindings.loop_targets:
        return False
    if name not in bindings.params:
        held = bindings.single_value(name)
        return held is not None and _url_keyword(_unconverted(held), function, ctx)
    if name in bindings.assigned:
        return False
    handler = handler_for(ctx, function)
    if handler is not None:
        return _path_parameter(handler, name)
    if depth >= _DEPTH:
        return False
    parent = ctx.parent_of(function)
    if isinstance(parent, ast.Module):
        calls, method = module_calls(ctx).get(function.name, []), False
    elif isinstance(parent, ast.ClassDef):
        calls, method = module_calls(ctx).get(f"self.{function.name}", []), True
        calls = [(call, owner) for call, owner in calls if owner is not None and ctx.parent_of(owner) is parent]
    else:
        return False
    if not calls:
        return False
    for call, owner in calls:
        passed = _passed_as(call, function, name, method)
        if not isinstance(passed, ast.Name) or not isinstance(owner, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                or owner is function or not _path_value(owner, passed.id, ctx, depth + 1):
            return False
    return True


def _unconverted(expr: ast.expr) -> ast.expr:
    """``str(kwargs["key"])`` -> ``kwargs["key"]``."""
    while isinstance(expr, ast.Call) and len(expr.args) == 1 and not expr.keywords \
            and (dotted_name(expr.func) or "") in _CONVERSIONS:
        expr = expr.args[0]
    return expr


def _url_keyword(expr: ast.expr, function: Function, ctx: FileContext) -> bool:
    """``kwargs["alert_channel_key"]`` (or ``kwargs.get(...)``) in a Django view method that takes the URL's keyword
    arguments as ``**kwargs``."""
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "get":
        expr = expr.func.value
    elif isinstance(expr, ast.Subscript):
        expr = expr.value
    else:
        return False
    keywords = function.args.kwarg
    return (
        isinstance(expr, ast.Name) and keywords is not None and expr.id == keywords.arg
        and function.name in _VIEW_METHODS and isinstance(ctx.parent_of(function), ast.ClassDef)
        and any(module == root or module.startswith(root + ".") for module in ctx.imports.modules
                for root in _DJANGO_MODULES)
    )


def _passed_as(call: ast.Call, function: Function, name: str, method: bool) -> Optional[ast.expr]:
    """What ``call`` passes to ``function``'s parameter ``name`` (``None``: nothing, or a ``*args`` call); a
    ``self.method(...)`` call passes no ``self``."""
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    positional = [arg.arg for arg in (*function.args.posonlyargs, *function.args.args)][1 if method else 0:]
    if name not in positional:
        return None
    index = positional.index(name)
    if any(isinstance(arg, ast.Starred) for arg in call.args[: index + 1]):
        return None
    return call.args[index] if index < len(call.args) else None


def _path_parameter(handler: Handler, name: str) -> bool:
    param = handler.param(name)
    if param is None:
        return False
    if handler.framework not in (FASTAPI, LITESTAR):
        return True  # Flask, Django and DRF pass the URL pattern's arguments to the view
    if param.marker is not None:
        return param.marker.rpartition(".")[2] == "Path"  # Query(...), Body(...), Depends(...): not the path
    known = handler.paths
    if known:
        return any(f"{{{name}}}" in path or f"{{{name}:" in path for path in known)
    return param.default is None and len(handler.paths) < len(handler.routes)


_URL_WORDS = frozenset({"url", "uri", "path", "href", "link"})
_CUTTERS = frozenset({"split", "rsplit", "partition", "rpartition", "strip", "lstrip", "rstrip", "removeprefix",
                      "removesuffix", "decode", "b64decode", "urlsafe_b64decode", "unquote", "unquote_plus"})
"""Methods and functions that cut or decode a piece of a text: their result is a piece of the text they are given."""
_CUT_STEPS = 5


def cut_from_logged_url(call: ast.Call, value: ast.expr, ctx: FileContext) -> bool:
    """``value`` (a local) was cut out of a URL that ``call`` logs too, or out of a piece of it that ``call`` logs:
    its chain of assignments in the function (``token = b64decode(encoded)``, ``encoded, scheme, host, rest =
    parts``, ``parts = tail.split("/", 3)``, ``tail = original_uri[n:]``) reaches a local named for a URL or a
    path (``url``, ``uri``, ``path``...), and a local on that chain is an argument of the same call."""
    function = ctx.scope.function
    if not isinstance(value, ast.Name) or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    chain = _cut_chain(value.id, _piece_sources(function))
    logged = {
        node.id for argument in (*call.args, *(keyword.value for keyword in call.keywords))
        for node in ast.walk(argument) if isinstance(node, ast.Name)
    }
    return bool(chain & logged) and any(_URL_WORDS & set(split_identifier(name)) for name in chain)


def _cut_chain(name: str, sources: dict[str, list[Optional[str]]]) -> set[str]:
    """The locals ``name`` was cut from, step by step, while each step has one source."""
    chain: set[str] = set()
    current = name
    for _ in range(_CUT_STEPS):
        found = sources.get(current, [])
        if len(found) != 1 or found[0] is None or found[0] in chain:
            break
        current = found[0]
        chain.add(current)
    return chain


def _piece_sources(function: Function) -> dict[str, list[Optional[str]]]:
    """For each local of ``function`` assigned by a plain ``=`` (a tuple of names unpacked included), the local
    each assignment cuts it from (``None``: anything else)."""
    sources: dict[str, list[Optional[str]]] = {}
    for node in own_nodes(function):
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target = node.targets[0]
        names = [target] if isinstance(target, ast.Name) else list(target.elts) if isinstance(target, ast.Tuple) \
            else []
        source = _cut_source(node.value)
        for element in names:
            if isinstance(element, ast.Name):
                sources.setdefault(element.id, []).append(source)
    return sources


def _cut_source(expr: ast.expr) -> Optional[str]:
    """The local a value is a piece of: ``parts[0]``, ``text[n:]``, ``text.split("/")``, ``b64decode(text)``."""
    while True:
        if isinstance(expr, ast.Name):
            return expr.id
        if isinstance(expr, ast.Subscript):
            expr = expr.value
        elif isinstance(expr, ast.Call) and (dotted_name(expr.func) or "").rpartition(".")[2] in _CUTTERS:
            if isinstance(expr.func, ast.Attribute) and expr.func.attr in ("b64decode", "urlsafe_b64decode",
                                                                           "unquote", "unquote_plus"):
                if not expr.args:
                    return None
                expr = expr.args[0]
            elif isinstance(expr.func, ast.Attribute):
                expr = expr.func.value
            elif expr.args:
                expr = expr.args[0]
            else:
                return None
        else:
            return None
