"""Edge cases of BE402-BE405 and the message analysis behind BE402's fix, checked in-process on snippets.

The fixtures cover the common cases through real processes; these pin the corners: logger origins
(aliases, ``self``, annotated parameters, project loggers), which messages split exactly, how names are
judged as secrets, and the cases deliberately left alone (``xfail`` with the reason the page gives).
"""

from __future__ import annotations

import ast

import pytest

from backend_lint.analysis.messages import message_pieces, percent_template
from backend_lint.rules.be405_secret_in_log import _DEFAULT_NAMES, SecretMatcher
from tests.snippets import findings

OBSERVABILITY = ("BE402", "BE403", "BE404", "BE405")


def positions(code: str, path: str = "app/service.py") -> list[tuple[int, int, str]]:
    return [(finding.line, finding.col, finding.code) for finding in findings(code, OBSERVABILITY, path)]


def applicability(code: str, rule: str) -> list[str]:
    return [finding.applicability.label for finding in findings(code, OBSERVABILITY) if finding.code == rule]


# --- which receivers are loggers ------------------------------------------------------------------

@pytest.mark.parametrize(
    "code",
    [
        pytest.param("import logging as lg\nlog = lg.getLogger(__name__)\nlog.info(f'{x}')\n", id="aliased-module"),
        pytest.param("from logging import getLogger\nL = getLogger('a')\nL.info(f'{x}')\n", id="imported-factory"),
        pytest.param(
            "import logging\nclass A:\n    def __init__(self):\n        self.logger = logging.getLogger('a')\n"
            "    def run(self, x):\n        self.logger.info(f'{x}')\n",
            id="self-attribute",
        ),
        pytest.param("import logging\ndef f(log: logging.Logger, x):\n    log.info(f'{x}')\n", id="annotated-param"),
        pytest.param("import structlog\nlog = structlog.get_logger().bind(a=1)\nlog.info(f'{x}')\n", id="structlog-bound"),
        pytest.param("from flask import current_app\ncurrent_app.logger.info(f'{x}')\n", id="flask-app-logger"),
        pytest.param("from app.core.logging import logger\nlogger.info(f'{x}')\n", id="project-logger"),
        pytest.param("from app.log import get_logger\nlog = get_logger(__name__)\nlog.info(f'{x}')\n", id="project-factory"),
        pytest.param("from app.log import get_run_logger\nlog = get_run_logger()\nlog.info(f'{x}')\n", id="named-factory"),
        pytest.param("def f(logger, x):\n    logger.info(f'{x}')\n", id="logger-param"),
        pytest.param(
            "import logging\nfrom dataclasses import dataclass, field\n@dataclass\nclass E:\n"
            "    logger: logging.Logger = field(default_factory=make)\n    def f(self, x):\n"
            "        self.logger.info(f'{x}')\n",
            id="dataclass-field",
        ),
    ],
)
def test_logger_origins_are_recognised(code: str) -> None:
    assert [code for _, _, code in positions(code)] == ["BE402"]


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("log = make_history()\nlog.info(f'{x}')\n", id="unknown-object"),
        pytest.param("logger = make_history()\ndef f(x):\n    logger.info(f'{x}')\n", id="unknown-module-name"),
        pytest.param("def f(history, x):\n    history.info(f'{x}')\n", id="param-not-named-logger"),
        pytest.param("import logging\nlogging.getLogger(f'a.{x}')\n", id="logger-name"),
        pytest.param("import warnings\nwarnings.warn(f'{x}')\n", id="warnings"),
        pytest.param(
            "import logging\nclass A:\n    def __init__(self, ui):\n        self._logger = ui\n"
            "    def run(self, x):\n        self._logger.info(f'{x}', bold=True)\n",
            id="keyword-stdlib-rejects",
        ),
    ],
)
def test_non_loggers_are_left_alone(code: str) -> None:
    assert positions(code) == []


# --- BE402 -------------------------------------------------------------------------------------------

def test_be402_reports_the_whole_call() -> None:
    code = """
    import logging
    logger = logging.getLogger(__name__)
    logger.info(f"a {x}")
    """
    assert positions(code) == [(4, 1, "BE402")]


