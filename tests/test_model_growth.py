"""What a call makes rows of, as :mod:`backend_lint.analysis.model_growth` reads it (BE104's catalogues)."""

from __future__ import annotations

import ast

import pytest

from backend_lint.analysis.model_growth import _created, model_forms, model_grows


def _call(text: str) -> ast.Call:
    node = ast.parse(text).body[0]
    assert isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
    return node.value


@pytest.mark.parametrize(("text", "made"), [
    ("Tag(name=n)", "Tag"),
    ("Tag.objects.create(name=n)", "Tag"),
    ("models.Tag.objects.get_or_create(name=n)", "Tag"),
    ("Tag.objects.bulk_create(rows)", "Tag"),
    ("Tag.create(name=n)", "Tag"),
    ("User.objects.create_user(name, mail)", "User"),
    ("post.tags.create(name=n)", ".tags"),
    ("TagSerializer(data=request.data)", "TagSerializer"),
    ("TagForm(request.POST)", "TagForm"),
    ("create_object(Tag, data)", "Tag"),
    ("CRUDBase(Item)", "Item"),
    ("cursor.execute('INSERT INTO app_tags (name) VALUES (%s)', [n])", "table:app_tags"),
])
def test_creations_read(text: str, made: str) -> None:
    assert made in _created(_call(text))


@pytest.mark.parametrize("text", [
    "TagSerializer(tags, many=True)",
    "TagForm(instance=tag)",
    "Tag.objects.filter(name=n)",
    "select(Tag)",
    "post.tags.all()",
])
def test_reads_make_nothing(text: str) -> None:
    assert not [name for name in _created(_call(text)) if name.lstrip(".").lower().startswith("tag")]


def test_related_managers_and_tables_match_their_model() -> None:
    assert model_grows("SubmissionScore", frozenset({".scores"}))
    assert model_grows("Tag", frozenset({"table:tags"}))
    assert model_grows("Tag", frozenset({".tag_set"}))
    assert not model_grows("Connector", frozenset({".tags", "Tag", "table:posts"}))


def test_forms_name_their_model() -> None:
    tree = ast.parse("class TagForm(ModelForm):\n    class Meta:\n        model = models.Tag\n")
    assert model_forms(tree) == {"TagForm": "Tag"}
