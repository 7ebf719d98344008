"""BE402 eager-log-formatting: a logging call whose message is built before the call (f-string, ``%``...).

``logger.debug(f"cart {cart!r}")`` formats the string (and runs ``repr``) even when DEBUG is off, and hands
the log pipeline one opaque string: the values cannot be filtered, grouped or redacted, and every message is
unique, which defeats log aggregation and error grouping (Sentry groups by the template). Passing the values
as arguments (stdlib ``%s``, loguru ``{}``) or as key-value pairs (structlog) keeps the template constant and
formats it only when a handler emits the record.

Flagged: the message of a call on a known logger is an f-string, ``"...".format(...)``, ``"..." % ...`` or a ``+``
concatenation with a non-constant part. Left alone: implicit literal concatenation, messages that only combine
constants (``"=" * 40 + "\\n"``) or a class's own name (``f"{self.__class__.__name__} closing"``, also through
a local or a property of the file returning it: :mod:`.class_names`; one fixed text per class), calls that
pass arguments after the message (the formatting builds a template:
``logger.info("%s " + prefix, *args)``), lazy calls (``logger.info("%(user)s", {"user": name})``), structlog
key-value calls, ``" ".join(...)``, a message held in a variable, non-logging calls (``warnings.warn(f"...")``,
``logging.getLogger(f"...")``), and code that runs once or under a test runner, where neither the cost nor the
grouping matters: tests, test support, migrations, and a developer's script run by hand (under ``scripts/``,
``bin/``: its main guard and the functions only that guard reaches, unless another module imports them;
:func:`.hand_run_scripts.run_by_hand`), or a command line command that exists to test the service (a click or
typer command, or an invoke task, whose name or docstring says test, benchmark or perf: Dispatch's ``perf_test``,
"Performance testing utility"; the functions nested in it too), or a Django management command module that says it
runs once or makes test data (:mod:`.one_off_commands`), or a command line module that prompts its user
(``input()``, ``click.confirm``: :func:`.entrypoints.interactive_cli`; nutshell's wallet CLI), or a standalone
script declaring its own dependencies inline (PEP 723) that nothing imports
(:func:`.one_shot_programs.standalone_script`; robotoff's ``models/manage.py``), whose log lines are its output at
the terminal.
Other commands stay checked: a cron job's log lines are aggregated like the service's. A construct the project's
own ruff configuration deliberately allows is left alone too: it selects the rest of the logging-format family code
by code and leaves that construct's code out (DefectDojo's ``"G001", "G002", "G01", "G1", "G2"``, no ``G004``:
f-string messages are its chosen style), or ignores it; or its pylint configuration disables pylint's check of
that construct (turbinia's ``.pylintrc``: ``logging-fstring-interpolation``; the project model's ``lint_unselected``).
So is a file the project's ruff configuration keeps out of its linting altogether (``exclude``, or every check
ignored for it: the project model's ``lint_excluded``): CAPEv2 excludes its vendored copy of dbus-next
(``analyzer/linux/dbus_next``) while selecting the logging-format rules everywhere else; a third-party copy is not
code its maintainers change.

The fix is safe when the output is the same: stdlib gets a ``%`` template with format specs translated
where ``%`` renders them identically, loguru a ``{}`` template. It is unsafe when the runtime type decides
(``"..." % value`` where the value could be a tuple; float specs, which ``Decimal`` rounds differently under
``%``) and for structlog, whose event becomes a constant name with the values as keywords.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Callable, Optional

from backend_lint.analysis.class_names import class_name_value
from backend_lint.analysis.entrypoints import interactive_cli, is_cli_command
from backend_lint.analysis.hand_run_scripts import run_by_hand
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.loggers import (
    GENERIC,
    LEVEL_METHODS,
    ROOT,
    STRUCTLOG,
    logging_call_kind,
    message_argument,
)
from backend_lint.analysis.messages import (
    STDLIB,
    Value,
    keyword_for,
    message_pieces,
    render_log_call,
    source_text,
)
from backend_lint.analysis.module_roles import in_migration, module_roles
from backend_lint.analysis.one_off_commands import one_off_command
from backend_lint.analysis.one_shot_programs import standalone_script
from backend_lint.analysis.project.app_conditions import lint_excluded, lint_unselected
from backend_lint.analysis.project.conditions import test_support, unreferenced
from backend_lint.analysis.project.roots import path_in_project
from backend_lint.analysis.strings import CONCATENATION, FORMAT_METHOD, FSTRING, PERCENT, formatting_kind
from backend_lint.analysis.values import origin
from backend_lint.context import FileContext
from backend_lint.finding import Applicability, Finding
from backend_lint.rule import Rule, visits

if TYPE_CHECKING:
    import libcst as cst

    from backend_lint.fixing.context import FixContext

_RUFF_CODES = {FORMAT_METHOD: "G001", PERCENT: "G002", CONCATENATION: "G003", FSTRING: "G004"}
"""ruff's (flake8-logging-format's) code for each way of building the message."""
_HOW = {FSTRING: "an f-string", FORMAT_METHOD: "`.format()`", PERCENT: "`%`", CONCATENATION: "`+`"}
_FLOAT_TYPES = frozenset("fFeEgG%")
_SCALAR_CALLS = frozenset({"str", "repr", "int", "float", "len"})


def _constant_only(expr: ast.expr) -> bool:
    """An expression with no names or calls in it (``"=" * 40``): nothing to defer."""
    return not any(isinstance(node, (ast.Name, ast.Attribute, ast.Call, ast.Subscript)) for node in ast.walk(expr))


def _surely_not_a_tuple(expr: ast.expr) -> bool:
    """``"... %s" % value`` formats ``value`` itself only if it is not a tuple; these never are."""
    if isinstance(expr, ast.Constant):
        return not isinstance(expr.value, tuple)
    if isinstance(expr, (ast.JoinedStr, ast.Dict, ast.List, ast.ListComp)):
        return True
    if isinstance(expr, ast.BinOp):
        return formatting_kind(expr) is not None
    return isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in _SCALAR_CALLS


def _comment_inside(message: ast.expr, ctx: FileContext) -> bool:
    """A message spanning lines with a ``#`` before its last line: the fix would drop that comment."""
    last = message.end_lineno or message.lineno
    return last > message.lineno and any("#" in line for line in ctx.lines[message.lineno - 1 : last - 1])


