"""Developer scripts run by hand: a command line program kept in a scripts folder of the repository.

A module is a hand-run script when it sits under one of a rule's ``script-paths`` (``scripts/``, ``bin/``:
folders of tools a developer starts from a shell) and the file is itself a program
(:func:`.entrypoints.cli_module`: it imports ``argparse`` or reads its command line, and defines no HTTP handler).
Both signals together: a module of a ``scripts`` package that the service imports is not a program, and a
program elsewhere may be a deployed worker. Its output goes to the terminal of whoever runs it
(BE403: a logged error is read there, next to the command that failed), and a script whose every server comes
from its command line talks to the host the operator names, often a development instance
(:func:`names_fixed_https_host` says when the script names a fixed public host of its own, such as
``https://api.github.com``: there verification costs nothing and the concern stays).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from backend_lint.analysis.entrypoints import cli_module
from backend_lint.analysis.facts import file_fact, reads
from backend_lint.analysis.loopback import is_loopback_text

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_LOCAL_HOSTS = frozenset({"0.0.0.0", "example.com", "example.org"})
"""Hosts that are no fixed public server besides the loopback ones (:func:`.loopback.is_loopback_text`)."""


@reads(cli_module)
def hand_run_script(ctx: FileContext, script_paths: list[str]) -> bool:
    """The module is a program (:func:`.entrypoints.cli_module`) under one of ``script_paths``."""
    return bool(script_paths) and ctx.path_matches(script_paths) and cli_module(ctx)


@file_fact()
def names_fixed_https_host(ctx: FileContext) -> bool:
    """A string literal of the module holds an ``https://`` URL of a public host (``"https://api.github.com/{}"``):
    the script talks to a fixed server of its own, not only to hosts its operator names."""
    for node in ast.walk(ctx.tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str) and "https://" in node.value):
            continue
        for piece in node.value.split("https://")[1:]:
            words = piece.split()
            try:
                host = urlsplit("https://" + words[0]).hostname or "" if words else ""
            except ValueError:  # ``https://[`` : not a URL
                continue
            if host and "{" not in host and host not in _LOCAL_HOSTS and not host.endswith(".local") \
                    and not is_loopback_text(host):
                return True
    return False
