"""``backend-lint server`` end to end: a real process over stdio, driven by pytest-lsp's client with the
capabilities real editors send (VS Code, Neovim, Emacs), in temporary projects.

Expected positions come from ``backend-lint check --output-format json`` on the same text, converted to the
client's units by the test's own arithmetic (``tests/lsp_editor.py``), so diagnostics must agree with the CLI.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig

from tests.lsp_editor import SERVER, Editor, make_editor, position_of, summary
from tests.processes import ENV, check_json
from tests.test_reliability import INJECT

ORDERS = '''\
import requests
from flask import Flask

app = Flask(__name__)


@app.get("/orders/<order_id>")
def fetch(order_id: str) -> dict:
    données = requests.get(f"https://orders.internal/{order_id}")
    return données.json()


def ship(order_id: str) -> None:
    print("🚚", order_id); requests.post("https://shipping.internal", json={"id": order_id})


def cancel(order_id: str) -> None:
    requests.post("https://orders.internal/cancel", json={"id": order_id}, timeout=None)


@app.get("/healthz")
def health() -> str:
    return "ok"
'''
HREF = "https://github.com/backend-lint/backend-lint/blob/main/rules/{code}.md"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, client_factory=make_editor, server_env=ENV))
async def editor(lsp_client: Editor):
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-c", INJECT, "server"],
                                              client_factory=make_editor, server_env=ENV))
async def editor_with_failing_rule(lsp_client: Editor):
    yield
    await lsp_client.shutdown_session()


def _project(root: Path, config: str = "") -> Path:
    (root / "app").mkdir(parents=True)
    if config:
        (root / "pyproject.toml").write_text(f"[tool.backend-lint]\n{config}", encoding="utf-8")
    return root


def _expected(path: Path, text: str, encoding: str) -> list[tuple[str, int, int, int, int]]:
    """The CLI's findings for ``text`` at ``path``, as LSP ranges in ``encoding``."""
    path.write_text(text, encoding="utf-8")
    found = []
    for item in check_json(str(path.name), cwd=path.parent):
        start = position_of(text, item["line"], item["column"], encoding)
        end = position_of(text, item["end_line"], item["end_column"], encoding)
        found.append((item["code"], *start, *end))
    return found


@pytest.mark.asyncio
@pytest.mark.parametrize("client", ["visual-studio-code", "neovim@v0.11.0", "emacs"])
async def test_open_publishes_the_clis_findings_in_the_clients_units(
    editor: Editor, tmp_path: Path, client: str
) -> None:
    project = _project(tmp_path)
    await editor.start_session([project], client)
    assert editor.encoding == {"visual-studio-code": "utf-16", "neovim@v0.11.0": "utf-8", "emacs": "utf-32"}[client]
    path = project / "app" / "orders.py"
    diagnostics = await editor.open(path.as_uri(), ORDERS)
    expected = _expected(path, ORDERS, editor.encoding)
    assert [code for code, *_ in expected] == ["BE201", "BE401", "BE201", "BE202"]
    assert summary(diagnostics) == expected
    assert expected[2][2] == {"utf-16": 27, "utf-8": 29, "utf-32": 26}[editor.encoding], "after the emoji"
    for diagnostic in diagnostics:
        assert diagnostic.severity == types.DiagnosticSeverity.Warning
        assert diagnostic.source == "backend-lint"
        assert diagnostic.code_description.href == HREF.format(code=diagnostic.code)
    assert diagnostics[3].message == "`requests.post(timeout=None)` never times out; set a finite timeout"
    assert diagnostics[0].range.end.character > diagnostics[0].range.start.character + 1, "the node's whole range"


@pytest.mark.asyncio
async def test_hover_shows_what_the_rule_does_and_why(editor: Editor, tmp_path: Path) -> None:
    project = _project(tmp_path)
    await editor.start_session([project])
    uri = (project / "app" / "orders.py").as_uri()
    [first, *_] = await editor.open(uri, ORDERS)
    hover = await editor.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=first.range.start
    ))
    text = hover.contents.value
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert text.startswith("**BE201 network-call-without-timeout**: `requests.get` call without a timeout")
    assert "**What it does**\n\nFlags network calls made without a timeout" in text
    assert "**Why it matters**\n\nThe guidance is explicit" in text
    assert f"[Rule page]({HREF.format(code='BE201')})" in text
    assert "](https://github.com/backend-lint/backend-lint/blob/main/docs/guidelines.md#network-timeouts)" in text
    assert "](../" not in text, "a hover is shown outside the repository: its links are absolute"
    nothing = await editor.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=0, character=0)
    ))
    assert nothing is None