def _render_kind(kind: str) -> str:
    return STDLIB if kind == ROOT else kind


def render(call: ast.Call, kind: str, text_of: Callable[[ast.expr], str]) -> Optional[str]:
    """The lazy call ``l.m(...)`` for ``call``'s message and values, or ``None`` when no exact form exists."""
    message = message_argument(call)
    if message is None or kind == GENERIC:
        return None  # a project's own logger: whether it formats with %, {} or key-values is unknown
    if call.args[-1] is not message:
        return None  # already has arguments: the message is a template mixed with formatting
    pieces = message_pieces(message)
    if pieces is None:
        return None
    rendered = render_log_call("l", "m", pieces, _render_kind(kind), text_of)
    if rendered is None or kind != STRUCTLOG:
        return rendered
    existing = {keyword.arg for keyword in call.keywords}
    new = {keyword_for(piece.expr) for piece in pieces if isinstance(piece, Value)}
    return None if existing & new or None in existing else rendered


def _applicability(call: ast.Call, message: ast.expr, how: str, kind: str, known: bool) -> Applicability:
    if render(call, kind, ast.unparse) is None:
        return Applicability.NONE
    if kind == STRUCTLOG or not known:  # not known: ``self.logger`` set elsewhere, probably stdlib
        return Applicability.UNSAFE
    right = message.right if how == PERCENT and isinstance(message, ast.BinOp) else None
    if right is not None and not isinstance(right, ast.Tuple) and not _surely_not_a_tuple(right):
        return Applicability.UNSAFE
    pieces = message_pieces(message) or []
    if _render_kind(kind) == STDLIB and any(
        isinstance(piece, Value) and piece.spec[-1:] in _FLOAT_TYPES for piece in pieces
    ):
        return Applicability.UNSAFE  # Decimal: format() rounds exactly, % goes through float
    return Applicability.SAFE


