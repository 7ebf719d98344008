"""BE304 on a project: an endpoint factory that no module registers is dead code, one that is imported is not.

Both factories build a Flask view that answers an exception's text; the project model decides whether another
module imports the factory (or its module), through the real CLI and ``flake8 --select BE`` as processes.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

from tests.processes import check_json, run_flake8

FACTORY = """\
    from flask import jsonify


    def {name}():
        def stats():
            try:
                return jsonify(read_stats())
            except Exception as e:
                return jsonify({{"error": str(e)}}), 500

        return stats
"""

PROJECT = {
    "app/__init__.py": "",
    "app/debug_pool.py": FACTORY.format(name="get_pool_stats_endpoint"),
    "app/stats.py": FACTORY.format(name="get_stats_endpoint"),
    "app/main.py": """\
        from flask import Flask

        from app.stats import get_stats_endpoint

        app = Flask(__name__)
        app.add_url_rule("/stats", view_func=get_stats_endpoint())
    """,
}


def test_a_factory_nothing_imports_is_not_reported(tmp_path: Path) -> None:
    for name, text in PROJECT.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    found = {(os.path.normpath(item["path"]), item["line"]) for item in
             check_json("--no-cache", "--select", "BE304", ".", cwd=tmp_path)}
    flake8 = {(path.removeprefix("./"), row) for path, row, _col, code in run_flake8(".", cwd=tmp_path)
              if code == "BE304"}
    assert flake8 == found
    assert found == {(os.path.join("app", "stats.py"), 9)}, "app/debug_pool.py is imported by no module"
