"""An editor for the language server's end-to-end tests: a pytest-lsp client that starts ``backend-lint server``
as a real process over stdio and remembers what the server sent, with the client-side arithmetic (LSP
positions in the client's units, applying text edits) written independently of the server's code.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any, Optional

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

SERVER = [sys.executable, "-m", "backend_lint", "server"]
CODECS = {"utf-8": ("utf-8", 1), "utf-16": ("utf-16-le", 2), "utf-32": ("utf-32-le", 4)}
WAIT_SECONDS = 30.0  # only a guard against a hung server; nothing here measures speed


class Editor(LanguageClient):
    """The test client: every ``publishDiagnostics``, registration and message the server sent, in order."""

    def __init__(self) -> None:
        super().__init__(converter_factory=default_converter)
        self.published: list[types.PublishDiagnosticsParams] = []
        self.registrations: list[types.Registration] = []
        self.encoding = "utf-16"
        self.versions: dict[str, int] = {}
        self.texts: dict[str, str] = {}

    async def start_session(self, folders: list[Path], client: str = "visual-studio-code") -> None:
        """``initialize`` with a real editor's capabilities (as recorded by pytest-lsp) and these folders."""
        result = await self.initialize_session(types.InitializeParams(
            capabilities=client_capabilities(client),
            workspace_folders=[types.WorkspaceFolder(uri=folder.as_uri(), name=folder.name) for folder in folders],
        ))
        self.encoding = result.capabilities.position_encoding or "utf-16"

    # -- documents ---------------------------------------------------------------------------------
    async def open(self, uri: str, text: str) -> list[types.Diagnostic]:
        self.versions[uri], self.texts[uri] = 1, text
        self.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
        ))
        return await self.diagnostics_for(uri, 1)

    def change(self, uri: str, text: str) -> int:
        """Send the whole new text (the server syncs in full), as an unsaved edit; the new version."""
        self.versions[uri] += 1
        self.texts[uri] = text
        self.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        ))
        return self.versions[uri]

    async def apply(self, edit: types.WorkspaceEdit) -> list[types.Diagnostic]:
        """Apply a workspace edit to the open buffer as an editor does, and wait for the new diagnostics."""
        if edit.document_changes:
            [change] = edit.document_changes
            assert isinstance(change, types.TextDocumentEdit)
            uri, edits = change.text_document.uri, change.edits
            assert change.text_document.version == self.versions[uri], "the edit is for the current version"
        else:
            [(uri, edits)] = edit.changes.items()
        version = self.change(uri, apply_edits(self.texts[uri], list(edits), self.encoding))
        return await self.diagnostics_for(uri, version)

    async def diagnostics_for(self, uri: str, version: Optional[int] = None, after: int = 0) -> list[types.Diagnostic]:
        """The first diagnostics published for ``uri`` (at ``version``) among those after the ``after``-th."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT_SECONDS
        while loop.time() < deadline:
            for params in self.published[after:]:
                if params.uri == uri and (version is None or params.version == version):
                    return list(params.diagnostics)
            await asyncio.sleep(0.01)
        raise AssertionError(f"no diagnostics for {uri} version {version}: {self.published}")

    async def code_actions(self, uri: str, line: int, character: int,
                           only: Optional[list[str]] = None) -> list[types.CodeAction]:
        position = types.Position(line=line, character=character)
        result = await self.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=position, end=position),
            context=types.CodeActionContext(diagnostics=[], only=only),
        ))
        return [action for action in result or [] if isinstance(action, types.CodeAction)]

    async def resolved(self, action: types.CodeAction) -> types.CodeAction:
        """The action with its edit, resolved if the server left it out (as VS Code does on selection)."""
        return action if action.edit is not None else await self.code_action_resolve_async(action)


def _record_diagnostics(client: Editor, params: types.PublishDiagnosticsParams) -> None:
    client.published.append(params)
    client.diagnostics[params.uri] = params.diagnostics


def _register(client: Editor, params: types.RegistrationParams) -> None:
    client.registrations.extend(params.registrations)


def make_editor() -> Editor:
    editor = Editor()
    register_lsp_features(editor, {
        **DEFAULT_CLIENT_FEATURES,
        types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: _record_diagnostics,
        types.CLIENT_REGISTER_CAPABILITY: _register,
    })
    return editor


# -- the client's arithmetic, independent of backend_lint.server -------------------------------------
def client_units(text: str, encoding: str) -> int:
    codec, width = CODECS[encoding]
    return len(text.encode(codec)) // width


def client_lines(text: str) -> list[str]:
    """Lines as LSP defines them (``\\n``, ``\\r\\n``, ``\\r``), with their endings."""
    lines, current, index = [], "", 0
    while index < len(text):
        char = text[index]
        current += char
        if char == "\r" and text[index + 1:index + 2] == "\n":
            current += "\n"
            index += 1
        if char in "\r\n":
            lines.append(current)
            current = ""
        index += 1
    return [*lines, current]


def position_of(text: str, line: int, column: int, encoding: str) -> tuple[int, int]:
    """The LSP ``(line, character)`` of a 1-based line and 1-based character column."""
    body = client_lines(text)[line - 1].rstrip("\r\n")
    return line - 1, client_units(body[:column - 1], encoding)


def offset_of(text: str, position: types.Position, encoding: str) -> int:
    """The character offset a client resolves ``position`` to."""
    lines = client_lines(text)
    offset = sum(len(line) for line in lines[:position.line])
    body = lines[position.line].rstrip("\r\n") if position.line < len(lines) else ""
    codec, width = CODECS[encoding]
    return offset + len(body.encode(codec)[: position.character * width].decode(codec))


def apply_edits(text: str, edits: list[Any], encoding: str = "utf-16") -> str:
    """Apply LSP edits as a client does: every position refers to the text before any edit."""
    spans = [(offset_of(text, e.range.start, encoding), offset_of(text, e.range.end, encoding), e.new_text)
             for e in edits]
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def summary(diagnostics: list[types.Diagnostic]) -> list[tuple[str, int, int, int, int]]:
    """``(code, start line, start character, end line, end character)`` of each diagnostic."""
    return [(str(d.code), d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character)
            for d in diagnostics]
