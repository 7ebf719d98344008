"""The language server: LSP messages in, checks and fixes of open documents out (pygls over stdio).

Documents are synchronised in full (the client sends the whole text on each change): pygls applies
incremental changes on lines split by ``str.splitlines``, which also breaks at form feeds and ``\\u2028``
where LSP does not, and would corrupt such a buffer; a whole 1,000-line file is ~40 kB on a local pipe.

When diagnostics are published:

- on open and on save, at once;
- on change, once the user has paused for :data:`DEBOUNCE_SECONDS` (each change restarts the wait), on the
  unsaved text;
- after a ``pyproject.toml`` changes (``workspace/didChangeWatchedFiles``, registered at start when the
  client can register it) or the workspace folders change, for every open document, with the settings
  read again;
- on close they are cleared.

Everything runs on the server's one event loop thread, so a check never races an edit: a check reads the
text current when it starts and publishes it with that version. Per open document the server keeps only its
last check and its pending timer, both replaced on each change and dropped on close, so memory stays flat.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Future
from typing import Optional

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol

from backend_lint import __version__
from backend_lint.files import PYTHON_SUFFIXES
from backend_lint.finding import FileError
from backend_lint.server.actions import KINDS, ClientSupport, client_support, code_actions, resolve
from backend_lint.server.diagnostics import contains, hover_text
from backend_lint.server.documents import CheckedDocument, check_document
from backend_lint.server.workspace import CONFIG_FILE, Folders, Settings

DEBOUNCE_SECONDS = 0.3
CHECKED_SCHEMES = ("file:", "untitled:")
WATCHER_ID = "backend-lint-pyproject"
logger = logging.getLogger(__name__)


class _Protocol(LanguageServerProtocol):
    """pygls's protocol, without its leak of one future per notification.

    pygls 2.1 runs its own handlers for ``didOpen``, ``didChange``, ``didClose``... as generators and stores
    each one's future in ``_request_futures`` under a fresh id that nothing removes: about 1.5 kB per keystroke
    (found by ``benchmarks/server.py``: 7 MiB over 3,000 edits). A finished future left there is such a leak
    (a request's own callback removes its future when it finishes), so each notification drops them.
    """

    def _check_handler_result(self, future: Future[object]) -> None:
        super()._check_handler_result(future)
        for key in [key for key, pending in self._request_futures.items() if pending.done()]:
            del self._request_futures[key]


class BackendLintServer(LanguageServer):
    """The server and its state: workspace folders, the last check of each open document, pending checks."""

    def __init__(self) -> None:
        super().__init__("backend-lint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full,
                         protocol_cls=_Protocol)
        self.folders = Folders()
        self.checked: dict[str, CheckedDocument] = {}
        self.pending: dict[str, asyncio.TimerHandle] = {}
        self.support = ClientSupport()

    # -- checking ------------------------------------------------------------------------------------
    def is_python(self, uri: str) -> bool:
        """A Python file or unsaved buffer; not a notebook cell or another scheme's document, which are not
        modules of a service."""
        if not uri.startswith(CHECKED_SCHEMES):
            return False
        document = self.workspace.get_text_document(uri)
        return document.language_id == "python" or uri.endswith(PYTHON_SUFFIXES)

    def current(self, uri: str) -> Optional[CheckedDocument]:
        """The check of the document's current text, made now if the last one is stale."""
        if uri not in self.workspace.text_documents or not self.is_python(uri):
            return None
        document = self.workspace.get_text_document(uri)
        last = self.checked.get(uri)
        if last is not None and last.version == document.version and last.text == document.source:
            return last
        target = self.folders.target(uri)
        self._show_problem(target.settings)
        checked = check_document(uri, document.version, document.source, target, self.workspace.position_encoding
                                 or types.PositionEncodingKind.Utf16)
        self._log_errors(checked, last)
        self.checked[uri] = checked
        return checked

    def publish(self, uri: str) -> None:
        self.cancel_pending(uri)
        checked = self.current(uri)
        if checked is not None:
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=uri, version=checked.version, diagnostics=checked.diagnostics
            ))

    def schedule(self, uri: str) -> None:
        self.cancel_pending(uri)
        self.pending[uri] = asyncio.get_running_loop().call_later(DEBOUNCE_SECONDS, self.publish, uri)

    def cancel_pending(self, uri: str) -> None:
        handle = self.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()

    def recheck_all(self) -> None:
        self.checked.clear()
        for uri in list(self.workspace.text_documents):
            self.publish(uri)

    # -- messages to the user ------------------------------------------------------------------------
    def _show_problem(self, settings: Settings) -> None:
        """A broken configuration is shown once (until a configuration file changes), not at every check."""
        if settings.problem is None or settings.problem_shown:
            return
        settings.problem_shown = True
        self.window_show_message(types.ShowMessageParams(
            type=types.MessageType.Error,
            message=f"backend-lint: {settings.problem}; checking with the default settings until it is fixed",
        ))

    def log_internal_error(self, error: FileError) -> None:
        """A failure of backend-lint itself, with its traceback, for the output channel (never a diagnostic)."""
        self.window_log_message(types.LogMessageParams(
            type=types.MessageType.Error, message=f"{error}\n{error.detail or ''}".rstrip()
        ))

    def _log_errors(self, checked: CheckedDocument, last: Optional[CheckedDocument]) -> None:
        """Internal errors and unchecked text go to the output channel, when they differ from the last check."""
        before = {str(error) for error in last.errors} if last is not None else set()
        for error in checked.internal_errors:
            if str(error) not in before:
                self.log_internal_error(error)
        reason = checked.unchecked_reason
        if reason is not None and (last is None or last.unchecked_reason != reason):
            self.window_log_message(types.LogMessageParams(
                type=types.MessageType.Info, message=f"{checked.target.path}: not checked: {reason}"
            ))


