"""Shared knowledge about a file, written once and used by every rule (DEVELOPERS.md has the map).

- :mod:`.facts`: how knowledge is declared (``@file_fact``, ``@node_fact``, ``@reads``) and kept per file.
- :mod:`.scopes`: where a node sits (function, async function, class, loop, except handler, main guard).
- :mod:`.imports`: what a name or dotted expression resolves to through imports and aliases (read before the walk).
- :mod:`.bindings`: what names a function, class or module binds (a fact per scope).
- :mod:`.resolve`: which ``def`` or ``class`` a name or call runs, and what a ``def`` returns: the one resolver.
- :mod:`.values`: where a value came from (``requests.Session()``, ``psycopg2.connect().cursor()``).
- :mod:`.ast_helpers`: a call's keyword or argument, a callee's name, a literal string.
- :mod:`.paths`: test files and script paths; :mod:`.settings`: settings modules, their kind and values.
- :mod:`.entrypoints`: code that runs as a command line program rather than as a service (also whole CLI modules).
- :mod:`.module_roles`: tests, test support, migrations, examples; :mod:`.service_code`: code a service
  demonstrably runs (HTTP handlers, job-queue tasks, coroutines, views and serializers).
- :mod:`.mentions`: what a function mentions or opens as a path, and the conditions a module's functions are
  called under.
- :mod:`.strings`: whether a string was built by formatting, and converting f-strings to ``%`` style.
- :mod:`.loggers`: which calls are logging calls (stdlib, structlog, loguru, a project's own logger), the
  module logger, and whether an ``except`` clause already records its traceback.
- :mod:`.messages`: a log message as literal text and values (f-string, ``.format()``, ``%``, ``+``),
  rendered as a lazy stdlib, loguru or structlog call.
- :mod:`.secret_names`: whether an identifier names a secret (``db_password``) or only mentions one
  (``token_type``, ``password_reset_url``).
- :mod:`.passwords`: whether a value is a password (BE501's fast digests, BE510's work factors) and the
  constant integer a cost parameter holds.
- :mod:`.sql`, :mod:`.provenance`, :mod:`.safe_holes`: calls that run SQL, where their SQL text came from,
  and which values formatted into it cannot carry attacker text; :mod:`.orm`: query chains and loops over rows.
- :mod:`.http_clients`, :mod:`.blocking`, :mod:`.retries`: network calls and timeouts, blocking calls, retries.
- :mod:`.handlers`: the HTTP handler model: which functions answer which methods and paths (its data in
  :mod:`.handler_types`; registrations read per framework by :mod:`.frameworks`, prefixes joined by
  :mod:`.handler_routes`); :mod:`.handler_body`: what one handler reads from its request.
"""
