"""BE306, BE307 and BE308 on whole projects: what another module of the project does for an app, through the
CLI and flake8.

A login route's file says nothing about the limiter ``main.py`` installs for every route, or the throttles the
Django settings give every DRF view; an upload route's file says nothing about the ``MAX_CONTENT_LENGTH`` of
the config class the app loads or the body-size middleware it adds; an app's file says nothing about the probe
another module routes; the project model knows them. Each project below holds a refuted false
alarm next to a finding that must stay, so the test fails whether the fact is ignored or over-applied.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.processes import check_json, run_cli, run_flake8

LOGIN_ROUTES = '''
from fastapi import APIRouter

from app import sessions

router = APIRouter(prefix="/auth")


@router.post("/login")
async def login(username: str, password: str):
    return await sessions.open(username, password)
'''

SLOWAPI_APP = '''
from fastapi import FastAPI
from slowapi import Limiter
from slowapi.middleware import SlowAPIMiddleware
from slowapi.util import get_remote_address

from app.auth import router

app = FastAPI()
app.state.limiter = Limiter(key_func=get_remote_address, default_limits=["{limits}"])
app.add_middleware(SlowAPIMiddleware)
app.include_router(router)
'''

DJANGO_VIEWS = '''
from django.contrib.auth import authenticate, login
from django.shortcuts import redirect, render
from rest_framework.response import Response
from rest_framework.views import APIView


class LoginApi(APIView):
    def post(self, request):
        user = authenticate(request, username=request.data["username"], password=request.data["password"])
        return Response({"ok": user is not None})


def login_view(request):
    if request.method == "POST":
        user = authenticate(request, username=request.POST["username"], password=request.POST["password"])
        login(request, user)
        return redirect("/")
    return render(request, "login.html")
'''

DJANGO_SETTINGS = '''
INSTALLED_APPS = ["django.contrib.auth", "rest_framework"{apps}]
ROOT_URLCONF = "shop.urls"
REST_FRAMEWORK = {{
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {{"anon": "5/minute"}},
}}
'''


def _write(root: Path, files: dict[str, str]) -> None:
    (root / "pyproject.toml").write_text('[project]\nname = "shop"\nversion = "1"\n')
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())


def _lines(root: Path, code: str = "BE307") -> list[tuple[str, int]]:
    """The lines ``code`` reports, by the CLI and by flake8 (which must agree)."""
    found = check_json("--select", code, "--no-cache", ".", cwd=root)
    by_flake8 = run_flake8(".", cwd=root)
    flake8_lines = sorted((path.removeprefix("./"), line) for path, line, _col, found_code in by_flake8
                          if found_code == code)
    cli_lines = sorted((item["path"].removeprefix("./"), item["line"]) for item in found)
    assert cli_lines == flake8_lines
    return cli_lines


@pytest.mark.parametrize(("limits", "expected"), [
    ("20/minute", []),
    ("", [("app/auth.py", 9)]),
])
def test_slowapi_default_limits_cover_routes_of_other_modules(tmp_path: Path, limits: str, expected: list) -> None:
    """slowapi's defaults with its middleware limit every route; an empty default list limits none."""
    app = SLOWAPI_APP.replace('["{limits}"]', f'["{limits}"]' if limits else "[]")
    _write(tmp_path, {"app/__init__.py": "", "app/auth.py": LOGIN_ROUTES, "app/main.py": app})
    assert _lines(tmp_path) == expected


def test_slowapi_limiter_without_its_middleware_limits_nothing(tmp_path: Path) -> None:
    app = SLOWAPI_APP.format(limits="20/minute").replace("app.add_middleware(SlowAPIMiddleware)\n", "")
    _write(tmp_path, {"app/__init__.py": "", "app/auth.py": LOGIN_ROUTES, "app/main.py": app})
    assert _lines(tmp_path) == [("app/auth.py", 9)]


def test_drf_default_throttles_cover_drf_views_only(tmp_path: Path) -> None:
    """DRF's default throttle classes limit the API view; the plain Django login view stays reported."""
    _write(tmp_path, {
        "shop/__init__.py": "", "shop/views.py": DJANGO_VIEWS, "shop/settings.py": DJANGO_SETTINGS.format(apps=""),
    })
    assert _lines(tmp_path) == [("shop/views.py", 13)]


