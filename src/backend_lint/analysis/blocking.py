"""Calls that block the calling thread on I/O or sleep, grouped by what to use instead in async code.

BE204 asks this module whether a call inside ``async def`` stalls the event loop. Calls are recognised by
origin (:mod:`.values`), so ``from time import sleep``, ``import requests as r``, a session on ``self`` and a
cursor made from a connection made from ``sqlite3.connect`` all resolve. File I/O is deliberately out of
scope: small local reads are routinely done inline and flagging them would bury the real problems. What is
in scope of the file system is the work that reads or writes a whole directory tree's data
(``shutil.make_archive`` zipping a data folder, ``copytree``, ``unpack_archive``): its cost grows with the
data, not the request. ``shutil.rmtree`` is left out: in coroutines it is almost always the cleanup of a
temporary directory, where the cost is small and flagging it would be noise. A copy or an unpack that fills a
cache (``if not cache_dir.is_dir(): shutil.copytree(stub, cache_dir)``) is left out too: it runs once per
cache key (a release, a version), not once per request, and what it copies is a fixed stub, not the data.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import under_if
from backend_lint.analysis.http_clients import (
    REQUESTS_METHODS,
    modules_by_name,
    requests_call,
    sync_httpx_call,
    urlopen_call,
)

if TYPE_CHECKING:
    from backend_lint.context import FileContext

NETWORK = "network"
SLEEP = "sleep"
DATABASE = "database"
SUBPROCESS = "subprocess"
FILE_TREE = "file-tree"

SYNC_DRIVERS = ("psycopg2", "sqlite3", "pymysql", "MySQLdb")
_CONNECT_NAMES = ("connect", "Connect", "Connection")
_DRIVER_METHODS = frozenset(
    {"execute", "executemany", "executescript", "fetchone", "fetchall", "fetchmany", "callproc", "commit",
     "rollback"}
)
_SUBPROCESS_FUNCTIONS = frozenset({"run", "call", "check_call", "check_output", "getoutput", "getstatusoutput"})
_POPEN_WAITS = frozenset({"Popen().wait", "Popen().communicate"})
_TREE_FUNCTIONS = frozenset({"shutil.make_archive", "shutil.unpack_archive", "shutil.copytree"})


BLOCKING_CALL_NAMES = modules_by_name(
    "time.sleep", "urllib.request.urlopen", "urllib.request.build_opener().open", "os.system", *_TREE_FUNCTIONS,
    *(f"{module}.{method}" for module in ("requests", "httpx") for method in (*REQUESTS_METHODS, "stream", "send")),
    *(f"subprocess.{name}" for name in (*_SUBPROCESS_FUNCTIONS, "wait", "communicate")),
    *(f"{driver}.{name}" for driver in SYNC_DRIVERS for name in (*_CONNECT_NAMES, *_DRIVER_METHODS)),
)
"""The callees recognised here by last name (see :func:`.http_clients.might_be`)."""


@dataclass(frozen=True)
class BlockingCall:
    """A blocking call: the name a message shows and its kind (``network``, ``sleep``, ...)."""

    construct: str
    kind: str


def blocking_call(made: str) -> Optional[BlockingCall]:
    """The blocking call an origin names (``requests.Session().get``, ``sqlite3.connect().execute``)."""
    if made == "time.sleep":
        return BlockingCall("time.sleep", SLEEP)
    client = requests_call(made) or urlopen_call(made)
    if client is not None:
        return BlockingCall(client.construct, NETWORK)
    httpx_call = sync_httpx_call(made)
    if httpx_call is not None:
        return BlockingCall(httpx_call, NETWORK)
    module, _, rest = made.partition(".")
    if module == "subprocess" and (rest in _SUBPROCESS_FUNCTIONS or rest in _POPEN_WAITS):
        return BlockingCall(made.replace("()", ""), SUBPROCESS)
    if made == "os.system":
        return BlockingCall(made, SUBPROCESS)
    if made in _TREE_FUNCTIONS:
        return BlockingCall(made, FILE_TREE)
    if module in SYNC_DRIVERS:
        return _driver_call(module, rest)
    return None


def _driver_call(module: str, rest: str) -> Optional[BlockingCall]:
    """``connect`` itself, and the query methods of its connections and cursors."""
    for name in _CONNECT_NAMES:
        if rest == name:
            return BlockingCall(f"{module}.{name}", DATABASE)
        prefix = f"{name}()."
        if rest.startswith(prefix):
            path = rest[len(prefix):]
            method = path.removeprefix("cursor().")
            if method in _DRIVER_METHODS:
                kind = "Cursor" if path.startswith("cursor().") else "Connection"
                return BlockingCall(f"{module}.{kind}.{method}", DATABASE)
    return None


_DESTINATIONS = {"shutil.copytree": ("dst", 1), "shutil.unpack_archive": ("extract_dir", 1)}
_EXISTENCE_TESTS = frozenset({"is_dir", "exists", "is_file", "isdir", "isfile"})


def fills_cache(call: ast.Call, made: str, ctx: FileContext) -> bool:
    """``copytree(src, cache_dir)`` or ``unpack_archive(zip, cache_dir)`` in the body of an ``if`` of the same
    function that tests the destination is not there yet (``if not cache_dir.is_dir():``,
    ``if not os.path.exists(cache_dir):``): the work is done once per cache key."""
    keyword, position = _DESTINATIONS.get(made, ("", -1))
    if position < 0:
        return False
    destination = next((item.value for item in call.keywords if item.arg == keyword), None)
    if destination is None and len(call.args) > position:
        destination = call.args[position]
    if destination is None:
        return False
    if isinstance(destination, ast.Call) and len(destination.args) == 1 and not destination.keywords:
        destination = destination.args[0]  # ``Path(cache_dir)``
    if not isinstance(destination, ast.Name):
        return False
    named = {destination.id}
    return under_if(call, ctx.parent_of, lambda test: _tests_absent(test, named))


def _tests_absent(test: ast.expr, names: set[str]) -> bool:
    """``not X.is_dir()``, ``not os.path.exists(X)`` for a name ``X`` among ``names``."""
    if not (isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.Call)):
        return False
    probe = test.operand
    if not isinstance(probe.func, ast.Attribute) or probe.func.attr not in _EXISTENCE_TESTS:
        return False
    tested = probe.args[0] if probe.args else probe.func.value
    return isinstance(tested, ast.Name) and tested.id in names
