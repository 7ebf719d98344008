"""Tables small by nature, whose every row a GET handler may list without paging (BE104).

A query that lists a whole table is reported because the table grows with its users. Some tables do not: a set
of choices an administrator edits, named as such (``Rank``, ``Country``, a compound name ending in ``Type`` or
``Category``: :func:`small_model`, :func:`small_table`); a table whose rows this module makes only in handlers
that only administrators reach (:func:`admin_created_models`, :func:`admin_created`); a lookup table the
project's migrations or fixtures fill, which the project model decides (:func:`lookup_table` gives the
``seeded_table`` fact). :func:`queried_model` reads the model a query lists however the code names it. Kept
apart from the rule (:mod:`backend_lint.rules.be104_unbounded_query`) because this is knowledge of the
listed table, not of the handler or of how the query is bounded.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.admin_only import admin_only, admin_only_class
from backend_lint.analysis.ast_helpers import class_attributes
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.facts import file_fact
from backend_lint.analysis.handlers import handler_for
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.orm import DJANGO, Query
from backend_lint.analysis.project.conditions import ProjectFact, catalog_table, seeded_table
from backend_lint.analysis.project.imported import imported_qualified_name

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_SMALL_MODELS = frozenset(
    {"Rank", "Role", "Country", "Currency", "Language", "Locale", "Timezone", "TimeZone", "Setting", "Settings",
     "Config", "Configuration", "Plan", "Tier", "Region", "Permission", "Group", "Team"}
)
"""Model names of tables small by nature: a fixed set of choices an administrator edits, not user data. ``Group``
and ``Team`` are an organisation's access groups and departments, made by its administrators (Django's auth
groups, Timesketch's SSO groups, a government service's teams): listed whole for a picker, judged false each
time (0 of 3 true)."""
_SMALL_MODEL_WORDS = frozenset({"Type", "Types", "Kind", "Category", "Status", "Setting", "Settings"})
"""Last words of model names that name a table of choices: ``EquipmentType``, ``CommunicationEventType``,
``ExerciseCategory``, ``WorkflowSetting``, ``OrderStatus``: a taxonomy an administrator curates, which users pick
from rather than grow."""
MODEL_WORD = lazy_compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
"""The words of a class name (``EquipmentType`` -> ``Equipment``, ``Type``), for the rules that read models by them."""


@file_fact(reads=(handler_for,))
def admin_created_models(ctx: FileContext) -> frozenset[str]:
    """Models of which this module creates rows (``App(...)``, ``App.objects.create(...)``) only in handlers that
    only administrators reach (``create_app(..., user=Depends(get_admin_user))``): a table of what the operator
    installs (integrations, apps), small by nature. A class-based view only staff reach counts for all its methods,
    and a generic ``CreateView`` of the model for its ``model`` (ephios's qualification catalogue, added through
    ``QualificationCreateView`` behind ``core.add_qualification``). A model also made anywhere else in the module
    (a helper, a handler any user reaches, a ``CreateView`` anyone may use) is not one."""
    admin: set[str] = set()
    other: set[str] = set()
    stack: list[tuple[ast.AST, Optional[bool]]] = [(ctx.tree, None)]
    while stack:
        node, by_admin = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                handler = handler_for(ctx, child)
                stack.append((child, bool(by_admin) or (handler is not None and admin_only(handler))))
                continue
            if isinstance(child, ast.ClassDef):
                # a class-based view only staff reach: its methods (``get_form_kwargs`` making the instance)
                # and, for a generic ``CreateView``, its ``model`` are made by administrators
                staff = bool(by_admin) or admin_only_class(child, moderators=True)
                made = class_attributes(child).get("model")
                if isinstance(made, ast.Name) and any(
                        (dotted_name(base) or "").endswith("CreateView") for base in child.bases):
                    (admin if staff else other).add(made.id)
                stack.append((child, staff))
                continue
            if isinstance(child, ast.Call):
                model = _created_model(child)
                if model is not None:
                    (admin if by_admin else other).add(model)
            stack.append((child, by_admin))
    return frozenset(admin - other)


def _created_model(call: ast.Call) -> Optional[str]:
    """``App(...)`` (a capitalised class called) or ``App.objects.create(...)``: the model a row is made of."""
    func = call.func
    if isinstance(func, ast.Name) and func.id[:1].isupper():
        return func.id
    if isinstance(func, ast.Attribute) and func.attr[:1].isupper() and isinstance(func.value, ast.Name) \
            and func.value.id[:1].islower():
        return func.attr  # ``models.App(...)``: a class called through its module
    if isinstance(func, ast.Attribute) and func.attr in ("create", "get_or_create", "update_or_create"):
        base = func.value
        if isinstance(base, ast.Attribute) and base.attr == "objects":
            base = base.value
        if isinstance(base, ast.Name) and base.id[:1].isupper():
            return base.id
        if isinstance(base, ast.Attribute) and base.attr[:1].isupper():
            return base.attr  # ``models.App.objects.create(...)``: the same model through its module
    return None


def queried_model(query: Query) -> Optional[str]:
    """The model a query reads, however the code names it: ``Language`` (imported by name) or ``models.Language``
    (through its module, as arches writes every query): the query model reads only a bare name, so the qualified
    spelling is read here from the manager's receiver (``models.Language.objects``)."""
    if query.model is not None or query.framework != DJANGO or not query.calls:
        return query.model
    current: ast.expr = query.calls[0]
    while isinstance(current, ast.Call) and isinstance(current.func, ast.Attribute):
        current = current.func.value
        if isinstance(current, ast.Attribute) and current.attr == "objects":
            name = dotted_name(current.value)
            return name if name and name.rpartition(".")[2][:1].isupper() else None
    return None


def small_table(query: Query) -> bool:
    """``Rank.objects.filter(is_tab=True)``: a table of a few administrator-edited choices."""
    model = queried_model(query)
    return model is not None and small_model(model.rpartition(".")[2])


def admin_created(query: Query, ctx: FileContext) -> bool:
    """The query's model (by its class name, however qualified) is made in this module only by administrators."""
    model = queried_model(query)
    return model is not None and model.rpartition(".")[2] in admin_created_models(ctx)


def lookup_table(model: Optional[str], ctx: FileContext) -> tuple[ProjectFact, ...]:
    """The facts that would make the model's table a lookup table its migrations fill (fittrackee's ``Sport``)
    or a catalogue the project's running code never makes rows of by use (:mod:`.model_growth`)."""
    if not model:
        return ()
    qualified = imported_qualified_name(ctx, model)
    if qualified is None and ctx.module and "." not in model and model in bindings_of(ctx, ctx.tree).definitions:
        qualified = f"{ctx.module}.{model}"
    return (seeded_table(qualified), catalog_table(qualified)) if qualified else ()


def small_model(name: str) -> bool:
    """``Rank`` or ``EquipmentType``: the model's name, or the last word of a compound name, names a table of
    choices."""
    words = MODEL_WORD.findall(name)
    # A compound name only: a bare ``Status`` is a social network's post (BookWyrm), not a table of choices.
    return name in _SMALL_MODELS or (len(words) > 1 and words[-1] in _SMALL_MODEL_WORDS)
