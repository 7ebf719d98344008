"""Whether a definition of a Django or Flask module renders HTML (a page or a form dialog), as the project
summary records it (:attr:`.summary.DefSummary.renders_html`, the ``html_view`` fact).

A definition renders HTML when it calls an HTML-rendering name (or one starting with ``redirect``), returns a
template rendered by its file's name or a form rendered as a dialog, names a template or form in a class
attribute, or is a module-level function whose every ``return`` runs a page class of the module. The names are
found in the text first (:func:`html_word_lines`), so only the definitions whose lines hold one are walked.
Kept apart from :mod:`.extract`, which reads the rest of a module's summary, because this is one kind of
evidence with its own words and readers; the page readers of the analysis layer ask :func:`renders_template`.
"""

from __future__ import annotations

import ast
from bisect import bisect_left
from typing import TYPE_CHECKING, Optional, Union

from backend_lint.analysis.ast_helpers import own_nodes
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.page_responses import HTMX_PAGE_RESPONSES
from backend_lint.analysis.tree_walk import child_nodes, walk

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_HTML_CALLS = frozenset({
    "render", "render_to_response", "render_to_string", "TemplateResponse", "redirect", "HttpResponseRedirect",
    "render_template", "url_for_redirect", *HTMX_PAGE_RESPONSES,
})
_HTML_ATTRIBUTES = frozenset({"template_name", "form_class", "success_url", "template_name_suffix"})
_HTML_NAMES = tuple(sorted(_HTML_CALLS | _HTML_ATTRIBUTES))
_HTML_PREFIX = "redirect"
"""Any call whose name starts with it redirects a browser (``redirect_to_url``, ``redirect_or_jsonify``), as
:attr:`.handler_body.HandlerBody.renders_html` reads it."""
_TEMPLATE_FILES = (".html", ".htm", ".jinja", ".jinja2", ".j2")
_TEMPLATE_MARKS = (".htm", ".jinja", ".j2")
"""What a template file's name holds, as the text is searched for it."""
_FORM_MARK = "_form("
"""What a call rendering a form (``jsonify_form(form)``) holds, as the text is searched for it."""
_WORD_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")

Def = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef]


def html_word_lines(source: str) -> Optional[list[int]]:
    """The lines (1-based, ascending) where a name :func:`renders_html` looks for is written as a word (a
    name starting with ``redirect``; a template file's extension anywhere).

    A call or an assignment that name can only be written with the name in the text, so a definition whose
    lines hold none of them is answered without walking it: most definitions of a Django or Flask module.
    Each name is found with ``str.find`` (one regular expression of all of them, tried at every position, cost
    four times as much); an occurrence counts unless an ASCII letter, digit or ``_`` touches it, which
    keeps every real one. ``None`` (look into every definition) when lone carriage returns would make the line
    count differ from ``ast``'s.
    """
    if source.count("\r") != source.count("\r\n"):
        return None
    starts = []
    for word in (*_HTML_NAMES, *_TEMPLATE_MARKS, _FORM_MARK):
        prefix, mark = word == _HTML_PREFIX, word in _TEMPLATE_MARKS or word == _FORM_MARK
        at = source.find(word)
        while at != -1:
            end = at + len(word)
            if mark or ((at == 0 or source[at - 1] not in _WORD_CHARACTERS) and (
                prefix or end == len(source) or source[end] not in _WORD_CHARACTERS
            )):
                starts.append(at)
            at = source.find(word, end)
    lines = []
    line, position = 1, 0
    for at in sorted(starts):
        line += source.count("\n", position, at)
        position = at
        lines.append(line)
    return lines


def spans_word_line(node: Def, lines: list[int]) -> bool:
    """Whether any of ``lines`` (where a reader's words occur) lies within the definition, decorators
    included."""
    first = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
    at = bisect_left(lines, first)
    return at < len(lines) and lines[at] <= (node.end_lineno or node.lineno)


def renders_template(call: ast.Call) -> bool:
    """``jsonify_template("categories/delete.html", ...)``: a call named for rendering or a template, given a
    template file's name (what a ``return`` of it answers is the rendered page or dialog)."""
    func = call.func
    name = (func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else "").lower()
    return ("template" in name or "render" in name) and any(
        isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value.endswith(_TEMPLATE_FILES)
        for value in [*call.args, *(keyword.value for keyword in call.keywords)]
    )


