"""Verb words in a route path that the handler shows to be nouns, or paths it says it keeps for old clients (BE302).

A word of the ``verbs`` list is usually the action a path orders (``POST /users/update``), but two things a
handler says make it otherwise:

- The word is the head noun of the body's own model, and the handler does something else to that thing: OPAL's
  ``POST /{scope_id}/data/update`` takes a ``DataUpdate`` and is ``publish_data_update_event``; the path spells the
  model's name (``data`` then ``update``), so ``update`` names the data-update event the client posts to be
  published, not an order to update the data. The handler's name must start with another verb (``publish``,
  ``send``, ``handle``...) and hold the model's words after it: FastAPI's own convention, ``update_user(user:
  UserUpdate)`` on ``/user/update``, is the verb path the rule exists for and stays reported.
- The handler's docstring says the path is a legacy or compatibility path kept for existing clients
  (openlibrary's ``POST /lists/{id}/delete.json``: "legacy path without username prefix"): renaming it would only
  break the clients it is kept for; the resource route is the project's other one.
"""

from __future__ import annotations

import ast
import re
from typing import Optional

from backend_lint.analysis.handler_types import Handler
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.secret_names import split_identifier

_PIECES = lazy_compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_PARAMETER = lazy_compile(r"\{[^}]*\}|<[^>]*>|\(\?P<[^>]*>[^)]*\)|\([^)]*\)")

_OTHER_ACTIONS = frozenset({
    "publish", "post", "push", "emit", "broadcast", "notify", "dispatch", "handle", "receive", "enqueue", "queue",
    "forward", "deliver", "relay", "ingest", "record", "apply", "send", "submit", "trigger", "process", "accept",
    "store", "save", "log", "report", "announce", "propagate", "fire",
})
"""Verbs a handler's name starts with when it acts on a thing named by another action word (``publish`` a data
update, ``send`` a status update, ``handle`` a delete event)."""


def names_body_model(path: str, segment: str, verb: str, handlers: list[Handler]) -> bool:
    """The one-word ``segment`` (the ``verb``) ends the name of a model that every handler routed with ``path``
    takes as a parameter, the path spelling that name with the words right before the segment (``/data/update``
    and ``DataUpdate``), and each handler's name starts with another verb and holds the model's words after it
    (``publish_data_update_event``). See the module docstring."""
    if segment.lower() != verb or not handlers:
        return False
    words: list[str] = []
    for raw in _PARAMETER.sub("", path).split("/"):
        piece = raw.strip("^$?")
        if piece == segment:
            break
        words.extend(word.lower() for word in _PIECES.findall(piece))
    else:
        return False
    return all(_acts_on_model(handler, words, verb) for handler in handlers)


def _acts_on_model(handler: Handler, before: list[str], verb: str) -> bool:
    name = [word.lower() for word in split_identifier(handler.function.name)]
    if not name or name[0] == verb or name[0] not in _OTHER_ACTIONS:
        return False
    for param in handler.params:
        model = _model_words(param.arg.annotation)
        if len(model) < 2 or model[-1] != verb or model[:-1] != before[len(before) - len(model) + 1:]:
            continue
        if any(name[start:start + len(model)] == model for start in range(1, len(name) - len(model) + 1)):
            return True
    return False


def _model_words(annotation: Optional[ast.expr]) -> list[str]:
    """The words of the class a parameter is annotated with (``DataUpdate``, ``schemas.DataUpdate``,
    ``Annotated[DataUpdate, Body()]``, ``Optional[DataUpdate]``)."""
    while isinstance(annotation, ast.Subscript):
        inner = annotation.slice
        annotation = inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
    if isinstance(annotation, ast.Attribute):
        name = annotation.attr
    elif isinstance(annotation, ast.Name):
        name = annotation.id
    else:
        return []
    if not name[:1].isupper():
        return []
    return [word.lower() for word in _PIECES.findall(name)]


_KEPT_FOR_CLIENTS = lazy_compile(
    r"\b(?:legacy|compat(?:ibility)?|backwards?[- ]compatible)\s+(?:path|route|url|endpoint|alias)s?\b"
    r"|\b(?:path|route|url|endpoint|alias)\s+(?:is\s+)?kept\s+for\b"
    r"|\bkept\s+for\s+(?:backwards?[- ]compatibility|existing|old(?:er)?|legacy)\b"
    r"|\bdeprecated\b[^.]{0,40}?\buse\s+(?:(?:get|post|put|patch|delete)\s+)?/[\w{<]",
    re.IGNORECASE,
)
"""Also a docstring that calls the route deprecated and names the path to use instead ("Deprecated: Use GET
/api/v1/documents/{doc_id}/preview instead": ragflow's backward-compatibility routes, seed 134), the docstring
form of ``@deprecated(new_target=...)``."""


def kept_for_old_clients(handlers: list[Handler]) -> bool:
    """Every handler routed with the string says in its docstring that its path is a legacy or compatibility
    path kept for existing clients ("Delete a list (legacy path without username prefix)", "URL kept for backward
    compatibility"), or that it is deprecated for a path it names ("Deprecated: Use GET /api/v1/... instead").
    Not "old path": a rename's docstring speaks of the file's old path."""
    return bool(handlers) and all(
        _KEPT_FOR_CLIENTS.search(" ".join((ast.get_docstring(handler.function) or "").split()))
        for handler in handlers
    )
