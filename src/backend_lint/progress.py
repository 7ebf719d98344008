"""A progress line on stderr (``backend-lint: 120/3000 files``) for long runs, when a person is watching.

It appears only when stderr is a terminal (a CI log, a pipe or a file gets nothing) and only after the run
has taken about two seconds, so the common short run never flickers. It is redrawn in place at most ten times a
second and erased before any other message and before the report, so it never mixes with either.
``BACKEND_LINT_PROGRESS_AFTER`` sets the delay in seconds (``0``: from the first file).
"""

from __future__ import annotations

import os
import time
from typing import Callable, TextIO

DELAY_SECONDS = 2.0
_REDRAW_SECONDS = 0.1
_ERASE = "\r\033[K"


def _delay() -> float:
    try:
        return max(0.0, float(os.environ.get("BACKEND_LINT_PROGRESS_AFTER", DELAY_SECONDS)))
    except ValueError:
        return DELAY_SECONDS


class Progress:
    """Counts files done out of ``total`` and draws the line when it should (see the module docstring)."""

    def __init__(self, total: int, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self.total = total
        self.done = 0
        self.stream = stream
        self.clock = clock
        self.show_after = clock() + _delay()
        self.enabled = total > 0 and hasattr(stream, "isatty") and stream.isatty()
        self._drawn_at: float | None = None

    def advance(self) -> None:
        self.done += 1
        if not self.enabled:
            return
        now = self.clock()
        if now < self.show_after:
            return
        if self._drawn_at is not None and now - self._drawn_at < _REDRAW_SECONDS and self.done < self.total:
            return
        self._drawn_at = now
        self.stream.write(f"{_ERASE}backend-lint: {self.done}/{self.total} files")
        self.stream.flush()

    def clear(self) -> None:
        """Erase the line (before another message, and at the end); it comes back on the next file."""
        if self._drawn_at is not None:
            self.stream.write(_ERASE)
            self.stream.flush()
            self._drawn_at = None
