"""What one HTTP handler does with its request, summarised by one walk of its body (a fact per handler).

The API rules need whole-function facts about a handler (from :mod:`.handlers`): which headers it reads
(BE301 asks for the idempotency key), where it reads the raw request body and whether that value reaches a
schema (BE303), and which words and callables appear in it (a project's ``check_idempotency(request)``
helper). Rules must not walk a function themselves, so the walk happens here once per handler.

Header reads: ``request.headers["X"]``, ``request.headers.get("X")`` (any capitalisation, a module-level
string constant as the name), aiohttp ``getone``, and Django ``request.META["HTTP_X"]``.

Body reads, by framework: Flask ``request.get_json()``, ``request.json``, ``request.form[...]``/
``.form.get(...)``; Starlette, FastAPI, Litestar and aiohttp ``await request.json()``/``form()`` (aiohttp
also ``post()``); Django and DRF ``json.loads(request.body)``; and ``json.loads`` of the raw bytes anywhere
(Flask ``request.data``/``get_data()``, ``await request.body()``); and each use of a FastAPI/Litestar parameter
annotated ``dict`` (the framework fills it from the JSON body). Each read's value is followed directly and
through the locals it is assigned to (``data = await request.json() or {}``):

- it is *validated* when it goes into a schema: ``Model(**data)``, ``Model.model_validate(data)``/
  ``parse_obj``, a marshmallow ``schema.load(data)``, ``Serializer(data=data)``, ``SomeForm(data)``,
  ``TypeAdapter(...).validate_python(data)``, ``jsonschema.validate(data, ...)`` or a project helper whose
  name says it validates (``validate_order(data)``);
- it is *used raw* when its fields are read (``data["name"]``, ``data.get("name")``, ``data.items()``), when
  it is unpacked into a function (``Order.objects.create(**data)``), or when it is handed whole to a storage
  or messaging call (``collection.insert_one(data)``, ``session.execute(..., data)``, ``redis.set(k, data)``).

Handing the whole value to any other function (a helper may validate it), testing it (``if not data``,
``"key" in request.form``) or returning it counts as neither.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import callee_name
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.body_fields import SINK_METHODS, BodyFieldUses, http_status
from backend_lint.analysis.conflict_answers import answers_failed_action, conflict_answer
from backend_lint.analysis.converted_values import converted_where_read, decoded_in_try, elements_checked
from backend_lint.analysis.facts import node_fact
from backend_lint.analysis.handlers import AIOHTTP, DJANGO, DRF, FASTAPI, FLASK, LITESTAR, Handler
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.page_responses import HTMX_PAGE_RESPONSES, REDIRECT_EXCEPTIONS

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_JSON_LOADS = frozenset({"json.loads", "orjson.loads", "ujson.loads", "simplejson.loads", "rapidjson.loads"})
_VALIDATING_METHODS = frozenset({
    "model_validate", "model_validate_json", "model_validate_strings", "parse_obj", "parse_raw", "validate",
    "validate_python", "validate_json", "load", "loads", "from_dict", "from_json", "structure", "deserialize",
    "is_valid", "full_clean",
})
_LOOKUPS = frozenset({"filter_by", "filter", "get", "exclude"})
_COMMAND_SUFFIXES = ("Command", "Schema", "Serializer", "Validator", "Form")
_FIELD_READS = frozenset({"get", "getlist", "items", "keys", "values", "pop", "setdefault"})
_CONVERSIONS = frozenset({"to_dict", "copy", "dict"})
_TRANSPARENT_CALLS = frozenset({
    "len", "isinstance", "print", "str", "repr", "bool", "type", "list", "set", "tuple", "sorted", "any", "all",
    "hasattr", "getattr", "dumps", "jsonify", "debug", "info", "warning", "warn", "error", "exception", "critical",
    "log", "make_response",
})
_HTML_CALLS = frozenset({
    "render", "render_template", "render_template_string", "render_to_response", "render_to_string", "redirect",
    "TemplateResponse", "HttpResponseRedirect", "form_valid", "form_invalid", "get_context_data",
    "render_app_template", *HTMX_PAGE_RESPONSES, *REDIRECT_EXCEPTIONS,
})
_FORM_ATTRIBUTES = {DJANGO: ("POST", "FILES"), DRF: ("POST", "FILES"), FLASK: ("form", "files")}
_SCHEMA_SUFFIXES = ("Form", "Schema", "Serializer", "Validator", "Model", "Request", "Input", "Payload", "In",
                    "Create", "Update", "Body", "Params", "Command", "DTO", "Dto")


@dataclass
class BodyRead:
    """One read of the raw request body."""

    node: ast.expr
    label: str
    """How it was read, as written for messages: ``request.get_json()``, ``await request.json()``."""
    validated: bool
    """The value reaches a schema in this handler, or is handed whole to a function that may validate it."""
    raw: bool
    """The value's fields are read, or it is unpacked or stored, without a schema."""
    forwarded: bool = False
    """The value goes, whole or reshaped, to another service whose HTTP answer the handler reads (a
    pass-through proxy: that service validates it)."""