@pytest.mark.parametrize(
    ("message", "template", "values"),
    [
        ('f"order {oid} in {t:.2f} s"', "order %s in %.2f s", ["oid", "t"]),
        ('f"{a!r} is 100% {b:+05d}"', "%r is 100%% %+05d", ["a", "b"]),
        ('f"{n:-5d}"', "%5d", ["n"]),  # "-" is format()'s default sign, not %'s left-justify
        ('"{} and {}".format(a, b)', "%s and %s", ["a", "b"]),
        ('"{1} {0}".format(a, b)', "%s %s", ["b", "a"]),
        ('"{name}".format(name=user.name)', "%s", ["user.name"]),
        ('"x %s y %5.1f %%" % (a, b)', "x %s y %5.1f %%", ["a", "b"]),
        ('"id: " + str(oid) + " ok"', "id: %s ok", ["oid"]),
        ('"r=" + repr(v)', "r=%r", ["v"]),
    ],
)
def test_messages_split_exactly(message: str, template: str, values: list[str]) -> None:
    pieces = message_pieces(ast.parse(message, mode="eval").body)
    assert pieces is not None
    rendered = percent_template(pieces)
    assert rendered is not None
    assert (rendered[0], [ast.unparse(value) for value in rendered[1]]) == (template, values)


@pytest.mark.parametrize(
    "message",
    [
        pytest.param('"{1} {0}".format(f(), g())', id="calls-reordered"),
        pytest.param('"{0} {0}".format(f())', id="call-duplicated"),
        pytest.param('"{}".format(a, f())', id="call-dropped"),
        pytest.param('"{user.name}".format(user=u)', id="attribute-field"),
        pytest.param('"{} {1}".format(a, b)', id="mixed-numbering"),
        pytest.param('"%(a)s" % d', id="mapping-key"),
        pytest.param('"%*d" % (w, n)', id="star-width"),
        pytest.param('"%s %s" % (a,)', id="too-few-values"),
    ],
)
def test_messages_that_do_not_split(message: str) -> None:
    assert message_pieces(ast.parse(message, mode="eval").body) is None


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ('logger.info(f"a {x}")', ["safe"]),
        ('logger.info(f"a {x:.2f}")', ["unsafe"]),  # Decimal rounds differently under %
        ('logger.info("a %s" % x)', ["unsafe"]),  # x could be a tuple
        ('logger.info("a %s" % len(x))', ["safe"]),
        ('logger.info(f"a {x:>5}")', ["none"]),  # % cannot align like format()
        ('slog.info(f"a {x}")', ["unsafe"]),  # structlog: the event text changes
        ('slog.info(f"a {x}", x=1)', ["none"]),  # the keyword the fix would add is taken
        ('loguru_logger.info(f"a {x:>5}")', ["safe"]),  # loguru formats like format()
    ],
)
def test_be402_fix_applicability(call: str, expected: list[str]) -> None:
    code = (
        "import logging\nimport structlog\nfrom loguru import logger as loguru_logger\n"
        "logger = logging.getLogger(__name__)\nslog = structlog.get_logger()\n" + call + "\n"
    )
    assert applicability(code, "BE402") == expected


# --- BE403 -------------------------------------------------------------------------------------------

def test_be403_only_in_the_handler_itself() -> None:
    code = """
    import logging
    logger = logging.getLogger(__name__)

    def f(job):
        try:
            job.run()
        except Exception:
            for attempt in range(3):
                if attempt:
                    logger.error("retry %d failed", attempt)
            callback = lambda: logger.error("later")
            job.on_done(callback)
    """
    assert positions(code) == [(11, 17, "BE403")]


@pytest.mark.xfail(reason="a helper that logs for the handler is not followed (BE403 Limitations)", strict=True)
def test_be403_helper_called_from_handler() -> None:
    code = """
    import logging
    logger = logging.getLogger(__name__)

    def report(message):
        logger.error(message)

    def f(job):
        try:
            job.run()
        except Exception:
            report("job failed")
    """
    assert positions(code) == [(6, 5, "BE403")]


@pytest.mark.parametrize(
    ("caught", "reported"),
    [
        pytest.param("", True, id="bare"),
        pytest.param(" Exception", True, id="exception"),
        pytest.param(" BaseException as exc", True, id="base-exception"),
        pytest.param(" (KeyError, Exception)", True, id="tuple-with-catch-all"),
        pytest.param(" KeyError", False, id="named"),
        pytest.param(" (KeyError, ValueError)", False, id="tuple-of-named"),
        pytest.param(" Order.DoesNotExist", False, id="not-found"),
    ],
)
def test_be403_reports_catch_alls_only(caught: str, reported: bool) -> None:
    code = f"import logging\nlogger = logging.getLogger(__name__)\ntry:\n    run()\nexcept{caught}:\n    logger.error('x')\n"
    assert positions(code) == ([(6, 5, "BE403")] if reported else [])
    narrow = findings(code, "BE403", settings={"BE403": {"narrow-handlers": True}})
    assert [finding.line for finding in narrow] == [6]