def renders_html(node: Def, methods: dict[int, bool]) -> bool:
    """A call of an HTML-rendering name (or of one starting with ``redirect``) anywhere in the definition, a
    ``return`` of a template rendered by its file's name or of a form rendered as a dialog
    (:func:`_renders_form`), or a class attribute naming a template or form (:func:`_page_attribute`). A class
    takes its methods' answers (``methods``: id -> answer, for those that mention such a name; the others do not
    render) and walks only the rest of itself."""
    skip: set[int] = set()
    if isinstance(node, ast.ClassDef):
        own = [statement for statement in node.body if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))]
        if any(methods.get(id(method), False) for method in own):
            return True
        skip = {id(method) for method in own}
    stack: list[ast.AST] = [node]
    while stack:
        child = stack.pop()
        stack.extend(grandchild for grandchild in child_nodes(child) if id(grandchild) not in skip)
        if isinstance(child, ast.Call):
            func = child.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name in _HTML_CALLS or name.startswith(_HTML_PREFIX):
                return True
        elif (isinstance(child, ast.Return) and isinstance(child.value, ast.Call)
              and (renders_template(child.value) or _renders_form(child.value, node))) or (
            isinstance(child, ast.Assign) and isinstance(node, ast.ClassDef) and child in node.body
            and any(_page_attribute(target, child.value) for target in child.targets)
        ):
            return True
    return False


def _page_attribute(target: ast.expr, value: ast.expr) -> bool:
    """A class attribute that makes a view a page: ``template_name``, ``form_class``..., or any ``*_template``
    given a template file's name (django-formtools' ``FormPreview``: ``form_template = "mailer/gym/form.html"``,
    ``preview_template``)."""
    if not isinstance(target, ast.Name):
        return False
    return target.id in _HTML_ATTRIBUTES or (
        target.id.endswith("template") and isinstance(value, ast.Constant) and isinstance(value.value, str)
        and value.value.endswith(_TEMPLATE_FILES)
    )


def _renders_form(call: ast.Call, definition: Def) -> bool:
    """``return jsonify_form(form, ...)`` where ``form = CreateCategoryForm(...)`` in the same definition: a call
    named for rendering a form (``render_form``, Indico's ``jsonify_form``: the WTForm rendered as the HTML of a
    dialog) given a form object built there by a call named for a form (``CreateCategoryForm()``,
    ``self.field_cls.create_config_form()``, ``abstract_form_class(...)``). What it answers is the form page or
    dialog of a server-rendered UI."""
    func = call.func
    name = (func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else "").lower()
    if not (name.endswith("_form") and name.startswith(("render", "jsonify"))) or not call.args:
        return False
    argument = call.args[0]
    if not isinstance(argument, ast.Name):
        return False
    return any(
        isinstance(child, ast.Assign) and isinstance(child.value, ast.Call)
        and "form" in (dotted_name(child.value.func) or "").rpartition(".")[2].lower()
        and any(isinstance(target, ast.Name) and target.id == argument.id for target in child.targets)
        for child in walk(definition)
    )


_DJANGO_HTML_VIEWS = ("django.views.generic.", "django.contrib.auth.views.")


def add_page_wrappers(ctx: FileContext, defs: list[tuple[str, Def]], html: dict[int, bool]) -> None:
    """A module-level function whose every ``return`` runs a page class of this module (``def
    update_ticket_view(request, ticket_id): return UpdateTicketView.as_view()(request, ticket_id=ticket_id)``,
    django-helpdesk) renders what that class renders: the class names a template or form, renders in a method,
    or is built directly on a Django generic view other than ``View``."""
    classes = {node.name: node for _, node in defs if isinstance(node, ast.ClassDef) and node in ctx.tree.body}

    def page(name: str) -> bool:
        cls = classes.get(name)
        if cls is None:
            return False
        if html.get(id(cls), False):
            return True
        return any(
            (resolved := ctx.imports.resolve(base)) is not None and resolved.startswith(_DJANGO_HTML_VIEWS)
            and not resolved.endswith((".View", ".base.View"))
            for base in cls.bases
        )

    for _, node in defs:
        if isinstance(node, ast.ClassDef) or node not in ctx.tree.body or html.get(id(node), False):
            continue
        views = [_class_view_run(child.value) for child in own_nodes(node) if isinstance(child, ast.Return)]
        if views and all(view is not None and page(view) for view in views):
            html[id(node)] = True


def _class_view_run(value: Optional[ast.expr]) -> Optional[str]:
    """``Name.as_view(...)(...)``: the class name, else ``None``."""
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Call)):
        return None
    made = value.func.func
    if isinstance(made, ast.Attribute) and made.attr == "as_view" and isinstance(made.value, ast.Name):
        return made.value.id
    return None
