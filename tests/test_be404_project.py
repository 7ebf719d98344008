"""BE404 on a project: an entry module that calls, at import, a project function configuring the root logger
(``configure_logging()`` that runs ``logging.config.dictConfig``, r2r's ``app_entry``) owns the root logger as a
``basicConfig`` caller does; a module that only imports the function, or calls one that configures nothing, is
still reported. Through the real CLI and ``flake8 --select BE`` as processes.
"""

from __future__ import annotations

from pathlib import Path

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
}


def test_entry_module_that_configures_the_root_logger_through_a_project_function(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, PROJECT), "BE404")
    assert ("app/entry.py", 6) not in found
    assert ("app/other.py", 6) in found
