"""Checking many files: worker processes, the result cache, and results in the order the files were found.

:meth:`Checker.check_file <backend_lint.runner.Checker.check_file>` is a pure function of a path and the
configuration, so files can be checked in any process and any order; this module hands them out in small
batches and gives the results back in discovery order, so the output of ``--jobs 8`` is byte-for-byte the
output of ``--jobs 1``. Only a bounded window of batches is in flight, and a worker returns findings without
the file's text or tree, so memory stays flat however many files there are.

With the cache on, the main process serves hits itself: a file whose stat signature is the one recorded with
its entry is not even read, others are hashed. Only misses go to workers, which read the file again and return
the digest (and signature) of the bytes they actually checked, so an entry is always stored under the content
it describes (a file edited during the run cannot poison the cache). Worker processes start on the first batch
that needs them, and only when there are enough files to check: a warm run, a run after editing a few files, or
a run on a handful of files never pays for a pool. If a worker dies (killed, out of memory), the rest of the run
goes on in the main process.
"""

from __future__ import annotations

import gc
import os
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Optional, TypeVar, Union

from backend_lint.cache import ResultCache, Signature, digest, read_signed, signature
from backend_lint.config import Config
from backend_lint.finding import FileResult

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor
    from multiprocessing.context import BaseContext

    from typing_extensions import TypeGuard  # typing.TypeGuard is Python 3.10+; only the type checker reads it

    from backend_lint.runner import Checker

Item = TypeVar("Item")
Checked = tuple[Optional[str], Optional[Signature], FileResult]
"""The digest of the bytes checked (``None``: uncacheable), the file's signature as read, the result."""
# a batch's results: pending in a worker, done here, or nothing to do
Work = Union["Future[list[Checked]]", list[Checked], None]
_Batch = tuple[list[Any], list[Optional[FileResult]], list[str], Work]  # items, cache hits, misses, their work

MIN_FILES_FOR_POOL = 16  # below this, starting processes costs more than it saves
_MAX_BATCH = 32
_WINDOW_PER_JOB = 4  # batches in flight per worker: enough to keep workers busy, few enough to bound memory

_GC_THRESHOLD = 100_000  # allocations between young-generation collections (Python's default: 700)

_worker_checker: Optional[Checker] = None


def default_jobs() -> int:
    """The cores this process may use (respecting CPU affinity and container limits where Python knows them)."""
    if sys.version_info >= (3, 13):
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def is_file_item(item: object) -> TypeGuard[str]:
    """A discovered path to check (not a discovery error, not ``-`` for standard input)."""
    return isinstance(item, str) and item != "-"


def check_items(
    items: Iterable[Item], checker: Checker, jobs: int, cache: Optional[ResultCache] = None
) -> Iterator[tuple[Item, Optional[FileResult]]]:
    """Yield every item in order with its result (``None`` for items that are not files to check).

    The cache is saved when the iteration completes.
    """
    with fewer_collections():
        yield from _check_items(list(items), checker, jobs, cache)


