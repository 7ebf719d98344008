import logging

from redis import Redis
from rq import Queue
from sqlalchemy import select

from .integrations import deliver_webhook
from .models import Comment, Project, SessionFactory, User

log = logging.getLogger("taskboard.jobs")
queue = Queue("taskboard", connection=Redis.from_url("redis://localhost:6379/4", socket_timeout=5))


def notify_watchers(task_id: int) -> None:
    with SessionFactory() as session:
        comments = session.scalars(select(Comment).where(Comment.task_id == task_id)).all()
        for c in comments:
            author = session.get(User, c.author_id)
            log.info("notify %s about task %s", author.email, task_id)


def digest_for_projects() -> None:
    with SessionFactory() as session:
        rows = session.execute(select(Project, User).join(User, Project.owner_id == User.id)).all()
        for project, owner in rows:
            log.info("digest for %s to %s", project.name, owner.email)


def send_webhook(url: str, payload: dict) -> None:
    try:
        deliver_webhook(url, payload)
    except Exception:
        log.exception("webhook delivery to %s failed", url)
        raise
