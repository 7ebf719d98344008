"""Staff tools that check their own request body: administrators' handlers answering a missing field with 4xx (BE303).

Sefaria's ``version_bulk_edit_api`` and ``version_bulk_delete_api`` are ``@staff_member_required`` tools posted
by the moderators' own pages: they read their required keys under ``try: ... except KeyError: return
jsonResponse({...}, status=400)``, refuse an empty list, and only look versions up by what they were sent.
Judged on real code, maintainers close a schema request for such a tool as "not a bug": the people who post to
it are the project's own staff, and the tool already tells them what they left out. An administrators' handler
that stores a body it never checks (pgAdmin's ``save_permissions``, calibre-web's domain edit, where a missing
key is a 500) was judged worth the schema, and stays reported: both conditions are needed.

The same check written as tests counts too: every key the handler subscripts from the body is first tested present
by an ``if`` that answers 4xx (``if "key" not in data: abort(400, description="key is missing")``), OctoPrint's
administrators' group and user creation, whose group manager then answers a duplicate key or a subgroup cycle
with 409. A key subscripted untested (a missing key a 500) keeps the finding, as for the ``try`` form.
"""

from __future__ import annotations

import ast

from backend_lint.analysis.admin_only import admin_only
from backend_lint.analysis.ast_helpers import own_nodes
from backend_lint.analysis.checked_fields import answers_client_error
from backend_lint.analysis.handler_types import Handler
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.shape_checks import tested_keys

_MISSING_KEY = frozenset({"KeyError", "LookupError", "Exception"})


def staff_tool_checking_fields(handler: Handler, reads: list[ast.expr]) -> bool:
    """Only administrators or staff reach ``handler`` (declared on it: :func:`~.admin_only.admin_only`), and it
    reads the body's keys (``data["versionTitle"]``, the local a read of ``reads`` is assigned to) inside a ``try``
    whose ``except KeyError`` answers 4xx, or tests each key it subscripts present first, a missing one answered
    4xx: it tells its staff caller which required field is missing."""
    if not admin_only(handler):
        return False
    nodes = list(own_nodes(handler.function))
    read_ids = {id(read) for read in reads}
    names = {
        target.id for node in nodes if isinstance(node, ast.Assign)
        and id(node.value.value if isinstance(node.value, ast.Await) else node.value) in read_ids
        for target in node.targets if isinstance(target, ast.Name)
    }
    if not names:
        return False
    for node in nodes:
        if isinstance(node, ast.Try) and _reads_keys(node.body, names) and any(
            _catches_missing_key(clause) and answers_client_error(clause.body) for clause in node.handlers
        ):
            return True
    return _subscripts_tested_keys(nodes, names)


def _subscripts_tested_keys(nodes: list[ast.AST], names: set[str]) -> bool:
    """The body's locals are subscripted, and only with keys an ``if`` answering 4xx tests present first
    (``if "name" not in data: abort(400)``, then ``data["name"]``)."""
    refusing = [node for node in nodes if isinstance(node, ast.If) and answers_client_error(node.body)]
    subscripts = [(node, node.value.id, node.slice) for node in nodes
                  if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load)
                  and isinstance(node.value, ast.Name) and node.value.id in names]
    return bool(subscripts) and all(
        isinstance(key, ast.Constant)
        and any(guard.lineno < node.lineno and key.value in tested_keys(guard.test, name) for guard in refusing)
        for node, name, key in subscripts
    )


def _reads_keys(body: list[ast.stmt], names: set[str]) -> bool:
    return any(
        isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load)
        and isinstance(node.value, ast.Name) and node.value.id in names
        for statement in body for node in ast.walk(statement)
    )


def _catches_missing_key(clause: ast.ExceptHandler) -> bool:
    """``except KeyError``, ``except (KeyError, TypeError)``, ``except Exception``."""
    kinds = clause.type.elts if isinstance(clause.type, ast.Tuple) else [clause.type] if clause.type else []
    return any((dotted_name(kind) or "").rpartition(".")[2] in _MISSING_KEY for kind in kinds)