def test_django_axes_covers_every_login(tmp_path: Path) -> None:
    _write(tmp_path, {
        "shop/__init__.py": "", "shop/views.py": DJANGO_VIEWS,
        "shop/settings.py": DJANGO_SETTINGS.format(apps=', "axes"'),
    })
    assert _lines(tmp_path) == []


@pytest.mark.parametrize(("part", "expected"), [
    ("BASE_INSTALLED_APPS", []),
    ("REMOVED_APPS", [("shop/views.py", 13)]),
])
def test_django_axes_in_a_part_of_the_installed_apps(tmp_path: Path, part: str, expected: list) -> None:
    """fiduswriter (seed 131): ``"axes"`` is in ``BASE_INSTALLED_APPS``, which ``manage.py`` merges into
    ``INSTALLED_APPS`` at start-up; a list of apps left out (``REMOVED_APPS``) installs nothing. The DRF view is
    covered by the default throttles either way."""
    settings = DJANGO_SETTINGS.format(apps="") + f'{part} = ["django.contrib.sessions", "axes"]\n'
    _write(tmp_path, {"shop/__init__.py": "", "shop/views.py": DJANGO_VIEWS, "shop/settings.py": settings})
    assert _lines(tmp_path) == expected


def test_test_settings_do_not_count(tmp_path: Path) -> None:
    """Throttles and axes that only the test settings install protect nothing in production."""
    _write(tmp_path, {
        "shop/__init__.py": "", "shop/views.py": DJANGO_VIEWS,
        "shop/settings.py": 'INSTALLED_APPS = ["django.contrib.auth", "rest_framework"]\nROOT_URLCONF = "shop.urls"\n',
        "shop/test_settings.py": DJANGO_SETTINGS.format(apps=', "axes"'),
    })
    assert _lines(tmp_path) == [("shop/views.py", 8), ("shop/views.py", 13)]


LIMITING_MIDDLEWARE = '''
from django.http import HttpResponse


class {name}:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if {check}(request):
            return HttpResponse("Too many requests", status=429)
        return None
'''

MIDDLEWARE_CHECK = '''
from django.conf import settings


def check_middleware(app_configs, **kwargs):
    if "shop.middleware.{name}" in settings.MIDDLEWARE:
        return []
    return ["add shop.middleware.{name} to MIDDLEWARE"]
'''


@pytest.mark.parametrize(("name", "check", "expected"), [
    ("RateLimitMiddleware", "over_rate_limit", []),
    ("AnalyticsMiddleware", "seen_before", [("shop/views.py", 8), ("shop/views.py", 13)]),
])
def test_project_limiting_middleware_it_enables_covers_every_login(
    tmp_path: Path, name: str, check: str, expected: list,
) -> None:
    """The project's own middleware that counts every request, enabled by its dotted path (askbot's settings come
    from a template; its system check names the path): every view is limited. A middleware that counts nothing
    limits nothing."""
    _write(tmp_path, {
        "shop/__init__.py": "", "shop/views.py": DJANGO_VIEWS,
        "shop/middleware.py": LIMITING_MIDDLEWARE.format(name=name, check=check),
        "shop/checks.py": MIDDLEWARE_CHECK.format(name=name),
    })
    assert _lines(tmp_path) == expected


def test_limiting_middleware_named_only_by_itself_or_tests_does_not_count(tmp_path: Path) -> None:
    """A rate-limit middleware that only its own module and the test settings name is not enabled."""
    middleware = LIMITING_MIDDLEWARE.format(name="RateLimitMiddleware", check="over_rate_limit")
    _write(tmp_path, {
        "shop/__init__.py": "", "shop/views.py": DJANGO_VIEWS,
        "shop/middleware.py": '"""Add "shop.middleware.RateLimitMiddleware" to MIDDLEWARE."""\n' + middleware,
        "shop/settings.py": 'INSTALLED_APPS = ["django.contrib.auth", "rest_framework"]\nROOT_URLCONF = "shop.urls"\n',
        "shop/test_settings.py": 'MIDDLEWARE = ["shop.middleware.RateLimitMiddleware"]\nROOT_URLCONF = "shop.urls"\n',
    })
    assert _lines(tmp_path) == [("shop/views.py", 8), ("shop/views.py", 13)]


FLASK_UPLOADS = '''
from flask import Blueprint, request

uploads = Blueprint("uploads", __name__)


@uploads.post("/reports")
def upload_report():
    request.files["report"].save("/srv/reports/latest.csv")
    return {"saved": True}
'''

