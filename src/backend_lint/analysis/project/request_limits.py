"""Request rates limited per client in the nginx configuration a project ships in front of its application (BE307).

An application that deploys behind its own nginx may limit how fast one client can call it there, not in Python:
openlibrary's production ``nginx.conf`` declares ``limit_req_zone $rate_limit_key zone=web_limit:10m rate=1r/s``
(the key being the client's address for every request without a session cookie) and its ``web_nginx.conf``
applies ``limit_req zone=web_limit`` to ``location /``, the location that proxies every page and API call to the
application, answering 429. A password guessed there is guessed at that rate, whatever the handler does.

:func:`read_request_limit` walks the project root as :mod:`.server_limits` does and reads the same server
configuration files. A limit counts when:

- a ``limit_req zone=NAME`` applies to every request the application gets: in ``location /`` (the prefix every
  path falls back to) or outside any ``location`` (a ``server`` or ``http`` block), in a file that proxies to an
  application (``proxy_pass``, ``uwsgi_pass``...) or beside one that does; and
- the zone ``NAME`` is declared by a ``limit_req_zone`` of the project's files keyed by the client's address
  (``$binary_remote_addr``, ``$remote_addr``, ``$http_x_forwarded_for``...), directly or through a ``map`` one of
  whose values is such an address. A ``map`` made from the user agent (Akvo RSR's ``map $http_user_agent $isbot``
  then ``map $isbot $limit_bot``) limits crawlers only: an attacker's script sends a browser's user agent, and
  such a zone does not count.

A limit on one location (``location ~ ^/account``, ``location /api/iati``) is not matched against the handler's
path and does not count; neither does a zone declared outside the project (an ``include`` of a file the repository
does not hold).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.project.file_text import Listings, bounded_walk, small_file_text
from backend_lint.analysis.project.server_limits import (
    BODY_LIMIT_DEPTH,
    config_candidate,
    proxies,
    root_then_repository_top,
    skipped_folder,
)

_CLIENT_ADDRESS = frozenset({
    "$binary_remote_addr", "$remote_addr", "$realip_remote_addr", "$http_x_forwarded_for", "$http_x_real_ip",
    "$proxy_add_x_forwarded_for", "$http_cf_connecting_ip", "$http_true_client_ip",
})
_USER_AGENT = "$http_user_agent"
_ZONE = lazy_compile(r"^limit_req_zone\s+(\S+)\s+.*?\bzone=([\w-]+)")
_APPLIED = lazy_compile(r"^limit_req\s+.*?\bzone=([\w-]+)")
_MAP = lazy_compile(r"^map\s+(\"[^\"]*\"|'[^']*'|\S+)\s+(\$\w+)$")
_CATCH_ALL = lazy_compile(r"^location\s+(?:\^~\s+)?/$")
_TEMPLATE = lazy_compile(r"\{\{.*?\}\}|\{%.*?%\}|\$\{[^}]*\}", re.DOTALL)
_VARIABLE = lazy_compile(r"\$\w+")


@dataclass
class _Reading:
    """What the project's server configuration declares, gathered over its files."""

    zones: dict[str, str] = field(default_factory=dict)
    """Zone name -> the variable its requests are keyed by."""
    maps: dict[str, tuple[str, set[str]]] = field(default_factory=dict)
    """Variable a ``map`` sets -> (the text it maps, the variables among its values)."""
    applied: list[tuple[str, str]] = field(default_factory=list)
    """(zone name, file) for every ``limit_req`` that applies to every request of a proxying server."""


def _statements(text: str) -> list[tuple[str, list[str]]]:
    """The directives of an nginx file, each with the headers of the blocks around it (outermost first): quoted
    text, comments and template placeholders are skipped, so a JSON body in ``return 429 '{...}'`` or a Helm
    ``{{ if }}`` opens no block."""
    text = _TEMPLATE.sub(" ", text)
    found: list[tuple[str, list[str]]] = []
    stack: list[str] = []
    current: list[str] = []
    quote = ""
    index = 0
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\":
                current.append(text[index:index + 2])
                index += 2
                continue
            if char == quote:
                quote = ""
            current.append(char)
        elif char in "\"'":
            quote = char
            current.append(char)
        elif char == "#":
            end = text.find("\n", index)
            index = len(text) if end < 0 else end
            continue
        elif char == "{":
            stack.append(" ".join("".join(current).split()))
            current = []
        elif char == "}":
            if stack:
                stack.pop()
            current = []
        elif char == ";":
            found.append((" ".join("".join(current).split()), list(stack)))
            current = []
        else:
            current.append(char)
        index += 1
    return found


def _read(text: str, relative: str, proxying: bool, reading: _Reading) -> None:
    """Add what ``text`` (the file at ``relative``) declares to ``reading``."""
    for statement, headers in _statements(text):
        zone = _ZONE.match(statement)
        if zone is not None:
            reading.zones[zone.group(2)] = zone.group(1)
            continue
        if headers and (mapped := _MAP.match(headers[-1])) is not None:
            values = set(_VARIABLE.findall(statement.split(None, 1)[1] if " " in statement else ""))
            source, target = mapped.groups()
            known = reading.maps.get(target, (source, set()))
            reading.maps[target] = (source, known[1] | values)
            continue
        applied = _APPLIED.match(statement)
        if applied is None or not proxying:
            continue
        locations = [header for header in headers if header.startswith("location")]
        if not locations or _CATCH_ALL.match(locations[-1]):
            reading.applied.append((applied.group(1), relative))


def _keyed_by_client(variable: str, reading: _Reading, depth: int = 0) -> bool:
    """The zone key ``variable`` is the client's address, or a ``map`` not made from the user agent gives it one
    as a value (see the module docstring)."""
    if variable in _CLIENT_ADDRESS:
        return True
    if depth > 3 or variable not in reading.maps:
        return False
    source, values = reading.maps[variable]
    if _from_user_agent(source, reading, depth):
        return False
    return any(_keyed_by_client(value, reading, depth + 1) for value in values)


def _from_user_agent(source: str, reading: _Reading, depth: int) -> bool:
    for variable in _VARIABLE.findall(source):
        if variable == _USER_AGENT:
            return True
        if depth <= 3 and variable in reading.maps and _from_user_agent(reading.maps[variable][0], reading, depth + 1):
            return True
    return False


_WORDS = ("limit_req", "map ")


def _limiting_file(base: str, listings: Optional[Listings]) -> str:
    """The first file at or below ``base`` (relative to it) that limits every request per client, or ``""``."""
    reading = _Reading()
    for folder, relative, files in bounded_walk(base, BODY_LIMIT_DEPTH, skipped_folder, listings):
        for name in files:
            if not config_candidate(folder, name):
                continue
            text = small_file_text(os.path.join(folder, name))
            if not any(word in text for word in _WORDS):
                continue
            _read(text, os.path.normpath(os.path.join(relative, name)), proxies(text, folder), reading)
    for zone, relative in reading.applied:
        key = reading.zones.get(zone)
        if key is not None and _keyed_by_client(key, reading):
            return relative
    return ""


def read_request_limit(root: Path, listings: Optional[Listings] = None) -> str:
    """The file of the server configuration the project ships that limits every request to its application per
    client (see the module docstring), relative to ``root``, or ``""``. A root nested in its repository is deployed
    by the repository's files too: when nothing below the root limits, the repository's top is searched."""
    return root_then_repository_top(root, listings, _limiting_file)
