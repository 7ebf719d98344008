"""BE501 weak-password-hash: passwords hashed with a fast digest or an MD5/SHA1 scheme.

A leaked table of ``sha256(password)`` values falls to a GPU in hours: general-purpose digests are built to be fast,
and unsalted ones match rainbow tables. Passwords need a slow, salted hasher (argon2, bcrypt, scrypt, or PBKDF2); a
slow hasher configured with too low a cost is BE510's. Flagged: a ``hashlib`` digest (``md5`` ... ``sha512``,
``blake2``, ``hashlib.new("...")``) fed a password-like value (:mod:`.analysis.passwords`), directly or through
``.update()``, or handed to ``user.set_password(...)``; passlib ``CryptContext`` whose default scheme is
MD5/SHA1/DES-based, a weak ``passlib.hash`` handler's ``hash()``; Django ``PASSWORD_HASHERS`` led by an MD5/SHA1
hasher and ``make_password(..., hasher="md5")``. Hashing other data (ETags, cache keys, checksums, high-entropy
tokens) is left alone, and so are HMACs keyed with a random per-process key (lookup keys that die with the process)
or made in a function documented as hashing for reporting (Keystone's partial, peppered hash of a rejected password
for audit notifications), a digest of a password only ever used as a key of an in-memory table (privacyIDEA's
per-request cache of checked passwords), a digest of the stored hash rather than the password
(``md5(f"{email},{password_hash}")``, redash's session identity that changes with the password), a fast digest in a
function or class named for a legacy scheme (verifying old hashes before rehashing them) or listed in a module's
table of methods whose default is a slow hasher (``KNOWN_METHODS = {"md5": md5, "pbkdf2": pbkdf2}``,
``DEFAULT_METHOD = "pbkdf2"``: nav's ``pwhash``), a function whose result a main guard prints after prompting for a
password (a hash generator tool), the hasher classes themselves (subclasses of Django's ``BasePasswordHasher``:
``PASSWORD_HASHERS`` decides whether they are used), and test modules and test settings, where fast hashers are a
deliberate speed-up (also ``PASSWORD_HASHERS`` set under ``if TESTING:`` or ``if DEBUG:`` in production settings:
the test run's switch).
A digest only written into a log line (a fingerprint in a debug message) is neither kept nor sent: not reported;
nor is a digest object also fed other records in a loop over a collection (lbry's wallet fingerprint, which takes
the encryption password and every account's data): a change detector, not a password hash. Nor is a digest in a
function that iterates a digest thousands of rounds (``for _ in range(rounds): ... .digest()``, moin's pure-Python
``sha512_crypt``): an iterated, salted scheme implemented by hand (:func:`.hash_use.stretches_digest`), whose cost is
a work-factor concern. ``PASSWORD_HASHERS`` under ``if "test" in sys.argv:`` or ``if ENVIRONMENT == "pytest":`` (the
environment's name compared with a test environment's) is the test run's, like ``if TESTING:``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from backend_lint.analysis.ast_helpers import argument, keyword_value, own_nodes, statement_nodes
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.dev_only import under_debug_switch
from backend_lint.analysis.entrypoints import PROMPTS, terminal_use
from backend_lint.analysis.facts import file_fact
from backend_lint.analysis.hash_use import KEPT, SENT, digest_fate, object_fate, stretches_digest
from backend_lint.analysis.module_roles import benchmark_code
from backend_lint.analysis.passwords import is_password_value, local_value, reporting_digest, stored_as_password
from backend_lint.analysis.project.conditions import test_support
from backend_lint.analysis.scopes import is_main_guard
from backend_lint.analysis.settings import TEST, settings_module
from backend_lint.analysis.values import origin
from backend_lint.context import FileContext
from backend_lint.rule import FileState, Rule, leaves, visits

_DIGESTS = frozenset(
    {"md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_224", "sha3_256", "sha3_384", "sha3_512",
     "blake2b", "blake2s"}
)
_WEAK_PASSLIB = frozenset(
    {"md5_crypt", "apr_md5_crypt", "sun_md5_crypt", "hex_md5", "hex_sha1", "hex_sha256", "hex_sha512",
     "ldap_md5", "ldap_sha1", "ldap_salted_md5", "ldap_salted_sha1", "ldap_hex_md5", "ldap_hex_sha1",
     "des_crypt", "bsdi_crypt", "bigcrypt", "crypt16", "plaintext", "ldap_plaintext", "mysql323", "mysql41",
     "postgres_md5", "oracle10", "lmhash", "nthash", "msdcc", "msdcc2", "htdigest", "roundup_plaintext"}
)
_WEAK_DJANGO = frozenset(
    {"MD5PasswordHasher", "SHA1PasswordHasher", "UnsaltedMD5PasswordHasher", "UnsaltedSHA1PasswordHasher",
     "CryptPasswordHasher"}
)
_WEAK_DJANGO_ALGORITHMS = frozenset({"md5", "sha1", "unsalted_md5", "unsalted_sha1", "crypt"})
_SLOW_LIBRARIES = ("bcrypt.", "argon2.", "passlib.", "nacl.pwhash", "scrypt.")
_SLOW_FUNCTIONS = frozenset({"hashpw", "kdf", "pbkdf2_hmac", "scrypt", "hash_password"})
_PASSWORD_SETTERS = frozenset({"set_password", "setPassword", "set_password_hash"})
_RANDOM_FUNCTIONS = ("os.urandom", "secrets.token_bytes", "secrets.token_hex", "secrets.token_urlsafe")


def _handed_to_password_setter(node: ast.Call, ctx: FileContext) -> bool:
    """The digest (or its ``.hexdigest()``) is passed to ``user.set_password(...)``/``setPassword(...)``: the
    fast digest becomes what the account stores or checks as the password."""
    current: ast.AST = node
    parent = ctx.parent_of(current)
    while isinstance(parent, (ast.Attribute, ast.Call)):
        if isinstance(parent, ast.Call) and current in parent.args:
            func = parent.func
            return isinstance(func, ast.Attribute) and func.attr in _PASSWORD_SETTERS
        current, parent = parent, ctx.parent_of(parent)
    return False


def _in_hasher_class(ctx: FileContext) -> bool:
    """Inside a password hasher class (a subclass of Django's ``BasePasswordHasher``): the implementation of a
    scheme, which ``PASSWORD_HASHERS`` decides whether to use (and which the rule checks there)."""
    cls = ctx.scope.class_
    if cls is None:
        return False
    for base in cls.bases:
        qualified = ctx.imports.resolve(base) or ""
        written = base.attr if isinstance(base, ast.Attribute) else base.id if isinstance(base, ast.Name) else ""
        if qualified.startswith("django.contrib.auth.hashers.") or written.endswith("PasswordHasher"):
            return True
    return False


def _random_key(key: ast.AST | None, ctx: FileContext) -> bool:
    """An HMAC key made at random when the process starts (``os.urandom(32)``): its digests are lookup keys that
    cannot outlive the process, not stored password hashes."""
    if isinstance(key, ast.Name):
        key = local_value(key.id, ctx) or bindings_of(ctx, ctx.tree).single_value(key.id)
    return isinstance(key, ast.Call) and (origin(key.func, ctx) or "").startswith(_RANDOM_FUNCTIONS)


@file_fact(reads=(terminal_use,))
def _printed_for_prompt(ctx: FileContext) -> frozenset[str]:
    """Module functions whose result the main guard prints after prompting for a password
    (``print(get_hash(getpass.getpass(), salt))``): the module is a tool that shows a hash to whoever runs it
    (privacyIDEA's ``ssha.py`` for LDAP entries), nothing it stores."""
    found: set[str] = set()
    for statement in ctx.tree.body:
        if not (isinstance(statement, ast.If) and is_main_guard(statement) and PROMPTS in terminal_use(ctx, statement)):
            continue
        for node in ast.walk(statement):  # the main guard only, a few lines
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
                found.update(arg.func.id for arg in node.args
                             if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name))
    return frozenset(found)


def _legacy_scheme(ctx: FileContext) -> bool:
    """Inside a function or class named for a legacy scheme (OctoPrint's ``create_legacy_password_hash``): a fast
    digest there is the old scheme kept to verify hashes stored before a migration, which then rehashes the
    password with a slow hasher; like a hasher class, the scheme's implementation rather than a choice of it.
    (A passlib handler's ``hash()`` of a weak scheme is a choice wherever it is written.)"""
    return any(
        isinstance(scope.node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        and "legacy" in scope.node.name.lower()
        for scope in ctx.scope
    )


_SLOW_SCHEMES = ("pbkdf2", "bcrypt", "scrypt", "argon2")
"""Names of slow hashers, as a function's name spells them (``pbkdf2``, ``bcrypt_hash``)."""


def _superseded_entry(ctx: FileContext) -> bool:
    """The digest is in a module-level function listed in a module-level table of methods (``KNOWN_METHODS =
    {"sha1": sha1, "md5": md5, "pbkdf2": pbkdf2}``) whose default (a module-level ``DEFAULT_METHOD = "pbkdf2"``)
    is another entry named for a slow hasher: nav's ``pwhash`` hashes new passwords with the default and keeps the
    fast ones to verify hashes stored by older versions, like a hasher class that ``PASSWORD_HASHERS`` lists after
    the default (seed 135)."""
    function = ctx.scope.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or function not in ctx.tree.body:
        return False
    tables: list[dict[str, str]] = []
    defaults: set[str] = set()
    for statement in ctx.tree.body:
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)):
            continue
        value = statement.value
        if "DEFAULT" in statement.targets[0].id.upper() and isinstance(value, ast.Constant) \
                and isinstance(value.value, str):
            defaults.add(value.value)
        elif isinstance(value, ast.Dict):
            tables.append({key.value: entry.id for key, entry in zip(value.keys, value.values)
                           if isinstance(key, ast.Constant) and isinstance(key.value, str)
                           and isinstance(entry, ast.Name)})
    return any(
        function.name in table.values() and any(
            table.get(default) not in (None, function.name)
            and any(scheme in table[default].lower() for scheme in _SLOW_SCHEMES) for default in defaults)
        for table in tables
    )


