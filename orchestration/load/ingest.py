"""Take every new landed file of a source into the raw tables, recording each in the ledger.

A file already processed with the same content is skipped; a file whose content was already
loaded under another path is a ``duplicate`` and changes nothing; a file no extractor can
read is ``rejected`` with the extractor's message. Extraction errors of any kind never stop
the run: the file is rejected and the next one is taken.
"""

from __future__ import annotations

import logging
import pickle
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from orchestration.extract.types import Extracted
from orchestration.failpoints import failpoint
from orchestration.load import prefetch
from orchestration.load.discovery import LandedFile, discover, rehash_requested, sha256_of
from orchestration.load.prefetch import Candidate, Extractor, Outcome, Prefetcher, run_extractor
from orchestration.load.warehouse import (
    ROW_TABLE_BY_LAYOUT,
    FileRecord,
    LedgerEntry,
    record_files,
    record_stats,
)
from orchestration.settings import landing_reference_files

log = logging.getLogger(__name__)

HASH_THREADS = 2
# A batch extractor gets the new files in batches of at most this many bytes (or files), so
# that the memory a batch holds stays bounded whatever the size of the landing tree.
BATCH_MAX_BYTES = 128 << 20
BATCH_MAX_FILES = 4000

BatchExtractor = Callable[[list[LandedFile]], list[Outcome]]
# Files decided together and written in one transaction (see ``ingest_source``).
Group = list[tuple[Candidate, Outcome | None]]


@dataclass
class IngestSummary:
    source: str
    files_new: int = 0
    files_loaded: int = 0
    files_duplicate: int = 0
    files_rejected: int = 0
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)

    def as_metadata(self) -> dict[str, object]:
        return {
            "files_new": self.files_new,
            "files_loaded": self.files_loaded,
            "files_duplicate": self.files_duplicate,
            "files_rejected": self.files_rejected,
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_quarantined": self.rows_quarantined,
            "rejected_files": "\n".join(f"{p}: {m}" for p, m in self.rejected) or "-",
        }


@dataclass(frozen=True)
class Known:
    """What the ledger holds about one path: its content hash, and the file's (size,
    mtime) when it was hashed (None: not recorded)."""

    sha256: str
    size: int | None
    mtime_ns: int | None

    def same_stat(self, landed: LandedFile) -> bool:
        return (
            self.size is not None
            and self.mtime_ns is not None
            and (self.size, self.mtime_ns) == (landed.size, landed.mtime_ns)
        )


def _known_files(
    con: duckdb.DuckDBPyConnection,
) -> tuple[dict[str, Known], dict[str, str]]:
    """(what the ledger knows by path for every ledger row, path by sha256 for loaded files)."""
    rows = con.execute(
        "select file_path, sha256, status, size_bytes, mtime_ns from raw.file_ledger"
    ).fetchall()
    by_path = {path: Known(sha, size, mtime) for path, sha, _, size, mtime in rows}
    loaded_by_sha = {sha: path for path, sha, status, _, _ in rows if status == "loaded"}
    return by_path, loaded_by_sha


def row_table(extracted: Extracted, landed: LandedFile) -> str:
    """The raw table a file's rows go to."""
    if extracted.layout == "reference":
        return "agencies" if landed.relative_path.endswith("agencies.csv") else "procedures"
    return ROW_TABLE_BY_LAYOUT[extracted.layout]


def _to_hash(files: list[LandedFile], by_path: dict[str, Known], rehash: bool) -> list[LandedFile]:
    """The files whose content must be read: all of them when ``rehash``; otherwise those
    the ledger has no row for, or whose (size, mtime) differ from the ones recorded with
    its hash (as git's index does: an unchanged stat is taken for unchanged content)."""
    if rehash:
        return files
    return [
        landed
        for landed in files
        if (known := by_path.get(landed.relative_path)) is None or not known.same_stat(landed)
    ]


