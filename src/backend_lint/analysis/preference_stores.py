"""The requesting user's own preference store: ``request.user.get_event_preferences(event).set(key, value)``.

A handler that writes the client's values only into the signed-in user's own free-form preferences (pretalx's
table column choices: ``preferences = request.user.get_event_preferences(request.event)`` then
``preferences.set(f"tables.{table_name}.columns", columns)``) stores UI state that only that user reads back,
in a store that is free-form by design: no other user's rows, no model columns. BE303 takes a field that only
goes there as kept, as it already does for a preferences dict updated in place (``profile.dismissibles.update``).

Read from the code: a ``set``/``clear``/``delete``/``update`` call whose receiver is, or is a local of the
handler bound once to, an expression reached from ``request.user`` (``self.request.user`` too) that names
preferences (``preferences``, ``get_event_preferences(...)``, ``user.prefs``).

A function of the module that writes a settings row keyed by the signed-in user (pgAdmin's ``store_setting(setting,
value)``: ``Setting(user_id=current_user.id, setting=setting, value=value)`` merged) is that store reached through a
helper (:func:`own_setting_writers`): the handler's browser-tree state handed to it is read back by that user only.

The sender's own session and cookies are such a store too (:func:`own_session_item`, :func:`own_cookie`): Flask's
``session["lang"] = body.get("lang")`` (hedy's ``change_language``), Django's ``request.session[KEY] = lang_code``
and ``response.set_cookie(name, lang_code)`` (Django's ``set_language``, copied by studio) keep the value only
for the client that sent it, and the pages that read it back check it there (hedy's ``setup_language`` answers
404 for a language it does not know). A bad value only reaches its own sender: no other user's rows, no model.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import own_nodes
from backend_lint.analysis.facts import file_fact
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.secret_names import split_identifier

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_WRITES = frozenset({"set", "clear", "delete", "update", "set_value"})
_PREFERENCE_WORDS = frozenset({"preference", "preferences", "prefs", "pref"})


def _bound_once(name: str, function: ast.AST) -> Optional[ast.expr]:
    found: list[ast.expr] = []
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            found.append(node.value)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.With, ast.NamedExpr)) and any(
            isinstance(t, ast.Name) and t.id == name and isinstance(t.ctx, ast.Store) for t in ast.walk(node)
        ):
            return None
    return found[0] if len(found) == 1 else None


def _users_preferences(expr: ast.expr) -> bool:
    """``request.user.get_event_preferences(event)``, ``self.request.user.preferences``."""
    words: set[str] = set()
    current: ast.expr = expr
    while True:
        if isinstance(current, ast.Call):
            current = current.func
        elif isinstance(current, ast.Attribute):
            if current.attr == "user" and (dotted_name(current.value) or "").endswith("request"):
                return bool(words & _PREFERENCE_WORDS)
            words.update(split_identifier(current.attr))
            current = current.value
        else:
            return False


def own_preference_store(call: ast.Call, function: Optional[ast.AST]) -> bool:
    """``call``, written in the handler ``function``, writes into the requesting user's own preference store."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in _WRITES):
        return False
    receiver = func.value
    if isinstance(receiver, ast.Name):
        bound = _bound_once(receiver.id, function) if function is not None else None
        if bound is None:
            return False
        receiver = bound
    return _users_preferences(receiver)


def own_session_item(target: ast.expr, request_names: frozenset[str], session_names: frozenset[str]) -> bool:
    """``target`` is an item of the sender's own session: ``session["lang"]`` with ``session`` Flask's
    (``session_names``, the names the module binds to ``flask.session``), or ``request.session[...]``
    (``self.request.session``) of Django."""
    if not isinstance(target, ast.Subscript):
        return False
    holder = target.value
    if isinstance(holder, ast.Name):
        return holder.id in session_names
    written = dotted_name(holder) or ""
    return written.endswith(".session") and (written[: -len(".session")] in request_names
                                             or written.removesuffix(".session").endswith("request"))


def own_cookie(call: ast.Call) -> bool:
    """``response.set_cookie(name, value)``: the value goes back to the client that sent it, for it alone."""
    return isinstance(call.func, ast.Attribute) and call.func.attr in ("set_cookie", "set_signed_cookie")


_SETTING_WORDS = frozenset({"setting", "settings", "preference", "preferences", "pref", "prefs"})
_OWNER_KEYWORDS = frozenset({"user_id", "user", "owner", "owner_id"})


@file_fact()
def own_setting_writers(ctx: FileContext) -> frozenset[str]:
    """Module-level functions that build a settings or preference row (a class named for settings or preferences)
    keyed by the signed-in user (``user_id=current_user.id``, ``user=request.user``): the requesting user's own
    preference store reached through a helper, free-form by design and read back by that user alone."""
    found = set()
    for statement in ctx.tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                isinstance(node, ast.Call) and _users_setting_row(node) for node in own_nodes(statement)):
            found.add(statement.name)
    return frozenset(found)


def _users_setting_row(call: ast.Call) -> bool:
    """``Setting(user_id=current_user.id, setting=..., value=...)``."""
    name = (dotted_name(call.func) or "").rpartition(".")[2]
    if not (name[:1].isupper() and _SETTING_WORDS.intersection(word.lower() for word in split_identifier(name))):
        return False
    return any(keyword.arg in _OWNER_KEYWORDS and _signed_in_user(keyword.value) for keyword in call.keywords)


def _signed_in_user(value: ast.expr) -> bool:
    """``current_user``, ``current_user.id``, ``request.user``, ``request.user.id``, ``g.user.id``."""
    written = dotted_name(value) or ""
    written = written.removesuffix(".id").removesuffix(".pk")
    return written in ("current_user", "flask_login.current_user", "g.user") or written.endswith("request.user")
