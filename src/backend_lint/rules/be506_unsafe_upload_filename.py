"""BE506 unsafe-upload-filename: the file name a client sent, used as (part of) a path on the server.

An upload's name is whatever the client put in the multipart header: ``../../app/config.py``,
``/etc/cron.d/x``, ``.htaccess``. Joined into a path it writes outside the upload folder or over other
files. Flagged, within one function: the name of a Flask/Werkzeug ``FileStorage`` (``request.files[...]``,
``.get``, ``.getlist`` loops, a ``FileStorage`` parameter), a FastAPI/Starlette/Litestar ``UploadFile`` (parameters,
lists of them), a Django upload (``request.FILES[...]``, ``.get``, ``.getlist`` loops) or an aiohttp
multipart part, reaching ``os.path.join``, ``Path(...)``, ``/`` on a path, ``open``, ``aiofiles.open``,
``shutil`` copy/move or a ``.save(...)`` (``FileStorage.save``, ``default_storage.save``), directly or through
f-strings, concatenation, ``str`` methods and locals. Any other call on the way (``secure_filename``,
``os.path.basename``, ``uuid4().hex``, ``Path(name).suffix``, or a local ``Path(name)`` of which only such
parts are read) counts as sanitising, and names that leave
the function through a helper are not followed. ``os.path.join`` with a
single argument joins nothing (it returns the name as it came, iris formats an error message with it): the
name is not built into a path there, and a later use of it is checked where it happens. A Django storage's
``save`` (``default_storage.save(name, upload)``) is not a path sink: Django refuses ``..`` and absolute names
there and never overwrites a file (also when the joined name is bound to a local that only such a ``save``
reads). Nor is a Django model's file field saving the upload
(``row.file.save(upload.name, upload)``, askbot's ``avatar.avatar.save(image_file.name, image_file)``, also with
``avatar`` bound before to something else, fiduswriter's):
``FieldFile.save`` hands the name to the field's ``generate_filename`` (``upload_to``, then ``validate_file_name``)
and the result to the field's storage's ``save``, the same checks.
"""

from __future__ import annotations

import ast
from typing import Optional, TypeVar

from backend_lint.analysis.ast_helpers import assigned_by
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.dead_values import reaching_value
from backend_lint.analysis.handlers import handler_for
from backend_lint.analysis.internal_services import internal_service_facts
from backend_lint.analysis.project.conditions import ProjectFact, internal_service, test_support
from backend_lint.analysis.secret_names import name_of
from backend_lint.analysis.uploads import multipart_part
from backend_lint.analysis.values import origin
from backend_lint.context import FileContext
from backend_lint.rule import Rule, visits

_UPLOAD_TYPES = (
    "fastapi.UploadFile()", "fastapi.datastructures.UploadFile()", "starlette.datastructures.UploadFile()",
    "litestar.datastructures.UploadFile()", "litestar.datastructures.upload_file.UploadFile()",
    "werkzeug.datastructures.FileStorage()", "werkzeug.FileStorage()",
    "django.core.files.uploadedfile.UploadedFile()", "django.core.files.uploadedfile.InMemoryUploadedFile()",
    "django.core.files.uploadedfile.TemporaryUploadedFile()",
)
_PATH_CALLS = frozenset({"os.path.join", "posixpath.join", "ntpath.join", "pathlib.Path", "pathlib.PurePath"})
_OPEN_CALLS = frozenset({"open", "io.open", "aiofiles.open", "os.open", "codecs.open"})
_SHUTIL = frozenset({"shutil.copy", "shutil.copy2", "shutil.copyfile", "shutil.move", "shutil.copytree"})
_STR_METHODS = frozenset({"lower", "upper", "strip", "lstrip", "rstrip", "replace", "casefold", "title"})
_PATH_PARTS = frozenset({"suffix", "suffixes", "stem", "name"})
_LIST_METHODS = frozenset({"getlist", "values"})
_MAX_HOPS = 4


def _local_value(name: str, ctx: FileContext) -> ast.expr | None:
    function = ctx.scope.function
    if function is None or isinstance(function, ast.Lambda):
        return None
    return bindings_of(ctx, function).single_value(name)


_E = TypeVar("_E", ast.expr, Optional[ast.expr])


def _unwrap(expr: _E) -> _E:
    return expr.value if isinstance(expr, ast.Await) else expr


