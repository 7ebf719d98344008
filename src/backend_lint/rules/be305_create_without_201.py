"""BE305 create-without-201: a POST handler that creates a resource and answers the framework's default 200.

``201 Created`` tells the client (and caches, SDK generators, API gateways) that a new resource exists; a
``200`` says only "done". Frameworks answer 200 unless told otherwise, so a create handler that forgets the
status answers the wrong thing. The rule asks the handler model for POST handlers and the effects summary
(:mod:`backend_lint.analysis.effects`) whether the handler creates something (an ORM create, an insert, a new
object saved or added, a ``create_*`` call; the handler and its same-module helpers, one level deep). Then,
per framework, whether it answers the default status:

- FastAPI: the route decorator has no ``status_code=``, and the handler sets no status itself;
- Django REST framework: a ``create``/``post`` method, or an ``@api_view(["POST"])`` function view, returns
  ``Response(...)`` without ``status=``;
- Flask and Quart: the handler returns a body without a status (``jsonify(...)``, a dict), not ``(body, 201)``;
- Django: the view returns ``JsonResponse(...)`` without ``status=``.

Left alone: handlers that set any status (``status_code=202``, ``Response(..., status=...)``,
``response.status_code = ...``, a ``(body, status)`` tuple: a deliberate answer), handlers that enqueue work
(202 Accepted may be the right answer; also a row written into a table of work for a worker, ``INSERT INTO
background_tasks``), routes that switch a relation on next to their inverse route (``/follow`` and ``/unfollow``:
a state of the pair, no new addressable resource), handlers whose only records are log or audit entries, redirects and
server-rendered pages, a get-or-create by hand (it may return the existing resource), routes answering other
methods too, and paths or names of endpoints that create no resource for the client (login, token, session,
search, webhooks, and actions whose answer is a status: deploy, install, import, trigger).

The fix (unsafe, FastAPI only) adds ``status_code=201`` to the route decorator: it changes the API's contract
(clients checking for 200 break), hence unsafe.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any, Optional

from backend_lint.analysis.api_conventions import acknowledges_only
from backend_lint.analysis.ast_helpers import callee_name, own_nodes
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.effect_calls import words
from backend_lint.analysis.effects import (
    CREATES,
    ENQUEUES,
    SIDE_RECORDS,
    Effect,
    handler_effects,
    same_module_helpers,
)
from backend_lint.analysis.fill_if_missing import filled_if_missing
from backend_lint.analysis.handler_body import handler_body
from backend_lint.analysis.handler_types import Route
from backend_lint.analysis.handlers import (
    DJANGO,
    DRF,
    FASTAPI,
    FLASK,
    FRAMEWORK_MODULES,
    Handler,
    handler_for,
    handler_model,
)
from backend_lint.analysis.idempotent_inserts import inserts_if_missing
from backend_lint.analysis.included_routes import included_app_objects
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.project.app_conditions import no_created_answers
from backend_lint.analysis.project.conditions import ProjectFact, does, idempotent_inserts, route_words, test_support
from backend_lint.analysis.project.handler_conditions import rpc_api, status_envelope_api
from backend_lint.analysis.project.imported import absolute_name, imported_qualified_name, project_functions
from backend_lint.analysis.project.view_facts import path_words
from backend_lint.analysis.queued_jobs import inserts_queued_work
from backend_lint.analysis.resolve import returned_values
from backend_lint.context import FileContext
from backend_lint.finding import Applicability, Finding
from backend_lint.rule import Option, Rule, visits

if TYPE_CHECKING:
    import libcst as cst

    from backend_lint.fixing.context import FixContext

_ROUTE_DECORATORS = frozenset({"post", "api_route"})
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_DRF_METHODS = frozenset({"create", "post"})
_READ_NAMES = (["read"], ["list"], ["count"], ["search"], ["query"], ["get"])


_PLACEHOLDER = lazy_compile(r"<[^>]*>|\{[^}]*\}")


def _toggles_state(ctx: FileContext, handler: Handler) -> bool:
    """The route switches a relation on and the module routes its inverse: ``.../follow`` next to
    ``.../unfollow`` (``like``/``unlike``, ``subscribe``/``unsubscribe``), and no route addresses a created one by
    its own id (``/pin/delete/<row_id>`` makes pins resources). The POST sets a state of the pair (the user
    follows or does not), answered with a status; nothing new gets an address a 201 would announce."""
    verbs = {words_[-1] for words_ in (_fixed_words(path) for path in handler.paths) if words_}
    if not verbs:
        return False
    others = [path for function, other in handler_model(ctx).handlers.items() if function is not handler.function
              for path in other.paths]
    for verb in verbs:
        if len(verb) < 3 or not any(_fixed_words(path)[-1:] == [f"un{verb}"] for path in others):
            continue
        if any(_addresses_instances(path, verb) for path in [*handler.paths, *others]):
            continue
        return True
    return False


def _fixed_words(path: str) -> list[str]:
    """The words of a path's fixed segments, placeholders left out."""
    return path_words(_PLACEHOLDER.sub(" ", path))


