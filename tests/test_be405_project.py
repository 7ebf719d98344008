"""BE405 on a project: a field the project writes into its objects' URLs is an address, not a secret.

``Media.get_absolute_url`` puts ``self.friendly_token`` into the media's link (and a viewset looks media up by
``lookup_field = "public_token"``); a Celery task of another module that logs ``media.friendly_token`` or a
``friendly_token`` argument names the media it worked on. A token the same project only puts into a one-off
link (an invitation e-mail) is no object's address and stays reported. Checked through the real CLI and
``flake8 --select BE`` as processes.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.projects import findings_of, write_project

MODELS = """\
    from django.db import models
    from django.urls import reverse


    class Media(models.Model):
        friendly_token = models.CharField(max_length=12)
        invite_token = models.CharField(max_length=40)

        def get_absolute_url(self, api=False):
            if api:
                return reverse("api_get_media", kwargs={"friendly_token": self.friendly_token})
            return f"{reverse('get_media')}?m={self.friendly_token}"

        def invite_link(self):
            return reverse("accept_invite", kwargs={"invite_token": self.invite_token})
"""

VIEWS = """\
    from rest_framework import viewsets


    class SharedMediaViewSet(viewsets.ModelViewSet):
        lookup_field = "public_token"
"""

TASKS = """\
    import logging

    logger = logging.getLogger(__name__)


    def encode(friendly_token, media, public_token):
        logger.info("encoding media %s", friendly_token)
        logger.info("encoded media %s", media.friendly_token)
        logger.info("shared as %s", public_token)
        logger.info("invited with %s", media.invite_token)
"""

PROJECT = {
    "pyproject.toml": "[project]\nname = 'media'\n",
    "media/__init__.py": "",
    "media/models.py": MODELS,
    "media/views.py": VIEWS,
    "media/tasks.py": TASKS,
}


def test_url_address_fields_are_left_alone(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, PROJECT), "BE405")
    assert found == {(os.path.join("media", "tasks.py"), 10)}


SCRIPT = """\
    import argparse
    import logging

    logger = logging.getLogger(__name__)


    def report(password):
        logger.info("intercepted credential %s", password)


    if __name__ == "__main__":
        parser = argparse.ArgumentParser()
        parser.add_argument("--password")
        report(parser.parse_args().password)
"""

WORKER = """\
    import logging
    import os

    logger = logging.getLogger(__name__)


    def connect():
        logger.info("connecting with %s", os.environ["DB_PASSWORD"])
"""


def test_developer_tools_in_a_scripts_folder_are_left_alone(tmp_path: Path) -> None:
    """A program under ``scripts/`` logs to the terminal of whoever started it; the service's worker is flagged."""
    project = {
        "pyproject.toml": "[project]\nname = 'svc'\n",
        "svc/__init__.py": "",
        "svc/worker.py": WORKER,
        "scripts/ldap_proxy.py": SCRIPT,
    }
    found = findings_of(write_project(tmp_path, project), "BE405")
    assert found == {(os.path.join("svc", "worker.py"), 8)}
