"""Whether a handler's answer is the outcome of a send it makes (BE206).

A message sent while the client waits is slow work a queue could take, unless the client waits for exactly
that: the send's success or failure is what the handler answers. Two shapes say so, read at the call:

- the send sits in a ``try`` of the handler whose ``except`` clauses name the failures they expect and answer
  the client with them (a response returned, ``messages.error``, ``flash``, or the error written into the
  template context the handler returns: ``context["error"] = ...`` then ``return render(request, ..., context)``):
  hyperkitty posts the user's message to the mailing list and shows ``PostingFailed`` to the poster; patchwork's
  registration page shows "An error occurred during registration" when the activation mail fails. A last
  ``except Exception`` after them may stay when it returns an answer too (plane's "check e-mail credentials" names
  each SMTP failure, then answers "Could not send email" for the rest);
- the send's result decides the answer: it is given to a name (``sent = mail.send()``, also inside a ``try``)
  or tested directly, and an ``if`` of the handler that tests it answers in a branch (``if sent == 1:
  messages.success(request, "E-mail sent.") else: messages.error(...)``, ``elif not sent:
  messages.warning(...)``, ``return Response(..., status=502)``): peering's "e-mail this network" form,
  where the operator sends one hand-written message and waits for its outcome.

The same holds one level down: a function of the handler's module that makes the send and answers its outcome
itself (codabench's ``activateEmail(request, user, email)``: ``if email.send(): messages.success(...) else:
messages.error(...)``), called by the handler, answers the client through it (:func:`helper_answers_sends`).

A catch-all alone is read only when both outcomes are the handler's answer: the ``try`` returns the success
answer after the send and every ``except`` clause returns the failure answer (paperless's "e-mail these
documents": ``return Response({"message": "Email sent"})`` or ``return HttpResponseServerError(...)``). A
catch-all that only logs, re-raises or goes on, or a result only logged, hides the failure and is not read.

A queue answers before the send is tried, so it could not give that answer. Nor could it for a handler named for
testing the mail set-up (:func:`tests_mail_delivery`: horilla's ``mail_server_test_email``, a "send test e-mail"
action of its mail-server settings): the send is the test, and whether it went is all the operator waits for.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Callable, Optional

from backend_lint.analysis.ast_helpers import own_nodes
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.secret_names import split_identifier

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_CATCH_ALL = frozenset({"Exception", "BaseException"})
_MESSAGE_LEVELS = frozenset({"error", "warning", "success", "info", "add_message"})
"""``django.contrib.messages`` calls that show the user a message on the next page."""


_ParentOf = Callable[[ast.AST], Optional[ast.AST]]
_MAIL_WORDS = frozenset({"mail", "email", "smtp", "mailer"})


def tests_mail_delivery(function: Optional[ast.AST], cls: Optional[ast.ClassDef] = None) -> bool:
    """The handler ``function`` (a method of ``cls``, a class-based view's ``post``) is named for testing the mail
    set-up: ``test`` or ``testing`` with ``mail``, ``email`` or ``smtp`` among the words of its name or its
    class's (``mail_server_test_email``, ``send_test_email``, ``MailTestingView``). Its send is the test; its
    outcome is the answer the operator waits for."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    return any({"test", "testing"} & words and _MAIL_WORDS & words
               for words in (set(split_identifier(name)) for name in (function.name, cls.name if cls else "")))


def answers_send_outcome(call: ast.Call, ctx: FileContext, function: Optional[ast.AST]) -> bool:
    """The handler ``function`` answers the outcome of the send ``call`` (see the module docstring)."""
    return _answers_its_failure(call, ctx.parent_of, function) or _result_decides_answer(call, ctx.parent_of, function)


