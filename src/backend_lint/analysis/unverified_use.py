"""What code does with a connection made without certificate verification (BE507).

Verification protects what crosses the connection: what the client sends (credentials, a body) and what it reads
back. Two uses leave nothing to protect:

- :func:`discarded_request` / :func:`probe_context`: a **probe**. The request or connection made without
  verification is never read and carries nothing: ``session.get(url, timeout=10, verify=False)`` as a statement of
  its own (or returned by a helper every caller of the file calls as a statement of its own: only whether it
  raised matters; or assigned to a local whose only use is ``raise_for_status()`` or its status: a liveness
  check), with no body, credentials, headers, cookies or query, and a reading method (a ``post``,
  ``put``, ``patch`` or ``delete`` acts on the server: no probe); a context whose only use is to be
  handed to a call whose result is thrown away (``create_socket_connection(context, host, port, timeout)`` then
  ``return True``: which cipher suites a scanned host accepts). A man in the middle can only make the probe
  succeed or fail, as he could without TLS.
- :func:`marked_fallback`: a **fallback the caller is told about**. The unverified request runs only in the
  handler of a certificate-verification error, and that handler records it in a flag the function returns
  (``except ClientConnectorCertificateError: cert_valid = False`` ... ``return uri, cert_valid``): the caller
  learns the answer is unverified and can say so.

Two requests gain nothing from verification because plain http carries them anyway: :func:`plain_http_request`,
a request whose URL is written for ``http://`` (a literal, or a local the statement just before rewrote with
``url.replace("https://", "http://")``: no TLS, so the flag does nothing; a man in the middle answers the
plain request before any redirect), and :func:`falls_back_to_http`, an ``https`` request in a ``try`` whose
handler of the request's errors (a certificate error among them) repeats it over plain http (ynr's modgov
scraper): whoever can forge a certificate can as well break the handshake and be asked the plain way.

A third use has nothing to verify against: :func:`reached_by_ip`, a context that connects to a peer by a bare IP
address (a peer-to-peer transfer whose peers hold self-signed certificates), and :func:`requested_by_ip`, an HTTP
request whose URL the code writes with an IP address for its host (``"https://{ip}/api/{ep}".format(ip=self.host,
...)``: mycodo reaching another mycodo install, whose own certificate is self-signed, by the address its user gave).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import Optional

from backend_lint.analysis.ast_helpers import block_holding, string_value
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.facts import reads
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.mentions import call_conditions
from backend_lint.analysis.node_index import node_index
from backend_lint.analysis.secret_names import split_identifier
from backend_lint.analysis.tree_walk import walk
from backend_lint.context import FileContext

_CARRIES = frozenset({"data", "json", "files", "auth", "headers", "cookies", "params", "content", "body", "cert"})
"""Keywords of a request that send something over the connection (a body, credentials, a client certificate,
a query)."""
_WRITES = frozenset({"post", "put", "patch", "delete"})
"""Request methods that act on the server: a man in the middle decides whether the action happens and what the
server is told it was, so such a request is no probe even with no body."""
_CERTIFICATE_ERRORS = ("CertificateError", "CertVerificationError", "ClientConnectorCertificateError",
                       "ServerFingerprintMismatch", "SSLError")
"""Last parts of the exception classes a failed certificate check raises (``ssl``, aiohttp; requests' and
urllib3's ``SSLError`` too)."""
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _statement(node: ast.AST, parents: Mapping[ast.AST, ast.AST]) -> Optional[ast.AST]:
    """The node above ``node`` once an ``await`` is looked through."""
    parent = parents.get(node)
    return parents.get(parent) if isinstance(parent, ast.Await) else parent


@reads(call_conditions, node_index)
def discarded_request(call: ast.Call, ctx: FileContext) -> bool:
    """``call`` (a request made without verification) sends nothing but its URL and its result is never read:
    a statement of its own, or the value a function of the file returns whose every call in the file is a
    statement of its own."""
    if any(keyword.arg is None or keyword.arg in _CARRIES for keyword in call.keywords) or len(call.args) > 2:
        return False
    if _method(call) in _WRITES:
        return False
    parents = node_index(ctx).parents
    above = _statement(call, parents)
    if isinstance(above, ast.Expr):
        return True
    function = ctx.scope.function
    if _method(call) in _READS and _status_only(above, function, parents):
        return True
    if not isinstance(above, ast.Return) or not isinstance(function, _FUNCTIONS) or function not in ctx.tree.body:
        return False
    sites = _call_statements(ctx, function.name, parents)
    return bool(sites) and all(isinstance(site, ast.Expr) for site in sites)


_READS = frozenset({"get", "head", "options"})
"""Request methods a liveness probe uses: ``send(prepared)`` may carry any body, a ``post`` acts on the server."""
_STATUS_READS = frozenset({"raise_for_status", "status_code", "ok", "status"})
"""What a probe asks of its answer: whether it failed (``raise_for_status()``) or its status, nothing of its body."""


def _status_only(above: Optional[ast.AST], function: Optional[ast.AST], parents: Mapping[ast.AST, ast.AST]) -> bool:
    """``answer = requests.get(url, verify=False)`` then only ``answer.raise_for_status()`` (or its ``status_code``
    / ``ok``): a liveness probe whose answer is read for whether it failed, never for what it says."""
    if not (isinstance(above, ast.Assign) and len(above.targets) == 1 and isinstance(above.targets[0], ast.Name)
            and isinstance(function, _FUNCTIONS)):
        return False
    name = above.targets[0].id
    used = False
    for node in walk(function):
        if not (isinstance(node, ast.Name) and node.id == name):
            continue
        if isinstance(node.ctx, ast.Store):
            if node is not above.targets[0]:
                return False  # rebound: another value under the same name
            continue
        parent = parents.get(node)
        if not (isinstance(parent, ast.Attribute) and parent.attr in _STATUS_READS):
            return False  # ``answer.json()``, ``answer.text``, handed on: its content is used
        above_read = parents.get(parent)
        called = above_read is not None and isinstance(parents.get(above_read), ast.Expr)
        if parent.attr == "raise_for_status" and not called:
            return False
        used = True
    return used


def _method(call: ast.Call) -> str:
    """The HTTP method of a request call, lower-cased: the method's name (``session.post``), or the literal first
    argument of ``request("POST", url)``; empty when unknown."""
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    first = call.args[0] if call.args else None
    if name == "request" and isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value.lower()
    return name.lower()


def _call_statements(ctx: FileContext, name: str, parents: Mapping[ast.AST, ast.AST]) -> list[Optional[ast.AST]]:
    """What each call of the module function ``name`` in the file sits in (``await`` looked through)."""
    if name not in call_conditions(ctx):
        return []
    return [_statement(node, parents) for node in walk(ctx.tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name]


@reads(node_index)
def probe_context(target: ast.expr, ctx: FileContext) -> bool:
    """``context.verify_mode = ssl.CERT_NONE`` (or ``check_hostname = False``) on a local context whose only other
    uses in its function are settings of it (``context.set_ciphers(cipher)``) and being handed to calls whose
    result is thrown away (``create_socket_connection(context, host, port, timeout)``): the handshake is the
    whole point, nothing is sent or read over the connection."""
    if not isinstance(target, ast.Attribute) or not isinstance(target.value, ast.Name):
        return False
    name = target.value.id
    function = ctx.scope.function
    if not isinstance(function, _FUNCTIONS):
        return False
    handed = False
    parents = node_index(ctx).parents
    for node in walk(function):
        if not (isinstance(node, ast.Name) and node.id == name):
            continue
        parent = parents.get(node)
        if isinstance(node.ctx, ast.Store):
            continue  # ``context = ssl.create_default_context()``
        if isinstance(parent, ast.Attribute):
            above = parents.get(parent)
            if isinstance(above, ast.Assign) and parent in above.targets:
                continue  # ``context.check_hostname = False``
            if isinstance(above, ast.Call) and above.func is parent and parent.attr.startswith(("set_", "load_")) \
                    and isinstance(parents.get(above), ast.Expr):
                continue  # ``context.set_ciphers(cipher)``
            return False  # ``context.wrap_socket(sock)``: a connection someone may use
        if isinstance(parent, ast.Call) and node in parent.args and isinstance(_statement(parent, parents), ast.Expr):
            handed = True
            continue
        return False
    return handed


def marked_fallback(node: ast.AST, ctx: FileContext) -> bool:
    """``node`` runs in the handler of a certificate-verification error that sets a flag (a name bound to a
    constant) the function returns: the unverified retry is reported to the caller as such."""
    handler = ctx.scope.except_handler
    function = ctx.scope.function
    if handler is None or handler.type is None or not isinstance(function, _FUNCTIONS):
        return False
    caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    if not caught or not all((ctx.imports.resolve(kind) or _written(kind)).endswith(_CERTIFICATE_ERRORS)
                             for kind in caught):
        return False
    flags = {target.id for statement in handler.body if isinstance(statement, ast.Assign)
             and isinstance(statement.value, ast.Constant) and isinstance(statement.value.value, bool)
             for target in statement.targets if isinstance(target, ast.Name)}
    if not flags:
        return False
    return any(isinstance(inner, ast.Return) and inner.value is not None
               and any(isinstance(name, ast.Name) and name.id in flags for name in walk(inner.value))
               for inner in walk(function))


def _written(expr: ast.expr) -> str:
    return expr.attr if isinstance(expr, ast.Attribute) else expr.id if isinstance(expr, ast.Name) else ""


_CONNECTS = frozenset({"wrap_socket", "connect", "create_connection", "open_connection"})
"""Calls that open (or wrap) the connection to a peer: ``context.wrap_socket(sock, server_hostname=ip)``,
``sock.connect((ip, port))``, ``socket.create_connection((ip, port))``, ``asyncio.open_connection(ip, port)``."""
_IP_WORDS = frozenset({"ip", "ipaddr", "ipv4", "ipv6"})
_IP_CALLS = frozenset({"inet_ntoa", "inet_ntop", "ip_address", "IPv4Address", "IPv6Address"})


def reached_by_ip(function: Optional[ast.AST]) -> bool:
    """The function connects to its peer by a bare IP address (``server_hostname=ip``, ``connect((peer_ip,
    port))``, ``socket.inet_ntoa(...)``): a peer-to-peer link (SSL-DCC, a node of a mesh, a container on the host's
    own network) whose peers hold self-signed certificates and no name a CA could vouch for. There is nothing to
    verify the certificate against, so skipping verification is the protocol's, not a weakness the code chose."""
    if not isinstance(function, _FUNCTIONS):
        return False
    for node in walk(function):  # one function, asked only where verification is switched off
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if called not in _CONNECTS:
            continue
        hosts = [keyword.value for keyword in node.keywords if keyword.arg in ("server_hostname", "host")]
        if node.args:
            first = node.args[0]
            hosts.extend(first.elts[:1] if isinstance(first, ast.Tuple) else [first])
        if called == "wrap_socket":
            hosts = [keyword.value for keyword in node.keywords if keyword.arg == "server_hostname"]
        if any(_names_ip(host) for host in hosts):
            return True
    return False


def _names_ip(expr: ast.expr) -> bool:
    """``ip``, ``self.peer_ip``, ``host_ip``, ``socket.inet_ntoa(packed)``."""
    if isinstance(expr, ast.Call):
        func = expr.func
        return (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")) in _IP_CALLS
    name = expr.id if isinstance(expr, ast.Name) else expr.attr if isinstance(expr, ast.Attribute) else ""
    return bool(set(split_identifier(name)) & _IP_WORDS)


_FORMATTED_HOST = lazy_compile(r"[A-Za-z][\w+.-]*://\{(\w*)\}")
"""A URL template whose host is its first hole (``https://{ip}/api``): group 1 the hole's name."""


@reads(bindings_of)
def requested_by_ip(call: ast.Call, ctx: FileContext) -> bool:
    """The request's URL (its first argument or ``url=``, or the one value of the local it names) is written with an
    IP address for its host: a template whose first hole, right after ``://``, is named for an IP
    (``"https://{ip}/api".format(ip=host)``) or filled with one (``f"https://{peer_ip}/api"``)."""
    url = next((keyword.value for keyword in call.keywords if keyword.arg == "url"), None)
    if url is None and call.args:
        url = call.args[0]
    if isinstance(url, ast.Name):
        values = bindings_of(ctx, ctx.scope.function or ctx.tree).assigned.get(url.id, [])
        url = values[0] if len(values) == 1 else None
    if isinstance(url, ast.JoinedStr) and len(url.values) > 1:
        scheme, host = url.values[0], url.values[1]
        return (isinstance(scheme, ast.Constant) and isinstance(scheme.value, str) and scheme.value.endswith("://")
                and isinstance(host, ast.FormattedValue) and _names_ip(host.value))
    if not (isinstance(url, ast.Call) and isinstance(url.func, ast.Attribute) and url.func.attr == "format"
            and isinstance(url.func.value, ast.Constant) and isinstance(url.func.value.value, str)):
        return False
    hole = _FORMATTED_HOST.match(url.func.value.value)
    if hole is None:
        return False
    name = hole.group(1)
    if not name or name.isdigit():
        index = int(name) if name else 0
        return index < len(url.args) and _names_ip(url.args[index])
    return bool(set(split_identifier(name)) & _IP_WORDS)


_FALLBACK_ERRORS = ("RequestException", "ConnectionError", "SSLError", "RequestError", "TransportError",
                    "ConnectError", "ClientError", "OSError", "Exception")
"""Last parts of the exception classes a failed certificate check is caught as (requests' ``RequestException``
and ``ConnectionError``, httpx's ``RequestError``/``TransportError``, aiohttp's ``ClientError``, ``OSError``,
``Exception``; ``BaseException`` ends with ``Exception`` too)."""


def _request_url(call: ast.Call) -> Optional[ast.expr]:
    """The URL a request call is given: ``url=``, the second argument of ``request(method, url)``, else the
    first."""
    keyword = next((keyword.value for keyword in call.keywords if keyword.arg == "url"), None)
    if keyword is not None:
        return keyword
    called = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    position = 1 if called == "request" else 0
    return call.args[position] if len(call.args) > position else None


def _http_rewrite(expr: ast.expr) -> Optional[ast.expr]:
    """``url.replace("https://", "http://")``: the string rewritten to plain http (``url``), else ``None``."""
    if not (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "replace"
            and len(expr.args) >= 2):
        return None
    old, new = string_value(expr.args[0]), string_value(expr.args[1])
    return expr.func.value if old in ("https://", "https:") and new == old.replace("https", "http") else None


def _written_plain(expr: ast.expr) -> bool:
    """A URL written for plain http: a literal or an f-string that starts ``http://``, or a rewrite to it."""
    if isinstance(expr, ast.JoinedStr) and expr.values:
        expr = expr.values[0]
    text = string_value(expr)
    return (text is not None and text.lower().startswith("http://")) or _http_rewrite(expr) is not None


def _just_bound(name: str, node: ast.AST, parents: Mapping[ast.AST, ast.AST]) -> Optional[ast.expr]:
    """The value the statement nearest before ``node``'s, in the same block, that binds ``name`` gives it, when
    that statement is a plain ``name = value``; ``None`` when another statement binds it or none does."""
    statement: Optional[ast.AST] = node
    while statement is not None and not isinstance(statement, ast.stmt):
        statement = parents.get(statement)
    if not isinstance(statement, ast.stmt):
        return None
    block = block_holding(parents.get(statement), statement) or []
    for earlier in reversed(block[:block.index(statement)] if statement in block else []):
        if not any(isinstance(bound, ast.Name) and bound.id == name and isinstance(bound.ctx, ast.Store)
                   for bound in ast.walk(earlier)):
            continue
        if isinstance(earlier, ast.Assign) and len(earlier.targets) == 1 \
                and isinstance(earlier.targets[0], ast.Name):
            return earlier.value
        return None
    return None


def _plain_url(url: Optional[ast.expr], node: ast.AST, parents: Mapping[ast.AST, ast.AST]) -> Optional[ast.expr]:
    """How ``url`` (at ``node``) was written for plain http: itself, or the value the statement just before gave
    the local it names; ``None`` when it is not known to be plain http."""
    if isinstance(url, ast.Name):
        url = _just_bound(url.id, node, parents)
    return url if url is not None and _written_plain(url) else None


@reads(node_index)
def plain_http_request(call: ast.Call, ctx: FileContext) -> bool:
    """The request goes to a URL written for plain http (``"http://..."``, ``f"http://{host}/"``, or a local the
    statement just before set to ``url.replace("https://", "http://")``): there is no TLS whose certificate a
    flag could leave unverified."""
    return _plain_url(_request_url(call), call, node_index(ctx).parents) is not None


@reads(node_index)
def falls_back_to_http(call: ast.Call, ctx: FileContext) -> bool:
    """``call`` sits in the body of a ``try`` one of whose handlers catches the request's errors (a failed
    certificate check among them: ``requests.RequestException``, ``ConnectionError``, ``SSLError``, ``Exception``)
    and makes the same request again over plain http (``url = url.replace("https://", "http://")`` then
    ``requests.get(url, ...)``). The code takes the plain answer whenever the secure attempt fails, so a man in
    the middle who could forge a certificate gets the same by breaking the handshake."""
    parents = node_index(ctx).parents
    url = _request_url(call)
    child: ast.AST = call
    current = parents.get(call)
    while current is not None and not isinstance(current, (*_FUNCTIONS, ast.Lambda, ast.Module)):
        if isinstance(current, ast.Try) and any(statement is child for statement in current.body):
            return any(_retries_over_http(handler, call, url, parents) for handler in current.handlers)
        child, current = current, parents.get(current)
    return False


def _retries_over_http(handler: ast.ExceptHandler, call: ast.Call, url: Optional[ast.expr],
                       parents: Mapping[ast.AST, ast.AST]) -> bool:
    """``handler`` catches a request's errors and repeats ``call`` (the same method) on ``url`` rewritten to plain
    http."""
    caught = [] if handler.type is None else \
        handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    if not all(_written(kind).endswith(_FALLBACK_ERRORS) for kind in caught):
        return False
    method = _method(call)
    for retry in ast.walk(handler):
        if not isinstance(retry, ast.Call) or retry is call or _method(retry) != method:
            continue
        written = _plain_url(_request_url(retry), retry, parents)
        source = _http_rewrite(written) if written is not None else None
        if source is not None and isinstance(url, ast.Name) and isinstance(source, ast.Name) \
                and source.id == url.id:
            return True
        if source is not None and url is not None and ast.dump(source) == ast.dump(url):
            return True
    return False
