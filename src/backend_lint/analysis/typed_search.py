"""Whether a query's rows are picked by a pattern the client typed: a search (BE104's evidence core).

An unbounded list is worth a maintainer's time when the code itself shows that the client chooses how many rows
come back. The plainest such evidence is a search by pattern on a value the client sent:
``Exercise.objects.filter(name__icontains=q)`` with ``q = request.GET.get("term")`` (a one-letter term matches
most of the catalogue), ``select(Prompt).where(Prompt.title.ilike(f"%{text}%"))``, ``Snapshot.objects.filter(
url__startswith=base_url(path))`` with ``path`` from the URL. Fourteen rounds of judged findings on unseen
applications found that lists with this evidence were judged TRUE far more often than lists without it (whole
tables, a constant filter, the rows of one parent), whose size depends on data the code does not show.

Read here:

- :func:`pattern_terms`: the values matched by pattern in a query's calls: a Django lookup ending in
  ``__icontains``/``__contains``/``__istartswith``/``__startswith``/``__iendswith``/``__endswith``/
  ``__iregex``/``__regex``/``__search``/``__trigram_similar`` (in the call's keywords or in ``Q(...)`` objects,
  also a ``Q`` assigned to a local), and SQLAlchemy's ``column.ilike(...)``/``like``/``contains``/
  ``startswith``/``endswith``/``regexp_match``/``match`` in the call's arguments.
- :func:`typed_by_client`: the value is made from what the request carries (:func:`.request_reads.sent_by_client`),
  through f-strings, ``+``, a ``for`` over words of the request (``for word in query.split()``) and the view's
  ``self.request``/``self.kwargs``.
- :func:`searched`, :func:`sql_search`, :func:`view_searches`: the evidence itself, for an ORM query, SQL text
  run with parameters, and a list view's own ``get_queryset``/``filter_queryset``.
- :func:`refined_later`: the calls that narrow the same local later in the function (``queryset =
  queryset.filter(given_name__icontains=word)`` after ``queryset = Person.objects.all()``), so a search written
  in steps counts for the query it starts from.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import callee_name
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.facts import reads
from backend_lint.analysis.handlers import handler_for
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.request_reads import read_from_request, sent_by_client
from backend_lint.analysis.response_flow import chain_root

if TYPE_CHECKING:
    from backend_lint.context import FileContext

PATTERN_LOOKUPS = frozenset({
    "icontains", "contains", "istartswith", "startswith", "iendswith", "endswith", "iregex", "regex", "search",
    "trigram_similar", "trigram_word_similar", "unaccent",
})
"""Django lookups that match a pattern: the number of rows they keep depends on the term, not on a key."""
PATTERN_METHODS = frozenset({
    "ilike", "like", "contains", "startswith", "endswith", "istartswith", "iendswith", "icontains",
    "regexp_match", "match",
})
"""SQLAlchemy column operators that match a pattern (``Item.name.ilike(f"%{q}%")``)."""
_VIEW_REQUEST_PARTS = frozenset({"request", "kwargs", "query_params", "GET", "data"})
"""Attributes of a class-based view's ``self`` that hold what the client sent (``self.request.GET``,
``self.kwargs["slug"]`` from the URL)."""
_MAX_HOPS = 2


def _lookup_is_pattern(key: str) -> bool:
    return "__" in key and key.rsplit("__", 1)[1] in PATTERN_LOOKUPS


def _q_terms(expr: ast.expr, ctx: FileContext, hops: int) -> Iterator[ast.expr]:
    """The pattern values of ``Q(name__icontains=q) | Q(alias__icontains=q)``, or of a local holding one."""
    if isinstance(expr, ast.Name) and hops < _MAX_HOPS:
        function = ctx.scope.function
        if function is not None and not isinstance(function, ast.Lambda):
            value = bindings_of(ctx, function).single_value(expr.id)
            if value is not None:
                yield from _q_terms(value, ctx, hops + 1)
        return
    for node in ast.walk(expr):
        if isinstance(node, ast.Call) and (callee_name(node) == "Q"
                                           or (ctx.imports.resolve(node.func) or "").endswith(".Q")):
            yield from (keyword.value for keyword in node.keywords
                        if keyword.arg is not None and _lookup_is_pattern(keyword.arg))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in PATTERN_METHODS and node.args:
            yield node.args[0]


def pattern_terms(calls: list[ast.Call], ctx: FileContext) -> list[ast.expr]:
    """The values the calls of a query match by pattern (see the module docstring)."""
    found: list[ast.expr] = []
    for call in calls:
        found += [keyword.value for keyword in call.keywords
                  if keyword.arg is not None and _lookup_is_pattern(keyword.arg)]
        for arg in call.args:
            found += list(_q_terms(arg, ctx, 0))
    return found


@reads(bindings_of, handler_for)
def typed_by_client(expr: ast.expr, ctx: FileContext, function: Optional[ast.AST] = None, hops: int = 0) -> bool:
    """The value is made from what the client sent (see the module docstring); a constant pattern is not.
    ``function`` is the one holding ``expr`` when it is not the scope being walked (a list view's
    ``get_queryset`` read from the class)."""
    function = function if function is not None else ctx.scope.function
    if isinstance(expr, ast.JoinedStr):
        return any(typed_by_client(part.value, ctx, function, hops)
                   for part in expr.values if isinstance(part, ast.FormattedValue))
    if isinstance(expr, ast.BinOp):
        return typed_by_client(expr.left, ctx, function, hops) or typed_by_client(expr.right, ctx, function, hops)
    if isinstance(expr, ast.Constant):
        return False
    current: ast.AST = expr
    while isinstance(current, (ast.Call, ast.Attribute, ast.Subscript)):
        if isinstance(current, ast.Attribute) and isinstance(current.value, ast.Name) \
                and current.value.id in ("self", "cls"):
            return current.attr in _VIEW_REQUEST_PARTS
        if isinstance(current, ast.Call) and hops < _MAX_HOPS and any(
                typed_by_client(arg, ctx, function, hops + 1) for arg in current.args):
            return True  # ``base_url(path)``, ``query.strip()``
        current = current.func if isinstance(current, ast.Call) else current.value
    if not isinstance(current, ast.Name) or current.id in ("self", "cls") \
            or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    if read_from_request(current, ctx):
        return True
    bindings = bindings_of(ctx, function)
    if current.id in bindings.loop_targets:
        # ``for word in query.split(): queryset = queryset.filter(name__icontains=word)``
        return hops < _MAX_HOPS and any(
            isinstance(node, (ast.For, ast.AsyncFor)) and isinstance(node.target, ast.Name)
            and node.target.id == current.id and typed_by_client(node.iter, ctx, function, hops + 1)
            for node in ast.walk(function))
    values = _assigned_values(current.id, function)
    if values:
        # ``slug, archivefile = path.split("/", 1)`` in one branch and ``slug = path.split("/", 1)[0]`` in the
        # other: every value the name takes is the client's
        return hops <= _MAX_HOPS and all(typed_by_client(value, ctx, function, hops + 1) for value in values)
    return function is ctx.scope.function and sent_by_client(current, ctx)


def _assigned_values(name: str, function: ast.AST) -> list[ast.expr]:
    """The values assigned to ``name`` in ``function``, a tuple target's whole value for its elements."""
    values: list[ast.expr] = []
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                elements = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
                for position, element in enumerate(elements):
                    if isinstance(element, ast.Name) and element.id == name:
                        value = node.value
                        paired = isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(elements)
                        values.append(value.elts[position] if isinstance(value, (ast.Tuple, ast.List)) and paired
                                      else value)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name \
                and node.value is not None:
            values.append(node.value)
    return values