def _addresses_instances(path: str, verb: str) -> bool:
    """``/pin/delete/<row_id>``: the verb's word, then a placeholder for one of them."""
    _head, found, tail = path.partition(verb)
    return bool(found) and bool(_PLACEHOLDER.search(tail)) and not tail.startswith(("s/", "ed"))


def _created_text(what: str | None) -> str:
    """How the message names what the handler creates: ``Order``, a row (``INSERT``), a resource made by a
    call (``create_order()``: "creates `create`" would read as if a thing named ``create`` were made), or a
    resource."""
    if not what:
        return "a resource"
    if what.isupper():  # SQL: ``INSERT``
        return f"a row (`{what}`)"
    if what.rpartition(".")[2][:1].islower():
        return f"a resource with `{what}()`"
    return f"`{what}`"


class CreateWithout201(Rule):
    code = "BE305"
    name = "create-without-201"
    message = "`{handler}` creates {what} and answers {framework}'s default 200; answer 201 Created"
    fix_title = "Add `status_code=201` to the route decorator"
    fix_kind = Applicability.UNSAFE
    fix_node = "FunctionDef"
    triggers = FRAMEWORK_MODULES
    needs = (same_module_helpers, handler_for, handler_body, handler_effects, returned_values, bindings_of, does,
             included_app_objects, idempotent_inserts)
    module_facts = (test_support,)
    options = (
        Option(
            "exempt-paths",
            list,
            ["login", "logout", "signin", "signout", "token", "refresh", "auth", "oauth", "sso", "session",
             "search", "filter", "query", "webhook", "callback", "graphql", "rpc",
             "deploy", "install", "materialize", "execute", "trigger", "import", "sync", "replicate", "publish",
             "resolve", "delete", "remove"],
            "path words (also plural) of endpoints that create no resource for the client (sign-in, searches, "
            "webhooks, actions such as deploy, import or resolving a pending step, deletes sent as POST), "
            "matched on the full path (or "
            "the handler's and class's names when the path is not in the file, or the first word of the "
            "handler's name when the route's own path is empty under a prefix)",
        ),
        Option(
            "report-own-conventions",
            bool,
            False,
            "also report in a project whose API answers 200 to everything by design: RPC over POST (three "
            "POST-only routes or more per GET route, reads among them as POST /list, /get) or a status envelope "
            "(its handler for raised HTTP errors answers 200), with no 201 anywhere",
        ),
    )

    @visits(ast.FunctionDef, ast.AsyncFunctionDef)
    def check_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> None:
        handler = handler_for(ctx, node, "POST")
        if handler is None or ctx.is_test_file or handler.methods - {"POST"} or self._exempt(handler):
            return
        framework = handler.framework
        if framework not in (FASTAPI, DRF, FLASK, DJANGO):
            return
        if _toggles_state(ctx, handler):
            return  # ``/follow`` paired with ``/unfollow``: a relation switched on, no new addressable resource
        body = handler_body(ctx, handler)
        if body.sets_status or body.created_when or body.renders_html or body.form_data:
            return
        effects = handler_effects(ctx, node)
        created = [effect for effect in effects.creates if not words(effect.what) & SIDE_RECORDS]
        bodies = [node, *same_module_helpers(ctx, node)]
        filled = [effect for effect in created if any(filled_if_missing(body, effect.line) for body in bodies)]
        if filled and len(filled) == len(created):
            return  # ``if not organization: organization = create_organization(...)``: a get-or-create by hand
        if effects.finds_first or any(effect.kind == ENQUEUES for effect in effects.effects):
            return
        if inserts_queued_work(node):
            return  # ``INSERT INTO background_tasks``: a row of work queued for a worker, accepted work
        if _processed_in_background(node, created):
            return  # the new row handed to a background task that processes it: accepted work (202)
        if created and all(effect.what == "INSERT" for effect in created) \
                and inserts_if_missing(*(body for body in bodies if isinstance(body, _FUNCTIONS))):
            return  # ``INSERT ... ON CONFLICT ... DO NOTHING``: an idempotent grant, nothing new when it was there
        helpers = _answered_helpers(ctx, node, project_functions(ctx, effects.outside)) if not created else []
        if not created and not helpers:
            return
        decorator: Optional[int] = None
        if framework == FASTAPI:
            decorator = _route_decorator(node)
            if decorator is None:
                return
        elif not self._answers_default(handler, ctx):
            return
        applicability = Applicability.UNSAFE if decorator is not None else Applicability.NONE
        fix_data = {"decorator": decorator} if decorator is not None else None
        prefixed = self._prefix_words(handler, ctx)
        if not self.option("report-own-conventions"):  # the API answers 200 to everything by design
            prefixed += (rpc_api(), status_envelope_api())
            if acknowledges_only(node):  # ``{"ok": True}``: an action acknowledged, in an API that never says 201
                prefixed += (no_created_answers(),)
        if created:
            self.report(ctx, node, applicability=applicability, fix_data=fix_data, handler=node.name,
                        what=_created_text(created[0].what), framework=_FRAMEWORK_NAMES[framework],
                        unless=(*prefixed, *_granted_if_missing(ctx, created)))
            return
        # The only creates are in helpers of other modules: one candidate per helper, standing when the
        # project says that helper creates (and no earlier one does: one finding), unless one of them enqueues.
        enqueues = tuple(does(qualified, ENQUEUES) for qualified in helpers)
        earlier: list[ProjectFact] = []
        for qualified in helpers:
            fact = does(qualified, CREATES)
            self.report(ctx, node, applicability=applicability, fix_data=fix_data, handler=node.name,
                        what=_created_text('.'.join(qualified.split('.')[-2:])), framework=_FRAMEWORK_NAMES[framework],
                        only_if=(fact,), unless=(*enqueues, *earlier, *prefixed))
            earlier.append(fact)

    def _prefix_words(self, handler: Handler, ctx: FileContext) -> tuple[ProjectFact, ...]:
        """A prefix another module gives the handler's router holds an exempt word (``/api/v1/auths`` for the
        ``/signup`` of ``routers/auths.py``)."""
        words = {word.lower() for word in self.option("exempt-paths")}
        words |= {word + "s" for word in words}
        return tuple(route_words(owner, words) for owner in included_app_objects(ctx, handler))

    def _exempt(self, handler: Handler) -> bool:
        if path_words(handler.function.name)[:1] in _READ_NAMES:
            return True
        wanted = {word.lower() for word in self.option("exempt-paths")}
        wanted |= {word + "s" for word in wanted}
        texts = handler.paths or [handler.function.name, handler.class_.name if handler.class_ else ""]
        if any(word in wanted for text in texts for word in path_words(text)):
            return True
        # The route's own path is empty under a prefix naming the collection: the handler's verb says the
        # action (``trigger_dag_run``); the rest of its name is the resource (``create_token`` makes a token).
        verb = path_words(handler.function.name)[:1]
        return bool(handler.paths) and any(_no_own_words(route) for route in handler.routes) \
            and bool(verb) and verb[0] in wanted

    def fix(self, finding: Finding, node: cst.CSTNode, fixer: FixContext) -> Optional[cst.CSTNode]:
        return _fix(finding, node)

    @staticmethod
    def _answers_default(handler: Handler, ctx: FileContext) -> bool:
        """Every value the handler returns is a body answered with 200: DRF ``Response(...)`` in ``create``/
        ``post`` of a view class or in an ``@api_view(["POST"])`` function view (whatever it is called), Flask
        ``jsonify(...)`` or a dict or list, Django ``JsonResponse(...)`` (no status anywhere)."""
        framework = handler.framework
        if framework == DRF and handler.class_ is not None and handler.function.name not in _DRF_METHODS:
            return False
        values = returned_values(ctx, handler.function)
        if framework == DRF and handler.class_ is None and any(
                isinstance(value, ast.Call) and not value.args and not value.keywords for value in values):
            return False  # a function view answering an empty ``Response()``: no created resource it announces
        return bool(values) and all(value is not None and _default_body(value, framework) for value in values)


