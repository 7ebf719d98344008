"""Project roots (:mod:`backend_lint.analysis.project.roots`): a module named ``setup.py`` inside a package is a
project root only when it packages something (``setup(...)``, setuptools, distutils)."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend_lint.analysis.project import roots


@pytest.mark.parametrize(("setup_text", "packaging"), [
    ("from setuptools import setup\n\nsetup(name='api')\n", True),
    ("def setup_api(app):\n    # call after runner.setup() froze nothing\n    app.runner.setup()\n", False),
    ("from .app import mount\n\n\ndef setup(app):\n    mount(app)\n", False),
])
def test_a_package_module_named_setup(tmp_path: Path, setup_text: str, packaging: bool) -> None:
    """backend.ai's ``manager/api/rest/setup.py`` (seed 131) calls ``runner.setup()``: another object's method,
    not ``setup(...)`` of setuptools, so the package stays in the repository's project, with the modules that build
    the application around it; so does a module defining a function named ``setup``."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'shop'\n")
    package = tmp_path / "shop" / "api"
    package.mkdir(parents=True)
    (tmp_path / "shop" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "setup.py").write_text(setup_text)
    handler = package / "handler.py"
    handler.write_text("")
    roots.clear()
    try:
        assert roots.project_root(str(handler)) == str(package if packaging else tmp_path)
    finally:
        roots.clear()
