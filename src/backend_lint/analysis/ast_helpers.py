"""Small questions about one node, asked by rules and analysis alike: written once so that they agree.

A call's keyword argument, an argument that may be passed by position or by name, the last name of a callee,
a literal string or ``True``. None of these follows names or imports: that is :mod:`.resolve` and
:mod:`.values`.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator
from typing import Optional

from backend_lint.analysis.tree_walk import child_nodes, walk

_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def keyword_value(call: ast.Call, name: str) -> Optional[ast.expr]:
    """The value of ``call``'s keyword argument ``name`` (``None`` when it is not passed by name)."""
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return None


def argument(call: ast.Call, index: int, name: str) -> Optional[ast.expr]:
    """A positional-or-keyword argument: position ``index`` (0-based, not counting ``self``) or keyword ``name``.

    A ``*args`` at or before ``index`` hides which value lands there, so the position is not read then.
    """
    args = call.args
    if len(args) > index and not any(isinstance(arg, ast.Starred) for arg in args[: index + 1]):
        return args[index]
    return keyword_value(call, name)


def callee_name(call: ast.Call) -> str:
    """The last name of the callee as written: ``execute`` for ``cur.execute(...)``, ``Order`` for
    ``Order(...)``, ``""`` for anything else (``handlers[key](...)``)."""
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


HTTP_ANSWERS = frozenset({
    "jsonify", "json_response", "make_response", "Response", "JSONResponse", "JsonResponse", "ORJSONResponse",
    "UJSONResponse", "PlainTextResponse", "HTMLResponse", "StreamingHttpResponse",
})
"""Web frameworks' answers by name; a project's ``PaymentResponse`` or ``StatusResponse`` is a value, not one."""


def response_call(call: ast.Call) -> bool:
    """``call`` builds an HTTP answer by its name: one of :data:`HTTP_ANSWERS` (``JSONResponse``,
    ``web.Response``, ``jsonify``, ``web.json_response``) or Django's ``HttpResponse...``."""
    name = callee_name(call)
    return name in HTTP_ANSWERS or name.startswith("HttpResponse")


def statement_call(statement: ast.stmt) -> Optional[ast.Call]:
    """The call an expression statement makes (``x.close()``, ``await x.aclose()``), else ``None``."""
    if not isinstance(statement, ast.Expr):
        return None
    value = statement.value.value if isinstance(statement.value, ast.Await) else statement.value
    return value if isinstance(value, ast.Call) else None


def assigned_values(statement: ast.AST) -> tuple[list[ast.expr], Optional[ast.expr]]:
    """The targets and the value of an assignment (``a = b = value``, ``a: int = value``); no targets and no
    value for any other statement (an annotation without a value binds nothing)."""
    if isinstance(statement, ast.Assign):
        return list(statement.targets), statement.value
    if isinstance(statement, ast.AnnAssign) and statement.value is not None:
        return [statement.target], statement.value
    return [], None


def call_arguments(call: ast.Call) -> Iterator[ast.expr]:
    """The call's positional and keyword argument values, in order."""
    yield from call.args
    for keyword in call.keywords:
        yield keyword.value


def mentions_name(expr: ast.AST, names: set[str]) -> bool:
    """One of ``names`` is read anywhere in ``expr``."""
    return any(isinstance(node, ast.Name) and node.id in names for node in walk(expr))


