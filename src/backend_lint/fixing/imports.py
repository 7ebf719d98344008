"""Imports a fix adds or leaves behind, placed and removed the way isort and ruff's ``I001`` would want them.

A fix that writes ``asyncio.sleep`` needs ``import asyncio``; one that rewrites the last ``time.sleep`` leaves
``import time`` unused (flake8 ``F401``). Either way the user should not have to run another tool afterwards:

- an added import goes into the leading import block, in its section (``__future__``, standard library,
  third party, first party, relative), sorted as isort sorts (``import x`` lines before ``from x import y``
  lines, module names without regard to case); a section that does not exist yet is made, with blank lines
  around it; ``from fastapi import Header`` joins an existing ``from fastapi import ...`` (wrapped in
  parentheses, one name a line, when the joined line would pass 88 characters);
- an import is removed when the fixes of the pass took away the last use of the name it binds, and only then:
  exactly one import in the file binds the name, nothing else in the file refers to it (also ``__all__`` and
  string annotations), it is a standard-library import (importing it has no effect the program relies on),
  its line has no comment, and removing it leaves no block empty (a function's local import counts too).

First party means what ruff's default means: a package or module of that name at the project root or under
``src/`` there.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
import sysconfig
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

import libcst as cst

from backend_lint.analysis.lazy_regex import lazy_compile

FUTURE, STDLIB, THIRD_PARTY, FIRST_PARTY, LOCAL = range(5)
MAX_LINE = 88  # ruff's and black's default; a joined ``from`` import longer than this is wrapped
_WORD = lazy_compile(r"[A-Za-z_]\w*")
_STATEMENTS = (cst.SimpleStatementLine, cst.BaseCompoundStatement)

Wanted = tuple[str, Optional[str]]  # ("asyncio", None) for ``import asyncio``; ("fastapi", "Header")


def is_stdlib(top: str) -> bool:
    names = getattr(sys, "stdlib_module_names", None)
    if names is not None:
        return top in names
    if top in sys.builtin_module_names:  # Python 3.9: ask where the module would be loaded from
        return True
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return False
    origin = getattr(spec, "origin", None) or ""
    return origin.startswith(sysconfig.get_paths()["stdlib"]) and "site-packages" not in origin


def section_of(module: str, level: int, root: Optional[Path]) -> int:
    top = module.partition(".")[0]
    if level:
        return LOCAL
    if top == "__future__":
        return FUTURE
    if is_stdlib(top):
        return STDLIB
    if root is not None and any(
        (folder / top).is_dir() or (folder / f"{top}.py").is_file() for folder in (root, root / "src")
    ):
        return FIRST_PARTY
    return THIRD_PARTY


def dotted(node: Union[cst.BaseExpression, cst.ImportStar, None]) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted(node.value)}.{node.attr.value}"
    return ""


@dataclass
class _Line:
    """One import line of the leading block: where it is, its section, and how isort orders it."""

    index: int
    section: int
    group: int
    key: tuple[int, str, str]


def _line_key(small: Union[cst.Import, cst.ImportFrom]) -> tuple[str, int, bool]:
    if isinstance(small, cst.Import):
        return dotted(small.names[0].name), 0, True
    return dotted(small.module), len(small.relative), False


def _sort_key(module: str, straight: bool) -> tuple[int, str, str]:
    return (0 if straight else 1, module.lower(), module)


def _lines(body: list[cst.BaseStatement], start: int, end: int, root: Optional[Path]) -> list[_Line]:
    lines: list[_Line] = []
    group = 0
    for index in range(start, end):
        statement = body[index]
        assert isinstance(statement, cst.SimpleStatementLine)
        small = statement.body[0]
        assert isinstance(small, (cst.Import, cst.ImportFrom))
        if lines and any(_is_blank(line) for line in statement.leading_lines):
            group += 1
        module, level, straight = _line_key(small)
        lines.append(_Line(index, section_of(module, level, root), group, _sort_key(module, straight)))
    return lines


def _is_blank(line: cst.EmptyLine) -> bool:
    return line.comment is None


def _split_blank_prefix(lines: Sequence[cst.EmptyLine]) -> tuple[list[cst.EmptyLine], list[cst.EmptyLine]]:
    """The blank lines before the first comment line, and the rest (comments stay with their statement)."""
    lines = list(lines)
    count = 0
    while count < len(lines) and _is_blank(lines[count]):
        count += 1
    return lines[:count], lines[count:]


def statement_for(wanted: Wanted) -> cst.SimpleStatementLine:
    module, name = wanted
    code = f"import {module}\n" if name is None else f"from {module} import {name}\n"
    statement = cst.parse_statement(code)
    assert isinstance(statement, cst.SimpleStatementLine)
    return statement


def place_imports(body: list[cst.BaseStatement], start: int, end: int, wanted: list[Wanted],
                  root: Optional[Path]) -> int:
    """Add each wanted import to the block ``body[start:end]`` (not empty) in place; the block's new end."""
    for item in wanted:
        if item[1] is not None and _join(body, start, end, item):
            continue
        module, name = item
        new = statement_for(item)
        lines = _lines(body, start, end, root)
        section = section_of(module, 0, root)
        key = _sort_key(module, name is None)
        same = [line for line in lines if line.section == section]
        if same:
            group = [line for line in lines if line.group == same[0].group]
            before = next((line for line in group if key < line.key), None)
            if before is None:
                body.insert(group[-1].index + 1, new)
            elif before is group[0]:
                _insert_before(body, before.index, new, new_group=False)
            else:
                body.insert(before.index, new)
        else:
            later = next((line for line in lines if line.section > section), None)
            if later is None:
                body.insert(end, new.with_changes(leading_lines=[cst.EmptyLine()]))
            else:
                first_of_group = next(line for line in lines if line.group == later.group)
                _insert_before(body, first_of_group.index, new, new_group=True)
        end += 1
    return end


