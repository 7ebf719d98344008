"""BE101 sql-string-formatting: SQL text built from non-constant parts reaches a query sink.

A value formatted into SQL text (f-string, ``%``, ``.format()``, ``+``, ``join``, ``+=`` across lines) is
SQL injection as soon as it carries a quote, and it also defeats the database's statement cache. The rule
looks only at text that reaches a real query sink (:mod:`backend_lint.analysis.sql`), follows it back
through the function (:mod:`backend_lint.analysis.provenance`) and reports at the sink call, only with
evidence (:func:`_evidence`): the request in a formatted part, or outside text spliced inside a quoted SQL
string. Parts that
cannot carry SQL are left alone: constants, numbers (``int()``, a parameter annotated ``int``), quoted
identifiers, allow-list lookups, placeholder lists (also a part named ``placeholders`` in a call that binds
values), a member of a fixed set (a parameter defaulting to a member of its annotated class), a row's key (read
off an object, or a parameter the SQL takes in place of such a read) and ``psycopg2.sql`` composition. The keys
of a mapping walked while its values are bound count as names (reported only from the request). A string the rule cannot
see being built (a parameter, a call result) is not reported; neither is an f-string in the *params*.

The fix (unsafe: the values now travel as parameters, with the driver's typing and quoting) rewrites an
inline f-string, ``%``, ``.format()`` or ``+`` into the driver's placeholders and passes the values, only
when every formatted part sits where SQL expects a value and the call passes no parameters yet.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional, Union

from backend_lint.analysis.ast_helpers import callee_name, own_nodes
from backend_lint.analysis.bindings import Bindings
from backend_lint.analysis.caller_values import callers_fact, key_parameter, key_read, names_a_key
from backend_lint.analysis.command_classes import command_base_facts, in_command_class
from backend_lint.analysis.entrypoints import cli_module, in_cli_context
from backend_lint.analysis.handlers import handler_for
from backend_lint.analysis.iterated_text import loop_element, unpacked_item
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.module_roles import in_migration, module_roles
from backend_lint.analysis.project.conditions import (
    ProjectFact,
    callers_pass_safe,
    cli_command_class,
    constants,
    test_support,
)
from backend_lint.analysis.project.conditions import cli_module as cli_module_fact
from backend_lint.analysis.project.imported import imported_qualified, imported_value
from backend_lint.analysis.provenance import sql_reaching
from backend_lint.analysis.resolve import lookup
from backend_lint.analysis.schema_steps import schema_version_step
from backend_lint.analysis.scopes import Scope
from backend_lint.analysis.sql import FRAGMENT_TAKERS, Sink
from backend_lint.analysis.sql_pieces import (
    Hole,
    Piece,
    SqlText,
    in_string_literal,
    in_value_position,
    postgres_only,
    schema_object_name,
)
from backend_lint.analysis.strings import CONCATENATION, FORMAT_METHOD, FSTRING, JOIN, PERCENT
from backend_lint.analysis.unpacked_calls import unpacked_calls
from backend_lint.context import FileContext
from backend_lint.finding import Applicability, Finding
from backend_lint.fixing.sql_parameters import inline_sql, plan_parameters, render_call
from backend_lint.rule import Option, Rule, visits

if TYPE_CHECKING:
    import libcst as cst

    from backend_lint.fixing.context import FixContext

_KIND_WORDS = {
    FSTRING: "an f-string",
    PERCENT: "`%` formatting",
    FORMAT_METHOD: "`.format()`",
    CONCATENATION: "`+` concatenation",
    "+=": "`+=`",
    JOIN: "`join`",
}
_REVIEWED = lazy_compile(r"#.*(?:noqa\b.*\bS608\b|nosec\b(?!.*\bB\d{3}\b)|nosec\b.*\bB608\b)")


class SqlStringFormatting(Rule):
    code = "BE101"
    name = "sql-string-formatting"
    message = "`{sink}` runs SQL built with {how}{where}; {advice}{why}"
    fix_title = "Pass the values as query parameters"
    fix_kind = Applicability.UNSAFE
    fix_node = "Call"
    triggers = ("execute", "text", "raw", "extra", "RawSQL", "read_sql", "fetch", "scalar", "iterate")
    options = (
        Option(
            "report-formatted-identifiers",
            bool,
            False,
            "also report SQL whose only formatted parts are names (tables, columns) the code puts in itself,"
            " when the call binds no values; names from the request are always reported",
        ),
        Option(
            "script-paths",
            list,
            ["scripts/", "bin/", "manage.py", "setup.py", "management/commands/"],
            "paths of command line scripts, whose input is the operator's own (folders end in '/', globs allowed)",
        ),
        Option(
            "report-internal-values",
            bool,
            False,
            "also report values the function makes itself (read from the database, the models' metadata, its own"
            " loops and computations); by default a value is reported when it comes from outside the function:"
            " a parameter, the request, the environment or the command line",
        ),
    )
    needs = (sql_reaching, imported_value, constants, module_roles, in_migration, schema_version_step, lookup,
             handler_for, unpacked_calls, in_cli_context, cli_module, cli_command_class, callers_pass_safe,
             key_parameter)
    module_facts = (test_support, cli_module_fact)

    @visits(ast.Call)
    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        reaching = list(sql_reaching(node, ctx))
        if not reaching:
            return  # most calls run no SQL: ask the costlier questions below only of those that do
        if ctx.path_matches(self.option("script-paths")) or in_cli_context(ctx.scope, ctx) or in_command_class(ctx):
            return  # command line code: the operator's own input, run once in the operator's shell
        for sink, sql, provenance in reaching:
            fragment = sink.fragment or _condition_text(node, ctx)
            if not (fragment or provenance.is_data_statement):
                continue
            unsafe = [hole for hole in provenance.unsafe_holes() if not _named_placeholders(hole, sink, provenance)]
            row_keys = _row_keys(unsafe, ctx)
            unsafe = [hole for hole in unsafe if hole not in row_keys]
            if not unsafe or in_migration(ctx) or schema_version_step(ctx) or _reviewed(node, provenance, ctx):
                continue
            pieces = provenance.pieces
            keys = _bound_mapping_keys(unsafe, sink, provenance, ctx)
            structural = [h for h in unsafe if h in keys or not in_value_position(pieces, pieces.index(h))]
            if fragment and len(structural) == len(unsafe):
                continue  # ``RawSQL("%s.%s" % (table, column))``: names in an expression, no value to bind
            if len(structural) == len(unsafe) and not _from_request(unsafe, ctx) and (
                _binds_values(sink, provenance) or not self.option("report-formatted-identifiers")
            ):
                continue  # only names put in by the code (a query builder, introspection): the client's text counts
            if not self.option("report-internal-values") and not _from_outside(unsafe, ctx):
                continue  # every value is made by the function itself (rows it read, model metadata): no input
            evidence = _evidence(unsafe, pieces, ctx, internal=self.option("report-internal-values"))
            if not evidence and self.option("report-formatted-identifiers"):
                evidence = [hole for hole in structural if _from_outside([hole], ctx, through_rows=False)]
            if not evidence:
                continue  # no request text, and no outside value spliced into a quoted string: nothing shown
            why = _no_fix_reason(sink, sql)
            if why is None and ctx.comment_inside(node):
                why = "a comment inside the call would be lost"
            where = ""
            if provenance.variable and provenance.built_at is not None:
                line = _assigned_line(provenance.variable, provenance.built_at, node, ctx)
                where = f" in `{provenance.variable}` (line {line})"
            elif provenance.variable:
                where = f" in `{provenance.variable}`"
            elif provenance.built_at is not None and not (
                node.lineno <= provenance.built_at.lineno <= (node.end_lineno or node.lineno)
            ):
                where = f" on line {provenance.built_at.lineno}"
            advice = (
                "pass values as query parameters and pick identifiers from a fixed allow-list"
                if structural else "pass the values as query parameters"
            )
            self.report(
                ctx, node,
                unless=(*_imported_constants(evidence, ctx), *command_base_facts(ctx),
                        *(() if self.option("report-internal-values") else _callers_facts(evidence, ctx))),
                applicability=Applicability.UNSAFE if why is None else Applicability.NONE,
                fix_data=sink.paramstyle if why is None else None,
                sink=sink.name,
                how=_KIND_WORDS.get(provenance.kind or "", "formatting"),
                where=where,
                advice=advice,
                why="" if why is None else f" (no fix: {why})",
            )
            return

    def fix(self, finding: Finding, node: cst.CSTNode, fixer: FixContext) -> Optional[cst.CSTNode]:
        import libcst  # noqa: PLC0415 - fix path only

        if not finding.fix_data or fixer.has_comments(node):
            return None
        parsed = fixer.call_of(node)
        if parsed is None or not parsed[1].args:
            return None
        code, call = parsed
        plan = plan_parameters(call.args[0], finding.fix_data)
        if plan is None:
            return None
        rendered = render_call(code, call, plan, finding.fix_data)
        return libcst.parse_expression(rendered) if rendered else None


def _evidence(unsafe: list[Hole], pieces: list[Piece], ctx: FileContext, internal: bool) -> list[Hole]:
    """The holes that show the finding is worth a maintainer's time: all of them when one reads the request (or
    a parameter of the handler the call is in); else those spliced inside a quoted SQL string (``= '{x}'``,
    ``LIKE '%{x}%'``, ``GET_METADATA("{x}")``) whose value comes from outside the function (a parameter, the
    environment, the command line; with ``report-internal-values``, any). The quotes are the author's own word
    that the value is text, the shape in which a quote in it breaks out; an unquoted part (``id = {x}``, ``IN
    ({ids})``, ``LIMIT {n}``) was on real applications an integer, a key or a placeholder list in nearly every
    judged case, and is reported only from the request. The quoted value must hold the outside text itself or
    through locals made from it, not through the rows of a query the function ran (pybossa's ids of the runs a
    helper read on its caller's project id). With ``report-formatted-identifiers``, a name from outside (``FROM
    {table}``) counts too. In a module that talks to PostgreSQL only, ``"{x}"`` is a quoted identifier
    (``MAX("{column}")``, feast's offline store), not a string (:func:`postgres_only`)."""
    if _from_request(unsafe, ctx):
        return unsafe
    postgres = postgres_only(ctx)
    return [hole for hole in unsafe if in_string_literal(pieces, pieces.index(hole), postgres)
            and not schema_object_name(hole.expr, ctx)
            and (internal or _from_outside([hole], ctx, through_rows=False))]


def _condition_text(call: ast.Call, ctx: FileContext) -> bool:
    """``query.filter(text(f"name = '{x}'"))``: a ``text()`` given to a query method as a condition or an
    ordering, a fragment of a statement rather than a whole one."""
    parent = ctx.parent_of(call)
    return (isinstance(parent, ast.Call) and call in parent.args and isinstance(parent.func, ast.Attribute)
            and parent.func.attr in FRAGMENT_TAKERS and callee_name(call) == "text")


def _reviewed(call: ast.Call, provenance: SqlText, ctx: FileContext) -> bool:
    """A ``# noqa: S608`` (ruff's and flake8-bandit's code for SQL built from strings) or a ``# nosec`` (bandit's,
    bare or naming B608) on a line of the call, of the statement that formatted the SQL, or of a statement that
    assigned the variable the call runs: someone reviewed it already."""
    spans = [(call.lineno, call.end_lineno or call.lineno)]
    built: list[Union[ast.expr, ast.stmt]] = [provenance.built_at] if provenance.built_at is not None else []
    if provenance.variable:
        found = lookup(provenance.variable, ctx, ctx.scope)
        if found is not None:
            built.extend(value for value in found[1].assigned.get(provenance.variable, []) if value is not None)
    for node in built:
        first, last = node.lineno, node.end_lineno or node.lineno
        while last < len(ctx.lines) and ctx.lines[last].strip()[:1] in (")", "]", "}"):
            last += 1  # the closing brackets of ``sql = (\n f"..."\n)`` carry the statement's comment
        spans.append((first, last))
    return any(
        _REVIEWED.search(ctx.lines[number - 1])
        for first, last in spans
        for number in range(max(first, 1), min(last, len(ctx.lines)) + 1)
    )


_OUTSIDE_INPUT = ("os.environ", "os.getenv", "sys.argv", "input(")
_BOUND = lazy_compile(r"(?<![%\w])(?:\?|%s|%\(\w+\)s|\$\d+)|(?<![:\w]):[A-Za-z_]\w*")


def _assigned_line(variable: str, built_at: Union[ast.expr, ast.stmt], call: ast.Call, ctx: FileContext) -> int:
    """The line to name for the variable the call runs: where its text was formatted, or, when that happened
    in a helper (``query = self._build(...)``), the line of this function that assigned the variable."""
    line = built_at.lineno
    function = ctx.scope.function
    if function is None or function.lineno <= line <= (function.end_lineno or line):
        return line
    found = lookup(variable, ctx, ctx.scope)
    lines = [value.lineno for value in (found[1].assigned.get(variable, []) if found else [])
             if value is not None and value.lineno <= call.lineno]
    lines += [u.lineno for u in unpacked_calls(ctx, function).get(variable, []) if u.lineno <= call.lineno]
    return max(lines) if lines else line


def _binds_values(sink: Sink, provenance: SqlText) -> bool:
    """The call passes parameters, or its SQL holds placeholders (``?``, ``%s``, ``:name``, ``$1``)."""
    return sink.has_params or bool(_BOUND.search(provenance.text))


def _named_placeholders(hole: Hole, sink: Sink, provenance: SqlText) -> bool:
    """A part named for the placeholders it holds (``placeholders``, ``id_placeholders``) in a call that binds
    values: the list of ``?`` marks a helper builds for the values passed beside it (rotki's ``for chunk,
    placeholders in get_query_chunks(ids)``), whose construction this file may not show."""
    return isinstance(hole.expr, ast.Name) and hole.expr.id.lower().endswith("placeholders") \
        and _binds_values(sink, provenance)


def _row_keys(holes: list[Hole], ctx: FileContext) -> list[Hole]:
    """The holes that are a row's key: read off an object (``document.knowledge_id``, ``user.id``), or a parameter
    of the same name as such a read that the SQL takes in its place on another path, of a function that is no
    request handler (``k_id = knowledge_id`` or else ``k_id = document.knowledge_id``, then ``'{k_id}'``): the
    code itself shows the parameter holds that column's values, an integer or a UUID the database made (a read
    off the request or a handler's parameter, ``body.owner_id``, is the client's). On real
    applications these were MaxKB's knowledge ids (a UUID foreign key) formatted into an index name."""
    read = [hole for hole in holes if (key_read(hole.expr) or _key_local(hole.expr, ctx))
            and not _from_request([hole], ctx)]
    columns = {hole.expr.attr for hole in read if isinstance(hole.expr, ast.Attribute)}
    return read + [
        hole for hole in holes
        if isinstance(hole.expr, ast.Name) and hole.expr.id in columns and key_parameter(hole.expr.id, ctx, ctx.scope)
    ]


def _key_local(expr: ast.expr, ctx: FileContext) -> bool:
    """A local assigned only a row's key (``workflow_id = workflow.id``, then ``{workflow_id}``: archery's
    Oracle backup), or what an object's getter of a key returns, asked nothing (``change.get_copr_id()``,
    copr's models returning ``self.id``), neither a parameter nor a loop's variable."""
    if not isinstance(expr, ast.Name):
        return False
    found = lookup(expr.id, ctx, ctx.scope)
    if found is None or expr.id in found[1].params or expr.id in found[1].loop_targets:
        return False
    values = found[1].assigned.get(expr.id)
    return values is not None and bool(values) and expr.id not in found[1].augmented and all(
        value is not None and (key_read(value) or _key_getter(value)) for value in values)


def _key_getter(value: ast.expr) -> bool:
    """``change.get_search_related_copr_id()``: a method named for getting a key, called with nothing, off an
    object that is not the request."""
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and not value.args \
        and not value.keywords and value.func.attr.startswith("get_") and names_a_key(value.func.attr[4:]) \
        and "request" not in ast.unparse(value.func.value)


def _bound_mapping_keys(holes: list[Hole], sink: Sink, provenance: SqlText, ctx: FileContext) -> list[Hole]:
    """The holes that are the keys of a mapping the code walks while it passes the values as parameters
    (``for key, value in filters.items(): sql += f" AND {key} = :v"; params["v"] = value``): the code treats the
    keys as names of fields, not as data, as a query builder does, so they count as names (reported only when
    they come from the request), wherever they sit in the text."""
    if not _binds_values(sink, provenance):
        return []
    formatted = {node.id for hole in holes for node in ast.walk(hole.expr) if isinstance(node, ast.Name)}
    found = []
    for hole in holes:
        if not isinstance(hole.expr, ast.Name):
            continue
        bound = lookup(hole.expr.id, ctx, ctx.scope)
        looped = loop_element(hole.expr.id, bound[1], hole.expr.lineno) if bound is not None else None
        if looped is None or looped[1] != 0 or not (
            isinstance(looped[2], ast.Call) and isinstance(looped[2].func, ast.Attribute)
            and looped[2].func.attr == "items"
        ):
            continue
        value = _item_value(looped[0])
        if value is not None and value not in formatted and any(
            isinstance(node, ast.Name) and node.id == value for statement in looped[0].body
            for node in ast.walk(statement)
        ):
            found.append(hole)  # the value is read in the loop, and not formatted: it travels as a parameter
    return found


def _item_value(loop: Union[ast.For, ast.AsyncFor]) -> Optional[str]:
    """The name a ``for key, value in mapping.items()`` loop (also numbered by ``enumerate``) gives each value."""
    target = loop.target
    if isinstance(target, ast.Tuple) and len(target.elts) == 2 and isinstance(target.elts[1], ast.Tuple):
        target = target.elts[1]  # for index, (key, value) in enumerate(...)
    if not isinstance(target, ast.Tuple) or len(target.elts) != 2 or not isinstance(target.elts[1], ast.Name):
        return None
    return target.elts[1].id if unpacked_item(loop, target.elts[1].id) is not None else None


def _from_request(holes: list[Hole], ctx: FileContext) -> bool:
    """A hole that reads the request, or a parameter of the handler the call is in (a path or query
    parameter), directly or through a local assigned from one."""
    function = ctx.scope.function
    handler = handler_for(ctx, function) if function is not None else None
    sources = {"request"}
    if handler is not None:
        sources |= {param.name for param in handler.params} | set(handler.request_names)
    return _mentions_source(holes, sources, ctx)


def _from_outside(holes: list[Hole], ctx: FileContext, through_rows: bool = True) -> bool:
    """A hole whose value comes from outside the function: a parameter of it (any caller's text; ``self`` and
    ``cls`` are the object, not input), the request, the environment or the command line, directly or through
    a local assigned from one. Values the function makes itself (hex digests of rows it read, a model's
    ``_meta.db_table``, the primary keys of a query) carry nobody's text."""
    function = ctx.scope.function
    sources = {"request"}
    if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        arguments = function.args
        every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs, arguments.vararg, arguments.kwarg]
        sources |= {argument.arg for argument in every if argument is not None} - {"self", "cls"}
        sources -= _handles(function)
    handles = _handles(function) if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) else set()
    return _from_request(holes, ctx) or _mentions_source(
        holes, sources, ctx, deep=True, opaque=frozenset() if through_rows else frozenset(handles))


