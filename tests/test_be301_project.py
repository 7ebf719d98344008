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


        class MailProjectHandler(Resource):
            def post(self):
                form = ProjectForm(meta={"csrf": False})
                if form.validate():
                    project = form.save()
                    send_creation_email(project)
                    return project.id, 201
                return form.errors, 400


        class MailNoteHandler(Resource):
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
    subscription answered as a record stay reported (the handlers are named for the mail they send: a mail sent
    as a side effect of a create is not reported by default, ``report-side-messages``)."""
    found = findings_of(write_project(tmp_path, SHOP), "BE301")
    assert found == {(os.path.join("shop", "api.py"), 23), (os.path.join("shop", "api.py"), 38)}


QUEUED_JOBS = {
    "shop/__init__.py": "",
    "shop/db.py": """\
        from shop.models import Order


        def fetch_orders(status):
            return Order.query.filter_by(status=status).all()
    """,
    "shop/models.py": "class Order:\n    query = None\n",
    "shop/mailer.py": """\
        import smtplib


        def send_mail(to, body):
            with smtplib.SMTP("localhost") as server:
                server.sendmail("shop@example.com", [to], body)
    """,
    "shop/jobs.py": """\
        from shop.models import Order


        def create_job_row(task_id):
            Order.objects.create(task=task_id)
    """,
    "shop/tasks.py": """\
        import csv

        from celery import shared_task

        from shop.db import fetch_orders
        from shop.mailer import send_mail


        def _write(rows, path):
            with open(path, "w") as handle:
                csv.writer(handle).writerows(rows)
            return path


        @shared_task
        def archive_orders_task(status):
            return _write(fetch_orders(status), "/tmp/orders.csv")


        @shared_task
        def mail_orders_task(status):
            send_mail("ops@example.com", str(fetch_orders(status)))
    """,
    "shop/api.py": """\
        from flask import Blueprint, jsonify, request

        from shop import tasks
        from shop.jobs import create_job_row
        from shop.tasks import archive_orders_task, mail_orders_task

        bp = Blueprint("orders", __name__)


        @bp.route("/orders/reports/csv", methods=["POST"])
        def orders_csv():
            task = archive_orders_task.delay(request.json.get("status"))
            create_job_row(task.id)
            return jsonify(task=task.id)


        @bp.route("/orders/reports/zip", methods=["POST"])
        def orders_zip():
            result = tasks.archive_orders_task.apply_async(kwargs={"status": request.args.get("status")})
            return jsonify(task=result.id)


        @bp.route("/orders/reports/mail", methods=["POST"])
        def orders_mail():
            task = mail_orders_task.delay(request.json.get("status"))
            create_job_row(task.id)
            return jsonify(task=task.id)


        @bp.route("/orders/reports/local", methods=["POST"])
        def orders_local():
            from shop.tasks import mail_orders_task as job

            return jsonify(task=job.delay(request.json.get("status")).id)
    """,
}


SIDE_MESSAGES = {"pyproject.toml": "[tool.backend-lint.BE301]\nreport-side-messages = true\n"}
"""The option that also reports mail sent beside a handler's work: the tests below are about what a job or a
serializer reaches, whatever kind of message it is."""


def test_jobs_that_only_read_and_write_a_file_are_not_reported(tmp_path: Path) -> None:
    """A POST that queues a job of the project which, with what it calls, creates, queues, sends and pays
    nothing (an export: it SELECTs and writes a file) is judged by that body, whatever the job is called and
    however it is queued (``.delay``, ``tasks.x.apply_async``); the job's bookkeeping row handed the task's id
    goes with the job. A job that sends mail is still reported, queued the same ways."""
    found = findings_of(write_project(tmp_path / "on", {**QUEUED_JOBS, **SIDE_MESSAGES}), "BE301")
    assert found == {
        (os.path.join("shop", "api.py"), 24),
        (os.path.join("shop", "api.py"), 31),
    }
    # by default only the endpoint named for mailing is: the other's mail is a side effect of a report
    assert findings_of(write_project(tmp_path / "off", QUEUED_JOBS), "BE301") == {(os.path.join("shop", "api.py"), 24)}


NEUTRAL_JOBS = {
    "shop/__init__.py": "",
    "shop/models.py": "class Stat:\n    objects = None\n",
    "shop/mailer.py": """\
        import smtplib


        def deliver(to, body):
            with smtplib.SMTP("localhost") as server:
                server.sendmail("shop@example.com", [to], body)
    """,
    "shop/tasks.py": """\
        from celery import shared_task

        from shop.mailer import deliver
        from shop.models import Stat


        @shared_task
        def process_signup(user_id):
            deliver(f"user-{user_id}@example.com", "Welcome")


        @shared_task
        def rebuild_stats(user_id):
            Stat.objects.create(user=user_id)
    """,
    "shop/api.py": """\
        from flask import Blueprint, jsonify, request

        from shop.models import Stat
        from shop.service import record, welcome
        from shop.tasks import process_signup, rebuild_stats

        bp = Blueprint("users", __name__)


        @bp.route("/signups", methods=["POST"])
        def signup():
            process_signup.delay(request.json["user_id"])
            return jsonify(queued=True)


        @bp.route("/stats", methods=["POST"])
        def stats():
            rebuild_stats.delay(request.json["user_id"])
            return jsonify(queued=True)


        @bp.route("/memberships", methods=["POST"])
        def memberships():
            Stat.objects.create(user=request.json["user_id"])
            welcome(request.json["user_id"])
            return jsonify(created=True)


        @bp.route("/notes", methods=["POST"])
        def notes():
            Stat.objects.create(user=request.json["user_id"])
            record(request.json["user_id"])
            return jsonify(created=True)
    """,
    "shop/service.py": """\
        from shop.mailer import deliver
        from shop.models import Stat


        def welcome(user_id):
            deliver(f"user-{user_id}@example.com", "Welcome")


        def record(user_id):
            Stat.objects.create(user=user_id)
    """,
}


def test_jobs_named_for_nothing_are_judged_by_what_they_reach(tmp_path: Path) -> None:
    """A queued job of the project whose name says nothing of reaching out is costly when its body, with the
    project functions it calls, sends a message or moves money (``process_signup`` mails through a helper of
    another module); one that only writes the application's own records (``rebuild_stats``) is not. So is a
    function of another module a handler creating a plain record calls: ``welcome`` mails, ``record`` does not."""
    found = findings_of(write_project(tmp_path, {**NEUTRAL_JOBS, **SIDE_MESSAGES}), "BE301")
    assert found == {(os.path.join("shop", "api.py"), 11), (os.path.join("shop", "api.py"), 23)}


LETTERS = {
    "post/__init__.py": "",
    "post/dao.py": """\
        def get_letter_by_id(letter_id):
            return None


        def get_service_by_id(service_id):
            return None
    """,
    "post/sending.py": """\
        from post.dao import get_letter_by_id, get_service_by_id
        from post.mail import send_letter


        def send_pdf_letter(service_id, data):
            # the letter already exists: the user clicked send in two tabs
            if get_letter_by_id(data["file_id"]):
                return {"id": data["file_id"]}
            send_letter(letter_id=data["file_id"], address=data["address"])
            return {"id": data["file_id"]}


        def send_service_letter(service_id, data):
            if not get_service_by_id(service_id):
                return {"error": "no such service"}
            send_letter(service_id=service_id, address=data["address"])
            return {}
    """,
    "post/api.py": """\
        from flask import Blueprint, jsonify, request

        from post.sending import send_pdf_letter, send_service_letter

        bp = Blueprint("letters", __name__)


        @bp.route("/services/<service_id>/send-pdf-letter", methods=["POST"])
        def create_pdf_letter(service_id):
            return jsonify(send_pdf_letter(service_id, request.get_json())), 201


        @bp.route("/services/<service_id>/send-letter", methods=["POST"])
        def create_letter(service_id):
            return jsonify(send_service_letter(service_id, request.get_json())), 201
    """,
}


def test_a_service_answering_the_record_found_by_the_clients_id_is_not_reported(tmp_path: Path) -> None:
    """Notify's ``send_pdf_letter_notification`` returns the letter a lookup by the client-chosen ``file_id``
    finds, and otherwise creates the letter under that id: a retry finds the first one. A service that only
    looks up the parent it sends for (``get_service_by_id(service_id)``, then ``service_id=``) dedupes nothing."""
    found = findings_of(write_project(tmp_path, LETTERS), "BE301")
    assert found == {(os.path.join("post", "api.py"), 14)}


REGISTRATIONS = {
    "org/__init__.py": "",
    "org/serializers.py": """\
        from rest_framework import serializers

        from .models import Organisation


        class OrganisationSerializer(serializers.ModelSerializer):
            def validate_registration_number(self, value):
                if Organisation.objects.filter(registration_number=value).exists():
                    raise serializers.ValidationError("This registration number is already in use.")
                return value


        class NoteSerializer(serializers.ModelSerializer):
            def validate_title(self, value):
                if not value:
                    raise serializers.ValidationError("A title is required.")
                return value
    """,
    "org/views.py": """\
        from rest_framework.response import Response
        from rest_framework.views import APIView

        from .emails import send_creation_email
        from .serializers import NoteSerializer, OrganisationSerializer


        class OrganisationsView(APIView):
            def post(self, request):
                serializer = OrganisationSerializer(data=request.data)
                serializer.is_valid(raise_exception=True)
                organisation = serializer.save()
                send_creation_email(organisation)
                return Response(serializer.data, status=201)


        class NotesView(APIView):
            def post(self, request):
                serializer = NoteSerializer(data=request.data)
                serializer.is_valid(raise_exception=True)
                note = serializer.save()
                send_creation_email(note)
                return Response(serializer.data, status=201)
    """,
}


def test_serializer_refusing_a_natural_key_in_use_deduplicates(tmp_path: Path) -> None:
    """lite-api's ``validate_registration_number`` refuses a number "already in use": a retried registration
    gets a 400 before the second create and mail. A serializer that checks something else does not."""
    found = findings_of(write_project(tmp_path, {**REGISTRATIONS, **SIDE_MESSAGES}), "BE301")
    assert found == {(os.path.join("org", "views.py"), 18)}


BILLING = {
    "till/__init__.py": "",
    "till/upstream.py": """\
        import aiohttp

        SERVICES = {"billing": "http://billing:8000", "audit": "http://audit:8000"}


        async def post_to_billing(session: aiohttp.ClientSession, path, payload):
            async with session.post(f"{SERVICES['billing']}{path}", json=payload) as answer:
                return await answer.json()


        async def post_to_audit(session: aiohttp.ClientSession, path, payload):
            async with session.post(f"{SERVICES['audit']}{path}", json=payload) as answer:
                return await answer.json()
    """,
    "till/handlers.py": """\
        from aiohttp import web

        from till.upstream import post_to_audit, post_to_billing

        routes = web.RouteTableDef()


        @routes.post("/v1/charges")
        async def charge(request):
            body = await request.json()
            return web.json_response(await post_to_billing(request.app["http"], "/charges", body), status=201)


        @routes.post("/v1/audit-entries")
        async def audit_entry(request):
            body = await request.json()
            return web.json_response(await post_to_audit(request.app["http"], "/entries", body), status=201)
    """,
}


def test_a_payment_made_in_another_module_is_reported(tmp_path: Path) -> None:
    """The handler's own module duplicates nothing; the function of another module it calls POSTs to the billing
    service through the ``aiohttp.ClientSession`` it is handed: a retry pays twice. The same call to another
    service (an audit entry) is no payment, and a message on the side is not reported by default."""
    found = findings_of(write_project(tmp_path, BILLING), "BE301")
    assert found == {(os.path.join("till", "handlers.py"), 9)}


CONTACT = {
    "pyproject.toml": '[project]\nname = "tasking"\n',
    "backend/__init__.py": "",
    "backend/config.py": "class Settings:\n    EMAIL_CONTACT_ADDRESS = 'admin@example.org'\n\n\nsettings = Settings()\n",
    "backend/smtp_service.py": """\
        import smtplib

        from backend.config import settings


        class SMTPService:
            @staticmethod
            async def send_contact_admin_email(data):
                email_to = settings.EMAIL_CONTACT_ADDRESS
                message = "New contact from {name}: {content}".format(**data)
                await SMTPService._send_message(email_to, "New contact", message)

            @staticmethod
            async def send_contact_team_email(team, data):
                for member in team.members:
                    await SMTPService._send_message(member.email, "Message to your team", data["content"])

            @staticmethod
            async def _send_message(to_address, subject, body):
                with smtplib.SMTP("localhost") as server:
                    server.sendmail("noreply@example.org", [to_address], f"Subject: {subject}\\n\\n{body}")
        """,
    "backend/api.py": """\
        from fastapi import APIRouter, Body

        from backend.smtp_service import SMTPService

        router = APIRouter()


        @router.post("/contact-admin/")
        async def contact_admin(data: dict = Body(...)):
            await SMTPService.send_contact_admin_email(data)
            return {"Success": "Email sent"}


        @router.post("/teams/{team_id}/contact/")
        async def contact_team(team_id: int, data: dict = Body(...)):
            await SMTPService.send_contact_team_email(team_id, data)
            return {"Success": "Email sent"}
        """,
}


def test_a_contact_form_to_the_sites_own_inbox_is_not_reported(tmp_path: Path) -> None:
    """The service mails the address of the configuration: a retry puts a second copy in the operators' inbox.
    The team's contact form mails each member the database names: a retry mails them all again."""
    found = findings_of(write_project(tmp_path, CONTACT), "BE301")
    assert found == {(os.path.join("backend", "api.py"), 15)}