_KEY_METHODS = frozenset({"get", "pop", "setdefault"})


def _assigned_name(node: ast.Call, ctx: FileContext) -> str | None:
    """The local name ``name = hashlib.sha256(...).hexdigest()`` binds the digest to, if any."""
    current: ast.AST = node
    parent = ctx.parent_of(current)
    while isinstance(parent, (ast.Attribute, ast.Call)) and (
        isinstance(parent, ast.Attribute) or parent.func is current
    ):
        current, parent = parent, ctx.parent_of(parent)
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        return parent.targets[0].id
    return None


def _lookup_key(node: ast.Name, ctx: FileContext) -> bool:
    """``cache[node]``, ``node in cache``, ``cache.get(node)``: the value is used to look something up."""
    parent = ctx.parent_of(node)
    if isinstance(parent, ast.Subscript):
        return parent.slice is node
    if isinstance(parent, ast.Compare):
        return parent.left is node and all(isinstance(op, (ast.In, ast.NotIn)) for op in parent.ops)
    return (isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute)
            and parent.func.attr in _KEY_METHODS and bool(parent.args) and parent.args[0] is node)


def _http_digest_secret(data: ast.AST | None, ctx: FileContext) -> bool:
    """``md5(f"{user}:{realm}:{password}")``: HTTP Digest authentication's HA1, whose form RFC 7616 and an
    Apache ``htdigest`` file fix (Review Board checks a login against one); the scheme is not the code's choice.
    The hashed text (through ``.encode()`` and one local) joins a value named for the realm."""
    for _ in range(3):
        if isinstance(data, ast.Call) and isinstance(data.func, ast.Attribute) and data.func.attr == "encode":
            data = data.func.value
        elif isinstance(data, ast.Name):
            data = local_value(data.id, ctx)
        else:
            break
    if not isinstance(data, (ast.JoinedStr, ast.BinOp, ast.Call)):
        return False
    return any(
        "realm" in (node.id if isinstance(node, ast.Name) else node.attr).lower()
        for node in ast.walk(data) if isinstance(node, (ast.Name, ast.Attribute))
    )


