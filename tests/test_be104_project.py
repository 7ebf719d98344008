"""BE104 on a project: a table the project's migrations fill with rows of literal values is a lookup table
(fittrackee's sports), and listing it whole is left alone; a table a migration copies rows into, or seeds with
one row, is still reported. Through the real CLI and ``flake8 --select BE`` as processes.
"""

from __future__ import annotations

from pathlib import Path

from tests.projects import findings_of, unsearched_lists, write_project

MODELS = '''\
    from tracker.db import db


    class Sport(db.Model):
        __tablename__ = "sports"
        id = db.Column(db.Integer, primary_key=True)


    class Gear(db.Model):
        __tablename__ = "gear_kinds"
        id = db.Column(db.Integer, primary_key=True)


    class Workout(db.Model):
        __tablename__ = "workouts"
        id = db.Column(db.Integer, primary_key=True)


    class User(db.Model):
        __tablename__ = "users"
        id = db.Column(db.Integer, primary_key=True)
'''

SEED = '''\
    import sqlalchemy as sa
    from alembic import op

    gear = sa.table("gear_kinds", sa.column("label", sa.String))


    def upgrade():
        op.execute(
            """
            INSERT INTO sports (label, img, is_active)
            VALUES
                ('Cycling (Sport)', '/img/sports/cycling-sport.png', True),
                ('Hiking', '/img/sports/hiking.png', True)
            """
        )
        op.bulk_insert(gear, [{"label": "Shoes"}, {"label": "Bike"}])
        op.execute("INSERT INTO workouts (id, label) SELECT id, label FROM activities")
        op.execute("INSERT INTO users (username, admin) VALUES ('admin', true)")
'''

VIEWS = '''\
    from flask import Blueprint, jsonify

    from tracker.models import Gear, Sport, User, Workout

    bp = Blueprint("tracker", __name__)


    @bp.get("/sports")
    def sports():
        return jsonify([sport.serialize() for sport in Sport.query.all()])


    @bp.get("/gear")
    def gear():
        return jsonify([item.serialize() for item in Gear.query.all()])


    @bp.get("/workouts")
    def workouts():
        return jsonify([workout.serialize() for workout in Workout.query.all()])


    @bp.get("/users")
    def users():
        return jsonify([user.serialize() for user in User.query.all()])
'''

PAGES_ON = "[tool.backend-lint.BE104]\nreport-html-pages = true\n"
"""The projects whose listings are server-rendered pages turn BE104's ``report-html-pages`` on: the exemptions
they test apply to pages too."""

PROJECT = {
    "tracker/__init__.py": "",
    "tracker/db.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
    "tracker/models.py": MODELS,
    "tracker/views.py": VIEWS,
    "tracker/migrations/__init__.py": "",
    "tracker/migrations/versions/01_seed.py": SEED,
}


def test_tables_the_migrations_seed_are_lookup_tables(tmp_path: Path) -> None:
    # No pyproject.toml (an unpacked wheel): Alembic's versions/ folder, not a package, belongs to the project of
    # the package that holds it.
    found = findings_of(write_project(tmp_path, unsearched_lists(PROJECT)), "BE104")
    # sports (SQL VALUES) and gear_kinds (Alembic bulk_insert) are seeded with rows of their own.
    assert not {("tracker/views.py", 10), ("tracker/views.py", 15)} & found
    # workouts only gets rows copied from another table, users one default row: both still reported.
    assert {("tracker/views.py", 20), ("tracker/views.py", 25)} <= found


def test_without_the_migration_every_listing_is_reported(tmp_path: Path) -> None:
    files = dict(PROJECT)
    del files["tracker/migrations/versions/01_seed.py"]
    found = findings_of(write_project(tmp_path, unsearched_lists(files)), "BE104")
    assert {("tracker/views.py", 10), ("tracker/views.py", 15)} <= found


DASHBOARD = {
    "pyproject.toml": PAGES_ON,
    "shop/__init__.py": "",
    "shop/models.py": "from django.db import models\n\n\nclass Order(models.Model):\n    pass\n",
    "shop/dashboard/__init__.py": "",
    "shop/dashboard/apps.py": '''\
        from oscar.core.application import OscarDashboardConfig


        class OrdersDashboardConfig(OscarDashboardConfig):
            default_permissions = ["is_staff"]
    ''',
    "shop/dashboard/views.py": '''\
        from django.views.generic import ListView

        from shop.models import Order


        class OrderListView(ListView):
            model = Order
    ''',
    "shop/storefront/__init__.py": "",
    "shop/storefront/views.py": '''\
        from django.views.generic import ListView

        from shop.models import Order


        class OrderListView(ListView):
            model = Order
    ''',
}


