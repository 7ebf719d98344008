"""Handlers that answer a server-rendered HTML page, not data: what a list in them is for (BE104).

The guidance's pagination point is about API collections: "implement pagination for large datasets" and
``GET /users - List users (paginated)``, a client paging through data it fetches. A server-rendered page that
lists a table to a person (an operator's console of configured servers, a settings page of a catalogue, the
datatypes a map page offers) is another thing: what it lists is what the page is for, reviewers judge it by the
page's purpose, and such tables are small by nature far more often than not. This module tells the two apart
from what the handler *answers*, never from names:

- every ``return`` of the handler function is an HTML answer: a call that renders a template or redirects
  (:func:`.handler_body.html_call`: ``render``, ``render_template``, ``TemplateResponse``,
  ``render_to_response``, ``redirect...``, or a call named for rendering given a template file's name), a
  response class made of such a rendering (``HttpResponse(template.render(context))``, ``HTMLResponse(...)``),
  a response given a ``template_name`` (DRF's ``TemplateHTMLRenderer``),
  a local bound only to such answers, or a call of a helper of the module that answers so on every path
  (:func:`.page_answers.answers_page_through_helpers`);
- or every ``return`` the rows reach is such an answer (:func:`rows_fill_page`): the query's value, followed
  through the locals assigned from it (a context dict, a list built in a loop), reaches only returns that
  render, while other paths answer something else without the rows (arches' plugin page, which answers one
  plugin as JSON under ``?json`` and renders every other list into its template; a ``render_template(...), 400``
  error page);
- or the handler is decorated with a template given by its file's name (``@render_to("items.html")``,
  ``@aiohttp_jinja2.template("index.jinja2")``, ``@view_config(renderer="items.pt")``): it returns the context
  a template renders.

A handler that answers JSON on any path (``jsonify``, ``JsonResponse``, a dict, a DRF ``Response``) is data.
Django's generic ``ListView`` renders its ``template_name`` (or ``<model>_list.html``): a page, unless the class
answers JSON itself (a base or a method of it named for JSON, ``JSONResponseMixin``, ``render_to_response``
returning a ``JsonResponse``).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Callable, Optional

from backend_lint.analysis.ast_helpers import callee_name
from backend_lint.analysis.facts import node_fact, reads
from backend_lint.analysis.handler_body import html_call
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.page_answers import answers_page_through_helpers
from backend_lint.analysis.project.html_evidence import renders_template
from backend_lint.analysis.response_flow import response_flow
from backend_lint.analysis.tree_walk import child_nodes, walk

if TYPE_CHECKING:
    from backend_lint.analysis.handler_types import Handler
    from backend_lint.context import FileContext

_TEMPLATE_FILES = (".html", ".htm", ".jinja", ".jinja2", ".j2", ".pt", ".mako")
"""Extensions of a template file named in a decorator."""
_HTML_RESPONSES = frozenset({"HTMLResponse", "HtmlResponse"})
"""Response classes whose body is HTML whatever they are given."""
_WRAPPING_RESPONSES = frozenset({"HttpResponse", "Response", "make_response", "StreamingHttpResponse"})
"""Response classes and helpers that send the text they are given: HTML when that text is a rendering."""
_JSON_WORD = "json"
_FILLING_METHODS = frozenset({"append", "extend", "update", "add", "insert", "setdefault"})
"""Methods that put a value into the container they are called on."""


@node_fact(reads=(response_flow, answers_page_through_helpers), key=lambda handler: handler.function)
def html_page(ctx: FileContext, handler: Handler) -> bool:
    """``handler`` answers a server-rendered page on every path (see the module docstring)."""
    function = handler.function
    if any(_names_template(decorator) for decorator in function.decorator_list):
        return True
    values = response_flow(ctx, function).return_values
    if values and all(_page_answer(value, function) for value in values):
        return True
    return answers_page_through_helpers(ctx, function)


@reads(html_page)
def rows_fill_page(ctx: FileContext, handler: Handler, node: ast.AST, parent_of: Callable[[ast.AST], Optional[ast.AST]],
                   ) -> bool:
    """The rows of the query at ``node`` reach only HTML answers: the handler answers a page on every path, or
    every ``return`` whose value reads the rows (the ``return`` holding the query, or one reading a local
    assigned from it, directly or through other locals) renders or redirects."""
    if html_page(ctx, handler):
        return True
    function = handler.function
    statement: Optional[ast.AST] = node
    while statement is not None and not isinstance(statement, ast.stmt):
        statement = parent_of(statement)
    if isinstance(statement, ast.Return):
        return _page_answer(statement.value, function)
    if not isinstance(statement, (ast.Assign, ast.AnnAssign)):
        return False
    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
    derived = {name.id for target in targets for name in walk(target) if isinstance(name, ast.Name)}
    if not derived:
        return False
    nodes = _own_nodes(function)
    _derive(derived, nodes)
    carrying = [item for item in nodes if isinstance(item, ast.Return) and item.value is not None
                and _mentions(item.value, derived)]
    return bool(carrying) and all(_page_answer(item.value, function) for item in carrying)


def html_list_view(cls: ast.ClassDef) -> bool:
    """A Django generic ``ListView`` subclass answers a rendered template, unless the class says it answers
    JSON: a base named for it (``JSONResponseMixin``) or a method of its own that mentions a JSON response
    (``def render_to_response(...): return JsonResponse(...)``)."""
    if any(_JSON_WORD in (dotted_name(base) or "").lower() for base in cls.bases):
        return False
    for item in cls.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name in (
                "render_to_response", "get", "dispatch"):
            for node in walk(item):
                if isinstance(node, ast.Call) and _JSON_WORD in callee_name(node).lower():
                    return False
    return True


def _own_nodes(function: ast.AST) -> list[ast.AST]:
    """The nodes of ``function`` in source order, nested definitions left out."""
    found: list[ast.AST] = []
    stack = list(reversed(list(child_nodes(function))))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        found.append(node)
        stack.extend(reversed(list(child_nodes(node))))
    return found


def _derive(derived: set[str], nodes: list[ast.AST]) -> None:
    """Add to ``derived`` every local whose value is computed from one of them: ``context = {"rows": rows}``,
    ``for row in rows: items.append(row)``, ``context["rows"] = rows``, ``ctx.update(rows=rows)``."""
    changed = True
    while changed:
        changed = False
        for node in nodes:
            for target in _filled(node, derived):
                root = target
                while isinstance(root, (ast.Subscript, ast.Attribute)):
                    root = root.value  # ``context["rows"] = rows``: the dict holds the rows
                for name in walk(root):
                    if isinstance(name, ast.Name) and name.id not in derived:
                        derived.add(name.id)
                        changed = True


def _filled(node: ast.AST, derived: set[str]) -> list[ast.expr]:
    """What ``node`` fills with a value computed from ``derived``: an assignment's targets, a loop's variable,
    the container a filling method is called on."""
    if isinstance(node, ast.Assign):
        return list(node.targets) if _mentions(node.value, derived) else []
    if isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        return [node.target] if node.value is not None and _mentions(node.value, derived) else []
    if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
        return [node.target] if _mentions(node.iter, derived) else []
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) \
            and node.func.attr in _FILLING_METHODS:
        values = [*node.args, *(keyword.value for keyword in node.keywords)]
        return [node.func.value] if any(_mentions(value, derived) for value in values) else []
    return []


def _mentions(expr: ast.AST, names: set[str]) -> bool:
    return any(isinstance(node, ast.Name) and node.id in names for node in walk(expr))


def _names_template(decorator: ast.expr) -> bool:
    """``@render_to("items.html")``, ``@template("index.jinja2")``, ``@view_config(renderer="items.pt")``; not a
    route's path (``@app.get("/index.html")``), which starts with ``/``."""
    if not isinstance(decorator, ast.Call):
        return False
    return any(isinstance(value, ast.Constant) and isinstance(value.value, str)
               and value.value.lower().endswith(_TEMPLATE_FILES) and not value.value.startswith("/")
               for value in [*decorator.args, *(keyword.value for keyword in decorator.keywords)])


