"""BE304 on a project: an endpoint factory that no module registers is dead code, one that is imported is not.

Both factories build a Flask view that answers an exception's text; the project model decides whether another
module imports the factory (or its module), through the real CLI and ``flake8 --select BE`` as processes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.projects import findings_of, write_project

FACTORY = """\
    from flask import jsonify


    def {name}():
        def stats():
            try:
                return jsonify(read_stats())
            except Exception as e:
                return jsonify({{"error": str(e)}}), 500

        return stats
"""

PROJECT = {
    "app/__init__.py": "",
    "app/debug_pool.py": FACTORY.format(name="get_pool_stats_endpoint"),
    "app/stats.py": FACTORY.format(name="get_stats_endpoint"),
    "app/main.py": """\
        from flask import Flask

        from app.stats import get_stats_endpoint

        app = Flask(__name__)
        app.add_url_rule("/stats", view_func=get_stats_endpoint())
    """,
}


def test_a_factory_nothing_imports_is_not_reported(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, PROJECT), "BE304")
    assert found == {(os.path.join("app", "stats.py"), 9)}, "app/debug_pool.py is imported by no module"


ADMIN_PROJECT = {
    "shop/__init__.py": "",
    "shop/security/__init__.py": "",
    "shop/security/manager.py": """\
        class ShopSecurityManager:
            USER_VIEWS = {"UserDBModelView"}

            ADMIN_ONLY_VIEW_MENUS = {
                "Row Level Security",
                "RoleRestAPI",
            } | USER_VIEWS

            ADMIN_ONLY_PERMISSIONS = {"can_update_role"}
    """,
    "shop/api.py": """\
        from flask_appbuilder.api import BaseApi, expose, permission_name
        from sqlalchemy.exc import SQLAlchemyError

        from shop.commands import run


        class RLSRestApi(BaseApi):
            class_permission_name = "Row Level Security"

            @expose("/", methods=("POST",))
            def post(self):
                try:
                    return self.response(201, id=run())
                except SQLAlchemyError as ex:
                    return self.response_422(message=str(ex))


        class RoleRestAPI(BaseApi):
            @expose("/search/", methods=("GET",))
            def search(self):
                try:
                    return self.response(200, result=run())
                except Exception as ex:
                    return self.response_500(message=str(ex))


        class GroupRestAPI(BaseApi):
            class_permission_name = "Group"

            @expose("/<pk>", methods=("PUT",))
            @permission_name("update_role")
            def put(self, pk):
                try:
                    return self.response(200, result=run())
                except Exception as ex:
                    return self.response_500(message=str(ex))


        class CacheRestApi(BaseApi):
            class_permission_name = "CacheRestApi"

            @expose("/invalidate", methods=("POST",))
            def invalidate(self):
                try:
                    return self.response(201, result=run())
                except SQLAlchemyError as ex:
                    return self.response_500(message=str(ex))
    """,
    "shop/commands.py": """\
        def run():
            return 1
    """,
}


def test_views_listed_as_admin_only_in_another_module_are_not_reported(tmp_path: Path) -> None:
    """Superset's security manager lists the view menus and permissions only the Admin role gets; a view whose
    ``class_permission_name`` (or class name, or method permission) is listed answers administrators only."""
    found = findings_of(write_project(tmp_path, ADMIN_PROJECT), "BE304")
    assert found == {(os.path.join("shop", "api.py"), 47)}, "only CacheRestApi is open to non-administrators"


PERMISSION_PROJECT = {
    "printer/__init__.py": "",
    "printer/access/__init__.py": """\
        ADMIN_GROUP = "admins"
        USER_GROUP = "users"
    """,
    "printer/access/permissions.py": """\
        from flask_principal import Permission, RoleNeed

        from printer.access import ADMIN_GROUP, USER_GROUP


        class PrinterPermission(Permission):
            def __init__(self, name, *needs, dangerous=False, default_groups=None):
                super().__init__(*needs)


        class Permissions:
            ADMIN = PrinterPermission("Admin", RoleNeed("admin"), dangerous=True, default_groups=[ADMIN_GROUP])
            SETTINGS = PrinterPermission("Settings Admin", RoleNeed("settings"), dangerous=True)
            TIMELAPSE_DELETE = PrinterPermission("Timelapse Delete", RoleNeed("delete"), default_groups=[USER_GROUP])
    """,
    "printer/api.py": """\
        import os

        from flask import Blueprint, abort, jsonify

        from printer.access.permissions import Permissions

        api = Blueprint("api", __name__)


        @api.route("/profiles", methods=["POST"])
        @Permissions.SETTINGS.require(403)
        def save_profile():
            try:
                return jsonify(os.listdir("/profiles"))
            except Exception as e:
                abort(500, description="Could not save profile: %s" % str(e))


        @api.route("/timelapse/<name>", methods=["DELETE"])
        @Permissions.TIMELAPSE_DELETE.require(403)
        def delete_timelapse(name):
            try:
                os.remove(os.path.join("/timelapse", name))
                os.remove(os.path.join("/thumbnails", name))
            except Exception as e:
                abort(500, description="Could not delete: %s" % str(e))
            return jsonify({})
    """,
}


def test_a_permission_only_administrators_hold_is_an_admin_only_endpoint(tmp_path: Path) -> None:
    """OctoPrint's ``Permissions.SETTINGS`` is marked dangerous and given to no default group (only the admin group,
    which holds every permission, has it); ``TIMELAPSE_DELETE`` goes to every user."""
    found = findings_of(write_project(tmp_path, PERMISSION_PROJECT), "BE304")
    assert found == {(os.path.join("printer", "api.py"), 26)}


SERVICE_PROJECT = {
    "certs/__init__.py": "",
    "certs/service.py": """\
        from certs.models import Certificate


        def stats(metric):
            if metric not in ["bits", "issuer"]:
                raise Exception(f"Stats not available for requested metric: {metric}")
            return Certificate.query.group_by(metric).all()


        def revoke(cert):
            return cert.issuer.plugin.revoke(cert)
    """,
    "certs/models.py": """\
        class Certificate:
            query = None
    """,
    "certs/views.py": """\
        from flask import Blueprint, request

        from certs import service

        bp = Blueprint("certs", __name__)


        @bp.route("/stats")
        def stats():
            try:
                items = service.stats(request.args["metric"])
            except Exception as e:
                return dict(message=f"Failed to retrieve stats: {str(e)}"), 400
            return dict(items=items)


        @bp.route("/revoke/<int:pk>", methods=["PUT"])
        def revoke(pk):
            try:
                message = service.revoke(pk)
            except Exception as e:
                return dict(message=f"Failed to revoke: {str(e)}"), 400
            return dict(message=message)
    """,
}


def test_a_service_refusal_answered_400_is_not_reported(tmp_path: Path) -> None:
    """lemur's ``service.stats`` raises a plain ``Exception`` with its own message for a metric outside its
    allow-list, and the view answers it with 400; ``service.revoke`` raises nothing of its own."""
    found = findings_of(write_project(tmp_path, SERVICE_PROJECT), "BE304")
    assert found == {(os.path.join("certs", "views.py"), 22)}


WATCH_APP = """\
    import requests
    from flask import Flask, make_response, request

    app = Flask(__name__)


    @app.route("/preview", methods=["POST"])
    def preview():
        try:
            return requests.get(request.form["url"], timeout=10).text
        except Exception as e:
            return make_response(str(e).splitlines()[0], 502)
