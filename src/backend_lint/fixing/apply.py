"""Applying fixes to one file's text: passes of detect -> libcst rewrite -> re-parse, until nothing is left.

This module imports libcst, so it is imported only on the fix path. Each pass parses libcst once, finds the
node each fixable finding points at (by exact character range and node type), asks the finding's rule for a
replacement and applies them all in one transformer pass. When two targets overlap, the outer one wins and
the inner one waits for the next pass. A pass whose result does not parse with ``ast`` is thrown away and its
fixes are reported as refused; nothing that does not parse is ever returned.

Fixes are contained per rule, like detection: a fix that raises is refused for its finding (and reported as
an internal error of its rule) while the other fixes of the pass still apply, and a pass that fails as a whole
is retried without the rules whose fixes fail on their own. The CLI and the language server call
:meth:`runner.Checker.fix_source`, which adds the check before and the check after.
"""

from __future__ import annotations

import ast
import traceback
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import libcst as cst
from libcst.metadata import PositionProvider

from backend_lint.files import SourceFile
from backend_lint.finding import Applicability, FileError, Finding
from backend_lint.fixing.context import FixContext
from backend_lint.fixing.imports import drop_imports_made_unused
from backend_lint.registry import rule_class

if TYPE_CHECKING:
    from backend_lint.rule import Rule
    from backend_lint.runner import Checker

MAX_PASSES = 8


@dataclass
class FixOutcome:
    """The fixed text (unchanged when nothing applied), what was applied and what was refused, and why.

    ``errors`` holds a fix that raised (or built a tree libcst could not print): an internal error of that
    rule, with its traceback. Its finding is also in ``refused``; every other fix still applies.
    """

    text: str
    applied: Counter[str] = field(default_factory=Counter)
    refused: list[tuple[Finding, str]] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return sum(self.applied.values()) > 0


def fixable(findings: list[Finding], threshold: Applicability) -> list[Finding]:
    return [finding for finding in findings if finding.applicability >= threshold]


def same_finding(one: Finding, other: Finding) -> bool:
    """The same finding, as an editor knows it: its code and its exact range (messages may be reworded)."""
    return (one.code, one.line, one.col, one.end_line, one.end_col) == (
        other.code, other.line, other.col, other.end_line, other.end_col
    )


def fix_text(
    checker: Checker,
    source: SourceFile,
    display_path: str,
    threshold: Applicability = Applicability.SAFE,
    first_findings: Optional[list[Finding]] = None,
    only: Optional[Finding] = None,
) -> FixOutcome:
    """Apply every fix at or above ``threshold`` to ``source``; ``first_findings`` saves the first check.

    With ``only``, apply that one finding's fix (matched by code and range) in one pass and nothing else: an
    editor's code action. Fixes it would make possible are left for the next request.
    """
    outcome = FixOutcome(source.text)
    refused_keys: set[Key] = set()
    findings = first_findings
    for _ in range(1 if only is not None else MAX_PASSES):
        if findings is None:
            findings = checker.check_source(SourceFile(outcome.text, source.encoding), display_path).findings
        todo = fixable(findings, threshold)
        if only is not None:
            todo = [finding for finding in todo if same_finding(finding, only)][:1]
            if not todo:
                outcome.refused.append((only, _why_not_fixable(only, findings, threshold)))
        findings = None
        if not todo:
            break
        result = _one_pass(checker, outcome.text, display_path, todo, refused_keys, outcome)
        if result is None or result == outcome.text:
            break
        outcome.text = result
    return outcome


def _why_not_fixable(only: Finding, findings: list[Finding], threshold: Applicability) -> str:
    match = next((finding for finding in findings if same_finding(finding, only)), None)
    if match is None:
        return "no such finding in this text (it changed since it was checked)"
    if match.applicability is Applicability.NONE:
        return "this finding has no fix"
    return f"an {match.applicability.label} fix, and only {threshold.label} fixes were asked for"