def _insert_before(body: list[cst.BaseStatement], index: int, new: cst.SimpleStatementLine, new_group: bool) -> None:
    """Put ``new`` before the first line of a group. Joining that group, it takes all the lines above it (a
    comment there heads the group, ``# revision identifiers``); starting a group of its own, it takes only the
    blank lines, and the comment stays with its group, after a blank line."""
    following = body[index]
    assert isinstance(following, cst.SimpleStatementLine)
    if new_group:
        blanks, rest = _split_blank_prefix(following.leading_lines)
        body[index] = following.with_changes(leading_lines=[cst.EmptyLine(), *rest])
    else:
        blanks = list(following.leading_lines)
        body[index] = following.with_changes(leading_lines=[])
    body.insert(index, new.with_changes(leading_lines=blanks))


def _join(body: list[cst.BaseStatement], start: int, end: int, wanted: Wanted) -> bool:
    """Add the name to an existing ``from module import ...`` of the block; whether there was one."""
    module, name = wanted
    for index in range(start, end):
        statement = body[index]
        assert isinstance(statement, cst.SimpleStatementLine)
        small = statement.body[0]
        if (
            len(statement.body) == 1
            and isinstance(small, cst.ImportFrom)
            and not small.relative
            and dotted(small.module) == module
            and not isinstance(small.names, cst.ImportStar)
        ):
            body[index] = _with_name(statement, small, name)  # type: ignore[arg-type]  # names is a sequence here
            return True
    return False


def _member_key(name: str) -> tuple[int, str, str]:
    """isort's order by type: CONSTANTS, then Classes, then functions and modules; each without regard to case."""
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return kind, name.lower(), name


def _with_name(statement: cst.SimpleStatementLine, small: cst.ImportFrom, name: str) -> cst.SimpleStatementLine:
    names = list(small.names)  # type: ignore[arg-type]  # not an ImportStar: the caller checked
    position = next((i for i, alias in enumerate(names) if _member_key(name) < _member_key(dotted(alias.name))),
                    len(names))
    separator = next((alias.comma for alias in names if isinstance(alias.comma, cst.Comma)), None)
    separator = separator or cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    alias = cst.ImportAlias(name=cst.Name(name))
    if position < len(names):
        names.insert(position, alias.with_changes(comma=separator))
    else:
        last = names[-1]
        names[-1] = last.with_changes(comma=separator)
        names.append(alias.with_changes(comma=last.comma))
    joined = statement.with_changes(body=[small.with_changes(names=names)])
    line = cst.Module(body=[]).code_for_node(joined.with_changes(leading_lines=[])).split("\n")[0]
    if small.lpar is None and len(line) > MAX_LINE:
        return _wrapped(joined, small.with_changes(names=names))
    return joined


def _wrapped(statement: cst.SimpleStatementLine, small: cst.ImportFrom) -> cst.SimpleStatementLine:
    """``from m import (`` one name a line ``)``: how isort and ruff wrap a long ``from`` import."""
    empty = cst.Module(body=[])
    names = [empty.code_for_node(alias.with_changes(comma=cst.MaybeSentinel.DEFAULT))
             for alias in small.names]  # type: ignore[union-attr]  # not an ImportStar: joined above
    code = f"from {dotted(small.module)} import (\n" + "".join(f"    {name},\n" for name in names) + ")\n"
    wrapped = cst.parse_statement(code)
    assert isinstance(wrapped, cst.SimpleStatementLine)
    return wrapped.with_changes(
        leading_lines=statement.leading_lines, trailing_whitespace=statement.trailing_whitespace
    )


