"""Admin guards defined in another module of the project (the project model's ``admin-guard`` fact).

A guards module defines what lets only administrators through, named as the application pleases (a FastAPI
dependency that raises unless ``is_superuser``, a Flask decorator that aborts unless ``is_admin``, a DRF permission
class answering ``request.user.is_staff``), next to login-only guards of the same shapes. A views module uses
them: BE104/BE304 findings behind an imported admin guard are gone, behind a login-only one they stay. Through
the real CLI and ``flake8 --select BE`` as processes.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.projects import findings_of, unsearched_lists, write_project

FASTAPI_PROJECT = {
    "app/__init__.py": "",
    "app/deps.py": """\
        from fastapi import Depends, HTTPException


        def get_current_user(token: str = ""):
            return load_user(token)


        def get_current_active_user(user=Depends(get_current_user)):
            if not user.is_active:
                raise HTTPException(status_code=400, detail="Inactive user")
            return user


        async def get_current_operator(user=Depends(get_current_user)):
            \"\"\"Only the instance's superusers.\"\"\"
            if not user.is_superuser:
                raise HTTPException(status_code=403, detail="Not enough privileges")
            return user


        def ensure_staff(user):
            if user.is_staff:
                return
            raise HTTPException(status_code=403)
    """,
    "app/routes.py": """\
        from fastapi import APIRouter, Depends

        from app import deps
        from app.deps import get_current_active_user, get_current_operator

        router = APIRouter()


        @router.get("/sync")
        def sync(user=Depends(get_current_operator)):
            try:
                return run_sync()
            except Exception as e:
                return {"error": str(e)}


        @router.get("/sync-mine")
        def sync_mine(user=Depends(get_current_active_user)):
            try:
                return run_sync()
            except Exception as e:
                return {"error": str(e)}


        @router.get("/reindex", dependencies=[Depends(deps.get_current_operator)])
        def reindex():
            try:
                return run_reindex()
            except Exception as e:
                return {"error": str(e)}


        @router.get("/repair")
        def repair(user=Depends(get_current_user)):
            deps.ensure_staff(user)
            try:
                return run_repair()
            except Exception as e:
                return {"error": str(e)}
    """,
}


def test_fastapi_dependency_of_another_module(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, FASTAPI_PROJECT), "BE304")
    assert found == {(os.path.join("app", "routes.py"), 22)}, "only the login-only dependency's route stays"


FLASK_PROJECT = {
    "shop/__init__.py": "",
    "shop/utils/__init__.py": "",
    "shop/utils/decorators.py": """\
        from functools import wraps

        from flask import abort, redirect, url_for
        from flask_login import current_user


        def operator_only(f):
            @wraps(f)
            def decorated(*args, **kwargs):
                if not current_user.is_authenticated or not current_user.is_admin:
                    abort(403)
                return f(*args, **kwargs)

            return decorated


        def back_office(view):
            @wraps(view)
            def wrapper(*args, **kwargs):
                if current_user.is_authenticated and current_user.is_admin:
                    return view(*args, **kwargs)
                return redirect(url_for("main.index"))

            return wrapper


        def signed_in(f):
            @wraps(f)
            def decorated(*args, **kwargs):
                if not current_user.is_authenticated:
                    return redirect(url_for("auth.login"))
                return f(*args, **kwargs)

            return decorated
    """,
    "shop/views.py": """\
        from flask import Flask, jsonify

        from shop.models import Order
        from shop.utils.decorators import back_office, operator_only, signed_in

        app = Flask(__name__)


        @app.route("/orders/all")
        @operator_only
        def all_orders():
            return jsonify([o.to_dict() for o in Order.query.all()])


        @app.route("/orders/every")
        @back_office
        def every_order():
            return jsonify([o.to_dict() for o in Order.query.all()])


        @app.route("/orders/mine")
        @signed_in
        def my_orders():
            return jsonify([o.to_dict() for o in Order.query.all()])
    """,
}


def test_flask_decorator_of_another_module(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, unsearched_lists(FLASK_PROJECT)), "BE104")
    assert found == {(os.path.join("shop", "views.py"), 24)}, "only the login-only decorator's view stays"


DRF_PROJECT = {
    "pyproject.toml": "[tool.backend-lint.BE104]\nreport-generic-list-views = true\n",  # generic views reported
    "core/__init__.py": "",
    "core/permissions.py": """\
        from rest_framework.permissions import SAFE_METHODS, BasePermission


        class IsPlatformOperator(BasePermission):
            def has_permission(self, request, view):
                return bool(request.user and request.user.is_staff)


        class IsStaffOrReadOnly(BasePermission):
            def has_permission(self, request, view):
                return request.method in SAFE_METHODS or request.user.is_staff


        class IsSignedIn(BasePermission):
            def has_permission(self, request, view):
                return request.user.is_authenticated
    """,
    "core/views.py": """\
        from rest_framework.generics import ListAPIView

        from core import permissions
        from core.models import Order
        from core.permissions import IsSignedIn, IsStaffOrReadOnly


        class AllOrders(ListAPIView):
            permission_classes = [permissions.IsPlatformOperator]
            queryset = Order.objects.all()


        class EveryOrder(ListAPIView):
            permission_classes = [IsStaffOrReadOnly]
            queryset = Order.objects.all()


        class MyOrders(ListAPIView):
            permission_classes = [IsSignedIn]
            queryset = Order.objects.all()
    """,
}


def test_drf_permission_class_of_another_module(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, unsearched_lists(DRF_PROJECT)), "BE104")
    assert found == {(os.path.join("core", "views.py"), 15), (os.path.join("core", "views.py"), 20)}, \
        "read-only for everyone and signed-in only stay"
