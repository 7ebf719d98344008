"""What the callers of a function pass it, across the project: BE101's reading of a parameter's callers.

A helper that formats one of its parameters into SQL (``def count(table): cur.execute(f"... FROM {table}")``)
is only as unsafe as what its callers pass. Within one file BE101 already trusts a parameter every call there
passes a literal; this module extends that to the whole project through the project model:

- each module's summary records, for every call of one of the project's own functions or methods that the
  effects walk resolves (:meth:`.project.def_effects.EffectReader.calls`, no second walk; of the file's own
  definitions, only those a reading of callers can ask about, :func:`asked_about`), the *kind* of each
  argument: ``t`` when it may carry text an outside party chose (:func:`outside_text`: the request, any value
  of a request handler, the environment, the command line, or the caller's own parameter, its caller's text,
  followed through locals and text operations), ``s`` otherwise: safe by the SAME readings BE101 uses for safe
  parts in the caller's file (a literal or constant, a number, a catalog name, a model's table name, a loop
  over literals, a setting, a row's key: :func:`backend_lint.analysis.safe_holes.is_safe`,
  :func:`backend_lint.analysis.provenance.sql_text`, :func:`key_read`, :func:`key_parameter`), or made by the
  caller itself (a row its query read, a call's result, the object's own state);
- the rule, when every outside source of a finding's formatted parts is a parameter of the function it is in,
  reports with ``unless=(callers_pass_safe(...),)``: the project model drops the finding when it knows at least
  one call of that function and NO known call passes outside text for any of those parameters (a parameter a
  call leaves out counts as safe only when its default is a literal). This is the positive evidence judged
  findings had: on nine rounds of unseen applications BE101 read 1 TRUE in 30, and the false ones formatted
  integer keys a loader read from its own rows (openfec's ``case_id = row["case_id"]``), digests and ids the
  code made; the true ones reached the SQL from a client's request.

Nothing visible, nothing trusted: with no project (standard input, one file) or no recorded call (a library's
public function, a function only called through an object chosen at run time) the finding stands. Methods count
only when private (``_name``): a public method may be called through any instance, which no static reading of
the project ties to its class.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Callable, Optional

from backend_lint.analysis.facts import reads
from backend_lint.analysis.handlers import handler_for
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.project.conditions import ProjectFact, caller_passes_request, callers_pass_safe
from backend_lint.analysis.provenance import sql_text
from backend_lint.analysis.request_reads import read_from_request
from backend_lint.analysis.resolve import lookup
from backend_lint.analysis.safe_holes import Evaluation, is_safe
from backend_lint.analysis.tree_walk import child_nodes, walk
from backend_lint.analysis.unpacked_calls import unpacked_calls

if TYPE_CHECKING:
    from backend_lint.analysis.scopes import Scope
    from backend_lint.context import FileContext

SAFE = "s"
"""The value carries no text an outside party chose: safe by BE101's readings, or made by the caller itself."""
TEXT = "t"
"""The value may carry text an outside party chose: the request's, a handler's, the caller's own caller's."""
REQUEST = "r"
"""Outside text read from the request the caller handles (a header, a cookie, a form field), itself or through a
local bound once to such a read: the client's own value (BE502 asks whether a helper is handed one)."""
SPREAD = "*"
"""A call that spreads ``*args`` or ``**kwargs``: which argument lands where is unknown."""


class _Reading(Evaluation):
    def unsafe_text(self, expr: ast.expr, scope: Scope) -> Optional[bool]:
        text = sql_text(expr, self.ctx, scope)
        return None if text is None else bool(text.unsafe_holes())


def argument_kind(expr: ast.expr, ctx: FileContext, scope: Optional[Scope]) -> str:
    """:func:`text_kind`, with ``r`` for the outside text that the request gives (:func:`_from_request`)."""
    kind = text_kind(expr, ctx, scope)
    return REQUEST if kind == TEXT and scope is not None and _from_request(expr, ctx, scope) else kind


