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
