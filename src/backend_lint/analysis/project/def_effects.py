"""What a module's functions do that a caller in another module inherits: the effects of its def summaries.

A handler that calls ``send_welcome(user)`` from ``app/notifications.py`` sends e-mail as surely as one that calls
``send_mail`` itself, but its file cannot say so. Each module therefore records, per module-level function and
method, the effects of the function's OWN body under the names of :data:`.summary.DEF_EFFECTS`, and the
project functions it calls (:meth:`EffectReader.calls`); the project model adds the callees' effects, a few
calls deep (:meth:`.model.ProjectModel.effects_of`), and answers :func:`.conditions.does` from them.

Two sources, both already used in the file by the rules:

- slow work (:func:`backend_lint.analysis.slow_work.slow_work_in`): e-mail, SMS, PDF rendering. Sleeps are not
  recorded: in a helper they are a poll's or a backoff's wait more often than work a handler should hand off;
- whether every ``return`` gives a string literal (:meth:`EffectReader.returns_literal`; not an effect:
  what a function returns is its own, not its callees'), and which elements of the tuples it returns are
  constant SQL text (:meth:`EffectReader.text_elements`, BE101's own decision of
  :func:`backend_lint.analysis.provenance.sql_text`);
- ``logs-traceback``: it logs the exception being handled with its stack (BE403: an ``except`` clause that
  calls it keeps the traceback), outside an ``except`` clause of its own;
- ``configures-logging``: it configures the root logger (``logging.basicConfig``, ``logging.config.dictConfig``
  or ``fileConfig``): a module that calls it at import owns the root logger (BE404).
- ``paginates``: it hands one of its own parameters to Django's ``Paginator`` (``Paginator(items, size)``,
  DefectDojo's ``get_page_items(request, items, 25)``), to a DRF view's ``paginate_queryset`` (kpi's
  ``self._get_regional_response(queryset, ...)``, a mixin's ``paginate(queryset)``), to a ``paginate``
  function, or to django-tables2's ``RequestConfig(...).configure`` (a table's own ``configure(self, request)``
  method, peering-manager), or calls the query it is given to page it (Flask-SQLAlchemy's
  ``results_query.paginate(page=page, per_page=per_page)``, digitalmarketplace-api): a handler that gives it its
  rows sends back a page (BE104);
- harmful effects (:func:`backend_lint.analysis.effects.own_effects`): creates, enqueues, sends (messages and
  outbound POSTs), pays. A create is not recorded when it is a log or audit entry (:data:`SIDE_RECORDS`), or
  when the function looks the thing up and returns it first (a get-or-create by hand): neither is a new
  resource that a retry duplicates or a 201 announces.

Calls are those the one resolver follows (:func:`backend_lint.analysis.effects.own_effects`' walk, shared with
BE301/BE305): a function or class imported from a module of the file's own top-level package
(``notifications.send_welcome``, absolute), and a module-level function or a method of the same file
(``build_mail(...)``, ``self._send(...)`` in its class), by qualified name. A method called on any other object
(``message.send()``, ``get_adapter().send_mail()``) is not followed: which class it runs is not known.

Cost: nothing is walked in tests, test support, migrations and examples (no handler calls them); slow work is
looked for only in functions whose lines mention one of its trigger words, harmful effects only in those
whose lines mention a name the effects summary looks for (``create``, ``send``, ``delay``...), and calls only
in those whose lines mention a name the module imports from its own package, one of its own functions or
classes, or ``self``/``cls``, as the file's text shows.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_left
from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Callable, Optional

from backend_lint.analysis.caller_values import asked_about, call_arguments
from backend_lint.analysis.effect_calls import words
from backend_lint.analysis.effects import CREATES, HARMFUL, SIDE_RECORDS, own_effects
from backend_lint.analysis.http_clients import mentions_timeout
from backend_lint.analysis.iterated_text import item_tuples, positions
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.loggers import records_traceback
from backend_lint.analysis.node_index import node_index
from backend_lint.analysis.project.def_queries import runs_query_always
from backend_lint.analysis.provenance import sql_text
from backend_lint.analysis.resolve import Imported, called_function, resolve_name, returned_values
from backend_lint.analysis.response_flow import table_paginated
from backend_lint.analysis.scopes import CLASS, FUNCTION, Scope
from backend_lint.analysis.slow_work import SLEEPS, slow_work_in
from backend_lint.analysis.word_lines import WordLines, word_lines

if TYPE_CHECKING:
    from backend_lint.context import FileContext

SLOW_EFFECTS = {"sends e-mail": "sends-mail", "sends an SMS": "sends-sms", "renders a PDF": "renders-pdf"}
"""What :func:`slow_work_in` says -> the effect recorded (sleeps are left out, see above)."""
EFFECT_TEXT = {effect: text for text, effect in SLOW_EFFECTS.items()}
"""The effect -> how a message says it (``sends-mail`` -> ``sends e-mail``)."""
_SLOW_WORDS = ("mail", "twilio", "weasyprint", "pdfkit")
_TRACEBACK_WORDS = (".exception(", "exc_info", "format_exc", "print_exc", "capture_exception")
LOGS_TRACEBACK = "logs-traceback"
PAGINATES = "paginates"
CONFIGURES_LOGGING = "configures-logging"
_LOGGING_CONFIG_WORDS = ("basicConfig", "dictConfig", "fileConfig")
_ROOT_CONFIGURERS = frozenset({"logging.basicConfig", "logging.config.dictConfig", "logging.config.fileConfig"})
_PAGE_WORDS = ("Paginator", "RequestConfig", "paginate_queryset", "paginate", "paginate_query")
_PAGING_CALLS = frozenset({"Paginator", "paginate_queryset", "paginate", "paginate_query"})
"""Calls that send back one page of the rows given first: Django's ``Paginator``, DRF's
``self.paginate_queryset(queryset)``, a ``paginate(queryset)`` helper or Flask-SQLAlchemy's ``paginate``."""
_PAGED_QUERIES = frozenset({"paginate"})
"""Methods of a query that send back one page of it: Flask-SQLAlchemy's ``query.paginate(page, per_page)``."""
_TIMEOUT_WORDS = ("timeout",)
_RETURNS_TEXT = re.compile(r"""\breturn\s*\(?\s*[rRuU]?["']""")
_RETURNS_TUPLE = re.compile(r"\breturn\b[^\n#]*(?:,|\([ \t]*(?:\n|$))")
"""A ``return`` of a tuple (``return sql, params``, or ``return (`` with the elements below)."""
_RETURNS_JOINED = re.compile(r"\breturn\b[^\n#]*\.join\(")
"""A ``return`` of joined text (``return ", ".join(["?"] * count)``)."""
_RETURNS_ITEMS = re.compile(r"\breturn\s*[\[(]")
_YIELDS_TUPLE = re.compile(r"\byield\b[^\n#]*,")
"""A ``return`` of a list or comprehension (``return [(chunk, marks) for ...]``) or a ``yield`` of a tuple: two
patterns, each tried only where its keyword occurs (one alternation was tried at every position of the text)."""
_QUERY_WORDS = re.compile(
    r"objects|session|\.query\b|\.(?:all|filter|exclude|order_by|get|first|last|count|exists|aggregate|earliest|latest|in_bulk|create"
    r"|get_or_create|update_or_create|update|delete|execute\w*|scalars?|scalar_one\w*|one\w*|fetch\w*|exec|run)\s*\("
)
"""Text without which :func:`.def_queries.runs_query_always` finds no query in a function."""
_CACHE_WORDS = ("cache", "memoiz")
_HARMFUL_WORDS = (
    "create", "insert", "add(", "add_all", "save(", "send", "delay(", "apply_async", "enqueue", "add_task",
    "async_task", "kiq(", "schedule_task", "post(", "pay", "charge", "capture", "refund", "transact", "open_channel",
    "withdraw", "purchase", "stripe", "braintree", "adyen", "square", "mollie", "razorpay", "gocardless", "coinbase",
)
"""Text without which :func:`own_effects` finds no harmful effect in a function (the call names and SQL it
looks for, lower case): a function whose lines hold none is not walked."""
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_IDENTIFIER = lazy_compile(r"\w+")
_CALLED = lazy_compile(r"\s*(?:\.\s*[A-Za-z_]\w*\s*)?\(")
"""What follows a name that is called: ``(``, or one attribute and ``(`` (``notifications.send_welcome(``)."""
_WORD_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


