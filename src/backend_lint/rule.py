"""The contract every rule module fulfils: identity, options, node-type callbacks and an optional fix.

A rule is a subclass of :class:`Rule` in a module of :mod:`backend_lint.rules`. It declares its identity once
(code, name, message template, fix title and kind, options, trigger words), the analysis it asks (``needs``:
facts and analysis functions of :mod:`backend_lint.analysis`), and marks methods with :func:`visits` (called on
entering a node type during the one shared walk) or :func:`leaves` (called after a node's subtree was walked:
whole-function and whole-module facts). What a rule collects across callbacks lives in a :class:`FileState`.
The engine finds rules by importing the package, so adding a rule edits no other file.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from backend_lint.analysis.project.conditions import absent, no_project, unreached
from backend_lint.analysis.reach_names import enclosing_loose_def
from backend_lint.finding import Applicability, Finding

if TYPE_CHECKING:  # libcst is imported only on the fix path
    import libcst as cst

    from backend_lint.analysis.project.conditions import ProjectFact
    from backend_lint.context import FileContext
    from backend_lint.fixing.context import FixContext

Callback = Callable[[Any, "FileContext"], None]
"""A bound callback as the engine calls it, with a node of the type it was registered for."""
S = TypeVar("S")
M = TypeVar("M", bound=Callable[..., None])
"""A callback method, ``(self, node, ctx) -> None``: the decorators hand it back with its own signature, so its
node parameter keeps the precise type the method declares."""


@dataclass(frozen=True)
class Option:
    """One rule option, set in ``[tool.backend-lint.BE201]`` (key in kebab-case)."""

    key: str
    type: type  # str, int, float, bool or list (of str)
    default: Any
    help: str

    def validate(self, value: Any) -> Any:
        """Return ``value`` if it has this option's type, else raise ``TypeError`` with the expected type."""
        expected = self.type
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if expected is list:
            if isinstance(value, list) and all(isinstance(item, str) for item in value):
                return value
            raise TypeError("a list of strings")
        if isinstance(value, expected) and not (expected is int and isinstance(value, bool)):
            return value
        raise TypeError(f"a {expected.__name__}")


def visits(*node_types: type[ast.AST]) -> Callable[[M], M]:
    """Mark a method to be called when the walk enters a node of one of ``node_types``."""

    def mark(method: M) -> M:
        method.__dict__.setdefault("_visits", []).extend(node_types)
        return method

    return mark


def leaves(*node_types: type[ast.AST]) -> Callable[[M], M]:
    """Mark a method to be called after the walk has finished a node's subtree."""

    def mark(method: M) -> M:
        method.__dict__.setdefault("_leaves", []).extend(node_types)
        return method

    return mark


class FileState(Generic[S]):
    """A rule's own state for one file: what it collects across callbacks and reports from a later one.

    Declared on the rule class (``pending = FileState(dict)``) and asked as ``self.pending(ctx)``: each file
    gets a fresh value from ``factory``, so nothing leaks from one file into the next.
    """

    __slots__ = ("factory",)

    def __init__(self, factory: Callable[[], S]) -> None:
        self.factory = factory

    def __call__(self, ctx: FileContext) -> S:
        states = ctx.states
        found = states.get(self)
        if found is None:
            found = states[self] = self.factory()
        return found