@dataclass
class HandlerBody:
    """The facts about one handler's body."""

    headers: set[str] = field(default_factory=set)
    """Lower-case names of the request headers the handler reads."""
    words: set[str] = field(default_factory=set)
    """Lower-case names, attribute names and short string constants that appear in the handler."""
    names: set[str] = field(default_factory=set)
    """The lower-case identifiers alone (names, attributes, parameters): what the code handles, without what it
    only says (``{"size": len(data)}`` reports a size, it does not bound one)."""
    calls: set[str] = field(default_factory=set)
    """Written dotted names of the callables it calls (``check_idempotency``, ``self.guard.check``,
    ``super().post``)."""
    body_reads: list[BodyRead] = field(default_factory=list)
    form_data: bool = False
    """It reads form-encoded data: Django's ``request.POST``/``request.FILES``, Flask's ``request.form``/
    ``request.files`` (what a browser form sends)."""

    created_when: bool = False
    """It answers 201 only under a condition (``if model.created >= now: response.status_code = 201``): it
    tells a new resource from one it found, so a retry gets the first one back."""

    sets_status: bool = False
    """It chooses its status itself: a ``status``/``status_code`` keyword, an assignment to ``.status_code``,
    a ``(body, status)`` return, ``make_response(body, 201)``."""
    conflict: bool = False
    """It answers a duplicate with 409 Conflict (``409``, ``HTTP_409_CONFLICT``, ``HTTPStatus.CONFLICT``) or
    catches the database's ``IntegrityError``/``UniqueViolation`` or a service's refusal of a repeat
    (``UserAlreadyExists``, ``UserAlreadySuspendedException``, ``WarningExistsError``): what it creates has a
    natural key."""

    @property
    def renders_html(self) -> bool:
        """The handler answers a browser form: it renders a template, redirects (``redirect``, a project's
        ``h.redirect_to``, aiohttp's ``raise web.HTTPFound(url)``), or runs a Django form view's
        ``form_valid``/``form_invalid`` (a browser cannot send custom headers such as an idempotency key)."""
        return any(html_call(call.rpartition(".")[2]) for call in self.calls)


def _json_field_update(call: ast.Call) -> bool:
    """``profile.dismissibles.update(updates)``: ``dict.update`` of one free-form JSON field of an object (a
    per-user preferences store by design), not a query's or a model's update of its columns."""
    func = call.func
    return isinstance(func, ast.Attribute) and func.attr == "update" and isinstance(func.value, ast.Attribute) \
        and isinstance(func.value.value, ast.Name) and func.value.value.id[:1].islower() \
        and func.value.value.id not in ("self", "cls", "db", "session") and func.value.attr not in _STORES


_STORES = frozenset({"objects", "query", "session", "collection", "table", "db", "cursor", "redis", "cache"})
"""Attributes that hold a store or a query, whose ``update`` writes columns or rows."""


