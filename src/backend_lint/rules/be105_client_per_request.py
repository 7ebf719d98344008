"""BE105 client-per-request: a database engine or connection, Redis client or HTTP session made per request.

An engine, a Redis client and an HTTP session each hold a pool of connections that is meant to live as long as
the process: made per request, every request pays DNS, TCP and TLS set-up (and the database its
authentication), keep-alive is lost, and under load the service runs out of sockets or database connections.
Flagged: one of the creating calls below, made directly in an HTTP handler (the handler model says which
functions are handlers), at the call. With ``report-loops``, also one made in the body of a loop in service code
(:mod:`backend_lint.analysis.service_code`: a handler module, a task, a coroutine, a view's method): off by
default, because no loop finding was ever judged true on real applications (0 of 4: a loop over configured
addresses, a retry loop, a literal pair of uploads, read replicas made at start-up), while the handler findings
are the guidance's own case.

Left alone: handlers only administrators reach (:mod:`backend_lint.analysis.admin_only`: an admin dependency,
decorator or router; open-webui's "verify connection" buttons make a session per click, which is no request
traffic) or only holders of a permission to manage (``Depends(is_user_allowed_to([CinemaPermissions.
manage_sessions]))``: a module's staff looking up one film while setting up a session), and a client made
on a branch that a guard at the top of the handler closes to all but administrators
(``if url_idx is not None and user.role != "admin": raise ...``, then the client made only when ``url_idx`` is
given: open-webui's per-connection model listing), a loop that ends at its first success (a ``return`` or
``break`` in it: it tries addresses or mirrors in turn), a loop over the application's configuration (``for url
in settings.bundle_urls``, directly or through a local, or addresses read from the environment: a client per
configured address, not per request or per row: Langflow's start-up bundles, openfec's read replicas),
everything made once (module level, app start-up, a lifespan or a dependency function, which are not handlers),
a client made only on a miss of a module-level cache the handler fills
(``if _key_cache: return ...`` first, ``_key_cache = key`` after the fetch: about once per process,
:mod:`backend_lint.analysis.memoised`), sessions taken from a pool (``pool.acquire()``, ``SessionLocal()``),
an OAuth redirect callback that trades the authorization code for tokens (``"grant_type": "authorization_code"``:
one exchange per user authorization, also in a provider's own spelling, ``{"client_id": ..., "client_secret":
..., "code": code}``: :mod:`backend_lint.analysis.oauth_flows`), a route added only when a debugging switch is
on or behind a switch the code says is never on in production (:func:`.dev_only.under_debug_switch`),
a handler whose every URL literal is plain HTTP to a one-word host (``http://karton-dashboard:5000/``, a
sibling container of the deployment: :mod:`backend_lint.analysis.sidecars`), ``sqlite3`` (a file, not a
server), tests, test support, examples, migrations and command line code.
"""

from __future__ import annotations

import ast
from typing import Callable, Optional

from backend_lint.analysis.admin_guard_defs import admin_guard_facts
from backend_lint.analysis.admin_guards import admin_branch
from backend_lint.analysis.admin_only import admin_only, admin_router, admin_routers, requires_staff_permission
from backend_lint.analysis.ast_helpers import callee_name, own_nodes
from backend_lint.analysis.dev_only import under_debug_switch
from backend_lint.analysis.entrypoints import in_cli_context
from backend_lint.analysis.facts import node_fact
from backend_lint.analysis.handler_types import Handler
from backend_lint.analysis.handlers import handler_for
from backend_lint.analysis.memoised import made_on_cache_miss
from backend_lint.analysis.module_roles import in_migration, module_roles
from backend_lint.analysis.oauth_flows import exchanges_authorization_code
from backend_lint.analysis.page_responses import redirects
from backend_lint.analysis.project.conditions import ProjectFact, cli_module, guards_admins, test_support
from backend_lint.analysis.service_code import in_service_code
from backend_lint.analysis.sidecars import calls_only_sidecars
from backend_lint.context import FileContext
from backend_lint.rule import Option, Rule, visits

