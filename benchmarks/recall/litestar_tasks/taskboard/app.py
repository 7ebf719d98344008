import logging
import os
import uuid
from dataclasses import dataclass
from typing import Annotated, Any

import requests
from jinja2 import Environment, Template, select_autoescape
from litestar import Controller, Litestar, Request, get, post, put
from litestar.config.cors import CORSConfig
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.exceptions import HTTPException, NotFoundException
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.params import Body, Parameter
from litestar.response import Response
from redis import Redis
from sqlalchemy import select
from weasyprint import HTML

from . import jobs
from .config import settings
from .models import Comment, SessionFactory, User
from .repository import TaskRepository
from .security import api_password_digest, hash_password, issue_invite_token, issue_token, share_link_token

logger = logging.getLogger("taskboard.api")
repo = TaskRepository()
redis_client = Redis.from_url(settings.redis_url, socket_timeout=2)
jinja = Environment(autoescape=select_autoescape(["html"]))
login_limit = RateLimitConfig(rate_limit=("minute", 5))


@dataclass
class TaskIn:
    title: str
    description: str = ""


@dataclass
class SignupIn:
    email: str
    password: str
    display_name: str


@dataclass
class CheckoutIn:
    plan: str
    seats: int


@get("/health")
async def health() -> dict:
    return {"status": "ok"}


class TaskController(Controller):
    path = "/projects/{project_id:int}"

    @get("/tasks")
    async def list_tasks(self, project_id: int) -> list[dict]:
        rows = repo.all_for_project(project_id)
        return [{"id": r[0], "title": r[1], "status": r[2]} for r in rows]

    @get("/tasks/page")
    async def tasks_page(self, project_id: int, status: str = "open", limit: Annotated[int, Parameter(le=100)] = 25, offset: int = 0) -> list[dict]:
        return repo.by_status(project_id, status, limit, offset)

    @get("/tasks/search")
    async def search(self, project_id: int, q: str) -> list[dict]:
        return repo.search(project_id, q)

    @post("/tasks")
    async def create_task(self, project_id: int, data: TaskIn) -> dict:
        task_id = repo.insert(project_id, data.title, data.description)
        logger.info(f"task {task_id} created in project {project_id}")
        jobs.queue.enqueue(jobs.send_webhook, f"https://hooks.example.com/p/{project_id}", {"task": task_id})
        return {"id": task_id}

    @put("/tasks/status")
    async def bulk_status(self, project_id: int, data: dict[str, Any]) -> dict:
        repo.bulk_update_status(data["ids"], data["status"])
        logging.info("bulk status change in %s", project_id)
        return {"updated": len(data["ids"])}

    @get("/tasks/{task_id:int}/comments")
    async def comments(self, project_id: int, task_id: int) -> list[dict]:
        with SessionFactory() as session:
            rows = session.scalars(select(Comment).where(Comment.task_id == task_id).order_by(Comment.id)).all()
            return [{"id": c.id, "body": c.body} for c in rows]

    @get("/tasks/{task_id:int}/report.pdf")
    async def report_pdf(self, project_id: int, task_id: int) -> Response:
        task = repo.get(task_id)
        if task is None:
            raise NotFoundException()
        html = jinja.from_string("<h1>{{ t.title }}</h1><p>{{ t.description }}</p>").render(t=task)
        pdf = HTML(string=html).write_pdf()
        return Response(pdf, media_type="application/pdf")

    @get("/tasks/{task_id:int}/preview")
    async def preview(self, project_id: int, task_id: int) -> Response:
        with SessionFactory() as session:
            c = session.scalars(select(Comment).where(Comment.task_id == task_id).limit(1)).first()
        tpl = Template(f"<blockquote>{c.body}</blockquote>")
        return Response(tpl.render(), media_type="text/html")

    @post("/files")
    async def upload(self, project_id: int, data: Annotated[UploadFile, Body(media_type=RequestEncodingType.MULTI_PART)]) -> dict:
        content = await data.read()
        path = os.path.join(settings.upload_dir, str(project_id), data.filename)
        with open(path, "wb") as fh:
            fh.write(content)
        return {"path": path}

    @post("/attachments")
    async def attach(self, project_id: int, data: Annotated[UploadFile, Body(media_type=RequestEncodingType.MULTI_PART)]) -> dict:
        content = await data.read(settings.max_upload + 1)
        if len(content) > settings.max_upload:
            raise HTTPException(status_code=413, detail="too large")
        ext = os.path.splitext(data.filename)[1].lower()[:8]
        name = f"{uuid.uuid4().hex}{ext if ext.isalnum() or ext.startswith('.') else ''}"
        with open(os.path.join(settings.upload_dir, name), "wb") as fh:
            fh.write(content)
        return {"name": name}

    @post("/share")
    async def share(self, project_id: int) -> dict:
        token = share_link_token()
        redis_client.setex(f"share:{token}", 86400, project_id)
        return {"url": f"https://taskboard.example/s/{token}"}


