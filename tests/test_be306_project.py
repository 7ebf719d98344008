"""BE306 on a project: a request-body cap in the web or application server configuration the project ships.

Frigate's bundled nginx caps every body that reaches its API (``client_max_body_size 20M`` in the server that
proxies ``/api/``); linkding runs under uWSGI with ``limit-post`` set from a documented option. An upload read
whole behind such a cap reads at most that much. A cap of gigabytes, an nginx that switches the check off
(``client_max_body_size 0``), one that proxies nothing, or Gunicorn's header limits bound nothing, and the read
stays reported. Through the real CLI and ``flake8 --select BE`` as processes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.projects import findings_of, write_project

APP = {
    "api/__init__.py": "",
    "api/routes.py": """\
        from fastapi import FastAPI, UploadFile

        app = FastAPI()


        @app.post("/images")
        async def upload_image(file: UploadFile):
            data = await file.read()
            return {"bytes": len(data)}
    """,
}
NGINX = """\
    http {{
        server {{
            listen 5000;
            client_max_body_size {size};
            location /api/ {{
                proxy_pass http://127.0.0.1:5001/;
            }}
        }}
    }}
"""
BUNKERWEB = """\
    services:
      proxy:
        image: "bunkerity/bunkerweb-all-in-one:1.6"
        environment:
          MULTISITE: yes
          USE_REVERSE_PROXY: yes
          api.example.org_REVERSE_PROXY_HOST: http://api:8000
          api.example.org_MAX_CLIENT_SIZE: {size}
          s3.example.org_REVERSE_PROXY_HOST: http://s3:9000
          s3.example.org_MAX_CLIENT_SIZE: 10G
          www.example.org_MAX_CLIENT_SIZE: 1G
"""
UWSGI = """\
    [uwsgi]
    module = api.wsgi:application
    if-env = APP_REQUEST_MAX_CONTENT_LENGTH
    limit-post = %(_)
    endif =
"""


@pytest.mark.parametrize(
    ("config", "text"),
    [
        ("docker/main/rootfs/usr/local/nginx/conf/nginx.conf", NGINX.format(size="20M")),
        ("deploy/nginx/app.conf.template", NGINX.format(size="${MAX_BODY_SIZE}")),
        ("uwsgi.ini", UWSGI),
        ("Caddyfile", "example.com {\n  request_body {\n    max_size 10MB\n  }\n  reverse_proxy api:8000\n}\n"),
        ("Dockerfile", 'FROM python:3.12\nCMD ["uwsgi", "--http", ":8000", "--limit-post", "52428800"]\n'),
        ("etc/apache/site.conf", "<VirtualHost *:80>\n  LimitRequestBody 10485760\n  ProxyPass / http://app/\n"
                                 "</VirtualHost>\n"),
        ("deploy/compose.main.yaml", BUNKERWEB.format(size="1G")),  # fmtm's BunkerWeb, the API's server capped
        ("deploy/variables.env", "USE_REVERSE_PROXY=yes\nREVERSE_PROXY_HOST=http://api:8000\nMAX_CLIENT_SIZE=50m\n"),
    ],
)
def test_a_body_cap_in_the_shipped_server_configuration_bounds_the_upload(
    tmp_path: Path, config: str, text: str
) -> None:
    assert findings_of(write_project(tmp_path, {**APP, config: text}), "BE306") == set()


@pytest.mark.parametrize(
    ("config", "text"),
    [
        ("nginx/nginx.conf", NGINX.format(size="5G")),  # chosen to let large files in: bounds no whole read
        ("nginx/nginx.conf", NGINX.format(size="10M").replace("proxy_pass", "root /srv/static; #")),  # no app
        ("nginx/nginx.conf", NGINX.format(size="10M").replace("location /api/ {", "location /api/ {\n"
                                                                  "client_max_body_size 0;")),  # switched off
        ("gunicorn.conf.py", "limit_request_line = 4094\nlimit_request_field_size = 8190\n"),  # headers only
        ("docs/nginx.conf", NGINX.format(size="10M")),  # documentation, not the deployment
        ("deploy/compose.main.yaml", BUNKERWEB.format(size="5G")),  # only servers of no app or of gigabytes capped
        ("deploy/variables.env", "MAX_CLIENT_SIZE=50m\n"),  # no reverse proxy configured beside it
    ],
)
def test_no_cap_or_a_cap_that_bounds_nothing_leaves_the_upload_reported(
    tmp_path: Path, config: str, text: str
) -> None:
    found = findings_of(write_project(tmp_path, {**APP, config: text}), "BE306")
    assert found == {(os.path.join("api", "routes.py"), 8)}


def test_a_mock_of_another_service_is_not_an_upload_of_the_product(tmp_path: Path) -> None:
    """liteapi's virus scanner mock (``mock_virus_scan/views.py``), served only in development and end-to-end
    runs in place of the real scanner: its whole read is no upload of the product. The same view in a package of
    the product stays reported."""
    view = APP["api/routes.py"]
    root = write_project(tmp_path, {**APP, "mock_virus_scan/__init__.py": "", "mock_virus_scan/views.py": view})
    assert findings_of(root, "BE306") == {("api/routes.py", 8)}


FLASK_SERVER = """\
    import sys

    from flask import Flask

    sys.path.append("blueprints")
    from uploads import uploads

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 2000 * 1024 * 1024
    app.register_blueprint(uploads)
"""
FLASK_BLUEPRINT = """\
    from flask import Blueprint, request

    uploads = Blueprint("uploads", __name__)


    @uploads.route("/import", methods=["POST"])
    def import_cookies():
        data = request.files["file"].read()
        return {"bytes": len(data)}
"""


@pytest.mark.parametrize(("marker", "found"), [("requirements.txt", set()), ("README.md", {("www/blueprints/uploads.py", 8)})])
def test_an_application_rooted_by_its_requirements_file_is_one_project(
    tmp_path: Path, marker: str, found: set[tuple[str, int]]
) -> None:
    """ail's Flask UI: no packaging metadata, a ``requirements.txt`` at the top, the server module in ``www/`` and
    its blueprints in ``www/blueprints/`` (no ``__init__.py``, put on ``sys.path``). The requirements file makes
    the application one project, so the ``MAX_CONTENT_LENGTH`` the server sets bounds the blueprint's upload;
    without it each folder of scripts is a project of its own and the cap is not seen."""
    root = write_project(tmp_path, {
        marker: "flask\n", "www/server.py": FLASK_SERVER, "www/blueprints/uploads.py": FLASK_BLUEPRINT,
    })
    assert findings_of(root, "BE306") == found


def test_a_cap_in_the_repository_deploying_a_nested_project_bounds_the_upload(tmp_path: Path) -> None:
    """fmtm's backend is a project of its own (``src/backend/pyproject.toml``) in a repository whose
    ``deploy/compose.main.yaml`` runs BunkerWeb in front of it with the API's server capped at 1G: the
    repository's deployment caps the project's uploads. Without the cap, the upload stays reported."""
    nested = {f"src/backend/{name}": text for name, text in APP.items()}
    files = {".gitignore": "*.pyc\n", "src/backend/pyproject.toml": "[project]\nname = 'api'\n", **nested}
    capped = write_project(tmp_path / "capped", {**files, "deploy/compose.main.yaml": BUNKERWEB.format(size="1G")})
    assert findings_of(capped / "src" / "backend", "BE306") == set()
    uncapped = write_project(tmp_path / "uncapped", {**files, "deploy/compose.main.yaml": BUNKERWEB.format(size="5G")})
    assert findings_of(uncapped / "src" / "backend", "BE306") == {(os.path.join("api", "routes.py"), 8)}
