"""Code actions: fix one finding, fix every safe finding in the file, or suppress one with ``# noqa``.

Offered for the findings under the requested range:

- "Fix BE204: Replace with `await asyncio.sleep(...)`" (``quickfix``, preferred) for a finding with a safe fix, and
  "Fix BE202 (unsafe): ..." (``quickfix``, never preferred, so no editor applies it unasked) for an unsafe one;
- "Suppress BE201 with `# noqa`" (``quickfix``), the comment the CLI's ``--add-noqa`` would write (also
  resolved lazily: placing it tokenizes the file);
- "Fix all safe backend-lint findings in this file" (``source.fixAll.backend-lint``), offered while the file
  has a finding with a safe fix, so editors can run it on save.

Fixes come from the library's fix API (:meth:`~backend_lint.runner.Checker.fix_source`, the code path of
``backend-lint fix``), applied to the unsaved text: ``only=`` one finding for a quick fix, every safe fix for
"fix all". The edit sent is the difference between the text and the fixed text, as minimal text edits.
Computing a fix parses the file with libcst, far slower than a check, and editors ask for code actions at
every cursor move; so when the client can resolve actions lazily (``codeAction/resolve`` with ``edit``), a fix
action is sent without its edit and computed only when the user picks it; either way, a fix is computed at
most once per version of the document.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Optional

from lsprotocol import types

from backend_lint.add_noqa import add_comments
from backend_lint.finding import Applicability, FileError, Finding
from backend_lint.server.diagnostics import overlaps
from backend_lint.server.documents import CheckedDocument, finding_key
from backend_lint.server.edits import text_edits

FIX_ALL_KIND = f"{types.CodeActionKind.SourceFixAll.value}.backend-lint"
FIX_ALL_TITLE = "Fix all safe backend-lint findings in this file"
KINDS = [types.CodeActionKind.QuickFix, FIX_ALL_KIND]
Log = Callable[[FileError], None]  # where an internal error of a fix goes (the server's log, never the user)


@dataclass
class ClientSupport:
    """What the client can do with code actions (read once from its capabilities)."""

    resolve_edits: bool = False  # codeAction/resolve may fill in ``edit``
    versioned_edits: bool = False  # WorkspaceEdit.documentChanges with the document's version


def client_support(capabilities: types.ClientCapabilities) -> ClientSupport:
    text_document = capabilities.text_document
    code_action = text_document.code_action if text_document is not None else None
    resolve = code_action.resolve_support if code_action is not None else None
    workspace_edit = capabilities.workspace.workspace_edit if capabilities.workspace is not None else None
    return ClientSupport(
        resolve_edits=resolve is not None and "edit" in resolve.properties,
        versioned_edits=bool(workspace_edit is not None and workspace_edit.document_changes),
    )


def _wanted(kind: str, only: Optional[Sequence[str]]) -> bool:
    """LSP's kind filter: ``only=["source.fixAll"]`` asks for ``source.fixAll.backend-lint`` too."""
    return not only or any(kind == wanted or kind.startswith(f"{wanted}.") for wanted in only)


def workspace_edit(document: CheckedDocument, new_text: str, support: ClientSupport) -> types.WorkspaceEdit:
    edits: list[types.TextEdit] = text_edits(document.text, new_text, document.index)
    if support.versioned_edits:
        identifier = types.OptionalVersionedTextDocumentIdentifier(uri=document.uri, version=document.version)
        return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(text_document=identifier, edits=edits)])
    return types.WorkspaceEdit(changes={document.uri: edits})


def fixed_text(document: CheckedDocument, finding: Optional[Finding], log: Log) -> tuple[str, list[str]]:
    """The document's text with one finding's fix (or, with ``None``, every safe fix) applied, and the
    reasons fixes were refused; a fix that raised is refused and its internal error goes to ``log``."""
    key = finding_key(finding) if finding is not None else None
    if key in document.fixes:
        return document.fixes[key]
    threshold = finding.applicability if finding is not None else Applicability.SAFE
    outcome = document.target.settings.checker.fix_source(
        document.source(), document.target.path, threshold=threshold, only=finding
    )
    for error in outcome.result.errors:
        if error.code is not None:
            log(error)
    found = document.fixes[key] = (outcome.text, [f"{refused.code}: {reason}" for refused, reason in outcome.refused])
    return found


