"""The file's half of the project's reachability fact (:func:`.project.conditions.unreached`): which module-level
functions and classes the module itself never names, and which names it uses that may reach another module's.

Judges close as "not a bug" a finding in code that never runs: a helper nothing in the project calls, an adapter
class only a test's mock names, a function only data migrations call. Whether anything calls a definition is a
question for the whole project, so it is asked in two halves:

- here, per file: a top-level ``def``/``class`` is *loose* when its own module never names it outside its own
  lines (a word search of the text: a call, a reference passed as a value, ``__all__``, a ``getattr`` string, a
  comment), it carries no decorator but the few that register nothing (``functools.cache``, ``dataclass``...), and
  its name is not one a framework or tool calls by convention (``main``, ``handler``, ``create_app``, gunicorn's
  hooks, ``pytest_*``, dunders). A module that looks its own names up at run time (``globals()``,
  ``sys.modules[__name__]``, ``__subclasses__``) or that a tool loads by its file name (``conftest``, ``setup``,
  ``gunicorn.conf``...) has none. :meth:`backend_lint.rule.Rule.report` attaches ``unreached`` to every finding
  inside a loose definition, so every rule benefits with no code of its own;
- in the summary (:func:`referenced_names`): the attribute names the module uses (``routes_page.blueprint``,
  ``adapter.check``) and the identifier words of its path-like strings (``"shop.tasks.refresh"``,
  ``"pkg.cli:main"``, ``"handle_"`` prefixes): the model (:mod:`.project.def_reach`) decides that no other module
  reaches a loose definition by name.
"""

from __future__ import annotations

import ast
import bisect
import re
from typing import TYPE_CHECKING, NamedTuple, Optional, Union

from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.node_index import node_index

if TYPE_CHECKING:
    from backend_lint.context import FileContext

Definition = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef]

CLASS = "class"
"""The second argument of ``unreached`` for a class: the model also asks that it is a plain class."""

_PURE_DECORATORS = frozenset({
    "cache", "lru_cache", "cached", "wraps", "contextmanager", "asynccontextmanager", "total_ordering", "dataclass",
    "singledispatch", "overload", "final", "deprecated",
})
"""Decorators that register the definition nowhere: a definition they wrap is as unreached as a plain one. Any
other decorator may register it (a route, a task, a signal receiver, a template filter, a fixture, a command)."""
_CONVENTIONAL = frozenset({
    "main", "handler", "lambda_handler", "application", "app", "create_app", "make_app", "get_app", "setup",
    "teardown", "includeme", "register", "ready", "run", "upgrade", "downgrade", "load_tests", "setup_module",
    "teardown_module", "plugin", "load", "init", "initialize", "configure", "get_wsgi_application",
    "get_asgi_application",
    # gunicorn's server hooks, read from a configuration module by name
    "on_starting", "on_reload", "when_ready", "pre_fork", "post_fork", "post_worker_init", "worker_int",
    "worker_abort", "pre_exec", "pre_request", "post_request", "child_exit", "worker_exit", "nworkers_changed",
    "on_exit",
})
"""Names a framework, server or tool calls without the project naming them (an AWS Lambda ``handler``, Flask's
``create_app`` found by ``flask run``, Pyramid's ``includeme``, Alembic's ``upgrade``)."""
_CONVENTIONAL_PREFIXES = ("test_", "Test", "pytest_", "__")
LOADED_BY_FILE = frozenset({
    "conftest", "setup", "noxfile", "fabfile", "manage", "wsgi", "asgi", "__main__", "conf", "hooks", "plugins",
})
"""Modules a tool loads by their file name and calls by convention (pytest, setuptools, nox, Sphinx...)."""
_RUN_TIME_LOOKUPS = ("globals()", "sys.modules[__name__]", "__subclasses__", "vars()", "locals()")
"""Text of a module that looks names up while it runs: any of its definitions may be reached that way."""
_PATH_LIKE = lazy_compile(r"[A-Za-z_][\w.:]*")
_ENTRY_POINT = lazy_compile(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*")
"""``module:function`` inside a longer string: setup.py's ``"name = pkg.log.callback:log_action"``."""
_WORD = lazy_compile(r"[A-Za-z_]\w*")
_LONGEST_STRING = 200
"""Longer strings are text, not names."""


class LooseDef(NamedTuple):
    """A top-level definition its own module never names: its lines (decorators included) and its name."""

    first: int
    last: int
    name: str
    kind: str
    """:data:`CLASS` or ``""`` (a function)."""


def _decorator_name(decorator: ast.expr) -> Optional[str]:
    """``functools.lru_cache(maxsize=1)`` -> ``lru_cache``."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    if isinstance(target, ast.Name):
        return target.id
    return target.attr if isinstance(target, ast.Attribute) else None


def _candidate(statement: ast.stmt) -> bool:
    """A top-level function or class that names no framework hook and carries no registering decorator."""
    if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return False
    name = statement.name
    if name in _CONVENTIONAL or name.startswith(_CONVENTIONAL_PREFIXES):
        return False
    return all(_decorator_name(decorator) in _PURE_DECORATORS for decorator in statement.decorator_list)


def loose_defs(ctx: FileContext) -> tuple[LooseDef, ...]:
    """The module's loose top-level definitions (see the module docstring), in source order; kept per file in
    ``ctx.states`` (asked by :meth:`~backend_lint.rule.Rule.report` for every finding, not by a rule's checks)."""
    found = ctx.states.get(loose_defs)
    if found is None:
        found = ctx.states[loose_defs] = _loose_defs(ctx)
    return found


def _loose_defs(ctx: FileContext) -> tuple[LooseDef, ...]:
    last_name = ctx.role_path.rpartition("/")[2].removesuffix(".py")
    source = ctx.source
    if last_name in LOADED_BY_FILE or last_name.startswith("gunicorn") or any(
        text in source for text in _RUN_TIME_LOOKUPS
    ):
        return ()
    candidates: dict[str, list[LooseDef]] = {}
    for statement in ctx.tree.body:
        if _candidate(statement):
            assert isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))  # for mypy
            first = min([statement.lineno, *(decorator.lineno for decorator in statement.decorator_list)])
            kind = CLASS if isinstance(statement, ast.ClassDef) else ""
            last = statement.end_lineno or statement.lineno
            candidates.setdefault(statement.name, []).append(LooseDef(first, last, statement.name, kind))
    if not candidates:
        return ()
    starts = [0]
    starts.extend(match.end() for match in re.finditer("\n", source))
    named: set[str] = set()
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, candidates)) + r")\b")
    for match in pattern.finditer(source):
        name = match.group()
        line = bisect.bisect_right(starts, match.start())
        if not any(item.first <= line <= item.last for item in candidates[name]):
            named.add(name)
    return tuple(sorted(
        (item for name, items in candidates.items() if name not in named and len(items) == 1 for item in items),
        key=lambda item: item.first,
    ))