_FRAMEWORK_NAMES = {FASTAPI: "FastAPI", DRF: "Django REST framework", FLASK: "Flask", DJANGO: "Django"}


def _answered_helpers(
    ctx: FileContext, function: ast.FunctionDef | ast.AsyncFunctionDef, helpers: list[str]
) -> list[str]:
    """The ``helpers`` whose result the handler answers with: called in a returned value
    (``return services.place_order(data)``) or assigned to a name it returns, or uses in a returned value
    (``order = services.place_order(data)`` ... ``return Response(OrderSerializer(order).data)``). A handler
    that answers something else (an action's status, ``None``) has no created resource to announce, and
    a helper it calls on the side (an audit trail) is not what it creates."""
    if not helpers:
        return []
    assigned = bindings_of(ctx, function).assigned
    answered: set[str] = set()
    for value in returned_values(ctx, function):
        for part in ast.walk(value) if value is not None else ():
            calls = [part] if isinstance(part, ast.Call) else []
            if isinstance(part, ast.Name) and len(assigned.get(part.id, [])) == 1:
                made = assigned[part.id][0]
                made = made.value if isinstance(made, ast.Await) else made
                calls += [made] if isinstance(made, ast.Call) else []
            answered.update(
                name for call in calls if (name := absolute_name(ctx, ctx.imports.resolve(call.func) or "")) is not None
            )
    return [name for name in helpers if name in answered]


