"""User path patterns (``per-file-ignores``, ``exclude``, BE504's development settings): a glob matches the
whole project path or any tail of it that starts after a ``/``; plain names and folders match as documented."""

from __future__ import annotations

import pytest

from backend_lint.analysis.paths import is_test_path, matches_path_pattern
from backend_lint.analysis.settings import DEVELOPMENT, PRODUCTION, module_kind


@pytest.mark.parametrize(("path", "pattern", "expected"), [
    ("app/migrations/0001_initial.py", "*/migrations/*.py", True),
    ("migrations/0001_initial.py", "*/migrations/*.py", False),  # no folder before it
    ("shop/settings/local.py", "settings/local*.py", True),
    ("shop/settings/local/extra.py", "settings/local*.py", True),  # ``*`` crosses folders, as fnmatch does
    ("shop/mysettings/local.py", "settings/local*.py", False),  # a tail starts after a ``/``
    ("shop/settings_local.py", "*settings_local.py", True),
    ("a/b/x_pb2.py", "*_pb2.py", True),
    ("a/b/xy.py", "[ab]/x?.py", True),
    ("a/c/xy.py", "[ab]/x?.py", False),
    ("./tests/a.py", "tests/*", True),
    ("a\\settings\\dev1.py", "settings/dev*.py", True),  # Windows separators
    ("shop/views.py", "manage.py", False),
    ("shop/manage.py", "manage.py", True),
    ("misago/devproject/urls.py", "devproject/", True),
])
def test_path_patterns(path: str, pattern: str, expected: bool) -> None:
    assert matches_path_pattern(path, pattern) is expected


def test_development_settings_are_told_from_production_by_path() -> None:
    assert module_kind("shop/settings/dev.py") == DEVELOPMENT
    assert module_kind("shop/local_settings.py") == DEVELOPMENT
    assert module_kind("shop/settings/production.py") == PRODUCTION


@pytest.mark.parametrize(("path", "expected"), [
    ("unittests/scans/devskim/crypto.py", True),  # DefectDojo's test folder and scan-parser samples
    ("app/unit_tests/test_x.py", True),
    ("temba/utils/models/tests.py", True),  # a Django app's tests module, as startapp makes it
    ("integration_tests/assets/mocks/sysconfd.py", True),  # a mock server only the test compose file starts
    ("e2e/settings.py", True),  # an end-to-end suite's settings (aleph's)
    ("src/moin/_tests/ldap_testbase.py", True),  # a package's private test package and its support (moin's)
    ("app/__tests__/helpers.py", True),
    ("app/_testing_tools.py", False),
    ("app/unittest_helpers.py", False),
    ("app/views.py", False),
])
def test_test_folders(path: str, expected: bool) -> None:
    assert is_test_path(path) is expected