def refined_later(statement: ast.stmt, function: ast.AST) -> list[ast.Call]:
    """The calls made later in ``function`` on the local ``statement`` assigns (``qs = qs.filter(...)``)."""
    if not isinstance(statement, ast.Assign):
        return []
    names = {target.id for target in statement.targets if isinstance(target, ast.Name)}
    if not names:
        return []
    return [node for node in ast.walk(function)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and getattr(node, "lineno", 0) > statement.lineno and chain_root(node) in names]


_SQL_PATTERN = lazy_compile(r"\b(?:I?LIKE|SIMILAR\s+TO|REGEXP)\b|~~\*?|~\*", re.IGNORECASE)
"""A pattern match in SQL text: ``LIKE``/``ILIKE``, ``SIMILAR TO``, ``REGEXP``, PostgreSQL's ``~~``/``~*``."""


@reads(bindings_of, handler_for)
def searched(node: ast.Call, calls: list[ast.Call], ctx: FileContext, function: ast.AST) -> bool:
    """The query ``node`` (whose chain is ``calls``) keeps the rows matching a pattern the client typed, in its
    own chain or in a later step on the local it is assigned to (``queryset = queryset.filter(
    given_name__icontains=word)``)."""
    found = list(calls)
    statement: Optional[ast.AST] = node
    while statement is not None and not isinstance(statement, ast.stmt):
        statement = ctx.parent_of(statement)
    if isinstance(statement, ast.stmt):
        found += refined_later(statement, function)
    return any(typed_by_client(term, ctx) for term in pattern_terms(found, ctx))


@reads(bindings_of, handler_for)
def sql_search(node: ast.Call, text: str, ctx: FileContext) -> bool:
    """SQL text that matches a pattern (``WHERE name ILIKE %s``) run by ``node`` with parameters the client
    sent."""
    if not _SQL_PATTERN.search(text):
        return False
    values = [*node.args[1:], *(keyword.value for keyword in node.keywords)]
    return any(typed_by_client(part, ctx) for value in values
               for part in (value.elts if isinstance(value, (ast.Tuple, ast.List)) else [value]))


@reads(bindings_of, handler_for)
def view_searches(node: ast.ClassDef, ctx: FileContext, methods: Iterable[str]) -> bool:
    """A list view whose own ``methods`` (``get_queryset``, ``filter_queryset``...) match a pattern the client
    typed (``Tag.objects.filter(name__icontains=self.request.GET["q"])``)."""
    names = set(methods)
    overrides = [item for item in node.body
                 if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name in names]
    return any(typed_by_client(term, ctx, item) for item in overrides
               for term in pattern_terms([call for call in ast.walk(item) if isinstance(call, ast.Call)], ctx))
