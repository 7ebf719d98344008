"""When a value formatted into SQL cannot carry attacker text: the *safe holes* of :mod:`.provenance`.

A hole is safe when its text can only be a number (``int(...)``, ``len(...)``, arithmetic, a parameter
annotated ``int``/``UUID``/``date`` or defaulting to a number, a local only ever given such values), a
constant (UPPER_CASE names, class attributes holding numbers, ``typing.Final``, a row's primary key ``.pk``,
a model's ``db_table``), an address or UUID parsed by its type (``IP(query)``, ``ipaddress.ip_network(raw)``,
``uuid.UUID(raw)``: it renders only in canonical form), a loop over the database's catalog
(``inspector.get_schema_names()``), a quoted identifier (``quote_name``, ``quote_ident``, ``qn``), a lookup in a
constant allow-list (``COLUMNS[key]``, a class attribute holding a literal table; never the request's
``request.GET``), a name the function checks
against a fixed set and rejects otherwise (``if sort not in ALLOWED: raise``), or a list of placeholders
(``", ".join(["%s"] * len(ids))``, a local list that only ever receives constant strings). Whatever else is
unknown text.

The facts here (:func:`guards`, :func:`asserted_numbers`) summarise one function each; the rest asks them,
:mod:`.constant_collections` and :mod:`.resolve`, and asks the evaluation in progress (:class:`Evaluation`) for
the text of a piece.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Optional, Union

from backend_lint.analysis.ast_helpers import body_of, concatenated_parts, unquoted
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.constant_collections import constant_collection, list_additions, per_item_text
from backend_lint.analysis.facts import file_fact, node_fact
from backend_lint.analysis.iterated_text import item_tuples, positions, unpacked_item
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.literal_arguments import literal_at_every_call
from backend_lint.analysis.node_index import node_index
from backend_lint.analysis.regex_guards import regex_checked
from backend_lint.analysis.resolve import called_function, instance_class, lookup, resolve_class, returned_values
from backend_lint.analysis.scopes import Scope
from backend_lint.analysis.word_lines import any_line_within

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_SAFE_CALLS = {"int", "float", "len", "bool", "round", "abs", "ord", "min", "max", "sum", "hash"}
_SAFE_ANNOTATIONS = {"int", "float", "bool", "UUID", "uuid.UUID", "Decimal", "decimal.Decimal", "date",
                     "datetime", "datetime.date", "datetime.datetime", "PositiveInt", "conint"}
_CANONICAL_TYPES = frozenset({
    "ipaddress.ip_address", "ipaddress.ip_network", "ipaddress.ip_interface", "ipaddress.IPv4Address",
    "ipaddress.IPv6Address", "ipaddress.IPv4Network", "ipaddress.IPv6Network", "ipaddress.IPv4Interface",
    "ipaddress.IPv6Interface", "uuid.UUID", "IPy.IP", "netaddr.IPAddress", "netaddr.IPNetwork",
})
"""Constructors whose object parses its input or raises, and renders only in a canonical form (an address: digits,
hex, ``.``, ``:``, ``/``; a UUID's hex groups): formatted in, it cannot carry a quote."""
_PLACEHOLDER = lazy_compile(r"\s*(%s|\?|\$\d+|:\w+|%\(\w+\)s)?\s*,?\s*")
UPPER = lazy_compile(r"_*[A-Z][A-Z0-9_]*")


class Evaluation:
    """One evaluation of SQL text in progress: the file, the names being followed (so that a cycle stops),
    and how to evaluate a piece of text, which :mod:`.provenance` provides."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.seen: set[tuple[Union[str, int], ...]] = set()

    def unsafe_text(self, expr: ast.expr, scope: Scope) -> Optional[bool]:
        """Whether the text ``expr`` evaluates to has an unsafe hole (``None``: not text that can be seen)."""
        raise NotImplementedError


@file_fact(reads=(node_index,))
def _guard_lines(ctx: FileContext) -> list[int]:
    """The lines (ascending) of the file's guards that :func:`guards` reads, wherever they are: listed once from
    the file's node index, so that a function with none of them in its lines is not walked (BE101 and the
    callers' argument kinds ask :func:`guards` of most functions they read)."""
    index = node_index(ctx)
    lines = {node.lineno for node in index.of(ast.If) if _guarding(ctx, node)}
    lines.update(node.lineno for node in index.of(ast.Assert) if _membership(node.test, ast.In))
    return sorted(lines)


def _guarding(ctx: FileContext, node: ast.If) -> Optional[str]:
    """The name an ``if`` that rejects (its body ends in ``raise`` or ``return``) checks against a fixed set or an
    identifier-only pattern."""
    if not (node.body and isinstance(node.body[-1], (ast.Raise, ast.Return))):
        return None
    return _membership(node.test, ast.NotIn) or regex_checked(ctx, node.test)


@node_fact(reads=(bindings_of, _guard_lines))
def guards(ctx: FileContext, function: ast.AST) -> set[str]:
    """Names ``function`` checks against a fixed set before use and rejects otherwise:
    ``if sort not in ALLOWED_SORTS: raise ValueError(...)``, ``if direction.lower() not in ("asc", "desc"):
    return ...``, ``assert column in COLUMNS``. Such a name can only be one of the set's constants. Also names
    it checks against an identifier-only pattern (``if not _SAFE_KEY_RE.fullmatch(key): raise``,
    :mod:`.regex_guards`): such a name is an identifier."""
    found: set[str] = set()
    if not any_line_within(_guard_lines(ctx), function):
        return found  # (no guard in its lines: most functions)
    stack = body_of(function)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.If):
            name = _guarding(ctx, node)
            if name:
                found.add(name)
        elif isinstance(node, ast.Assert):
            name = _membership(node.test, ast.In)
            if name:
                found.add(name)
        stack.extend(ast.iter_child_nodes(node))
    return found


