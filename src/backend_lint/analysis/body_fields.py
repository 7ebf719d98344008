"""Where one field of a request body, or the whole body, goes on to in a handler (part of :mod:`.handler_body`).

Two questions BE303 asks about a raw body read, answered over the parents and name loads that
:mod:`.handler_body` collects in its one walk of the handler:

- *Is one field kept as one value?* A field read into a local (or used where it is read) that is only tested,
  compared, converted, handed to a helper that checks it (``unquote(data["file_name"])``,
  ``get_storage_directory(shared_storage=storage)`` as that call's only argument), turned into text by a string
  method (``data["content"].encode(enc)``), written to a file, logged, or echoed back in the answer next to a
  use that checks it, is not a store of the client's columns: a schema would add nothing the helper does not
  check. A field only echoed back, or handed by keyword with other values (``save_profile(overrides=data,
  display_name=name)``), stays raw.
- *Is the body forwarded?* A handler that hands the body (or a copy of it, however reshaped on the way:
  ``{**form_data}``, ``json.dumps(payload)``) to a call whose answer it reads as an HTTP response
  (``r.status``, ``response.status_code``) is a pass-through proxy: the service it forwards to validates the
  body and answers for it, and a schema in the proxy would drop what that service accepts.
- *Is the body only text fields of a form?* (:func:`form_text_only`) Flask's ``request.form["bookmark"]`` is a
  string or a 400 already; fields of a form never decoded hold no type, structure or key the client chose.
"""

from __future__ import annotations

import ast
from typing import Optional

from backend_lint.analysis.ast_helpers import callee_name
from backend_lint.analysis.preference_stores import own_preference_store

CONVERTERS = frozenset({"int", "float", "bool", "UUID", "Decimal"})
DECODERS = frozenset({"loads", "load", "literal_eval", "parse", "decode", "b64decode"})
SINK_METHODS = frozenset({
    "insert", "insert_one", "insert_many", "create", "update", "update_one", "update_many", "add", "save", "set",
    "hset", "execute", "bulk_create", "filter", "filter_by", "get_or_create", "update_or_create", "put_item",
    "send", "publish", "write", "replace_one", "upsert",
})
_TEXT_METHODS = frozenset({
    "encode", "strip", "lstrip", "rstrip", "lower", "upper", "casefold", "replace", "removeprefix", "removesuffix",
})
"""String methods: the field is text, and stays one value."""
_BUILDERS = frozenset({"dict", "list", "set", "tuple", "setattr"})
_DEPTH = 4


