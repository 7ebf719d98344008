"""BE103 on whole projects through the real CLI and ``flake8 --select BE``: a loop over every user in a function
that only the application's start-up hook calls (a FastAPI ``lifespan``, through a helper of another module)
runs once per process, not per request, and is left alone; the same loop in a function a route also calls is
still reported, and so is the file checked alone (it cannot tell who calls it)."""

from __future__ import annotations

from pathlib import Path

from tests.processes import run_cli
from tests.projects import findings_of, write_project

STARTUP = {
    "pyproject.toml": '[project]\nname = "hub"\nversion = "1"\n',
    "hub/__init__.py": "",
    "hub/models.py": """\
        from sqlmodel import Field, SQLModel


        class User(SQLModel, table=True):
            id: int = Field(primary_key=True)


        class Folder(SQLModel, table=True):
            id: int = Field(primary_key=True)
            user_id: int
    """,
    "hub/setup.py": """\
        from sqlmodel import select

        from hub.models import Folder, User


        async def configure_users(session):
            for user in (await session.exec(select(User))).all():
                (await session.exec(select(Folder).where(Folder.user_id == user.id))).all()


        async def audit_users(session):
            for user in (await session.exec(select(User))).all():
                (await session.exec(select(Folder).where(Folder.user_id == user.id))).all()
    """,
    "hub/servers.py": """\
        from hub.setup import audit_users, configure_users


        async def init_servers(session):
            await configure_users(session)
            await audit_users(session)
    """,
    "hub/main.py": """\
        from contextlib import asynccontextmanager

        from fastapi import FastAPI

        from hub.servers import init_servers
        from hub.setup import audit_users


        def get_lifespan():
            @asynccontextmanager
            async def lifespan(_app: FastAPI):
                async def delayed():
                    await init_servers(None)

                await delayed()
                yield

            return lifespan


        app = FastAPI(lifespan=get_lifespan())


        @app.get("/audit")
        async def audit():
            await audit_users(None)
            return {}
    """,
}


def test_a_loop_that_runs_only_at_start_up(tmp_path: Path) -> None:
    root = write_project(tmp_path, STARTUP)
    assert findings_of(root, "BE103") == {("hub/setup.py", 13)}  # audit_users: a route calls it too
    result = run_cli("check", "--select", "BE103", "--no-cache", "--stdin-filename", "hub/setup.py", "-",
                     cwd=root, stdin=(root / "hub/setup.py").read_bytes())
    assert result.stdout.decode().count("BE103") == 2, result.stdout.decode()  # alone: the file cannot tell


SEEDED = {
    "pyproject.toml": '[project]\nname = "archive"\nversion = "1"\n',
    "archive/__init__.py": "",
    "archive/settings.py": 'INSTALLED_APPS = ["archive"]\nROOT_URLCONF = "archive.urls"\n',
    "archive/models.py": """\
        from django.db import models


        class MetadataField(models.Model):
            name = models.CharField(max_length=80)


        class Term(models.Model):
            name = models.CharField(max_length=80)


        class FieldValue(models.Model):
            field = models.ForeignKey(MetadataField, on_delete=models.CASCADE)
            term = models.ForeignKey(Term, null=True, on_delete=models.CASCADE)
            value = models.TextField()
    """,
    "archive/migrations/__init__.py": "",
    "archive/migrations/0002_initial_data.py": """\
        from django.db import migrations


        def load(apps, schema_editor):
            MetadataField = apps.get_model("archive", "MetadataField")
            Term = apps.get_model("archive", "Term")
            MetadataField.objects.create(name="media")
            MetadataField.objects.create(name="fixity")
            Term.objects.bulk_create([Term(name="disk"), Term(name="tape")])


        class Migration(migrations.Migration):
            operations = [migrations.RunPython(load)]
    """,
    "archive/views.py": """\
        from django.http import JsonResponse

        from archive import models


        def fields(request):
            values = {}
            for field in models.MetadataField.objects.all():
                values[field.name] = models.FieldValue.objects.filter(field=field).first()
            return JsonResponse({"values": len(values)})


        def terms(request):
            if request.method == "POST":
                models.Term.objects.create(name=request.POST["name"])
            values = {}
            for term in models.Term.objects.all():
                values[term.name] = models.FieldValue.objects.filter(term=term).first()
            return JsonResponse({"values": len(values)})
    """,
    "archive/urls.py": """\
        from django.urls import path

        from archive import views

        urlpatterns = [path("fields/", views.fields), path("terms/", views.terms)]
    """,
}


def test_a_loop_over_a_table_only_a_data_migration_fills(tmp_path: Path) -> None:
    """The fields a data migration creates (``apps.get_model``) and nothing else makes are a bounded handful; the
    terms it seeds too, but a view adds more: that loop stays reported."""
    root = write_project(tmp_path, SEEDED)
    assert findings_of(root, "BE103") == {("archive/views.py", 18)}
