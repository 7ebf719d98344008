"""Handlers that answer a browser through a helper of their module: a page, however many calls down.

A server-rendered UI often keeps one helper per action and shares it between a form post and an AJAX twin,
choosing the answer with a flag the handler passes as a literal (calibre-web):

    @editbook.route("/delete/<int:book_id>", methods=["POST"])
    def delete_book(book_id):
        return check_delete_book(book_id, "", False)      # json_response=False: flash and redirect

    def check_delete_book(book_id, book_format, json_response):
        if json_response:
            return jsonify(...)
        return delete_book_from_ui(book_id, book_format)   # -> flash(...); return redirect(...)

The handler's own body renders nothing, but every answer it can give is a redirect or a rendered template. This
module follows the ``return`` statements of a module-level handler into the functions of its module that they
call (up to :data:`MAX_DEPTH` calls down), with the literal arguments of each call bound to the callee's
parameters, so that ``if json_response:`` and ``if not json_response:`` take only the branch the call chose.
It is a page when every ``return`` reached is a rendering or redirecting call (the names
:func:`.handler_body.html_call` knows, or a call named for rendering given a template file's name,
``render_title_template("shelf_edit.html", ...)``), or a call of such a helper; a ``return`` of anything else (a
``jsonify``, a dict, a name) makes it no page. A handler whose helper answers JSON on the path it chose is not
a page, and neither is one whose answer depends on a value the analysis cannot follow.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional, Union

from backend_lint.analysis.facts import reads
from backend_lint.analysis.handler_body import html_call
from backend_lint.analysis.project.html_evidence import renders_template
from backend_lint.analysis.resolve import Definition, called_function
from backend_lint.analysis.scopes import FUNCTION, Scope

if TYPE_CHECKING:
    from backend_lint.context import FileContext

MAX_DEPTH = 3
"""Calls followed below the handler."""
_Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


@reads(called_function)
def answers_page_through_helpers(ctx: FileContext, function: _Function) -> bool:
    """``function`` (a module-level handler) answers a page on every ``return``, through helpers of its module."""
    if function not in ctx.tree.body:
        return False
    return _answers_page(ctx, function, Scope(FUNCTION, function, ctx.root_scope), {}, 0)


def _answers_page(ctx: FileContext, function: _Function, scope: Scope, bound: dict[str, object], depth: int) -> bool:
    returned = _live_returns(function.body, bound)
    if returned is None or not returned:
        return False
    return all(_page_answer(ctx, value, scope, depth) for value in returned)


def _page_answer(ctx: FileContext, value: Optional[ast.expr], scope: Scope, depth: int) -> bool:
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if html_call(name) or renders_template(value):
        return True  # redirect(...), render(...), render_title_template("shelf_edit.html", ...)
    if depth >= MAX_DEPTH:
        return False
    helper = called_function(value, ctx, scope)
    if not isinstance(helper, Definition) or not isinstance(helper.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    return _answers_page(ctx, helper.node, helper.scope, _literal_arguments(value, helper.node), depth + 1)


def _literal_arguments(call: ast.Call, function: _Function) -> dict[str, object]:
    """The callee's parameters that ``call`` gives a literal ``True``/``False``/``None``, by name."""
    parameters = [arg.arg for arg in [*function.args.posonlyargs, *function.args.args]]
    bound: dict[str, object] = {}
    if any(isinstance(argument, ast.Starred) for argument in call.args):
        return bound
    for name, argument in zip(parameters, call.args):
        if isinstance(argument, ast.Constant) and argument.value in (True, False, None):
            bound[name] = argument.value
    for keyword in call.keywords:
        if keyword.arg is not None and isinstance(keyword.value, ast.Constant) \
                and keyword.value.value in (True, False, None):
            bound[keyword.arg] = keyword.value.value
    return bound


def _decided(test: ast.expr, bound: dict[str, object]) -> Optional[bool]:
    """The value of ``if name:`` or ``if not name:`` when ``name`` is bound to a literal, else ``None``."""
    negated = isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
    operand = test.operand if isinstance(test, ast.UnaryOp) and negated else test
    if isinstance(operand, ast.Name) and operand.id in bound:
        value = bool(bound[operand.id])
        return not value if negated else value
    return None


def _live_returns(statements: list[ast.stmt], bound: dict[str, object]) -> Optional[list[Optional[ast.expr]]]:
    """The values of the ``return`` statements the bound literals leave reachable (``None`` for a generator)."""
    found: list[Optional[ast.expr]] = []
    stack: list[ast.AST] = list(statements)
    while stack:
        node = stack.pop()
        if isinstance(node, _NESTED):
            continue
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return None
        if isinstance(node, ast.Return):
            found.append(node.value)
        if isinstance(node, ast.If):
            decided = _decided(node.test, bound)
            if decided is not None:
                stack.extend(node.body if decided else node.orelse)
                continue
        stack.extend(ast.iter_child_nodes(node))
    return found
