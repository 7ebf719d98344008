"""Module roles: tests, test support, migrations and examples, from the path and the module's own statements."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from backend_lint.analysis.module_roles import ModuleRoles, roles_of, runs_as_data_migration

DJANGO_MIGRATION = """
from django.db import migrations

class Migration(migrations.Migration):
    dependencies = []
"""
ALEMBIC_REVISION = """
from alembic import op

revision = "3307381f3b88"
down_revision = "2a1b"

def upgrade():
    op.execute("UPDATE t SET x = 1")
"""


def roles(path: str, code: str = "") -> ModuleRoles:
    return roles_of(path, ast.parse(textwrap.dedent(code)))


@pytest.mark.parametrize(
    ("path", "code"),
    [
        pytest.param("shop/orders/migrations/0002_backfill.py", "", id="django-migrations-folder"),
        pytest.param("app/alembic/versions/3307381f3b88_.py", "", id="alembic-folder"),
        pytest.param("prefect/server/database/_migrations/versions/x.py", "", id="private-migrations-folder"),
        pytest.param("lnbits/core/migrations.py", "", id="migrations-module"),
        pytest.param("label_studio/core/migration_helpers.py", "", id="migration-helpers-module"),
        pytest.param("ckan/migration/versions/001_create.py", ALEMBIC_REVISION, id="alembic-revision-anywhere"),
        pytest.param("app/schema/0003_auto.py", DJANGO_MIGRATION, id="django-migration-class-anywhere"),
    ],
)
def test_migrations(path: str, code: str) -> None:
    found = roles(path, code)
    assert found.migration
    assert not found.for_tests


@pytest.mark.parametrize(
    ("path", "code"),
    [
        pytest.param("prefect/_internal/compatibility/migration.py", "", id="api-compat-module"),
        pytest.param("app/services/migrate_users.py", "", id="service-named-migrate"),
        pytest.param("app/db.py", "from alembic import op\n", id="alembic-import-without-revision"),
        pytest.param("app/models.py", "from django.db import models\nclass Migration(models.Model): pass\n",
                     id="model-named-migration"),
    ],
)
def test_not_migrations(path: str, code: str) -> None:
    assert not roles(path, code).migration


@pytest.mark.parametrize(
    ("path", "code"),
    [
        pytest.param("pulpcore/pytest_plugin.py", "", id="pytest-plugin-module"),
        pytest.param("app/testutils/settings.py", "DEBUG = True\n", id="testutils-folder"),
        pytest.param("nautobot/dcim/factory.py", "import factory\n", id="factory-boy"),
        pytest.param("app/fixtures.py", "import pytest\n", id="imports-pytest"),
        pytest.param("nautobot/ipam/utils/testing.py", "", id="testing-module"),
        pytest.param("sqlalchemy/dialects/oracle/provision.py", "from ...testing.provision import create_db\n",
                     id="test-database-provisioning"),
        pytest.param("profiles/community/github_mock/flaskapp.py", "from flask import Flask\napp = Flask(__name__)\n",
                     id="mock-server-package"),
        pytest.param("copr/mocks/frontend/app.py", "import flask\n", id="mocks-folder"),
        pytest.param("liteapi/mock_virus_scan/views.py", "", id="mock-prefixed-package"),
        pytest.param("app/oauth/fakes/service.py", "", id="fakes-folder"),
        pytest.param("docker/mockservices/main.py", "from fastapi import FastAPI\n", id="mock-services-folder"),
        pytest.param("dev/fake_api/app.py", "", id="fake-api-folder"),
        pytest.param("dev/api-stubs/app.py", "", id="api-stubs-folder"),
        pytest.param("dev/mockserver/app.py", "", id="mock-server-folder"),
        pytest.param("profiles/dab/make_test_data.py", "import requests\n", id="makes-test-data"),
        pytest.param("scripts/testdata.py", "", id="testdata-script"),
    ],
)
def test_test_support(path: str, code: str) -> None:
    found = roles(path, code)
    assert found.test_support and found.for_tests
    assert not found.test


@pytest.mark.parametrize(
    ("path", "code"),
    [
        pytest.param("django/contrib/gis/geos/__init__.py", "from .factory import fromfile\n",
                     id="relative-module-named-factory"),
        pytest.param("app/factory.py", "from flask import Flask\n", id="flask-app-factory"),
        pytest.param("prefect/settings/models/root.py", "from .testing import TestingSettings\n@cache\ndef f(): pass\n",
                     id="settings-for-testing-mode"),
        pytest.param("app/provision.py", "from .cloud import create_bucket\n", id="provisioning-not-for-tests"),
        pytest.param("app/reports/latest_data.py", "", id="name-ending-in-test-data-letters"),
        pytest.param("app/mockingbird/views.py", "", id="folder-starting-with-mock"),
        pytest.param("app/scheduling/mock_up.py", "", id="module-named-mock-not-a-folder"),
        pytest.param("onyx/tools/fake_tools/research_agent.py", "", id="fake-tools-run-in-production"),
        pytest.param("app/services/api/views.py", "", id="service-words-without-a-mock-word"),
        pytest.param("app/serverless/views.py", "", id="server-word-run-on"),
    ],
)
def test_not_test_support(path: str, code: str) -> None:
    assert not roles(path, code).for_tests


def test_tests_and_examples() -> None:
    assert roles("app/tests/test_orders.py").test
    assert roles("conftest.py").for_tests
    assert roles("airflow/example_dags/tutorial.py").example
    assert roles("ckanext/example_iauthfunctions/plugin.py").example
    assert roles("bakerydemo/urls.py").example and roles("demo/app.py").example  # Wagtail's demo site
    assert not roles("democracy/urls.py").example and not roles("app/demographics.py").example
    service = roles("app/orders/api.py", "import requests\n")
    assert service == ModuleRoles()
    assert not service.for_tests


def test_vendored() -> None:
    assert roles("archivebox/vendor/pocket.py").vendored
    assert roles("pip/_vendor/requests/api.py").vendored and roles("app/Vendored/lib.py").vendored
    assert not roles("shop/vendors/views.py").vendored  # a marketplace's vendors are the project's own code
    assert not roles("vendor.py").vendored and not roles("app/vendor_api.py").vendored
    assert roles("osv/third_party/univers/debian.py").vendored  # a library's package copied under third_party/
    assert not roles("cl/settings/third_party/rest_framework.py").vendored  # the project's settings for one


def test_test_project_folder() -> None:
    assert roles("testproject/testproject/settings.py").test and roles("test_project/urls.py").test
    assert not roles("project/settings.py").test


def test_data_migration_signature() -> None:
    module = ast.parse("def forwards(apps, schema_editor): pass\ndef handler(request, pk): pass\n")
    forwards, handler = module.body
    assert isinstance(forwards, ast.FunctionDef) and isinstance(handler, ast.FunctionDef)
    assert runs_as_data_migration(forwards)
    assert not runs_as_data_migration(handler)


def test_numbered_steps_by_folder(tmp_path: Path) -> None:
    """A numbered script among several numbered ones in its folder is a migration step; the folder's shape
    decides, not its name."""
    steps = tmp_path / "batch" / "sql"
    steps.mkdir(parents=True)
    for name in ("000-initial.sql", "055-add_resource_ids.py", "093_dedup_users.py", "helpers.py"):
        (steps / name).write_text("")
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    for name in ("01_setup.py", "02_seed.py", "03_start.py", "100-one.py"):
        (scripts / name).write_text("")
    tree = ast.parse("")
    assert roles_of("batch/sql/055-add_resource_ids.py", tree, str(steps / "055-add_resource_ids.py")).migration
    assert roles_of("batch/sql/093_dedup_users.py", tree, str(steps / "093_dedup_users.py")).migration
    assert not roles_of("batch/sql/helpers.py", tree, str(steps / "helpers.py")).migration  # not numbered
    assert not roles_of("scripts/01_setup.py", tree, str(scripts / "01_setup.py")).migration  # two-digit steps
    assert not roles_of("scripts/100-one.py", tree, str(scripts / "100-one.py")).migration  # one alone
    assert not roles_of("batch/sql/055-add_resource_ids.py", tree).migration  # not on disk: nothing to list
