"""``dead_values.reaching_value``: the one value that reaches a read of a local assigned more than once."""

from __future__ import annotations

import ast
import textwrap
from typing import Optional

import pytest

from backend_lint.analysis.dead_values import reaching_value


def _reaching(code: str) -> Optional[str]:
    """The value reaching the call ``use(row)`` in ``code``, as text."""
    tree = ast.parse(textwrap.dedent(code))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    use = next(
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "use"
    )
    value = reaching_value("row", use, parents.get)
    return None if value is None else ast.unparse(value)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("def f():\n    row, rows = find()\n    row = Model()\n    use(row)\n", "Model()"),
        ("def f(ok):\n    row, rows = find()\n    if ok:\n        row = Model()\n        use(row)\n", "Model()"),
        ("def f():\n    row = Model()\n    row, rows = find()\n    use(row)\n", None),  # an unpacking reaches it
        ("def f(ok):\n    row = Model()\n    if ok:\n        row = other()\n    use(row)\n", None),  # a branch may
        ("def f(items):\n    row = Model()\n    for item in items:\n        use(row)\n        row = item\n", None),
        ("def f():\n    try:\n        row = Model()\n    except Error:\n        use(row)\n", None),
        ("def f(row):\n    use(row)\n", None),  # a parameter: no assignment
        ("def f(rows):\n    row = Model()\n    for row in rows:\n        use(row)\n", None),  # the loop binds it
        ("def f(p):\n    row = Model()\n    with open(p) as row:\n        use(row)\n", None),  # so does ``as``
        ("def f(rows):\n    row = Model()\n    for item in rows:\n        use(row)\n", "Model()"),  # not this loop
    ],
)
def test_the_value_reaching_a_use(code: str, expected: Optional[str]) -> None:
    assert _reaching(code) == expected
