"""Developer scripts run by hand, on whole projects through the real CLI and ``flake8 --select BE``
(:func:`backend_lint.analysis.hand_run_scripts.run_by_hand`): the functions only a script's main guard reaches,
and the handlers of the app it serves, are left alone when no other module imports them; a script's function
that another module imports stays reported, and so does the file checked alone (it cannot tell who imports it)."""

from __future__ import annotations

from pathlib import Path

from tests.processes import run_cli
from tests.projects import findings_of, write_project

SCRIPTS = {
    "pyproject.toml": '[project]\nname = "shop"\nversion = "1"\n\n[tool.backend-lint.BE206]\nreport-sleeps = true\n',
    "shop/__init__.py": "",
    "scripts/quickstart.py": """\
        import requests

        API_URL = "http://localhost:8080/api/v1"


        def get_token(client_id, secret):
            return requests.post(f"{API_URL}/oauth/token", data={"id": client_id, "secret": secret}).json()


        if __name__ == "__main__":
            input("Press [enter] to log in...")
            print(get_token("admin", "admin"))
    """,
    "scripts/seed.py": """\
        import requests

        API_URL = "http://localhost:8080/api/v1"


        def seed_users():
            return requests.post(f"{API_URL}/users", json=[]).json()


        if __name__ == "__main__":
            seed_users()
    """,
    "scripts/seed_all.py": """\
        from seed import seed_users

        seed_users()
    """,
    "scripts/benchmark/server.py": """\
        import time

        from fastapi import FastAPI

        app = FastAPI()


        @app.get("/sync-wait")
        def sync_wait():
            time.sleep(1)
            return {}


        if __name__ == "__main__":
            import uvicorn

            uvicorn.run(app, port=8008)
    """,
    "scripts/benchmark/mounted.py": """\
        import time

        from fastapi import FastAPI

        app = FastAPI()


        @app.get("/sync-wait")
        def sync_wait():
            time.sleep(1)
            return {}


        if __name__ == "__main__":
            import uvicorn

            uvicorn.run(app, port=8009)
    """,
    "shop/main.py": """\
        from fastapi import FastAPI

        from mounted import app as benchmark

        app = FastAPI()
        app.mount("/bench", benchmark)
    """,
}


def test_functions_only_a_scripts_main_guard_reaches(tmp_path: Path) -> None:
    root = write_project(tmp_path, SCRIPTS)
    assert findings_of(root, "BE201") == {("scripts/seed.py", 7)}  # seed_all.py imports seed_users
    result = run_cli("check", "--select", "BE201", "--no-cache", "--stdin-filename", "scripts/quickstart.py", "-",
                     cwd=root, stdin=(root / "scripts/quickstart.py").read_bytes())
    assert result.stdout.decode().count("BE201") == 1, result.stdout.decode()  # alone: the file cannot tell


def test_handlers_of_the_app_a_scripts_main_guard_serves(tmp_path: Path) -> None:
    root = write_project(tmp_path, SCRIPTS)
    assert findings_of(root, "BE206") == {("scripts/benchmark/mounted.py", 10)}  # the service mounts its app