def _from_request(expr: ast.expr, ctx: FileContext, scope: Scope, hops: int = 0) -> bool:
    """``request.headers["X-Partner-Token"]``, or ``token`` after ``token = request.headers.get("authorization",
    "").removeprefix("Bearer ")``: a read of the request (:func:`.request_reads.read_from_request`), followed
    through up to two locals of ``scope``."""
    if read_from_request(expr, ctx, hops=1):  # (locals are followed here, in ``scope``)
        return True
    current: ast.AST = expr
    while isinstance(current, (ast.Call, ast.Subscript, ast.Attribute)):
        current = current.func if isinstance(current, ast.Call) else current.value
    if not isinstance(current, ast.Name) or hops >= 2:
        return False
    found = lookup(current.id, ctx, scope)
    value = found[1].single_value(current.id) if found is not None else None
    return value is not None and _from_request(value, ctx, scope, hops + 1)


def text_kind(expr: ast.expr, ctx: FileContext, scope: Optional[Scope]) -> str:
    """``t`` when the value passed may carry text an outside party chose (:func:`outside_text`), else ``s``: a
    value safe by BE101's readings in the caller's file, or one the caller made itself (a row it read, a call's
    result). ``scope`` ``None``: a call in a nested function, whose names are not read; only a literal is ``s``."""
    if isinstance(expr, ast.Starred):
        return SPREAD
    if isinstance(expr, ast.UnaryOp):
        expr = expr.operand
    if isinstance(expr, ast.Constant):
        return SAFE
    if scope is None:
        return TEXT
    if _passes_a_key(expr, ctx, scope) or not outside_text(expr, ctx, scope):
        return SAFE
    try:
        if is_safe(expr, _Reading(ctx), scope):
            return SAFE
        if _reads_parameter(expr, ctx, scope):
            return TEXT  # (before the text's provenance: most arguments pass on a parameter of the caller)
        text = sql_text(expr, ctx, scope)
    except RecursionError:  # pragma: no cover - a pathological expression
        return TEXT
    return SAFE if text is not None and not text.unsafe_holes() else TEXT


_TEXT_METHODS = frozenset({
    "strip", "lstrip", "rstrip", "lower", "upper", "title", "casefold", "split", "rsplit", "partition",
    "rpartition", "replace", "format", "join", "get", "getlist", "pop", "decode", "removeprefix", "removesuffix",
    "loads", "load", "unquote", "unquote_plus", "parse_qs", "parse_qsl", "b64decode", "urlsafe_b64decode",
    "model_dump", "dict", "values", "items", "keys", "copy",
})
"""Methods (and functions) whose result is the text or mapping they are called on or given, or a piece of it:
text operations, parsers and decoders (``json.loads(body)["name"]`` is the body's text)."""
_TEXT_FUNCTIONS = frozenset({"str", "dict", "list", "tuple", "set", "sorted", "reversed", "loads", "unquote"})
_OUTSIDE_CALLS = ("os.environ", "os.getenv", "sys.argv", "input(")
_MAX_FOLLOWED = 40


