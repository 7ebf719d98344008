"""BE205 swallowed-exception: a catch-all ``except`` that throws the error away without a trace.

Checked by default in code that serves (request handlers, view and consumer methods, job-queue tasks:
:func:`backend_lint.analysis.service_code.in_service_code` without the bare-coroutine evidence) and in
migration code; everywhere else only with the ``everywhere`` option. Judged on real applications and
frameworks, catch-alls in helpers and libraries were mostly deliberate defaults that no syntactic test told
apart from lost errors well enough.

Reported only with positive evidence that the failure loses something (:mod:`backend_lint.analysis.lost_work`):
work in the ``try`` (a call named for a write, a send, a payment; SQL that writes), work the handler skips by
leaving, a made-up value returned, or a request answered as if it worked. Seven rounds on unseen applications
read about one finding in five true without it: a read or a parse with a default was, on real code, almost
always deliberate.

``except Exception: pass`` (or ``continue``, ``return None``, ``x = False``) turns every failure, including
the bugs nobody expected (``TypeError``, ``KeyError``, a dropped connection), into silence: the request
"succeeds" with wrong data and the logs say nothing. Only catch-alls are flagged: bare ``except:``,
``Exception`` and ``BaseException`` (alone or in a tuple), when every statement of the handler is ``pass``,
``continue``, ``...``, a constant ``return`` (also a response built from constants only: ``return
jsonify({})``, ``JSONResponse({"ok": True})``) or an assignment of a constant. A constant ``return`` that is
an error answer (``return {"error": "not found"}, 400``, a 4xx/5xx status) reports the failure to the client
and is not a swallow. A handler that does anything
else (logs through any logger, re-raises, returns computed data, calls a function) is handling the error.
Narrow exception classes (``except KeyError: pass``) are a deliberate choice and left alone, and so is a
handler whose ``except`` line already tells another linter the catch-all is deliberate (``# noqa: S110``,
``BLE001``, ``E722``, ``# pylint: disable=broad-except``): that is a reviewed decision, not an oversight.
Best-effort cleanup is left alone too: a ``try`` that only calls ``close()``, ``shutdown()``, ``release()``
and the like, where a failure leaves nothing to handle (the idiom of every connection pool's teardown); and so
are the deliberate fallbacks :mod:`backend_lint.analysis.fallbacks` describes (a fallback value for the name
the ``try`` computes, an optional value used in ``else:``, a ``*_safe`` function, best-effort telemetry, a row
that does not parse skipped, a stored file or a legacy blob that does not parse, a malformed log line left out
of what a loop collects (:mod:`backend_lint.analysis.parse_failures`), an entry dropped from a registry,
alternatives probed in a loop that raises when none works, an item of a loop skipped under a comment saying its
errors are ignored) and migration steps expected to fail on some
databases (:mod:`backend_lint.analysis.migration_steps`): a step the database cannot take, a probe of the
database's catalogue that fails before anything was done, a row's stored value converted in place that does not
decode; and a data migration's lookup of rows it names by literal keys (``Organisation.objects.get(pk=creator_pk)``
over a list of production pks: :mod:`backend_lint.analysis.named_rows`), which lets the databases without those
rows pass. A ``try`` inside a ``finally:`` block that writes
nothing (a session setting reset, a lock or temporary state undone) is cleanup too
(:mod:`backend_lint.analysis.finally_cleanup`): raising there would replace the error already on its way out.
So is a function the module registers to run at interpreter exit (``atexit.register``:
:mod:`backend_lint.analysis.exit_hooks`), and a ``try`` that only registers one: the process is ending, and
nothing is left to act on the failure.
Tests and test support are left alone; migrations are not: a migration that swallows an error and silently
does nothing leaves the schema or data half-fixed with no one told. A ``try`` that only invalidates a cache or
removes a stored file, and a ``try`` followed by a fallback path that answers another way, lose nothing
(:mod:`backend_lint.analysis.best_effort`); nor does a ``try`` that looks an object up and deletes it after the
function's own work is done, whose expected failure is that the object is not there
(:mod:`backend_lint.analysis.cleanup_deletes`).
"""

from __future__ import annotations

import ast

from backend_lint.analysis.answered_failures import constant_answer, error_text_body, is_error_answer
from backend_lint.analysis.ast_helpers import callee_name, statement_call, written_constant
from backend_lint.analysis.best_effort import best_effort_step
from backend_lint.analysis.cleanup_deletes import deletes_leftover_after_work
from backend_lint.analysis.exit_hooks import only_registers_exit_hooks, runs_at_exit
from backend_lint.analysis.fallbacks import is_deliberate_fallback
from backend_lint.analysis.finally_cleanup import cleanup_in_finally
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.lost_work import loses_something
from backend_lint.analysis.migration_steps import tolerated_ddl_step, tolerated_probe
from backend_lint.analysis.module_roles import in_migration, module_roles
from backend_lint.analysis.named_rows import skips_missing_named_row
from backend_lint.analysis.provenance import sql_text
from backend_lint.analysis.pure_lookups import builds_from_locals, only_looks_up
from backend_lint.analysis.service_code import in_service_code
from backend_lint.context import FileContext
from backend_lint.rule import Option, Rule, visits

