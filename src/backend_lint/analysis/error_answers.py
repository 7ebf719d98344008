"""What an ``except`` clause really answers with the caught error (BE304).

- :func:`discarded_response`: a response built in the clause and bound to a local that nothing reads again
  (calibre-web's ``ret = Response(...)`` before the view returns ``{'success': True}``) never reaches the client.
- :func:`reason_phrase`: ``e.message`` of aiohttp's ``ClientResponseError`` (what ``raise_for_status()`` raises)
  is only the upstream's HTTP reason phrase (``response.reason``: ``"Not Found"``), no internal text; its
  ``str(e)``, which adds the request URL, is not exempt.
- :func:`raises_own_message`: a function of the project that raises a plain ``Exception`` with a message of its
  own (lemur's ``service.stats``: ``raise Exception(f"Stats not available for requested metric: {metric}")`` for a
  metric outside its allow-list) is read for its module summary; :func:`refusal_callee` names the one project
  function a ``try`` body calls, whose refusal a clause catching ``Exception`` and answering 4xx exists to
  pass on.
- :func:`raises_given_message`: a ``try`` holding one call to a function named for raising
  (``raise_error_if_astra_cloud_disable_component(disable_endpoint_in_astra_cloud_msg)``, langflow) given only
  text the project wrote (literals, module constants bound to a literal): the error it raises carries that text,
  a refusal the project wrote for the client.
- :func:`shielding_methods`: a ``try`` whose every call is a method of an object imported from the project
  (``folders = await document_service.db.list_folders(auth)``, morphik) around which nothing else can fail; when
  the project model shows every method of those names catches every exception itself and returns a fallback
  (:func:`~.project.handler_conditions.methods_catch_all`), no error text reaches the clause. So with a callable
  the project stores on an attribute only as made by a wrapper that swallows the wrapped function's errors
  (chainlit's ``await config.code.on_mcp_connect(...)``, each value ``wrap_user_function(func)``; also through a
  local bound once to the attribute, ``callback = config.code.on_mcp_disconnect``).
- :func:`removes_named_file`: a ``try`` holding only the removal of the file the client named in the URL
  (OctoPrint's ``os.remove(full_path)``, ``full_path`` built from the route's ``filename``): the only error is
  the ``OSError`` about that file (its errno and the path of what the client asked to delete), the user's own
  feedback rather than a map of the system.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import assigned_by, callee_name, own_nodes
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.catch_all import covers_something, shielded
from backend_lint.analysis.facts import reads
from backend_lint.analysis.project.imported import imported_qualified

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_RESPONSE_ERRORS = frozenset({
    "aiohttp.ClientResponseError", "aiohttp.client_exceptions.ClientResponseError",
    "aiohttp.client.ClientResponseError",
})
_REASON_ATTRIBUTES = frozenset({"message", "status"})


def discarded_response(call: ast.Call, ctx: FileContext) -> bool:
    """``call`` (the node being visited) is the whole value of ``name = call`` and the enclosing function never
    reads ``name``: the response is built and dropped."""
    name = assigned_by(ctx.parent, call)
    function = ctx.scope.function
    if name is None or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    return not any(  # nested functions included: a closure may read it
        isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)
        for node in ast.walk(function)
    )


def reason_phrase(found: ast.expr, ctx: FileContext) -> bool:
    """``found`` is ``e.message`` (or ``e.status``) where every ``except ... as e`` around it catches only
    aiohttp's ``ClientResponseError``."""
    if not (isinstance(found, ast.Attribute) and found.attr in _REASON_ATTRIBUTES
            and isinstance(found.value, ast.Name)):
        return False
    name = found.value.id
    caught: Optional[ast.expr] = None
    for link in ctx.scope:
        handler = link.node
        if isinstance(handler, ast.ExceptHandler) and handler.name == name:
            caught = handler.type
            break
        if isinstance(handler, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            break
    if caught is None:
        return False
    items = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    return all((ctx.imports.resolve(item) or "") in _RESPONSE_ERRORS for item in items)


def raises_own_message(function: ast.AST) -> bool:
    """``function``'s own body raises ``Exception("...")`` (a literal, an f-string or ``"..." % x`` message): the
    bare class, which only a caller's ``except Exception`` can catch."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    for node in own_nodes(function):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and isinstance(node.exc.func, ast.Name) \
                and node.exc.func.id == "Exception" and len(node.exc.args) == 1 and _message(node.exc.args[0]):
            return True
    return False


def _message(arg: ast.expr) -> bool:
    if isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Mod):
        arg = arg.left
    return isinstance(arg, ast.JoinedStr) or (isinstance(arg, ast.Constant) and isinstance(arg.value, str))


_PLAIN = frozenset({"int", "str", "len", "float", "bool", "dict", "list", "capture_exception"})


def refusal_callee(attempt: ast.Try, ctx: FileContext) -> Optional[str]:
    """The qualified project function that the ``try`` body calls (``items = service.stats(**args)``), when it is
    the body's one call besides plain conversions and the body is a single statement: imported from a module of
    the project's own top-level package."""
    if len(attempt.body) != 1:
        return None
    calls = [node for node in ast.walk(attempt.body[0]) if isinstance(node, ast.Call)]
    own = [call for call in calls if callee_name(call) not in _PLAIN]
    if len(own) != 1 or any(isinstance(node, ast.Await) for node in ast.walk(attempt.body[0])):
        return None
    qualified = ctx.imports.resolve(own[0].func)
    package = (ctx.module or "").partition(".")[0]
    if qualified is None or not package or qualified.partition(".")[0] != package:
        return None
    return qualified


def shielding_methods(ctx: FileContext) -> tuple[str, ...]:
    """The method names the ``try`` around the clause being visited calls on objects imported from the project's
    own package (``document_service.db.list_folders``), when those calls are all that may fail in it
    (:func:`~backend_lint.analysis.catch_all.shielded`: the rest only binds, returns and tests simple values);
    otherwise ``()``."""
    clause = ctx.scope.except_handler
    attempt = ctx.parent_of(clause) if clause is not None else None
    package = (ctx.module or "").partition(".")[0]
    if not isinstance(attempt, ast.Try) or clause not in attempt.handlers or not package:
        return ()
    names: list[str] = []
    function = ctx.scope.function

    def delegated(call: ast.Call) -> bool:
        func: Optional[ast.expr] = call.func
        if isinstance(func, ast.Name) and function is not None:
            func = _held_attribute(func.id, function)  # ``callback = config.code.on_mcp_disconnect``
        if not isinstance(func, ast.Attribute) or not isinstance(func.value, ast.Attribute):
            return False  # ``service.db.method()``: a method of an object the project holds, not a module function
        root: ast.expr = func.value
        while isinstance(root, ast.Attribute):
            root = root.value
        qualified = imported_qualified(ctx, root) if isinstance(root, ast.Name) else None
        top = (qualified or "").partition(".")[0]
        if not top or (top != package and f".{top}." not in f".{ctx.module}"):
            return False  # (``core.services_init`` from ``morphik.core.routes``: its folder is on ``sys.path``)
        names.append(func.attr)
        return True

    if not (covers_something(attempt.body, delegated) and shielded(attempt.body, delegated)):
        return ()
    return tuple(sorted(set(names)))


def _held_attribute(name: str, function: ast.AST) -> Optional[ast.Attribute]:
    """The attribute chain a local of ``function`` is bound to by its one assignment (``callback =
    config.code.on_mcp_disconnect``), else ``None``."""
    values = [node.value for node in own_nodes(function) if isinstance(node, (ast.Assign, ast.AnnAssign))
              and any(isinstance(target, ast.Name) and target.id == name
                      for target in (node.targets if isinstance(node, ast.Assign) else [node.target]))]
    if len(values) == 1 and isinstance(values[0], ast.Attribute):
        return values[0]
    return None


def raises_given_message(ctx: FileContext) -> bool:
    """The ``try`` around the clause being visited is one call, as a statement, of a function whose name starts
    with ``raise_`` (a guard that raises the message it is given), every argument a string literal or a
    module-level name the module binds once, to a string literal."""
    clause = ctx.scope.except_handler
    attempt = ctx.parent_of(clause) if clause is not None else None
    if not isinstance(attempt, ast.Try) or clause not in attempt.handlers or len(attempt.body) != 1:
        return False
    statement = attempt.body[0]
    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
        return False
    call = statement.value
    if not (callee_name(call) or "").startswith("raise_") or not call.args or call.keywords:
        return False
    return all(_project_text(arg, ctx) for arg in call.args)


def _project_text(arg: ast.expr, ctx: FileContext) -> bool:
    """A string literal, or a module-level name bound once in the module, to a string literal."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return True
    if not isinstance(arg, ast.Name):
        return False
    values = [
        statement.value for statement in ctx.tree.body
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None
        and any(isinstance(target, ast.Name) and target.id == arg.id
                for target in (statement.targets if isinstance(statement, ast.Assign) else [statement.target]))
    ]
    if len(values) != 1 or not (isinstance(values[0], ast.Constant) and isinstance(values[0].value, str)):
        return False
    return not any(
        isinstance(node, ast.Name) and node.id == arg.id and not isinstance(node.ctx, ast.Load)
        for statement in ctx.tree.body if not isinstance(statement, (ast.Assign, ast.AnnAssign))
        for node in ast.walk(statement)
    )


_REMOVALS = frozenset({"os.remove", "os.unlink", "os.rmdir", "shutil.rmtree"})


@reads(bindings_of)
def removes_named_file(ctx: FileContext, function: ast.AST, params: frozenset[str]) -> bool:
    """The ``try`` around the clause being visited is one call removing a file (``os.remove``, ``os.unlink``,
    ``os.rmdir``, ``shutil.rmtree``) whose path is one of ``params`` (the handler's URL parameters) or a local of
    ``function`` assigned once from an expression that uses one (``os.path.realpath(os.path.join(folder,
    filename))``)."""
    clause = ctx.scope.except_handler
    attempt = ctx.parent_of(clause) if clause is not None else None
    if not params or not isinstance(attempt, ast.Try) or clause not in attempt.handlers or len(attempt.body) != 1:
        return False
    statement = attempt.body[0]
    call = statement.value if isinstance(statement, ast.Expr) else None
    if not (isinstance(call, ast.Call) and len(call.args) == 1 and not call.keywords
            and ctx.imports.resolve(call.func) in _REMOVALS):
        return False
    path = call.args[0]
    if isinstance(path, ast.Name) and path.id not in params \
            and isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        value = bindings_of(ctx, function).single_value(path.id)
        if value is None:
            return False
        path = value
    return any(isinstance(node, ast.Name) and node.id in params for node in ast.walk(path))