def test_views_of_an_app_whose_config_requires_staff_are_back_office(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, unsearched_lists(DASHBOARD)), "BE104")
    # The dashboard's app config applies is_staff to every URL of the app (django-oscar).
    assert ("shop/dashboard/views.py", 7) not in found
    # The storefront's app declares nothing: its public list is reported.
    assert ("shop/storefront/views.py", 7) in found


def _drf_project(pagination: str) -> dict[str, str]:
    return {
        "pyproject.toml": "[tool.backend-lint.BE104]\nreport-generic-list-views = true\n",
        "shop/__init__.py": "",
        "shop/settings.py": '''\
            from shop.api.spectacular import get_drf_settings

            INSTALLED_APPS = ["rest_framework", "shop"]
            REST_FRAMEWORK = get_drf_settings(anon_throttle="100/day")
        ''',
        "shop/api/__init__.py": "",
        "shop/api/spectacular.py": f'''\
            def get_drf_settings(anon_throttle):
                return {{
                    "DEFAULT_THROTTLE_RATES": {{"anon": anon_throttle}},
                    {pagination}
                    "PAGE_SIZE": 50,
                }}
        ''',
        "shop/api/views.py": '''\
            from rest_framework import viewsets

            from shop.models import Addon


            class AddonViewSet(viewsets.ReadOnlyModelViewSet):
                queryset = Addon.objects.all()
        ''',
    }


def test_drf_settings_built_by_a_function_of_the_project(tmp_path: Path) -> None:
    # weblate: REST_FRAMEWORK = get_drf_settings(...), whose returned dict names the default paginator.
    paginated = _drf_project('"DEFAULT_PAGINATION_CLASS": "shop.api.pagination.StandardPagination",')
    assert ("shop/api/views.py", 7) not in findings_of(write_project(tmp_path / "paginated", unsearched_lists(paginated)), "BE104")
    unpaginated = _drf_project("")
    assert ("shop/api/views.py", 7) in findings_of(write_project(tmp_path / "unpaginated", unsearched_lists(unpaginated)), "BE104")


ONLINE = {
    "pyproject.toml": PAGES_ON,
    "board/__init__.py": "",
    "board/helpers.py": '''\
        from datetime import UTC, datetime, timedelta

        ONLINE_LAST_MINUTES = 15


        def time_utcnow():
            return datetime.now(UTC)


        def time_diff():
            now = time_utcnow()
            diff = now - timedelta(minutes=ONLINE_LAST_MINUTES)
            return diff


        def year_ago():
            return time_utcnow() - timedelta(days=365)
    ''',
    "board/views.py": '''\
        from flask import Blueprint, render_template
        from flask.views import MethodView

        from board.helpers import time_diff, year_ago
        from board.models import User

        bp = Blueprint("forum", __name__)


        class WhoIsOnline(MethodView):
            def get(self):
                online_users = User.query.filter(User.lastseen >= time_diff()).all()
                return render_template("online_users.html", online_users=online_users)


        class ActiveThisYear(MethodView):
            def get(self):
                users = User.query.filter(User.lastseen >= year_ago()).all()
                return render_template("users.html", users=users)


        bp.add_url_rule("/who-is-online", view_func=WhoIsOnline.as_view("who_is_online"))
        bp.add_url_rule("/active", view_func=ActiveThisYear.as_view("active"))
    ''',
    "board/models.py": '''\
        from flask_sqlalchemy import SQLAlchemy

        db = SQLAlchemy()


        class User(db.Model):
            id = db.Column(db.Integer, primary_key=True)
            lastseen = db.Column(db.DateTime)
    ''',
}


def test_users_seen_in_a_short_window_of_another_modules_helper(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, unsearched_lists(ONLINE)), "BE104")
    # FlaskBB's who-is-online: users seen since time_diff() (now - ONLINE_LAST_MINUTES), a short window.
    assert ("board/views.py", 12) not in found
    # A year is no short window: still reported.
    assert ("board/views.py", 18) in found