FLASK_APP = '''
from flask import Flask

from portal.uploads import uploads

app = Flask(__name__)
app.config.from_object("portal.config.Production")
app.register_blueprint(uploads)
'''

FLASK_CONFIG = '''
class Production:
    MAX_CONTENT_LENGTH = {limit}
'''


@pytest.mark.parametrize(("limit", "expected"), [
    ("16 * 1024 * 1024", []),
    ("None", [("portal/uploads.py", 8)]),
])
def test_flask_max_content_length_in_a_config_module(tmp_path: Path, limit: str, expected: list) -> None:
    """``MAX_CONTENT_LENGTH`` in the config class another module loads caps the blueprint's uploads; ``None``
    (Flask's default: no cap) does not."""
    _write(tmp_path, {
        "portal/__init__.py": "", "portal/uploads.py": FLASK_UPLOADS, "portal/app.py": FLASK_APP,
        "portal/config.py": FLASK_CONFIG.format(limit=limit),
    })
    assert _lines(tmp_path, "BE306") == expected


FASTAPI_UPLOADS = '''
from fastapi import APIRouter, UploadFile

router = APIRouter()


@router.post("/documents")
async def upload_document(file: UploadFile):
    return {"bytes": len(await file.read())}
'''

FASTAPI_APP = '''
from fastapi import FastAPI

from app.documents import router
from app.middleware import {middleware}

app = FastAPI()
app.add_middleware({middleware}, max_bytes=10_000_000)
app.include_router(router)
'''


@pytest.mark.parametrize(("middleware", "expected"), [
    ("ContentSizeLimitMiddleware", []),
    ("RequestTimingMiddleware", [("app/documents.py", 8)]),
])
def test_body_size_middleware_of_another_module(tmp_path: Path, middleware: str, expected: list) -> None:
    _write(tmp_path, {
        "app/__init__.py": "", "app/documents.py": FASTAPI_UPLOADS,
        "app/middleware.py": f"class {middleware}:\n    pass\n", "app/main.py": FASTAPI_APP.format(middleware=middleware),
    })
    assert _lines(tmp_path, "BE306") == expected


APP_MAIN = '''
from fastapi import FastAPI

from app.orders import router

app = FastAPI()
app.include_router(router)
'''

ORDERS = '''
from fastapi import APIRouter

router = APIRouter(prefix="/orders")


@router.get("/{order_id}")
async def read_order(order_id: int):
    return {"id": order_id}
'''

DOCKERFILE = "FROM python:3.12-slim\nCMD uvicorn app.main:app\n"

PROBES = '''
from fastapi import APIRouter

router = APIRouter()


@router.get("{path}")
async def probe():
    return {"ok": True}
'''


@pytest.mark.parametrize(("path", "expected"), [
    ("/healthz", []),
    ("/api/v1/ready", []),
    ("/orders/summary/status", [("app/main.py", 5)]),
])
def test_health_route_in_another_module(tmp_path: Path, path: str, expected: list) -> None:
    """The app is made in main.py; whether any module routes a probe decides (an order's status is none)."""
    _write(tmp_path, {
        "app/__init__.py": "", "app/main.py": APP_MAIN, "app/orders.py": ORDERS,
        "app/probes.py": PROBES.replace("{path}", path), "deploy/k8s/orders.yaml": KUBE_DEPLOYMENT,
    })
    assert _lines(tmp_path, "BE308") == expected


def test_health_check_needs_the_project(tmp_path: Path) -> None:
    """Standard input is one file: it cannot show that no route exists, so BE308 stays silent there, while the
    same file in its project is reported."""
    _write(tmp_path, {"app/__init__.py": "", "app/main.py": APP_MAIN, "app/orders.py": ORDERS,
                      "deploy/k8s/orders.yaml": KUBE_DEPLOYMENT})
    result = run_cli("check", "--select", "BE308", "--no-cache", "--stdin-filename", "app/main.py", "-",
                     cwd=tmp_path, stdin=(tmp_path / "app/main.py").read_bytes())
    assert result.returncode == 0, result.stdout.decode()
    assert _lines(tmp_path, "BE308") == [("app/main.py", 5)]


DJANGO_URLS = '''
from django.urls import include, path

from shop import views

urlpatterns = [
    path("orders/", views.orders),
    {extra}
]
'''


