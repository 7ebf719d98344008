"""When a value formatted into SQL cannot carry attacker text: the *safe holes* of :mod:`.provenance`.

A hole is safe when its text can only be a number (``int(...)``, ``len(...)``, arithmetic, a parameter
annotated ``int``/``UUID``/``date``, a local only ever given such values), a constant (UPPER_CASE names, class
attributes holding numbers, ``typing.Final``), a quoted identifier (``quote_name``, ``quote_ident``, ``qn``), a
lookup in a constant allow-list (``COLUMNS[key]``, a class attribute holding a literal table; never the
request's ``request.GET``), a name the function checks against a fixed set and rejects otherwise (``if sort
not in ALLOWED: raise``), or a list of placeholders (``", ".join(["%s"] * len(ids))``, a local list that only
ever receives constant strings). Whatever else is unknown text.

The two facts here (:func:`guards`, :func:`list_additions`) summarise one function each; the rest asks them
and :mod:`.resolve`, and asks the evaluation in progress (:class:`Evaluation`) for the text of a piece.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Optional, Union

from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.facts import node_fact
from backend_lint.analysis.resolve import instance_class, lookup, resolve_class
from backend_lint.analysis.scopes import Scope

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_SAFE_CALLS = {"int", "float", "len", "bool", "round", "abs", "ord", "min", "max", "sum", "hash"}
_SAFE_ANNOTATIONS = {"int", "float", "bool", "UUID", "uuid.UUID", "Decimal", "decimal.Decimal", "date",
                     "datetime", "datetime.date", "datetime.datetime", "PositiveInt", "conint"}
_PLACEHOLDER = re.compile(r"\s*(%s|\?|\$\d+|:\w+|%\(\w+\)s)?\s*,?\s*")
UPPER = re.compile(r"_*[A-Z][A-Z0-9_]*")


class Evaluation:
    """One evaluation of SQL text in progress: the file, the names being followed (so that a cycle stops),
    and how to evaluate a piece of text, which :mod:`.provenance` provides."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.seen: set[tuple[Union[str, int], ...]] = set()

    def unsafe_text(self, expr: ast.expr, scope: Scope) -> Optional[bool]:
        """Whether the text ``expr`` evaluates to has an unsafe hole (``None``: not text that can be seen)."""
        raise NotImplementedError


@node_fact()
def guards(ctx: FileContext, function: ast.AST) -> set[str]:
    """Names ``function`` checks against a fixed set before use and rejects otherwise:
    ``if sort not in ALLOWED_SORTS: raise ValueError(...)``, ``if direction.lower() not in ("asc", "desc"):
    return ...``, ``assert column in COLUMNS``. Such a name can only be one of the set's constants."""
    found: set[str] = set()
    stack = list(getattr(function, "body", []))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.If) and node.body and isinstance(node.body[-1], (ast.Raise, ast.Return)):
            name = _membership(node.test, ast.NotIn)
            if name:
                found.add(name)
        elif isinstance(node, ast.Assert):
            name = _membership(node.test, ast.In)
            if name:
                found.add(name)
        stack.extend(ast.iter_child_nodes(node))
    return found


@node_fact()
def list_additions(ctx: FileContext, scope_node: ast.AST) -> dict[str, list[ast.expr]]:
    """``name -> elements`` added by ``name.append(x)``, ``name.extend([...])``, ``name += [...]`` and
    ``name.insert(i, x)`` directly in one function or module (nested functions are their own).
    An element that cannot be listed (``name.extend(other)``) is recorded as the whole argument."""
    found: dict[str, list[ast.expr]] = {}
    body = getattr(scope_node, "body", [])
    stack: list[ast.AST] = list(body) if isinstance(body, list) else [body]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(
            node.func.value, ast.Name
        ):
            target, method = node.func.value.id, node.func.attr
            if method == "append" and len(node.args) == 1:
                found.setdefault(target, []).append(node.args[0])
            elif method == "insert" and len(node.args) == 2:
                found.setdefault(target, []).append(node.args[1])
            elif method == "extend" and len(node.args) == 1:
                found.setdefault(target, []).extend(_elements(node.args[0]))
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            found.setdefault(node.target.id, []).extend(_elements(node.value))
        stack.extend(ast.iter_child_nodes(node))
    return found

def owning_class(expr: ast.Attribute, state: Evaluation, scope: Scope) -> Optional[ast.ClassDef]:
    """The class ``self.X``/``cls.X`` (the class of the method) or ``Class.X`` reads ``X`` from."""
    found = instance_class(expr.value, scope) or resolve_class(expr.value, state.ctx, scope)
    return found.node if found is not None else None

def unwrap_str(expr: ast.expr) -> ast.expr:
    if (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "str"
            and len(expr.args) == 1 and not expr.keywords):
        return expr.args[0]
    return expr

