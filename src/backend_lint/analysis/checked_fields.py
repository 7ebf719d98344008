"""Body fields that the handler checks one by one before it uses them, answering a failed check with 4xx (BE303).

A handler that reads body fields by hand is usually missing a schema. It is not when the handler already does a
schema's work by hand: **every field it reads from the body is checked (converted, compared, looked up, tested by
a predicate) before it is used, and a failed check answers the client with 4xx**. A schema would only restate
those checks. Judged on real applications, the checks take many shapes, and all of them count here:

- converted or handed to a call inside a ``try`` whose ``except`` answers 4xx (``ts = int(data.get("ts"))`` and
  ``ExternalServiceType[service_name.upper()]`` under ``except (ValueError, KeyError): raise APIBadRequest``;
  ``save_pre_encrypted_reply(..., data["reply"])`` under ``except NotEncrypted: return ..., 400``;
  ``UUID(reply_uuid)`` under ``except ValueError: abort(400)``);
- tested by an ``if`` whose branch answers 4xx, with more than a truthiness test: a predicate call
  (``if not is_valid_uuid(mbid): raise APIBadRequest``), an allow-list (``if kind not in ALLOWED: abort(400)``),
  a bound (``if len(name) > 64: return ..., 400``), a type test (``isinstance``);
- looked up, the miss answered: ``row = Model.query.filter(Model.uuid == value).one_or_none()`` then ``if row is
  None: abort(404)``;
- converted or parsed where it is read (``int(...)``, ``uuid.UUID(...)``, a helper named for parsing or
  validating: ``parse_incs(data.get("inc"))``);
- for a list field, each element checked in a loop over it (``for mbid in recording_mbids: if not
  is_valid_uuid(mbid): raise ...``), also a loop written as the guard's test (``if not all(isinstance(name, str)
  for name in names): abort(400)``).

The body is reached through the raw read or one local it is assigned to; that document may also be tested
(``if request.json is None``, ``isinstance(data, Mapping)``, ``"reply" not in data``), but every other use must be
a field read (``data["k"]``, ``data.get("k", default)``), taken directly or into a local (also inside a ``try``).
A field only tested for presence (``if not text: abort(400)``), a document unpacked or handed whole, or one field
never checked keeps the finding.
"""

from __future__ import annotations

import ast
from typing import Optional

from backend_lint.analysis.ast_helpers import block_holding, callee_name, lifted, own_nodes
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.secret_names import split_identifier

_CONVERSIONS = frozenset({"int", "float", "Decimal", "UUID", "bool", "date", "datetime", "fromisoformat",
                          "strptime"})
_CHECKING_PREFIXES = ("validate", "valid", "is_valid", "check", "parse", "clean", "convert", "ensure", "verify",
                      "require")
_PRESENCE_CALLS = frozenset({"all", "any", "bool", "map", "filter"})
_CLIENT_ERROR_WORDS = frozenset({"bad", "invalid", "notfound", "conflict", "unprocessable", "forbidden",
                                 "validation", "client", "badrequest", "unauthorized", "notallowed", "refused"})


def fields_checked_by_hand(function: ast.AST, reads: list[ast.expr]) -> bool:
    """Every field the handler reads from the body is checked before use, a failed check answered with 4xx."""
    nodes = list(own_nodes(function))
    parents = {child: node for node in [function, *nodes] for child in ast.iter_child_nodes(node)}
    documents: set[str] = set()
    fields: list[ast.expr] = []
    for raw_read in reads:
        read = lifted(raw_read, parents, ast.Await, ast.BoolOp)
        if _tested(read, parents) or _in_refusal(read, parents):
            continue
        field = _field(read, parents)
        if field is not None:
            fields.append(field)
            continue
        parent = parents.get(read)
        if isinstance(parent, ast.Assign) and parent.value is read and len(parent.targets) == 1 \
                and isinstance(parent.targets[0], ast.Name):
            documents.add(parent.targets[0].id)
            continue
        return False
    for node in nodes:
        if not (isinstance(node, ast.Name) and node.id in documents and isinstance(node.ctx, ast.Load)):
            continue
        if _tested(node, parents) or _in_refusal(node, parents):
            continue
        field = _field(node, parents)
        if field is None:
            return False
        fields.append(field)
    if not fields:
        return False
    body_names = set(documents)
    for field in fields:
        holder = parents.get(field)
        if isinstance(holder, ast.Assign) and holder.value is field:
            body_names |= {target.id for target in holder.targets if isinstance(target, ast.Name)}
    scope = _Scope(nodes, frozenset(body_names))
    return all(_checked_value(field, scope, parents, depth=0) for field in fields)


