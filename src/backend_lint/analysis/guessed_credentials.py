"""Credentials a program guesses: the candidates of a loop over a wordlist of credentials the code wrote, or over
every combination of candidate lists (BE405).

A vulnerability scanner or a default-password audit tries ``("root", "root")``, ``("admin", "admin")``... against
a target it does not own and logs which pair it tries or which one worked: that pair is an entry of a public
wordlist, the scanner's finding, not a secret of the application or its users (artemis's ``ssh_bruter`` iterates
its ``BRUTE_CREDENTIALS`` list, its admin-panel bruter ``itertools.product(COMMON_USERNAMES, get_passwords(task))``:
judged FALSE in seed 124). A value qualifies when the name logged is a loop variable whose every loop iterates

- a collection written out in the code whose leaves are all constants (``[("root", "root"), ...]``, directly or
  through a name bound to one once and never reassigned), or
- a cartesian product (``itertools.product(usernames, passwords)``): every combination tried is by construction
  an enumeration of guesses, whatever lists it combines;

also wrapped in ``list()``/``set()``/``tuple()``/``sorted()``, or through a local assigned such a value (what the
code adds to that local with ``+=`` is not read). A loop over anything else (users' rows, a settings list, a
file) keeps its values reported.

The candidate handed to a function that tries it is one too: a parameter of a module-level function or of a method
of a module-level class that the function never rebinds, when the calls of it in the file pass such a candidate
(or such a parameter of their own, a few calls up) at least once, and otherwise only a literal or a throwaway
random value made in the argument itself (artemis rechecks a working pair against
``hexlify(os.urandom(16))``, a password that must fail). A function no call of which passes a candidate (a
``create_user(name, secrets.token_urlsafe())`` that logs the new password) keeps its values reported.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from backend_lint.analysis.ast_helpers import constant_leaves
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.call_sites import module_calls
from backend_lint.analysis.facts import reads
from backend_lint.analysis.literal_arguments import enclosing_scope
from backend_lint.analysis.resolve import lookup
from backend_lint.analysis.scopes import CLASS, FUNCTION, Scope

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)

_WRAPPERS = frozenset({"list", "set", "tuple", "sorted", "frozenset"})
_PRODUCTS = frozenset({"itertools.product"})
_DEPTH = 3
"""How many names a collection is followed through (``credentials = list(product(...))``), and how many calls up a
parameter is."""
_RANDOM_SOURCES = frozenset({"os.urandom", "secrets.token_hex", "secrets.token_bytes", "secrets.token_urlsafe",
                             "uuid.uuid4"})


@reads(lookup, module_calls, bindings_of)
def guessed_credential(value: ast.expr, ctx: FileContext) -> bool:
    """``value`` (a bare name where it is logged) is the variable of loops that all enumerate guessed credentials,
    or a parameter the function is handed such candidates in (see the module)."""
    return isinstance(value, ast.Name) and _candidate(value.id, ctx, ctx.scope, 0)


def _candidate(name: str, ctx: FileContext, scope: Scope, depth: int) -> bool:
    found = lookup(name, ctx, scope)
    if found is None:
        return False
    link, bindings = found
    if name in bindings.assigned or name in bindings.augmented:
        return False  # also bound otherwise: not only a candidate
    loops = bindings.loop_targets.get(name, [])
    if name in bindings.params:
        return not loops and link.kind == FUNCTION and _tried_candidates(name, link.node, ctx, depth)
    return bool(loops) and all(_enumeration(loop.iter, ctx, link, 0) for loop in loops)


def _tried_candidates(name: str, function: ast.AST, ctx: FileContext, depth: int) -> bool:
    """The parameter ``name`` of ``function`` gets a guessed credential at one call in the file at least, and at
    the others a literal or a throwaway random value."""
    if not isinstance(function, _FUNCTIONS) or depth >= _DEPTH:
        return False
    outer = enclosing_scope(function, ctx)
    if outer is None:
        return False
    method = outer.kind == CLASS
    calls = module_calls(ctx).get("." + function.name if method else function.name, [])
    positional = [arg.arg for arg in function.args.posonlyargs + function.args.args][1 if method else 0:]
    if not calls or name not in positional:
        return False
    index, guessed = positional.index(name), False
    for call, owner in calls:
        if any(isinstance(argument, ast.Starred) for argument in call.args) or any(
            keyword.arg is None for keyword in call.keywords
        ):
            return False  # ``*args``/``**options``: what the parameter gets is not written
        given = next((k.value for k in call.keywords if k.arg == name), None)
        if given is None and index < len(call.args):
            given = call.args[index]
        if given is None or isinstance(given, ast.Constant) or _throwaway(given, ctx):
            continue  # left to its default, a literal, or a random value nobody holds
        if not isinstance(owner, _FUNCTIONS) or owner is function or not isinstance(given, ast.Name):
            return False
        owner_outer = enclosing_scope(owner, ctx)
        if owner_outer is None or not _candidate(given.id, ctx, Scope(FUNCTION, owner, owner_outer), depth + 1):
            return False
        guessed = True
    return guessed


def _throwaway(expr: ast.expr, ctx: FileContext) -> bool:
    """A random value made in the argument itself (``hexlify(os.urandom(16)).decode()``, ``uuid4().hex``)."""
    return any(
        isinstance(part, ast.Call) and ctx.imports.resolve(part.func) in _RANDOM_SOURCES for part in ast.walk(expr)
    )


def _enumeration(expr: ast.expr, ctx: FileContext, scope: Scope, depth: int) -> bool:
    """A wordlist written in the code, or every combination of candidate lists (see the module)."""
    while (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in _WRAPPERS
           and len(expr.args) == 1 and not expr.keywords):
        expr = expr.args[0]
    if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
        return bool(expr.elts) and constant_leaves(expr)
    if isinstance(expr, ast.Call):
        return ctx.imports.resolve(expr.func) in _PRODUCTS
    if isinstance(expr, ast.Name) and depth < _DEPTH:
        found = lookup(expr.id, ctx, scope)
        if found is None:
            return False
        link, bindings = found
        values = bindings.assigned.get(expr.id, [])
        if not values or expr.id in bindings.params or expr.id in bindings.loop_targets:
            return False
        return all(value is not None and _enumeration(value, ctx, link, depth + 1) for value in values)
    return False