def _candidates(
    files: list[LandedFile],
    by_path: dict[str, Known],
    restat: list[tuple[str, int, int]] | None = None,
    rehash: bool = False,
) -> Iterator[Candidate]:
    """Files whose content the ledger has not recorded at their path, in order.

    Only the files ``_to_hash`` names are hashed (on a night with nothing new, none): two
    threads hash ahead (hashlib and file reads release the GIL) while the caller extracts
    and loads, and the first candidates are yielded before all are hashed. A file hashed
    and found unchanged (touched, copied back, or a ledger without stats) goes to
    ``restat``, so that its stat is recorded and the next run skips it.
    """
    files = _to_hash(files, by_path, rehash)
    pool = ThreadPoolExecutor(max_workers=HASH_THREADS, thread_name_prefix="sha256")
    try:
        hashes = pool.map(sha256_of, [landed.absolute_path for landed in files])
        for landed, sha in zip(files, hashes, strict=True):
            known = by_path.get(landed.relative_path)
            if known is None or known.sha256 != sha:
                yield Candidate(landed, sha)
            elif (
                restat is not None
                and landed.size is not None
                and landed.mtime_ns is not None
                and not known.same_stat(landed)
            ):
                restat.append((landed.relative_path, landed.size, landed.mtime_ns))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _batched(
    candidates: Iterable[Candidate], batch_extractor: BatchExtractor, loaded_shas: Iterable[str]
) -> Iterator[Group]:
    """The candidates a batch at a time, each with its extraction. As with the
    process pool, only files that certainly need extracting go into a batch (content no
    earlier file of the ledger or of this run has); the others are decided by the caller,
    in order (a duplicate, or extracted on its own when its first copy was rejected)."""
    seen = set(loaded_shas)
    pending: list[tuple[Candidate, bool]] = []
    size = 0

    def flush() -> Iterator[Group]:
        if not pending:
            return
        wanted = [candidate.landed for candidate, ahead in pending if ahead]
        outcomes = iter(batch_extractor(wanted) if wanted else [])
        yield [(candidate, next(outcomes) if ahead else None) for candidate, ahead in pending]

    for candidate in candidates:
        ahead = candidate.sha256 not in seen
        seen.add(candidate.sha256)
        pending.append((candidate, ahead))
        if ahead:
            size += candidate.landed.absolute_path.stat().st_size
        if size >= BATCH_MAX_BYTES or len(pending) >= BATCH_MAX_FILES:
            yield from flush()
            pending, size = [], 0
    yield from flush()


def _outcomes(
    found: list[LandedFile],
    extractor: Extractor,
    by_path: dict[str, Known],
    loaded_by_sha: dict[str, str],
    workers: int,
    batch_extractor: BatchExtractor | None = None,
    restat: list[tuple[str, int, int]] | None = None,
    rehash: bool = False,
) -> Iterable[Group]:
    """The candidates in groups, each with its extraction when it was run ahead: a
    group per batch of ``batch_extractor``; else one file a group, extracted in worker
    processes or by the caller. The pool is used only for a picklable extractor and
    enough bytes at paths the ledger has never seen to repay starting it (sizes, not
    hashes: the decision must be cheap)."""
    candidates = _candidates(found, by_path, restat, rehash)
    if batch_extractor is not None:
        return _batched(candidates, batch_extractor, loaded_by_sha.keys())
    if workers > 1:
        new_bytes = sum(
            f.absolute_path.stat().st_size for f in found if f.relative_path not in by_path
        )
        if new_bytes >= prefetch.PARALLEL_MIN_BYTES and _picklable(extractor):
            prefetched = Prefetcher(candidates, extractor, loaded_by_sha, workers)
            return ([pair] for pair in prefetched)
    return ([(candidate, None)] for candidate in candidates)


def _picklable(extractor: Extractor) -> bool:
    try:
        pickle.dumps(extractor)
    except (pickle.PicklingError, AttributeError, TypeError):
        return False  # a local function (tests' stand-ins): extract in this process
    return True


