"""BE103 on whole projects, through the real CLI and ``flake8 --select BE``: a loop over rows that hands each row to
a queued job through a helper of the project (a function, a method on ``self``, the method of a project class the
loop makes) on every pass is per-row work by design, as a ``.delay(...)`` written in the loop is; a helper that
queues nothing, or a job queued for some rows only, keeps the finding."""

from __future__ import annotations

from pathlib import Path

from tests.projects import findings_of, write_project

JOB_HELPERS = {
    "pyproject.toml": '[project]\nname = "events"\nversion = "1"\n',
    "events/__init__.py": "",
    "events/models.py": """\
        from django.db import models


        class Event(models.Model):
            title = models.CharField(max_length=100)
            created_by = models.ForeignKey("auth.User", on_delete=models.CASCADE)
    """,
    "events/jobs.py": """\
        from celery import shared_task


        @shared_task
        def send_email(to, subject):
            pass


        def notify_creator(event, user):
            send_email.delay(to=user.email, subject=event.title)


        def describe(event, user):
            return f"{event.title} by {user.email}"


        class OverdueNotification:
            def __init__(self, user, event):
                self.user = user
                self.event = event

            def notify(self):
                return self._deliver()

            def _deliver(self):
                return send_email.delay(to=self.user.email, subject=self.event.title)

            def render(self):
                return self.event.title
    """,
    "events/tasks.py": """\
        from celery import shared_task

        from events.jobs import OverdueNotification, describe, notify_creator
        from events.models import Event


        @shared_task
        def remind_creators():
            for event in Event.objects.filter(title__startswith="x"):
                notify_creator(event, event.created_by)


        @shared_task
        def notify_overdue():
            for event in Event.objects.filter(title__startswith="y"):
                notification = OverdueNotification(event.created_by, event=event)
                notification.notify()


        @shared_task
        def describe_all():
            return [describe(event, event.created_by) for event in Event.objects.all()]


        @shared_task
        def render_overdue():
            for event in Event.objects.filter(title__startswith="z"):
                notification = OverdueNotification(event.created_by, event=event)
                notification.render()


        class Reminder:
            def run(self):
                for event in Event.objects.filter(title__startswith="w"):
                    self.remind(event, event.created_by)

            def remind(self, event, user):
                notify_creator(event, user)


        @shared_task
        def remind_unpaid():
            for event in Event.objects.filter(title__startswith="v"):
                if event.title.endswith("paid"):
                    continue  # most rows end here: the job below is for a few of them
                print(event.created_by)
                notify_creator(event, event.created_by)


        @shared_task
        def remind_followers():
            for event in Event.objects.filter(title__startswith="u"):
                print(event.created_by)
                for follower in event.title.split():
                    notify_creator(event, follower)
    """,
}


def test_a_job_queued_per_row_through_a_helper(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, JOB_HELPERS), "BE103")
    # notify_creator, OverdueNotification.notify (two methods down) and self.remind queue a job per row
    assert ("events/tasks.py", 10) not in found
    assert ("events/tasks.py", 16) not in found
    assert ("events/tasks.py", 35) not in found
    # describe and render queue nothing, and a job queued for some rows only (after a ``continue``, in an inner
    # loop) is not a job per row: the lazy created_by read per row stands
    assert found == {("events/tasks.py", 22), ("events/tasks.py", 28), ("events/tasks.py", 46),
                     ("events/tasks.py", 53)}