def _fix_title(finding: Finding) -> str:
    unsafe = " (unsafe)" if finding.applicability is Applicability.UNSAFE else ""
    return f"Fix {finding.code}{unsafe}: {finding.fix_title}"


def code_actions(
    document: CheckedDocument,
    start: tuple[int, int],
    end: tuple[int, int],
    only: Optional[Sequence[str]],
    support: ClientSupport,
    log: Log,
) -> list[types.CodeAction]:
    """The actions for the findings meeting ``start``..``end`` (1-based line and column pairs)."""
    actions: list[types.CodeAction] = []
    quickfix = _wanted(types.CodeActionKind.QuickFix, only)
    for finding in document.findings:
        if not quickfix or not overlaps(finding, start, end):
            continue
        diagnostic = document.diagnostic_of(finding)
        if finding.fixable:
            action = types.CodeAction(
                title=_fix_title(finding),
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                is_preferred=finding.applicability is Applicability.SAFE,
                data=_data(document, "fix", finding),
            )
            if support.resolve_edits or not _resolve_into(document, action, finding, support, log):
                actions.append(action)
        suppress = types.CodeAction(
            title=f"Suppress {finding.code} with `# noqa`",
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[diagnostic],
            data=_data(document, "noqa", finding),
        )
        if not support.resolve_edits:  # finding the comment's place tokenizes the file: only when picked
            _suppress_into(document, suppress, finding, support)
        actions.append(suppress)
    if _wanted(FIX_ALL_KIND, only) and any(f.applicability is Applicability.SAFE for f in document.findings):
        action = types.CodeAction(title=FIX_ALL_TITLE, kind=FIX_ALL_KIND, data=_data(document, "fixAll", None))
        if support.resolve_edits or not _resolve_into(document, action, None, support, log):
            actions.append(action)
    return actions


def _data(document: CheckedDocument, action: str, finding: Optional[Finding]) -> dict[str, Any]:
    """What ``codeAction/resolve`` needs to find the action's document version and finding again."""
    return {
        "uri": document.uri,
        "version": document.version,
        "action": action,
        "finding": list(finding_key(finding)) if finding is not None else None,
    }


def _resolve_into(
    document: CheckedDocument, action: types.CodeAction, finding: Optional[Finding], support: ClientSupport, log: Log
) -> list[str]:
    """Compute the action's edit; the reasons it has none (empty when the edit was set)."""
    new_text, refused = fixed_text(document, finding, log)
    if new_text == document.text:
        return refused or ["the fix changed nothing"]
    action.edit = workspace_edit(document, new_text, support)
    return []


def _suppress_into(
    document: CheckedDocument, action: types.CodeAction, finding: Finding, support: ClientSupport
) -> list[str]:
    """Set the edit that adds the finding's code to the ``# noqa`` comment governing its line (or a new one)."""
    action.edit = workspace_edit(document, add_comments(document.text, [finding])[0], support)
    return []


def resolve(document: CheckedDocument, action: types.CodeAction, support: ClientSupport, log: Log) -> list[str]:
    """Fill in ``action.edit`` for ``document`` (the current version); the reasons it cannot be, if not."""
    data = action.data if isinstance(action.data, dict) else {}
    if data.get("uri") != document.uri or data.get("version") != document.version:
        return ["the document changed since the action was offered; ask for it again"]
    if data.get("action") == "fixAll":
        return _resolve_into(document, action, None, support, log)
    finding = document.find(data.get("finding") or ())
    if finding is None:
        return ["the finding is gone"]
    if data.get("action") == "noqa":
        return _suppress_into(document, action, finding, support)
    if not finding.fixable:
        return ["the finding has no fix"]
    return _resolve_into(document, action, finding, support, log)
