"""Best-effort steps whose failure loses nothing, and fallbacks that answer anyway (BE205).

Five facts, each read from the ``try`` statement and the code around it, never from an application's names:

- **a cache invalidated**: a ``try`` whose only effect is to drop entries of a cache (``cache.delete(key)``,
  ``cache.delete_many(keys)``, ``caches["constance"].clear()``, ``self.cache.invalidate(...)``), with the
  lookups that name the keys. The data lives elsewhere (the database, the file); a failed flush leaves entries
  that expire on their own or are overwritten, so nothing is half-done: kpi's migrations flush the constance
  cache after repairing the rows ("Never block a migration for a cache flush failure"). The receiver must be a
  cache: its name says so (``cache``, ``self.cache``, ``redis_cache``), or it was taken from Django's
  ``caches[...]``. A ``delete`` on anything else (a model, a queue) is real work and stays flagged.
- **a stored file removed**: a ``try`` whose only effect is to delete a file through a file storage
  (``default_storage.delete(path)``, ``instance.file.storage.delete(name)``) or a file field
  (``instance.avatar.delete(save=False)``): the same best-effort cleanup as ``os.unlink(path)``, whose failure
  leaves a leftover file and loses no data (jumpserver removes the local replay copy after a successful upload).
- **leftover rows removed at the end of a data migration**: the last step of a migration function (nothing
  runs after it) is a ``try`` that only deletes rows (``Food.objects.filter(name="Header").delete()``), once the
  conversion itself is saved. The delete is expected to fail when the rows are still referenced (a protected
  foreign key: tandoor's old "Header" food and unit), and a leftover row harms nothing; the converted data is
  complete either way. A delete earlier in the migration, or in code that serves, stays flagged: what follows
  may count on it.
- **an index made or dropped in a migration**: a migration's ``try`` whose only statements create or drop an
  index (``op.create_index(...)``, ``batch_op.drop_index(...)``, ``op.execute("CREATE INDEX ...")``). An index
  holds no data: the ``try`` is the existence check a database without ``CREATE INDEX IF NOT EXISTS`` (MySQL)
  lacks, or a defensive downgrade re-creating a performance index (Keep's migrations, judged FALSE four times in
  seed 122); a missing index costs speed, never rows.
- **a fallback path follows**: the ``try`` answers when it can and leaves (its last statement returns a value,
  or, in a loop, its success path ends with ``continue``), and the handler (``pass``) falls through to code that
  produces the answer another way: zou's ``try: guest = get_guest(...); return guest`` followed by ``guest =
  create_guest(...); return guest, 201``, or a locale that does not parse listed under its bare language code
  by the statements after the ``try``. The failure *is* the reason the fallback runs; the caller still gets a
  real answer. A fallback that is only a constant (``return None``) gives no answer and stays flagged.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import next_statement, statement_call, written_constant
from backend_lint.analysis.facts import reads
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.module_roles import in_migration

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_INVALIDATIONS = frozenset(
    {"delete", "delete_many", "clear", "invalidate", "invalidate_all", "expire", "evict", "delete_pattern",
     "delete_memoized", "unlink"}
)
"""Methods that drop cache entries (Django's cache API, cachetools, django-redis, Flask-Caching)."""
_ADDS = frozenset({"append", "add", "extend", "insert"})


@reads(in_migration)
def best_effort_step(attempt: ast.Try, handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """The ``try`` only invalidates a cache or removes a stored file, removes leftover rows as a migration's last
    step, or a fallback path follows it."""
    return (
        _only_effect(attempt, _invalidates_cache)
        or _only_effect(attempt, _removes_stored_file)
        or (in_migration(ctx) and _only_deletes(attempt) and _ends_function(attempt, ctx))
        or (in_migration(ctx) and _only_index_changes(attempt))
        or fallback_path_follows(attempt, handler, ctx)
    )


_INDEX_CALLS = frozenset({"create_index", "drop_index"})
_INDEX_SQL = re.compile(r"\s*(CREATE\s+(UNIQUE\s+)?INDEX|DROP\s+INDEX)\b", re.IGNORECASE)


def _only_index_changes(attempt: ast.Try) -> bool:
    """Every statement of the ``try`` creates or drops an index: ``op.create_index(...)``, ``op.drop_index(...)``,
    or ``op.execute("CREATE INDEX ...")`` with the statement written out."""
    def index_change(call: ast.Call, method: str) -> bool:
        first = call.args[0] if call.args else None
        return method in _INDEX_CALLS or (
            method == "execute" and isinstance(first, ast.Constant) and isinstance(first.value, str)
            and _INDEX_SQL.match(first.value) is not None)
    calls = _method_calls(attempt)
    return calls is not None and bool(calls) and all(index_change(call, method) for call, method in calls)


def _only_deletes(attempt: ast.Try) -> bool:
    """Every statement of the ``try`` is a ``.delete()`` call statement (``Unit.objects.filter(...).delete()``)."""
    calls = _method_calls(attempt)
    return calls is not None and all(method == "delete" for _, method in calls)


def _method_calls(attempt: ast.Try) -> Optional[list[tuple[ast.Call, str]]]:
    """Each statement of the ``try`` as the method call it makes (``op.create_index(...)``), or ``None`` when one
    statement is anything else."""
    calls = []
    for statement in attempt.body:
        call = statement_call(statement)
        if call is None or not isinstance(call.func, ast.Attribute):
            return None
        calls.append((call, call.func.attr))
    return calls


def _ends_function(statement: ast.stmt, ctx: FileContext) -> bool:
    """``statement`` is the last that runs in its function: the last of its block, and each block around it up
    to the function (a ``with`` or an ``if``) is the last of its own."""
    current: ast.AST = statement
    while True:
        owner = ctx.parent_of(current)
        if not isinstance(owner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.With, ast.AsyncWith, ast.If)):
            return False
        blocks = [owner.body, owner.orelse] if isinstance(owner, ast.If) else [owner.body]
        if not any(block and block[-1] is current for block in blocks):
            return False
        if isinstance(owner, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return True
        current = owner


def _only_effect(attempt: ast.Try, effect: Callable[[ast.Call, set[str]], bool]) -> bool:
    """Every statement of the ``try`` is a lookup into a local name, an ``if`` (an early ``return``) or a local
    list grown, and at least one is ``effect`` (a call statement on a receiver the caches bound so far name)."""
    caches: set[str] = set()
    found = [False]

    def walk(statements: list[ast.stmt]) -> bool:
        for statement in statements:
            if isinstance(statement, ast.If):
                if _has_call(statement.test) or not walk(statement.body) or not walk(statement.orelse):
                    return False
            elif isinstance(statement, ast.Return):
                if statement.value is not None and not isinstance(statement.value, ast.Constant):
                    return False
            elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
                targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                if not all(isinstance(target, ast.Name) for target in targets) or statement.value is None:
                    return False
                if _cache_source(statement.value):
                    caches.update(target.id for target in targets if isinstance(target, ast.Name))
                elif _has_call(statement.value):
                    return False
            elif isinstance(statement, ast.Expr):
                call = statement.value.value if isinstance(statement.value, ast.Await) else statement.value
                if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute):
                    return False
                if effect(call, caches):
                    found[0] = True
                elif not (call.func.attr in _ADDS and isinstance(call.func.value, ast.Name)
                          and not any(_has_call(argument) for argument in call.args)):
                    return False
            else:
                return False
        return True

    return walk(attempt.body) and found[0]


def _has_call(node: ast.AST) -> bool:
    return any(isinstance(inner, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom)) for inner in ast.walk(node))