_BACKGROUND_STARTS = frozenset({"create_task", "ensure_future", "start_soon", "add_task", "submit", "spawn"})


def _processed_in_background(function: ast.FunctionDef | ast.AsyncFunctionDef, created: list[Effect]) -> bool:
    """What the handler creates itself, bound to a name (``file_metadata = await files.create_file(...)``, or
    ``db.add(upload)``), is
    handed to work started in the background (``asyncio.create_task(process(file_metadata))``, a project wrapper
    named for it, ``safe_create_file_processing_task(load_file(...), file_metadata=file_metadata)``): the row
    records work still being done, and the answer says it was accepted (letta's file upload, judged FALSE on
    seed 132)."""
    lines = {effect.line for effect in created if not effect.via}
    made: set[str] = set()
    starts: list[ast.Call] = []
    for node in own_nodes(function):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.lineno in lines:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            made.update(target.id for target in targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.Call):
            if node.lineno in lines:  # ``db.add(upload)``: the new object handed to the create
                made.update(argument.id for argument in node.args if isinstance(argument, ast.Name))
            name = callee_name(node)
            if name in _BACKGROUND_STARTS or {"create", "task"} <= words(name):
                starts.append(node)
    return bool(made) and any(
        isinstance(part, ast.Name) and part.id in made
        for call in starts for argument in (*call.args, *(keyword.value for keyword in call.keywords))
        for part in ast.walk(argument)
    )


