"""BE301 on a layered project: a duplicate refused in another module (a unique model, a service's check).

The handlers call services of other modules, and what those modules say decides: a model whose natural name is
unique, a command that checks uniqueness before creating. Each quiet handler stands next to a look-alike that the
project does not excuse (a model unique only by a key the server generates, a command without a check), through
the real CLI and ``flake8 --select BE`` as processes.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

from tests.processes import check_json, run_flake8

PROJECT = {
    "certs/__init__.py": "",
    "certs/models.py": """\
        from sqlalchemy import Column, String

        from .db import Base


        class Authority(Base):
            name = Column(String(128), unique=True)


        class Ticket(Base):
            number = Column(String(32), unique=True, default="generated")


        class Certificate(Base):
            name = Column(String(256), unique=True)

            def __init__(self, **kwargs):
                self.name = make_unique_name(kwargs.get("common_name"))  # a server-made name: no key
    """,
    "certs/commands.py": """\
        from .dao import LayerDAO


        class CreateLayerCommand:
            def __init__(self, data):
                self.data = data

            def run(self):
                self.validate()
                return LayerDAO.create(self.data)

            def validate(self):
                if not LayerDAO.validate_uniqueness(self.data["name"]):
                    raise ValueError("name taken")


        class CreateChartCommand:
            def __init__(self, data):
                self.data = data

            def run(self):
                return ChartDAO.create(self.data)
    """,
    "certs/api.py": """\
        from fastapi import APIRouter

        from .commands import CreateChartCommand, CreateLayerCommand
        from .models import Authority, Certificate, Ticket, db

        router = APIRouter()


        @router.post("/authorities")
        def create_authority(data: dict):
            db.add(Authority(name=data["name"]))
            return {}


        @router.post("/tickets")
        def create_ticket(data: dict):
            db.add(Ticket(seat=data["seat"]))
            return {}


        @router.post("/certificates")
        def create_certificate(data: dict):
            db.add(Certificate(common_name=data["cn"]))
            return {}


        @router.post("/layers")
        def post(data: dict):
            return CreateLayerCommand(data).run()


        @router.post("/charts")
        def create(data: dict):
            return CreateChartCommand(data).run()
    """,
}


def _write(root: Path) -> Path:
    for name, text in PROJECT.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def test_duplicates_refused_in_other_modules_are_not_reported(tmp_path: Path) -> None:
    root = _write(tmp_path)
    found = {(os.path.normpath(item["path"]), item["line"]) for item in
             check_json("--no-cache", "--select", "BE301", ".", cwd=root)}
    flake8 = {(path.removeprefix("./"), row) for path, row, _col, code in run_flake8(".", cwd=root)
              if code == "BE301"}
    assert flake8 == found
    api = os.path.join("certs", "api.py")
    assert found == {
        (api, 16),  # Ticket: unique only by a generated number, a retry makes a second ticket
        (api, 22),  # Certificate: the model makes each name unique itself
        (api, 33),  # CreateChartCommand checks nothing
    }, "create_authority (unique name) and post (the command checks uniqueness) are quiet"
