"""The work whose failure text is internal: what a ``try`` must do for its caught error to carry it (BE304).

Judged on real applications, the text of a caught exception sent to a client was a leak when the exception came
from work the code did not write the message of: the database, storage, the file system, a subprocess, the
network or an SDK (SQL and table names, hosts and ports, server paths, presigned URLs). It was not one when the
error was the code's own (its ``ValueError``, ``RuntimeError`` or own exception class carrying a message for the
client) or described the client's own input (a parse of the body, ``int()`` of a query value). So the rule asks
for positive evidence, read here:

- :func:`names_failing_work`: the clause names such work's failure itself: an error class of a database,
  network, storage or cloud library (:func:`.caught_errors.internal_errors`' modules: ``SQLAlchemyError``,
  ``requests.ConnectionError``, ``PyMongoError``) or the operating system's ``OSError`` family
  (``FileNotFoundError``, ``ConnectionError``, ``TimeoutError``);
- :func:`catches_anything`: a bare ``except``, ``Exception`` or ``BaseException``: it catches such failures when
  the ``try`` does such work, which :func:`does_work` reads;
- :func:`does_work`: the ``try`` body runs code whose failures it did not word: an ``await``, ``async for`` or
  ``async with`` (a coroutine waits on I/O; reading the request's own body aside), or a call that is not a
  builtin, a conversion, a validation or parse of a value (a name starting ``validate``/``parse``/``decode``/
  ``clean``/``convert``/``check_``, ``loads``, a pydantic model of the module built from the client's data), a
  test of text, a method of a plain container (not of an imported module, ``requests.get``, nor the class's own,
  ``self.search(...)``), a log line, a response being built or an error being raised with the code's message.
  Calls of the project's own services (``UpdateThemeCommand(pk, item).run()``, ``service.revoke(cert)``,
  ``submission.confirm()``) count: they reach the database or the network in ways one file cannot see.

A clause catching only specific builtin errors other than the ``OSError`` family (``KeyError``, ``TypeError``,
``RuntimeError``, ``AttributeError``) names neither: their text is the code's own message or Python's about a
value, and the rule leaves them alone.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import callee_name, statement_nodes
from backend_lint.analysis.caught_errors import LIBRARY_INPUT_ERRORS, internal_errors
from backend_lint.analysis.hand_run_scripts import public_https_host
from backend_lint.analysis.schema_models import file_schema_class

if TYPE_CHECKING:
    from backend_lint.context import FileContext

OS_ERRORS = frozenset({
    "OSError", "IOError", "EnvironmentError", "ConnectionError", "TimeoutError", "FileNotFoundError",
    "BrokenPipeError", "ConnectionResetError", "ConnectionRefusedError", "ConnectionAbortedError",
    "IsADirectoryError", "NotADirectoryError", "FileExistsError",
})
"""Builtin errors raised by the operating system: their text names paths, hosts and ports. ``PermissionError`` is
left out: applications raise it as their own refusal (``raise PermissionError("Not your document")``)."""
_ANYTHING = frozenset({"Exception", "BaseException"})
_PLAIN_CALLS = frozenset({
    "int", "float", "str", "bool", "bytes", "len", "dict", "list", "set", "frozenset", "tuple", "isinstance",
    "issubclass", "getattr", "hasattr", "sorted", "reversed", "min", "max", "sum", "any", "all", "enumerate", "zip",
    "range", "repr", "format", "round", "abs", "print", "type", "UUID", "Decimal", "url_for", "redirect",
    "HTTPException", "abort", "deepcopy", "copy",
})
"""Builtins, conversions and answers: what they raise is Python's message about a value, or the code's own."""
_PLAIN_METHODS = frozenset({
    "get", "items", "keys", "values", "pop", "setdefault", "append", "extend", "add", "copy", "strip", "lstrip",
    "rstrip", "lower", "upper", "split", "rsplit", "join", "replace", "startswith", "endswith", "format", "encode",
    "decode", "isdigit", "isalnum", "isalpha", "match", "fullmatch", "search", "getlist", "to_dict", "dict",
    "model_dump", "isoformat",
})
"""Methods of strings, dicts, lists and patterns (``data.get("name")``, ``name.strip()``): no I/O behind them."""
_STORES = frozenset({"objects", "session", "db", "cursor", "conn", "connection", "cache", "redis", "client",
                     "storage", "bucket", "collection", "table", "query"})
"""Receivers whose ``get``/``add``/``pop`` is a query or a store, not a container's (``Model.objects.get``)."""
_VALIDATOR_PREFIXES = ("validate", "valid", "to_valid", "is_valid", "check_", "parse", "decode", "url_decode", "clean",
                       "convert", "loads")