"""

SINGLE_ACCOUNT_PROJECT = {
    "watch/__init__.py": "",
    "watch/app.py": WATCH_APP,
    "watch/login.py": """\
        import flask_login


        class User(flask_login.UserMixin):
            id = None

            def get_id(self):
                return str(self.id)
    """,
}

ACCOUNTS_PROJECT = {
    **SINGLE_ACCOUNT_PROJECT,
    "watch/login.py": """\
        import flask_login


        class User(flask_login.UserMixin):
            def __init__(self, id):
                self.id = id
    """,
}


def test_an_application_with_one_account_shows_errors_to_its_operator(tmp_path: Path) -> None:
    """changedetection.io's Flask-Login user is no database row (``id = None``, no ``__init__``): every signed-in
    visitor is the instance's operator, and the fetch error is their diagnostic."""
    assert findings_of(write_project(tmp_path / "one", SINGLE_ACCOUNT_PROJECT), "BE304") == set()
    found = findings_of(write_project(tmp_path / "many", ACCOUNTS_PROJECT), "BE304")
    assert found == {(os.path.join("watch", "app.py"), 12)}, "a user per id: many accounts"


PASSWORD_PROJECT = {
    "trade/__init__.py": "",
    "trade/app.py": WATCH_APP,
    "trade/auth.py": """\
        from trade.env import ENV_VALUES


        def login(password):
            if password != ENV_VALUES["PASSWORD"]:
                return None
            return "token"
    """,
    "trade/env.py": "ENV_VALUES = {}\n",
}

PASSWORD_USERS_PROJECT = {
    **PASSWORD_PROJECT,
    "trade/models.py": """\
        class User:
            name = ""
    """,
}


