"""Extraction run ahead of loading, in worker processes; loading stays single-writer.

Extraction (pandas, Python) is CPU-bound and per file; loading is one DuckDB writer. On a
big landing tree the run spent most of its time extracting on one core, so files are
extracted ahead in a small process pool while the caller loads, strictly in discovery
order. Only files that certainly need extracting are sent ahead (new content whose hash
no earlier file of this run or of the ledger has): everything the ledger decides stays in
the caller, in order, exactly as without the pool. Workers start by spawning (the run is
a threaded Dagster process, in which forking is unsafe), which costs a second or two, so
the pool is used only when the new files are big enough to repay it. As with any spawned
pool, a script that ingests must guard its entry point (``if __name__ == "__main__"``);
`cchc`, Dagster and pytest do. If the workers cannot start or die, the remaining files are
extracted in the calling process.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from orchestration.extract.types import Extracted, RejectedFile
from orchestration.load.discovery import LandedFile

log = logging.getLogger(__name__)

WORKERS_ENV = "CCHC_EXTRACT_WORKERS"
# Below this many bytes of new files, spawning workers costs more than it saves.
PARALLEL_MIN_BYTES = 64 << 20
# Extractions in flight per worker. The loading process is the serial part and shares the
# cores with the workers: with only a couple of files ahead, workers sat idle whenever it
# fell behind (a checkpoint, a big file). Eight extracted files per worker are a few tens
# of MB.
AHEAD_PER_WORKER = 8


@dataclass(frozen=True)
class Outcome:
    """What extracting one file gave, in a form that crosses a process boundary."""

    extracted: Extracted | None = None
    rejected: str | None = None  # why the file is rejected, naming it
    trace: str | None = None  # the traceback of an unexpected error (debug log only)


Extractor = Callable[[LandedFile], Extracted]


def run_extractor(extractor: Extractor, landed: LandedFile) -> Outcome:
    """Extraction errors of any kind become an outcome (the file is rejected, the run
    goes on) with a message naming the file."""
    try:
        return Outcome(extracted=extractor(landed))
    except Exception as exc:  # a broken file must not stop the run
        return outcome_of(landed, exc)


def outcome_of(landed: LandedFile, result: Extracted | BaseException) -> Outcome:
    """An extraction, or the error that rejects the file, as an outcome."""
    if isinstance(result, Extracted):
        return Outcome(extracted=result)
    if isinstance(result, RejectedFile):
        return Outcome(rejected=str(result))
    return Outcome(
        rejected=f"{landed.relative_path}: lỗi đọc tệp / unreadable file: "
        f"{type(result).__name__}: {result}",
        trace="".join(traceback.format_exception(result)),
    )


def configured_workers() -> int:
    """``CCHC_EXTRACT_WORKERS`` (1 = no pool), else one per core, at most 4 (beyond
    that the single writer is the limit)."""
    value = os.environ.get(WORKERS_ENV, "").strip()
    if value:
        return max(1, int(value))
    return max(1, min(4, os.cpu_count() or 1))


@dataclass(frozen=True)
class Candidate:
    """A file the ledger has not seen with this content, in discovery order."""

    landed: LandedFile
    sha256: str


class Prefetcher:
    """Yields ``(candidate, outcome or None)`` in order. ``None``: the file was not sent
    ahead (its content may turn out to be a duplicate), the caller decides and extracts.

    ``candidates`` is consumed lazily, so hashing also runs only a window ahead.
    """

    def __init__(
        self,
        candidates: Iterable[Candidate],
        extractor: Extractor,
        loaded_shas: Iterable[str],
        workers: int,
    ) -> None:
        self._candidates = iter(candidates)
        self._extractor = extractor
        self._seen = set(loaded_shas)
        self._window: deque[tuple[Candidate, Future[Outcome] | None]] = deque()
        self._ahead = workers * AHEAD_PER_WORKER
        self._broken = False
        self._pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn")
        )

    def __iter__(self) -> Iterator[tuple[Candidate, Outcome | None]]:
        try:
            self._fill()
            while self._window:
                candidate, future = self._window.popleft()
                self._fill()
                yield candidate, self._result(candidate, future)
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def _result(self, candidate: Candidate, future: Future[Outcome] | None) -> Outcome | None:
        if future is None:
            return None
        try:
            return future.result()
        except BrokenProcessPool:
            # A worker died (killed, out of memory, could not start): the caller extracts
            # this file and every later one itself, as if there were no pool.
            log.warning(
                "extraction workers stopped; extracting in-process from %s",
                candidate.landed.relative_path,
            )
            self._broken = True
        except Exception:  # the outcome did not cross the process boundary
            log.warning(
                "extraction ahead failed; extracting %s in-process", candidate.landed.relative_path
            )
        return None

    def _fill(self) -> None:
        in_flight = sum(1 for _, future in self._window if future is not None)
        while in_flight < self._ahead:  # once broken, the rest is queued unsubmitted
            candidate = next(self._candidates, None)
            if candidate is None:
                return
            future = None
            # First time this content is seen: it is extracted whatever happens before.
            if candidate.sha256 not in self._seen and not self._broken:
                future = self._submit(candidate)
                in_flight += 1
            self._seen.add(candidate.sha256)
            self._window.append((candidate, future))

    def _submit(self, candidate: Candidate) -> Future[Outcome] | None:
        try:
            return self._pool.submit(run_extractor, self._extractor, candidate.landed)
        except BrokenProcessPool:
            self._broken = True
            return None
