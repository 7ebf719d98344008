"""BE503 on a project: a secret-named default that the application compares with ``==`` to warn that it was not
changed (ihatemoney's ``default_settings.SECRET_KEY``, privacyIDEA's ``DEFAULT_API_KEY``) is a sentinel, left
alone; the same literal that nothing compares, or that only a test compares, is reported. Through the real CLI
and ``flake8 --select BE`` as processes.
"""

from __future__ import annotations

from pathlib import Path

from tests.projects import findings_of, write_project

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
    found = findings_of(write_project(tmp_path, PROJECT), "BE503")
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