class EagerLogFormatting(Rule):
    code = "BE402"
    name = "eager-log-formatting"
    message = "`{call}` message is formatted eagerly with {how}; {advice}"
    fix_title = "Pass the values to the logger"
    fix_kind = Applicability.SAFE
    fix_node = "Call"
    triggers = ("log", "LOG")
    needs = (logging_call_kind, module_roles, in_migration, origin, lint_unselected, lint_excluded, run_by_hand,
             unreferenced,
             class_name_value, is_cli_command, one_off_command, interactive_cli, standalone_script)
    module_facts = (test_support,)

    @visits(ast.Call)
    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if type(func) is not ast.Attribute or func.attr not in LEVEL_METHODS:
            return
        message = message_argument(node)
        if message is None or node.args[-1] is not message:
            return  # arguments follow: the formatting builds a template ("%s " + prefix, *args)
        how = formatting_kind(message)
        if how not in _HOW:
            return
        pieces = message_pieces(message)
        if pieces is not None and all(
            _constant_only(piece.expr) or class_name_value(piece.expr, ctx) for piece in pieces
            if isinstance(piece, Value)
        ):
            return  # constants, or a class's own name: one fixed text per class
        kind = logging_call_kind(node, ctx)
        if kind is None or module_roles(ctx).for_tests or in_migration(ctx):
            return
        script = run_by_hand(ctx, ctx.scope)
        if script == () or _in_testing_command(ctx) or one_off_command(ctx) or interactive_cli(ctx):
            return  # a script, a testing, one-off or interactive command: its log lines are its terminal output
        written = dotted_name(func)
        relative = path_in_project(ctx.display_path)
        fix = _applicability(node, message, how, kind, origin(func.value, ctx) is not None)
        self.report(
            ctx,
            node,
            applicability=Applicability.NONE if _comment_inside(message, ctx) else fix,
            fix_data=kind,
            call=written if written and len(written) <= 40 else f"logger.{func.attr}",
            how=_HOW[how],
            advice="pass the values as key-value pairs" if kind == STRUCTLOG else "pass the values as arguments",
            # the project's ruff leaves the style out, or keeps the file out of its linting (vendored code); a tool
            # run by hand (PEP 723), unless imported
            unless=(lint_unselected(_RUFF_CODES[how]), *(script or ()), *(standalone_script(ctx) or ()),
                    *((lint_excluded(relative),) if relative is not None else ())),
        )

    def fix(self, finding: Finding, node: cst.CSTNode, fixer: FixContext) -> Optional[cst.CSTNode]:
        import libcst  # noqa: PLC0415 - fix path only

        from backend_lint.fixing.arguments import replace_argument  # noqa: PLC0415 - fix path only

        if not isinstance(node, libcst.Call):
            return None
        parsed = fixer.call_of(node)
        if parsed is None:
            return None
        code, call = parsed
        message = message_argument(call)
        rendered = render(call, finding.fix_data, source_text(code))
        if message is None or rendered is None:
            return None
        index = call.args.index(message)
        if fixer.has_comments(node.args[index].value):
            return None  # a comment between the parts of the message (one after its comma is kept)
        new_args = libcst.parse_expression(rendered)
        if not isinstance(new_args, libcst.Call):
            return None
        return replace_argument(node, index, list(new_args.args))


_TESTING_WORDS = lazy_compile(
    r"(?:^|[^a-z])(?:test|tests|testing|loadtest|benchmark|benchmarks|perf|stress)(?:$|[^a-z])"
)
"""Words that say a command exists to exercise the service (``perf_test``, "Performance testing utility",
``load-test``, ``benchmark``), matched in its lower-cased name and the first line of its docstring."""


def _in_testing_command(ctx: FileContext) -> bool:
    """The code runs inside a command line command (at any depth of functions nested in it) written to test
    the service by hand: a load test or benchmark run from an operator's terminal, not a job the service runs."""
    for function in ctx.scope.functions:
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or not is_cli_command(function, ctx):
            continue
        docstring = (ast.get_docstring(function) or "").strip().partition("\n")[0]
        if _TESTING_WORDS.search(function.name.lower()) or _TESTING_WORDS.search(docstring.lower()):
            return True
    return False
