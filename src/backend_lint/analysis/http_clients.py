"""Which calls talk to the network, of which library, and which argument carries their timeout.

Several rules need the same table: BE201 (a call with no timeout), BE202 (``timeout=None``) and BE204 (a
blocking call inside ``async def``). Calls are recognised by their origin (:mod:`.values`), so aliases
(``import requests as r``, ``from requests import get``) and sessions however they are held (a local,
``with``, ``self.session`` set in ``__init__``, a factory function) resolve to the same entries.

A timeout can also be passed positionally; :class:`Client` records the index of that parameter. Where a
signature changed between Python versions (``HTTPSConnection``, ``SMTP_SSL``, ``FTP_TLS``, ``POP3_SSL``,
``IMAP4_SSL`` lost their ``keyfile``/``certfile`` parameters in 3.12), the lower index is used, so a call
with that many positional arguments counts as having a timeout: a miss, never a false report.

A ``requests`` session whose timeout comes from elsewhere is recognised in two forms, anywhere in the file:
``<session>.mount(prefix, adapter)`` where the adapter's constructor gets a ``timeout``-named keyword or is a
class defined in the file whose body mentions ``timeout`` (the ``TimeoutHTTPAdapter`` recipe), and
``<session>.request = functools.partial(<session>.request, timeout=...)``; also when the session comes from
a factory function in the file that does either to the session it returns. A subclass of
``requests.Session`` defined in the file counts as a session unless its body mentions a timeout (the usual
``request`` override that sets a default).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.facts import file_fact, reads
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.resolve import called_function, instance_class, lookup, returned_values
from backend_lint.analysis.tree_walk import child_nodes, walk
from backend_lint.analysis.values import origin

if TYPE_CHECKING:
    from backend_lint.analysis.scopes import Scope
    from backend_lint.context import FileContext

SECONDS = "seconds"
"""The timeout is a number of seconds (``timeout=10``)."""
INTEGER_SECONDS = "integer-seconds"
"""libpq's ``connect_timeout`` takes whole seconds."""
AIOHTTP = "aiohttp"
"""``aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))``."""

REQUESTS_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request"})
_SESSION_METHODS = frozenset({*REQUESTS_METHODS, "send"})
"""A session also sends a prepared request (``session.send(prepared)``), with the same ``timeout=`` keyword."""
_REQUESTS_MODULES = ("requests.", "requests.api.")
_SESSION_CLASSES = frozenset({"requests.Session", "requests.sessions.Session"})
_SESSION_ORIGINS = ("requests.Session()", "requests.session()", "requests.sessions.Session()",
                    "requests.sessions.session()")
_HTTPX_METHODS = frozenset({*REQUESTS_METHODS, "stream", "send"})
_HTTPX_CLIENTS = ("httpx.Client()", "httpx.AsyncClient()")
_AIOHTTP_SESSIONS = ("aiohttp.ClientSession()", "aiohttp.client.ClientSession()")
_AIOHTTP_METHODS = frozenset({*REQUESTS_METHODS, "ws_connect"})


@dataclass(frozen=True)
class Client:
    """A network call: the name a message shows, the keyword for its timeout and its positional index."""

    construct: str
    keyword: str
    position: Optional[int] = None
    style: str = SECONDS
    database: bool = False
    """A database driver's ``connect`` (checked by BE201 only when its option asks for it)."""


_STDLIB: dict[str, Client] = {
    name: Client(name, "timeout", position)
    for name, position in {
        "urllib.request.urlopen": 2,
        "urllib.request.build_opener().open": 2,
        "urllib.request.OpenerDirector().open": 2,
        "http.client.HTTPConnection": 2,
        "http.client.HTTPSConnection": 2,
        "smtplib.SMTP": 3,
        "smtplib.SMTP_SSL": 3,
        "smtplib.LMTP": 4,
        "ftplib.FTP": 4,
        "ftplib.FTP_TLS": 4,
        "poplib.POP3": 2,
        "poplib.POP3_SSL": 2,
        "imaplib.IMAP4": 2,
        "imaplib.IMAP4_SSL": 2,
        "socket.create_connection": 1,
    }.items()
}
_FTP_CLASSES = frozenset({"ftplib.FTP", "ftplib.FTP_TLS"})
_FTP_CONNECTS = frozenset({"ftplib.FTP().connect", "ftplib.FTP_TLS().connect"})
_FTP_CONNECT = Client("ftplib.FTP.connect", "timeout", 2)
"""``connect(host, port, timeout)``: without one it keeps the timeout the constructor got, if any."""
_REDIS: dict[str, Client] = {
    name: Client(name.replace(".client.", "."), "socket_timeout", position)
    for name, position in {
        "redis.Redis": 4,
        "redis.StrictRedis": 4,
        "redis.client.Redis": 4,
        "redis.client.StrictRedis": 4,
        "redis.asyncio.Redis": 4,
        "redis.asyncio.client.Redis": 4,
        "redis.from_url": None,
        "redis.Redis.from_url": None,
        "redis.StrictRedis.from_url": None,
        "redis.asyncio.from_url": None,
        "redis.asyncio.Redis.from_url": None,
    }.items()
}
_DATABASES: dict[str, Client] = {
    name: Client(name, "connect_timeout", None, INTEGER_SECONDS, database=True)
    for name in ("psycopg2.connect", "psycopg.connect", "psycopg.Connection.connect",
                 "psycopg.AsyncConnection.connect")
}
_AIOHTTP_SESSION = Client("aiohttp.ClientSession", "timeout", None, AIOHTTP)


