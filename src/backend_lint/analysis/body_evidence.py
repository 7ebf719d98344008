"""Where the content of a raw request body ends up in a handler: the evidence a reviewer needs (BE303).

Judged on real applications, a raw body read is worth a schema only when the handler goes on to *keep or
give back the client's content as sent*. A field only compared, tested, converted, looked up, logged, turned into
a prompt or handed alone to a helper (which may check it) was closed as "not a bug" again and again, each time in
a new idiom; the findings maintainers agreed with all showed one of these, which this module looks for:

- **stored**: the content is an argument of a class's constructor that is not a schema or command (a model:
  ``TabState(sql=editor["sql"])``), of a call whose name says it writes (``insert_one``, ``.update(...)``,
  ``create_workouts``, ``add_user``, ``set_realm``, ``notifications.remove``, an ``execute`` of SQL that writes:
  ``execute("UPDATE users SET role = :r", {"r": body["role"]})``), or assigned into an attribute or
  an item of anything the handler did not build itself (``sport.is_active = data.get("is_active")``, also
  ``setattr(contact, field, data[field])``);
- **unpacked**: ``**data`` into any call: the client picks the keyword arguments (mass assignment);
- **answered**: it is part of what the handler returns, given back to clients unchecked;
- **handed field by field**: two or more fields go into one call (``alert.from_action(action, text, timeout)``,
  ``add_user(name, password, active)``): the handler unpacks the body's structure by hand into an operation, the
  schema's job; so does one field handed to an operation of a class (``Alert.tag_find_all(query, tags=...)``), a
  model's own method, unless its name says it looks something up (``Timeline.get_by_id(timeline_id)``);
- **built into a model in a ``try`` that answers 4xx**: the content is handed to a class's constructor inside a
  ``try`` one of whose ``except`` clauses answers 4xx (``TaskCommentDTO(comment=comment)`` under ``except
  Exception: return JSONResponse(..., status_code=400)``). That is stored, unless the class validates what it is
  handed (a pydantic model): the evidence names those calls (:attr:`Evidence.models`) for the rule to settle, in
  the file or through the project model, and the body is then validated by a schema field by field;
- **read by hand where the framework validates**: a field read (``data["model"]``, ``data.get("email")``) from a
  body of a FastAPI or Litestar handler (``form_data: dict``, ``await request.json()``): the framework checks a
  declared model's fields and answers 422 by itself, so reading them by hand is the schema skipped, and a
  missing key or a wrong type is a 500. Not a read under a ``try`` whose ``except`` answers 4xx (Keep's
  ``body["apiKeyId"]`` under ``except Exception: raise HTTPException(400)``): the failure a schema would answer
  is answered; nor a field read as the key of an entry the server holds (``worker_map[params["model"]]``): it
  only picks one of the server's objects.

Form text is not a document: a form-encoded body (Flask's ``request.form``, Starlette's ``await request.form()``,
aiohttp's ``await request.post()``) holds only strings, so neither the field read by ``.get`` nor several fields
handed on to one call give a schema anything to check but "a string" (an OAuth token endpoint's ``client_id`` and
``client_secret`` bound in a lookup, a feedback form's fields mailed and logged). Only keeping it (stored,
unpacked, answered) counts, unless the text is decoded (``json.loads(form["data"])``): then it is a document again.
A field handed as the identifier of the row a write selects (``update_api_key(unique_api_key_id=...)``,
``delete_x(id=...)``) is a key, not content kept.

The content is followed from each read through what carries it on: a field (``data["x"]``, ``data.get("x")``,
nested), ``await``, ``or``/``if``-``else``, a string method, ``json.loads``, a literal list, tuple, dict or
f-string built from it, the locals it is assigned to, the variable of a loop over it, and a list or dict the
handler builds and fills with it (``rows.append({...})``). A comparison, a test, a conversion (``int(...)``) or a
call to a helper ends the trail: what the helper does is its own business.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional, Union

from backend_lint.analysis.ast_helpers import callee_name
from backend_lint.analysis.checked_fields import answers_client_error, checked_before_use
from backend_lint.analysis.facts import node_fact, reads
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.lost_work import SQL_EXECUTE, sql_writes
from backend_lint.analysis.preference_stores import own_cookie, own_session_item, own_setting_writers

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]

STORED, UNPACKED, ANSWERED, HANDED, BY_HAND = "stored", "unpacked", "answered", "handed", "read by hand"


@dataclass(frozen=True)
class Evidence:
    """What the handler does with the client's content (``kind``: ``stored``, ``answered``...). ``models``: when
    the only evidence is the content built into classes inside a ``try`` that answers 4xx, those constructor
    calls; the content is validated, not stored, when every one of them is a schema (a pydantic model)."""

    kind: str
    models: tuple[ast.Call, ...] = ()

_WRITE_WORDS = frozenset({
    "insert", "create", "update", "add", "save", "set", "hset", "store", "upsert", "put", "replace", "remove",
    "delete", "write", "append", "extend", "register", "persist", "merge", "commit", "publish",
})
"""First words of a call that writes what it is handed (``insert_one``, ``create_workouts``, ``set_realm``). Not
``execute``: a query tool runs the client's own SQL by design, and a value bound as a query parameter is not
stored by that."""
_FILLS = frozenset({"append", "extend", "add", "update", "insert", "setdefault"})
"""Methods that put an argument into the container they are called on (a list or dict the handler builds)."""
_FIELD_READS = frozenset({"get", "getlist", "pop", "items", "values"})
_TEXT_METHODS = frozenset({
    "strip", "lstrip", "rstrip", "lower", "upper", "casefold", "replace", "split", "splitlines", "encode", "decode",
    "format", "join", "copy", "to_dict", "dict",
})
_ANSWERS = frozenset({"jsonify", "json_response", "make_response", "Response", "dumps"})
_BUILTIN_COPIES = frozenset({"dict", "list", "tuple", "set", "sorted", "reversed", "str"})
_LOADS = frozenset({"loads", "load", "literal_eval"})
_NOT_MODELS = ("Form", "Serializer", "Validator", "Command", "Error", "Exception", "Response")
"""Suffixes of classes that take a value to check or answer it, not to keep it. (Not ``Schema``: a schema takes
the whole body, which the handler model reads as validated before this; a class named ``TableSchema`` given
fields one by one is a model.)"""
_LOOKUP_WORDS = frozenset({
    "get", "find", "filter", "query", "exists", "count", "lookup", "load", "search", "check", "validate", "is", "has",
    "by", "from", "parse", "verify",
})
"""First words of a class's method that reads or checks rather than acts (``Timeline.get_by_id``)."""
_QUIET_CALLS = frozenset({
    "debug", "info", "warning", "warn", "error", "exception", "critical", "log", "print", "format", "isinstance",
    "len", "getattr", "hasattr", "abort", "gettext", "_", "ngettext", "lazy_gettext", "int", "float", "bool",
})
"""Calls that only log, translate, test or convert what they are handed."""
_KEYED_WRITES = frozenset({"update", "delete", "remove", "set", "replace", "revoke", "rotate", "reset"})
"""First words of a write whose identifier argument selects the row it changes rather than storing a value."""
_FORM_METHODS = frozenset({"form", "post"})
_CARRIERS = (ast.BoolOp, ast.IfExp, ast.Await, ast.Starred, ast.Dict, ast.List, ast.Tuple, ast.Set,
             ast.JoinedStr, ast.FormattedValue)
