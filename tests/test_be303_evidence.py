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
        # an item written into the body is no new binding of its name: the body is still unpacked
        'data["user"] = "me"\nChart.query.get(chart_id).apply(**data)\nreturn {}',
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


HANDED_ON = [
    'Chart.tag_all(chart_id, tags=data["tags"])\nreturn {}',  # an operation of the model class
]


@pytest.mark.parametrize("body", HANDED_ON)
def test_fields_handed_on_are_reported_only_with_the_option(body: str) -> None:
    # judged on unseen applications, fields only handed on to an operation were true 2 times in 5: off by default
    code = HEAD + textwrap.indent(textwrap.dedent(body), "    ")
    assert found(code, "BE303", "app/api.py") == []
    settings = {"BE303": {"report-fields-handed-on": True}}
    assert found(code, "BE303", "app/api.py", settings) == [(9, "BE303")]


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


EVALUATION = """\
from fastapi import APIRouter, Depends, Request
from .models import EvaluationBody, Session, get_session
router = APIRouter()


@router.post("/evaluations")
async def upsert(request: Request, {parameter}):
    payload = await request.json()
    db.add(Evaluation(run_id=payload["run_id"], start_time=payload["start_time"]))
    return {{}}
"""


@pytest.mark.parametrize(
    ("parameter", "reported"),
    [
        ("request_body: EvaluationBody", False),  # the body declared as a model: FastAPI validated it first
        ("request_body: Annotated[EvaluationBody, Body()]", False),
        ("session: Session = Depends(get_session)", True),  # a dependency is no body model
        ("session: Annotated[Session, Depends(get_session)]", True),
    ],
)
def test_a_body_also_declared_as_a_model_parameter(parameter: str, reported: bool) -> None:
    # Phoenix's experiment evaluations read `await request.json()` beside `request_body: ...RequestBody`
    code = EVALUATION.format(parameter=parameter)
    assert found(code, "BE303", "app/api.py") == ([(8, "BE303")] if reported else [])


def test_fields_only_checked_in_starlette_are_quiet() -> None:
    # the same fields in Starlette, which offers no declared model: only compared and handed on, nothing kept
    code = TASK.format(module="starlette.applications", names="Starlette", app="app = Starlette()",
                       route="app.route")
    assert found(code, "BE303", "app/api.py") == []


FORM = """\
from fastapi import APIRouter, HTTPException, Request
router = APIRouter()


@router.post("/token")
async def post_token(request: Request):
    form = await request.form()
{body}
"""


def _form_flagged(body: str) -> bool:
    code = FORM.format(body=textwrap.indent(textwrap.dedent(body), "    "))
    return found(code, "BE303", "app/api.py") == [(7, "BE303")]


def test_form_text_bound_in_a_lookup_is_quiet() -> None:
    # an OAuth token request: the form's strings only bound as parameters of a lookup answering 401, and a name
    # read from the form bound again (to the new token) before it is answered
    assert not _form_flagged("""\
        tenant_key = form.get("client_id")
        tenant_secret = form.get("client_secret")
        with db.client() as cur:
            cur.execute(cur.mogrify(TENANT_SQL, {"key": tenant_key, "secret": tenant_secret}))
            tenant = cur.fetchone()
            if tenant is None:
                raise HTTPException(status_code=401)
        if form.get("grant_type") == "refresh_token":
            refresh_token = form.get("refresh_token")
            verify_refresh_token(refresh_token)
        access_token, refresh_token = create_tokens(tenant["id"])
        return {"access_token": access_token, "refresh_token": refresh_token}
        """)


@pytest.mark.parametrize(
    "body",
    [
        'db.add(Client(name=form.get("name")))\nreturn {}',  # a form's text stored in a model
        'return {"echo": form.get("name")}',  # given back as sent
        'rules = json.loads(form.get("rules"))\nservice.apply(rules["a"], rules["b"])\nreturn {}',  # decoded
    ],
)
def test_form_text_kept_or_decoded_is_reported(body: str) -> None:
    assert _form_flagged(body)


def test_flask_form_fields_only_mailed_are_quiet() -> None:
    # a feedback form: several strings mailed and logged, nothing stored, unpacked or answered
    assert not _flagged_form_mail()


def _flagged_form_mail() -> bool:
    code = textwrap.dedent("""\
        from flask import Blueprint, request
        bp = Blueprint("mail", __name__)


        @bp.route("/feedback", methods=["POST"])
        def feedback():
            data = request.form.to_dict()
            rating = data.get("rating")
            comment = data.get("comment")
            log_feedback(rating=rating, comment=comment)
            mail.send_email(html=comment, subject=data.get("subject"))
            return {"msg": "sent"}
        """)
    return found(code, "BE303", "app/api.py") == [(7, "BE303")]


JSON_BODY = """\
from fastapi import APIRouter, HTTPException, Request
router = APIRouter()


@router.put("/apikey")
async def update_api_key(request: Request):
{body}
"""


def test_hand_read_answered_with_400_and_used_as_a_key_is_quiet() -> None:
    code = JSON_BODY.format(body=textwrap.indent(textwrap.dedent("""\
        try:
            body = await request.json()
            key_id = body["apiKeyId"]
        except Exception:
            raise HTTPException(status_code=400, detail="Invalid request body")
        logger.info(f"Updating API key ({key_id})", extra={"key_id": key_id})
        api_key = update_api_key_internal(tenant_id=TENANT, unique_api_key_id=key_id)
        if not api_key:
            raise HTTPException(status_code=404, detail=f"API key ({key_id}) not found")
        return {"apiKey": api_key}
        """), "    "))
    assert found(code, "BE303", "app/api.py") == []


def test_hand_read_outside_the_try_is_reported() -> None:
    code = JSON_BODY.format(body=textwrap.indent(textwrap.dedent("""\
        try:
            body = await request.json()
        except Exception:
            raise HTTPException(status_code=400, detail="Invalid request body")
        model_id = body["model"]
        if model_id not in MODELS:
            return None
        content = await render_prompt(TEMPLATE, body["prompt"])
        return await generate(request, form_data={"model": model_id, "messages": [content]})
        """), "    "))
    assert found(code, "BE303", "app/api.py") == [(8, "BE303")]


SETTINGS_VIEW = """\
import json
from django.http import JsonResponse
from django.views import View


class UserSettingsView(View):
    ALLOWED_KEYS = {{"contact_cards", "list_columns"}}

    def post(self, request):
        posted = json.loads(request.body)
        if not isinstance(posted, dict):
            return JsonResponse({{"error": "must be an object"}}, status=400)
{check}
        if "list_columns" in posted:
            request.user.columns = posted["list_columns"]
        request.user.settings = {{**request.user.settings, **posted}}
        request.user.save(update_fields=("settings",))
        return JsonResponse({{"settings": request.user.settings}})
"""


def test_allow_listed_keys_are_a_schema_by_hand() -> None:
    check = '        if not set(posted) <= self.ALLOWED_KEYS:\n            return JsonResponse({}, status=400)'
    assert found(SETTINGS_VIEW.format(check=check), "BE303", "app/views.py") == []


def test_merged_body_without_an_allow_list_is_reported() -> None:
    check = '        if "list_columns" not in posted:\n            return JsonResponse({}, status=400)'
    assert found(SETTINGS_VIEW.format(check=check), "BE303", "app/views.py") == [(10, "BE303")]