def _one_value_setter(call: Optional[ast.AST], field: ast.expr) -> bool:
    """``blueprint.file_dialog_view.set(req.json["view"])``: the field is the only argument of a ``set`` method
    of an object reached through attributes (a registered preference, a setting), which takes one value and
    checks it (a store's ``set`` takes a key and a value)."""
    return (
        isinstance(call, ast.Call)
        and call.args == [field]
        and not call.keywords
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "set"
        and isinstance(call.func.value, ast.Attribute)
        and call.func.value.attr not in _STORES
    )


def _literal(node: ast.expr) -> bool:
    """A constant, or a tuple, list or set of constants (``x in ("a", "b")``)."""
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(isinstance(item, ast.Constant) for item in node.elts)
    return isinstance(node, ast.Constant)


def _sets_status(node: ast.AST) -> bool:
    if isinstance(node, ast.keyword):
        return node.arg in ("status", "status_code")
    if isinstance(node, (ast.Assign, ast.AugAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return any(isinstance(target, ast.Attribute) and target.attr in ("status_code", "status") for target in targets)
    if isinstance(node, ast.Return):
        return isinstance(node.value, ast.Tuple) and len(node.value.elts) >= 2
    if isinstance(node, ast.Call) and len(node.args) >= 2 and callee_name(node).endswith(("Response", "response")):
        second = node.args[1]
        return (isinstance(second, ast.Constant) and isinstance(second.value, int)) or "HTTP" in ast.unparse(second)
    return False


def _sets_201(assign: ast.Assign) -> bool:
    """``response.status_code = 201`` (or ``status.HTTP_201_CREATED``)."""
    target = assign.targets[0]
    if not (isinstance(target, ast.Attribute) and target.attr in ("status_code", "status")):
        return False
    value = assign.value
    return (isinstance(value, ast.Constant) and value.value == 201) or "201" in (dotted_name(value) or "")


_UNTYPED_VALUES = frozenset({"Any", "object", "dict", "Dict", "list", "List"})
"""Value types of a mapping that leave its content free (``dict[str, Any]``); ``dict[str, str]`` does not."""


def _plain_dict(annotation: Optional[ast.expr]) -> bool:
    """``dict``, ``Dict``, ``dict[str, Any]``, ``typing.Dict[str, Any]`` (also inside ``Annotated[...]``). A mapping
    whose values are typed (``Dict[str, str]``, ``dict[str, Item]``) is not plain: the framework checks every value,
    and a map of names the user chooses has no other schema (Keep's workflow secrets, judged FALSE in seed 122)."""
    if isinstance(annotation, ast.Subscript):
        if (dotted_name(annotation.value) or "").rpartition(".")[2] == "Annotated" \
                and isinstance(annotation.slice, ast.Tuple) and annotation.slice.elts:
            return _plain_dict(annotation.slice.elts[0])
        arguments = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else [annotation.slice]
        if len(arguments) == 2 and (dotted_name(_unsubscripted(arguments[1])) or "").rpartition(".")[2] \
                not in _UNTYPED_VALUES:
            return False
        annotation = annotation.value
    return (dotted_name(annotation) or "").rpartition(".")[2] in ("dict", "Dict") if annotation is not None else False


def _unsubscripted(annotation: ast.expr) -> ast.expr:
    """``List[Any]`` -> ``List``: the generic a value type names."""
    return annotation.value if isinstance(annotation, ast.Subscript) else annotation


def html_call(name: str) -> bool:
    """A call of this name answers a browser: it renders a template or redirects."""
    return name in _HTML_CALLS or name.startswith("redirect")


@node_fact(reads=(bindings_of,), key=lambda handler: handler.function)
def handler_body(ctx: FileContext, handler: Handler) -> HandlerBody:
    """The summary of ``handler``'s body (a fact per handler function)."""
    return _Summariser(ctx, handler).run()


class _Summariser(BodyFieldUses):
    def __init__(self, ctx: FileContext, handler: Handler) -> None:
        self.ctx = ctx
        self.handler = handler
        self.requests = handler.request_names
        self.summary = HandlerBody()
        self.parents: dict[ast.AST, ast.AST] = {}
        self.calls: list[ast.Call] = []
        self.loads: dict[str, list[ast.Name]] = {}
        self.status_reads: set[str] = set()

    def run(self) -> HandlerBody:
        function = self.handler.function
        stack: list[ast.AST] = [*function.decorator_list, function.args, *function.body]
        reads: list[tuple[ast.expr, str]] = []
        conflicts: list[ast.AST] = []
        while stack:
            node = stack.pop()
            self._note_words(node)
            if isinstance(node, ast.Call):
                self.calls.append(node)
                written = dotted_name(node.func)
                if written:
                    self.summary.calls.add(written)
                elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Call) \
                        and dotted_name(node.func.value.func) == "super":
                    self.summary.calls.add(f"super().{node.func.attr}")
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                self.loads.setdefault(node.id, []).append(node)
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and http_status(node, self.parents.get(node)):
                self.status_reads.add(node.value.id)  # r.status_code: r is another service's HTTP answer
            self._header_read(node)
            if isinstance(node, ast.ExceptHandler) and conflict_answer(node):
                self.summary.conflict = True
            elif conflict_answer(node):
                conflicts.append(node)
            if _sets_status(node):
                self.summary.sets_status = True
            if isinstance(node, ast.Assign) and isinstance(self.parents.get(node), ast.If) and _sets_201(node):
                self.summary.created_when = True
            if isinstance(node, ast.Attribute) and node.attr in _FORM_ATTRIBUTES.get(self.handler.framework, ()) \
                    and self._is_request(node.value):
                self.summary.form_data = True
            label = self._body_read(node)
            if label is not None and isinstance(node, ast.expr):
                reads.append((node, label))
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
                stack.append(child)
        self.summary.conflict |= any(not answers_failed_action(node, self.parents, function) for node in conflicts)
        reads.extend(self._dict_body_params())
        for node, label in sorted(reads, key=lambda item: (item[0].lineno, item[0].col_offset)):
            validated, raw = self._uses(node)
            forwarded = not validated and self.forwarded(self.flow_up(node))
            self.summary.body_reads.append(BodyRead(node, label, validated, raw, forwarded))
        return self.summary

    # -- words and headers ---------------------------------------------------------------------------------

    def _note_words(self, node: ast.AST) -> None:
        words = self.summary.words
        identifier = None
        if isinstance(node, ast.Name):
            identifier = node.id.lower()
        elif isinstance(node, ast.Attribute):
            identifier = node.attr.lower()
        elif isinstance(node, ast.arg):
            identifier = node.arg.lower()
        if identifier is not None:
            words.add(identifier)
            self.summary.names.add(identifier)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) <= 80 \
                and not isinstance(self.parents.get(node), ast.Expr):  # docstrings describe, they do not read
            words.add(node.value.lower())

    def _is_request(self, node: ast.AST) -> bool:
        written = dotted_name(node)
        return written is not None and written in self.requests

    def _header_read(self, node: ast.AST) -> None:
        key: Optional[ast.expr] = None
        container: Optional[ast.AST] = None
        if isinstance(node, ast.Subscript):
            container, key = node.value, node.slice
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("get", "getone", "getall", "get_all", "getlist", "__getitem__")
            and node.args
        ):
            container, key = node.func.value, node.args[0]
        if container is None or not isinstance(container, ast.Attribute):
            return
        name = self._string(key)
        if name is None or not self._is_request(container.value):
            return
        if container.attr == "headers":
            self.summary.headers.add(name.lower())
        elif container.attr == "META" and name.upper().startswith("HTTP_"):
            self.summary.headers.add(name[5:].lower().replace("_", "-"))

    def _string(self, node: Optional[ast.AST]) -> Optional[str]:
        """A string literal, or a module-level string constant (``IDEMPOTENCY_HEADER``)."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            value = bindings_of(self.ctx, self.ctx.tree).single_value(node.id)
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                return value.value
        return None

    # -- body reads ------------------------------------------------------------------------------------------

    def _body_read(self, node: ast.AST) -> Optional[str]:
        framework = self.handler.framework
        if isinstance(node, ast.Call) and node.args and (self.ctx.imports.resolve(node.func) or "") in _JSON_LOADS:
            raw = self._raw_bytes(node.args[0], framework)
            return f"{dotted_name(node.func)}({raw})" if raw else None
        if framework == FLASK:
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get_json" \
                    and self._is_request(node.func.value):
                return f"{dotted_name(node.func)}()"
            if isinstance(node, ast.Attribute) and node.attr in ("json", "form") and self._is_request(node.value):
                return f"{dotted_name(node)}"
            return None
        if framework in (DJANGO, DRF):
            return None
        methods = ("json", "form", "post") if framework == AIOHTTP else ("json", "form")
        if isinstance(node, ast.Await) and isinstance(node.value, ast.Call):
            func = node.value.func
            if isinstance(func, ast.Attribute) and func.attr in methods and self._is_request(func.value):
                return f"await {dotted_name(func)}()"
        return None

    def _dict_body_params(self) -> list[tuple[ast.expr, str]]:
        """FastAPI and Litestar fill a parameter annotated ``dict`` (``dict[str, Any]``, ``Dict``) from the JSON
        body, checking nothing but that it is an object: each use of it is a read of the raw body."""
        if self.handler.framework not in (FASTAPI, LITESTAR):
            return []
        found: list[tuple[ast.expr, str]] = []
        for param in self.handler.params:
            marker = (param.marker or "").rpartition(".")[2]
            if marker not in ("", "Body") or not _plain_dict(param.arg.annotation):
                continue
            found.extend((load, f"{param.name}: dict") for load in self.loads.get(param.name, []))
        return found

    def _raw_bytes(self, node: ast.expr, framework: str) -> Optional[str]:
        """The raw body as bytes, as written: Django ``request.body``, Flask ``request.data``/``get_data()``,
        Starlette-style ``await request.body()`` (aiohttp ``read()``/``text()``)."""
        if isinstance(node, ast.Attribute) and self._is_request(node.value):
            wanted = {DJANGO: "body", DRF: "body", FLASK: "data"}.get(framework)
            return dotted_name(node) if node.attr == wanted else None
        call = node.value if isinstance(node, ast.Await) else node
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
            return None
        if not self._is_request(call.func.value):
            return None
        if framework == FLASK:
            return f"{dotted_name(call.func)}()" if call.func.attr == "get_data" else None
        if isinstance(node, ast.Await) and call.func.attr in ("body", "read", "text"):
            return f"await {dotted_name(call.func)}()"
        return None

    def handler_function(self) -> Optional[ast.AST]:
        return self.handler.function

    def _uses(self, read: ast.expr) -> tuple[bool, bool]:
        """``(validated, raw)`` for the value of ``read``, followed through the locals it is assigned to."""
        value = self.flow_up(read)
        uses: list[ast.expr] = [value]
        for name in self.assigned_names(value):
            uses.extend(self.loads.get(name, []))
        validated = raw = False
        for use in uses:
            validated = validated or self._validating_use(use) or self._handed_off(use)
            raw = raw or self._raw_use(use)
        return validated, raw

    def _handed_off(self, use: ast.expr) -> bool:
        """``use`` is handed whole to a function that may validate it (a helper, a service, a command)."""
        parent = self.parents.get(use)
        if isinstance(parent, ast.keyword) and parent.arg is not None:
            parent = self.parents.get(parent)
        if not isinstance(parent, ast.Call) or use is parent.func:
            return False
        last = callee_name(parent)
        if last in _TRANSPARENT_CALLS or last in SINK_METHODS or last.endswith("Response"):
            return False
        return (self.ctx.imports.resolve(parent.func) or "") not in _JSON_LOADS

    def flow_up(self, node: ast.expr) -> ast.expr:
        """The expression that carries the read's value: through ``await``, ``x or {}``, ``a if c else b``,
        copies (``.to_dict()``, ``dict(x)``) and a comprehension over it (``{k: v for k, v in x.items()}``)."""
        while True:
            parent = self.parents.get(node)
            grandparent = self.parents.get(parent) if parent is not None else None
            if isinstance(parent, (ast.Await, ast.BoolOp, ast.IfExp)):
                node = parent
            elif (
                isinstance(parent, ast.Attribute)
                and isinstance(grandparent, ast.Call)
                and grandparent.func is parent
                and parent.attr in (*_CONVERSIONS, "items", "keys", "values")
            ):
                comprehension = self.parents.get(grandparent)
                if parent.attr in _CONVERSIONS:
                    node = grandparent
                elif isinstance(comprehension, ast.comprehension) and comprehension.iter is grandparent:
                    node = self.parents[comprehension]  # type: ignore[assignment]  # its ListComp, SetComp...
                else:
                    return node
            elif isinstance(parent, ast.Call) and callee_name(parent) == "dict" and parent.args == [node]:
                node = parent
            else:
                return node

    def _raw_use(self, use: ast.expr) -> bool:
        """``use`` has its fields read, is unpacked into a function, or is stored as it is."""
        parent = self.parents.get(use)
        if isinstance(parent, ast.Subscript) and parent.value is use:
            return not self._field_checked(parent)  # data["name"], request.form["name"]
        if isinstance(parent, ast.Attribute) and parent.value is use:
            call = self.parents.get(parent)
            return parent.attr in _FIELD_READS and isinstance(call, ast.Call) and not (
                parent.attr in ("get", "getlist") and self._field_checked(call)
            )
        keyword = parent if isinstance(parent, ast.keyword) else None
        call = self.parents.get(keyword) if keyword is not None else parent
        if not isinstance(call, ast.Call) or use is call.func:
            return False
        last = callee_name(call)
        if keyword is not None and keyword.arg is None:
            return not last[:1].isupper()  # create(**data); Model(**data) builds a schema or model
        return isinstance(call.func, ast.Attribute) and last in SINK_METHODS and not _json_field_update(call)

    def _field_checked(self, field: ast.expr) -> bool:
        """One field's value is checked where it is read, or handed on whole: compared with a literal
        (``request.form.get("overwrite") == "true"``), converted to a number (``int(form["limit"])``), or handed
        whole to a command or schema class, as a whole body would be:
        ``ImportCommand(passwords=json.loads(form["passwords"]))``,
        ``CreateTagCommand(tags=request.json["properties"]["tags"])`` (the value itself never read here); or
        bound as one value of a lookup (``filter_by(client_id=json.loads(form["queryId"]))``)."""
        parent = self.parents.get(field)
        if isinstance(parent, ast.Compare):
            others = [parent.left, *parent.comparators]
            return all(other is field or _literal(other) for other in others)
        if converted_where_read(field, self.parents) or elements_checked(field, self.parents, self._handed_to_function):
            return True
        if decoded_in_try(field, self.parents):
            return True  # base64.b64decode(data.get("file_content")) in a try that answers: bytes or an error
        if _one_value_setter(parent, field):
            return True
        value = field
        decoded = False
        while True:  # through json.loads(...) of a JSON document in the field, and nested fields
            parent = self.parents.get(value)
            subscript = isinstance(parent, ast.Subscript) and parent.value is value
            loads = isinstance(parent, ast.Call) and value in parent.args and (
                (self.ctx.imports.resolve(parent.func) or "") in _JSON_LOADS
                or (dotted_name(parent.func) or "").endswith("json.loads")  # a project's json module
            )
            if not (subscript or loads) or not isinstance(parent, ast.expr):
                break
            decoded = decoded or loads
            value = parent
        document = self.flow_up(value)
        names = self.assigned_names(document)
        uses = [document, *(load for name in names for load in self.loads.get(name, []))]
        handed = [use for use in uses if (self._handed_off(use) and self._to_command(use)) or self._bound(use)]
        scalar = uses[1:] if names else uses
        if not decoded and scalar and self.scalar_uses_checked(scalar):
            return True  # client_id = form.get("client_id"); if not client_id: return 400; helper(client_id)
        return bool(handed) and not any(self._document_read(use) or self._raw_use_whole(use) for use in uses)

    def _handed_to_function(self, use: ast.expr) -> bool:
        """``use`` is handed whole to a function (``delete_tool_data(trans_id)``), not to a class that would store
        it as a model's field (``Chart(tag=tag)``)."""
        if not self._handed_off(use):
            return False
        parent = self.parents.get(use)
        call = self.parents.get(parent) if isinstance(parent, ast.keyword) else parent
        return isinstance(call, ast.Call) and not callee_name(call)[:1].isupper()

    def _bound(self, use: ast.expr) -> bool:
        """``use`` is bound as one value of a lookup (``query.filter_by(client_id=client_id)``): a parameter,
        not an assignment of the client's fields."""
        parent = self.parents.get(use)
        call = self.parents.get(parent) if isinstance(parent, ast.keyword) and parent.arg else None
        return isinstance(call, ast.Call) and callee_name(call) in _LOOKUPS

    def _to_command(self, use: ast.expr) -> bool:
        """``use`` is an argument of a command or schema class (``ImportChartsCommand(passwords=...)``), which
        takes the value whole and checks it; a model (``Customer(name=data["name"])``) or a method such as
        ``update_from_object(data)`` assigns it field by field, and the read stays raw."""
        parent = self.parents.get(use)
        call = self.parents.get(parent) if isinstance(parent, ast.keyword) else parent
        return isinstance(call, ast.Call) and callee_name(call).endswith(_COMMAND_SUFFIXES)

    def _raw_use_whole(self, use: ast.expr) -> bool:
        """``use`` unpacked into a function or stored whole (``.update(fields)``, ``create(**fields)``)."""
        parent = self.parents.get(use)
        keyword = parent if isinstance(parent, ast.keyword) else None
        call = self.parents.get(keyword) if keyword is not None else parent
        if not isinstance(call, ast.Call) or use is call.func:
            return False
        if keyword is not None and keyword.arg is None:
            return True
        last = callee_name(call)
        return isinstance(call.func, ast.Attribute) and last in SINK_METHODS and last not in _LOOKUPS \
            and not _json_field_update(call)

    def _document_read(self, use: ast.expr) -> bool:
        parent = self.parents.get(use)
        return (isinstance(parent, ast.Subscript) and parent.value is use) or (
            isinstance(parent, ast.Attribute) and parent.value is use and parent.attr in _FIELD_READS
        )

    def _validating_use(self, argument: ast.expr) -> bool:
        """``argument`` is passed to a call that validates it against a schema."""
        parent = self.parents.get(argument)
        keyword: Optional[ast.keyword] = None
        if isinstance(parent, ast.keyword):
            keyword, parent = parent, self.parents.get(parent)
        elif isinstance(parent, ast.Starred):
            parent = self.parents.get(parent)
        if not isinstance(parent, ast.Call):
            return False
        func = parent.func
        last = callee_name(parent)
        if argument is func or (self.ctx.imports.resolve(func) or "") in _JSON_LOADS:
            return False
        if last in _VALIDATING_METHODS or "valid" in last.lower():
            return True  # Model.model_validate(data), schema.load(data), validate_order(data)
        if not last[:1].isupper():
            return False
        if keyword is not None:
            return keyword.arg is None or keyword.arg == "data"  # Model(**data), Serializer(data=data)
        return last.endswith(_SCHEMA_SUFFIXES)  # OrderForm(data), OrderIn(payload)
