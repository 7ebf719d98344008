"""BE303 reports a raw body only with evidence that the client's content is kept or given back as sent
(analysis/body_evidence.py): in-process snippets, one per kind of evidence and per trail that ends quietly."""

from __future__ import annotations

import textwrap

import pytest

from tests.snippets import found

HEAD = """\
import json
from flask import Blueprint, jsonify, request
from .models import Chart, db, store, service
bp = Blueprint("charts", __name__)


@bp.post("/charts/<int:chart_id>")
def handler(chart_id: int):
    data = request.get_json()
"""


def _flagged(body: str) -> bool:
    code = HEAD + textwrap.indent(textwrap.dedent(body), "    ")
    return found(code, "BE303", "app/api.py") == [(9, "BE303")]


@pytest.mark.parametrize(
    "body",
    [
        'db.session.add(Chart(name=data["name"]))\nreturn {}',  # a model made from it
        'chart = Chart.query.get(chart_id)\nchart.name = data["name"]\nreturn {}',  # assigned into an attribute
        'store.insert_one({"title": data["title"]})\nreturn {}',  # a call that writes, through a dict literal
        'service.run(**data)\nreturn {}',  # unpacked: the client picks the keywords
        'return jsonify({"echo": data["text"]})',  # given back as sent
        'rows = []\nfor item in data["items"]:\n    rows.append({"n": item["n"]})\nstore.set_rows(rows)\nreturn {}',
        'Chart.tag_all(chart_id, tags=data["tags"])\nreturn {}',  # an operation of the model class
    ],
)
def test_kept_or_given_back_is_reported(body: str) -> None:
    assert _flagged(body)


@pytest.mark.parametrize(
    "body",
    [
        # each field handed alone to a service (it resolves or checks it), or only compared: nothing kept here
        'service.change_owner(chart_id, data["owner"])\n'
        'service.change_flag(chart_id, data["flag"] in TRUE_VALUES)\nreturn {}',
        # ids only looked up, the rows' own titles given back
        'titles = []\nfor chart in data.get("selections"):\n    titles.append(db.get_chart(chart).title)\n'
        'return json.dumps({"titles": titles})',
    ],
)
def test_only_checked_or_handed_on_is_quiet(body: str) -> None:
    assert not _flagged(body)


def test_required_field_of_a_dict_body() -> None:
    # a body typed `dict`: its required fields read by subscript, then only checked and turned into a prompt
    code = textwrap.dedent("""\
        from fastapi import APIRouter, Request
        router = APIRouter()


        @router.post("/tasks")
        async def run_task(request: Request, form_data: dict) -> dict:
            model_id = form_data["model"]
            if model_id not in MODELS:
                return {"error": "unknown"}
            content = await render_prompt(TEMPLATE, form_data["prompt"])
            return await generate(request, form_data={"model": model_id, "messages": [content]})
        """)
    assert found(code, "BE303", "app/api.py") == [(7, "BE303")]


TASK = """\
from {module} import {names}
{app}


@{route}("/tasks", methods=["POST"])
async def run_task(request: Request):
    data = await request.json()
    model_id = data["model"]
    if model_id not in MODELS:
        return None
    content = await render_prompt(TEMPLATE, data["prompt"])
    return await generate(request, form_data={{"model": model_id, "messages": [content]}})
"""


def test_fields_read_by_hand_where_the_framework_validates() -> None:
    # FastAPI checks a declared model's fields itself: reading them by hand from `request.json()` skips that
    code = TASK.format(module="fastapi", names="APIRouter, Request", app="router = APIRouter()",
                       route="router.api_route")
    assert found(code, "BE303", "app/api.py") == [(7, "BE303")]


def test_fields_only_checked_in_starlette_are_quiet() -> None:
    # the same fields in Starlette, which offers no declared model: only compared and handed on, nothing kept
    code = TASK.format(module="starlette.applications", names="Starlette", app="app = Starlette()",
                       route="app.route")
    assert found(code, "BE303", "app/api.py") == []
