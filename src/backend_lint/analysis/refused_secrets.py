"""A secret-named value logged only once the code has found that it grants nothing (BE405).

``reset_request = tokens.find_one(token=token)`` then ``if not reset_request or reset_request["expire_time"] <
now: logger.warning("Invalid token received: %s", token); raise ...``: the token was looked up and is unknown
or expired, so the line records a rejected value (what an operator needs to see a probe or a stale link), not a
live credential. :func:`refused_lookup` reads that from the code: the logging call is in the body of an ``if``
that ends the request (``raise``/``return``) and whose test says a lookup given the same value found nothing
(``not row``, ``row is None``, alone or as one operand of ``or``; ``row, ok = self.lookup(token)`` unpacks the
row first) or found it expired (``row.expires_at <= datetime.utcnow()``: quay's OAuth check, which logs the expired
token and answers the refusal). The same holds in an ``except`` clause that catches only the refusals of a token check
(``SignatureExpired``, ``BadSignature``, ``NoResultFound``, ``DoesNotExist``, ``InvalidToken``...) of a ``try`` that
handed the value to that check (``user_id = validate_token(token)``), or ran a query the function built from it
(``qs = Environment.objects.filter(api_key=api_key)`` then ``qs.get()`` under ``except Environment.DoesNotExist:``):
the check has just rejected it.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import own_nodes
from backend_lint.analysis.bindings import Bindings, bindings_of
from backend_lint.analysis.facts import reads
from backend_lint.analysis.lazy_regex import lazy_compile

if TYPE_CHECKING:
    from backend_lint.context import FileContext


@reads(bindings_of)
def refused_lookup(call: ast.Call, value: ast.expr, ctx: FileContext) -> bool:
    """The logging ``call`` runs only where the lookup of ``value`` (a plain name) found nothing (see the module
    docstring)."""
    function = ctx.scope.function
    if not isinstance(value, ast.Name) or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    bindings = bindings_of(ctx, function)
    child: ast.AST = call
    node: Optional[ast.AST] = ctx.parent_of(call)
    while node is not None and node is not function:
        if isinstance(node, ast.If) and child in node.body and isinstance(node.body[-1], (ast.Raise, ast.Return)) \
                and any(_found_nothing(test, value.id, bindings, function, _assigned_just_before(node, ctx))
                        for test in _alternatives(node.test)):
            return True
        if isinstance(node, ast.ExceptHandler) and _catches_refusals(node.type):
            attempt = ctx.parent_of(node)
            if isinstance(attempt, ast.Try) and _hands_over(attempt.body, value.id, bindings):
                return True
        child, node = node, ctx.parent_of(node)
    return False


_REFUSAL = lazy_compile(
    r"(?:Signature)?Expired(?:Signature)?(?:Error)?|BadSignature|BadTimeSignature|BadData|BadToken"
    r"|Invalid(?:Signature|Token|TokenError|SignatureError)|(?:JWT|Decode)Error|NoResultFound|DoesNotExist"
    r"|ExpiredSignatureError|InvalidTokenError|(?:Device)?(?:NotRegistered|Unregistered)(?:Error)?"
    r"|Invalid(?:Audience|Issuer|IssuedAt|Algorithm)Error|ImmatureSignatureError|MissingRequiredClaimError"
    r"|JWTClaimsError"
)
"""Exceptions a token check raises to refuse a value (itsdangerous, PyJWT, cryptography's Fernet, a row lookup; a
push service's ``DeviceNotRegisteredError``/``UnregisteredError`` for a device token it no longer knows). PyJWT's
claim checks refuse a token too (``InvalidAudienceError``, ``InvalidIssuerError``, ``ImmatureSignatureError``,
``MissingRequiredClaimError``, python-jose's ``JWTClaimsError``): edx-notes-api logs the token it rejected for a
wrong audience beside its expired and undecodable siblings (seed 135)."""


def _catches_refusals(caught: Optional[ast.expr]) -> bool:
    """``except SignatureExpired:``, ``except (BadSignature, NoResultFound):``: every class caught refuses a value
    (a bare ``except`` or ``Exception`` does not say the value was refused)."""
    if caught is None:
        return False
    classes = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    names = [
        cls.attr if isinstance(cls, ast.Attribute) else cls.id if isinstance(cls, ast.Name) else "" for cls in classes
    ]
    return bool(names) and all(_REFUSAL.fullmatch(name) for name in names)


def _hands_over(body: list[ast.stmt], secret: str, bindings: Bindings) -> bool:
    """A call in the ``try`` body is given ``secret`` itself (``validate_token(token)``), or runs on a query the
    function built from it (``qs = Environment.objects.filter(api_key=api_key)``, then ``qs.get()``)."""
    for statement in body:
        for node in ast.walk(statement):
            if isinstance(node, ast.Call) and (_given(node, secret) or _on_query_of(node, secret, bindings)):
                return True
    return False


def _given(call: ast.Call, secret: str) -> bool:
    return any(
        isinstance(arg, ast.Name) and arg.id == secret
        for arg in [*call.args, *(keyword.value for keyword in call.keywords)]
    )


def _on_query_of(call: ast.Call, secret: str, bindings: Bindings) -> bool:
    """``qs.get()``, ``qs.union(other).first()``: a receiver or argument is a local assigned once from a call given
    ``secret``."""
    for node in ast.walk(call):
        if isinstance(node, ast.Name) and node.id != secret:
            held = bindings.single_value(node.id)
            if isinstance(held, ast.Call) and _given(held, secret):
                return True
    return False


def _alternatives(test: ast.expr) -> list[ast.expr]:
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return test.values
    return [test]


def _assigned_just_before(statement: ast.stmt, ctx: FileContext) -> dict[str, ast.expr]:
    """Names the statement right before ``statement`` in its block assigns from a call (``row = find(token)``,
    ``row, ok = find(token)``: the first name of an unpacking), with that call: the binding the ``if`` reads,
    whatever other branches assigned earlier."""
    parent = ctx.parent_of(statement)
    for field in ("body", "orelse", "finalbody"):
        block = getattr(parent, field, None)
        if isinstance(block, list) and statement in block:
            position = block.index(statement)
            previous = block[position - 1] if position else None
            if isinstance(previous, ast.Assign) and len(previous.targets) == 1:
                target = previous.targets[0]
                if isinstance(target, ast.Tuple) and target.elts:
                    target = target.elts[0]
                if isinstance(target, ast.Name):
                    return {target.id: previous.value}
    return {}


def _found_nothing(
    test: ast.expr, secret: str, bindings: Bindings, function: ast.AST, just_before: dict[str, ast.expr]
) -> bool:
    """``not row`` or ``row is None``, or ``row.expires_at <= now`` (``row["expire_time"] < now``, either side):
    the lookup found nothing, or found the value expired (quay's ``validated.expires_at <= datetime.utcnow()``),
    where ``row`` was assigned once from a call given ``secret``."""
    row: Optional[ast.expr]
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        row = test.operand
    elif isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Is) \
            and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None:
        row = test.left
    elif isinstance(test, ast.Compare) and len(test.ops) == 1 \
            and isinstance(test.ops[0], (ast.Lt, ast.LtE, ast.Gt, ast.GtE)):
        row = next((_owner(side) for side in (test.left, test.comparators[0]) if _expiry_of(side)), None)
    else:
        return False
    if not isinstance(row, ast.Name):
        return False
    found = just_before.get(row.id) or bindings.single_value(row.id) or _unpacked_first(row.id, bindings, function)
    if isinstance(found, ast.Await):
        found = found.value
    return isinstance(found, ast.Call) and any(
        isinstance(arg, ast.Name) and arg.id == secret
        for arg in [*found.args, *(keyword.value for keyword in found.keywords)]
    )


def _expiry_of(side: ast.expr) -> bool:
    """``row.expires_at``, ``row["expire_time"]``: a field of a row named for when it expires."""
    if isinstance(side, ast.Attribute):
        field = side.attr
    elif isinstance(side, ast.Subscript) and isinstance(side.slice, ast.Constant):
        field = str(side.slice.value)
    else:
        return False
    return "expir" in field.lower()


def _owner(side: ast.expr) -> Optional[ast.expr]:
    """``row`` of ``row.expires_at`` or ``row["expire_time"]``."""
    return side.value if isinstance(side, (ast.Attribute, ast.Subscript)) else None


def _unpacked_first(name: str, bindings: Bindings, function: ast.AST) -> Optional[ast.expr]:
    """``row, ok = lookup(token)``: the call whose result's first element is ``name``, its only binding."""
    values = bindings.assigned.get(name)
    if not values or len(values) != 1 or values[0] is not None or name in bindings.loop_targets:
        return None
    for node in own_nodes(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Tuple) \
                and node.targets[0].elts and isinstance(node.targets[0].elts[0], ast.Name) \
                and node.targets[0].elts[0].id == name:
            return node.value
    return None
