"""BE307 on a project: the login route of an auth manager documented as development-only is left alone.

The docstring that says so is in another module of the manager's package; a login route of the production auth
package next to it is still reported, through the real CLI and ``flake8 --select BE`` as processes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.projects import findings_of, write_project

LOGIN = """\
    from fastapi import APIRouter

    from app.auth.{package}.service import check_password

    router = APIRouter()


    @router.post("/login")
    def login(username: str, password: str):
        return {{"token": check_password(username, password)}}
"""

PROJECT = {
    "app/__init__.py": "",
    "app/auth/__init__.py": "",
    "app/auth/simple/__init__.py": "",
    "app/auth/simple/manager.py": '''\
        class SimpleAuthManager:
            """Default auth manager. This auth manager should not be used in production."""
    ''',
    "app/auth/simple/routes/__init__.py": "",
    "app/auth/simple/routes/login.py": LOGIN.format(package="simple"),
    "app/auth/ldap/__init__.py": "",
    "app/auth/ldap/manager.py": '''\
        class LdapAuthManager:
            """The production auth manager (development setups use the simple one)."""
    ''',
    "app/auth/ldap/routes/__init__.py": "",
    "app/auth/ldap/routes/login.py": LOGIN.format(package="ldap"),
}


def test_a_development_only_auth_managers_login_is_not_reported(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, PROJECT), "BE307")
    assert found == {(os.path.join("app", "auth", "ldap", "routes", "login.py"), 9)}


MESSAGES_PROJECT = {
    "svc/__init__.py": "",
    "svc/constants.py": '''\
        from enum import Enum


        class ERROR_MESSAGES(str, Enum):
            EMAIL_TAKEN = "Uh-oh! This email is already registered."
            RATE_LIMIT_EXCEEDED = "API rate limit exceeded"
    ''',
    "svc/limits.py": '''\
        class LoginGuard:
            def check(self, request):
                rate_limit("login", request.client.host)
    ''',
    "svc/routers/__init__.py": "",
    "svc/routers/auths.py": '''\
        from fastapi import APIRouter, HTTPException

        from svc.constants import ERROR_MESSAGES
        from svc.limits import LoginGuard

        router = APIRouter()


        @router.post("/signup")
        async def signup(email: str, password: str):
            if not email:
                raise HTTPException(400, detail=ERROR_MESSAGES.EMAIL_TAKEN)
            return {"email": email}


        @router.post("/signin")
        async def signin(request, email: str, password: str):
            LoginGuard().check(request)
            return {"email": email}
    ''',
}


def test_an_enum_of_messages_that_names_a_rate_limit_is_no_limit(tmp_path: Path) -> None:
    """Open WebUI's ``signup`` imports ``ERROR_MESSAGES``, whose ``RATE_LIMIT_EXCEEDED`` is a message constant:
    it limits nothing, so the sign-up is still reported; a helper class whose method calls a limit covers its
    view."""
    found = findings_of(write_project(tmp_path, MESSAGES_PROJECT), "BE307")
    assert found == {(os.path.join("svc", "routers", "auths.py"), 10)}


FORMS_PROJECT = {
    "hc/__init__.py": "",
    "hc/api/__init__.py": "",
    "hc/api/models.py": '''\
        class TokenBucket:
            @staticmethod
            def authorize_login_password(username):
                return True
    ''',
    "hc/accounts/__init__.py": "",
    "hc/accounts/forms.py": '''\
        from captcha import fields
        from django import forms

        from hc.api.models import TokenBucket


        class PasswordLoginForm(forms.Form):
            def clean(self):
                if not TokenBucket.authorize_login_password(self.cleaned_data["username"]):
                    raise forms.ValidationError("Too many attempts, please try later.")
                return self.cleaned_data


        class RegistrationForm(forms.Form):
            captcha = fields.CaptchaField()


        class PlainLoginForm(forms.Form):
            def clean(self):
                return self.cleaned_data
    ''',
    "hc/accounts/views.py": '''\
        from django.shortcuts import redirect, render
        from django.views import View

        from hc.accounts import forms


        def login(request):
            if request.method == "POST":
                form = forms.PasswordLoginForm(request.POST)
                if form.is_valid():
                    return redirect("/")
            return render(request, "login.html")


        class Register(View):
            form_class = forms.RegistrationForm

            def post(self, request):
                form = self.form_class(data=request.POST)
                if form.is_valid():
                    form.save()
                return redirect("/")


        def signin(request):
            if request.method == "POST":
                form = forms.PlainLoginForm(request.POST)
                if form.is_valid():
                    return redirect("/")
            return render(request, "login.html")
    ''',
}


def test_a_form_of_an_imported_forms_module_that_limits_covers_its_view(tmp_path: Path) -> None:
    """Healthchecks' ``login`` builds ``forms.PasswordLoginForm(...)``, whose ``clean`` asks a token bucket (a
    rate-limit algorithm); Kiwi's ``Register`` names ``form_class = forms.RegistrationForm``, which carries a
    CAPTCHA field. Both forms are attributes of a project module imported whole. A view whose form limits
    nothing is still reported."""
    found = findings_of(write_project(tmp_path, FORMS_PROJECT), "BE307")
    assert found == {(os.path.join("hc", "accounts", "views.py"), 25)}


DECORATORS_PROJECT = {
    "mail/__init__.py": "",
    "mail/utils.py": '''\
        class Limiter:
            def should_rate_limit_ip(self, ip):
                return False


        limiter = Limiter()
    ''',
    "mail/api/__init__.py": "",
    "mail/api/common.py": '''\
        from functools import wraps

        import flask

        from mail import utils


        def api_token_authorization(func):
            @wraps(func)
            def decorated_function(*args, **kwargs):
                if utils.limiter.should_rate_limit_ip(flask.request.remote_addr):
                    flask.abort(429)
                return func(*args, **kwargs)
            return decorated_function


        def per_client(rate):
            def decorator(func):
                @wraps(func)
                def wrapper(*args, **kwargs):
                    utils.limiter.should_rate_limit_ip(flask.request.remote_addr)
                    return func(*args, **kwargs)
                return wrapper
            return decorator


        def audited(func):
            @wraps(func)
            def decorated_function(*args, **kwargs):
                flask.current_app.logger.info("call")
                return func(*args, **kwargs)
            return decorated_function
    ''',
    "mail/api/tokens.py": '''\
        from flask import Blueprint, request

        from mail.api import common
        from mail.api.common import per_client

        bp = Blueprint("api", __name__)


        @bp.route("/auth/token", methods=["POST"])
        @common.api_token_authorization
        def obtain_token():
            return {"token": request.form["password"]}


        @bp.route("/api/token", methods=["POST"])
        @per_client("5/minute")
        def api_token():
            return {"token": request.form["password"]}


        @bp.route("/token", methods=["POST"])
        @common.audited
        def token():
            return {"token": request.form["password"]}
    ''',
    "mail/ui/__init__.py": "",
    "mail/ui/access.py": '''\
        import functools

        import flask
        import flask_login


        def permissions_wrapper(handler):
            def decorator(*dargs):
                def inner(function):
                    @functools.wraps(function)
                    def wrapper(*args, **kwargs):
                        if not handler(args, kwargs, *dargs):
                            flask.abort(403)
                        return function(*args, **kwargs)
                    return flask_login.login_required(wrapper)
                return inner
            return decorator


        @permissions_wrapper
        def owner(args, kwargs, model, key):
            return kwargs[key] == flask_login.current_user.email


        def signed_in(view):
            return flask_login.login_required(view)


        def open_to_all(view):
            @functools.wraps(view)
            def wrapper(*args, **kwargs):
                return view(*args, **kwargs)
            return wrapper
    ''',
    "mail/ui/tokens.py": '''\
        from flask import Blueprint, request

        from mail.ui import access

        ui = Blueprint("ui", __name__)


        @ui.route("/token/create", methods=["GET", "POST"])
        @access.owner("User", "user_email")
        def token_create(user_email):
            return {"token": request.form["password"]}


        @ui.route("/token/new", methods=["POST"])
        @access.signed_in
        def token_new():
            return {"token": request.form["password"]}


        @ui.route("/login", methods=["POST"])
        @access.open_to_all
        def login():
            return {"user": request.form["password"]}
    ''',
}


def test_a_project_decorator_that_limits_or_signs_in_covers_its_view(tmp_path: Path) -> None:
    """Mailu's ``@common.api_token_authorization`` asks ``utils.limiter`` in the wrapper it returns before the view
    runs, and so does a decorator factory's wrapper (``@per_client("5/minute")``); ``@access.owner(...)`` is built by
    a decorator of its module whose wrappers end in ``flask_login.login_required(wrapper)``, and ``@access.signed_in``
    hands the view to ``login_required`` itself: a signed-in user's own token. A project decorator that neither
    limits nor signs in (``@common.audited``, ``@access.open_to_all``) covers nothing."""
    found = findings_of(write_project(tmp_path, DECORATORS_PROJECT), "BE307")
    assert found == {(os.path.join("mail", "api", "tokens.py"), 23), (os.path.join("mail", "ui", "tokens.py"), 22)}


SERVICE_PROJECT = {
    "shop/__init__.py": "",
    "shop/services.py": '''\
        class UserService:
            async def check_rate_limit(self, key, attempts):
                return None

            async def finalize_password_reset(self, code, ip):
                await self.check_rate_limit(f"reset:{ip}", 5)
                return code

            async def start_password_reset(self, email):
                return email
    ''',
    "shop/views.py": '''\
        from typing import Annotated

        from fastapi import APIRouter, Depends

        from shop.services import UserService

        router = APIRouter()


        @router.post("/forgot_password")
        async def forgot_password(service: Annotated[UserService, Depends()], email: str, password: str):
            return await service.finalize_password_reset(email, "ip")


        @router.post("/reset_password")
        async def reset_password(service: Annotated[UserService, Depends()], email: str, password: str):
            return await service.start_password_reset(email)
    ''',
}


def test_a_limit_in_the_injected_service_method_covers_its_view(tmp_path: Path) -> None:
    """Bitcart's ``finalize_password_reset`` hands the work to ``user_service.finalize_password_reset(...)`` of a
    parameter typed with the project's ``UserService``; that method asks ``self.check_rate_limit(...)`` first.
    Another method of the same service that limits nothing does not cover its view."""
    found = findings_of(write_project(tmp_path, SERVICE_PROJECT), "BE307")
    assert found == {(os.path.join("shop", "views.py"), 16)}


RESET_BLUEPRINT = """\
    from flask import Blueprint, request

    from shop.mail import send_reset

    blueprint = Blueprint("routes_password_reset", __name__)


    @blueprint.route("/forgot_password", methods=["POST"])
    def forgot_password():
        send_reset(request.form["email"])
        return "sent"
