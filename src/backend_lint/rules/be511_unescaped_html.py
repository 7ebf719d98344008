"""BE511 unescaped-html: HTML built from values by formatting, then marked safe or rendered as a template.

Templates escape what they insert; ``mark_safe``, ``SafeString`` and ``Markup`` switch that off for a string,
and a response body written by formatting never had it. When such a string was formatted from a value that
can carry text (a user's name, a field, a parameter), that value's ``<script>`` runs in every visitor's
browser. A template compiled from formatted text is worse: whatever the value holds runs as template code
(server-side template injection).

Flagged, at the marking or rendering call, when the string is built by an f-string, ``%``, ``.format()`` or ``+``
(also in a local built across lines: :mod:`.analysis.provenance`) around markup, with a part that is a user's text
(:mod:`.analysis.client_text`: the request's data, a handler's URL or query parameter, a stored free-text field)
and that is not escaped, numeric or HTML already: ``mark_safe``/``SafeString``/``Markup`` of it,
``HttpResponse``/``HTMLResponse`` of it (unless a non-HTML ``content_type`` is given); ``render_template_string``,
``jinja2.Template`` and ``Environment().from_string`` of a template formatted from such a part; and
``jinja2.Environment(autoescape=False)`` in a module that renders ``.html`` templates.

A part cannot carry markup when it is escaped or already HTML: wrapped in ``escape``/``conditional_escape``/
``html.escape``/``markupsafe.escape``, built by ``format_html``, ``render_to_string`` or another
rendering/escaping/URL-building call (by name), named for HTML (``icon_html``, ``rendered``), a number (also
arithmetic with a number literal: ``len(rows) - 5``), a class's ``__name__``, an
id, a date, a URL named as one, a constant (also an upper-case attribute: a form class's ``FAIL_MESSAGE``), a
local assigned only such values, or a local some
assignment of which escapes it (``if autoescape: lead = escape(lead)``: escaped where escaping is asked
for). Joins of fragments (``"".join(parts)``), strings the rule cannot see being built (a parameter, a call result) and
``Markup(...).format(...)`` (which escapes its arguments) are left alone, and so are tests and test support.
Fields of entries of a table the code writes (:mod:`.analysis.code_tables`: NetBox's ``PREFERENCES`` registry and
its columns' ``actions``) are not a user's text. A part that is a user's text only through a ``username`` field,
in a Django module, is reported ``unless`` the project's users are Django's own ``auth.User``
(:func:`~backend_lint.analysis.project.app_conditions.django_usernames`: Django's username validator admits no
markup; freesound's admin links).
"""

from __future__ import annotations

import ast
import re
from typing import Optional

from backend_lint.analysis.ast_helpers import argument, keyword_value, string_value
from backend_lint.analysis.client_text import user_text
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.module_roles import module_roles
from backend_lint.analysis.project.app_conditions import django_usernames
from backend_lint.analysis.project.conditions import ProjectFact, test_support
from backend_lint.analysis.provenance import sql_text
from backend_lint.analysis.resolve import lookup
from backend_lint.analysis.scopes import Scope
from backend_lint.analysis.secret_names import split_identifier
from backend_lint.analysis.sql_pieces import Hole, SqlText, escapes_html
from backend_lint.analysis.strings import CONCATENATION, FORMAT_METHOD, FSTRING, PERCENT
from backend_lint.analysis.values import origin
from backend_lint.context import FileContext
from backend_lint.rule import Rule, visits

