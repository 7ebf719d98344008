"""BE201-BE205 in-process on small snippets: exact findings for the cases fixtures cannot show well
(how a value is held, scoping of adapters, retry-loop shapes), and the deliberate misses as xfails."""

from __future__ import annotations

import sys
import textwrap

import pytest

from backend_lint.config import Config
from backend_lint.files import SourceFile
from backend_lint.runner import Checker
from tests.snippets import found


def test_adapter_mounted_in_one_class_does_not_quiet_another() -> None:
    code = """
        import requests
        from requests.adapters import HTTPAdapter

        class Quiet:
            def __init__(self):
                self.session = requests.Session()
                self.session.mount("https://", HTTPAdapter(timeout=3))

            def get(self, url):
                return self.session.get(url)

        class Loud:
            def __init__(self):
                self.session = requests.Session()

            def get(self, url):
                return self.session.get(url)
        """
    assert found(code, "BE201") == [(18, "BE201")]


def test_recursive_factories_end() -> None:
    code = """
        import requests

        def a():
            return b()

        def b():
            return a()

        def use(url):
            return a().get(url)
        """
    assert found(code, "BE201") == []


def test_factory_with_two_different_results_is_unknown() -> None:
    code = """
        import httpx
        import requests

        def client(modern):
            if modern:
                return httpx.Client()
            return requests.Session()

        def use(url):
            return client(True).get(url)
        """
    assert found(code, "BE201") == []


def test_shadowed_requests_is_not_the_library() -> None:
    code = """
        import requests

        def use(url, requests):
            return requests.get(url)
        """
    assert found(code, "BE201") == []


def test_default_timeout_option_is_what_the_fix_writes() -> None:
    from backend_lint.finding import Applicability
    from backend_lint.fixing.apply import fix_text

    checker = Checker.from_config(Config(select=["BE201"], rule_settings={"BE201": {"default-timeout": 2.5}}))
    outcome = fix_text(checker, SourceFile("import requests\nrequests.get('u')\n", "utf-8"), "app/service.py",
                       Applicability.UNSAFE)
    assert outcome.text == "import requests\nrequests.get('u', timeout=2.5)\n"


def test_blocking_call_in_nested_async_def_inside_sync_def() -> None:
    code = """
        import time

        def outer():
            time.sleep(1)

            async def inner():
                time.sleep(1)

            return inner
        """
    assert found(code, "BE204") == [(8, "BE204")]


def test_blocking_call_in_sync_def_inside_async_def_after_it() -> None:
    code = """
        import time

        async def outer():
            def helper():
                time.sleep(1)

            time.sleep(2)
            return helper
        """
    assert found(code, "BE204") == [(8, "BE204")]


@pytest.mark.parametrize(
    ("loop", "expected"),
    [
        pytest.param("for attempt in range(3):\n    try:\n        return f()\n    except OSError:\n        time.sleep(1)",
                     [(8, "BE203")], id="range-return-in-try"),
        pytest.param("while True:\n    try:\n        f()\n    except OSError:\n        time.sleep(1)\n        continue\n"
                     "    break", [(8, "BE203")], id="while-continue-then-break"),
        pytest.param("while True:\n    try:\n        f()\n    except OSError:\n        time.sleep(1)\n    else:\n"
                     "        break", [(8, "BE203")], id="while-else-break"),
        pytest.param("while True:\n    try:\n        job = f()\n    except OSError:\n        time.sleep(1)\n"
                     "        continue\n    job()", [], id="worker-loop"),
        pytest.param("for item in f():\n    try:\n        return item()\n    except OSError:\n        time.sleep(1)",
                     [], id="not-a-range"),
        pytest.param("for attempt in range(3):\n    try:\n        return f()\n    except OSError:\n"
                     "        time.sleep(2 ** attempt)", [], id="exponential"),
        pytest.param("for attempt in range(5):\n    try:\n        return f()\n    except OSError:\n"
                     "        log('not running yet')\n        time.sleep(1)", [], id="says-not-up-yet"),
        pytest.param("for attempt in range(5):\n    try:\n        return f()\n    except OSError:\n"
                     "        log('not failing yet')\n        time.sleep(1)", [(9, "BE203")], id="other-message"),
        pytest.param("for attempt in range(5):\n    try:\n        return f()\n    except OSError:\n"
                     "        # the kernel may not be ready yet\n        time.sleep(1)", [], id="comment-not-up-yet"),
        pytest.param("for attempt in range(5):\n    try:\n        return f.open()\n    except SSHError:\n"
                     "        time.sleep(1)", [], id="ssh-one-host"),
        pytest.param("for attempt in range(5):\n    try:\n        return f.open()\n    except (OSError, SSHError):\n"
                     "        time.sleep(1)", [], id="ssh-in-a-tuple"),
    ],
)
def test_retry_loop_shapes(loop: str, expected: list) -> None:
    code = "import time\n\ndef run(f):\n" + textwrap.indent(loop, "    ") + "\n"
    assert found(code, "BE203") == expected


@pytest.mark.skipif(sys.version_info < (3, 11), reason="except* is Python 3.11 syntax")
@pytest.mark.parametrize(
    ("docstring", "expected"),
    [("Retry the batch; the delay is fixed, not exponential: the clients below already back off.", []),
     ("Retry the batch with exponential backoff.", [(10, "BE203")]),
     ("Give the replica time to become available.", [])],
    ids=["pace-explained", "backoff-claimed", "readiness"],
)
def test_retry_loop_docstring(docstring: str, expected: list) -> None:
    code = f"""
        import time

        def run(f):
            \"\"\"{docstring}\"\"\"
            for attempt in range(5):
                try:
                    return f()
                except OSError:
                    time.sleep(2)
        """
    assert found(code, "BE203") == expected


