"""A raw body whose structure the handler checks by hand before using it (BE303).

A schema at the boundary answers a body of the wrong shape (not an object, a required key missing) with a 4xx
instead of a 500. Judged on real applications, a handler that already does that by hand is not missing one:
Quay's security-scanner callback answers ``abort(400)`` unless ``isinstance(data, dict)`` and unless
``"notification_id" in data and "callback" in data``, then reads those two keys. The judged true findings all lacked
it: their bodies were read field by field with no test of the document at all, so a non-object body or a missing
key crashed before any 400 (PowerDNS-Admin's API key endpoint type-checks some fields but never the body).

What counts: a local bound to the raw read (``data = request.get_json()``) that is tested to be a mapping by an
``if`` answering 4xx (``if not isinstance(data, dict): abort(400)``), every key read from it by subscript
(``data["notification_id"]``) tested present by such an ``if`` (``if "notification_id" not in data: abort(400)``;
``data.get(...)`` needs no test), and no other use of it than these tests, those reads, log lines and the
refusals themselves (``logger.error("Expected JSON object, got %s", type(data).__name__)``): a document handed
whole, unpacked or iterated keeps the finding, as the checks then cover only a part of what is used.

Or, whatever the document is used for afterwards: its keys tested against an allow-list
(``if not set(posted) <= self.ALLOWED_KEYS``, ``if set(data) - ALLOWED``, ``if not set(data).issubset(...)``, the
difference bound to a local first, ``unknown = set(body) - writable`` then ``if unknown:``; or key by key in a loop
over the document, ``if key not in KNOWN: raise ...``), each failure answered 4xx. That is the schema written by
hand: RapidPro's user-settings endpoint refuses a non-object body and any key but its two settings before merging
the body into the user's own settings. The test that it is a mapping is not needed there (alerta's ``PUT /user/me``
refuses ``set(request.json.keys()) - ALLOWED_SELF_UPDATE_FIELDS`` with 400 and has none, judged "the key allow-list";
a body that is no object fails at ``.keys()`` or at the unpacking, before anything is stored), and the document may be
the raw read itself, read again where it is used. Without the allow-list, a body merged or unpacked
(``user.update(**data)``) still lets the client choose the columns.
"""

from __future__ import annotations

import ast
from typing import Optional

from backend_lint.analysis.ast_helpers import own_nodes
from backend_lint.analysis.checked_fields import answers_client_error

_LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log"})


def body_shape_checked(function: ast.AST, reads: list[ast.expr]) -> bool:
    """The body's keys are refused unless an allow-list holds them; or the body held by one local is tested to be a
    mapping, every key subscripted from it tested present, each failed test answered 4xx, and the local used for
    nothing else (see the module docstring)."""
    name = _body_local(function, reads)
    nodes = list(own_nodes(function))
    refusing = [node for node in nodes if isinstance(node, ast.If) and answers_client_error(node.body)]
    document = _Document(name, frozenset(id(read) for read in reads))
    key_sets = _key_set_locals(nodes, document)
    if any(_allow_lists_keys(guard.test, document, key_sets) or _keys_refused_in_loop(guard, document, nodes)
           for guard in refusing):
        return True  # the keys refused unless allowed: the whole document's structure is checked
    if name is None or not any(_tests_mapping(guard.test, name) for guard in refusing):
        return False
    required = {key for guard in refusing for key in tested_keys(guard.test, name)}
    parents = {child: node for node in nodes for child in ast.iter_child_nodes(node)}
    answering = {id(part) for guard in refusing for statement in guard.body for part in ast.walk(statement)}
    for load in (node for node in nodes if isinstance(node, ast.Name) and node.id == name
                 and isinstance(node.ctx, ast.Load) and id(node) not in answering):
        use = parents.get(load)
        if isinstance(use, ast.Subscript) and use.value is load:
            key = use.slice
            if not (isinstance(key, ast.Constant) and key.value in required):
                return False
        elif (isinstance(use, ast.Attribute) and use.attr == "get") or isinstance(use, ast.Compare) \
                or _isinstance_call(use):
            continue
        elif not (isinstance(use, ast.Call) and isinstance(use.func, ast.Attribute) and use.func.attr in _LOG_METHODS):
            return False
    return True