class EffectReader:
    """Reads the effects of one file's functions; built once per summary."""

    def __init__(self, ctx: FileContext, skip: bool, own: Sequence[tuple[str, ast.AST]], module: str) -> None:
        """``own``: the file's module-level functions and classes and their methods, by qualified name in the
        module (``OrderView.post``); ``module``: the file's dotted name (its top-level package's functions
        are the project's)."""
        self.ctx = ctx
        self.skip = skip or not module
        self.package = module.partition(".")[0]
        self.own_ids = {id(node): f"{module}.{name}" for name, node in own}
        self.scopes: dict[int, Scope] = {}
        """A method's enclosing scope (its class's), so that ``self.x(...)`` resolves in the class."""
        for _name, node in own:
            if isinstance(node, ast.ClassDef):
                inner = Scope(CLASS, node, ctx.root_scope)
                self.scopes.update((id(method), inner) for method in node.body if isinstance(method, _FUNCTIONS))
        self.names = {name.rpartition(".")[2] for name, _node in own}
        self.names.update(
            local for local, qualified in ctx.imports.names.items()
            if qualified.startswith(".") or qualified.partition(".")[0] == self.package
        )
        """Names a call of a project function starts with: the file's functions, classes and methods, and names
        imported from its own package."""
        self._own = own
        self.functions = [node for _name, node in own if isinstance(node, _FUNCTIONS)]
        self.own_names = set(self.own_ids.values())
        self.asked = {self.own_ids[id(node)] for name, node in own if asked_about(name, node)}
        """The file's own definitions a reading of callers can ask about: of the rest, no call's arguments are read."""
        self._met: Optional[dict[int, list[tuple[ast.Call, bool]]]] = None

    # The lines that hold the words each reading looks for, found on first use: a file with no function (a
    # package's ``__init__``, a module of constants or of models without methods) needs none of them.

    @cached_property
    def _index(self) -> Optional[WordLines]:
        return word_lines(self.ctx) if not self.skip else None

    def _words(self, words: tuple[str, ...], cased: bool = False) -> list[int]:
        return self._index.words(words, cased=cased) if self._index else []

    @cached_property
    def slow_lines(self) -> list[int]:
        return self._words(_SLOW_WORDS)

    @cached_property
    def harmful_lines(self) -> list[int]:
        return self._words(_HARMFUL_WORDS)

    @cached_property
    def traceback_lines(self) -> list[int]:
        return self._words(_TRACEBACK_WORDS)

    @cached_property
    def page_lines(self) -> list[int]:
        return self._words(_PAGE_WORDS, cased=True)

    @cached_property
    def logging_lines(self) -> list[int]:
        return self._words(_LOGGING_CONFIG_WORDS, cased=True)

    @cached_property
    def _returns(self) -> list[list[int]]:
        """The lines of a ``return`` of text, of a tuple, of a list or comprehension, of joined text."""
        index = self._index
        return index.patterns((_RETURNS_TEXT, _RETURNS_TUPLE, _RETURNS_ITEMS, _RETURNS_JOINED), "return") \
            if index else [[], [], [], []]

    @cached_property
    def text_lines(self) -> list[int]:
        return self._returns[0]

    @cached_property
    def tuple_lines(self) -> list[int]:
        return self._returns[1]

    @cached_property
    def join_lines(self) -> list[int]:
        return self._returns[3]

    @cached_property
    def item_lines(self) -> list[int]:
        index = self._index
        return sorted({*self._returns[2], *index.pattern(_YIELDS_TUPLE, "yield")}) if index else []

    @cached_property
    def query_lines(self) -> list[int]:
        return self._index.pattern(_QUERY_WORDS) if self._index else []

    @cached_property
    def cache_lines(self) -> list[int]:
        return self._words(_CACHE_WORDS)

    @cached_property
    def timeout_lines(self) -> list[int]:
        return self._words(_TIMEOUT_WORDS)

    @cached_property
    def call_lines(self) -> list[int]:
        return [] if self.skip else _call_lines(self.ctx, self._own, self.package)

    def effects(self, node: ast.AST) -> list[str]:
        """The effects of the function ``node``'s own body (empty for classes and in skipped files)."""
        if self.skip or not isinstance(node, _FUNCTIONS):
            return []
        found: set[str] = set()
        if _spans_a_line(node, self.harmful_lines):
            own = own_effects(self.ctx, node)
            found.update(
                effect.kind for effect in own.effects if effect.kind in HARMFUL
                and not (effect.kind == CREATES and (own.finds_first or words(effect.what) & SIDE_RECORDS))
            )
        if _spans_a_line(node, self.slow_lines):
            kind = slow_work_in(self.ctx, node)
            if kind is not None and kind != SLEEPS and kind in SLOW_EFFECTS:
                found.add(SLOW_EFFECTS[kind])
        if _spans_a_line(node, self.traceback_lines) and self._logs_traceback(node):
            found.add(LOGS_TRACEBACK)
        if _spans_a_line(node, self.page_lines) and _paginates_parameter(node):
            found.add(PAGINATES)
        if _spans_a_line(node, self.logging_lines) and any(
            isinstance(call, ast.Call) and self.ctx.imports.resolve(call.func) in _ROOT_CONFIGURERS
            for call in ast.walk(node)
        ):
            found.add(CONFIGURES_LOGGING)
        return sorted(found)

    def names_timeout(self, node: ast.AST) -> bool:
        """The class ``node`` names a timeout in its body (:func:`~backend_lint.analysis.http_clients.mentions_timeout`:
        the ``TimeoutHTTPAdapter`` recipe, a session class that sets a default): BE201 trusts a session
        mounted with it, as it does for such a class of the session's own file."""
        return not self.skip and isinstance(node, ast.ClassDef) and _spans_a_line(node, self.timeout_lines) \
            and mentions_timeout(node)

    def returns_literal(self, node: ast.AST) -> bool:
        """Every ``return`` of the function ``node`` gives a string literal (``return "status = 'active'"``,
        one literal per branch), or text joined from safe parts only by the provenance BE101 follows within the
        file (a placeholder list, ``return ", ".join(["%s"] * count)``): what it returns is constant text,
        safe to format into SQL (BE101)."""
        if self.skip or not isinstance(node, _FUNCTIONS):
            return False
        joined = _spans_a_line(node, self.join_lines)
        if not (_spans_a_line(node, self.text_lines) or joined):
            return False
        values = returned_values(self.ctx, node)
        if values and all(isinstance(value, ast.Constant) and isinstance(value.value, str) for value in values):
            return True
        if not joined or not values:
            return False
        scope = Scope(FUNCTION, node, self.scopes.get(id(node), self.ctx.root_scope))
        texts = [sql_text(value, self.ctx, scope) if value is not None else None for value in values]
        return all(text is not None and not text.unsafe_holes() for text in texts)

    def text_elements(self, node: ast.AST) -> list[int]:
        """When every ``return`` of the function ``node`` gives a tuple of one length (``return sql, params``):
        the positions whose element is constant SQL text in every one, by the provenance BE101 follows within
        the file (literals, module constants, locals built from them, holes it counts as safe); the
        function's parameters are unknown text there, so an element built from one is not constant."""
        if self.skip or not isinstance(node, _FUNCTIONS) or not _spans_a_line(node, self.tuple_lines):
            return []
        values = returned_values(self.ctx, node)
        tuples = [value for value in values if isinstance(value, ast.Tuple)]
        if not tuples or len(tuples) != len(values) or len({len(value.elts) for value in tuples}) != 1:
            return []
        scope = Scope(FUNCTION, node, self.scopes.get(id(node), self.ctx.root_scope))
        found = []
        for index in range(len(tuples[0].elts)):
            texts = [sql_text(value.elts[index], self.ctx, scope) for value in tuples]
            if all(text is not None and not text.unsafe_holes() for text in texts):
                found.append(index)
        return found

    def item_text_elements(self, node: ast.AST) -> list[int]:
        """When every item the function ``node`` hands back is a tuple of one length (a returned list or
        comprehension of tuples, or tuples it yields: :func:`.iterated_text.item_tuples`): the positions whose
        element is constant SQL text in every one, by the provenance BE101 follows within the file."""
        if self.skip or not isinstance(node, _FUNCTIONS) or not _spans_a_line(node, self.item_lines):
            return []
        tuples = item_tuples(self.ctx, node)
        scope = Scope(FUNCTION, node, self.scopes.get(id(node), self.ctx.root_scope))
        found = []
        for index in range(positions(tuples) if tuples else 0):
            texts = [sql_text(item.elts[index], self.ctx, scope) for item in tuples]
            if all(text is not None and not text.unsafe_holes() for text in texts):
                found.append(index)
        return found

    def runs_query(self, node: ast.AST) -> bool:
        """Every call of the function ``node`` runs a database query in its own body
        (:func:`.def_queries.runs_query_always`); not when its lines name a cache (a cached lookup)."""
        if self.skip or not isinstance(node, _FUNCTIONS) or not _spans_a_line(node, self.query_lines) \
                or _spans_a_line(node, self.cache_lines):
            return False
        scope = Scope(FUNCTION, node, self.scopes.get(id(node), self.ctx.root_scope))
        return runs_query_always(self.ctx, node, scope)

    def _logs_traceback(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
        """The function records the exception its caller is handling (``logger.exception(...)``,
        ``exc_info=True``, ``traceback.format_exc()``) outside an ``except`` clause of its own (there it
        records its own failure) and outside nested functions."""
        stack: list[ast.AST] = [*node.body]
        while stack:
            current = stack.pop()
            if isinstance(current, (*_NESTED, ast.ExceptHandler)):
                continue
            if isinstance(current, ast.Call) and records_traceback(current, self.ctx):
                return True
            stack.extend(ast.iter_child_nodes(current))
        return False

    def calls(
        self, node: ast.AST, absolute: Callable[[str], Optional[str]], arguments: Optional[list[list[str]]] = None,
    ) -> list[str]:
        """The project functions (and classes) the function ``node`` calls, qualified; ``absolute`` makes a
        relative import's name absolute. Functions nested in ``node`` are left out (they run when called).
        ``arguments`` receives, for each such call that passes arguments, their kinds
        (:func:`backend_lint.analysis.caller_values.call_arguments`, BE101), in the order of the source; of the
        file's own definitions, only for those a reading of callers can ask about
        (:func:`~backend_lint.analysis.caller_values.asked_about`)."""
        met = None if self.skip or not isinstance(node, _FUNCTIONS) else self._met_calls().get(id(node))
        if not met:
            return []
        scope = Scope(FUNCTION, node, self.scopes.get(id(node), self.ctx.root_scope))
        found: set[str] = set()
        for call, nested in met:
            if nested and arguments is None:
                continue  # its calls run when it is called: not this function's
            qualified = self._callee(call, scope, absolute)
            if qualified is None:
                continue
            if not nested:
                found.add(qualified)
            if arguments is not None and (qualified in self.asked or qualified not in self.own_names):
                passed = call_arguments(call, qualified, self.ctx, None if nested else scope)
                if passed is not None:  # (in a nested function only literals read as safe: conservative)
                    arguments.append(passed)
        return sorted(found)

    def _met_calls(self) -> dict[int, list[tuple[ast.Call, bool]]]:
        """Per module-level function and method (by ``id``): the calls in its body that may call a function of
        the project, each with whether it lies in a function, lambda or class nested in it, in the order of the
        source. Found once per file among all the file's calls (:func:`.node_index.node_index`), not by a
        walk of each function: a call counts when its name is one a call of the project starts with
        (:attr:`names`) and every node from it up to the function's statement either opens a nested
        scope or spans one of :attr:`call_lines` (a statement or expression with no such line holds no
        such call)."""
        if self._met is not None:
            return self._met
        self._met = {}
        if not self.call_lines:
            return self._met
        owners = {
            id(statement): function for function in self.functions for statement in function.body
        }
        index = node_index(self.ctx)
        names, lines = self.names, self.call_lines
        for call in index.of(ast.Call):
            func = call.func
            root = func.value if isinstance(func, ast.Attribute) else func
            if not isinstance(root, ast.Name) or (
                root.id not in names and not (root.id in ("self", "cls") and getattr(func, "attr", "") in names)
            ):
                continue  # (a call on anything else resolves to no project function)
            current: Optional[ast.AST] = call
            nested = False
            while current is not None:
                if isinstance(current, _NESTED):
                    nested = True
                elif hasattr(current, "lineno") and not _spans_a_line(current, lines):
                    break
                owner = owners.get(id(current))
                if owner is not None:
                    self._met.setdefault(id(owner), []).append((call, nested))
                    break
                current = index.parent(current)
        for met in self._met.values():
            met.sort(key=lambda item: (item[0].lineno, item[0].col_offset))
        return self._met

    def _callee(self, call: ast.Call, scope: Scope, absolute: Callable[[str], Optional[str]]) -> Optional[str]:
        helper = called_function(call, self.ctx, scope)
        if helper is not None:
            return self.own_ids.get(id(helper.node))
        root = call.func
        while isinstance(root, ast.Attribute):
            root = root.value
        if not isinstance(root, ast.Name) or not isinstance(resolve_name(root, self.ctx, scope), Imported):
            return None
        written = self.ctx.imports.resolve(call.func)
        qualified = absolute(written) if written is not None else None
        return qualified if qualified is not None and qualified.partition(".")[0] == self.package else None


def _paginates_parameter(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """The function hands one of its own parameters to ``Paginator`` (``paginator = Paginator(items, size)``), or
    to DRF's ``self.paginate_queryset(queryset)`` or a ``paginate(queryset)`` (kpi's ``_get_regional_response``),
    or has django-tables2 paginate it (``RequestConfig(request, paginate).configure(self)``, peering-manager's
    ``BaseTable.configure(request)``), or pages the query it is given itself (``results_query.paginate(...)``):
    what its caller gives it is sent back a page at a time."""
    arguments = node.args
    parameters = {argument.arg for argument in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)}
    for current in ast.walk(node):
        if not isinstance(current, ast.Call):
            continue
        func = current.func
        if isinstance(func, ast.Attribute) and func.attr in _PAGED_QUERIES and isinstance(func.value, ast.Name) \
                and func.value.id in parameters:
            return True  # ``results_query.paginate(page=page, per_page=per_page)``
        if current.args and isinstance(current.args[0], ast.Name) and current.args[0].id in parameters:
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name in _PAGING_CALLS or table_paginated(current):
                return True
    return False


def _call_lines(ctx: FileContext, own: Sequence[tuple[str, ast.AST]], package: str) -> list[int]:
    """The lines that may call a function of the project: where a module-level function or class of the file
    (``build_mail``), a method of its classes on ``self``/``cls`` (``self._send``) or a name imported from the
    file's own package (``notifications``) is written as a word and called (``(`` follows, or one attribute
    and ``(``). Found with ``str.find`` per name (one regular expression of all of a file's names costs more
    to compile than the search saves); methods by one pass over ``self.`` and ``cls.``, whatever their number
    (a class of fifty methods made a hundred passes over the text)."""
    source = ctx.source
    words = {name for name, _node in own if "." not in name}
    words.update(
        local for local, qualified in ctx.imports.names.items()
        if qualified.startswith(".") or qualified.partition(".")[0] == package
    )
    starts: list[int] = []
    for word in words:
        at = source.find(word)
        while at != -1:
            end = at + len(word)
            if (at == 0 or source[at - 1] not in _WORD_CHARACTERS) and _CALLED.match(source, end):
                starts.append(at)
            at = source.find(word, end)
    methods = {name.rpartition(".")[2] for name, _node in own if "." in name}
    for receiver in ("self.", "cls.") if methods else ():
        at = source.find(receiver)
        while at != -1:
            end = at + len(receiver)
            name = _IDENTIFIER.match(source, end)
            if name is not None and name.group() in methods and (at == 0 or source[at - 1] not in _WORD_CHARACTERS) \
                    and _CALLED.match(source, name.end()):
                starts.append(at)
            at = source.find(receiver, end)
    return word_lines(ctx).line_numbers(starts, cased=True) if starts else []


def _spans_a_line(node: ast.AST, lines: list[int], until: Optional[ast.AST] = None) -> bool:
    """Whether one of ``lines`` lies within ``node`` (with ``until``: from ``node``'s first line to the last
    of ``until``, so that a function's own ``def`` line does not count)."""
    first = getattr(node, "lineno", 0)
    last = getattr(until or node, "end_lineno", None) or first
    at = bisect_left(lines, first)
    return at < len(lines) and lines[at] <= last
