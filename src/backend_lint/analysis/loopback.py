"""Addresses on this machine: a TLS connection to a loopback address crosses no network anyone can intercept.

A value is *loopback* when it is a string literal naming a loopback host (``"127.0.0.1"``, ``"localhost"``,
``"::1"``, ``"https://127.0.0.1:9200"``, ``"localhost:6379"``), or a list, tuple or set of such literals only.
BE507 reads it in a dict of client options (``{"hosts": DEFAULT_HOSTS, "verify_certs": False}``, Mayan EDMS's
fallback Elasticsearch options aimed at ``https://127.0.0.1:9200``) and in the URL of a request made with
``verify=False`` (:func:`loopback_url`: wazo-confd's self-check of its own API on ``localhost``): verification
skipped for a server on the same machine protects nothing a network hop could read. A name imported from
another module is settled by the project model (module summaries keep the names bound once to a loopback literal).
"""

from __future__ import annotations

import ast
import ipaddress
import re
from typing import Optional
from urllib.parse import urlsplit

from backend_lint.analysis.ast_helpers import assigned_values
from backend_lint.analysis.lazy_regex import lazy_compile

_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def is_loopback_text(text: str) -> bool:
    """``"https://127.0.0.1:9200"``, ``"localhost:6379"``, ``"[::1]"``, ``"127.0.0.1"``."""
    text = text.strip()
    if not text:
        return False
    host: Optional[str]
    try:
        host = urlsplit(text if "//" in text else f"//{text}").hostname
    except ValueError:
        return False
    if not host:
        return False
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_loopback_literal(value: ast.AST) -> bool:
    """A string literal naming a loopback host, or a non-empty list/tuple/set of only such literals."""
    if isinstance(value, ast.Constant):
        return isinstance(value.value, str) and is_loopback_text(value.value)
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return bool(value.elts) and all(is_loopback_literal(element) for element in value.elts)
    return False


_URL_HOST = lazy_compile(r"^[^/:?#]*://(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])(?:[:/]|$)", re.I)
"""A URL whose host is written out as a loopback address and ends there (``https://localhost:8443/...``): the
host cannot be continued by a later part of the text (``localhost.example.com``)."""
_UNKNOWN = "\x00"
"""What a part the code cannot read stands for when a URL's text is put together: no host character."""


def loopback_url(expr: ast.expr) -> bool:
    """A URL aimed at this machine, written in the expression itself: a literal (``"https://127.0.0.1:9200/x"``),
    an f-string or a ``str.format`` of a literal template whose text up to the host is fixed
    (``f"https://localhost:{port}/api"``, ``"{}://{}:{}/".format(scheme, "localhost", port)``). Whatever the other
    parts are, the request goes to a loopback host."""
    text: Optional[str] = None
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        text = expr.value
    elif isinstance(expr, ast.JoinedStr):
        text = "".join(
            part.value if isinstance(part, ast.Constant) and isinstance(part.value, str) else _UNKNOWN
            for part in expr.values
        )
    elif (
        isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "format"
        and isinstance(expr.func.value, ast.Constant) and isinstance(expr.func.value.value, str)
        and not expr.keywords and not any(isinstance(arg, ast.Starred) for arg in expr.args)
    ):
        filled = [
            arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, (str, int)) else _UNKNOWN
            for arg in expr.args
        ]
        try:
            text = expr.func.value.value.format(*filled)
        except (IndexError, KeyError, ValueError):
            return False
    return text is not None and _URL_HOST.match(text) is not None


def loopback_constants(tree: ast.Module) -> list[str]:
    """Module-level names bound once, to a loopback literal (sorted): what other modules' imports can rely on."""
    bound: dict[str, int] = {}
    values: dict[str, ast.expr] = {}
    for statement in tree.body:
        if isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
            bound[statement.target.id] = 2
            continue
        targets, value = assigned_values(statement)
        if value is None:
            continue
        for target in targets:
            if isinstance(target, ast.Name):
                bound[target.id] = bound.get(target.id, 0) + 1
                values[target.id] = value
    return sorted(name for name, value in values.items() if bound[name] == 1 and is_loopback_literal(value))