class _Scope:
    """The handler's nodes, and the names that hold the body or one of its fields."""

    def __init__(self, nodes: list[ast.AST], body_names: frozenset[str]) -> None:
        self.nodes = nodes
        self.body_names = body_names


def _in_refusal(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """``node`` is only echoed in the refusal of the request: inside a statement that answers 4xx
    (``log_raise_400("%s: invalid" % data["listened_at"])``, ``raise APIBadRequest(f"... {data}")``)."""
    current: Optional[ast.AST] = node
    while current is not None and not isinstance(current, ast.stmt):
        current = parents.get(current)
    return isinstance(current, (ast.Raise, ast.Return, ast.Expr)) and answers_client_error([current])


def _field(node: ast.expr, parents: dict[ast.AST, ast.AST]) -> Optional[ast.expr]:
    """``doc["key"]`` or ``doc.get("key"[, default])``: the expression whose value is the field."""
    parent = parents.get(node)
    if isinstance(parent, ast.Subscript) and parent.value is node and isinstance(parent.slice, ast.Constant):
        return parent
    if isinstance(parent, ast.Attribute) and parent.attr == "get":
        call = parents.get(parent)
        if isinstance(call, ast.Call) and call.func is parent and call.args \
                and isinstance(call.args[0], ast.Constant) and len(call.args) <= 2:
            return call
    return None


def _tested(node: ast.expr, parents: dict[ast.AST, ast.AST]) -> bool:
    """``node`` is only part of the test of an ``if`` (``if request.json is None``, ``if "k" not in data``,
    ``if not isinstance(data, Mapping)``), or of an ``assert``."""
    child: ast.AST = node
    parent = parents.get(child)
    while parent is not None and not isinstance(parent, ast.stmt):
        if isinstance(parent, (ast.If, ast.IfExp, ast.While)):
            break
        child, parent = parent, parents.get(parent)
    if isinstance(parent, (ast.If, ast.While)) and parent.test is child:
        return True
    return isinstance(parent, ast.Assert)


def _checked_value(value: ast.expr, nodes: _Scope, parents: dict[ast.AST, ast.AST], depth: int) -> bool:
    """The value of ``value`` is checked where it is read, or through the local it is assigned to."""
    if _checked_here(value, parents, nodes):
        return True
    if depth > 2:
        return False
    parent = parents.get(value)
    if isinstance(parent, ast.Assign) and parent.value is value and len(parent.targets) == 1 \
            and isinstance(parent.targets[0], ast.Name):
        return _checked_local(parent.targets[0].id, parent, nodes, parents, depth)
    if isinstance(parent, ast.For) and parent.iter is value and isinstance(parent.target, ast.Name):
        return _checked_local(parent.target.id, parent, nodes, parents, depth)
    return False


def _checked_local(name: str, binding: ast.AST, nodes: _Scope, parents: dict[ast.AST, ast.AST],
                   depth: int) -> bool:
    """A local bound to a field (or a loop variable over a list field) is checked before it is otherwise used:
    every load of it up to the first check is itself only tested for presence."""
    loads = sorted(
        (node for node in nodes.nodes if isinstance(node, ast.Name) and node.id == name
         and isinstance(node.ctx, ast.Load) and _position(node) >= _position(binding)),
        key=_position,
    )
    for load in loads:
        if _checked_here(load, parents, nodes) or _iterated_checked(load, nodes, parents, depth):
            return True
        if not _presence_test(load, parents):
            return False
    return False


def _iterated_checked(load: ast.Name, nodes: _Scope, parents: dict[ast.AST, ast.AST], depth: int) -> bool:
    parent = parents.get(load)
    if isinstance(parent, ast.comprehension):
        return _each_checked_in_guard(parent, load, parents)
    return isinstance(parent, ast.For) and parent.iter is load and isinstance(parent.target, ast.Name) \
        and _checked_local(parent.target.id, parent, nodes, parents, depth + 1)


def _each_checked_in_guard(generator: ast.comprehension, load: ast.Name, parents: dict[ast.AST, ast.AST]) -> bool:
    """``if not all(isinstance(name, str) and name.strip() for name in names): abort(400)``: the loop of a list
    field written as the guard's own test, every element checked (a type test, a predicate, a bound) and a
    failure answered with 4xx (OpenCRE's ``put_user_resources``). A test of presence alone (``all(names)``,
    ``all(name for name in names)``) checks no element."""
    made = parents.get(generator)
    call = parents.get(made) if isinstance(made, ast.GeneratorExp) else None
    if not (generator.iter is load and isinstance(generator.target, ast.Name) and isinstance(made, ast.GeneratorExp)
            and isinstance(call, ast.Call) and callee_name(call) == "all" and _in_guard(call, parents)):
        return False
    name = generator.target.id
    terms = made.elt.values if isinstance(made.elt, ast.BoolOp) and isinstance(made.elt.op, ast.And) else [made.elt]
    for term in terms:
        element = next((part for part in ast.walk(term) if isinstance(part, ast.Name) and part.id == name), None)
        if element is None:
            continue
        if isinstance(term, ast.Call) and (callee_name(term) or "") not in _PRESENCE_CALLS and any(
                argument is element for argument in term.args):
            return True  # isinstance(name, str), is_valid_uuid(name)
        if isinstance(term, ast.Compare) and _checking_compare(term, element):
            return True  # name in ALLOWED, len(name) <= 64 (a call's result compared with a bound)
    return False


def _position(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)


def _presence_test(load: ast.Name, parents: dict[ast.AST, ast.AST]) -> bool:
    """``if not value`` / ``value is None`` inside an ``if`` test: a test of presence, no check of the value."""
    return _tested(load, parents)


def _checked_here(value: ast.expr, parents: dict[ast.AST, ast.AST], nodes: _Scope) -> bool:
    """``value`` (a field read or a load of its local) is checked by the expression around it."""
    child: ast.AST = value
    parent = parents.get(child)
    # climb through method calls on the value and the calls it is an argument of, up to its statement
    while parent is not None and not isinstance(parent, ast.stmt):
        if isinstance(parent, ast.Call) and child is not parent.func and _converts(parent):
            return True
        if isinstance(parent, ast.Subscript) and parent.slice is child and _enum_like(parent.value) \
                and _inside_answered_try(parent, parents):
            return True
        if isinstance(parent, ast.Call) and child is not parent.func and not _constructor(parent) \
                and _only_body_value(parent, child, nodes.body_names) and _inside_answered_try(parent, parents):
            return True  # a service checks it and its refusal is answered: ``save_reply(data["reply"])``
        if isinstance(parent, ast.Call) and child is not parent.func and _constructor(parent) \
                and _inside_answered_try(parent, parents, validation=True):
            return True  # a schema class built from it, its ``ValidationError`` answered
        if isinstance(parent, ast.Compare) and _checking_compare(parent, child) and _in_guard(parent, parents):
            return True
        if isinstance(parent, ast.Call) and _in_guard(parent, parents) \
                and (callee_name(parent) or "") not in _PRESENCE_CALLS:
            return True  # ``is_valid_uuid(value)``, ``value.startswith("https://")``, ``len(value) > 64``
        if isinstance(parent, ast.Call) and child is not parent.func and _lookup_answered(parent, parents):
            return True
        if isinstance(parent, ast.Compare) and _lookup_answered(parent, parents):
            return True
        child, parent = parent, parents.get(parent)
    return False


def _checking_compare(compare: ast.Compare, value: ast.AST) -> bool:
    """A comparison that checks a value (``in ALLOWED``, ``> MAX``, ``== "json"``), not one that tests presence
    (``is None``, ``== ""``)."""
    if any(isinstance(op, (ast.Is, ast.IsNot)) for op in compare.ops):
        return False
    if any(isinstance(op, (ast.In, ast.NotIn)) for op in compare.ops) and value is not compare.left:
        return False  # ``"message" in value``: a key present, not a check of the value
    return not any(isinstance(part, ast.Constant) and part.value in (None, "", 0, False)
                   for part in [compare.left, *compare.comparators])


def _only_body_value(call: ast.Call, value: ast.AST, body_names: frozenset[str]) -> bool:
    """``value`` is the one part of the body the call is handed (``save_reply(source.id, data["reply"])``); fields
    handed together (``update_report(comment=comment, resolved=data.get("resolved"))``) go field by field into a
    store, and the service's refusal is then about one of them at most."""
    for argument in [*call.args, *(keyword.value for keyword in call.keywords)]:
        if argument is value or any(part is value for part in ast.walk(argument)):
            continue
        if any(isinstance(part, ast.Name) and part.id in body_names for part in ast.walk(argument)):
            return False
    return True


def _converts(call: ast.Call) -> bool:
    name = callee_name(call) or ""
    return name in _CONVERSIONS or name.lower().startswith(_CHECKING_PREFIXES)


def _enum_like(expr: ast.expr) -> bool:
    """``ExternalServiceType[...]``: a class (a capitalised name) looked up by member name."""
    name = expr.attr if isinstance(expr, ast.Attribute) else getattr(expr, "id", "")
    return bool(name) and name[0].isupper()


_DECODERS = frozenset({"loads", "load", "literal_eval", "safe_load"})


def _constructor(call: ast.Call) -> bool:
    """``Customer(name=...)``: a class built from the value (a model takes it field by field, checking nothing);
    or a decoder (``json.loads(form["data"])``): its answer is a new document whose fields nothing checked."""
    name = callee_name(call) or ""
    return bool(name) and (name[0].isupper() or name in _DECODERS)


def _inside_answered_try(node: ast.AST, parents: dict[ast.AST, ast.AST], validation: bool = False) -> bool:
    """``node`` runs in the body of a ``try`` one of whose clauses answers the client with 4xx."""
    child: ast.AST = node
    parent = parents.get(child)
    while parent is not None:
        if isinstance(parent, ast.Try) and child in parent.body and any(
                answers_client_error(handler.body) and _specific(handler, validation) for handler in parent.handlers):
            return True
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return False
        child, parent = parent, parents.get(parent)
    return False


_STORAGE_ERROR_WORDS = frozenset({"integrity", "database", "operational", "db", "sql", "unique"})


def _specific(handler: ast.ExceptHandler, validation: bool = False) -> bool:
    """The clause catches a named error about a value (``ValueError``, ``KeyError``, ``NotEncrypted``,
    ``ValidationError``), not everything (``Exception``, a bare ``except``) nor a database's refusal of a row
    (``IntegrityError``: a duplicate, no field of the body checked)."""
    caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type] if handler.type else []
    names = [item.attr if isinstance(item, ast.Attribute) else getattr(item, "id", "") for item in caught]
    if validation:
        return any("Validation" in name for name in names)
    return bool(names) and not any(
        name in ("Exception", "BaseException") or "NotFound" in name or "DoesNotExist" in name
        or "Permission" in name
        or _STORAGE_ERROR_WORDS.intersection(word.lower() for word in split_identifier(name)) for name in names)


