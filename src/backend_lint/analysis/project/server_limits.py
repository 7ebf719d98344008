"""Request-body limits set in the web or application server configuration a project ships (BE306).

Many applications cap the size of a request where they deploy it, not in Python: the nginx they bundle in front
of the API (Frigate's ``client_max_body_size 20M`` in the server that proxies ``/api/``), the uWSGI
configuration they run the app with (linkding's ``limit-post``, set from its documented
``LD_REQUEST_MAX_CONTENT_LENGTH`` option), Apache's ``LimitRequestBody``, Caddy's ``request_body { max_size }``,
an ingress's ``proxy-body-size`` annotation, Traefik's ``maxRequestBodyBytes``, and a reverse proxy configured by
environment settings in a compose or ``.env`` file (BunkerWeb's ``MAX_CLIENT_SIZE``, for all its servers or one:
``api.fmtm.hotosm.org_MAX_CLIENT_SIZE: 1G`` beside ``api.fmtm.hotosm.org_REVERSE_PROXY_HOST: http://api:8000``). A
request larger than that never reaches the handler, so a handler that reads its upload whole reads at most that
much.

:func:`read_body_limit` walks the project root (at most :data:`BODY_LIMIT_DEPTH` folders down; hidden folders,
dependencies, tests, documentation and examples skipped) and reads, as text, only the files such configuration
lives in. A limit counts when it is set to a value of at most :data:`MAX_COUNTED_BYTES` (a cap of gigabytes is
chosen to let large files in and does not bound what a whole read holds) or to a value the operator fills in (a
template placeholder, an environment option: the project offers the knob where it chose to cap). An nginx file
counts only when it proxies to an application (``proxy_pass``, ``uwsgi_pass``...; a server of static files caps
nothing the API receives) and no ``client_max_body_size 0`` in it switches the check off. Gunicorn's
``limit_request_line``/``limit_request_fields``/``limit_request_field_size`` bound the request line and headers,
never the body, and do not count; neither does a size given only to the proxy's cache (``max_size=`` of
``proxy_cache_path``). A ``MAX_CLIENT_SIZE`` setting counts only beside the same proxy's reverse-proxy settings
(``USE_REVERSE_PROXY``, ``REVERSE_PROXY_HOST``): set for every server, it must bound; set per server (a multisite
proxy), it counts when a server that proxies to an application (``<host>_REVERSE_PROXY_HOST``) is capped within
bound. Which of the servers fronts the Python application is not read: a project that caps its API's server and
lets its object storage's take 10G is counted as capped.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Optional

from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.project.file_text import Listings, bounded_walk, small_file_text
from backend_lint.analysis.project.roots import repository_top

BODY_LIMIT_DEPTH = 8
"""How many folders below the root server configuration is looked for (Frigate's
``docker/main/rootfs/usr/local/nginx/conf/nginx.conf`` is seven down)."""
MAX_COUNTED_BYTES = 1024 ** 3
"""The largest cap that counts as a bound (1 GiB)."""
_SKIPPED = frozenset({"node_modules", "__pycache__", "site-packages", "venv", "tests", "test", "testing", "docs",
                      "examples", "example", "migrations", "locale", "static", "fixtures"})

_NGINX_LIMIT = lazy_compile(r"(?m)^[ \t]*client_max_body_size\s+([^;#\n]+);")
_NGINX_PROXY = lazy_compile(r"\b(?:proxy_pass|uwsgi_pass|fastcgi_pass|scgi_pass|grpc_pass)\b")
_UWSGI_LIMIT = lazy_compile(
    r"(?m)(?:^[ \t]*limit[-_]post[ \t]*[=:][ \t]*|--limit-post(?:[= \t]+|[\"']\s*,\s*[\"']))([^\s\"',\]]+)")
"""uWSGI's ``limit-post = 52428800`` (ini, ``limit-post:`` in YAML) or ``--limit-post 52428800`` on a command line,
also in a JSON-form ``CMD [..., "--limit-post", "52428800"]``."""
_APACHE_LIMIT = lazy_compile(r"(?mi)^[ \t]*LimitRequestBody\s+(\S+)")
_CADDY_LIMIT = lazy_compile(r"(?s)request_body\s*\{[^}]*?\bmax_size\s+(\S+)")
_INGRESS_LIMIT = lazy_compile(r"proxy-body-size[\"']?\s*:\s*[\"']?([^\"'\s]+)")
_TRAEFIK_LIMIT = lazy_compile(r"maxRequestBodyBytes[\"']?\s*[:=]\s*[\"']?([^\"'\s,]+)")
_ENV_KEY = r"(?m)^[ \t]*(?:-[ \t]*)?[\"']?"
"""The start of an environment setting's line: YAML (``KEY: value``, ``- KEY=value``) or ``.env`` (``KEY=value``)."""
_ENV_CLIENT_SIZE = lazy_compile(_ENV_KEY + r"([^\s:=#\"']*?)MAX_CLIENT_SIZE[\"']?[ \t]*[:=][ \t]*([^\s#]+)")
"""A proxy's environment setting, in YAML or ``KEY=value`` form: BunkerWeb's ``MAX_CLIENT_SIZE: 50m`` for all its
servers, ``api.example.org_MAX_CLIENT_SIZE: 1G`` for one (group 1: the server's prefix with its ``_``)."""
_ENV_PROXY_HOST = lazy_compile(_ENV_KEY + r"([^\s:=#\"']*?)REVERSE_PROXY_HOST[\"']?[ \t]*[:=]")
_ENV_USES_PROXY = lazy_compile(_ENV_KEY + r"USE_REVERSE_PROXY[\"']?[ \t]*[:=][ \t]*[\"']?yes\b")
_SIZE = lazy_compile(r"(?i)^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$")
_PLACEHOLDER = lazy_compile(r"\{\{|\$\{|\{\$|%\(|\$[A-Z_]|<%")
_DEFAULT = lazy_compile(r"\{\$\w+:([^}]+)\}|\$\{\w+:-([^}]+)\}")
"""A placeholder with a default: Caddy's ``{$MAX_BODY:5GB}``, a shell's ``${MAX_BODY:-5G}``."""
_UNITS = {"": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3, "t": 1024 ** 4}