"""
FACTORY = """\
    from flask import Flask
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address

    from shop import routes_password_reset


    def create_app():
        app = Flask(__name__)
        limiter = Limiter(get_remote_address, app=app)
        app.register_blueprint(routes_password_reset.blueprint)
        {limit}
        return app
"""


def test_a_blueprint_the_application_factory_limits_whole_covers_its_routes(tmp_path: Path) -> None:
    """Mycodo limits its password-reset blueprint in the application factory, another module:
    ``limiter.limit("20/hour")(routes_password_reset.blueprint)``. Every route of it is limited; without that line
    the reset endpoint is reported."""
    def project(limit: str) -> dict[str, str]:
        return {
            "shop/__init__.py": "", "shop/mail.py": "def send_reset(address):\n    return address\n",
            "shop/routes_password_reset.py": RESET_BLUEPRINT, "shop/app.py": FACTORY.format(limit=limit),
        }
    limited = 'limiter.limit("20/hour")(routes_password_reset.blueprint)'
    assert findings_of(write_project(tmp_path / "on", project(limited)), "BE307") == set()
    assert findings_of(write_project(tmp_path / "off", project("pass")), "BE307") == {
        (os.path.join("shop", "routes_password_reset.py"), 9)}


def _middleware_app(answer: str) -> dict[str, str]:
    """hyperion: an ``@app.middleware("http")`` in app.py, around the login router of another module."""
    return {
        "pyproject.toml": "",
        "hub/__init__.py": "",
        "hub/auth.py": '''\
            from fastapi import APIRouter, Form

            router = APIRouter()


            @router.post("/auth/token")
            async def login_for_access_token(username: str = Form(), password: str = Form()):
                return {"access_token": check_password(username, password)}
        ''',
        "hub/app.py": f'''\
            from fastapi import FastAPI, Request, Response

            from hub.auth import router


            def get_application():
                app = FastAPI()
                app.include_router(router)

                @app.middleware("http")
                async def logging_middleware(request: Request, call_next):
                    if too_many(request.client.host):
                        {answer}
                    return await call_next(request)

                return app
        ''',
    }


def test_a_project_middleware_that_answers_429_limits_every_route(tmp_path: Path) -> None:
    # hyperion's logging_middleware counts each IP's requests in Redis and answers 429 past the limit: the login
    # router of another module is limited; a middleware that answers 403 to the same test limits nothing.
    limited = _middleware_app('return Response(status_code=429, content="Too Many Requests")')
    assert findings_of(write_project(tmp_path / "limited", limited), "BE307") == set()
    refused = _middleware_app("return Response(status_code=403)")
    assert ("hub/auth.py", 7) in findings_of(write_project(tmp_path / "refused", refused), "BE307")


DEAD_VIEW_PROJECT = {
    "akvo/__init__.py": "",
    "akvo/urls.py": '''\
        from django.urls import path

        from akvo.rsr.views import account

        urlpatterns = [
            path("register/", account.register, name="register"),
            path("sign_in/", account.SignInView.as_view(), name="sign_in"),
        ]
    ''',
    "akvo/rsr/__init__.py": "",
    "akvo/rsr/views/__init__.py": "",
    "akvo/rsr/views/account.py": '''\
        from django.contrib.auth import authenticate, login
        from django.contrib.auth.forms import AuthenticationForm
        from django.shortcuts import redirect, render
        from django.views import View


        def register(request):
            if request.method == "POST":
                form = RegisterForm(data=request.POST)
                if form.is_valid():
                    form.save()
                    return redirect("/")
            return render(request, "register.html")


        def sign_in(request):
            if request.method == "POST":
                form = AuthenticationForm(data=request.POST)
                if form.is_valid():
                    login(request, form.get_user())
                    return redirect("/")
            return render(request, "sign_in.html")


        class SignInView(View):
            def post(self, request):
                user = authenticate(request, username=request.POST["username"], password=request.POST["password"])
                if user is not None:
                    login(request, user)
                return redirect("/")


        class RegisterForm:
            pass
    ''',
}


def test_a_function_view_the_url_conf_no_longer_routes_is_no_endpoint(tmp_path: Path) -> None:
    """akvo's ``sign_in`` function is left behind: the URL conf routes ``sign_in/`` to ``account.SignInView`` and
    nothing else names the function, so it is dead code, no endpoint. The routed ``register`` and ``SignInView``
    stay reported."""
    found = findings_of(write_project(tmp_path, DEAD_VIEW_PROJECT), "BE307")
    assert found == {(os.path.join("akvo", "rsr", "views", "account.py"), 7),
                     (os.path.join("akvo", "rsr", "views", "account.py"), 26)}


SIGNUP_PERMISSION_PROJECT = {
    "events/__init__.py": "",
    "events/permissions.py": '''\
        from rest_framework.permissions import BasePermission


        class CanAccessSignup(BasePermission):
            def has_permission(self, request, view):
                return request.user.is_authenticated

            def has_object_permission(self, request, view, obj):
                return obj.created_by_id == request.user.id


        class CanAccessSignupGroup(CanAccessSignup):
            pass


        class AnyoneMaySignUp(BasePermission):
            def has_permission(self, request, view):
                return request.method == "POST" or request.user.is_authenticated
    ''',
    "events/api.py": '''\
        from rest_framework import viewsets
        from rest_framework.response import Response

        from events.permissions import AnyoneMaySignUp, CanAccessSignupGroup


        class SignUpGroupViewSet(viewsets.ModelViewSet):
            permission_classes = [CanAccessSignupGroup]

            def create(self, request, *args, **kwargs):
                return Response({"email": request.data["email"], "user": request.user.username})


        class SignUpViewSet(viewsets.ModelViewSet):
            permission_classes = [AnyoneMaySignUp]

            def create(self, request, *args, **kwargs):
                return Response({"email": request.data["email"], "user": request.user.username})
    ''',
    "events/urls.py": '''\
        from rest_framework.routers import DefaultRouter

        from events.api import SignUpGroupViewSet, SignUpViewSet

        router = DefaultRouter()
        router.register("signup_group", SignUpGroupViewSet, basename="signupgroup")
        router.register("signup", SignUpViewSet, basename="signup")
        urlpatterns = router.urls
    ''',
}


def test_a_permission_class_that_requires_a_signed_in_user_covers_its_view(tmp_path: Path) -> None:
    """linkedevents' ``SignUpGroupViewSet`` is behind ``CanAccessSignupGroup``, whose inherited ``has_permission``
    answers ``request.user.is_authenticated``: only signed-in users reach it (a participant's sign-up for an event,
    no account made). A permission that lets anonymous POSTs through keeps the finding."""
    found = findings_of(write_project(tmp_path, SIGNUP_PERMISSION_PROJECT), "BE307")
    assert found == {(os.path.join("events", "api.py"), 17)}


NGINX_APP = {
    "web/__init__.py": "",
    "web/account.py": """\
        from fastapi import APIRouter

        from web.service import check_password

        router = APIRouter()


        @router.post("/account/login")
        def login(username: str, password: str):
            return {"token": check_password(username, password)}
    """,
}
NGINX_ZONES = """\
    http {
        map "$is_blessed_ip:$cookie_session" $rate_limit_key {
            "0:" $binary_remote_addr;  # by address when no session cookie
            default '';
        }
        map $http_user_agent $isbot {
            default 0;
            ~*(bot|crawler) 1;
        }
        map $isbot $limit_bot {
            default "";
            1 $binary_remote_addr;
        }
        limit_req_zone $rate_limit_key zone=web_limit:10m rate=1r/s;
        limit_req_zone $limit_bot zone=bots:10m rate=1r/m;
        limit_req_zone $binary_remote_addr zone=accounts:10m rate=5r/m;
        include web_nginx.conf;
    }