def _in_guard(node: ast.expr, parents: dict[ast.AST, ast.AST]) -> bool:
    """``node`` is (part of) the test of an ``if`` whose branch answers 4xx."""
    child: ast.AST = node
    parent = parents.get(child)
    while isinstance(parent, (ast.BoolOp, ast.UnaryOp, ast.Compare, ast.Call)):
        child, parent = parent, parents.get(parent)
    return isinstance(parent, ast.If) and parent.test is child and answers_client_error(parent.body)


def _lookup_answered(node: ast.expr, parents: dict[ast.AST, ast.AST]) -> bool:
    """``row = Model.query.filter(Model.uuid == value).one_or_none()`` (``value`` an argument of the lookup)
    followed by ``if row is None: abort(404)``."""
    current: ast.AST = node
    parent = parents.get(current)
    while isinstance(parent, (ast.Call, ast.Attribute, ast.Compare, ast.keyword, ast.Await)):
        current, parent = parent, parents.get(parent)
    if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name)):
        return False
    row = parent.targets[0].id
    holder = parents.get(parent)
    block = block_holding(holder, parent)
    if block is None:
        return False
    index = next(position for position, statement in enumerate(block) if statement is parent)
    for later in block[index + 1:index + 3]:
        if isinstance(later, ast.If) and any(isinstance(n, ast.Name) and n.id == row for n in ast.walk(later.test)) \
                and answers_client_error(later.body):
            return True
    return False


