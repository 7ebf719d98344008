"""BE303 unvalidated-request-body: a handler reads the raw request body and uses it without a schema.

"Never trust user input": a raw JSON dict or form goes on into queries, models and business logic with
whatever types, sizes and extra keys the client chose, and every handler re-implements (or forgets) the same
checks. A schema at the boundary (pydantic, marshmallow, a DRF serializer, a Django form, a dataclass) rejects
bad input with a 4xx before any of it is used.

The handler model (:mod:`backend_lint.analysis.handlers`) says which functions are handlers and how they
name the request; :mod:`backend_lint.analysis.handler_body` finds the raw reads (Flask ``request.get_json()``,
``request.json``, ``request.form[...]``; Starlette/FastAPI/Litestar/aiohttp ``await request.json()``/
``form()``; Django ``json.loads(request.body)``) and follows each value, directly or through the local it
is assigned to. A handler is reported once, at the first read whose fields are used, unpacked or stored
raw, unless some read of the body reaches a schema in the same handler. A value only handed to a helper
function, tested or returned is not reported (the helper may validate it). Typed FastAPI/Litestar body
parameters and DRF ``request.data`` are not raw reads here. A single field checked where it is read (compared
with a literal, converted to a number, bound in a lookup, handed whole to a command or schema class) is not
used raw, and a handler that renders a page or redirects (a form view; aiohttp's ``raise web.HTTPFound``) is left
alone. So is a Flask handler whose
raw reads are only text fields of its form, never decoded (``request.form["bookmark"]``, stored or handed on):
werkzeug's form holds strings and answers a missing key with 400 itself, so the client chooses no type, structure or
key. A handler that catches a service's own refusal (``except InvalidProfileError: abort(400)``) leaves the checking
to that service (:mod:`backend_lint.analysis.delegated_validation`), and a field handed alone to a one-value setter
(``blueprint.file_dialog_view.set(req.json["view"])``, a registered preference that checks its value) is the
setter's to check (as is a field written only into the requesting user's own preference store, session or cookie,
:mod:`backend_lint.analysis.preference_stores`); so is a local checked before any other use, replaced when a
predicate refuses it or looked up with its miss answered
(:func:`~backend_lint.analysis.checked_fields.checked_before_use`: Django's ``set_language``); so is a body a
decorator validates first (``@validate_openapi_request("addNotifications")``, ``@use_kwargs(schema)``), and fields
read leniently that only ever become text (:mod:`backend_lint.analysis.text_fields`: a prompt built from
``data.get("plan")``).
A body that is one CSV text field whose every parsed row is loaded through a schema
(:mod:`backend_lint.analysis.csv_rows`: IRIS's IOC upload) is validated at the level of the rows.
So is a body whose every field is an id resolved by a lookup whose miss the handler answers
(:mod:`backend_lint.analysis.looked_up_fields`: Timesketch's ``Timeline.get_by_id(timeline_id)`` then
``if not timeline: abort(404)``).
So is a body whose every field the handler checks by hand before using it, a failed check answered with
4xx (:mod:`backend_lint.analysis.checked_fields`: ``int(data.get("ts"))`` under ``except ValueError: raise
APIBadRequest``, ``if not is_valid_uuid(mbid): raise APIBadRequest``, an allow-list, a lookup answered 404).
So is a body whose structure the handler checks by hand: tested to be an object and each key it subscripts
tested present, a failure answered with 4xx, and used for nothing else (:mod:`backend_lint.analysis.shape_checks`:
Quay's scanner callback, ``if not isinstance(data, dict): abort(400)``, ``if "notification_id" not in data``).
Above all, a finding needs evidence that the client's content is kept or given back as sent
(:mod:`backend_lint.analysis.body_evidence`: stored in a model, a write or an attribute, unpacked with ``**``,
returned, or, in FastAPI and Litestar, which validate a declared body model themselves, any field read by
hand but the key of an entry the server holds, ``worker_map[params["model"]]``). Judged on real applications,
findings without that evidence (fields only compared, tested, converted,
looked up or handed one by one to helpers) were closed as "not a bug" in a new idiom every round. Fields handed
field by field to one operation with nothing kept in the handler were true 2 times in 5: they are reported only
with the option ``report-fields-handed-on``. A FastAPI or Litestar handler that also declares the body as a
model parameter (``request_body: ...RequestBody``) reads a body the framework has already validated.
A handler only administrators or staff reach (declared: ``@staff_member_required``) that reads the body's keys
under a ``try`` whose ``except KeyError`` answers 4xx (:mod:`backend_lint.analysis.staff_tools`: Sefaria's
moderators' bulk-edit tool) checks its own staff's input; an administrators' handler that never checks what it
stores is still reported.
A handler whose body starts by turning every request away unless a development setting is on
(:mod:`backend_lint.analysis.dev_only`: ``if not (settings.DEV and settings.ENABLE_TESTING_ENDPOINTS): raise
Http404``) is a testing endpoint production never serves, and is left alone. So is a route only the
project's own backend or workers call (:func:`backend_lint.analysis.internal_services.internal_api`: a module
named ``internal_views.py``, a handler behind ``@backend_authenticated``): the body is built by trusted code.
"""