def is_safe(expr: ast.expr, state: Evaluation, scope: Scope) -> bool:
    if isinstance(expr, ast.Constant):
        return True
    if isinstance(expr, ast.Name):
        if UPPER.fullmatch(expr.id) or expr.id in _guarded_names(state.ctx, scope.function):
            return True
        return _is_typed_safe(expr.id, state, scope)
    if isinstance(expr, ast.Attribute):
        if UPPER.fullmatch(expr.attr) or expr.attr in ("db_table", "__tablename__"):
            return True
        values = _class_values(expr, state, scope)
        return bool(values) and all(_is_number(value) for value in values)
    if isinstance(expr, ast.Call):
        func = expr.func
        callee = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if callee in _SAFE_CALLS or "quote" in callee.lower() or callee == "qn":
            return True
        return callee == "get" and isinstance(func, ast.Attribute) and _is_constant_table(func.value, state, scope)
    if isinstance(expr, ast.Subscript):
        return _is_constant_table(expr.value, state, scope)
    if isinstance(expr, ast.BinOp) and not isinstance(expr.op, ast.Mod):  # arithmetic on numbers
        return is_safe(expr.left, state, scope) and is_safe(expr.right, state, scope)
    if isinstance(expr, ast.UnaryOp):
        return is_safe(expr.operand, state, scope)
    return False


def _is_number(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Constant) and isinstance(expr.value, (int, float)) and not isinstance(
        expr.value, bool
    )


def _class_values(expr: ast.Attribute, state: Evaluation, scope: Scope) -> list[ast.expr]:
    """Every value ``self.attr``/``Class.attr`` is given in its class (class body and methods)."""
    cls = owning_class(expr, state, scope)
    if cls is None:
        return []
    bindings = bindings_of(state.ctx, cls)
    values = [*bindings.assigned.get(expr.attr, []), *bindings.self_attributes.get(expr.attr, [])]
    known = [value for value in values if value is not None]
    return known if len(known) == len(values) else []


_REQUEST_DATA = frozenset({"GET", "POST", "META", "FILES", "COOKIES", "REQUEST", "DATA"})


def _is_constant_table(expr: ast.expr, state: Evaluation, scope: Scope) -> bool:
    """An UPPER_CASE mapping or sequence, or a class attribute holding a literal table of constants: looking
    a key up in it picks one of its constant entries."""
    if isinstance(expr, ast.Name):
        return bool(UPPER.fullmatch(expr.id))
    if isinstance(expr, ast.Attribute):
        if expr.attr in _REQUEST_DATA:
            return False  # ``request.GET``/``request.POST``: UPPER_CASE, but the client's input
        if UPPER.fullmatch(expr.attr):
            return True
        values = _class_values(expr, state, scope)
        return bool(values) and all(_is_literal_table(value) for value in values)
    return False


def _is_literal_table(expr: ast.expr) -> bool:
    if isinstance(expr, ast.Dict):
        return all(is_constant_text(value) or _is_number(value) for value in expr.values)
    if isinstance(expr, (ast.List, ast.Tuple)):
        return all(is_constant_text(value) or _is_number(value) for value in expr.elts)
    return False


def _is_typed_safe(name: str, state: Evaluation, scope: Scope) -> bool:
    """A parameter annotated with a type whose text cannot carry SQL (``limit: int``), or a local only ever
    given such values (``offset = 0`` ... ``offset += len(rows)``)."""
    found = lookup(name, state.ctx, scope)
    if found is None:
        return False
    link, bindings = found
    param = bindings.params.get(name)
    if param is not None:
        return param.annotation is not None and _safe_annotation(param.annotation, state)
    key = ("safe", id(link.node), name)
    if key in state.seen or not bindings.assigned.get(name):
        return False
    values = [*bindings.assigned[name], *(node.value for node in bindings.augmented.get(name, []))]
    state.seen.add(key)
    try:
        return all(
            value is not None and not (isinstance(value, ast.Name) and value.id == name)
            and is_safe(value, state, link)
            for value in values
        )
    finally:
        state.seen.discard(key)


def _safe_annotation(annotation: ast.expr, state: Evaluation) -> bool:
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):  # "int"
        try:
            annotation = ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return False
    if isinstance(annotation, ast.Subscript):  # Optional[int], Annotated[int, Query()]
        inner = annotation.slice
        first = inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
        return _safe_annotation(first, state)
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        sides = [annotation.left, annotation.right]
        return all(_safe_annotation(side, state) or (isinstance(side, ast.Constant) and side.value is None)
                   for side in sides)
    written = ast.unparse(annotation)
    return written in _SAFE_ANNOTATIONS or (state.ctx.imports.resolve(annotation) or "") in _SAFE_ANNOTATIONS