def answers_client_error(body: list[ast.stmt]) -> bool:
    """The block ends by answering the client with 4xx: ``abort(400, ...)``, ``raise APIBadRequest(...)``,
    ``return jsonify(...), 400``, ``return JSONResponse(..., status_code=422)``."""
    last = body[-1] if body else None
    if isinstance(last, ast.Raise):
        return last.exc is not None and _client_error(last.exc)
    if isinstance(last, ast.Return):
        return last.value is not None and _client_error(last.value)
    if isinstance(last, ast.Expr) and isinstance(last.value, ast.Call):
        return _client_error(last.value)
    return False


def _client_error(expr: ast.expr) -> bool:
    if isinstance(expr, ast.Tuple):
        return any(_status_4xx(element) for element in expr.elts[1:])
    if not isinstance(expr, ast.Call):
        return isinstance(expr, (ast.Name, ast.Attribute)) and _error_name(expr)
    name = callee_name(expr) or ""
    if name == "abort" or _error_name(expr.func):
        return name != "abort" or any(_status_4xx(argument) for argument in expr.args[:1])
    return any(_status_4xx(argument) for argument in expr.args) \
        or any(keyword.arg in ("status", "status_code", "code") and _status_4xx(keyword.value)
               for keyword in expr.keywords)


def _error_name(expr: ast.expr) -> bool:
    name = expr.attr if isinstance(expr, ast.Attribute) else getattr(expr, "id", "")
    words = {word.lower() for word in split_identifier(name)}
    return bool(words & _CLIENT_ERROR_WORDS) or "BadRequest" in name or "NotFound" in name \
        or any(word.isdigit() and 400 <= int(word) <= 499 for word in words)




