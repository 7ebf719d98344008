"""BE504 on a project: ``app.run(debug=True)`` under the main guard of a module that the project's ``wsgi.py``
imports is a development launcher, left alone; the same launcher without a WSGI module, and debug switched on
where the module is imported (not under its main guard), are still reported. Through the real CLI and
``flake8 --select BE`` as processes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.processes import cached_findings
from tests.projects import findings_of, write_project

RUN = """\
    from flask import Flask


    def create_app():
        app = Flask(__name__)
        return app


    def main():
        app = create_app()
        app.run(host="0.0.0.0", debug=True)


    if __name__ == "__main__":
        main()
"""

SERVE = """\
    from flask import Flask

    app = Flask(__name__)
    app.debug = True

    if __name__ == "__main__":
        app.run(debug=True)
"""

PROJECT = {
    "budget/__init__.py": "",
    "budget/run.py": RUN,
    "budget/wsgi.py": "from budget.run import create_app\n\napplication = create_app()\n",
    "budget/serve.py": SERVE,
    "budget/legacy/__init__.py": "",
    "budget/legacy/run.py": RUN,
    "tests/__init__.py": "",
    "tests/wsgi.py": "from budget.legacy.run import create_app\n",
}


def test_a_launcher_the_wsgi_module_bypasses_is_left_alone(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, PROJECT), "BE504")
    # run.py's main(), called by its main guard, is the development launcher: wsgi.py serves the app.
    assert ("budget/run.py", 11) not in found
    # serve.py is imported by no WSGI module: its main guard may be how the app is started.
    assert ("budget/serve.py", 7) in found
    # Debug switched on at import time ships wherever the module is imported.
    assert ("budget/serve.py", 4) in found
    # A test module named wsgi.py is no server's entry point.
    assert ("budget/legacy/run.py", 11) in found


def test_without_the_wsgi_module_the_launcher_is_reported(tmp_path: Path) -> None:
    files = dict(PROJECT)
    del files["budget/wsgi.py"]
    assert ("budget/run.py", 11) in findings_of(write_project(tmp_path, files), "BE504")


SETUP_SERVER = """\
    from flask import Flask


    def build_app(path):
        app = Flask(__name__)
        return app


    if __name__ == "__main__":
        build_app("/tmp/dev").run(debug=True)
"""
"""mailu's setup/server.py: the development launcher (line 10) of an app the container serves from main.py."""


@pytest.mark.parametrize(("deployment", "reported"), [
    ({"setup/Dockerfile": "FROM python:3\nCMD gunicorn -w 4 -b :80 --preload main:app\n"}, False),
    ({"setup/Dockerfile": 'FROM python:3\nCMD ["uvicorn", "main:app", "--host", "0.0.0.0"]\n'}, False),
    ({"Procfile": "web: gunicorn --chdir setup main:app\n"}, False),
    ({"docker-compose.yml": "services:\n  web:\n    command: gunicorn server:app -b :80\n"}, False),  # itself
    # a server serving another module that does not import the launcher's
    ({"setup/Dockerfile": "FROM python:3\nCMD gunicorn other:app\n"}, True),
    ({"setup/Dockerfile": "FROM python:3\nCMD python server.py\n"}, True),  # the launcher is the entry
    ({}, True),
])
def test_a_launcher_the_deployed_server_bypasses(tmp_path: Path, deployment: dict[str, str], reported: bool) -> None:
    files = {
        "pyproject.toml": '[project]\nname = "setup"\n',
        "setup/server.py": SETUP_SERVER,
        "setup/main.py": "from server import build_app\n\napp = build_app('/data')\n",
        "setup/other.py": "from flask import Flask\n\napp = Flask(__name__)\n",
        **deployment,
    }
    assert (("setup/server.py", 10) in findings_of(write_project(tmp_path, files), "BE504")) == reported


SETTINGS_PROJECT = {
    "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'cla.settings')\n",
    "cla/__init__.py": "",
    "cla/wsgi.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'cla.settings')\n",
    "cla/settings/__init__.py": "from .base import *\n",
    "cla/settings/base.py": "import os\n\nDEBUG = os.environ.get('DEBUG') == 'True'\nINSTALLED_APPS = []\n",
    "cla/settings/production.py": "from .base import *\n\nDEBUG = True\n",
    "cla/settings/integration.py": "from .base import *\n\nDEBUG = True\n",
    "cla/settings/staging.py": "from .base import *\n\nDEBUG = True\n",
    "docker/uwsgi.ini": "[uwsgi]\nenv = DJANGO_SETTINGS_MODULE=cla.settings\n",
    "docker-compose.yaml": "services:\n  app:\n    environment:\n      DJANGO_SETTINGS_MODULE: ${S:-cla.settings.staging}\n",
}