@reads(lookup, handler_for, unpacked_calls)
def outside_text(expr: ast.expr, ctx: FileContext, scope: Scope) -> bool:
    """``expr`` may carry text an outside party chose: in a request handler, anything; elsewhere it reads the
    request, the environment, the command line, or a parameter of the function (its own caller's text), itself
    or through locals assigned, unpacked or looped over, and through text operations and parsers (``.strip()``,
    ``.split()``, ``str()``, ``json.loads()``, an f-string, ``+``). A call of anything else gives the callee's
    value, not the text it was given: a row a query read by a parameter (``row = find(case_no)``, then
    ``row["case_id"]``), a lookup. So do ``self`` and ``cls``: the object, whose state the rule takes as its
    own."""
    function = scope.function
    if function is not None and handler_for(ctx, function) is not None:
        return True
    pending: list[ast.AST] = [expr]
    seen: set[str] = set()
    while pending and len(seen) <= _MAX_FOLLOWED:
        node = pending.pop()
        if isinstance(node, ast.Name):
            if node.id == "request":
                return True
            if node.id in seen or node.id in ("self", "cls"):
                continue
            seen.add(node.id)
            found = lookup(node.id, ctx, scope)
            if found is None:
                continue
            link, bindings = found
            if node.id in bindings.params:
                return True
            pending.extend(value for value in bindings.assigned.get(node.id, []) if value is not None)
            pending.extend(loop.iter for loop in bindings.loop_targets.get(node.id, []))
            pending.extend(element.call for element in unpacked_calls(ctx, link.node).get(node.id, []))
        elif isinstance(node, ast.Attribute):
            if node.attr == "request":
                return True
            pending.append(node.value)
        elif isinstance(node, ast.Subscript):
            pending.append(node.value)
        elif isinstance(node, ast.Call):
            written = dotted_name(node.func) or ast.unparse(node.func)  # (a dotted name without unparsing)
            if written.startswith(_OUTSIDE_CALLS) or f"{written}(".startswith(_OUTSIDE_CALLS) \
                    or "request" in written.split("."):
                return True
            func = node.func
            if (isinstance(func, ast.Attribute) and func.attr in _TEXT_METHODS) or (
                isinstance(func, ast.Name) and func.id in _TEXT_FUNCTIONS
            ):
                if isinstance(func, ast.Attribute):
                    pending.append(func.value)
                pending.extend(node.args)
        elif isinstance(node, (ast.JoinedStr, ast.FormattedValue, ast.BinOp, ast.BoolOp, ast.IfExp, ast.Tuple,
                               ast.List, ast.Set, ast.Dict, ast.Starred, ast.Await)):
            pending.extend(child_nodes(node))
    return bool(pending)  # (followed too far to tell: taken as the caller's text)


_KEY_NAMES = frozenset({"id", "pk", "uuid", "uid", "guid"})
_KEY_SUFFIXES = ("_id", "_pk", "_uuid", "_uid", "_guid", "_ids", "_pks", "_uuids")


def names_a_key(name: str) -> bool:
    """``id``, ``pk``, ``uuid``, ``knowledge_id``, ``user_ids``: a name for a row's key, which the database or the
    application made (an integer or a UUID), not text someone typed."""
    name = name.lower()
    return name in _KEY_NAMES or (name.endswith(_KEY_SUFFIXES) and not name.startswith(("_id", "_pk")))


def key_read(expr: ast.expr) -> bool:
    """``knowledge.id``, ``document.knowledge_id``, ``row["case_id"]``: a key read off an object or a row by its
    name (not off the request), a row's. A subscript by such a name counts as much as an attribute: openfec's
    ``case_id = row["case_id"]``, the integer key of the row its own query had just read."""
    if isinstance(expr, ast.Attribute):
        named = expr.attr
    elif isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Constant) and isinstance(expr.slice.value, str):
        named = expr.slice.value
    else:
        return False
    return names_a_key(named) and "request" not in ast.unparse(expr.value)


@reads(lookup, handler_for)
def key_parameter(name: str, ctx: FileContext, scope: Scope) -> bool:
    """``name`` is a parameter named as a key (``document_id``) of a function that is not a request handler and
    does not declare it ``str``: the key its own caller passed on (a handler's path parameter is the client's)."""
    found = lookup(name, ctx, scope) if names_a_key(name) else None
    declared = found[1].params.get(name) if found is not None else None
    function = found[0].node if found is not None else None
    if declared is None or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    annotation = declared.annotation
    return not (isinstance(annotation, ast.Name) and annotation.id == "str") and handler_for(ctx, function) is None


def _passes_a_key(expr: ast.expr, ctx: FileContext, scope: Scope) -> bool:
    """A row's key passed on, which carries no client's text: read off an object that is not a request handler's
    parameter (``knowledge.id``; a handler's ``body.owner_id`` is what the client sent), or the caller's own
    parameter so named (:func:`key_parameter`). On real applications these were UUID or integer keys of rows the
    caller had just read (MaxKB's ``drop_knowledge_index(knowledge_id=knowledge.id)``)."""
    if isinstance(expr, ast.Name):
        return key_parameter(expr.id, ctx, scope) or _holds_a_key(expr.id, ctx, scope)
    if not key_read(expr):
        return False
    root = expr
    while isinstance(root, (ast.Attribute, ast.Subscript)):
        root = root.value
    if not isinstance(root, ast.Name):
        return True
    found = lookup(root.id, ctx, scope)
    return found is None or root.id not in found[1].params or handler_for(ctx, found[0].node) is None


