"""BE304 on a project: an application-wide error handler that keeps the exception's text from clients.

A FastAPI handler registered for ``HTTPException`` that answers 500s with a generic message (surfsense's
``_http_exception_handler``), or a Flask handler for 500 or ``HTTPException`` that never reads the error's text,
hides ``raise HTTPException(500, detail=str(e))``/``abort(500, str(e))`` in every module; a handler that passes the
detail on (the default's behaviour) hides nothing. Through the real CLI and ``flake8 --select BE`` as processes.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.projects import findings_of, write_project

ROUTES = """\
    from fastapi import APIRouter, HTTPException, status
    from sqlalchemy.exc import SQLAlchemyError

    from shop.db import load

    router = APIRouter()


    @router.get("/a")
    async def a():
        try:
            return await load()
        except Exception as e:
            raise HTTPException(status_code=500, detail=str(e)) from e


    @router.get("/b")
    async def b():
        try:
            return await load()
        except SQLAlchemyError as e:
            raise HTTPException(status.HTTP_500_INTERNAL_SERVER_ERROR, f"Database error: {e}") from e


    @router.get("/c")
    async def c():
        try:
            return await load()
        except Exception as e:
            raise HTTPException(status_code=502, detail=str(e)) from e
"""

FASTAPI_MASKING = {
    "pyproject.toml": "[project]\nname = 'shop'\n",
    "shop/__init__.py": "",
    "shop/db.py": "async def load():\n    return {}\n",
    "shop/routes.py": ROUTES,
    "shop/errors.py": """\
        import logging

        from fastapi.responses import JSONResponse

        logger = logging.getLogger(__name__)
        GENERIC_5XX_MESSAGE = "Something went wrong on our side."


        def http_exception_handler(request, exc):
            detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
            if exc.status_code >= 500:
                logger.error("%s: %s", request.url.path, detail)
            should_sanitize = exc.status_code == 500
            if should_sanitize:
                detail = GENERIC_5XX_MESSAGE
            return JSONResponse({"detail": detail}, status_code=exc.status_code)
    """,
    "shop/main.py": """\
        from fastapi import FastAPI
        from starlette.exceptions import HTTPException as StarletteHTTPException

        from shop.errors import http_exception_handler
        from shop.routes import router

        app = FastAPI()
        app.add_exception_handler(StarletteHTTPException, http_exception_handler)
        app.include_router(router)
    """,
}


def test_a_handler_that_masks_500s_in_another_module_hides_their_text(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, FASTAPI_MASKING), "BE304")
    assert found == {(os.path.join("shop", "routes.py"), 30)}, "only the 502, which the handler passes on, stays"


def test_a_decorated_handler_answering_a_constant_for_5xx_masks_them(tmp_path: Path) -> None:
    project = {**FASTAPI_MASKING, "shop/errors.py": "", "shop/main.py": """\
        import fastapi
        from fastapi.responses import JSONResponse

        from shop.routes import router

        app = fastapi.FastAPI()
        app.include_router(router)


        @app.exception_handler(fastapi.HTTPException)
        async def on_http_error(request, exc):
            if exc.status_code >= 500:
                return JSONResponse({"detail": "Internal error"}, status_code=exc.status_code)
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
    """}
    assert findings_of(write_project(tmp_path, project), "BE304") == set()


def test_a_handler_that_passes_the_detail_on_hides_nothing(tmp_path: Path) -> None:
    project = {**FASTAPI_MASKING, "shop/errors.py": """\
        import logging

        from fastapi.exception_handlers import http_exception_handler as default_handler

        logger = logging.getLogger(__name__)


        async def http_exception_handler(request, exc):
            logger.error("HTTP error %s: %s", exc.status_code, exc.detail)
            return await default_handler(request, exc)
    """}
    found = findings_of(write_project(tmp_path, project), "BE304")
    assert found == {(os.path.join("shop", "routes.py"), line) for line in (14, 22, 30)}


def test_an_exception_handler_does_not_see_http_exceptions_in_fastapi(tmp_path: Path) -> None:
    project = {**FASTAPI_MASKING, "shop/main.py": """\
        from fastapi import FastAPI

        from shop.errors import http_exception_handler
        from shop.routes import router

        app = FastAPI()
        app.add_exception_handler(Exception, http_exception_handler)
        app.add_exception_handler(500, http_exception_handler)
        app.include_router(router)
    """}
    found = findings_of(write_project(tmp_path, project), "BE304")
    assert found == {(os.path.join("shop", "routes.py"), line) for line in (14, 22, 30)}


FLASK_MASKING = {
    "pyproject.toml": "[project]\nname = 'blog'\n",
    "blog/__init__.py": "",
    "blog/db.py": "def load():\n    return {}\n",
    "blog/views.py": """\
        from flask import Blueprint, abort, jsonify
        from werkzeug.exceptions import InternalServerError

        from blog.db import load

        bp = Blueprint("posts", __name__)


        @bp.route("/a")
        def a():
            try:
                return jsonify(load())
            except Exception as e:
                abort(500, str(e))


        @bp.route("/b")
        def b():
            try:
                return jsonify(load())
            except Exception as e:
                raise InternalServerError(description=f"failed: {e}") from e


        @bp.route("/c")
        def c():
            try:
                return jsonify(load())
            except Exception as e:
                return jsonify({"error": str(e)}), 500


        @bp.route("/d")
        def d():
            try:
                return jsonify(load())
            except Exception as e:
                abort(503, str(e))
    """,
    "blog/errors.py": """\
        from flask import jsonify


        def register(app):
            @app.errorhandler(500)
            def internal_error(error):
                app.logger.error("internal error: %s", error.description)
                return jsonify({"error": "Internal server error"}), 500
    """,
}


def test_a_flask_500_handler_answering_a_constant_hides_aborts_with_500(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, FLASK_MASKING), "BE304")
    assert found == {(os.path.join("blog", "views.py"), line) for line in (30, 38)}, (
        "a returned response never reaches the handler; a 503 is not its status"
    )


def test_a_flask_http_exception_handler_passing_the_description_hides_nothing(tmp_path: Path) -> None:
    project = {**FLASK_MASKING, "blog/errors.py": """\
        from flask import jsonify
        from werkzeug.exceptions import HTTPException


        def register(app):
            app.register_error_handler(HTTPException, on_http_error)


        def on_http_error(error):
            return jsonify({"error": error.description}), error.code
    """}
    found = findings_of(write_project(tmp_path, project), "BE304")
    assert found == {(os.path.join("blog", "views.py"), line) for line in (14, 22, 30, 38)}


def test_a_blueprint_handler_serves_only_its_own_module(tmp_path: Path) -> None:
    project = {**FLASK_MASKING, "blog/errors.py": """\
        from flask import Blueprint, jsonify

        api_bp = Blueprint("api", __name__)


        @api_bp.errorhandler(500)
        def handle_500(err):
            return jsonify({"msg": "Internal Server Error"}), 500
    """}
    found = findings_of(write_project(tmp_path, project), "BE304")
    assert found == {(os.path.join("blog", "views.py"), line) for line in (14, 22, 30, 38)}


def test_a_sub_application_serves_only_its_own_package(tmp_path: Path) -> None:
    project = {**FASTAPI_MASKING, "shop/checkout/__init__.py": "", "shop/checkout/app.py": """\
        from fastapi import FastAPI
        from starlette.exceptions import HTTPException as StarletteHTTPException

        from shop.errors import http_exception_handler

        app = FastAPI(exception_handlers={StarletteHTTPException: http_exception_handler})
    """, "shop/main.py": """\
        from fastapi import FastAPI

        from shop.checkout.app import app as checkout
        from shop.routes import router

        app = FastAPI()
        app.mount("/checkout", checkout)
        app.include_router(router)
    """}
    found = findings_of(write_project(tmp_path, project), "BE304")
    assert found == {(os.path.join("shop", "routes.py"), line) for line in (14, 22, 30)}


AIOHTTP_MASKING = {
    "pyproject.toml": "[project]\nname = 'shop'\n",
    "shop/__init__.py": "",
    "shop/db.py": "async def load():\n    return []\n",
    "shop/api/__init__.py": "",
    "shop/api/export.py": """\
        from aiohttp import web

        from shop.db import load


        async def export(request):
            try:
                rows = await load()
            except Exception as e:
                raise web.HTTPInternalServerError(reason=f"Failed to read the rows: {e!r}") from e
            return web.json_response(rows)


        async def export_or_refuse(request):
            try:
                rows = await load()
            except Exception as e:
                return web.json_response({"error": str(e)}, status=500)
            return web.json_response(rows)
    """,
    "shop/middleware/__init__.py": "from .exception import build_exception_middleware\n",
    "shop/middleware/exception.py": """\
        from aiohttp import web

        from shop.errors import GenericBadRequest, MethodNotAllowed, URLNotFound


        def build_exception_middleware(monitor):
            @web.middleware
            async def exception_middleware(request, handler):
                try:
                    return await handler(request)
                except web.HTTPException as ex:
                    monitor.count(ex.status_code)
                    if ex.status_code == 404:
                        raise URLNotFound(extra_data=request.path) from ex
                    if ex.status_code == 405:
                        concrete = ex
                        raise MethodNotAllowed(method=concrete.method) from ex
                    raise GenericBadRequest from ex

            return exception_middleware
    """,
    "shop/errors.py": "class GenericBadRequest(Exception):\n    pass\n\n\nURLNotFound = MethodNotAllowed = GenericBadRequest\n",
    "shop/server.py": """\
        from aiohttp import web

        from shop.api.export import export, export_or_refuse
        from shop.middleware import build_exception_middleware


        def build_app(monitor):
            app = web.Application()
            app.middlewares.insert(0, build_exception_middleware(monitor))
            app.router.add_route("GET", "/export", export)
            app.router.add_route("GET", "/export-or-refuse", export_or_refuse)
            return app
    """,
}


def test_an_aiohttp_middleware_replacing_http_exceptions_hides_their_text(tmp_path: Path) -> None:
    """backend.ai's manager (seed 131): the root middleware built by ``build_exception_middleware`` catches every
    ``web.HTTPException`` and raises ``GenericBadRequest`` in its place (404 and 405 aside), so the ``reason`` of a
    raised ``HTTPInternalServerError`` never reaches the client; a response the handler returns itself does."""
    found = findings_of(write_project(tmp_path, AIOHTTP_MASKING), "BE304")
    assert found == {(os.path.join("shop", "api", "export.py"), 18)}


def test_an_aiohttp_middleware_that_re_raises_hides_nothing(tmp_path: Path) -> None:
    project = dict(AIOHTTP_MASKING)
    project["shop/middleware/exception.py"] = AIOHTTP_MASKING["shop/middleware/exception.py"].replace(
        "raise GenericBadRequest from ex", "raise")
    found = findings_of(write_project(tmp_path, project), "BE304")
    assert found == {(os.path.join("shop", "api", "export.py"), line) for line in (10, 18)}