_MAX_STEPS = 400


@node_fact()
def _function_map(ctx: FileContext, function: ast.AST) -> tuple[dict[ast.AST, ast.AST], dict[str, list[ast.Name]]]:
    """The parent of each node of ``function`` (nested functions included) and the loads of each name."""
    parents: dict[ast.AST, ast.AST] = {}
    loads: dict[str, list[ast.Name]] = {}
    for node in ast.walk(function):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            loads.setdefault(node.id, []).append(node)
    return parents, loads


@dataclass
class _Trail:
    """The walk over one handler: its parents and name loads, what it builds itself, what is still to follow, and
    how many body values each call was handed."""

    parents: dict[ast.AST, ast.AST]
    loads: dict[str, list[ast.Name]]
    built: set[str]
    queue: list[ast.expr]
    request_names: frozenset[str] = frozenset()
    """The names of the request object: rewriting ``request.data`` for a dispatch keeps nothing."""
    handed: dict[int, int] = field(default_factory=dict)
    text: set[int] = field(default_factory=set)
    """Values (by ``id``) that carry a form's text, not a decoded document."""
    session_names: frozenset[str] = frozenset()
    """The names the module binds to Flask's ``session``: the sender's own session, not a store of the app's."""
    rebound: dict[str, list[tuple[tuple[int, int], tuple[int, int]]]] = field(default_factory=dict)
    """Where each name is bound again by a statement of the function's own body (not nested in a block): the start
    and end of each such statement."""
    models: list[ast.Call] = field(default_factory=list)
    """Classes built from the content inside a ``try`` that answers 4xx: stored, unless each validates."""
    own_settings: frozenset[str] = frozenset()
    """Functions of the module writing the signed-in user's own settings row (:func:`own_setting_writers`)."""


