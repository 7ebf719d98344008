"""A create that only fills a name a lookup left empty: a get-or-create by hand (BE305).

kpi's checkout link: ``organization = Organization.objects.filter(users=user).first()`` then ``if not
organization: organization = create_organization(user, ...)``. The create runs only when the lookup found
nothing, and what follows uses the one found or made: a second request finds the first one's record and creates
nothing, so the handler does not announce a new resource (the page's get-or-create by hand, spelled as a fill
of the missing value rather than an early return of the found one).
"""

from __future__ import annotations

import ast
from typing import Optional

from backend_lint.analysis.ast_helpers import own_nodes


def _missing_test(test: ast.expr) -> Optional[str]:
    """``not organization``, ``organization is None``: the name tested for having found nothing."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.Name):
        return test.operand.id
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Is) \
            and isinstance(test.left, ast.Name) and isinstance(test.comparators[0], ast.Constant) \
            and test.comparators[0].value is None:
        return test.left.id
    return None


def filled_if_missing(function: ast.AST, line: int) -> bool:
    """The create on ``line`` of ``function`` is ``x = create(...)`` under ``if not x:`` (or ``if x is None:``)
    where ``x`` was first assigned the result of a call (a lookup) in the same function."""
    looked_up: dict[str, int] = {}
    for node in own_nodes(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and isinstance(node.value, (ast.Call, ast.Await)):
            assigned = node.targets[0].id
            looked_up[assigned] = min(looked_up.get(assigned, node.lineno), node.lineno)
    for node in own_nodes(function):
        if not isinstance(node, ast.If):
            continue
        name = _missing_test(node.test)
        if name is None or name not in looked_up or looked_up[name] >= node.lineno:
            continue
        for statement in node.body:
            if isinstance(statement, ast.Assign) and statement.lineno <= line <= (statement.end_lineno or line) \
                    and any(isinstance(target, ast.Name) and target.id == name for target in statement.targets):
                return True
    return False

