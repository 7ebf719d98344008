"""Applying fixes to one file's text: passes of detect -> libcst rewrite -> re-parse, until nothing is left.

This module imports libcst, so it is imported only on the fix path. Each pass parses libcst once, finds the
node each fixable finding points at (by exact character range and node type), asks the finding's rule for a
replacement and applies them all in one transformer pass. When two targets overlap, the outer one wins and
the inner one waits for the next pass. A pass whose result does not parse with ``ast`` is thrown away and its
fixes are reported as refused; nothing that does not parse is ever returned.
"""

from __future__ import annotations

import ast
import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

import libcst as cst
from libcst.metadata import PositionProvider

from backend_lint.files import SourceFile
from backend_lint.finding import Applicability, Finding
from backend_lint.fixing.context import FixContext
from backend_lint.registry import rule_class

if TYPE_CHECKING:
    from backend_lint.runner import Checker

MAX_PASSES = 8


@dataclass
class FixOutcome:
    """The fixed text (unchanged when nothing applied), what was applied and what was refused, and why."""

    text: str
    applied: Counter = field(default_factory=Counter)
    refused: list[tuple[Finding, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return sum(self.applied.values()) > 0


def fixable(findings: list[Finding], threshold: Applicability) -> list[Finding]:
    return [finding for finding in findings if finding.applicability >= threshold]


def fix_text(
    checker: Checker,
    source: SourceFile,
    display_path: str,
    threshold: Applicability = Applicability.SAFE,
    first_findings: Optional[list[Finding]] = None,
) -> FixOutcome:
    """Apply every fix at or above ``threshold`` to ``source``; ``first_findings`` saves the first check."""
    outcome = FixOutcome(source.text)
    refused_keys: set[tuple[str, str]] = set()
    findings = first_findings
    for _ in range(MAX_PASSES):
        if findings is None:
            findings = checker.check_source(SourceFile(outcome.text, source.encoding), display_path).findings
        todo = fixable(findings, threshold)
        findings = None
        if not todo:
            break
        result = _one_pass(checker, outcome.text, todo, refused_keys, outcome)
        if result is None or result == outcome.text:
            break
        outcome.text = result
    return outcome


def _one_pass(
    checker: Checker,
    text: str,
    todo: list[Finding],
    refused_keys: set[tuple[str, str]],
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
    rules = {rule.code: rule for rule in checker.rules}
    fixer = FixContext(module)
    replacements: dict[cst.CSTNode, cst.CSTNode] = {}
    applied: Counter = Counter()
    taken: list[tuple[tuple[int, int], tuple[int, int]]] = []
    for finding, node, span in sorted(targets, key=lambda item: _span_size(item[2]), reverse=True):
        key = (finding.code, module.code_for_node(node))
        if key in refused_keys or any(_overlaps(span, other) for other in taken):
            continue
        rule = rules.get(finding.code)
        replacement = rule.fix(finding, node, fixer) if rule is not None else None
        if replacement is None:
            refused_keys.add(key)
            outcome.refused.append((finding, "no exact rewrite for this case"))
            continue
        replacements[node] = replacement
        taken.append(span)
        applied[finding.code] += 1
    for finding in todo:
        if not any(item[0] is finding for item in targets):
            outcome.refused.append((finding, "the fix could not find the code it points at"))
    if not replacements:
        return None
    new_module = fixer.finish(module.visit(_Replace(replacements)))
    new_text = new_module.code
    if not _parses(new_text):
        for finding, _node, _span in targets:
            outcome.refused.append((finding, "the fixed code would not parse"))
        return None
    outcome.applied.update(applied)
    return new_text


def _parses(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return False
    return True


Span = tuple[tuple[int, int], tuple[int, int]]


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

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode):  # type: ignore[override]
        return self.replacements.get(original_node, updated_node)