def _bounds(value: str) -> bool:
    """The configured size ``value`` bounds a body: a size of at most :data:`MAX_COUNTED_BYTES`, not ``0`` (which
    switches nginx's and Apache's checks off), or a placeholder the operator fills in (its default, when it
    has one, decides)."""
    value = value.strip().strip("\"'")
    default = _DEFAULT.search(value)
    if default is not None:
        value = (default.group(1) or default.group(2) or "").strip()
    elif _PLACEHOLDER.search(value):
        return True
    found = _SIZE.match(value)
    if found is None:
        return False
    size = float(found.group(1)) * _UNITS[found.group(2).lower()]
    return 0 < size <= MAX_COUNTED_BYTES


def _candidate(folder: str, name: str) -> bool:
    """A file server configuration lives in (by its name or folder): nginx and Apache ``.conf`` files and their
    templates, uWSGI ``.ini`` files, a ``Caddyfile``, container and compose files (a ``--limit-post`` on the
    command line), ingress and Traefik manifests."""
    lowered = name.lower()
    if lowered.endswith((".conf", ".ini", ".htaccess", ".vhost", ".env")) \
            or lowered.startswith(("caddyfile", "dockerfile")):
        return True  # (``.env``, ``variables.env``: a proxy's environment settings)
    if ".conf." in lowered or lowered.startswith(("nginx", "uwsgi", "httpd", "apache")):
        return True  # nginx.conf.template, app.conf.j2, uwsgi.yml
    if lowered.endswith((".yaml", ".yml", ".toml", ".j2")):
        where = f"{os.path.basename(folder)}/{lowered}".lower()
        return any(word in where for word in ("ingress", "traefik", "compose", "nginx", "uwsgi"))
    return False


def config_candidate(folder: str, name: str) -> bool:
    """A file server configuration lives in (:func:`_candidate`), for the other readers of the same files
    (:mod:`.request_limits`)."""
    return _candidate(folder, name)


