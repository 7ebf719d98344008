"""Query sinks: which calls run SQL text, with which driver, and where the SQL and its parameters are.

A rule asks :func:`query_sink` about a call and gets a :class:`Sink` or ``None``. Receivers are known by how
they were made (:func:`backend_lint.analysis.values.origin`): ``psycopg2.connect()``, ``conn.cursor()``,
``with conn.cursor() as cur``, ``async with pool.acquire() as conn``, a parameter annotated with the driver's
type, ``self.conn`` set in ``__init__``. Module-level entry points (``sqlalchemy.text``, Django's ``RawSQL``,
``pandas.read_sql``) are known through imports and aliases. When the origin of a receiver is unknown (or
made by a project helper such as ``get_db()``), receiver *names* count: names that mean a cursor (``cur``,
``cursor``, ``self.cursor``, a ``x.cursor()`` call) or a connection (``conn``, ``connection``, ``db``,
``con``, ``session``, ``engine``, also as ``self.<name>``), and only for ``execute``/``executemany``. BE101
still needs the SQL to be a data statement, so another client's ``db.execute`` stays quiet unless it is fed
SQL. A receiver made by a library known to be something else (``requests``, ``redis``...) is never a sink.
The placeholder style of a receiver known by name is the one of the only DB-API driver the file imports.

The driver decides the placeholder style a parameterizing fix must use (``paramstyle``); ``None`` means the
fix cannot know it.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import argument, callee_name, keyword_value
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.facts import file_fact, node_fact, reads
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.resolve import Function
from backend_lint.analysis.scopes import CLASS, FUNCTION, Scope
from backend_lint.analysis.tree_walk import walk
from backend_lint.analysis.values import origin

if TYPE_CHECKING:
    from backend_lint.context import FileContext

QMARK = "qmark"  # sqlite3, aiosqlite, pyodbc: ?
FORMAT = "format"  # psycopg2, psycopg, pymysql, MySQLdb, mysql.connector, Django: %s
DOLLAR = "dollar"  # asyncpg: $1
NAMED = "named"  # SQLAlchemy text(), databases: :name
LIST_FORMAT = "list-format"  # Django Manager.raw / RawSQL: %s with a list of params

_DBAPI_DRIVERS = {
    "sqlite3": QMARK,
    "aiosqlite": QMARK,
    "pyodbc": QMARK,
    "psycopg2": FORMAT,
    "psycopg": FORMAT,
    "pymysql": FORMAT,
    "MySQLdb": FORMAT,
    "mysql": FORMAT,  # mysql.connector
    "aiomysql": FORMAT,
    "aiopg": FORMAT,
    "pg8000": FORMAT,  # pg8000.dbapi
}
_DBAPI_METHODS = {"execute", "executemany", "executescript", "execute_fetchall", "execute_insert"}
_ASYNCPG_METHODS = {"execute", "executemany", "fetch", "fetchrow", "fetchval", "cursor"}
_ASYNC_FETCHES = {"fetch", "fetchrow", "fetchval", "fetch_all", "fetch_one", "fetch_val"}
"""asyncpg and ``databases`` reads, recognised on receivers named like connections when their origin is unknown."""
_DATABASES_METHODS = {"execute", "execute_many", "fetch_all", "fetch_one", "fetch_val", "iterate"}
_SQLALCHEMY_ROOTS = ("sqlalchemy", "flask_sqlalchemy", "sqlmodel")
_SQLALCHEMY_METHODS = {"execute", "exec_driver_sql", "scalar", "scalars"}
_KNOWN_ROOTS = {*_DBAPI_DRIVERS, "asyncpg", "databases", *_SQLALCHEMY_ROOTS, "django"}
"""Libraries whose receivers are judged by origin; other origins (a project helper such as ``get_cursor()``)
fall back to the receiver's name, except libraries known to be something else."""
_NOT_DATABASES = {"requests", "httpx", "aiohttp", "urllib3", "redis", "pymongo", "motor", "elasticsearch",
                  "boto3", "celery", "subprocess", "socket", "paramiko", "kafka", "grpc"}