def modules_by_name(*qualified: str) -> dict[str, frozenset[str]]:
    """``{"get": {"requests", "httpx"}, ...}``: the last name of each qualified callee and its top modules."""
    table: dict[str, set[str]] = {}
    for name in qualified:
        table.setdefault(name.rpartition(".")[2], set()).add(name.partition(".")[0])
    return {name: frozenset(modules) for name, modules in table.items()}


NETWORK_CALL_NAMES = modules_by_name(
    *(f"requests.{method}" for method in _SESSION_METHODS), *_STDLIB, *_REDIS, *_DATABASES,
    "aiohttp.ClientSession", "ftplib.FTP.connect",
)
"""BE201's table by last name (see :func:`might_be`)."""


def might_be(func: ast.expr, names: dict[str, frozenset[str]], ctx: FileContext) -> bool:
    """Whether a callee can resolve to an entry of ``names``: an imported (maybe aliased) name, or
    ``x.<name>`` in a file that imports one of that name's modules.

    Every origin starts at an import, so this is exact for what :func:`.values.origin` can resolve, and it
    keeps the expensive question to the few calls of a file that could match.
    """
    if isinstance(func, ast.Attribute):
        modules = names.get(func.attr)
        return modules is not None and ctx.imports.imports_module(*modules)
    return isinstance(func, ast.Name) and func.id in ctx.imports.names


def requests_call(made: str) -> Optional[Client]:
    """The ``requests`` function or session method an origin names (``requests.Session().get``)."""
    for prefix in _REQUESTS_MODULES:
        if made.startswith(prefix) and made[len(prefix):] in REQUESTS_METHODS:
            return Client(f"requests.{made[len(prefix):]}", "timeout")
    method = _session_method(made, _SESSION_ORIGINS, _SESSION_METHODS)
    if method is not None:
        return Client(f"requests.Session.{method}", "timeout", 8 if method == "request" else None)
    return None


def _session_method(made: str, sessions: tuple[str, ...], methods: frozenset[str]) -> Optional[str]:
    for session in sessions:
        if made.startswith(session) and made[len(session):len(session) + 1] == ".":
            method = made[len(session) + 1:]
            return method if method in methods else None
    return None


def sync_httpx_call(made: str) -> Optional[str]:
    """``httpx.get``/``httpx.Client().post``...: httpx's blocking API (``AsyncClient`` is the async one)."""
    if made.startswith("httpx.") and made[len("httpx."):] in _HTTPX_METHODS:
        return made
    method = _session_method(made, _HTTPX_CLIENTS[:1], _HTTPX_METHODS)
    return f"httpx.Client.{method}" if method is not None else None


def urlopen_call(made: str) -> Optional[Client]:
    """``urllib.request.urlopen`` and an opener's ``open``."""
    return _STDLIB.get(made) if made.startswith("urllib.request.") else None


@file_fact()
def module_classes(ctx: FileContext) -> dict[str, ast.ClassDef]:
    """The module-level classes of the file, by name (the last definition of a name wins)."""
    return {statement.name: statement for statement in ctx.tree.body if isinstance(statement, ast.ClassDef)}


Mounts = frozenset[tuple[Optional[ast.AST], str]]
"""Sessions, as ``(owner, receiver)`` pairs: owner is the class for ``self.x``, else the function or module."""


@dataclass(frozen=True)
class SessionMounts:
    """What the file does to its sessions where it makes them."""

    timed: Mounts
    """Sessions given a timeout: an adapter that sets one, a ``request`` patched with a timeout."""
    imported: frozenset[tuple[Optional[ast.AST], str, str]]
    """``(owner, receiver, adapter)``: sessions mounted with an adapter class imported from elsewhere
    (``adapter`` as the import map resolves it): the project model may know that it sets a timeout."""


