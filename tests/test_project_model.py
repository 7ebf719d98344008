"""The project model on whole projects, through the real CLI and ``flake8 --select BE`` as processes.

Each project below is a small application whose files say, together, what no single file says: a global DRF
paginator in ``settings.py``, an idempotency middleware registered there, a router mounted under ``/webhooks``
in another module, a dependency in a third that reads the key, a click package named in ``pyproject.toml``,
test settings named by ``pytest.ini``, a table list imported from a constants module. Each test puts the false
alarm that the other file refutes next to a true finding the project does not refute, so a model that refutes
everything fails as surely as one that refutes nothing.
"""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest

from tests.processes import check_json, run_cli, run_flake8
from tests.projects import write_project


def _cli_findings(root: Path, *args: str) -> set[tuple[str, int, str]]:
    found = check_json("--no-cache", *args, ".", cwd=root)
    return {(os.path.normpath(item["path"]), item["line"], item["code"]) for item in found}


def _flake8_findings(root: Path) -> set[tuple[str, int, str]]:
    return {(path.removeprefix("./"), row, code) for path, row, _col, code in run_flake8(".", cwd=root)}


def _both(root: Path) -> set[tuple[str, int, str]]:
    """The findings of the CLI, after checking that flake8 reports exactly the same ones."""
    cli = _cli_findings(root)
    assert _flake8_findings(root) == cli
    return cli


DJANGO = {
    # the list view's finding stands or falls with the global paginator only when generic list views are reported
    "pyproject.toml": "[tool.backend-lint.BE104]\nreport-generic-list-views = true\nreport-unsearched-lists = true\n",
    "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\n",
    "shop/__init__.py": "",
    "shop/settings.py": """\
        INSTALLED_APPS = ["rest_framework", "shop"]
        MIDDLEWARE = [
            "django.middleware.security.SecurityMiddleware",
            "shop.api.middleware.IdempotencyMiddleware",
        ]
        REST_FRAMEWORK = {
            "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
        }
        ROOT_URLCONF = "shop.urls"
    """,
    "shop/api/__init__.py": "",
    "shop/api/middleware.py": """\
        class IdempotencyMiddleware:
            def __init__(self, get_response):
                self.get_response = get_response

            def __call__(self, request):
                request.idempotency_key = request.META.get("HTTP_IDEMPOTENCY_KEY")
                return self.get_response(request)
    """,
    "shop/api/views.py": """\
        from rest_framework import generics
        from rest_framework.response import Response
        from rest_framework.views import APIView
        from django.views.generic import ListView
        from shop.models import Order


        class OrderList(generics.ListAPIView):
            queryset = Order.objects.all()


        class OrderPage(ListView):
            template_name = "orders.html"
            queryset = Order.objects.all()


        class CreateOrder(APIView):
            def post(self, request):
                order = Order.objects.create(**request.data)
                return Response({"id": order.id}, status=201)
    """,
    "shop/api/urls.py": """\
        from django.urls import path

        from shop.api import views

        urlpatterns = [
            path("orders/", views.OrderList.as_view()),
            path("orders/create/", views.CreateOrder.as_view()),
        ]
    """,
    "shop/views.py": """\
        from django.views.generic import CreateView

        from shop.models import Rule


        class RuleCreate(CreateView):
            model = Rule
            fields = ["name"]
    """,
    "shop/urls.py": """\
        from django.urls import include, path

        from shop import views

        urlpatterns = [
            path("rules/create/", views.RuleCreate.as_view()),
            path("api/", include("shop.api.urls")),
        ]
    """,
    "shop/maint/__init__.py": "",
    # A nightly job runs the purges: a module nothing imports would be left-behind code (``unreached``).
    "shop/tasks.py": "from shop.maint.purge import purge, purge_requested\n",
    "shop/maint/tables.py": 'RETAINED_TABLES = ("audit_log", "sessions")\n',
    "shop/maint/purge.py": """\
        import os

        from django.db import connection

        from .tables import RETAINED_TABLES


        def purge():
            with connection.cursor() as cur:
                for table in RETAINED_TABLES:
                    cur.execute(f"DELETE FROM {table} WHERE created < now() - interval '30 days'")


        def purge_requested():
            with connection.cursor() as cur:
                for table in os.environ["PURGE"].split(","):
                    cur.execute(f"DELETE FROM {table}")
    """,
}