def test_be403_leaves_tests_alone() -> None:
    code = "import logging\nlogger = logging.getLogger(__name__)\ntry:\n    run()\nexcept Exception:\n    logger.error('x')\n"
    assert positions(code, "app/testing.py") == []
    assert positions(code, "app/migrations/0002_fill.py") == [(6, 5, "BE403")]  # a migration's error still matters


# --- BE404 -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "path", ["tests/test_orders.py", "scripts/backfill.py", "app/management/commands/sync.py", "manage.py"]
)
def test_be404_leaves_tests_and_scripts_alone(path: str) -> None:
    assert positions("import logging\nlogging.info('x')\n", path) == []


@pytest.mark.parametrize(
    "path",
    [
        "app/migrations/0002_fill.py", "shop/cli/commands/sync_command.py", "shop/cli.py", "shop/__main__.py",
        "docs/examples/sync.py", "app/conftest.py",
    ],
)
def test_be404_leaves_migrations_cli_modules_and_examples_alone(path: str) -> None:
    assert positions("import logging\nlogging.info('x')\n", path) == []


def test_be404_data_migration_function_anywhere() -> None:
    code = """
    import logging

    def forwards(apps, schema_editor):
        logging.info("filling")

    def sync(items):
        logging.info("syncing")
    """
    assert positions(code, "app/utils/migration_steps.py") == [(8, 5, "BE404")]


def test_be404_file_that_configures_the_root_logger() -> None:
    code = "import logging\nlogging.basicConfig(level=logging.INFO)\nlogging.info('starting')\n"
    assert positions(code) == []


@pytest.mark.parametrize(
    "configure",
    [
        "import logging.config\nlogging.config.dictConfig({'version': 1})\n",
        "from logging.config import dictConfig\ndictConfig({'version': 1})\n",
        "import logging.config\nlogging.config.fileConfig('logging.ini')\n",
        "from logging.config import dictConfig\ndef configure_logging():\n    dictConfig({'version': 1})\n"
        "configure_logging()\n",
    ],
)
def test_be404_file_that_configures_the_root_logger_by_dict_or_helper(configure: str) -> None:
    code = "import logging\n" + configure + "logging.info('starting')\n"
    assert positions(code) == []


def test_be404_configuring_helper_never_called_does_not_own_the_root_logger() -> None:
    code = "import logging\nfrom logging.config import dictConfig\ndef configure_logging():\n    dictConfig({})\n" \
        "logging.info('starting')\n"
    assert positions(code) == [(5, 1, "BE404")]


@pytest.mark.parametrize("argument", ["", "None", "''", "name=None"])
def test_be404_module_whose_own_logger_is_the_root_logger(argument: str) -> None:
    code = f"import logging\nlogger = logging.getLogger({argument})\n\ndef f():\n    logging.info('x')\n"
    assert positions(code) == []


def test_be404_named_module_logger_still_flags_root_calls() -> None:
    code = "import logging\nlogger = logging.getLogger(__name__)\n\ndef f():\n    logging.info('x')\n"
    assert positions(code) == [(5, 5, "BE404")]


def test_be404_no_fix_when_logger_is_shadowed_or_defined_later() -> None:
    code = """
    import logging
    logging.info("at import time, before the logger exists")
    logger = logging.getLogger(__name__)

    def f(logger):
        logging.info("the parameter would shadow the module logger")
    """
    assert applicability(code, "BE404") == ["none", "none"]


# --- BE405 -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("password", True), ("db_password", True), ("newPassword", True), ("GATEWAY_API_KEY", True),
        ("Authorization", True), ("customer_card_number", True), ("cardNumber", True), ("sessionid", True),
        ("refresh_token", True), ("client_secret", True), ("cvv", True), ("private_key", True),
        ("token_type", False), ("token_url", False), ("password_reset_url", False), ("secret_name", False),
        ("show_password", False), ("next_token", False), ("max_tokens", False), ("cache_key", False),
        ("primary_key", False), ("reservation_token", False), ("user_id", False), ("session", False),
    ],
)
def test_secret_names(name: str, secret: bool) -> None:
    assert SecretMatcher(_DEFAULT_NAMES).matches(name) is secret


def test_be405_option_adds_names() -> None:
    matcher = SecretMatcher(["iban", "social_security_number"])
    assert matcher.matches("customer_iban")
    assert matcher.matches("socialSecurityNumber")
    assert not matcher.matches("password")


def test_be405_points_at_the_argument() -> None:
    code = """
    import logging
    logger = logging.getLogger(__name__)

    def login(user, password):
        logger.info("login %s with %s", user.email, password)
    """
    assert positions(code) == [(6, 49, "BE405")]


