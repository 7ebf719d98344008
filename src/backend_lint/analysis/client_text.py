"""Is a value text a user wrote? Positive evidence: it comes from the HTTP request, or is a stored free-text field.

BE511 asks this of each value formatted into HTML. Judged on real applications the rule was never tuned on, a
rule that flags every value it cannot prove harmless was wrong ten times in ten: parameters of helpers that
only ever receive translated constants, slugs a validator restricts to letters, counts, a value escaped by a
project helper three lines up. A reviewer calls such HTML an injection when the value demonstrably comes from
a user: sent with this request, or typed earlier and stored (a comment's body). So this module answers *yes*
only on evidence read in the file:

- a read of what the client sent from the request (``request.GET["q"]``, ``request.args.get("name", "")``,
  ``await request.form()``, ``self.request.POST``, a header, a cookie, the path; not ``request.script_root``):
  the handler's request, a name ``request`` anywhere, or Flask's/Quart's global ``request``;
- a parameter of an HTTP handler that the framework fills from the URL or the query (a Flask/Django path
  parameter, a FastAPI query parameter), not a dependency (``Depends``/``Security``);
- a free-text field of a stored object, by the field's name: ``comment.body``, ``user.display_name``,
  ``category.full_name`` (what users type into forms: names, titles, bodies, descriptions, messages); not
  ``obj.slug``, ``obj.pk`` or a count, not a dict's key (``data["title"]``), not an attribute of a module, not a
  field of an entry of a table the code writes (:mod:`.code_tables`: NetBox's ``PREFERENCES`` registry, a
  column class's ``actions`` of ``ActionsItem('Edit', 'pencil')``), nor a property of the method's own class that
  returns only literals (``self.cancelled_status_text``);
- a local assigned (or a loop variable iterating over) such a value, up to a few assignments back; a method
  called on such a value (``name.strip()``), ``str()`` of it, and an object built from it (a form bound to
  ``request.POST``, whose ``cleaned_data`` is still the client's text).

Anything else (a parameter of a helper, a call's result, a field with another name) is not known to be a
user's text and answers *no*. What escapes or cannot hold markup is decided by the caller (BE511's own checks) first.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from backend_lint.analysis.code_tables import drawn_from_code_table
from backend_lint.analysis.facts import reads
from backend_lint.analysis.handlers import handler_for
from backend_lint.analysis.resolve import instance_class, lookup, property_of, returned_values
from backend_lint.analysis.secret_names import split_identifier
from backend_lint.analysis.sql_pieces import escapes_html

if TYPE_CHECKING:
    from backend_lint.analysis.scopes import Scope
    from backend_lint.context import FileContext

_MAX_HOPS = 4
_GLOBAL_REQUESTS = frozenset({"flask.request", "quart.request"})
_DEPENDENCIES = frozenset({"Depends", "Security"})
_CLEANING_WORDS = ("escape", "sanitize", "sanitise", "clean", "bleach", "quote", "markdown", "render", "slugify")
"""Words of a method that turns the client's text into something else (``escape``, ``bleach.clean``)."""
_WRAPPERS = frozenset({"str", "repr", "capfirst", "unquote", "unquote_plus", "dict", "list"})
_CLIENT_DATA = frozenset({
    "GET", "POST", "body", "headers", "COOKIES", "META", "path", "path_info", "get_full_path", "FILES",
    "args", "form", "values", "json", "get_json", "data", "get_data", "cookies", "full_path", "url", "view_args",
    "query_params", "path_params", "query", "match_info", "post", "text", "rel_url", "query_string", "stream",
})
"""Attributes of a request that carry what the client sent (Django, Flask/Quart, Starlette/FastAPI, aiohttp)."""
_FREE_TEXT = frozenset({
    "body", "content", "comment", "text", "description", "bio", "message", "title", "name", "username",
    "subject", "summary", "note", "notes", "signature", "about", "headline", "caption_text", "nickname",
})
"""Last words of a field that holds what a user typed (``display_name``, ``full_name``, ``post_body``)."""


@reads(lookup, handler_for, drawn_from_code_table, property_of, returned_values)
def user_text(
    expr: ast.expr, ctx: FileContext, scope: Scope, hops: int = 0, trusted: frozenset[str] = frozenset()
) -> bool:
    """``expr`` evaluates to (or contains) text the client sent, by the evidence the module docstring lists;
    stored fields named in ``trusted`` (``username``: BE511 asks whether the text is a user's only through them)
    are taken as text no user can put markup in."""
    if hops > _MAX_HOPS:
        return False
    if isinstance(expr, ast.Await):
        return user_text(expr.value, ctx, scope, hops, trusted)
    if isinstance(expr, ast.JoinedStr):
        return any(user_text(part.value, ctx, scope, hops, trusted) for part in expr.values
                   if isinstance(part, ast.FormattedValue))
    if isinstance(expr, ast.BinOp):
        return user_text(expr.left, ctx, scope, hops, trusted) or user_text(expr.right, ctx, scope, hops, trusted)
    if isinstance(expr, (ast.IfExp, ast.BoolOp)):
        values = [expr.body, expr.orelse] if isinstance(expr, ast.IfExp) else expr.values
        return any(user_text(value, ctx, scope, hops, trusted) for value in values)
    if isinstance(expr, ast.Attribute) and _is_request(expr.value, ctx, scope):
        return expr.attr in _CLIENT_DATA  # ``request.GET``; not ``request.script_root`` or ``request.user``
    if isinstance(expr, (ast.Attribute, ast.Subscript)):
        return _free_text_field(expr, ctx, scope, trusted) or user_text(expr.value, ctx, scope, hops, trusted)
    if isinstance(expr, ast.Call):
        return _call_text(expr, ctx, scope, hops, trusted)
    if isinstance(expr, ast.Name):
        return not _is_request(expr, ctx, scope) and _name_text(expr, ctx, scope, hops, trusted)
    return False