_CATCH_ALL = frozenset({"Exception", "BaseException"})
_CLEANUP = frozenset(
    {"close", "aclose", "wait_closed", "shutdown", "disconnect", "terminate", "kill", "release",
     "unlink", "rmdir", "rmtree", "cleanup", "stop", "force_close_all"}
)
_DELIBERATE = lazy_compile(
    r"#.*(?:noqa\b.*\b(?:S110|S112|BLE001|E722)\b|pylint:\s*disable=.*\b(?:broad-except|broad-exception-caught|"
    r"bare-except|W0703|W0702|W0718)\b)"
)


def _catch_all(handler: ast.ExceptHandler, ctx: FileContext) -> str | None:
    """``except:``, ``except Exception`` or ``except BaseException`` as written, else ``None``."""
    if handler.type is None:
        return "except:"
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    for kind in kinds:
        name = _builtin_name(kind, ctx)
        if name in _CATCH_ALL:
            return f"except {name}"
    return None


def _builtin_name(node: ast.expr, ctx: FileContext) -> str | None:
    if isinstance(node, ast.Name):
        if node.id in ctx.imports.names:
            return None  # an imported class that happens to be called Exception
        return node.id
    if isinstance(node, ast.Attribute) and ctx.imports.resolve(node) in ("builtins.Exception",
                                                                          "builtins.BaseException"):
        return node.attr
    return None


def _is_cleanup(statement: ast.stmt) -> bool:
    """``x.close()`` / ``await x.aclose()`` / ``os.unlink(path)``: a statement that only releases a resource."""
    call = statement_call(statement)
    if call is None:
        return False
    name = callee_name(call)
    return name in _CLEANUP


def _discards(statement: ast.stmt) -> bool:
    """A statement that does nothing with the error: ``pass``, ``continue``, ``...``, a constant result."""
    if isinstance(statement, (ast.Pass, ast.Continue)):
        return True
    if isinstance(statement, ast.Expr):
        return isinstance(statement.value, ast.Constant)
    if isinstance(statement, ast.Return):
        # ``return {"error": "not found"}, 400``: a constant, but an error answer: the client is told
        # ``return jsonify({})``: a made-up answer wrapped in a response is as constant as ``return {}``
        # ``return {"runs": [], "error": "Failed to fetch runs"}``: an error text for the client under a 200
        return (written_constant(statement.value) or constant_answer(statement.value)) \
            and not is_error_answer(statement.value) and not error_text_body(statement.value)
    if isinstance(statement, ast.Assign):
        return written_constant(statement.value) and all(isinstance(t, ast.Name) for t in statement.targets)
    if isinstance(statement, ast.AnnAssign):
        return written_constant(statement.value) and isinstance(statement.target, ast.Name)
    return False


class SwallowedException(Rule):
    code = "BE205"
    name = "swallowed-exception"
    message = "`{clause}` swallows the error; log it with `logger.exception(...)` or re-raise"
    triggers = ("except",)
    needs = (is_deliberate_fallback, cleanup_in_finally, module_roles, in_migration, in_service_code, sql_text,
             runs_at_exit, deletes_leftover_after_work)
    options = (
        Option(
            "everywhere",
            bool,
            False,
            "also flag catch-alls outside request handlers, jobs and migrations (libraries, helpers, CLIs)",
        ),
    )

    @visits(ast.ExceptHandler)
    def check_handler(self, node: ast.ExceptHandler, ctx: FileContext) -> None:
        if not all(_discards(statement) for statement in node.body):
            return
        clause = _catch_all(node, ctx)
        if clause is None or _DELIBERATE.search(ctx.lines[node.lineno - 1]):
            return
        attempt = ctx.parent
        if isinstance(attempt, ast.Try) and (
            all(_is_cleanup(statement) for statement in attempt.body)
            or is_deliberate_fallback(attempt, node, ctx)
            or best_effort_step(attempt, node, ctx)
            or tolerated_ddl_step(attempt, node, ctx)
            or (in_migration(ctx) and tolerated_probe(attempt, node, ctx))
            or (in_migration(ctx) and skips_missing_named_row(attempt, node, ctx))
            or cleanup_in_finally(attempt, ctx)
            or only_looks_up(attempt, node)
            or builds_from_locals(attempt, node, ctx.scope.function)
            or runs_at_exit(ctx, ctx.scope.function)
            or only_registers_exit_hooks(attempt, ctx)
            or deletes_leftover_after_work(attempt, node, ctx)
        ):
            return
        if attempt is None or not loses_something(attempt, node, ctx):
            return  # no evidence that the failure loses work or tells someone something untrue (see the page)
        if module_roles(ctx).for_tests:
            return
        if not self.option("everywhere") and not (
            in_migration(ctx) or in_service_code(ctx, coroutines=False, whole_module=False)
        ):
            return  # helper and library code: mostly deliberate defaults, judged on real code (see the page)
        self.report(ctx, node, end_node=node.type, clause=clause)