def _kept(call: ast.Call, construct: str, owner: ast.AST, ctx: FileContext) -> bool:
    """The application keeps the digest (returns it from a hashing function, compares it, stores it) and does not
    send it to another service (:mod:`backend_lint.analysis.hash_use`): the evidence that it is the application's
    own password storage, not the wire format a remote login demands."""
    if construct.endswith(".update") and isinstance(call.func, ast.Attribute):
        if _fingerprints_records(call.func.value, owner, ctx):
            return False
        fate = object_fate(ctx, call.func.value, owner)
    else:
        fate = digest_fate(ctx, call, owner)
    return KEPT in fate and SENT not in fate


def _fingerprints_records(receiver: ast.expr, owner: ast.AST, ctx: FileContext) -> bool:
    """The digest object ``receiver`` (a local name) is also fed, in a loop over a collection, values that are no
    password (``for account in self.accounts: h.update(account.hash)``, lbry's ``Wallet.hash``): a fingerprint of
    many records that tells whether they changed, of which the password is one input. A password hash takes the
    password and at most a salt or a pepper; a loop over ``range`` feeding it is hand-made stretching, still one."""
    if not isinstance(receiver, ast.Name):
        return False
    for loop in own_nodes(owner):
        if not isinstance(loop, (ast.For, ast.AsyncFor)) or _counts(loop.iter):
            continue
        for node in statement_nodes(loop.body):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update" \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == receiver.id \
                    and node.args and not is_password_value(node.args[0], ctx):
                return True
    return False