def helper_answers_sends(sends: list[ast.Call], helper: ast.AST) -> bool:
    """Every send of ``helper`` (a function of the handler's module it calls) answers its own outcome the same
    way (codabench's ``activateEmail``: ``if email.send(): messages.success(...) else: messages.error(...)``):
    the handler's call of the helper gives the client that answer. One level: the helper's own body."""
    if not sends or not isinstance(helper, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    parents = {child: node for node in ast.walk(helper) for child in ast.iter_child_nodes(node)}
    return all(_answers_its_failure(call, parents.get, helper, returns=False)
               or _result_decides_answer(call, parents.get, helper, returns=False) for call in sends)


def _answers_its_failure(
    call: ast.Call, parent_of: _ParentOf, function: Optional[ast.AST], returns: bool = True
) -> bool:
    """``returns=False``: a value returned is not an answer (a helper's return reaches its caller, not the client)."""
    child: ast.AST = call
    parent = parent_of(call)
    while parent is not None and parent is not function:
        if isinstance(parent, ast.Try) and any(child is statement for statement in parent.body) and parent.handlers:
            named = [handler for handler in parent.handlers if not _catch_all(handler)]
            if not named:  # a catch-all alone: read only when both outcomes are answers the handler returns
                return returns and _returns_answer_after(parent.body, child) and all(
                    _returns_answer(handler) for handler in parent.handlers)
            return all(
                _answers(handler.body, returns) or (returns and _fills_answer(handler.body, function))
                for handler in named
            ) and all(
                returns and _returns_answer(handler) for handler in parent.handlers if _catch_all(handler)
            )
        child, parent = parent, parent_of(parent)
    return False


def _returns_answer_after(body: list[ast.stmt], send: ast.AST) -> bool:
    """A statement of the ``try`` body after the one holding the send returns a value (``return
    Response({"message": "Email sent"})``): the success answer waits for the send, so it is the send's outcome."""
    index = next((position for position, statement in enumerate(body) if statement is send), len(body))
    return any(isinstance(node, ast.Return) and node.value is not None
               for statement in body[index + 1:] for node in ast.walk(statement))


def _catch_all(handler: ast.ExceptHandler) -> bool:
    caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(kind is None or (dotted_name(kind) or "").rpartition(".")[2] in _CATCH_ALL for kind in caught)


def _returns_answer(handler: ast.ExceptHandler) -> bool:
    """A catch-all after clauses that name the expected failures that still returns an answer to the client
    (``return Response({"error": ...}, status=400)``): the failure is told, not hidden."""
    return any(isinstance(node, ast.Return) and node.value is not None
               for statement in handler.body for node in ast.walk(statement))


def _answers(block: list[ast.stmt], returns: bool = True) -> bool:
    """``block`` returns a value, or shows the client a message (``messages.error``, ``flash``; ``error`` of
    any receiver in an ``except`` clause, as before)."""
    for node in (item for statement in block for item in ast.walk(statement)):
        if returns and isinstance(node, ast.Return) and node.value is not None:
            return True
        if isinstance(node, ast.Call) and (dotted_name(node.func) or "").rpartition(".")[2] in ("error", "flash"):
            return True
    return False


def _fills_answer(block: list[ast.stmt], function: Optional[ast.AST]) -> bool:
    """``block`` (an ``except`` clause) writes the failure into what the handler answers: it stores into a local
    (``context["error"] = ...``, ``error = ...``) that a ``return`` of ``function`` hands on (``return
    render(request, "registration.html", context)``): the page the client gets shows it."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    written = set()
    for node in (item for statement in block for item in ast.walk(statement)):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                base = target.value if isinstance(target, (ast.Subscript, ast.Attribute)) else target
                if isinstance(base, ast.Name):
                    written.add(base.id)
    return bool(written) and any(
        isinstance(node, ast.Return) and node.value is not None and any(
            isinstance(name, ast.Name) and name.id in written for name in ast.walk(node.value)
        )
        for node in own_nodes(function)
    )


def _shows_message(block: list[ast.stmt], returns: bool = True) -> bool:
    """``block`` returns a value, or shows the client a message: ``messages.success(request, ...)`` (Django's
    messages framework, by its module name) or Flask's ``flash(...)``; a log line is not an answer."""
    for node in (item for statement in block for item in ast.walk(statement)):
        if returns and isinstance(node, ast.Return) and node.value is not None:
            return True
        if isinstance(node, ast.Call):
            written = dotted_name(node.func) or ""
            receiver, _, last = written.rpartition(".")
            if last == "flash" or (receiver.rpartition(".")[2] == "messages" and last in _MESSAGE_LEVELS):
                return True
    return False


def _result_decides_answer(
    call: ast.Call, parent_of: _ParentOf, function: Optional[ast.AST], returns: bool = True
) -> bool:
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    value: ast.AST = call
    parent = parent_of(call)
    if isinstance(parent, ast.Await):
        value, parent = parent, parent_of(parent)
    name: Optional[str] = None
    if isinstance(parent, ast.Assign) and parent.value is value and len(parent.targets) == 1 \
            and isinstance(parent.targets[0], ast.Name):
        name = parent.targets[0].id
    for node in own_nodes(function):
        if not isinstance(node, ast.If):
            continue
        tested = any(part is value or (name is not None and isinstance(part, ast.Name) and part.id == name)
                     for part in ast.walk(node.test))
        if tested and (_shows_message(node.body, returns) or _shows_message(node.orelse, returns)):
            return True
    return False
