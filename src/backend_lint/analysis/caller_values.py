"""What the callers of a function pass it, across the project: BE101's reading of a parameter's callers.

A helper that formats one of its parameters into SQL (``def count(table): cur.execute(f"... FROM {table}")``)
is only as unsafe as what its callers pass. Within one file BE101 already trusts a parameter every call there
passes a literal; this module extends that to the whole project through the project model:

- each module's summary records, for every call of one of the project's own functions or methods that the
  effects walk resolves (:meth:`.project.def_effects.EffectReader.calls`, no second walk), the *kind* of each
  argument: ``s`` when it cannot carry a client's text by the SAME readings BE101 uses for safe parts in the
  caller's file (a literal or constant, a number, a catalog name, a model's table name, a loop over literals, a
  setting, text built only from those: :func:`backend_lint.analysis.safe_holes.is_safe` and
  :func:`backend_lint.analysis.provenance.sql_text`; also a row's key, :func:`key_read`, :func:`key_parameter`),
  ``u`` for anything else (request data, a parameter of the caller, a value read from an object);
- the rule, when every outside source of a finding's formatted parts is a parameter of the function it is in,
  reports with ``unless=(callers_pass_safe(...),)``: the project model drops the finding when it knows at least
  one call of that function and EVERY known call passes a safe kind for each of those parameters (a parameter a
  call leaves out counts as safe only when its default is a literal).

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
from backend_lint.analysis.project.conditions import ProjectFact, callers_pass_safe
from backend_lint.analysis.provenance import sql_text
from backend_lint.analysis.resolve import lookup
from backend_lint.analysis.safe_holes import Evaluation, is_safe

if TYPE_CHECKING:
    from backend_lint.analysis.scopes import Scope
    from backend_lint.context import FileContext

SAFE = "s"
UNKNOWN = "u"
SPREAD = "*"
"""A call that spreads ``*args`` or ``**kwargs``: which argument lands where is unknown."""


class _Reading(Evaluation):
    def unsafe_text(self, expr: ast.expr, scope: Scope) -> Optional[bool]:
        text = sql_text(expr, self.ctx, scope)
        return None if text is None else bool(text.unsafe_holes())


def argument_kind(expr: ast.expr, ctx: FileContext, scope: Optional[Scope]) -> str:
    """``s`` when the value passed cannot carry a client's text by BE101's readings in the caller's file, else ``u``
    (``scope`` ``None``: a call in a nested function, whose names are not read; only a literal is safe)."""
    if isinstance(expr, ast.Starred):
        return SPREAD
    if isinstance(expr, ast.UnaryOp):
        expr = expr.operand
    if isinstance(expr, ast.Constant):
        return UNKNOWN if isinstance(expr.value, bytes) else SAFE
    if scope is None or (isinstance(expr, ast.Name) and expr.id in ("self", "cls")):
        return UNKNOWN
    if _passes_a_key(expr, ctx, scope):
        return SAFE
    if isinstance(expr, (ast.Call, ast.Await, ast.Lambda, ast.Dict, ast.DictComp, ast.ListComp, ast.GeneratorExp)) \
            and not _text_call(expr):
        return UNKNOWN  # a value returned by a call or built as a container: not read here (cheap: most arguments)
    try:
        if is_safe(expr, _Reading(ctx), scope):
            return SAFE
        if _reads_parameter(expr, ctx, scope):
            return UNKNOWN  # (before the text's provenance: most arguments pass on a parameter of the caller)
        text = sql_text(expr, ctx, scope)
    except RecursionError:  # pragma: no cover - a pathological expression
        return UNKNOWN
    return SAFE if text is not None and not text.unsafe_holes() else UNKNOWN


_KEY_NAMES = frozenset({"id", "pk", "uuid", "uid", "guid"})
_KEY_SUFFIXES = ("_id", "_pk", "_uuid", "_uid", "_guid", "_ids", "_pks", "_uuids")


def names_a_key(name: str) -> bool:
    """``id``, ``pk``, ``uuid``, ``knowledge_id``, ``user_ids``: a name for a row's key, which the database or the
    application made (an integer or a UUID), not text someone typed."""
    name = name.lower()
    return name in _KEY_NAMES or (name.endswith(_KEY_SUFFIXES) and not name.startswith(("_id", "_pk")))


def key_read(expr: ast.expr) -> bool:
    """``knowledge.id``, ``document.knowledge_id``: a key read off an object (not off the request), a row's."""
    return isinstance(expr, ast.Attribute) and names_a_key(expr.attr) and "request" not in ast.unparse(expr.value)


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
        return key_parameter(expr.id, ctx, scope)
    if not key_read(expr):
        return False
    root = expr
    while isinstance(root, ast.Attribute):
        root = root.value
    if not isinstance(root, ast.Name):
        return True
    found = lookup(root.id, ctx, scope)
    return found is None or root.id not in found[1].params or handler_for(ctx, found[0].node) is None


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
    for node in ast.walk(expr):
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
    positional = [*arguments.posonlyargs, *arguments.args]
    method = qualified.count(".") > ctx.module.count(".") + 1
    static = any(getattr(d, "id", "") == "staticmethod" for d in function.decorator_list)
    if method and not static:
        positional = positional[1:]  # ``self``/``cls``: the object, not an argument
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
                kind = SAFE if default == "1" else UNKNOWN
            if kind != SAFE:
                return False
    return True