def test_settings_modules_the_project_never_names_are_left_alone(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, SETTINGS_PROJECT), "BE504")
    # manage.py, wsgi.py and the uWSGI file run cla.settings; production.py and integration.py are named nowhere.
    assert ("cla/settings/production.py", 3) not in found
    assert ("cla/settings/integration.py", 3) not in found
    # the compose file runs staging.py: its DEBUG = True is served.
    assert ("cla/settings/staging.py", 3) in found


@pytest.mark.parametrize("deployment", [
    {"k8s/deployment.yaml": "env:\n  - name: DJANGO_SETTINGS_MODULE\n    value: ${SETTINGS_MODULE}\n"},
    {"cla/celery.py": "import os\nos.environ['DJANGO_SETTINGS_MODULE'] = os.environ['SETTINGS']\n"},
    {"cla/settings/__init__.py": "import os\nif os.environ.get('PROD'):\n    from .production import *\n"},
    {"manage.py": "print('no settings named')\n", "cla/wsgi.py": "", "docker/uwsgi.ini": "",
     "docker-compose.yaml": ""},
])
def test_settings_modules_stay_reported_when_the_one_run_is_not_known(
    tmp_path: Path, deployment: dict[str, str]
) -> None:
    """A value the project does not spell, a module that imports production.py, or no name at all: any settings
    module may be the one a deployment runs."""
    found = findings_of(write_project(tmp_path, {**SETTINGS_PROJECT, **deployment}), "BE504")
    assert ("cla/settings/production.py", 3) in found


BASE_DEBUG = {
    "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings.base')\n",
    "shop/__init__.py": "",
    "shop/settings/__init__.py": "",
    "shop/settings/base.py": "INSTALLED_APPS = []\nDEBUG = True\n",
    "shop/settings/production.py": "import os\n\nfrom .base import *\n\nDEBUG = os.environ.get('DEBUG') == '1'\n",
    "shop/wsgi.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings.production')\n",
}


@pytest.mark.parametrize(("change", "replaced"), [
    ({"manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings.local')\n"}, True),
    ({"manage.py": "", "shop/settings/production.py": "from .base import *\nDEBUG = False\n"}, True),
    ({"manage.py": ""}, True),
    ({}, False),  # manage.py runs base itself
    ({"manage.py": "", "shop/settings/production.py": "from .base import *\n"}, False),  # production keeps it
])
def test_a_base_debug_the_production_settings_replace(
    tmp_path: Path, change: dict[str, str], replaced: bool
) -> None:
    assert (("shop/settings/base.py", 2) not in findings_of(write_project(tmp_path, {**BASE_DEBUG, **change}),
                                                             "BE504")) == replaced


OLD_TEMPLATE_WSGI = """\
import os

# We defer to a DJANGO_SETTINGS_MODULE already in the environment. This breaks
# if running multiple sites in the same mod_wsgi process. To fix this, use
# mod_wsgi daemon mode with each site in its own daemon process, or set
# DJANGO_SETTINGS_MODULE in the environment directly.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings.local")
"""


@pytest.mark.parametrize(("change", "replaced"), [
    ({}, True),
    ({"shop/settings/hosting.py": "from .base import *\n"}, False),  # the deployed settings keep the base's DEBUG
])
def test_the_old_wsgi_template_comment_names_no_settings(
    tmp_path: Path, change: dict[str, str], replaced: bool
) -> None:
    """Django's old ``wsgi.py`` template mentions the variable in a sentence ("We defer to a DJANGO_SETTINGS_MODULE
    already in the environment"): no value of it, so the settings the project runs stay known (pythondotorg: the
    Dockerfile runs ``settings.static``, which sets ``DEBUG = False`` over the base's ``True``)."""
    project = {
        "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings.local')\n",
        "shop/__init__.py": "",
        "shop/wsgi.py": OLD_TEMPLATE_WSGI,
        "shop/settings/__init__.py": "",
        "shop/settings/base.py": "INSTALLED_APPS = []\nDEBUG = True\n",
        "shop/settings/local.py": "from .base import *\n\nDEBUG = True\n",
        "shop/settings/hosting.py": "from .base import *\n\nDEBUG = False\n",
        "Dockerfile": "RUN DJANGO_SETTINGS_MODULE=shop.settings.hosting python manage.py collectstatic --noinput\n",
        **change,
    }
    assert (("shop/settings/base.py", 2) not in findings_of(write_project(tmp_path, project), "BE504")) == replaced


