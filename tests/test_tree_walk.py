"""tree_walk gives the nodes ast.iter_child_nodes and ast.walk give, the same objects in the same order, on the
tool's own sources and on code that holds every kind of node the parser makes here."""

from __future__ import annotations

import ast
from pathlib import Path

from backend_lint.analysis.tree_walk import child_nodes, walk

SAMPLE = '''
import os, sys as system
from .pkg import name as alias, other
global_value: int = 1
async def run(a, /, b: int = 2, *args, c, d=3, **kwargs) -> None:
    global g
    async with lock as held, other():
        async for item in source():
            await item
    x = [i for i in range(3) if i] + list({j: k for j, k in pairs}) + [*{s for s in x}]
    y = (lambda q=1: q)(b) if a else f"{a!r:>{b}} text" + "%s" % (a,)
    match a:
        case {"k": v, **rest}: pass
        case Point(x=0, y=_) | [1, *others]: pass
        case str() as named: pass
    try:
        del x[1:2, ::3]
    except (ValueError, TypeError) as error:
        raise RuntimeError() from error
    finally:
        assert not -a and b or c, "message"
    while (n := next(it, None)) is not None:
        yield n
        continue
    return (yield from gen())
@decorator(arg=1)
class Thing(Base, metaclass=Meta):
    attr = 1
    def method(self): nonlocal_value = 2; return self.attr[0]
'''


def _sources() -> list[str]:
    root = Path(__file__).resolve().parent.parent / "src" / "backend_lint"
    return [SAMPLE, *(path.read_text(encoding="utf-8") for path in sorted(root.rglob("*.py"))[:120])]


def test_child_nodes_and_walk_give_what_the_standard_library_gives() -> None:
    for source in _sources():
        tree = ast.parse(source)
        expected = list(ast.walk(tree))
        found = list(walk(tree))
        assert len(found) == len(expected)
        assert all(mine is theirs for mine, theirs in zip(found, expected))
        for node in expected:
            children = child_nodes(node)
            standard = list(ast.iter_child_nodes(node))
            assert len(children) == len(standard) and all(a is b for a, b in zip(children, standard))