def _call_text(call: ast.Call, ctx: FileContext, scope: Scope, hops: int, trusted: frozenset[str]) -> bool:
    func = call.func
    if isinstance(func, ast.Attribute):  # ``request.args.get("q")``, ``name.strip()``; not ``escape``-like
        if any(word in func.attr.lower() for word in _CLEANING_WORDS):
            return False
        return user_text(func.value, ctx, scope, hops, trusted)
    if not isinstance(func, ast.Name):
        return False
    if func.id in _WRAPPERS or func.id[:1].isupper():  # ``str(name)``; ``CommentForm(request.POST)``
        arguments = [*call.args, *(keyword.value for keyword in call.keywords)]
        return any(user_text(argument, ctx, scope, hops, trusted) for argument in arguments)
    return False


def _free_text_field(
    expr: ast.Attribute | ast.Subscript, ctx: FileContext, scope: Scope, trusted: frozenset[str]
) -> bool:
    """``comment.body``, ``user.display_name``: a stored field users write; not a field of an entry of a table
    the code writes (``for name, preference in PREFERENCES.items(): preference.description``)."""
    if not isinstance(expr, ast.Attribute):
        return False  # ``data["title"]``: a dict's keys are the code's own as often as a user's
    field, owner = expr.attr, expr.value
    if isinstance(owner, ast.Name) and (owner.id.isupper() or ctx.imports.resolve(owner) is not None):
        return False  # ``settings.SITE_NAME``, ``SITE["title"]``, an attribute of a module
    if field in trusted:
        return False
    words = split_identifier(field)
    if not (bool(words) and words[-1] in _FREE_TEXT and not field.isupper()):
        return False
    return not (isinstance(owner, ast.Name) and (drawn_from_code_table(owner, ctx, scope)
                                                  or _constant_property(owner, field, ctx, scope)))


def _constant_property(owner: ast.Name, field: str, ctx: FileContext, scope: Scope) -> bool:
    """``self.cancelled_status_text``: a ``@property`` of the method's class (or of a base in the file) whose
    every ``return`` gives a literal or nothing (``return "❌ cancelled"``, ``return None``: ynr's ballot status
    texts). Its name says text, but the code wrote every value it can have."""
    cls = instance_class(owner, scope)
    getter = property_of(cls, field, ctx) if cls is not None else None
    if getter is None:
        return False
    values = returned_values(ctx, getter.node)
    return bool(values) and all(value is None or isinstance(value, ast.Constant) for value in values)


def _is_request(expr: ast.expr, ctx: FileContext, scope: Scope) -> bool:
    """``expr`` is the request object itself (the root of a request read)."""
    if isinstance(expr, ast.Name):
        if expr.id == "request" or ctx.imports.resolve(expr) in _GLOBAL_REQUESTS:
            return True
        written = expr.id
    elif isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        if expr.attr == "request" and expr.value.id == "self":
            return True
        written = f"{expr.value.id}.{expr.attr}"
    else:
        return False
    function = scope.function
    handler = handler_for(ctx, function) if function is not None else None
    return handler is not None and written in handler.request_names


def _name_text(name: ast.Name, ctx: FileContext, scope: Scope, hops: int, trusted: frozenset[str]) -> bool:
    found = lookup(name.id, ctx, scope)
    if found is None:
        return False
    link, bindings = found
    if name.id in bindings.params:
        return _client_parameter(name.id, ctx, link)
    for loop in bindings.loop_targets.get(name.id, []):
        if user_text(loop.iter, ctx, link, hops + 1, trusted):
            return True
    values = [*(bindings.assigned.get(name.id) or []), *(aug.value for aug in bindings.augmented.get(name.id, []))]
    if any(escapes_html(value) for value in values):
        return False  # escaped where it is built (``content = content.replace("<", "&lt;")``): the escaped text
    return any(value is not None and user_text(value, ctx, link, hops + 1, trusted) for value in values)


def _client_parameter(name: str, ctx: FileContext, scope: Scope) -> bool:
    """A parameter of an HTTP handler that the framework fills from the URL or the query string."""
    function = scope.function
    handler = handler_for(ctx, function) if function is not None else None
    if handler is None:
        return False
    for param in handler.params:
        if param.name == name:
            marker = (param.marker or "").rpartition(".")[2]
            return marker not in _DEPENDENCIES
    return False