def test_django_project_facts_refute_their_false_alarms(tmp_path: Path) -> None:
    found = _both(write_project(tmp_path, DJANGO))
    codes = {(path, code) for path, _row, code in found}
    # The global DRF paginator covers OrderList; the Django ListView OrderPage is a server-rendered page, which
    # BE104 leaves alone unless `report-html-pages` is on (tests/test_be104_project.py covers that option).
    assert ("shop/api/views.py", 14, "BE104") not in found
    assert ("shop/api/views.py", 9, "BE104") not in found
    # The middleware in MIDDLEWARE reads the idempotency header: no POST of the project needs its own key.
    assert ("shop/api/views.py", "BE301") not in codes
    # RuleCreate is a server-rendered page; the API's "orders/create/" is a JSON route with a verb in it.
    assert not any(path == "shop/urls.py" and code == "BE302" for path, _row, code in found)
    assert ("shop/api/urls.py", 7, "BE302") in found
    # The imported constant is not input; the environment variable is.
    assert ("shop/maint/purge.py", 11, "BE101") not in found
    assert ("shop/maint/purge.py", 17, "BE101") in found


def test_without_the_settings_the_same_files_are_flagged(tmp_path: Path) -> None:
    files = dict(DJANGO)
    del files["shop/settings.py"]
    found = _both(write_project(tmp_path, files))
    assert ("shop/api/views.py", 9, "BE104") in found
    assert any(path == "shop/api/views.py" and code == "BE301" for path, _row, code in found)


def test_one_file_checked_alone_keeps_every_finding(tmp_path: Path) -> None:
    write_project(tmp_path, DJANGO)
    source = (tmp_path / "shop/api/views.py").read_bytes()
    result = run_cli("check", "--stdin-filename", "views.py", "-", stdin=source, cwd=tmp_path)
    assert result.returncode == 1
    assert b"BE104" in result.stdout and b"BE301" in result.stdout


FASTAPI = {
    "pyproject.toml": '[project]\nname = "svc"\nversion = "1"\n',
    "svc/__init__.py": "",
    "svc/main.py": """\
        from fastapi import FastAPI

        from svc.routers import hooks, orders

        app = FastAPI()
        app.include_router(orders.router)
        app.include_router(hooks.router, prefix="/webhooks")
    """,
    "svc/deps.py": """\
        from fastapi import Header, HTTPException


        async def require_idempotency_key(idempotency_key: str = Header(alias="Idempotency-Key")) -> str:
            if not idempotency_key:
                raise HTTPException(400)
            return idempotency_key
    """,
    "svc/db.py": "async def create_record(kind, body, key=None):\n    return {kind: body, 'key': key}\n\n\n"
                 "async def create_payment(body):\n    return await create_record('payment', body)\n",
    "svc/routers/__init__.py": "",
    "svc/routers/orders.py": """\
        from fastapi import APIRouter, Depends

        from svc.db import create_payment, create_record
        from svc.deps import require_idempotency_key

        router = APIRouter()


        @router.post("/orders", status_code=201)
        async def create_order(body: dict, key: str = Depends(require_idempotency_key)):
            return await create_record("order", body, key)


        @router.post("/payments", status_code=201)
        async def create_payment(body: dict):
            return await create_payment(body)
    """,
    "svc/routers/hooks.py": """\
        from fastapi import APIRouter

        from svc.db import create_record

        router = APIRouter()


        @router.post("/stripe", status_code=201)
        async def stripe_event(body: dict):
            return await create_record("event", body)
    """,
}


