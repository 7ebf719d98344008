"""Classes whose construction validates what it is handed: pydantic models (BE303, BE403's failing work).

Building a pydantic model (``TaskCommentDTO(user_id=user.id, comment=comment)``) checks every field against its
declared type and raises ``ValidationError`` about the values it was given; an ORM model or a dataclass built the
same way keeps whatever it is handed. A class of the file is read here, through its bases in the file; a class
of another module is the project model's to decide (:func:`~backend_lint.analysis.project.conditions.
schema_models`, through the project bases the summaries record).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.project.conditions import ProjectFact, schema_models
from backend_lint.analysis.project.imported import imported_qualified
from backend_lint.analysis.resolve import class_chain, resolve_class

if TYPE_CHECKING:
    from backend_lint.context import FileContext

SCHEMA_BASES = frozenset({"pydantic.BaseModel", "pydantic.main.BaseModel", "pydantic.v1.BaseModel"})
"""The bases whose subclasses validate their fields when they are built."""


def file_schema_class(call: ast.Call, ctx: FileContext) -> bool:
    """``GenerateChatCompletionForm(**form_data)``: a class of the file built on pydantic's ``BaseModel`` (through
    its bases in the file), whose construction validates the data it is given and raises only about it."""
    cls = resolve_class(call.func, ctx, ctx.scope)
    if cls is None:
        return False
    return any(
        (ctx.imports.resolve(base) or "") in SCHEMA_BASES
        for current in class_chain(cls, ctx) for base in current.node.bases
    )


def schema_facts(ctx: FileContext, models: list[ast.Call] | tuple[ast.Call, ...]) -> Optional[tuple[ProjectFact, ...]]:
    """The project fact that every class ``models`` builds validates what it is handed (``()``: each is a pydantic
    model of the file, settled here), or ``None`` when one is neither of the file nor imported (a finding that
    needs them to validate stands)."""
    imported: list[str] = []
    for call in models:
        if file_schema_class(call, ctx):
            continue
        qualified = imported_qualified(ctx, call.func)
        if qualified is None:
            return None
        imported.append(qualified)
    return (schema_models(imported),) if imported else ()