def _holds_a_key(name: str, ctx: FileContext, scope: Scope) -> bool:
    """A local of the caller assigned only keys read off objects or rows (``case_id = row["case_id"]``)."""
    found = lookup(name, ctx, scope)
    if found is None or name in found[1].params or name in found[1].loop_targets:
        return False
    values = found[1].assigned.get(name, [])
    return bool(values) and all(
        value is not None and not isinstance(value, ast.Name) and _passes_a_key(value, ctx, found[0])
        for value in values
    )


def _text_call(expr: ast.expr) -> bool:
    """A call BE101's readings can see through: a conversion to a number or text (``int(x)``, ``str(n)``), or text
    built by ``.format()``/``.join()``."""
    if not isinstance(expr, ast.Call):
        return False
    func = expr.func
    if isinstance(func, ast.Name):
        return True  # ``int(...)``, ``len(...)``, a module function of the caller's file
    return isinstance(func, ast.Attribute) and func.attr in ("format", "join", "lower", "upper", "strip")


def _reads_parameter(expr: ast.expr, ctx: FileContext, scope: Scope) -> bool:
    """A name of ``expr`` is a parameter of the caller (its own caller's text, not known here)."""
    for node in walk(expr):
        if isinstance(node, ast.Name):
            found = lookup(node.id, ctx, scope)
            if found is not None and node.id in found[1].params and node.id not in ("self", "cls"):
                return True
    return False


def call_arguments(call: ast.Call, qualified: str, ctx: FileContext, scope: Optional[Scope]) -> Optional[list[str]]:
    """``[callee, positional kinds, keyword kinds]`` of one call of a project function (``None``: no argument).
    Positional kinds are one letter each (``"su"``); keyword kinds ``name=s`` joined by ``,`` (``**kw``: ``*``)."""
    if not call.args and not call.keywords:
        return None
    positional = "".join(argument_kind(argument, ctx, scope) for argument in call.args)
    keywords = ",".join(
        f"{keyword.arg}={argument_kind(keyword.value, ctx, scope)}" if keyword.arg else SPREAD
        for keyword in call.keywords
    )
    return [qualified, positional, keywords]


def some_caller_passes_request(calls: list[list[str]], spec: str) -> bool:
    """Some recorded call (``[callee, positional kinds, keyword kinds]``) passes a value read from the request
    (:data:`REQUEST`) for the parameter ``spec`` (``name:position``)."""
    name, _, position_text = spec.partition(":")
    if not position_text.isdigit():
        return False
    position = int(position_text)
    for _callee, positional, keyword_text in calls:
        keywords = dict(item.partition("=")[::2] for item in keyword_text.split(",") if item)
        kind = keywords.get(name) or (positional[position] if position < len(positional) else "")
        if kind == REQUEST:
            return True
    return False


def callers_fact(
    ctx: FileContext, mentions: Callable[[set[str]], bool],
) -> Optional[ProjectFact]:
    """The fact that every known caller of the function the finding is in passes safe values for each of its
    parameters the formatted parts come from (``mentions({name})``: a part reads that parameter, itself or
    through locals). ``None`` when the function cannot be named for the project (nested, a public method) or
    the parts read no parameter that a call can give by position or name."""
    function = ctx.scope.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or not ctx.module:
        return None
    qualified = _qualified(function, ctx)
    if qualified is None:
        return None
    arguments = function.args
    positional = _positional(function, qualified, ctx)
    specs = []
    for index, argument in enumerate(positional):
        if mentions({argument.arg}):
            specs.append(f"{argument.arg}:{index}:{_literal_default(function, argument)}")
    for argument, default in zip(arguments.kwonlyargs, arguments.kw_defaults):
        if mentions({argument.arg}):
            literal = isinstance(default, ast.Constant) and not isinstance(default.value, bytes)
            specs.append(f"{argument.arg}:-1:{int(literal)}")
    spread = [a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None]
    if not specs or (spread and mentions(set(spread))):
        return None
    return callers_pass_safe(qualified, specs)