def _counts(iterable: ast.expr) -> bool:
    """``range(...)``: a loop that repeats, not one over records."""
    return isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and iterable.func.id == "range"


def _first_string(expr: ast.AST | None) -> str | None:
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    if isinstance(expr, (ast.List, ast.Tuple)) and expr.elts:
        return _first_string(expr.elts[0])
    return None


@dataclass
class _Hashing:
    """What one function (or the module body) hashes, reported when the walk leaves it."""

    slow: bool = False
    """It also calls a slow hasher: a fast digest there is a pre-hash."""
    digests: list[tuple[ast.Call, str]] = field(default_factory=list)
    """Fast digests of a password, with the construct to name."""
    bound: dict[ast.Call, str] = field(default_factory=dict)
    """The local name each digest is assigned to (``password_hash = hashlib.sha3_512(...).hexdigest()``)."""
    used_otherwise: set[str] = field(default_factory=set)
    """Those names read other than as a lookup key (``cache[name]``, ``name in cache``, ``cache.get(name)``)."""


def _cut_short(node: ast.Call, ctx: FileContext) -> bool:
    """``md5(data).hexdigest()[: digits]``: the digest is cut to a prefix, a short code shown or compared once
    (mOTP's one-time password made of the time, the token's secret and the user's PIN), not a hash kept to check a
    PIN against; the protocol fixes its digest."""
    current = ctx.parent_of(node)
    if isinstance(current, ast.Attribute) and current.attr in ("hexdigest", "digest"):
        current = ctx.parent_of(ctx.parent_of(current) or current)
    return isinstance(current, ast.Subscript) and isinstance(current.slice, ast.Slice)


