"""The settings model (``analysis/settings.py``): one answer to "is this a settings module, of which kind, and
what does it set", shared by BE501, BE504 and BE505."""

from __future__ import annotations

import ast
import textwrap

import pytest

from backend_lint.analysis.settings import (
    DEVELOPMENT,
    PRODUCTION,
    TEST,
    is_settings_path,
    module_kind,
    settings_module,
)
from backend_lint.context import FileContext
from tests.snippets import found


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("shop/settings.py", PRODUCTION),
        ("config/settings/production.py", PRODUCTION),
        ("config/settings/base.py", PRODUCTION),
        ("config/settings/local.py", DEVELOPMENT),
        ("config/settings/dev_docker.py", DEVELOPMENT),
        ("config/settings/ci.py", TEST),  # what the CI runs the test suite with (wger)
        ("shop/ci_settings.py", TEST),
        ("shop/ci.py", PRODUCTION),  # not a settings module
        ("onadata/settings/debug_toolbar_settings.py", DEVELOPMENT),
        ("shop/settings/debug.py", DEVELOPMENT),
        ("onadata/settings/staging_example.py", DEVELOPMENT),  # one environment's example, copied and edited
        ("shop/settings.example.py", PRODUCTION),  # names no environment
        ("cla_backend/settings/.example.local.py", DEVELOPMENT),
        ("shop/settings/local.sample.py", DEVELOPMENT),
        ("shop/settings/example.py", PRODUCTION),
        ("shop/local_settings.py", DEVELOPMENT),
        ("shop/test_settings.py", TEST),
        ("shop/settings_test.py", TEST),
        ("config/settings/testing.py", TEST),
        ("tests/settings.py", TEST),
        ("src/openforms/conf/ci.py", TEST),  # Maykin's settings package: the CI's test settings
        ("src/openforms/conf/dev.py", DEVELOPMENT),
        ("src/openforms/conf/docker.py", PRODUCTION),  # what the image runs
        ("src/openforms/conf/production.py", PRODUCTION),
        ("src/openforms/conf/base.py", PRODUCTION),
        ("mlarchive/settings/docker-development.py", DEVELOPMENT),  # a developer's compose stack
        ("shop/settings/production_local.py", PRODUCTION),  # a deployment's word wins
        ("shop/config/dev.py", PRODUCTION),  # not a settings package (PowerDNS-Admin copies its config/ to production)
    ],
)
def test_module_kind_from_one_pattern_list(path: str, kind: str) -> None:
    assert module_kind(path) == kind


def test_settings_paths() -> None:
    assert [is_settings_path(path) for path in ("shop/settings.py", "shop/prod_settings.py",
                                                "config/settings/base.py", "shop/views.py", "shop/setting.py")] == [
        True, True, True, False, False,
    ]


def test_values_are_module_level_upper_case_assignments_outside_conditions() -> None:
    source = textwrap.dedent(
        """
        DEBUG = False
        ALLOWED_HOSTS: list = ["shop.example"]
        secret = "not a setting"
        if env("DEV"):
            DEBUG = True
        DEBUG = env.bool("DEBUG")
        """
    )
    ctx = FileContext(ast.parse(source), source, "shop/settings.py", "shop/settings.py")
    model = settings_module(ctx)
    assert (model.is_settings, model.kind) == (True, PRODUCTION)
    assert sorted(model.values) == ["ALLOWED_HOSTS", "DEBUG"]
    assert [setting.statement.lineno for setting in model.values["DEBUG"]] == [2, 7]
    assert ast.unparse(model.value("DEBUG")) == "env.bool('DEBUG')"  # type: ignore[arg-type]


def test_what_a_module_extending_its_base_replaces() -> None:
    """After its last star import, names given a value read at run time or a false one; not a truthy literal,
    nor what a star import below may put back."""
    source = textwrap.dedent(
        """
        import os
        EMAIL_HOST = os.environ["EMAIL_HOST"]
        from .base import *
        SECRET_KEY = os.environ["SECRET_KEY"]
        DEBUG = False
        API_TOKEN = "a-literal-of-its-own"
        CACHE_TIMEOUT = 0
        """
    )
    ctx = FileContext(ast.parse(source), source, "shop/settings/production.py", "shop/settings/production.py")
    assert settings_module(ctx).replacing() == ["CACHE_TIMEOUT", "DEBUG", "SECRET_KEY"]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("shop/settings.py", [(2, "BE504"), (3, "BE505"), (5, "BE501")]),
        ("shop/settings/local.py", [(3, "BE505"), (5, "BE501")]),
        ("shop/settings/testing.py", []),
        ("src/openforms/conf/dev.py", [(3, "BE505"), (5, "BE501")]),  # Maykin's settings package, as settings/
        ("src/openforms/conf/ci.py", []),
        ("src/openforms/conf/docker.py", [(3, "BE505"), (5, "BE501")]),  # production (BE504: settings-named only)
    ],
)
def test_rules_agree_on_the_kind_of_settings_module(path: str, expected: list[tuple[int, str]]) -> None:
    code = """
        DEBUG = True
        CORS_ALLOW_ALL_ORIGINS = True
        CORS_ALLOW_CREDENTIALS = True
        PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        """
    assert found(code, ("BE501", "BE504", "BE505"), path) == expected
