"""BE404 on a project: an entry module that calls, at import, a project function configuring the root logger
(``configure_logging()`` that runs ``logging.config.dictConfig``, r2r's ``app_entry``) owns the root logger as a
``basicConfig`` caller does; a module that only imports the function, or calls one that configures nothing, is
still reported. Through the real CLI and ``flake8 --select BE`` as processes.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.processes import cached_findings
from tests.projects import findings_of, write_project

PROJECT = {
    "pyproject.toml": '[project]\nname = "app"\n',
    "app/__init__.py": "",
    "app/logging_setup.py": '''\
        import logging.config


        def configure_logging():
            logging.config.dictConfig({"version": 1, "root": {"level": "INFO"}})
            return "app.log"


        def log_level():
            return "INFO"
    ''',
    "app/entry.py": '''\
        import logging

        from app.logging_setup import configure_logging

        log_file = configure_logging()
        logging.info("starting")
    ''',
    "app/other.py": '''\
        import logging

        from app.logging_setup import configure_logging, log_level

        level = log_level()
        logging.info("starting")
    ''',
    # a module logger elsewhere: the project does not log through the root logger by design
    "app/service.py": "import logging\n\nlogger = logging.getLogger(__name__)\n",
}


def test_entry_module_that_configures_the_root_logger_through_a_project_function(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, PROJECT), "BE404")
    assert ("app/entry.py", 6) not in found
    assert ("app/other.py", 6) in found


def _root_logging_project(configure: str, module_logger: str) -> dict[str, str]:
    """A service module logging through the root logger (line 5), and the project's own logging set-up."""
    return {
        "pyproject.toml": '[project]\nname = "nms"\n',
        "nms/__init__.py": "",
        "nms/database.py": textwrap.dedent('''\
            import logging


            def fetch(model_id):
                logging.info("fetching %s", model_id)
        '''),
        "nms/environment.py": configure,
        "nms/other.py": module_logger,
    }


JSON_CONFIG = ('import json\nfrom logging.config import dictConfig\n\n\ndef init_logs(path):\n'
               '    with open(path) as fh:\n        dictConfig(json.load(fh))\n')


@pytest.mark.parametrize(("configure", "module_logger", "reported"), [
    # eNMS: a dictConfig of its logging.json, no module logger anywhere: the root logger is its log
    (JSON_CONFIG, "import logging\n\nlogging.getLogger('werkzeug').setLevel(logging.ERROR)\n", False),
    # reana-server: a library's logger bound to a local that is only tuned is not a logger of the project's
    (JSON_CONFIG, "import logging\n\n\ndef init():\n    werkzeug_logger = logging.getLogger('werkzeug')\n"
                  "    werkzeug_logger.propagate = False\n", False),
    # the same local logged through: a logger the project writes to
    (JSON_CONFIG, "import logging\n\n\ndef init():\n    werkzeug_logger = logging.getLogger('werkzeug')\n"
                  "    werkzeug_logger.propagate = False\n    werkzeug_logger.info('up')\n", True),
    # a logger named for the project's own package, only tuned here: still the project's
    (JSON_CONFIG, "import logging\n\nlog = logging.getLogger('nms.jobs')\nlog.setLevel(logging.INFO)\n", True),
    # podop: the package's run_server calls basicConfig with its verbosity
    ("import logging\n\n\ndef run_server(verbosity):\n    logging.basicConfig(level=verbosity)\n", "", False),
    # one module logger elsewhere: per-module levels exist, the root call bypasses them
    (JSON_CONFIG, "import logging\n\nlogger = logging.getLogger(__name__)\n", True),
    (JSON_CONFIG, "from nms.log import get_logger\n\nlogger = get_logger(__file__)\n", True),
    (JSON_CONFIG, "import logging\n\nlogger = logging.getLogger('nms.other')\n", True),
    # a project's logger factory (Indico's Logger.get)
    (JSON_CONFIG, "from nms.core.logger import Logger\n\nlogger = Logger.get('events')\n", True),
    # the Flask application's own logger, tuned apart (pdnsadmin gives it gunicorn's handlers)
    (JSON_CONFIG, "from flask import current_app\n\n\ndef ping():\n    current_app.logger.info('ping')\n", True),
    # nobody configures logging: still reported
    ("", "", True),
])
def test_root_logger_convention(tmp_path: Path, configure: str, module_logger: str, reported: bool) -> None:
    found = findings_of(write_project(tmp_path, _root_logging_project(configure, module_logger)), "BE404")
    assert (("nms/database.py", 5) in found) == reported


