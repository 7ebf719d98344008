"""The index of a file's nodes (analysis/node_index.py): read from the engine's walk, it holds what a walk of its
own finds, so the summary's whole-module readers answer the same with or without the walk."""

from __future__ import annotations

import ast
import textwrap

from backend_lint.analysis.app_conventions import LOGS, auth_traits
from backend_lint.analysis.node_index import node_index
from backend_lint.config import Config
from backend_lint.context import FileContext
from backend_lint.runner import Checker

CODE = textwrap.dedent('''
    import requests
    from celery import shared_task

    BASE = "http://localhost:8005"

    class Loader(Base, metaclass=Meta):
        limit = [n for n in range(3) if n]

        def run(self, rows, *, key=lambda r: r.id):
            for row in rows:
                try:
                    Tag.objects.create(name=row)
                except ValueError as error:
                    match row:
                        case {"kind": kind}:
                            print(kind, error)
            return {k: v async for k, v in self.items()}

    @shared_task
    async def sync(x: int = 1) -> None:
        with open("f") as handle, lock:
            requests.post(f"{BASE}/build/", data=handle.read())
        global counter
        assert (y := x) in {1, 2}, f"{y!r:>10}"

    if __name__ == "__main__":
        sync.delay(*[1], **{"a": 2})
''')


def _walked(code: str) -> FileContext:
    tree = ast.parse(code)
    ctx = FileContext(tree, code, "app/jobs.py", "app/jobs.py", "app.jobs")
    checker = Checker.from_config(Config(select=["BE"]))
    checker.engine.run(ctx)
    return ctx


def _by_type(ctx: FileContext) -> dict[str, set[tuple[int, int]]]:
    """Each node of the index by type name, with its parent (by identity), read through the index."""
    index = node_index(ctx)
    found: dict[str, set[tuple[int, int]]] = {}
    for node in ast.walk(ctx.tree):
        kind = type(node)
        if kind.__name__ in ("Load", "Store", "Del", "Add", "In", "Not", "And", "Or", "Eq", "Mod"):
            continue
        listed = index.of(kind)
        assert any(item is node for item in listed), f"{kind.__name__} missing from the index"
        found.setdefault(kind.__name__, set()).add((id(node), id(index.parent(node))))
    return found


def test_the_engines_record_and_a_walk_of_its_own_index_the_same_nodes_and_parents() -> None:
    walked = _walked(CODE)
    assert walked.walked and walked.parents
    alone = FileContext(walked.tree, CODE, "app/jobs.py", "app/jobs.py", "app.jobs")  # the same tree, no walk
    assert not alone.walked
    assert _by_type(walked) == _by_type(alone)
    index = node_index(walked)
    for kind in (ast.Call, ast.Name, ast.Attribute, ast.FunctionDef, ast.ClassDef, ast.comprehension):
        assert len(index.of(kind)) == len(node_index(alone).of(kind))
    assert len(index.functions()) == 2  # ``run`` and ``async def sync``


def test_logging_search_gate_keeps_a_long_s_that_case_insensitive_matching_reads_as_s() -> None:
    code = "import \u017ftructlog\n"  # the long s: ``re.I`` matches it to ``s``, ``str.lower`` keeps it
    ctx = FileContext(ast.parse("x = 1\n"), code, "app/a.py", "app/a.py", "app.a")
    assert LOGS in auth_traits(ctx)
    quiet = FileContext(ast.parse("x = 1\n"), "catalog = dialog.open()\n", "app/a.py", "app/a.py", "app.a")
    assert LOGS not in auth_traits(quiet)