@node_fact(reads=(returned_values,))
def quoting_function(ctx: FileContext, function: ast.AST) -> bool:
    """A function of the project that quotes its argument the way SQL does: every ``return`` wraps a
    ``.replace("'", "''")`` (or ``.replace('"', '""')``) of it in that quote, as a literal or an identifier
    (``"'" + s.replace("'", "''") + "'"``). Its result is a literal or a quoted name, never SQL."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    returns = returned_values(ctx, function)
    return bool(returns) and all(value is not None and _quotes(value) for value in returns)


def _quotes(expr: ast.expr) -> bool:
    parts = concatenated_parts(expr)
    if len(parts) != 3:
        return False
    quote, closing = _text(parts[0]), _text(parts[2])
    return quote in ("'", '"') and closing == quote and quote is not None and _doubles(parts[1], quote)


def _text(expr: ast.expr) -> Optional[str]:
    return expr.value if isinstance(expr, ast.Constant) and isinstance(expr.value, str) else None


def _doubles(expr: ast.expr, quote: str) -> bool:
    """``s.replace("'", "''")``, possibly among other ``.replace`` calls in a chain."""
    while isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "replace":
        args = expr.args
        if len(args) == 2 and _text(args[0]) == quote and _text(args[1]) == quote * 2:
            return True
        expr = expr.func.value
    return False


@node_fact()
def asserted_numbers(ctx: FileContext, function: ast.AST) -> frozenset[str]:
    """Names ``function`` asserts to be numbers before use: ``assert isinstance(bits, int)``, or rejects
    otherwise (``if not isinstance(limit, int): raise TypeError(...)``)."""
    found: set[str] = set()
    for statement in body_of(function):
        test: Optional[ast.expr] = None
        if isinstance(statement, ast.Assert):
            test = statement.test
        elif (isinstance(statement, ast.If) and statement.body and isinstance(statement.body[-1], ast.Raise)
              and isinstance(statement.test, ast.UnaryOp) and isinstance(statement.test.op, ast.Not)):
            test = statement.test.operand
        checks = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) else [test]
        for check in checks:
            if (isinstance(check, ast.Call) and isinstance(check.func, ast.Name) and check.func.id == "isinstance"
                    and len(check.args) == 2 and isinstance(check.args[0], ast.Name)
                    and _number_types(check.args[1])):
                found.add(check.args[0].id)
    return frozenset(found)


def _number_types(expr: ast.expr) -> bool:
    kinds = expr.elts if isinstance(expr, ast.Tuple) else [expr]
    return bool(kinds) and all(isinstance(kind, ast.Name) and kind.id in ("int", "float") for kind in kinds)


def _from_literal_loop(use: ast.Name, state: Evaluation, scope: Scope) -> bool:
    """A loop variable (or one unpacked from each element) of the ``for`` loop it is read in, which iterates
    over a literal collection of constants: ``for table in ("a", "b")``, ``for table, column in [("a", "id"),
    ...]``, or a local or module constant holding one; read outside such loops, every loop binding it must be
    one. It can only be one of those constants."""
    name = use.id
    found = lookup(name, state.ctx, scope)
    if found is None:
        return False
    link, bindings = found
    loops = bindings.loop_targets.get(name)
    if not loops or name in bindings.params:
        return False
    around = [loop for loop in loops if loop.lineno <= use.lineno <= (loop.end_lineno or loop.lineno)]
    others = [*bindings.assigned.get(name, []), *bindings.augmented.get(name, [])]
    if around:
        loops = [max(around, key=lambda loop: loop.lineno)]  # the innermost loop binding it is the one read
        if any(other is None or loops[0].lineno <= other.lineno <= (loops[0].end_lineno or 0) for other in others):
            return False  # rebound inside that loop
    elif others:
        return False
    return all(constant_collection(loop.iter, state, link) or _catalog_collection(loop.iter, state, link)
               or _constant_item_text(loop, name, state, link) for loop in loops)


def _constant_item_text(loop: ast.For | ast.AsyncFor, name: str, state: Evaluation, scope: Scope) -> bool:
    """``for chunk, marks in query_chunks(ids)``: the loop unpacks each item of what a function of this file
    hands back, and the element at ``name``'s position is constant SQL text in every item (a placeholder
    list): :mod:`.iterated_text`."""
    found = unpacked_item(loop, name)
    if found is None:
        return False
    position, iterated = found
    if isinstance(iterated, ast.Name):  # chunks = query_chunks(ids); for chunk, marks in chunks
        held = lookup(iterated.id, state.ctx, scope)
        if held is not None and iterated.id not in held[1].params:
            iterated = held[1].single_value(iterated.id) or iterated
    called = called_function(iterated, state.ctx, scope) if isinstance(iterated, ast.Call) else None
    key = ("items", id(called.node) if called is not None else 0)
    if called is None or key in state.seen:
        return False
    tuples = item_tuples(state.ctx, called.node)
    if not tuples or positions(tuples) <= position:
        return False
    state.seen.add(key)
    try:
        return all(state.unsafe_text(item.elts[position], called.scope) is False for item in tuples)
    finally:
        state.seen.discard(key)


_CATALOG_READS = frozenset({"get_schema_names", "get_table_names", "get_view_names", "get_columns",
                            "get_sequence_names", "get_foreign_keys", "get_indexes"})
"""SQLAlchemy inspector methods: names read from the database's own catalog."""


