"""``backend-lint server``: the language server, for findings as you type and fixes one keystroke away.

It needs the ``server`` extra (``pip install "backend-lint[server]"``: pygls and lsprotocol). Nothing here is
imported by ``check``, ``fix`` or the flake8 plugin, so the core install stays light; this module itself
imports pygls only inside :func:`main`, to say what to install when it is missing.

The modules, by what they hold: :mod:`.protocol` the LSP wiring and per-document state, :mod:`.workspace`
workspace folders and configuration, :mod:`.documents` checking one version of a buffer,
:mod:`.diagnostics` findings as diagnostics and hover text, :mod:`.positions` LSP position units,
:mod:`.actions` code actions, :mod:`.edits` minimal text edits.
"""

from __future__ import annotations

import logging
import sys

OPTIONAL_MODULES = ("pygls", "lsprotocol", "cattrs")  # what the extra brings
INSTALL_HINT = 'backend-lint server needs the server extra: pip install "backend-lint[server]"'


def main() -> int:
    """Serve LSP on stdin/stdout until the client says ``exit``; 2 when pygls is not installed."""
    try:
        from backend_lint.server.protocol import build_server  # noqa: PLC0415 - pygls is optional
    except ImportError as exc:
        if str(exc.name).split(".")[0] not in OPTIONAL_MODULES:
            raise
        sys.stderr.write(f"backend-lint: error: {INSTALL_HINT} ({exc})\n")  # the command line's error output
        return 2
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="backend-lint server: %(message)s")
    stdout = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print anywhere would corrupt the protocol stream; stderr is the log
    build_server().start_io(sys.stdin.buffer, stdout)
    return 0
