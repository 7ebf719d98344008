"""BE206 slow-work-in-request: an HTTP handler that sends e-mail or SMS or renders a PDF (with ``report-sleeps``,
sleeps) while the client waits.

Sending mail talks to an SMTP server or an API for seconds, rendering a PDF takes a worker's CPU for as long,
and a sleep holds the worker doing nothing. Done in the handler, the request waits for it, fails when the side
job fails, and a client's retry sends a second e-mail; a queue (Celery ``.delay``, RQ ``enqueue``, FastAPI
``BackgroundTasks.add_task``, Django-Q ``async_task``, dramatiq ``.send``) answers at once and retries the job
on its own. Flagged, at the call: a slow call (:mod:`backend_lint.analysis.slow_work`) directly in a handler
the handler model knows, or a call there to a function of the same module whose body makes one by an imported
name (one level). A call to a function imported from another module of the same top-level package
(``notifications.send_welcome(user)``), or to a function of the same module that makes no slow call itself,
is reported when the project model says that function, or a project function it calls (up to three calls
below it), sends e-mail or SMS or renders a PDF (:func:`~backend_lint.analysis.project.conditions.does`,
``only_if``): one finding, naming the first of those it does; never without a project. So is a call on an object
another module of the project made at its top level (``mail.send(msg)`` after ``from . import mail``, where the
package's ``__init__`` holds ``mail = Mail()``), when the project model says that object is a client whose call is
slow (:func:`~backend_lint.analysis.project.conditions.slow_client_call`). A function that a
project decorator runs in the background (its wrapper starts ``Thread(target=f, ...)``: vulnerability-lookup's
``@async_maker``) returns at once, and the model follows no slow work through it
(:attr:`~backend_lint.analysis.project.summary.DefSummary.backgrounds`).

Left alone: slow calls handed to a queue (they are arguments, not calls: ``background_tasks.add_task(send_mail,
...)``), ``time.sleep`` in a loop or an ``except`` clause (a retry's backoff or a poll: BE203's concern),
functions that are not handlers (tasks, commands), handlers only administrators reach
(:mod:`backend_lint.analysis.admin_only`: ``@admin_required``, ``@staff_member_required``, weblate's
``@management_access``, an admin dependency or permission, a view of a back-office package:
:func:`~backend_lint.analysis.admin_only.admin_package`, a function shaped like a view that only such views of
its module call: :func:`~backend_lint.analysis.admin_only.helper_of_admin_views`; a send whose expected failures
the handler catches and answers the client with; an admin tool's "send a test
e-mail" sends while the operator waits by design, and its error is the answer), tests, test support,
examples, handlers added only when a development or debugging switch is on
(:func:`~backend_lint.analysis.dev_only.under_debug_switch`: after ``if not ADD_DEBUGGING_ROUTES: return`` in the
function that registers them, or inside ``if settings.DEBUG:``), and the handlers of a developer's toy server
under ``scripts/`` whose main guard serves it
(``uvicorn.run(app)``; :func:`~backend_lint.analysis.hand_run_scripts.run_by_hand`, unless another module imports
the app: a benchmark's ``/sync-wait`` endpoint sleeps on purpose and no client of the service waits on it).
``time.sleep`` is reported only with ``report-sleeps``: every sleep judged on real applications (0 of 5) was
written to delay that very response (a login's brute-force delay, a camera's settle time before the capture
the request shows). ``asyncio.sleep`` yields the loop and is not slow work. A sleep of a random duration
(``time.sleep(random.uniform(0, 0.5))`` before answering a login: fides blurs the timing difference between
valid and invalid users) exists to delay this very response, which a queue cannot do. A send whose outcome is
the answer (:mod:`backend_lint.analysis.send_outcome`: its expected failures caught and answered, or its result
tested by an ``if`` that shows the client a message: peering's operator e-mail form) is left alone too, also
when a function of the module the handler calls makes the send and answers its outcome itself; so is a handler
named for testing the mail set-up (``mail_server_test_email``, ``send_test_email``:
:func:`~backend_lint.analysis.send_outcome.tests_mail_delivery`), whose send is the test.
"""

