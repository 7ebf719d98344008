"""The language server's speed and memory, measured the way an editor sees them.

    python benchmarks/server.py [--file PATH ...] [--edits N] [--latency-runs N]

Starts ``backend-lint server`` as a process (``pip install -e ".[server]"``), talks LSP to it over stdio with
pygls's client, and measures, for each file (default: a generated 1,000-line service module, plus a real
1,000-line view module from the corpus when it is downloaded):

- **latency**: an edit (``didChange``) until its ``publishDiagnostics`` arrives, minus the 300 ms debounce
  the server waits for the user to pause: median, 95th percentile and worst of ``--latency-runs`` edits;
- **open / edit + save**: the same for ``didOpen``, and for an edit followed by ``didSave``, which are
  checked at once: the server's own turnaround, without the debounce;
- **code action**: the lightbulb request at a finding, and resolving its fix (the libcst path), each on a new
  version of the text;
- **memory**: the server's resident memory (``/proc/PID/status``) over ``--edits`` edits of the same file,
  each checked at once (edit + save), sampled every 100 edits.

Nothing here is asserted: the targets (under 100 ms after the debounce for 1,000 lines; flat memory) are
read off the table, and the results go in ``docs/editors.md``. Speed is never tested by timed assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

from lsprotocol import types
from pygls.lsp.client import LanguageClient

DEBOUNCE = 0.3
CORPUS_FILE = Path.home() / ".cache/backend-lint-corpus/src/datasette/datasette/views/table.py"

_BLOCK = '''

def handle_order_{n}(order_id: str, amount: float) -> dict:
    """Charge one order and tell the warehouse ({n})."""
    response = requests.post(f"{{PAYMENTS}}/charges/{{order_id}}", json={{"amount": amount}})
    if response.status_code != 200:
        logger.error(f"charge failed for {{order_id}}")
        return {{"ok": False}}
    try:
        shipment = requests.get(f"{{WAREHOUSE}}/orders/{{order_id}}", timeout=5).json()
    except ValueError:
        logger.warning("warehouse answered with no JSON for %s", order_id)
        shipment = {{}}
    total = 0.0
    for line in shipment.get("lines", []):
        total += float(line.get("price", 0)) * int(line.get("quantity", 1))
    print("order", order_id, "total", total)
    return {{
        "ok": True,
        "order": order_id,
        "total": total,
        "charged": amount,
        "difference": round(total - amount, 2),
        "lines": len(shipment.get("lines", [])),
    }}
'''


def generated_module(lines: int = 1000) -> str:
    """A service module of about ``lines`` lines, with findings in every function (BE201, BE402, BE401)."""
    text = 'import logging\n\nimport requests\n\nlogger = logging.getLogger(__name__)\nPAYMENTS = "https://payments.internal"\nWAREHOUSE = "https://warehouse.internal"\n'  # noqa: E501
    number = 0
    while text.count("\n") < lines:
        text += _BLOCK.format(n=number)
        number += 1
    return text


class Client(LanguageClient):
    def __init__(self) -> None:
        super().__init__("backend-lint-benchmark", "1")
        self.waiting: dict[tuple[str, Optional[int]], asyncio.Future] = {}
        self.last: dict[str, types.PublishDiagnosticsParams] = {}

        @self.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(client: Client, params: types.PublishDiagnosticsParams) -> None:
            client.last[params.uri] = params
            future = client.waiting.pop((params.uri, params.version), None)
            if future is not None and not future.done():
                future.set_result(params)

    def expect(self, uri: str, version: Optional[int]) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        self.waiting[(uri, version)] = future
        return future


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _stats(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return f"median {statistics.median(values):6.1f} ms  p95 {p95:6.1f} ms  max {values[-1]:6.1f} ms"


async def _start(folder: Path) -> Client:
    client = Client()
    await client.start_io(sys.executable, "-m", "backend_lint", "server")
    capabilities = types.ClientCapabilities(text_document=types.TextDocumentClientCapabilities(
        code_action=types.CodeActionClientCapabilities(
            resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"])
        )
    ))
    await client.initialize_async(types.InitializeParams(
        capabilities=capabilities, workspace_folders=[types.WorkspaceFolder(uri=folder.as_uri(), name="b")]
    ))
    client.initialized(types.InitializedParams())
    return client


def _change(client: Client, uri: str, version: int, text: str, save: bool = False) -> asyncio.Future:
    """Send an edit (and a save: checked at once, no debounce); the future of its diagnostics."""
    future = client.expect(uri, version)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
    ))
    if save:
        client.text_document_did_save(types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)
        ))
    return future


async def _timed(future: asyncio.Future, started: float, minus: float = 0.0) -> float:
    await future
    return (time.perf_counter() - started - minus) * 1000


async def _code_actions(client: Client, uri: str, text: str, version: int, runs: int) -> int:
    """The lightbulb request at the first finding, then resolving its fix (libcst), as VS Code does; each run on
    a new version, since the server computes a fix once per version. Returns the last version sent."""
    requests, resolves = [], []
    for run in range(runs):
        version += 1
        await _change(client, uri, version, text + f"\n# action {run}\n", save=True)
        diagnostics = client.last[uri].diagnostics
        if not diagnostics:
            return version
        target = diagnostics[0].range.start
        started = time.perf_counter()
        actions = await client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=target, end=target),
            context=types.CodeActionContext(diagnostics=[]),
        ))
        requests.append((time.perf_counter() - started) * 1000)
        fix = next((a for a in actions or [] if a.title.startswith("Fix ")), None)
        if fix is not None:
            started = time.perf_counter()
            await client.code_action_resolve_async(fix)
            resolves.append((time.perf_counter() - started) * 1000)
    print(f"  code actions at a finding:       {_stats(requests)}")
    if resolves:
        print(f"  resolve its fix (libcst):        {_stats(resolves)}")
    return version


async def measure(path: Path, text: str, edits: int, latency_runs: int) -> None:
    client = await _start(path.parent)
    uri = path.as_uri()
    opened = client.expect(uri, 1)
    started = time.perf_counter()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
    ))
    open_ms = await _timed(opened, started)
    print(f"\n{path.name}: {text.count(chr(10))} lines, {len(client.last[uri].diagnostics)} diagnostics")
    print(f"  open (first check, cold)         {open_ms:7.1f} ms")

    version = 1
    debounced, saved = [], []
    for run in range(latency_runs):
        version += 1
        future = _change(client, uri, version, text + f"\n# edit {run}\n")
        debounced.append(await _timed(future, time.perf_counter(), minus=DEBOUNCE))
        version += 1
        future = _change(client, uri, version, text + f"\n# saved {run}\n", save=True)
        saved.append(await _timed(future, time.perf_counter()))
    print(f"  change -> diagnostics, after the {DEBOUNCE * 1000:.0f} ms debounce: {_stats(debounced)}")
    print(f"  edit + save -> diagnostics:      {_stats(saved)}")
    version = await _code_actions(client, uri, text, version, max(3, latency_runs // 5))

    pid = client._server.pid  # type: ignore[union-attr]
    samples = [rss_kib(pid)]
    for edit in range(1, edits + 1):
        version += 1
        # a number changes: a new identifier per edit would also grow Python's table of interned names
        await _change(client, uri, version, text + f"\nRETRIES = {edit}\n", save=True)
        if edit % 100 == 0:
            samples.append(rss_kib(pid))
    if edits:
        print(f"  memory over {edits} edits (RSS, MiB, at 0 and every 100): "
              + " ".join(f"{kib / 1024:.1f}" for kib in samples))
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, action="append", help="a Python file to edit (repeatable)")
    parser.add_argument("--edits", type=int, default=1000, help="edits for the memory measurement (default 1000)")
    parser.add_argument("--latency-runs", type=int, default=30, help="edits timed for latency (default 30)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        files: list[tuple[Path, str]] = []
        generated = Path(folder) / "orders_service.py"
        files.append((generated, generated_module()))
        for path in args.file or ([CORPUS_FILE] if CORPUS_FILE.is_file() else []):
            copy = Path(folder) / path.name
            files.append((copy, path.read_text(encoding="utf-8")))
        for path, text in files:
            path.write_text(text, encoding="utf-8")
            asyncio.run(measure(path, text, args.edits, args.latency_runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