def test_swallowed_exception_in_except_star() -> None:
    code = """
        def run(f):
            try:
                f.save()
            except* Exception:
                pass
        """
    assert found(code, "BE205", settings={"BE205": {"everywhere": True}}) == [(5, "BE205")]


def test_session_subclass_with_and_without_timeout() -> None:
    code = """
        import requests

        class ApiSession(requests.Session):
            def __init__(self, base_url):
                super().__init__()
                self.base_url = base_url

        class TimeoutSession(requests.Session):
            def request(self, method, url, **kwargs):
                kwargs.setdefault("timeout", 5)
                return super().request(method, url, **kwargs)

        class Client:
            def __init__(self):
                self.api = ApiSession("https://api.internal")
                self.safe = TimeoutSession()

            def use(self, path):
                self.safe.get(path)
                return self.api.get(path)
        """
    assert found(code, "BE201") == [(21, "BE201")]


@pytest.mark.xfail(reason="blocking calls inside a sync helper the coroutine calls are not followed (BE204 Limitations)",
                   strict=True)
def test_blocking_call_in_helper() -> None:
    code = """
        import time

        def pause():
            time.sleep(1)

        async def handler():
            pause()
        """
    assert found(code, "BE204") == [(8, "BE204")]


def test_settimeout_none_in_another_function_is_still_flagged() -> None:
    code = """
        import socket

        def handshake(sock):
            sock.settimeout(5)
            sock.sendall(b"HELLO")

        def block(sock):
            sock.settimeout(None)
        """
    assert found(code, "BE202") == [(9, "BE202")]


def test_ftp_connect_on_a_self_attribute() -> None:
    code = """
        import ftplib

        class Uploader:
            def __init__(self):
                self.ftp = ftplib.FTP()

            def open(self, host):
                self.ftp.connect(host, 21)
        """
    assert found(code, "BE201") == [(9, "BE201")]


@pytest.mark.parametrize(("tries", "expected"), [(6, []), (7, [(4, "BE203")])], ids=["5s", "6s"])
def test_short_read_poll_bound(tries: int, expected: list) -> None:
    code = f"""
        import backoff

        @backoff.on_exception(backoff.constant, Exception, interval=1, max_tries={tries})
        def get_row(store, key):
            return store.one(key)
        """
    assert found(code, "BE203") == expected


def test_short_read_poll_that_calls_the_network_is_a_retry() -> None:
    code = """
        import backoff
        import requests

        @backoff.on_exception(backoff.constant, Exception, interval=1, max_tries=3)
        def get_rate(url):
            return requests.get(url, timeout=5).json()
        """
    assert found(code, "BE203") == [(5, "BE203")]


def test_swallow_in_a_drf_view_method_is_flagged_by_default() -> None:
    code = """
        from rest_framework.views import APIView

        class RefundView(APIView):
            def post(self, request, pk):
                try:
                    refund(pk)
                except Exception:
                    pass
        """
    assert found(code, "BE205") == [(8, "BE205")]


def test_swallow_needs_evidence_that_the_failure_loses_something() -> None:
    """A catch-all is reported only when the code shows what its failure loses: work in the ``try``, work the
    handler skips, a made-up value, or a request answered as if it worked (a POST: a GET that only reads
    answers "nothing" on purpose, tests/fixtures/BE205_reads.py). A read with a default is not."""
    code = """
        from celery import shared_task
        from flask import Flask, jsonify

        app = Flask(__name__)

        @shared_task
        def lookup(key, store):
            try:
                return store.fetch(key)
            except Exception:
                return None

        @shared_task
        def skipped_write(user_id, users, actions):
            try:
                user = users.get(user_id)
            except Exception:
                return False
            actions.create(user=user)

        @shared_task
        def rate(rates):
            try:
                return rates.latest("EUR")
            except Exception:
                return 1.0

        @shared_task
        def maybe_rate(rates):
            try:
                return rates.latest("EUR")
            except Exception:
                return None

        @app.post("/items/<int:item_id>/check")
        def item(item_id, store):
            try:
                return jsonify(store.fetch(item_id))
            except Exception:
                return None

        @app.get("/stats")
        def stats(chats, compute):
            items = []
            for chat in chats:
                try:
                    items.append(compute(chat))
                except Exception:
                    pass
            return jsonify(items=items)

        @shared_task
        def migrate_rows(bind, rows, text):
            for row in rows:
                try:
                    bind.execute(text("UPDATE row SET done = true WHERE id = :id"), {"id": row.id})
                except Exception:
                    continue
                try:
                    bind.execute(text("SELECT 1"))
                except Exception:
                    continue
        """
    assert found(code, "BE205") == [(18, "BE205"), (26, "BE205"), (40, "BE205"), (49, "BE205"), (58, "BE205")]


def test_swallow_before_work_that_uses_the_missing_value() -> None:
    """``pass`` goes on, and the work after the ``try`` uses what the ``try`` was to read: it is done without it
    (a migration writing the new settings table empty). Work after it that does not use the value is no evidence."""
    code = """
        from celery import shared_task

        @shared_task
        def move(conn, op, old, new):
            blob = {}
            try:
                row = conn.execute(old.select()).fetchone()
                if row:
                    blob = row[0]
            except Exception:
                pass
            op.rename_table("config", "config_old")
            for key, value in blob.items():
                conn.execute(new.insert().values(key=key, value=value))

        @shared_task
        def unrelated(conn, op, old):
            try:
                row = conn.execute(old.select()).fetchone()
                if row:
                    print(row)
            except Exception:
                pass
            op.rename_table("config", "config_old")
        """
    assert found(code, "BE205") == [(11, "BE205")]
