"""BE103 on a model of another module: ``order.customer`` in a loop over orders is an N+1 when the project model
says ``Order`` declares ``customer`` as a lazily loaded relation (Django views import their models from
``models.py``, so this is how the N+1 is usually written). Through the real CLI and ``flake8 --select BE``; the
plain-data answers (re-exports, project bases, a cached summary with a wrong type refused) on summaries."""

from __future__ import annotations

from pathlib import Path

from backend_lint.analysis.project.conditions import plain_class, relation
from backend_lint.analysis.project.model import ProjectModel
from backend_lint.analysis.project.summary import DefSummary, ModuleSummary
from tests.processes import check_json, run_cli
from tests.projects import findings_of, write_project

SHOP = {
    "manage.py": "",
    "shop/__init__.py": "",
    "shop/models.py": """\
        from django.db import models


        class Stamped(models.Model):
            created_by = models.ForeignKey("auth.User", on_delete=models.CASCADE)

            class Meta:
                abstract = True


        class Customer(models.Model):
            name = models.CharField(max_length=100)


        class Order(Stamped):
            customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
            total = models.IntegerField()
            note = models.CharField(max_length=200)
    """,
    "shop/views.py": """\
        from django.http import JsonResponse

        from shop.models import Order


        def order_names(request):
            names = []
            for order in Order.objects.all():
                names.append(order.customer.name)
            return JsonResponse({"names": names})


        def order_authors(request):
            return JsonResponse({"by": [order.created_by.pk for order in Order.objects.filter(total__gt=0)]})


        def order_names_joined(request):
            names = []
            for order in Order.objects.select_related("customer"):
                names.append(order.customer.name)
            return JsonResponse({"names": names})


        def order_notes(request):
            return JsonResponse({"notes": [order.note for order in Order.objects.all()]})
    """,
    "shop/urls.py": """\
        from django.urls import path

        from shop import views

        urlpatterns = [path("names/", views.order_names), path("authors/", views.order_authors), path("notes/", views.order_notes)]
    """,
}


def test_relation_of_a_model_in_another_module_is_an_n_plus_1(tmp_path: Path) -> None:
    """A relation declared by the model (and one by its abstract project base) read per row is reported; the
    same read after ``select_related`` and a plain column read are not; flake8 reports exactly the same."""
    root = write_project(tmp_path, SHOP)
    assert findings_of(root, "BE103") == {("shop/views.py", 9), ("shop/views.py", 14)}
    found = check_json("--no-cache", "--select", "BE103", ".", cwd=root)
    assert any("`order.customer` queries once per row" in item["message"] for item in found)


def test_without_the_project_the_imported_model_is_not_guessed(tmp_path: Path) -> None:
    """On standard input the view's file cannot show the model's fields: no finding (never a guess)."""
    root = write_project(tmp_path, SHOP)
    result = run_cli("check", "--select", "BE103", "--no-cache", "--stdin-filename", "shop/views.py", "-",
                     cwd=root, stdin=(root / "shop/views.py").read_bytes())
    assert result.returncode == 0, result.stdout.decode()
    assert b"BE103" not in result.stdout


def test_relation_follows_re_exports_and_project_bases() -> None:
    models = ModuleSummary(module="shop.models", defs={
        "shop.models.Base": DefSummary(relations=["owner"]),
        "shop.models.Order": DefSummary(bases=["shop.models.Base"], relations=["customer"]),
        "shop.models.Loop": DefSummary(bases=["shop.models.Loop"]),
    })
    package = ModuleSummary(module="shop", is_package=True, imports={"Order": "shop.models.Order"})
    model = ProjectModel([models, package])
    assert model.holds(relation("shop.models.Order", "customer"))
    assert model.holds(relation("shop.Order", "customer"))  # re-exported by the package
    assert model.holds(relation("shop.models.Order", "owner"))  # declared by a base of the project
    assert not model.holds(relation("shop.models.Order", "total"))
    assert not model.holds(relation("shop.models.Loop", "customer"))  # a cycle of bases ends
    data = models.to_json()
    data["defs"]["shop.models.Order"]["relations"] = "customer"
    assert ModuleSummary.from_json(data) is None


MAILING = {
    "manage.py": "",
    "lists/__init__.py": "",
    "lists/rest.py": """\
        class RestManager(object):
            def all(self):
                return []


        class RestModel(object):
            objects = RestManager()


        class Domain(RestModel):
            pass
    """,
    "lists/models.py": """\
        from django.db import models


        class MailDomain(models.Model):
            mail_domain = models.CharField(max_length=100)
    """,
    "lists/views.py": """\
        from django.http import JsonResponse

        from lists.models import MailDomain
        from lists.rest import Domain


        def domain_index(request):
            hosts = []
            for domain in Domain.objects.all():
                hosts.append(MailDomain.objects.get(mail_domain=domain.mail_host))
            for mail_domain in MailDomain.objects.all():
                hosts.append(MailDomain.objects.get(mail_domain=mail_domain.mail_domain))
            return JsonResponse({"hosts": len(hosts)})
    """,
}


def test_a_loop_over_a_rest_clients_records_is_no_query(tmp_path: Path) -> None:
    """``Domain.objects.all()`` where ``Domain`` is a plain class of another module (a REST client's record,
    its bases the project's own classes rooted in ``object``) lists what an API returns: a query per domain
    there is not an N+1 of the database. The loop over the ORM's rows next to it is reported."""
    root = write_project(tmp_path, MAILING)
    assert findings_of(root, "BE103") == {("lists/views.py", 12)}


def test_a_rest_clients_records_need_the_project(tmp_path: Path) -> None:
    """Alone (standard input) the view cannot show what ``Domain`` is: both loops are reported."""
    root = write_project(tmp_path, MAILING)
    result = run_cli("check", "--select", "BE103", "--no-cache", "--stdin-filename", "lists/views.py", "-",
                     cwd=root, stdin=(root / "lists/views.py").read_bytes())
    assert result.stdout.decode().count("BE103") == 2, result.stdout.decode()


def test_a_plain_class_is_decided_through_its_bases() -> None:
    """Plain data: a class is plain when it is written on ``object`` or on plain classes of the project; a base
    outside the project (``models.Model``) or unknown makes it not."""
    rest = ModuleSummary(module="lists.rest", defs={
        "lists.rest.RestModel": DefSummary(plain_class=True),
        "lists.rest.Domain": DefSummary(bases=["lists.rest.RestModel"]),
        "lists.rest.Mixed": DefSummary(bases=["lists.rest.RestModel", "django.db.models.Model"]),
    })
    model = ProjectModel([rest])
    assert model.holds(plain_class("lists.rest.Domain"))
    assert not model.holds(plain_class("lists.rest.Mixed"))
    assert not model.holds(plain_class("lists.rest.Unknown"))