def test_an_application_whose_only_credential_is_one_password_shows_errors_to_its_operator(tmp_path: Path) -> None:
    """Jesse compares what the client sent with ``ENV_VALUES["PASSWORD"]`` and keeps no users: the one caller is
    the installation's operator. A project with a user class beside the password has accounts."""
    assert findings_of(write_project(tmp_path / "one", PASSWORD_PROJECT), "BE304") == set()
    found = findings_of(write_project(tmp_path / "many", PASSWORD_USERS_PROJECT), "BE304")
    assert found == {(os.path.join("trade", "app.py"), 12)}, "a user class: many accounts"


SHIELDED = {
    "docs/__init__.py": "",
    "docs/database.py": """\
        import logging

        logger = logging.getLogger(__name__)


        class Database:
            async def list_folders(self, owner):
                try:
                    async with self.session() as session:
                        return await session.folders(owner)
                except Exception as e:
                    logger.error(f"Error listing folders: {e}")
                    return []

            async def get_folder(self, owner, name):
                async with self.session() as session:
                    return await session.folder(owner, name)
    """,
    "docs/services.py": """\
        from docs.database import Database


        class DocumentService:
            def __init__(self):
                self.db = Database()


        document_service = DocumentService()
    """,
    "docs/routes.py": """\
        from fastapi import APIRouter, HTTPException

        from docs.services import document_service

        router = APIRouter()


        @router.get("/folders")
        async def list_folders(owner: str):
            try:
                folders = await document_service.db.list_folders(owner)
                return folders
            except Exception as e:
                raise HTTPException(status_code=500, detail=str(e))


        @router.get("/folders/{name}")
        async def get_folder(owner: str, name: str):
            try:
                return await document_service.db.get_folder(owner, name)
            except Exception as e:
                raise HTTPException(status_code=500, detail=str(e))
    """,
}


def test_a_try_of_methods_that_catch_everything_leaks_nothing(tmp_path: Path) -> None:
    """morphik: ``Database.list_folders`` answers ``[]`` on any error, so the route's ``str(e)`` never carries a
    database error; ``get_folder`` lets its errors out, and its route is reported."""
    root = write_project(tmp_path, SHIELDED)
    assert findings_of(root, "BE304") == {(os.path.join("docs", "routes.py"), 22)}


OPERATOR_TOOL = {
    "pyproject.toml": """\
        [project]
        name = "kbtool"
        version = "1.0"

        [project.scripts]
        kbtool = "kbtool.cli:main"
    """,
    "kbtool/__init__.py": "",
    "kbtool/cli.py": """\
        import uvicorn

        from kbtool.server import app


        def main():
            uvicorn.run(app, host="127.0.0.1", port=7861)
    """,
    "kbtool/server.py": """\
        from fastapi import FastAPI, HTTPException

        from kbtool.tools import query_index

        app = FastAPI()


        @app.post("/profiles/{name}")
        def save_profile(name: str):
            try:
                return query_index(name)
            except Exception as e:
                raise HTTPException(status_code=500, detail=str(e))
    """,
    "kbtool/tools.py": """\
        import requests
        from requests.auth import HTTPBasicAuth


        def query_index(name):
            auth = HTTPBasicAuth("elastic", "changeme")  # credentials the tool sends, not ones it checks
            headers = {"Authorization": "Bearer local-token"}
            return requests.get(f"http://localhost:9200/{name}", auth=auth, headers=headers, timeout=5).json()
    """,
}


def test_a_tool_that_authenticates_nobody_shows_errors_to_its_operator(tmp_path: Path) -> None:
    """Langchain-Chatchat: a program its user installs and starts (a console command), whose API server mounts every
    router with no authentication and whose modules check no credential anywhere: the caller is the operator."""
    assert findings_of(write_project(tmp_path / "tool", OPERATOR_TOOL), "BE304") == set()
    served = {name: text for name, text in OPERATOR_TOOL.items() if name != "pyproject.toml"}
    served["pyproject.toml"] = '[project]\nname = "kbtool"\nversion = "1.0"\n'
    found = findings_of(write_project(tmp_path / "service", served), "BE304")
    assert found == {(os.path.join("kbtool", "server.py"), 13)}, "no console command: a deployed service"


CHECKS = {
    "bearer": """\
        from fastapi import APIRouter, Depends
        from fastapi.security import HTTPBearer

        router = APIRouter(dependencies=[Depends(HTTPBearer())])
    """,
    "header": """\
        from fastapi import Request


        def caller_token(request: Request):
            return request.headers.get("Authorization", "").removeprefix("Bearer ")
    """,
}


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_a_tool_that_authenticates_anywhere_keeps_the_finding(tmp_path: Path, check: str) -> None:
    """One router of the project checks a bearer token, or reads the caller's ``Authorization`` header: the
    application has callers it tells apart, and the router that forgot to is an ordinary missing check, whose
    error text reaches whoever calls it."""
    project = {**OPERATOR_TOOL, "kbtool/admin.py": CHECKS[check]}
    found = findings_of(write_project(tmp_path / "tool", project), "BE304")
    assert found == {(os.path.join("kbtool", "server.py"), 13)}