@reads(_function_map, own_setting_writers)
def body_evidence(ctx: FileContext, function: _Function, reads: list[ast.expr], typed_framework: bool,
                  request_names: frozenset[str] = frozenset(), handed_on: bool = False) -> Optional[Evidence]:
    """What the handler does with the client's content that a schema would guard (``stored``, ``unpacked``,
    ``answered``, ``read by hand``, and with ``handed_on`` also ``handed``), or ``None`` when every trail of
    ``reads`` ends in a check, a test or a helper. ``typed_framework``: the handler's framework validates a
    declared body model (FastAPI, Litestar); ``request_names`` the names of its request object. Without
    ``handed_on`` (BE303's default) fields handed on to an operation end their trail like any helper's: judged on
    unseen applications, 2 of 5 such findings were true (a gateway's OTP call, a deprecated no-op route, a
    G-code command were not), while the client's content stored or unpacked was true 17 times in 22. Content
    built into classes under a ``try`` that answers 4xx, and kept nowhere else, is ``stored`` with those calls
    named in :attr:`Evidence.models`: the caller drops it when each class validates (a pydantic model)."""
    parents, loads = _function_map(ctx, function)
    trail = _Trail(parents, loads, _built_locally(function), list(reads), request_names)
    trail.text.update(id(read) for read in reads if _form_read(read))
    trail.rebound = _top_level_bindings(function)
    trail.session_names = frozenset(name for name, qualified in ctx.imports.names.items()
                                    if qualified == "flask.session")
    trail.own_settings = own_setting_writers(ctx)
    seen: set[int] = set()
    steps = 0
    while trail.queue and steps < _MAX_STEPS:
        value = trail.queue.pop()
        steps += 1
        if id(value) in seen:
            continue
        seen.add(id(value))
        parent = parents.get(value)
        text = id(value) in trail.text
        if typed_framework and _field_read(value, parent, parents) and not (text and _got(parent)) \
                and not _answered_on_failure(value, parents):
            if _selects_entry(value, parent, parents):
                continue  # ``worker_map[params["model"]]``: the field picks one of the server's entries, no more
            return Evidence(BY_HAND)
        queued = len(trail.queue)
        found = _step(value, parent, trail)
        if text:
            trail.text.update(id(new) for new in trail.queue[queued:]
                              if not (isinstance(new, ast.Call) and callee_name(new) in _LOADS))
            if found == HANDED:
                continue  # several strings handed on: a schema would only say "strings"
        if found == HANDED and not handed_on:
            continue  # handed on to an operation, nothing kept yet: the operation's business by default
        if found:
            return Evidence(found)
    return Evidence(STORED, tuple(trail.models)) if trail.models else None


def _form_read(read: ast.expr) -> bool:
    """``request.form`` (Flask), ``await request.form()`` (Starlette), ``await request.post()`` (aiohttp)."""
    if isinstance(read, ast.Attribute):
        return read.attr == "form"
    call = read.value if isinstance(read, ast.Await) else None
    return isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr in _FORM_METHODS