def _catalog_collection(expr: ast.expr, state: Evaluation, scope: Scope) -> bool:
    """What the database's catalog holds: ``inspector.get_schema_names()``, or what a function of this file
    that reads it returns (``get_all_tables(db)`` building ``{schema: tables}`` from the inspector); through
    ``.items()``/``.keys()`` and a local assigned once. Its names are the database's own, not a client's text."""
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and not expr.args and (
        expr.func.attr in ("items", "keys")
    ):
        expr = expr.func.value
    if isinstance(expr, ast.Name):
        found = lookup(expr.id, state.ctx, scope)
        if found is None:
            return False
        values = found[1].assigned.get(expr.id, [])
        if len(values) != 1 or values[0] is None or expr.id in found[1].params:
            return False
        expr = values[0]
    if not isinstance(expr, ast.Call):
        return False
    if isinstance(expr.func, ast.Attribute) and expr.func.attr in _CATALOG_READS:
        return True
    called = called_function(expr, state.ctx, scope)
    return called is not None and any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _CATALOG_READS
        for node in ast.walk(called.node)
    )


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
        return _is_typed_safe(expr.id, state, scope) or _from_literal_loop(expr, state, scope)
    if isinstance(expr, ast.Attribute):
        if UPPER.fullmatch(expr.attr) or expr.attr in ("db_table", "__tablename__", "pk"):
            return True  # (``.pk``: a Django row's primary key, a number or a UUID the database made)
        if isinstance(expr.value, ast.Name) and _enum_parameter(expr.value.id, state, scope):
            return True  # ``kind.value``: what a member of a fixed set holds
        values = _class_values(expr, state, scope)
        return bool(values) and all(is_number(value) for value in values)
    if isinstance(expr, ast.Call):
        func = expr.func
        callee = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and not expr.args \
                and not expr.keywords and _enum_parameter(func.value.id, state, scope):
            return True  # ``balance_type.serialize_for_db()``: what a member of a fixed set makes of itself
        if callee in _SAFE_CALLS or "quote" in callee.lower() or "escape" in callee.lower() or callee == "qn":
            return True  # ``quote_name(col)``, ``escape_sqlite(table)``: quoted or escaped by the code
        if state.ctx.imports.resolve(func) in _CANONICAL_TYPES:
            return True  # ``IP(query)``, ``uuid.UUID(raw)``: parsed, rendered as an address or a UUID only
        called = called_function(expr, state.ctx, scope)
        if called is not None and quoting_function(state.ctx, called.node):
            return True
        if callee in ("get", "getint") and isinstance(func, ast.Attribute) and _is_configuration(func.value):
            return True  # ``config.get("search.rows_max")``: the operator's setting, not the client's text
        return callee == "get" and isinstance(func, ast.Attribute) and _is_constant_table(func.value, state, scope)
    if isinstance(expr, ast.Subscript):
        if isinstance(expr.slice, ast.Slice):
            return is_safe(expr.value, state, scope)  # ``ids[-1000:]``: a part of a collection of numbers
        return _is_constant_table(expr.value, state, scope)
    if isinstance(expr, ast.BinOp) and not isinstance(expr.op, ast.Mod):  # arithmetic on numbers
        if isinstance(expr.op, (ast.Add, ast.Sub)) and (is_number(expr.left) or is_number(expr.right)):
            return True  # ``page_size + 1``: text plus a number raises, so the result is a number
        return is_safe(expr.left, state, scope) and is_safe(expr.right, state, scope)
    if isinstance(expr, (ast.GeneratorExp, ast.ListComp)) and not any(
        condition for generator in expr.generators for condition in generator.ifs
    ):
        return _escaped_element(expr.elt) or _is_number_call(expr.elt)  # ``[int(i) for i in raw]``: numbers
    if isinstance(expr, ast.UnaryOp):
        return is_safe(expr.operand, state, scope)
    return False


