"""BE301 on a layered project: a duplicate refused in another module (a unique model, a service's check).

The handlers call services of other modules, and what those modules say decides: a model whose natural name is
unique, a command that checks uniqueness before creating. Each quiet handler stands next to a look-alike that the
project does not excuse (a model unique only by a key the server generates, a command without a check), through
the real CLI and ``flake8 --select BE`` as processes.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.projects import findings_of, write_project

PROJECT = {
    "pyproject.toml": "[tool.backend-lint.BE301]\nreport-plain-creates = true  # certificates and charts too\n",
    "certs/__init__.py": "",
    "certs/models.py": """\
        from sqlalchemy import Column, String

        from .db import Base


        class Authority(Base):
            name = Column(String(128), unique=True)


        class Ticket(Base):
            number = Column(String(32), unique=True, default="generated")


        class Certificate(Base):
            name = Column(String(256), unique=True)

            def __init__(self, **kwargs):
                self.name = make_unique_name(kwargs.get("common_name"))  # a server-made name: no key
    """,
    "certs/commands.py": """\
        from .dao import LayerDAO


        class CreateLayerCommand:
            def __init__(self, data):
                self.data = data

            def run(self):
                self.validate()
                return LayerDAO.create(self.data)

            def validate(self):
                if not LayerDAO.validate_uniqueness(self.data["name"]):
                    raise ValueError("name taken")


        class CreateChartCommand:
            def __init__(self, data):
                self.data = data

            def run(self):
                return ChartDAO.create(self.data)
    """,
    "certs/api.py": """\
        from fastapi import APIRouter

        from .commands import CreateChartCommand, CreateLayerCommand
        from .models import Authority, Certificate, Ticket, db

        router = APIRouter()


        @router.post("/authorities")
        def create_authority(data: dict):
            db.add(Authority(name=data["name"]))
            return {}


        @router.post("/tickets")
        def create_ticket(data: dict):
            db.add(Ticket(seat=data["seat"]))
            return {}


        @router.post("/certificates")
        def create_certificate(data: dict):
            db.add(Certificate(common_name=data["cn"]))
            return {}


        @router.post("/layers")
        def post(data: dict):
            return CreateLayerCommand(data).run()


        @router.post("/charts")
        def create(data: dict):
            return CreateChartCommand(data).run()
    """,
}


def test_duplicates_refused_in_other_modules_are_not_reported(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, PROJECT), "BE301")
    api = os.path.join("certs", "api.py")
    assert found == {
        (api, 16),  # Ticket: unique only by a generated number, a retry makes a second ticket
        (api, 22),  # Certificate: the model makes each name unique itself
        (api, 33),  # CreateChartCommand checks nothing
    }, "create_authority (unique name) and post (the command checks uniqueness) are quiet"


SHOP = {
    "shop/__init__.py": "",
    "shop/forms.py": """\
        from wtforms import Form, StringField, ValidationError

        from .models import Project


        class ProjectForm(Form):
            id = StringField("Project identifier")

            def validate_id(self, field):
                if Project.query.get(field.data):
                    message = "A project with this identifier already exists. Please choose a new identifier"
                    raise ValidationError(message)


        class NoteForm(Form):
            id = StringField("Note identifier")
    """,
    "shop/billing.py": """\
        from pydantic import BaseModel


        class SubscriptionResponse(BaseModel):
            ok: bool = True
            checkout_session_url: str | None = None


        class SubscriptionRecord(BaseModel):
            ok: bool = True
            subscription_id: str | None = None
    """,
    "shop/api.py": """\
        from fastapi import APIRouter
        from flask_restful import Resource

        from .billing import SubscriptionRecord, SubscriptionResponse
        from .emails import send_creation_email
        from .forms import NoteForm, ProjectForm
        from .providers import provider

        router = APIRouter()


        class ProjectsHandler(Resource):
            def post(self):
                form = ProjectForm(meta={"csrf": False})
                if form.validate():
                    project = form.save()
                    send_creation_email(project)
                    return project.id, 201
                return form.errors, 400


        class NotesHandler(Resource):
            def post(self):
                form = NoteForm(meta={"csrf": False})
                if form.validate():
                    note = form.save()
                    send_creation_email(note)
                    return note.id, 201
                return form.errors, 400


        @router.post("/{name}/subscription")
        async def create_subscription(name: str, plan: str) -> SubscriptionResponse:
            return await provider.create_subscription(plan)


        @router.post("/{name}/subscriptions")
        async def record_subscription(name: str, plan: str) -> SubscriptionRecord:
            return await provider.create_subscription(plan)
    """,
}


def test_refused_ids_and_checkout_links_are_not_reported(tmp_path: Path) -> None:
    """ihatemoney's form refuses a client-chosen id that exists (``validate_id`` raising a message saying "already
    exists", kept in a local name), so a retry neither creates nor mails; lnbits's subscription endpoint answers a
    model with a ``checkout_session_url``: it opens a checkout, no money moves. A form without the check and a
    subscription answered as a record stay reported."""
    found = findings_of(write_project(tmp_path, SHOP), "BE301")
    assert found == {(os.path.join("shop", "api.py"), 23), (os.path.join("shop", "api.py"), 38)}