class BodyFieldUses:
    """Mixed into the handler summariser: ``parents`` maps each node of the handler to its parent, ``loads``
    each local name to its loads, ``status_reads`` the locals whose HTTP status the handler reads."""

    parents: dict[ast.AST, ast.AST]
    loads: dict[str, list[ast.Name]]
    status_reads: set[str]

    def assigned_names(self, value: ast.expr) -> set[str]:
        parent = self.parents.get(value)
        if isinstance(parent, (ast.Assign, ast.AnnAssign, ast.NamedExpr)):
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            return {target.id for target in targets if isinstance(target, ast.Name)}
        return set()

    def flow_up(self, node: ast.expr) -> ast.expr:  # (overridden by the summariser)
        return node

    def handler_function(self) -> Optional[ast.AST]:  # (overridden by the summariser)
        return None

    # -- one field kept as one value ------------------------------------------------------------------------

    def scalar_value_checked(self, value: ast.expr, depth: int = 0) -> bool:
        """Every use of ``value`` (through the locals it is assigned to) keeps it one checked value."""
        value = self.flow_up(value)
        names = self.assigned_names(value)
        uses: list[ast.expr] = [load for name in names for load in self.loads.get(name, [])] if names else [value]
        return self.scalar_uses_checked(uses, depth)

    def scalar_uses_checked(self, uses: list[ast.expr], depth: int = 0) -> bool:
        """Each use keeps the field one checked value; echoing it back in the answer counts only next to a use
        that checks it (a field only echoed is not checked)."""
        others = [use for use in uses if not self._echoed(use)]
        return bool(others) and all(self.scalar_checked(use, depth) for use in others)

    def scalar_checked(self, use: ast.expr, depth: int = 0) -> bool:
        """A local holding one field is tested (``if not client_id``), compared, converted (``int(rows)``),
        handed to a helper function by position (``self._stream(client_id)``) or by keyword as that call's only
        argument (``get_storage_directory(shared_storage=storage)``), logged (also formatted into the message of a
        log or activity-trail call), written to a file or turned into text by a string method whose result is one
        of the above: it is checked or goes on as one value. Fields
        read from it, a model or a store (``Order(name=name)``, ``.create(name=name)``) keep it raw."""
        parent = self.parents.get(use)
        if isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not):
            use, parent = parent, self.parents.get(parent)
        if isinstance(parent, ast.BoolOp):
            use, parent = parent, self.parents.get(parent)
        if isinstance(parent, (ast.If, ast.While, ast.IfExp)) and parent.test is use:
            return True
        if isinstance(parent, ast.Compare):
            return True
        if isinstance(parent, ast.Attribute) and parent.value is use and parent.attr in _TEXT_METHODS:
            call = self.parents.get(parent)
            return isinstance(call, ast.Call) and call.func is parent and depth < _DEPTH \
                and self.scalar_value_checked(call, depth + 1)
        if isinstance(parent, ast.keyword) and parent.arg is not None:
            call = self.parents.get(parent)
            return isinstance(call, ast.Call) and self._helper(call, write=False) and (
                _logging(call) or len(call.args) + len(call.keywords) == 1
            )
        if self._into_own_preferences(use, parent):
            return True  # preferences.set(f"tables.{table_name}.columns", columns): the user's own UI state
        if isinstance(parent, ast.FormattedValue):
            text = self.parents.get(parent)
            call = self.parents.get(text) if isinstance(text, ast.JoinedStr) else None
            return isinstance(call, ast.Call) and text in call.args and _records_text(call)
        if isinstance(parent, ast.Call) and use in parent.args:
            if isinstance(parent.func, ast.Name) and parent.func.id in CONVERTERS:
                return True
            return self._helper(parent, write=True)
        return False

    def _into_own_preferences(self, use: ast.expr, parent: Optional[ast.AST]) -> bool:
        """``use`` (or an f-string key made from it) is an argument of a write into the requesting user's own
        preference store (:mod:`.preference_stores`)."""
        if isinstance(parent, ast.FormattedValue) and isinstance(self.parents.get(parent), ast.JoinedStr):
            use = self.parents[parent]  # type: ignore[assignment]  # the JoinedStr
            parent = self.parents.get(use)
        return isinstance(parent, ast.Call) and use in parent.args \
            and own_preference_store(parent, self.handler_function())

    def _echoed(self, use: ast.expr) -> bool:
        parent = self.parents.get(use)
        return isinstance(parent, ast.Dict) and use in parent.values and self._answered(parent)

    def _helper(self, call: ast.Call, write: bool) -> bool:
        """``call`` is a helper function or method (``unquote``, ``self._stream``), not a model, a store or a
        decoder (``json.loads(data)`` makes a document of it, with fields); a file's ``write`` of one value
        counts as a helper when ``write``."""
        last = callee_name(call)
        if not last or not last.lstrip("_")[:1].islower() or last in DECODERS or last in _BUILDERS:
            return False
        return last not in SINK_METHODS or (write and last == "write")

    def _answered(self, literal: ast.Dict) -> bool:
        """The dict literal is the handler's answer: returned, or given to ``jsonify``/a response class."""
        parent = self.parents.get(literal)
        if isinstance(parent, ast.Return):
            return True
        if isinstance(parent, ast.keyword):
            parent = self.parents.get(parent)
        return isinstance(parent, ast.Call) and (
            callee_name(parent) in ("jsonify", "make_response") or callee_name(parent).endswith("Response")
        )

    # -- the body forwarded ---------------------------------------------------------------------------------

    def forwarded(self, value: ast.expr) -> bool:
        """The body ``value`` (an expression carrying it, already followed up) goes, whole or reshaped, into a
        call whose answer the handler reads as an HTTP response (``r = await session.request(data=payload)``,
        then ``r.status``): another service receives and validates it."""
        carriers: list[ast.expr] = [value]
        seen_names: set[str] = set()
        seen: set[int] = set()
        while carriers:
            carrier = carriers.pop()
            if id(carrier) in seen:
                continue
            seen.add(id(carrier))
            parent = self.parents.get(carrier)
            if isinstance(parent, ast.keyword):
                call = self.parents.get(parent)
                if parent.arg is not None and isinstance(call, ast.Call) and self._answers_with_status(call):
                    return True  # (``create(**data)`` assigns the client's fields: never a forward)
                continue
            if isinstance(parent, ast.Dict) and carrier in parent.values \
                    and parent.keys[parent.values.index(carrier)] is None:
                carriers.append(self.flow_up(parent))  # {**form_data, "stream": True}
                continue
            if isinstance(parent, ast.Call) and carrier in parent.args:
                if self._answers_with_status(parent):
                    return True
                if callee_name(parent)[:1].islower():
                    carriers.append(self.flow_up(parent))  # json.dumps(payload), convert_payload(payload)
                continue
            for name in self.assigned_names(carrier) - seen_names:
                seen_names.add(name)
                carriers.extend(self.loads.get(name, []))
        return False

    def _answers_with_status(self, call: ast.Call) -> bool:
        holder = self._holder(call)
        return holder is not None and holder in self.status_reads

    def _holder(self, call: ast.Call) -> Optional[str]:
        node: ast.AST = call
        parent = self.parents.get(node)
        if isinstance(parent, ast.Await):
            node, parent = parent, self.parents.get(parent)
        if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
            return parent.targets[0].id
        return None


