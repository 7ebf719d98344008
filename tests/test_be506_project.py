"""BE506 on a project: ``row.file.save(upload.name, upload)`` is left alone when the model's file field (in
another module) has an ``upload_to`` callable that makes its own name; a field with a string ``upload_to``, or
a callable that keeps the client's name, is still reported. Through the real CLI and ``flake8 --select BE`` as
processes.
"""

from __future__ import annotations

from pathlib import Path

from tests.projects import findings_of, write_project

MODELS = '''\
    import os
    import uuid

    from django.db import models
    from django.utils.crypto import get_random_string


    def cachedfile_name(instance, filename):
        secret = get_random_string(length=12)
        ext = filename.split(".")[-1]
        return f"cachedfiles/{instance.id}.{secret}.{ext}"


    def _prefixed_name(instance, filename):
        return "cachedfiles/" + cachedfile_name(instance, filename)


    def document_path(instance, filename):
        name = filename.lower()
        return os.path.join("documents", str(instance.owner_id), name)


    class CachedFile(models.Model):
        file = models.FileField(upload_to=cachedfile_name)
        backup = models.FileField(upload_to=_prefixed_name)
        thumbnail = models.ImageField(upload_to=lambda instance, filename: f"thumbs/{uuid.uuid4().hex}.png")


    class Document(models.Model):
        file = models.FileField(upload_to=document_path)
        scan = models.FileField(upload_to="scans/")
'''

VIEWS = '''\
    from shop.models import CachedFile, Document


    def upload(request):
        upload = request.FILES["file"]
        cf = CachedFile.objects.create(filename=upload.name)
        cf.file.save(upload.name, upload)
        cf.backup.save(upload.name, upload)
        cf.thumbnail.save(upload.name, upload)
        document = Document(owner=request.user)
        document.file.save(upload.name, upload)
        document.scan.save(upload.name, upload)
        return cf.pk
'''

PROJECT = {"shop/__init__.py": "", "shop/models.py": MODELS, "shop/views.py": VIEWS}


def test_fields_whose_upload_to_makes_the_name_are_left_alone(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, PROJECT), "BE506")
    # CachedFile's three fields make their own names (a random name, through a helper, a uuid in a lambda).
    assert not {("shop/views.py", 7), ("shop/views.py", 8), ("shop/views.py", 9)} & found
    # Document keeps the client's name: lowered and joined under a folder, or under a string upload_to.
    assert {("shop/views.py", 11), ("shop/views.py", 12)} <= found


def test_the_view_checked_without_the_models_is_reported(tmp_path: Path) -> None:
    files = dict(PROJECT)
    del files["shop/models.py"]
    found = findings_of(write_project(tmp_path, files), "BE506")
    assert ("shop/views.py", 7) in found