_DJANGO_CONNECTIONS = ("django.db.connection", "django.db.connections")
_MANAGERS = {"objects", "_default_manager", "_base_manager"}
_TEXT = {"sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text", "sqlmodel.text"}
_RAW_SQL = {"django.db.models.RawSQL", "django.db.models.expressions.RawSQL"}
_READ_SQL = {"pandas.read_sql", "pandas.read_sql_query"}
_CURSOR_NAMES = {"cur", "cursor", "curs", "_cursor"}
_CONNECTION_NAMES = {"conn", "connection", "db", "con", "_conn", "_connection", "_db", "dbconn", "db_conn",
                     "session", "db_session", "engine"}
_FUNCTION_SINKS = {"text", "RawSQL", "read_sql", "read_sql_query"}
_SINK_WORDS = ("execute", "fetch", "raw(", "read_sql", "text(", "iterate(")
_HELPER_NAME = lazy_compile(
    r"_?(?:(?:execute|exec|run|raw|do)_?(?:query|sql|select|statement)|(?:query|fetch)_(?:db|database|all|one|rows?)"
    r"|sql_?(?:query|execute|exec)|db_?(?:query|execute)|raw_?(?:query|sql))",
    re.IGNORECASE,
)
"""Names of project helpers that run their first argument as SQL (``execute_query``, ``run_sql``, ``query_db``)."""
SINK_METHODS = (
    _DBAPI_METHODS | _ASYNCPG_METHODS | _DATABASES_METHODS | _SQLALCHEMY_METHODS | {"raw", "extra", "run"}
)
FRAGMENT_TAKERS = frozenset({"filter", "where", "order_by", "having", "group_by", "join", "outerjoin", "select_from"})
"""Query methods that take a ``text()`` as a condition or an ordering, not a whole statement."""


@dataclass(frozen=True)
class Sink:
    """A call that runs SQL text."""

    call: ast.Call
    name: str
    """What the message names: the callee as written (``cur.execute``), or the resolved function."""
    driver: str
    """``sqlite3``, ``psycopg2``, ``asyncpg``, ``sqlalchemy``, ``django``, ``databases``, ``pandas`` or
    ``dbapi`` (a cursor known only by its name)."""
    paramstyle: Optional[str]
    sql: tuple[ast.expr, ...]
    """The SQL text arguments (one, except ``QuerySet.extra``'s ``where``/``select`` pieces)."""
    has_params: bool
    by_name: bool = False
    """True when the receiver was recognised by its name only."""
    fragment: bool = False
    """The SQL is an expression or condition (``QuerySet.extra``, ``RawSQL``), not a whole statement."""
    helper: bool = False
    """A project helper that runs its argument as SQL (``self._run(sql)``, ``execute_query(sql)``)."""

    @property
    def method(self) -> str:
        func = self.call.func
        return func.attr if isinstance(func, ast.Attribute) else ""


def _sink(call: ast.Call, ctx: FileContext, scope: Optional[Scope] = None) -> Optional[Sink]:
    func = call.func
    name = callee_name(call)
    if name in SINK_METHODS and isinstance(func, ast.Attribute):
        return _method_sink(call, func, ctx, scope)
    if name in _FUNCTION_SINKS:
        return _function_sink(call, ctx)
    if scope is None:
        return _helper_sink(call, name, ctx)
    return None


def _helper_sink(call: ast.Call, name: str, ctx: FileContext) -> Optional[Sink]:
    """A call of a helper that runs its argument as SQL: a function or method of this file that passes one of
    its parameters straight to a sink, or a helper named for it (``execute_query``, ``run_sql``)."""
    wrapper = helper_sink(ctx, name)
    if wrapper is not None:
        index, inner = wrapper
        is_method = isinstance(call.func, ast.Attribute)
        position = index - 1 if is_method and index > 0 else index
        sql = call.args[position] if len(call.args) > position else None
        if sql is None or any(isinstance(arg, ast.Starred) for arg in call.args[: position + 1]):
            return None
        has_params = len(call.args) > position + 1 or bool(call.keywords)
        return Sink(call, written_call(call), inner.driver, None, (sql,), has_params, helper=True)
    if _HELPER_NAME.fullmatch(name) and call.args and not isinstance(call.args[0], ast.Starred):
        has_params = len(call.args) > 1 or bool(call.keywords)
        return Sink(call, written_call(call), "dbapi", None, (call.args[0],), has_params, by_name=True, helper=True)
    return None


