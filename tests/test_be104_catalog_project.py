"""BE104 on a project: a list is reported only where the project shows its table grows with use. A model whose
rows a public POST handler, a task or an import makes keeps its finding; a catalogue whose rows are made only
in a data migration, behind an administrators-only view or by a one-off management command is left alone, and
so is one made nowhere the project's code shows (no evidence that it grows). Through
the real CLI and ``flake8 --select BE`` as processes.
"""

from __future__ import annotations

from pathlib import Path

from tests.projects import findings_of, unsearched_lists, write_project

MODELS = '''\
    from django.db import models


    class Post(models.Model):
        title = models.CharField(max_length=80)


    class Comment(models.Model):
        body = models.TextField()


    class Upload(models.Model):
        name = models.CharField(max_length=80)


    class Reading(models.Model):
        value = models.FloatField()


    class Connector(models.Model):
        name = models.CharField(max_length=80)


    class Regulation(models.Model):
        name = models.CharField(max_length=80)


    class Datatype(models.Model):
        name = models.CharField(max_length=80)


    class Cohort(models.Model):
        name = models.CharField(max_length=80)


    class Geocoder(models.Model):
        name = models.CharField(max_length=80)
'''

FORMS = '''\
    from django import forms
    from rest_framework import serializers

    from blog.models import Comment, Connector


    class CommentSerializer(serializers.ModelSerializer):
        class Meta:
            model = Comment
            fields = ["body"]


    class ConnectorForm(forms.ModelForm):
        class Meta:
            model = Connector
            fields = ["name"]
'''

WRITES = '''\
    from django.contrib.admin.views.decorators import staff_member_required
    from django.http import JsonResponse
    from django.views.decorators.http import require_POST
    from rest_framework.decorators import api_view
    from rest_framework.response import Response

    from blog import models
    from blog.forms import CommentSerializer, ConnectorForm
    from blog.models import Post, Regulation


    @require_POST
    def new_post(request):
        post = Post.objects.create(title=request.POST["title"])
        return JsonResponse({"id": post.pk})


    @api_view(["POST"])
    def new_comment(request):
        serializer = CommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data, status=201)


    @staff_member_required
    def new_connector(request):
        form = ConnectorForm(request.POST)
        form.save()
        return JsonResponse({"ok": True})


    @staff_member_required
    def new_regulation(request):
        Regulation.objects.create(name=request.POST["name"])
        return JsonResponse({"ok": True})


    def record_upload(name):
        return models.Upload.objects.get_or_create(name=name)
'''

TASKS = '''\
    from blog.models import Reading


    def ingest(values):
        Reading.objects.bulk_create([Reading(value=value) for value in values])
'''

COMMAND = '''\
    from django.core.management.base import BaseCommand

    from blog.models import Cohort


    class Command(BaseCommand):
        def handle(self, *args, **options):
            Cohort.objects.create(name=options["name"])
'''

MIGRATION = '''\
    from django.db import migrations


    def seed(apps, schema_editor):
        Geocoder = apps.get_model("blog", "Geocoder")
        Geocoder.objects.create(name="nominatim")


    class Migration(migrations.Migration):
        operations = [migrations.RunPython(seed)]
'''

LISTS = '''\
    from django.http import JsonResponse
    from django.views.decorators.http import require_GET

    from blog.models import Comment, Connector, Datatype, Geocoder, Cohort, Post, Reading, Regulation, Upload


    @require_GET
    def posts(request):
        return JsonResponse({"rows": list(Post.objects.values("title"))})


    @require_GET
    def comments(request):
        return JsonResponse({"rows": list(Comment.objects.values("body"))})


    @require_GET
    def uploads(request):
        return JsonResponse({"rows": list(Upload.objects.values("name"))})


    @require_GET
    def readings(request):
        return JsonResponse({"rows": list(Reading.objects.values("value"))})


    @require_GET
    def connectors(request):
        return JsonResponse({"rows": list(Connector.objects.values("name"))})


    @require_GET
    def regulations(request):
        return JsonResponse({"rows": list(Regulation.objects.values("name"))})


    @require_GET
    def datatypes(request):
        return JsonResponse({"rows": list(Datatype.objects.values("name"))})


    @require_GET
    def groups(request):
        return JsonResponse({"rows": list(Cohort.objects.values("name"))})


    @require_GET
    def geocoders(request):
        return JsonResponse({"rows": list(Geocoder.objects.values("name"))})
'''

