"""What every request of an app goes through: middleware and request hooks registered for the whole app.

Read with the module's routing (:mod:`.reading`) and kept in :attr:`~..handler_types.ModuleRoutes.app_wide` as
``(kind, framework, qualified name)``: the project model asks whether one of them reads an idempotency key, which
answers BE301 for every POST handler of the project. A local target is written ``.name``; the project model
qualifies it with the module.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from backend_lint.analysis.handler_types import FASTAPI, FLASK, LITESTAR, STARLETTE

if TYPE_CHECKING:
    from backend_lint.analysis.frameworks.reading import Reader

_REQUEST_HOOKS = frozenset({"before_request", "before_app_request"})


def app_wide(reader: Reader) -> None:
    """``app.add_middleware(X)``, ``app.before_request(f)``, ``@app.before_request``."""
    for call, _function in reader.found.calls:
        func = call.func
        if not (isinstance(func, ast.Attribute) and call.args):
            continue
        if func.attr == "add_middleware":
            _note(reader, "middleware", call.args[0])
        elif func.attr in _REQUEST_HOOKS:
            _note(reader, "hook", call.args[0])
    for function, outer, cls in reader.found.functions:
        if outer is None and cls is None and any(
            isinstance(decorator, ast.Attribute) and decorator.attr in _REQUEST_HOOKS
            for decorator in function.decorator_list
        ):
            reader.routes.app_wide.append(("hook", FLASK, "." + function.name))


def app_wide_middleware(reader: Reader, value: ast.Call) -> None:
    """``FastAPI(middleware=[Middleware(X), ...])`` and Starlette's and Litestar's alike."""
    for keyword in value.keywords:
        if keyword.arg == "middleware" and isinstance(keyword.value, (ast.List, ast.Tuple)):
            for item in keyword.value.elts:
                _note(reader, "middleware", item.args[0] if isinstance(item, ast.Call) and item.args else item)


def _note(reader: Reader, kind: str, target: ast.expr) -> None:
    qualified = reader.imports.resolve(target)
    if qualified is None and isinstance(target, ast.Name):
        qualified = "." + target.id
    if qualified is None:
        return
    framework = next(iter(sorted(reader.frameworks & {FASTAPI, STARLETTE, FLASK, LITESTAR})), None)
    if framework is not None:
        reader.routes.app_wide.append((kind, FLASK if kind == "hook" else framework, qualified))
