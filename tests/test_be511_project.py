"""BE511 on a project: a Django username formatted into HTML marked safe is left alone when the project's users
are Django's own ``auth.User`` (its username validator admits letters, digits and ``@.+-_`` only: freesound's
admin links, judged FALSE); with a custom user model, a username next to other user text, or a username in a
module that is not Django's, the finding stands. Through the real CLI and ``flake8 --select BE`` as processes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.projects import findings_of, write_project

ADMIN = '''\
    from django.contrib import admin
    from django.urls import reverse
    from django.utils.safestring import mark_safe


    class DeletedUserAdmin(admin.ModelAdmin):
        def get_object_link(self, obj):
            return mark_safe('<a href="{}">{}</a>'.format(
                reverse("admin:deleteduser_change", args=[obj.id]), f"DeletedUser: {obj.username}"))

        def get_view_link(self, obj):
            return mark_safe('<a href="{}">{}</a>'.format(reverse("account", args=[obj.user.username]), obj.user.username))

        def get_profile_link(self, obj):
            return mark_safe(f'<a href="/people/{obj.user.username}/">{obj.user.display_name}</a>')
'''

FLASK_VIEWS = '''\
    from markupsafe import Markup


    def author_badge(user):
        return Markup(f'<span class="author">{user.username}</span>')
'''

SETTINGS = '''\
    INSTALLED_APPS = ["django.contrib.admin", "django.contrib.auth", "accounts"]
    ROOT_URLCONF = "site_app.urls"
'''


def _project(tmp_path: Path, settings: str, **extra: str) -> Path:
    return write_project(tmp_path, {
        "site_app/__init__.py": "", "site_app/settings.py": settings, "site_app/urls.py": "urlpatterns = []\n",
        "accounts/__init__.py": "", "accounts/admin.py": ADMIN, "portal/__init__.py": "",
        "portal/views.py": FLASK_VIEWS, **extra,
    })


def test_usernames_of_django_users_are_left_alone(tmp_path: Path) -> None:
    found = findings_of(_project(tmp_path, SETTINGS), "BE511")
    # obj.username and obj.user.username: Django usernames, no markup possible
    assert not {("accounts/admin.py", 8), ("accounts/admin.py", 12)} & found
    # a display name next to the username is any text the user typed; a username outside Django is unchecked
    assert {("accounts/admin.py", 15), ("portal/views.py", 5)} <= found


@pytest.mark.parametrize(("settings", "extra"), [
    (SETTINGS + '    AUTH_USER_MODEL = "accounts.User"\n', {}),
    (SETTINGS, {"accounts/models.py": "from django.contrib.auth.models import AbstractUser\n\n\n"
                                      "class User(AbstractUser):\n    username = models.CharField(max_length=40)\n"}),
])
def test_a_custom_user_model_keeps_the_findings(tmp_path: Path, settings: str, extra: dict) -> None:
    """A custom user model may define its username without Django's validator: the findings stand."""
    found = findings_of(_project(tmp_path, settings, **extra), "BE511")
    assert {("accounts/admin.py", 8), ("accounts/admin.py", 12), ("accounts/admin.py", 15)} <= found


def test_without_django_settings_the_findings_stand(tmp_path: Path) -> None:
    """No settings module: nothing says whose usernames these are."""
    root = _project(tmp_path, SETTINGS)
    (root / "site_app/settings.py").unlink()
    found = findings_of(root, "BE511")
    assert {("accounts/admin.py", 8), ("accounts/admin.py", 12)} <= found
