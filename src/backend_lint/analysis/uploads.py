"""Uploaded files: which values in a handler are an upload, and the request-size limits a module sets.

BE306 asks two things. Whether the receiver of a ``read()``/``save()`` is an uploaded file: a FastAPI,
Starlette or Litestar ``UploadFile`` parameter (and its ``.file``), Flask's ``request.files[...]``/``.get(...)``,
Django's ``request.FILES[...]``/``.get(...)``, a part of aiohttp's ``request.multipart()`` reader
(:func:`multipart_part`, BE506 reads its ``filename`` too), directly or through a local assigned once from one.
And whether the application bounds the size of every request, which is usually said in another module: Flask's
``MAX_CONTENT_LENGTH`` (:func:`app_upload_limits`, kept in the module's summary for the project model) or a
middleware named for a body-size limit (read by the model from the app-wide middleware it already records).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import string_value
from backend_lint.analysis.facts import file_fact, reads
from backend_lint.analysis.resolve import lookup
from backend_lint.analysis.secret_names import split_identifier
from backend_lint.analysis.values import origin

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_UPLOAD_ORIGINS = (
    "fastapi.UploadFile()", "fastapi.datastructures.UploadFile()", "starlette.datastructures.UploadFile()",
    "litestar.datastructures.UploadFile()", "litestar.datastructures.upload_file.UploadFile()",
    "flask.request.files", "quart.request.files",
)
"""Origins (:mod:`.values`) of uploaded files: annotated parameters and Flask's request proxy."""
_FLASK_SETTING = "MAX_CONTENT_LENGTH"
FLASK_MAX_CONTENT_LENGTH = "flask-max-content-length"
_SIZE_WORDS = frozenset({"size", "length", "body", "content", "upload", "request"})
_LIMIT_WORDS = frozenset({"limit", "limits", "max", "maximum", "limiter", "limited"})


def _unawait(expr: Optional[ast.expr]) -> Optional[ast.expr]:
    return expr.value if isinstance(expr, ast.Await) else expr


@reads(lookup)
def multipart_part(expr: ast.expr, ctx: FileContext) -> bool:
    """``await reader.next()`` (or ``next_part()``) of aiohttp's ``reader = await request.multipart()``, directly or
    through a local: one part of a multipart body. aiohttp streams these past its ``client_max_size`` (which bounds
    only ``request.read()``/``post()``), so the part's size is whatever the client sends."""
    call = _unawait(expr)
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
            and call.func.attr in ("next", "next_part")):
        return False
    reader = _unawait(call.func.value)
    if isinstance(reader, ast.Name):
        found = lookup(reader.id, ctx, ctx.scope)
        reader = _unawait(found[1].single_value(reader.id)) if found is not None else None
    return isinstance(reader, ast.Call) and isinstance(reader.func, ast.Attribute) and reader.func.attr == "multipart"


@reads(origin, lookup, multipart_part)
def is_upload(expr: ast.expr, ctx: FileContext, request_names: frozenset[str]) -> bool:
    """``expr`` is an uploaded file in the handler being visited (``request_names``: the names it reads the
    request through)."""
    if isinstance(expr, ast.Attribute) and expr.attr == "file":
        expr = expr.value  # UploadFile.file: the spooled file under it
    if isinstance(expr, ast.Name):
        found = lookup(expr.id, ctx, ctx.scope)
        value = found[1].single_value(expr.id) if found is not None else None
        if value is not None and _item(value, ctx, request_names):
            return True
    return _item(expr, ctx, request_names)


def _item(expr: ast.expr, ctx: FileContext, request_names: frozenset[str]) -> bool:
    """An upload parameter, ``request.files["f"]``/``.get("f")`` of Flask, ``request.FILES[...]`` of Django."""
    target = expr.value if isinstance(expr, ast.Subscript) else expr
    made = origin(target, ctx) or ""
    return made.startswith(_UPLOAD_ORIGINS) or _django_files_item(expr, request_names) or multipart_part(expr, ctx)


def _django_files_item(expr: ast.expr, request_names: frozenset[str]) -> bool:
    """``request.FILES["f"]`` or ``request.FILES.get("f")``."""
    if isinstance(expr, ast.Subscript):
        container: Optional[ast.expr] = expr.value
    elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "get":
        container = expr.func.value
    else:
        return False
    return (
        isinstance(container, ast.Attribute) and container.attr == "FILES"
        and ast.unparse(container.value) in request_names
    )


def names_size_limit(name: str) -> bool:
    """A middleware's name says it limits the body size: ``ContentSizeLimitMiddleware``,
    ``LimitUploadSize``, ``MaxBodySizeMiddleware``."""
    words = set(split_identifier(name.rpartition(".")[2]))
    return bool(words & _SIZE_WORDS) and bool(words & _LIMIT_WORDS)


@file_fact()
def app_upload_limits(ctx: FileContext) -> frozenset[str]:
    """Request-size limits the module sets for a whole app: Flask's ``MAX_CONTENT_LENGTH`` to something other
    than ``None`` (a config module or class, ``app.config[...] = ...``, ``app.config.update(...)``)."""
    if _FLASK_SETTING not in ctx.source:
        return frozenset()
    for node in ast.walk(ctx.tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None and _set(node.value):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(_names_setting(target) for target in targets):
                return frozenset({FLASK_MAX_CONTENT_LENGTH})
        elif isinstance(node, ast.Call) and any(
            keyword.arg == _FLASK_SETTING and _set(keyword.value) for keyword in node.keywords
        ):
            return frozenset({FLASK_MAX_CONTENT_LENGTH})
    return frozenset()


def _names_setting(target: ast.expr) -> bool:
    if isinstance(target, ast.Name):
        return target.id == _FLASK_SETTING
    if isinstance(target, ast.Attribute):
        return target.attr == _FLASK_SETTING
    return isinstance(target, ast.Subscript) and string_value(target.slice) == _FLASK_SETTING


def _set(value: ast.expr) -> bool:
    return not (isinstance(value, ast.Constant) and value.value in (None, 0, False))