def _page_answer(value: Optional[ast.expr], function: ast.AST, depth: int = 0) -> bool:
    """One returned value is an HTML answer: a rendering or a redirect, a response made of a rendering, or a
    local bound only to such answers; also with a status, ``render_template("400.html"), 400``."""
    if isinstance(value, ast.Await):
        value = value.value
    if isinstance(value, ast.Tuple) and value.elts:
        value = value.elts[0]
    if isinstance(value, ast.Call):
        name = callee_name(value)
        if html_call(name) or renders_template(value) or name in _HTML_RESPONSES:
            return True
        if any(keyword.arg == "template_name" for keyword in value.keywords):
            return True  # DRF's ``Response(data, template_name="items.html")`` under ``TemplateHTMLRenderer``
        if name in _WRAPPING_RESPONSES and value.args:
            return _page_answer(value.args[0], function, depth)
        return False
    if isinstance(value, ast.Name) and depth < 2:
        bound = _assigned(value.id, function)
        return bool(bound) and all(_page_answer(item, function, depth + 1) for item in bound)
    return False


def _assigned(name: str, function: ast.AST) -> list[ast.expr]:
    """The values a plain ``name = ...`` assigns in the function (nested definitions left out)."""
    found: list[ast.expr] = []
    stack = list(child_nodes(function))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            found.append(node.value)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and isinstance(node.target, ast.Name) \
                and node.target.id == name:
            if node.value is None or isinstance(node, ast.AugAssign):
                return []  # changed in place: not followed
            found.append(node.value)
        stack.extend(child_nodes(node))
    return found