_QUERY_METHODS = frozenset({
    "execute", "executemany", "query", "fetch", "fetchall", "fetchone", "fetchrow", "fetchval", "scalar",
    "scalars", "cursor", "raw",
})


def _handles(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Names of the function that hold a handle, not text: a connection, cursor or session it runs queries
    on (``cursor.execute(...)``), a model class whose manager or metadata it reads (``model.objects``,
    ``model._meta.db_table``). What comes back from them is what the function read, not its caller's text."""
    found = set()
    for node in own_nodes(function):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and (
            node.attr in _QUERY_METHODS or node.attr in ("objects", "_meta")
        ):
            found.add(node.value.id)
    return found


def _mentions_source(holes: list[Hole], sources: set[str], ctx: FileContext, deep: bool = False,
                     opaque: frozenset[str] = frozenset()) -> bool:
    """A hole mentions one of ``sources`` (or the request, the environment, the command line), itself or in
    what the names it reads were assigned or looped over; ``deep``: also what those names were assigned,
    unpacked from (``sql, params = build(...)``) or looped over in turn, a few assignments back. A query run on
    one of the ``opaque`` handles (``runs = conn.execute(...)``) is not looked into: its rows are not the text
    it was asked with."""
    function = ctx.scope.function
    unpacked = unpacked_calls(ctx, function) if deep and function is not None else {}
    expressions: list[tuple[ast.AST, int]] = [(hole.expr, 0) for hole in holes]
    seen: set[str] = set()
    while expressions and len(seen) <= _MAX_NAMES_FOLLOWED:
        expression, depth = expressions.pop()
        if opaque and isinstance(expression, (ast.Call, ast.Await)) and _queried_on(expression, opaque):
            continue
        for node in ast.walk(expression):
            if isinstance(node, ast.Name) and node.id in sources:
                return True
            if isinstance(node, ast.Attribute) and (node.attr == "request" or ast.unparse(node) in sources):
                return True
            if isinstance(node, (ast.Attribute, ast.Call)) and ast.unparse(node).startswith(_OUTSIDE_INPUT):
                return True  # the environment or the command line: text from outside the program
            if isinstance(node, ast.Name) and node.id not in seen and (deep or depth == 0):
                seen.add(node.id)
                found = lookup(node.id, ctx, ctx.scope)
                if found is not None:
                    expressions.extend((v, depth + 1) for v in found[1].assigned.get(node.id, []) if v is not None)
                    expressions.extend((loop.iter, depth + 1) for loop in found[1].loop_targets.get(node.id, []))
                expressions.extend((element.call, depth + 1) for element in unpacked.get(node.id, []))
    return False


_MAX_NAMES_FOLLOWED = 50


def _queried_on(expression: ast.Call | ast.Await, handles: frozenset[str]) -> bool:
    """``conn.execute(...)``, ``await cur.fetch(...)``: a call of a method of one of ``handles``."""
    call = expression.value if isinstance(expression, ast.Await) else expression
    return isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) \
        and isinstance(call.func.value, ast.Name) and call.func.value.id in handles


