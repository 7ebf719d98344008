"""What :func:`backend_lint.analysis.admin_guard_defs.admin_guard_def` takes for an admin guard, in the forms real
code writes it, and the login-only, read-only and value-checking look-alikes it must leave out."""

from __future__ import annotations

import ast
import textwrap

import pytest

from backend_lint.analysis.admin_guard_defs import admin_guard_def

GUARDS = {
    "fastapi dependency": """
        async def get_current_operator(user=Depends(get_current_user)):
            if not user.is_superuser:
                raise HTTPException(status_code=403)
            return user
    """,
    "positive form ending in a refusal": """
        def ensure_staff(user):
            if user.is_staff:
                return
            raise PermissionDenied
    """,
    "decorator, refusal first": """
        def admin_role_required(f):
            @wraps(f)
            def decorated_function(*args, **kwargs):
                if current_user.role.name != "Administrator":
                    abort(403)
                return f(*args, **kwargs)
            return decorated_function
    """,
    "decorator, view under the flag (calibre-web)": """
        def operator_only(f):
            @wraps(f)
            def inner(*args, **kwargs):
                if current_user.role_admin():
                    return f(*args, **kwargs)
                abort(403)
            return inner
    """,
    "decorator redirecting everyone else (securedrop)": """
        def back_office(func):
            @wraps(func)
            def wrapper(*args, **kwargs):
                if session.logged_in() and session.get_user().is_admin:
                    return func(*args, **kwargs)
                return redirect(url_for("main.index"))
            return wrapper
    """,
    "decorator factory": """
        def staff_only(message=None):
            def decorator(view):
                def wrapper(request, *args, **kwargs):
                    if not request.user.is_staff:
                        raise PermissionDenied(message)
                    return view(request, *args, **kwargs)
                return wrapper
            return decorator
    """,
    "DRF permission class": """
        class IsPlatformOperator(BasePermission):
            def has_permission(self, request, view):
                if not request.user.is_authenticated:
                    return False
                return request.user.is_staff
    """,
}

NOT_GUARDS = {
    "login only": """
        def get_current_active_user(user=Depends(get_current_user)):
            if not user.is_active:
                raise HTTPException(status_code=400)
            return user
    """,
    "login-only decorator": """
        def signed_in(f):
            @wraps(f)
            def decorated(*args, **kwargs):
                if not current_user.is_authenticated:
                    return redirect(url_for("auth.login"))
                return f(*args, **kwargs)
            return decorated
    """,
    "operator or administrator": """
        def operator_role_required(f):
            @wraps(f)
            def decorated_function(*args, **kwargs):
                if current_user.role.name not in ["Administrator", "Operator"]:
                    abort(403)
                return f(*args, **kwargs)
            return decorated_function
    """,
    "read-only for everyone": """
        class IsStaffOrReadOnly(BasePermission):
            def has_permission(self, request, view):
                return request.method in SAFE_METHODS or request.user.is_staff
    """,
    "checks the value it was given (tracecat's demote_superuser)": """
        async def demote(self, user_id):
            user = await self.get(user_id)
            if not user.is_superuser:
                raise ValueError("not a superuser")
            user.is_superuser = False
    """,
    "a setting in capitals": """
        async def fallback(settings):
            if not settings.SUPERUSER:
                raise HTTPException(status_code=403)
            return settings.SUPERUSER
    """,
    "returns before refusing": """
        def check(user):
            if user.is_anonymous:
                return None
            if not user.is_admin:
                raise PermissionDenied
    """,
}


def _definition(text: str) -> ast.AST:
    return ast.parse(textwrap.dedent(text)).body[0]


@pytest.mark.parametrize("text", list(GUARDS.values()), ids=list(GUARDS))
def test_admin_guards_are_read(text: str) -> None:
    assert admin_guard_def(_definition(text))


@pytest.mark.parametrize("text", list(NOT_GUARDS.values()), ids=list(NOT_GUARDS))
def test_look_alikes_are_not(text: str) -> None:
    assert not admin_guard_def(_definition(text))
