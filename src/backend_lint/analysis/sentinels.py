"""Secret-named defaults the application itself checks for: sentinels, not secrets it relies on.

ihatemoney ships ``SECRET_KEY = "tralala"`` in ``default_settings.py`` and, at start-up, compares the loaded key
with it (``if app.config["SECRET_KEY"] == default_settings.SECRET_KEY: warnings.warn(...)``); privacyIDEA
compares the Yubico key in use with its ``DEFAULT_API_KEY`` and logs that it must be replaced. A constant the
project compares for equality is a marker of "not configured yet", whose value the code expects to be replaced
(BE503). What is read: the operands of ``==``/``!=`` in a module's text whose last name part is a secret's
(``SECRET_KEY``, ``DEFAULT_API_KEY``), as written (``default_settings.SECRET_KEY``, ``DEFAULT_API_KEY``); the
project model qualifies them through the module's imports.
"""

from __future__ import annotations

import re

from backend_lint.analysis.secret_names import secret_word

_RIGHT = re.compile(r"(?:==|!=)\s*([A-Za-z_][\w.]*)")
_LEFT = re.compile(r"\b([A-Za-z_][\w.]*)\s*(?:==|!=)")


def compared_secret_names(source: str) -> set[str]:
    """Names with a secret's last part compared with ``==``/``!=`` in ``source``, as written."""
    if "==" not in source and "!=" not in source:
        return set()
    found = set()
    for match in (*_RIGHT.finditer(source), *_LEFT.finditer(source)):
        written = match.group(1)
        last = written.rpartition(".")[2]
        if last.isupper() and secret_word(last) is not None:
            found.add(written)
    return found