from __future__ import annotations

import ast
from typing import Optional

from backend_lint.analysis.admin_only import admin_only, admin_package, helper_of_admin_views, module_callers
from backend_lint.analysis.dev_only import under_debug_switch
from backend_lint.analysis.hand_run_scripts import run_by_hand
from backend_lint.analysis.handlers import handler_for
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.module_roles import module_roles
from backend_lint.analysis.project.conditions import (
    ProjectFact,
    does,
    slow_client_call,
    test_support,
    unreferenced,
)
from backend_lint.analysis.project.def_effects import EFFECT_TEXT
from backend_lint.analysis.project.imported import imported_qualified
from backend_lint.analysis.resolve import called_function
from backend_lint.analysis.send_outcome import answers_send_outcome, helper_answers_sends, tests_mail_delivery
from backend_lint.analysis.slow_work import (
    RENDERS_PDF,
    SLEEPS,
    client_call_kinds,
    local_mail_handoff,
    random_delay,
    returned_values_of,
    slow_calls_in,
    slow_kind,
    slow_work_in,
)
from backend_lint.analysis.values import origin
from backend_lint.context import FileContext
from backend_lint.rule import Option, Rule, visits


class SlowWorkInRequest(Rule):
    code = "BE206"
    name = "slow-work-in-request"
    message = "`{call}` {kind} in handler `{handler}` while the client waits; hand it to a queue or background task"
    needs = (handler_for, module_roles, origin, called_function, slow_work_in, local_mail_handoff, returned_values_of,
             does, admin_package, module_callers, run_by_hand, unreferenced)
    module_facts = (test_support,)
    options = (
        Option(
            "report-sleeps",
            bool,
            False,
            "also report `time.sleep` in a handler (off: every sleep judged on real applications was on purpose)",
        ),
    )

    @visits(ast.Call)
    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        function = ctx.scope.function
        handler = handler_for(ctx, function) if function is not None else None
        if handler is None or ctx.is_test_file or admin_only(handler) or admin_package(ctx) \
                or tests_mail_delivery(function, ctx.scope.method_class):
            return  # (a "send test e-mail" action: the send is the test, its outcome the answer)
        roles = module_roles(ctx)
        if roles.for_tests or roles.example or under_debug_switch(node, ctx):
            return  # (a route added only when a debugging switch is on: not served in production)
        script = run_by_hand(ctx, ctx.scope)
        if script == ():
            return
        unless = script or ()  # a handler of a toy server a script's main guard serves, unless imported
        called = origin(node.func, ctx)
        kind = slow_kind(called, in_handler=True)
        if kind is not None and local_mail_handoff(node, ctx, function):
            return  # handed to the machine's own mail server, itself a queue
        if kind is None:
            helper = called_function(node, ctx, ctx.scope)
            if helper is None:
                if not helper_of_admin_views(ctx, handler) and not answers_send_outcome(node, ctx, function) \
                        and not self._report_imported_client(node, ctx, handler.function.name, unless):
                    self._report_project_helper(node, ctx, handler.function.name, unless)
                return
            if helper.node is not function and handler_for(ctx, helper.node) is not None:
                return  # another handler's work (a deprecated route delegating to its successor): judged there
            kind = slow_work_in(ctx, helper.node) if helper.node is not function else None
            if kind == SLEEPS and not self.option("report-sleeps"):  # the helper's other slow work, if any
                kind = next((other for _, other in slow_calls_in(ctx, helper.node) if other != SLEEPS), None)
            if kind is not None and helper_answers_sends(
                    [call for call, _ in slow_calls_in(ctx, helper.node)], helper.node):
                return  # the helper answers its send's outcome to the client itself (send_outcome)
            called = helper.node.name if kind is not None else None
            if kind is None and helper.node is not function:
                qualified = _module_level_name(ctx, helper.node)
                if qualified is not None and not helper_of_admin_views(ctx, handler):  # the project says
                    self._report_candidates(node, ctx, handler.function.name, qualified, unless)
                return
        if kind is None or called is None:
            return
        if kind == SLEEPS and not self.option("report-sleeps"):
            return  # a deliberate wait on real code (a login's brute-force delay, a camera's settle time)
        if kind == SLEEPS and (ctx.scope.loops or ctx.scope.except_handler is not None):
            return  # a retry's backoff or a poll's wait (BE203's concern), not work to hand off
        if kind == SLEEPS and random_delay(node, ctx):
            return  # a random delay that blurs the answer's timing: it must delay this very response
        if kind == RENDERS_PDF and function is not None and node in returned_values_of(ctx, function):
            return  # the PDF the handler answers with (a download): a queue could not give it
        if helper_of_admin_views(ctx, handler) or answers_send_outcome(node, ctx, function):
            return
        self.report(ctx, node, call=f"{called}()", kind=kind, handler=handler.function.name, unless=unless)

    def _report_project_helper(
        self, node: ast.Call, ctx: FileContext, handler: str, unless: tuple[ProjectFact, ...]
    ) -> None:
        """A function of another module of the project: one candidate finding per slow effect, each standing only
        when the project says the function does it and none of the earlier ones (so at most one stands)."""
        qualified = imported_qualified(ctx, node.func)
        package = ctx.module.partition(".")[0]
        if qualified is None or not package or qualified.partition(".")[0] != package:
            return  # not the project's own code (a library, or no module name to tell)
        if qualified.rpartition(".")[2][:1].isupper():
            return  # a class made (a serializer, an exception): def summaries record functions' effects only
        self._report_candidates(node, ctx, handler, qualified, unless)

    def _report_imported_client(
        self, node: ast.Call, ctx: FileContext, handler: str, unless: tuple[ProjectFact, ...]
    ) -> bool:
        """``mail.send(msg)`` after ``from . import mail``, where the package's ``__init__`` made ``mail = Mail()``:
        a call on a module-level object of another module of the project, reported when the project model says
        it is a client whose call is slow (:func:`~backend_lint.analysis.project.conditions.slow_client_call`).
        Whether the method is one a slow client has: the finding's candidates were reported."""
        root: ast.expr = node.func
        methods: list[str] = []
        while isinstance(root, ast.Attribute):
            methods.append(root.attr)
            root = root.value
        method = ".".join(reversed(methods))
        kinds = client_call_kinds(method) if isinstance(root, ast.Name) and methods else []
        qualified = imported_qualified(ctx, root) if kinds else None
        package = ctx.module.partition(".")[0]
        if qualified is None or not package or qualified.partition(".")[0] != package:
            return False  # no such method, or not an object of the project's own modules
        for kind in kinds:
            self.report(ctx, node, only_if=(slow_client_call(qualified, method, kind),), unless=unless,
                        call=f"{dotted_name(node.func) or method}()", kind=kind, handler=handler)
        return True

    def _report_candidates(
        self, node: ast.Call, ctx: FileContext, handler: str, qualified: str, unless: tuple[ProjectFact, ...]
    ) -> None:
        written = dotted_name(node.func) or qualified.rpartition(".")[2]
        earlier: list[ProjectFact] = []
        function = ctx.scope.function
        answered = function is not None and node in returned_values_of(ctx, function)
        for effect, text in EFFECT_TEXT.items():
            if answered and text == RENDERS_PDF:
                continue  # the PDF the handler answers with (a download): a queue could not give it
            fact = does(qualified, effect)
            self.report(ctx, node, only_if=(fact,), unless=(*earlier, *unless), call=f"{written}()", kind=text,
                        handler=handler)
            earlier.append(fact)


def _module_level_name(ctx: FileContext, function: ast.AST) -> Optional[str]:
    """The qualified name a def summary records for a module-level function or a method of a module-level
    class of this file (``shop.views.OrderView._notify``), else ``None`` (nested: no summary)."""
    if not ctx.module or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    for statement in ctx.tree.body:  # (the walk may not have reached the definition: no parent link yet)
        if statement is function:
            return f"{ctx.module}.{function.name}"
        if isinstance(statement, ast.ClassDef) and any(item is function for item in statement.body):
            return f"{ctx.module}.{statement.name}.{function.name}"
    return None
