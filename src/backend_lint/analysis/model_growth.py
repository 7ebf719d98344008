"""Which tables grow with use: the models whose rows the project's running code creates (BE104).

An unbounded list is a problem only where the table grows as the application is used: its rows are made by
request handlers anyone (not only an administrator) reaches (a sign-up, a post, an upload, a comment), by jobs
and helpers the application runs, or in bulk (``bulk_create``, a loop making rows, an import command). A model
whose rows the project's running code makes nowhere a user reaches (only in handlers only administrators
reach, a one-off management command, a data migration, or nowhere the code shows) is not shown to grow: the
registries, connectors, datatypes and label types judged false on real applications were such tables, and a
list is reported only with the evidence that its table grows (rows made through a generic path the code does not
show, a form class picked with ``getattr``, a federation deserializer, are missed).

Per module (the project model joins them, :meth:`.project.model.ProjectModel.catalog`):

- :func:`grown_names`: what the module's running code makes rows of, outside tests, migrations and
  administrators-only code: class names called (``Tag(name=n)``, ``Tag.objects.create(...)``,
  ``Tag.objects.get_or_create(...)``, ``Tag.create(...)``, a model handed to a helper that creates,
  ``CRUDBase(Item)``; not a call in a class body, a declaration run at import: ``ForeignKey(Team)`` names the
  related model and makes no row), the class of a form or serializer given the client's data
  (``TagForm(request.POST)``, ``TagSerializer(data=request.data)``), the ``model``/``queryset``/
  ``serializer_class``/``form_class`` of a generic view that creates (``CreateView``, ``ModelViewSet``,
  ``ListCreateAPIView``; not ``ReadOnlyModelViewSet``), ``.tags`` for a related manager's ``create``
  (``post.tags.create(...)``) and ``table:tags`` for ``INSERT INTO tags``. In a management
  command only rows made in a loop or in bulk count (an import); a one-off ``create_group`` command is the
  operator configuring.
- :func:`model_forms`: ``form or serializer class -> its Meta.model``, so that a form given the client's data
  makes rows of its model.
- :func:`writes_rows`: the module makes rows by use through the ORM in a way read here: the evidence that the
  project's creations are readable at all (a project where none is read says nothing about its models).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.admin_only import admin_only, admin_only_class
from backend_lint.analysis.ast_helpers import class_attributes
from backend_lint.analysis.facts import file_fact
from backend_lint.analysis.handlers import handler_for
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.module_roles import module_roles
from backend_lint.analysis.node_index import NodeIndex, node_index

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_MANAGER_CREATES = frozenset({"get_or_create", "update_or_create", "bulk_create", "aget_or_create",
                              "aupdate_or_create", "abulk_create", "insert", "insert_many", "bulk_insert",
                              "add", "save", "new"})
"""Manager or class methods that make rows, besides any method whose name starts with ``create``/``acreate``."""
_BULK = frozenset({"bulk_create", "abulk_create", "insert_many", "bulk_insert", "add_all", "bulk_save_objects"})
_CREATING_VIEWS = ("CreateView", "CreateAPIView", "ModelViewSet", "CreateModelMixin", "ListCreateAPIView",
                   "FormView")
"""Generic views whose requests make rows of their model."""
_VIEW_MODEL_ATTRIBUTES = ("model", "serializer_class", "form_class", "queryset")
_CLIENT_DATA = frozenset({"data", "POST", "FILES", "json", "form", "body", "payload", "validated_data"})
"""Names that say a form or serializer is given what the client sent (``request.POST``, ``data=...``)."""
_FORM_WORDS = ("Serializer", "Form", "Schema")
_HELPER_WORDS = ("create", "insert", "add", "save", "import", "sync", "ingest", "store", "crud", "record")
_INSERT = lazy_compile(r"\bINSERT\s+(?:OR\s+\w+\s+)?INTO\s+[\"`\[]?(?:\w+[\"`\]]?\.[\"`\[]?)?(\w+)", 0)
_WRITES = frozenset({"add", "add_all", "save", "commit", "insert_one", "insert_many", "flush"})
"""Calls that store rows (a session's ``add``/``commit``, a document's ``insert_one``)."""
_LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _command_module(ctx: FileContext) -> bool:
    path = ctx.role_path.replace("\\", "/")
    return "/management/commands/" in f"/{path}"


def _django_admin_module(ctx: FileContext) -> bool:
    path = ctx.role_path.replace("\\", "/")
    return path.endswith("/admin.py") or path == "admin.py" or ("/admin/" in f"/{path}" and "admin.site" in ctx.source)


def _client_data(expr: ast.expr) -> bool:
    """``request.POST``, ``request.data``, ``data``, ``payload.dict()``: what the client sent."""
    for node in ast.walk(expr):
        if isinstance(node, ast.Name) and node.id in _CLIENT_DATA:
            return True
        if isinstance(node, ast.Attribute) and node.attr in _CLIENT_DATA:
            return True
    return False


def _class_name(expr: ast.expr) -> Optional[str]:
    """``Tag`` or ``models.Tag``: a class named, capitalised."""
    name = dotted_name(expr)
    last = name.rpartition(".")[2] if name else ""
    return last if last[:1].isupper() else None


def _created(call: ast.Call) -> list[str]:
    """The names a call makes rows of, as :func:`grown_names` records them."""
    func = call.func
    found: list[str] = []
    name = dotted_name(func) or ""
    last = name.rpartition(".")[2]
    written = last if last[:1].isupper() else None  # (:func:`_class_name`, the callee's name read once)
    if written is not None:
        if written.endswith(_FORM_WORDS):
            # a form or serializer makes a row only when given the client's data (not ``TagSerializer(tags)``)
            if any(keyword.arg == "data" for keyword in call.keywords) or (call.args and _client_data(call.args[0])):
                found.append(written)
        else:
            found.append(written)  # ``Tag(name=n)`` (exceptions and responses too: they name no model)
    if isinstance(func, ast.Attribute):
        method = func.attr
        if method.startswith(("create", "acreate")) or method in _MANAGER_CREATES or method in _BULK:
            receiver = func.value
            if isinstance(receiver, ast.Attribute) and receiver.attr in ("objects", "query"):
                receiver = receiver.value
            model = _class_name(receiver)
            if model is not None:
                found.append(model)  # ``Tag.objects.create(...)``, ``Tag.create(...)``, ``models.Tag.objects...``
            elif isinstance(receiver, ast.Attribute) and receiver.attr[:1].islower() and method != "save" \
                    and (method.startswith(("create", "acreate")) or method in _BULK or method == "get_or_create"):
                found.append(f".{receiver.attr}")  # ``post.tags.create(...)``: a related manager
    if call.args and (written is not None or any(word in last.lower() for word in _HELPER_WORDS)):
        # ``create_object(Tag, data)``, ``CRUDBase(Item)``, ``insert(Item)``: a model handed to what creates
        found += [model for arg in call.args if isinstance(arg, (ast.Name, ast.Attribute))
                  and (model := _class_name(arg)) is not None and not model.isupper()]
    for arg in call.args:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            found += [f"table:{table.lower()}" for table in _INSERT.findall(arg.value.upper())]
    return found


def _bulk(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Attribute) and call.func.attr in _BULK


def _creating_view(node: ast.ClassDef) -> list[str]:
    """A generic view whose requests make rows: its model, queryset's model, serializer or form class."""
    bases = [(dotted_name(base) or "").rpartition(".")[2] for base in node.bases]
    methods = {item.name for item in node.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))}
    # (``ReadOnlyModelViewSet`` ends like ``ModelViewSet`` and creates nothing)
    if not (any(base.endswith(_CREATING_VIEWS) and not base.startswith("ReadOnly") for base in bases)
            or methods & {"post", "create", "perform_create"}):
        return []
    attributes = class_attributes(node)
    found: list[str] = []
    for attribute in _VIEW_MODEL_ATTRIBUTES:
        value = attributes.get(attribute)
        while isinstance(value, (ast.Call, ast.Attribute)):
            if isinstance(value, ast.Attribute) and value.attr == "objects":
                value = value.value
                break
            value = value.func if isinstance(value, ast.Call) else value.value
        model = _class_name(value) if isinstance(value, (ast.Name, ast.Attribute)) else None
        if model is not None:
            found.append(model)
    return found