@file_fact()
def _local_functions(ctx: FileContext) -> dict[str, list[tuple[Function, Scope]]]:
    """Module-level functions and methods of module-level classes whose text mentions a sink method, by name,
    with their scopes (a text test first, so most functions cost a substring scan)."""
    found: dict[str, list[tuple[Function, Scope]]] = {}
    if not any(word in ctx.source for word in _SINK_WORDS):
        return found
    for statement in ctx.tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            candidates = [(statement, Scope(FUNCTION, statement, ctx.root_scope))]
        elif isinstance(statement, ast.ClassDef):
            class_scope = Scope(CLASS, statement, ctx.root_scope)
            candidates = [(item, Scope(FUNCTION, item, class_scope)) for item in statement.body
                          if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))]
        else:
            continue
        for function, scope in candidates:
            text = "".join(ctx.lines[function.lineno - 1 : function.end_lineno])
            if any(word in text for word in _SINK_WORDS):
                found.setdefault(function.name, []).append((function, scope))
    return found


@node_fact(reads=(_local_functions, origin, bindings_of), while_computing=None)
def helper_sink(ctx: FileContext, name: str) -> Optional[tuple[int, Sink]]:
    """``(parameter index, inner sink)`` when a function or method of this file named ``name`` passes a
    parameter, unchanged, as the SQL of a sink (``def run(self, sql, params=None): self.cur.execute(sql,
    params)``). The index counts ``self``. Worked out only for names the file defines, once per name."""
    for function, scope in _local_functions(ctx).get(name, ()):
        found = _helper_of(function, scope, ctx)
        if found is not None:
            return found
    return None


def _helper_of(function: Function, scope: Scope, ctx: FileContext) -> Optional[tuple[int, Sink]]:
    args = function.args
    params = [arg.arg for arg in args.posonlyargs + args.args]
    if not params:
        return None
    for node in walk(function):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args):
            continue
        first = node.args[0]
        if (isinstance(first, ast.Call) and len(first.args) == 1 and isinstance(first.args[0], ast.Name)
                and (ctx.imports.resolve(first.func) or "") in _TEXT):
            # ``conn.execute(sa.text(sql))``: the parameter is the SQL all the same
            inner_text = _function_sink(first, ctx)
            name_arg = first.args[0]
            if inner_text is not None and name_arg.id in params and node.func.attr in SINK_METHODS:
                bindings = bindings_of(ctx, function)
                if name_arg.id not in bindings.assigned and name_arg.id not in bindings.augmented:
                    return params.index(name_arg.id), inner_text
            continue
        if not (isinstance(first, ast.Name) and first.id in params and node.func.attr in SINK_METHODS):
            continue
        bindings = bindings_of(ctx, function)
        if first.id in bindings.assigned or first.id in bindings.augmented:
            continue
        inner = _sink(node, ctx, scope)
        if inner is not None and inner.sql and inner.sql[0] is first:
            return params.index(first.id), inner
    return None


@reads(helper_sink)
def might_run_sql(call: ast.Call, ctx: FileContext) -> bool:
    """The cheap test rules run before :func:`query_sink`: the callee's name is one a sink can have."""
    name = callee_name(call)
    if name in SINK_METHODS or name in _FUNCTION_SINKS:
        return True
    return bool(_HELPER_NAME.fullmatch(name)) or helper_sink(ctx, name) is not None


@node_fact(reads=(origin, bindings_of, helper_sink))
def query_sink(ctx: FileContext, call: ast.Call) -> Optional[Sink]:
    """The sink ``call`` is, or ``None``."""
    return _sink(call, ctx)