def references(tree: ast.Module) -> set[str]:
    """Every name the module refers to or rebinds, outside import statements: ``Name`` nodes, ``global`` and
    ``nonlocal``, the strings of ``__all__``, and the words of string annotations."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            found.update(node.names)
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(target, ast.Name) and target.id == "__all__" for target in targets):
                found.update(_strings(node.value))
        annotations = _annotations(node)
        for annotation in annotations:
            found.update(_strings(annotation, words=True))
    return found


def _annotations(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.arg) and node.annotation is not None:
        return [node.annotation]
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns is not None:
        return [node.returns]
    if isinstance(node, ast.AnnAssign):
        return [node.annotation]
    return []


def _strings(node: Optional[ast.AST], words: bool = False) -> set[str]:
    found: set[str] = set()
    for child in ast.walk(node) if node is not None else ():
        if isinstance(child, ast.Constant) and isinstance(child.value, str):
            found.update(_WORD.findall(child.value) if words else [child.value])
    return found


def _bindings(tree: ast.Module) -> dict[str, int]:
    """How many import aliases in the whole file bind each name."""
    counts: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                bound = alias.asname or alias.name.partition(".")[0]
                counts[bound] = counts.get(bound, 0) + 1
    return counts


def drop_imports_made_unused(module: cst.Module, before: ast.Module, after: ast.Module) -> cst.Module:
    """Remove the imports whose last use the pass took away (see the module docstring)."""
    gone = references(before) - references(after)
    if not gone:
        return module
    candidates = gone & {name for name, count in _bindings(after).items() if count == 1}
    if not candidates:
        return module
    return module.visit(_DropImports(candidates))


class _DropImports(cst.CSTTransformer):
    """Remove the import aliases binding ``names`` from the module body and from indented blocks (a function's
    local ``import sys``), never leaving a block empty."""

    def __init__(self, names: set[str]) -> None:
        super().__init__()
        self.names = names

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        return updated_node.with_changes(body=self._body(list(updated_node.body), keep_one=False))

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
                            ) -> cst.IndentedBlock:
        return updated_node.with_changes(body=self._body(list(updated_node.body), keep_one=True))

    def _body(self, body: list[cst.BaseStatement], keep_one: bool) -> list[cst.BaseStatement]:
        index = 0
        while index < len(body):
            statement = body[index]
            replacement = _without(statement, self.names) if isinstance(statement, cst.SimpleStatementLine) else None
            if replacement is None or (replacement is cst.RemovalSentinel.REMOVE and keep_one and len(body) == 1):
                index += 1
            elif replacement is cst.RemovalSentinel.REMOVE:
                _remove_line(body, index)
            else:
                body[index] = replacement
                index += 1
        return body


def _without(
    statement: cst.SimpleStatementLine, names: set[str]
) -> Union[cst.SimpleStatementLine, cst.RemovalSentinel, None]:
    """``statement`` without the aliases binding ``names`` (``REMOVE`` when nothing is left); ``None`` when
    it binds none of them or must stay (a comment on it, several statements on the line, not the stdlib)."""
    if len(statement.body) != 1 or not isinstance(statement.body[0], (cst.Import, cst.ImportFrom)):
        return None
    small = statement.body[0]
    if isinstance(small, cst.ImportFrom) and (small.relative or isinstance(small.names, cst.ImportStar)):
        return None
    module = dotted(small.module) if isinstance(small, cst.ImportFrom) else ""
    kept: list[cst.ImportAlias] = []
    dropped: list[cst.ImportAlias] = []
    for alias in small.names:  # type: ignore[union-attr]  # ImportStar excluded above
        written = dotted(alias.name)
        bound = dotted(alias.asname.name) if alias.asname else written
        top = (module or written).partition(".")[0]
        removable = bound in names and "." not in bound and is_stdlib(top)
        (dropped if removable else kept).append(alias)
    if not dropped:
        return None
    if _has_comment(statement):
        return None
    if not kept:
        return cst.RemovalSentinel.REMOVE
    last = kept[-1].with_changes(comma=small.names[-1].comma)  # type: ignore[index]  # keeps a trailing comma
    return statement.with_changes(body=[small.with_changes(names=[*kept[:-1], last])])


def _has_comment(statement: cst.SimpleStatementLine) -> bool:
    code = cst.Module(body=[]).code_for_node(statement)
    return "#" in code


def _remove_line(body: list[cst.BaseStatement], index: int) -> None:
    """Delete ``body[index]``; the statement after it keeps the blank lines a reader would expect."""
    removed = body.pop(index)
    if index >= len(body):
        return
    following = body[index]
    # every statement libcst gives is one of these two (``BaseStatement`` itself declares no leading lines)
    assert isinstance(removed, _STATEMENTS) and isinstance(following, _STATEMENTS)
    own = list(following.leading_lines)
    if index == 0:
        body[index] = following.with_changes(leading_lines=_split_blank_prefix(own)[1])
    elif len(removed.leading_lines) > len(own) and all(_is_blank(line) for line in own):
        body[index] = following.with_changes(leading_lines=list(removed.leading_lines))
