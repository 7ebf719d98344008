"""A handler's ``try`` that only reads the client's input and checks it, its failure answered 400 (BE403).

Tasking Manager's handlers open with::

    try:
        request_data = await request.json()
        task_ids = request_data.get("taskIds", None)
        extend_dto = ExtendLockTimeDTO(project_id=project_id, task_ids=task_ids, user_id=user.id)
    except Exception as e:
        logger.error(f"Error validating request: {str(e)}")
        return JSONResponse(content={"Error": "...", "SubCode": "InvalidData"}, status_code=400)

Every way that ``try`` fails is the client's: a body that is not JSON, a field of the wrong type that the pydantic
model refuses, with a message saying which. The clause files it as the client's (400) and logs the message; the
traceback of a bad request body points at the handler's first lines and helps nobody. So does a ``try`` that
cannot fail at all (``draft_project_dto.user_id = user.id``: a plain attribute store), answered the same way.

:func:`checks_client_input` reads the ``try`` step by step. Allowed: binding a name or storing an attribute
(``dto.preferred_locale = locale``, also under an ``if`` testing plain values); values made of constants, names and
their attributes, a raw read of the body the handler model recognises for the framework (``await
request.json()``; not ``request.get_json()`` in a FastAPI handler: a bug, not the client's input), a field of a
local (``data.get("taskIds")``, ``data["comment"]``), a request header (``request.headers.get(...)``), and a class
built from such values by keyword (``TaskCommentDTO(comment=comment)``), which must validate them: a pydantic
model of the file, or one of the project (the caller settles those with
:func:`~backend_lint.analysis.project.conditions.schema_models`). Anything else (a call of the project's code, a
lookup, a ``return`` inside the ``try``, a model built from a positional value) keeps the finding: a database
error or a programming bug answered as the client's needs its stack.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.delegated_validation import client_status
from backend_lint.analysis.facts import reads
from backend_lint.analysis.handler_body import handler_body
from backend_lint.analysis.handlers import handler_for

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_STATUS_KEYWORDS = frozenset({"status", "status_code", "code"})
_FIELD_READS = frozenset({"get", "getlist"})


@reads(handler_for, handler_body)
def checks_client_input(attempt: ast.Try, clause: ast.ExceptHandler, ctx: FileContext) -> Optional[list[ast.Call]]:
    """The ``try`` of an HTTP handler only reads the client's input and checks it, and ``clause`` answers its
    failure with 400 or 422: the classes built from the input (each must validate it, a schema; ``[]``: none),
    or ``None`` when the ``try`` does anything else."""
    function = ctx.scope.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or not _answers_input_status(clause):
        return None
    handler = handler_for(ctx, function)
    if handler is None:
        return None
    read_ids = {id(read.node) for read in handler_body(ctx, handler).body_reads}
    models: list[ast.Call] = []
    reader = _Reader(read_ids, handler.request_names, models)
    return models if all(reader.statement(statement) for statement in attempt.body) else None


def _answers_input_status(clause: ast.ExceptHandler) -> bool:
    """The clause ends by returning an answer with status 400 or 422 (``return JSONResponse(..., status_code=400)``,
    ``return {...}, 400``)."""
    last = clause.body[-1] if clause.body else None
    answer = last.value if isinstance(last, ast.Return) else None
    if answer is None:
        return False
    parts = answer.elts if isinstance(answer, ast.Tuple) else [answer]
    statuses = [part for part in parts if not isinstance(part, ast.Call)]
    statuses += [keyword.value for part in parts if isinstance(part, ast.Call) for keyword in part.keywords
                 if keyword.arg in _STATUS_KEYWORDS]
    return any(client_status(value) for value in statuses)


class _Reader:
    """Reads the steps of the ``try``: what counts as reading and checking input (see the module docstring)."""

    def __init__(self, reads: set[int], request_names: frozenset[str], models: list[ast.Call]) -> None:
        self.reads = reads
        self.request_names = request_names
        self.models = models
        self.inputs: set[str] = set()
        """Locals the ``try`` bound to the body read or to a field of it: what ``.get``/``[...]`` may read."""

    def statement(self, statement: ast.stmt) -> bool:
        if isinstance(statement, ast.Assign):
            if not (all(self._target(target) for target in statement.targets) and self.value(statement.value)):
                return False
            if self._input(statement.value):  # ``request_data = await request.json()``, ``ids = data.get("ids")``
                self.inputs.update(target.id for target in statement.targets if isinstance(target, ast.Name))
            return True
        if isinstance(statement, ast.AnnAssign):
            return statement.value is not None and self._target(statement.target) and self.value(statement.value)
        if isinstance(statement, ast.If):
            return self._plain(statement.test) and all(
                self.statement(inner) for inner in [*statement.body, *statement.orelse])
        return False

    def _target(self, target: ast.expr) -> bool:
        """A local, or an attribute of a local (``dto.preferred_locale``)."""
        return isinstance(target, ast.Name) or (isinstance(target, ast.Attribute) and self._plain(target.value))

    def value(self, value: ast.expr) -> bool:
        if self._plain(value):
            return True
        if self._input(value):
            return True
        if not isinstance(value, ast.Call):
            return False
        func = value.func
        if isinstance(func, ast.Name) and func.id[:1].isupper() and not value.args \
                and all(keyword.arg is not None and self.value(keyword.value) for keyword in value.keywords):
            self.models.append(value)  # ``TaskCommentDTO(comment=comment)``: valid only if the class validates
            return True
        return False

    def _input(self, value: ast.expr) -> bool:
        """The body read (``await request.json()``), a field of a local holding input (``data.get("ids")``,
        ``data["comment"]``) or a request header (``request.headers.get("accept-language")``)."""
        if id(value) in self.reads or (isinstance(value, ast.Await) and id(value.value) in self.reads):
            return True
        if isinstance(value, ast.Subscript):
            return isinstance(value.value, ast.Name) and value.value.id in self.inputs \
                and isinstance(value.slice, ast.Constant)
        func = value.func if isinstance(value, ast.Call) else None
        if not (isinstance(value, ast.Call) and isinstance(func, ast.Attribute) and func.attr in _FIELD_READS):
            return False
        receiver = func.value
        return ((isinstance(receiver, ast.Name) and receiver.id in self.inputs) or self._headers(receiver)) \
            and not value.keywords and all(isinstance(argument, ast.Constant) for argument in value.args)

    def _headers(self, value: ast.expr) -> bool:
        """``request.headers``."""
        return isinstance(value, ast.Attribute) and value.attr == "headers" \
            and isinstance(value.value, ast.Name) and value.value.id in self.request_names

    def _plain(self, value: ast.expr) -> bool:
        """A constant, a name, an attribute of a plain value, or a test of plain values: nothing that can fail."""
        if isinstance(value, (ast.Constant, ast.Name)):
            return True
        if isinstance(value, ast.Attribute):
            return self._plain(value.value)
        if isinstance(value, ast.UnaryOp):
            return self._plain(value.operand)
        if isinstance(value, ast.BoolOp):
            return all(self._plain(part) for part in value.values)
        if isinstance(value, ast.Compare):
            return all(isinstance(op, (ast.Is, ast.IsNot)) for op in value.ops) and all(
                self._plain(part) for part in [value.left, *value.comparators])
        return False
