"""Resources of this machine a retry loop may wait for: a SQLite file, a file lock, a serial port, a sensor on
Bluetooth, I2C or GPIO, the browser the process drives (BE203).

Backoff with jitter spreads a herd of clients retrying one shared server. A retry of something only this machine
holds has no such herd: a SQLite file locked by another process of the same appliance (Mycodo reads its
``sqlite:///`` database again a second later, five times), a ``filelock.FileLock`` another local process
holds (polled every 50 ms), a Bluetooth sensor in range of this host (three connects 0.1 s apart). The wait is
for a neighbour on the same machine, or for the device itself; nothing shared takes the load. So is a browser the
process drives through Selenium's WebDriver: a click retried 0.2 s later because the page re-rendered under it
(a stale element, an intercepted click) waits for that one browser's page (pgAdmin's Selenium page helpers).

A function retries such a resource when it names something the file imports from one of
:data:`LOCAL_DEVICE_MODULES` (``from sqlite3 import OperationalError`` caught, ``filelock.FileLock(...)``
made, ``self.btle.BTLEException`` after ``from bluepy import btle``) and nothing from a module whose calls reach
another machine (:data:`~.retry_waits.NETWORK_MODULES`): a function that also talks to a remote server may be
retrying that.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.facts import reads
from backend_lint.analysis.mentions import mentioned_names
from backend_lint.analysis.retry_waits import NETWORK_MODULES

if TYPE_CHECKING:
    from backend_lint.context import FileContext

LOCAL_DEVICE_MODULES = frozenset({
    "sqlite3", "aiosqlite", "filelock", "fasteners", "portalocker", "fcntl", "serial", "serial_asyncio",
    "bluepy", "bleak", "bluetooth", "pygatt", "smbus", "smbus2", "RPi", "pigpio", "gpiozero", "spidev", "usb",
    "selenium",
})
"""Modules whose objects are on this machine only: SQLite files, file locks, serial ports, Bluetooth, I2C, SPI,
GPIO and USB devices (not CircuitPython's ``board``: a name as common for a project's own package), and the
browser a WebDriver session drives."""


@reads(mentioned_names)
def retries_local_device(ctx: FileContext, function: Optional[ast.AST]) -> bool:
    """``function`` names a resource of this machine (see the module docstring) and no network client module."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    imported = ctx.imports.names
    roots = {imported[name].partition(".")[0] for name in mentioned_names(ctx, function) if name in imported}
    return bool(roots & LOCAL_DEVICE_MODULES) and not roots & NETWORK_MODULES