@pytest.mark.asyncio
async def test_changes_are_debounced_and_check_the_unsaved_buffer(editor: Editor, tmp_path: Path) -> None:
    project = _project(tmp_path, 'select = ["BE401"]\n')
    path = project / "app" / "orders.py"
    path.write_text(ORDERS, encoding="utf-8")
    await editor.start_session([project])
    assert len(await editor.open(path.as_uri(), ORDERS)) == 1
    before = len(editor.published)
    text = ORDERS
    for number in range(5):  # typing: five changes in a burst, each adding a print
        text += f"\n\ndef step{number}() -> None:\n    print({number})\n"
        version = editor.change(path.as_uri(), text)
    diagnostics = await editor.diagnostics_for(path.as_uri(), version, after=before)
    assert len(diagnostics) == 6, "the buffer's five new prints, which are not on disk"
    assert path.read_text(encoding="utf-8") == ORDERS
    publishes = [p for p in editor.published[before:] if p.uri == path.as_uri()]
    assert len(publishes) < 5, f"one check per pause, not one per keystroke: {[p.version for p in publishes]}"
    before_save = len(editor.published)
    editor.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri())
    ))
    assert len(await editor.diagnostics_for(path.as_uri(), version, after=before_save)) == 6, "saving checks"


@pytest.mark.asyncio
async def test_syntax_error_clears_the_diagnostics_and_is_logged(editor: Editor, tmp_path: Path) -> None:
    project = _project(tmp_path)
    await editor.start_session([project])
    uri = (project / "app" / "orders.py").as_uri()
    assert len(await editor.open(uri, ORDERS)) == 4
    broken = editor.change(uri, ORDERS + "\ndef half_typed(:\n")
    assert await editor.diagnostics_for(uri, broken) == [], "no stale findings on code that moved"
    assert any("not checked: syntax error" in m.message and m.type == types.MessageType.Info
               for m in editor.log_messages)
    repaired = editor.change(uri, ORDERS)
    assert len(await editor.diagnostics_for(uri, repaired)) == 4


@pytest.mark.asyncio
async def test_a_failing_rule_is_logged_never_shown_as_a_diagnostic(
    editor_with_failing_rule: Editor, tmp_path: Path
) -> None:
    editor = editor_with_failing_rule
    project = _project(tmp_path)
    await editor.start_session([project])
    uri = (project / "app" / "orders.py").as_uri()
    diagnostics = await editor.open(uri, ORDERS)
    assert [d.code for d in diagnostics] == ["BE201", "BE401", "BE201", "BE202"], "the other rules still ran"
    errors = [m.message for m in editor.log_messages if m.type == types.MessageType.Error]
    assert len(errors) == 1 and "internal error in BE991: KeyError: 'boom'" in errors[0]
    assert "Traceback (most recent call last)" in errors[0]
    assert editor.messages == [], "nothing pops up"
    version = editor.change(uri, ORDERS + "\n")
    await editor.diagnostics_for(uri, version)
    assert len([m for m in editor.log_messages if m.type == types.MessageType.Error]) == 1, "logged once"


@pytest.mark.asyncio
async def test_configuration_change_is_followed(editor: Editor, tmp_path: Path) -> None:
    project = _project(tmp_path, 'select = ["BE401"]\n')
    await editor.start_session([project])
    uri = (project / "app" / "orders.py").as_uri()
    assert [d.code for d in await editor.open(uri, ORDERS)] == ["BE401"]
    # the server asked for the watcher before it answered the open, so the request is in by now
    assert [r.method for r in editor.registrations] == [types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
    assert editor.registrations[0].register_options["watchers"] == [{"globPattern": "**/pyproject.toml"}]
    (project / "pyproject.toml").write_text('[tool.backend-lint]\nselect = ["BE2"]\n', encoding="utf-8")
    before = len(editor.published)
    editor.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[types.FileEvent(
        uri=(project / "pyproject.toml").as_uri(), type=types.FileChangeType.Changed
    )]))
    diagnostics = await editor.diagnostics_for(uri, after=before)
    assert [d.code for d in diagnostics] == ["BE201", "BE201", "BE202"]


@pytest.mark.asyncio
async def test_configuration_change_is_followed_without_a_file_watcher(editor: Editor, tmp_path: Path) -> None:
    project = _project(tmp_path, 'select = ["BE401"]\n')
    await editor.start_session([project], "neovim@v0.11.0")  # Neovim does not watch files for servers
    uri = (project / "app" / "orders.py").as_uri()
    assert [d.code for d in await editor.open(uri, ORDERS)] == ["BE401"]
    assert editor.registrations == []
    (project / "pyproject.toml").write_text('[tool.backend-lint]\nignore = ["BE401", "BE202"]\n', encoding="utf-8")
    version = editor.change(uri, ORDERS + "\n")
    assert [d.code for d in await editor.diagnostics_for(uri, version)] == ["BE201", "BE201"]