class Rule:
    """Base class of every rule. Subclasses set the class attributes and mark callbacks."""

    code: ClassVar[str]
    name: ClassVar[str]
    message: ClassVar[str]
    """Template filled with ``report``'s keyword arguments: one line, no trailing period."""
    fix_title: ClassVar[str | None] = None
    fix_kind: ClassVar[Applicability] = Applicability.NONE
    """The best applicability any finding of this rule can have."""
    fix_node: ClassVar[str | tuple[str, ...] | None] = None
    """Name of the libcst node class the fix replaces (found at the finding's range), or several names."""
    options: ClassVar[tuple[Option, ...]] = ()
    triggers: ClassVar[tuple[str, ...]] = ()
    """Words of which at least one must occur in a file's text for the rule to run on it (empty: always)."""
    needs: ClassVar[tuple[Callable[..., Any], ...]] = ()
    """The facts and analysis functions the rule asks (see :mod:`backend_lint.analysis.facts`): whatever they
    read is what the rule's findings depend on besides the file itself."""
    module_facts: ClassVar[tuple[Callable[[str], ProjectFact], ...]] = ()
    """Project facts about the checked module itself that make every finding of the rule wrong (``cli_module``:
    only command line code reaches it; ``test_support``: only tests do). :meth:`report` attaches them."""

    project_only: ClassVar[bool] = False
    """Its findings need the whole project (they list :func:`~backend_lint.analysis.project.conditions.no_project`):
    checked without a project model (standard input, the in-process API without a project index) it is silent."""

    visitors: ClassVar[dict[type[ast.AST], list[str]]]
    leavers: ClassVar[dict[type[ast.AST], list[str]]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.visitors, cls.leavers = {}, {}
        for attr, value in vars(cls).items():
            for node_type in getattr(value, "_visits", ()):
                cls.visitors.setdefault(node_type, []).append(attr)
            for node_type in getattr(value, "_leaves", ()):
                cls.leavers.setdefault(node_type, []).append(attr)

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        values = {option.key: option.default for option in self.options}
        values.update(settings or {})
        self.settings = values

    def option(self, key: str) -> Any:
        return self.settings[key]

    @classmethod
    def option_map(cls) -> dict[str, Option]:
        return {option.key: option for option in cls.options}

    def report(
        self,
        ctx: FileContext,
        node: ast.AST,
        *,
        end_node: ast.AST | None = None,
        applicability: Applicability | None = None,
        fix_data: Any = None,
        unless: tuple[ProjectFact, ...] = (),
        only_if: tuple[ProjectFact, ...] = (),
        **template: Any,
    ) -> Finding:
        """Record a finding spanning ``node`` (or ``node`` to ``end_node``) with the message filled in.

        ``unless``: facts of the project (:mod:`backend_lint.analysis.project.conditions`) any of which makes the
        finding wrong; the project model drops it once one holds (without a project, it stands); a finding inside a
        module-level function or class that its module never names also gets :func:`unreached` of it. ``only_if``:
        facts every one of which the project must establish for the finding to stand (without a project, it is
        dropped); they are recorded in ``unless`` as ``absent(fact)``, with ``no_project()``."""
        if only_if:
            unless = (*unless, no_project(), *(absent(fact) for fact in only_if))
        best = self.fix_kind
        chosen = best if applicability is None else min(applicability, best)
        line, col = ctx.char_position(node.lineno, node.col_offset)  # type: ignore[attr-defined]  # reported nodes have positions
        last = end_node or node
        end_line = getattr(last, "end_lineno", None) or line
        end_offset = getattr(last, "end_col_offset", None)
        end_col = ctx.char_position(end_line, end_offset)[1] if end_offset is not None else col
        if self.module_facts and ctx.module:
            unless = (*unless, *(fact(ctx.module) for fact in self.module_facts))
        if ctx.module:  # inside a top-level def its module never names: the project may show nothing reaches it
            loose = enclosing_loose_def(ctx, node.lineno)  # type: ignore[attr-defined]  # as above
            if loose is not None:
                unless = (*unless, unreached(f"{ctx.module}.{loose.name}", loose.kind))
        finding = Finding(
            code=self.code,
            name=self.name,
            message=self.message.format(**template) if template else self.message,
            path=ctx.display_path,
            line=line,
            col=col,
            end_line=end_line,
            end_col=end_col,
            applicability=chosen,
            fix_title=self.fix_title if chosen else None,
            fix_data=fix_data,
            unless=unless,
        )
        ctx.findings.append(finding)
        return finding

    def fix(self, finding: Finding, node: cst.CSTNode, fixer: FixContext) -> cst.CSTNode | None:
        """Return the replacement for ``node``, or ``None`` when the exact rewrite is impossible."""
        raise NotImplementedError(f"{self.code} offers no fix")

    @classmethod
    def describe(cls) -> dict[str, Any]:
        return {
            "code": cls.code,
            "name": cls.name,
            "fix": cls.fix_kind.label,
            "options": [option.key for option in cls.options],
        }


def callbacks_of(rule: Rule, table: dict[type[ast.AST], list[str]]) -> Iterable[tuple[type[ast.AST], Callback]]:
    for node_type, names in table.items():
        for name in names:
            yield node_type, getattr(rule, name)
