"""The URL paths a module's HTTP calls send requests to at the project's own address of a service
(:func:`backend_lint.analysis.internal_services.client_paths`), in the forms real backends write them."""

from __future__ import annotations

import textwrap

from backend_lint.analysis.internal_services import route_path
from backend_lint.analysis.project.index import summary_of


def _paths(code: str) -> list[str]:
    summary = summary_of("shop/client.py", textwrap.dedent(code).encode())
    assert summary is not None
    return summary.client_paths


def test_a_base_and_a_literal_path_in_every_spelling() -> None:
    assert _paths("""\
        import httpx
        import requests
        from urllib.parse import urljoin

        from shop import settings


        def a(data):
            requests.post(settings.INDEX_SERVER + "/build/", json=data, timeout=5)


        async def b(self, data):
            await self.client.post(f"{self.server_url}/partition", json=data)


        def c(self):
            url = f"{self.base_url.rstrip('/')}/files/{self.name}"
            return httpx.get(url, timeout=5)


        def d(self, path):
            return self._send_request("POST", f"{self.sandbox_url}/upload_file", files={"f": path})


        def e(base):
            return requests.get(urljoin(base, "health/"), timeout=5)


        def f(base):
            return requests.post(base.rstrip("/") + "/mcp/sse", timeout=5)


        def g():
            return requests.post("http://localhost:8005/face-encodings", timeout=5)


        def h():
            return requests.post("http://127.0.0.1:8008/", timeout=5)
    """) == ["", "build", "face-encodings", "files/{}", "health", "mcp/sse", "partition", "upload_file"]


def test_public_hosts_bare_bases_and_other_calls_are_not_recorded() -> None:
    assert _paths("""\
        import os

        import requests


        def a(data):
            requests.post("https://api.example.com/build/", json=data, timeout=5)


        def b(base):
            return requests.get(f"{base}/", timeout=5)


        def c(base, endpoint):
            return requests.get(f"{base}/{endpoint}", timeout=5)


        def d(root):
            return os.path.join(f"{root}/uploads", "x")


        def e():
            return requests.get(f"https://api.github.com/repos/{os.environ['REPO']}", timeout=5)
    """) == []


def test_route_paths_are_read_in_the_same_form() -> None:
    assert route_path("/build/") == "build"
    assert route_path("/search/<int:user_id>") == "search/{}"
    assert route_path("/files/{path:path}") == "files/{}"
    assert route_path("/") == ""