def initialize(ls: BackendLintServer, params: types.InitializeParams) -> None:
    ls.support = client_support(params.capabilities)
    _sync_folders(ls)


async def initialized(ls: BackendLintServer, params: types.InitializedParams) -> None:
    watched = ls.client_capabilities.workspace and ls.client_capabilities.workspace.did_change_watched_files
    if not (watched and watched.dynamic_registration):
        logger.info("the client cannot watch pyproject.toml; it is re-read at the next check after a change")
        return
    registration = types.Registration(
        id=WATCHER_ID,
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[types.FileSystemWatcher(glob_pattern=f"**/{CONFIG_FILE}")]
        ),
    )
    try:
        await ls.client_register_capability_async(types.RegistrationParams(registrations=[registration]))
    except Exception as exc:  # the configuration is still re-read at the next check (see workspace.py)
        ls.window_log_message(types.LogMessageParams(
            type=types.MessageType.Warning, message=f"backend-lint: cannot watch {CONFIG_FILE}: {exc}"
        ))


def did_open(ls: BackendLintServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.publish(params.text_document.uri)


def did_change(ls: BackendLintServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri)


def did_save(ls: BackendLintServer, params: types.DidSaveTextDocumentParams) -> None:
    ls.publish(params.text_document.uri)


def did_close(ls: BackendLintServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.cancel_pending(uri)
    ls.checked.pop(uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


def did_change_watched_files(ls: BackendLintServer, params: types.DidChangeWatchedFilesParams) -> None:
    if any(change.uri.rsplit("/", 1)[-1] == CONFIG_FILE for change in params.changes):
        ls.folders.forget()
        ls.recheck_all()


def did_change_folders(ls: BackendLintServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
    _sync_folders(ls)
    ls.recheck_all()


def hover(ls: BackendLintServer, params: types.HoverParams) -> Optional[types.Hover]:
    checked = ls.current(params.text_document.uri)
    if checked is None:
        return None
    line, col = checked.index.location(params.position)
    under = [finding for finding in checked.findings if contains(finding, line, col)]
    if not under:
        return None
    markdown = _client_reads_markdown(ls.client_capabilities)
    kind = types.MarkupKind.Markdown if markdown else types.MarkupKind.PlainText
    return types.Hover(contents=types.MarkupContent(kind=kind, value=hover_text(under, markdown)))


def code_action(ls: BackendLintServer, params: types.CodeActionParams) -> Optional[list[types.CodeAction]]:
    checked = ls.current(params.text_document.uri)
    if checked is None:
        return None
    start = checked.index.location(params.range.start)
    end = checked.index.location(params.range.end)
    return code_actions(checked, start, end, params.context.only, ls.support, ls.log_internal_error)


def code_action_resolve(ls: BackendLintServer, action: types.CodeAction) -> types.CodeAction:
    uri = action.data.get("uri") if isinstance(action.data, dict) else None
    checked = ls.current(uri) if isinstance(uri, str) else None
    if checked is None:
        reasons = ["the document is closed"]
    else:
        reasons = resolve(checked, action, ls.support, ls.log_internal_error)
    if reasons:
        ls.window_show_message(types.ShowMessageParams(
            type=types.MessageType.Warning, message=f"backend-lint: {action.title}: {'; '.join(reasons)}"
        ))
    return action


# (method, options, handler): every message the server answers, registered by build_server()
FEATURES: list[tuple[str, object, Callable[..., object]]] = [
    (types.INITIALIZE, None, initialize),
    (types.INITIALIZED, None, initialized),
    (types.TEXT_DOCUMENT_DID_OPEN, None, did_open),
    (types.TEXT_DOCUMENT_DID_CHANGE, None, did_change),
    (types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False), did_save),
    (types.TEXT_DOCUMENT_DID_CLOSE, None, did_close),
    (types.WORKSPACE_DID_CHANGE_WATCHED_FILES, None, did_change_watched_files),
    (types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS, None, did_change_folders),
    (types.TEXT_DOCUMENT_HOVER, None, hover),
    (types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(code_action_kinds=KINDS, resolve_provider=True),
     code_action),
    (types.CODE_ACTION_RESOLVE, None, code_action_resolve),
]


def build_server() -> BackendLintServer:
    """A server with every feature registered (a new one per call: tests and ``main`` each make their own)."""
    server = BackendLintServer()
    for method, options, handler in FEATURES:
        server.feature(method, options)(handler)
    return server


def _sync_folders(ls: BackendLintServer) -> None:
    """Our folders follow pygls's list (kept current from ``initialize`` and folder-change notifications);
    a client naming no folder but a root gets that root as its one folder."""
    uris = [folder.uri for folder in ls.workspace.folders.values()]
    if not uris and ls.workspace.root_uri:
        uris = [ls.workspace.root_uri]
    ls.folders.set_folders(uris)


def _client_reads_markdown(capabilities: types.ClientCapabilities) -> bool:
    hover = capabilities.text_document.hover if capabilities.text_document is not None else None
    formats = hover.content_format if hover is not None else None
    return formats is not None and types.MarkupKind.Markdown in formats