def _callers_facts(unsafe: list[Hole], ctx: FileContext) -> tuple[ProjectFact, ...]:
    """When the formatted parts come from outside only through parameters of the function (no request, no
    environment): the finding stands unless every known caller in the project passes them safe values. A
    parameter that is a handle (the connection the function queries on) is no source, as for
    :func:`_from_outside`: pybossa's ``create_result(conn, project_id, task_id)`` joins the ids of rows it read
    on ``conn``, and what its caller passes as ``conn`` says nothing about them."""
    if _from_request(unsafe, ctx) or _mentions_source(unsafe, set(), ctx, deep=True):
        return ()
    function = ctx.scope.function
    handles = _handles(function) if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) else set()
    fact = callers_fact(ctx, lambda names: _mentions_source(unsafe, names - handles, ctx, deep=True))
    return (fact,) if fact is not None else ()


def _imported_constants(unsafe: list[Hole], ctx: FileContext) -> tuple[ProjectFact, ...]:
    """When every unsafe hole is a value imported from another module (or an element of one), the finding
    stands unless the project shows them all to be literal constants there."""
    names = [_imported_text(hole.expr, ctx) for hole in unsafe]
    if not names or any(name is None for name in names):
        return ()
    return (constants(name for name in names if name is not None),)


def _imported_text(expr: ast.expr, ctx: FileContext) -> Optional[str]:
    """What the project model can say is constant text: an imported value (``RETAINED_TABLES``, an element of
    it), a call of an imported function of the project (``queries.active_filter()``, written ``name()``), or a
    local unpacked from one (``cols, params = queries.columns(x)``, written ``name()[0]``), or a loop variable
    unpacked from each item of one (``for chunk, marks in db.query_chunks(ids)``, written ``name()[:][1]``)."""
    if isinstance(expr, ast.Call):
        qualified = _project_function(expr, ctx)
        return f"{qualified}()" if qualified is not None else None
    if isinstance(expr, ast.Name):
        found = lookup(expr.id, ctx, ctx.scope)
        assigned = found[1].assigned.get(expr.id, []) if found is not None else []
        unpacked = unpacked_calls(ctx, found[0].node).get(expr.id, []) if found is not None else []
        if assigned and len(unpacked) == len(assigned) == 1 and assigned[0] is None:
            qualified = _project_function(unpacked[0].call, ctx)
            return f"{qualified}()[{unpacked[0].index}]" if qualified is not None else None
        looped = loop_element(expr.id, found[1], expr.lineno) if found is not None else None
        iterated = looped[2] if looped is not None else None
        if isinstance(iterated, ast.Name) and found is not None:
            iterated = lookup_value(iterated.id, found)  # chunks = utils.get_query_chunks(ids); for ... in chunks
        if looped is not None and isinstance(iterated, ast.Call):
            qualified = _project_function(iterated, ctx)
            return f"{qualified}()[:][{looped[1]}]" if qualified is not None else None
    return imported_value(expr, ctx, ctx.scope)