CREATORS: dict[str, str] = {
    "sqlalchemy.create_engine": "database engine",
    "sqlalchemy.engine.create_engine": "database engine",
    "sqlalchemy.ext.asyncio.create_async_engine": "database engine",
    "psycopg2.connect": "database connection",
    "psycopg.connect": "database connection",
    "psycopg.AsyncConnection.connect": "database connection",
    "pymysql.connect": "database connection",
    "MySQLdb.connect": "database connection",
    "asyncpg.connect": "database connection",
    "asyncpg.create_pool": "database pool",
    "aiomysql.connect": "database connection",
    "aiomysql.create_pool": "database pool",
    "redis.Redis": "Redis client",
    "redis.StrictRedis": "Redis client",
    "redis.Redis.from_url": "Redis client",
    "redis.StrictRedis.from_url": "Redis client",
    "redis.from_url": "Redis client",
    "redis.client.Redis": "Redis client",
    "redis.asyncio.Redis": "Redis client",
    "redis.asyncio.Redis.from_url": "Redis client",
    "redis.asyncio.from_url": "Redis client",
    "requests.Session": "HTTP session",
    "requests.session": "HTTP session",
    "requests.sessions.Session": "HTTP session",
    "httpx.Client": "HTTP client",
    "httpx.AsyncClient": "HTTP client",
    "aiohttp.ClientSession": "HTTP session",
}
"""Calls that make a client holding its own connection pool (or a connection), by qualified name."""
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


_TENACITY_LOOPS = frozenset({"tenacity.Retrying", "tenacity.AsyncRetrying", "tenacity.asyncio.AsyncRetrying"})


@node_fact()
def _leaves_early(ctx: FileContext, loop: ast.AST) -> bool:
    """The loop ends at its first success (a ``return`` or ``break`` in its body): it tries addresses, mirrors
    or attempts in turn, and normally makes one client, not one per item. tenacity's attempt loop (``async for
    attempt in AsyncRetrying(...): with attempt: ...``) is one too: the iterator stops at the first attempt that
    raises nothing (tracecat's audit webhook delivery)."""
    iterable = getattr(loop, "iter", None)
    if isinstance(iterable, ast.Call) and ctx.imports.resolve(iterable.func) in _TENACITY_LOOPS:
        return True
    stack = list(getattr(loop, "body", []))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Return, ast.Break)):
            return True
        if not isinstance(node, _NESTED):
            stack.extend(ast.iter_child_nodes(node))
    return False


_CONFIGURATION = frozenset({"settings", "config", "conf", "configuration"})
_ENVIRONMENT = frozenset({"environ", "getenv", "env"})
"""Names that read the process environment (``os.environ``, ``os.getenv``, a settings object's ``env``)."""


@node_fact()
def _over_configuration(ctx: FileContext, loop: ast.AST) -> bool:
    """The loop walks a list of the application's configuration: its iterable, or the one value a local it
    names is given in the function, reads an object named ``settings``/``config`` (``settings.bundle_urls``,
    ``app.config["MIRRORS"]``, ``config.get("peers")``) or the environment, also through the calls that split
    it (``split_env_var(env.get_credential("SQLA_FOLLOWERS"))``: openfec's read replicas, an engine per
    configured database address made once in ``create_app``)."""
    iterable = getattr(loop, "iter", None)
    if isinstance(iterable, ast.Name):
        function = ctx.scope.function
        values = [
            node.value for node in ast.walk(function) if isinstance(node, ast.Assign)
            and any(isinstance(target, ast.Name) and target.id == iterable.id for target in node.targets)
        ] if function is not None else []
        iterable = values[0] if len(values) == 1 else None
    while isinstance(iterable, (ast.Attribute, ast.Subscript, ast.Call)):
        if isinstance(iterable, ast.Attribute) and iterable.attr.lower() in _CONFIGURATION | _ENVIRONMENT:
            return True
        if isinstance(iterable, ast.Call) and any(_reads_environment(argument) for argument in iterable.args):
            return True
        iterable = iterable.func if isinstance(iterable, ast.Call) else iterable.value
    return isinstance(iterable, ast.Name) and iterable.id.lower() in _CONFIGURATION | _ENVIRONMENT


def _reads_environment(expr: ast.expr) -> bool:
    """``env.get_credential("X")``, ``os.getenv("X")``, ``os.environ["X"]``: a value of the environment."""
    while isinstance(expr, (ast.Attribute, ast.Subscript, ast.Call)):
        if isinstance(expr, ast.Attribute) and expr.attr in _ENVIRONMENT:
            return True
        expr = expr.func if isinstance(expr, ast.Call) else expr.value
    return isinstance(expr, ast.Name) and expr.id in _ENVIRONMENT


_HTTP = frozenset({"HTTP session", "HTTP client"})


