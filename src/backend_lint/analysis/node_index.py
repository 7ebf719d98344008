"""Every node of a file by type, and each node's parent: one reading of the whole tree that the whole-module
readers share instead of each walking the module again.

The project summary reads several facts of the whole module after the engine's walk (the commands it declares,
whether it starts a service, the rows it makes, the URLs its HTTP calls name, the settings it renders, the calls
of its own functions). Each walked the tree on its own with :func:`ast.walk`, the cost of about half a parse
every time. The engine's walk already records every node's parent (``ctx.parents``, leaves no rule visits
included), so once it is done the index comes from that record in one pass over a dict; before it (a rule asking
during the walk) or without it (no rule triggered in the file, a summary pass with no rules) the index walks the
tree once itself. The nodes of a type come in no particular order: readers that use it answer with sets,
booleans or counts.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Optional, TypeVar

from backend_lint.analysis.facts import file_fact
from backend_lint.analysis.tree_walk import child_nodes

if TYPE_CHECKING:
    from backend_lint.context import FileContext

N = TypeVar("N", bound=ast.AST)


class NodeIndex:
    """The nodes of one tree by exact type, and their parents (the module has none)."""

    def __init__(self, by_type: dict[type, list[ast.AST]], parents: dict[ast.AST, ast.AST]) -> None:
        self._by_type = by_type
        self._parents = parents

    def of(self, kind: type[N]) -> list[N]:
        """The nodes of this exact type."""
        return self._by_type.get(kind, [])  # type: ignore[return-value]  # the list holds that type only

    def functions(self) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
        """The ``def`` and ``async def`` statements."""
        return [*self.of(ast.FunctionDef), *self.of(ast.AsyncFunctionDef)]

    def parent(self, node: ast.AST) -> Optional[ast.AST]:
        return self._parents.get(node)

    @property
    def parents(self) -> Mapping[ast.AST, ast.AST]:
        """Every node's parent, for readers that climb from a node many times."""
        return self._parents


@file_fact()
def node_index(ctx: FileContext) -> NodeIndex:
    """The file's nodes by type and their parents: from the engine's record once its walk is done, else from one
    walk of the tree here."""
    by_type: defaultdict[type, list[ast.AST]] = defaultdict(list)
    by_type[ast.Module].append(ctx.tree)
    if ctx.walked:
        parents = ctx.parents
        for node in parents:
            by_type[type(node)].append(node)
        return NodeIndex(by_type, parents)
    own: dict[ast.AST, ast.AST] = {}
    pending: list[ast.AST] = [ctx.tree]
    while pending:
        node = pending.pop()
        for child in child_nodes(node):
            if isinstance(child, _NO_NODES):
                continue  # ``Load``, ``Add``...: shared singletons, no node of the code
            own[child] = node
            by_type[type(child)].append(child)
            pending.append(child)
    return NodeIndex(by_type, own)


_NO_NODES = (ast.expr_context, ast.boolop, ast.operator, ast.unaryop, ast.cmpop)
