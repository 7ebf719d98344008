"""Facts of the whole application (:mod:`backend_lint.analysis.app_conventions`): no ambient credential
(BE505), CSRF validated by hand (BE512), standard output as the log channel by design and Celery's stdout sent
into logging (BE401). The CLI and flake8 run as real processes."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.projects import findings_of, write_project

CORS_APP = textwrap.dedent('''\
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware

    app = FastAPI()
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
''')
"""The credentialed wildcard: line 5."""

BEARER_AUTH = textwrap.dedent('''\
    from fastapi import Depends
    from fastapi.security import OAuth2PasswordBearer, APIKeyHeader

    oauth2 = OAuth2PasswordBearer(tokenUrl="/login")
    api_key = APIKeyHeader(name="X-API-Key", auto_error=False)


    async def current_user(token: str = Depends(oauth2), key: str = Depends(api_key)):
        return token or key
''')


@pytest.mark.parametrize(("auth", "reported"), [
    ({"svc/auth.py": BEARER_AUTH}, False),  # bearer token and API key headers only: nothing ambient
    # the header read by hand (a Starlette middleware reading Authorization)
    ({"svc/auth.py": "async def user(request):\n    return request.headers.get('Authorization')\n"}, False),
    # a cookie anywhere keeps it: the browser sends it cross-site
    ({"svc/auth.py": BEARER_AUTH, "svc/login.py": "def login(response):\n    response.set_cookie('sid', 'x')\n"},
     True),
    # Starlette sessions
    ({"svc/auth.py": BEARER_AUTH,
      "svc/setup.py": "from starlette.middleware.sessions import SessionMiddleware\n\nMIDDLEWARE = [SessionMiddleware]\n"},
     True),
    # Basic authentication is cached and sent by the browser too
    ({"svc/auth.py": "from fastapi.security import HTTPBasic\n\nsecurity = HTTPBasic()\n"}, True),
    # an HTTP client's or an ORM's session.get(...) is no web session (taskingai's aiohttp, papermerge's SQLAlchemy)
    ({"svc/auth.py": BEARER_AUTH,
      "svc/fetch.py": "async def fetch(session, url):\n    return await session.get(url)\n",
      "svc/db.py": "def user(session, pk):\n    return session.get(User, pk)\n"}, False),
    # an identity header an authenticating proxy fills from its own session cookie (papermerge's oauth2-proxy)
    ({"svc/auth.py": BEARER_AUTH, "svc/config.py": 'remote_user_header: str = "X-Forwarded-User"\n'}, True),
    # Basic credentials the application sends to its stores (feast's trino and Elasticsearch connectors, seed 134)
    ({"svc/auth.py": BEARER_AUTH,
      "svc/trino.py": "from trino.auth import (\n    BasicAuthentication,\n)\n\nclass BasicAuthModel:\n    pass\n",
      "svc/search.py": "def client(hosts, user, password):\n    return Elasticsearch(hosts, basic_auth=(user, password))\n"},
     False),
    # an inbound Basic scheme of Flask-HTTPAuth stays ambient
    ({"svc/auth.py": "from flask_httpauth import HTTPBasicAuth\n\nauth = HTTPBasicAuth()\n"}, True),
    # no ambient credential anywhere (a model server, a chat plugin with no auth at all): nothing to borrow
    ({}, False),
])
def test_be505_no_ambient_credential(tmp_path: Path, auth: dict[str, str], reported: bool) -> None:
    project = {"pyproject.toml": '[project]\nname = "svc"\n', "svc/__init__.py": "", "svc/app.py": CORS_APP, **auth}
    found = findings_of(write_project(tmp_path, project), "BE505")
    assert (("svc/app.py", 5) in found) == reported


def test_be505_judged_per_application_package(tmp_path: Path) -> None:
    """A project serving several apps (kairon): the bearer-only app in its own package is left alone although the
    main app's package sets a cookie; the main app's credentialed wildcard stays reported."""
    project = {
        "pyproject.toml": '[project]\nname = "svc"\n', "svc/__init__.py": "", "svc/auth.py": BEARER_AUTH,
        "svc/history/__init__.py": "", "svc/history/main.py": CORS_APP,
        "svc/api/__init__.py": "", "svc/api/main.py": CORS_APP,
        "svc/api/login.py": "def login(response):\n    response.set_cookie('sid', 'x')\n",
    }
    found = findings_of(write_project(tmp_path, project), "BE505")
    assert ("svc/history/main.py", 5) not in found
    assert ("svc/api/main.py", 5) in found


VIEWS = textwrap.dedent('''\
    from flask import request
    from flask.views import MethodView
    from werkzeug.datastructures import Headers


    class UserPass(MethodView):
        def get_headers(self):
            headers = Headers()
            headers["Access-Control-Allow-Origin"] = request.environ.get("HTTP_ORIGIN")
            headers["Access-Control-Allow-Credentials"] = "true"
            return headers

        def get(self):
            user = request.headers.get("X-Svc-Username")
            return issue_token(user, request.headers.get("X-Svc-Password")), 200, self.get_headers()


    class GSS(MethodView):
        def get_headers(self):
            headers = Headers()
            headers["Access-Control-Allow-Origin"] = request.environ.get("HTTP_ORIGIN")
            headers["Access-Control-Allow-Credentials"] = "true"
            return headers

        def get(self):
            return issue_token(request.environ.get("REMOTE_USER")), 200, self.get_headers()


    def response_headers(response):
        response.headers["Access-Control-Allow-Origin"] = request.environ.get("HTTP_ORIGIN")
        response.headers["Access-Control-Allow-Credentials"] = "true"
        return response
''')
"""rucio's sign-in views: lines 9 (a view reading header credentials), 21 (a view signing in from ``REMOTE_USER``,
which the front-end's Negotiate sets from the browser's ambient Kerberos ticket) and 30 (a module function)."""


@pytest.mark.parametrize(("common", "quiet"), [
    # a custom credential header read by the API: the header view is left alone, the REMOTE_USER one is not
    ("def auth_env(request):\n    return validate(request.headers.get('X-Svc-Auth-Token'))\n", {9}),
    # the package's hook reads a cookie for every view: all reported
    ("def auth_env(request):\n    return validate(request.cookies.get('sid'))\n", set()),
])
def test_be505_view_whose_class_reads_no_ambient_credential(
        tmp_path: Path, common: str, quiet: set[int]) -> None:
    """Headers a view class sets for its own answers serve that view alone: with header credentials shown in the
    project and no ambient credential named in the class, a foreign page borrows nothing through it, whatever the
    module's other views read; a cookie the package's hook reads serves every view. A module-level function's
    headers are judged by the whole package, as before."""
    project = {"pyproject.toml": '[project]\nname = "svc"\n', "svc/__init__.py": "", "svc/auth.py": VIEWS,
               "svc/common.py": common}
    found = {line for path, line in findings_of(write_project(tmp_path, project), "BE505") if path == "svc/auth.py"}
    assert found == {9, 21, 30} - quiet


FLASK_APP = textwrap.dedent('''\
    from flask import Flask

    app = Flask(__name__)
    app.config.update({"WTF_CSRF_ENABLED": False, "SECRET_KEY": "x"})
''')


@pytest.mark.parametrize(("upload", "reported"), [
    ("from flask import request\nfrom flask_wtf.csrf import validate_csrf\n\n\ndef upload():\n"
     "    validate_csrf(request.form.get('csrf_token'))\n", False),
    ("from flask import request\nfrom flask_wtf import csrf\n\n\ndef upload():\n"
     "    csrf.validate_csrf(request.form['csrf_token'])\n", False),
    ("from svc.extensions import csrf\n\n\ndef before():\n    csrf.protect()\n", False),
    ("from flask import request\n\n\ndef upload():\n    return request.files['f']\n", True),
])
def test_be512_csrf_validated_by_hand(tmp_path: Path, upload: str, reported: bool) -> None:
    project = {"pyproject.toml": '[project]\nname = "svc"\n', "svc/__init__.py": "", "svc/app.py": FLASK_APP,
               "svc/upload.py": upload}
    found = findings_of(write_project(tmp_path, project), "BE512")
    assert (("svc/app.py", 4) in found) == reported


def _printing_project(modules: int, prints: int, logs: bool) -> dict[str, str]:
    """``modules`` Celery task modules, each printing ``prints`` times (first print on line 6). A task is weak
    evidence of a service, so the prints dump values with no words: the debugging leftovers BE401 reports there."""
    body = "".join(f"    print(doc_id)  # step {n}\n" for n in range(prints))
    project = {"pyproject.toml": '[project]\nname = "svc"\n', "svc/__init__.py": ""}
    for number in range(modules):
        project[f"svc/tasks{number}.py"] = (
            f"from celery import shared_task\n\n\n@shared_task\ndef index{number}(doc_id):\n{body}")
    if logs:
        project["svc/util.py"] = "import logging\n\nlogger = logging.getLogger(__name__)\n"
    return project


@pytest.mark.parametrize(("modules", "prints", "logs", "reported"), [
    (12, 10, False, False),  # logs nowhere, prints in 12 modules, 120 prints: stdout is the log channel
    (12, 10, True, True),  # one module logging is enough to keep them
    (3, 10, False, True),  # a small project: too little to call a convention
    (12, 2, False, True),  # few prints in all
])
def test_be401_print_convention(tmp_path: Path, modules: int, prints: int, logs: bool, reported: bool) -> None:
    found = findings_of(write_project(tmp_path, _printing_project(modules, prints, logs)), "BE401")
    assert (("svc/tasks0.py", 6) in found) == reported


TASK = textwrap.dedent('''\
    from celery import shared_task


    @shared_task(bind=True)
    def sync(self, template_id):
        print(f"syncing template {template_id} failed")


    def helper():
        print("not a task")
''')
"""A Celery task's print (line 6) and a helper's (line 10) in a service module."""


@pytest.mark.parametrize(("settings", "reported"), [
    ('CELERY_WORKER_REDIRECT_STDOUTS = True\nCELERY_WORKER_REDIRECT_STDOUTS_LEVEL = "INFO"\n', False),
    ('CELERY = {"worker_redirect_stdouts_level": "DEBUG"}\n', False),
    ("", True),  # Celery's default alone is not the project's decision
    ("CELERY_WORKER_REDIRECT_STDOUTS = False\n", True),
])
def test_be401_celery_stdout_into_logging(tmp_path: Path, settings: str, reported: bool) -> None:
    project = {"pyproject.toml": '[project]\nname = "svc"\n', "svc/__init__.py": "", "svc/tasks.py": TASK,
               "svc/settings.py": settings, "svc/log.py": "import logging\n\nlogger = logging.getLogger('svc')\n"}
    found = findings_of(write_project(tmp_path, project), "BE401")
    assert (("svc/tasks.py", 6) in found) == reported
