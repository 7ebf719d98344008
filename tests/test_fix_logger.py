"""A logging fix is offered only where it will be applied (BE401, BE404: ``analysis/fix_logger.py``).

A finding offered as fixable that ``fix`` then refuses tells the user something false, and a fix that writes
``logger.info`` where ``logger`` is a local holding something else breaks the code. Detection decides with
the same facts the fix uses: a local ``logger`` shadowing the module's, an ``import logging`` below module
code (an Alembic migration's), a module-level ``logger`` that is not a logger.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from tests.processes import run_cli
from tests.snippets import findings

SHADOWED = '''\
    """Service helpers."""
    import logging

    logger = logging.getLogger(__name__)


    async def report(job):
        logger = job.audit_trail
        print("done", job)
        logger.append("done")


    async def other(job):
        print("done", job)
'''

IMPORTED_BELOW_CODE = '''\
    """add column"""
    revision = "abc"
    down_revision = None

    import logging


    def upgrade():
        logging.info("upgrading")
'''


def _fixable(code: str, select: str) -> list[tuple[int, bool]]:
    return [(finding.line, finding.fixable) for finding in findings(code, select)]


def test_a_local_logger_shadowing_the_module_logger() -> None:
    assert _fixable(SHADOWED, "BE401") == [(9, False), (14, True)]


def test_logging_imported_below_module_code() -> None:
    assert _fixable(IMPORTED_BELOW_CODE, "BE404") == [(9, False)]
    assert _fixable(IMPORTED_BELOW_CODE.replace('    revision = "abc"\n    down_revision = None\n', ""), "BE404") == [
        (7, True)
    ]


def test_fix_applies_every_fix_it_offered(tmp_path: Path) -> None:
    service = tmp_path / "app" / "jobs.py"
    service.parent.mkdir()
    service.write_text(textwrap.dedent(SHADOWED), encoding="utf-8")
    result = run_cli("fix", "--unsafe-fixes", "--select", "BE401", "app/jobs.py", cwd=tmp_path)
    text = service.read_text(encoding="utf-8")
    ast.parse(text)
    assert text == textwrap.dedent(SHADOWED).replace(
        'def other(job):\n    print("done", job)', 'def other(job):\n    logger.info("done %s", job)'
    )
    assert result.stdout.decode().endswith("Fixed 1 finding. Found 1 finding.\n"), result.stdout
