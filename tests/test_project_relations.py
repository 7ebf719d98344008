"""BE103 on a model of another module: ``order.customer`` in a loop over orders is an N+1 when the project model
says ``Order`` declares ``customer`` as a lazily loaded relation (Django views import their models from
``models.py``, so this is how the N+1 is usually written). Through the real CLI and ``flake8 --select BE``; the
plain-data answers (re-exports, project bases, a cached summary with a wrong type refused) on summaries."""

from __future__ import annotations

from pathlib import Path

from backend_lint.analysis.project.conditions import relation
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

        urlpatterns = [path("names/", views.order_names), path("notes/", views.order_notes)]
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
