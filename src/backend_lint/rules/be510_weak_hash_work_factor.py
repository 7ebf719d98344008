"""BE510 weak-hash-work-factor: a password hasher configured below current work-factor minimums.

bcrypt, PBKDF2, scrypt and argon2 are slow only as far as their cost parameters make them: bcrypt at 4 rounds
costs an attacker a thousandth of what 12 rounds cost, and PBKDF2 at 1,000 iterations is barely slower than
a plain digest. Lowered costs are usually copied from test settings, where they speed up the suite. Flagged,
when the factor is a constant (a literal, arithmetic on literals, or a local/module constant) below the
minimum: bcrypt ``gensalt(rounds)``, Flask-Bcrypt ``BCRYPT_LOG_ROUNDS``/``generate_password_hash(pw, rounds)``,
pwdlib ``BcryptHasher(rounds=)``; passlib ``CryptContext(<scheme>__rounds=...)``, ``<scheme>.using(...)`` and
``<scheme>.hash(..., rounds=)``; ``hashlib.pbkdf2_hmac`` and ``hashlib.scrypt`` fed a password
(:mod:`.analysis.passwords`: PBKDF2 over an API secret or a wallet seed is key derivation, not password
storage); werkzeug ``generate_password_hash(pw, method="pbkdf2:sha256:1000")``; argon2-cffi
``PasswordHasher``/pwdlib ``Argon2Hasher`` time and memory costs; and the ``iterations``/``rounds``/
``time_cost``/``memory_cost``/``work_factor`` of a subclass of one of Django's password hashers.

The minimums are OWASP's (Password Storage Cheat Sheet, 2023) and are options. OWASP's equivalent
trade-offs are accepted: PBKDF2-HMAC-SHA512 at 210,000 and -SHA1 at 1,300,000 iterations scale with the
SHA-256 minimum; argon2 at 46 MiB x 1 pass, 12 MiB x 3, 9 MiB x 4 or 7 MiB x 5; scrypt with
``n x p`` at least five eighths of the minimum ``n`` (2^16 x 2, 2^15 x 3, 2^14 x 5, Django's default). A
library default is never flagged (the factor was not lowered), nor is anything computed at run time. Test
modules, test support, test and development settings, and config classes named for testing or development
are left alone: lowering costs there is a deliberate speed-up.
"""

from __future__ import annotations

import ast
from typing import Optional

from backend_lint.analysis.ast_helpers import argument, keyword_value, string_value
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.hash_use import CIPHER_KEY, EXPIRING, KEPT, SENT, digest_fate
from backend_lint.analysis.module_roles import module_roles, non_production_code
from backend_lint.analysis.passwords import constant_int, is_password_value, local_value, stored_as_password
from backend_lint.analysis.project.conditions import test_support
from backend_lint.analysis.settings import settings_module
from backend_lint.analysis.values import origin
from backend_lint.context import FileContext
from backend_lint.rule import Option, Rule, visits

BCRYPT, PBKDF2, SCRYPT, ARGON2 = "bcrypt", "pbkdf2", "scrypt", "argon2"
_PBKDF2_SCALE = {"sha1": 1_300_000 / 600_000, "sha512": 210_000 / 600_000}
"""OWASP's PBKDF2 minimums relative to HMAC-SHA256 (1,300,000 for SHA-1, 210,000 for SHA-512)."""
_ARGON2_EQUIVALENTS = ((47104, 1), (12288, 3), (9216, 4), (7168, 5))
"""OWASP's other argon2id configurations (memory KiB, passes), accepted whatever the options say."""
_ARGON2_DEFAULTS = {"time_cost": 3, "memory_cost": 65536}
"""argon2-cffi's ``PasswordHasher`` defaults (RFC 9106 low-memory), which pwdlib and passlib share."""
_PASSLIB_SCHEMES = {
    "bcrypt": (BCRYPT, ""), "bcrypt_sha256": (BCRYPT, ""),
    "pbkdf2_sha256": (PBKDF2, "sha256"), "django_pbkdf2_sha256": (PBKDF2, "sha256"),
    "ldap_pbkdf2_sha256": (PBKDF2, "sha256"), "pbkdf2_sha512": (PBKDF2, "sha512"),
    "ldap_pbkdf2_sha512": (PBKDF2, "sha512"), "grub_pbkdf2_sha512": (PBKDF2, "sha512"),
    "pbkdf2_sha1": (PBKDF2, "sha1"), "django_pbkdf2_sha1": (PBKDF2, "sha1"), "ldap_pbkdf2_sha1": (PBKDF2, "sha1"),
    "scrypt": (SCRYPT, ""), "argon2": (ARGON2, ""),
}
"""passlib handlers whose cost this rule knows: (family, PBKDF2 digest)."""
_DJANGO_HASHERS = {
    "PBKDF2PasswordHasher": (PBKDF2, "sha256"), "PBKDF2SHA1PasswordHasher": (PBKDF2, "sha1"),
    "BCryptSHA256PasswordHasher": (BCRYPT, ""), "BCryptPasswordHasher": (BCRYPT, ""),
    "Argon2PasswordHasher": (ARGON2, ""), "ScryptPasswordHasher": (SCRYPT, ""),
}
_DJANGO_FACTORS = {"iterations": "iterations", "rounds": "rounds", "time_cost": "time_cost",
                   "memory_cost": "memory_cost", "work_factor": "n", "parallelism": "p"}
