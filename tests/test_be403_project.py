"""BE403 on a project: a ``try`` of a few calls into a library is left alone, one into the project is not.

The same shape (one call, the error logged with its message) is quiet when the call goes to a library
(``redis``) and reported when it goes to the project's own code: a function of a package of the project,
also a namespace package without ``__init__.py`` (Open WebUI's ``open_webui`` imported from
``open_webui/utils/groups.py``), or a sibling Django app (``core`` next to ``users``). Checked through the real
CLI and ``flake8 --select BE`` as processes.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.projects import findings_of, write_project

CALLS = """\
    import logging

    import redis
    {imported}

    logger = logging.getLogger(__name__)
    cache = redis.Redis()


    def remember(user_id):
        try:
            cache.sadd("visits", user_id)
        except Exception as exc:
            logger.error("could not remember %s: %s", user_id, exc)


    def assign(user_id):
        try:
            {call}
        except Exception as exc:
            logger.error("could not assign %s: %s", user_id, exc)
"""

PROJECT = {
    "pyproject.toml": "[project]\nname = 'webapp'\n",
    "webapp/models/groups.py": "class GroupTable:\n    def add(self, user_id):\n        return user_id\n\n\nGroups = GroupTable()\n",
    "webapp/utils/groups.py": CALLS.format(imported="from webapp.models.groups import Groups",
                                           call="Groups.add(user_id)"),
    "site/core/__init__.py": "",
    "site/core/redis_helpers.py": "def add_to_set(name, value):\n    return name, value\n",
    "site/users/__init__.py": "",
    "site/users/activity.py": CALLS.format(imported="from core.redis_helpers import add_to_set",
                                           call='add_to_set("group", user_id)'),
}


def test_library_calls_are_left_alone_and_project_calls_reported(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, PROJECT), "BE403")
    assert found == {
        (os.path.join("webapp", "utils", "groups.py"), 21),
        (os.path.join("site", "users", "activity.py"), 21),
    }


NAMESAKE = {
    "pyproject.toml": "[project]\nname = 'nvr'\n",
    "nvr/__init__.py": "",
    "nvr/ptz/__init__.py": "",
    "nvr/ptz/onvif.py": CALLS.format(imported="from onvif import ONVIFCamera",
                                     call="camera = ONVIFCamera(user_id, 80)"),
    "nvr/ptz/autotrack.py": CALLS.format(imported="from onvif import track",
                                         call="track(user_id)"),
}


def test_a_library_named_like_the_module_importing_it_is_a_library(tmp_path: Path) -> None:
    """``from onvif import ONVIFCamera`` in ``nvr/ptz/onvif.py`` is the installed ``onvif``: a module never imports
    itself. The sibling ``nvr/ptz/autotrack.py`` importing ``onvif`` may mean the project's module next to it, and
    stays reported."""
    found = findings_of(write_project(tmp_path, NAMESAKE), "BE403")
    assert found == {(os.path.join("nvr", "ptz", "autotrack.py"), 21)}


NAMESPACE_ROOT = {
    "ckanext/tracking/__init__.py": "",
    "ckanext/tracking/model.py": "class GroupTable:\n    def add(self, user_id):\n        return user_id\n\n\nGroups = GroupTable()\n",
    "ckanext/tracking/middleware.py": CALLS.format(imported="from ckanext.tracking.model import Groups",
                                                   call="Groups.add(user_id)"),
}


def test_a_namespace_folder_that_is_the_project_root_is_the_project(tmp_path: Path) -> None:
    """With no marker above it, the root of ``ckanext/tracking/`` is the namespace folder ``ckanext/`` itself (ckan's
    plugins): ``from ckanext.tracking.model import ...`` is the project's code, so the ``try`` around it is reported."""
    found = findings_of(write_project(tmp_path, NAMESPACE_ROOT), "BE403")
    assert found == {(os.path.join("ckanext", "tracking", "middleware.py"), 21)}


WRAPPED = """\
    import logging

    from webapp.tokens import {name}

    logger = logging.getLogger(__name__)


    def next_url(token):
        try:
            data = {name}(token)
        except Exception as error:
            logger.critical("could not decode %s: %s", token, error)
            return "/"
        return data["next"]
"""

TOKENS = """\
    import jwt

    SECRET = "s"


    def decode_token(token):
        \"\"\"Decodes a signed token.\"\"\"
        return jwt.decode(token, SECRET, algorithms=["HS256"])


    def load_token(token):
        data = jwt.decode(token, SECRET, algorithms=["HS256"])
        return remember(data)


    def remember(data):
        return data
"""


def test_a_project_wrapper_of_one_library_call_counts_as_that_call(tmp_path: Path) -> None:
    """askbot's ``decode_jwt`` is ``return jwt.decode(...)``: a ``try`` of it alone meets PyJWT's error only, which
    the log line carries. A helper that also runs project code is the project's and stays reported."""
    found = findings_of(write_project(tmp_path, {
        "pyproject.toml": "[project]\nname = 'webapp'\n",
        "webapp/__init__.py": "",
        "webapp/tokens.py": TOKENS,
        "webapp/decoded.py": WRAPPED.format(name="decode_token"),
        "webapp/loaded.py": WRAPPED.format(name="load_token"),
    }), "BE403")
    assert found == {(os.path.join("webapp", "loaded.py"), 12)}