def _check_items(
    items: list[Item], checker: Checker, jobs: int, cache: Optional[ResultCache]
) -> Iterator[tuple[Item, Optional[FileResult]]]:
    # Every lookup first (a stat per unchanged file): whether a pool pays off depends on the files to check, so
    # a run after editing a few files of a large project checks them here instead of starting processes.
    known: dict[str, str] = {}
    hits = [_lookup(item, cache, known) if is_file_item(item) else None for item in items]
    if known and cache is not None and cache.summaries is not None:
        cache.summaries.release()  # settling reads the shards it needs again, a project at a time
    files = sum(1 for item, hit in zip(items, hits) if hit is None and is_file_item(item))
    use_pool = jobs > 1 and files >= MIN_FILES_FOR_POOL
    batch_size = max(1, min(_MAX_BATCH, files // (max(jobs, 1) * 16))) if use_pool else _MAX_BATCH
    runner = _Runner(checker, jobs if use_pool else 1, cache is not None)
    try:
        pending: deque[_Batch] = deque()
        for start in range(0, len(items), batch_size):
            batch = items[start : start + batch_size]
            hit_results = hits[start : start + batch_size]
            misses = [item for item, hit in zip(batch, hit_results) if hit is None and is_file_item(item)]
            work = runner.submit(misses, {path: known[path] for path in misses if path in known}) if misses else None
            pending.append((batch, hit_results, misses, work))
            while pending and (len(pending) > runner.window or _done(pending[0][3])):
                yield from _finish(*pending.popleft(), runner, cache)
        while pending:
            yield from _finish(*pending.popleft(), runner, cache)
    except BaseException:  # interrupted, or the caller stopped early: do not wait for workers
        runner.close(wait=False)
        raise
    runner.close(wait=True)
    if cache is not None:
        if checker.trigger_table is not None:  # the rules were built: the next run can import only those it needs
            cache.record_triggers(checker.trigger_table)
        cache.save()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector far less often while checking.

    Parsing allocates millions of nodes, and by default every 700 net allocations start a collection that
    walks the young objects: about 15 % of a check's time. Syntax trees hold no reference cycles (parents
    are kept in a separate dict), so reference counting frees them anyway; the collector only has to catch
    the rare cycle (an exception and its traceback), which a higher threshold still does. A warm run holds
    it from loading the cache on (``backend_lint.cli``): decoding the cache file's JSON made a few thousand
    collections' worth of objects, none of them garbage.
    """
    previous = gc.get_threshold()
    gc.set_threshold(_GC_THRESHOLD, *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def _lookup(path: str, cache: Optional[ResultCache], known: dict[str, str]) -> Optional[FileResult]:
    """The cached result of ``path``; on a miss whose bytes' summary the summary cache holds (the run before
    had another configuration or selection, or flake8 took it), their digest goes into ``known``: the walk that
    checks the file need not take the summary again."""
    if cache is None:
        return None
    file_signature = signature(path)
    hit = cache.lookup_signed(path, file_signature) if file_signature is not None else None
    if hit is not None:
        return hit
    read = read_signed(path)
    if read is None:
        return None
    file_digest = digest(read[0])
    hit = cache.lookup(path, file_digest, read[1])
    if hit is None and cache.summaries is not None and cache.summaries.holds(path, file_digest):
        known[path] = file_digest
    return hit


def _done(work: Work) -> bool:
    return work is None or isinstance(work, list) or work.done()


def _finish(
    batch: list[Item],
    known: list[Optional[FileResult]],
    misses: list[str],
    work: Work,
    runner: _Runner,
    cache: Optional[ResultCache],
) -> Iterator[tuple[Item, Optional[FileResult]]]:
    checked = iter(runner.results(work, misses))
    for item, hit in zip(batch, known):
        path: object = item  # narrowed to a path below; item keeps its own type for the caller
        if hit is not None or not is_file_item(path):
            yield item, hit
            continue
        file_digest, file_signature, result = next(checked)
        if cache is not None and file_digest is not None:
            cache.store(path, file_digest, result, file_signature)
        yield item, result


class _Runner:
    """Runs batches in this process, or in a process pool started on first use."""

    def __init__(self, checker: Checker, jobs: int, with_digest: bool) -> None:
        self.checker = checker
        self.jobs = jobs
        self.with_digest = with_digest
        self.window = jobs * _WINDOW_PER_JOB
        self._pool: Optional[ProcessPoolExecutor] = None
        self._broken = False

    def submit(self, paths: list[str], known: dict[str, str]) -> Union[Future[list[Checked]], list[Checked]]:
        if self.jobs == 1 or self._broken:
            return _check_batch(self.checker, paths, self.with_digest, known)
        # The pool's modules load with the first batch a worker checks: a warm run never imports them.
        from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415
        from concurrent.futures.process import BrokenProcessPool  # noqa: PLC0415

        if self._pool is None:
            self.checker.load()  # once here: forked workers inherit the imported rules
            self._pool = ProcessPoolExecutor(
                self.jobs, mp_context=_context(), initializer=_start_worker,
                initargs=(self.checker.config, self.checker.summarize),
            )
        try:
            return self._pool.submit(_worker_batch, paths, self.with_digest, known)
        except BrokenProcessPool:
            self._broken = True
            return _check_batch(self.checker, paths, self.with_digest, known)

    def results(self, work: Work, paths: list[str]) -> list[Checked]:
        if work is None:
            return []
        if isinstance(work, list):
            return work
        from concurrent.futures.process import BrokenProcessPool  # noqa: PLC0415 - loaded with the pool

        try:
            return work.result()
        except BrokenProcessPool:  # a worker died: check what it had here, and the rest, in this process
            self._broken = True
            return _check_batch(self.checker, paths, self.with_digest)

    def close(self, wait: bool) -> None:
        if self._pool is None:
            return
        if not wait:  # stop the workers now; a graceful shutdown could wait for work nobody will read
            for process in list((getattr(self._pool, "_processes", None) or {}).values()):
                process.terminate()
        self._pool.shutdown(wait=wait, cancel_futures=True)


def _context() -> BaseContext:
    """``fork`` where it is safe and cheap (Linux: workers inherit the imported rules), else the default."""
    from multiprocessing import get_all_start_methods, get_context  # noqa: PLC0415 - with the pool only

    if sys.platform.startswith("linux") and "fork" in get_all_start_methods():
        return get_context("fork")
    return get_context()


def _start_worker(config: Config, summarize: bool) -> None:
    global _worker_checker
    gc.freeze()  # the imported rules and analysis are never garbage: keep collections from walking them
    gc.set_threshold(_GC_THRESHOLD, *gc.get_threshold()[1:])
    from backend_lint.runner import Checker  # noqa: PLC0415 - with fork, inherited already

    _worker_checker = Checker.from_config(config)
    _worker_checker.summarize = summarize
    _worker_checker.load()


def _worker_batch(paths: list[str], with_digest: bool, known: dict[str, str]) -> list[Checked]:
    assert _worker_checker is not None
    return _check_batch(_worker_checker, paths, with_digest, known)


def _check_batch(
    checker: Checker, paths: list[str], with_digest: bool, known: Optional[dict[str, str]] = None
) -> list[Checked]:
    """Check each path; with ``with_digest``, also hash the exact bytes that were checked. ``known``: the digests
    of bytes whose summary the summary cache holds: checked with exactly those bytes, a file's summary is not
    taken again (the result comes without one, and settling reads it from the cache)."""
    checked: list[Checked] = []
    for path in paths:
        read = read_signed(path) if with_digest else None
        file_digest: Optional[str] = None
        file_signature: Optional[Signature] = None
        if read is None:
            result = checker.check_file(path)
        else:
            file_digest, file_signature = digest(read[0]), read[1]
            with checker.summary_cached(known is not None and known.get(path) == file_digest):
                result = checker.check_bytes(read[0], path)
        result.source = None  # the caller needs findings, not the text: keep results small
        for finding in result.findings:
            finding.fix_data = None  # private to fixing, which never runs here
        checked.append((file_digest, file_signature, result))
    return checked