def _got(parent: Optional[ast.AST]) -> bool:
    """``form.get("key")``: a form's text or ``None``, never a crash."""
    return isinstance(parent, ast.Attribute) and parent.attr in ("get", "getlist")


def _answered_on_failure(value: ast.expr, parents: dict[ast.AST, ast.AST]) -> bool:
    """``value`` is read inside the body of a ``try`` one of whose ``except`` clauses answers 4xx."""
    child: ast.AST = value
    node = parents.get(value)
    while node is not None and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        if isinstance(node, ast.Try) and any(child is statement for statement in node.body):
            return any(answers_client_error(handler.body) for handler in node.handlers)
        child, node = node, parents.get(node)
    return False


def _selects_entry(value: ast.expr, parent: Optional[ast.AST], parents: dict[ast.AST, ast.AST]) -> bool:
    """The field read (``params["model"]``) is at once the key of a subscript of something else
    (``worker_map[params["model"]]``): it picks one entry of a mapping the server holds, and nothing of the
    client's content goes further than that choice (FastChat's model workers, judged "not a bug")."""
    read = parent if isinstance(parent, ast.Subscript) else parents.get(parent) if parent is not None else None
    holder = parents.get(read) if read is not None else None
    if not (isinstance(holder, ast.Subscript) and holder.slice is read and isinstance(holder.ctx, ast.Load)):
        return False
    body = value.id if isinstance(value, ast.Name) else None  # (``params[params["k"]]`` reads the body again)
    return not any(part is value or (isinstance(part, ast.Name) and part.id == body) for part in ast.walk(holder.value))


def _field_read(value: ast.expr, parent: Optional[ast.AST], parents: dict[ast.AST, ast.AST]) -> bool:
    """``value["key"]`` or ``value.get("key")``: one field of the content read by hand."""
    if isinstance(parent, ast.Subscript) and parent.value is value:
        return isinstance(parent.ctx, ast.Load)
    return isinstance(parent, ast.Attribute) and parent.value is value and parent.attr in ("get", "getlist") \
        and isinstance(parents.get(parent), ast.Call)


def _step(value: ast.expr, parent: Optional[ast.AST], trail: _Trail) -> Optional[str]:
    """Follow ``value`` one step up: queue what carries it on, or say what evidence its use is."""
    parents, queue = trail.parents, trail.queue
    if isinstance(parent, ast.Subscript) and parent.value is value and isinstance(parent.ctx, ast.Load):
        queue.append(parent)  # a field
    elif isinstance(parent, _CARRIERS):
        if not (isinstance(parent, ast.Dict) and any(key is value for key in parent.keys)) \
                and not (isinstance(parent, ast.IfExp) and parent.test is value):
            queue.append(parent)  # (a dict's key names a field and a condition's test is a test: neither is kept)
    elif isinstance(parent, ast.comprehension) and parent.iter is value:
        made = parents.get(parent)
        if isinstance(made, ast.expr):
            queue.append(made)  # [row["name"] for row in data["rows"]]: the new list carries it on
    elif isinstance(parent, ast.Attribute) and parent.value is value:
        call = parents.get(parent)
        if isinstance(call, ast.Call) and call.func is parent and parent.attr in (_FIELD_READS | _TEXT_METHODS):
            queue.append(call)  # data.get("x"), text.strip()
    elif isinstance(parent, ast.keyword):
        call = parents.get(parent)
        if isinstance(call, ast.Call) and not _selecting_key(parent.arg, call):
            if parent.arg is None and not _fixed_keys(value, trail):
                return UNPACKED
            return _call_use(call, trail)  # a keyword's value, or a dict of the handler's own keys unpacked
    elif isinstance(parent, ast.Call) and value is not parent.func:
        if _password_field(value):
            return None  # set_crypt_key(data.get("password")): a secret to check, hash or derive a key from
        if _set_attribute(parent, value, trail):
            return STORED  # setattr(contact, field, data[field]): ``contact.<field> = ...`` spelled as a call
        return _call_use(parent, trail)
    elif isinstance(parent, (ast.Return, ast.Yield, ast.YieldFrom)):
        return ANSWERED
    elif isinstance(parent, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr)) and parent.value is value:
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        for target in targets:
            found = _assigned(target, trail)
            if found:
                return found
    elif isinstance(parent, (ast.For, ast.AsyncFor)) and parent.iter is value:
        _assigned(parent.target, trail)
    return None