def test_an_alembic_env_configuring_its_own_run_is_no_root_logger_convention(tmp_path: Path) -> None:
    """superagi: Alembic's ``migrations/env.py`` calls ``fileConfig`` for the migration command's own run; it says
    nothing of how the service logs, so the root call in the service stays reported. The same call in a module of
    the service is the convention."""
    env = "from logging.config import fileConfig\n\nfileConfig('alembic.ini')\n"
    files = _root_logging_project("", "")
    assert ("nms/database.py", 5) in findings_of(write_project(tmp_path / "a", {**files, "migrations/env.py": env}), "BE404")
    assert ("nms/database.py", 5) not in findings_of(write_project(tmp_path / "b", {**files, "nms/setup_logs.py": env}),
                                                     "BE404")


LOCATED = "'%(pathname)s TIME: %(asctime)s MSG: %(filename)s:%(funcName)s:%(lineno)d %(message)s'"
"""askbot's root format: every record names its source file."""
OWN_LOGGER = "import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef fetch(model_id):\n" \
             "    logging.info('fetching %s', model_id)\n"
"""A module with a logger of its own that logs one line through the root logger (line 7): a slip."""


@pytest.mark.parametrize(("files", "reported"), [
    # IRIS: the package configures the root logger with a module constant naming %(module)s
    ({"nms/environment.py": f"import logging as logger\n\nLOG_FORMAT = {LOCATED}\n"
                            "logger.basicConfig(level=logger.INFO, format=LOG_FORMAT)\n"}, False),
    # askbot: the settings template its set-up command writes for each site (template tags are no Python)
    ({"nms/setup_templates/settings.py.jinja2": "import logging\nlogging.basicConfig(\n{%- if log %}\n"
                                                f"    filename='{{{{ log }}}}',\n{{%- endif %}}\n    format={LOCATED},\n)\n"},
     False),
    # moonraker: its log manager hangs its own handlers on the root logger, with a format naming the source file
    ({"nms/loghelper.py": "import logging\n\n\ndef setup(handler):\n    root_logger = logging.getLogger()\n"
                         "    handler.setFormatter(logging.Formatter('[%(filename)s:%(funcName)s()] - %(message)s'))\n"
                         "    root_logger.addHandler(handler)\n"}, False),
    # handlers on the root logger whose format names no source file
    ({"nms/loghelper.py": "import logging\n\n\ndef setup(handler):\n    root_logger = logging.getLogger()\n"
                         "    handler.setFormatter(logging.Formatter('%(levelname)s %(message)s'))\n"
                         "    root_logger.addHandler(handler)\n"}, True),
    # a format that names no source file: the record only says "root"
    ({"nms/environment.py": "import logging\n\nlogging.basicConfig(format='%(levelname)s %(message)s')\n"}, True),
    # only a test's settings set the format: not how the service logs
    ({"tests/settings.py": f"import logging\n\nlogging.basicConfig(format={LOCATED})\n"}, True),
])
def test_a_located_root_format_is_the_projects_set_up(tmp_path: Path, files: dict[str, str], reported: bool) -> None:
    """A module with no logger of its own logging through the root logger, in a project whose root format writes
    each record's source file (askbot, IRIS), follows the project's set-up: the record says which module wrote it.
    A module logger elsewhere does not change that; a module that has its own logger and uses the root one has
    slipped, and is still reported."""
    project = {**_root_logging_project("", "import logging\n\nlogger = logging.getLogger(__name__)\n"), **files,
               "nms/slip.py": OWN_LOGGER}
    found = findings_of(write_project(tmp_path, project), "BE404")
    assert (("nms/database.py", 5) in found) == reported
    assert ("nms/slip.py", 7) in found


