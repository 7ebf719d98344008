"""The project summary's cheap text tests must not hide a fact, on whole projects through the real CLI and
``flake8 --select BE``.

The summary reads a function only where its lines hold the words a reader looks for
(:mod:`backend_lint.analysis.word_lines`): calls of the file's own methods found in one pass over ``self.`` and
``cls.``, uniqueness checks only in functions whose lines say ``already``/``duplicate``/``uniqueness``. Each
project writes the evidence the way real code spreads it over lines (a call's arguments on the next line, a
message split after ``already``), next to a look-alike that must stay reported.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

from tests.projects import findings_of, write_project
from tests.test_project_calls import MAIL_CHAIN

SIGNUP_SERVICE = """\
    from accounts.mailer import mail_user
    from accounts.tasks import welcome_later


    class Signup:
        @classmethod
        def run(cls, user):
            user.save()
            cls._welcome(
                user,
            )

        @classmethod
        def run_later(cls, user):
            user.save()
            cls._queue(
                user,
            )

        @classmethod
        def _welcome(cls, user):
            mail_user(user, "welcome")

        @classmethod
        def _queue(cls, user):
            welcome_later.delay(user.id)
"""

SIGNUP_VIEWS = """\


    def signup_class(request):
        Signup.run(request.user)
        return JsonResponse({})


    def signup_class_later(request):
        Signup.run_later(request.user)
        return JsonResponse({})
"""


def test_a_method_called_on_cls_with_its_arguments_on_the_next_lines(tmp_path: Path) -> None:
    """``Signup.run`` calls ``cls._welcome(`` with the arguments below, and ``_welcome`` mails: the handler's
    call of ``Signup.run`` is reported; ``run_later``, whose ``cls._queue`` only queues a task, is not."""
    files = dict(MAIL_CHAIN)
    files["accounts/signup.py"] = SIGNUP_SERVICE
    files["accounts/views.py"] = (
        textwrap.dedent(files["accounts/views.py"]).replace(
            "from accounts.mailer import Mailer\n", "from accounts.mailer import Mailer\nfrom accounts.signup import Signup\n"
        )
        + textwrap.dedent(SIGNUP_VIEWS)
    )
    files["accounts/urls.py"] = files["accounts/urls.py"].replace(
        'path("signup-mailer/", views.signup_with_mailer),',
        'path("signup-mailer/", views.signup_with_mailer),\n            path("class/", views.signup_class),'
        '\n            path("class-later/", views.signup_class_later),',
    )
    found = findings_of(write_project(tmp_path, files), "BE206")
    assert found == {("accounts/views.py", 9), ("accounts/views.py", 34)}


UNIQUE_PROJECT = {
    "pyproject.toml": "[tool.backend-lint.BE301]\nreport-plain-creates = true\n",
    "layers/__init__.py": "",
    "layers/commands.py": """\
        from .dao import LayerDAO


        class CreateLayerCommand:
            def __init__(self, data):
                self.data = data

            def run(self):
                self.validate()
                return LayerDAO.create(self.data)

            def validate(self):
                if LayerDAO.find_by_name(self.data["name"]):
                    raise ValueError("A layer with this name already "
                                     "exists.")


        class CreateChartCommand:
            def __init__(self, data):
                self.data = data

            def run(self):
                # charts may share names: no duplicate check
                return ChartDAO.create(self.data)
    """,
    "layers/api.py": """\
        from fastapi import APIRouter

        from .commands import CreateChartCommand, CreateLayerCommand

        router = APIRouter()


        @router.post("/layers")
        def post(data: dict):
            return CreateLayerCommand(data).run()


        @router.post("/charts")
        def create(data: dict):
            return CreateChartCommand(data).run()
    """,
}


def test_a_duplicate_refused_with_a_message_split_after_already(tmp_path: Path) -> None:
    """The module says "duplicate" only in a comment of another class, and ``validate`` refuses a duplicate
    with a message whose "exists" is on the next line: the per-function test finds "already" on the ``raise``
    line, so the layer handler stays quiet; the chart handler, whose command checks nothing, is reported."""
    found = findings_of(write_project(tmp_path, UNIQUE_PROJECT), "BE301")
    assert found == {(os.path.join("layers", "api.py"), 14)}
