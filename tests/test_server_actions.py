"""``backend-lint server`` code actions end to end: request the actions at a finding, resolve and apply the
edit as the editor would (in the editor's position units), and see the diagnostics follow.

The fixes are the library's (``Checker.fix_source``): "fix all" must leave the buffer exactly as
``backend-lint fix`` leaves the file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig

from tests.lsp_editor import SERVER, Editor, make_editor
from tests.processes import ENV, run_cli
from tests.test_server import ORDERS

FIX_ALL = "source.fixAll.backend-lint"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, client_factory=make_editor, server_env=ENV))
async def editor(lsp_client: Editor):
    yield
    await lsp_client.shutdown_session()


# BE204 and BE403 have safe fixes; BE401 and BE202 unsafe ones (ORDERS' fixes are all unsafe)
WORKER = '''\
import logging
import time

import requests

logger = logging.getLogger(__name__)


async def poll(order_id: str) -> None:
    time.sleep(1)
    print("polled", order_id)


def cancel(order_id: str) -> None:
    try:
        requests.post("https://orders.internal/cancel", json={"id": order_id}, timeout=None)
    except Exception:
        logger.error("cancel failed for %s", order_id)
'''


async def _open(editor: Editor, root: Path, client: str, text: str = ORDERS) -> tuple[str, list[types.Diagnostic]]:
    (root / "app").mkdir()
    await editor.start_session([root], client)
    uri = (root / "app" / "orders.py").as_uri()
    return uri, await editor.open(uri, text)


def _titles(actions: list[types.CodeAction]) -> list[tuple[str, str, bool]]:
    return [(action.title, str(action.kind), bool(action.is_preferred)) for action in actions]


@pytest.mark.asyncio
async def test_quick_fix_is_resolved_applied_and_clears_its_diagnostic(editor: Editor, tmp_path: Path) -> None:
    uri, diagnostics = await _open(editor, tmp_path, "visual-studio-code")
    first = diagnostics[0].range.start
    actions = await editor.code_actions(uri, first.line, first.character)
    assert _titles(actions) == [
        ("Fix BE201 (unsafe): Add the default timeout", "quickfix", False),
        ("Suppress BE201 with `# noqa`", "quickfix", False),
    ], "no fix-all: every fix in this file is unsafe"
    assert actions[0].edit is None, "VS Code resolves a fix when it is picked; it is not computed per cursor move"
    assert [d.code for d in actions[0].diagnostics] == ["BE201"]
    fix = await editor.resolved(actions[0])
    [change] = fix.edit.document_changes
    assert [(e.range.start.line, e.range.end.line, e.new_text) for e in change.edits] == [(8, 8, ", timeout=10")]
    after = await editor.apply(fix.edit)
    assert [d.code for d in after] == ["BE401", "BE201", "BE202"], "only the fixed finding is gone"
    assert 'requests.get(f"https://orders.internal/{order_id}", timeout=10)' in editor.texts[uri]


@pytest.mark.asyncio
async def test_suppressing_writes_the_noqa_comment(editor: Editor, tmp_path: Path) -> None:
    uri, diagnostics = await _open(editor, tmp_path, "visual-studio-code")
    printing = diagnostics[1]
    assert printing.code == "BE401"
    actions = await editor.code_actions(uri, printing.range.start.line, printing.range.start.character + 2)
    suppress = await editor.resolved(next(a for a in actions if a.title == "Suppress BE401 with `# noqa`"))
    after = await editor.apply(suppress.edit)
    assert [d.code for d in after] == ["BE201", "BE201", "BE202"]
    assert editor.texts[uri].splitlines()[13].endswith(')  # noqa: BE401'), "at the end of the line"


@pytest.mark.asyncio
async def test_unsafe_fix_is_offered_but_never_preferred(editor: Editor, tmp_path: Path) -> None:
    uri, diagnostics = await _open(editor, tmp_path, "neovim@v0.11.0")  # UTF-8 positions, plain `changes`
    disabled = diagnostics[3]
    assert disabled.code == "BE202"
    actions = await editor.code_actions(uri, disabled.range.start.line, disabled.range.start.character)
    assert _titles(actions)[:2] == [
        ("Fix BE202 (unsafe): Replace `None` with the default timeout", "quickfix", False),
        ("Suppress BE202 with `# noqa`", "quickfix", False),
    ]
    fix = await editor.resolved(actions[0])
    assert fix.edit.document_changes is None and list(fix.edit.changes) == [uri]
    after = await editor.apply(fix.edit)
    assert [d.code for d in after] == ["BE201", "BE401", "BE201"]


@pytest.mark.asyncio
async def test_fix_all_equals_the_cli_fix(editor: Editor, tmp_path: Path) -> None:
    uri, diagnostics = await _open(editor, tmp_path, "emacs", WORKER)  # no lazy resolve: edits come with actions
    assert [d.code for d in diagnostics] == ["BE204", "BE401", "BE202", "BE403"]
    at_print = diagnostics[1].range.start
    quick = await editor.code_actions(uri, at_print.line, at_print.character, only=["quickfix"])
    assert [a.title for a in quick] == ["Fix BE401 (unsafe): Replace `print` with a module logger call",
                                        "Suppress BE401 with `# noqa`"]
    assert all(a.edit is not None for a in quick)
    actions = await editor.code_actions(uri, 0, 0, only=["source.fixAll"])
    assert _titles(actions) == [("Fix all safe backend-lint findings in this file", FIX_ALL, False)]
    assert actions[0].edit is not None
    edits = actions[0].edit.document_changes[0].edits
    assert len(edits) >= 3 and all(len(e.new_text) < 200 for e in edits), "small edits, not the whole text"
    after = await editor.apply(actions[0].edit)
    assert [d.code for d in after] == ["BE401", "BE202"], "the unsafe fixes are left for review"
    cli = tmp_path / "cli"
    cli.mkdir()
    (cli / "orders.py").write_text(WORKER, encoding="utf-8")
    result = run_cli("fix", "orders.py", cwd=cli)
    assert result.returncode == 1, result.stderr.decode()
    assert editor.texts[uri] == (cli / "orders.py").read_text(encoding="utf-8")


@pytest.mark.asyncio
async def test_an_action_for_an_older_version_is_not_applied(editor: Editor, tmp_path: Path) -> None:
    uri, diagnostics = await _open(editor, tmp_path, "visual-studio-code")
    first = diagnostics[0].range.start
    [fix, *_] = await editor.code_actions(uri, first.line, first.character)
    version = editor.change(uri, "# a new first line\n" + ORDERS)
    await editor.diagnostics_for(uri, version)
    stale = await editor.code_action_resolve_async(fix)
    assert stale.edit is None
    [message] = editor.messages
    assert message.type == types.MessageType.Warning and "the document changed" in message.message


@pytest.mark.asyncio
async def test_nothing_is_offered_away_from_findings(editor: Editor, tmp_path: Path) -> None:
    uri, _ = await _open(editor, tmp_path, "visual-studio-code")
    actions = await editor.code_actions(uri, 0, 0, only=[types.CodeActionKind.QuickFix])
    assert actions == []
