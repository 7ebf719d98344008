"""Where SQL text came from: its constant pieces and the *holes* where values were formatted in.

:func:`sql_text` follows the SQL argument of a sink back through the function: an f-string, ``%``,
``.format()``, ``+``, ``"".join(...)``, a local built across lines and branches (every assignment and every
``+=`` counts), ``textwrap.dedent``/``.strip()``, module-level constants, class attributes, and what a function
or method of the same module returns (``cur.execute(build_query(name))``, the ``def`` :mod:`.resolve` says the
call runs). The result is
a list of pieces: constant text (what the database will see) and :class:`Hole` objects for parts whose value
is not known here. A rule then asks which holes can carry attacker text (:meth:`SqlText.unsafe_holes`).

Holes that cannot carry text are *safe* (decided in :mod:`.safe_holes`): numbers and ``int()``/``float()``/
``len()``, parameters annotated
``int``/``float``/``bool``/``UUID``/``date``, UPPER_CASE constants (also imported ones and ``typing.Final``),
identifier quoting (``quote_name``, ``quote_ident``, ``qn``), lookups in a constant allow-list
(``COLUMNS[key]``), placeholder lists (``", ".join(["%s"] * len(ids))``, ``",".join("?" for _ in ids)``) and
a join over a local list that only ever receives constant strings. An opaque hole named like a SQL fragment
(``where_sql``, ``clause``, ``conditions``) is taken as SQL composed by the caller when it sits in a
structural position, but never when it sits where a value goes (``= {x}``, ``'{x}'``, ``LIKE``, ``IN (``).
``psycopg2.sql`` composition and SQLAlchemy constructs are not strings at all, so they have no provenance.
An unknown string (a parameter, a call result) has no provenance either: rules stay quiet about what they
cannot see.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Union

from backend_lint.analysis.ast_helpers import statement_blocks
from backend_lint.analysis.bindings import Bindings, bindings_of
from backend_lint.analysis.constant_collections import list_additions
from backend_lint.analysis.facts import reads
from backend_lint.analysis.iterated_text import item_tuples
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.literal_arguments import literal_at_every_call
from backend_lint.analysis.resolve import (
    Definition,
    Function,
    called_function,
    instance_class,
    lookup,
    property_of,
    resolve_class,
    returned_values,
)
from backend_lint.analysis.safe_holes import (
    Evaluation,
    asserted_numbers,
    guards,
    is_number,
    is_placeholder_list,
    is_safe,
    owning_class,
    quoting_function,
    unwrap_str,
)
from backend_lint.analysis.scopes import Scope
from backend_lint.analysis.secret_names import split_identifier
from backend_lint.analysis.sql import Sink, might_run_sql, query_sink
from backend_lint.analysis.sql_pieces import Built, Hole, Piece, SqlText, escapes_html
from backend_lint.analysis.strings import CONCATENATION, FORMAT_METHOD, FSTRING, JOIN, PERCENT
from backend_lint.analysis.tree_walk import walk
from backend_lint.analysis.unpacked_calls import Unpacked, unpacked_calls

if TYPE_CHECKING:
    from backend_lint.context import FileContext

AUGMENTED = "+="
_MAX_DEPTH = 10
_PASS_THROUGH_METHODS = {"strip", "lstrip", "rstrip", "upper", "lower"}
_PASS_THROUGH_FUNCTIONS = {"textwrap.dedent", "inspect.cleandoc"}
_FRAGMENT_NAME = lazy_compile(
    r"sql|query|clause|where|condition|stmt|statement|fragment|placeholder|join|filter|suffix|prefix|operator",
                            re.IGNORECASE)
_URL_WORDS = frozenset({"url", "uri", "href"})
"""Last words of a property that returns a URL: the URL is one value, not text to be read through."""


@dataclass
class _Value:
    pieces: list[Piece]
    kind: Optional[str] = None
    built_at: Optional[Built] = None
    alternatives: int = 1

    def has_unsafe(self) -> bool:
        return any(isinstance(piece, Hole) and not piece.safe for piece in self.pieces)

    def text(self) -> Optional[str]:
        """The whole text when every piece is literal (a template, a separator), else ``None``."""
        texts = [piece for piece in self.pieces if isinstance(piece, str)]
        return "".join(texts) if len(texts) == len(self.pieces) else None


class _State(Evaluation):
    """An evaluation of SQL text in progress (see :class:`.safe_holes.Evaluation`)."""

    def unsafe_text(self, expr: ast.expr, scope: Scope) -> Optional[bool]:
        value = _eval(expr, self, scope, 1)
        return None if value is None else value.has_unsafe()



# --- entry points ---------------------------------------------------------------------------------------


@reads(lookup, resolve_class, called_function, property_of, guards, list_additions, returned_values,
       quoting_function, asserted_numbers, literal_at_every_call, unpacked_calls, item_tuples)
def sql_text(expr: ast.expr, ctx: FileContext, scope: Optional[Scope] = None) -> Optional[SqlText]:
    """The provenance of the string ``expr`` (``None`` when it is not a string this function can see)."""
    value = _eval(expr, _State(ctx), scope if scope is not None else ctx.scope, 0)
    if value is None:
        return None
    variable = expr.id if isinstance(expr, ast.Name) else None
    return SqlText(value.pieces, value.kind, value.built_at, variable, value.alternatives)


@reads(might_run_sql, query_sink, sql_text)
def sql_reaching(call: ast.Call, ctx: FileContext) -> Iterator[tuple[Sink, ast.expr, SqlText]]:
    """Each SQL text a query call runs, with its sink and provenance (nothing in test files, where code
    builds throwaway SQL against throwaway databases). What every rule about SQL text starts from."""
    if not might_run_sql(call, ctx) or ctx.is_test_file:
        return
    sink = query_sink(ctx, call)
    if sink is None:
        return
    for sql in sink.sql:
        text = sql_text(sql, ctx)
        if text is not None:
            yield sink, sql, text


# --- evaluation --------------------------------------------------------------------------------------------


def _eval(expr: ast.AST, state: _State, scope: Scope, depth: int) -> Optional[_Value]:
    if depth > _MAX_DEPTH:
        return None
    if isinstance(expr, ast.Constant):
        return _Value([expr.value]) if isinstance(expr.value, str) else None
    if isinstance(expr, ast.JoinedStr):
        return _fstring(expr, state, scope, depth)
    if isinstance(expr, ast.BinOp):
        if isinstance(expr.op, ast.Add):
            return _concat(expr, state, scope, depth)
        if isinstance(expr.op, ast.Mod):
            return _percent(expr, state, scope, depth)
        return None
    if isinstance(expr, ast.Call):
        return _call(expr, state, scope, depth)
    if isinstance(expr, ast.Name):
        return _name(expr, state, scope, depth)
    if isinstance(expr, ast.Attribute):
        return _attribute(expr, state, scope, depth)
    if isinstance(expr, ast.IfExp):
        body = _eval(expr.body, state, scope, depth + 1)
        orelse = _eval(expr.orelse, state, scope, depth + 1)
        if body is None or orelse is None:
            return None
        return _merge([body, orelse])
    return None


def _hole_value(expr: ast.expr, state: _State, scope: Scope, depth: int, spec: bool = False) -> _Value:
    """What a formatted-in part contributes: its own text when known, else a hole."""
    if not spec:
        inner = _eval(expr, state, scope, depth + 1)
        if inner is not None:
            return inner
    return _Value([_hole(expr, state, scope)])


def _hole(expr: ast.expr, state: _State, scope: Scope) -> Hole:
    if is_safe(expr, state, scope):
        return Hole(expr, safe=True)
    if is_placeholder_list(expr, state, scope):
        return Hole(expr, safe=True, placeholder=True)
    return Hole(expr, fragment=_fragment_named(expr))


def _formatted(parts: list[_Value], kind: str, node: Built) -> _Value:
    pieces: list[Piece] = [piece for part in parts for piece in part.pieces]
    inner = next((part for part in parts if part.kind and part.has_unsafe()), None)
    own_unsafe = any(part.has_unsafe() and not part.kind for part in parts)
    if inner is not None and not own_unsafe:
        return _Value(pieces, inner.kind, inner.built_at, max((p.alternatives for p in parts), default=1))
    has_hole = any(isinstance(piece, Hole) for piece in pieces)
    return _Value(pieces, kind if has_hole else None, node if has_hole else None,
                  max((p.alternatives for p in parts), default=1))


def _fstring(expr: ast.JoinedStr, state: _State, scope: Scope, depth: int) -> _Value:
    parts: list[_Value] = []
    for value in expr.values:
        if isinstance(value, ast.Constant):
            parts.append(_Value([str(value.value)]))
        elif isinstance(value, ast.FormattedValue):
            spec = value.format_spec is not None or value.conversion not in (-1, None)
            parts.append(_hole_value(value.value, state, scope, depth, spec))
    return _formatted(parts, FSTRING, expr)


def _concat(expr: ast.BinOp, state: _State, scope: Scope, depth: int) -> Optional[_Value]:
    if is_number(expr.left) or is_number(expr.right):
        return None  # ``page_size + 1``: arithmetic (text plus a number raises), one numeric value
    left = _eval(expr.left, state, scope, depth + 1)
    right = _eval(expr.right, state, scope, depth + 1)
    if left is None and right is None:
        return None
    if left is None:
        left = _Value([_hole(unwrap_str(expr.left), state, scope)])
    if right is None:
        right = _Value([_hole(unwrap_str(expr.right), state, scope)])
    return _formatted([left, right], CONCATENATION, expr)



_PERCENT_FIELD = lazy_compile(r"%(?:\((\w+)\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])")


def _percent(expr: ast.BinOp, state: _State, scope: Scope, depth: int) -> Optional[_Value]:
    template = _eval(expr.left, state, scope, depth + 1)
    text = template.text() if template is not None else None
    if text is None:
        return None
    right = expr.right
    positional = list(right.elts) if isinstance(right, ast.Tuple) else [right]
    named = (
        {key.value: value for key, value in zip(right.keys, right.values)
         if isinstance(key, ast.Constant) and isinstance(key.value, str)}
        if isinstance(right, ast.Dict) else None
    )
    parts: list[_Value] = []
    position = 0
    index = 0
    for match in _PERCENT_FIELD.finditer(text):
        parts.append(_Value([text[position:match.start()]]))
        position = match.end()
        name, width, precision, conversion = match.groups()
        if conversion == "%":
            parts.append(_Value(["%"]))
            continue
        if name is not None:
            value = named.get(name) if named is not None else None
            value = value if value is not None else right
        else:
            if index >= len(positional) or width == "*" or precision == "*":
                return None
            value = positional[index]
            index += 1
        if conversion in "diouxXeEfFgGc":
            parts.append(_Value([Hole(value, safe=True)]))
        else:
            parts.append(_hole_value(value, state, scope, depth, spec=conversion != "s" or bool(width)))
    parts.append(_Value([text[position:]]))
    return _formatted(parts, PERCENT, expr)


def _call(expr: ast.Call, state: _State, scope: Scope, depth: int) -> Optional[_Value]:
    func = expr.func
    if isinstance(func, ast.Attribute):
        if func.attr == "format" and not any(isinstance(a, ast.Starred) for a in expr.args):
            return _format_method(expr, func, state, scope, depth)
        if func.attr == "join" and len(expr.args) == 1 and not expr.keywords:
            return _join(expr, func, state, scope, depth)
        if func.attr in _PASS_THROUGH_METHODS and not expr.args:
            return _eval(func.value, state, scope, depth + 1)
    resolved = state.ctx.imports.resolve(func) or ""
    if resolved in _PASS_THROUGH_FUNCTIONS and len(expr.args) == 1:
        return _eval(expr.args[0], state, scope, depth + 1)
    if isinstance(func, ast.Name) and func.id == "str" and len(expr.args) == 1:
        return _eval(expr.args[0], state, scope, depth + 1)
    return _builder_call(expr, state, scope, depth)


def _builder_call(expr: ast.Call, state: _State, scope: Scope, depth: int) -> Optional[_Value]:
    """``cur.execute(build_query(name))``: what the function or method of this file the call runs returns
    (:func:`.resolve.called_function`), evaluated in its own scope (its parameters are unknown text). Only
    builders whose every ``return`` gives a string."""
    found = called_function(expr, state.ctx, scope)
    if found is None or quoting_function(state.ctx, found.node):
        return None  # a quoting function's result is a hole, and a safe one
    return _returned_text(found, state, depth)


def _returned_text(found: Definition[Function], state: _State, depth: int) -> Optional[_Value]:
    """What a function or property getter of this file returns, when every ``return`` gives text."""
    key = ("builder", id(found.node))
    if key in state.seen:
        return None
    returns = returned_values(state.ctx, found.node)
    given = [value for value in returns if value is not None]
    if not given or len(given) != len(returns):
        return None  # a generator, or a bare ``return``: not a string
    state.seen.add(key)
    try:
        values = [_eval(value, state, found.scope, depth + 1) for value in given]
    finally:
        state.seen.discard(key)
    known = [value for value in values if value is not None]
    return _merge(known) if len(known) == len(values) else None


def _format_method(expr: ast.Call, func: ast.Attribute, state: _State, scope: Scope, depth: int) -> Optional[_Value]:
    template = _eval(func.value, state, scope, depth + 1)
    text = template.text() if template is not None else None
    if text is None:
        return None
    keywords = {keyword.arg: keyword.value for keyword in expr.keywords if keyword.arg}
    opaque_kwargs = any(keyword.arg is None for keyword in expr.keywords)
    parts: list[_Value] = []
    auto = 0
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return None
    for literal, field_name, spec, conversion in parsed:
        parts.append(_Value([literal]))
        if field_name is None:
            continue
        head = re.split(r"[.\[]", field_name, maxsplit=1)[0]
        simple = head == field_name and not spec and not conversion
        if head == "":
            head = str(auto)
            auto += 1
        value = keywords.get(head) if not head.isdigit() else (
            expr.args[int(head)] if int(head) < len(expr.args) else None
        )
        if value is None:
            if not opaque_kwargs:
                return None
            parts.append(_Value([Hole(expr)]))
            continue
        safe_spec = spec is not None and spec.rstrip().endswith(("d", "f", "e", "g", "n", "%"))
        if safe_spec:
            parts.append(_Value([Hole(value, safe=True)]))
        else:
            parts.append(_hole_value(value, state, scope, depth, spec=not simple))
    return _formatted(parts, FORMAT_METHOD, expr)


def _join(expr: ast.Call, func: ast.Attribute, state: _State, scope: Scope, depth: int) -> Optional[_Value]:
    separator = _eval(func.value, state, scope, depth + 1)
    sep = separator.text() if separator is not None else None
    if sep is None:
        return None
    argument = expr.args[0]
    if isinstance(argument, (ast.List, ast.Tuple)):
        parts: list[_Value] = []
        for position, element in enumerate(argument.elts):
            if position:
                parts.append(_Value([sep]))
            parts.append(_hole_value(element, state, scope, depth))
        return _formatted(parts, JOIN, expr)
    return _formatted([_Value([_hole(argument, state, scope)])], JOIN, expr)



def _name(expr: ast.Name, state: _State, scope: Scope, depth: int) -> Optional[_Value]:
    name = expr.id
    found = lookup(name, state.ctx, scope)
    if found is None:
        return None  # an import, a builtin or a global from elsewhere: unknown text
    link, bindings = found
    key = (id(link.node), name)
    if key in state.seen:
        return _Value([])  # ``sql = sql + "..."``: the earlier value is counted once already
    if name in bindings.params or name in bindings.loop_targets or name in bindings.definitions:
        return None
    state.seen.add(key)
    try:
        return _assignments(name, bindings, link, state, depth, expr)
    finally:
        state.seen.discard(key)


def _assignments(
    name: str, bindings: Bindings, link: Scope, state: _State, depth: int, use: ast.Name
) -> Optional[_Value]:
    steps: list[tuple[int, Step]] = []
    if any(escapes_html(assigned) for assigned in bindings.assigned.get(name, [])):
        return None  # ``if autoescape: lead = escape(lead)``: escaped where escaping is asked for, one value
    unpacked = list(unpacked_calls(state.ctx, link.node).get(name, ()))
    for assigned in bindings.assigned.get(name, []):
        if assigned is None and unpacked:
            element = unpacked.pop(0)  # ``sql, params = build_query(...)``: one element of what it returns
            steps.append((element.lineno, element))
            continue
        if assigned is None or (isinstance(assigned, ast.Constant) and not isinstance(assigned.value, str)):
            return None  # unpacked, or not a string at all (``offset = 0``)
        steps.append((assigned.lineno, assigned))
    for node in bindings.augmented.get(name, []):
        if not isinstance(node.op, ast.Add):
            return None
        steps.append((node.lineno, node))
    steps.sort(key=lambda item: item[0])
    steps = _reaching_steps(steps, link, state, use)
    alternatives: list[_Value] = []
    appended: list[_Value] = []
    for _line, step in steps:
        if isinstance(step, ast.AugAssign):
            part = _eval(step.value, state, link, depth + 1)
            if part is None:
                part = _Value([_hole(step.value, state, link)])
            if part.has_unsafe() and part.kind is None:
                part = _Value(part.pieces, AUGMENTED, step)
            appended.append(part)
            continue
        if isinstance(step, Unpacked):
            value = _tuple_element(step, state, link, depth)
            if value is None:
                return None
            alternatives.append(value)
            continue
        value = _eval(step, state, link, depth + 1)
        if value is None:
            if not appended and not alternatives and len(steps) == 1:
                return None
            value = _Value([Hole(step, fragment=True)])
        alternatives.append(value)
    if not alternatives:
        return None
    merged = _merge(alternatives)
    if not appended:
        return merged
    # Built where a part was formatted in, else at the first ``+=`` (not at the scope's node: a module has no line).
    first_added = next(step for _line, step in steps if isinstance(step, ast.AugAssign))
    return _formatted([merged, *appended], AUGMENTED, appended[0].built_at or merged.built_at or first_added)


def _tuple_element(step: Unpacked, state: _State, scope: Scope, depth: int) -> Optional[_Value]:
    """The text of element ``step.index`` of every tuple the called function of this file returns."""
    found = called_function(step.call, state.ctx, scope)
    if found is None:
        return None
    returns = [value for value in returned_values(state.ctx, found.node) if isinstance(value, ast.Tuple)]
    if not returns or len(returns) != len(returned_values(state.ctx, found.node)) or not all(
        len(value.elts) > step.index for value in returns
    ):
        return None
    key = ("builder", id(found.node))
    if key in state.seen:
        return None
    state.seen.add(key)
    try:
        values = [_eval(value.elts[step.index], state, found.scope, depth + 1) for value in returns]
    finally:
        state.seen.discard(key)
    known = [value for value in values if value is not None]
    return _merge(known) if len(known) == len(values) else None


Step = Union[ast.expr, ast.AugAssign, "Unpacked"]
"""One assignment of a name: its value, an ``+=`` statement, or an element of an unpacked call."""


def _reaching_steps(steps: list[tuple[int, Step]], link: Scope, state: _State,
                    use: ast.Name) -> list[tuple[int, Step]]:
    """The assignments that can reach ``use``: ``query = "..." + x`` followed by ``query = select(...)`` in a
    block the use sits in (the function's own body, or the branch holding the use: ``if url: middle = ...;
    return f"...{middle}"``) leaves only the second to reach a later ``execute(query)``. Without such a
    straight-line assignment before the use, every step counts."""
    body = getattr(link.node, "body", None)
    if not isinstance(body, list) or use.lineno == 0:
        return steps
    top = _statements_before(use, body)
    last = None
    for position, (line, step) in enumerate(steps):
        statement = step.statement if isinstance(step, Unpacked) else (
            step if isinstance(step, ast.stmt) else state.ctx.parent_of(step)
        )
        if line >= use.lineno:
            break
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and id(statement) in top and not _reads_name(
            step, use.id
        ):
            last = position  # ``sql = sql + "..."`` builds on the earlier values: they still reach
    return steps if last is None else [step for step in steps[last:] if step[0] < use.lineno or step[0] == 0]


def _statements_before(use: ast.AST, body: list[ast.stmt]) -> set[int]:
    """``id`` of the statements that always run before ``use``: in each block around the use, from the scope's
    body inwards, the statements written before the one that holds it. Found by line, top down (the walk has
    not yet recorded the parents of the nodes below the one it visits)."""
    before: set[int] = set()
    line = getattr(use, "lineno", 0)
    block: list[ast.stmt] = body
    while True:
        holder = next((statement for statement in block
                       if statement.lineno <= line <= (statement.end_lineno or statement.lineno)), None)
        if holder is None:
            return before
        before.update(id(statement) for statement in block[:block.index(holder)])
        if isinstance(holder, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return before
        inner = statement_blocks(holder)
        block = next((statements for statements in inner
                      if statements and statements[0].lineno <= line <= (statements[-1].end_lineno or line)), [])


def _reads_name(step: Step, name: str) -> bool:
    """The assigned value reads ``name`` itself (``sql = sql + " WHERE ..."``)."""
    return not isinstance(step, Unpacked) and any(
        isinstance(node, ast.Name) and node.id == name for node in walk(step)
    )


def _merge(alternatives: list[_Value]) -> _Value:
    """Values a name can have on different paths: their pieces one after the other, newline-separated."""
    if len(alternatives) == 1:
        return alternatives[0]
    pieces: list[Piece] = []
    for position, alternative in enumerate(alternatives):
        if position:
            pieces.append("\n")
        pieces.extend(alternative.pieces)
    first = next((a for a in alternatives if a.kind and a.has_unsafe()), None)
    return _Value(pieces, first.kind if first else None, first.built_at if first else None, len(alternatives))


def _attribute(expr: ast.Attribute, state: _State, scope: Scope, depth: int) -> Optional[_Value]:
    """``self.SQL`` / ``cls.SQL`` / ``Class.SQL``: a class attribute assigned one constant, or what a
    ``@property`` of the class returns (``self.timestamp_now``, a fragment chosen by dialect).

    A property named for a URL (``self.url``, ``self.absolute_uri``) stays one value: the f-string that builds
    it (``f"/dashboard/{self.slug}/"``) is a path, and its parts were never written into the text that
    uses it as text of their own, so a rule judges the URL by what it is (BE511 trusts a URL by name)."""
    owner = instance_class(expr.value, scope)
    getter = property_of(owner, expr.attr, state.ctx) if owner is not None else None
    if getter is not None:
        words = split_identifier(expr.attr)
        if words and words[-1] in _URL_WORDS:
            return None
        return _returned_text(getter, state, depth)
    cls = owning_class(expr, state, scope)
    if cls is None:
        return None
    bindings = bindings_of(state.ctx, cls)
    values = bindings.assigned.get(expr.attr)
    if not values or len(values) != 1 or values[0] is None or expr.attr in bindings.self_attributes:
        return None
    return _eval(values[0], state, state.ctx.root_scope, depth + 1)




def _fragment_named(expr: ast.expr) -> bool:
    if isinstance(expr, ast.Name):
        name = expr.id
    elif isinstance(expr, ast.Attribute):
        name = expr.attr
    elif isinstance(expr, ast.Call):
        func = expr.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    else:
        return False
    return bool(_FRAGMENT_NAME.search(name))
