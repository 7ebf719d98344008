"""BE509 jwt-without-expiry: a JWT issued from claims that never get an ``exp``.

A token without an expiry is valid for as long as its signing key lives: one leaked from a log, a browser or
a proxy works forever, and logging out or changing the password does not end it. Flagged: PyJWT
``jwt.encode``, python-jose ``jwt.encode`` and authlib ``jwt.encode(header, payload, key)`` of claims that are
seen whole and have no ``exp`` key: a dict literal written in the call, or a local dict built in the same
function (``{...}``, ``dict(a=...)``, then ``claims["k"] = ...``, ``claims.update({...})``,
``claims.setdefault("k", ...)``, ``claims |= {...}``) to which no ``exp`` is ever added.

Claims the rule cannot see whole are left alone: a parameter, a dict from another module or call, a literal
with ``**other``, an ``update`` with an unknown mapping, a key that is not a constant, and a dict handed to any
other function or stored elsewhere (which may add the expiry). Test modules and test support are left alone
too: they mint throwaway tokens.

Also left alone: claims written in the call that carry a fresh random handle the same function also keeps on
the server (``channel = str(uuid.uuid4()); session["channel"] = channel; jwt.encode({"channel": channel},
key)``). Such a token is only valid while the server holds the handle: replacing or dropping it (a new session,
a logout) ends the token, which is what an expiry would give. The same holds for an ``iat`` (or ``jti``) claim the
function stores on the server (``payload = {"wallet_id": ..., "iat": iat}; record.jwt_iat = iat``: acapy's tenant
tokens), also in a local claims dict: the server accepts only the token of the issuing it stored, so a new token
revokes the old.

Also left alone: claims written in the call whose token is stored straight on a database row (a keyword of a
model constructor or of ``Model.objects.create``: ``ProjectMemberInvite(email=..., token=jwt.encode({...}, key))``)
by a module that never decodes a JWT. Such a token is an opaque string the application finds again by equality
with the stored column; its claims are never read, so an ``exp`` would never be checked, and the row (single-use,
deletable) is what limits it.

Also left alone: a token only read back in the same function (``token = jwt.encode({"some": "payload"}, private);
jwt.decode(token, public, ...)``, never returned, stored or sent): a self-test that the configured keys match,
which nobody ever holds.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Optional

from backend_lint.analysis.ast_helpers import argument, keyword_value, string_value
from backend_lint.analysis.bindings import Bindings, bindings_of
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.module_roles import module_roles
from backend_lint.analysis.project.conditions import test_support
from backend_lint.analysis.resolve import lookup
from backend_lint.analysis.scopes import FUNCTION
from backend_lint.analysis.values import origin
from backend_lint.context import FileContext
from backend_lint.rule import FileState, Rule, leaves, visits

_ENCODERS: dict[str, tuple[int, str]] = {
    "jwt.encode": (0, "payload"),
    "jwt.api_jwt.encode": (0, "payload"),
    "jwt.PyJWT().encode": (0, "payload"),
    "jwt.api_jwt.PyJWT().encode": (0, "payload"),
    "jose.jwt.encode": (0, "claims"),
    "authlib.jose.jwt.encode": (1, "payload"),
    "authlib.jose.JsonWebToken().encode": (1, "payload"),
}
"""Callables that issue a JWT, with the position and keyword of their claims argument."""
_DECODERS = frozenset(name.replace("encode", "decode") for name in _ENCODERS)
"""Callables that read a JWT back (``jwt.decode``...): the other half of a self-test of the keys."""
_EXPIRY = "exp"
_READING_METHODS = frozenset({"get", "pop", "keys", "values", "items", "copy", "__contains__", "__getitem__"})
_RANDOM_SOURCES = frozenset(
    {"uuid.uuid4", "secrets.token_hex", "secrets.token_urlsafe", "secrets.token_bytes", "os.urandom"}
)
"""Calls that make a fresh unguessable handle."""
_ISSUE_CLAIMS = frozenset({"iat", "jti"})
"""Claims that name one issuing of a token: kept on the server, the newest issuing is the only one it accepts."""
_ROW_WRITERS = frozenset({"create", "get_or_create", "update_or_create"})
_DECODES = lazy_compile(r"\b(?:jwt|jose|JsonWebToken\(\))\.decode\(|\bdecode_(?:jwt|token)\b|\bjwt_decode\b")
"""Text of a module that reads JWT claims back (``jwt.decode(``, a ``decode_token`` helper)."""
_HARMLESS_PARENTS = (ast.Compare, ast.FormattedValue, ast.BoolOp, ast.UnaryOp, ast.If, ast.While, ast.Assert)


@dataclass
class _Claims:
    """What one function does to one local claims dict, collected over the walk."""

    keys: set[str] = field(default_factory=set)
    unknown: bool = False
    """A use the rule cannot follow: the dict may get any key there."""


@dataclass
class _Issuing:
    """Claims dicts of one function and the encode calls that receive them."""

    claims: dict[str, _Claims] = field(default_factory=dict)
    encodes: list[tuple[ast.Call, str, str]] = field(default_factory=list)
    """(encode call, construct, name of the claims local)."""
    arguments: set[int] = field(default_factory=set)
    """``id`` of the Name nodes passed as claims to an encode call (that use is not an escape)."""
    literals: list[tuple[ast.Call, ast.Dict]] = field(default_factory=list)
    """Encode calls given a dict literal without ``exp``, decided when the function is left."""
    kept: set[str] = field(default_factory=set)
    """Locals the function stores on an attribute or an item (``session["k"] = name``): kept on the server."""


def _literal_keys(expr: ast.AST) -> Optional[set[str]]:
    """The keys of a dict literal or ``dict(a=..., b=...)``; ``None`` when some key is not known."""
    if isinstance(expr, ast.Dict):
        keys: set[str] = set()
        complete = True
        for key in expr.keys:
            text = string_value(key)
            if text is None:
                complete = False  # ``**other`` or a computed key
            else:
                keys.add(text)
        return keys if complete or _EXPIRY in keys else None
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "dict" and not expr.args:
        if any(keyword.arg is None for keyword in expr.keywords):
            return None  # ``dict(**other)``
        return {keyword.arg for keyword in expr.keywords if keyword.arg is not None}
    return None


def _dict_local(bindings: Bindings, name: str) -> bool:
    """``name`` is bound in the scope only by assignments of dict literals (so its keys can be followed)."""
    if name in bindings.params or name in bindings.loop_targets or name in bindings.definitions:
        return False
    values = bindings.assigned.get(name)
    if not values:
        return False
    return all(
        isinstance(value, ast.Dict)
        or (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict")
        for value in values
    )


def _unsigned(call: ast.Call) -> bool:
    """``jwt.encode(claims, key=None, algorithm="none")``: an unsigned assertion a partner API asks for (PayPal's
    ``PayPal-Auth-Assertion`` header), not a credential anyone can be trusted with: an expiry would secure
    nothing, since whoever holds it can write a new one."""
    algorithm = keyword_value(call, "algorithm")
    return isinstance(algorithm, ast.Constant) and isinstance(algorithm.value, str) and \
        algorithm.value.lower() == "none"


class JwtWithoutExpiry(Rule):
    code = "BE509"
    name = "jwt-without-expiry"
    message = "`{construct}` issues a token whose claims have no `exp`; give it an expiry"
    triggers = ("jwt", "jose", "JsonWebToken")
    needs = (origin, lookup, bindings_of, module_roles)
    module_facts = (test_support,)
    issuing: FileState[dict[ast.AST, _Issuing]] = FileState(dict)

    def _skipped(self, ctx: FileContext) -> bool:
        return ctx.is_test_file or module_roles(ctx).for_tests

    def _issuing(self, owner: ast.AST, ctx: FileContext) -> _Issuing:
        table = self.issuing(ctx)
        found = table.get(owner)
        if found is None:
            found = table[owner] = _Issuing()
        return found

    @visits(ast.Call)
    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if not isinstance(func, (ast.Name, ast.Attribute)) or (
            (func.attr if isinstance(func, ast.Attribute) else func.id) != "encode"
        ):
            return
        callee = origin(func, ctx)
        if callee not in _ENCODERS or self._skipped(ctx) or _unsigned(node):
            return
        position, keyword = _ENCODERS[callee]
        claims = argument(node, position, keyword)
        construct = "jwt.encode"
        if claims is None:
            return
        if isinstance(claims, (ast.Dict, ast.Call)):
            keys = _literal_keys(claims)
            if keys is None or _EXPIRY in keys:
                return
            function = ctx.scope.function
            if isinstance(claims, ast.Dict) and isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._issuing(function, ctx).literals.append((node, claims))  # may carry a server-kept handle
            else:
                self.report(ctx, node, construct=construct)
            return
        if not isinstance(claims, ast.Name):
            return
        found = lookup(claims.id, ctx, ctx.scope)
        if found is None or found[0].kind != FUNCTION or not _dict_local(found[1], claims.id):
            return
        issuing = self._issuing(found[0].node, ctx)
        issuing.encodes.append((node, construct, claims.id))
        issuing.arguments.add(id(claims))

    @visits(ast.Assign)
    def check_kept(self, node: ast.Assign, ctx: FileContext) -> None:
        """A local stored on an attribute or an item (``session["channel"] = channel``): the server keeps it."""
        function = ctx.scope.function
        if not isinstance(node.value, ast.Name) or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return
        if any(isinstance(target, (ast.Subscript, ast.Attribute)) for target in node.targets):
            self._issuing(function, ctx).kept.add(node.value.id)

    def _server_handle(self, claims: ast.Dict, issuing: _Issuing, bindings: Bindings, ctx: FileContext) -> bool:
        """Some claim is a local the function both draws at random and keeps on the server."""
        for key, value in zip(claims.keys, claims.values):
            if not isinstance(value, ast.Name) or value.id not in issuing.kept:
                continue
            if string_value(key) in _ISSUE_CLAIMS:
                return True  # ``record.jwt_iat = iat``: the server holds the issue time every use must match
            assigned = bindings.assigned.get(value.id)
            if assigned and all(item is not None and self._random(item, ctx) for item in assigned):
                return True
        return False

    def _random(self, value: ast.expr, ctx: FileContext) -> bool:
        """``uuid.uuid4()``, ``str(uuid.uuid4())``, ``uuid.uuid4().hex``, ``secrets.token_hex()``..."""
        if isinstance(value, ast.Attribute) and value.attr == "hex":
            value = value.value
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "str":
            if len(value.args) != 1:
                return False
            value = value.args[0]
        return isinstance(value, ast.Call) and origin(value.func, ctx) in _RANDOM_SOURCES

    @visits(ast.Name)
    def check_use(self, node: ast.Name, ctx: FileContext) -> None:
        """Every use of a claims local: a key added, or a use after which its keys are unknown."""
        if not isinstance(node.ctx, ast.Load) or ctx.scope.function is None:
            return
        found = lookup(node.id, ctx, ctx.scope)
        if found is None or found[0].kind != FUNCTION or not _dict_local(found[1], node.id):
            return
        issuing = self._issuing(found[0].node, ctx)
        if id(node) in issuing.arguments:
            return
        claims = issuing.claims.setdefault(node.id, _Claims())
        self._record_use(node, ctx, claims)

    def _record_use(self, node: ast.Name, ctx: FileContext, claims: _Claims) -> None:
        parent = ctx.parent_of(node)
        if isinstance(parent, ast.Subscript) and parent.value is node:
            if isinstance(parent.ctx, ast.Store):
                key = string_value(parent.slice)
                if key is None:
                    claims.unknown = True
                else:
                    claims.keys.add(key)
            return
        if isinstance(parent, ast.Attribute):
            call = ctx.parent_of(parent)
            if not (isinstance(call, ast.Call) and call.func is parent):
                claims.unknown = True
            elif parent.attr == "update":
                self._record_update(call, claims)
            elif parent.attr == "setdefault":
                key = string_value(call.args[0]) if call.args else None
                if key is None:
                    claims.unknown = True
                else:
                    claims.keys.add(key)
            elif parent.attr not in _READING_METHODS:
                claims.unknown = True
            return
        if isinstance(parent, _HARMLESS_PARENTS) or (isinstance(parent, ast.Subscript) and parent.slice is node):
            return
        claims.unknown = True  # passed to a call, returned, stored, unpacked: anything may add the expiry

    def _record_update(self, call: ast.Call, claims: _Claims) -> None:
        for value in call.args:
            keys = _literal_keys(value)
            if keys is None:
                claims.unknown = True
            else:
                claims.keys |= keys
        for keyword in call.keywords:
            if keyword.arg is None:
                claims.unknown = True
            else:
                claims.keys.add(keyword.arg)

    @leaves(ast.FunctionDef, ast.AsyncFunctionDef)
    def report_claims(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> None:
        issuing = self.issuing(ctx).pop(node, None)
        if issuing is None:
            return
        bindings = bindings_of(ctx, node)
        for call, written_claims in issuing.literals:
            if not self._server_handle(written_claims, issuing, bindings, ctx) and not _stored_opaque(call, ctx) \
                    and not _only_decoded(call, node, bindings, ctx):
                self.report(ctx, call, construct="jwt.encode")
        for call, construct, name in issuing.encodes:
            if _only_decoded(call, node, bindings, ctx):
                continue  # a self-test of the keys: the token is read back here and never leaves the function
            if any(isinstance(value, ast.Dict) and self._server_handle(value, issuing, bindings, ctx)
                   for value in bindings.assigned.get(name, [])):
                continue  # a claim the server keeps (a random handle, the issue time) ends the token when replaced
            claims = issuing.claims.get(name, _Claims())
            keys = set(claims.keys)
            unknown = claims.unknown
            for value in bindings.assigned.get(name, []):
                literal = _literal_keys(value) if value is not None else None
                if literal is None:
                    unknown = True
                else:
                    keys |= literal
            for augmented in bindings.augmented.get(name, []):
                literal = _literal_keys(augmented.value) if isinstance(augmented.op, ast.BitOr) else None
                if literal is None:
                    unknown = True
                else:
                    keys |= literal
            if _EXPIRY not in keys and not unknown:
                self.report(ctx, call, construct=construct)


def _stored_opaque(call: ast.Call, ctx: FileContext) -> bool:
    """The token is a keyword of a model constructor or ``objects.create`` (``Invite(token=jwt.encode(...))``) in a
    module that never decodes a JWT: an opaque value kept on a row and matched by equality."""
    keyword = ctx.parent_of(call)
    row = ctx.parent_of(keyword) if isinstance(keyword, ast.keyword) else None
    if not isinstance(row, ast.Call) or _DECODES.search(ctx.source):
        return False
    func = row.func
    if isinstance(func, ast.Attribute) and func.attr in _ROW_WRITERS:
        return True
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    return name[:1].isupper() and not name.isupper() and any(char.islower() for char in name[1:])


def _only_decoded(call: ast.Call, function: ast.AST, bindings: Bindings, ctx: FileContext) -> bool:
    """The token is only read back in the same function (``token = jwt.encode({"some": "payload"}, private_key);
    jwt.decode(token, public_key, ...)``), never returned, stored or sent: a check that the configured key pair
    matches (opal's ``_verify_crypto_keys``, seed 133). Nobody ever holds the token, so an expiry would protect
    nothing. Every read of the local the token is bound to (in nested functions too) is a decode's argument."""
    parent = ctx.parent_of(call)
    if isinstance(parent, ast.Call) and _decodes(parent, ctx) and call in parent.args:
        return True
    if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name)):
        return False
    name = parent.targets[0].id
    if len(bindings.assigned.get(name, [])) != 1 or name in bindings.params or name in bindings.loop_targets:
        return False
    reads = [node for node in ast.walk(function)
             if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)]
    return bool(reads) and all(_decodes(ctx.parent_of(read), ctx) for read in reads)


def _decodes(node: Optional[ast.AST], ctx: FileContext) -> bool:
    """``node`` is a call that reads a JWT back (:data:`_DECODERS`)."""
    return isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute)) \
        and origin(node.func, ctx) in _DECODERS
