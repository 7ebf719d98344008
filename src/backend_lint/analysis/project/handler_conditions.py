"""Facts about what the application's handlers and jobs do and answer as a convention of the whole project: the
errors its own code catches or words itself, the jobs its handlers queue, the shape of its API's answers (BE301,
BE302, BE304, BE305, BE403). The kinds and :class:`~.conditions.ProjectFact` are in :mod:`.conditions` (which
explains how a rule asks a fact); :class:`~.model.ProjectModel` decides these like the others.
"""

from __future__ import annotations

from collections.abc import Iterable

from backend_lint.analysis.facts import project_fact
from backend_lint.analysis.project.conditions import (
    CATCHES_ALL,
    MASKED_ERROR,
    METHODS_CATCH_ALL,
    OWN_CLIENT_HEADER,
    OWN_INBOX,
    QUIET_JOBS,
    RAISES_MESSAGE,
    RPC_API,
    STATUS_ENVELOPE_API,
    UNPAYING_JOBS,
    UNREACHING_JOBS,
    WRAPS_LIBRARY_CALL,
    ProjectFact,
)


@project_fact
def catch_alls(qualified: Iterable[str]) -> ProjectFact:
    """Every one of the project's functions ``qualified`` (through re-exports) lets no exception out: its body
    catches everything itself (:func:`backend_lint.analysis.catch_all.catches_everything`). An ``except
    Exception`` around calls of them never runs (BE403)."""
    return ProjectFact(CATCHES_ALL, tuple(sorted(set(qualified))))


@project_fact
def methods_catch_all(names: Iterable[str]) -> ProjectFact:
    """For each method name, the project defines a method of that name and every one lets no exception out
    (:func:`catch_alls`, read by name: ``document_service.db.list_folders(auth)`` on an object of no known class).
    A name the project's modules store callables on (``config.code.on_mcp_connect = wrap_user_function(func)``,
    ``ModuleSummary.assigned_callables``) counts when every function making them returns a wrapper that swallows
    the wrapped function's errors (``DefSummary.wraps_catch_all``). BE304: such calls alone in a ``try`` give its
    ``except Exception as e`` no error text to answer."""
    return ProjectFact(METHODS_CATCH_ALL, tuple(sorted(set(names))))


@project_fact
def own_inbox(qualified: str) -> ProjectFact:
    """Every message the project's function ``qualified`` sends goes to an address of the configuration, the site's
    own inbox (``DefSummary.mails_own_inbox``; taskingmanager's ``send_contact_admin_email`` mailing
    ``settings.EMAIL_CONTACT_ADDRESS``): a handler whose only costly effect is that message duplicates nothing a
    maintainer would key (BE301)."""
    return ProjectFact(OWN_INBOX, (qualified,))


@project_fact
def raises_message(qualified: str) -> ProjectFact:
    """The project's function ``qualified`` (through re-exports) raises a plain ``Exception`` with a message of its
    own in its body (lemur's ``certificates.service.stats``: ``raise Exception(f"Stats not available for requested
    metric: {metric}")``): a caller's ``except Exception`` answering 400 answers that refusal (BE304)."""
    return ProjectFact(RAISES_MESSAGE, (qualified,))


@project_fact
def wraps_library_call(qualified: str) -> ProjectFact:
    """The project's function ``qualified`` (through re-exports) is one library call and nothing else (askbot's
    ``decode_jwt`` around PyJWT's ``jwt.decode``): a ``try`` of it alone fails only with the library's error, whose
    message a log line carries; a traceback would show the library's frames (BE403)."""
    return ProjectFact(WRAPS_LIBRARY_CALL, (qualified,))



@project_fact
def masked_error(family: str, status: str, module: str) -> ProjectFact:
    """A module of the project (not a test) registers an application-wide handler for raised HTTP exceptions of
    ``family`` (``asgi``: FastAPI/Starlette ``HTTPException``; ``wsgi``: Flask ``abort``/werkzeug) whose body keeps
    the exception's text from the client for ``status`` (``""``: not known; only a handler masking every status
    counts then), serving ``module`` (the handler's application is built in its package, or a blueprint's handler is
    in it): surfsense's ``_http_exception_handler`` answers every 500 with ``GENERIC_5XX_MESSAGE`` (BE304;
    :mod:`backend_lint.analysis.masked_errors`)."""
    return ProjectFact(MASKED_ERROR, (family, status, module))


@project_fact
def quiet_jobs(qualified: Iterable[str]) -> ProjectFact:
    """Every one of the project's functions ``qualified`` (the tasks a handler queues: zentral's
    ``inventory.tasks.export_machine_android_apps``) is defined in the project and, with the project functions it
    calls (:meth:`.model.ProjectModel.effects_of`), creates no record, queues no job, sends no message and moves
    no money: it only reads and computes (an export that SELECTs and writes a file), so a second run reaches
    no one (BE301)."""
    return ProjectFact(QUIET_JOBS, tuple(sorted(set(qualified))))



@project_fact
def unreaching_jobs(qualified: Iterable[str]) -> ProjectFact:
    """Every one of the project's functions ``qualified`` (the jobs a handler queues, named neutrally:
    ``process_page``, ``convert_workflow``; the functions of other modules it calls, a service that starts a
    run: ``task_v1_service.run_task``), with the project functions it calls
    (:meth:`.model.ProjectModel.effects_of`), sends no message and moves no money: a second run reaches no one
    outside, whatever records of the application's own it makes (BE301's costly effects). A job the project
    does not define (an installed package's) gives no evidence that it reaches anyone and counts as such."""
    return ProjectFact(UNREACHING_JOBS, tuple(sorted(set(qualified))))


@project_fact
def unpaying_jobs(qualified: Iterable[str]) -> ProjectFact:
    """Like :func:`unreaching_jobs`, for money only: none of the project's functions ``qualified`` (with the project
    functions they call) moves money. BE301 asks it of a handler that is not for sending a message, whose
    jobs' mails are side effects (a registration's confirmation, a notice)."""
    return ProjectFact(UNPAYING_JOBS, tuple(sorted(set(qualified))))


@project_fact
def rpc_api() -> ProjectFact:
    """The project's API is RPC over POST by design: its POST-only routes are three times its GET routes or more,
    a few of them serve reads (``POST /list``, ``POST /get``), and no module answers 201 (dstack's server routers,
    jesse's dashboard API; :func:`backend_lint.analysis.api_conventions.rpc_project`). A verb in a path or a 200
    on ``POST /create`` is its convention (BE302, BE305)."""
    return ProjectFact(RPC_API)


@project_fact
def status_envelope_api() -> ProjectFact:
    """The project's API puts every status in the body: a module registers a handler for raised HTTP exceptions
    that answers 200, and no module answers 201 (kairon's ``{"success": false, "error_code": 422}``). No route's
    status says anything there, a created resource's neither (BE305; :mod:`backend_lint.analysis.api_conventions`)."""
    return ProjectFact(STATUS_ENVELOPE_API)


@project_fact
def own_client_header(header: str, module: str) -> ProjectFact:
    """A module of the project other than ``module``, not a test, test support, an example nor command line code,
    writes the custom header name ``header`` (lower-case; ``ModuleSummary.sent_headers``): the shared secret that
    ``module``'s app-wide guard compares is sent by the project's own client (backend.ai's manager writing
    ``"X-BackendAI-Storage-Auth-Token"`` for its storage proxy), so the app's routes serve the project's own
    services (BE302; :mod:`backend_lint.analysis.shared_secret_guards`)."""
    return ProjectFact(OWN_CLIENT_HEADER, (header, module))