def _cache_source(value: ast.expr) -> bool:
    """``caches["default"]``, ``caches[name]``, ``get_cache(...)``: a value that is a cache."""
    if isinstance(value, ast.Subscript):
        return (dotted_name(value.value) or "").rpartition(".")[2] == "caches"
    if isinstance(value, ast.Call):
        return (dotted_name(value.func) or "").rpartition(".")[2] in ("get_cache", "caches")
    return False


def _names_cache(receiver: ast.expr, caches: set[str]) -> bool:
    if isinstance(receiver, ast.Name) and receiver.id in caches:
        return True
    if _cache_source(receiver):
        return True
    written = dotted_name(receiver)
    if written is None:
        return False
    last = written.rpartition(".")[2].lower()
    return "cache" in last and not last.endswith(("_key", "_keys", "_name"))


def _invalidates_cache(call: ast.Call, caches: set[str]) -> bool:
    """``cache.delete_many(keys)``, ``caches["x"].clear()``, ``self.cache.delete(key)``."""
    assert isinstance(call.func, ast.Attribute)
    return call.func.attr in _INVALIDATIONS and _names_cache(call.func.value, caches)


def _removes_stored_file(call: ast.Call, caches: set[str]) -> bool:
    """``default_storage.delete(path)``, ``obj.file.storage.delete(name)``, ``obj.avatar.delete(save=False)``."""
    assert isinstance(call.func, ast.Attribute)
    if call.func.attr != "delete":
        return False
    written = (dotted_name(call.func.value) or "").rpartition(".")[2].lower()
    if written.endswith("storage"):
        return len(call.args) == 1
    # a FieldFile's delete: ``save=False`` says the row is not written (the file alone goes)
    return any(keyword.arg == "save" and isinstance(keyword.value, ast.Constant) and keyword.value.value is False
               for keyword in call.keywords)


