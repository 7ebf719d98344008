"""The one walk: every enabled rule's callbacks, dispatched by node type, in a single pass over the tree.

The walk is iterative (deep nesting cannot hit the recursion limit) and pre-order in source order; the
module's imports are read before it starts (:attr:`FileContext.imports`). Each node costs one dict lookup when
no rule wants its type. Scopes are immutable links handed down the walk, replaced on entering a function,
class, loop, ``except`` clause or ``if __name__ == "__main__":``. A rule that raises is reported as an internal
error for that file and switched off for the rest of it; the other rules go on.
"""

from __future__ import annotations

import ast
import traceback
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Callable

from backend_lint.analysis.scopes import CLASS, EXCEPT, FUNCTION, LOOP, MAIN_GUARD, Scope, is_main_guard
from backend_lint.context import FileContext
from backend_lint.finding import FileError, FileResult, Finding
from backend_lint.rule import Callback, Rule, callbacks_of

if TYPE_CHECKING:
    from backend_lint.analysis.project.summary import ModuleSummary

Dispatch = dict[type, list[tuple[Rule, Callable[[Any, FileContext], None]]]]

_SKIPPED_FIELDS = frozenset({"ctx", "op", "ops", "type_comment"})
# Fields that never hold nodes (names, numbers, flags, lists of strings): leaving them out of the walk's field
# table means the most common nodes (``Name``, ``Constant``, ``alias``) cost no field loop at all.
_PRIMITIVE_FIELDS = frozenset({
    "id", "attr", "arg", "name", "asname", "module", "level", "kind", "conversion", "is_async", "simple",
    "tag", "names", "kwd_attrs", "rest",
})
_LEAF_TYPES = frozenset({ast.Constant})  # ``value`` is a Python value here, not a node
_NODE_FIELDS_NAMED_LIKE_PRIMITIVES = frozenset({
    ("Import", "names"), ("ImportFrom", "names"), ("TypeAlias", "name"),  # these do hold nodes
})
_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {}
_LEAVE = object()
_DISPATCH_TABLES = 256
"""Dispatch tables kept, one per set of rules some file triggered: a run over many projects meets thousands of
sets (all of them kept were 17 MiB at the end of a run over the corpus, growing with the files), while a table
costs a few microseconds to build from each rule's callbacks."""
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


def _fields(node_type: type[ast.AST]) -> tuple[str, ...]:
    found = _FIELDS.get(node_type)
    if found is None:
        found = _FIELDS[node_type] = () if node_type in _LEAF_TYPES else tuple(
            name for name in reversed(node_type._fields)
            if name not in _SKIPPED_FIELDS
            and (name not in _PRIMITIVE_FIELDS or (node_type.__name__, name) in _NODE_FIELDS_NAMED_LIKE_PRIMITIVES)
        )
    return found


