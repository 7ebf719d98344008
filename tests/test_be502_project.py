"""BE502 on a project: a helper that reads a token's claims without verifying them is reported when a caller in
another module hands it a value read from the request (a header, also through a local with its scheme cut off),
and left alone when every caller passes a token the server holds itself, through the real CLI.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.projects import findings_of, write_project

PROJECT = {
    "pyproject.toml": '[project]\nname = "ledger"\nversion = "1"\n',
    "ledger/__init__.py": "",
    "ledger/tokens.py": """\
        import jwt


        def tenant_of(token):
            return jwt.decode(token, options={"verify_signature": False})["tenant"]


        def scopes_of(token):
            return jwt.decode(token, options={"verify_signature": False}).get("scope", "")


        def expiry_of(token):
            return jwt.decode(token, options={"verify_signature": False})["exp"]
    """,
    "ledger/views.py": """\
        from flask import Flask, request

        from ledger.config import SERVICE_TOKEN
        from ledger.tokens import expiry_of, scopes_of, tenant_of

        app = Flask(__name__)


        @app.get("/books")
        def books():
            return {"tenant": tenant_of(request.headers["X-Tenant-Token"])}


        @app.delete("/books/<int:book_id>")
        def delete_book(book_id):
            bearer = request.headers.get("Authorization", "").removeprefix("Bearer ")
            if "admin" not in scopes_of(bearer):
                return {"detail": "forbidden"}, 403
            return "", 204


        @app.get("/health")
        def health():
            return {"service_token_expires": expiry_of(SERVICE_TOKEN)}
    """,
    "ledger/config.py": """\
        import os

        SERVICE_TOKEN = os.environ.get("SERVICE_TOKEN", "")
    """,
}


def test_a_helper_handed_the_request_token_by_a_caller_is_reported(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, PROJECT), "BE502")
    assert found == {(os.path.join("ledger", "tokens.py"), 5), (os.path.join("ledger", "tokens.py"), 9)}
