"""BE201 and the facts of a whole project: a start-up patch of ``requests`` that gives every call a default
timeout (pretix's ``HTTPAdapter.send`` wrapper) covers the project's ``requests`` calls but not its other
clients; a Django management command is an operator's tool. Through the real CLI and ``flake8 --select BE``."""

from __future__ import annotations

from pathlib import Path

from tests.projects import findings_of, write_project

VIEWS = """\
    import requests
    import urllib.request


    def rates(request):
        return requests.get("https://rates.example.com/today").json()


    def legacy(request):
        return urllib.request.urlopen("https://legacy.example.com/feed").read()
"""
PATCH = """\
    from requests.adapters import HTTPAdapter


    def monkeypatch_requests_timeout():
        old_send = HTTPAdapter.send

        def send(self, request, stream=False, timeout=None, **kwargs):
            return old_send(self, request, stream=stream, timeout=30 if timeout is None else timeout, **kwargs)

        HTTPAdapter.send = send
"""
COMMAND = """\
    import requests
    from django.core.management.base import BaseCommand


    class Command(BaseCommand):
        def handle(self, *args, **options):
            requests.get("https://exercises.example.com/api/all")
"""


def _project(root: Path, patched: bool) -> Path:
    files = {
        "manage.py": "",
        "shop/__init__.py": "",
        "shop/views.py": VIEWS,
        "shop/management/__init__.py": "",
        "shop/management/commands/__init__.py": "",
        "shop/management/commands/sync_rates.py": COMMAND,
    }
    if patched:
        files["shop/helpers/__init__.py"] = ""
        files["shop/helpers/monkeypatching.py"] = PATCH
    return write_project(root, files)


def test_a_start_up_patch_covers_requests_calls_only(tmp_path: Path) -> None:
    assert findings_of(_project(tmp_path, patched=True), "BE201") == {("shop/views.py", 10)}


def test_without_the_patch_requests_calls_are_flagged_but_not_in_a_management_command(tmp_path: Path) -> None:
    assert findings_of(_project(tmp_path, patched=False), "BE201") == {("shop/views.py", 6), ("shop/views.py", 10)}