@file_fact()
def session_mounts(ctx: FileContext) -> SessionMounts:
    """The file's sessions given a timeout where they are made, and those mounted with an imported adapter."""
    if "mount" not in ctx.source and "partial" not in ctx.source:
        return SessionMounts(frozenset(), frozenset())
    classes = {node.name: node for node in walk(ctx.tree) if isinstance(node, ast.ClassDef)}
    found: set[tuple[Optional[ast.AST], str]] = set()
    imported: set[tuple[Optional[ast.AST], str, str]] = set()
    stack: list[tuple[ast.AST, Optional[ast.AST], ast.AST]] = [(ctx.tree, None, ctx.tree)]
    while stack:
        node, cls, owner = stack.pop()
        receiver = None
        adapter: Optional[str] = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "mount" \
                and len(node.args) >= 2:
            made = _adapter_made(node.args[1], owner)
            if _adapter_sets_timeout(made, classes):
                receiver = dotted_name(node.func.value)
            elif isinstance(made, ast.Call):
                adapter = ctx.imports.resolve(made.func)
        elif isinstance(node, ast.Assign) and _partial_with_timeout(node.value):
            receiver = next(
                (dotted_name(t.value) for t in node.targets if isinstance(t, ast.Attribute) and t.attr == "request"),
                None,
            )
        if receiver:
            found.add((cls if receiver.startswith(("self.", "cls.")) else owner, receiver))
        mounted = dotted_name(node.func.value) if adapter and isinstance(node, ast.Call) \
            and isinstance(node.func, ast.Attribute) else None
        if adapter and mounted:
            imported.add((cls if mounted.startswith(("self.", "cls.")) else owner, mounted, adapter))
        for child in child_nodes(node):
            if isinstance(child, ast.ClassDef):
                stack.append((child, child, child))
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                stack.append((child, cls if isinstance(node, ast.ClassDef) else None, child))
            else:
                stack.append((child, cls, owner))
    return SessionMounts(frozenset(found), frozenset(imported))


@reads(session_mounts)
def sessions_with_timeout(ctx: FileContext) -> Mounts:
    """Sessions given a timeout where they are made, as ``(owner, receiver)`` pairs: owner is the class for
    ``self.x``, else the function or the module."""
    return session_mounts(ctx).timed


@reads(session_mounts, lookup, called_function, returned_values)
def imported_adapters(call: ast.Call, ctx: FileContext) -> list[str]:
    """The adapter classes imported from elsewhere (as the import map resolves them, possibly relative) that
    the session this method is called on is mounted with, where it is made: the project model may know that
    one sets a timeout (BE201)."""
    mounts = session_mounts(ctx).imported
    if not mounts:
        return []
    return sorted({
        adapter for owner, receiver, adapter in mounts
        if _session_matches(call, ctx, frozenset({(owner, receiver)}))
    })


@reads(origin, module_classes, sessions_with_timeout, lookup, called_function, returned_values)
def network_client(call: ast.Call, ctx: FileContext) -> Optional[Client]:
    """The :class:`Client` entry of a call that should carry a timeout (BE201's table), else ``None``."""
    made = origin(call.func, ctx)
    if made is None:
        return _session_subclass_call(call, ctx)
    if made in _FTP_CONNECTS:
        return _FTP_CONNECT if _made_without_timeout(call.func, ctx) else None
    found = requests_call(made) or _STDLIB.get(made) or _REDIS.get(made) or _DATABASES.get(made)
    if found is None and made in ("aiohttp.ClientSession", "aiohttp.client.ClientSession"):
        found = _AIOHTTP_SESSION
    if found is None:
        return None
    if made in _FTP_CLASSES and not call.args and not any(k.arg == "host" for k in call.keywords):
        return None  # no host: nothing connects until ``ftp.connect(host, timeout=...)``
    if found.construct.startswith("requests.Session.") and _session_has_timeout(call, ctx):
        return None
    return found


def _made_without_timeout(method: ast.expr, ctx: FileContext) -> bool:
    """``ftp.connect`` on an ``ftplib.FTP`` object every assignment of which made it with no ``timeout``
    (``connect`` keeps the constructor's timeout; an object that is not a plain local or ``self`` attribute
    is not known)."""
    if not isinstance(method, ast.Attribute):
        return False
    values = _assigned_values(method.value, ctx)
    return bool(values) and all(
        isinstance(value, ast.Call) and passes_argument(value, "timeout", _STDLIB["ftplib.FTP"].position) is False
        for value in values
    )