def _logging(call: ast.Call) -> bool:
    return callee_name(call) in ("debug", "info", "warning", "warn", "error", "exception", "critical", "log")


def _records_text(call: ast.Call) -> bool:
    """A log line or an entry of the application's activity or audit trail (IRIS's ``track_activity(f"Folder
    {folder_name} added")``): the field goes on as words of a message, not as a value."""
    name = callee_name(call).lower()
    return _logging(call) or "activity" in name or "audit" in name


def http_status(attribute: ast.Attribute, parent: Optional[ast.AST]) -> bool:
    """``attribute`` reads an HTTP status: ``r.status_code``, or ``r.status`` compared with a number
    (``r.status >= 400``) or passed on as a status (``status_code=r.status``); a model's ``order.status``
    field is neither."""
    if attribute.attr == "status_code":
        return True
    if attribute.attr != "status":
        return False
    if isinstance(parent, ast.Compare):
        return any(
            isinstance(side, ast.Constant) and isinstance(side.value, int) and not isinstance(side.value, bool)
            for side in (parent.left, *parent.comparators)
        )
    return isinstance(parent, ast.keyword) and parent.arg in ("status", "status_code")


# -- one text field of a form ----------------------------------------------------------------------------------


def form_text_only(handler: ast.AST, reads: list[ast.expr]) -> bool:
    """Every raw read is Flask's ``request.form["key"]``/``request.form.get("key", ...)`` (or a test ``"key" in
    request.form``) whose text is never decoded (``json.loads``), wherever it goes afterwards. Werkzeug's form
    holds only strings and answers a missing ``form["key"]`` with 400 itself: the client cannot choose a type, a
    nested structure or the keys that are read, so a schema would only repeat "a string". Judged on real code,
    such findings were closed as "not a bug" whether the text was handed on (changedetection.io's test
    notification) or stored (calibre-web's reader bookmark, its admin's domain pattern); a form field decoded as
    JSON (Superset's ``json.loads(request.form["queryEditor"])``) is a document with fields, and stays raw."""
    parents = {child: node for node in ast.walk(handler) for child in ast.iter_child_nodes(node)}
    fields = 0
    for read in reads:
        parent = parents.get(read)
        if isinstance(read, ast.Attribute) and read.attr == "form" and isinstance(parent, ast.Compare) \
                and read in parent.comparators and all(isinstance(op, (ast.In, ast.NotIn)) for op in parent.ops):
            continue  # `"title" in request.form`: a test
        one = _form_field(parents, read)
        found = [one] if one is not None else _flat_copy_fields(parents, handler, read)
        if not found or any(field is None or _field_uses(parents, handler, field[1]) is None for field in found):
            return False  # the whole form handed on, or a field decoded into a structure
        fields += len(found)
    return fields > 0


