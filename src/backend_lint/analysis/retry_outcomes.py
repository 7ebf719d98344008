"""What a retried request meets when the first one succeeded, read from the handler's code (BE301).

Two shapes make a retry harmless without an idempotency key:

- the handler works on a server-side resource the path names and deletes it when it succeeds (modoboa's
  webmail ``send`` reads the compose session ``pk`` and drops it with ``remove_attachments_and_session(manager,
  pk)`` once the mail is out): the retry finds no session and answers 404, so the identifier is the key;
- the handler creates an item of a collection the same router lets its client delete one by one (``POST
  /booking/bookings`` beside ``DELETE /booking/bookings/{booking_id}``): a duplicate is the client's own visible
  record, removed by the API that made it (no money, message or job: those are judged apart);
- the handler posts a message into a conversation (``POST /channels/{id}/messages/post``): a duplicate is a
  visible message its author can delete, like a comment, and the work queued for it (notifications, an
  assistant's reply) only follows that message.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from backend_lint.analysis.ast_helpers import own_nodes
from backend_lint.analysis.facts import reads
from backend_lint.analysis.handler_types import Handler
from backend_lint.analysis.handlers import handler_model
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.project.view_facts import path_words
from backend_lint.analysis.secret_names import split_identifier

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_PLACEHOLDER = lazy_compile(r"<(?:\w+:)?(\w+)>|\{(\w+)(?::[^}]*)?\}")
_ID_NAMES = frozenset({"pk", "id", "uid", "uuid", "key"})
_DROPS = frozenset({"delete", "remove", "drop", "discard", "pop", "destroy", "clear"})


def _path_parameters(handler: Handler) -> set[str]:
    """The handler's parameters that name the resource in its path: a placeholder of a path, or, where the path
    is not in the file (a DRF ``@action(detail=True)``), a parameter named ``pk``, ``id`` or ``..._id``."""
    placed = {name for path in handler.paths for groups in _PLACEHOLDER.findall(path) for name in groups if name}
    return {
        param.name for param in handler.params
        if param.name in placed or param.name in _ID_NAMES or param.name.endswith(("_id", "_pk", "_uid"))
    }


def consumes_path_resource(handler: Handler) -> bool:
    """The handler deletes the resource its path names, by that identifier (``manager.delete(pk)``,
    ``remove_attachments_and_session(manager, pk)``): done once, a retry finds nothing to act on."""
    names = _path_parameters(handler)
    if not names:
        return False
    for node in own_nodes(handler.function):
        if not isinstance(node, ast.Call):
            continue
        callee = (dotted_name(node.func) or "").rpartition(".")[2]
        if not _DROPS.intersection(split_identifier(callee)):
            continue
        if any(isinstance(argument, ast.Name) and argument.id in names for argument in node.args):
            return True
    return False


@reads(handler_model)
def deletable_items(ctx: FileContext, handler: Handler) -> bool:
    """Every route of the handler posts to a collection (``/cdr/sellers/{seller_id}/products/{product_id}/tickets/``)
    whose item path, one placeholder deeper (``.../tickets/{ticket_generator_id}``), a handler of the same app
    object answers with DELETE: what a retry creates twice the client sees and deletes through the same API."""
    collections = [(route.owner, route.path.rstrip("/")) for route in handler.routes if route.path is not None]
    if not collections or len(collections) != len(handler.routes):
        return False
    items = {
        (route.owner, head)
        for other in handler_model(ctx).handlers.values() if other is not handler
        for route in other.routes if "DELETE" in route.methods and route.path is not None
        for head, _slash, last in [route.path.rstrip("/").rpartition("/")] if _PLACEHOLDER.fullmatch(last)
    }
    return all(collection in items for collection in collections)


_POSTED = frozenset({"message", "messages", "comment", "comments", "reply", "replies"})
_POSTING = frozenset({"post", "new", "create", "add", "send"})
_BATCH = frozenset({"many", "bulk", "batch", "multiple", "several", "all"})
"""A batch form of the same posting (``/tasks/comment-many``, ``/comments/bulk``, ``CommentManyTasksResource``)."""
_VERB_METHODS = frozenset({"post", "create", "perform_create"})
_VIEW_SUFFIXES = frozenset({"resource", "resources", "view", "views", "viewset", "api", "handler", "endpoint",
                            "controller"})


def _posted_name(handler: Handler) -> bool:
    """Where the path is not in the file: the handler's name says what it posts (``post_comment``), or, for a
    method named for the verb (``post``), its view class (``CommentResource``, ``TaskCommentView``,
    ``CommentManyTasksResource``: the thing posted is named first or last)."""
    words = [word for word in path_words(handler.function.name) if word not in _BATCH]
    if words and words[-1] in _POSTED:
        return True
    if handler.class_ is None or not set(words) <= _VERB_METHODS | {"perform"}:
        return False
    named = [word for word in path_words(handler.class_.name)
             if word not in _VIEW_SUFFIXES | _BATCH | _POSTING]
    return bool(named) and (named[0] in _POSTED or named[-1] in _POSTED)


def posts_to_conversation(handler: Handler) -> bool:
    """The route posts a message, comment or reply, one or a batch: the last literal segment of its path names
    one, after a posting verb or a batch word (``/channels/{id}/messages/post``, ``/rooms/{id}/messages``,
    ``/tasks/comment-many``, ``/comments/bulk``; not ``/messages/relay``); where the path is not in the file,
    the handler's name or its view class (:func:`_posted_name`)."""
    if not handler.paths:
        return _posted_name(handler)
    for path in handler.paths:
        segments = [segment for segment in path.strip("/").split("/")
                    if segment and not _PLACEHOLDER.fullmatch(segment)]
        while segments and set(path_words(segments[-1])) <= _POSTING | _BATCH:
            segments.pop()
        if not segments or not set(path_words(segments[-1])) & _POSTED:
            return False
    return True