_MARKING = {
    "django.utils.safestring.mark_safe": "mark_safe",
    "django.utils.safestring.SafeString": "SafeString",
    "django.utils.safestring.SafeText": "SafeText",
    "django.utils.html.mark_safe": "mark_safe",
    "markupsafe.Markup": "Markup",
    "jinja2.Markup": "Markup",
    "flask.Markup": "Markup",
}
_RESPONSES = {
    "django.http.HttpResponse": "HttpResponse",
    "django.http.response.HttpResponse": "HttpResponse",
    "fastapi.responses.HTMLResponse": "HTMLResponse",
    "starlette.responses.HTMLResponse": "HTMLResponse",
}
_TEMPLATES = {
    "flask.render_template_string": "render_template_string",
    "flask.templating.render_template_string": "render_template_string",
    "jinja2.Template": "jinja2.Template",
    "jinja2.Environment().from_string": "Environment.from_string",
}
_ENVIRONMENTS = frozenset({"jinja2.Environment", "jinja2.environment.Environment"})
_KINDS = {FSTRING: "an f-string", PERCENT: "`%`", FORMAT_METHOD: "`.format()`", CONCATENATION: "`+`", "+=": "`+=`"}
_MARKUP = lazy_compile(r"<[A-Za-z/!]|&#?\w+;")
_HTML_TEMPLATE = lazy_compile(r"""(?:get_template|select_template|render_template)\(\s*[rf]?["'][^"']*\.html?["']""")
_NUMERIC_FORMAT = lazy_compile(r"[dfegn%xXobcEFG]$")
_SAFE_CALL_WORDS = frozenset(
    {"escape", "escapejs", "html", "render", "rendered", "format", "markup", "safe", "sanitize", "sanitise",
     "clean", "bleach", "quote", "url", "uri", "reverse", "static", "flatatt", "json", "script", "urlize",
     "linebreaks", "linebreaksbr", "strip", "tags", "tostring", "intcomma", "naturaltime", "naturalday",
     "localize", "date", "number", "icon", "svg", "tag", "gettext", "ngettext", "pgettext", "_", "len", "count",
     "dumps", "path", "quoted", "encode", "encoded", "urls"}
)
"""Words in a callee's name (or its receiver's: ``datasette.urls.table(...)``) that say its result is escaped,
rendered, a URL or path, a number, JSON or translated text, even when it reads the request."""
_SAFE_VALUE_WORDS = frozenset(
    {"html", "safe", "markup", "rendered", "svg", "icon", "widget", "tag", "tags", "anchor", "snippet",
     "escaped", "url", "uri", "href", "src", "id", "pk", "uuid", "count", "total", "size", "width", "height",
     "depth", "level", "index", "idx", "num", "number", "length", "year", "month", "day", "page", "limit",
     "offset", "port", "percent", "percentage", "progress", "position", "rank", "date", "datetime", "time",
     "timestamp", "created", "modified", "updated", "changed", "on", "at", "humanized", "ago", "duration",
     "elapsed", "indent", "indicator", "css", "class", "classes", "color", "colour", "style", "attrs"}
)
"""Last words of a name whose value is HTML already, a number, an id, a date, a URL or a CSS class."""
_IDENTIFIER_MODIFIERS = frozenset(
    {"database", "db", "table", "column", "field", "model", "app", "class", "module", "template", "url", "view",
     "schema", "index", "attr", "attribute", "method", "function", "func", "provider", "backend", "setting",
     "widget", "form", "block", "panel", "css", "verbose", "tag", "route", "endpoint", "queue", "task", "event"}
)
_IDENTIFIER_ATTRIBUTES = frozenset({"__name__", "__qualname__", "__module__"})
"""Attributes that hold a Python identifier or dotted module path (``obj.__class__.__name__``): no markup fits."""
_REQUEST_DATA = frozenset({"GET", "POST", "META", "FILES", "COOKIES", "REQUEST", "DATA"})
"""Upper-case attributes that hold the request's own data (Django's ``request.GET``), no constant."""
_ARITHMETIC = (ast.Add, ast.Sub, ast.Div, ast.FloorDiv, ast.Pow)
"""Operators that, given a number literal on one side, give a number or raise (``*`` repeats a string, ``%``
formats one)."""
_LOOKUP_METHODS = frozenset({"get", "getlist", "get_json", "pop", "getone", "getall"})
_TEXT_CONTENT_TYPES = ("text/plain", "application/", "text/csv", "text/javascript", "text/css", "image/")
_MAX_HOPS = 3
_USERNAMES = frozenset({"username"})
"""Fields that hold a Django username: in a project whose users are Django's ``auth.User``, the username
validator admits letters, digits and ``@.+-_`` only (freesound's admin links, judged FALSE)."""
_DJANGO = lazy_compile(r"^\s*(?:from|import)\s+django\b", re.MULTILINE)


def _django_module(ctx: FileContext) -> bool:
    """The module imports Django (its ``username`` fields are a Django user's)."""
    return _DJANGO.search(ctx.source) is not None


def _name_words(expr: ast.AST) -> list[str]:
    if isinstance(expr, ast.Name):
        return split_identifier(expr.id)
    if isinstance(expr, ast.Attribute):
        return split_identifier(expr.attr)
    if isinstance(expr, ast.Call):
        func = expr.func
        written = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        return split_identifier(written) or ([written] if written else [])
    return []


def _names_identifier(words: list[str]) -> bool:
    """``database_name``, ``model_name``, ``template_name``: the name of a code or schema object, chosen by the
    developer or operator (a ``display_name`` or ``file_name`` may be typed by anyone)."""
    return len(words) >= 2 and words[-1] in ("name", "label") and words[-2] in _IDENTIFIER_MODIFIERS


def _call_reads_text(call: ast.Call) -> bool:
    """A call that reads data someone typed: a lookup (``request.GET.get("q")``, ``row.get("name")``) or
    anything on the request. Other calls (``collect_versions()``, ``reverse(...)``, ``escape(...)``,
    ``render_to_string(...)``) are given the benefit of the doubt: what they return is not seen here."""
    words: set[str] = set()
    names: list[str] = []
    node: ast.AST = call.func
    while isinstance(node, ast.Attribute):
        names.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        names.append(node.id)
    for name in names:
        words.update(split_identifier(name) or [name])
    if words & _SAFE_CALL_WORDS:
        return False
    return (bool(names) and names[0] in _LOOKUP_METHODS) or "request" in words


