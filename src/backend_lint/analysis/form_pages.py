"""Form pages of an ASGI application: one handler that shows a form on GET and takes it on POST (BE301).

Django and Flask form views are known by their framework's form API (``request.POST``, ``form.is_valid()``,
``render``). A FastAPI or Starlette dashboard writes the same page with its own helpers; fief's admin
dashboard, driven by HTMX::

    @router.api_route("/{id:uuid}/edit", methods=["GET", "POST"], name="dashboard.roles:update")
    async def update_role(request: Request, ...):
        form_helper = FormHelper(RoleUpdateForm, "admin/roles/edit.html", object=role, request=request, ...)
        if await form_helper.is_submitted_and_valid():
            ...
            return HXRedirectResponse(request.url_for("dashboard.roles:get", id=role.id))
        return await form_helper.get_response()

It is a form page when one route of the handler takes both GET and POST and its own body names a template
file (a string ending ``.html``, ``.jinja``...) handed to a call, or answers with a redirect response
(``RedirectResponse``, ``HXRedirectResponse``). A browser form cannot send an idempotency key; its double submit
is the form's business (redirect-after-POST), and what it submits is the form's fields, set again on a retry.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from backend_lint.analysis.ast_helpers import callee_name, own_nodes
from backend_lint.analysis.page_responses import redirects

if TYPE_CHECKING:
    from backend_lint.analysis.handler_types import Handler

_TEMPLATE_FILES = (".html", ".htm", ".jinja", ".jinja2", ".j2")


def asgi_form_page(handler: Handler) -> bool:
    """``handler`` serves a form page: GET and POST on one route, and a template or a redirect in its body."""
    if not any({"GET", "POST"} <= route.methods for route in handler.routes):
        return False
    for node in own_nodes(handler.function):
        if not isinstance(node, ast.Call):
            continue
        if redirects(callee_name(node)) or callee_name(node) == "TemplateResponse":
            return True
        if any(isinstance(value, ast.Constant) and isinstance(value.value, str)
               and value.value.endswith(_TEMPLATE_FILES)
               for value in [*node.args, *(keyword.value for keyword in node.keywords)]):
            return True
    return False