def lookup_value(name: str, found: tuple[Scope, Bindings]) -> Optional[ast.expr]:
    """The one value ``name`` is assigned in the scope that binds it (``None`` when bound otherwise too)."""
    return found[1].single_value(name) if name not in found[1].params else None


def _project_function(call: ast.Call, ctx: FileContext) -> Optional[str]:
    """The qualified name of the function of the file's own package that ``call`` runs, imported."""
    qualified = imported_qualified(ctx, call.func)
    package = ctx.module.partition(".")[0]
    return qualified if qualified is not None and package and qualified.startswith(package + ".") else None


def _no_fix_reason(sink: Sink, sql: ast.expr) -> Optional[str]:
    """Why the parameterizing fix cannot apply, or ``None`` when it can."""
    if not inline_sql(sql):
        return "the SQL is built away from the call"
    if isinstance(sql, ast.Call) and not (isinstance(sql.func, ast.Attribute) and sql.func.attr == "format"):
        return "the SQL comes out of another call"
    if sink.helper:
        return "the SQL goes through a helper"
    if sink.method in ("executescript", "executemany"):
        return f"`{sink.method}` needs the values per row"
    if sink.has_params:
        return "the call already passes parameters"
    if sink.paramstyle is None:
        return "the driver's placeholder style is unknown here"
    call = sink.call
    first = bool(call.args) and call.args[0] is sql and not call.keywords
    if not first or (len(call.args) > 1 and sink.driver != "databases"):
        return "the SQL is not the call's only argument"
    if plan_parameters(sql, sink.paramstyle) is None:
        return "a formatted part is not a plain value"
    return None
