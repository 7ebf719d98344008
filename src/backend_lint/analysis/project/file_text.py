"""The text of a small project file that is not Python (a manifest, a container or server configuration): what
the project readers of deployment files read, with one size bound, so a large or unreadable file says nothing."""

from __future__ import annotations

import os

SMALL_FILE_BYTES = 256 * 1024


def small_file_text(path: str) -> str:
    """A small text file's text; an unreadable or large file says nothing."""
    try:
        if os.path.getsize(path) > SMALL_FILE_BYTES:
            return ""
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return ""