@pytest.mark.parametrize(("extra", "root", "expected"), [
    ("", "shop.urls", [("shop/urls.py", 5)]),
    ('path("ht/", include("health_check.urls")),', "shop.urls", []),
    ("", "shop.other_urls", [("shop/other_urls.py", 1)]),
])
def test_django_root_urlconf(tmp_path: Path, extra: str, root: str, expected: list) -> None:
    """Only the URL conf the production settings name is the app; django-health-check's URLs are a probe."""
    _write(tmp_path, {
        "shop/__init__.py": "", "shop/urls.py": DJANGO_URLS.replace("{extra}", extra),
        "shop/other_urls.py": "urlpatterns = []\n",
        "shop/views.py": "from django.http import JsonResponse\n\n\ndef orders(request):\n    return JsonResponse({})\n",
        "shop/settings.py": f'INSTALLED_APPS = ["django.contrib.auth"]\nROOT_URLCONF = "{root}"\n',
        "docker-compose.yml": "services:\n  web:\n    build: .\n    deploy:\n      replicas: 2\n",
    })
    assert _lines(tmp_path, "BE308") == expected


PULP_URLS = '''
from django.urls import re_path

from pulp.app.views import LivezView, TasksView

urlpatterns = [
    re_path(r"^tasks/$", TasksView.as_view()),
    {probe}
]
'''

PULP_CONTENT = '''
from aiohttp import web

app = web.Application()
'''


@pytest.mark.parametrize("packaged", [True, False])
@pytest.mark.parametrize(("probe", "expected"), [
    ('re_path(r"^livez/", LivezView.as_view()),', []),
    ("", [("pulp/app/urls.py", 5), ("pulp/content/__init__.py", 3)]),
])
def test_manage_py_inside_a_package_is_not_a_project_of_its_own(
    tmp_path: Path, packaged: bool, probe: str, expected: list
) -> None:
    """pulpcore's layout: ``pulp/app/manage.py`` beside the Django app's URL conf, the content app made in
    ``pulp/content``. The manage.py is a command of the package, not a root: the ``livez/`` route of
    ``pulp/app/urls.py`` is the content app's probe too (with or without a ``pyproject.toml`` above), and
    without it both apps are reported."""
    _write(tmp_path, {
        "pulp/__init__.py": "", "pulp/app/__init__.py": "",
        "pulp/app/manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'pulp.app.settings')\n",
        "pulp/app/settings.py": 'INSTALLED_APPS = ["pulp.app"]\nROOT_URLCONF = "pulp.app.urls"\n',
        "pulp/app/urls.py": PULP_URLS.replace("{probe}", probe),
        "pulp/app/views.py": "from django.views import View\n\n\nclass LivezView(View):\n    pass\n\n\n"
                             "class TasksView(View):\n    pass\n",
        "pulp/content/__init__.py": PULP_CONTENT, "Chart.yaml": "apiVersion: v2\nname: pulp\n",
    })
    if not packaged:
        (tmp_path / "pyproject.toml").unlink()
    assert _lines(tmp_path, "BE308") == expected


KUBE_DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders
"""


DEVELOPER_COMPOSE = """
services:
  web:
    build: .
    command: python manage.py runserver 0.0.0.0:8000
    restart: unless-stopped
    ports:
      - "8000:8000"
      - "5678:5678"
"""

SWARM_COMPOSE = """
services:
  web:
    image: orders
    deploy:
      replicas: 3