def _session_subclass_call(call: ast.Call, ctx: FileContext) -> Optional[Client]:
    """``ApiSession(...).get(url)``, also through a local or ``self.session``, where ``class ApiSession(
    requests.Session)`` is defined in this file and nowhere mentions a timeout (one that overrides
    ``request`` to set a default does)."""
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in REQUESTS_METHODS:
        return None
    values = _assigned_values(func.value, ctx)
    names = {value.func.id for value in values if isinstance(value, ast.Call) and isinstance(value.func, ast.Name)}
    if len(names) != 1 or len(values) != sum(1 for value in values if isinstance(value, ast.Call)):
        return None
    cls = module_classes(ctx).get(names.pop())
    if cls is None or mentions_timeout(cls):
        return None
    if not any(ctx.imports.resolve(base) in _SESSION_CLASSES for base in cls.bases):
        return None
    return Client(f"requests.Session.{func.attr}", "timeout", 8 if func.attr == "request" else None)


@reads(origin)
def disabled_timeout_keyword(call: ast.Call, ctx: FileContext) -> Optional[tuple[str, str]]:
    """``(construct, keyword)`` when ``call`` is a client call that takes a timeout keyword (BE202's table).

    Wider than :func:`network_client`: httpx and aiohttp requests have a default timeout, but an explicit
    ``timeout=None`` still disables it.
    """
    made = origin(call.func, ctx)
    if made is None:
        return None
    found = requests_call(made) or _STDLIB.get(made) or _REDIS.get(made)
    if found is not None:
        return found.construct, found.keyword
    if made.startswith("httpx."):
        name = made[len("httpx."):]
        if name in _HTTPX_METHODS or name in ("Client", "AsyncClient"):
            return made, "timeout"
        method = _session_method(made, _HTTPX_CLIENTS, _HTTPX_METHODS)
        if method is not None:
            return f"{made.split('(')[0]}.{method}", "timeout"
    method = _session_method(made, _AIOHTTP_SESSIONS, _AIOHTTP_METHODS)
    if method is not None:
        return f"aiohttp.ClientSession.{method}", "timeout"
    return None


def _session_has_timeout(call: ast.Call, ctx: FileContext) -> bool:
    """The session this method is called on gets its timeout from a mounted adapter or a patched ``request``."""
    return _session_matches(call, ctx, sessions_with_timeout(ctx))


def _session_matches(call: ast.Call, ctx: FileContext, found: Mounts) -> bool:
    """The session this method is called on is one of ``found``, where it is made.

    ``self.session`` is looked up in the class of the current method, a plain name in the current function
    and at module level, so two classes with a ``self.session`` each are not confused.
    """
    func = call.func
    if not isinstance(func, ast.Attribute):
        return False
    receiver = dotted_name(func.value)  # None for ``_api_session().get(url)``: the factory's session, read below
    if receiver is not None and receiver.startswith(("self.", "cls.")):
        if (ctx.scope.method_class, receiver) in found:
            return True
    elif receiver is not None and ((ctx.scope.function, receiver) in found or (ctx.tree, receiver) in found):
        return True
    if any(_value_has_timeout(value, ctx, found) for value in _assigned_values(func.value, ctx)):
        return True
    return _property_has_timeout(func.value, ctx, found)


_PROPERTIES = ("property", "cached_property")


def _property_has_timeout(expr: ast.expr, ctx: FileContext, found: Mounts) -> bool:
    """``self.session`` where ``session`` is a property (``property``, ``functools``' or Django's
    ``cached_property``) of the class that returns a local it gave a timeout (mounted an adapter that sets one),
    or the session of a factory of the file that does (``return self._build_session(...)``)."""
    if not isinstance(expr, ast.Attribute):
        return False
    owner = instance_class(expr.value, ctx.scope)
    if owner is None:
        return False
    for statement in owner.node.body:
        if (
            isinstance(statement, ast.FunctionDef) and statement.name == expr.attr
            and any((dotted_name(d) or "").rpartition(".")[2] in _PROPERTIES for d in statement.decorator_list)
        ):
            returned = [value for value in walk(statement) if isinstance(value, ast.Return) and value.value]
            return bool(returned) and all(
                (isinstance(r.value, ast.Name) and (statement, r.value.id) in found)
                or (isinstance(r.value, ast.Call) and _value_has_timeout(r.value, ctx, found))
                for r in returned
            )
    return False