class Engine:
    """Runs a fixed set of rule instances over parsed files."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = list(rules)
        self._dispatch_cache: dict[tuple[int, ...], tuple[Dispatch, Dispatch]] = {}
        self._rule_callbacks: dict[int, tuple[list[tuple[type, Callback]], list[tuple[type, Callback]]]] = {}

    def _dispatch(self, rules: Sequence[Rule]) -> tuple[Dispatch, Dispatch]:
        key = tuple(id(rule) for rule in rules)
        cached = self._dispatch_cache.get(key)
        if cached is None:
            enter: Dispatch = {}
            leave: Dispatch = {}
            for rule in rules:
                visitors, leavers = self._callbacks(rule)
                for node_type, callback in visitors:
                    enter.setdefault(node_type, []).append((rule, callback))
                for node_type, callback in leavers:
                    leave.setdefault(node_type, []).append((rule, callback))
            if len(self._dispatch_cache) >= _DISPATCH_TABLES:
                del self._dispatch_cache[next(iter(self._dispatch_cache))]  # the oldest
            cached = self._dispatch_cache[key] = (enter, leave)
        return cached

    def _callbacks(self, rule: Rule) -> tuple[list[tuple[type, Callback]], list[tuple[type, Callback]]]:
        """A rule's callbacks on entering and on leaving nodes, by node type (bound once per rule)."""
        found = self._rule_callbacks.get(id(rule))
        if found is None:
            found = self._rule_callbacks[id(rule)] = (
                list(callbacks_of(rule, rule.visitors)), list(callbacks_of(rule, rule.leavers))
            )
        return found

    def project_rules(self) -> list[Rule]:
        """The rules whose findings depend on other files of the project: through facts they declare, and every
        rule through :func:`~backend_lint.analysis.project.conditions.unreached`, which
        :meth:`Rule.report <backend_lint.rule.Rule.report>` attaches to a finding in a definition its module never
        names, whatever the rule."""
        return list(self.rules)

    def active_rules(self, source: str, rules: Iterable[Rule] | None = None) -> list[Rule]:
        """The rules whose trigger words occur in ``source`` (rules with no triggers always run).

        Each distinct word is searched for once per file (rules share words such as ``except``), and a word
        containing another of the same rule's words is never searched for (``flask`` decides
        ``flask_restx``).
        """
        chosen = self.rules if rules is None else rules
        found: dict[str, bool] = {}
        active = []
        for rule in chosen:
            words = _trigger_words(rule)
            if not words:
                active.append(rule)
                continue
            for word in words:
                present = found.get(word)
                if present is None:
                    present = found[word] = word in source
                if present:
                    active.append(rule)
                    break
        return active

    def check(
        self,
        tree: ast.Module,
        source: str,
        display_path: str,
        project_path: str,
        rules: Iterable[Rule] | None = None,
        module: str = "",
        summarize: bool = False,
        role_path: str | None = None,
        location: str | None = None,
    ) -> FileResult:
        """Run the rules (default: all of this engine's) over one parsed file; with ``summarize``, also take the
        file's summary for the project model (after the walk, from the facts the rules asked). ``role_path``: the path
        the module's roles are read from (:func:`.analysis.project.roots.role_path`; default: ``project_path``);
        ``location``: the file's absolute path on disk (:attr:`.FileContext.location`)."""
        ctx = FileContext(tree, source, display_path, project_path, module, role_path, location)
        result = FileResult(display_path, errors=self.run(ctx, rules))
        result.findings = sorted(ctx.findings, key=Finding.sort_key)
        if summarize:
            result.summary = _summary(ctx, result.errors)
        return result

    def run(self, ctx: FileContext, rules: Iterable[Rule] | None = None) -> list[FileError]:
        """Walk ``ctx``'s tree once with the rules (default: all) whose trigger words occur in its source.

        Findings go to ``ctx.findings``; the facts the rules' questions computed stay in ``ctx.facts``.
        """
        errors: list[FileError] = []
        active = self.active_rules(ctx.source, rules)
        if active:
            enter, leave = self._dispatch(active)
            _walk(ctx, dict(enter), dict(leave), errors)
            ctx.walked = True
        return errors


def _summary(ctx: FileContext, errors: list[FileError]) -> ModuleSummary | None:
    """The file's summary; a failure is reported like a rule's, and the project facts about it stay unknown."""
    from backend_lint.analysis.project.extract import summarize  # noqa: PLC0415 - only when a project is modelled

    try:
        return summarize(ctx)
    except Exception as exc:
        summary = f"{type(exc).__name__}: {exc}".splitlines()[0] if str(exc) else type(exc).__name__
        errors.append(FileError(ctx.display_path, summary, code="project", detail=traceback.format_exc()))
        return None


_TRIGGERS: dict[tuple[str, ...], tuple[str, ...]] = {}


def _trigger_words(rule: Rule) -> tuple[str, ...]:
    """The rule's trigger words without those that contain another of them (same answer, fewer searches)."""
    words = tuple(rule.triggers)
    minimal = _TRIGGERS.get(words)
    if minimal is None:
        minimal = _TRIGGERS[words] = tuple(
            word for word in dict.fromkeys(words) if not any(other != word and other in word for other in words)
        )
    return minimal


def _fail(ctx: FileContext, rule: Rule, node: ast.AST, exc: Exception, tables: tuple[Dispatch, ...],
          errors: list[FileError]) -> None:
    line = getattr(node, "lineno", "?")
    summary = f"{type(exc).__name__}: {exc}".splitlines()[0] if str(exc) else type(exc).__name__
    errors.append(
        FileError(ctx.display_path, f"{summary} (at line {line})", code=rule.code, detail=traceback.format_exc())
    )
    for table in tables:
        for node_type, entries in list(table.items()):
            table[node_type] = [entry for entry in entries if entry[0] is not rule]


