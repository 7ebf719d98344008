"""Exports of one object into a document: a PDF or a calendar built row by row from that object's children (BE103).

A view that answers with a document of one object (a workout's iCal file, a nutrition plan or a schedule as a
PDF) walks the object's children and writes each into the document: one ``Paragraph`` per meal, one ``Event``
per training day. The rows are the children of the one object the request names, few by the nature of the data
(the days of a week, the meals of a day), and each is laid out by the document library, work that dwarfs a
query. On real applications such loops were all judged not worth a finding. Two readings, both from the code:

- :func:`renders_document`: the function's own body calls a document library (``reportlab``, ``icalendar``,
  ``fpdf``, ``weasyprint``, ``pdfkit``, ``xhtml2pdf``), by its imported names.
- :func:`children_of_one_object`: the outermost loop over rows around a node iterates a related manager of one
  object (``schedule.schedulestep_set.all()``, ``plan.meal_set.select_related()``), not a model's manager
  (``Order.objects...``: a table that grows) and not the rows of an object a plain loop walks.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import TYPE_CHECKING

from backend_lint.analysis.ast_helpers import own_nodes
from backend_lint.analysis.facts import node_fact, reads
from backend_lint.analysis.orm import DJANGO, chain_calls, loop_query
from backend_lint.analysis.resolve import lookup

if TYPE_CHECKING:
    from backend_lint.context import FileContext

DOCUMENT_LIBRARIES = ("reportlab", "icalendar", "fpdf", "weasyprint", "pdfkit", "xhtml2pdf")
"""Packages that lay out a document (a PDF, an iCalendar file) from the records the code gives them."""


@node_fact()
def renders_document(ctx: FileContext, function: ast.AST) -> bool:
    """``function``'s own body (nested definitions left out) calls a name imported from a document library
    (``Paragraph(...)`` from ``reportlab.platypus``, ``Event()`` from ``icalendar``)."""
    for node in own_nodes(function):
        if isinstance(node, ast.Call):
            called = ctx.imports.resolve(node.func)
            if called is not None and called.partition(".")[0] in DOCUMENT_LIBRARIES:
                return True
    return False


@reads(loop_query, lookup)
def children_of_one_object(ctx: FileContext, loops: Sequence[ast.AST]) -> bool:
    """The outermost of ``loops`` (innermost first, as ``ctx.scope.loops`` gives them) that iterates rows
    iterates a Django related manager of one object: ``workout.day_set.all()`` where ``workout`` is no loop's
    row in the function (a parameter, the object the view fetched)."""
    outermost = None
    for loop in loops:
        if not isinstance(loop, ast.While) and loop_query(ctx, loop) is not None:
            outermost = loop
    if outermost is None:
        return False
    query = loop_query(ctx, outermost)
    if query is None or query.framework != DJANGO or query.model is not None or not query.calls:
        return False
    first = query.calls[0]
    if first not in chain_calls(getattr(outermost, "iter", None) or first):
        return False  # (rows read through a local: keep to the plain ``for day in workout.day_set.all()``)
    root: ast.expr = first.func
    while isinstance(root, ast.Attribute):
        root = root.value
    if not isinstance(root, ast.Name):
        return False
    found = lookup(root.id, ctx, ctx.scope)
    return found is not None and root.id not in found[1].loop_targets
