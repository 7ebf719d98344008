"""Text a loop unpacks from each item a function hands back: ``for chunk, marks in query_chunks(ids)``.

A helper that splits a long id list for SQL's variable limit returns, for each chunk, the chunk and its
placeholder list (rotki's ``get_query_chunks``: ``[(chunk, ",".join(["?"] * len(chunk))) for ...]``), and its
callers format the second element into ``IN (...)`` while binding the first. What the loop variable holds is
whatever the helper put at that position of every item: when that is constant SQL text (placeholders,
literals, safe parts only, by BE101's own reading of the helper), nothing a caller passes reaches the SQL.

The items are read from every ``return`` of the function (a list or tuple written out of tuples, or a list,
set or generator comprehension whose element is a tuple) or, in a generator, from every ``yield`` of a tuple.
:mod:`.safe_holes` asks it for a helper of the same file; the project summary records the positions for a
helper of another module (``DefSummary.item_text_elements``).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional, Union

from backend_lint.analysis.ast_helpers import own_nodes
from backend_lint.analysis.facts import reads
from backend_lint.analysis.resolve import returned_values

if TYPE_CHECKING:
    from backend_lint.analysis.bindings import Bindings
    from backend_lint.context import FileContext

Loop = Union[ast.For, ast.AsyncFor]
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp)


def loop_element(name: str, bindings: Bindings, line: int = 0) -> Optional[tuple[Loop, int, ast.expr]]:
    """The loop that binds ``name`` by unpacking each item (``for chunk, marks in ...``, also ``for index,
    (chunk, marks) in enumerate(...)``), the position of ``name`` in each item and what the loop iterates
    over (the call inside ``enumerate``): the innermost such loop around ``line`` (a use inside it) when no
    other binding of the name sits inside that loop, else the only binding of the name."""
    loops = bindings.loop_targets.get(name, [])
    if not loops or name in bindings.params:
        return None
    around = [loop for loop in loops if loop.lineno <= line <= (loop.end_lineno or loop.lineno)]
    others = [*bindings.assigned.get(name, []), *bindings.augmented.get(name, [])]
    if around:
        loop = max(around, key=lambda candidate: candidate.lineno)
        if any(other is None or loop.lineno <= other.lineno <= (loop.end_lineno or loop.lineno) for other in others):
            return None
    elif len(loops) == 1 and not others:
        loop = loops[0]
    else:
        return None
    found = unpacked_item(loop, name)
    return (loop, *found) if found is not None else None


def unpacked_item(loop: Loop, name: str) -> Optional[tuple[int, ast.expr]]:
    """Where ``name`` sits in each item the loop unpacks (``for chunk, marks in ...``: ``marks`` is 1) and what
    yields the items: the loop's iterable, or the one ``enumerate(...)`` numbers
    (``for index, (chunk, marks) in enumerate(chunks)``)."""
    target, iterated = loop.target, loop.iter
    if (isinstance(iterated, ast.Call) and isinstance(iterated.func, ast.Name) and iterated.func.id == "enumerate"
            and iterated.args and isinstance(target, ast.Tuple) and len(target.elts) == 2):
        target, iterated = target.elts[1], iterated.args[0]
    position = _position(target, name)
    return (position, iterated) if position is not None else None


def _position(target: ast.expr, name: str) -> Optional[int]:
    if not isinstance(target, (ast.Tuple, ast.List)) or any(isinstance(e, ast.Starred) for e in target.elts):
        return None
    positions = [index for index, element in enumerate(target.elts)
                 if isinstance(element, ast.Name) and element.id == name]
    return positions[0] if len(positions) == 1 else None


@reads(returned_values)
def item_tuples(ctx: FileContext, function: ast.AST) -> list[ast.Tuple]:
    """The tuples the items of what ``function`` hands back are written as, when every item is one: every
    ``return`` gives a list or tuple of tuples or a comprehension of a tuple, or the function yields only
    tuples. Empty when any item is something else."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return []
    returns = returned_values(ctx, function)
    if returns:
        found: list[ast.Tuple] = []
        for value in returns:
            items = _written_items(value)
            if items is None:
                return []
            found.extend(items)
        return found
    yielded: list[ast.Tuple] = []
    for node in own_nodes(function):
        if isinstance(node, ast.YieldFrom) or (isinstance(node, ast.Return) and node.value is not None):
            return []
        if isinstance(node, ast.Yield):
            if not isinstance(node.value, ast.Tuple):
                return []
            yielded.append(node.value)
    return yielded


def _written_items(value: Optional[ast.expr]) -> Optional[list[ast.Tuple]]:
    if isinstance(value, _COMPREHENSIONS):
        return [value.elt] if isinstance(value.elt, ast.Tuple) else None
    if isinstance(value, (ast.List, ast.Tuple)) and value.elts and all(
        isinstance(element, ast.Tuple) for element in value.elts
    ):
        return [element for element in value.elts if isinstance(element, ast.Tuple)]
    return None


def positions(tuples: list[ast.Tuple]) -> int:
    """How many elements every item has (0 when they differ)."""
    sizes = {len(item.elts) for item in tuples}
    return sizes.pop() if len(sizes) == 1 and not any(
        isinstance(element, ast.Starred) for item in tuples for element in item.elts
    ) else 0
