"""Security rules BE501-BE512 in-process: edge cases as exact (line, code) lists, and deliberate misses."""

from __future__ import annotations

import pytest

from tests.fixture_files import FIXTURES
from tests.snippets import found

SECURITY = "BE5"


@pytest.mark.parametrize(
    "path",
    ["shop/settings.py", "shop/settings/production.py", "config/settings/base.py", "shop/prod_settings.py"],
)
def test_environment_settings_module_is_clean_everywhere(path: str) -> None:
    source = (FIXTURES / "clean" / "settings.py").read_text(encoding="utf-8")
    assert found(source, SECURITY, path) == []


CASES = [
    pytest.param(
        """
        import hashlib
        def set_pw(user, pwd):
            user.digest = hashlib.blake2b(pwd.encode()).hexdigest()
        """,
        [(4, "BE501")],
        id="BE501-blake2b-pwd",
    ),
    pytest.param(
        """
        import hashlib
        ROUNDS = 1000 * 10
        def derive(password, salt):
            return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, ROUNDS)
        """,
        [(5, "BE510")],
        id="BE510-pbkdf2-folded-constant",
    ),
    pytest.param(
        """
        import hashlib
        def derive(password, salt, rounds):
            return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, rounds)
        """,
        [],
        id="BE510-pbkdf2-unknown-rounds",
    ),
    pytest.param(
        """
        import jwt as pyjwt
        def claims(request):
            return pyjwt.decode(request.headers["X-Token"], options=dict(verify_signature=False))
        """,
        [(4, "BE502")],
        id="BE502-alias-and-dict-call",
    ),
    pytest.param(
        """
        import jwt
        def authenticate(self, request):
            token = get_authorization_header(request).split()[1]
            return jwt.decode(token, options={"verify_signature": False})["sub"]
        def claims_of(raw_token):
            return jwt.decode(raw_token, options={"verify_signature": False})["sub"]
        """,
        [(5, "BE502")],
        id="BE502-token-made-from-request-only",
    ),
    pytest.param(
        """
        class Client:
            def __init__(self, user, password="p4ssw0rd!"):
                self.api_key = "AKIA1234567890ABCDEF"
        """,
        [(4, "BE503")],  # a vendor's key by its format; a password default needs report-credentials
        id="BE503-default-and-self-attribute",
    ),
    pytest.param(
        """
        from pydantic_settings import BaseSettings
        class Settings(BaseSettings):
            jwt_secret: str = ""
            token_url: str = "https://auth.example.com/token"
            refresh_token_ttl: int = 3600
        """,
        [],
        id="BE503-settings-class-defaults",
    ),
    pytest.param(
        """
        from flask import Flask
        def create_app():
            application = Flask(__name__)
            application.config["DEBUG"] = True
            return application
        """,
        [(5, "BE504")],
        id="BE504-factory-local-app",
    ),
    pytest.param(
        """
        import requests as r
        session = r.Session()
        def fetch(url):
            return session.get(url, verify=False, timeout=3)
        """,
        [(5, "BE507")],
        id="BE507-aliased-session",
    ),
    pytest.param(
        """
        import random
        def jitter(base):
            return base * random.random()
        def pick_server(servers):
            return random.choice(servers)
        """,
        [],
        id="BE508-jitter-and-load-balancing",
    ),
    pytest.param(
        """
        import random
        def invite(user):
            user.invite_code = random.randint(100000, 999999)
        """,
        [(4, "BE508")],
        id="BE508-attribute-target",
    ),
]


@pytest.mark.parametrize(("code", "expected"), CASES)
def test_cases(code: str, expected: list[tuple[int, str]]) -> None:
    assert found(code, SECURITY) == expected


@pytest.mark.xfail(reason="BE503 judges by name only: a DSN with a password inside is missed", strict=True)
def test_credential_inside_dsn_is_missed() -> None:
    assert found('DATABASE_URL = "postgres://shop:s3cr3t@db/shop"\n', SECURITY) == [(1, "BE503")]


@pytest.mark.xfail(reason="BE506 follows one function: a helper building the path is not followed", strict=True)
def test_upload_name_through_helper_is_missed() -> None:
    code = """
    import os
    from flask import request
    def target(name):
        return os.path.join("/srv", name)
    def upload():
        f = request.files["doc"]
        f.save(target(f.filename))
    """
    assert found(code, SECURITY) == [(8, "BE506")]