def string_value(node: Optional[ast.AST]) -> Optional[str]:
    """The text of a string literal, else ``None``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def written_constant(node: Optional[ast.expr]) -> bool:
    """A value written out of constants: a literal, ``-1``/``not True``, a list, tuple, set or dict of such
    (``None``, no value at all: a bare ``return``). The value a catch-all hands back in place of a result is
    made up, not computed (BE205's discarding handler, :mod:`.best_effort`'s fallback that answers another way)."""
    if node is None or isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Not)):
        return written_constant(node.operand)
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return all(written_constant(element) for element in node.elts)
    if isinstance(node, ast.Dict):
        return all(key is not None and written_constant(key) and written_constant(value)
                   for key, value in zip(node.keys, node.values))
    return False


def constant_leaves(expr: ast.expr, bytes_too: bool = True) -> bool:
    """A constant, or a list, tuple or set of such at any depth (``("root", "root")``, ``[("a", 1), ("b", 2)]``):
    a value the code wrote out whole. ``bytes_too=False`` asks for text and numbers only (a table name of SQL)."""
    if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
        return all(constant_leaves(element, bytes_too) for element in expr.elts)
    return isinstance(expr, ast.Constant) and (bytes_too or not isinstance(expr.value, bytes))


def is_true(node: Optional[ast.AST]) -> bool:
    """The literal ``True`` (not merely a truthy value)."""
    return isinstance(node, ast.Constant) and node.value is True


def body_of(node: ast.AST) -> list[ast.AST]:
    """The statements of a function, module or block; a lambda's one expression; nothing for other nodes.
    Scopes include lambdas (``lambda request: HttpResponse(...)`` in a URL list), whose ``body`` is not a list."""
    body = getattr(node, "body", [])
    return list(body) if isinstance(body, list) else [body]


def own_nodes(block: ast.AST) -> Iterator[ast.AST]:
    """Every node of ``block``'s body (a function, an ``except`` clause), the bodies of nested functions, classes
    and lambdas left out: what runs when the block runs, not what it only defines."""
    return statement_nodes(body_of(block))


def statement_nodes(statements: Iterable[ast.AST]) -> Iterator[ast.AST]:
    """Every node of ``statements`` (the code after a ``try``, a loop's body), nested functions, classes and
    lambdas left out, as :func:`own_nodes` reads a block."""
    stack: list[ast.AST] = list(statements)
    while stack:
        node = stack.pop()
        if isinstance(node, _NESTED):
            continue
        yield node
        stack.extend(child_nodes(node))


def under_if(
    node: ast.AST, parent_of: Callable[[ast.AST], Optional[ast.AST]], test: Callable[[ast.expr], bool]
) -> bool:
    """``node`` runs only in the body (not the ``else``) of an ``if`` of its own function whose test ``test``
    accepts: ``if not target.exists(): copytree(...)``, ``if auth is None: log(headers)``."""
    child = node
    parent = parent_of(node)
    while parent is not None and not isinstance(parent, (*_NESTED, ast.Module)):
        if isinstance(parent, ast.If) and child in parent.body and test(parent.test):
            return True
        child, parent = parent, parent_of(parent)
    return False


def concatenated_parts(expr: ast.expr) -> list[ast.expr]:
    """The pieces of text an f-string or a chain of ``+`` joins, in order (the formatted values of an f-string
    unwrapped); any other expression is its own one piece."""
    if isinstance(expr, ast.JoinedStr):
        return [value.value if isinstance(value, ast.FormattedValue) else value for value in expr.values]
    parts: list[ast.expr] = []
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            stack.extend((node.right, node.left))
        else:
            parts.append(node)
    return parts


def block_holding(owner: Optional[ast.AST], statement: ast.AST) -> Optional[list[ast.stmt]]:
    """The statement list of ``owner`` (its body, ``else`` or ``finally``) that holds ``statement``, else ``None``."""
    for field in ("body", "orelse", "finalbody"):
        block = getattr(owner, field, None)
        if isinstance(block, list) and statement in block:
            return block
    return None


def next_statement(
    node: ast.stmt, parent_of: Callable[[ast.AST], Optional[ast.AST]], through_ifs: int = 2
) -> Optional[ast.stmt]:
    """The statement that runs after ``node`` when it completes normally: the next one in its block, or, when
    ``node`` ends the block of an ``if`` (up to ``through_ifs`` of them), the one after that ``if``. ``None``
    when ``node`` ends a function, a loop body or any other block (what runs next is not one statement)."""
    current: ast.AST = node
    for _ in range(through_ifs + 1):
        owner = parent_of(current)
        if owner is None:
            return None
        for field in ("body", "orelse", "finalbody"):
            block = getattr(owner, field, None)
            if isinstance(block, list) and current in block:
                index = block.index(current)
                if index + 1 < len(block):
                    following = block[index + 1]
                    return following if isinstance(following, ast.stmt) else None
                break
        else:
            return None
        if not isinstance(owner, ast.If):
            return None
        current = owner
    return None


def lifted(node: ast.expr, parents: dict[ast.AST, ast.AST], *kinds: type) -> ast.expr:
    """``node`` lifted through the parents of these kinds that wrap it (``await``, ``x or {}``): the expression
    whose value is ``node``'s, for whoever asks where that value goes."""
    while isinstance(parents.get(node), kinds):
        node = parents[node]  # type: ignore[assignment]  # an expression's parent of these kinds is one
    return node


def assigned_name(value: ast.expr, parents: dict[ast.AST, ast.AST]) -> Optional[str]:
    """The one name ``value`` is assigned to (``doc = <value>``), else ``None``."""
    return assigned_by(parents.get(value), value)


def assigned_by(parent: Optional[ast.AST], value: ast.expr) -> Optional[str]:
    """The one name the statement ``parent`` assigns ``value`` to, whole (``doc = <value>``), else ``None``."""
    if isinstance(parent, ast.Assign) and parent.value is value and len(parent.targets) == 1 \
            and isinstance(parent.targets[0], ast.Name):
        return parent.targets[0].id
    return None


def unquoted(annotation: ast.AST) -> Optional[ast.AST]:
    """A string annotation (``"Token"``, ``"Optional[int]"``) as the expression it names; any other node as it
    is; ``None`` when the string is no expression."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            return ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return None
    return annotation


def class_attributes(cls: ast.ClassDef) -> dict[str, ast.expr]:
    """The values a class body assigns to plain names (``model = Order``, ``paginate_by: int = 25``), by name."""
    found: dict[str, ast.expr] = {}
    for item in cls.body:
        if isinstance(item, ast.Assign) and len(item.targets) == 1 and isinstance(item.targets[0], ast.Name):
            found[item.targets[0].id] = item.value
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name) and item.value is not None:
            found[item.target.id] = item.value
    return found


def always_leaves(block: list[ast.stmt], stops: tuple[type[ast.stmt], ...]) -> bool:
    """Every path through ``block`` reaches one of the ``stops`` statements (``return``, ``raise``, ``continue``,
    ``break``...) before falling off its end: one statement that always leaves is enough (what follows it never
    runs); an ``if`` leaves when both branches do, a ``with`` when its body does, a ``try`` when its body (or
    ``else``) and every handler do, or its ``finally`` does."""
    return any(_statement_leaves(statement, stops) for statement in block)


def _statement_leaves(statement: ast.stmt, stops: tuple[type[ast.stmt], ...]) -> bool:
    if isinstance(statement, stops):
        return True
    if isinstance(statement, ast.If):
        return always_leaves(statement.body, stops) and always_leaves(statement.orelse, stops)
    if isinstance(statement, (ast.With, ast.AsyncWith)):
        return always_leaves(statement.body, stops)
    if isinstance(statement, ast.Try):
        main = always_leaves(statement.body, stops) or always_leaves(statement.orelse, stops)
        handled = all(always_leaves(handler.body, stops) for handler in statement.handlers)
        return (main and handled) or always_leaves(statement.finalbody, stops)
    return False


def written_names(node: ast.AST) -> set[str]:
    """Every name and attribute name written anywhere in ``node`` (``limiter.limit`` gives limiter and limit)."""
    found: set[str] = set()
    for part in walk(node):
        if isinstance(part, ast.Name):
            found.add(part.id)
        elif isinstance(part, ast.Attribute):
            found.add(part.attr)
    return found


def statement_blocks(statement: ast.AST) -> list[list[ast.stmt]]:
    """The statement lists nested in a compound statement (``if``/``for``/``while``/``with``/``try``/``match``,
    a function's body, an ``except`` clause's)."""
    blocks: list[list[ast.stmt]] = []
    for _field, value in ast.iter_fields(statement):
        if not isinstance(value, list):
            continue
        if value and isinstance(value[0], ast.stmt):
            blocks.append(value)
        for item in value:
            if isinstance(item, (ast.ExceptHandler, ast.match_case)):
                blocks.append(item.body)
    return blocks


def stub_body(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """The function's body is only a docstring, ``...`` or ``pass``: a stub declaring a signature (an OpenAPI
    spec module's handler, a protocol's method), which does nothing when called."""
    for statement in function.body:
        if isinstance(statement, ast.Pass):
            continue
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) and (
            statement.value.value is Ellipsis or isinstance(statement.value.value, str)
        ):
            continue
        return False
    return True
