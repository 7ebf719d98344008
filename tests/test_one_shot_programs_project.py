"""One-shot programs outside a scripts folder, on a whole project through the real CLI
(:func:`backend_lint.analysis.one_shot_programs.one_shot_program`): a main-guarded module that serves nothing, never
loops forever and that no other module imports is run by hand (BE201 leaves it alone); one another module imports,
or a worker that loops forever, stays reported."""

from __future__ import annotations

from pathlib import Path

from tests.projects import findings_of, write_project

PROJECT = {
    "pyproject.toml": '[project]\nname = "shop"\nversion = "1"\n',
    "shop/__init__.py": "",
    "shop/utils/__init__.py": "",
    "shop/utils/bulk_users.py": """\
        import requests


        class UserCreation:
            def create(self, name):
                return requests.post("http://localhost:8080/api/users", json={"name": name}).json()


        if __name__ == "__main__":
            UserCreation().create("ops")
    """,
    "shop/utils/seed.py": """\
        import requests


        def seed_users():
            return requests.post("http://localhost:8080/api/users", json=[]).json()


        if __name__ == "__main__":
            seed_users()
    """,
    "shop/jobs.py": """\
        from shop.utils.seed import seed_users


        def nightly():
            seed_users()
    """,
    "shop/utils/worker.py": """\
        import time

        import requests


        def poll():
            return requests.get("https://feeds.example.net/changes").json()


        if __name__ == "__main__":
            while True:
                poll()
                time.sleep(30)
    """,
}


def test_one_shot_programs_wherever_they_sit(tmp_path: Path) -> None:
    root = write_project(tmp_path, PROJECT)
    assert findings_of(root, "BE201") == {("shop/utils/seed.py", 5), ("shop/utils/worker.py", 7)}
