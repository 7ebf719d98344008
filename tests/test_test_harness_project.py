"""A package that declares itself a test framework or harness in its docstring (Airweave's ``monke``: "Monke
testing framework for Airweave") is test support with every module under it, through the project model
(:func:`backend_lint.analysis.module_roles.declares_test_harness`): BE402 and BE403 leave its log lines alone,
while the service's own modules stay reported."""

from __future__ import annotations

import ast
from pathlib import Path

from backend_lint.analysis.module_roles import declares_test_harness, roles_of
from tests.projects import findings_of, write_project

PROJECT = {
    "pyproject.toml": '[project]\nname = "shop"\nversion = "1"\n',
    "shop/__init__.py": "",
    "shop/sync.py": """\
        import logging

        logger = logging.getLogger(__name__)


        def sync(source):
            try:
                source.pull()
            except Exception as error:
                logger.error(f"sync of {source.name} failed: {error}")
    """,
    "monke/__init__.py": '"""Monke testing framework for Shop."""\n',
    "monke/bongos/__init__.py": '"""Bongos: create test data in real systems."""\n',
    "monke/bongos/notion.py": """\
        import logging

        logger = logging.getLogger(__name__)


        async def cleanup(client, page_id):
            try:
                await client.delete(page_id)
            except Exception as error:
                logger.error(f"could not delete page {page_id}: {error}")
    """,
    "monke/core/steps.py": """\
        import logging

        logger = logging.getLogger(__name__)


        def verify(entity):
            logger.info(f"verifying {entity['name']}")
    """,
}


def test_modules_under_a_declared_test_harness_are_test_support(tmp_path: Path) -> None:
    root = write_project(tmp_path, PROJECT)
    for code in ("BE402", "BE403"):
        found = findings_of(root, code)
        assert ("shop/sync.py", 10) in found, code
        assert not any(path.startswith("monke/") for path, _line in found), (code, found)


def test_the_docstring_says_test_framework_or_harness() -> None:
    for doc in ("Monke testing framework for Airweave.", "End-to-end test harness for the connectors.",
                "Integration testing framework", "E2E test suite driving the public API."):
        assert declares_test_harness(ast.parse(f'"""{doc}"""')), doc
    for doc in ("Payments framework.", "Helpers to test whether a user may edit.", "Harness the sync engine."):
        assert not declares_test_harness(ast.parse(f'"""{doc}"""')), doc
    assert roles_of("monke/__init__.py", ast.parse('"""Monke testing framework."""')).test_harness
    assert not roles_of("monke/steps.py", ast.parse('"""Monke testing framework."""')).test_harness