def test_fastapi_dependency_and_mount_prefix_in_other_modules(tmp_path: Path) -> None:
    found = {(path, row) for path, row, code in _both(write_project(tmp_path, FASTAPI)) if code == "BE301"}
    # The dependency reads the key; the webhook router is mounted under /webhooks by main.py.
    assert found == {("svc/routers/orders.py", 15)}


FLASK = {
    "pyproject.toml": """\
        [project]
        name = "notes"
        version = "1"

        [project.scripts]
        notes-admin = "notes.cli.main:cli"
    """,
    "notes/__init__.py": """\
        from flask import Flask

        from notes.idempotency import remember_key
        from notes.views import bp


        def create_app():
            app = Flask(__name__)
            app.before_request(remember_key)
            app.register_blueprint(bp)
            return app
    """,
    "notes/idempotency.py": """\
        from flask import g, request


        def remember_key():
            g.idempotency_key = request.headers.get("Idempotency-Key")
    """,
    "notes/views.py": """\
        from flask import Blueprint, jsonify, request

        from notes.store import add_note

        bp = Blueprint("notes", __name__)


        @bp.post("/notes")
        def create_note():
            body = request.get_json()
            print("added", body)
            return jsonify(add_note(body)), 201
    """,
    "notes/store.py": """\
        NOTES = []


        def add_note(body):
            NOTES.append(body)
            return body
    """,
    "notes/cli/__init__.py": "",
    "notes/cli/main.py": """\
        import click

        from notes.cli.users import list_users


        @click.group()
        def cli():
            pass


        cli.add_command(list_users)
    """,
    "notes/cli/users.py": """\
        import asyncio

        import click


        async def show(user):
            print(user)


        @click.command()
        def list_users():
            for user in ["ada", "alan"]:
                asyncio.run(show(user))
    """,
}


def test_flask_hook_and_console_script_package(tmp_path: Path) -> None:
    found = _both(write_project(tmp_path, FLASK))
    codes = {(path, code) for path, _row, code in found}
    # The before_request hook registered app-wide reads the key header.
    assert ("notes/views.py", "BE301") not in codes
    # The console script's package prints to its user (even from a coroutine, which in a service would be
    # reported); the web app's view does not get to.
    assert ("notes/cli/users.py", "BE401") not in codes
    assert ("notes/views.py", 11, "BE401") in found


TEST_SETTINGS = {
    "pytest.ini": "[pytest]\nDJANGO_SETTINGS_MODULE = site_app.testing_settings\n",
    "manage.py": "",
    "site_app/__init__.py": "",
    "site_app/settings.py": 'INSTALLED_APPS = ["site_app"]\nDEBUG = True\nSECRET_KEY = "5fd8a7c0e1b24c3f9a6d2e8b7c1f0a93"\n',
    "site_app/testing_settings.py": (
        'INSTALLED_APPS = ["site_app"]\nDEBUG = True\nSECRET_KEY = "9c2f4e6a8b1d3f5e7a9c0b2d4f6e8a1c"\n'
    ),
}


def test_settings_named_by_the_test_configuration_are_test_support(tmp_path: Path) -> None:
    found = _both(write_project(tmp_path, TEST_SETTINGS))
    flagged = {path for path, _row, _code in found}
    assert "site_app/settings.py" in flagged
    assert "site_app/testing_settings.py" not in flagged


_WEAK_HASHERS = 'PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]\n'


def test_settings_the_service_runs_with_stay_checked_when_the_tests_name_them_too(tmp_path: Path) -> None:
    """mitxonline tests with the settings it runs with: its pytest section, ``manage.py`` and ``wsgi.py`` all name
    ``main.settings``. Those settings are the production ones, not test support: their findings stand."""
    files = {
        **TEST_SETTINGS,
        "pytest.ini": "[pytest]\nDJANGO_SETTINGS_MODULE = site_app.settings\n",
        "manage.py": 'import os\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_app.settings")\n',
        "site_app/settings.py": _WEAK_HASHERS,
    }
    found = {(path, code) for path, _row, code in _both(write_project(tmp_path, files))}
    assert ("site_app/settings.py", "BE501") in found
    files["manage.py"] = 'import os\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_app.production")\n'
    found = {(path, code) for path, _row, code in _both(write_project(tmp_path / "tested_only", files))}
    assert ("site_app/settings.py", "BE501") not in found