_CONFIGURATION = frozenset({"config", "settings", "app.config", "current_app.config", "self.config"})


def _is_configuration(expr: ast.expr) -> bool:
    """The application's configuration object, read by its usual names."""
    try:
        return ast.unparse(expr) in _CONFIGURATION
    except ValueError:
        return False


def _escaped_element(expr: ast.expr) -> bool:
    """Each element is quoted or escaped by a call named for it (``escape_sqlite(c)``, ``quote_name(c)``)."""
    if not isinstance(expr, ast.Call):
        return False
    func = expr.func
    callee = (func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else "").lower()
    return "quote" in callee or "escape" in callee


def is_number(expr: ast.expr) -> bool:
    """A numeric literal (``1``, ``2.5``; not ``True``)."""
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
        return all(is_constant_text(value) or is_number(value) for value in expr.values)
    if isinstance(expr, (ast.List, ast.Tuple)):
        return all(is_constant_text(value) or is_number(value) for value in expr.elts)
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
        if param.annotation is not None and _safe_annotation(param.annotation, state):
            return True
        default = _default_of(link.node, param) if param.annotation is None else None
        if default is not None and is_number(default):
            return True  # ``window=1800``: an unannotated parameter whose signature makes it a number
        return name in asserted_numbers(state.ctx, link.node) or literal_at_every_call(name, link, state.ctx)
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