_LOOPS = (ast.For, ast.AsyncFor, ast.While)


def fallback_path_follows(attempt: ast.Try, handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """The ``try`` returns a value (or, in a loop, continues) when it succeeds, and the handler ``pass`` falls
    through to statements that produce the answer another way."""
    if not all(isinstance(statement, ast.Pass) for statement in handler.body) or not attempt.body:
        return False
    last = attempt.body[-1]
    if isinstance(last, ast.Return) and last.value is not None:
        following = next_statement(attempt, ctx.parent_of, through_ifs=4)
        return following is not None and _computes_answer(following, ctx)
    if _ends_with_continue(last):
        following = next_statement(attempt, ctx.parent_of, through_ifs=4)
        return following is not None and in_loop(attempt, ctx) and _builds_item(following)
    return False


def _ends_with_continue(statement: ast.stmt) -> bool:
    """``continue``, or an ``if`` whose body ends with ``continue`` (the success path leaves the iteration)."""
    if isinstance(statement, ast.Continue):
        return True
    return isinstance(statement, ast.If) and bool(statement.body) and isinstance(statement.body[-1], ast.Continue)


def in_loop(node: ast.AST, ctx: FileContext) -> bool:
    """``node`` runs in a loop of its function (one item of many: skipping it leaves the others)."""
    current: Optional[ast.AST] = ctx.parent_of(node)
    while current is not None and not isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        if isinstance(current, _LOOPS):
            return True
        current = ctx.parent_of(current)
    return False


def _computes_answer(statement: ast.stmt, ctx: FileContext) -> bool:
    """The statements from ``statement`` on in its block assign and call, and reach a ``return`` of a value that
    is not a constant: ``guest = create_guest(...)`` then ``return guest, 201``."""
    owner = ctx.parent_of(statement)
    block = next((getattr(owner, field) for field in ("body", "orelse")
                  if isinstance(getattr(owner, field, None), list) and statement in getattr(owner, field)), None)
    if block is None:
        return False
    for later in block[block.index(statement):]:
        if isinstance(later, ast.Return):
            return later.value is not None and not written_constant(later.value)
        if not isinstance(later, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Expr)):
            return False
    return False


def _builds_item(statement: ast.stmt) -> bool:
    """The fallback of a loop's item: it adds to a collection (``languages.append(...)``, ``seen.add(code)``),
    directly or under an ``if``."""
    for node in ast.walk(statement):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _ADDS:
            return True
    return False