def proxies(text: str, folder: str = "") -> bool:
    """The nginx configuration ``text`` proxies to an application, or a configuration file beside it in ``folder``
    that it may include does (``include nginx_common.conf;``)."""
    return bool(_NGINX_PROXY.search(text)) or bool(folder and _proxies_beside(folder))


def caps_bodies(text: str, folder: str = "") -> bool:
    """The configuration text caps every request body (see the module docstring). An nginx file proxies when
    it, or a configuration file beside it in ``folder`` that it may include (Ghostwriter's
    ``include nginx_common.conf;``), says ``proxy_pass``."""
    nginx = _NGINX_LIMIT.findall(text)
    if nginx and proxies(text, folder) and all(_bounds(value) for value in nginx):
        return True
    for pattern in (_UWSGI_LIMIT, _APACHE_LIMIT, _CADDY_LIMIT, _INGRESS_LIMIT, _TRAEFIK_LIMIT):
        values = pattern.findall(text)
        if values and all(_bounds(value) for value in values):
            return True
    return _proxy_settings_cap(text)


def _proxy_settings_cap(text: str) -> bool:
    """A reverse proxy configured by environment settings caps the bodies it passes on: a ``MAX_CLIENT_SIZE`` for
    all its servers that bounds, beside ``USE_REVERSE_PROXY: yes`` or a ``REVERSE_PROXY_HOST``; or one server's
    ``<host>_MAX_CLIENT_SIZE`` within bound where that server proxies to an application
    (``<host>_REVERSE_PROXY_HOST``)."""
    sizes = _ENV_CLIENT_SIZE.findall(text)
    if not sizes:
        return False
    proxied = set(_ENV_PROXY_HOST.findall(text))
    shared = [value for prefix, value in sizes if not prefix]
    if shared and (proxied or _ENV_USES_PROXY.search(text)):
        return all(_bounds(value) for value in shared)
    return any(prefix and prefix in proxied and _bounds(value) for prefix, value in sizes)


def _proxies_beside(folder: str) -> bool:
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return False
    return any(
        _candidate(folder, name) and _NGINX_PROXY.search(small_file_text(os.path.join(folder, name))) for name in names
    )


_WORDS = ("client_max_body_size", "limit-post", "limit_post", "limitrequestbody", "request_body", "proxy-body-size",
          "maxrequestbodybytes", "max_client_size")


def skipped_folder(name: str) -> bool:
    """A folder the readers of server configuration do not enter: hidden, dependencies, tests, documentation."""
    return name.startswith(".") or name.lower() in _SKIPPED


def read_body_limit(root: Path, listings: Optional[Listings] = None) -> str:
    """The first file at or below ``root`` (relative to it) of the server configuration the project ships that
    caps every request body, or ``""`` (``listings``: shared with the other readers of the root). A project
    root nested in its repository (fmtm's ``src/backend/pyproject.toml``) is deployed by the repository's files
    too: when nothing below the root caps, the repository's top is searched (``../../deploy/compose.main.yaml``)."""
    return root_then_repository_top(root, listings, _capping_file)


def root_then_repository_top(
    root: Path, listings: Optional[Listings], find: Callable[[str, Optional[Listings]], str]
) -> str:
    """What ``find`` finds at or below ``root``, else at or below the top of the repository ``root`` is nested in,
    relative to ``root``; ``""`` when neither holds it. A project root nested in its repository is deployed by the
    repository's files too."""
    found = find(str(root), listings)
    if found:
        return found
    top = repository_top(str(root))
    if top is None or os.path.abspath(top) == os.path.abspath(root):
        return ""
    found = find(top, None)
    return os.path.relpath(os.path.join(top, found), root) if found else ""


def _capping_file(base: str, listings: Optional[Listings]) -> str:
    """The first file at or below ``base`` (relative to it) that caps every request body, or ``""``."""
    for folder, relative, files in bounded_walk(base, BODY_LIMIT_DEPTH, skipped_folder, listings):
        for name in files:
            if not _candidate(folder, name):
                continue
            text = small_file_text(os.path.join(folder, name))
            lowered = text.lower()
            if any(word in lowered for word in _WORDS) and caps_bodies(text, folder):
                return os.path.normpath(os.path.join(relative, name))
    return ""