def _enum_parameter(name: str, state: Evaluation, scope: Scope) -> bool:
    """A parameter annotated with a class (``balance_type: BalanceType | None``) whose default is a member of that
    same class (``= BalanceType.ASSET``): the signature says it holds one of a fixed set of members, whose text
    the class, not a caller, decides. A parameter without such a default is not read so (``table: Table`` may
    carry any name)."""
    found = lookup(name, state.ctx, scope)
    param = found[1].params.get(name) if found is not None else None
    if param is None or param.annotation is None or found is None:
        return False
    default = _default_of(found[0].node, param)
    if not (isinstance(default, ast.Attribute) and isinstance(default.value, ast.Name)
            and UPPER.fullmatch(default.attr)):
        return False
    annotation = unquoted(param.annotation)
    sides: list[Optional[ast.AST]] = [annotation]
    if isinstance(annotation, ast.BinOp):
        sides = [annotation.left, annotation.right]  # Kind | None
    elif isinstance(annotation, ast.Subscript) and ast.unparse(annotation.value).endswith("Optional"):
        sides = [annotation.slice]
    return any(isinstance(side, ast.Name) and side.id == default.value.id for side in sides)


def _default_of(function: ast.AST, param: ast.arg) -> Optional[ast.expr]:
    """The default value the signature of ``function`` gives ``param`` (``None`` when it gives none)."""
    args = getattr(function, "args", None)
    if not isinstance(args, ast.arguments):
        return None
    positional = args.posonlyargs + args.args
    if param in positional:
        index = positional.index(param) - (len(positional) - len(args.defaults))
        return args.defaults[index] if index >= 0 else None
    if param in args.kwonlyargs:
        return args.kw_defaults[args.kwonlyargs.index(param)]
    return None


def _safe_annotation(annotation: ast.expr, state: Evaluation) -> bool:
    unquoted_annotation = unquoted(annotation)  # "int"
    if not isinstance(unquoted_annotation, ast.expr):
        return False
    annotation = unquoted_annotation
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
        if per_item_text(expr, state, scope) or _iterated_numbers(element, expr, state, scope):
            return True  # [f"(%(name_{i})s)" for i in range(n)]; ",".join(str(i) for i in ids) with ids: list[int]
        if isinstance(element, ast.Call) and not _is_number_call(element):
            return is_safe(element, state, scope)  # ", ".join(identifier(name) for name in names): each quoted
        return _is_placeholder_text(element) or is_constant_text(element) or _is_number_call(element)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in ("list", "tuple"):
        return len(expr.args) == 1 and is_placeholder_list(expr.args[0], state, scope)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "map" \
            and len(expr.args) == 2 and isinstance(expr.args[0], ast.Name) and expr.args[0].id == "str":
        return is_safe(expr.args[1], state, scope)  # map(str, ids) over numbers
    if isinstance(expr, ast.Name):
        return _local_list_is_constant(expr.id, state, scope)
    return False


def _iterated_numbers(element: ast.expr, expr: ast.ListComp | ast.GeneratorExp, state: Evaluation,
                      scope: Scope) -> bool:
    """``element`` is the comprehension's variable over a collection of numbers (``for i in ids`` with ``ids:
    list[int]``, a slice of it, a list of ``int(...)``): openreplay's session ids, judged safe by construction."""
    return isinstance(element, ast.Name) and any(
        isinstance(generator.target, ast.Name) and generator.target.id == element.id
        and is_safe(generator.iter, state, scope)
        for generator in expr.generators
    )


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


_PLACEHOLDER_SHAPE = lazy_compile(r"\s*(\$|:|%\(|@)?\w*\)?s?\s*,?\s*")
# ``":p%d" % i`` / ``"${}".format(i)``: a bind-parameter name, never the value itself (``"%s" % v`` is not)
_NAMED_PLACEHOLDER = lazy_compile(r"\s*(\$|:|@)\w+\s*,?\s*|\s*%\(\w+\)s\s*,?\s*")


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