class BillingController(Controller):
    path = "/billing"

    @post("/checkout")
    async def checkout(self, data: CheckoutIn, request: Request) -> dict:
        resp = requests.post(
            "https://payments.example.com/v1/checkout",
            json={"plan": data.plan, "seats": data.seats, "customer": request.user},
            timeout=10,
        )
        try:
            resp.raise_for_status()
        except requests.HTTPError:
            logger.warning("checkout failed with %s", resp.status_code)
            raise HTTPException(status_code=502, detail="payment provider error")
        return resp.json()

    @post("/subscriptions")
    async def subscribe(self, data: CheckoutIn, idempotency_key: Annotated[str, Parameter(header="Idempotency-Key")]) -> dict:
        cached = redis_client.get(f"idem:{idempotency_key}")
        if cached:
            return {"id": cached.decode()}
        sub_id = uuid.uuid4().hex
        redis_client.setex(f"idem:{idempotency_key}", 86400, sub_id)
        return {"id": sub_id}

    @get("/invoices/{invoice_id:str}")
    def invoice(self, invoice_id: str) -> dict:
        r = requests.get(f"https://payments.example.com/v1/invoices/{invoice_id}", timeout=5)
        return r.json()


@post("/auth/signup")
async def signup(data: SignupIn) -> dict:
    logger.debug("signup attempt", extra={"email": data.email, "password": data.password})
    with SessionFactory() as session:
        user = User(email=data.email, display_name=data.display_name, password_hash=hash_password(data.password))
        session.add(user)
        session.commit()
        print(f"new user {user.id}")
        logger.info("user %s signed up", user.id)
        return {"id": user.id, "token": issue_token(user.id)}


@post("/auth/login", middleware=[login_limit.middleware])
async def login(data: SignupIn) -> dict:
    with SessionFactory() as session:
        user = session.scalars(select(User).where(User.email == data.email)).first()
    if user is None:
        raise HTTPException(status_code=401, detail="invalid credentials")
    return {"token": issue_token(user.id)}


@post("/auth/legacy-login")
async def legacy_login(data: SignupIn) -> dict:
    r = Redis.from_url(settings.redis_url)
    stored = r.get(f"legacy:{data.email}")
    if stored is None or stored.decode() != api_password_digest(data.password):
        raise HTTPException(status_code=401, detail="invalid credentials")
    return {"token": issue_token(0)}


@post("/projects/{project_id:int}/invites")
async def invite(project_id: int, data: SignupIn) -> dict:
    try:
        token = issue_invite_token(project_id, data.email)
        jobs.queue.enqueue(jobs.send_webhook, "https://mail.internal/invite", {"to": data.email, "token": token})
    except Exception as exc:
        logger.critical("invite failed for %s: %s", project_id, exc)
        raise HTTPException(status_code=500, detail="invite failed")
    return {"sent": True}


@get("/settings")
async def user_settings(request: Request) -> dict:
    return {"theme": "light"}


@get("/updates")
async def updates() -> list[dict]:
    return []


@get("/addresses")
async def addresses() -> list[dict]:
    return []


cors = CORSConfig(allow_origins=["https://app.taskboard.example"], allow_credentials=True)

app = Litestar(
    route_handlers=[health, TaskController, BillingController, signup, login, legacy_login, invite, user_settings, updates, addresses],
    cors_config=cors,
    debug=settings.debug,
)