def _walk(ctx: FileContext, enter: Dispatch, leave: Dispatch, errors: list[FileError]) -> None:
    parents = ctx.parents
    stack: list[tuple[Any, Any, Scope]] = [(ctx.tree, None, ctx.root_scope)]
    push = stack.append
    pop = stack.pop
    field_table, openers, node_class = _FIELDS, _SCOPE_OPENERS, ast.AST
    # Leaves no rule wants in this file (most ``Name`` and ``Constant`` nodes) get their parent, not a visit.
    quiet_leaves = _LEAF_NODE_TYPES.difference(enter, leave)
    while stack:
        node, parent, scope = pop()
        node_type = type(node)
        if parent is _LEAVE:
            callbacks = leave.get(node_type)
            if callbacks:
                ctx.scope = scope
                ctx.parent = parents.get(node)
                for rule, callback in callbacks:
                    try:
                        callback(node, ctx)
                    except Exception as exc:
                        _fail(ctx, rule, node, exc, (enter, leave), errors)
            continue
        callbacks = enter.get(node_type)
        if callbacks:
            ctx.scope = scope
            ctx.parent = parent
            for rule, callback in callbacks:
                try:
                    callback(node, ctx)
                except Exception as exc:
                    _fail(ctx, rule, node, exc, (enter, leave), errors)
        if node_type in leave:
            push((node, _LEAVE, scope))
        opener = openers.get(node_type)
        if opener is not None and opener(node, scope, push, parents):
            continue
        fields = field_table.get(node_type)
        for name in fields if fields is not None else _fields(node_type):
            value = getattr(node, name, None)
            if value is None:
                continue
            if type(value) is list:
                for child in reversed(value):
                    if isinstance(child, node_class):
                        parents[child] = node
                        if type(child) not in quiet_leaves:
                            push((child, node, scope))
            elif isinstance(value, node_class):
                parents[value] = node
                if type(value) not in quiet_leaves:
                    push((value, node, scope))


_LEAF_NODE_TYPES = frozenset(  # node types with nothing to walk below them: Name, Constant, alias, Pass...
    kind for kind in vars(ast).values()
    if isinstance(kind, type) and issubclass(kind, ast.AST) and _fields(kind) == ()
)

Push = Callable[[tuple[Any, Any, Scope]], None]
Parents = dict[ast.AST, ast.AST]


def _push_all(node: ast.AST, values: list[Any], scope: Scope, push: Push, parents: Parents) -> None:
    """Push ``values`` (nodes or lists of nodes, in source order) so that they pop in source order."""
    for value in reversed(values):
        if value is None:
            continue
        if type(value) is list:
            for child in reversed(value):
                if isinstance(child, ast.AST):
                    parents[child] = node
                    push((child, node, scope))
        else:
            parents[value] = node
            push((value, node, scope))


def _open_function(node: Any, scope: Scope, push: Push, parents: Parents) -> bool:
    inner = Scope(FUNCTION, node, scope)
    if isinstance(node, ast.Lambda):
        _push_all(node, [node.args, node.body], inner, push, parents)
        return True
    _push_all(node, [node.body], inner, push, parents)
    _push_all(node, [node.args], inner, push, parents)
    _push_all(node, [node.decorator_list, node.returns], scope, push, parents)
    return True


def _open_class(node: ast.ClassDef, scope: Scope, push: Push, parents: Parents) -> bool:
    _push_all(node, [node.body], Scope(CLASS, node, scope), push, parents)
    _push_all(node, [node.decorator_list, node.bases, node.keywords], scope, push, parents)
    return True


def _open_loop(node: Any, scope: Scope, push: Push, parents: Parents) -> bool:
    _push_all(node, [node.orelse], scope, push, parents)
    _push_all(node, [node.body], Scope(LOOP, node, scope), push, parents)
    if isinstance(node, ast.While):
        _push_all(node, [node.test], scope, push, parents)
    else:
        _push_all(node, [node.target, node.iter], scope, push, parents)
    return True


def _open_comprehension(node: Any, scope: Scope, push: Push, parents: Parents) -> bool:
    first = node.generators[0]
    inner = Scope(LOOP, first, scope)
    parents[first] = node
    results = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
    later = node.generators[1:]
    _push_all(node, [*results, later], inner, push, parents)
    _push_all(first, [first.target, first.ifs], inner, push, parents)
    _push_all(first, [first.iter], scope, push, parents)
    return True


def _open_except(node: ast.ExceptHandler, scope: Scope, push: Push, parents: Parents) -> bool:
    _push_all(node, [node.body], Scope(EXCEPT, node, scope), push, parents)
    _push_all(node, [node.type], scope, push, parents)
    return True


def _open_if(node: ast.If, scope: Scope, push: Push, parents: Parents) -> bool:
    if not is_main_guard(node):
        return False
    _push_all(node, [node.orelse], scope, push, parents)
    _push_all(node, [node.body], Scope(MAIN_GUARD, node, scope), push, parents)
    _push_all(node, [node.test], scope, push, parents)
    return True


_SCOPE_OPENERS: dict[type, Callable[[Any, Scope, Push, Parents], bool]] = {
    ast.FunctionDef: _open_function,
    ast.AsyncFunctionDef: _open_function,
    ast.Lambda: _open_function,
    ast.ClassDef: _open_class,
    ast.For: _open_loop,
    ast.AsyncFor: _open_loop,
    ast.While: _open_loop,
    ast.ExceptHandler: _open_except,
    ast.If: _open_if,
    **{kind: _open_comprehension for kind in _COMPREHENSIONS},
}
