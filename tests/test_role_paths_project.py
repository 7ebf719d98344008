"""A module's roles (test, example...) are read from its path below the project root, never from the path below
the working folder or the configuration's root: the same project gives the same findings whichever folder the CLI
runs from and under flake8 (CI's flake8 run on the bundled example once lacked a finding the CLI reported).

The project below has no ``[tool.backend-lint]`` table, so the CLI's paths were relative to the working folder:
checked from its parent, every module sat under ``shopdemo/`` (an example folder: the handler's ``print`` went
unreported); checked from ``tests/``, ``tests/helpers.py`` was no test (its request without a timeout was
reported)."""

from __future__ import annotations

import os
from pathlib import Path

from tests.processes import check_json, run_flake8
from tests.projects import write_project

SHOP = {
    "pyproject.toml": '[project]\nname = "shop"\nversion = "1.0"\n',
    "shop/__init__.py": "",
    "shop/api.py": """\
        import requests
        from fastapi import FastAPI

        app = FastAPI()


        @app.get("/rates")
        def rates() -> dict:
            print("rates asked")
            return requests.get("https://rates.example.com/today").json()
        """,
    "shop/probe.py": """\
        import requests


        def ping_upstream() -> int:
            return requests.get("https://upstream.example.com/ping").status_code
        """,
    "tests/helpers.py": """\
        import requests

        from shop.probe import ping_upstream


        def upstream_is_up() -> bool:
            return ping_upstream() == 200 and requests.get("https://upstream.example.com/health").ok
        """,
    "tests/test_api.py": """\
        from tests.helpers import upstream_is_up


        def test_upstream() -> None:
            assert upstream_is_up()
        """,
    "examples/client.py": """\
        import requests

        print(requests.get("https://shop.example.com/rates").json())
        """,
}
EXPECTED = {("shop/api.py", 9, "BE401"), ("shop/api.py", 10, "BE201"), ("shop/probe.py", 5, "BE201")}


def _cli(root: Path, cwd: Path, path: str) -> set[tuple[str, int, str]]:
    """The CLI's findings run in ``cwd`` on ``path``, as (path below ``root``, line, code)."""
    return {
        (Path(os.path.relpath(cwd / item["path"], root)).as_posix(), item["line"], item["code"])
        for item in check_json("--no-cache", path, cwd=cwd)
    }


def test_the_same_findings_from_any_working_folder_and_under_flake8(tmp_path: Path) -> None:
    root = write_project(tmp_path / "shopdemo", SHOP)
    from_root = _cli(root, root, ".")
    assert from_root == EXPECTED
    assert _cli(root, tmp_path, "shopdemo") == from_root
    assert _cli(root, root / "tests", "..") == from_root
    assert _cli(root, root / "shop", str(root)) == from_root
    flake8 = {(Path(path).as_posix(), row, code) for path, row, _col, code in run_flake8(".", cwd=root)}
    assert flake8 == from_root


def test_the_bundled_example_from_the_file_system_root_and_its_own_folder() -> None:
    example = Path(__file__).resolve().parents[1] / "examples" / "orders_service"
    own = _cli(example, example, ".")
    assert ("orders/payments.py", 34, "BE201") in own  # the helper a route calls (``exchange_rate``)
    assert _cli(example, Path(os.path.abspath(os.sep)), str(example)) == own
    flake8 = {(Path(path).as_posix(), row, code) for path, row, _col, code in run_flake8(".", cwd=example)}
    assert flake8 == own
