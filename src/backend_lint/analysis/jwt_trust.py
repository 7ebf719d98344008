"""Where reading a JWT's claims without checking its signature trusts nothing the client wrote (BE502).

- :func:`documented_unverified`: the function's docstring says it does not verify the token and is not for
  authentication (Langflow's ``get_user_id_from_token``: "should NOT be used for authentication", a utility
  for logging), or confines it to uses that grant nothing (Ghostwriter's ``jwt_decode_no_verification``: "Use
  only for non-authoritative inspection such as logging and tests"). The reader is documented as untrusted;
  its callers are what a reviewer checks.
- :func:`validated_by_issuer`: earlier in the same function the same token was handed to the identity
  provider's userinfo or introspection endpoint (``client.userinfo(token={"access_token": form_data.token})``),
  which refuses a forged or expired token; the claims read afterwards come from a token the provider accepted.
- :func:`reads_only_timing`: the only claims read are the token's timing (``exp``, ``iat``, ``nbf``), on the
  decoded value itself (``jwt.decode(...).get("exp")``) or on every read of the one local it is assigned to
  (``claims = jwt.decode(...)`` then ``claims.get("exp")``): the code asks when a token expires (to refresh it in
  time, to log how long ago it did), and no claim of it authorizes anything. Reads inside an ``assert``
  (``assert claims["sub"] == self.user_id``: a sanity check that can only fail) grant nothing either and are not
  counted.
- :func:`peeks_at_issuer`: the only claim read is the issuer (``iss``, timing claims aside), through the one local
  holding the claims, and the same token is then handed whole to another call of the function: the code reads
  whose token it is to choose the verifier, and the verifier gets the token, not the peeked claims (warehouse's
  trusted publishing, ``unverified_claims["iss"]`` picks the publisher service, then ``mint_token(service,
  unverified_jwt, ...)`` verifies signature, audience and expiry). A token read for ``iss`` and never handed on
  (``if claims["iss"] == TRUSTED: grant``) is an authorization on an unsigned claim and stays reported.
- :func:`in_refusing_handler`: the token is decoded inside an ``except`` clause that always ends by raising
  (``except KeycloakError: claims = jwt.decode(...); logger.info(..., claims); raise``): the server already
  refused the token, and whatever the claims say, the request fails; reading them (for a log line) grants nothing.
- :func:`only_for_log_lines`: the function that reads the claims is a module-level helper whose every caller in the
  module binds its answer to a local used only in log calls (and the request's ``state`` that log records read):
  Keep's ``_extract_identity``, whose one caller, a logging middleware, puts the tenant in each request's log
  lines. The claim labels a log record; authentication happens elsewhere with verification.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import assigned_by, callee_name, own_nodes
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.facts import reads
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.loggers import logging_call_kind
from backend_lint.analysis.node_index import node_index

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_NOT_FOR_AUTH = lazy_compile(
    r"\b(?:not|never)\b[^.]{0,40}\b(?:used?|meant|intended|suitable|safe)\b[^.]{0,20}\b(?:for\s+)?"
    r"(?:authenticat|authoriz|security)",
    re.IGNORECASE,
)
_ONLY_FOR_INSPECTION = lazy_compile(
    r"\bnon-?\s?authoritative\b|\b(?:not|never)\s+(?:be\s+)?trust(?:ed)?\b|\bdo\s+not\s+trust\b"
    r"|\bonly\s+(?:be\s+used\s+)?(?:for|in)\b[^.]{0,40}\b(?:inspect\w*|logging|logs?|debug\w*|display\w*|tests?|testing)\b"
    r"|\bfor\s+(?:inspection|logging|debugging|display|diagnostics?|tests?|testing)(?:\s+purposes)?\s+only\b",
    re.IGNORECASE,
)
"""A docstring that confines the reader to uses where nothing is granted: "Use only for non-authoritative
inspection such as logging and tests", "for debugging only", "the claims are untrusted"."""
_ISSUER_CHECKS = ("userinfo", "user_info", "introspect")
_TIMING_CLAIMS = frozenset({"exp", "iat", "nbf"})


def _timing_claim(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Constant) and expr.value in _TIMING_CLAIMS


def _reads_timing(value: ast.AST, ctx: FileContext) -> bool:
    """``value["exp"]`` or ``value.get("exp")``."""
    parent = ctx.parent_of(value)
    if isinstance(parent, ast.Subscript) and parent.value is value:
        return _timing_claim(parent.slice)
    if isinstance(parent, ast.Attribute) and parent.value is value and parent.attr == "get":
        read = ctx.parent_of(parent)
        return isinstance(read, ast.Call) and read.func is parent and bool(read.args) and _timing_claim(read.args[0])
    return False


@reads(bindings_of)
def reads_only_timing(call: ast.Call, ctx: FileContext) -> bool:
    """Only timing claims are read of the decoded token, directly or through the one local holding it."""
    return _reads_timing(call, ctx) or _only_claims_of_local(call, ctx, _TIMING_CLAIMS)


@reads(bindings_of)
def peeks_at_issuer(call: ast.Call, ctx: FileContext) -> bool:
    """The one local holding the decoded claims is read only for ``iss`` (and timing claims), and the token
    ``call`` decodes, a local, is handed whole to a call on a later line: the issuer chooses who verifies it."""
    token = call.args[0] if call.args else None
    function = ctx.scope.function
    if not isinstance(token, ast.Name) or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    if not _only_claims_of_local(call, ctx, _TIMING_CLAIMS | {"iss"}):
        return False
    return any(
        isinstance(node, ast.Call) and node is not call and node.lineno > (call.end_lineno or call.lineno)
        and any(_named(arg, token.id) for arg in [*node.args, *(kw.value for kw in node.keywords)])
        for node in own_nodes(function)
    )


