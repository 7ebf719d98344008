"""Writing a fixed file atomically: a temporary file in the same folder, then one rename.

A reader (or a second backend-lint run) sees either the old file or the new one, never a mix. The file mode
is kept, the bytes are encoded as they were read (coding cookie, BOM, line endings come from the text), and
a file that changed on disk since it was read is left alone rather than overwritten. Temporary files end in
``.backend-lint.tmp``, which no run ever checks, and are removed on any failure. SIGTERM and SIGINT are held
back while one file is written (where the platform can): a signal between creating the temporary file and the
``try`` that removes it would otherwise leave it behind, so the run stops right after the file is replaced.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import tempfile
from collections.abc import Iterator

TEMP_SUFFIX = ".backend-lint.tmp"


class ConcurrentChange(Exception):
    """The file changed on disk between reading and writing it."""


_HELD_BACK = {signal.SIGTERM, signal.SIGINT}


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGTERM and SIGINT back until the block ends (then they are delivered); a no-op where signal masks do
    not exist (Windows)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_BACK)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def atomic_write(path: str, data: bytes, expected_old: bytes | None = None) -> None:
    """Replace ``path`` with ``data``; if ``expected_old`` is given, only while the file still holds it."""
    with _signals_held():
        _write_replacing(path, data, expected_old)


def _write_replacing(path: str, data: bytes, expected_old: bytes | None) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    mode = stat.S_IMODE(os.stat(path).st_mode)
    handle, temp_path = tempfile.mkstemp(
        dir=folder, prefix=f".{os.path.basename(path)}.", suffix=TEMP_SUFFIX
    )
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp_path, mode)
        if expected_old is not None:
            with open(path, "rb") as current:
                if current.read() != expected_old:
                    raise ConcurrentChange(path)
        os.replace(temp_path, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_path)
        raise
