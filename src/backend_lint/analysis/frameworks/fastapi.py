"""FastAPI: verb decorators on apps and routers, and the prefixes routers are included with.

``@app.get/post/put/patch/delete/head/options`` and ``@router.api_route(path, methods=[...])`` on a
``FastAPI()`` or ``APIRouter()`` (also a project's own ``...Router`` class, or a router imported from the
project when the file uses FastAPI and not Flask). A router's own ``APIRouter(prefix=...)`` is read by the
reader; ``include_router(router, prefix=...)`` is read here. ``add_api_route`` is read with Starlette's
``add_route`` (:mod:`.starlette`): a FastAPI app is a Starlette app.
"""

from __future__ import annotations

import ast
from typing import Optional

from backend_lint.analysis.ast_helpers import keyword_value
from backend_lint.analysis.frameworks.reading import Reader, verb_route
from backend_lint.analysis.handler_types import FASTAPI

FRAMEWORK = FASTAPI


def object_route(call: ast.Call, verb: str) -> tuple[frozenset[str], Optional[ast.expr]]:
    return verb_route(call, verb)


def include(reader: Reader, call: ast.Call, function: Optional[ast.AST]) -> bool:
    """``app.include_router(router, prefix="/v1")``."""
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "include_router" and call.args):
        return False
    reader.include(call, function, keyword_value(call, "prefix"), FASTAPI)
    return True
