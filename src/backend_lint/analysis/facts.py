"""Facts: what the analysis layer works out about a file, declared once, computed on first use, kept per file.

A *fact* is a function of the file context (``@file_fact``: the module logger, the handler model) or of the
context and one node or key (``@node_fact``: the bindings of a scope, the values a ``def`` returns). The
decorated function keeps its signature and return type; its value is kept in ``ctx.facts`` under the fact
itself (never under a string), so it is computed at most once per file and per node, whichever rule asks first.

Each fact has a *scope*: ``FILE`` facts depend on the file's text, its path and the configuration only, so a
file's result may be cached by its bytes; ``PROJECT`` facts depend on other files: the constructors of
:mod:`.project.conditions` (``@project_fact``), which a rule attaches to a finding instead of computing (the
project model settles them once every file is summarised, so a file's cached result stays valid: it holds the
conditions, not their answers). Facts and the plain analysis functions rules call (``@reads``, for functions
that are not worth memoizing, such as :func:`.values.origin`) declare what they read, and every rule declares
what it asks in ``Rule.needs``. :func:`needed_facts` closes over those declarations, so the engine can tell
which rules need project facts before it runs them (:meth:`Engine.project_rules`: a run whose rules need none
builds no project model), and a test checks that every fact a rule's checks compute is declared.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Iterable
from typing import TYPE_CHECKING, Any, Callable, Optional, TypeVar, cast

if TYPE_CHECKING:
    from backend_lint.context import FileContext

FILE = "file"
PROJECT = "project"

T = TypeVar("T")
K = TypeVar("K")
F = TypeVar("F", bound=Callable[..., Any])

_MISSING: Any = object()
Readable = Callable[..., Any]
"""A fact or a function declared with :func:`reads`."""


def _declare(function: Callable[..., Any], reads: Iterable[Readable], scope: Optional[str]) -> None:
    for item in reads:
        if not hasattr(item, "__reads__"):
            raise TypeError(f"{getattr(item, '__qualname__', item)!r} is neither a fact nor declared with @reads")
    function.__reads__ = tuple(reads)  # type: ignore[attr-defined]  # the declaration lives on the function
    function.__fact_scope__ = scope  # type: ignore[attr-defined]  # (setattr with a constant name: ruff B010)


def file_fact(
    *, reads: Iterable[Readable] = (), scope: str = FILE
) -> Callable[[Callable[[FileContext], T]], Callable[[FileContext], T]]:
    """Declare a fact about the whole file: ``compute(ctx)`` runs once per file, its value is kept."""

    def decorate(compute: Callable[[FileContext], T]) -> Callable[[FileContext], T]:
        @functools.wraps(compute)
        def fact(ctx: FileContext) -> T:
            try:
                return cast(T, ctx.facts[fact])  # ctx.facts keeps each fact's own value under the fact
            except KeyError:  # the first ask in this file (the lookup alone is the cheap path)
                found = ctx.facts[fact] = compute(ctx)
                return found

        _declare(fact, reads, scope)
        return fact

    return decorate


def node_fact(
    *,
    reads: Iterable[Readable] = (),
    scope: str = FILE,
    key: Optional[Callable[[Any], Hashable]] = None,
    while_computing: Any = _MISSING,
) -> Callable[[Callable[[FileContext, K], T]], Callable[[FileContext, K], T]]:
    """Declare a fact about one node (or other key) of the file: ``compute(ctx, node)`` runs once per node.

    ``key`` maps the argument to what the value is kept under (``Handler`` -> its function node).
    ``while_computing`` is returned to a recursive ask for the same node while its value is being computed
    (a helper whose analysis reaches itself), instead of recursing without end.
    """

    def decorate(compute: Callable[[FileContext, K], T]) -> Callable[[FileContext, K], T]:
        @functools.wraps(compute)
        def fact(ctx: FileContext, node: K) -> T:
            where = node if key is None else key(node)
            try:
                return cast(T, ctx.facts[fact][where])  # ctx.facts keeps each fact's own table under the fact
            except KeyError:  # the first ask for this node (the lookup alone is the cheap path)
                table = ctx.facts.setdefault(fact, {})
                if while_computing is not _MISSING:
                    table[where] = while_computing
                found = table[where] = compute(ctx, node)
                return found

        _declare(fact, reads, scope)
        return fact

    return decorate


def reads(*items: Readable) -> Callable[[F], F]:
    """Declare what a plain (not memoized) analysis function reads, so that rules calling it can declare it."""

    def decorate(function: F) -> F:
        _declare(function, items, None)
        return function

    return decorate


def project_fact(function: F) -> F:
    """Declare a constructor of a project fact (:mod:`.project.conditions`): a rule that asks it depends on other
    files of the project."""
    _declare(function, (), PROJECT)
    return function


def is_fact(item: Any) -> bool:
    return getattr(item, "__fact_scope__", None) is not None


def needed_facts(needs: Iterable[Readable]) -> frozenset[Readable]:
    """Every fact reachable from ``needs`` through the declarations (facts and ``@reads`` functions)."""
    seen: set[Readable] = set()
    stack = list(needs)
    while stack:
        item = stack.pop()
        if item in seen:
            continue
        seen.add(item)
        stack.extend(getattr(item, "__reads__", ()))
    return frozenset(item for item in seen if is_fact(item))


def needs_project(needs: Iterable[Readable]) -> bool:
    """Whether anything in ``needs`` reads a fact that depends on other files of the project."""
    return any(
        fact.__fact_scope__ == PROJECT  # type: ignore[attr-defined]  # set by _declare on every fact
        for fact in needed_facts(needs)
    )


def fact_name(fact: Readable) -> str:
    """``module.function``: how a fact is named where its identity must survive a process (cache keys)."""
    return f"{fact.__module__}.{fact.__qualname__}"
