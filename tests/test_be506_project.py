"""BE506 on a project: ``row.file.save(upload.name, upload)`` on a Django model's file field is left alone whatever
the field's ``upload_to``: ``FieldFile.save`` runs the name through ``upload_to``, ``validate_file_name`` and the
field's storage, as ``default_storage.save`` does. A ``save`` on an object the view did not make or fetch, or the
client's name joined into a path, is still reported. Through the real CLI and ``flake8 --select BE`` as processes.
"""

from __future__ import annotations

from pathlib import Path

from tests.projects import findings_of, write_project

MODELS = '''\
    import uuid

    from django.db import models


    def cachedfile_name(instance, filename):
        return f"cachedfiles/{instance.id}.{uuid.uuid4().hex}"


    class CachedFile(models.Model):
        file = models.FileField(upload_to=cachedfile_name)


    class Document(models.Model):
        scan = models.FileField(upload_to="scans/")
'''

VIEWS = '''\
    import os

    from avatar.models import Avatar
    from django.http import HttpResponse
    from shop.models import CachedFile, Document


    def upload(request):
        upload = request.FILES["file"]
        cf = CachedFile.objects.create(filename=upload.name)
        cf.file.save(upload.name, upload)
        document = Document(owner=request.user)
        document.scan.save(upload.name, upload)
        avatar = Avatar(user=request.user, primary=True)
        avatar.avatar.save(upload.name, upload)
        with open(os.path.join("/srv/uploads", upload.name), "wb") as out:
            out.write(upload.read())
        return HttpResponse(cf.pk)


    def replace(request, holder):
        upload = request.FILES["file"]
        holder.file.save(upload.name, upload)
'''

PROJECT = {"shop/__init__.py": "", "shop/models.py": MODELS, "shop/views.py": VIEWS}


def test_a_model_file_field_saving_the_upload_is_left_alone(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, PROJECT), "BE506")
    # a callable upload_to, a string one, a library's model (django-avatar's, askbot): Django checks the name
    assert not {("shop/views.py", 11), ("shop/views.py", 13), ("shop/views.py", 15)} & found
    # the name joined into a path and opened, and a save on an object the view was handed: still reported
    assert {("shop/views.py", 16), ("shop/views.py", 23)} <= found
