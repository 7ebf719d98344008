"""The per-file context every rule callback receives, built once per file.

It holds the parsed tree and source, the import map (complete before the walk starts), the scope and
parent of the node being visited, and the findings made so far. ``facts`` keeps the values of the facts
:mod:`backend_lint.analysis` worked out for this file (see :mod:`backend_lint.analysis.facts`), so each is
computed at most once per file; ``states`` keeps each rule's own per-file state
(:class:`backend_lint.rule.FileState`). Nothing else is kept between callbacks.
"""

from __future__ import annotations

import ast
import io
from functools import cached_property
from typing import Any, Callable, Optional

from backend_lint.analysis.imports import ImportMap, module_imports
from backend_lint.analysis.paths import is_test_path, matches_any
from backend_lint.analysis.scopes import MODULE, Scope
from backend_lint.finding import Finding


class FileContext:
    """Everything known about the file being checked."""

    def __init__(
        self,
        tree: ast.Module,
        source: str,
        display_path: str,
        project_path: str,
        module: str = "",
        role_path: Optional[str] = None,
        location: Optional[str] = None,
    ) -> None:
        self.tree = tree
        self.source = source
        self.display_path = display_path
        self.project_path = project_path
        """The path relative to the configuration's root (the working folder without one), with ``/``: what the
        user's path patterns (per-file ignores, rule options) are matched against, as they were written there."""
        self.role_path = role_path if role_path is not None else project_path
        """The path below the outermost folder of the file's project (:func:`.analysis.project.roots.role_path`),
        with ``/``: what the module's roles (test, example, migration, settings...) are read from. It does not
        depend on the working folder or on where a configuration was found, so the CLI from any folder, flake8 and
        the summary pass read the same roles (``project_path`` when the file has no place on disk: standard
        input)."""
        self.location = location
        """The file's absolute path on disk; ``None`` for standard input or a fragment. What is read from the
        file's neighbours (a folder of numbered migration scripts: :func:`.analysis.module_roles.roles_of`)."""
        self.module = module
        """The dotted module name (``shop.orders.views``) the project model knows the file by; ``""``: unknown
        (standard input, a fragment), so no project fact about it can hold."""
        self.root_scope = Scope(MODULE, tree, None)
        self.scope: Scope = self.root_scope
        self.parent: Optional[ast.AST] = None
        self.parents: dict[ast.AST, ast.AST] = {}
        self.walked = False
        """The engine's walk is done: ``parents`` holds every node of the tree (what
        :func:`backend_lint.analysis.node_index.node_index` reads instead of walking again)."""
        self.findings: list[Finding] = []
        self.facts: dict[Callable[..., Any], Any] = {}
        """Fact -> its value (or, for a node fact, a dict node -> value), filled on first use."""
        self.states: dict[object, Any] = {}
        """A rule's per-file state (declared with :class:`~backend_lint.rule.FileState`) -> its value."""
        self._path_matches: dict[tuple[str, ...], bool] = {}

    @cached_property
    def imports(self) -> ImportMap:
        """Every import of the module, read before any rule asks (a late ``import requests`` counts above it)."""
        return module_imports(self.tree)

    @cached_property
    def lines(self) -> list[str]:
        """Physical lines as ``ast`` counts them (``str.splitlines`` also splits at form feeds and ``\\x1c``)."""
        return io.StringIO(self.source, newline="").readlines()

    @cached_property
    def is_test_file(self) -> bool:
        return is_test_path(self.role_path)

    def path_matches(self, patterns: list[str]) -> bool:
        """Whether the file's project path matches one of ``patterns`` (answered once per file and list: rules
        ask it for every call they look at, thousands of times in a print-heavy module)."""
        key = tuple(patterns)
        found = self._path_matches.get(key)
        if found is None:
            found = self._path_matches[key] = matches_any(self.project_path, patterns)
        return found

    def parent_of(self, node: ast.AST) -> Optional[ast.AST]:
        return self.parents.get(node)

    def segment(self, node: ast.AST) -> Optional[str]:
        """The exact source text of ``node``: ``ast.get_source_segment`` on :attr:`lines`, which that function
        would split again, one character at a time, on every call (a tenth of a second of CPU on Django's sources
        for BE506 alone)."""
        first: Optional[int] = getattr(node, "lineno", None)
        last: Optional[int] = getattr(node, "end_lineno", None)
        start: Optional[int] = getattr(node, "col_offset", None)
        end: Optional[int] = getattr(node, "end_col_offset", None)
        if first is None or last is None or start is None or end is None:
            return None
        lines = self.lines
        if first == last:
            return lines[first - 1].encode()[start:end].decode()
        head = lines[first - 1].encode()[start:].decode()
        return "".join([head, *lines[first:last - 1], lines[last - 1].encode()[:end].decode()])

    def comment_inside(self, node: ast.AST) -> bool:
        """Whether a node spanning lines may hold a comment before its last line.

        A fix that rebuilds the node from text would drop such a comment, so rules offer no fix then
        (a ``#`` inside a string counts too: missing a rare fix beats promising one that is refused).
        """
        first = getattr(node, "lineno", 0)
        last = getattr(node, "end_lineno", None) or first
        return last > first and any("#" in line for line in self.lines[first - 1 : last - 1])

    def char_position(self, line: int, byte_col: int) -> tuple[int, int]:
        """Convert ``ast``'s (line, UTF-8 byte offset) into (line, 1-based character column)."""
        lines = self.lines
        if 0 < line <= len(lines):
            text = lines[line - 1]
            if not text.isascii():
                return line, len(text.encode("utf-8")[:byte_col].decode("utf-8", "replace")) + 1
        return line, byte_col + 1