def _flat_copy_fields(parents: dict[ast.AST, ast.AST], handler: ast.AST,
                      read: ast.expr) -> list[Optional[tuple[str, ast.expr]]]:
    """The fields read from a flat copy of the form (``vals = request.form.to_dict()`` then ``vals["pk"]``, or
    ``request.form.to_dict()["domainname"]``): strings still, as in the form itself. Empty when ``read`` is no
    such copy; a ``None`` among them when the copy is used otherwise than for a field by a literal key."""
    method = parents.get(read)
    call = parents.get(method) if isinstance(method, ast.Attribute) and method.attr == "to_dict" else None
    if not (isinstance(call, ast.Call) and call.func is method and not call.args and not call.keywords):
        return []
    holder = parents.get(call)
    if isinstance(holder, ast.Assign) and holder.value is call and len(holder.targets) == 1 \
            and isinstance(holder.targets[0], ast.Name):
        name = holder.targets[0].id
        copies: list[ast.expr] = [node for node in ast.walk(handler) if isinstance(node, ast.Name)
                                  and node.id == name and isinstance(node.ctx, ast.Load)]
    else:
        copies = [call]
    return [_keyed_field(parents, copy) for copy in copies]


def _form_field(parents: dict[ast.AST, ast.AST], read: ast.expr) -> Optional[tuple[str, ast.expr]]:
    """``("bookmark", request.form["bookmark"])`` for a read of ``request.form`` used as one field."""
    if not (isinstance(read, ast.Attribute) and read.attr == "form"):
        return None
    return _keyed_field(parents, read)


def _keyed_field(parents: dict[ast.AST, ast.AST], read: ast.expr) -> Optional[tuple[str, ast.expr]]:
    """``("pk", vals["pk"])`` for a mapping ``read`` used as one field by a literal key (a subscript or
    ``.get("key", ...)``), else ``None``."""
    parent = parents.get(read)
    if isinstance(parent, ast.Subscript) and parent.value is read:
        key = parent.slice
        field: ast.expr = parent
    elif isinstance(parent, ast.Attribute) and parent.attr == "get":
        call = parents.get(parent)
        if not (isinstance(call, ast.Call) and call.func is parent and call.args):
            return None
        key, field = call.args[0], call
    else:
        return None
    if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
        return None
    return key.value, field


def _field_uses(parents: dict[ast.AST, ast.AST], handler: ast.AST, field: ast.expr) -> Optional[list[ast.expr]]:
    """Where the field's text goes: the expression itself (through ``or``, ``if``-``else`` and string methods such
    as ``.strip()``), or the loads of the local it is assigned to; ``None`` when it is decoded (``json.loads``)."""
    value: ast.expr = field
    while True:
        parent = parents.get(value)
        if isinstance(parent, (ast.BoolOp, ast.IfExp)):
            value = parent
        elif isinstance(parent, ast.Attribute) and parent.attr in _TEXT_METHODS:
            method = parents.get(parent)
            if not isinstance(method, ast.Call):
                break
            value = method
        else:
            break
    parent = parents.get(value)
    if isinstance(parent, ast.Call) and callee_name(parent) in DECODERS:
        return None
    if not (isinstance(parent, ast.Assign) and parent.value is value):
        return [value]
    names = {target.id for target in parent.targets if isinstance(target, ast.Name)}
    loads: list[ast.expr] = [node for node in ast.walk(handler)
             if isinstance(node, ast.Name) and node.id in names and isinstance(node.ctx, ast.Load)]
    for load in loads:
        call = parents.get(load)
        if isinstance(call, ast.Call) and callee_name(call) in DECODERS:
            return None
    return loads
