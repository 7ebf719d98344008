"""Tests of an ``if`` that decides whether a print runs at all (BE401): output a developer or an operator asks for
(a debug switch, a parameter that opts in to showing work, an output mode picked by value, the command's
verbosity or a plain-text log format), not a service's log line.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from typing import Optional

from backend_lint.analysis.secret_names import split_identifier

_OPT_IN_WORDS = frozenset({"debug", "verbose", "print", "show", "dump", "echo", "trace"})
"""Words of a parameter that asks a function to show its work (``print_query``, ``verbose``)."""


def opt_in_parameter(test: ast.expr, function: Optional[ast.AST]) -> bool:
    """``if print_query:`` on a parameter of the print's own function that defaults to ``False`` and is named
    for showing output (infrahub's ``get_paths_between_nodes(..., print_query=False)`` prints its Cypher only
    when a developer passes ``print_query=True``): output the caller asks for by name, off on every call that
    does not. A parameter with another default, or another name, stays checked."""
    if not isinstance(test, ast.Name) or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    return any(
        argument.arg == test.id and isinstance(default, ast.Constant) and default.value is False
        and bool(_OPT_IN_WORDS & set(split_identifier(argument.arg)))
        for argument, default in _defaults(function)
    )


def _defaults(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[tuple[ast.arg, Optional[ast.expr]]]:
    """Each parameter of ``function`` that has a default, with it."""
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    yield from zip(positional[len(positional) - len(arguments.defaults):], arguments.defaults)
    yield from zip(arguments.kwonlyargs, arguments.kw_defaults)


def print_mode(test: ast.expr, functions: Iterable[ast.AST]) -> bool:
    """``if update == "print":`` on a parameter of the print's function or of one it is nested in, compared with a
    text naming output (:data:`_OPT_IN_WORDS`, ``pprint``), whose default is another text: an output mode the
    caller picks by value (openlibrary's ``update_keys(..., update: Literal["update", "print", "pprint", "quiet"] =
    "update")``, a dry run printing the Solr requests instead of sending them). Every call that does not ask for
    it keeps the default, which prints nothing."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)
            and isinstance(test.left, ast.Name) and isinstance(test.comparators[0], ast.Constant)
            and isinstance(test.comparators[0].value, str)):
        return False
    mode = test.comparators[0].value
    if not {"print" if word == "pprint" else word for word in split_identifier(mode)} & _OPT_IN_WORDS:
        return False
    return any(
        argument.arg == test.left.id and isinstance(default, ast.Constant) and isinstance(default.value, str)
        and default.value != mode
        for function in functions if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
        for argument, default in _defaults(function)
    )


def debug_switch(test: ast.expr) -> bool:
    """``if settings.DEBUG:``, ``if DEBUG and ...:``, ``if app.debug:``: the body runs only in development
    (plane prints each request's query count on the developer's console), never in production, where debug
    mode is off. An ``else`` of it is production and stays checked."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return any(debug_switch(value) for value in test.values)
    name = test.id if isinstance(test, ast.Name) else test.attr if isinstance(test, ast.Attribute) else ""
    return name in ("DEBUG", "debug")


def reads_verbosity(test: ast.expr) -> bool:
    """``verbosity``, ``self.verbosity``, ``options["verbosity"]`` or ``kwargs.get("verbosity")``, alone, negated,
    compared or combined with ``and``/``or``; or the log format (``if LOG_FORMAT != "json":``, the start-up
    banner printed only when the logs are plain text for a terminal)."""
    if isinstance(test, ast.Name):
        return _terminal_switch(test.id)
    if isinstance(test, ast.Attribute):
        return _terminal_switch(test.attr)
    if isinstance(test, ast.Subscript):
        return isinstance(test.slice, ast.Constant) and isinstance(test.slice.value, str) and \
            _terminal_switch(test.slice.value)
    if isinstance(test, ast.Call):
        first = test.args[0] if test.args else None
        return isinstance(first, ast.Constant) and isinstance(first.value, str) and _terminal_switch(first.value)
    if isinstance(test, ast.UnaryOp):
        return reads_verbosity(test.operand)
    if isinstance(test, ast.BoolOp):
        return any(reads_verbosity(value) for value in test.values)
    if isinstance(test, ast.Compare):
        return any(reads_verbosity(operand) for operand in [test.left, *test.comparators])
    return False


def _terminal_switch(name: str) -> bool:
    """``verbosity``, or a setting that chooses the log format (``LOG_FORMAT``, ``log_format``)."""
    return name == "verbosity" or "log_format" in name.lower()
