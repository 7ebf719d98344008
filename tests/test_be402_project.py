"""BE402 on whole projects through the real CLI and ``flake8 --select BE``: a project whose ruff configuration
selects the rest of the logging-format family code by code and leaves ``G004`` out (DefectDojo's
``"G001", "G002", "G01", "G1", "G2"``) has chosen f-string log messages: they are left alone, while the ``%``
it did select is still reported. A project that selects ``G004`` alone takes no stand on the rest, and the file
checked alone (no project files read) keeps every finding."""

from __future__ import annotations

from pathlib import Path

from tests.processes import check_json, run_cli
from tests.projects import findings_of, write_project

NOTIFY = """\
    import logging

    logger = logging.getLogger(__name__)


    def notify(user, alert):
        logger.debug(f"notifying {user} of {alert}")
        logger.info("sent to %s" % user)
"""

CHOSEN = {
    "pyproject.toml": '[project]\nname = "dojo"\nversion = "1"\n',
    "ruff.toml": '[lint]\nselect = ["E", "F", "LOG", "G001", "G002", "G01", "G1", "G2"]\n',
    "dojo/__init__.py": "",
    "dojo/notify.py": NOTIFY,
}

ONE_CODE = {
    "pyproject.toml": '[project]\nname = "dojo"\nversion = "1"\n\n[tool.ruff.lint]\nselect = ["E", "G004"]\n',
    "dojo/__init__.py": "",
    "dojo/notify.py": NOTIFY,
}


def test_a_logging_style_the_ruff_configuration_leaves_out(tmp_path: Path) -> None:
    root = write_project(tmp_path, CHOSEN)
    assert findings_of(root, "BE402") == {("dojo/notify.py", 8)}  # the %: G002 is selected
    result = run_cli("check", "--select", "BE402", "--no-cache", "--stdin-filename", "dojo/notify.py", "-",
                     cwd=root, stdin=(root / "dojo/notify.py").read_bytes())
    assert result.stdout.decode().count("BE402") == 2, result.stdout.decode()  # alone: no configuration read


def test_one_selected_code_takes_no_stand_on_the_others(tmp_path: Path) -> None:
    root = write_project(tmp_path, ONE_CODE)
    assert findings_of(root, "BE402") == {("dojo/notify.py", 7), ("dojo/notify.py", 8)}


PYLINTRC = "[MASTER]\nignore=third_party\n\n[MESSAGES CONTROL]\ndisable=abstract-method,\n        logging-fstring-interpolation,\n        no-member\n"


def test_a_logging_style_the_pylint_configuration_disables(tmp_path: Path) -> None:
    """Turbinia's ``.pylintrc`` disables ``logging-fstring-interpolation``: its f-string messages are left alone,
    its ``%`` message (``logging-not-lazy`` still on) is reported."""
    root = write_project(tmp_path, {**ONE_CODE, ".pylintrc": PYLINTRC})
    assert findings_of(root, "BE402") == {("dojo/notify.py", 8)}


def test_pylint_disable_lists_in_pyproject_and_setup_cfg(tmp_path: Path) -> None:
    base = {"dojo/__init__.py": "", "dojo/notify.py": NOTIFY}
    in_pyproject = write_project(tmp_path / "a", {**base, "pyproject.toml": (
        '[project]\nname = "dojo"\nversion = "1"\n\n[tool.pylint."messages control"]\ndisable = ["W1203", "W1201"]\n')})
    assert findings_of(in_pyproject, "BE402") == set()
    in_setup_cfg = write_project(tmp_path / "b", {**base, "setup.cfg": (
        "[metadata]\nname = dojo\n\n[pylint.messages_control]\ndisable = logging-not-lazy\n")})
    assert findings_of(in_setup_cfg, "BE402") == {("dojo/notify.py", 7)}
    other_checks = write_project(tmp_path / "c", {**base, "pylintrc": "[MESSAGES CONTROL]\ndisable=logging-too-many-args\n"})
    assert findings_of(other_checks, "BE402") == {("dojo/notify.py", 7), ("dojo/notify.py", 8)}


def test_a_ruff_ignore_naming_the_code_without_selecting_the_family(tmp_path: Path) -> None:
    root = write_project(tmp_path, {**ONE_CODE, "pyproject.toml": (
        '[project]\nname = "dojo"\nversion = "1"\n\n[tool.ruff.lint]\nselect = ["E"]\nignore = ["G004"]\n')})
    assert findings_of(root, "BE402") == {("dojo/notify.py", 8)}


SERVICE = {
    "batch/pyproject.toml": '[project]\nname = "batch"\nversion = "1"\n',
    "batch/dojo/__init__.py": "",
    "batch/dojo/notify.py": NOTIFY,
}


def test_the_repository_rcfile_above_a_service_of_it(tmp_path: Path) -> None:
    """hail keeps one ``pylintrc`` at the repository's top for services that are projects of their own
    (``batch/``, ``ci/``): it is their pylint configuration. Outside a repository nothing above the root is
    read; a warm run sees the rcfile change."""
    repository = write_project(tmp_path / "repo", {**SERVICE, ".git/HEAD": "ref: refs/heads/main\n",
                                                   "pylintrc": PYLINTRC})
    assert findings_of(repository, "BE402") == {("batch/dojo/notify.py", 8)}
    loose = write_project(tmp_path / "loose", {**SERVICE, "pylintrc": PYLINTRC})
    assert findings_of(loose, "BE402") == {("batch/dojo/notify.py", 7), ("batch/dojo/notify.py", 8)}

    def warm() -> set[int]:
        return {item["line"] for item in check_json("--select", "BE402", ".", cwd=repository)}

    assert warm() == {8}
    (repository / "pylintrc").write_text("[MESSAGES CONTROL]\ndisable=no-member\n", encoding="utf-8")
    assert warm() == {7, 8}


def test_a_file_the_ruff_configuration_excludes(tmp_path: Path) -> None:
    """CAPEv2 keeps its vendored copy of dbus-next out of ruff (``exclude = ["./analyzer/linux/dbus_next"]``) while
    selecting the logging-format rules for its own code (judged FALSE, seed 135): the copy is left alone, the
    project's own module stays reported."""
    root = write_project(tmp_path, {
        "pyproject.toml": (
            '[project]\nname = "dojo"\nversion = "1"\n\n[tool.ruff]\nexclude = ["./dojo/vendor/dbus"]\n\n'
            '[tool.ruff.lint]\nselect = ["E", "G"]\n'
        ),
        "dojo/__init__.py": "",
        "dojo/notify.py": NOTIFY,
        "dojo/vendor/__init__.py": "",
        "dojo/vendor/dbus/__init__.py": "",
        "dojo/vendor/dbus/bus.py": NOTIFY,
    })
    assert findings_of(root, "BE402") == {("dojo/notify.py", 7), ("dojo/notify.py", 8)}