_DJANGO_DEFAULTS = {ARGON2: {"time_cost": 2, "memory_cost": 102400}, SCRYPT: {"n": 2**14, "p": 5}}
_BCRYPT_ROUNDS_SETTING = "BCRYPT_LOG_ROUNDS"
_BCRYPT_CALLS = {
    "bcrypt.gensalt": ("bcrypt.gensalt", 0),
    "flask_bcrypt.generate_password_hash": ("generate_password_hash", 1),
    "flask_bcrypt.Bcrypt().generate_password_hash": ("generate_password_hash", 1),
    "pwdlib.hashers.bcrypt.BcryptHasher": ("BcryptHasher", 0),
}
"""bcrypt calls with their rounds argument's position (Flask-Bcrypt's default comes from ``BCRYPT_LOG_ROUNDS``)."""


class WeakHashWorkFactor(Rule):
    code = "BE510"
    name = "weak-hash-work-factor"
    message = "`{construct}` sets {setting}, below {minimum}; raise the work factor"
    triggers = (
        "gensalt", "BCRYPT_LOG_ROUNDS", "bcrypt", "passlib", "CryptContext", "pbkdf2_hmac", "scrypt", "argon2",
        "Argon2Hasher", "PasswordHasher", "generate_password_hash",
    )
    options = (
        Option("min-bcrypt-rounds", int, 12, "fewest bcrypt rounds (log2 of the cost) accepted"),
        Option(
            "min-pbkdf2-iterations",
            int,
            600_000,
            "fewest PBKDF2-HMAC-SHA256 iterations accepted for passwords (OWASP 2023; SHA-512 and SHA-1 scale "
            "to 210,000 and 1,300,000)",
        ),
        Option("min-argon2-memory-kib", int, 19456, "least argon2 memory cost accepted, in KiB (OWASP: 19 MiB)"),
        Option("min-argon2-time-cost", int, 2, "fewest argon2 passes accepted at that memory (OWASP: 2)"),
        Option("min-scrypt-n", int, 2**17, "least scrypt CPU/memory cost `n` accepted with `p=1` (OWASP: 2^17)"),
    )
    needs = (origin, bindings_of, constant_int, is_password_value, local_value, module_roles, settings_module,
             digest_fate)
    module_facts = (test_support,)

    # --- where the rule applies ---------------------------------------------------------------------------

    def _exempt(self, ctx: FileContext) -> bool:
        return non_production_code(ctx)

    # --- judging one configuration ------------------------------------------------------------------------

    def _weakness(self, family: str, factors: dict[str, int], digest: str = "") -> Optional[tuple[str, str]]:
        """``(setting, minimum)`` when the known ``factors`` of a hasher of ``family`` are below the minimum."""
        if family == BCRYPT and "rounds" in factors:
            minimum = self.option("min-bcrypt-rounds")
            if factors["rounds"] < minimum:
                return f"{factors['rounds']} rounds", str(minimum)
        elif family == PBKDF2 and "iterations" in factors:
            minimum = round(self.option("min-pbkdf2-iterations") * _PBKDF2_SCALE.get(digest, 1))
            if factors["iterations"] < minimum:
                return f"{factors['iterations']:_} iterations", f"{minimum:_}"
        elif family == SCRYPT and "n" in factors:
            minimum, parallelism = self.option("min-scrypt-n"), factors.get("p", 1)
            if factors["n"] < minimum and factors["n"] * parallelism < minimum * 5 // 8:
                return f"n={factors['n']:_}, p={parallelism}", f"n={minimum:_} at p=1"
        elif family == ARGON2 and ("time_cost" in factors or "memory_cost" in factors):
            return self._argon2_weakness(factors)
        return None

    def _argon2_weakness(self, factors: dict[str, int]) -> Optional[tuple[str, str]]:
        time_cost = factors.get("time_cost", _ARGON2_DEFAULTS["time_cost"])
        memory = factors.get("memory_cost", _ARGON2_DEFAULTS["memory_cost"])
        min_memory, min_time = self.option("min-argon2-memory-kib"), self.option("min-argon2-time-cost")
        if memory >= min_memory and time_cost >= min_time:
            return None
        if any(memory >= kib and time_cost >= passes for kib, passes in _ARGON2_EQUIVALENTS):
            return None
        return f"memory_cost={memory} KiB, time_cost={time_cost}", f"{min_memory} KiB x {min_time}"

    def _check(self, ctx: FileContext, node: ast.AST, construct: str, family: str, factors: dict[str, int],
               digest: str = "") -> None:
        weak = self._weakness(family, factors, digest)
        if weak is not None and not self._exempt(ctx):
            self.report(ctx, node, construct=construct, setting=weak[0], minimum=weak[1])

    # --- calls --------------------------------------------------------------------------------------------

    @visits(ast.Call)
    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if not isinstance(func, (ast.Name, ast.Attribute)):
            return
        callee = origin(func, ctx)
        if callee is None:
            return
        bcrypt = _BCRYPT_CALLS.get(callee)
        if bcrypt is not None:
            construct, position = bcrypt
            rounds = argument(node, position, "rounds")
            self._check(ctx, node, construct, BCRYPT, self._factors({"rounds": rounds}, ctx))
        elif callee in ("argon2.PasswordHasher", "pwdlib.hashers.argon2.Argon2Hasher"):
            names = {"time_cost": argument(node, 0, "time_cost"), "memory_cost": argument(node, 1, "memory_cost")}
            self._check(ctx, node, callee.rsplit(".", 1)[1], ARGON2, self._factors(names, ctx))
        elif callee == "hashlib.pbkdf2_hmac":
            self._check_pbkdf2_hmac(node, ctx)
        elif callee == "hashlib.scrypt":
            self._check_scrypt(node, ctx)
        elif callee == "werkzeug.security.generate_password_hash":
            self._check_werkzeug(node, ctx)
        elif callee.startswith("passlib."):
            self._check_passlib(node, callee, ctx)

    def _factors(self, arguments: dict[str, Optional[ast.expr]], ctx: FileContext) -> dict[str, int]:
        """The factors among ``arguments`` whose value is a constant integer."""
        found = {}
        for name, value in arguments.items():
            number = constant_int(value, ctx) if value is not None else None
            if number is not None:
                found[name] = number
        return found

    def _check_pbkdf2_hmac(self, node: ast.Call, ctx: FileContext) -> None:
        secret = argument(node, 1, "password")
        if not ((secret is not None and is_password_value(secret, ctx)) or stored_as_password(node, ctx)):
            return
        if not _kept(node, ctx):
            return
        digest = (string_value(argument(node, 0, "hash_name")) or "").lower().replace("-", "")
        factors = self._factors({"iterations": argument(node, 3, "iterations")}, ctx)
        self._check(ctx, node, "hashlib.pbkdf2_hmac", PBKDF2, factors, digest)

    def _check_scrypt(self, node: ast.Call, ctx: FileContext) -> None:
        secret = argument(node, 0, "password")
        if not ((secret is not None and is_password_value(secret, ctx)) or stored_as_password(node, ctx)):
            return
        if not _kept(node, ctx):
            return
        factors = self._factors({"n": keyword_value(node, "n"), "p": keyword_value(node, "p")}, ctx)
        if "p" in factors:
            self._check(ctx, node, "hashlib.scrypt", SCRYPT, factors)

    def _check_werkzeug(self, node: ast.Call, ctx: FileContext) -> None:
        """``method="pbkdf2:sha256:1000"`` or ``"scrypt:16384:8:1"``: the cost is spelled in the method."""
        method = string_value(argument(node, 1, "method")) or ""
        parts = method.split(":")
        if parts[0] == "pbkdf2" and len(parts) == 3 and parts[2].isdigit():
            self._check(ctx, node, "generate_password_hash", PBKDF2, {"iterations": int(parts[2])}, parts[1])
        elif parts[0] == "scrypt" and len(parts) == 4 and parts[1].isdigit() and parts[3].isdigit():
            self._check(ctx, node, "generate_password_hash", SCRYPT, {"n": int(parts[1]), "p": int(parts[3])})

    def _check_passlib(self, node: ast.Call, callee: str, ctx: FileContext) -> None:
        if callee.endswith("CryptContext"):
            for keyword in node.keywords:
                scheme, _, setting = (keyword.arg or "").partition("__")
                if scheme in _PASSLIB_SCHEMES and setting:
                    self._check_passlib_factor(keyword, scheme, {setting: keyword.value}, ctx, "")
            return
        parts = callee.split(".")
        if len(parts) == 4 and parts[1] == "hash" and parts[2] in _PASSLIB_SCHEMES and parts[3] in (
            "using", "hash", "encrypt"
        ):
            settings = {keyword.arg: keyword.value for keyword in node.keywords if keyword.arg}
            self._check_passlib_factor(node, parts[2], settings, ctx, parts[3])

    def _check_passlib_factor(
        self, node: ast.AST, scheme: str, settings: dict[str, ast.expr], ctx: FileContext, method: str
    ) -> None:
        family, digest = _PASSLIB_SCHEMES[scheme]
        rounds = settings.get("rounds", settings.get("default_rounds"))
        names: dict[str, Optional[ast.expr]] = {}
        if family == ARGON2:
            names = {"time_cost": settings.get("time_cost", rounds), "memory_cost": settings.get("memory_cost")}
        elif family == SCRYPT:
            names = {"log_n": rounds, "p": settings.get("parallelism")}
        else:
            names = {"rounds" if family == BCRYPT else "iterations": rounds}
        factors = self._factors(names, ctx)
        if family == SCRYPT and "log_n" in factors:
            factors["n"] = 2 ** min(factors.pop("log_n"), 64)
        construct = node.arg if isinstance(node, ast.keyword) and node.arg else f"{scheme}.{method}"
        if isinstance(node, ast.Call) and _only_transient(node, ctx):
            return
        self._check(ctx, node, construct, family, factors, digest)

    # --- settings and hasher classes ----------------------------------------------------------------------

    @visits(ast.Assign)
    def check_assign(self, node: ast.Assign, ctx: FileContext) -> None:
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id == _BCRYPT_ROUNDS_SETTING:
                if ctx.scope.function is None:  # a settings module or a config class
                    self._check(ctx, node, _BCRYPT_ROUNDS_SETTING, BCRYPT,
                                self._factors({"rounds": node.value}, ctx))
            elif (
                isinstance(target, ast.Subscript)
                and string_value(target.slice) == _BCRYPT_ROUNDS_SETTING
                and isinstance(target.value, ast.Attribute)
                and target.value.attr == "config"
            ):
                self._check(ctx, node, f'config["{_BCRYPT_ROUNDS_SETTING}"]', BCRYPT,
                            self._factors({"rounds": node.value}, ctx))
            elif isinstance(target, ast.Name) and target.id in _DJANGO_FACTORS:
                cls = ctx.scope.node
                if isinstance(cls, ast.ClassDef):  # directly in a class body
                    self._check_django_hasher(node, target.id, cls, ctx)

    def _check_django_hasher(self, node: ast.Assign, attribute: str, cls: ast.ClassDef, ctx: FileContext) -> None:
        """``iterations = 1000`` in ``class FastHasher(PBKDF2PasswordHasher)``: a lowered Django hasher, reported
        once per class, at the first of its cost attributes."""
        hasher = next((_DJANGO_HASHERS[name] for name in map(_base_name, cls.bases) if name in _DJANGO_HASHERS), None)
        if hasher is None:
            return
        bindings = bindings_of(ctx, cls)
        assigned = {name: bindings.single_value(name) for name in _DJANGO_FACTORS}
        values = [value for value in assigned.values() if value is not None]
        if not values or min(values, key=lambda value: (value.lineno, value.col_offset)) is not node.value:
            return
        family, digest = hasher
        factors = dict(_DJANGO_DEFAULTS.get(family, {}))
        factors.update(self._factors({_DJANGO_FACTORS[name]: value for name, value in assigned.items()}, ctx))
        self._check(ctx, node, f"{cls.name}.{attribute}", family, factors, digest)