def _granted_if_missing(ctx: FileContext, created: list[Effect]) -> tuple[ProjectFact, ...]:
    """The project fact that every create of the handler, each a call of a function or method of the project
    (``DbOrganisationManagers.create(db, org_id, user_sub)``), only inserts its row when none is there (``ON
    CONFLICT ... DO NOTHING``): an idempotent grant (fmtm's new organisation admin). None when one is not such a
    call (an ``INSERT`` of the handler's own, an ORM create)."""
    names = [imported_qualified_name(ctx, effect.what) for effect in created if effect.what]
    if not names or len(names) != len(created) or any(name is None for name in names):
        return ()
    return (idempotent_inserts([name for name in names if name is not None]),)


def _no_own_words(route: Route) -> bool:
    """The route's own path says nothing (``@router.post("")`` under ``prefix="/dags/{dag_id}/dagRuns"``): the
    full path names only the collection, and the handler's name (``trigger_dag_run``) is what says the action."""
    span = route.span
    own = [
        part.text for part in route.parts
        if (span.line, span.col) <= (part.span.line, part.span.col)
        and (part.span.end_line, part.span.end_col) <= (span.end_line, span.end_col)
    ]
    return route.path is not None and not any(path_words(text) for text in own)


def _default_body(value: ast.expr, framework: str) -> bool:
    if framework == FLASK:
        if isinstance(value, (ast.Dict, ast.List)):
            return True
        return isinstance(value, ast.Call) and callee_name(value) == "jsonify"
    wanted = "Response" if framework == DRF else "JsonResponse"
    return isinstance(value, ast.Call) and callee_name(value) == wanted


def _route_decorator(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Optional[int]:
    """The index of the one ``@router.post(...)``/``@app.api_route(...)`` decorator without ``status_code=``
    or ``response_class=`` (a redirect or HTML response class answers its own status)."""
    found = [
        index for index, decorator in enumerate(function.decorator_list)
        if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
        and decorator.func.attr in _ROUTE_DECORATORS
    ]
    if len(found) != 1:
        return None
    call = function.decorator_list[found[0]]
    assert isinstance(call, ast.Call)
    if any(keyword.arg in ("status_code", "response_class") or keyword.arg is None for keyword in call.keywords):
        return None
    return found[0]


def _fix(finding: Finding, node: Any) -> Optional[Any]:
    import libcst  # noqa: PLC0415 - fix path only

    data: dict[str, Any] = finding.fix_data or {}
    index = data.get("decorator")
    if not isinstance(node, libcst.FunctionDef) or not isinstance(index, int) or index >= len(node.decorators):
        return None
    decorator = node.decorators[index]
    call = decorator.decorator
    if not isinstance(call, libcst.Call):
        return None
    args = list(call.args)
    new = libcst.Arg(
        keyword=libcst.Name("status_code"),
        value=libcst.Integer("201"),
        equal=libcst.AssignEqual(
            whitespace_before=libcst.SimpleWhitespace(""), whitespace_after=libcst.SimpleWhitespace("")
        ),
    )
    if args and isinstance(args[-1].comma, libcst.Comma):  # one argument per line: keep the trailing comma
        last = args[-1]
        before = args[-2].comma if len(args) > 1 and isinstance(args[-2].comma, libcst.Comma) else None
        new = new.with_changes(comma=last.comma)
        args[-1] = last.with_changes(comma=before or libcst.Comma(whitespace_after=libcst.SimpleWhitespace(" ")))
    elif args:
        args[-1] = args[-1].with_changes(comma=libcst.Comma(whitespace_after=libcst.SimpleWhitespace(" ")))
    decorators = list(node.decorators)
    decorators[index] = decorator.with_changes(decorator=call.with_changes(args=[*args, new]))
    return node.with_changes(decorators=decorators)