def _function_sink(call: ast.Call, ctx: FileContext) -> Optional[Sink]:
    resolved = ctx.imports.resolve(call.func) or ""
    name = dotted_name(call.func) or resolved
    if resolved in _TEXT:
        sql = argument(call, 0, "text")
        return Sink(call, name, "sqlalchemy", NAMED, (sql,), False) if sql is not None else None
    if resolved in _RAW_SQL:
        sql = argument(call, 0, "sql")
        params = argument(call, 1, "params")
        if sql is None:
            return None
        return Sink(call, name, "django", LIST_FORMAT, (sql,), params is not None, fragment=True)
    if resolved in _READ_SQL:
        sql = argument(call, 0, "sql")
        params = keyword_value(call, "params") or (call.args[2] if len(call.args) > 2 else None)
        return Sink(call, name, "pandas", None, (sql,), params is not None) if sql is not None else None
    return None


def _method_sink(
    call: ast.Call, func: ast.Attribute, ctx: FileContext, scope: Optional[Scope] = None
) -> Optional[Sink]:
    method = func.attr
    receiver = func.value
    name = written_call(call)
    if method in ("raw", "extra"):
        return _django_queryset_sink(call, func, name)
    made = _receiver_origin(receiver, ctx, scope)
    root = made.partition(".")[0] if made is not None else None
    if made is not None and root in _KNOWN_ROOTS:
        return _sink_by_origin(call, method, made, name, ctx)
    if root in _NOT_DATABASES:
        return None
    return _sink_by_name(call, method, receiver, name, ctx)


def _sink_by_origin(call: ast.Call, method: str, made: str, name: str, ctx: FileContext) -> Optional[Sink]:
    root = made.partition(".")[0]
    if made.startswith(_DJANGO_CONNECTIONS):
        if method in ("execute", "executemany") and ".cursor()" in made:
            return _dbapi_sink(call, name, "django", FORMAT)
        return None
    if not made.endswith(")") and "()" not in made:
        return None  # a module or class, not an instance (``sqlite3.execute`` does not exist)
    if root == "pg8000" and method == "run" and made.startswith("pg8000.native."):
        sql = argument(call, 0, "sql")
        has_params = len(call.args) > 1 or bool(call.keywords)
        return Sink(call, name, "pg8000", None, (sql,), has_params) if sql is not None else None
    if method == "run":
        return None
    if root in _DBAPI_DRIVERS and method in _DBAPI_METHODS:
        if method == "executescript" and root not in ("sqlite3", "aiosqlite"):
            return None
        return _dbapi_sink(call, name, root, _DBAPI_DRIVERS[root])
    if root == "asyncpg" and method in _ASYNCPG_METHODS:
        sql = argument(call, 0, "query")
        if sql is None:
            return None
        return Sink(call, name, "asyncpg", DOLLAR, (sql,), len(call.args) > 1 or _has_argskeyword_value(call))
    if root == "databases" and method in _DATABASES_METHODS:
        sql = argument(call, 0, "query")
        values = argument(call, 1, "values")
        return Sink(call, name, "databases", NAMED, (sql,), values is not None) if sql is not None else None
    if root in _SQLALCHEMY_ROOTS and method in _SQLALCHEMY_METHODS:
        sql = argument(call, 0, "statement")
        if sql is None:
            return None
        has_params = len(call.args) > 1 or any(k.arg in ("parameters", "params") for k in call.keywords)
        return Sink(call, name, "sqlalchemy", None, (sql,), has_params)
    return None


def _sink_by_name(call: ast.Call, method: str, receiver: ast.expr, name: str, ctx: FileContext) -> Optional[Sink]:
    if method in ("execute", "executemany"):
        if _is_cursor_name(receiver) or _written_name(receiver) in _CONNECTION_NAMES:
            return _dbapi_sink(call, name, "dbapi", _file_paramstyle(ctx), by_name=True)
        return None
    if method in _ASYNC_FETCHES and _written_name(receiver) in _CONNECTION_NAMES | {"pool", "database"}:
        sql = argument(call, 0, "query")
        if sql is None:
            return None
        style = DOLLAR if "asyncpg" in ctx.imports.modules else NAMED if "databases" in ctx.imports.modules else None
        return Sink(call, name, "dbapi", style, (sql,), len(call.args) > 1 or bool(call.keywords), by_name=True)
    return None


def _written_name(receiver: ast.expr) -> str:
    if isinstance(receiver, ast.Name):
        return receiver.id
    return receiver.attr if isinstance(receiver, ast.Attribute) else ""