_PASSWORD_WORDS = ("password", "passwd", "passphrase")


def _password_field(value: ast.expr) -> bool:
    """``data["password"]``, ``data.get("master_password")``: a password field of the body, free text by nature.
    Handed alone to a call it is checked, hashed or turned into a key (pgAdmin's ``set_crypt_key(data.get(
    'password'))`` for its master password), never kept as sent; a schema would only say it is a string. Handed
    inside a dict or as a model's keyword it is judged as any field."""
    if isinstance(value, ast.Subscript):
        key = value.slice
    elif isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "get" \
            and value.args:
        key = value.args[0]
    else:
        return False
    return isinstance(key, ast.Constant) and isinstance(key.value, str) \
        and any(word in key.value.lower() for word in _PASSWORD_WORDS)


def _fixed_keys(value: ast.expr, trail: _Trail) -> bool:
    """``value``, unpacked with ``**``, is a dict whose keys the handler wrote: a display of string keys (either
    branch of a conditional), or a local only ever bound to one and given items under string keys (pgAdmin's
    ``kwargs = {'user': data['user'] if 'user' in data else None, ...}`` then ``kwargs['encpass'] = ...`` and
    ``_connect(conn, **kwargs)``). The client's content fills the values of keyword arguments the handler chose:
    handed on field by field, not mass assignment."""
    if isinstance(value, ast.IfExp):
        return _fixed_keys(value.body, trail) and _fixed_keys(value.orelse, trail)
    if isinstance(value, ast.Dict):
        return all(isinstance(key, ast.Constant) and isinstance(key.value, str) for key in value.keys)
    if not isinstance(value, ast.Name):
        return False
    bound = False
    for node in trail.parents:
        if isinstance(node, ast.arg) and node.arg == value.id:
            return False  # a parameter: whatever the caller passed
        if isinstance(node, ast.Name) and node.id == value.id and not isinstance(node.ctx, ast.Load):
            holder = trail.parents.get(node)
            if not (isinstance(holder, ast.Assign) and holder.targets == [node] and _fixed_keys(holder.value, trail)):
                return False  # bound to something else (a parameter, a loop variable, a copy of the body)
            bound = True
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == value.id:
            if not isinstance(node.ctx, ast.Load) and not (
                    isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)):
                return False  # kwargs[key] = ...: a key chosen at run time
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == value.id \
                and node.attr in ("update", "setdefault", "__setitem__"):
            return False  # kwargs.update(data): keys from elsewhere
    return bound


def _set_attribute(call: ast.Call, value: ast.expr, trail: _Trail) -> bool:
    """``setattr(obj, name, value)`` with the content as the value, on an object other than the request: the
    assignment into an attribute :func:`_assigned` reads as keeping it."""
    return isinstance(call.func, ast.Name) and call.func.id == "setattr" and len(call.args) == 3 \
        and call.args[2] is value and not (
            isinstance(call.args[0], ast.Name) and call.args[0].id in trail.request_names)


def _assigned(target: ast.expr, trail: _Trail) -> Optional[str]:
    """The content is bound to ``target``: a local carries it on; an attribute or an item of anything the handler
    did not build keeps it (``user.name = ...``, ``store.data["title"] = ...``)."""
    if isinstance(target, ast.Name):
        later = [load for load in trail.loads.get(target.id, []) if _reaches(target, load, trail)]
        if not checked_before_use(target, later, trail.parents):
            trail.queue.extend(later)  # (a local checked first, replaced or answered on failure: nothing raw after)
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            _assigned(element, trail)
    elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and target.value.id in trail.built:
        trail.queue.extend(trail.loads.get(target.value.id, []))  # a dict the handler builds for this request
    elif own_session_item(target, trail.request_names, trail.session_names):
        return None  # the sender's own session (``session["lang"] = ...``): kept for that client alone
    elif isinstance(target, (ast.Attribute, ast.Subscript)) and not (
            isinstance(target.value, ast.Name) and target.value.id in trail.request_names):
        return STORED
    return None


