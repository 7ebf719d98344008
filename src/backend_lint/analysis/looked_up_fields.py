"""Body fields that are only ids or names resolved by a lookup the handler answers when it fails (BE303).

A handler that reads body fields by hand is usually missing a schema. Judged on real applications, one kind is
not: every field is an id or a name of a row (``searchindex_id``, ``timeline_id``) that the handler resolves by a
lookup (``SearchIndex.get_by_id(searchindex_id)``, ``SearchIndex.query.filter_by(index_name=name).first()``),
and a lookup that finds nothing is answered at once (``if not timeline: abort(404, ...)``). A value the client
made up matches no row and is refused; nothing of the body is stored as sent (Timesketch's event labelling).

What is read, in the handler: every raw read is assigned to one local (``form = request.json``, an ``if not
form: form = request.data`` fallback included), which is only tested or read with ``.get("key")`` into a local
of its own; each such field local is only tested (``if not (a or b)``), given as the one value of a lookup
(a call named ``get_by_id``, ``get``, ``get_or_404``, ``filter_by`` or ``filter`` whose value is assigned to a
local that an ``if not row:`` right after turns away with ``abort``/``raise``/``return``), or, once looked up,
formatted into text; and every field is looked up at least once. A field stored, handed to anything else or
never looked up keeps the finding.
"""

from __future__ import annotations

import ast
from typing import Optional

from backend_lint.analysis.ast_helpers import assigned_name, block_holding, callee_name, own_nodes

_LOOKUPS = frozenset({"get_by_id", "get", "get_or_404", "filter_by", "filter", "first_or_404"})


def fields_only_looked_up(function: ast.AST, reads: list[ast.expr]) -> bool:
    """Every field of the body is an id resolved by a lookup whose miss is answered (see the module docstring)."""
    nodes = list(own_nodes(function))
    parents = {child: node for node in [function, *nodes] for child in ast.iter_child_nodes(node)}
    documents: set[str] = set()
    for read in reads:
        target = assigned_name(read, parents)
        if target is None:
            return False
        documents.add(target)
    fields: set[str] = set()
    for node in nodes:
        if not (isinstance(node, ast.Name) and node.id in documents):
            continue
        if isinstance(node.ctx, ast.Store):
            continue
        if _tested(node, parents):
            continue
        field = _field_local(node, parents)
        if field is None:
            return False
        fields.add(field)
    if not fields:
        return False
    for field in fields:
        looked_up = False
        for node in nodes:
            if not (isinstance(node, ast.Name) and node.id == field and isinstance(node.ctx, ast.Load)):
                continue
            if _tested(node, parents):
                continue
            lookup = _lookup_of(node, parents)
            if lookup is not None:
                if not _miss_answered(lookup, parents):
                    return False
                looked_up = True
                continue
            if not isinstance(parents.get(node), ast.FormattedValue):
                return False
        if not looked_up:
            return False
    return True



def _tested(node: ast.expr, parents: dict[ast.AST, ast.AST]) -> bool:
    """``node`` is only tested: the test of an ``if`` (through ``not``, ``and``/``or``)."""
    child: ast.AST = node
    parent = parents.get(child)
    while isinstance(parent, (ast.BoolOp, ast.UnaryOp)) and (
            not isinstance(parent, ast.UnaryOp) or isinstance(parent.op, ast.Not)):
        child, parent = parent, parents.get(parent)
    return isinstance(parent, (ast.If, ast.IfExp, ast.While)) and parent.test is child


def _field_local(load: ast.Name, parents: dict[ast.AST, ast.AST]) -> Optional[str]:
    """``searchindex_id = form.get("searchindex_id")``: the local the field goes to."""
    attribute = parents.get(load)
    call = parents.get(attribute) if isinstance(attribute, ast.Attribute) else None
    if isinstance(attribute, ast.Attribute) and attribute.attr == "get" and isinstance(call, ast.Call) \
            and call.func is attribute and len(call.args) == 1 and isinstance(call.args[0], ast.Constant) \
            and not call.keywords:
        return assigned_name(call, parents)
    return None


def _lookup_of(load: ast.Name, parents: dict[ast.AST, ast.AST]) -> Optional[ast.Call]:
    """``Timeline.get_by_id(timeline_id)``, ``query.filter_by(index_name=name)``: the lookup ``load`` is the one
    value of (not the receiver's)."""
    holder = parents.get(load)
    if isinstance(holder, ast.keyword):
        holder = parents.get(holder)
    if not (isinstance(holder, ast.Call) and isinstance(holder.func, ast.Attribute)
            and callee_name(holder) in _LOOKUPS and len(holder.args) + len(holder.keywords) == 1
            and not any(part is load for part in ast.walk(holder.func))):
        return None
    return holder


def _miss_answered(lookup: ast.Call, parents: dict[ast.AST, ast.AST]) -> bool:
    """The lookup's row is assigned to a local (through ``.first()``/``.one_or_none()``) and the next statement
    turns away a miss: ``if not row: abort(404, ...)``."""
    node: ast.AST = lookup
    while True:
        parent = parents.get(node)
        if isinstance(parent, ast.Attribute) and isinstance(parents.get(parent), ast.Call):
            node = parents[parent]
            continue
        break
    statement = parents.get(node)
    if not (isinstance(statement, ast.Assign) and statement.value is node and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)):
        return False
    row = statement.targets[0].id
    current: ast.AST = statement
    for _ in range(4):
        holder = parents.get(current)
        siblings = block_holding(holder, current)
        if siblings is None:
            return False
        index = next(position for position, statement in enumerate(siblings) if statement is current)
        for later in siblings[index + 1:]:
            if isinstance(later, ast.If) and _negates(later.test, row) and _leaves(later.body):
                return True
        if not isinstance(holder, ast.If):
            return False
        current = holder  # ``if name: row = ...`` / ``elif ...``: the turn-away follows the choice
    return False


def _negates(test: ast.expr, name: str) -> bool:
    """``not row`` or ``row is None``."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return isinstance(test.operand, ast.Name) and test.operand.id == name
    return isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == name \
        and isinstance(test.ops[0], ast.Is) and isinstance(test.comparators[0], ast.Constant)


def _leaves(body: list[ast.stmt]) -> bool:
    """The block ends the handler: ``abort(...)``, ``raise``, ``return``."""
    last = body[-1] if body else None
    if isinstance(last, (ast.Raise, ast.Return)):
        return True
    return isinstance(last, ast.Expr) and isinstance(last.value, ast.Call) and callee_name(last.value) == "abort"