def serves_reads(handler: Handler) -> bool:
    """The handler is a read route that answers with what it fetched: it takes GET (or its methods cannot be read,
    a proxy's ``methods=PROXY_METHODS``) and never answers with a redirect. A page load or an API read is what
    clients repeat; a POST, PUT or redirecting handler is a user's action or a browser flow (a payment's success
    redirect, linking an account, signing out, posting a review): one outbound call per rare action, where a
    shared client saves nothing a maintainer would notice (judged so on real applications)."""
    if handler.methods and "GET" not in handler.methods:
        return False
    for node in own_nodes(handler.function):
        if isinstance(node, ast.Call) and redirects(callee_name(node)):
            return False
    return True


_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "stream"})


def fetches_caller_url(handler: Handler, made: ast.Call, parent_of: Callable[[ast.AST], Optional[ast.AST]]) -> bool:
    """Every request sent through the client ``made`` (``client.get(url)``, ``session.request(method, url)``,
    ``url=url``; the client named by ``async with ... as client`` or ``client = ...``) goes to a URL a parameter of
    the handler hands over whole: the caller picks the host (a web page's content fetched for an assistant), so a
    shared pool would rarely hold a connection to reuse, and one shared cookie jar would cross users (judged so
    on real applications)."""
    holder = parent_of(made)
    if isinstance(holder, ast.withitem) and isinstance(holder.optional_vars, ast.Name):
        client = holder.optional_vars.id
    elif isinstance(holder, ast.Assign) and len(holder.targets) == 1 and isinstance(holder.targets[0], ast.Name):
        client = holder.targets[0].id
    else:
        return False
    names = {param.arg.arg for param in handler.params}
    targets = []
    for node in own_nodes(handler.function):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == client):
            continue
        position = 0 if node.func.attr in _VERBS else 1 if node.func.attr == "request" else None
        if position is None:
            continue
        url = node.args[position] if len(node.args) > position else next(
            (keyword.value for keyword in node.keywords if keyword.arg == "url"), None)
        targets.append(url)
    return bool(targets) and all(isinstance(url, ast.Name) and url.id in names for url in targets)


_TRIGGERS = ("sqlalchemy", "psycopg", "pymysql", "MySQLdb", "asyncpg", "aiomysql", "redis", "requests", "httpx",
             "aiohttp")


class ClientPerRequest(Rule):
    code = "BE105"
    name = "client-per-request"
    message = "`{call}` makes a new {what} {where}; create it once per process and reuse it"
    triggers = _TRIGGERS
    needs = (handler_for, module_roles, in_migration, in_service_code, in_cli_context, _leaves_early,
             _over_configuration, admin_routers, made_on_cache_miss, exchanges_authorization_code, guards_admins)
    module_facts = (test_support, cli_module)
    options = (
        Option(
            "report-loops",
            bool,
            False,
            "also report a client made on every pass of a loop in service code (a task, a coroutine), not only"
            " one made in an HTTP handler",
        ),
    )

    @visits(ast.Call)
    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        called = ctx.imports.resolve(node.func)
        what = CREATORS.get(called or "")
        function = ctx.scope.function
        if what is None or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or ctx.is_test_file:
            return
        roles = module_roles(ctx)
        if roles.for_tests or roles.example or in_migration(ctx) or in_cli_context(ctx.scope, ctx):
            return
        handler = handler_for(ctx, function)
        guards: tuple[ProjectFact, ...] = ()
        if handler is not None:
            if admin_only(handler) or admin_router(ctx, handler) or admin_branch(function, node, ctx.parent_of) \
                    or requires_staff_permission(handler):
                return  # an operator's one-off action ("verify connection", "load from URL"), not request traffic
            if made_on_cache_miss(ctx, function, node):
                return  # only on a miss of a module-level cache the handler fills: about once per process
            if exchanges_authorization_code(ctx, function):
                return  # an OAuth redirect callback: one exchange per user authorization, not request traffic
            if under_debug_switch(node, ctx):
                return  # a route added only where a debugging switch is on, or one documented as never in prod
            if calls_only_sidecars(function):
                return  # plain HTTP to a sibling container by its bare name: one local connect, nothing to pool
            if what in _HTTP and (not serves_reads(handler) or fetches_caller_url(handler, node, ctx.parent_of)):
                return  # a user's action or a browser flow, or hosts the caller picks: nothing to pool
            where = f"in handler `{function.name}` on every request"
            guards = admin_guard_facts(ctx, handler, node)
        elif self.option("report-loops") and ctx.scope.loops and in_service_code(ctx) and not any(
            _leaves_early(ctx, loop) or _over_configuration(ctx, loop) for loop in ctx.scope.loops
        ):
            where = "on every pass of a loop"
        else:
            return
        self.report(ctx, node, call=f"{called}()", what=what, where=where, unless=guards)

