"""BE304 on a project: an endpoint factory that no module registers is dead code, one that is imported is not.

Both factories build a Flask view that answers an exception's text; the project model decides whether another
module imports the factory (or its module), through the real CLI and ``flake8 --select BE`` as processes.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.projects import findings_of, write_project

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
    found = findings_of(write_project(tmp_path, PROJECT), "BE304")
    assert found == {(os.path.join("app", "stats.py"), 9)}, "app/debug_pool.py is imported by no module"