Span = tuple[tuple[int, int], tuple[int, int]]
Key = tuple[str, str]  # a rule's code and the exact text of the node its fix was refused on
Target = tuple[Finding, cst.CSTNode, Span]


@dataclass
class _Attempt:
    """One try at rewriting a module with a set of targets' fixes; nothing is recorded until it is chosen."""

    text: Optional[str] = None
    applied: Counter[str] = field(default_factory=Counter)
    included: list[tuple[Finding, Key]] = field(default_factory=list)  # replacements that went into the tree
    refused: list[tuple[Finding, str, Key]] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    failure: Optional[str] = None  # why the rewritten tree was not used (then ``text`` is None)


def _one_pass(
    checker: Checker,
    text: str,
    display_path: str,
    todo: list[Finding],
    refused_keys: set[Key],
    outcome: FixOutcome,
) -> Optional[str]:
    try:
        wrapper = cst.MetadataWrapper(cst.parse_module(text))
    except (cst.ParserSyntaxError, RecursionError, ValueError) as exc:
        for finding in todo:
            outcome.refused.append((finding, f"libcst cannot parse the file: {str(exc).splitlines()[0]}"))
        return None
    module = wrapper.module
    targets = _locate(wrapper, todo)
    for finding in todo:
        if not any(item[0] is finding for item in targets):
            outcome.refused.append((finding, "the fix could not find the code it points at"))
    pass_ = _Pass(module, {rule.code: rule for rule in checker.rules}, display_path, checker.config.root,
                  _tree(text))
    attempt = _attempt(pass_, targets, refused_keys)
    if attempt.failure is not None and len(attempt.applied) > 1:
        attempt = _without_failing_rules(pass_, targets, refused_keys, attempt, outcome)
    for finding, reason, key in attempt.refused:
        refused_keys.add(key)
        outcome.refused.append((finding, reason))
    outcome.errors.extend(attempt.errors)
    if attempt.failure is not None:
        outcome.refused.extend((finding, attempt.failure) for finding, _key in attempt.included)
        return None
    outcome.applied.update(attempt.applied)
    return attempt.text


def _without_failing_rules(
    pass_: _Pass, targets: list[Target], refused_keys: set[Key], failed: _Attempt, outcome: FixOutcome
) -> _Attempt:
    """The pass failed as a whole: find the rules whose fixes fail on their own and retry without them.

    This runs only after a failure, so the usual pass still costs one rewrite. When every rule's fixes work
    alone but not together, the whole pass is refused (the next run may apply them in another order).
    """
    failing: dict[str, _Attempt] = {}
    for code in sorted(failed.applied):
        alone = _attempt(pass_, [t for t in targets if t[0].code == code], refused_keys)
        if alone.failure is not None:
            failing[code] = alone
    if not failing or len(failing) == len(failed.applied):
        return failed
    for alone in failing.values():
        for finding, reason, key in alone.refused:
            refused_keys.add(key)
            outcome.refused.append((finding, reason))
        outcome.errors.extend(alone.errors)
        for finding, key in alone.included:
            refused_keys.add(key)
            outcome.refused.append((finding, str(alone.failure)))
    rest = [target for target in targets if target[0].code not in failing]
    return _attempt(pass_, rest, refused_keys)


@dataclass
class _Pass:
    """What every attempt of one pass shares: the module before it, the rules, where the file is."""

    module: cst.Module
    rules: dict[str, Rule]
    display_path: str
    root: Path  # the project root: first-party imports for isort's sections
    tree: Optional[ast.Module]  # the module before the pass, for the imports its fixes leave unused


