"""Services beside the application on its own network: a sibling container reached by its bare name (BE105).

A deployment of several containers (docker compose, a Kubernetes pod) names its services by one-word host
names: Artemis proxies its operator UI's ``/karton-dashboard/`` to ``http://karton-dashboard:5000/`` and its
``/metrics`` to ``http://metrics:9000/``, and posts to ``http://autoreporter:5000/api/...``. Such a host has no
dot (no public DNS name), the scheme is plain HTTP (no TLS handshake to save) and the peer is a neighbour on
the same private network: a client made per request costs one local TCP connect, not the DNS, TLS and remote
round trips that make a per-request client worth fixing (all judged not a bug). A URL from a setting, with a
dotted host or over HTTPS is someone else's server, or may be.
"""

from __future__ import annotations

import ast
from typing import Optional
from urllib.parse import urlsplit

from backend_lint.analysis.ast_helpers import own_nodes
from backend_lint.analysis.loopback import is_loopback_text

_SCHEMES = ("http://", "https://")


def sidecar_url(text: str) -> bool:
    """``http://karton-dashboard:5000/x``: plain HTTP to a one-label host name or a loopback address."""
    if not text.startswith("http://"):
        return False
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return False
    return host is not None and bool(host) and ("." not in host or is_loopback_text(text))


def _url_text(node: ast.AST) -> Optional[str]:
    """The literal start of a URL written in ``node``: a string, an f-string's first piece, the left operand of
    ``"http://host:5000/" + path``; ``None`` when ``node`` starts with no ``http(s)://`` literal."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _url_text(node.left)
    if isinstance(node, ast.JoinedStr) and node.values:
        node = node.values[0]
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith(_SCHEMES):
        return node.value
    return None


def calls_only_sidecars(function: ast.AST) -> bool:
    """Every URL literal of ``function``'s body is a :func:`sidecar_url`, and there is one at least."""
    urls = [text for node in own_nodes(function)
            if isinstance(node, (ast.Constant, ast.JoinedStr)) and (text := _url_text(node)) is not None]
    return bool(urls) and all(sidecar_url(text) for text in urls)