GATEWAY = """\
    import argparse

    import uvicorn
    from fastapi import FastAPI

    app = FastAPI(title="fake payment gateway", debug=True)

    if __name__ == "__main__":
        parser = argparse.ArgumentParser()
        parser.add_argument("--port", type=int, default=8000)
        uvicorn.run(app, port=parser.parse_args().port)
"""


def test_a_program_in_a_scripts_folder_is_left_alone_unless_the_service_imports_it(tmp_path: Path) -> None:
    """A fake gateway a developer starts by hand from ``scripts/`` is no deployment's app; the same program
    imported by a module of the service may be served, and stays reported."""
    found = findings_of(write_project(tmp_path, {
        "payments/__init__.py": "", "payments/main.py": "from scripts.shared_gateway import app\n",
        "scripts/__init__.py": "", "scripts/fake_gateway.py": GATEWAY, "scripts/shared_gateway.py": GATEWAY,
    }), "BE504")
    assert ("scripts/fake_gateway.py", 6) not in found
    assert ("scripts/shared_gateway.py", 6) in found


GRAFTED = {
    "tool/__init__.py": "",
    "tool/api.py": """\
        from flask import Flask

        api_app = Flask(__name__)
        api_app.config["DEBUG"] = True
    """,
    "tool/webserver.py": """\
        import cherrypy

        from tool.api import api_app


        def start(port):
            cherrypy.tree.graft(api_app, "/api")
            cherrypy.config.update({"server.socket_port": port})
            cherrypy.engine.start()
    """,
}


def test_a_flask_debug_config_no_server_of_the_project_runs_is_left_alone(tmp_path: Path) -> None:
    """Flexget's ``api_app`` sets ``DEBUG`` but is grafted into CherryPy: Flask's debugger is served only by
    ``app.run()``, which no module calls, so the flag serves none. A module that runs it brings the finding back."""
    assert findings_of(write_project(tmp_path, GRAFTED), "BE504") == set()
    with_run = {**GRAFTED, "tool/dev.py": "from tool.api import api_app\n\napi_app.run(port=5050)\n"}
    found = findings_of(write_project(tmp_path / "run", with_run), "BE504")
    assert found == {(os.path.join("tool", "api.py"), 4)}


MOCK_APP = """\
    from flask import Flask, jsonify

    app = Flask(__name__)


    @app.route("/receive", methods=["POST"])
    def receive():
        return jsonify({"message": "OK"}), 201


    if __name__ == "__main__":
        app.run(host="0.0.0.0", port=80, debug=True)
"""


def test_a_folder_its_readme_calls_a_mock_service_is_test_support(tmp_path: Path) -> None:
    """open-forms' ``docker/generic-json/``: a README that opens by calling the folder a mock service, started by
    its own compose file in a developer's environment, makes its ``app.py`` a stand-in for another system. The
    same app beside a README that describes a service of the product is still reported."""
    mock = {
        "pyproject.toml": "[project]\nname = 'forms'\n",
        "docker/receiver/README.md": "# Receiver\n\nThe compose file runs a mock service intended to simulate a "
        "receiving server, to test the JSON plugin.\n",
        "docker/receiver/app.py": MOCK_APP,
    }
    assert findings_of(write_project(tmp_path / "mock", mock), "BE504") == set()
    real = {
        "pyproject.toml": "[project]\nname = 'forms'\n",
        "docker/receiver/README.md": "# Receiver\n\nThe receiving service of the platform.\n\nTests use a mock "
        "service instead.\n",
        "docker/receiver/app.py": MOCK_APP,
    }
    assert findings_of(write_project(tmp_path / "real", real), "BE504") == {
        (os.path.join("docker", "receiver", "app.py"), 12)}


def test_a_readme_edited_into_a_mock_description_is_read_again_with_the_cache(tmp_path: Path) -> None:
    """The README's first paragraph decides the role of the modules beside it, yet changes none of their bytes: a
    warm run with the cache (``check`` and flake8 alike) reports what a run without it reports, before and after
    the README is rewritten."""
    root = write_project(tmp_path, {
        "pyproject.toml": "[project]\nname = 'forms'\n",
        "docker/receiver/README.md": "# Receiver\n\nThe receiving service of the platform.\n",
        "docker/receiver/app.py": MOCK_APP,
    })

    before = cached_findings(root, "BE504")
    assert before == findings_of(root, "BE504") == {(os.path.join("docker", "receiver", "app.py"), 12)}
    (root / "docker" / "receiver" / "README.md").write_text(
        "# Receiver\n\nA mock service intended to simulate the receiving server.\n", encoding="utf-8")
    assert cached_findings(root, "BE504") == findings_of(root, "BE504") == set()
