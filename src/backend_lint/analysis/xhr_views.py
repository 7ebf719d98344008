"""Views that answer only the application's own scripts (BE302).

A view decorated ``@require_AJAX`` (Pontoon), ``@ajax_required`` or ``@ajax_only`` refuses every request that is
not an XMLHttpRequest of the application's own pages (the decorator checks ``X-Requested-With`` and answers 400
otherwise): it is a helper of the server-rendered UI's JavaScript, not a route of the application's published
API, and no API client learns its path. The decorator is read by its name: the word ``ajax`` (or ``xhr``) with
``require``/``required``/``only``, as a bare decorator, a call, or through ``method_decorator`` on a class.
"""

from __future__ import annotations

import ast

from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.secret_names import split_identifier

_XHR_WORDS = frozenset({"ajax", "xhr"})
_RESTRICTING = frozenset({"require", "required", "only", "requires"})


def xhr_only(node: ast.AST) -> bool:
    """``node`` (a function or class) carries a decorator that restricts it to the application's own XHR."""
    decorators = getattr(node, "decorator_list", [])
    return any(_restricts_to_xhr(decorator) for decorator in decorators)


def _restricts_to_xhr(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = (dotted_name(target) or "").rpartition(".")[2]
    if name == "method_decorator" and isinstance(decorator, ast.Call) and decorator.args:
        return _restricts_to_xhr(decorator.args[0])
    words = set(split_identifier(name))
    return bool(words & _XHR_WORDS) and bool(words & _RESTRICTING)
