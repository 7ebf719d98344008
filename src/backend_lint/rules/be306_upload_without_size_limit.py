"""BE306 upload-without-size-limit: an uploaded file read whole, or saved, with no bound on its size.

``await file.read()`` loads the whole upload into the worker's memory and ``request.files["f"].save(path)``
writes all of it to disk: one request of a few gigabytes exhausts either. Flagged, directly in an HTTP handler
(the handler model says which functions are handlers), at the call: ``read()`` with no size (or ``-1``) of a
FastAPI/Starlette/Litestar ``UploadFile`` parameter or its ``.file``, of Flask's ``request.files[...]``, of Django's
``request.FILES[...]`` and of a part of aiohttp's ``request.multipart()`` reader (streamed past aiohttp's
``client_max_size``) (directly or through a local), and Flask's ``.save(...)`` of an upload.

Left alone: a handler that checks a size (a name, not a string, with ``size``, ``length``, ``chunk`` or ``max`` in it:
``file.size``, ``request.content_length``, a loop over ``read(CHUNK)`` with a cap), reads with a size
argument, and apps that bound every request: Flask's ``MAX_CONTENT_LENGTH`` set anywhere in the project, or an
app-wide middleware named for a body-size limit (project facts, see :mod:`backend_lint.analysis.uploads`), or a
body cap in the web or application server configuration the project ships (nginx ``client_max_body_size``,
uWSGI ``limit-post``...: :mod:`backend_lint.analysis.project.server_limits`).
Also left alone: uploads only administrators can post (:mod:`backend_lint.analysis.admin_only`): an admin
decorator or dependency on the handler, or a ``before_request`` hook with an admin decorator on the blueprint the
route is registered on, in any module of the project (:func:`~backend_lint.analysis.project.conditions.
admin_only_app`). The operator importing a backup or a seed file is not an attacker sending gigabytes.
Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` does not count (Django leaves file data out of that check) and
neither does ``FILE_UPLOAD_MAX_MEMORY_SIZE`` (it only decides when an upload is spooled to disk). Tests, test
support and examples are left alone, and so is a mock of another service (a package named ``mock_...``:
liteapi's virus scanner mock, mounted only when a setting enables it).
"""

from __future__ import annotations

import ast

from backend_lint.analysis.admin_guard_defs import admin_guard_facts
from backend_lint.analysis.admin_only import admin_only, route_owners
from backend_lint.analysis.handler_body import handler_body
from backend_lint.analysis.handlers import FLASK, handler_for
from backend_lint.analysis.module_roles import module_roles
from backend_lint.analysis.project.app_conditions import upload_limit
from backend_lint.analysis.project.conditions import ProjectFact, admin_only_app, guards_admins, test_support
from backend_lint.analysis.project.settings_facts import FAMILIES
from backend_lint.analysis.uploads import app_upload_limits, is_upload
from backend_lint.context import FileContext
from backend_lint.rule import Rule, visits

_BOUND_PARTS = ("size", "length", "chunk", "max", "limit")
"""Parts of names a handler that bounds an upload mentions: ``file.size``, ``request.content_length``,
``MAX_UPLOAD_BYTES``, ``read(CHUNK_SIZE)``."""


def _whole(call: ast.Call) -> bool:
    """``read()`` or ``read(-1)``/``read(None)``: everything."""
    if not call.args and not call.keywords:
        return True
    if len(call.args) + len(call.keywords) != 1:
        return False
    size = call.args[0] if call.args else call.keywords[0].value
    if isinstance(size, ast.UnaryOp) and isinstance(size.op, ast.USub):
        return isinstance(size.operand, ast.Constant) and size.operand.value == 1
    return isinstance(size, ast.Constant) and size.value is None


class UploadWithoutSizeLimit(Rule):
    code = "BE306"
    name = "upload-without-size-limit"
    message = "`{call}` {effect} an uploaded file with no size limit; cap the upload size first"
    triggers = ("UploadFile", "files", "FILES", "multipart")
    needs = (handler_for, handler_body, module_roles, is_upload, app_upload_limits, upload_limit,
             admin_only_app, guards_admins)
    module_facts = (test_support,)

    @visits(ast.Call)
    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr not in ("read", "save"):
            return
        function = ctx.scope.function
        handler = handler_for(ctx, function) if function is not None else None
        if handler is None or ctx.is_test_file:
            return
        if func.attr == "read" and not _whole(node):
            return
        if func.attr == "save" and handler.framework != FLASK:
            return
        if not is_upload(func.value, ctx, handler.request_names):
            return
        roles = module_roles(ctx)
        if roles.for_tests or roles.example:
            return  # (test support includes a mock of another service, standing in for it in development and tests)
        body = handler_body(ctx, handler)
        if "content-length" in body.headers or any(part in name for name in body.names for part in _BOUND_PARTS):
            return
        if admin_only(handler):
            return
        family = FAMILIES.get(handler.framework, handler.framework)
        if family == "flask" and app_upload_limits(ctx):
            return
        unless: tuple[ProjectFact, ...] = (upload_limit(family),)
        owners = route_owners(handler, ctx.module) if family == "flask" else None
        if owners is not None and len(owners) == 1:
            unless = (*unless, admin_only_app(next(iter(owners))))
        unless = (*unless, *admin_guard_facts(ctx, handler, node))
        effect = "reads all of" if func.attr == "read" else "writes all of"
        self.report(ctx, node, unless=unless, call=f"{ctx.segment(func)}()", effect=effect)