PROJECT = {
    "pyproject.toml": "[project]\nname = 'blog'\n",
    "blog/__init__.py": "",
    "blog/models.py": MODELS,
    "blog/forms.py": FORMS,
    "blog/writes.py": WRITES,
    "blog/tasks.py": TASKS,
    "blog/views.py": LISTS,
    "blog/management/__init__.py": "",
    "blog/management/commands/__init__.py": "",
    "blog/management/commands/add_group.py": COMMAND,
    "blog/migrations/__init__.py": "",
    "blog/migrations/0002_seed.py": MIGRATION,
}


def test_only_tables_that_grow_with_use_are_reported(tmp_path: Path) -> None:
    found = {line for path, line in findings_of(write_project(tmp_path, unsearched_lists(PROJECT)), "BE104") if path == "blog/views.py"}
    # made by a public POST handler, a serializer given the client's data, a helper, a bulk ingest: they grow
    assert {9, 14, 19, 24} <= found
    # made only behind staff_member_required (a ModelForm of the model, a create), by a one-off management
    # command, in a data migration: catalogues the operator configures
    assert not {29, 34, 44, 49} & found
    # made nowhere the project's code shows: no evidence that the table grows, left alone like a catalogue
    assert 39 not in found


def test_a_project_whose_creations_are_not_read_keeps_every_finding(tmp_path: Path) -> None:
    files = {name: text for name, text in PROJECT.items() if name not in ("blog/writes.py", "blog/tasks.py")}
    found = {line for path, line in findings_of(write_project(tmp_path, unsearched_lists(files)), "BE104") if path == "blog/views.py"}
    # no module makes rows by use: nothing tells catalogues from growing tables, so the rule reports as before
    # (the command's create is the operator's)
    assert {9, 14, 19, 24, 29, 34, 39, 44, 49} <= found


REFERENCE_MODELS = '''\
    from django.db import models


    class Reason(models.Model):
        text = models.CharField(max_length=80)


    class Decision(models.Model):
        reason = models.ForeignKey(Reason, on_delete=models.PROTECT)
        also = models.ManyToManyField(Reason, related_name="+")
'''

REFERENCE_VIEWS = '''\
    from django.http import JsonResponse
    from django.views.decorators.http import require_GET, require_POST
    from rest_framework import viewsets

    from shop.models import Decision, Reason


    class ReasonViewSet(viewsets.ReadOnlyModelViewSet):
        queryset = Reason.objects.all()


    @require_POST
    def decide(request):
        return JsonResponse({"id": Decision.objects.create(reason_id=request.POST["reason"]).pk})


    @require_GET
    def reasons(request):
        return JsonResponse({"rows": list(Reason.objects.values("text"))})


    @require_GET
    def decisions(request):
        return JsonResponse({"rows": list(Decision.objects.values("id"))})
'''


def test_a_relation_declared_to_a_table_makes_no_rows_of_it(tmp_path: Path) -> None:
    project = {"pyproject.toml": "[project]\nname = 'shop'\n", "shop/__init__.py": "",
               "shop/models.py": REFERENCE_MODELS, "shop/views.py": REFERENCE_VIEWS}
    found = {line for path, line in findings_of(write_project(tmp_path, unsearched_lists(project)), "BE104") if path == "shop/views.py"}
    # ``ForeignKey(Reason)``/``ManyToManyField(Reason)`` in a class body and a read-only viewset over it make no
    # Reason rows: a reference table; the decisions a public POST makes grow
    assert found == {24}