def ingest_source(
    con: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    source: str,
    extractor: Extractor,
    files: list[LandedFile] | None = None,
    workers: int = 1,
    batch_extractor: BatchExtractor | None = None,
    rehash: bool | None = None,
) -> IngestSummary:
    """``workers`` > 1 lets extraction run ahead in that many processes (see
    orchestration.load.prefetch); ``batch_extractor`` extracts many files at once
    instead (the one-stop engine). The outcome is the same either way: files are decided
    in order, one by one. Each file's rows and ledger row commit in one transaction; the
    files of one extraction batch share it (one commit per batch, a crash keeps the whole
    batch or none of it), every other file has its own."""
    summary = IngestSummary(source)
    by_path, loaded_by_sha = _known_files(con)
    found = files if files is not None else discover(landing_dir, source)
    restat: list[tuple[str, int, int]] = []
    groups = _outcomes(
        found,
        extractor,
        by_path,
        loaded_by_sha,
        workers,
        batch_extractor,
        restat,
        rehash=rehash_requested() if rehash is None else rehash,
    )
    for group in groups:
        records = [
            _decide(candidate, ahead, extractor, source, by_path, loaded_by_sha, summary)
            for candidate, ahead in group
        ]
        record_files(con, records)
        del group, records  # the batch's tables are freed before the next is extracted
    record_stats(con, restat)  # the generator is exhausted: every unchanged file is in it
    return summary


def _decide(
    candidate: Candidate,
    ahead: Outcome | None,
    extractor: Extractor,
    source: str,
    by_path: dict[str, Known],
    loaded_by_sha: dict[str, str],
    summary: IngestSummary,
) -> FileRecord:
    """What one file writes (its ledger row, its rows when loaded), counted in
    ``summary``; ``loaded_by_sha`` learns a loaded file's content at once, so a later copy
    in the same group is a duplicate."""
    landed, sha = candidate.landed, candidate.sha256
    now = datetime.now()
    # No ledger row at this path yet: the writer can skip deleting its earlier rows.
    new_path = landed.relative_path not in by_path
    summary.files_new += 1
    original = loaded_by_sha.get(sha)
    if original is not None and original != landed.relative_path:
        summary.files_duplicate += 1
        message = f"trùng nội dung với / same content as {original}"
        entry = _ledger_entry(landed, sha, "duplicate", message=message)
        return FileRecord(entry, new_path=new_path, seen_at=now)
    outcome = ahead if ahead is not None else run_extractor(extractor, landed)
    failpoint("extract")  # extracted, nothing of this file written yet
    if outcome.trace is not None:
        log.debug("unexpected extraction error\n%s", outcome.trace)
    if outcome.rejected is not None:
        return _reject(landed, sha, outcome.rejected, summary, new_path, now)
    extracted = outcome.extracted
    assert extracted is not None
    entry = _ledger_entry(
        landed,
        sha,
        "loaded",
        layout=extracted.layout,
        rows_read=extracted.rows_read,
        rows_loaded=len(extracted.rows),
        rows_quarantined=len(extracted.quarantined),
    )
    loaded_by_sha[sha] = landed.relative_path
    summary.files_loaded += 1
    summary.rows_read += extracted.rows_read
    summary.rows_loaded += len(extracted.rows)
    summary.rows_quarantined += len(extracted.quarantined)
    return FileRecord(entry, extracted, row_table(extracted, landed), new_path, now)


def _reject(
    landed: LandedFile,
    sha: str,
    message: str,
    summary: IngestSummary,
    new_path: bool,
    now: datetime,
) -> FileRecord:
    log.warning("Tệp bị từ chối / rejected file: %s", message)  # message names the file
    summary.files_rejected += 1
    summary.rejected.append((landed.relative_path, message))
    entry = _ledger_entry(landed, sha, "rejected", message=message)
    return FileRecord(entry, new_path=new_path, seen_at=now)


def _ledger_entry(landed: LandedFile, sha: str, status: str, **details: Any) -> LedgerEntry:
    """The ledger row of a decided file, with the stat its hash was taken at (stat cache)."""
    return LedgerEntry(
        landed.relative_path,
        landed.source,
        sha,
        status,
        size_bytes=landed.size,
        mtime_ns=landed.mtime_ns,
        **details,
    )


def known_agency_codes(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    rows = con.execute("select distinct agency_code from raw.agencies").fetchall()
    return frozenset(code for (code,) in rows)


def missing_reference_files(con: duckdb.DuckDBPyConnection, landing_dir: Path) -> list[str]:
    loaded = {
        path
        for (path,) in con.execute(
            "select file_path from raw.file_ledger where status = 'loaded' and source = 'reference'"
        ).fetchall()
    }
    return [path for path in landing_reference_files(landing_dir) if path not in loaded]