class WeakPasswordHash(Rule):
    code = "BE501"
    name = "weak-password-hash"
    message = "`{construct}` {problem}; hash passwords with argon2, bcrypt or scrypt"
    triggers = (
        "hashlib", "hmac", "passlib", "CryptContext", "PASSWORD_HASHERS", "make_password", "generate_password_hash"
    )
    needs = (origin, bindings_of, settings_module, is_password_value, local_value, _printed_for_prompt, terminal_use,
             digest_fate, object_fate, benchmark_code)
    module_facts = (test_support,)
    hashing: FileState[dict[ast.AST, _Hashing]] = FileState(dict)

    @visits(ast.Call)
    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        if ctx.is_test_file or _in_hasher_class(ctx) or benchmark_code(ctx):
            return  # (a benchmark, load-test or profiling harness hashes its dummy accounts' passwords)
        callee = origin(node.func, ctx)
        written = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
        if written in _SLOW_FUNCTIONS or (callee or "").startswith(_SLOW_LIBRARIES):
            self._pending(ctx).slow = True
        if callee is None:
            return
        if callee.startswith("hashlib."):
            self._check_hashlib(node, callee, ctx)
        elif callee in ("hmac.new", "hmac.digest"):
            message = argument(node, 1, "msg")
            if (
                message is not None
                and is_password_value(message, ctx)
                and not _random_key(argument(node, 0, "key"), ctx)
                and not reporting_digest(ctx)
            ):
                self._add_digest(node, callee, ctx)
        elif callee.startswith("passlib."):
            self._check_passlib(node, callee, ctx)
        elif callee == "werkzeug.security.generate_password_hash":
            method = argument(node, 1, "method")
            chosen = str(method.value) if isinstance(method, ast.Constant) else None
            if chosen is not None and not chosen.startswith(("pbkdf2", "scrypt")):
                self.report(ctx, node, construct="generate_password_hash", problem=f'with method="{chosen}"')
        elif callee == "django.contrib.auth.hashers.make_password":
            hasher = argument(node, 2, "hasher")
            if isinstance(hasher, ast.Constant) and hasher.value in _WEAK_DJANGO_ALGORITHMS:
                self.report(ctx, node, construct="make_password", problem=f'with hasher="{hasher.value}"')

    def _check_hashlib(self, node: ast.Call, callee: str, ctx: FileContext) -> None:
        name = callee[len("hashlib."):]
        if name in _DIGESTS:
            if name == "sha1" and "pwnedpasswords" in ctx.source:
                return  # the Pwned Passwords range API takes a SHA-1 prefix of the password, by design
            if name == "md5" and _http_digest_secret(argument(node, 0, "data") or argument(node, 0, "string"), ctx):
                return
            data = argument(node, 0, "data") or argument(node, 0, "string")
            if data is not None and _digests_stored_hash(data):
                return  # md5(email + password_hash): a digest of the already-hashed password (a session identity)
            if data is not None and _cut_short(node, ctx) and is_password_value(data, ctx) \
                    and not is_password_value(data, ctx, codes=False):
                return  # md5(counter + secret + pin).hexdigest()[:6]: a one-time code a protocol computes (mOTP)
            if data is not None and not isinstance(data, ast.Constant) and (
                is_password_value(data, ctx) or stored_as_password(node, ctx) or _handed_to_password_setter(node, ctx)
            ):
                self._add_digest(node, callee, ctx)
        elif name == "new":
            algorithm = argument(node, 0, "name")
            written = str(algorithm.value) if isinstance(algorithm, ast.Constant) else None
            data = argument(node, 1, "data")
            if (
                written is not None
                and written.lower().replace("-", "") in _DIGESTS | {"sha3256", "sha512256"}
                and data is not None
                and is_password_value(data, ctx)
            ):
                self._add_digest(node, f'hashlib.new("{written}")', ctx)
        elif "()." in name and name.endswith("().update"):
            digest = name.split("(", 1)[0]
            if digest in _DIGESTS and node.args and is_password_value(node.args[0], ctx):
                self._add_digest(node, f"hashlib.{digest}().update", ctx)

    def _add_digest(self, node: ast.Call, construct: str, ctx: FileContext) -> None:
        if _legacy_scheme(ctx) or _superseded_entry(ctx):
            return
        pending = self._pending(ctx)
        pending.digests.append((node, construct))
        name = _assigned_name(node, ctx)
        if name is not None:
            pending.bound[node] = name

    def _pending(self, ctx: FileContext) -> _Hashing:
        """What the function (or module) being walked hashes."""
        functions = self.hashing(ctx)
        owner = ctx.scope.function or ctx.tree
        found = functions.get(owner)
        if found is None:
            found = functions[owner] = _Hashing()
        return found

    @leaves(ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.Module)
    def report_digests(self, node: ast.AST, ctx: FileContext) -> None:
        """Digests of a password are reported unless the same function feeds a slow hasher (a pre-hash) or
        iterates the digest itself thousands of rounds (the steps of an iterated scheme implemented by hand)."""
        hashing = self.hashing(ctx).pop(node, None)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in _printed_for_prompt(ctx):
            return  # a tool that prints the hash of a password typed at its prompt (an LDAP {SSHA} generator)
        if hashing is not None and not hashing.slow and not stretches_digest(node):
            for call, construct in hashing.digests:
                name = hashing.bound.get(call)
                if name is not None and name not in hashing.used_otherwise:
                    continue  # only ever a key of an in-memory table: a lookup key, not a stored hash
                if _kept(call, construct, node, ctx):
                    self.report(ctx, call, construct=construct, problem="is a fast digest applied to a password")

    @visits(ast.Name)
    def check_name(self, node: ast.Name, ctx: FileContext) -> None:
        """Record a read of a digest's local name that is not a lookup key."""
        if not isinstance(node.ctx, ast.Load):
            return
        hashing = self.hashing(ctx).get(ctx.scope.function or ctx.tree)
        if hashing is None or node.id not in hashing.bound.values() or _lookup_key(node, ctx):
            return
        hashing.used_otherwise.add(node.id)

    def _check_passlib(self, node: ast.Call, callee: str, ctx: FileContext) -> None:
        if callee.endswith("CryptContext"):
            default = _first_string(keyword_value(node, "default")) or _first_string(argument(node, 0, "schemes"))
            if default in _WEAK_PASSLIB:
                self.report(ctx, node, construct="CryptContext", problem=f'defaults to the weak scheme "{default}"')
            return
        parts = callee.split(".")
        if len(parts) == 4 and parts[1] == "hash" and parts[2] in _WEAK_PASSLIB and parts[3] in ("hash", "encrypt"):
            if _scheme_chosen_by_caller(ctx):
                return  # one format among strong ones, picked by the caller for the system that reads it
            self.report(ctx, node, construct=callee, problem="is a weak password scheme")

    @visits(ast.Assign)
    def check_settings(self, node: ast.Assign, ctx: FileContext) -> None:
        if ctx.scope.outer is not None or settings_module(ctx).kind == TEST or benchmark_code(ctx):
            return  # (a profiling harness's settings: a fast hasher for its hundreds of dummy logins)
        if not any(isinstance(t, ast.Name) and t.id == "PASSWORD_HASHERS" for t in node.targets):
            return
        if under_debug_switch(node, ctx):
            return  # ``if TESTING:`` / ``if DEBUG:``: the test run's speed-up, production keeps its hashers
        first = _first_string(node.value)
        if first and first.rsplit(".", 1)[-1] in _WEAK_DJANGO:
            self.report(ctx, node, construct="PASSWORD_HASHERS", problem=f"starts with {first.rsplit('.', 1)[-1]}")


