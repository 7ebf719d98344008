"""BE302 on projects whose URL confs route views of other modules, and on an admin UI URL conf.

Server-rendered pages are left alone, also when the URL conf routes a module-level alias of a class-based view
(``add_key = AddKeyView.as_view()``) or a class a package re-exports with ``from .pages import *``; the admin
package's own URL conf (pages and their AJAX actions) is the admin UI; a Flask handler class answering its
WTForm through a form-rendering call (Indico's ``jsonify_form``) and an instance of a django-formtools
``FormPreview`` naming its templates are pages. Next to each, an API route with a verb
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


VIEWS_ELSEWHERE = {
    "store/__init__.py": "",
    "store/apps/__init__.py": "",
    "store/apps/pages/__init__.py": "",
    "store/apps/pages/views.py": """\
        from django.http import JsonResponse
        from django.views.generic import CreateView, View


        class PageCreateView(CreateView):
            template_name = "pages/update.html"


        class PageDataView(View):
            def get(self, request):
                return JsonResponse({"pages": []})
    """,
    "store/apps/pages/apps.py": """\
        from django.apps import AppConfig
        from django.contrib.auth.decorators import login_required
        from django.urls import path

        from store.loading import get_class


        class PagesConfig(AppConfig):
            name = "store.apps.pages"

            def ready(self):
                self.create_view = get_class("pages.views", "PageCreateView")
                self.data_view = get_class("pages.views", "PageDataView")

            def get_urls(self):
                urls = [
                    path("create/", login_required(self.create_view.as_view())),
                    path("api/get-data/", self.data_view.as_view()),
                ]
                return urls
    """,
    "store/loading.py": """\
        from importlib import import_module


        def get_class(module_label, classname):
            return getattr(import_module(f"store.apps.{module_label}"), classname)
    """,
    "store/mixins.py": """\
        class DeleteMixin:
            template_name = "delete.html"
    """,
    "store/cart/__init__.py": "",
    "store/cart/views.py": """\
        from django.http import JsonResponse
        from django.shortcuts import render
        from django.views import View
        from django.views.generic import DeleteView

        from store.mixins import DeleteMixin
        from store.responses import redirect_to_url


        class PlanDeleteView(DeleteMixin, DeleteView):
            pass


        class CartRemove(View):
            def post(self, request):
                return redirect_to_url("/cart/")


        def get_sources(request, pk):
            return render(request, "cart/sources.html", {"pk": pk})


        def get_totals(request):
            return JsonResponse({"total": 0})
    """,
    "store/responses.py": """\
        from django.http import HttpResponseRedirect


        def redirect_to_url(url):
            return HttpResponseRedirect(url)
    """,
    "store/urls.py": """\
        import store.cart.views
        from django.contrib.auth.decorators import login_required
        from django.urls import path

        from store.access import management_access
        from store.cart import views

        urlpatterns = [
            path("<int:pk>/delete/", login_required(views.PlanDeleteView.as_view())),
            path("cart/remove", store.cart.views.CartRemove.as_view()),
            path("js/<int:pk>/get/", store.cart.views.get_sources),
            path("api/js/cart/get/", store.cart.views.get_totals),
            path("manage/delete/", management_access(views.PlanDeleteView.as_view())),
        ]
    """,
    "store/access.py": """\
        def management_access(view):
            return view
    """,
    "events/__init__.py": "",
    "events/rh.py": """\
        from flask import redirect, request


        class RH:
            def process(self):
                if request.path.endswith("/"):
                    return redirect(request.path.rstrip("/"))
                return self._process()
    """,
    "events/controllers.py": """\
        from flask import flash, jsonify, redirect

        from events.rh import RH
        from events.util import jsonify_template


        class RHDeleteKey(RH):
            def _process(self):
                flash("Your API key has been deleted.")
                return redirect("/profile/api/")


        class RHDeleteSubcategories(RH):
            def _process(self):
                return jsonify_template("categories/delete_categories.html", categories=[])


        class RHCreateBooking(RH):
            def _process(self):
                return jsonify(booking={})
    """,
    "events/util.py": """\
        from flask import jsonify, render_template


        def jsonify_template(template, **context):
            return jsonify(html=render_template(template, **context))
    """,
    "events/blueprint.py": """\
        from flask import Blueprint

        from events.controllers import RHCreateBooking, RHDeleteKey, RHDeleteSubcategories

        bp = Blueprint("events", __name__)

        bp.add_url_rule("/api/delete", "key_delete", RHDeleteKey, methods=("POST",))
        bp.add_url_rule("/manage/subcategories/delete", "delete_subcategories", RHDeleteSubcategories, methods=("POST",))
        bp.add_url_rule("/api/booking/create", "create_booking", RHCreateBooking, methods=("POST",))
    """,
}


def test_views_written_elsewhere_are_followed_to_their_class(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, VIEWS_ELSEWHERE), "BE302")
    assert found == {
        (os.path.join("store", "apps", "pages", "apps.py"), 18),  # a JSON view loaded by get_class
        (os.path.join("store", "urls.py"), 12),  # a JSON function view through the dotted module path
        (os.path.join("events", "blueprint.py"), 9),  # a JSON handler; only its base class redirects
    }, (
        "pages: a view held by self.<attr> and loaded by module label, a DeleteView behind login_required or a "
        "project decorator, a form post that redirects, a function view that renders, Flask handler classes that "
        "redirect or render a dialog's template"
    )


WRAPPERS = {
    "desk/__init__.py": "",
    "desk/views.py": """\
        from django.http import JsonResponse
        from django.views.generic import UpdateView, View


        def update_ticket_view(request, ticket_id, *args, **kwargs):
            return UpdateTicketView.as_view()(request, *args, ticket_id=ticket_id, **kwargs)


        def update_queue_view(request, queue_id):
            return QueueDataView.as_view()(request, queue_id=queue_id)


        class UpdateTicketView(UpdateView):
            template_name = "desk/ticket.html"


        class QueueDataView(View):
            def post(self, request, queue_id):
                return JsonResponse({"queue": queue_id})
    """,
    "desk/urls.py": """\
        from django.urls import path

        from desk import views

        urlpatterns = [
            path("tickets/<int:ticket_id>/update/", views.update_ticket_view),
            path("api/queues/<int:queue_id>/update/", views.update_queue_view),
        ]
    """,
}


def test_a_function_view_that_runs_a_page_class_is_a_page(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, WRAPPERS), "BE302")
    assert found == {
        (os.path.join("desk", "urls.py"), 7),  # the wrapped class answers JSON: an API route with a verb
    }, "django-helpdesk's update_ticket_view only runs UpdateTicketView (an UpdateView with a template): a page"


FORM_PAGES = {
    "events/__init__.py": "",
    "events/forms.py": """\
        class CreateCategoryForm:
            def validate_on_submit(self):
                return False
    """,
    "events/util.py": """\
        from flask import jsonify, render_template


        def jsonify_form(form, **options):
            return jsonify(html=render_template("forms/form.html", form=form, **options))


        def jsonify_data(**data):
            return jsonify(data)
    """,
    "events/controllers.py": """\
        from flask import flash

        from events.forms import CreateCategoryForm
        from events.util import jsonify_data, jsonify_form


        class RHCreateCategory:
            def _process(self):
                form = CreateCategoryForm()
                if form.validate_on_submit():
                    flash("Category created.")
                    return jsonify_data(flash=False, redirect="/manage/settings")
                return jsonify_form(form)


        class RHCreateBooking:
            def _process(self):
                return jsonify_data(booking={})
    """,
    "events/blueprint.py": """\
        from flask import Blueprint

        from events.controllers import RHCreateBooking, RHCreateCategory

        bp = Blueprint("events", __name__)

        bp.add_url_rule("/manage/subcategories/create", "create_subcategory", RHCreateCategory,
                        methods=("GET", "POST"))
        bp.add_url_rule("/api/booking/create", "create_booking", RHCreateBooking, methods=("POST",))
    """,
    "gym/__init__.py": "",
    "gym/forms.py": """\
        from django import forms


        class EmailListForm(forms.Form):
            subject = forms.CharField()
    """,
    "gym/views.py": """\
        from django.http import JsonResponse
        from formtools.preview import FormPreview


        class EmailListFormPreview(FormPreview):
            preview_template = "mailer/gym/preview.html"
            form_template = "mailer/gym/form.html"

            def done(self, request, cleaned_data):
                return None


        class ExportRunner:
            def __init__(self, form_class):
                self.form_class = form_class

            def __call__(self, request):
                return JsonResponse({"started": True})
    """,
    "gym/urls.py": """\
        from django.urls import path

        from gym import views
        from gym.forms import EmailListForm

        urlpatterns = [
            path("add/gym/<int:gym_pk>", views.EmailListFormPreview(EmailListForm)),
            path("api/add/export/", views.ExportRunner(EmailListForm)),
        ]
    """,
}


def test_form_dialogs_and_form_previews_are_pages(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, FORM_PAGES), "BE302")
    assert found == {
        (os.path.join("events", "blueprint.py"), 9),  # a JSON handler: an API route with a verb
        (os.path.join("gym", "urls.py"), 8),  # an instance of a class that answers JSON
    }, (
        "Indico's create dialog answers its WTForm through jsonify_form (a form built from a *Form class), and "
        "django-formtools' FormPreview instance names its form and preview templates: both are pages"
    )


XHR_HELPERS = {
    "site/__init__.py": "",
    "site/utils.py": """\
        import functools

        from django.http import HttpResponseBadRequest


        def require_AJAX(f):
            @functools.wraps(f)
            def wrap(request, *args, **kwargs):
                if request.headers.get("x-requested-with") != "XMLHttpRequest":
                    return HttpResponseBadRequest("Bad Request: Request must be AJAX")
                return f(request, *args, **kwargs)

            return wrap
    """,
    "site/views.py": """\
        from django.http import JsonResponse
        from django.utils.decorators import method_decorator
        from django.views import View
        from django.views.decorators.http import require_POST

        from site import utils
        from site.utils import require_AJAX


        @require_AJAX
        def get_terms(request):
            return JsonResponse({"terms": []})


        @require_POST
        @utils.require_AJAX
        def update_contribution_graph(request):
            return JsonResponse({"graph": []})


        @method_decorator(require_AJAX, name="dispatch")
        class AddCommentView(View):
            def post(self, request):
                return JsonResponse({"ok": True})


        def get_users(request):
            return JsonResponse({"users": []})
    """,
    "site/urls.py": """\
        from django.urls import path

        from site import views

        urlpatterns = [
            path("get-terms/", views.get_terms),
            path("update-contribution-graph/", views.update_contribution_graph),
            path("add-comment/", views.AddCommentView.as_view()),
            path("api/get-users/", views.get_users),
        ]
    """,
}


def test_views_only_the_uis_own_scripts_reach_are_left_alone(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, XHR_HELPERS), "BE302")
    assert found == {
        (os.path.join("site", "urls.py"), 9),  # no decorator: a JSON route any client may call
    }, "Pontoon's @require_AJAX views answer only the UI's own XMLHttpRequests: not published API routes"


NAMESPACE_APPS = {
    # zentral's layout: ``server/`` holds manage.py and Django apps without ``__init__.py`` that import
    # relatively; ``console/`` is a folder without ``__init__.py`` above packages the code imports through it
    # (``from console.utils.views import ...``), and one package has a view module named ``setup.py``.
    "pyproject.toml": "[project]\nname = 'console'\n",
    "server/manage.py": "import sys\n",
    "server/realms/views.py": """\
        from django.http import JsonResponse
        from django.views.generic import UpdateView

        from .forms import RoleForm


        class UpdateRoleView(UpdateView):
            form_class = RoleForm


        def update_role_json(request, pk):
            return JsonResponse({"ok": True})
    """,
    "server/realms/forms.py": "RoleForm = object\n",
    "server/realms/backends/views.py": "def finalize(request):\n    return None\n",
    "server/realms/urls.py": """\
        from django.urls import path

        from . import views

        urlpatterns = [
            path("roles/<int:pk>/update/", views.UpdateRoleView.as_view()),
            path("api/roles/<int:pk>/update/", views.update_role_json),
        ]
    """,
    "console/utils/__init__.py": "",
    "console/utils/views.py": """\
        from django.views.generic import DeleteView, UpdateView


        class UpdateViewWithAudit(UpdateView):
            pass


        class DeleteViewWithAudit(DeleteView):
            pass
    """,
    "console/contrib/santa/__init__.py": "",
    "console/contrib/santa/views/__init__.py": "from .setup import *  # noqa: F403\nfrom .api import *  # noqa: F403\n",
    "console/contrib/santa/views/setup.py": """\
        from django.contrib.auth.mixins import PermissionRequiredMixin

        from console.utils.views import DeleteViewWithAudit, UpdateViewWithAudit


        class UpdateConfigurationView(PermissionRequiredMixin, UpdateViewWithAudit):
            permission_required = "santa.change_configuration"


        class DeleteConfigurationView(PermissionRequiredMixin, DeleteViewWithAudit):
            permission_required = "santa.delete_configuration"
    """,
    "console/contrib/santa/views/api.py": """\
        from django.http import JsonResponse


        def update_rules(request):
            return JsonResponse({"ok": True})
    """,
    "console/contrib/santa/urls.py": """\
        from django.urls import path

        from . import views

        urlpatterns = [
            path("configurations/<int:pk>/update/", views.UpdateConfigurationView.as_view()),
            path("configurations/<int:pk>/delete/", views.DeleteConfigurationView.as_view()),
            path("api/rules/update/", views.update_rules),
        ]
    """,
}


def test_pages_of_namespace_packages_are_followed_to_their_generic_views(tmp_path: Path) -> None:
    """Folders without ``__init__.py`` are still packages: one whose modules import relatively (``from . import
    views``) names its modules after itself, so ``realms/views.py`` is not confused with
    ``realms/backends/views.py``; a name imported through namespace folders under the root
    (``console.utils.views``) is the module named from its first package (``utils.views``); and a view module
    called ``setup.py`` in a package is not a project root. Generic UpdateView/DeleteView pages reached so are
    pages; the JSON routes next to them are still reported."""
    found = findings_of(write_project(tmp_path, NAMESPACE_APPS), "BE302")
    assert found == {
        (os.path.join("server", "realms", "urls.py"), 7),
        (os.path.join("console", "contrib", "santa", "urls.py"), 8),
    }


HTMX_UI = {
    "alerts/__init__.py": "",
    "alerts/htmx/__init__.py": "",
    "alerts/htmx/views.py": """\
        from django.http import JsonResponse
        from django.views.decorators.http import require_POST
        from django_htmx.http import HttpResponseClientRefresh


        @require_POST
        def incident_update(request, action):
            for incident in request.POST.getlist("incident_ids"):
                apply_action(incident, action)
            return HttpResponseClientRefresh()


        @require_POST
        def incident_update_json(request, action):
            return JsonResponse({"done": action})
    """,
    "alerts/htmx/urls.py": """\
        from django.urls import path

        from alerts.htmx import views

        urlpatterns = [
            path("update/<str:action>/", views.incident_update),
            path("api/update/<str:action>/", views.incident_update_json),
        ]
    """,
}


def test_htmx_views_that_refresh_the_page_are_pages(tmp_path: Path) -> None:
    """A view answering django-htmx's ``HttpResponseClientRefresh()`` steers the browser's page as a redirect does
    after a form post: the UI's URL, left alone; the JSON route beside it is still reported."""
    found = findings_of(write_project(tmp_path, HTMX_UI), "BE302")
    assert found == {(os.path.join("alerts", "htmx", "urls.py"), 7)}