from __future__ import annotations

import ast

from backend_lint.analysis.body_evidence import body_evidence, declares_body_model
from backend_lint.analysis.body_fields import form_text_only
from backend_lint.analysis.checked_fields import fields_checked_by_hand
from backend_lint.analysis.csv_rows import rows_loaded_by_schema
from backend_lint.analysis.delegated_validation import answers_service_refusal, validated_by_decorator
from backend_lint.analysis.dev_only import development_only
from backend_lint.analysis.handler_body import handler_body
from backend_lint.analysis.handlers import FASTAPI, FLASK, FRAMEWORK_MODULES, LITESTAR, handler_for
from backend_lint.analysis.internal_services import internal_api, internal_service_facts
from backend_lint.analysis.looked_up_fields import fields_only_looked_up
from backend_lint.analysis.project.conditions import internal_service, schema_models, test_support
from backend_lint.analysis.schema_models import schema_facts
from backend_lint.analysis.shape_checks import body_shape_checked
from backend_lint.analysis.staff_tools import staff_tool_checking_fields
from backend_lint.analysis.text_fields import only_text_fields
from backend_lint.context import FileContext
from backend_lint.rule import Option, Rule, visits


class UnvalidatedRequestBody(Rule):
    code = "BE303"
    name = "unvalidated-request-body"
    message = "`{read}` is used without schema validation; parse the body into a schema before using it"
    triggers = FRAMEWORK_MODULES
    needs = (handler_for, handler_body, internal_service, body_evidence, internal_api, schema_models)
    module_facts = (test_support,)
    options = (
        Option(
            "report-fields-handed-on",
            bool,
            False,
            "also report a body whose fields are only handed on, several to one call (`alert.from_action(action,"
            " text, timeout)`) or one to an operation of a model class, with nothing stored, unpacked or answered"
            " (judged on unseen applications: 2 of 5 true)",
        ),
    )

    @visits(ast.FunctionDef, ast.AsyncFunctionDef)
    def check_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> None:
        handler = handler_for(ctx, node)
        if handler is None or ctx.is_test_file or development_only(node):
            return  # (a handler that answers only with a development setting on is a test fixture's endpoint)
        if internal_api(ctx, handler):
            return  # only the project's own backend or workers post here: the body is built by trusted code
        body = handler_body(ctx, handler)
        if body.renders_html:
            return  # a server-rendered page reading its own form: the API concern does not arise
        reads = body.body_reads
        if any(read.validated for read in reads):
            return  # the handler validates the body; other reads (logging, flags) follow from that
        if any(read.forwarded for read in reads):
            return  # a pass-through proxy: the service it forwards the body to validates it
        raw = [read.node for read in reads if read.raw]
        if handler.framework == FLASK and raw and form_text_only(node, [read.node for read in reads]):
            return  # only text fields of a form, never decoded: strings or 400 already, no type the client chose
        first = next((read for read in reads if read.raw), None)
        if first is not None and only_text_fields(node, [read.node for read in reads]):
            return  # fields read leniently that only become text (a prompt): free-form by design
        if first is not None and rows_loaded_by_schema(node, [read.node for read in reads]):
            return  # one CSV text field whose every parsed row is loaded through a schema: the rows are validated
        if first is not None and fields_only_looked_up(node, [read.node for read in reads]):
            return  # every field an id resolved by a lookup whose miss is answered: nothing stored as sent
        if first is not None and fields_checked_by_hand(node, [read.node for read in reads]):
            return  # every field checked before use (converted, compared, looked up), a failure answered with 4xx
        if first is not None and body_shape_checked(node, [read.node for read in reads]):
            return  # the body tested to be an object with its required keys, a failure answered with 4xx
        if first is not None and staff_tool_checking_fields(handler, [read.node for read in reads]):
            return  # a staff-only tool that answers a missing required field with 400 itself
        if first is not None and validated_by_decorator(node):
            return  # a decorator validates the request against a schema before the handler runs
        if first is not None and answers_service_refusal(node, [read.node for read in reads]):
            return  # a service of the project checks what it is handed, and its refusal is answered with 400
        typed = handler.framework in (FASTAPI, LITESTAR)  # (they validate a declared body model themselves)
        if first is not None and typed and declares_body_model(node):
            return  # the body is also declared as a model parameter: the framework validated it first
        if first is None:
            return
        evidence = body_evidence(ctx, node, [read.node for read in reads], typed, handler.request_names,
                                 self.option("report-fields-handed-on"))
        if evidence is None:
            return  # no field stored, unpacked, given back or required: each is checked, tested or a helper's
        unless = internal_service_facts(ctx, handler)
        if evidence.models:
            schemas = schema_facts(ctx, evidence.models)
            if schemas == ():
                return  # fields built into pydantic models of the file, a refusal answered with 4xx: validated
            if schemas is not None:
                unless = (*unless, *schemas)  # (pydantic models of the project: validated field by field)
        self.report(ctx, first.node, read=first.label, unless=unless)

