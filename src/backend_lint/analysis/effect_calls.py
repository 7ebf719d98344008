"""What single calls and statements mean to the effects summary (:mod:`.effects`): a model asked to compute, an
invoice the client sent settled, a fee rate set, a refusal of a repeat, a lookup, a new object built, a response
class that hands out a checkout link; and the words of a name. Kept apart from the walk that collects a function's
effects, which asks them call by call."""

from __future__ import annotations

import ast
import re
from typing import Optional

from backend_lint.analysis.ast_helpers import callee_name
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.secret_names import split_identifier
from backend_lint.analysis.tree_walk import walk

_INVOICE_ARGUMENTS = frozenset({"bolt11", "payment_request", "invoice", "invoice_id"})
_LOOKUP_PREFIXES = ("get_", "find_", "fetch_", "lookup_", "select_")
_LOOKUP_METHODS = frozenset({"get", "first", "one_or_none", "scalar", "scalar_one_or_none", "find_one"})
_AMOUNT_WORDS = frozenset({"amount", "amt", "funding", "value", "quantity", "sum", "total", "msat", "msats",
                           "sats", "satoshis", "btc", "price"})
_REPEATED = lazy_compile(r"already|exists|duplicate|taken|in use|conflict|409", re.IGNORECASE)
"""What a refusal of a repeat says (``"already registered"``, ``UserExists``, ``HTTP_409_CONFLICT``)."""
_WORD = lazy_compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def words(text: str) -> set[str]:
    """Lower-case words of a name as written: ``CreateDashboardPermalinkCommand`` -> create, dashboard, ..."""
    return {word.lower() for word in _WORD.findall(text)}


_MODEL_SDKS = frozenset({"openai", "anthropic", "cohere", "mistralai", "groq", "litellm", "together", "ollama"})
"""Clients of hosted language models: whatever their ``create`` makes is an answer computed for the caller."""
_MODEL_ENDPOINTS = frozenset({"embeddings", "completions", "moderations", "Embedding", "Completion",
                              "ChatCompletion", "Moderation"})
"""The computing endpoints of an OpenAI-style client (``client.chat.completions``, ``openai.Embedding``)."""


def asks_a_model(resolved: str, receiver_name: Optional[str]) -> bool:
    """``client.embeddings.create(...)``, ``client.chat.completions.create(...)``, ``client.audio.speech.create``,
    ``openai.ChatCompletion.create(...)``: an OpenAI-style SDK's ``create`` asks the model to compute vectors, a
    completion or speech and stores nothing (the provider answers 200, a retry computes the answer again). Read
    from the endpoint the call names (the client is often made by a helper of another module), or from an
    imported model SDK."""
    parts = (receiver_name or "").split(".")
    return resolved.split(".", 1)[0] in _MODEL_SDKS or parts[-1] in _MODEL_ENDPOINTS or (
        len(parts) > 1 and parts[-2] == "audio")


def settles_given_invoice(call: ast.Call) -> bool:
    """``pay_invoice(payment_request=data.bolt11)``: it pays an invoice the client sent, which can be paid only
    once (a Lightning invoice's payment hash, a billing invoice's id): a retry finds it paid, nothing moves twice."""
    passed = [keyword.value for keyword in call.keywords if keyword.arg in _INVOICE_ARGUMENTS] + [
        value for value in call.args if (dotted_name(value) or "").rpartition(".")[2] in _INVOICE_ARGUMENTS]
    return any((dotted_name(value) or "").rpartition(".")[2] in _INVOICE_ARGUMENTS for value in passed)


def refuses_repeat(statement: ast.stmt) -> bool:
    """``raise RegistrationError("The username is already registered!")``, ``raise AlreadyExists(...)``, Flask's
    ``abort(409)``: a raise whose exception or text says the thing is there already (a ban check that raises
    ``Forbidden`` refuses something else)."""
    if not (isinstance(statement, ast.Raise) or (
        isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)
        and callee_name(statement.value) == "abort"
    )):
        return False
    for part in walk(statement):
        if isinstance(part, ast.Constant) and (part.value == 409 or (
                isinstance(part.value, str) and _REPEATED.search(part.value))):
            return True
        if isinstance(part, (ast.Name, ast.Attribute)) and _REPEATED.search(dotted_name(part) or ""):
            return True
    return False