PAGED = {
    "pyproject.toml": PAGES_ON,
    "shop/__init__.py": "",
    "shop/models.py": "from django.db import models\n\n\nclass Order(models.Model):\n    pass\n",
    "shop/utils.py": '''\
        from django.core.paginator import Paginator


        def get_page_items(request, items, page_size, prefix=""):
            return get_page_items_and_count(request, items, page_size, prefix=prefix)


        def get_page_items_and_count(request, items, page_size, prefix=""):
            size = request.GET.get(prefix + "page_size", page_size)
            return Paginator(items, size).get_page(request.GET.get(prefix + "page", 1))


        def get_words(items):
            return sorted({item.title for item in items})
    ''',
    "shop/views.py": '''\
        from django.shortcuts import render

        from shop.filters import OrderFilter
        from shop.models import Order
        from shop.utils import get_page_items, get_words


        def orders(request):
            orders = Order.objects.filter(status="paid").order_by("-id")
            orders = OrderFilter(request.GET, queryset=orders)
            paged_orders = get_page_items(request, orders.qs, 25)
            return render(request, "orders.html", {"orders": paged_orders, "filtered": orders})


        def order_titles(request):
            orders = Order.objects.filter(status="paid").order_by("-id")
            return render(request, "titles.html", {"orders": orders, "words": get_words(orders)})
    ''',
}


def test_rows_handed_to_a_project_helper_that_paginates_them(tmp_path: Path) -> None:
    # DefectDojo's get_page_items hands its items to Django's Paginator (two calls down): the template lists the
    # page; a helper that only reads the rows (get_words) bounds nothing.
    found = findings_of(write_project(tmp_path, unsearched_lists(PAGED)), "BE104")
    assert ("shop/views.py", 9) not in found
    assert ("shop/views.py", 16) in found


TABLES = {
    "pyproject.toml": PAGES_ON,
    "shop/__init__.py": "",
    "shop/models.py": '''\
        from django.db import models


        class Entry(models.Model):
            text = models.TextField()
    ''',
    "shop/tables/__init__.py": "",
    "shop/tables/base.py": '''\
        import django_tables2 as tables


        class BaseTable(tables.Table):
            def configure(self, request):
                paginate = {"per_page": request.GET.get("per_page", 50)}
                tables.RequestConfig(request, paginate).configure(self)


        class PlainTable(tables.Table):
            def configure(self, request):
                self.order_by = request.GET.get("sort")
    ''',
    "shop/tables/entries.py": '''\
        from shop.tables.base import BaseTable, PlainTable


        class EntryTable(BaseTable):
            pass


        class SortedEntryTable(PlainTable):
            pass
    ''',
    "shop/views.py": '''\
        from django.shortcuts import render
        from django.views import View

        from shop.models import Entry
        from shop.tables.entries import EntryTable, SortedEntryTable


        class EntryList(View):
            def get(self, request):
                entries = Entry.objects.filter(text__icontains=request.GET.get("q", ""))
                table = EntryTable(entries, user=request.user)
                table.configure(request)
                return render(request, "entries.html", {"table": table})


        class SortedEntryList(View):
            def get(self, request):
                entries = Entry.objects.filter(text__icontains=request.GET.get("q", ""))
                table = SortedEntryTable(entries)
                table.configure(request)
                return render(request, "entries.html", {"table": table})
    ''',
}


def test_rows_of_a_table_whose_own_configure_paginates_them(tmp_path: Path) -> None:
    # peering-manager's BaseTable.configure(request) hands the table to django-tables2's RequestConfig, which
    # paginates it: the template renders one page; a table whose configure only sorts bounds nothing.
    found = findings_of(write_project(tmp_path, unsearched_lists(TABLES)), "BE104")
    assert ("shop/views.py", 10) not in found
    assert ("shop/views.py", 18) in found