@file_fact(reads=(handler_for, module_roles, node_index))
def growth(ctx: FileContext) -> tuple[frozenset[str], bool]:
    """What the module's running code makes rows of (:func:`grown_names`), and whether it makes any through the
    ORM by use (:func:`writes_rows`)."""
    roles = module_roles(ctx)
    if roles.for_tests or roles.example or _django_admin_module(ctx):
        return frozenset(), False
    migration = roles.migration
    command = _command_module(ctx) or migration
    grown: set[str] = set()
    writes = False
    index = node_index(ctx)
    admin = _AdminCode(ctx, index)
    for node in index.of(ast.ClassDef):
        if not admin.of(node) and not command:
            grown.update(_creating_view(node))
    for call in index.of(ast.Call):
        created = _created(call)
        method = call.func.attr if isinstance(call.func, ast.Attribute) else None
        written = method is not None and (
            method.startswith(("create", "acreate")) or method in _WRITES | _MANAGER_CREATES | _BULK)
        if not (created or written):
            continue  # (most calls: no need to climb to their owner and ask whether administrators alone reach it)
        owner, looped = _owner(call, index)
        if isinstance(owner, ast.ClassDef):
            continue  # a class body's declaration, run once at import: ``team = ForeignKey(Team, ...)`` names
            # the related model, it makes no row (liteapi's teams and denial reasons, related from a dozen models)
        if migration or ((admin.of(owner) or command) and not looped and not _bulk(call)):
            continue
        grown.update(created)
        writes = writes or written  # ``Tag.objects.create(...)``, ``db.add(tag)``, ``session.commit()``
    return frozenset(grown), writes


