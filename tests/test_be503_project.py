"""BE503 on a project: a secret-named default that the application compares with ``==`` to warn that it was not
changed (ihatemoney's ``default_settings.SECRET_KEY``, privacyIDEA's ``DEFAULT_API_KEY``) is a sentinel, left
alone; the same literal that nothing compares, or that only a test compares, is reported. Through the real CLI
and ``flake8 --select BE`` as processes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.projects import findings_of, write_project

_REPORT_CREDENTIALS = "\n[tool.backend-lint.BE503]\nreport-credentials = true\n"


def _credentials(files: dict[str, str]) -> dict[str, str]:
    """``files`` with ``report-credentials`` on: these tests show how passwords and keys that lack the rule's
    default evidence are read when that option asks for them."""
    return {**files, "pyproject.toml": files.get("pyproject.toml", '[project]\nname = "app"\n') + _REPORT_CREDENTIALS}

PROJECT = {
    "budget/__init__.py": "",
    "budget/default_settings.py": 'SECRET_KEY = "tralala"\nMAIL_PASSWORD = "hunter2-mail"\n',
    "budget/run.py": '''\
        import warnings

        from budget import default_settings


        def validate_configuration(app):
            if app.config["SECRET_KEY"] == default_settings.SECRET_KEY:
                warnings.warn("Running a server without changing the SECRET_KEY can lead to user impersonation")
    ''',
    "budget/yubico.py": '''\
        import logging

        DEFAULT_API_KEY = "9iE9DRkPHQDJbAFFC31/dum5I54="
        SIGNING_SECRET = "k3y-n0t-c0mpared-9f8e7d"
        log = logging.getLogger(__name__)


        def check(api_key):
            if api_key == DEFAULT_API_KEY:
                log.warning("Usage of the default apiKey is not recommended")
            return api_key
    ''',
    "tests/__init__.py": "",
    "tests/test_settings.py": '''\
        from budget import default_settings


        def test_mail_password():
            assert default_settings.MAIL_PASSWORD != ""
    ''',
}


def test_defaults_the_application_checks_for_are_sentinels(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, _credentials(PROJECT)), "BE503")
    # Compared at start-up in another module, and in its own module: sentinels the application warns about.
    assert ("budget/default_settings.py", 1) not in found
    assert ("budget/yubico.py", 3) not in found
    # Compared only by a test, or not at all: reported.
    assert ("budget/default_settings.py", 2) in found
    assert ("budget/yubico.py", 4) in found


def test_without_the_check_the_default_is_reported(tmp_path: Path) -> None:
    files = dict(PROJECT)
    del files["budget/run.py"]
    assert ("budget/default_settings.py", 1) in findings_of(write_project(tmp_path, files), "BE503")


SCRIPT = {
    "pyproject.toml": '[project]\nname = "shop"\nversion = "1"\n',
    "shop/__init__.py": "",
    "shop/settings.py": """\
        import os

        DB_PASSWORD = os.getenv("DB_PASSWORD", "localdevpass99")
    """,
    "backend/scripts/manual_flow.py": """\
        \"\"\"Manual local flow test.\"\"\"
        import asyncio
        import os


        async def db_snapshot(org_id):
            os.environ.setdefault("POSTGRES_PASSWORD", "devpass1234!")
            os.environ.setdefault("GITHUB_TOKEN", "ghp_abcdefghijklmnopqrstuvwxyz0123456789")
            return org_id


        def main():
            password = os.getenv("DB_PASSWORD", "localdevpass99")
            asyncio.run(db_snapshot(password))


        if __name__ == "__main__":
            main()
    """,
    "backend/scripts/shared.py": """\
        import os


        def connect():
            return os.getenv("DB_PASSWORD", "localdevpass99")


        if __name__ == "__main__":
            connect()
    """,
    "backend/scripts/endpoint_index.py": """\
        \"\"\"Render the API schema to docs; run by hand.\"\"\"
        import os

        import django

        os.environ.setdefault("SECRET_KEY", "generate-endpoint-index-only")
        django.setup()


        def main():
            print("written")


        if __name__ == "__main__":
            main()
    """,
    "backend/scripts/boot.py": """\
        import os

        os.environ.setdefault("POSTGRES_PASSWORD", "devpass1234!")


        if __name__ == "__main__":
            print("ready")
    """,
    "shop/db.py": """\
        import boot
        from shared import connect

        connection = connect()
    """,
}


def test_a_hand_run_scripts_environment_fallbacks_are_its_local_run(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, _credentials(SCRIPT)), "BE503")
    # the script's own run: fallbacks for the developer's local database
    assert ("backend/scripts/manual_flow.py", 7) not in found
    assert ("backend/scripts/manual_flow.py", 13) not in found
    # a key a vendor issued is a credential wherever it is written; the service's settings ship theirs
    assert ("backend/scripts/manual_flow.py", 8) in found
    assert ("shop/settings.py", 3) in found
    # a script function the service imports runs in the service
    assert ("backend/scripts/shared.py", 5) in found
    # module-level set-up of a script started by hand (a docs generator): its own run, unless the service imports it
    assert ("backend/scripts/endpoint_index.py", 6) not in found
    assert ("backend/scripts/boot.py", 3) in found


PUBLISHED = {
    "manage.py": "",
    "city/__init__.py": "",
    "city/settings/__init__.py": "",
    "city/settings/base.py": '''\
        MAP_TILES_TOKEN = "9aVUrssbx7PKNUKo3WtXY6MqETI6Q336u5D142QS"
        PAYMENT_API_KEY = "pk9Vx2mQ7rT4wZ8yL3nB6cF1hJ5dS0aG"
        WEATHER_API_KEY = "wq8Zr2vXw7pL4mN6bC9xT1yU3iO5pA7s"
    ''',
    "city/plans/__init__.py": "",
    "city/plans/views.py": '''\
        import requests
        from django.conf import settings
        from django.views.generic import TemplateView


        class PlanMapView(TemplateView):
            template_name = "plans/map.html"

            def get_context_data(self, **kwargs):
                context = super().get_context_data(**kwargs)
                tiles_token = ""
                if hasattr(settings, "MAP_TILES_TOKEN"):
                    tiles_token = settings.MAP_TILES_TOKEN
                context["tiles_token"] = tiles_token
                context["forecast"] = requests.get(
                    "https://weather.example.com/v1", headers={"key": settings.WEATHER_API_KEY}, timeout=5
                ).json()
                return context
    ''',
    "city/payments.py": '''\
        from django.conf import settings


        def charge_headers():
            return {"Authorization": settings.PAYMENT_API_KEY}
    ''',
}


def test_a_setting_rendered_into_every_page_is_public(tmp_path: Path) -> None:
    """A view hands ``MAP_TILES_TOKEN`` to its template (through a local): every visitor's browser gets it, a
    public client token by design. A key sent to another service in a request's headers, or used elsewhere, is
    a secret and stays reported."""
    found = findings_of(write_project(tmp_path, PUBLISHED), "BE503")
    assert ("city/settings/base.py", 1) not in found
    assert ("city/settings/base.py", 2) in found
    assert ("city/settings/base.py", 3) in found


RUN_DEMO = {
    "pyproject.toml": '[project]\nname = "keep"\nversion = "1"\n',
    "keep/__init__.py": "",
    "keep/providers/__init__.py": "",
    "keep/providers/servicenow_provider.py": '''\
        import os

        from flask import Flask


        class Provider:
            def __init__(self, password):
                self.password = password


        if __name__ == "__main__":
            provider = Provider(password=os.environ.get("SERVICENOW_PASSWORD", "adm1n-Pw"))
            provider.run()
    ''',
}


def test_a_main_guard_serves_only_through_an_application(tmp_path: Path) -> None:
    """``provider.run()`` in a provider module's main guard serves no web application (the serving-call reading of
    :func:`backend_lint.analysis.command_reach.serves`): a demo run by hand, its fallback left alone; the same guard
    running a Flask app is how a small service starts, and its fallback ships."""
    assert findings_of(write_project(tmp_path / "by_hand", _credentials(RUN_DEMO)), "BE503") == set()
    served = dict(RUN_DEMO)
    served["keep/providers/servicenow_provider.py"] = RUN_DEMO["keep/providers/servicenow_provider.py"].replace(
        "provider.run()", "Flask(__name__).run()")
    assert ("keep/providers/servicenow_provider.py", 12) in findings_of(write_project(tmp_path / "served", _credentials(served)), "BE503")


DOCS_SETTINGS = {
    "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'catalog.settings.local')\n",
    "catalog/__init__.py": "",
    "catalog/views.py": "from django.http import HttpResponse\n\n\ndef home(request):\n    return HttpResponse('ok')\n",
    "catalog/settings/__init__.py": "",
    "catalog/settings/base.py": "import os\n\nSECRET_KEY = os.environ['SECRET_KEY']\n",
    "catalog/settings/local.py": "from catalog.settings.base import *\n",
    "catalog/settings/docs_settings.py": "from catalog.settings.base import *\n\nSECRET_KEY = 'secret-f0r-sphinx'\n",
    "catalog/settings/sandbox.py": "from catalog.settings.base import *\n\nSECRET_KEY = 'secret-f0r-sandbox'\n",
}


def test_the_documentation_builds_settings_are_run_by_no_deployment(tmp_path: Path) -> None:
    """``docs_settings.py`` is what Sphinx imports the code with: named for the docs and named by no deployment,
    its ``SECRET_KEY`` protects nothing. Named by the deployment, or a settings module named for anything else,
    it is reported."""
    found = findings_of(write_project(tmp_path / "unnamed", DOCS_SETTINGS), "BE503")
    assert ("catalog/settings/docs_settings.py", 3) not in found
    assert ("catalog/settings/sandbox.py", 3) in found
    deployed = {**DOCS_SETTINGS, "deploy/uwsgi.ini": "[uwsgi]\nenv = DJANGO_SETTINGS_MODULE=catalog.settings.docs_settings\n"}
    assert ("catalog/settings/docs_settings.py", 3) in findings_of(write_project(tmp_path / "run", deployed), "BE503")


UNREAD = {
    "crowd/__init__.py": '''\
        from flask import Flask

        app = Flask(__name__)
        app.config.from_object("crowd.default_settings")


        @app.route("/")
        def home():
            return app.config["BRAND"] + app.config["TOKEN"]
    ''',
    "crowd/default_settings.py": 'BRAND = "Crowd"\nSECRET = "f00Bar-s3cret-9x"\nTOKEN = "Tk-9f8e7d6c5b4aZ"\n',
    "tests/__init__.py": "",
    "tests/test_settings.py": 'from crowd import default_settings\n\nassert default_settings.SECRET\n',
}


def test_a_setting_no_module_reads_protects_nothing(tmp_path: Path) -> None:
    """``SECRET`` is read by no module of the application (a test's read does not count) and no library reads an
    unprefixed key: it protects nothing. ``TOKEN``, read through ``app.config``, is reported."""
    found = findings_of(write_project(tmp_path, UNREAD), "BE503")
    assert ("crowd/default_settings.py", 2) not in found
    assert ("crowd/default_settings.py", 3) in found


DEMO_ACCOUNTS = {
    "inventory/__init__.py": "",
    "inventory/accounts.py": 'def seed(Account):\n    return Account(name="Jack Bauer", password="Password123")\n',
    "models/edge_site.py": 'def seed(Account):\n    return Account(name="Jack Bauer", password="Password123")\n',
}
"""The same literal password passed as a keyword (line 2 of each): a demo-data loader and the application's code."""


@pytest.mark.parametrize(("configuration", "allowed"), [
    # infrahub: ruff's S106 ignored for the demo-data loader alone
    ({"pyproject.toml": '[project]\nname = "inv"\n[tool.ruff.lint.per-file-ignores]\n'
                        '"models/edge_site.py" = ["S106", "E501"]\n'}, {"models/edge_site.py"}),
    # a bare file name matches in any folder; the S10 group covers S106
    ({"pyproject.toml": '[project]\nname = "inv"\n', "ruff.toml": '[lint.per-file-ignores]\n"edge_site.py" = ["S10"]\n'},
     {"models/edge_site.py"}),
    # flake8-bandit through flake8's per-file-ignores in setup.cfg
    ({"setup.cfg": "[metadata]\nname = inv\n[flake8]\nper-file-ignores =\n    models/*.py: E501, S106\n"},
     {"models/edge_site.py"}),
    # another bandit check ignored for the file says nothing about its passwords
    ({"pyproject.toml": '[project]\nname = "inv"\n[tool.ruff.lint.per-file-ignores]\n"models/edge_site.py" = ["S101"]\n'},
     set()),
    # ignored for every file: a style choice against a noisy check, no review of these literals
    ({"pyproject.toml": '[project]\nname = "inv"\n[tool.ruff.lint]\nignore = ["S105", "S106"]\n'}, set()),
])
def test_the_projects_linter_configuration_reviewed_the_files_passwords(
        tmp_path: Path, configuration: dict[str, str], allowed: set[str]) -> None:
    found = findings_of(write_project(tmp_path, _credentials({**DEMO_ACCOUNTS, **configuration})), "BE503")
    for path in ("inventory/accounts.py", "models/edge_site.py"):
        assert ((path, 2) in found) == (path not in allowed), path


CONFIG_TEMPLATE = {
    "turbinia/__init__.py": "",
    "turbinia/config/__init__.py": "",
    "turbinia/config/turbinia_config_tmpl.py": "EMAIL_NOTIFICATIONS = False\nEMAIL_PASSWORD = 'Zq8-mail-pw-71x'\n",
    "turbinia/config/turbinia_config.py": "EMAIL_NOTIFICATIONS = True\nEMAIL_PASSWORD = 'Zq8-mail-pw-71x'\n",
    "turbinia/models/agent_template_config.py": "SMTP_PASSWORD = 'Zq8-mail-pw-71x'\n",
    "turbinia/notify.py": '''\
        from turbinia.config import turbinia_config, turbinia_config_tmpl
        from turbinia.models import agent_template_config


        def login(smtp):
            smtp.login(turbinia_config.EMAIL_PASSWORD, turbinia_config_tmpl.EMAIL_PASSWORD)
            smtp.login(agent_template_config.SMTP_PASSWORD)
    ''',
}


def test_a_settings_template_by_its_name_holds_placeholders(tmp_path: Path) -> None:
    """``turbinia_config_tmpl.py`` is the file a deployment copies and fills in: named template after a word for
    configuration, its password is the sample's. The filled-in config beside it, and a module that only holds the
    word template elsewhere in its name (a model of agent templates), are reported."""
    found = findings_of(write_project(tmp_path, _credentials(CONFIG_TEMPLATE)), "BE503")
    assert ("turbinia/config/turbinia_config_tmpl.py", 2) not in found
    assert ("turbinia/config/turbinia_config.py", 2) in found
    assert ("turbinia/models/agent_template_config.py", 1) in found


BASE_SETTINGS = {
    "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings.local')\n",
    "Dockerfile": "FROM python:3\nENV DJANGO_SETTINGS_MODULE shop.settings.production\n",
    "shop/__init__.py": "",
    "shop/settings/__init__.py": "",
    "shop/settings/base.py": '''\
        INSTALLED_APPS = ["shop"]
        SECRET_KEY = r"j8%#f%3t@9)el9jh4f0ug4*mm346+wwwti#6(^@_ksf@&k^ob1"  # only used locally
        JWT_SECRET_KEY = "q7Zr2Lw9Xk4Vb8Np3Ts6Yd1Hm5Fc0Gj"
    ''',
    "shop/settings/local.py": "from .base import *\n\nDEBUG = True\n",
    "shop/settings/custom.py": "from .local import *\n",  # a developer's variant of local.py
    "shop/settings/production.py": '''\
        import os

        from .base import *

        SECRET_KEY = os.environ["SECRET_KEY"]
    ''',
}
"""etools' layout: ``production.py`` (the Dockerfile's) replaces the base ``SECRET_KEY``, not ``JWT_SECRET_KEY``."""


@pytest.mark.parametrize(("change", "replaced"), [
    ({}, True),
    # named by its name only: production.py is what deployments run
    ({"Dockerfile": "FROM python:3\n"}, True),
    # named by the deployment only
    ({"shop/settings/docker.py": "import os\n\nfrom .base import *\n\nSECRET_KEY = os.environ['SECRET_KEY']\n",
      "shop/settings/production.py": "", "Dockerfile": "ENV DJANGO_SETTINGS_MODULE shop.settings.docker\n"}, True),
    # a deployed module named nowhere and not for production by its name
    ({"shop/settings/docker.py": "import os\n\nfrom .base import *\n\nSECRET_KEY = os.environ['SECRET_KEY']\n",
      "shop/settings/production.py": "", "Dockerfile": "FROM python:3\n"}, False),
    # another production module built on base keeps the literal
    ({"shop/settings/staging.py": "from .base import *\n"}, False),
    # production assigns before its star import, which puts base's literal back
    ({"shop/settings/production.py": "import os\nSECRET_KEY = os.environ['SECRET_KEY']\nfrom .base import *\n"},
     False),
    # the deployment runs base itself
    ({"docker-compose.yml": "services:\n  web:\n    environment:\n      DJANGO_SETTINGS_MODULE: shop.settings.base\n"},
     False),
])
def test_a_base_secret_the_deployed_settings_replace_is_the_developers(
    tmp_path: Path, change: dict[str, str], replaced: bool
) -> None:
    found = findings_of(write_project(tmp_path, {**BASE_SETTINGS, **change}), "BE503")
    assert (("shop/settings/base.py", 2) not in found) == replaced
    # the base value production does not replace is what production signs with
    assert ("shop/settings/base.py", 3) in found


LAYERED = {
    "pyproject.toml": '[project]\nname = "forum"\n',
    "forum/__init__.py": "",
    "forum/configs/__init__.py": "",
    "forum/configs/default.py": """\
        class DefaultConfig:
            SECRET_KEY = "secret key"
            WTF_CSRF_SECRET_KEY = "reallyhardtoguess"
    """,
    "forum/configs/production.py": """\
        class ProductionConfig:
            SECRET_KEY = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
    """,
    "forum/app.py": """\
        from flask import Flask


        def create_app(config):
            app = Flask("forum")
            app.config.from_object("forum.configs.default.DefaultConfig")
            app.config.from_pyfile(config)
            return app


        def create_hosted_app():
            app = Flask("forum")
            app.config.from_object("forum.configs.production.ProductionConfig")
            app.config.from_prefixed_env("FORUM")
            return app
    """,
}


def test_a_default_layer_the_deployments_own_file_overlays_is_left_alone(tmp_path: Path) -> None:
    """FlaskBB's ``DefaultConfig``: loaded by ``from_object`` and then overlaid with the deployment's own file
    (``from_pyfile``, the config ``flaskbb makeconfig`` writes with random keys): its literals are defaults the
    deployment replaces. An object only environment variables may overlay keeps its literal: reported."""
    found = findings_of(write_project(tmp_path, LAYERED), "BE503")
    assert not {row for path, row in found if path == "forum/configs/default.py"}
    assert ("forum/configs/production.py", 2) in found