def _call_use(call: ast.Call, trail: _Trail) -> Optional[str]:
    """The content is handed to ``call``: kept when the call stores it, carried on through a container the handler
    fills, a decoding or an answer, and the helper's business otherwise, unless it is handed several fields."""
    name = callee_name(call)
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    if own_cookie(call):
        return None  # ``response.set_cookie(name, value)``: back to the client that sent it, for it alone
    if isinstance(call.func, ast.Name) and call.func.id in trail.own_settings:
        return None  # store_setting("tree_state", value): the signed-in user's own settings row, read back by them
    if name in _LOADS or (receiver is None and name in _BUILTIN_COPIES):
        trail.queue.append(call)  # json.loads(form["data"]): the decoded document is the same content
    elif name in _FILLS and _built_name(receiver, trail.built):
        trail.queue.extend(trail.loads.get(_built_name(receiver, trail.built), []))  # rows.append({...}), also
        # groups[key].append(...): the list or dict the handler builds carries it on
    elif name in _ANSWERS or name.endswith("Response"):
        trail.queue.append(call)  # jsonify({...}): the answer, judged where it goes (a ``return``)
    elif name[:1].isupper() and not name.endswith(_NOT_MODELS):
        if (call.keywords or len(call.args) > 1) and _answered_on_failure(call, trail.parents):
            trail.models.append(call)  # ``TaskCommentDTO(comment=...)`` under ``except: return ..., 400``: a
            return None  # schema's refusal answered, if the class validates (the caller settles it)
        if call.keywords or len(call.args) > 1:
            return STORED  # a model or record made from it (``Comment(text=...)``)
        return None  # ``VisibilityLevel(value)``, ``UUID(value)``: one value converted, a check where it is read
    elif _first_word(name) in _WRITE_WORDS:
        return STORED
    elif name in SQL_EXECUTE and sql_writes(call):
        return STORED  # execute("UPDATE users SET role = :r ...", {"r": body["role"]}): bound into a write
    elif name in _QUIET_CALLS or name[:1].isupper():
        return None
    elif _class_name(receiver) and _first_word(name) not in _LOOKUP_WORDS:
        return HANDED  # Alert.tag_find_all(query, tags=...): an operation of the model acts on it
    else:
        trail.handed[id(call)] = trail.handed.get(id(call), 0) + 1
        if trail.handed[id(call)] >= 2:
            return HANDED  # alert.from_action(action, text, timeout): the body's fields one by one
    return None


def _reaches(target: ast.Name, load: ast.Name, trail: _Trail) -> bool:
    """No statement of the function's own body binds the name again between ``target`` and ``load``: such a
    statement runs on every path between them (OpenReplay's ``refresh_token`` read from the form in one branch,
    then bound to a new token at the top level before it is answered)."""
    bound = (target.lineno, target.col_offset)
    read = (load.lineno, load.col_offset)
    return not any(bound < start and end <= read for start, end in trail.rebound.get(target.id, ()))


def _top_level_bindings(function: _Function) -> dict[str, list[tuple[tuple[int, int], tuple[int, int]]]]:
    """The start and end of each statement of ``function``'s own body that assigns a name (see :class:`_Trail`)."""
    found: dict[str, list[tuple[tuple[int, int], tuple[int, int]]]] = {}
    for statement in function.body:
        if not isinstance(statement, (ast.Assign, ast.AnnAssign)) or statement.value is None \
                or statement.end_lineno is None:
            continue
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        span = ((statement.lineno, statement.col_offset), (statement.end_lineno, statement.end_col_offset or 0))
        for name in _bound_names(targets):
            found.setdefault(name, []).append(span)
    return found


def _bound_names(targets: Sequence[ast.expr]) -> list[str]:
    """The names an assignment binds: ``a`` and ``b`` of ``a, *b = ...``, not ``data`` of ``data["user"] = ...``
    (an item written into the same value)."""
    names: list[str] = []
    for target in targets:
        bound = target.value if isinstance(target, ast.Starred) else target
        if isinstance(bound, ast.Name):
            names.append(bound.id)
        elif isinstance(bound, (ast.Tuple, ast.List)):
            names += _bound_names(bound.elts)
    return names