"""


@pytest.mark.parametrize(("deployment", "expected"), [
    ({}, []),
    ({"Procfile": "web: uvicorn app.main:app\n"}, []),
    ({"Dockerfile": DOCKERFILE}, []),
    ({"docker-compose.yml": DEVELOPER_COMPOSE, "Dockerfile": DOCKERFILE}, []),
    ({"compose.yaml": "services: {}\n"}, []),
    ({"docker-compose.prod.yml": SWARM_COMPOSE}, [("app/main.py", 5)]),
    ({"docker-compose.prod.yml": SWARM_COMPOSE + '    healthcheck:\n      test: ["CMD", "curl", "-f", '
                                                  '"http://localhost:8000/"]\n'}, []),
    ({"fly.toml": 'app = "orders"\n'}, [("app/main.py", 5)]),
    ({"fly.toml": 'app = "orders"\n\n[[http_service.checks]]\n  path = "/orders/"\n'}, []),
    ({"render.yaml": "services:\n  - type: web\n    name: orders\n"}, [("app/main.py", 5)]),
    ({"ops/orders.nomad.hcl": 'job "orders" {}\n'}, [("app/main.py", 5)]),
    ({"deploy/task-definition.json": '{"containerDefinitions": [{"name": "orders"}]}'}, [("app/main.py", 5)]),
    ({"deploy/k8s/orders.yaml": KUBE_DEPLOYMENT}, [("app/main.py", 5)]),
    ({"deploy/k8s/orders.yaml": KUBE_DEPLOYMENT + "      livenessProbe:\n        httpGet:\n          path: /\n"}, []),
    ({"deploy/k8s/orders.yaml": "apiVersion: v1\nkind: ConfigMap\n"}, []),
    # a Helm chart deeper than the walk: its templates' probe is read with it
    ({"_infra/helm/orders/Chart.yaml": "apiVersion: v2\nname: orders\n",
      "_infra/helm/orders/templates/deployment.yaml": KUBE_DEPLOYMENT}, [("app/main.py", 5)]),
    ({"_infra/helm/orders/Chart.yaml": "apiVersion: v2\nname: orders\n",
      "_infra/helm/orders/templates/deployment.yaml": KUBE_DEPLOYMENT + "      readinessProbe:\n        httpGet:\n"
                                                      "          path: /info\n"}, []),
    ({"k8s/orders.yaml": KUBE_DEPLOYMENT.replace("kind: Deployment", "kind: Service")}, []),
    ({"tests/k8s/orders.yaml": KUBE_DEPLOYMENT}, []),
    ({"deploy/k8s/orders.yaml": KUBE_DEPLOYMENT,
      "docker/Dockerfile": DOCKERFILE + "HEALTHCHECK CMD python -m app.probe || exit 1\n"}, []),
    ({"deploy/k8s/orders.yaml": KUBE_DEPLOYMENT, "Dockerfile": DOCKERFILE + "HEALTHCHECK NONE\n"},
     [("app/main.py", 5)]),
])
def test_only_a_deployed_project_needs_a_probe(tmp_path: Path, deployment: dict, expected: list) -> None:
    """A self-hosted app run by hand has nothing that probes it (calibre-web, flaskbb), and neither has one shipped
    as a container image, a Procfile (Baby Buddy) or a developer compose that runs ``runserver`` (freesound):
    BE308 speaks only when the project ships what an orchestrator runs (Kubernetes, Helm, fly.io, Render, App
    Engine, Nomad, ECS, a compose stack of replicas) and configures no probe there. A container whose
    ``HEALTHCHECK`` runs a command of the project's (Mealie's ``healthcheck.py`` calling its about endpoint) is
    probed; ``HEALTHCHECK NONE`` switches the probe off."""
    _write(tmp_path, {"app/__init__.py": "", "app/main.py": APP_MAIN, "app/orders.py": ORDERS, **deployment})
    assert _lines(tmp_path, "BE308") == expected


DEV_PROXY = """
from aiohttp import web

app = web.Application()
"""


@pytest.mark.parametrize(("pyproject", "expected"), [
    ("", [("app/main.py", 5), ("devbin/dev_proxy.py", 3)]),
    ('[tool.ruff.lint.per-file-ignores]\n"devbin/**/*" = ["ALL"]\n', [("app/main.py", 5)]),
    ('[tool.ruff]\nextend-exclude = ["devbin"]\n', [("app/main.py", 5)]),
    ('[tool.ruff.lint.per-file-ignores]\n"devbin/**/*" = ["T201"]\n', [("app/main.py", 5), ("devbin/dev_proxy.py", 3)]),
])
def test_an_app_the_project_keeps_out_of_its_linting(tmp_path: Path, pyproject: str, expected: list) -> None:
    """Hail's ``devbin/dev_proxy.py`` serves a developer's browser on localhost; the project's ruff configuration
    ignores every check there (``"devbin/**/*" = ["ALL"]``): no part of what it deploys, so no probe is missing.
    Ignoring one check says nothing of the kind."""
    _write(tmp_path, {"app/__init__.py": "", "app/main.py": APP_MAIN, "app/orders.py": ORDERS,
                      "devbin/dev_proxy.py": DEV_PROXY, "deploy/k8s/orders.yaml": KUBE_DEPLOYMENT,
                      "pyproject.toml": "[project]\nname = 'orders'\n" + pyproject})
    assert _lines(tmp_path, "BE308") == expected


ADMIN_HOOKS = """
from portal.policy import policy_blueprint
from portal.reports import reports_blueprint


def admin_required(view):
    return view


@policy_blueprint.before_request
@admin_required
def before_admin_request():
    return None


@reports_blueprint.before_request
def before_request():
    return None
