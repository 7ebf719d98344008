"""BE303, BE304 and BE506 on a project: a sidecar web application whose only client is the project's own backend.

librephotos' backend spawns small Flask apps and posts bodies it builds itself to them
(``requests.post(settings.IMAGE_SIMILARITY_SERVER + "/build/", json=...)``, ``"http://localhost:8005/face-encodings"``);
OpenHands' backend calls its sandbox's action server at ``f"{self.action_execution_server_url}/upload_file"``.
Those routes cross no trust boundary: their bodies, error texts and file names are the backend's own. The same
sidecar without such a client (or with only a test, or a command line tool, calling it), or an app that is the
project's only API, is still reported. Through the real CLI and ``flake8 --select BE`` as processes.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

from tests.projects import findings_of, write_project

SIDECAR = """\
    import os

    from flask import Flask, jsonify, request

    app = Flask(__name__)
    INDEX = {}
    UPLOADS = "/srv/uploads"


    @app.route("/build/", methods=["POST"])
    def build():
        data = request.get_json()
        INDEX[data["user_id"]] = data["embeddings"]
        return jsonify({"status": True})


    @app.route("/search/<int:user_id>", methods=["POST"])
    def search(user_id):
        try:
            return jsonify(INDEX[user_id].nearest(request.get_json()["embedding"]))
        except Exception as e:
            return jsonify({"error": str(e)}), 500


    @app.route("/upload", methods=["POST"])
    def upload():
        uploaded = request.files["file"]
        uploaded.save(os.path.join(UPLOADS, uploaded.filename))
        return jsonify({"status": True})


    if __name__ == "__main__":
        app.run(port=8002)
"""

BACKEND = {
    "pyproject.toml": "[project]\nname = 'photos'\n",
    "photos/__init__.py": "",
    "photos/settings.py": "SIDECAR_SERVER = 'http://localhost:8002'\n",
    "photos/api.py": """\
        from fastapi import APIRouter, Request

        router = APIRouter()
        ALBUMS = {}


        @router.post("/albums")
        async def create_album(request: Request):
            data = await request.json()
            ALBUMS[data["name"]] = data["photos"]
            return {"ok": True}
    """,
    "photos/main.py": """\
        from fastapi import FastAPI

        from photos.api import router

        app = FastAPI()
        app.include_router(router)
    """,
    "sidecar/__init__.py": "",
    "sidecar/main.py": SIDECAR,
}

CLIENT = """\
    import requests

    from photos import settings


    class SidecarClient:
        def __init__(self, base_url):
            self.base_url = base_url

        def _send(self, method, url, **kwargs):
            return requests.request(method, url, timeout=10, **kwargs)

        def upload(self, path):
            with open(path, "rb") as handle:
                return self._send("POST", f"{self.base_url}/upload", files={"file": handle})


    def build_index(user_id, embeddings):
        requests.post(settings.SIDECAR_SERVER + "/build/", json={"user_id": user_id, "embeddings": embeddings},
                      timeout=10)


    def search(user_id):
        url = f"http://localhost:8002/search/{user_id}"
        return requests.post(url, timeout=10).json()
"""

SIDECAR_LINES = {
    ("BE303", os.path.join("sidecar", "main.py"), 12),
    ("BE304", os.path.join("sidecar", "main.py"), 22),
    ("BE506", os.path.join("sidecar", "main.py"), 28),
}


def _all(root: Path) -> set[tuple[str, str, int]]:
    return {(code, path, line) for code in ("BE303", "BE304", "BE506") for path, line in findings_of(root, code)}


def test_a_sidecar_only_the_backend_calls_is_no_public_api(tmp_path: Path) -> None:
    project = write_project(tmp_path, {**BACKEND, "photos/sidecar_client.py": CLIENT})
    assert _all(project) == {("BE303", os.path.join("photos", "api.py"), 9)}, "the main API is still reported"


def test_the_same_sidecar_without_a_client_in_the_project_is_reported(tmp_path: Path) -> None:
    project = write_project(tmp_path, dict(BACKEND))
    assert _all(project) == {*SIDECAR_LINES, ("BE303", os.path.join("photos", "api.py"), 9)}


def test_a_test_or_a_command_calling_the_routes_is_no_internal_client(tmp_path: Path) -> None:
    command = "import click\n\n\n@click.command()\ndef main():\n    pass\n\n\n" + textwrap.dedent(CLIENT)
    project = write_project(tmp_path, {
        **BACKEND, "tests/__init__.py": "", "tests/test_sidecar.py": CLIENT, "photos/cli.py": command,
    })
    assert _all(project) >= SIDECAR_LINES


def test_a_route_the_backend_does_not_call_is_still_reported(tmp_path: Path) -> None:
    client = CLIENT.replace('f"{self.base_url}/upload"', 'f"{self.base_url}/other"')
    project = write_project(tmp_path, {**BACKEND, "photos/sidecar_client.py": client})
    assert _all(project) == {
        ("BE506", os.path.join("sidecar", "main.py"), 28), ("BE303", os.path.join("photos", "api.py"), 9),
    }


def test_an_app_that_is_the_projects_only_api_is_reported_whoever_calls_it(tmp_path: Path) -> None:
    files = {name: text for name, text in BACKEND.items() if name not in ("photos/api.py", "photos/main.py")}
    project = write_project(tmp_path, {**files, "photos/sidecar_client.py": CLIENT})
    assert _all(project) == SIDECAR_LINES


def test_a_client_of_a_public_host_is_no_internal_client(tmp_path: Path) -> None:
    client = CLIENT.replace('f"{self.base_url}/upload"', '"https://api.example.com/upload"').replace(
        'settings.SIDECAR_SERVER + "/build/"', '"https://api.example.com/build/"').replace(
        '"http://localhost:8002/search/{user_id}"', '"https://api.example.com/search/{user_id}"')
    project = write_project(tmp_path, {**BACKEND, "photos/sidecar_client.py": client})
    assert _all(project) >= SIDECAR_LINES
