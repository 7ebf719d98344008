"""The small toolbox a rule's fix function gets: node text, imports to add, the module logger.

Module-level additions (``import asyncio``, ``logger = logging.getLogger(__name__)``) are collected while the
fixes of one pass run and inserted once at the end, so that several fixes asking for the same import add it
once: imports where isort would put them (:mod:`.imports`), the logger after the leading imports.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Optional, Union

import libcst as cst
from libcst import matchers as m

from backend_lint.fixing.imports import Wanted, dotted, place_imports, statement_for

_LOGGER_FACTORIES = {
    ("logging", "getLogger"): "stdlib",
    ("structlog", "get_logger"): "structlog",
    ("structlog", "getLogger"): "structlog",
}

# What FixContext.mark returns: counts of imports and statements added, and the logger found.
Mark = tuple[int, int, Optional[tuple[str, str]]]


class FixContext:
    """Helpers for the fixes of one pass over one module."""

    def __init__(self, module: cst.Module, root: Optional[Path] = None) -> None:
        self.module = module
        self.root = root  # the project root: which imports are first party (isort's sections)
        self._imports: list[Wanted] = []
        self._statements_after_imports: list[cst.SimpleStatementLine] = []
        self._logger: Optional[tuple[str, str]] = None
        self._top_level_names = _top_level_names(module)

    def mark(self) -> Mark:
        """The module-level additions so far, so that a fix that raises or refuses can be undone (``rollback``).

        Without it, a fix that asks for ``import secrets`` and then gives up would still add the import.
        """
        return (len(self._imports), len(self._statements_after_imports), self._logger)

    def rollback(self, mark: Mark) -> None:
        """Forget the additions made since ``mark``."""
        imports, statements, logger = mark
        del self._imports[imports:]
        del self._statements_after_imports[statements:]
        self._logger = logger

    def code_for(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def call_of(self, node: cst.CSTNode) -> Optional[tuple[str, ast.Call]]:
        """The node's exact text and its ``ast`` call, so a fix can reuse detection's ``ast`` helpers."""
        code = self.code_for(node).strip()
        try:
            call = ast.parse(code, mode="eval").body
        except SyntaxError:
            return None
        return (code, call) if isinstance(call, ast.Call) else None

    def has_comments(self, node: cst.CSTNode) -> bool:
        """Whether ``node`` contains a comment (a fix that rebuilds it from text would lose it)."""
        return bool(m.findall(node, m.Comment()))

    def import_module(self, module: str) -> str:
        """Make sure ``import module`` is there; return the name to use for it (an existing alias wins)."""
        existing = _imported_module_alias(self.module, module)
        if existing:
            return existing
        if (module, None) not in self._imports:
            self._imports.append((module, None))
        return module

    def import_from(self, module: str, name: str) -> str:
        """Make sure ``from module import name`` is there; return the local name to use."""
        existing = _imported_name_alias(self.module, module, name)
        if existing:
            return existing
        if (module, name) not in self._imports:
            self._imports.append((module, name))
        return name

    def module_logger(self, create: bool = True) -> Optional[tuple[str, str]]:
        """``(name, kind)`` of the module's logger, adding ``logger = logging.getLogger(__name__)`` if absent.

        ``kind`` is ``stdlib``, ``structlog`` or ``loguru``. With ``create=False`` nothing is added (a fix
        asks first, renders, and only then creates). ``None`` when there is no logger and none may be added.
        """
        if self._logger is not None:
            return self._logger
        found = _existing_logger(self.module)
        if found is None and not create:
            return None
        if found is None:
            name = next((n for n in ("logger", "_logger", "log") if n not in self._top_level_names), None)
            if name is None or _imported_below_code(self.module, "logging"):
                # the new logger goes after the leading imports: an `import logging` further down (an Alembic
                # migration's, after its revision constants) would not be bound yet there
                return None
            logging_name = self.import_module("logging")
            statement = cst.parse_statement(f"{name} = {logging_name}.getLogger(__name__)")
            assert isinstance(statement, cst.SimpleStatementLine)  # an assignment
            self._statements_after_imports.append(statement)
            found = (name, "stdlib")
        self._logger = found
        return found

    def finish(self, module: cst.Module) -> cst.Module:
        """Insert the collected imports and statements into ``module`` (the result of this pass)."""
        if not self._imports and not self._statements_after_imports:
            return module
        body: list[cst.BaseStatement] = list(module.body)
        start = 1 if body and _is_docstring(body[0]) else 0
        end = _after_leading_imports(body)
        wanted = self._imports
        if wanted and end == start:  # no imports yet: the first one starts the block, after a blank line
            first = statement_for(wanted[0])
            body.insert(start, first.with_changes(leading_lines=[cst.EmptyLine()]) if start else first)
            end, wanted = start + 1, wanted[1:]
        end = place_imports(body, start, end, wanted, self.root)
        if self._statements_after_imports:
            statements = list(self._statements_after_imports)
            if end > 0:
                statements[0] = statements[0].with_changes(leading_lines=[cst.EmptyLine()])
            body[end:end] = statements
            end += len(statements)
        if end < len(body):
            following = body[end]
            assert isinstance(following, (cst.SimpleStatementLine, cst.BaseCompoundStatement))  # all libcst gives
            # PEP 8 (flake8 E302/E305): two blank lines around a top-level def or class, one otherwise
            needed = 2 if isinstance(following, (cst.FunctionDef, cst.ClassDef)) else 1
            blank = 0
            for line in following.leading_lines:
                if not isinstance(line, cst.EmptyLine) or line.comment is not None:
                    break
                blank += 1
            if blank < needed:
                body[end] = following.with_changes(
                    leading_lines=[*[cst.EmptyLine()] * (needed - blank), *following.leading_lines]
                )
        return module.with_changes(body=body)


def _import_statements(module: cst.Module) -> Iterator[Union[cst.Import, cst.ImportFrom]]:
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, (cst.Import, cst.ImportFrom)):
                    yield small


def _imported_below_code(module: cst.Module, wanted: str) -> bool:
    """Whether ``import wanted`` is at module level only after the leading run of imports."""
    end = _after_leading_imports(list(module.body))
    leading = cst.Module(body=module.body[:end])
    return _imported_module_alias(module, wanted) is not None and _imported_module_alias(leading, wanted) is None


def _imported_module_alias(module: cst.Module, wanted: str) -> Optional[str]:
    for statement in _import_statements(module):
        if isinstance(statement, cst.Import):
            for alias in statement.names:
                if dotted(alias.name) == wanted:
                    return dotted(alias.asname.name) if alias.asname else wanted
    return None


def _imported_name_alias(module: cst.Module, wanted_module: str, name: str) -> Optional[str]:
    for statement in _import_statements(module):
        if isinstance(statement, cst.ImportFrom) and statement.module is not None and not statement.relative:
            if dotted(statement.module) != wanted_module or isinstance(statement.names, cst.ImportStar):
                continue
            for alias in statement.names:
                if dotted(alias.name) == name:
                    return dotted(alias.asname.name) if alias.asname else name
    return None


def _existing_logger(module: cst.Module) -> Optional[tuple[str, str]]:
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign) and len(small.targets) == 1:
                target, value = small.targets[0].target, small.value
            elif isinstance(small, cst.AnnAssign) and small.value is not None:
                target, value = small.target, small.value
            else:
                continue
            if isinstance(target, cst.Name) and isinstance(value, cst.Call):
                kind = _logger_factory_kind(module, value.func)
                if kind:
                    return target.value, kind
    if _imported_name_alias(module, "loguru", "logger") == "logger":
        return "logger", "loguru"
    return None


def _logger_factory_kind(module: cst.Module, func: cst.BaseExpression) -> Optional[str]:
    written = dotted(func)
    if "." in written:
        base, _, attr = written.rpartition(".")
        for (factory_module, factory_name), kind in _LOGGER_FACTORIES.items():
            if attr == factory_name and _imported_module_alias(module, factory_module) == base:
                return kind
        return None
    for (factory_module, factory_name), kind in _LOGGER_FACTORIES.items():
        if _imported_name_alias(module, factory_module, factory_name) == written:
            return kind
    return None


def _top_level_names(module: cst.Module) -> set[str]:
    names: set[str] = set()
    for statement in module.body:
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            names.add(statement.name.value)
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                targets = []
                if isinstance(small, cst.Assign):
                    targets = [target.target for target in small.targets]
                elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
                    targets = [small.target]
                elif isinstance(small, (cst.Import, cst.ImportFrom)) and not isinstance(
                    small.names, cst.ImportStar
                ):
                    for alias in small.names:
                        if alias.asname and isinstance(alias.asname.name, cst.Name):
                            names.add(alias.asname.name.value)
                        else:
                            names.add(dotted(alias.name).partition(".")[0])
                names.update(target.value for target in targets if isinstance(target, cst.Name))
    return names


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _after_leading_imports(body: list[cst.BaseStatement]) -> int:
    """Index just after the docstring and the leading run of import statements."""
    position = 0
    if body and _is_docstring(body[0]):
        position = 1
    index = position
    while index < len(body):
        statement = body[index]
        if isinstance(statement, cst.SimpleStatementLine) and all(
            isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body
        ):
            index += 1
            position = index
            continue
        break
    return position
