"""Route registrations, one module per framework, read from one module's statements as plain data.

Each framework module (:mod:`.fastapi`, :mod:`.flask`, :mod:`.django`, :mod:`.drf`, :mod:`.starlette`,
:mod:`.aiohttp`, :mod:`.litestar`) defines hooks for the statements it recognises (decorators, class bases,
calls, route table entries; see :class:`.reading.Reader`), the way pyupgrade's plugins register by node type.
What they produce is plain :class:`~..handler_types.ModuleRoutes`: endpoints by dotted name, methods, paths
and source positions, no tree nodes, so registrations can be matched across files. Joining prefixes is
:mod:`..handler_routes`; the handler model of one file is :mod:`..handlers`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backend_lint.analysis.frameworks import aiohttp, django, drf, fastapi, flask, litestar, starlette
from backend_lint.analysis.frameworks.reading import Hooks, Reader

if TYPE_CHECKING:
    from backend_lint.context import FileContext

HOOKS = Hooks((fastapi, flask, django, drf, starlette, aiohttp, litestar))
"""Asked in this order (the first ``call`` hook that claims a call wins)."""


def read_routes(ctx: FileContext) -> Reader:
    """Read every registration of the module (:attr:`Reader.routes`)."""
    reader = Reader(ctx, HOOKS)
    reader.read()
    return reader