def _kept(node: ast.Call, ctx: FileContext) -> bool:
    """The application keeps the key it derives from a password (returns it from a hashing function, compares it,
    stores it) and does not send it to another service: PBKDF2 with a remote API's fixed iteration count, sent as
    that API's login, is the service's scheme, not the application's password storage
    (:mod:`backend_lint.analysis.hash_use`)."""
    fate = digest_fate(ctx, node, ctx.scope.function or ctx.tree)
    return KEPT in fate and SENT not in fate


def _only_transient(node: ast.Call, ctx: FileContext) -> bool:
    """What a passlib handler's ``using(...)``/``hash(...)`` makes in a function only becomes a cache entry with an
    expiry or a cipher's key (:mod:`backend_lint.analysis.hash_use`): privacyIDEA's Apache module keeps the digest of
    a password privacyIDEA has just accepted in Redis for 300 seconds (``rd.setex(key, value=digest, time=TIMEOUT)``)
    and checks it on every request, where the low rounds are the per-request cost; nothing stores it for long."""
    if ctx.scope.function is None:
        return False
    fate = digest_fate(ctx, node, ctx.scope.function)
    return bool(fate) and fate <= {EXPIRING, CIPHER_KEY}


def _base_name(base: ast.expr) -> str:
    if isinstance(base, ast.Attribute):
        return base.attr
    return base.id if isinstance(base, ast.Name) else ""
