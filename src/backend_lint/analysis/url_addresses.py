"""Fields a project puts into the URLs of its objects: addresses, not credentials (BE405).

``Media.get_absolute_url`` returns ``reverse("api_get_media", kwargs={"friendly_token": self.friendly_token})``
or ``f"{reverse('get_media')}?m={self.friendly_token}"``; a DRF viewset declares ``lookup_field =
"friendly_token"``. Such a field is the object's public address: the project writes it into every link to the
object, its pages show it, and every access log holds it. A value of that name logged elsewhere (a Celery task
saying which media failed to encode) identifies the object; it grants nothing the link does not. The project
model collects the names from every non-test module (:func:`address_fields`, ``ModuleSummary.url_addresses``)
and BE405 asks ``url_address(name)``.

Only the object's canonical URL counts (``get_absolute_url``, Django's convention for the public link to an
object) and a DRF ``lookup_field``/``lookup_url_kwarg``; a token a view puts in a one-off link (an invitation, a
password reset) is not the object's address and is not read.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from backend_lint.analysis.node_index import node_index

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_URL_METHODS = frozenset({"get_absolute_url"})
_LOOKUP_ATTRIBUTES = frozenset({"lookup_field", "lookup_url_kwarg"})


def address_fields(ctx: FileContext) -> list[str]:
    """The fields of ``self`` the module's ``get_absolute_url`` methods write into the URL, and the string
    constants its classes set as ``lookup_field``/``lookup_url_kwarg``, sorted. The classes come from the
    file's node index, not from a walk of the module."""
    source = ctx.source
    if "get_absolute_url" not in source and "lookup_field" not in source and "lookup_url_kwarg" not in source:
        return []  # (``lookup_`` alone let through 584 of Django's 875 modules)
    found: set[str] = set()
    for cls in node_index(ctx).of(ast.ClassDef):
        for statement in cls.body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name in _URL_METHODS:
                found.update(_url_fields(statement))
            elif isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Constant) \
                    and isinstance(statement.value.value, str) and statement.value.value.isidentifier() \
                    and any(isinstance(target, ast.Name) and target.id in _LOOKUP_ATTRIBUTES
                            for target in statement.targets):
                found.add(statement.value.value)
    return sorted(found)


def _url_fields(method: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """``self.<field>`` written into the URL the method returns: an argument of a call (``reverse(...,
    kwargs={...: self.slug})``, ``args=[self.slug]``) or a part of a formatted string."""
    fields: set[str] = set()
    for node in ast.walk(method):
        if isinstance(node, ast.Call):
            parts: list[ast.AST] = [*node.args, *(keyword.value for keyword in node.keywords)]
        elif isinstance(node, ast.JoinedStr):
            parts = [value.value for value in node.values if isinstance(value, ast.FormattedValue)]
        else:
            continue
        for part in parts:
            inner = part.values if isinstance(part, ast.Dict) else part.elts \
                if isinstance(part, (ast.List, ast.Tuple)) else [part]
            for value in inner:
                if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) \
                        and value.value.id == "self":
                    fields.add(value.attr)
    return fields