FIXTURES = {
    "pyproject.toml": PAGES_ON,
    "shop/__init__.py": "",
    "shop/models.py": '''\
        from django.db import models


        class Regulation(models.Model):
            name = models.CharField(max_length=100)


        class Vendor(models.Model):
            name = models.CharField(max_length=100)


        class Finding(models.Model):
            title = models.CharField(max_length=100)
    ''',
    "shop/management/__init__.py": "",
    "shop/management/commands/__init__.py": "",
    "shop/management/commands/initialize.py": '''\
        from django.core.management import call_command
        from django.core.management.base import BaseCommand


        class Command(BaseCommand):
            def handle(self, *args, **options):
                call_command("loaddata", "regulation", "catalogue.json")
    ''',
    "shop/fixtures/regulation.json": (
        '[{"model": "shop.regulation", "pk": 1, "fields": {"name": "PCI"}},'
        ' {"model": "shop.regulation", "pk": 2, "fields": {"name": "GDPR"}}]'
    ),
    "shop/fixtures/catalogue.json": "[" + ", ".join(
        f'{{"model": "shop.finding", "pk": {pk}, "fields": {{"title": "t{pk}"}}}}' for pk in range(1, 150)
    ) + "]",
    "shop/fixtures/sample.json": '[{"model": "shop.vendor", "pk": 1}, {"model": "shop.vendor", "pk": 2}]',
    "shop/views.py": '''\
        from django.shortcuts import render
        from django.views import View

        from shop.models import Finding, Regulation, Vendor


        class Regulations(View):
            def get(self, request):
                return render(request, "regulations.html", {"regulations": Regulation.objects.all()})


        class Findings(View):
            def get(self, request):
                return render(request, "findings.html", {"findings": Finding.objects.all()})


        class Vendors(View):
            def get(self, request):
                return render(request, "vendors.html", {"vendors": Vendor.objects.all()})
    ''',
}


def test_a_short_fixture_the_project_loads_makes_a_lookup_table(tmp_path: Path) -> None:
    # DefectDojo's initialisation command loads fixtures/regulation.json (26 regulations): a list it ships. A fixture
    # of 149 rows is a catalogue, and a fixture no code loads (sample data) seeds nothing.
    found = findings_of(write_project(tmp_path, unsearched_lists(FIXTURES)), "BE104")
    assert ("shop/views.py", 9) not in found
    assert ("shop/views.py", 14) in found
    assert ("shop/views.py", 19) in found


REGISTRY = {
    "maps/__init__.py": "",
    "maps/models/__init__.py": "",
    "maps/models/models.py": '''\
        from django.db import models


        class Geocoder(models.Model):
            name = models.TextField()

            class Meta:
                db_table = "geocoders"


        class Resource(models.Model):
            name = models.TextField()

            class Meta:
                db_table = "resources"
    ''',
    "maps/models/migrations/__init__.py": "",
    "maps/models/migrations/0003_seed.py": '''\
        from django.db import migrations


        class Migration(migrations.Migration):
            operations = [
                migrations.RunSQL(
                    """
                    INSERT INTO public.geocoders(geocoderid, name) VALUES ('1', 'Mapbox');
                    INSERT INTO public.geocoders(geocoderid, name) VALUES ('2', 'Mapzen');
                    INSERT INTO public.resources(resourceid, name) VALUES ('1', 'Example');
                    """
                ),
            ]
    ''',
    "maps/views.py": '''\
        from django.http import JsonResponse
        from django.views.decorators.http import require_GET

        from maps.models import models


        @require_GET
        def geocoders(request):
            return JsonResponse({"geocoders": list(models.Geocoder.objects.all())})


        @require_GET
        def resources(request):
            return JsonResponse({"resources": list(models.Resource.objects.all())})
    ''',
}


def test_one_row_inserts_into_a_schema_qualified_table_add_up_for_a_model_named_through_its_module(
    tmp_path: Path,
) -> None:
    # arches: ``INSERT INTO public.geocoders(...) VALUES (...);`` twice in a migration, the views reading
    # ``models.Geocoder.objects.all()``: a registry the application ships; one seeded resource is still user data.
    found = findings_of(write_project(tmp_path, unsearched_lists(REGISTRY)), "BE104")
    assert ("maps/views.py", 9) not in found
    assert ("maps/views.py", 14) in found


