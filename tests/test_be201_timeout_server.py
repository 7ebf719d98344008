"""BE201's "Done when": code fixed by ``backend-lint fix --unsafe-fixes`` stops waiting for a server that never answers.

A TCP server on 127.0.0.1 accepts every connection and never sends a byte. A service module whose calls have
no timeout is fixed with a small ``default-timeout``; each fixed call then ends with its library's timeout
error instead of hanging. The unfixed module is shown to hang (it is still waiting when its bounded run is
cut off). Everything runs as real processes; no timing is asserted.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes import ENV, run_cli

CLIENT = '''\
"""Outbound calls of a status page."""
import http.client
import imaplib
import poplib
import smtplib
import socket
import urllib.request

import requests


class StatusClient:
    def __init__(self, base_url):
        self.base_url = base_url
        self.session = requests.Session()

    def health(self):
        return self.session.get(f"{self.base_url}/health")


def fetch(url):
    return requests.get(url)


def fetch_stdlib(url):
    return urllib.request.urlopen(url).read()


def raw_http(host, port):
    connection = http.client.HTTPConnection(host, port)
    connection.request("GET", "/")
    return connection.getresponse()


def raw_socket(host, port):
    with socket.create_connection((host, port)) as sock:
        return sock.recv(1)


def mail(host, port):
    return smtplib.SMTP(host, port)


def mailbox(host, port):
    return poplib.POP3(host, port)


def imap(host, port):
    return imaplib.IMAP4(host, port)
'''

RUNNER = textwrap.dedent(
    '''
    import importlib
    import smtplib
    import sys
    import urllib.error

    import requests

    sys.path.insert(0, "service")
    # loaded by name, not imported: a module only this runner imported would be command line code, which
    # BE201 leaves alone, and the client stands for service code here
    client = importlib.import_module("client")

    host, port = "127.0.0.1", int(sys.argv[1])
    url = f"http://{host}:{port}"
    calls = {
        "session": lambda: client.StatusClient(url).health(),
        "requests": lambda: client.fetch(url),
        "urlopen": lambda: client.fetch_stdlib(url),
        "http.client": lambda: client.raw_http(host, port),
        "socket": lambda: client.raw_socket(host, port),
        "smtplib": lambda: client.mail(host, port),
        "poplib": lambda: client.mailbox(host, port),
        "imaplib": lambda: client.imap(host, port),
    }
    for name in sys.argv[2:] or calls:
        try:
            calls[name]()
        except (TimeoutError, requests.Timeout):
            print(name, "timeout", flush=True)
        except urllib.error.URLError as exc:
            print(name, "timeout" if isinstance(exc.reason, TimeoutError) else repr(exc), flush=True)
        except smtplib.SMTPServerDisconnected as exc:  # smtplib reports its socket timeout this way
            print(name, "timeout" if "timed out" in str(exc) else repr(exc), flush=True)
        except Exception as exc:
            print(name, repr(exc), flush=True)
        else:
            print(name, "returned", flush=True)
    '''
)
CALLS = ["session", "requests", "urlopen", "http.client", "socket", "smtplib", "poplib", "imaplib"]


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A server that accepts connections and never answers; yields its port."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            held.append(connection)  # keep it open, say nothing

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in held:
            connection.close()
        listener.close()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.backend-lint]\n\n[tool.backend-lint.BE201]\ndefault-timeout = 0.5\n", encoding="utf-8"
    )
    (tmp_path / "service").mkdir()
    (tmp_path / "service" / "client.py").write_text(CLIENT, encoding="utf-8")
    (tmp_path / "run_calls.py").write_text(RUNNER, encoding="utf-8")
    return tmp_path


def _run_calls(project: Path, port: int, *names: str, limit: float) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "run_calls.py", str(port), *names],
        cwd=project, capture_output=True, text=True, env=ENV, timeout=limit,
    )


def test_unfixed_call_hangs(project: Path, silent_server: int) -> None:
    with pytest.raises(subprocess.TimeoutExpired):
        _run_calls(project, silent_server, "requests", limit=3)


def test_fixed_calls_time_out(project: Path, silent_server: int) -> None:
    fixed = run_cli("fix", "--unsafe-fixes", "--select", "BE201", "service/client.py", cwd=project)
    assert fixed.returncode == 0, fixed.stdout.decode() + fixed.stderr.decode()
    text = (project / "service" / "client.py").read_text(encoding="utf-8")
    assert text.count("timeout=0.5") == len(CALLS)

    result = _run_calls(project, silent_server, limit=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"{name} timeout" for name in CALLS]