_SCHEME_PARAMETERS = frozenset({
    "algorithm", "algo", "alg", "scheme", "method", "hash_type", "hash_algorithm", "hash_method", "crypt_method",
    "hash_scheme", "crypt_type", "hasher",
})
_STRONG_PASSLIB = frozenset({
    "sha256_crypt", "sha512_crypt", "bcrypt", "bcrypt_sha256", "argon2", "scrypt", "pbkdf2_sha256", "pbkdf2_sha512",
    "ldap_pbkdf2_sha256", "ldap_pbkdf2_sha512", "ldap_bcrypt", "ldap_sha512_crypt", "ldap_sha256_crypt",
})


def _scheme_chosen_by_caller(ctx: FileContext) -> bool:
    """The weak passlib scheme is one of the formats a function hashes in at its caller's choice: the
    outermost function around it takes the scheme as a parameter (``algorithm``, ``scheme``, ``method``) and
    also hashes with a strong passlib scheme (``sha512_crypt``, ``bcrypt``...). Such a function writes a
    credential in the format the system that reads it dictates (JumpServer's ``encrypt_password`` makes
    ``/etc/shadow`` entries for managed hosts, ``des_crypt`` for legacy Unix ones, ``sha512_crypt`` by
    default), not the application's own password storage, whose policy is the caller's."""
    outermost = next((scope.node for scope in reversed(list(ctx.scope))
                      if isinstance(scope.node, (ast.FunctionDef, ast.AsyncFunctionDef))), None)
    if outermost is None:
        return False
    arguments = outermost.args
    names = {arg.arg for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]}
    if not names & _SCHEME_PARAMETERS:
        return False
    for node in ast.walk(outermost):
        if isinstance(node, (ast.Name, ast.Attribute, ast.alias)):
            written = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) \
                else node.name.rpartition(".")[2]
            if written in _STRONG_PASSLIB:
                return True
    return False


def _digests_stored_hash(data: ast.expr) -> bool:
    """Every password-named value in ``data`` is named as its hash (``self.password_hash``, ``hashed_password``):
    what is digested is the stored slow hash (a session identity that changes with the password), not the
    password itself."""
    names = [
        node.id if isinstance(node, ast.Name) else node.attr
        for node in ast.walk(data) if isinstance(node, (ast.Name, ast.Attribute))
    ]
    passwords = [name.lower() for name in names if "pass" in name.lower()]
    return bool(passwords) and all("hash" in name for name in passwords)