@pytest.mark.asyncio
async def test_broken_configuration_is_shown_once_and_the_defaults_apply(editor: Editor, tmp_path: Path) -> None:
    project = _project(tmp_path, 'selec = ["BE401"]\n')
    await editor.start_session([project])
    uri = (project / "app" / "orders.py").as_uri()
    assert len(await editor.open(uri, ORDERS)) == 4, "every rule: the defaults"
    version = editor.change(uri, ORDERS + "\n")
    await editor.diagnostics_for(uri, version)
    [message] = editor.messages
    assert message.type == types.MessageType.Error
    assert "unknown key `selec` in [tool.backend-lint]; did you mean `select`?" in message.message
    assert str(project / "pyproject.toml") in message.message


@pytest.mark.asyncio
async def test_folders_outside_files_and_untitled_buffers(editor: Editor, tmp_path: Path) -> None:
    quiet = _project(tmp_path / "quiet", 'select = ["BE401"]\n')
    everything = _project(tmp_path / "everything")
    (everything / "migrations").mkdir()
    (everything / "pyproject.toml").write_text('[tool.backend-lint]\nextend-exclude = ["migrations/"]\n',
                                              encoding="utf-8")
    loose = tmp_path / "loose"
    loose.mkdir()
    await editor.start_session([quiet, everything])
    assert [d.code for d in await editor.open((quiet / "app" / "a.py").as_uri(), ORDERS)] == ["BE401"]
    assert len(await editor.open((everything / "app" / "a.py").as_uri(), ORDERS)) == 4
    assert await editor.open((everything / "migrations" / "0001.py").as_uri(), ORDERS) == [], "excluded"
    assert len(await editor.open((loose / "script.py").as_uri(), ORDERS)) == 4, "outside every folder"
    assert [d.code for d in await editor.open("untitled:Untitled-1", ORDERS)] == ["BE401"], "first folder's"
    cell = "vscode-notebook-cell:/work/analysis.ipynb#W0sZmlsZQ%3D%3D"
    editor.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=cell, language_id="python", version=1, text=ORDERS)
    ))
    await editor.open((everything / "app" / "b.py").as_uri(), ORDERS)  # answered after the cell's open
    assert all(params.uri != cell for params in editor.published), "a notebook cell is not a service module"
    before_close = len(editor.published)
    editor.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=(quiet / "app" / "a.py").as_uri())
    ))
    assert await editor.diagnostics_for((quiet / "app" / "a.py").as_uri(), after=before_close) == [], "closed"


@pytest.mark.asyncio
async def test_folder_added_later_brings_its_configuration(editor: Editor, tmp_path: Path) -> None:
    first = _project(tmp_path / "first")
    second = _project(tmp_path / "second", 'select = ["BE202"]\n')
    await editor.start_session([first])
    uri = (second / "app" / "a.py").as_uri()
    assert [d.code for d in await editor.open(uri, ORDERS)] == ["BE202"], "its own pyproject.toml, found upward"
    (second / "pyproject.toml").unlink()
    before = len(editor.published)
    editor.workspace_did_change_workspace_folders(types.DidChangeWorkspaceFoldersParams(
        event=types.WorkspaceFoldersChangeEvent(
            added=[types.WorkspaceFolder(uri=second.as_uri(), name="second")], removed=[]
        )
    ))
    assert len(await editor.diagnostics_for(uri, after=before)) == 4


def test_cli_check_path_does_not_import_the_server() -> None:
    import subprocess

    code = ("import sys, backend_lint.cli, backend_lint.runner, backend_lint.flake8_plugin;"
            "from backend_lint.cli import main; main(['check', '--output-format', 'json', '-']);"
            "loaded = [m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol', 'cattrs')"
            " or m.startswith('backend_lint.server')];"
            "print(json.dumps(loaded), file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", "import json;" + code], input=ORDERS.encode(),
                            capture_output=True, env=ENV, timeout=120)
    assert json.loads(result.stderr.decode().splitlines()[-1]) == []


def test_server_without_the_extra_says_what_to_install() -> None:
    import subprocess

    code = "import sys; sys.modules['pygls'] = None; from backend_lint.cli import main; sys.exit(main(['server']))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV, timeout=120)
    assert result.returncode == 2
    assert 'pip install "backend-lint[server]"' in result.stderr
