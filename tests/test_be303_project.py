"""BE303 on a project: body fields built into a pydantic model of another module inside a ``try`` that answers 400.

Tasking Manager's handlers read ``await request.json()`` and hand each field to a DTO of ``models/dtos``
(``TaskCommentDTO(comment=comment)``, a pydantic ``BaseModel`` through a project base) inside a ``try`` whose
``except Exception`` answers 400: the schema validates the body field by field and its refusal is answered. The
same construction of a class that does not validate (a dataclass, an ORM model) keeps the finding, and so does a
handler on standard input, where the model's module cannot be read. Through the real CLI and ``flake8 --select BE``
as processes.
"""

from __future__ import annotations

from pathlib import Path

from tests.processes import run_cli
from tests.projects import findings_of, write_project

APP = {
    "app/__init__.py": "",
    "app/dtos/__init__.py": "",
    "app/dtos/base.py": """\
        from pydantic import BaseModel


        class DTO(BaseModel):
            user_id: int
    """,
    "app/dtos/comments.py": """\
        from dataclasses import dataclass

        from app.dtos.base import DTO


        class CommentDTO(DTO):
            comment: str


        @dataclass
        class CommentRow:
            user_id: int
            comment: str
    """,
    "app/api.py": """\
        from fastapi import APIRouter, Request
        from fastapi.responses import JSONResponse

        from app.dtos.comments import CommentDTO, CommentRow
        from app.services import comments

        router = APIRouter()


        @router.post("/comments")
        async def add_comment(request: Request):
            try:
                body = await request.json()
                dto = CommentDTO(user_id=1, comment=body.get("comment"))
            except Exception as e:
                return JSONResponse({"error": str(e)}, status_code=400)
            return await comments.add(dto)


        @router.post("/rows")
        async def add_row(request: Request):
            try:
                body = await request.json()
                row = CommentRow(user_id=1, comment=body.get("comment"))
            except Exception as e:
                return JSONResponse({"error": str(e)}, status_code=400)
            return await comments.add(row)
    """,
}


def test_fields_built_into_a_pydantic_model_of_the_project_are_validated(tmp_path: Path) -> None:
    root = write_project(tmp_path, APP)
    assert findings_of(root, "BE303") == {("app/api.py", 23)}


def test_on_standard_input_the_model_cannot_be_read(tmp_path: Path) -> None:
    root = write_project(tmp_path, APP)
    result = run_cli("check", "--select", "BE303", "--no-cache", "--stdin-filename", "app/api.py", "-",
                     cwd=root, stdin=(root / "app/api.py").read_bytes())
    assert result.stdout.decode().count("BE303") == 2, result.stdout.decode()