@pytest.mark.parametrize(("entry", "reported"), [
    ("from services.fetch import run\nfrom utils import set_logger\n\nset_logger()\nrun()\n", False),
    # nothing beside the packages imports them by their top-level name: no program of its own
    ("print('collector')\n", True),
])
def test_a_program_folder_inside_a_package_is_one_project(tmp_path: Path, entry: str, reported: bool) -> None:
    """wazuh's Azure wodle: ``wodles/azure/`` (no ``__init__.py``, inside the ``wodles`` package) holds the program
    ``azure-logs.py``, which imports its packages by their top-level names (``from azure_services.graph import
    ...``) and calls ``set_logger`` of ``azure_utils.py`` beside it, a ``basicConfig``; no module makes a logger of
    its own. The folder is on ``sys.path``: one program, whose root logger is its log by design."""
    files = {
        "wodles/__init__.py": "",
        "wodles/collector/collector.py": entry,
        "wodles/collector/utils.py": "import logging\n\n\ndef set_logger():\n    logging.basicConfig(level=logging.INFO)\n",
        "wodles/collector/services/__init__.py": "",
        "wodles/collector/services/fetch.py": "import logging\n\n\ndef run():\n    logging.info('fetching')\n",
    }
    found = findings_of(write_project(tmp_path, files), "BE404")
    assert (("wodles/collector/services/fetch.py", 5) in found) == reported


@pytest.mark.parametrize(("program_files", "program_logger", "reported"), [
    # mem0's server/: its own requirements and Dockerfile; it configures the root logger, names no logger
    ({"server/requirements.txt": "fastapi\nnms\n", "server/Dockerfile": "FROM python:3.12\n"}, "", False),
    ({"server/Dockerfile": "FROM python:3.12\n"}, "", False),
    # the program names a logger of its own: the root call bypasses it
    ({"server/requirements.txt": "fastapi\n"}, "import logging\n\nlogger = logging.getLogger(__name__)\n", True),
    # a folder of the project without deployment files of its own: the library's loggers count
    ({}, "", True),
])
def test_a_program_deployed_on_its_own_decides_its_root_logger(
        tmp_path: Path, program_files: dict[str, str], program_logger: str, reported: bool) -> None:
    """mem0: the library (``mem0/``) names its module loggers; ``server/`` beside it is a service deployed on its
    own (its requirements install the library from the package index, its Dockerfile runs ``uvicorn main:app``)
    whose ``main.py`` calls ``basicConfig`` with a format naming no logger, and no module of it makes a logger: its
    modules log through the root logger by design. A library module's root call stays reported."""
    files = {
        "pyproject.toml": '[project]\nname = "nms"\n',
        "nms/__init__.py": "",
        "nms/store.py": "import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef save():\n"
                        "    logging.error('failed')\n",
        "server/main.py": "import logging\n\nimport state\n\nlogging.basicConfig(level=logging.INFO,"
                          " format='%(asctime)s - %(levelname)s - %(message)s')\n",
        "server/state.py": "import logging\n\n\ndef persist():\n    logging.warning('not saved', exc_info=True)\n",
        "server/helpers.py": program_logger,
        **program_files,
    }
    found = findings_of(write_project(tmp_path, files), "BE404")
    assert (("server/state.py", 5) in found) == reported
    assert ("nms/store.py", 7) in found


def test_a_program_folder_gaining_its_own_requirements_is_checked_again_with_the_cache(tmp_path: Path) -> None:
    """A ``requirements.txt`` appearing in ``server/`` changes no byte of its modules, yet makes it a program of its
    own (its root logger its convention): a warm run with the cache (``check`` and flake8 alike) reports what a run
    without it reports, before and after."""
    files = {
        "pyproject.toml": '[project]\nname = "nms"\n',
        "nms/__init__.py": "",
        "nms/store.py": "import logging\n\nlogger = logging.getLogger(__name__)\n",
        "server/main.py": "import logging\n\nimport state\n\nlogging.basicConfig(level=logging.INFO)\n",
        "server/state.py": "import logging\n\n\ndef persist():\n    logging.warning('not saved', exc_info=True)\n",
    }
    root = write_project(tmp_path, files)

    before = cached_findings(root, "BE404")
    assert ("server/state.py", 5) in before and before == findings_of(root, "BE404")
    (root / "server" / "requirements.txt").write_text("fastapi\nnms\n", encoding="utf-8")
    assert cached_findings(root, "BE404") == findings_of(root, "BE404") == set()
    (root / "server" / "requirements.txt").unlink()
    assert cached_findings(root, "BE404") == before