@pytest.mark.parametrize("configuration", [
    {"pytest.ini": "[pytest]\naddopts = --ds=site_app.ci_settings --tb=short --reuse-db\n"},
    {"pyproject.toml": '[tool.pytest.ini_options]\naddopts = ["-q", "--ds", "site_app.ci_settings"]\n'},
    {"setup.cfg": "[tool:pytest]\nenv =\n    D:DJANGO_SETTINGS_MODULE=site_app.ci_settings\n"},
    {"tox.ini": "[testenv]\nsetenv =\n    DJANGO_SETTINGS_MODULE = site_app.ci_settings\n    PYTHONDEVMODE = 1\n"},
])
def test_settings_the_test_command_line_names_are_test_support(tmp_path: Path, configuration: dict[str, str]) -> None:
    """pytest-django's ``--ds`` in ``addopts`` (a string or a list), pytest-env's ``DJANGO_SETTINGS_MODULE`` and
    tox's ``setenv`` name the test settings as surely as ``DJANGO_SETTINGS_MODULE = ...``: their fast hasher is no finding
    (BE501), while the same hasher in the production settings is."""
    files = {
        **configuration, "manage.py": "", "site_app/__init__.py": "",
        "site_app/settings.py": _WEAK_HASHERS, "site_app/ci_settings.py": _WEAK_HASHERS,
    }
    found = {(path, code) for path, _row, code in _both(write_project(tmp_path, files))}
    assert ("site_app/settings.py", "BE501") in found
    assert ("site_app/ci_settings.py", "BE501") not in found


def test_what_only_the_test_settings_import_stays_the_applications(tmp_path: Path) -> None:
    """patchwork: tox runs the tests with ``settings/dev.py`` (``from .base import *``), and the production settings
    are a template (``production.example.py``) the deployer copies. The test settings are test support (their fast
    hasher is no finding), but the base settings and the URL conf and views they name are the application's."""
    files = {
        "tox.ini": "[testenv]\nsetenv =\n    DJANGO_SETTINGS_MODULE = site_app.settings.dev\n",
        "manage.py": "", "site_app/__init__.py": "", "site_app/settings/__init__.py": "",
        "site_app/settings/base.py": 'ROOT_URLCONF = "site_app.urls"\n',
        "site_app/settings/dev.py": "from .base import *  # noqa: F403\n" + _WEAK_HASHERS,
        "site_app/urls.py": "from django.urls import path\n\nfrom site_app import views\n\n"
                            "urlpatterns = [path('rates/', views.rates)]\n",
        "site_app/views.py": "from django.core.mail import send_mail\nfrom django.http import HttpResponse\n\n\n"
                             "def rates(request):\n    send_mail('Rates', 'soon', 'a@example.com', ['b@example.com'])\n"
                             "    return HttpResponse('ok')\n",
    }
    found = {(path, code) for path, _row, code in _both(write_project(tmp_path, files))}
    assert ("site_app/settings/dev.py", "BE501") not in found
    assert ("site_app/views.py", "BE206") in found


def test_editing_one_file_changes_another_files_findings_on_a_warm_run(tmp_path: Path) -> None:
    root = write_project(tmp_path, DJANGO)
    cold = check_json("shop", cwd=root)
    assert not any(item["code"] == "BE104" and item["line"] == 9 for item in cold)
    settings = root / "shop/settings.py"
    settings.write_text(settings.read_text(encoding="utf-8").replace("DEFAULT_PAGINATION_CLASS", "X"),
                        encoding="utf-8")
    warm = check_json("shop", cwd=root)
    assert any(item["code"] == "BE104" and item["line"] == 9 for item in warm)
    settings.write_text(textwrap.dedent(DJANGO["shop/settings.py"]), encoding="utf-8")
    assert check_json("shop", cwd=root) == cold