def _is_cursor_name(receiver: ast.expr) -> bool:
    if isinstance(receiver, ast.Name):
        return receiver.id in _CURSOR_NAMES
    if isinstance(receiver, ast.Attribute):
        return receiver.attr in _CURSOR_NAMES
    if isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Attribute):
        return receiver.func.attr == "cursor" and not receiver.args
    return False


def _file_paramstyle(ctx: FileContext) -> Optional[str]:
    """The placeholder style of the one DB-API driver the file imports (``None``: none or several)."""
    styles = {style for module, style in _DBAPI_DRIVERS.items() if module in ctx.imports.modules}
    if "django.db.connection" in ctx.imports.names.values() or "django.db.connections" in ctx.imports.names.values():
        styles.add(FORMAT)
    return styles.pop() if len(styles) == 1 else None


def _dbapi_sink(
    call: ast.Call, name: str, driver: str, paramstyle: Optional[str], by_name: bool = False
) -> Optional[Sink]:
    sql = argument(call, 0, "sql") or keyword_value(call, "query") or keyword_value(call, "operation")
    if sql is None:
        return None
    params = argument(call, 1, "parameters") or keyword_value(call, "params") or keyword_value(call, "args")
    return Sink(call, name, driver, paramstyle, (sql,), params is not None or len(call.args) > 2, by_name)


def _django_queryset_sink(call: ast.Call, func: ast.Attribute, name: str) -> Optional[Sink]:
    if not _is_manager_chain(func.value):
        return None
    if func.attr == "raw":
        sql = argument(call, 0, "raw_query")
        params = argument(call, 1, "params")
        return Sink(call, name, "django", LIST_FORMAT, (sql,), params is not None) if sql is not None else None
    pieces: list[ast.expr] = []
    for keyword in call.keywords:
        if keyword.arg == "where" and isinstance(keyword.value, (ast.List, ast.Tuple)):
            pieces.extend(keyword.value.elts)
        elif keyword.arg == "select" and isinstance(keyword.value, ast.Dict):
            pieces.extend(value for value in keyword.value.values if value is not None)
    has_params = any(keyword.arg in ("params", "select_params") for keyword in call.keywords)
    return Sink(call, name, "django", None, tuple(pieces), has_params, fragment=True) if pieces else None


def _is_manager_chain(expr: ast.expr) -> bool:
    """``Model.objects`` or a queryset chain starting at a manager (``Model.objects.filter(...)``)."""
    while True:
        if isinstance(expr, ast.Attribute):
            if expr.attr in _MANAGERS:
                return True
            expr = expr.value
        elif isinstance(expr, ast.Call):
            expr = expr.func
        else:
            return False


def _receiver_origin(expr: ast.expr, ctx: FileContext, scope: Optional[Scope] = None) -> Optional[str]:
    """:func:`origin`, plus Django's ``connections["replica"]`` (and ``.cursor()`` on it) as a connection."""
    made = origin(expr, ctx, scope)
    if made is not None:
        return made
    if isinstance(expr, ast.Subscript):
        return "django.db.connection" if ctx.imports.resolve(expr.value) == "django.db.connections" else None
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and isinstance(
        expr.func.value, ast.Subscript
    ):
        base = _receiver_origin(expr.func.value, ctx, scope)
        return f"{base}.{expr.func.attr}()" if base else None
    return None


def _has_argskeyword_value(call: ast.Call) -> bool:
    return any(isinstance(arg, ast.Starred) for arg in call.args) or any(k.arg is None for k in call.keywords)


def written_call(call: ast.Call) -> str:
    """The callee chain as written, arguments elided, for messages (``connections[...].cursor().execute``,
    ``session.query(...).filter(...).all``)."""
    parts: list[str] = []
    node: ast.expr = call.func
    while True:
        if isinstance(node, ast.Attribute):
            parts.append("." + node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            parts.append("(...)" if node.args or node.keywords else "()")
            node = node.func
        elif isinstance(node, ast.Subscript):
            parts.append("[...]")
            node = node.value
        elif isinstance(node, ast.Await):
            node = node.value
        elif isinstance(node, ast.Name):
            parts.append(node.id)
            break
        else:
            parts.append("...")
            break
    return "".join(reversed(parts))