_LOG_WORDS = ("log", "logger", "logging")
_REQUEST_READS = frozenset({"json", "form", "body", "data", "get_json", "post", "text"})


def catches_anything(caught: Optional[ast.expr]) -> bool:
    """A bare ``except``, ``Exception`` or ``BaseException`` (alone or in a tuple)."""
    if caught is None:
        return True
    return any(isinstance(item, ast.Name) and item.id in _ANYTHING for item in _items(caught))


def names_failing_work(caught: Optional[ast.expr], ctx: FileContext, client_error: bool = False) -> bool:
    """The clause names a failure of the database, network, storage or cloud work, or of the operating system; an
    ``OSError`` answered with a 4xx status (``client_error``) is about the file the client named (``except
    FileNotFoundError as e: raise HTTPException(404, f"File not found: {e}")``) and counts only with a 5xx."""
    if caught is None:
        return False
    for item in _items(caught):
        if isinstance(item, ast.Name) and item.id in OS_ERRORS and ctx.imports.resolve(item) is None:
            if not client_error:
                return True
            continue
        qualified = ctx.imports.resolve(item)
        if qualified is not None and qualified not in LIBRARY_INPUT_ERRORS and internal_errors(item, ctx):
            return True  # MultiValueDictKeyError: the KeyError of the client's query, no failing work
    return False


def does_work(attempt: ast.Try, ctx: FileContext) -> bool:
    """The ``try`` body awaits something or calls code whose failures it did not word (see the module)."""
    raised = {id(node.exc) for node in statement_nodes(attempt.body) if isinstance(node, ast.Raise)}
    for node in statement_nodes(attempt.body):
        if isinstance(node, (ast.AsyncFor, ast.AsyncWith)):
            return True  # async for chunk in file_stream: reading a stream waits on I/O
        if isinstance(node, ast.Await) and not _reads_request(node.value):
            return True
        if isinstance(node, ast.Call) and id(node) not in raised and _work_call(node, ctx):
            return True
    return False


_VERIFIED = frozenset({
    "signature", "registration", "authentication", "response", "assertion", "attestation", "token", "jwt", "otp",
    "totp", "hotp", "code", "hmac", "credential", "challenge", "webhook", "payload",
})
"""What a ``verify_...`` call checks when it checks signed or attested data it is handed
(``verify_registration_response``, ``verify_signature``); ``verify_url`` reaches a server."""


def only_verifies(attempt: ast.Try, ctx: FileContext) -> bool:
    """The ``try``'s only work is a verification of data (``credential = response.verify()``,
    ``verify_signature(...)``, ``verify_registration_response(...)``; not ``verify_url``), nothing awaited: what
    it raises is the verifier's verdict on what it was handed. Answered with a 4xx it tells the client why its own
    signed or attested data was refused (DMOJ's WebAuthn registration, seed 132)."""
    raised = {id(node.exc) for node in statement_nodes(attempt.body) if isinstance(node, ast.Raise)}
    verified = False
    for node in statement_nodes(attempt.body):
        if isinstance(node, (ast.Await, ast.AsyncFor, ast.AsyncWith)):
            return False
        if isinstance(node, ast.Call) and id(node) not in raised and _work_call(node, ctx):
            name = callee_name(node)
            if name != "verify" and not (name.startswith("verify_") and set(name.split("_")[1:]) <= _VERIFIED):
                return False
            verified = True
    return verified


_REQUEST_METHODS = frozenset({"request", "get", "post", "put", "patch", "delete", "head", "options", "stream"})
_ANSWER_READS = frozenset({"json", "raise_for_status", "read", "aread", "text"})
"""Reading the upstream's answer (``response.json()``): its errors are about that answer."""
_PRIVATE_SUFFIXES = (".local", ".internal", ".lan", ".svc", ".cluster.local", ".localdomain")


def public_upstream_only(attempt: ast.Try, ctx: FileContext) -> bool:
    """The ``try``'s only work is requests to a fixed public host, a module constant written as an ``https://``
    URL of a dotted name (``ZAI_API_BASE = "https://api.z.ai/api/anthropic"``, then ``await
    client.request(method, url=f"{ZAI_API_BASE}/{path}")``): a transport error there names that public service at
    most, nothing of the deployment (letta's Claude Code proxies, seed 132). A host from the settings, the
    environment or the request is unknown and keeps the finding."""
    hosts = _public_constants(ctx.tree)
    requested = False
    for node in statement_nodes(attempt.body):
        if isinstance(node, ast.Call) and _work_call(node, ctx) and callee_name(node) not in _ANSWER_READS:
            if callee_name(node) not in _REQUEST_METHODS or not _names_public_url(node, hosts):
                return False
            requested = True
    return requested


