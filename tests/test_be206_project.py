"""BE206 on a project: mail sent by a function that a project decorator of another module runs in a thread
(vulnerability-lookup's ``@async_maker``, whose wrapper starts ``Thread(target=f, ...)``) is background work, so
a handler whose helper reaches it is not reported; the same helper reaching the undecorated sender still is,
through the real CLI and ``flake8 --select BE`` as processes.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.projects import findings_of, write_project

PROJECT = {
    "pyproject.toml": '[project]\nname = "portal"\nversion = "1"\n',
    "portal/__init__.py": "",
    "portal/utils.py": """\
        from threading import Thread


        def async_maker(f):
            def wrapper(*args, **kwargs):
                thread = Thread(target=f, args=args, kwargs=kwargs)
                thread.start()

            return wrapper


        def logged(f):
            def wrapper(*args, **kwargs):
                print("calling", f.__name__)
                return f(*args, **kwargs)

            return wrapper
    """,
    "portal/emails.py": """\
        import smtplib

        from portal.utils import async_maker, logged


        def send(**kwargs):
            send_smtp_async(**kwargs)


        def send_now(**kwargs):
            send_smtp_logged(**kwargs)


        @async_maker
        def send_smtp_async(**kwargs):
            send_smtp(**kwargs)


        @logged
        def send_smtp_logged(**kwargs):
            send_smtp(**kwargs)


        def send_smtp(to="", subject="", body=""):
            with smtplib.SMTP("smtp.example.com") as server:
                server.sendmail("noreply@example.com", [to], f"Subject: {subject}\\n\\n{body}")
    """,
    "portal/views.py": """\
        from flask import Flask

        from portal import emails

        app = Flask(__name__)


        @app.post("/comments")
        def comment():
            emails.send(to="moderator@example.com", subject="New comment")
            return {"ok": True}, 201


        @app.post("/signup")
        def signup():
            emails.send_now(to="someone@example.com", subject="Welcome")
            return {"ok": True}, 201
    """,
}


def test_mail_a_decorator_sends_in_a_thread_is_background_work(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, PROJECT), "BE206")
    assert found == {(os.path.join("portal", "views.py"), 16)}


MAIL_PROJECT = {
    "pyproject.toml": '[project]\nname = "journal"\nversion = "1"\n',
    "journal/__init__.py": """\
        from flask import Flask
        from flask_mail import Mail

        mail = Mail()
        notes = []


        def create_app():
            app = Flask(__name__)
            mail.init_app(app)
            return app
    """,
    "journal/extensions.py": """\
        from journal import mail
    """,
    "journal/views.py": """\
        from flask import Blueprint
        from flask_mail import Message

        from . import mail, notes
        from .extensions import mail as outbox

        bp = Blueprint("views", __name__)


        @bp.post("/digest")
        def digest():
            mail.send(Message("Digest", recipients=["reader@example.com"]))
            return {"ok": True}, 201


        @bp.post("/resend")
        def resend():
            outbox.send(Message("Again", recipients=["reader@example.com"]))
            return {"ok": True}, 201


        @bp.post("/notes")
        def add_note():
            notes.send("a list's own method, not a mail client's")
            return {"ok": True}, 201
    """,
}


def test_a_mail_client_made_in_the_package_init_sends_where_it_is_imported(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, MAIL_PROJECT), "BE206")
    assert found == {(os.path.join("journal", "views.py"), 12), (os.path.join("journal", "views.py"), 18)}