def _arithmetic(expr: ast.BinOp) -> bool:
    """``len(rows) - 5``, ``total / 2``, ``count + 1``: arithmetic with a number literal, whose result is a number
    (``text + 1`` or ``folder / 2`` raises instead). Not ``folder / name``: a path join keeps the name's text."""
    return isinstance(expr.op, _ARITHMETIC) and any(
        isinstance(side, ast.Constant) and type(side.value) in (int, float) for side in (expr.left, expr.right))


def _numeric_fields(value: ast.expr) -> set[int]:
    """``id`` of the values an f-string written in the call formats as numbers (``{price:.2f}``, ``{n:d}``)."""
    if not isinstance(value, ast.JoinedStr):
        return set()
    return {
        id(part.value) for part in value.values
        if isinstance(part, ast.FormattedValue) and isinstance(part.format_spec, ast.JoinedStr)
        and _NUMERIC_FORMAT.search("".join(string_value(v) or "" for v in part.format_spec.values).strip())
    }


class UnescapedHtml(Rule):
    code = "BE511"
    name = "unescaped-html"
    message = "`{construct}` {problem}; {advice}"
    triggers = (
        "mark_safe", "SafeString", "SafeText", "Markup", "HttpResponse", "HTMLResponse", "render_template_string",
        "Template", "from_string", "autoescape",
    )
    needs = (origin, sql_text, lookup, module_roles, user_text, django_usernames)
    module_facts = (test_support,)

    @visits(ast.Call)
    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if not isinstance(func, (ast.Name, ast.Attribute)):
            return
        callee = origin(func, ctx)
        if callee is None:
            return
        if callee in _MARKING:
            self._check_marking(node, _MARKING[callee], ctx)
        elif callee in _RESPONSES:
            self._check_response(node, _RESPONSES[callee], ctx)
        elif callee in _TEMPLATES:
            self._check_template(node, _TEMPLATES[callee], ctx)
        elif callee in _ENVIRONMENTS:
            self._check_environment(node, ctx)

    def _skipped(self, ctx: FileContext) -> bool:
        return ctx.is_test_file or module_roles(ctx).for_tests

    def _check_marking(self, node: ast.Call, construct: str, ctx: FileContext) -> None:
        value = argument(node, 0, "s") or keyword_value(node, "base") or keyword_value(node, "object")
        unsafe = self._unsafe_part(value, ctx) if value is not None else None
        if unsafe is not None and not self._skipped(ctx):
            advice = "build it with `format_html`" if construct != "Markup" else "use `Markup(...).format()`"
            self.report(ctx, node, construct=construct, problem=f"marks HTML built {unsafe[0]} as safe",
                        advice=f"{advice} or escape the value", unless=unsafe[1])

    def _check_response(self, node: ast.Call, construct: str, ctx: FileContext) -> None:
        content_type = string_value(keyword_value(node, "content_type") or keyword_value(node, "media_type"))
        if content_type is not None and content_type.lower().startswith(_TEXT_CONTENT_TYPES):
            return
        value = argument(node, 0, "content")
        unsafe = self._unsafe_part(value, ctx) if value is not None else None
        if unsafe is not None and not self._skipped(ctx):
            self.report(ctx, node, construct=construct, problem=f"returns HTML built {unsafe[0]} unescaped",
                        advice="render a template or escape the value", unless=unsafe[1])

    def _check_template(self, node: ast.Call, construct: str, ctx: FileContext) -> None:
        source = argument(node, 0, "source")
        text = sql_text(source, ctx) if source is not None else None
        if text is None or text.kind not in _KINDS:
            return
        hole = next((h for h in text.holes if not h.safe and user_text(h.expr, ctx, ctx.scope)), None)
        if hole is not None and not self._skipped(ctx):
            self.report(ctx, node, construct=construct,
                        problem=f"compiles a template built {self._describe(text, hole, ctx)}",
                        advice="pass values as template variables")

    def _check_environment(self, node: ast.Call, ctx: FileContext) -> None:
        autoescape = keyword_value(node, "autoescape")
        if not (isinstance(autoescape, ast.Constant) and autoescape.value is False):
            return
        if any(k.arg and k.arg.endswith("_start_string") for k in node.keywords):
            return  # custom delimiters: code or configuration generation, not HTML pages
        if _HTML_TEMPLATE.search(ctx.source) and not self._skipped(ctx):
            self.report(ctx, node, construct="Environment(autoescape=False)",
                        problem="renders HTML templates unescaped", advice="use `select_autoescape()`")

    # --- is some part of the HTML raw text? ---------------------------------------------------------------

    def _unsafe_part(self, value: ast.expr, ctx: FileContext) -> Optional[tuple[str, tuple[ProjectFact, ...]]]:
        """How the HTML in ``value`` was built and from what, when a part of it can carry markup, and the facts
        that would refute it: a part that is a user's text only through a ``username`` field, in a Django module,
        is no finding when the project's users are Django's own (:func:`django_usernames`)."""
        text = sql_text(value, ctx)
        if text is None or text.kind not in _KINDS:
            return None
        constant = "".join(piece for piece in text.pieces if isinstance(piece, str))
        if not _MARKUP.search(constant):
            return None  # no markup around the values: fragments joined, not HTML written here
        numeric = _numeric_fields(value)
        usernames: Optional[str] = None
        for hole in text.holes:
            if (not hole.safe and id(hole.expr) not in numeric and not self._html_safe(hole.expr, ctx, ctx.scope, 0)
                    and user_text(hole.expr, ctx, ctx.scope)):
                if not (_django_module(ctx) and not user_text(hole.expr, ctx, ctx.scope, trusted=_USERNAMES)):
                    return self._describe(text, hole, ctx), ()
                usernames = usernames or self._describe(text, hole, ctx)
        return (usernames, (django_usernames(),)) if usernames is not None else None

    def _describe(self, text: SqlText, hole: Hole, ctx: FileContext) -> str:
        shown = ctx.segment(hole.expr) or "a value"
        shown = shown if len(shown) <= 40 and "\n" not in shown else shown.split("\n", 1)[0][:37] + "..."
        how = _KINDS.get(text.kind or "", "formatting")
        where = f" in `{text.variable}`" if text.variable else ""
        return f"with {how}{where} from `{shown}`"

    def _html_safe(self, expr: ast.expr, ctx: FileContext, scope: Scope, hops: int) -> bool:
        """``expr`` cannot carry markup: escaped, rendered, numeric, or named for HTML, an id, a date or a URL."""
        if isinstance(expr, (ast.List, ast.ListComp, ast.Tuple, ast.GeneratorExp, ast.Set)):
            return True  # fragments joined into the HTML: each was made (and escaped) where it was built
        if isinstance(expr, ast.Call):
            func = expr.func
            if isinstance(func, ast.Name) and func.id in ("str", "capfirst") and len(expr.args) == 1:
                return self._html_safe(expr.args[0], ctx, scope, hops)
            return not _call_reads_text(expr)
        if isinstance(expr, ast.IfExp):
            return self._html_safe(expr.body, ctx, scope, hops) and self._html_safe(expr.orelse, ctx, scope, hops)
        if isinstance(expr, ast.BoolOp):  # ``escape(label) or "-"``
            return all(self._html_safe(value, ctx, scope, hops) for value in expr.values)
        if isinstance(expr, ast.Constant):
            return True
        if isinstance(expr, ast.Attribute) and expr.attr in _IDENTIFIER_ATTRIBUTES:
            return True  # ``obj.__class__.__name__``: a Python identifier, letters, digits and ``_``
        if isinstance(expr, ast.Attribute) and expr.attr.isupper() and expr.attr not in _REQUEST_DATA:
            return True  # ``form.FAIL_MESSAGE``: a class's or module's constant, written by its developer
        if isinstance(expr, ast.BinOp) and _arithmetic(expr):
            return True  # ``len(rows) - 5``: a number, or a TypeError
        words = _name_words(expr)
        if words and (words[-1] in _SAFE_VALUE_WORDS or _names_identifier(words)):
            return True
        if isinstance(expr, ast.Name):
            return self._name_safe(expr, ctx, scope, hops)
        return False

    def _name_safe(self, expr: ast.Name, ctx: FileContext, scope: Scope, hops: int) -> bool:
        """A local assigned only safe values; a name the walk cannot place here (it was formatted in by a
        helper of this file whose callers the rule does not follow) is given the benefit of the doubt."""
        function = scope.function
        if function is not None and not (function.lineno <= expr.lineno <= (function.end_lineno or expr.lineno)):
            return True
        found = lookup(expr.id, ctx, scope)
        if found is None:
            return True  # a global from elsewhere: a constant, a helper, an import
        link, bindings = found
        if expr.id in bindings.params or expr.id in bindings.loop_targets or hops >= _MAX_HOPS:
            return False
        values = bindings.assigned.get(expr.id)
        if not values or expr.id in bindings.augmented:
            return expr.id in bindings.definitions  # an import or a def: not text the user typed
        if any(escapes_html(value) for value in values):
            return True  # ``if autoescape: lead = escape(lead)``: escaped where escaping is asked for
        return all(value is not None and self._html_safe(value, ctx, link, hops + 1) for value in values)