def request_caller_fact(ctx: FileContext, name: str) -> Optional[ProjectFact]:
    """The fact that some known caller of the function the walk is in passes, for its parameter ``name``, a value
    read from the request it handles (BE502: a helper decoding the client's token). ``None`` when the function
    cannot be named for the project (nested, a public method) or ``name`` is not a positional parameter."""
    function = ctx.scope.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or not ctx.module:
        return None
    qualified = _qualified(function, ctx)
    names = [argument.arg for argument in _positional(function, qualified, ctx)] if qualified else []
    if qualified is None or name not in names:
        return None
    return caller_passes_request(qualified, f"{name}:{names.index(name)}")


def _positional(function: ast.FunctionDef | ast.AsyncFunctionDef, qualified: str, ctx: FileContext) -> list[ast.arg]:
    """The parameters a call gives by position: a method's ``self``/``cls`` left out (the object, no argument)."""
    return _given_by_position(function, qualified.count(".") > ctx.module.count(".") + 1)


def _given_by_position(function: ast.FunctionDef | ast.AsyncFunctionDef, method: bool) -> list[ast.arg]:
    positional = [*function.args.posonlyargs, *function.args.args]
    static = any(getattr(d, "id", "") == "staticmethod" for d in function.decorator_list)
    return positional[1:] if method and not static else positional


def asked_about(name: str, node: ast.AST) -> bool:
    """Whether a reading of callers can ask about the definition ``node`` of a file, named ``name`` in its module
    (``count``, ``Report._rows``): a module-level function, or a private method of a module-level class
    (:func:`_qualified`), that takes a parameter a call can give (:func:`callers_fact`,
    :func:`request_caller_fact`). The summary records the arguments of the file's calls of its own
    definitions only for these: no fact is ever asked of a class, a public method or a function without such a
    parameter, and each call's kinds cost a reading of every argument."""
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    owner, _, function = name.rpartition(".")
    if owner and not (function.startswith("_") and not function.startswith("__")):
        return False
    return bool(node.args.kwonlyargs or _given_by_position(node, method=bool(owner)))


def _literal_default(function: ast.FunctionDef | ast.AsyncFunctionDef, argument: ast.arg) -> int:
    positional = [*function.args.posonlyargs, *function.args.args]
    index = positional.index(argument) - (len(positional) - len(function.args.defaults))
    default = function.args.defaults[index] if index >= 0 else None
    return int(isinstance(default, ast.Constant) and not isinstance(default.value, bytes))


def _qualified(function: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> Optional[str]:
    """``module.function``, or ``module.Class._method`` for a private method of a module-level class."""
    if function in ctx.tree.body:
        return f"{ctx.module}.{function.name}"
    for statement in ctx.tree.body:
        if isinstance(statement, ast.ClassDef) and function in statement.body:
            private = function.name.startswith("_") and not function.name.startswith("__")
            return f"{ctx.module}.{statement.name}.{function.name}" if private else None
    return None


def callers_safe(calls: list[list[str]], specs: tuple[str, ...]) -> bool:
    """Every recorded call (``[callee, positional kinds, keyword kinds]``) passes a safe kind for each parameter
    of ``specs`` (``name:position:literal default``); at least one call."""
    if not calls or not specs:
        return False
    for _callee, positional, keyword_text in calls:
        keywords = dict(item.partition("=")[::2] for item in keyword_text.split(",") if item)
        if SPREAD in positional or SPREAD in keywords:
            return False
        for spec in specs:
            name, _, rest = spec.partition(":")
            position_text, _, default = rest.partition(":")
            try:
                position = int(position_text)
            except ValueError:
                return False
            if name in keywords:
                kind = keywords[name]
            elif 0 <= position < len(positional):
                kind = positional[position]
            else:
                kind = SAFE if default == "1" else TEXT
            if kind != SAFE:
                return False
    return True