def is_placeholder_list(expr: ast.expr, state: Evaluation, scope: Scope) -> bool:
    """``["%s"] * n``, ``"?" * n``, ``("%s" for _ in ids)``, ``[f"${i}" for i in range(...)]``, or a local list
    that only ever receives constant strings."""
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mult):  # constant text, repeated
        return any(is_constant_text(side) or (isinstance(side, (ast.List, ast.Tuple)) and side.elts and all(
            is_constant_text(element) or _is_placeholder_text(element) for element in side.elts))
            for side in (expr.left, expr.right))
    if isinstance(expr, (ast.ListComp, ast.GeneratorExp)):  # also numbers: ",".join(str(int(i)) for i in ids)
        element = unwrap_str(expr.elt)
        return _is_placeholder_text(element) or is_constant_text(element) or _is_number_call(element)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in ("list", "tuple"):
        return len(expr.args) == 1 and is_placeholder_list(expr.args[0], state, scope)
    if isinstance(expr, ast.Name):
        return _local_list_is_constant(expr.id, state, scope)
    return False


def _is_number_call(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in ("int", "float")


def _guarded_names(ctx: FileContext, function: Optional[ast.AST]) -> set[str]:
    """Names a function checks against a fixed set before use and rejects otherwise (see :func:`guards`)."""
    return guards(ctx, function) if function is not None else set()


def _membership(test: ast.expr, operator: type) -> Optional[str]:
    """``name not in FIXED`` (or ``name.lower() not in {...}``): the name, when the set is fixed."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], operator)):
        return None
    left, fixed = test.left, test.comparators[0]
    if isinstance(left, ast.Call) and isinstance(left.func, ast.Attribute) and not left.args:
        left = left.func.value  # name.lower(), name.upper(), name.strip()
    if not isinstance(left, ast.Name):
        return None
    literal = isinstance(fixed, (ast.Tuple, ast.List, ast.Set)) and all(is_constant_text(e) for e in fixed.elts)
    named = isinstance(fixed, ast.Name) and UPPER.fullmatch(fixed.id) is not None
    attribute = isinstance(fixed, ast.Attribute) and UPPER.fullmatch(fixed.attr) is not None
    return left.id if literal or named or attribute else None


def _is_placeholder_text(expr: ast.expr) -> bool:
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return _PLACEHOLDER.fullmatch(expr.value) is not None
    if isinstance(expr, ast.JoinedStr):  # f"${i}", f"%({name})s", f":p{i}"
        text = "".join(str(v.value) if isinstance(v, ast.Constant) else "0" for v in expr.values)
        return _PLACEHOLDER_SHAPE.fullmatch(text) is not None
    template = expr.left if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod) else None
    if isinstance(template, ast.Constant) and isinstance(template.value, str):
        return _NAMED_PLACEHOLDER.fullmatch(re.sub(r"%[sdi]", "0", template.value)) is not None  # ":p%d" % i
    func = expr.func if isinstance(expr, ast.Call) else None
    template = func.value if isinstance(func, ast.Attribute) and func.attr == "format" else None
    if isinstance(template, ast.Constant) and isinstance(template.value, str):
        return _NAMED_PLACEHOLDER.fullmatch(re.sub(r"\{\w*\}", "0", template.value)) is not None
    return False


_PLACEHOLDER_SHAPE = re.compile(r"\s*(\$|:|%\(|@)?\w*\)?s?\s*,?\s*")
# ``":p%d" % i`` / ``"${}".format(i)``: a bind-parameter name, never the value itself (``"%s" % v`` is not)
_NAMED_PLACEHOLDER = re.compile(r"\s*(\$|:|@)\w+\s*,?\s*|\s*%\(\w+\)s\s*,?\s*")


def is_constant_text(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Constant) and isinstance(expr.value, str)


def _local_list_is_constant(name: str, state: Evaluation, scope: Scope) -> bool:
    """A local list (``conditions = []``) that only receives constant strings or placeholder lists."""
    found = lookup(name, state.ctx, scope)
    if found is None:
        return False
    link, bindings = found
    values = bindings.assigned.get(name)
    if not values or name in bindings.params or name in bindings.loop_targets:
        return False
    for value in values:
        literal = isinstance(value, (ast.List, ast.Tuple)) and all(
            _piece_is_constant(element, state, link) for element in value.elts
        )
        generated = (value is not None and not isinstance(value, ast.Name)
                     and is_placeholder_list(value, state, link))
        if not (literal or generated):
            return False
    added = list_additions(state.ctx, link.node).get(name, [])
    return all(_piece_is_constant(element, state, link) for element in added)


def _piece_is_constant(expr: ast.expr, state: Evaluation, scope: Scope) -> bool:
    unsafe = state.unsafe_text(expr, scope)
    if unsafe is not None:
        return not unsafe
    return is_safe(expr, state, scope)


def _elements(expr: ast.expr) -> list[ast.expr]:
    return list(expr.elts) if isinstance(expr, (ast.List, ast.Tuple)) else [expr]