def _names_public_url(call: ast.Call, hosts: frozenset[str]) -> bool:
    url = next((keyword.value for keyword in call.keywords if keyword.arg == "url"), None)
    if url is None and call.args:
        url = call.args[1] if callee_name(call) == "request" and len(call.args) > 1 else call.args[0]
    if isinstance(url, ast.JoinedStr) and url.values and isinstance(url.values[0], ast.FormattedValue):
        url = url.values[0].value
    return isinstance(url, ast.Name) and url.id in hosts


def _public_constants(tree: ast.Module) -> frozenset[str]:
    """Module-level names bound once to an ``https://`` URL of a public-looking host (dotted, no port, no IP)."""
    found: dict[str, int] = {}
    public: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                and isinstance(statement.targets[0], ast.Name):
            name = statement.targets[0].id
            found[name] = found.get(name, 0) + 1
            value = statement.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str) and _public_url(value.value):
                public.add(name)
    return frozenset(name for name in public if found[name] == 1)


def _public_url(text: str) -> bool:
    """An ``https://`` URL of a dotted public host with no port (``https://api.z.ai/api/anthropic``)."""
    netloc = text[len("https://"):].split("/", 1)[0].lower() if text.startswith("https://") else ""
    return "." in netloc and ":" not in netloc and "@" not in netloc and not netloc.endswith(_PRIVATE_SUFFIXES) \
        and not netloc.replace(".", "").isdigit() and public_https_host(text)


def _work_call(call: ast.Call, ctx: FileContext) -> bool:
    """A call that may fail with text the code did not write."""
    name = callee_name(call)
    if _reads_request(call):
        return False  # request.body(): the client's own body
    if not name:
        return True  # ``handlers[key](...)``: some function of the code's choosing
    if name in _PLAIN_CALLS or name.lower().startswith(_VALIDATOR_PREFIXES) or _answer(name):
        return False
    if file_schema_class(call, ctx):
        return False  # a pydantic model of the module: its construction raises only about the data it is given
    func = call.func
    if isinstance(func, ast.Attribute):
        receiver = _receiver_words(func.value)
        if any(word.startswith(_LOG_WORDS) for word in receiver):
            return False  # logger.info(...)
        own_method = isinstance(func.value, ast.Name) and func.value.id in ("self", "cls")  # self.search("test")
        if name in _PLAIN_METHODS and not own_method and not receiver & _STORES \
                and not _module_function(func.value, ctx):
            return False
        if (ctx.imports.resolve(func) or "").startswith(("re.", "json.", "datetime.", "math.", "uuid.", "string.")):
            return False
    return True


def _module_function(receiver: ast.expr, ctx: FileContext) -> bool:
    """``requests.get``: the receiver is an imported module (or one of its objects), not a container; the
    framework's ``request`` proxy is the client's request."""
    qualified = ctx.imports.resolve(receiver) if isinstance(receiver, ast.Name) else None
    return qualified is not None and qualified.rpartition(".")[2] != "request"


def _answer(name: str) -> bool:
    """A response being built (``JSONResponse(...)``, ``self.response_400(...)``)."""
    return name.endswith("Response") or name.startswith(("HttpResponse", "response", "jsonify", "make_response"))


def _receiver_words(value: ast.expr) -> set[str]:
    """The lower-cased names along a receiver: ``{"models", "objects"}`` for ``models.objects``."""
    found: set[str] = set()
    while isinstance(value, (ast.Attribute, ast.Call, ast.Subscript)):
        if isinstance(value, ast.Attribute):
            found.add(value.attr.lower())
            value = value.value
        else:
            value = value.func if isinstance(value, ast.Call) else value.value
    if isinstance(value, ast.Name):
        found.add(value.id.lower())
    return found


def _reads_request(value: ast.expr) -> bool:
    """``await request.json()``: reading the client's own body."""
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) \
        and value.func.attr in _REQUEST_READS and isinstance(value.func.value, ast.Name) \
        and value.func.value.id == "request"


def _items(caught: ast.expr) -> list[ast.expr]:
    return list(caught.elts) if isinstance(caught, ast.Tuple) else [caught]