def _files_of_request(expr: ast.AST) -> str | None:
    """``files`` or ``FILES`` for ``request.files`` / ``self.request.FILES``, else ``None``."""
    if isinstance(expr, ast.Attribute) and expr.attr in ("files", "FILES"):
        return expr.attr if name_of(expr.value) in ("request", "req") else None
    return None


def _form_of_request(expr: ast.expr, ctx: FileContext) -> bool:
    """A local holding ``await request.form()`` (Starlette/FastAPI) or ``await request.post()`` (aiohttp)."""
    value = _unwrap(_local_value(expr.id, ctx)) if isinstance(expr, ast.Name) else expr
    form = _unwrap(value)
    return (
        isinstance(form, ast.Call)
        and isinstance(form.func, ast.Attribute)
        and form.func.attr in ("form", "post")
        and name_of(form.func.value) in ("request", "req")
    )


def _container_source(container: ast.expr, ctx: FileContext) -> str | None:
    """What an item taken from ``container`` (``request.files``, ``request.FILES``, a parsed form) holds."""
    files = _files_of_request(container)
    if files is not None:
        return "filename" if files == "files" else "name"
    if isinstance(container, ast.Attribute) and container.attr == "data" and name_of(container.value) == "request":
        return "name"  # Django REST framework: request.data holds the uploaded files too
    return "filename" if _form_of_request(container, ctx) else None


def _upload_source(expr: ast.expr, ctx: FileContext, hops: int = 0) -> str | None:
    """``filename`` or ``name``: which attribute holds the client's name on the upload ``expr`` is, or ``None``."""
    expr = _unwrap(expr)
    if isinstance(expr, ast.Subscript):
        return _container_source(expr.value, ctx)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "get":
        return _container_source(expr.func.value, ctx)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in ("next", "next_part"):
        return "filename" if multipart_part(expr, ctx) else None  # aiohttp: field = await reader.next()
    if not isinstance(expr, ast.Name):
        return None
    made = origin(expr, ctx)
    if made is not None and made in _UPLOAD_TYPES:
        return "name" if made.startswith("django.") else "filename"
    if hops >= _MAX_HOPS:
        return None
    value = _local_value(expr.id, ctx)
    if value is not None:
        return _upload_source(value, ctx, hops + 1)
    return _loop_upload(expr.id, ctx)


def _loop_upload(name: str, ctx: FileContext) -> str | None:
    """``for f in request.files.getlist("x")`` / ``for f in files`` with ``files: list[UploadFile]``."""
    function = ctx.scope.function
    if function is None or isinstance(function, ast.Lambda):
        return None
    bindings = bindings_of(ctx, function)
    loops = bindings.loop_targets.get(name, [])
    if len(loops) != 1 or not isinstance(loops[0].target, ast.Name):
        return None
    source = loops[0].iter
    if isinstance(source, ast.Name) and source.id not in bindings.params:
        source = bindings.single_value(source.id) or source
    if isinstance(source, ast.Call) and isinstance(source.func, ast.Attribute) and source.func.attr in _LIST_METHODS:
        return _container_source(source.func.value, ctx)
    if isinstance(source, ast.Name) and source.id in bindings.params:
        annotation = bindings.params[source.id].annotation
        if isinstance(annotation, ast.Subscript):
            inner = annotation.slice
            if (ctx.imports.resolve(inner) or "").endswith("UploadFile"):
                return "filename"
    return None


def _client_name(expr: ast.expr, ctx: FileContext, hops: int = 0) -> bool:
    """Whether ``expr`` is (or embeds, unsanitised) the client-supplied name of an upload."""
    if isinstance(expr, ast.Attribute) and expr.attr in ("filename", "name"):
        return _upload_source(expr.value, ctx) == expr.attr
    if isinstance(expr, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) and _client_name(v.value, ctx, hops) for v in expr.values)
    if isinstance(expr, ast.BoolOp):  # upload.filename or "upload.bin"
        return any(_client_name(value, ctx, hops) for value in expr.values)
    if isinstance(expr, ast.IfExp):
        return _client_name(expr.body, ctx, hops) or _client_name(expr.orelse, ctx, hops)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Mod)):
        parts = expr.right.elts if isinstance(expr.right, ast.Tuple) else [expr.right]
        return any(_client_name(part, ctx, hops) for part in [expr.left, *parts])
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
        if expr.func.attr in _STR_METHODS:
            return _client_name(expr.func.value, ctx, hops)
        if expr.func.attr == "format":
            return any(_client_name(arg, ctx, hops) for arg in [*expr.args, *(k.value for k in expr.keywords)])
        return False
    if isinstance(expr, ast.Name) and hops < _MAX_HOPS:
        value = _local_value(expr.id, ctx)
        return value is not None and _client_name(value, ctx, hops + 1)
    return False