PAYMENT_RECORDS = {
    "billing/__init__.py": "",
    "billing/api_urls.py": """\
        from django.urls import path

        from billing import api_views

        urlpatterns = [
            path("<uuid:invoice_id>/payments/", api_views.PaymentListView.as_view()),
            path("<uuid:invoice_id>/payments/<uuid:pk>/", api_views.PaymentDetailView.as_view()),
            path("<uuid:invoice_id>/orders/", api_views.OrderListView.as_view()),
            path("<uuid:invoice_id>/orders/<uuid:pk>/", api_views.OrderDetailView.as_view()),
        ]
    """,
    "billing/api_views.py": """\
        from rest_framework.response import Response
        from rest_framework.views import APIView

        from billing.models import Order, Payment


        class PaymentListView(APIView):
            def post(self, request, invoice_id):
                payment = Payment.objects.create(invoice_id=invoice_id, amount=request.data["amount"])
                return Response({"id": payment.id}, status=201)


        class PaymentDetailView(APIView):
            def delete(self, request, invoice_id, pk):
                Payment.objects.filter(pk=pk).delete()
                return Response(status=204)


        class OrderListView(APIView):
            def post(self, request, invoice_id):
                order = Order.objects.create(invoice_id=invoice_id, amount=request.data["amount"])
                return Response({"id": order.id}, status=201)


        class OrderDetailView(APIView):
            def get(self, request, invoice_id, pk):
                return Response({"id": pk})
    """,
}


def test_a_record_the_url_conf_deletes_is_not_reported(tmp_path: Path) -> None:
    """djangocrm's ``PaymentListView.post`` records a payment on ``<invoice_id>/payments/``, and the same URL conf
    routes ``<invoice_id>/payments/<uuid:pk>/`` to a view answering DELETE: a duplicate is the client's to
    delete (seed 134). An order whose item view answers no DELETE stays reported."""
    found = findings_of(write_project(tmp_path, PAYMENT_RECORDS), "BE301")
    assert found == {(os.path.join("billing", "api_views.py"), 20)}