def test_be405_message_names_the_key_a_value_is_logged_under() -> None:
    code = """
    import structlog
    log = structlog.get_logger()

    def issue(grant):
        log.info("token_issued", access_token=grant.value)
    """
    messages = [finding.message.split(" is ")[0] for finding in findings(code, OBSERVABILITY)]
    assert messages == ["`access_token=grant.value`"]


def test_be405_request_headers_logged_whole() -> None:
    code = """
    import logging
    logger = logging.getLogger(__name__)

    def handle(request, response):
        logger.debug("headers: %s", request.headers)
        logger.debug("sent: %s", response.headers)
    """
    assert positions(code) == [(6, 33, "BE405")]


@pytest.mark.xfail(reason="objects that contain secrets are not flagged (BE405 Limitations)", strict=True)
def test_be405_user_object() -> None:
    code = """
    import logging
    logger = logging.getLogger(__name__)

    def handle(user):
        logger.debug("user: %s", user)
    """
    assert positions(code) == [(6, 30, "BE405")]


# --- BE401 -------------------------------------------------------------------------------------------

WIDE = {"BE401": {"service-evidence": False}}
"""BE401's wide mode. These tests are about what counts as command line code or code no service runs; by default a
plain helper's print is left alone anyway, so only the wide mode shows whether the exclusion itself holds."""


def prints(code: str, path: str = "app/service.py") -> list[int]:
    return [finding.line for finding in findings(code, "BE401", path, WIDE)]


@pytest.mark.parametrize(
    "path",
    [
        "shop/cli/commands/export_command.py", "shop/cli.py", "shop/__main__.py", "orders/migrations/0003_fill.py",
        "airflow/example_dags/tutorial.py", "app/conftest.py", "app/utils/testing.py",
    ],
)
def test_be401_modules_that_serve_no_request(path: str) -> None:
    assert prints("def run(rows):\n    print(rows)\n", path) == []


def test_be401_an_example_service_is_checked() -> None:
    code = "import logging\nfrom fastapi import FastAPI\napp = FastAPI()\n@app.get('/x')\ndef x():\n    print('x')\n    return {}\n"
    assert prints(code, "examples/orders_service/orders/api.py") == [6]  # a demo app shows a service's mistakes
    # ... unless it uses no logging at all: its prints are the demo's terminal trace
    assert prints(code.replace("import logging\n", ""), "examples/orders_service/orders/api.py") == []


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("import argparse\ndef run(rows):\n    print(rows)\n", id="imports-argparse"),
        pytest.param("import sys\nNAMES = sys.argv[1:]\ndef run(rows):\n    print(rows)\n", id="argv-at-import"),
        pytest.param(
            "import sys\ndef run(rows):\n    print(rows)\ndef main():\n    run(sys.stdin.read())\n"
            "if __name__ == '__main__':\n    main()\n",
            id="hook-reading-stdin",
        ),
    ],
)
def test_be401_programs(code: str) -> None:
    assert prints(code) == []


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("def run(rows):\n    print(rows)\nif __name__ == '__main__':\n    run([])\n", id="guard-without-cli"),
        pytest.param(
            "import argparse\nfrom fastapi import FastAPI\napp = FastAPI()\n@app.get('/x')\ndef x():\n"
            "    print('x')\n    return {}\n",
            id="argparse-beside-routes",
        ),
    ],
)
def test_be401_service_modules_with_a_main_guard(code: str) -> None:
    assert len(prints(code)) == 1


def test_be401_an_argparse_sub_command_and_what_it_starts_are_a_program() -> None:
    code = """
    from flask import Flask
    from threading import Thread

    def run(args):
        print("Dashboard on", args["port"])
        app = Flask(__name__)

        @app.route("/")
        def index():
            return "metrics"

        def poller():
            print("[Poller] started")

        Thread(target=poller).start()
        app.run(port=args["port"])

    def other(rows):
        print(rows)

    def configure(subparsers):
        parser = subparsers.add_parser("dashboard")
        parser.set_defaults(func=run)
    """
    assert prints(code) == [20]  # run, and the poller it starts, are the command; other is not handed to one
    assert len(prints(code.replace("parser.set_defaults(func=run)", "parser.set_defaults(verbose=run)"))) == 3


def test_be401_verbosity_forms() -> None:
    code = """
    def post_migrate(verbosity, options, self):
        if verbosity >= 2:
            print("a")
        if options["verbosity"] and self.ready:
            print("b")
        if not self.verbosity:
            return
        print("c")
    """
    assert prints(code) == [9]  # an early return on verbosity is not a guard around the print