def _model_file_field(call: ast.Call, ctx: FileContext) -> bool:
    """``cf.file.save(upload.name, upload)`` where ``cf`` is a row of a model the function made or fetched
    (``CachedFile.objects.create(...)``, ``Avatar(user=user)``, ``get_object_or_404(Model, ...)``), in a module that
    imports Django: the save of a Django ``FieldFile``, whose name goes through the field's ``upload_to`` and
    ``validate_file_name`` and then the field's storage (see :func:`_django_storage`). A local bound more than once
    is read at the assignment that reaches the save (fiduswriter's ``avatar, avatars = _get_avatars(user)``, then
    ``avatar = Avatar(user=user, primary=True)``: :func:`.dead_values.reaching_value`). Not a storage's ``save``,
    nor Werkzeug's ``upload.save(path)``."""
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    if not (isinstance(receiver, ast.Attribute) and isinstance(receiver.value, ast.Name) and len(call.args) >= 2):
        return False
    if not any(module == "django" or module.startswith("django.") for module in ctx.imports.modules):
        return False
    row = _unwrap(_local_value(receiver.value.id, ctx) or reaching_value(receiver.value.id, call, ctx.parent_of))
    return isinstance(row, ast.Call) and _model_of_row(row) is not None


_DJANGO_STORAGE = "django.core.files.storage."


def _django_storage(receiver: ast.expr, ctx: FileContext) -> bool:
    """A storage of Django's own (``default_storage``, ``storages["media"]``, a ``FileSystemStorage(...)`` the
    code made, directly or through a local). ``Storage.save`` validates the name it is given
    (``validate_file_name``: a ``..`` component or an absolute path raises ``SuspiciousFileOperation``, since
    Django 3.2.1), cleans it (``get_valid_name``) and never overwrites (``get_available_name`` adds a suffix):
    the client's name cannot leave the storage or replace another file."""
    if isinstance(receiver, ast.Subscript):
        receiver = receiver.value  # storages["media"]
    resolved = ctx.imports.resolve(receiver) or ""
    if resolved.startswith(_DJANGO_STORAGE):
        return True
    made = origin(receiver, ctx) or ""
    return made.startswith(_DJANGO_STORAGE)


def _saved_by_django_storage(path: ast.expr, parent: Optional[ast.AST], ctx: FileContext) -> bool:
    """``default_storage.save(os.path.join("docs", upload.name), upload)``: the joined name is handed straight
    to a Django storage, which validates it (see :func:`_django_storage`)."""
    return (isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute) and parent.func.attr == "save"
            and bool(parent.args) and parent.args[0] is path and _django_storage(parent.func.value, ctx))


def _name_part(parent: Optional[ast.AST]) -> bool:
    """``parent`` reads a part of a path's name (``.suffix``, ``.stem``, ``.name``): an extension check or a
    download name, no folder of the client's."""
    return isinstance(parent, ast.Attribute) and parent.attr in _PATH_PARTS


def _local_reads(made: ast.Call, statement: Optional[ast.AST],
                 ctx: FileContext) -> Optional[list[tuple[ast.Name, ast.AST]]]:
    """Every read of the local that ``statement`` binds ``made`` to (``filename = Path(upload.filename)``), with
    its parent, when the function binds that local only there; else ``None``."""
    function = ctx.scope.function
    name = assigned_by(statement, made)
    if function is None or name is None or _local_value(name, ctx) is not made:
        return None
    return [(child, parent) for parent in ast.walk(function) for child in ast.iter_child_nodes(parent)
            if isinstance(child, ast.Name) and child.id == name and isinstance(child.ctx, ast.Load)]


def _only_parts_read(path: ast.Call, parent: Optional[ast.AST], ctx: FileContext) -> bool:
    """``filename = Path(upload.filename)`` whose every read takes a part of the name (``filename.suffix.lower()``
    checked against allowed extensions, ``filename.stem`` in a ``Content-Disposition`` header: fmtm's helper
    routes): the path is never joined, opened or written."""
    reads = _local_reads(path, parent, ctx)
    return reads is not None and all(_name_part(parent) for _, parent in reads)


