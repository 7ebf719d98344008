"""A create that only fills a name a lookup left empty: a get-or-create by hand (BE305).

kpi's checkout link: ``organization = Organization.objects.filter(users=user).first()`` then ``if not
organization: organization = create_organization(user, ...)``. The create runs only when the lookup found
nothing, and what follows uses the one found or made: a second request finds the first one's record and creates
nothing, so the handler does not announce a new resource (the page's get-or-create by hand, spelled as a fill
of the missing value rather than an early return of the found one). The same written as ``if``/``else`` (CAPEv2's
node registration: ``if exitnode_db: exitnode = exitnode_db`` / ``else: exitnode = ExitNodes(name=...)``, then
``db.add(exitnode)``): the object stored is the one found or made.
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


def _found_test(test: ast.expr) -> Optional[str]:
    """``organization``, ``organization is not None``: the name tested for having found something."""
    if isinstance(test, ast.Name):
        return test.id
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.IsNot) \
            and isinstance(test.left, ast.Name) and isinstance(test.comparators[0], ast.Constant) \
            and test.comparators[0].value is None:
        return test.left.id
    return None


def filled_if_missing(function: ast.AST, line: int) -> bool:
    """The create on ``line`` of ``function`` is ``x = create(...)`` under ``if not x:`` (or ``if x is None:``)
    where ``x`` was first assigned the result of a call (a lookup) in the same function; or the ``else`` of ``if
    x:`` (``if x is not None:``) makes ``y`` where the ``if`` takes the found one as ``y`` (``if found: y = found``
    then ``else: y = Model(...)``), ``y`` being ``x`` itself or another name: either way what follows uses the
    one found or made. The create may also be the ``session.add(y)`` (``y.save()``) after such an ``if``: the
    object stored is the one found or made."""
    looked_up: dict[str, int] = {}
    for node in own_nodes(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and isinstance(node.value, (ast.Call, ast.Await)):
            assigned = node.targets[0].id
            looked_up[assigned] = min(looked_up.get(assigned, node.lineno), node.lineno)
    stored = _stored_names(function, line)
    for node in own_nodes(function):
        if not isinstance(node, ast.If):
            continue
        name = _missing_test(node.test)
        if name is not None and name in looked_up and looked_up[name] < node.lineno:
            if any(name in _makes(statement, line) for statement in node.body):
                return True
            if name in stored and node.lineno < line and any(name in _made(statement) for statement in node.body):
                return True
            continue
        name = _found_test(node.test)
        if name is None or name not in looked_up or looked_up[name] >= node.lineno:
            continue
        taken = {name}.union(*(_made(statement) for statement in node.body if _assigns(statement, name)))
        if any(_makes(statement, line) & taken for statement in node.orelse):
            return True
        if node.lineno < line and stored & taken & set().union(*(_made(statement) for statement in node.orelse)):
            return True
    return False


def _stored_names(function: ast.AST, line: int) -> set[str]:
    """The names a call on ``line`` stores: ``session.add(y)``, ``y.save()``."""
    names: set[str] = set()
    for node in own_nodes(function):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.lineno == line):
            continue
        if node.func.attr == "add" and node.args and isinstance(node.args[0], ast.Name):
            names.add(node.args[0].id)
        elif node.func.attr == "save" and isinstance(node.func.value, ast.Name):
            names.add(node.func.value.id)
    return names


def _makes(statement: ast.stmt, line: int) -> set[str]:
    """The names a plain assignment spanning ``line`` binds (none for any other statement)."""
    if statement.lineno <= line <= (statement.end_lineno or line):
        return _made(statement)
    return set()


def _made(statement: ast.stmt) -> set[str]:
    """The names a plain assignment binds (none for any other statement)."""
    if isinstance(statement, ast.Assign):
        return {target.id for target in statement.targets if isinstance(target, ast.Name)}
    return set()


def _assigns(statement: ast.stmt, name: str) -> bool:
    """``y = name``: the found value taken under another name."""
    return isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Name) and statement.value.id == name