@pytest.mark.parametrize("broken", [
    {"shop/settings.py": "REST_FRAMEWORK = {\n"},
    {"pyproject.toml": '[project]\nname = 1\nscripts = "x"\n[tool.pytest.ini_options]\nDJANGO_SETTINGS_MODULE = 3\n'},
    {"setup.cfg": "[options.entry_points\nconsole_scripts =\n"},
    {"shop/api/urls.py": "from django.urls import include, path\nurlpatterns = [path('a/', include('shop.urls'))]\n"},
    {"shop/urls.py": "from django.urls import path\nfrom shop import views\n"
                     "urlpatterns = [path(f'{name}/', views.RuleCreate.as_view()) for name in ('a', 'b')]\n"},
])
def test_bad_project_files_never_stop_the_run(tmp_path: Path, broken: dict[str, str]) -> None:
    root = write_project(tmp_path, {**DJANGO, **broken})
    result = run_cli("check", "--no-cache", "--output-format", "json", ".", cwd=root)
    # A settings module that does not parse is reported and skipped (exit 2); nothing else stops the run.
    assert result.returncode == (2 if "shop/settings.py" in broken else 1), result.stderr.decode()
    assert b"internal error" not in result.stderr.lower() and b"Traceback" not in result.stderr
    found = {(os.path.normpath(item["path"]), item["code"]) for item in json.loads(result.stdout)}
    # The true findings elsewhere in the project are still there, for both front ends.
    assert ("shop/maint/purge.py", "BE101") in found
    assert ("shop/maint/purge.py", "BE101") in {(path, code) for path, _row, code in _flake8_findings(root)}


def test_a_folder_holding_the_project_deeper_down(tmp_path: Path) -> None:
    """``flake8 .`` and ``fix .`` above the project's marker (``checkout/manage.py``) model the project below."""
    write_project(tmp_path / "checkout", DJANGO)
    found = _flake8_findings(tmp_path)
    assert ("checkout/shop/api/urls.py", 7, "BE302") in found  # the JSON route, as in the project's own folder
    assert ("checkout/shop/api/views.py", 9, "BE104") not in found  # the global paginator, read below
    assert _cli_findings(tmp_path) == found


LOADED_BY_NAME = {
    "pyproject.toml": '[project]\nname = "certs"\nversion = "1"\n\n[project.scripts]\ncerts = "certs.server:main"\n',
    "certs/__init__.py": "",
    "certs/plugins/__init__.py": "",
    "certs/plugins/sftp.py": """\
        import requests


        def upload(url, body):
            return requests.post(url, data=body, verify=False, timeout=10)
    """,
    "certs/server.py": """\
        import click
        import uvicorn

        from certs.web import app


        @click.command()
        def main():
            uvicorn.run(app)
    """,
    "certs/web.py": """\
        from fastapi import FastAPI

        app = FastAPI()


        @app.get("/status")
        def status():
            print("status asked")
            return {"ok": True}
    """,
    "tests/conftest.py": "import pytest\n",
    "tests/test_sftp.py": "from certs.plugins.sftp import upload\n\n\ndef test_upload():\n    assert upload\n",
}


def test_code_under_test_and_a_server_launcher_do_not_hide_service_code(tmp_path: Path) -> None:
    """A plugin only the tests import (the application loads it by name) is not test support, and the web app
    a console script launches is not command line code."""
    found = _both(write_project(tmp_path, LOADED_BY_NAME))
    assert ("certs/plugins/sftp.py", 5, "BE507") in found
    assert ("certs/web.py", 8, "BE401") in found