_OWNERS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _owner(node: ast.AST, index: NodeIndex) -> tuple[Optional[ast.AST], bool]:
    """The function or class ``node`` is written in (``None``: the module's own code), and whether a loop or
    comprehension of that function's or class's own code holds it."""
    looped = False
    parent = index.parent(node)
    while parent is not None and not isinstance(parent, _OWNERS):
        looped = looped or isinstance(parent, _LOOPS)
        parent = index.parent(parent)
    return parent, looped


class _AdminCode:
    """Which functions and classes only administrators reach: a handler behind an administrators-only check, a
    class only staff (or moderators) use, and everything written inside either (answered once per definition)."""

    def __init__(self, ctx: FileContext, index: NodeIndex) -> None:
        self.ctx = ctx
        self.index = index
        self.known: dict[ast.AST, bool] = {}

    def of(self, owner: Optional[ast.AST]) -> bool:
        if owner is None:
            return False
        found = self.known.get(owner)
        if found is None:
            outer = self.of(_owner(owner, self.index)[0])
            if isinstance(owner, ast.ClassDef):
                found = outer or admin_only_class(owner, moderators=True)
            else:
                handler = handler_for(self.ctx, owner)
                found = outer or (handler is not None and admin_only(handler))
            self.known[owner] = found
        return found


def grown_names(ctx: FileContext) -> list[str]:
    """What the module's running code makes rows of, sorted (see the module's docstring)."""
    return sorted(growth(ctx)[0])



def writes_rows(ctx: FileContext) -> bool:
    """The module makes rows by use through an ORM call read here (``Tag.objects.create``, ``db.add(tag)``)."""
    return growth(ctx)[1]


def model_forms(tree: ast.Module) -> dict[str, str]:
    """``TagSerializer -> Tag``: the module's classes (top level or nested one deep) whose inner ``Meta`` names a
    ``model``."""
    found: dict[str, str] = {}
    for statement in tree.body:
        if not isinstance(statement, ast.ClassDef):
            continue
        for item in statement.body:
            if isinstance(item, ast.ClassDef) and item.name == "Meta":
                model = class_attributes(item).get("model")
                name = _class_name(model) if isinstance(model, (ast.Name, ast.Attribute)) else None
                if name is not None:
                    found[statement.name] = name
    return found


def _normal(name: str) -> str:
    """``tag_set`` / ``tags`` / ``Tag`` -> ``tag``: a relation's or table's name as the model it holds."""
    word = name.lower().replace("_", "")
    word = word.removesuffix("set") if word.endswith("set") and len(word) > 3 else word
    for suffix in ("ies", "s"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def model_grows(model: str, grown: frozenset[str]) -> bool:
    """The model class ``model`` (its last name) is among what the project makes rows of: by name, or a related
    manager (``.scores``) or an inserted table (``table:submission_scores``) whose name ends with the model's
    words (``SubmissionScore``: ``score``, ``submissionscore``)."""
    if model in grown:
        return True
    target = _normal(model)
    for name in grown:
        if name.startswith((".", "table:")):
            word = _normal(name.rpartition(":")[2].lstrip("."))
            if len(word) >= 3 and (target.endswith(word) or word.endswith(target)):
                return True
    return False