def _body_local(function: ast.AST, reads: list[ast.expr]) -> Optional[str]:
    """The one local every raw read is assigned to whole (``data = request.get_json(force=True)``, ``body = await
    request.json()``)."""
    read_ids = {id(read) for read in reads}
    names = set()
    for node in own_nodes(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = node.value.value if isinstance(node.value, ast.Await) else node.value
            if id(value) in read_ids or id(node.value) in read_ids:  # (``await request.json()`` is read whole)
                names.add(node.targets[0].id)
    return next(iter(names)) if len(names) == 1 else None


def _isinstance_call(node: Optional[ast.AST]) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "isinstance"


def _tests_mapping(test: ast.expr, name: str) -> bool:
    """``not isinstance(data, dict)`` (also among ``or`` alternatives)."""
    return any(isinstance(part, ast.UnaryOp) and isinstance(part.op, ast.Not) and isinstance(part.operand, ast.Call)
               and _isinstance_call(part.operand) and isinstance(part.operand.args[0], ast.Name)
               and part.operand.args[0].id == name for part in ast.walk(test))


class _Document:
    """The body as the code names it: the one local the raw read is assigned to, or a raw read itself (Flask's
    ``request.json``, read again each time: alerta's ``set(request.json.keys()) - ALLOWED_SELF_UPDATE_FIELDS``)."""

    def __init__(self, name: Optional[str], reads: frozenset[int]) -> None:
        self.name = name
        self.reads = reads

    def named(self, expr: ast.expr) -> bool:
        if isinstance(expr, ast.Name):
            return expr.id == self.name
        return id(expr) in self.reads


def _allow_lists_keys(test: ast.expr, name: _Document, key_sets: frozenset[str] = frozenset()) -> bool:
    """A refusing test of the document's keys against a set: ``not set(data) <= ALLOWED``, ``set(data) - ALLOWED``,
    ``not set(data).issubset(ALLOWED)`` (``data.keys()`` for ``set(data)`` too), or a local ``key_sets`` holds
    such a difference (``unknown = set(body) - writable`` then ``if unknown:``, Hail's pool settings)."""
    for part in ast.walk(test):
        if isinstance(part, ast.Name) and part.id in key_sets:
            return True
        if isinstance(part, ast.Compare) and len(part.ops) == 1 and isinstance(part.ops[0], (ast.LtE, ast.Lt)) \
                and _key_set(part.left, name):
            return True
        if isinstance(part, ast.BinOp) and isinstance(part.op, ast.Sub) and _key_set(part.left, name):
            return True
        if isinstance(part, ast.Call) and isinstance(part.func, ast.Attribute) and part.func.attr == "issubset" \
                and _key_set(part.func.value, name):
            return True
    return False


def _key_set_locals(nodes: list[ast.AST], name: _Document) -> frozenset[str]:
    """Locals bound once, to the document's keys less an allow-list (``unknown = set(body) - writable``)."""
    bound: dict[str, list[ast.expr]] = {}
    for node in nodes:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            bound.setdefault(node.targets[0].id, []).append(node.value)
    return frozenset(local for local, values in bound.items() if len(values) == 1
                     and isinstance(values[0], ast.BinOp) and isinstance(values[0].op, ast.Sub)
                     and _key_set(values[0].left, name))


def _keys_refused_in_loop(guard: ast.If, name: _Document, nodes: list[ast.AST]) -> bool:
    """``for key, value in body.items(): if key not in KNOWN: raise HTTPBadRequest(...)``: every key of the
    document is refused unless a set allows it, one by one (Hail's feature flags)."""
    test = guard.test
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.NotIn)
            and isinstance(test.left, ast.Name)):
        return False
    key = test.left.id
    return any(isinstance(loop, ast.For) and _iterates_keys(loop, name, key) and guard in loop.body
               for loop in nodes)


def _iterates_keys(loop: ast.For, name: _Document, key: str) -> bool:
    """The loop's variable ``key`` takes each key of the document: ``for key in data``, ``for key in
    data.keys()``, ``for key, value in data.items()``."""
    target = loop.target
    if isinstance(target, ast.Tuple) and target.elts:
        if not (isinstance(loop.iter, ast.Call) and isinstance(loop.iter.func, ast.Attribute)
                and loop.iter.func.attr == "items"):
            return False
        target, source = target.elts[0], loop.iter.func.value
    else:
        source = loop.iter
    return isinstance(target, ast.Name) and target.id == key and _key_set(source, name)


def _key_set(expr: ast.expr, name: _Document) -> bool:
    """``set(data)``, ``set(data.keys())``, ``data.keys()``: the document's keys."""
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "set" and len(expr.args) == 1:
        expr = expr.args[0]
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "keys":
        expr = expr.func.value
    return name.named(expr)


def tested_keys(test: ast.expr, name: str) -> set[str]:
    """``"notification_id" not in data``: the keys a refusing test requires present."""
    return {part.left.value for part in ast.walk(test)
            if isinstance(part, ast.Compare) and len(part.ops) == 1 and isinstance(part.ops[0], ast.NotIn)
            and isinstance(part.left, ast.Constant) and isinstance(part.left.value, str)
            and isinstance(part.comparators[0], ast.Name) and part.comparators[0].id == name}
