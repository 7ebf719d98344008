"""Work a handler applies only to rows a query selects as not yet done (BE301).

codabench's ``invite_users``: ``users = User.objects.filter(id__in=ids).exclude(organizations=pk)``, then
``org.users.add(*users)`` and a mail to each of them. The query leaves out the rows the handler's own write
already made (the users already members), so a retried request selects no one and adds and mails no one a
second time: the filter is the guard that makes the costly effect happen once. Read in two spellings:

- rows selected with ``.exclude(...)`` and added to a relation (``rel.add(*rows)``, ``rel.add(rows)``);
- rows selected by a flag not yet set (``filter(sent=False)``, ``filter(notified_at__isnull=True)``) whose flag
  the handler then sets (``rows.update(sent=True)``, ``row.notified_at = now``).
"""

from __future__ import annotations

import ast

from backend_lint.analysis.ast_helpers import callee_name, own_nodes
from backend_lint.analysis.response_flow import chain_root


def _chain_calls(expr: ast.AST) -> list[ast.Call]:
    calls = []
    while isinstance(expr, (ast.Call, ast.Attribute, ast.Subscript, ast.Await)):
        if isinstance(expr, ast.Call):
            calls.append(expr)
            expr = expr.func
        else:
            expr = expr.value
    return calls


def _unset_flags(call: ast.Call) -> set[str]:
    """``filter(sent=False)``, ``filter(notified_at__isnull=True)``: the fields a row must not have set yet."""
    found = set()
    for keyword in call.keywords:
        if keyword.arg is None or not isinstance(keyword.value, ast.Constant):
            continue
        if keyword.arg.endswith("__isnull") and keyword.value.value is True:
            found.add(keyword.arg.removesuffix("__isnull"))
        elif "__" not in keyword.arg and keyword.value.value is False:
            found.add(keyword.arg)
    return found


def applies_once(function: ast.AST) -> bool:
    """``function`` selects the rows it acts on by what its own write marks as done (see the module)."""
    excluded: set[str] = set()
    flags: dict[str, set[str]] = {}
    for node in own_nodes(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            calls = _chain_calls(node.value)
            if any(callee_name(call) == "exclude" for call in calls):
                excluded.add(node.targets[0].id)
            unset = {flag for call in calls if callee_name(call) == "filter" for flag in _unset_flags(call)}
            if unset:
                flags[node.targets[0].id] = unset
    if not excluded and not flags:
        return False
    set_fields: set[str] = set()
    for node in own_nodes(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "add" and any(
                (isinstance(arg, ast.Starred) and isinstance(arg.value, ast.Name) and arg.value.id in excluded)
                or (isinstance(arg, ast.Name) and arg.id in excluded) for arg in node.args
            ):
                return True
            if node.func.attr == "update" and chain_root(node.func.value) in flags:
                set_fields |= {keyword.arg for keyword in node.keywords if keyword.arg}
        elif isinstance(node, ast.Assign):
            set_fields |= {target.attr for target in node.targets if isinstance(target, ast.Attribute)}
    return any(fields & set_fields for fields in flags.values())
