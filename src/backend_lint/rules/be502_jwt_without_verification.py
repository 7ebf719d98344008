"""BE502 jwt-without-verification: a JWT decoded without checking its signature or pinning its algorithm.

A token whose signature is not verified is a claim the client wrote itself: anyone can mint
``{"sub": "admin"}``. Flagged: PyJWT ``jwt.decode`` with ``options={"verify_signature": False}`` (a literal or
a local/module dict), the old ``verify=False``, no ``algorithms=`` (PyJWT 1.x then trusts the token's own
``alg`` header, which lets an attacker pick ``none`` or HMAC-with-the-public-key), or ``"none"`` in
``algorithms``; python-jose ``jwt.decode`` with ``verify_signature`` off; python-jose
``jwt.get_unverified_claims``. Reading unverified claims is fine when the same function also decodes the
token with verification (peeking at ``iss`` or ``kid`` to choose the key, then verifying), so those
findings wait for the end of the function. So is a read of ``iss`` alone whose token is then handed whole
to another call, the verifier the issuer chose (:func:`~backend_lint.analysis.jwt_trust.peeks_at_issuer`).
``get_unverified_header`` is never flagged: the header carries the
key id and algorithm, not the claims an authorization decision is based on.

An unverified read (``verify_signature`` off, ``verify=False``, ``get_unverified_claims``) is reported only when
the token is shown to be the client's in the same function (:func:`~backend_lint.analysis.request_reads.
sent_by_client`): read from the request (``request.headers["Authorization"]``, a cookie), a parameter of a
route handler, or one FastAPI fills from the request (``Header()``, ``Cookie()``, ``Depends(oauth2_scheme)``).
On real code every unverified read of a token handed in by a caller was deliberate (a token the server got from
the identity provider's token endpoint, its own session's token, a helper for log lines or debugging), and the
judged true finding was a verifying decode without ``algorithms=``, which needs no such evidence. Even then it
is left alone in a function documented as not for authentication, or of a token the same function first
handed to the identity provider's userinfo or introspection endpoint, or in a helper whose every caller in the
module only puts the answer in log lines (a logging middleware's tenant field; :mod:`backend_lint.analysis.jwt_trust`).
Nor is an unverified read in a branch that runs only where the application is not deployed: the body of ``if
settings.DEBUG:``, ``if HostingEnvironment.is_local():`` or ``if ENVIRONMENT == "local":``, the ``else`` of ``elif
HostingEnvironment.is_deployed():`` (consult's local sign-in, where no identity provider runs;
:func:`.dev_only.outside_deployments`). The ``else`` of ``if is_production():`` runs on staging: still reported.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from backend_lint.analysis.ast_helpers import keyword_value
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.caller_values import request_caller_fact
from backend_lint.analysis.dev_only import outside_deployments
from backend_lint.analysis.jwt_trust import (
    documented_unverified,
    in_refusing_handler,
    only_for_log_lines,
    peeks_at_issuer,
    reads_only_timing,
    validated_by_issuer,
)
from backend_lint.analysis.project.conditions import ProjectFact, caller_passes_request, test_support
from backend_lint.analysis.request_reads import sent_by_client
from backend_lint.analysis.values import origin
from backend_lint.context import FileContext
from backend_lint.rule import FileState, Rule, leaves, visits

_PYJWT_DECODE = frozenset(
    {"jwt.decode", "jwt.decode_complete", "jwt.api_jwt.decode", "jwt.api_jwt.decode_complete", "jwt.PyJWT().decode",
     "jwt.api_jwt.PyJWT().decode", "jwt.PyJWT().decode_complete"}
)
_JOSE_DECODE = frozenset({"jose.jwt.decode"})
_UNVERIFIED_CLAIMS = frozenset({"jose.jwt.get_unverified_claims", "jose.jws.get_unverified_claims"})


def _constant(expr: ast.expr | None, ctx: FileContext) -> ast.expr | None:
    """``expr``, or the single value of the local or module name it is."""
    if isinstance(expr, ast.Name):
        function = ctx.scope.function
        value = None
        if function is not None and not isinstance(function, ast.Lambda):
            value = bindings_of(ctx, function).single_value(expr.id)
        return value if value is not None else bindings_of(ctx, ctx.tree).single_value(expr.id)
    return expr


def _signature_check_off(options: ast.expr | None, ctx: FileContext) -> bool:
    options = _constant(options, ctx)
    if isinstance(options, ast.Call) and isinstance(options.func, ast.Name) and options.func.id == "dict":
        return any(k.arg == "verify_signature" and _is_false(k.value) for k in options.keywords)
    if not isinstance(options, ast.Dict):
        return False
    return any(
        isinstance(key, ast.Constant) and key.value == "verify_signature" and _is_false(value)
        for key, value in zip(options.keys, options.values)
    )


def _is_false(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is False


def _allows_none(algorithms: ast.expr | None, ctx: FileContext) -> bool:
    algorithms = _constant(algorithms, ctx)
    if isinstance(algorithms, (ast.List, ast.Tuple, ast.Set)):
        return any(isinstance(item, ast.Constant) and str(item.value).lower() == "none" for item in algorithms.elts)
    return isinstance(algorithms, ast.Constant) and str(algorithms.value).lower() == "none"


@dataclass
class _Decoding:
    """What one function (or the module body) decodes, reported when the walk leaves it."""

    verified: bool = False
    """It also decodes with verification: unverified reads there only peek (at ``kid``, ``iss``)."""
    unverified: list[tuple[ast.Call, str, str, tuple[ProjectFact, ...]]] = field(default_factory=list)
    """Unverified decodes and reads, with the construct and problem to report and the project facts they need."""


class JwtWithoutVerification(Rule):
    code = "BE502"
    name = "jwt-without-verification"
    message = "`{construct}` {problem}; verify the signature with an explicit `algorithms=` list"
    triggers = ("jwt", "jose")
    needs = (origin, bindings_of, validated_by_issuer, reads_only_timing, peeks_at_issuer, sent_by_client,
             only_for_log_lines, caller_passes_request)
    module_facts = (test_support,)
    decoding: FileState[dict[ast.AST, _Decoding]] = FileState(dict)

    @visits(ast.Call)
    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        if not isinstance(node.func, (ast.Name, ast.Attribute)) or ctx.is_test_file:
            return
        callee = origin(node.func, ctx)
        if callee in _PYJWT_DECODE or callee in _JOSE_DECODE:
            self._check_decode(node, callee, ctx)
        elif callee in _UNVERIFIED_CLAIMS:
            self._defer(node, ctx, callee, "reads claims without verifying the signature")

    def _check_decode(self, node: ast.Call, callee: str, ctx: FileContext) -> None:
        construct = "jwt." + callee.rsplit(".", 1)[1]
        if _signature_check_off(keyword_value(node, "options"), ctx):
            self._defer(node, ctx, construct, "with `verify_signature` off trusts unsigned claims")
            return
        if callee in _JOSE_DECODE:
            self._verified(ctx)
            return
        verify = keyword_value(node, "verify")
        if verify is not None and _is_false(verify):
            self._defer(node, ctx, construct, "with `verify=False` trusts unsigned claims")
            return
        algorithms = keyword_value(node, "algorithms")
        if algorithms is None and len(node.args) >= 3:
            algorithms = node.args[2]
        if algorithms is None or (isinstance(algorithms, ast.Constant) and algorithms.value is None):
            if not any(item.arg is None for item in node.keywords):
                self.report(ctx, node, construct=construct, problem="without `algorithms=` trusts the token's `alg`")
        elif _allows_none(algorithms, ctx):
            self.report(ctx, node, construct=construct, problem='accepts the "none" algorithm')
        self._verified(ctx)

    def _decoding(self, ctx: FileContext) -> _Decoding:
        """What the function (or module) being walked decodes."""
        functions = self.decoding(ctx)
        owner = ctx.scope.function or ctx.tree
        found = functions.get(owner)
        if found is None:
            found = functions[owner] = _Decoding()
        return found

    def _defer(self, node: ast.Call, ctx: FileContext, construct: str, problem: str) -> None:
        token = node.args[0] if node.args else keyword_value(node, "jwt") or keyword_value(node, "token")
        needs: tuple[ProjectFact, ...] = ()
        if token is not None and not sent_by_client(token, ctx):
            fact = request_caller_fact(ctx, token.id) if isinstance(token, ast.Name) else None
            if fact is None:
                return  # a token the caller hands in: the server's own, or checked elsewhere (see the docstring)
            needs = (fact,)  # a helper's parameter: the client's token only if a caller reads it from the request
        if token is None:
            return
        if reads_only_timing(node, ctx) or peeks_at_issuer(node, ctx) or documented_unverified(ctx.scope.function) \
                or validated_by_issuer(ctx, node) or in_refusing_handler(node, ctx) \
                or only_for_log_lines(ctx.scope.function, ctx):
            return  # see :mod:`backend_lint.analysis.jwt_trust`
        if outside_deployments(node, ctx):
            return  # the branch of a developer's machine (``else`` of ``elif is_deployed():``): no deployment runs it
        self._decoding(ctx).unverified.append((node, construct, problem, needs))

    def _verified(self, ctx: FileContext) -> None:
        self._decoding(ctx).verified = True

    @leaves(ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.Module)
    def report_unverified(self, node: ast.AST, ctx: FileContext) -> None:
        decoding = self.decoding(ctx).pop(node, None)
        if decoding is None or decoding.verified:
            return
        for call, construct, problem, needs in decoding.unverified:
            self.report(ctx, call, only_if=needs, construct=construct, problem=problem)