def _attempt(pass_: _Pass, targets: list[Target], refused_keys: set[Key]) -> _Attempt:
    """Ask each target's rule for its replacement (outer targets first) and rewrite the module once."""
    attempt = _Attempt()
    module, rules, display_path = pass_.module, pass_.rules, pass_.display_path
    fixer = FixContext(module, pass_.root)
    replacements: dict[cst.CSTNode, cst.CSTNode] = {}
    taken: list[Span] = []
    for finding, node, span in sorted(targets, key=lambda item: _span_size(item[2]), reverse=True):
        key = (finding.code, module.code_for_node(node))
        if key in refused_keys or any(_overlaps(span, other) for other in taken):
            continue
        rule = rules.get(finding.code)
        mark = fixer.mark()
        try:
            replacement = rule.fix(finding, node, fixer) if rule is not None else None
        except Exception as exc:  # one rule's bug: refuse its fix here, every other fix still applies
            fixer.rollback(mark)
            summary = _summary(exc)
            attempt.refused.append((finding, f"{finding.code} fix raised {summary}", key))
            attempt.errors.append(FileError(display_path, f"fix raised {summary} (at line {finding.line})",
                                            code=finding.code, detail=traceback.format_exc()))
            continue
        if replacement is None:
            fixer.rollback(mark)  # an import the fix asked for before giving up is not added
            attempt.refused.append((finding, "no exact rewrite for this case", key))
            continue
        replacements[node] = replacement
        taken.append(span)
        attempt.applied[finding.code] += 1
        attempt.included.append((finding, key))
    if not replacements:
        return attempt
    try:
        new_module = fixer.finish(module.visit(_Replace(replacements)))
        new_text = new_module.code
    except Exception as exc:  # a replacement libcst cannot place or print: a bug of the rule that made it
        codes = sorted(attempt.applied)
        summary = _summary(exc)
        attempt.failure = f"{', '.join(codes)} fix raised {summary}"
        if len(codes) == 1:
            attempt.errors.append(FileError(display_path, f"fix raised {summary} (at line "
                                            f"{attempt.included[0][0].line})", code=codes[0],
                                            detail=traceback.format_exc()))
        return attempt
    tree = _tree(new_text)
    if tree is None:
        attempt.failure = "the fixed code would not parse"
        return attempt
    if pass_.tree is not None:
        tidied = drop_imports_made_unused(new_module, pass_.tree, tree).code
        if tidied != new_text and _tree(tidied) is not None:
            new_text = tidied
    attempt.text = new_text
    return attempt


def _summary(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".splitlines()[0] if str(exc) else type(exc).__name__


def _tree(text: str) -> Optional[ast.Module]:
    """The ``ast`` of ``text``, or ``None`` when it does not parse."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return None


def _span_size(span: Span) -> tuple[int, int]:
    (start_line, start_col), (end_line, end_col) = span
    return (end_line - start_line, end_col - start_col if end_line == start_line else end_col)


def _overlaps(one: Span, other: Span) -> bool:
    return not (one[1] <= other[0] or other[1] <= one[0])


def _locate(wrapper: cst.MetadataWrapper, todo: list[Finding]) -> list[tuple[Finding, cst.CSTNode, Span]]:
    """Pair each finding with the libcst node of its rule's ``fix_node`` type at exactly its range."""
    wanted: dict[tuple[int, int, int, int], list[Finding]] = {}
    for finding in todo:
        wanted.setdefault((finding.line, finding.col - 1, finding.end_line, finding.end_col - 1), []).append(
            finding
        )
    positions = wrapper.resolve(PositionProvider)
    found: list[tuple[Finding, cst.CSTNode, Span]] = []
    for node, where in positions.items():
        key = (where.start.line, where.start.column, where.end.line, where.end.column)
        for finding in wanted.get(key, ()):
            cls = rule_class(finding.code)
            names = cls.fix_node if cls is not None else None
            names = (names,) if isinstance(names, str) else names or ()
            if type(node).__name__ in names and not any(item[0] is finding for item in found):
                found.append((finding, node, ((key[0], key[1]), (key[2], key[3]))))
    return found


class _Replace(cst.CSTTransformer):
    """Swap each target node (by identity) for its replacement, in one pass."""

    def __init__(self, replacements: dict[cst.CSTNode, cst.CSTNode]) -> None:
        super().__init__()
        self.replacements = replacements

    def on_leave(  # type: ignore[override]  # libcst types a replacement as the node's own type; ours may differ
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode:
        return self.replacements.get(original_node, updated_node)
