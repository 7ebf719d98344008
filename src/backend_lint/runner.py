"""Checking one file end to end: read, parse once, run the enabled rules, drop suppressed findings.

:func:`check_file` is a plain function of a path and a :class:`Checker`, so files can be checked in any
order, in worker processes, or from a cache, and give the same result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from backend_lint.config import Config
from backend_lint.engine import Engine, FileResult
from backend_lint.files import SourceFile, Unreadable, decode_source, parse_source, project_path, read_source
from backend_lint.finding import FileError
from backend_lint.noqa import NoqaMap
from backend_lint.registry import all_rule_classes
from backend_lint.rule import Rule


def build_rules(config: Config) -> list[Rule]:
    """Instances of every enabled rule, with their configured options."""
    return [
        cls(config.rule_settings.get(cls.code)) for cls in all_rule_classes() if config.is_enabled(cls.code)
    ]


@dataclass
class Checker:
    """A configuration and the rule instances and engine made from it, reused for every file."""

    config: Config
    rules: list[Rule]
    engine: Engine

    @classmethod
    def from_config(cls, config: Config) -> Checker:
        rules = build_rules(config)
        return cls(config, rules, Engine(rules))

    def rules_for(self, relative_path: str) -> list[Rule]:
        ignored = self.config.ignored_for(relative_path)
        if not ignored:
            return self.rules
        return [rule for rule in self.rules if not rule.code.startswith(tuple(code.upper() for code in ignored))]

    def check_source(
        self, source: SourceFile, display_path: str, real_path: Optional[str] = None, noqa: bool = True
    ) -> FileResult:
        """Parse and check decoded text; ``real_path`` locates it in the project (default: ``display_path``).

        ``noqa=False`` keeps the findings ``# noqa`` comments suppress (to find comments that suppress nothing).
        """
        relative = project_path(real_path or display_path, self.config)
        tree = parse_source(source.text, display_path)
        if isinstance(tree, Unreadable):
            return FileResult(display_path, errors=[FileError(display_path, tree.reason)], source=source.text)
        result = self.engine.check(tree, source.text, display_path, relative, self.rules_for(relative))
        if noqa:
            result.findings = apply_noqa(result.findings, source.text)
        result.source = source.text
        return result

    def check_file(self, path: str) -> FileResult:
        source = read_source(path)
        if isinstance(source, Unreadable):
            return FileResult(path, errors=[FileError(path, source.reason)])
        return self.check_source(source, path)

    def check_bytes(self, data: bytes, display_path: str) -> FileResult:
        source = decode_source(data)
        if isinstance(source, Unreadable):
            return FileResult(display_path, errors=[FileError(display_path, source.reason)])
        return self.check_source(source, display_path)


def apply_noqa(findings: list, text: str) -> list:
    """Drop findings whose first line is governed by a matching ``# noqa`` comment (see :mod:`noqa`)."""
    if not findings or "noqa" not in text.lower():
        return findings
    comments = NoqaMap(text)
    return [finding for finding in findings if not comments.suppresses(finding.line, finding.code)]
