"""Effects through the project's call graph, on whole projects through the real CLI and ``flake8 --select BE``.

A handler calls a service of another module, which calls a mailer of a third, which sends the mail in a
helper of its own: the handler's request waits for the SMTP server as surely as if it called ``send_mail``
itself. Each project puts such a chain next to the chains that must stay quiet (a queued task, a cycle that
does nothing, a chain deeper than the model follows), so a model that follows everything fails as surely as
one that follows nothing.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.processes import check_json, run_cli
from tests.projects import findings_of, write_project

MAIL_CHAIN = {
    "pyproject.toml": '[project]\nname = "accounts"\nversion = "1"\n',
    "accounts/__init__.py": "",
    "accounts/mailer.py": """\
        from django.core import mail as djmail
        from django.template.loader import render_to_string


        def build_mail(user, template):
            message = djmail.EmailMultiAlternatives("Hi", render_to_string(template), to=[user.email])
            message.attach_alternative(render_to_string(template), "text/html")
            return message


        def mail_user(user, template):
            message = build_mail(user, template)
            message.send()


        class Mailer:
            def deliver(self, user):
                self._send(user)

            def _send(self, user):
                djmail.EmailMessage("Hi", "Body", to=[user.email]).send()


        def ping(user):
            return pong(user)


        def pong(user):
            return ping(user)


        def level_3(user):
            mail_user(user, "deep")


        def level_2(user):
            level_3(user)


        def level_1(user):
            level_2(user)
    """,
    "accounts/tasks.py": """\
        from celery import shared_task

        from accounts.mailer import mail_user


        @shared_task
        def welcome_later(user_id):
            mail_user(user_id, "welcome")
    """,
    "accounts/services.py": """\
        from accounts import mailer
        from accounts.mailer import Mailer, mail_user
        from accounts.tasks import welcome_later


        def register(user):
            user.save()
            mail_user(user, "welcome")


        def register_with_mailer(user):
            Mailer().deliver(user)


        def register_later(user):
            welcome_later.delay(user.id)


        def register_quietly(user):
            return mailer.ping(user)


        def register_deep(user):
            mailer.level_1(user)
    """,
    "accounts/views.py": """\
        from django.http import JsonResponse

        from accounts import services
        from accounts.mailer import Mailer


        def signup(request):
            services.register(request.user)
            return JsonResponse({})


        def signup_later(request):
            services.register_later(request.user)
            return JsonResponse({})


        def signup_quietly(request):
            services.register_quietly(request.user)
            return JsonResponse({})


        def signup_deep(request):
            services.register_deep(request.user)
            return JsonResponse({})


        def signup_with_mailer(request):
            Mailer().deliver(request.user)
            return JsonResponse({})
    """,
    "accounts/urls.py": """\
        from django.urls import path

        from accounts import views

        urlpatterns = [
            path("signup/", views.signup),
            path("signup-later/", views.signup_later),
            path("signup-quietly/", views.signup_quietly),
            path("signup-deep/", views.signup_deep),
            path("signup-mailer/", views.signup_with_mailer),
        ]
    """,
}


def test_slow_work_two_calls_below_the_handler(tmp_path: Path) -> None:
    """``signup`` -> ``services.register`` -> ``mailer.mail_user`` -> ``message.send()`` on the message
    ``build_mail`` returns: reported at the handler's call. A queued task, a cycle that sends nothing and a
    chain deeper than the model follows (the mail is five calls below the handler) are not; a method called on
    an object (``Mailer().deliver``) is not followed (which class runs is not resolved across modules)."""
    root = write_project(tmp_path, MAIL_CHAIN)
    assert findings_of(root, "BE206") == {("accounts/views.py", 8)}
    messages = [item["message"] for item in check_json("--no-cache", "--select", "BE206", ".", cwd=root)]
    assert messages == [
        "`services.register()` sends e-mail in handler `signup` while the client waits; hand it to a queue or "
        "background task"
    ]


def test_a_chain_three_calls_deep_is_followed(tmp_path: Path) -> None:
    """The bound counts calls below the handler's helper: ``register_deep`` -> ``level_1`` -> ``level_2`` ->
    ``level_3`` -> ``mail_user`` is one call too deep; calling ``level_2`` from the service brings the mail
    within it."""
    files = dict(MAIL_CHAIN)
    files["accounts/services.py"] = files["accounts/services.py"].replace("mailer.level_1(user)", "mailer.level_2(user)")
    assert findings_of(write_project(tmp_path, files), "BE206") == {("accounts/views.py", 8), ("accounts/views.py", 23)}


def test_a_helper_that_stops_calling_the_mailer_drops_the_finding_on_a_warm_run(tmp_path: Path) -> None:
    """The handler's file keeps its cached result; the service's new summary (no call to the mailer) decides."""
    root = write_project(tmp_path, MAIL_CHAIN)

    def lines() -> list[int]:
        return sorted(item["line"] for item in check_json("--select", "BE206", ".", cwd=root))

    assert lines() == [8]
    services = root / "accounts/services.py"
    original = services.read_text(encoding="utf-8")
    services.write_text(original.replace('mail_user(user, "welcome")', "return user"), encoding="utf-8")
    assert lines() == []
    services.write_text(original, encoding="utf-8")
    assert lines() == [8]


ORDER_SERVICES = {
    "pyproject.toml": '[project]\nname = "shop"\nversion = "1"\n',
    "shop/__init__.py": "",
    "shop/services.py": """\
        from shop.db import session
        from shop.models import AuditLog, Order
        from shop.tasks import fulfil


        def place_order(data):
            order = Order(**data)
            session.add(order)
            session.commit()
            return order


        def record_audit(data):
            session.add(AuditLog(action="order", data=data))


        def place_order_later(data):
            fulfil.delay(data)


        def checkout(data):
            return place_order(data)


        def find_or_place(data):
            existing = get_order_by_ref(data["ref"])
            if existing is not None:
                return existing
            order = Order(**data)
            session.add(order)
            return order


        def get_order_by_ref(ref):
            return session.query(Order).filter_by(ref=ref).first()
    """,
    "shop/api.py": """\
        from fastapi import APIRouter
        from fastapi.responses import RedirectResponse

        from shop import services

        router = APIRouter()


        @router.post("/orders")
        def create_order(data: dict):
            return services.place_order(data)


        @router.post("/carts")
        def checkout_cart(data: dict):
            services.record_audit(data)
            return services.checkout(data)


        @router.post("/audits")
        def audit(data: dict):
            services.record_audit(data)
            return {}


        @router.post("/later")
        def later(data: dict):
            services.place_order(data)
            services.place_order_later(data)
            return {}


        @router.post("/placed", status_code=201)
        def placed(data: dict):
            return services.place_order(data)


        @router.post("/dedup")
        def dedup(data: dict):
            return services.find_or_place(data)


        @router.post("/batches")
        def batch(data: dict):
            services.place_order(data)
            return None


        @router.post("/form", response_class=RedirectResponse)
        def form(data: dict):
            services.place_order(data)
            return "/orders"
    """,
}


def test_create_in_a_service_of_another_module_answers_200(tmp_path: Path) -> None:
    """BE305 at a POST handler whose only create is in a service of another module (directly, or one more
    call down) and whose result it answers with: one finding per handler, naming the service. A service that
    writes only an audit entry, one that also enqueues (202 may be right), a get-or-create by hand, a handler
    that answers something other than what the service made (an action's ``None``), an explicit status and a
    redirect are not reported."""
    root = write_project(tmp_path, ORDER_SERVICES)
    assert findings_of(root, "BE305") == {("shop/api.py", 10), ("shop/api.py", 15)}
    messages = sorted(item["message"] for item in check_json("--no-cache", "--select", "BE305", ".", cwd=root))
    assert messages == [
        "`checkout_cart` creates a resource with `services.checkout()` and answers FastAPI's default 200; answer 201 Created",
        "`create_order` creates a resource with `services.place_order()` and answers FastAPI's default 200; answer 201 Created",
    ]


def test_create_in_a_service_needs_the_project(tmp_path: Path) -> None:
    """Checked alone (standard input), the handler's file cannot show what the service does: no finding."""
    root = write_project(tmp_path, ORDER_SERVICES)
    result = run_cli("check", "--select", "BE305", "--no-cache", "--stdin-filename", "shop/api.py", "-",
                     cwd=root, stdin=(root / "shop/api.py").read_bytes())
    assert result.returncode == 0, result.stdout.decode()
    assert b"BE305" not in result.stdout


TRACEBACK_HELPERS = {
    "pyproject.toml": '[project]\nname = "worker"\nversion = "1"\n',
    "worker/__init__.py": "",
    "worker/reporting.py": """\
        import logging
        import traceback

        logger = logging.getLogger(__name__)


        def log_failure(message):
            logger.exception(message)


        def report(message):
            log_failure(message)


        def notify_admins(message):
            try:
                deliver(message)
            except Exception:
                logger.exception("could not notify: %s", traceback.format_exc())


        def deliver(message):
            return message
    """,
    "worker/jobs.py": """\
        import logging

        from worker import reporting

        logger = logging.getLogger(__name__)


        def run(job):
            try:
                job.run()
            except Exception:
                logger.error("job %s failed", job.id)
                reporting.report("job failed")


        def run_and_notify(job):
            try:
                job.run()
            except Exception:
                logger.error("job %s failed", job.id)
                reporting.notify_admins("job failed")
    """,
}


def test_an_except_clause_that_calls_a_helper_logging_the_traceback(tmp_path: Path) -> None:
    """BE403 leaves alone an ``except`` that calls a helper of another module which logs the exception being
    handled with its stack (here one call further down); a helper that logs only its own failures (in an
    ``except`` of its own) keeps the traceback of nothing, and the error log there is still reported."""
    root = write_project(tmp_path, TRACEBACK_HELPERS)
    assert findings_of(root, "BE403") == {("worker/jobs.py", 20)}


def test_a_traceback_helper_needs_the_project(tmp_path: Path) -> None:
    """Alone (standard input) the file cannot show what the helper logs: both error logs are reported."""
    root = write_project(tmp_path, TRACEBACK_HELPERS)
    result = run_cli("check", "--select", "BE403", "--no-cache", "--stdin-filename", "worker/jobs.py", "-",
                     cwd=root, stdin=(root / "worker/jobs.py").read_bytes())
    assert result.stdout.decode().count("BE403") == 2, result.stdout.decode()


SQL_HELPERS = {
    "pyproject.toml": '[project]\nname = "reports"\nversion = "1"\n',
    "reports/__init__.py": "",
    "reports/queries.py": """\
        def active_filter():
            return "status = 'active'"


        def table_for(kind):
            if kind == "daily":
                return "daily_totals"
            return "monthly_totals"


        def table_named(kind):
            return f"{kind}_totals"
    """,
    "reports/views.py": """\
        from django.db import connection
        from django.http import JsonResponse

        from reports import queries


        def totals(request):
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT * FROM {queries.table_for(request.GET['kind'])} WHERE {queries.active_filter()}")
                return JsonResponse({"rows": cursor.fetchall()})


        def named(request):
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT * FROM {queries.table_named(request.GET['kind'])} WHERE {queries.active_filter()}")
                return JsonResponse({"rows": cursor.fetchall()})
    """,
}


def test_sql_text_from_a_helper_that_returns_literals(tmp_path: Path) -> None:
    """BE101 leaves alone SQL whose formatted parts are calls of helpers of another module that return a
    string literal on every path (the table picked from a fixed set); a helper that formats the request's
    text into the name it returns keeps the finding."""
    root = write_project(tmp_path, SQL_HELPERS)
    assert findings_of(root, "BE101") == {("reports/views.py", 15)}
    result = run_cli("check", "--select", "BE101", "--no-cache", "--stdin-filename", "reports/views.py", "-",
                     cwd=root, stdin=(root / "reports/views.py").read_bytes())
    assert result.stdout.decode().count("BE101") == 2, result.stdout.decode()  # alone: the file cannot tell


TIMEOUT_ADAPTERS = {
    "pyproject.toml": '[project]\nname = "client"\nversion = "1"\n',
    "client/__init__.py": "",
    "client/adapters.py": """\
        from requests.adapters import HTTPAdapter


        class TimeoutHTTPAdapter(HTTPAdapter):
            def __init__(self, *args, timeout=10, **kwargs):
                self.timeout = timeout
                super().__init__(*args, **kwargs)

            def send(self, request, **kwargs):
                kwargs.setdefault("timeout", self.timeout)
                return super().send(request, **kwargs)


        class RetryAdapter(TimeoutHTTPAdapter):
            pass


        class PlainAdapter(HTTPAdapter):
            pass
    """,
    "client/api.py": """\
        import requests

        from client.adapters import PlainAdapter, RetryAdapter, TimeoutHTTPAdapter


        def fetch(url):
            session = requests.Session()
            session.mount("https://", TimeoutHTTPAdapter())
            return session.get(url)


        def fetch_retrying(url):
            session = requests.Session()
            session.mount("https://", RetryAdapter(max_retries=3))
            return session.get(url)


        def fetch_plain(url):
            session = requests.Session()
            session.mount("https://", PlainAdapter())
            return session.get(url)


        class Client:
            def __init__(self):
                self.session = requests.Session()
                self.session.mount("https://", TimeoutHTTPAdapter())

            def get(self, url):
                return self.session.get(url)
    """,
}


def test_a_session_mounted_with_a_timeout_adapter_of_another_module(tmp_path: Path) -> None:
    """BE201 trusts a session mounted with the project's ``TimeoutHTTPAdapter`` (or a subclass of it) from
    another module, as it does for one defined in the file; an adapter that sets no timeout keeps the
    finding, and alone (standard input) the file cannot tell, so all four calls are reported."""
    root = write_project(tmp_path, TIMEOUT_ADAPTERS)
    assert findings_of(root, "BE201") == {("client/api.py", 21)}
    result = run_cli("check", "--select", "BE201", "--no-cache", "--stdin-filename", "client/api.py", "-",
                     cwd=root, stdin=(root / "client/api.py").read_bytes())
    assert result.stdout.decode().count("BE201") == 4, result.stdout.decode()


NAMESPACE_ADAPTERS = {
    "pyproject.toml": '[project]\nname = "hub"\nversion = "1"\n',
    "hub/utils/__init__.py": "",
    "hub/utils/requests.py": """\
        from requests.adapters import HTTPAdapter


        class CustomHTTPAdapter(HTTPAdapter):
            def __init__(self, default_timeout, retries):
                self.default_timeout = default_timeout
                super().__init__(max_retries=retries)

            def send(self, *args, **kwargs):
                if kwargs.get("timeout") is None:
                    kwargs["timeout"] = self.default_timeout
                return super().send(*args, **kwargs)


        class PlainAdapter(HTTPAdapter):
            pass
    """,
    "hub/stores/__init__.py": "",
    "hub/stores/http.py": """\
        from functools import cached_property

        import requests

        from hub.utils.requests import CustomHTTPAdapter, PlainAdapter


        class Store:
            def __init__(self, url):
                self.url = url
                self.session = requests.Session()
                self.session.mount(self.url, CustomHTTPAdapter(10, 3))

            def post(self, data):
                return self.session.post(self.url, json=data)


        class Action:
            @cached_property
            def session(self):
                session = requests.Session()
                adapter = CustomHTTPAdapter(10, 3)
                session.mount("https://", adapter)
                return session

            def trigger(self, url):
                return self.session.post(url)


        class Search:
            def _build(self, url):
                session = requests.Session()
                session.mount(url, CustomHTTPAdapter(10, 3))
                return session

            @property
            def search_session(self):
                return self._build("https://search.internal")

            def run(self):
                return self.search_session.get("https://search.internal/jobs")


        class Plain:
            @cached_property
            def session(self):
                session = requests.Session()
                adapter = PlainAdapter()
                session.mount("https://", adapter)
                return session

            def trigger(self, url):
                return self.session.post(url)
    """,
}


def test_an_adapter_of_a_namespace_folder_through_a_local_and_a_property(tmp_path: Path) -> None:
    """BE201 trusts the project's timeout adapter imported through a top-level folder without ``__init__.py``
    (zentral's ``from zentral.utils.requests import CustomHTTPAdapter``), given its timeout positionally,
    mounted through a local, on a session made in a ``cached_property`` or a property returning a factory's
    session; an adapter that sets no timeout, mounted the same way, keeps the finding."""
    root = write_project(tmp_path, NAMESPACE_ADAPTERS)
    assert findings_of(root, "BE201") == {("hub/stores/http.py", 53)}


def test_a_same_module_helper_that_calls_the_mailer(tmp_path: Path) -> None:
    """A handler's helper of its own module that sends nothing itself but calls the mailer of another module:
    the project model follows it and BE206 reports the call of the helper; alone, the file cannot tell."""
    files = dict(MAIL_CHAIN)
    files["accounts/views.py"] = textwrap.dedent(files["accounts/views.py"]) + textwrap.dedent("""\


        def welcome(user):
            services.register(user)


        def signup_via_helper(request):
            welcome(request.user)
            return JsonResponse({})
    """)
    files["accounts/urls.py"] = files["accounts/urls.py"].replace(
        'path("signup-mailer/", views.signup_with_mailer),',
        'path("signup-mailer/", views.signup_with_mailer),\n            path("via/", views.signup_via_helper),',
    )
    root = write_project(tmp_path, files)
    assert findings_of(root, "BE206") == {("accounts/views.py", 8), ("accounts/views.py", 37)}
    result = run_cli("check", "--select", "BE206", "--no-cache", "--stdin-filename", "accounts/views.py", "-",
                     cwd=root, stdin=(root / "accounts/views.py").read_bytes())
    assert b"BE206" not in result.stdout, result.stdout.decode()


GUARDED_CATCH_ALLS = {
    "pyproject.toml": '[project]\nname = "watcher"\nversion = "1"\n',
    "watcher/__init__.py": "",
    "watcher/queueing.py": """\
        import logging

        logger = logging.getLogger(__name__)


        def queue_safely(queue, item):
            \"\"\"Bulletproof: every failure is caught and logged here.\"\"\"
            if not queue:
                logger.critical("no queue for %s", item)
                return False
            try:
                queue.put(item, timeout=5)
            except Exception as exc:
                logger.critical("could not queue %s: %s", item, exc)
                return False
            return True


        def queue_plainly(queue, item):
            queue.put(item, timeout=5)
            return True
    """,
    "watcher/api.py": """\
        import logging

        from watcher import queueing

        logger = logging.getLogger(__name__)


        def queue_all(queue, uuids):
            try:
                count = 0
                for uuid in uuids:
                    queueing.queue_safely(queue, Item(uuid=uuid))
                    count += 1
                logger.info("queued %d", count)
            except Exception as exc:
                logger.error("queueing failed: %s", exc)


        def queue_all_plainly(queue, uuids):
            try:
                for uuid in uuids:
                    queueing.queue_plainly(queue, Item(uuid=uuid))
            except Exception as exc:
                logger.error("queueing failed: %s", exc)


        class Item:
            def __init__(self, uuid):
                self.uuid = uuid
    """,
}


def test_a_guard_around_a_function_of_another_module_that_catches_everything(tmp_path: Path) -> None:
    """BE403 leaves alone an ``except Exception`` whose ``try`` only calls a function of another module whose
    body catches everything itself (the guard never runs); around a function that lets its errors out the
    error log is reported. The function's own catch-all, which does run, is reported where it is."""
    root = write_project(tmp_path, GUARDED_CATCH_ALLS)
    assert findings_of(root, "BE403") == {("watcher/api.py", 24), ("watcher/queueing.py", 14)}


def test_a_guarded_catch_all_needs_the_project(tmp_path: Path) -> None:
    """Alone (standard input) the file cannot show what the function of the other module catches: both error
    logs are reported."""
    root = write_project(tmp_path, GUARDED_CATCH_ALLS)
    result = run_cli("check", "--select", "BE403", "--no-cache", "--stdin-filename", "watcher/api.py", "-",
                     cwd=root, stdin=(root / "watcher/api.py").read_bytes())
    assert result.stdout.decode().count("BE403") == 2, result.stdout.decode()


def test_a_staff_alert_counts_in_the_handler_not_through_its_helpers(tmp_path: Path) -> None:
    """``mail_admins`` in a helper of another module is error reporting (onadata's ``report_exception`` behind
    every failed call to a form service): a handler that calls the helper is not reported. A handler that calls
    ``mail_admins`` itself (a feedback form) is, and so is one whose helper calls ``send_mail``."""
    files = {
        "pyproject.toml": '[project]\nname = "forms"\nversion = "1"\n',
        "forms/__init__.py": "",
        "forms/errors.py": """\
            from django.core.mail import mail_admins, send_mail


            def report_exception(subject, info):
                mail_admins(subject=subject, message=info)


            def notify_owner(owner):
                send_mail("Shared", "A form was shared", None, [owner.email])
        """,
        "forms/views.py": """\
            from django.core.mail import mail_admins
            from django.http import JsonResponse

            from forms.errors import notify_owner, report_exception


            def publish(request):
                if not request.POST:
                    report_exception("Publish failed", "no data")
                return JsonResponse({})


            def feedback(request):
                mail_admins("Feedback", request.POST["text"])
                return JsonResponse({})


            def share(request):
                notify_owner(request.user)
                return JsonResponse({})
        """,
        "forms/urls.py": """\
            from django.urls import path

            from forms import views

            urlpatterns = [
                path("publish/", views.publish),
                path("feedback/", views.feedback),
                path("share/", views.share),
            ]
        """,
    }
    root = write_project(tmp_path, files)
    assert findings_of(root, "BE206") == {("forms/views.py", 14), ("forms/views.py", 19)}