def _only_saved_by_django_storage(path: ast.Call, parent: Optional[ast.AST], ctx: FileContext) -> bool:
    """``upload_to = os.path.join(user, "csv_imports", upload.name)`` whose every read is the name handed to a
    Django storage's ``save`` (``default_storage.save(upload_to, upload)``: onadata's CSV import), as
    :func:`_saved_by_django_storage` reads the join passed straight in."""
    reads = _local_reads(path, parent, ctx)
    return bool(reads) and all(_saved_by_django_storage(read, parent, ctx) for read, parent in reads or ())


_RESOLVERS = frozenset({"os.path.realpath", "os.path.abspath", "os.path.normpath"})
_CONTAINMENT = ("relative_to(", "is_relative_to(", "commonpath(", ".startswith(")


def _containment_check(parent: Optional[ast.AST], ctx: FileContext) -> bool:
    """The join is resolved (``os.path.realpath(os.path.join(root, name))``) in a function that then tests the
    result is inside the folder (``Path(real).relative_to(root)``, ``commonpath``, ``startswith``): the join is
    the path check itself, not the write (pgAdmin's file manager)."""
    if not (isinstance(parent, ast.Call) and ctx.imports.resolve(parent.func) in _RESOLVERS):
        return False
    function = ctx.scope.function
    text = ctx.segment(function) if function is not None else None
    return text is not None and any(word in text for word in _CONTAINMENT)


def _model_of_row(row: ast.Call) -> Optional[ast.expr]:
    """``Model`` in ``Model.objects.create(...)``/``.get(...)``, ``Model(...)``, ``get_object_or_404(Model, ...)``."""
    func = row.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute) and func.value.attr == "objects":
        return func.value.value if func.attr in _ROW_METHODS else None
    if isinstance(func, ast.Name) and func.id in _ROW_SHORTCUTS and row.args:
        return row.args[0]
    if isinstance(func, (ast.Name, ast.Attribute)) and (name_of(func) or "")[:1].isupper():
        return func
    return None


_ROW_METHODS = frozenset({"create", "get", "aget", "acreate", "get_or_create", "first", "last"})
_ROW_SHORTCUTS = frozenset({"get_object_or_404", "aget_object_or_404"})


def _internal(ctx: FileContext) -> tuple[ProjectFact, ...]:
    """The enclosing handler is a route of an internal service of the project, whose only client is the project's
    own backend choosing the file name (:mod:`backend_lint.analysis.internal_services`)."""
    function = ctx.scope.function
    return internal_service_facts(ctx, handler_for(ctx, function)) if function is not None else ()


class UnsafeUploadFilename(Rule):
    code = "BE506"
    name = "unsafe-upload-filename"
    message = "`{construct}` builds a path from the client's file name; use `secure_filename()` or a generated name"
    triggers = ("filename", "FILES", "UploadFile", "multipart")
    needs = (origin, bindings_of, multipart_part, handler_for, internal_service)
    module_facts = (test_support,)

    @visits(ast.Call)
    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        if not node.args or ctx.is_test_file:
            return
        func = node.func
        callee = ctx.imports.resolve(func) or (func.id if isinstance(func, ast.Name) else None)
        if callee in _PATH_CALLS:
            parent = ctx.parent
            if callee.startswith("pathlib") and (_name_part(parent) or _only_parts_read(node, parent, ctx)):
                return  # Path(upload.filename).suffix: only a part of the name is kept
            if _containment_check(parent, ctx) or _saved_by_django_storage(node, parent, ctx) \
                    or _only_saved_by_django_storage(node, parent, ctx):
                return
            if callee.endswith(".join") and len(node.args) == 1 and not isinstance(node.args[0], ast.Starred):
                return  # os.path.join(f.filename): one part joins nothing, the name comes back unchanged
            candidates = node.args
        elif callee in _OPEN_CALLS or callee in _SHUTIL:
            candidates = node.args[:2] if callee in _SHUTIL else node.args[:1]
        elif isinstance(func, ast.Attribute) and func.attr == "save":
            if _django_storage(func.value, ctx) or _model_file_field(node, ctx):
                return  # Django's Storage.save (a FieldFile's too) refuses ``..`` and absolute names, never overwrites
            callee = ".save"
            candidates = node.args[:1]
        else:
            return
        for argument in candidates:
            if _client_name(argument, ctx):
                self.report(ctx, argument, construct=callee, unless=_internal(ctx))
                return

    @visits(ast.BinOp)
    def check_path_division(self, node: ast.BinOp, ctx: FileContext) -> None:
        if isinstance(node.op, ast.Div) and not ctx.is_test_file and _client_name(node.right, ctx):
            self.report(ctx, node.right, construct="/", unless=_internal(ctx))
