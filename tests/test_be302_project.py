"""BE302 on a Django project whose URL confs route views of other modules, and on its admin UI URL conf.

Server-rendered pages are left alone, also when the URL conf routes a module-level alias of a class-based view
(``add_key = AddKeyView.as_view()``) or a class a package re-exports with ``from .pages import *``; the admin
package's own URL conf (pages and their AJAX actions) is the admin UI. Next to each, an API route with a verb
is still reported, through the real CLI and ``flake8 --select BE`` as processes.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.projects import findings_of, write_project

PROJECT = {
    "shop/__init__.py": "",
    "shop/keys/__init__.py": "",
    "shop/keys/views.py": """\
        from django.http import JsonResponse
        from django.views.generic.edit import FormView


        class AddKeyView(FormView):
            template_name = "keys/add.html"


        add_key = AddKeyView.as_view()


        def add_key_json(request):
            return JsonResponse({"ok": True})
    """,
    "shop/keys/urls.py": """\
        from django.urls import path

        from shop.keys import views

        urlpatterns = [
            path("add/", views.add_key),
            path("api/add/", views.add_key_json),
        ]
    """,
    "shop/promos/__init__.py": "",
    "shop/promos/views/__init__.py": "from .pages import *  # noqa: F403\n",
    "shop/promos/views/pages.py": """\
        from django.views.generic.edit import DeleteView as BaseDeleteView


        class DeleteView(BaseDeleteView):
            template_name = "promos/confirm_delete.html"
    """,
    "shop/promos/urls.py": """\
        from django.urls import path

        from shop.promos import views

        urlpatterns = [
            path("<int:pk>/delete/", views.DeleteView.as_view()),
        ]
    """,
    "shop/admin/__init__.py": "",
    "shop/admin/views.py": """\
        from django.http import JsonResponse


        def set_position(request, page_id):
            return JsonResponse({"moved": page_id})
    """,
    "shop/admin/urls.py": """\
        from django.urls import path

        from shop.admin import views

        urlpatterns = [
            path("<int:page_id>/set_position/", views.set_position),
        ]
    """,
    "shop/api/__init__.py": "",
    "shop/api/routes.py": """\
        from fastapi import APIRouter

        router = APIRouter()


        @router.post("/orders/{order_id}/cancel_order")
        def cancel(order_id: int):
            return {}
    """,
}


def test_pages_and_admin_ui_are_left_alone_api_verbs_are_not(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, PROJECT), "BE302")
    assert found == {
        (os.path.join("shop", "keys", "urls.py"), 7),  # a JSON view: an API route with a verb
        (os.path.join("shop", "api", "routes.py"), 6),  # /orders/{id}/cancel_order
    }, "the alias's form page, the re-exported delete page and the admin UI's action are quiet"
