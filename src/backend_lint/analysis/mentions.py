"""What a function mentions, and the conditions a module's own functions are called under.

Some verdicts turn on the rest of a function or file rather than on the line itself: a context with
``CERT_NONE`` in a function that then reads ``getpeercert()`` inspects a certificate rather than trusting one;
a private helper that every caller in the file reaches only under ``if not webhook.ssl_verification:``
implements that option. These facts answer such questions with one pass each, computed only when a rule asks.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING

from backend_lint.analysis.ast_helpers import own_nodes
from backend_lint.analysis.facts import file_fact, node_fact

if TYPE_CHECKING:
    from backend_lint.context import FileContext



@node_fact()
def mentioned_names(ctx: FileContext, function: ast.AST) -> frozenset[str]:
    """Every name and attribute name the body of ``function`` mentions (``load_verify_locations``,
    ``CERT_NONE``), nested functions and classes left out."""
    found: set[str] = set()
    for node in own_nodes(function):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
    return frozenset(found)


_CA_ARGUMENTS = frozenset({"cafile", "capath", "cadata"})
"""Arguments of ``ssl.create_default_context`` naming the certificate authorities a context trusts."""


@node_fact()
def names_trusted_ca(ctx: FileContext, function: ast.AST) -> bool:
    """The body of ``function`` names the certificate authority a context trusts: ``load_verify_locations(...)``,
    or ``create_default_context(cafile=...)`` (also ``capath=``, ``cadata=``) given something other than
    ``None`` (Hail's database context pinned to the deployment's CA)."""
    if "load_verify_locations" in mentioned_names(ctx, function):
        return True
    if not any(word in ctx.source for word in _CA_ARGUMENTS):
        return False
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute))
        and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr) == "create_default_context"
        and any(keyword.arg in _CA_ARGUMENTS and not (isinstance(keyword.value, ast.Constant)
                                                       and keyword.value.value is None)
                for keyword in node.keywords)
        for node in own_nodes(function)
    )


@node_fact()
def attributes_read(ctx: FileContext, function: ast.AST) -> dict[str, frozenset[str]]:
    """For each plain name of the body of ``function``, and each ``name.attribute`` (``self.token``), the
    attributes read or called on it (``token`` -> ``{"expires_at", "client_id"}``, ``self.token`` ->
    ``{"name"}``; ``rows[0].name`` under ``rows[]``), nested functions and classes left out: what kind of value
    the name holds shows in what the code asks of it."""
    found: dict[str, set[str]] = {}
    for node in own_nodes(function):
        if not isinstance(node, ast.Attribute):
            continue
        owner = node.value
        if isinstance(owner, ast.Name):
            found.setdefault(owner.id, set()).add(node.attr)
        elif isinstance(owner, ast.Attribute) and isinstance(owner.value, ast.Name):
            found.setdefault(f"{owner.value.id}.{owner.attr}", set()).add(node.attr)
        elif isinstance(owner, ast.Subscript) and isinstance(owner.value, ast.Name) \
                and isinstance(owner.slice, ast.Constant) and isinstance(owner.slice.value, int):
            found.setdefault(f"{owner.value.id}[]", set()).add(node.attr)  # rows[0].encrypted_keys: an element's
    return {name: frozenset(attributes) for name, attributes in found.items()}


@dataclass(frozen=True)
class CallSite:
    """One call of a function by its bare name: the ``if`` tests around it and the scope it runs in."""

    tests: tuple[ast.expr, ...]
    """The tests of the ``if`` statements and conditional expressions around the call, innermost first."""
    owner: ast.AST
    """The function (or module) the call is made in, where the names in ``tests`` are bound."""


@file_fact()
def call_conditions(ctx: FileContext) -> dict[str, list[CallSite]]:
    """For each name called in this file (``_send_pinned(...)``), every call site with the conditions it runs
    under (a call inside a test is not under that test)."""
    found: dict[str, list[CallSite]] = {}
    stack: list[tuple[ast.AST, tuple[ast.expr, ...], ast.AST]] = [(ctx.tree, (), ctx.tree)]
    while stack:
        node, tests, owner = stack.pop()
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            found.setdefault(node.func.id, []).append(CallSite(tests, owner))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            stack.extend((child, (), node) for child in ast.iter_child_nodes(node))
        elif isinstance(node, (ast.If, ast.IfExp)):
            stack.append((node.test, tests, owner))
            branches = [*node.body, *node.orelse] if isinstance(node, ast.If) else [node.body, node.orelse]
            stack.extend((child, (node.test, *tests), owner) for child in branches)
        else:
            stack.extend((child, tests, owner) for child in ast.iter_child_nodes(node))
    return found


_PATH_CALLS = frozenset({"open", "io.open", "pathlib.Path", "os.stat", "os.open", "os.fspath"})


def _setting_name(expr: ast.expr) -> bool:
    """``KEY_FILE``, ``settings.KEY_FILE``: a configured value (a value of the program would be lower case)."""
    name = expr.id if isinstance(expr, ast.Name) else expr.attr if isinstance(expr, ast.Attribute) else ""
    return name.isupper()


@node_fact()
def path_arguments(ctx: FileContext, function: ast.AST) -> frozenset[str]:
    """The expressions ``function`` uses as file paths, as ``ast.dump`` text: the first argument of ``open()``,
    ``Path()``, ``os.path.*()`` and the like, and the upper-case settings an f-string first argument interpolates (a
    ``KEY_FILE`` setting opened there, or named in ``Path(f"certificates/{KEY_FILE}")``, holds a path or a file
    name, not a key). ``function`` may be a class or the module: the statements of its own body."""
    found: set[str] = set()
    for node in own_nodes(function):
        if isinstance(node, ast.Call) and node.args:
            callee = ctx.imports.resolve(node.func) or (node.func.id if isinstance(node.func, ast.Name) else "")
            if callee in _PATH_CALLS or callee.startswith("os.path."):
                found.add(ast.dump(node.args[0]))
                if isinstance(node.args[0], ast.JoinedStr):  # Path(f"certificates/{KEY_FILE}"): a file's name
                    found.update(ast.dump(part.value) for part in node.args[0].values
                                 if isinstance(part, ast.FormattedValue) and _setting_name(part.value))
    return frozenset(found)
