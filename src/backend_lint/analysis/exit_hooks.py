"""Functions a module registers to run when the interpreter exits (BE205).

``atexit.register(shutdown_function)`` (or ``@atexit.register`` on the ``def``) runs the function once, as the
process ends: nothing is left to retry the step, answer a caller or act on an alert, and logging may already be
shut down. A catch-all there is the hook's best effort by design: horilla's hook clears its backup jobs' "active"
flags on the way out, in a ``try: ... except: pass``, so that a failure cannot turn an orderly exit into a crash
(judged not a bug). The reading is by name within the module: a module-level function or a method registered as
``self.method``. A ``try`` that only registers such hooks is the same best effort: a hook that could not be
registered leaves the exit as it would have been without it.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import statement_call
from backend_lint.analysis.facts import file_fact, reads
from backend_lint.analysis.node_index import node_index

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_REGISTER = "atexit.register"


def _registered_name(target: ast.expr) -> Optional[str]:
    """``shutdown`` for ``shutdown`` or ``self.shutdown``: the name of the function a registration hands over."""
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id in ("self", "cls"):
        return target.attr
    return None


@file_fact(reads=(node_index,))
def exit_hooks(ctx: FileContext) -> frozenset[str]:
    """The names of the module's functions registered with ``atexit`` (a call or a decorator); none without the
    word ``atexit`` in the file, which spares the look at its calls."""
    if "atexit" not in ctx.source:
        return frozenset()
    index = node_index(ctx)
    names = {
        name for call in index.of(ast.Call)
        if call.args and ctx.imports.resolve(call.func) == _REGISTER
        for name in [_registered_name(call.args[0])] if name is not None
    }
    names.update(
        function.name for function in index.functions()
        if any(ctx.imports.resolve(decorator) == _REGISTER for decorator in function.decorator_list
               if isinstance(decorator, (ast.Name, ast.Attribute)))
    )
    return frozenset(names)


@reads(exit_hooks)
def runs_at_exit(ctx: FileContext, function: Optional[ast.AST]) -> bool:
    """``function`` is one the module registers to run at interpreter exit (:func:`exit_hooks`)."""
    return isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) and function.name in exit_hooks(ctx)


def only_registers_exit_hooks(attempt: ast.Try, ctx: FileContext) -> bool:
    """Every statement of ``attempt`` registers a function to run at exit (``atexit.register(shutdown)``)."""
    calls = [statement_call(statement) for statement in attempt.body]
    return all(call is not None and ctx.imports.resolve(call.func) == _REGISTER for call in calls)
