"""BE307 on a project: the login route of an auth manager documented as development-only is left alone.

The docstring that says so is in another module of the manager's package; a login route of the production auth
package next to it is still reported, through the real CLI and ``flake8 --select BE`` as processes.
"""

from __future__ import annotations

import os
from pathlib import Path

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
