"""The step of a password reset that consumes the link or code the first step mailed (BE307).

A password reset has two steps: one takes an address and mails a link or code to it (the step a script floods or
uses to probe accounts), the other takes what the mail carried and sets the new password. The second has nothing
to guess when what it takes cannot be guessed: a token signed by the server (itsdangerous'
``signer.loads(key, max_age=..., salt="password-reset")``, Django's ``signing.loads`` and
``default_token_generator.check_token(user, token)``) or a long random code, and it mails nothing. BE307 leaves
it alone and keeps reporting the mailing step.

Read from the code: the path carries a placeholder for the link's token or the account acted on
(``reset/<uidb64>/<token>/``, ``<int:user_id>/password-reset/``), the view works on one stored object
(``SingleObjectMixin``: a staff action on one account), or the handler calls nothing named for mail and either
reads a token or code by a name that says so (``request.args.get("token")``, ``"recoverycode"``; not a
``token`` it makes itself from nothing the request carries, the first step's ``token = make_reset_token()``) or
checks a signed token that the request carries (pybossa's ``reset_password``: ``key = request.args.get("key")`` then
``signer.loads(key, max_age=timeout, salt="password-reset")``), or refuses unless a "verified" flag an earlier step
stored is there (ragflow's ``if not REDIS_CONN.get(_verified_key(email)): return ...``): the code was checked, and
limited, by the step that set the flag.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from backend_lint.analysis.handler_body import handler_body
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.project.view_facts import path_words
from backend_lint.analysis.secret_names import split_identifier

if TYPE_CHECKING:
    from backend_lint.analysis.handler_types import Handler
    from backend_lint.context import FileContext

_LINK_SECRETS = frozenset({
    "token", "reset_token", "recoverycode", "recovery_code", "reset_code", "uidb64", "signature",
})
"""Names (or short strings) through which a reset handler takes the secret its e-mailed link or code carries."""
_PLACEHOLDER = lazy_compile(r"<(?:\w+:)?(\w+)>|\{(\w+)(?::[^}]*)?\}")
_PLACEHOLDER_WORDS = frozenset({"token", "uid", "uidb64", "key", "code", "id", "pk", "user", "signature", "hash"})
"""Words of a path placeholder that names the link's secret or the account acted on (not ``{lang}``)."""
_ONE_ACCOUNT_VIEWS = frozenset({"SingleObjectMixin", "DetailView", "UpdateView", "BaseDetailView", "BaseUpdateView"})
_SIGNED_LOADS = frozenset({"loads", "unsign", "unsign_object"})
"""Methods that check a signature (and with ``max_age`` an age) before they give back what was signed."""
_SIGNERS = frozenset({"signer", "signing", "serializer", "signature", "itsdangerous"})
"""Words of the object whose ``loads`` checks a signature (``signer.loads``, ``signing.loads``,
``URLSafeTimedSerializer(...).loads``): ``json.loads`` takes no ``max_age`` or ``salt`` and is no check."""
_TOKEN_CHECKS = frozenset({"check_token"})
"""Django's ``PasswordResetTokenGenerator.check_token(user, token)``: an HMAC of the account's state."""


def consumes_reset_link(ctx: FileContext, handler: Handler) -> bool:
    """The handler is the step of a password reset that consumes what the first step sent, or a staff action on
    one account (see the module): nothing is guessed or flooded there."""
    if any(_PLACEHOLDER_WORDS.intersection(path_words("".join(groups))) for path in handler.paths
           for groups in _PLACEHOLDER.findall(path)):
        return True
    cls = handler.class_
    if cls is not None and _ONE_ACCOUNT_VIEWS.intersection(
        base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "") for base in cls.bases
    ):
        return True
    if _requires_verified_flag(handler.function):
        return True
    body = handler_body(ctx, handler)
    if any("mail" in call.lower() for call in body.calls):
        return False
    carried = _carried(handler)
    return bool(body.words & _LINK_SECRETS - _issued(handler, carried)) or _checks_signed_token(handler, carried)


_VERIFIED = frozenset({"verified"})


def _flag_read(test: ast.expr) -> bool:
    """``not REDIS_CONN.get(_verified_key(email))``, ``not session.get("reset_verified")``, ``cache.get(...) is
    None``: the test reads a stored flag whose key or getter says it marks a verified step."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        read = test.operand
    elif isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Is) \
            and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None:
        read = test.left
    else:
        return False
    if not (isinstance(read, ast.Call) and isinstance(read.func, ast.Attribute) and read.func.attr == "get"):
        return False
    words: set[str] = set()
    for part in ast.walk(read):
        if isinstance(part, ast.Name):
            words.update(split_identifier(part.id))
        elif isinstance(part, ast.Attribute):
            words.update(split_identifier(part.attr))
        elif isinstance(part, ast.Constant) and isinstance(part.value, str):
            words.update(word.lower() for word in _KEY_WORD.findall(part.value))
    return bool(words & _VERIFIED)


_KEY_WORD = lazy_compile(r"[A-Za-z]+")


def _requires_verified_flag(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """The last step of a reset whose earlier, checked step stored a "verified" flag: the handler refuses unless
    that flag is stored (ragflow's ``forget_reset_password``: ``if not REDIS_CONN.get(_verified_key(email)):
    return ... "email not verified"``, the flag set only by the rate-limited OTP check, seed 134). It takes no
    secret to guess: the secret was checked, and limited, where the flag was set."""
    return any(
        isinstance(statement, ast.If) and _flag_read(statement.test) and statement.body
        and isinstance(statement.body[-1], (ast.Return, ast.Raise))
        for statement in function.body
    )


def _carried(handler: Handler) -> set[str]:
    """Names holding what the request carries: the handler's parameters (the URL's placeholders, the body), the
    request, and locals assigned from them."""
    function = handler.function
    carried = {arg.arg for arg in [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]}
    carried |= set(handler.request_names) | {"request"}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(
                isinstance(part, ast.Name) and part.id in carried for part in ast.walk(node.value)):
            carried |= {target.id for target in node.targets if isinstance(target, ast.Name)}
    return carried - {"self", "cls"}


def _issued(handler: Handler, carried: set[str]) -> set[str]:
    """Locals the handler makes itself from nothing the request carries (``token = make_reset_token()``): the
    secret of the link the FIRST step issues and mails, not one the request hands back to be checked."""
    return {
        target.id.lower() for node in ast.walk(handler.function)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
        and not any(isinstance(part, ast.Name) and part.id in carried for part in ast.walk(node.value))
        for target in node.targets if isinstance(target, ast.Name) and target.id not in carried
    }


def _checks_signed_token(handler: Handler, carried: set[str]) -> bool:
    """The handler checks the signature of a token the request carries: a signer's ``loads``/``unsign`` (or any
    ``loads`` given ``max_age`` or ``salt``) or ``check_token``, handed a value read from the request (directly,
    through a local assigned from it, or a parameter of the handler: the URL's placeholder)."""
    function = handler.function
    for node in ast.walk(function):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args):
            continue
        method = node.func.attr
        token = node.args[-1] if method in _TOKEN_CHECKS else node.args[0]  # check_token(user, token)
        if not any(isinstance(part, ast.Name) and part.id in carried for part in ast.walk(token)):
            continue
        if method in _TOKEN_CHECKS:
            return True
        if method in _SIGNED_LOADS and (
                any(keyword.arg in ("max_age", "salt") for keyword in node.keywords)
                or _SIGNERS.intersection(split_identifier(dotted_name(node.func.value) or ""))):
            return True
    return False