ROUTER = """\
    from fastapi import APIRouter, HTTPException

    from app.service import complete

    router = APIRouter(prefix="/v1")


    @router.post("/chat/completions")
    async def chat_completions(body: dict):
        try:
            return await complete(body)
        except Exception as e:
            raise HTTPException(status_code=500, detail=f"{e}")
"""

ROUTER_PROJECT = {
    "app/__init__.py": "",
    "app/service.py": "async def complete(body):\n    return body\n",
    "app/routers/__init__.py": "",
    "app/routers/chat.py": ROUTER,
    "app/routers/openai_chat.py": ROUTER,
    "app/main.py": """\
        from fastapi import FastAPI

        from app.routers.chat import router

        app = FastAPI()
        app.include_router(router)
    """,
}


def test_a_router_no_module_mounts_is_not_reported(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, ROUTER_PROJECT), "BE304")
    assert found == {(os.path.join("app", "routers", "chat.py"), 13)}, "openai_chat.py's router is mounted nowhere"


def test_a_router_a_discovering_loader_may_mount_is_reported(tmp_path: Path) -> None:
    project = dict(ROUTER_PROJECT)
    project["app/main.py"] = """\
        import importlib
        import pkgutil

        from fastapi import FastAPI

        import app.routers

        app = FastAPI()
        for info in pkgutil.iter_modules(app.routers.__path__):
            app.include_router(importlib.import_module(f"app.routers.{info.name}").router)
    """
    found = findings_of(write_project(tmp_path, project), "BE304")
    assert found == {
        (os.path.join("app", "routers", "chat.py"), 13),
        (os.path.join("app", "routers", "openai_chat.py"), 13),
    }


WRAPPED_CALLBACKS = {
    "bot/__init__.py": "",
    "bot/config.py": """\
        from dataclasses import dataclass
        from typing import Callable, Optional


        @dataclass
        class CodeSettings:
            on_connect: Optional[Callable] = None
            on_disconnect: Optional[Callable] = None
            on_upload: Optional[Callable] = None


        @dataclass
        class Config:
            code: CodeSettings


        config = Config(code=CodeSettings())
    """,
    "bot/utils.py": """\
        import functools
        import inspect
        import logging

        logger = logging.getLogger(__name__)


        def wrap_user_function(user_function, with_task=False):
            @functools.wraps(user_function)
            async def wrapper(*args):
                names = list(inspect.signature(user_function).parameters.keys())
                params = dict(zip(names, args))
                try:
                    return await user_function(**params)
                except Exception as e:
                    logger.exception(e)

            return wrapper


        def wrap_plainly(user_function):
            async def wrapper(*args):
                return await user_function(*args)

            return wrapper
    """,
    "bot/callbacks.py": """\
        from bot.config import config
        from bot.utils import wrap_plainly, wrap_user_function


        def on_connect(func):
            config.code.on_connect = wrap_user_function(func)
            return func


        def on_disconnect(func):
            config.code.on_disconnect = wrap_user_function(func)
            return func


        def on_upload(func):
            config.code.on_upload = wrap_plainly(func)
            return func
    """,
    "bot/server.py": """\
        from fastapi import APIRouter, HTTPException

        from bot.config import config

        router = APIRouter()


        @router.post("/connect")
        async def connect(name: str):
            try:
                await config.code.on_connect(name)
            except Exception as e:
                raise HTTPException(status_code=400, detail=f"Could not connect: {e!s}")


        @router.post("/disconnect")
        async def disconnect(name: str):
            callback = config.code.on_disconnect
            try:
                if callback:
                    await callback(name)
            except Exception as e:
                raise HTTPException(status_code=400, detail=f"Could not disconnect: {e!s}")


        @router.post("/upload")
        async def upload(name: str):
            try:
                await config.code.on_upload(name)
            except Exception as e:
                raise HTTPException(status_code=400, detail=f"Could not upload: {e!s}")
    """,
}


def test_a_callback_stored_only_as_a_swallowing_wrapper_leaks_nothing(tmp_path: Path) -> None:
    """chainlit: ``config.code.on_mcp_connect = wrap_user_function(func)``, whose wrapper logs every ``Exception``
    of the user's callback; the server's ``except Exception as e`` around the call never sees the callback's text,
    also through a local bound to the attribute. A callback stored by a wrapper that lets errors out is reported."""
    root = write_project(tmp_path, WRAPPED_CALLBACKS)
    assert findings_of(root, "BE304") == {(os.path.join("bot", "server.py"), 31)}