def test_two_projects_under_one_path_keep_their_own_facts(tmp_path: Path) -> None:
    """Each file belongs to the project of its nearest marker: one project's paginator does not cover the
    other's views, and a sibling project's ``pyproject.toml`` that does not parse stops nothing."""
    write_project(tmp_path / "paged", DJANGO)
    unpaged = dict(DJANGO)
    unpaged["shop/settings.py"] = unpaged["shop/settings.py"].replace("DEFAULT_PAGINATION_CLASS", "X")
    del unpaged["manage.py"]
    unpaged["pyproject.toml"] = "[project\nname = 1\n"
    write_project(tmp_path / "unpaged", unpaged)
    (tmp_path / "pyproject.toml").write_text(DJANGO["pyproject.toml"], encoding="utf-8")  # the run's configuration
    found = _cli_findings(tmp_path)
    assert ("paged/shop/api/views.py", 9, "BE104") not in found
    assert ("unpaged/shop/api/views.py", 9, "BE104") in found
    assert _flake8_findings(tmp_path) == found


ROUTED_VIEWSETS = {
    "manage.py": "",
    "hooks/__init__.py": "",
    "hooks/settings.py": 'INSTALLED_APPS = ["rest_framework"]\nROOT_URLCONF = "hooks.urls"\n',
    "hooks/views.py": """\
        from rest_framework import viewsets
        from rest_framework.response import Response

        from hooks.models import Order, Payment


        class StripeEventViewSet(viewsets.ViewSet):
            def create(self, request):
                event = Payment.objects.create(payload=request.data)
                return Response({"id": event.id}, status=201)


        class OrderViewSet(viewsets.ViewSet):
            def create(self, request):
                order = Order.objects.create(**request.data)
                return Response({"id": order.id}, status=201)
    """,
    "hooks/urls.py": """\
        from django.urls import include, path
        from rest_framework.routers import DefaultRouter

        from hooks import views
        from hooks.views import OrderViewSet

        router = DefaultRouter()
        router.register("{prefix}", views.StripeEventViewSet)
        router.register("orders", OrderViewSet)

        urlpatterns = [path("api/", include(router.urls))]
    """,
}


@pytest.mark.parametrize(("prefix", "expected"), [
    ("webhooks/stripe", {("hooks/views.py", 14, "BE301")}),
    ("events", {("hooks/views.py", 8, "BE301"), ("hooks/views.py", 14, "BE301")}),
])
def test_router_registers_a_viewset_of_another_module(tmp_path: Path, prefix: str, expected: set) -> None:
    """``router.register("webhooks/stripe", views.StripeEventViewSet)`` in urls.py gives the ViewSet of views.py
    its path: a provider's webhook is exempt from BE301 there, while the orders ViewSet (imported by name) is
    routed under ``orders`` and still reported."""
    files = dict(ROUTED_VIEWSETS)
    files["hooks/urls.py"] = files["hooks/urls.py"].replace("{prefix}", prefix)
    found = _both(write_project(tmp_path, files))
    assert {item for item in found if item[2] == "BE301"} == expected


