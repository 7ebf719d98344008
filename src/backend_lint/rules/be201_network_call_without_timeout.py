"""BE201 network-call-without-timeout: a network call that can wait forever for a peer that never answers.

``requests``, the standard library's clients, ``redis`` and ``socket`` wait without limit by default, so one
stuck upstream holds a worker (thread, process or connection slot) until the whole pool is gone. ruff S113
and bandit B113 only look at ``requests.get``-style functions; this rule also follows ``requests.Session``
however it is held (through :mod:`backend_lint.analysis.values`) and the standard library clients listed in
:mod:`backend_lint.analysis.http_clients`. aiohttp sessions are judged where they are made.

Also flagged: ``session.send(prepared)`` (a prepared request, as webhook senders use) and
``ftp.connect(host, port)`` on an ``ftplib.FTP()`` made without a timeout.

Left alone: tests and test support (:mod:`backend_lint.analysis.module_roles`: test modules, ``conftest.py``,
pytest plugins, fixture modules, test provisioning), where a hang fails a test run and serves no one; examples
the documentation quotes (an ``example_dags/`` module with ``# [START name]`` excerpt markers:
:func:`.module_roles.documentation_example`), written for readers to copy (an example *service* without such
markers, a demo of the mistakes a service makes, stays checked); benchmark and load-test harnesses
(:func:`.module_roles.benchmark_code`: ``benchmarks/``, ``load_testing/``, a ``locustfile.py``), which drive the
product from outside and are run by hand; vendored copies of third-party libraries
(``vendor/``, ``_vendor/``), which their maintainers replace with a newer release rather than patch; and command
line code (:func:`.entrypoints.in_cli_context`: a click/typer command, an argparse ``main()``, a main
guard, a CLI module), where a hang holds the operator's terminal, not a service worker; so is a one-shot
program wherever it sits (:mod:`backend_lint.analysis.one_shot_programs`: a main guard, nothing served, no
``while True``, and no other module imports it), and the parts of one: a function only the module's main guard
reaches that no module but tests imports, and the top-level statements of a module nothing imports that serves
nothing and never loops forever. All are read from the
module itself: the rule reads facts of its own file only, so its results are cached per file. Also left
alone: httpx
(it has a 5 second default), a timeout passed positionally, ``*args``/``**kwargs`` that may carry one, a
session whose timeout comes from a mounted adapter or a patched ``request``, an ``ftplib.FTP()`` without a
host (the ``connect`` that follows is what is checked), ``redis.Redis(connection_pool=...)``, a URL or
DSN literal that sets the timeout, a call that reaches no peer (``urlopen`` of a ``data:`` URI or of bytes,
a connect-only ``create_connection(...).close()`` probe: :mod:`backend_lint.analysis.request_targets`), an
aiohttp session whose every request passes its own timeout or runs under asyncio's deadline
(``async with timeout(300):``, ``asyncio.wait_for``), and ``Redis.from_url(url)`` with a URL from
configuration (the URL carries ``socket_timeout`` when the deployment wants one). Database ``connect`` calls
are checked only when the ``database-connects`` option asks for it.

The fix adds the library's own keyword with ``default-timeout`` seconds.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.entrypoints import in_cli_context
from backend_lint.analysis.hand_run_scripts import run_by_hand
from backend_lint.analysis.handlers import handler_for
from backend_lint.analysis.http_clients import (
    AIOHTTP,
    INTEGER_SECONDS,
    NETWORK_CALL_NAMES,
    Client,
    imported_adapters,
    might_be,
    network_client,
    passes_argument,
)
from backend_lint.analysis.module_roles import benchmark_code, documentation_example, module_roles
from backend_lint.analysis.one_shot_programs import one_shot_program, program_only_code, says_scheduled
from backend_lint.analysis.project.app_conditions import requests_timeout_patched
from backend_lint.analysis.project.conditions import (
    ProjectFact,
    cli_module,
    cli_only,
    sets_timeout,
    unimported_outside_tests,
    unreferenced,
)
from backend_lint.analysis.project.imported import absolute_name
from backend_lint.analysis.project.roots import first_party
from backend_lint.analysis.request_targets import (
    bytes_sources,
    connect_only_probe,
    not_a_remote_url,
    requests_time_out,
)
from backend_lint.analysis.startup_hooks import defined_name
from backend_lint.context import FileContext
from backend_lint.finding import Applicability, Finding
from backend_lint.rule import Option, Rule, visits

if TYPE_CHECKING:
    import libcst as cst

    from backend_lint.fixing.context import FixContext

_AIOHTTP_LEGACY_TIMEOUTS = ("read_timeout", "conn_timeout")
_URL_KEYWORDS = ("dsn", "conninfo", "url")
_MANAGEMENT_COMMAND = "/management/commands/"
"""Django management commands: an operator runs them by hand, like any command line tool."""


_PLAIN_DECORATORS = frozenset({"staticmethod", "classmethod"})


def _command_helper(ctx: FileContext) -> tuple[ProjectFact, ...]:
    """The project fact that only command line code reaches the module-level function or method around the call
    (:func:`~.project.conditions.cli_only`: ynr's ``read_csv_from_url``, which only management commands call;
    judged on seed 130), for ``unless=``. Not asked for an HTTP handler or a function with a decorator other than
    ``staticmethod``/``classmethod``: a framework reaches those without naming them, so what names them says nothing
    of who runs them."""
    function = ctx.scope.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or handler_for(ctx, function) is not None \
            or any(not (isinstance(decorator, ast.Name) and decorator.id in _PLAIN_DECORATORS)
                   for decorator in function.decorator_list):
        return ()
    name = defined_name(ctx)
    return (cli_only(name),) if name is not None else ()


def _absolute_names(ctx: FileContext, names: list[str]) -> list[str]:
    """The project's adapter classes among ``names`` (relative imports resolved): of the file's own top-level
    package, or of a first-party folder of the project (a top-level namespace folder without ``__init__.py``:
    zentral's ``from zentral.utils.requests import CustomHTTPAdapter``)."""
    package = ctx.module.partition(".")[0]
    found = (absolute_name(ctx, name) for name in names)
    return [
        name for name in found
        if name is not None and (
            (package and name.partition(".")[0] == package) or first_party(ctx.display_path, name.partition(".")[0])
        )
    ]


def _literal_sets(call: ast.Call, keyword: str) -> bool:
    """A DSN or URL string literal (first argument or ``dsn=``/``conninfo=``/``url=``) that sets ``keyword``."""
    candidates = [*call.args[:1], *(k.value for k in call.keywords if k.arg in _URL_KEYWORDS)]
    return any(
        isinstance(value, ast.Constant) and isinstance(value.value, str) and keyword in value.value
        for value in candidates
    )


def _configured_url(call: ast.Call) -> bool:
    """``Redis.from_url(settings.REDIS_URL)``: the URL comes from configuration, and a connection URL carries
    its own ``socket_timeout`` query parameter when the deployment wants one. Only a URL written in the code
    (a literal or an f-string) shows that it has none."""
    urls = [*call.args[:1], *(keyword.value for keyword in call.keywords if keyword.arg == "url")]
    return bool(urls) and not isinstance(urls[0], (ast.Constant, ast.JoinedStr))


def _has_timeout(call: ast.Call, client: Client) -> Optional[bool]:
    passed = passes_argument(call, client.keyword, client.position)
    if passed is not False:
        return passed
    if client.construct.endswith(".from_url") and _configured_url(call):
        return None
    names = {keyword.arg for keyword in call.keywords}
    if client.style == AIOHTTP and names.intersection(_AIOHTTP_LEGACY_TIMEOUTS):
        return True
    if client.keyword == "socket_timeout" and "connection_pool" in names:
        return True  # the pool's connections carry the timeout
    return _literal_sets(call, client.keyword)


def timeout_literal(seconds: float, style: str) -> str:
    """The source text of ``seconds`` as this library wants it."""
    if style == INTEGER_SECONDS:
        return str(max(1, round(seconds)))
    return f"{seconds:g}"


class NetworkCallWithoutTimeout(Rule):
    code = "BE201"
    name = "network-call-without-timeout"
    message = "`{construct}` call without a timeout; pass `{keyword}=`"
    fix_title = "Add the default timeout"
    fix_kind = Applicability.UNSAFE
    fix_node = "Call"
    triggers = ("requests", "urllib", "http", "smtplib", "ftplib", "poplib", "imaplib", "socket", "redis",
                "psycopg")
    needs = (network_client, module_roles, documentation_example, benchmark_code, in_cli_context,
             requests_timeout_patched, imported_adapters, sets_timeout, not_a_remote_url, bytes_sources,
             connect_only_probe, run_by_hand, one_shot_program, program_only_code, says_scheduled, unreferenced,
             unimported_outside_tests, cli_only, handler_for)
    options = (
        Option("default-timeout", float, 10.0, "seconds the fix passes as the timeout"),
        Option(
            "database-connects",
            bool,
            False,
            "also flag psycopg2/psycopg connect() calls without connect_timeout",
        ),
    )
    module_facts = (cli_module,)  # a module only command line code imports (the project model)

    @visits(ast.Call)
    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        if not might_be(node.func, NETWORK_CALL_NAMES, ctx):
            return
        roles = module_roles(ctx)
        if roles.for_tests:
            return  # a test's call to its own test server: a hang fails that test run, not a service
        if roles.vendored or documentation_example(ctx):
            return  # a copy of someone else's library, or an excerpt the documentation quotes: no one's service
        if benchmark_code(ctx):
            return  # a benchmark or load test (``locustfile.py``): it drives the product from outside, run by hand
        if in_cli_context(ctx.scope, ctx) or _MANAGEMENT_COMMAND in f"/{ctx.role_path}":
            return  # an operator's command: a hang holds the terminal it runs in, no service worker
        client = network_client(node, ctx)
        if client is None or (client.database and not self.option("database-connects")):
            return
        if _has_timeout(node, client) is not False:
            return
        if client.construct == "urllib.request.urlopen" and not_a_remote_url(node, ctx):
            return  # a data: URI, or bytes the file reads elsewhere as bytes: no peer to wait for
        if client.construct == "socket.create_connection" and connect_only_probe(node, ctx):
            return  # opened and closed at once: a readiness probe that asks nothing of the peer
        if client.construct == "aiohttp.ClientSession" and requests_time_out(ctx, node):
            return  # every request on the session passes its own timeout
        # (asked last: a program's shape is read from the whole file; a script whose docstring says cron starts it
        # is an unattended job, whose hang stalls the runs after it)
        script = None if says_scheduled(ctx) else run_by_hand(ctx, ctx.scope)
        if script == ():
            return  # a developer's script run by hand: a hang holds the terminal it runs in
        if script is None:  # a main-guarded program nothing imports, wherever it sits, or a part of one
            script = (*(one_shot_program(ctx) or ()), *(program_only_code(ctx, ctx.scope) or ()))
        requests_call = client.construct.startswith("requests.")
        unless: tuple[ProjectFact, ...] = (requests_timeout_patched(),) if requests_call else ()
        adapters = imported_adapters(node, ctx) if client.construct.startswith("requests.Session.") else []
        unless += tuple(sets_timeout(name) for name in _absolute_names(ctx, adapters))
        unless += script or ()  # a function only the main guard of a script reaches, unless the service imports it
        unless += _command_helper(ctx)  # a function only command line code calls: a hang holds the operator's terminal
        self.report(
            ctx, node, construct=client.construct, keyword=client.keyword, fix_data=(client.keyword, client.style),
            unless=unless,
        )

    def fix(self, finding: Finding, node: cst.CSTNode, fixer: FixContext) -> Optional[cst.CSTNode]:
        import libcst  # noqa: PLC0415 - fix path only

        if not isinstance(node, libcst.Call) or not finding.fix_data:
            return None
        keyword, style = finding.fix_data
        value = timeout_literal(self.option("default-timeout"), style)
        if style == AIOHTTP:
            value = f"{fixer.import_module('aiohttp')}.ClientTimeout(total={value})"
        return with_keyword(node, keyword, libcst.parse_expression(value))


def with_keyword(call: cst.Call, keyword: str, value: cst.BaseExpression) -> cst.Call:
    """``call`` with ``keyword=value`` appended, laid out like its other arguments (trailing comma kept)."""
    import libcst  # noqa: PLC0415 - fix path only

    no_space = libcst.SimpleWhitespace("")
    new = libcst.Arg(
        value=value,
        keyword=libcst.Name(keyword),
        equal=libcst.AssignEqual(whitespace_before=no_space, whitespace_after=no_space),
    )
    args = list(call.args)
    if not args:
        return call.with_changes(args=[new])
    last = args[-1]
    space = libcst.Comma(whitespace_after=libcst.SimpleWhitespace(" "))
    if not isinstance(last.comma, libcst.Comma):
        return call.with_changes(args=[*args[:-1], last.with_changes(comma=space), new])
    comma = last.comma
    trailing = comma.whitespace_after
    previous = args[-2].comma.whitespace_after if len(args) > 1 and isinstance(args[-2].comma, libcst.Comma) else (
        call.whitespace_before_args
    )
    if isinstance(trailing, libcst.ParenthesizedWhitespace) and isinstance(previous, libcst.ParenthesizedWhitespace):
        # One argument per line: the old last line keeps its comment, the new line ends like it did.
        to_new_line = trailing.with_changes(indent=previous.indent, last_line=previous.last_line)
        to_closing = trailing.with_changes(first_line=libcst.TrailingWhitespace(), empty_lines=[])
        last = last.with_changes(comma=comma.with_changes(whitespace_after=to_new_line))
        new = new.with_changes(comma=comma.with_changes(whitespace_after=to_closing))
        return call.with_changes(args=[*args[:-1], last, new])
    return call.with_changes(args=[*args[:-1], last.with_changes(comma=space), new.with_changes(comma=comma)])
