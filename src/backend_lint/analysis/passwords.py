"""Whether a value is a password, and what constant integer a cost parameter holds.

Two rules look at password hashing from different sides: BE501 asks whether a *fast* digest is applied to a
password, BE510 whether a slow hasher's *work factor* (bcrypt rounds, PBKDF2 iterations, scrypt ``n``) is set
too low. A key-derivation function is a password hash only when it is fed a password (PBKDF2 over an API
secret or a wallet seed is key derivation, where the iteration count is a protocol constant), so both ask the
same question here, and read cost parameters the same way.

- :func:`is_password_value`: a name headed by ``password``/``passwd``/``pwd``/``pw``/``passphrase``
  (:mod:`.secret_names`), or ``pin``/``passcode``, its ``.encode()``, an f-string/concatenation/``%``/
  ``.format()`` containing it, ``request.form.get("password")``, or a local assigned from one of those (at most
  three hops);
- :func:`stored_as_password`: the value is assigned to a password-hash name (``user.password_hash = ...``) or
  returned from a password-hashing function (``def get_password_hash(p)``);
- :func:`constant_int`: an integer literal (``600_000``, ``10 ** 5``, ``2**14``), directly or through a
  module or local constant; anything computed at run time is ``None`` (the rules stay quiet about it).
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.facts import reads
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.secret_names import name_of, secret_word, split_identifier

if TYPE_CHECKING:
    from backend_lint.context import FileContext

PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "pw", "passphrase"})
SECRET_CODE_WORDS = frozenset({"pin", "passcode"})
"""A short secret a person types in place of a password (a numeric PIN, a passcode): stored as a fast digest it
falls to brute force even faster, its few digits being all there is to guess. Read as a password only where a
value is hashed (:func:`is_password_name`), not in the names of stored digests, where a certificate *pin* is the
digest of a public key."""
_HASH_WORDS = frozenset({"hash", "hashed", "digest", "hex", "hexdigest", "encoded", "bytes", "str", "value"})
_TRANSPARENT_METHODS = frozenset({"encode", "strip", "lower", "upper", "decode"})
_MAX_HOPS = 3
_INT_OPERATORS: dict[type[ast.operator], Callable[[int, int], int]] = {
    ast.Mult: operator.mul,
    ast.Add: operator.add,
    ast.Pow: operator.pow,
    ast.LShift: operator.lshift,
}


def is_password_name(name: Optional[str], codes: bool = True) -> bool:
    """``password``, ``raw_password``, ``new_pwd``, ``pin``: a name whose head is a password word or a secret
    code a person types (:data:`SECRET_CODE_WORDS`)."""
    words = PASSWORD_WORDS | SECRET_CODE_WORDS if codes else PASSWORD_WORDS
    return name is not None and secret_word(name, words) in words


def names_password_hash(name: Optional[str]) -> bool:
    """``hashed_password``, ``password_hash``, ``hash_password``, ``get_password_digest``: about a password."""
    words = split_identifier(name or "")
    while words and words[-1] in _HASH_WORDS:
        words.pop()
    return bool(words) and words[-1] in PASSWORD_WORDS


@reads(bindings_of)
def is_password_value(expr: ast.AST, ctx: FileContext, hops: int = 0, codes: bool = True) -> bool:
    """A password, its ``.encode()``, an f-string/concatenation/``%`` containing it, or a local made so;
    ``codes=False``: a password by name, not a PIN or passcode."""
    if isinstance(expr, ast.Call):
        func = expr.func
        if isinstance(func, ast.Attribute) and func.attr in _TRANSPARENT_METHODS:
            return is_password_value(func.value, ctx, hops, codes)
        if isinstance(func, ast.Name) and func.id in ("bytes", "str") and expr.args:
            return is_password_value(expr.args[0], ctx, hops, codes)
        if isinstance(func, ast.Attribute) and func.attr == "get" and expr.args:  # request.form.get("password")
            key = expr.args[0]
            return isinstance(key, ast.Constant) and isinstance(key.value, str) and is_password_name(key.value, codes)
        if isinstance(func, ast.Attribute) and func.attr == "format":
            arguments = [*expr.args, *(k.value for k in expr.keywords)]
            return any(is_password_value(arg, ctx, hops, codes) for arg in arguments)
        return False
    if isinstance(expr, ast.JoinedStr):
        return any(
            isinstance(value, ast.FormattedValue) and is_password_value(value.value, ctx, hops, codes)
            for value in expr.values
        )
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Mod)):
        right = expr.right.elts if isinstance(expr.right, ast.Tuple) else [expr.right]
        return is_password_value(expr.left, ctx, hops, codes) or any(
            is_password_value(r, ctx, hops, codes) for r in right
        )
    if is_password_name(name_of(expr), codes):
        return True
    if isinstance(expr, ast.Name) and hops < _MAX_HOPS:
        value = local_value(expr.id, ctx)
        return value is not None and is_password_value(value, ctx, hops + 1, codes)
    return False


def stored_as_password(node: ast.AST, ctx: FileContext) -> bool:
    """The value of ``node`` is assigned to a password-hash name or returned from a password-hashing function."""
    current = ctx.parent_of(node)
    while current is not None and not isinstance(current, ast.stmt):
        current = ctx.parent_of(current)
    if isinstance(current, (ast.Assign, ast.AnnAssign)):
        targets = current.targets if isinstance(current, ast.Assign) else [current.target]
        return any(names_password_hash(name_of(target)) for target in targets)
    if isinstance(current, ast.Return):
        return names_password_hash(getattr(ctx.scope.function, "name", None))
    return False


@reads(bindings_of)
def local_value(name: str, ctx: FileContext) -> Optional[ast.expr]:
    """The single value ``name`` is assigned in the function being walked (``None``: not exactly one)."""
    function = ctx.scope.function
    if function is None or isinstance(function, ast.Lambda):
        return None
    return bindings_of(ctx, function).single_value(name)


@reads(bindings_of)
def constant_int(expr: Optional[ast.AST], ctx: FileContext) -> Optional[int]:
    """An integer literal (``600_000``, ``10 ** 5``), directly or through a local or module constant."""
    if isinstance(expr, ast.Name):
        expr = local_value(expr.id, ctx) or bindings_of(ctx, ctx.tree).single_value(expr.id)
    return folded_int(expr)


def folded_int(expr: Optional[ast.AST]) -> Optional[int]:
    """The value of an integer literal or of arithmetic on literals (``2**14``, ``1 << 17``, ``64 * 1024``)."""
    if isinstance(expr, ast.Constant):
        return expr.value if isinstance(expr.value, int) and not isinstance(expr.value, bool) else None
    if isinstance(expr, ast.BinOp) and type(expr.op) in _INT_OPERATORS:
        left, right = folded_int(expr.left), folded_int(expr.right)
        if left is None or right is None:
            return None
        if isinstance(expr.op, (ast.Pow, ast.LShift)) and not 0 <= right <= 64:
            return None
        return _INT_OPERATORS[type(expr.op)](left, right)
    return None


_REPORTING = lazy_compile(r"\bfor\s+(?:reporting|auditing|audit|logging|notifications?)\b", re.IGNORECASE)


def reporting_digest(ctx: FileContext) -> bool:
    """The innermost enclosing function's docstring says its hash is made for reporting (Keystone's
    ``generate_partial_password_hash``: "Generates partial password hash for reporting purposes", a peppered and
    truncated HMAC of a rejected password sent in audit notifications): a fingerprint to correlate failed
    attempts, not a stored hash that logs anyone in."""
    function = ctx.scope.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    return bool(_REPORTING.search(" ".join((ast.get_docstring(function) or "").split())))