def sets_fee_rate(call: ast.Call) -> bool:
    """``node.transact("bump", {"feerateSatByte": rate})``: the call names a fee rate and no amount (a fee bump
    of pending transactions sets their target rate; repeating it sets the same rate). One that names an amount
    (``{"amountSat": ..., "feerateSatByte": ...}``) sends money."""
    named: set[str] = set()
    for part in [*call.args, *(keyword.value for keyword in call.keywords)]:
        keys = part.keys if isinstance(part, ast.Dict) else [part]
        named.update(word for key in keys if isinstance(key, ast.Constant) and isinstance(key.value, str)
                     for word in words(key.value))
    for keyword in call.keywords:
        named.update(words(keyword.arg or ""))
    rate = "feerate" in named or {"fee", "rate"} <= named
    return rate and not named & _AMOUNT_WORDS


ERROR_STATUS = re.compile(r"\b(?:HTTP_4\d\d|4\d\d|BAD_REQUEST|CONFLICT|FORBIDDEN|NOT_FOUND)\b|\berror\b")
"""An answer that refuses (a 4xx status, an ``error`` key): not the found resource answered."""


def looks_up(call: ast.Call) -> bool:
    """``get_tinyurl_by_url(url)``, ``Order.objects.filter(...).first()``, ``session.scalar(...)``."""
    name = callee_name(call)
    return name.startswith(_LOOKUP_PREFIXES) or name in _LOOKUP_METHODS


def builds_new(call: ast.Call) -> bool:
    name = callee_name(call)
    if not name[:1].isupper() or name.endswith(("Error", "Exception", "Response", "Command")):
        return False
    if any(keyword.arg == "instance" for keyword in call.keywords):
        return False
    if name.endswith("Serializer"):
        return not call.args  # OrderSerializer(order, data=...) updates ``order``
    return True


_LINK_OWNERS = frozenset({"checkout", "approval", "approve", "payment", "pay"})
_LINKS = frozenset({"url", "link", "href"})


def declares_checkout_link(cls: ast.ClassDef) -> bool:
    """The class declares a field for the link a payer follows to approve a payment (``checkout_session_url:
    str | None = None``, ``approval_url``, ``payment_link``): a response that hands out a checkout session."""
    for statement in cls.body:
        target: Optional[ast.expr] = statement.target if isinstance(statement, ast.AnnAssign) else None
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
        if isinstance(target, ast.Name):
            found = set(split_identifier(target.id))
            if found & _LINK_OWNERS and found & _LINKS:
                return True
    return False


_ABSENCE_WORDS = ("nonexist", "notfound", "missing", "absent")
"""What the name of a class standing for a thing not found holds (moin's ``NonExistent`` item)."""
_REMOVALS = frozenset({"delete", "destroy", "purge"})


def existing_object_use(call: ast.Call) -> Optional[str]:
    """The local a call treats as an object that was already there: tested to be a stand-in for one not found
    (``isinstance(item, NonExistent)``), or deleted (``item.delete(comment)``, ``item.destroy(...)``). What a
    ``create`` factory handed to that local was loaded, not made: nothing made is absent or removed at once."""
    func = call.func
    if isinstance(func, ast.Name) and func.id == "isinstance" and len(call.args) == 2 \
            and isinstance(call.args[0], ast.Name):
        kind = (dotted_name(call.args[1]) or "").rpartition(".")[2].lower()
        return call.args[0].id if any(word in kind for word in _ABSENCE_WORDS) else None
    if isinstance(func, ast.Attribute) and func.attr in _REMOVALS and isinstance(func.value, ast.Name):
        return func.value.id
    return None