def _assigned_values(expr: ast.expr, ctx: FileContext) -> list[ast.expr]:
    """What ``expr`` (a call, ``self.attr`` or a name) was assigned, as written."""
    if isinstance(expr, ast.Call):
        return [expr]
    if isinstance(expr, ast.Attribute):
        owner = instance_class(expr.value, ctx.scope)
        return bindings_of(ctx, owner.node).self_attributes.get(expr.attr, []) if owner is not None else []
    if isinstance(expr, ast.Name):
        found = lookup(expr.id, ctx, ctx.scope)
        if found is not None:
            return [value for value in found[1].assigned.get(expr.id, []) if value is not None]
    return []


def _value_has_timeout(
    value: ast.expr, ctx: FileContext, found: Mounts, scope: Optional[Scope] = None, through: int = 1,
) -> bool:
    """A value assigned to the session (``self.session = session``) that was given a timeout where it was made.

    A local of a method (``session = requests.Session(); session.mount(...); self.session = session``), or a
    call to a factory in this file that does that to the session it returns, or that returns such a factory's
    session (``through`` more calls: archivematica's ``_storage_api_slow_session()`` returns
    ``_storage_api_session(longer_timeout)``, the factory that mounts the timeout adapter).
    """
    if isinstance(value, ast.Name):
        cls = ctx.scope.method_class
        method = _method_holding(cls, value) if cls is not None else None
        return method is not None and (method, value.id) in found
    factory = called_function(value, ctx, scope or ctx.scope) if isinstance(value, ast.Call) else None
    if factory is None:
        return False
    return any(
        (isinstance(returned, ast.Name) and (factory.node, returned.id) in found)
        or (
            through > 0 and isinstance(returned, ast.Call)
            and _value_has_timeout(returned, ctx, found, factory.scope, through - 1)
        )
        for returned in returned_values(ctx, factory.node)
    )


def _method_holding(cls: ast.ClassDef, node: ast.expr) -> Optional[ast.AST]:
    for statement in cls.body:
        if (
            isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
            and statement.lineno <= node.lineno <= (statement.end_lineno or statement.lineno)
        ):
            return statement
    return None


def _adapter_made(adapter: ast.expr, owner: ast.AST) -> ast.expr:
    """The adapter a ``mount`` gets: the call itself, or the one call a local of the same function (or module)
    was assigned (``adapter = CustomHTTPAdapter(10, 3); session.mount("https://", adapter)``)."""
    if not isinstance(adapter, ast.Name):
        return adapter
    values = [
        node.value for node in walk(owner)
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == adapter.id for t in node.targets)
    ]
    calls = {ast.dump(value.func) for value in values if isinstance(value, ast.Call)}
    return values[0] if len(values) >= 1 and len(calls) == 1 and all(isinstance(v, ast.Call) for v in values) \
        else adapter


def _adapter_sets_timeout(adapter: ast.expr, classes: dict[str, ast.ClassDef]) -> bool:
    if not isinstance(adapter, ast.Call):
        return False
    if any(keyword.arg and "timeout" in keyword.arg for keyword in adapter.keywords):
        return True
    name = adapter.func.id if isinstance(adapter.func, ast.Name) else None
    cls = classes.get(name) if name else None
    return cls is not None and mentions_timeout(cls)


def mentions_timeout(cls: ast.ClassDef) -> bool:
    """The class body names a timeout somewhere (a parameter, attribute, key or ``setdefault("timeout")``)."""
    return any(
        (isinstance(node, ast.Name) and "timeout" in node.id)
        or (isinstance(node, ast.Constant) and node.value == "timeout")
        or (isinstance(node, ast.Attribute) and "timeout" in node.attr)
        or (isinstance(node, ast.arg) and "timeout" in node.arg)
        for node in walk(cls)
    )


def _partial_with_timeout(value: ast.expr) -> bool:
    return (
        isinstance(value, ast.Call)
        and (dotted_name(value.func) or "").endswith("partial")
        and any(keyword.arg == "timeout" for keyword in value.keywords)
    )


def passes_argument(call: ast.Call, keyword: str, position: Optional[int]) -> Optional[bool]:
    """Whether ``call`` passes ``keyword`` (by name, or positionally at ``position``).

    ``None`` when it cannot be known: ``*args`` or ``**kwargs`` that are not a dict literal.
    """
    if any(isinstance(arg, ast.Starred) for arg in call.args):
        return None
    if position is not None and len(call.args) > position:
        return True
    unknown = False
    for item in call.keywords:
        if item.arg == keyword:
            return True
        if item.arg is None:
            keys = item.value.keys if isinstance(item.value, ast.Dict) else None
            constants = [key for key in keys if isinstance(key, ast.Constant)] if keys is not None else []
            if keys is None or len(constants) != len(keys):
                unknown = True
            elif any(key.value == keyword for key in constants):
                return True
    return None if unknown else False