def enclosing_loose_def(ctx: FileContext, line: int) -> Optional[LooseDef]:
    """The loose definition whose lines hold ``line``, if any."""
    for item in loose_defs(ctx):
        if item.first <= line <= item.last:
            return item
    return None


_MODULE_LOADERS = (
    "import_module", "__import__", "iter_modules", "walk_packages", "spec_from_file_location", "load_source",
    "entry_points(", "autodiscover", "run_path", "run_module", "SourceFileLoader", "load_module", "import_string",
    "find_modules", "load_object", "locate(", "import_by_path", "exec(",
)
"""Text of a module that loads modules by a name it computes (``importlib.import_module(f"{pkg}.{name}")``,
``pkgutil.iter_modules``, Django's and Celery's ``autodiscover``, werkzeug's ``import_string``, plugins' entry
points): any module of the project may be loaded that way without being imported by name."""


def loads_modules(source: str) -> bool:
    """The module's text loads modules by computed name (:data:`_MODULE_LOADERS`; a word test, no parse)."""
    return any(word in source for word in _MODULE_LOADERS)


def runs_as_script(source: str) -> bool:
    """The module has a main guard (``if __name__ == "__main__":``): a program someone runs, not only a library."""
    return "__main__" in source


def referenced_names(ctx: FileContext) -> list[str]:
    """The names through which the module may reach another module's definitions without importing them by name
    (sorted): the attribute names it uses (``module.function``, ``object.method``) and the identifier words of its
    short path-like strings (``"shop.tasks.refresh"``, ``"pkg.cli:main"``, a ``getattr`` name) and of the
    ``module:function`` entry points in others (``"log = pkg.callback:log_action"``); a word ending in
    ``_`` is a prefix a name is built from (``getattr(handlers, "handle_" + kind)``)."""
    index = node_index(ctx)
    found = {node.attr for node in index.of(ast.Attribute)}
    if "__init_subclass__" in ctx.source:  # a base that registers its subclasses (a def, not an attribute)
        found.add("__init_subclass__")
    for node in index.of(ast.Constant):
        value = node.value
        if not (isinstance(value, str) and 0 < len(value) <= _LONGEST_STRING):
            continue
        if _PATH_LIKE.fullmatch(value):
            found.update(_WORD.findall(value))
        elif ":" in value:
            found.update(word for point in _ENTRY_POINT.findall(value) for word in _WORD.findall(point))
    return sorted(found)