def _only_claims_of_local(call: ast.Call, ctx: FileContext, claims: frozenset[str]) -> bool:
    """``call`` is the one value of a local of its function whose every read (those in an ``assert`` aside) is
    ``local["claim"]`` or ``local.get("claim")`` of one of ``claims``."""
    name = assigned_by(ctx.parent_of(call), call)
    function = ctx.scope.function
    if name is None or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    if bindings_of(ctx, function).single_value(name) is not call:
        return False
    uses = claim_reads = 0  # later nodes have no parent yet: count the reads from above
    asserted = {id(inner) for node in own_nodes(function) if isinstance(node, ast.Assert)
                for inner in ast.walk(node.test)}
    for node in own_nodes(function):
        if id(node) in asserted:
            continue  # ``assert claims["sub"] == self.user_id``: can only refuse
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
            uses += 1
        elif _claim_read_of(node, name, claims):
            claim_reads += 1
    return uses > 0 and uses == claim_reads


def in_refusing_handler(call: ast.Call, ctx: FileContext) -> bool:
    """``call`` sits in an ``except`` clause whose last statement is a ``raise`` and which has no ``return``:
    every way out of the clause fails the request the token came with."""
    current = ctx.parent_of(call)
    while current is not None and not isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        if isinstance(current, ast.ExceptHandler):
            return bool(current.body) and isinstance(current.body[-1], ast.Raise) and not any(
                isinstance(node, ast.Return) for node in own_nodes(current)
            )
        current = ctx.parent_of(current)
    return False


def _claim_read_of(node: ast.AST, name: str, claims: frozenset[str]) -> bool:
    """``name["exp"]`` or ``name.get("exp")``, the claim one of ``claims``."""
    if isinstance(node, ast.Subscript):
        key: Optional[ast.expr] = node.slice
        if not _named(node.value, name):
            return False
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
            and _named(node.func.value, name) and node.args:
        key = node.args[0]
    else:
        return False
    return isinstance(key, ast.Constant) and key.value in claims


def _named(expr: ast.expr, name: str) -> bool:
    return isinstance(expr, ast.Name) and expr.id == name


def documented_unverified(function: Optional[ast.AST]) -> bool:
    """The function's docstring says it must not be used for authentication (or authorization, security), or
    confines it to uses where nothing is granted: inspection, logging, debugging, display or tests, the claims
    untrusted or non-authoritative (the same statement, spelled as what it is for rather than what it is not)."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    doc = " ".join((ast.get_docstring(function) or "").split())
    return bool(_NOT_FOR_AUTH.search(doc) or _ONLY_FOR_INSPECTION.search(doc))


@reads(bindings_of)
def validated_by_issuer(ctx: FileContext, call: ast.Call) -> bool:
    """The token ``call`` decodes (its first argument, a name or attribute chain) was given, before ``call`` in
    the same function, to a call of a userinfo or introspection endpoint, directly or in a local built from it."""
    function = ctx.scope.function
    if not call.args or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    token = call.args[0]
    if not isinstance(token, (ast.Name, ast.Attribute)):
        return False
    text = ast.dump(token)
    bindings = bindings_of(ctx, function)

    def mentions(expr: ast.expr, depth: int = 0) -> bool:
        for node in ast.walk(expr):
            if isinstance(node, (ast.Name, ast.Attribute)) and ast.dump(node) == text:
                return True
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and depth < 2:
                value = bindings.single_value(node.id)
                if value is not None and mentions(value, depth + 1):
                    return True
        return False

    for node in own_nodes(function):
        if isinstance(node, ast.Call) and node.lineno < call.lineno \
                and any(word in callee_name(node).lower() for word in _ISSUER_CHECKS) \
                and any(mentions(arg) for arg in [*node.args, *(kw.value for kw in node.keywords)]):
            return True
    return False


@reads(node_index, logging_call_kind)
def only_for_log_lines(function: Optional[ast.AST], ctx: FileContext) -> bool:
    """``function`` is a module-level function called in the module, and every call binds the answer to a local
    (``identity = _extract_identity(request)``) whose every read is inside a logging call or stored on the
    request's ``state`` (``request.state.tenant_id = identity``). A call used any other way, or no call in the
    module (a helper other modules may use to authorize), keeps the finding."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or function not in ctx.tree.body:
        return False
    index = node_index(ctx)
    calls = [call for call in index.of(ast.Call) if isinstance(call.func, ast.Name) and call.func.id == function.name]
    return bool(calls) and all(_logged_only(call, ctx) for call in calls)


def _logged_only(call: ast.Call, ctx: FileContext) -> bool:
    index = node_index(ctx)
    statement = index.parent(call)
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)):
        return False
    name = statement.targets[0].id
    owner = index.parent(statement)
    while owner is not None and not isinstance(owner, (ast.FunctionDef, ast.AsyncFunctionDef)):
        owner = index.parent(owner)
    if owner is None:
        return False
    for node in own_nodes(owner):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load) \
                and not _in_log_or_state(node, ctx):
            return False
    return True


def _in_log_or_state(node: ast.AST, ctx: FileContext) -> bool:
    """Inside a logging call's arguments, or the value stored on ``<request>.state.<field>``."""
    index = node_index(ctx)
    current = index.parent(node)
    while current is not None and not isinstance(current, ast.stmt):
        if isinstance(current, ast.Call) and logging_call_kind(current, ctx) is not None:
            return True
        current = index.parent(current)
    if isinstance(current, ast.Assign) and current.value is node:
        return all(isinstance(target, ast.Attribute) and isinstance(target.value, ast.Attribute)
                   and target.value.attr == "state" for target in current.targets)
    return False