"""
NGINX_SERVER = """\
    server {{
        listen 80;
        location @429 {{
            return 429 '{{"status": 429, "message": "Too Many Requests"}}';
        }}
        location {where} {{
            limit_req zone={zone} burst=100 delay=10;
            limit_req_status 429;
            proxy_pass http://web:8080;
        }}
    }}
"""


@pytest.mark.parametrize(
    ("where", "zone", "limited"),
    [
        ("/", "web_limit", True),  # openlibrary: every request without a session, by address
        ("/", "bots", False),  # Akvo RSR: crawlers only, a user agent any script can change
        ("~ ^/account", "accounts", False),  # one location: not matched against the handler's path
        ("/", "missing", False),  # a zone the repository does not declare (an include from elsewhere)
    ],
)
def test_an_nginx_limit_on_every_request_per_client_limits_the_login(
    tmp_path: Path, where: str, zone: str, limited: bool
) -> None:
    files = {
        **NGINX_APP,
        "docker/nginx.conf": NGINX_ZONES,
        "docker/web_nginx.conf": NGINX_SERVER.format(where=where, zone=zone),
    }
    found = findings_of(write_project(tmp_path, files), "BE307")
    assert found == (set() if limited else {(os.path.join("web", "account.py"), 9)})


LOCKOUT_PROJECT = {
    "notify/__init__.py": "",
    "notify/models.py": '''\
        from notify.client import api


        class User:
            MAX_FAILED_LOGIN_COUNT = 10

            @classmethod
            def from_address_and_password(cls, address, password):
                user = api.get_user(address)
                if user is None or user.locked:
                    return None
                return user if api.verify_password(user.id, password) else None

            @property
            def locked(self):
                return self.failed_login_count >= self.MAX_FAILED_LOGIN_COUNT


        class Visitor:
            @classmethod
            def from_address_and_password(cls, address, password):
                return api.get_visitor(address, password)
    ''',
    "notify/views.py": '''\
        from flask import Blueprint, request

        from notify.client import mail
        from notify.models import User, Visitor

        main = Blueprint("main", __name__)


        @main.route("/sign-in", methods=["POST"])
        def sign_in():
            return str(User.from_address_and_password(request.form["email"], request.form["password"]))


        @main.route("/visitor/sign-in", methods=["POST"])
        def visitor_sign_in():
            return str(Visitor.from_address_and_password(request.form["email"], request.form["password"]))


        @main.route("/forgot-password", methods=["POST"])
        def forgot_password():
            user = User.from_address_and_password(request.form["email"], None)
            return mail.send_reset(user)
    ''',
}


def test_an_account_lockout_of_the_login_helper_covers_the_login_only(tmp_path: Path) -> None:
    """Notify's ``sign_in`` hands the password to ``User``, whose ``locked`` compares a tally of failed sign-ins
    with a maximum: guessing is limited per account, so the login is left alone. A helper class with no tally
    (``Visitor``) covers nothing, and a lockout does not limit the reset mails ``forgot_password`` sends."""
    found = findings_of(write_project(tmp_path, LOCKOUT_PROJECT), "BE307")
    assert found == {(os.path.join("notify", "views.py"), 15), (os.path.join("notify", "views.py"), 20)}