def _status_4xx(expr: ast.expr) -> bool:
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, int) and not isinstance(expr.value, bool) and 400 <= expr.value <= 499
    name = expr.attr if isinstance(expr, ast.Attribute) else getattr(expr, "id", "")
    return name.startswith("HTTP_4")


def checked_before_use(binding: ast.Name, loads: list[ast.Name], parents: dict[ast.AST, ast.AST]) -> bool:
    """The local bound at ``binding`` is checked before any other use (``loads``: its loads after the binding;
    those before the check may only be part of an ``if`` test, a test of presence), so that after the check it
    holds a value that passed it or the handler's own:

    - checked by a predicate and replaced when the check fails: an ``if`` whose test holds ``not check(...,
      local, ...)`` and whose block binds the local again (Django's ``set_language``, copied by studio: ``if
      next_url and not url_has_allowed_host_and_scheme(url=next_url, ...): next_url = ...``);
    - looked up, the miss answered with 4xx: ``Channel.get_editable(request.user, channel_id)`` in a ``try``
      whose ``except Channel.DoesNotExist`` answers 404 (studio's ``api_publish_channel``), or ``row = ...``
      then ``if row is None: abort(404)``: the value names a row that exists, echoing it gives back no
      content of the client's."""
    for load in sorted(loads, key=_position):
        if _replacing_guard(load, binding.id, parents) or _miss_answered(load, parents) \
                or (_argument(load, parents) is not None and _lookup_answered(load, parents)):
            return True
        if not _tested(load, parents):
            return False
    return False


def _argument(load: ast.Name, parents: dict[ast.AST, ast.AST]) -> Optional[ast.Call]:
    """The call ``load`` is an argument of (positional or keyword), not the receiver of a method."""
    call = parents.get(load)
    if isinstance(call, ast.keyword):
        call = parents.get(call)
    return call if isinstance(call, ast.Call) and load is not call.func else None


_LOOKUPS = frozenset({"get", "find", "fetch", "load", "lookup", "retrieve", "query", "filter", "select", "read",
                      "exists", "one"})
"""First words of a call that looks a row up (``Channel.get_editable``, ``Model.objects.get``)."""
_MISSES = ("DoesNotExist", "NotFound", "ObjectDoesNotExist")


def _miss_answered(load: ast.Name, parents: dict[ast.AST, ast.AST]) -> bool:
    """``load`` is an argument of a lookup (``Channel.get_editable(user, channel_id)``, ``Model.objects.get(pk=...)``)
    run in the body of a ``try`` whose clause catches a not-found error and answers 4xx."""
    call = _argument(load, parents)
    words = split_identifier(callee_name(call) or "") if call is not None else []
    if call is None or not words or words[0] not in _LOOKUPS:
        return False  # (``create_report(note=note, ...)`` under ``except UserNotFound``: a write, not a lookup)
    child: ast.AST = call
    parent = parents.get(child)
    while parent is not None and not isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        if isinstance(parent, ast.Try) and child in parent.body:
            return any(answers_client_error(handler.body) and handler.type is not None and any(
                miss in (dotted_name(caught) or "") for caught in ast.walk(handler.type)
                if isinstance(caught, (ast.Name, ast.Attribute)) for miss in _MISSES)
                for handler in parent.handlers)
        child, parent = parent, parents.get(parent)
    return False


def _replacing_guard(load: ast.Name, name: str, parents: dict[ast.AST, ast.AST]) -> bool:
    """``load`` is an argument of a call under ``not`` in the test of an ``if`` whose block binds ``name`` again."""
    call = _argument(load, parents)
    if call is None or (callee_name(call) or "") in _PRESENCE_CALLS:
        return False
    negation = parents.get(call)
    if not (isinstance(negation, ast.UnaryOp) and isinstance(negation.op, ast.Not)):
        return False
    child: ast.AST = negation
    parent = parents.get(child)
    while isinstance(parent, ast.BoolOp):
        child, parent = parent, parents.get(parent)
    return isinstance(parent, ast.If) and parent.test is child and any(
        isinstance(statement, ast.Assign) and any(isinstance(target, ast.Name) and target.id == name
                                                  for target in statement.targets)
        for statement in parent.body)
