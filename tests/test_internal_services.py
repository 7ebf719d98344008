"""The URL paths a module's HTTP calls send requests to at the project's own address of a service
(:func:`backend_lint.analysis.internal_services.client_paths`), in the forms real backends write them; and the
routes of the main application the project declares for its own services (:func:`.internal_api`)."""

from __future__ import annotations

import ast
import textwrap

from backend_lint.analysis.handler_types import Handler
from backend_lint.analysis.handlers import handler_for
from backend_lint.analysis.internal_services import internal_api, internal_api_module, route_path
from backend_lint.analysis.project.index import summary_of
from backend_lint.context import FileContext


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


def _ctx(path: str, code: str) -> FileContext:
    source = textwrap.dedent(code)
    return FileContext(ast.parse(source), source, path, path)


_UNSTRACT_VIEW = """\
    from rest_framework.decorators import api_view
    from rest_framework.response import Response

    @api_view(["POST"])
    def update_pipeline(request, pipeline_id):
        return Response({"ok": True})
"""


def test_a_module_or_package_named_internal_keeps_routes_for_the_projects_own_services() -> None:
    for path in ("backend/pipeline_v2/internal_api_views.py", "backend/workflow_manager/internal_urls.py",
                 "backend/workflow_v2/execution_log_internal_views.py",
                 "rbac/internal/views.py", "rbac/internal/urls.py", "service/internal_api/v1/routes.py"):
        assert internal_api_module(_ctx(path, _UNSTRACT_VIEW)), path
    for path in ("backend/pipeline_v2/views.py", "backend/internals.py", "backend/international_views.py",
                 "international/views.py", "internals/api/views.py"):
        assert not internal_api_module(_ctx(path, _UNSTRACT_VIEW)), path


def _handler(code: str) -> tuple[FileContext, Handler]:
    ctx = _ctx("coprs/views/backend_ns/backend_general.py", code)
    function = next(node for node in ctx.tree.body if isinstance(node, ast.FunctionDef))
    handler = handler_for(ctx, function)
    assert handler is not None
    return ctx, handler


def test_a_handler_behind_a_backend_authentication_decorator_serves_the_project() -> None:
    ctx, handler = _handler("""\
        import flask
        from coprs.views import misc
        bp = flask.Blueprint("backend_ns", __name__, url_prefix="/backend")

        @bp.route("/import-completed/", methods=["POST", "PUT"])
        @misc.backend_authenticated
        def dist_git_upload_completed():
            return flask.jsonify(flask.request.json)
    """)
    assert internal_api(ctx, handler)
    for guard in ("login_required", "api_login_required", "backend_cache"):
        ctx, handler = _handler(f"""\
            import flask
            from coprs.views import misc
            bp = flask.Blueprint("backend_ns", __name__, url_prefix="/backend")

            @bp.route("/import-completed/", methods=["POST"])
            @misc.{guard}
            def dist_git_upload_completed():
                return flask.jsonify(flask.request.json)
        """)
        assert not internal_api(ctx, handler), guard
