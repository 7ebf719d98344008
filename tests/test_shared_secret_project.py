"""BE302 on a project: an application behind one shared secret that the project's own client sends
(:mod:`backend_lint.analysis.shared_secret_guards`).

backend.ai's storage proxy serves its "Manager-facing API" (``POST /folder/create``, ``/folder/file/fetch``) behind
an aiohttp middleware that compares the ``X-BackendAI-Storage-Auth-Token`` header with the configured
``api.manager.secret`` and answers 403 otherwise; the manager's client module sends that header. No client outside
the project holds the key, so the paths are a contract between the project's own services. The same app whose
header no other module sends, or whose guard looks the key up, is still reported. Through the real CLI as a process.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.projects import findings_of, write_project

STORAGE = """\
    from aiohttp import web


    @web.middleware
    async def token_auth_middleware(request, handler):
        token = request.headers.get("X-Storage-Auth-Token", None)
        if token != request.app["config"].manager.secret:
            raise web.HTTPForbidden(text="invalid auth token")
        return await handler(request)


    async def create_folder(request):
        return web.json_response({})


    async def fetch_file(request):
        return web.json_response({})


    def init_manager_app(config):
        app = web.Application(middlewares=[token_auth_middleware])
        app["config"] = config
        app.router.add_route("POST", "/api/folder/create", create_folder)
        return app


    def init_public_app(config):
        app = web.Application()
        app.router.add_route("POST", "/api/file/fetch", fetch_file)
        return app
"""

CLIENT = """\
    import aiohttp

    AUTH_TOKEN_HDR = "X-Storage-Auth-Token"


    async def create_folder(base_url, secret):
        async with aiohttp.ClientSession(headers={AUTH_TOKEN_HDR: secret}) as session:
            await session.post(f"{base_url}/api/folder/create")
"""


def _project(client: str) -> dict[str, str]:
    return {
        "storage/__init__.py": "",
        "storage/api.py": STORAGE,
        "manager/__init__.py": "",
        "manager/client.py": client,
    }


def test_routes_behind_a_secret_the_projects_own_client_sends_are_left_alone(tmp_path: Path) -> None:
    """The guarded app's verb path is the project's own contract; the unguarded app beside it is still reported."""
    assert findings_of(write_project(tmp_path, _project(CLIENT)), "BE302") == {(os.path.join("storage", "api.py"), 29)}


def test_a_guard_whose_header_no_other_module_sends_is_reported(tmp_path: Path) -> None:
    project = _project(CLIENT.replace("X-Storage-Auth-Token", "X-Other-Token"))
    assert findings_of(write_project(tmp_path, project), "BE302") == {
        (os.path.join("storage", "api.py"), 23), (os.path.join("storage", "api.py"), 29)}


def test_a_guard_that_looks_the_key_up_admits_the_apis_clients(tmp_path: Path) -> None:
    project = _project(CLIENT)
    project["storage/api.py"] = STORAGE.replace(
        'token != request.app["config"].manager.secret', 'not await request.app["keys"].find(token)')
    assert findings_of(write_project(tmp_path, project), "BE302") == {
        (os.path.join("storage", "api.py"), 23), (os.path.join("storage", "api.py"), 29)}


def test_a_guard_comparing_with_a_key_looked_up_into_a_local_admits_the_apis_clients(tmp_path: Path) -> None:
    """``key = await ...find(token)`` then ``token != key``: the local holds a looked-up key, not one configured."""
    project = _project(CLIENT)
    project["storage/api.py"] = STORAGE.replace(
        '        if token != request.app["config"].manager.secret:',
        '        key = await request.app["keys"].find(token)\n        if token != key:')
    assert findings_of(write_project(tmp_path, project), "BE302") == {
        (os.path.join("storage", "api.py"), 24), (os.path.join("storage", "api.py"), 30)}


def test_a_client_writing_the_header_in_lower_case_sends_it(tmp_path: Path) -> None:
    """HTTP header names are case-insensitive: ``"x-storage-auth-token"`` in the client is the guard's header."""
    project = _project(CLIENT.replace("X-Storage-Auth-Token", "x-storage-auth-token"))
    assert findings_of(write_project(tmp_path, project), "BE302") == {(os.path.join("storage", "api.py"), 29)}


READER = '''\
    """Logs the ``"X-Storage-Auth-Token"`` header's presence."""


    def has_token(request):
        return "X-Storage-Auth-Token" in request.headers or bool(request.headers.get("X-Storage-Auth-Token"))
'''


def test_a_module_only_reading_the_header_is_no_client(tmp_path: Path) -> None:
    """Another server module that reads the header from a request (or a docstring naming it) sends nothing: with
    no module writing it, the guarded app is reported like any other."""
    project = _project(CLIENT.replace("X-Storage-Auth-Token", "X-Other-Token"))
    project["manager/reader.py"] = READER
    assert findings_of(write_project(tmp_path, project), "BE302") == {
        (os.path.join("storage", "api.py"), 23), (os.path.join("storage", "api.py"), 29)}