def _selecting_key(keyword: Optional[str], call: ast.Call) -> bool:
    """``update_api_key(unique_api_key_id=...)``: the identifier of the row a write changes or removes."""
    if not keyword:
        return False
    lowered = keyword.lower()
    identifier = lowered in ("id", "pk", "uuid") or lowered.endswith(("_id", "_pk", "_uuid")) or keyword.endswith("Id")
    return identifier and _first_word(callee_name(call)) in _KEYED_WRITES


def _built_name(receiver: Optional[ast.expr], built: set[str]) -> str:
    """The name of the list or dict the handler builds that ``receiver`` is, or is an item of; else empty."""
    while isinstance(receiver, ast.Subscript):
        receiver = receiver.value
    return receiver.id if isinstance(receiver, ast.Name) and receiver.id in built else ""


def _class_name(receiver: Optional[ast.expr]) -> bool:
    """``Alert`` in ``Alert.tag_find_all(...)``: a class (not a constant such as ``API``)."""
    return isinstance(receiver, ast.Name) and receiver.id[:1].isupper() and not receiver.id.isupper()


def _first_word(name: str) -> str:
    """``insert_one`` -> ``insert``, ``createWorkout`` -> ``create``."""
    head = name.split("_", 1)[0] if "_" in name.strip("_") else name
    for index, char in enumerate(head):
        if char.isupper() and index:
            return head[:index].lower()
    return head.lower()


def _built_locally(function: _Function) -> set[str]:
    """Names the handler binds to a list, dict or set it writes out (``rows = []``, ``payload = {...}``), or to a
    document it decodes (``old = json.loads(old)``): its own copy, which filling only carries the content on to
    wherever the copy goes (``old.update(data)`` then ``store(json.dumps(old))``)."""
    found: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and (
                isinstance(node.value, (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp))
                or (isinstance(node.value, ast.Call) and callee_name(node.value) in _LOADS)):
            found.update(target.id for target in node.targets if isinstance(target, ast.Name))
    return found


_BODY_MODEL_SUFFIXES = ("Body", "Payload", "Schema", "Model", "In", "Input", "Create", "Update", "DTO", "Dto")
_NOT_BODY_DEFAULTS = frozenset({"Depends", "Security", "Query", "Path", "Header", "Cookie", "File", "Form"})


def declares_body_model(function: _Function) -> bool:
    """A FastAPI or Litestar handler that also declares the body as a model parameter (``request_body:
    UpsertExperimentEvaluationRequestBody``, not a dependency, query or form parameter): the framework has
    validated the body before the handler runs, and a raw ``await request.json()`` beside it reads a body that
    passed the model's checks (Phoenix's experiment evaluations, judged "already validated")."""
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(arguments.defaults)) + list(arguments.defaults)
    pairs = [*zip(positional, defaults), *zip(arguments.kwonlyargs, arguments.kw_defaults)]
    for argument, default in pairs:
        annotation = argument.annotation
        markers = [default]
        if isinstance(annotation, ast.Subscript) and _last_name(annotation.value) == "Annotated" \
                and isinstance(annotation.slice, ast.Tuple) and annotation.slice.elts:
            markers.extend(annotation.slice.elts[1:])  # Annotated[Session, Depends(get_session)]
            annotation = annotation.slice.elts[0]
        name = _last_name(annotation) if annotation is not None else ""
        if any(isinstance(marker, ast.Call) and callee_name(marker) in _NOT_BODY_DEFAULTS for marker in markers):
            continue
        if name.endswith(_BODY_MODEL_SUFFIXES) and name[:1].isupper() and name not in ("BaseModel", "In"):
            return True
    return False



def _last_name(node: ast.expr) -> str:
    """``models.OrderIn`` -> ``OrderIn``; ``""`` for anything but a name."""
    return (dotted_name(node) or "").rpartition(".")[2]