"""

UPLOAD_ROUTES = """
from flask import Blueprint, request

{name} = Blueprint("{name}", __name__)


@{name}.post("/import")
def import_file():
    return {{"size": len(request.files["file"].read())}}
"""


def test_blueprint_closed_to_administrators_in_another_module(tmp_path: Path) -> None:
    """privacyIDEA's form: a ``before_request`` hook with ``@admin_required`` in ``before_after.py`` closes the
    policy blueprint to all but administrators, so its import upload is the operator's; the reports blueprint's
    hook has no admin decorator, so its upload is still reported."""
    _write(tmp_path, {
        "portal/__init__.py": "", "portal/before_after.py": ADMIN_HOOKS,
        "portal/policy.py": UPLOAD_ROUTES.format(name="policy_blueprint"),
        "portal/reports.py": UPLOAD_ROUTES.format(name="reports_blueprint"),
    })
    assert _lines(tmp_path, "BE306") == [("portal/reports.py", 8)]


LOGIN_FORMS = """
from django import forms
from django.contrib.auth import authenticate

from shop.ratelimit import rate_limit


class LoginForm(forms.Form):
    def clean(self):
        if rate_limit("login", self.data["username"]):
            raise forms.ValidationError("wait")
        self.user = authenticate(username=self.data["username"], password=self.data["password"])
        return self.cleaned_data


class CustomerLoginForm(forms.Form):
    def clean(self):
        self.user = authenticate(username=self.data["username"], password=self.data["password"])
        return self.cleaned_data
"""

LOGIN_VIEWS = """
from django.http import JsonResponse

from shop.forms import {form}


def login(request):
    if request.method == "POST":
        form = {form}(request.POST)
        return JsonResponse({{"ok": form.is_valid()}})
    return JsonResponse({{}})
"""


@pytest.mark.parametrize(("form", "expected"), [
    ("LoginForm", []),
    ("CustomerLoginForm", [("shop/views.py", 6)]),
])
def test_login_form_of_another_module_that_counts_attempts(tmp_path: Path, form: str, expected: list) -> None:
    """pretix's form: the view hands the sign-in to a form of another module whose ``clean`` calls
    ``rate_limit("login", ...)``; a form without one leaves the view reported."""
    _write(tmp_path, {
        "shop/__init__.py": "", "shop/forms.py": LOGIN_FORMS, "shop/views.py": LOGIN_VIEWS.format(form=form),
        "shop/ratelimit.py": "def rate_limit(key, value):\n    return False\n",
    })
    assert _lines(tmp_path) == expected


AUTHENTICATOR = """
from shop import captcha
from shop.models import User


def default_authenticate(identity):
    user = User.by_name(identity["login"])
    if user is None or not user.validate_password(identity["password"]):
        return None
    {check}
    return user


def shop_authenticator(identity):
    return default_authenticate(identity)
"""

AUTHENTICATING_VIEW = """
from flask import Blueprint, request

import shop.authenticator as authenticator

accounts = Blueprint("accounts", __name__)


@accounts.route("/login", methods=["GET", "POST"])
def login():
    identity = {"login": request.form.get("login"), "password": request.form.get("password")}
    user = authenticator.shop_authenticator(identity)
    return {"ok": user is not None}
"""


@pytest.mark.parametrize(("check", "expected"), [
    ("captcha.check_recaptcha(request_ip(), identity.get('g-recaptcha-response'))", []),
    ("limit_account(user)", []),  # open-webui's attempt limit per account
    ("limit_results(user)", [("shop/views.py", 9)]),  # a bare limit is a page size
    ("audit(user)", [("shop/views.py", 9)]),
])
def test_captcha_checked_two_calls_down_in_another_module(tmp_path: Path, check: str, expected: list) -> None:
    """CKAN's form: the login view hands the identity to ``authenticator.ckan_authenticator``, which calls
    ``default_authenticate``, which checks a reCAPTCHA: the guessing is stopped two calls down (so does a limit
    named for accounts, open-webui's ``limit_account``). The same chain without the check leaves the view
    reported."""
    _write(tmp_path, {
        "shop/__init__.py": "", "shop/views.py": AUTHENTICATING_VIEW,
        "shop/authenticator.py": AUTHENTICATOR.replace("{check}", check),
        "shop/captcha.py": "def check_recaptcha(ip, answer):\n    return None\n",
        "shop/models.py": "class User:\n    pass\n",
    })
    assert _lines(tmp_path) == expected