MAIL_HELPERS = {
    "pyproject.toml": '[project]\nname = "accounts"\nversion = "1"\n',
    "accounts/__init__.py": "",
    "accounts/notifications.py": """\
        from django.core.mail import send_mail


        def send_welcome(user):
            send_mail("Welcome", "Hello", "noreply@example.com", [user.email])


        def welcome_text(user):
            return f"Hello {user.name}"
    """,
    "accounts/pdfs.py": """\
        import pdfkit
        import time


        def render_invoice(html):
            return pdfkit.from_string(html, False)


        def wait_for_replica():
            time.sleep(0.5)
    """,
    "accounts/tasks.py": """\
        from celery import shared_task

        from accounts.notifications import send_welcome


        @shared_task
        def send_welcome_later(user_id):
            send_welcome(user_id)
    """,
    "accounts/views.py": """\
        from django.http import HttpResponse, JsonResponse

        from accounts import notifications, pdfs
        from accounts.tasks import send_welcome_later


        def signup(request):
            user = request.user
            notifications.send_welcome(user)
            return JsonResponse({"text": notifications.welcome_text(user)})


        def signup_queued(request):
            send_welcome_later.delay(request.user.id)
            return JsonResponse({})


        def invoice(request):
            pdfs.wait_for_replica()
            request.user.invoice_pdf = pdfs.render_invoice("<p>1</p>")
            request.user.save()
            return HttpResponse(status=204)


        def invoice_download(request):
            response = HttpResponse(pdfs.render_invoice("<p>1</p>"), content_type="application/pdf")
            return response
    """,
    "accounts/urls.py": """\
        from django.urls import path

        from accounts import views

        urlpatterns = [
            path("signup/", views.signup),
            path("signup-queued/", views.signup_queued),
            path("invoice/", views.invoice),
            path("invoice/download/", views.invoice_download),
        ]
    """,
}


def test_slow_work_in_a_helper_of_another_module(tmp_path: Path) -> None:
    """BE206 follows a handler's call into the project's helper of another module, one level: sending mail and
    rendering a PDF there (to store it) are reported at the call, naming the helper and what it does; a helper
    that only builds text, a sleep in a helper (a wait, not work to hand off), the queued task and a PDF the
    handler answers with (a download) are not."""
    root = write_project(tmp_path, MAIL_HELPERS)
    found = _both(root)
    assert {item for item in found if item[2] == "BE206"} == {
        ("accounts/views.py", 9, "BE206"), ("accounts/views.py", 20, "BE206"),
    }
    messages = {
        (item["line"], item["message"]) for item in check_json("--no-cache", "--select", "BE206", ".", cwd=root)
    }
    assert any(line == 9 and "`notifications.send_welcome()` sends e-mail" in text for line, text in messages)
    assert any(line == 20 and "`pdfs.render_invoice()` renders a PDF" in text for line, text in messages)


def test_slow_helper_of_another_module_needs_the_project(tmp_path: Path) -> None:
    """On standard input the handler's file cannot show what the helper does: no finding (never a guess)."""
    root = write_project(tmp_path, MAIL_HELPERS)
    result = run_cli("check", "--select", "BE206", "--no-cache", "--stdin-filename", "accounts/views.py", "-",
                     cwd=root, stdin=(root / "accounts/views.py").read_bytes())
    assert result.returncode == 0, result.stdout.decode()
    assert b"BE206" not in result.stdout


def test_a_helper_that_stops_sending_mail_drops_the_finding_on_a_warm_run(tmp_path: Path) -> None:
    """The handler's file keeps its cached result (with the fact it needs); the helper's new summary decides."""
    root = write_project(tmp_path, MAIL_HELPERS)

    def lines() -> list[int]:
        return sorted(item["line"] for item in check_json("--select", "BE206", ".", cwd=root))

    assert lines() == [9, 20]
    helper = root / "accounts/notifications.py"
    helper.write_text("def send_welcome(user):\n    return user\n\n\ndef welcome_text(user):\n    return ''\n",
                      encoding="utf-8")
    assert lines() == [20]
    helper.write_text(textwrap.dedent(MAIL_HELPERS["accounts/notifications.py"]), encoding="utf-8")
    assert lines() == [9, 20]


def test_every_fact_kind_has_one_way_to_be_decided() -> None:
    """A kind a rule can name but the model cannot decide would silently never hold (its findings always
    stand); ``no-project`` is the one kind decided without a model."""
    from backend_lint.analysis.project import conditions
    from backend_lint.analysis.project.model import _ON_ARGUMENTS, _ON_NAME

    assert not set(_ON_NAME) & set(_ON_ARGUMENTS)
    assert set(_ON_NAME) | set(_ON_ARGUMENTS) == conditions.KINDS - {conditions.NO_PROJECT}