HELPED = {
    "shop/__init__.py": "",
    "shop/models.py": "from django.db import models\n\n\nclass Order(models.Model):\n    pass\n",
    "shop/mixins.py": '''\
        class PagingMixin:
            def paged_response(self, queryset, serializer_class):
                page = self.paginate_queryset(queryset)
                return self.get_paginated_response(serializer_class(page, many=True).data)


        class WordsMixin:
            def paged_response(self, queryset, serializer_class):
                return Response(serializer_class(queryset, many=True).data)
    ''',
    "shop/views.py": '''\
        from rest_framework.decorators import action
        from rest_framework.response import Response
        from rest_framework.viewsets import GenericViewSet

        from shop.mixins import PagingMixin, WordsMixin
        from shop.models import Order


        class OrderViewSet(GenericViewSet):
            @action(detail=False, methods=["GET"])
            def paid(self, request):
                orders = Order.objects.all()
                queryset = self.filter_queryset(orders.filter(status="paid")).order_by("id")
                return self._regional_response(queryset, OrderSerializer)

            @action(detail=False, methods=["GET"])
            def unpaid(self, request):
                orders = Order.objects.filter(status="open")
                return self._plain_response(orders, OrderSerializer)

            def _regional_response(self, queryset, serializer_class):
                page = self.paginate_queryset(queryset)
                if page is not None:
                    return self.get_paginated_response(serializer_class(page, many=True).data)
                return Response(serializer_class(queryset, many=True).data)

            def _plain_response(self, queryset, serializer_class):
                return Response(serializer_class(queryset, many=True).data)


        class MixedOrderViewSet(PagingMixin, GenericViewSet):
            @action(detail=False, methods=["GET"])
            def paid(self, request):
                orders = Order.objects.filter(status="paid")
                return self.paged_response(orders, OrderSerializer)


        class WordOrderViewSet(WordsMixin, GenericViewSet):
            @action(detail=False, methods=["GET"])
            def paid(self, request):
                orders = Order.objects.filter(status="paid")
                return self.paged_response(orders, OrderSerializer)
    ''',
}


def test_rows_handed_to_a_method_of_the_view_that_paginates_them(tmp_path: Path) -> None:
    # kpi's ProjectViewSet.users: the rows reach self._get_regional_response through a local computed from
    # them, and that method calls self.paginate_queryset; a mixin's method of another module does the same.
    # A method that only serializes the rows (its own or a mixin's) bounds nothing.
    found = findings_of(write_project(tmp_path, unsearched_lists(HELPED)), "BE104")
    assert ("shop/views.py", 12) not in found
    assert ("shop/views.py", 18) in found
    assert ("shop/views.py", 34) not in found
    assert ("shop/views.py", 41) in found


FLASK_PAGED = {
    "dm/__init__.py": "",
    "dm/db.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
    "dm/models.py": '''\
        from dm.db import db


        class Domain(db.Model):
            id = db.Column(db.Integer, primary_key=True)
            name = db.Column(db.String)
    ''',
    "dm/utils.py": '''\
        from flask import jsonify


        def paginated_result_response(result_name, results_query, page, per_page):
            pagination = results_query.paginate(page=page, per_page=per_page)
            return jsonify(**{result_name: [row.serialize() for row in pagination.items]})


        def listed_result_response(result_name, results_query):
            return jsonify(**{result_name: [row.serialize() for row in results_query.order_by("id")]})
    ''',
    "dm/views.py": '''\
        from flask import Blueprint

        from dm.models import Domain
        from dm.utils import listed_result_response, paginated_result_response

        main = Blueprint("main", __name__)


        @main.route("/domains", methods=["GET"])
        def list_domains():
            domains = Domain.query.order_by(Domain.name)
            return paginated_result_response(result_name="domains", results_query=domains, page=1, per_page=100)


        @main.route("/all-domains", methods=["GET"])
        def list_all_domains():
            domains = Domain.query.order_by(Domain.name)
            return listed_result_response("domains", results_query=domains)
    ''',
}


def test_query_handed_to_a_project_helper_that_calls_its_paginate(tmp_path: Path) -> None:
    # digitalmarketplace-api's paginated_result_response(results_query=...) calls results_query.paginate(page,
    # per_page=...): Flask-SQLAlchemy sends back one page; a helper that iterates the query bounds nothing.
    found = findings_of(write_project(tmp_path, unsearched_lists(FLASK_PAGED)), "BE104")
    assert ("dm/views.py", 11) not in found
    assert ("dm/views.py", 17) in found
