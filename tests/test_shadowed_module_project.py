"""A module ``x.py`` beside a package ``x/`` (with ``__init__.py``) in the same folder is never imported: the path
finder takes the package (letta's ``schemas/providers.py`` beside ``schemas/providers/``). Every rule reports code
that runs, so such a file has no findings; its twin in the package, a module beside a namespace folder (no
``__init__.py``: the module wins) and a shadowed file with a main guard (run by path) are still checked. Its
summary does not replace the package's in the project model. Run through the CLI and flake8 as real processes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from backend_lint.analysis.project.roots import module_name
from tests.projects import write_project
from tests.test_project_model import _both

CALL = """\
    import requests


    def fetch():
        return requests.get("https://example.com").text
"""

PROJECT = {
    "pyproject.toml": "[project]\nname = 'app'\n",
    "app/__init__.py": "",
    "app/providers.py": CALL,  # dead: ``app.providers`` is the package below
    "app/providers/__init__.py": "from app.providers.ollama import fetch\n",
    "app/providers/ollama.py": CALL,  # the live provider: flagged
    "app/clients.py": CALL,  # live: ``clients/`` has no ``__init__.py``, a namespace folder the module beats
    "app/clients/README.md": "notes\n",
    "app/clients/extra.py": "VALUE = 1\n",
    "app/tool.py": CALL + '\n\n    if __name__ == "__main__":\n        print(fetch())\n',  # run by path: checked
    "app/tool/__init__.py": "",
}


def test_a_module_its_package_shadows_has_no_findings(tmp_path: Path) -> None:
    root = write_project(tmp_path, PROJECT)
    found = {(path, line) for path, line, code in _both(root) if code == "BE201"}
    assert found == {("app/providers/ollama.py", 5), ("app/clients.py", 5), ("app/tool.py", 5)}


def test_python_imports_the_package_not_the_module(tmp_path: Path) -> None:
    """The fact the rule relies on, asked of the interpreter itself."""
    root = write_project(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/x.py": "WHICH = 'module'\n",
            "pkg/x/__init__.py": "WHICH = 'package'\n",
            "pkg/y.py": "WHICH = 'module'\n",
            "pkg/y/z.py": "",
        },
    )
    code = "import pkg.x, pkg.y; print(pkg.x.WHICH, pkg.y.WHICH)"
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["package", "module"]


def test_the_shadowed_summary_leaves_the_package_facts_alone(tmp_path: Path) -> None:
    """The package re-exports ``fetch`` and a route calls it; the dead module beside it, which would carry the same
    module name, must not stand in for the package in the model (its own function is unreached there)."""
    root = write_project(tmp_path, PROJECT)
    assert module_name(str(root / "app/providers.py")) == ""
    assert module_name(str(root / "app/providers/__init__.py")) == "app.providers"
    assert module_name(str(root / "app/clients.py")) == "app.clients"
