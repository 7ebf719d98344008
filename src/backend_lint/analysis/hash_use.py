"""Where a password's digest goes: kept by the application, or sent to another service.

A fast digest (BE501) or a cheap PBKDF2 (BE510) of a password is a weakness of the application's password storage
only when the application keeps the result: it returns it from a hashing function for its callers to store, compares
it with a stored value, writes it on an object, into a query or a constructor, or holds it as a setting. A client of
a remote service often has to hash the user's password the way that service's login demands
(``md5Pass=md5(password)``, Subsonic's ``t=md5(password + salt)``, a PBKDF2 with the service's fixed iteration
count) and sends the result in the request's query or body: the scheme is the service's, nothing is stored, and
the application cannot choose a slow hasher. Seed 121 judged four such findings false in one client of
file-hosting APIs, seed 116 one more. A digest only handed to a logging call is :data:`LOGGED`: a fingerprint in a
debug line (seed 122, linotp's SMTP provider), no password storage.

:func:`digest_fate` follows the value from the hashing call through its function (``.hexdigest()``, encodings,
string building, an outer digest, dicts, tuples, locals, up to six hops) and through the callers of that function in
the file when it is returned, and says what it found: :data:`KEPT`, :data:`SENT`, :data:`LOGGED`, :data:`CIPHER_KEY`
(the key of a cipher: key derivation for encryption), :data:`EXPIRING` (a cache entry with an expiry) or nothing.
A rule reports a digest whose fate holds :data:`KEPT` and not :data:`SENT`: the positive evidence that the application
stores or checks it.
A digest only written into a dictionary the function was handed (``data["pwd"] = md5(password)``), only looked up,
or handed on where the file does not show what happens to it, has no fate: it is not reported.

:func:`stretches_digest` tells a function that iterates a digest thousands of rounds (an iterated, salted scheme
implemented by hand, seed 128's moin ``sha512_crypt``) from one that hashes a password once.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import own_nodes, statement_nodes
from backend_lint.analysis.facts import reads
from backend_lint.analysis.loggers import LEVEL_METHODS, logging_call_kind
from backend_lint.analysis.node_index import node_index
from backend_lint.analysis.secret_names import split_identifier

if TYPE_CHECKING:
    from backend_lint.context import FileContext

KEPT = "kept"
"""The application keeps or checks the digest: returned for callers to store, compared, stored, held."""
SENT = "sent"
"""The digest goes out in a request to another service (its query, body or headers)."""
LOGGED = "logged"
"""The digest is only written into a log line: a fingerprint to tell values apart in a debug message (linotp's
``log.debug("pass: %r", sha256(password).hexdigest())``), neither stored nor sent."""

CIPHER_KEY = "cipher-key"
"""The digest is the key handed to a cipher (``Fernet(key)``, ``AESGCM(key)``): a key derived from a configured
secret to encrypt data (whoogle's preferences key, seed 135), not a password hash anyone keeps."""
EXPIRING = "expiring"
"""The digest is written to a store with an expiry (``redis.setex(key, value=digest, time=300)``, ``set(...,
ex=300)``): a short-lived cache of a password just checked elsewhere (privacyIDEA's Apache module, seed 135), not
the application's password storage."""

_CIPHERS = frozenset({"Fernet", "MultiFernet", "AESGCM", "AESCCM", "AESOCB3", "AESSIV", "ChaCha20Poly1305",
                      "Cipher", "SecretBox", "Box"})
"""Classes of ``cryptography`` and PyNaCl built from a key; ``AES.new(key, ...)`` is PyCryptodome's spelling."""
_EXPIRING_STORES = frozenset({"setex", "psetex"})
_EXPIRY_KEYWORDS = frozenset({"ex", "px", "exat", "pxat"})
_LOGGER_NAMES = frozenset({"logger", "log"})
_MAX_HOPS = 6
_HTTP_LIBRARIES = ("requests.", "httpx.", "aiohttp.", "urllib.", "urllib3.", "http.client.")
_PASS_THROUGH_CALLS = frozenset({
    "str", "bytes", "bytearray", "json.dumps", "urllib.parse.urlencode", "urllib.parse.quote",
    "urllib.parse.quote_plus", "base64.b64encode", "base64.urlsafe_b64encode", "base64.b32encode",
    "base64.b16encode", "base64.encodebytes", "binascii.hexlify", "binascii.b2a_hex", "codecs.encode",
})
"""Calls that only re-encode what they are handed: the digest goes wherever their result goes."""
_COMPARERS = frozenset({"compare_digest", "constant_time_compare", "safe_str_cmp", "check_password_hash"})
_URL_WORDS = frozenset({"url", "uri", "endpoint", "api"})
_REQUEST_VERBS = frozenset({"get", "post", "put", "patch", "request", "load", "fetch", "urlopen", "open"})
_REQUEST_PARTS = frozenset({"params", "data", "json", "post", "get", "body", "headers", "query", "cookies", "auth"})


@reads(node_index, logging_call_kind)
def digest_fate(ctx: FileContext, call: ast.AST, owner: ast.AST) -> frozenset[str]:
    """What becomes of the value ``call`` makes in ``owner`` (its function, or the module): :data:`KEPT`,
    :data:`SENT`, both or neither. A module- or class-level value is kept (a setting, a constant the application
    holds)."""
    if not isinstance(owner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        return frozenset({KEPT})
    return frozenset(_Flow(ctx).fate(call, owner, 0))


@reads(node_index, logging_call_kind)
def object_fate(ctx: FileContext, receiver: ast.expr, owner: ast.AST) -> frozenset[str]:
    """The fate of a hash object fed with ``.update(...)`` (``md5 = hashlib.md5(); md5.update(password)``): of each
    read of its local name in ``owner`` other than another ``.update``."""
    if not isinstance(owner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        return frozenset({KEPT})
    if not isinstance(receiver, ast.Name):
        return frozenset()
    flow = _Flow(ctx)
    found: set[str] = set()
    for load in flow.loads(receiver.id, owner):
        parent = flow.parents(owner).get(load)
        if isinstance(parent, ast.Attribute) and parent.attr == "update":
            continue
        found |= flow.fate(load, owner, 1)
    return frozenset(found)


class _Flow:
    """One question's walk: the parents of each function it looks into, made once."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self._parents: dict[ast.AST, dict[ast.AST, ast.AST]] = {}
        self._callers: Optional[dict[str, list[tuple[ast.Call, ast.AST]]]] = None
        self._returns: dict[tuple[ast.AST, int], set[str]] = {}
        """What :meth:`_returned` answered per function and hop: a name called all over the file (Django's
        hashers return ``self.encode(...)``, and every ``text.encode()`` is filed under ``encode``) sent the
        walk down the same callers again at every hop, a second of CPU on one file."""

    def parents(self, owner: ast.AST) -> dict[ast.AST, ast.AST]:
        found = self._parents.get(owner)
        if found is None:
            found = self._parents[owner] = {}
            for node in [owner, *own_nodes(owner)]:
                for child in ast.iter_child_nodes(node):
                    found[child] = node
        return found

    def loads(self, name: str, owner: ast.AST) -> list[ast.Name]:
        return [node for node in own_nodes(owner)
                if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)]

    def fate(self, node: ast.AST, owner: ast.AST, hops: int) -> set[str]:
        parents = self.parents(owner)
        current = node
        while True:
            parent = parents.get(current)
            if parent is None:
                return set()
            if isinstance(parent, ast.Attribute) or (isinstance(parent, ast.Subscript) and parent.value is current):
                current = parent
            elif isinstance(parent, ast.Call) and parent.func is current:
                current = parent  # a method of the value: .hexdigest(), .encode(), .decode()
            elif isinstance(parent, (ast.BinOp, ast.JoinedStr, ast.FormattedValue, ast.Tuple, ast.List, ast.Dict)):
                if isinstance(parent, ast.Dict) and current not in parent.values:
                    return set()  # a key of a dict
                current = parent
            elif isinstance(parent, (ast.Call, ast.keyword)):
                call = parents.get(parent) if isinstance(parent, ast.keyword) else parent
                if not isinstance(call, ast.Call):
                    return set()
                part = parent.arg if isinstance(parent, ast.keyword) else None
                if self._passes_through(call):
                    current = call
                    continue
                return {self._call_fate(call, part)}
            elif isinstance(parent, ast.Compare):
                same = all(isinstance(op, (ast.Eq, ast.NotEq, ast.Is, ast.IsNot)) for op in parent.ops)
                return {KEPT} if same else set()
            elif isinstance(parent, ast.Return):
                return self._returned(owner, hops)
            elif isinstance(parent, (ast.Assign, ast.AnnAssign)):
                return self._assigned(parent, owner, hops)
            else:
                return set()

    def _passes_through(self, call: ast.Call) -> bool:
        """A call that only re-encodes or re-hashes what it is handed (``sha1(md5(password).hexdigest())``)."""
        resolved = self.ctx.imports.resolve(call.func) or (call.func.id if isinstance(call.func, ast.Name) else "")
        return resolved in _PASS_THROUGH_CALLS or resolved.startswith("hashlib.")

    def _call_fate(self, call: ast.Call, part: Optional[str]) -> str:
        """A call handed the digest: a request to another service (an HTTP client, or a request verb given a URL
        or the digest as its query or body), else the application's own code (a query, a constructor, a setter,
        a comparison): kept."""
        resolved = self.ctx.imports.resolve(call.func) or ""
        if resolved.startswith(_HTTP_LIBRARIES):
            return SENT
        if logging_call_kind(call, self.ctx) is not None or _log_line(call):
            return LOGGED
        verb = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
        if resolved.rpartition(".")[2] in _CIPHERS or (verb == "new" and resolved.endswith(".AES.new")):
            return CIPHER_KEY
        if verb in _EXPIRING_STORES or (verb == "set" and any(k.arg in _EXPIRY_KEYWORDS for k in call.keywords)):
            return EXPIRING
        if verb in _COMPARERS:
            return KEPT
        if any(_names_url(arg) for arg in [*call.args[:1], *(k.value for k in call.keywords if k.arg == "url")]):
            return SENT
        if verb.lower() in _REQUEST_VERBS and part in _REQUEST_PARTS:
            return SENT
        return KEPT

    def _returned(self, owner: ast.AST, hops: int) -> set[str]:
        """A returned digest goes where the function's callers in the file put it; with no caller in the file it is
        kept (a hashing function: its callers elsewhere store or check what it returns)."""
        if not isinstance(owner, (ast.FunctionDef, ast.AsyncFunctionDef)) or hops >= _MAX_HOPS:
            return {KEPT}
        known = self._returns.get((owner, hops))
        if known is not None:
            return set(known)
        found: set[str] = set()
        callers = self._calls_by_name().get(owner.name, [])
        for node, function in callers:
            found |= self.fate(node, function, hops + 1)
        answer = self._returns[(owner, hops)] = found if callers and found else {KEPT}
        return set(answer)

    def _calls_by_name(self) -> dict[str, list[tuple[ast.Call, ast.AST]]]:
        """The calls in the file's functions by the name called (``helper(...)``, ``self.helper(...)``), each
        with the function it is written in (made once per question)."""
        if self._callers is None:
            self._callers = {}
            for function in _functions(self.ctx):
                for node in own_nodes(function):
                    if isinstance(node, ast.Call):
                        self._callers.setdefault(_called_name(node), []).append((node, function))
        return self._callers

    def _assigned(self, statement: ast.Assign | ast.AnnAssign, owner: ast.AST, hops: int) -> set[str]:
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        found: set[str] = set()
        for target in targets:
            if isinstance(target, ast.Attribute):
                found.add(KEPT)  # stored on an object: the user, the application's settings
                continue
            names = _target_names(target)
            if isinstance(target, ast.Subscript):  # into a dict: followed only when the function made it
                base = target.value
                names = [base.id] if isinstance(base, ast.Name) and _made_here(base.id, owner) else []
            if hops >= _MAX_HOPS:
                continue
            for name in names:
                for load in self.loads(name, owner):
                    if load.lineno >= statement.lineno:
                        found |= self.fate(load, owner, hops + 1)
        return found


_MIN_ROUNDS = 1000
"""The fewest rounds SHA-crypt (``$5$``/``$6$``, the scheme glibc's ``crypt(3)`` and passlib's ``sha512_crypt``
implement) allows: a loop at least this long over the digest is that kind of stretching, not a stray repeat."""
_ROUND_WORDS = frozenset({"round", "rounds", "iteration", "iterations", "iters"})
_FINALIZERS = frozenset({"digest", "hexdigest"})


def stretches_digest(owner: ast.AST) -> bool:
    """``owner`` (a function, or the module) iterates a digest many rounds: a ``for`` over ``range`` or a ``while``
    whose count is a constant of at least :data:`_MIN_ROUNDS` or a value named for rounds or iterations
    (``range(rounds)``, ``while i < self.iterations``), whose body finishes a digest each round (``.digest()``,
    ``.hexdigest()``: the next round hashes the last one's result). Such a function implements a key derivation
    or an iterated, salted password scheme itself (moin's pure-Python ``sha512_crypt``: 5000 rounds by default,
    salted, to verify the hashes it once stored); its digest calls are that scheme's steps, not a fast hash of the
    password, and a scheme set too few rounds is a work-factor concern. A loop that only feeds one digest object
    more input (``for _ in range(1000): h.update(salt)``) finishes nothing per round and stretches nothing."""
    for loop in own_nodes(owner):
        if isinstance(loop, (ast.For, ast.AsyncFor)):
            counted = _range_of_rounds(loop.iter)
        elif isinstance(loop, ast.While):
            counted = _compares_rounds(loop.test)
        else:
            continue
        if counted and any(
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _FINALIZERS
            for node in statement_nodes(loop.body)
        ):
            return True
    return False


def _many_rounds(expr: ast.expr) -> bool:
    """A constant of at least :data:`_MIN_ROUNDS`, or a value named for rounds (``rounds``, ``self.iterations``)."""
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, int) and expr.value >= _MIN_ROUNDS
    name = expr.id if isinstance(expr, ast.Name) else expr.attr if isinstance(expr, ast.Attribute) else ""
    return bool(_ROUND_WORDS & set(split_identifier(name)))


def _range_of_rounds(iterable: ast.expr) -> bool:
    """``range(rounds)``, ``range(1, 5001)``: a count of many rounds."""
    if not (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and iterable.func.id == "range"
            and iterable.args):
        return False
    return _many_rounds(iterable.args[0] if len(iterable.args) == 1 else iterable.args[1])


def _compares_rounds(test: ast.expr) -> bool:
    """``while i < rounds:``, ``while rounds:``, ``while n < 5000:``."""
    if isinstance(test, ast.Compare):
        return any(_many_rounds(side) for side in (test.left, *test.comparators))
    return _many_rounds(test) and not isinstance(test, ast.Constant)


def _target_names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _target_names(element)]
    return []


def _made_here(name: str, owner: ast.AST) -> bool:
    """``name`` is a dict the function itself makes (``doc = {...}``, ``doc = dict(...)``), not one it was handed."""
    for node in own_nodes(owner):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            value = node.value
            if isinstance(value, ast.Dict) or (
                isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict"
            ):
                return True
    return False


def _names_url(expr: ast.expr) -> bool:
    """A URL: an ``http(s)://`` literal, or a value named for one (``self.API_URL + method``, ``ping_url``)."""
    for node in ast.walk(expr):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith(
            ("http://", "https://")
        ):
            return True
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
        if set(split_identifier(name)) & _URL_WORDS:
            return True
    return False


def _log_line(call: ast.Call) -> bool:
    """``logger.debug(...)`` on a name of a logger whose library the file does not show (``logger =
    logger.bind(name=plugin_name)``, Flexget's loguru plugins, seed 135): a call written as a log line writes one,
    whoever made the logger; it neither stores nor sends the digest. Only this question reads it so: the logging
    rules keep to loggers whose kind is known."""
    func = call.func
    return isinstance(func, ast.Attribute) and func.attr in LEVEL_METHODS and isinstance(func.value, ast.Name) \
        and func.value.id.lower().lstrip("_") in _LOGGER_NAMES


def _called_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _functions(ctx: FileContext) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """The file's functions, for the callers of a returned digest (asked only once a password's digest is
    returned, a rare event)."""
    return node_index(ctx).functions()
