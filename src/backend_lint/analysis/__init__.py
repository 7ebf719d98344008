"""Shared knowledge about a file, written once and used by every rule.

- :mod:`.scopes`: where a node sits (function, async function, class, loop, except handler, main guard).
- :mod:`.imports`: what a name or dotted expression resolves to through imports and aliases.
- :mod:`.bindings`: what names a function, class or module assigns, memoized per scope.
- :mod:`.values`: where a value came from (``requests.Session()``, ``psycopg2.connect().cursor()``).
- :mod:`.paths`: test files and script paths.
- :mod:`.entrypoints`: code that runs as a command line program rather than as a service.
- :mod:`.strings`: whether a string was built by formatting, and converting f-strings to ``%`` style.
- :mod:`.loggers`: which calls are logging calls (stdlib, structlog, loguru, a project's own logger), the
  module logger, and whether an ``except`` clause already records its traceback.
- :mod:`.messages`: a log message as literal text and values (f-string, ``.format()``, ``%``, ``+``),
  rendered as a lazy stdlib, loguru or structlog call.
- :mod:`.secret_names`: whether an identifier names a secret (``db_password``) or only mentions one
  (``token_type``, ``password_reset_url``).
- :mod:`.handlers`: the HTTP handler model: which functions answer which methods and paths, per framework
  (its data in :mod:`.handler_types`, the route reading in :mod:`.handler_routes`).
- :mod:`.handler_body`: what one handler reads from its request (headers, raw bodies and where they go).
"""
