"""Bind each landing source to its extractor; ingest them in dependency order.

Each file goes one way: extracted (orchestration.extract: read, normalise, quarantine),
then its usable rows validated (orchestration.validate, the one entry point), then written
(orchestration.load.ingest, one transaction per file). The validation runs with the
extraction, in the same process (a worker process, for the queue's big trees), before the
outcome reaches the writer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from functools import partial
from pathlib import Path

import duckdb

from orchestration.extract.types import Extracted, RejectedFile
from orchestration.load.discovery import LandedFile
from orchestration.load.ingest import (
    BatchExtractor,
    Extractor,
    IngestSummary,
    ingest_source,
    known_agency_codes,
    missing_reference_files,
    row_table,
)
from orchestration.load.prefetch import Outcome, configured_workers, outcome_of
from orchestration.validate import validate, validate_files


class MissingReference(RuntimeError):
    """The agency or procedure catalogue has never been loaded: nothing can be validated."""


def _validated(landed: LandedFile, extracted: Extracted) -> Extracted:
    """The extraction with its usable rows validated; raises what refuses the file."""
    rows = validate(row_table(extracted, landed), extracted.rows, landed.relative_path)
    return replace(extracted, rows=rows)


def reference_table(landed: LandedFile) -> str:
    """The catalogue a reference file holds, by its name; any other name refuses it."""
    name = landed.relative_path.rsplit("/", 1)[-1]
    if name in ("agencies.csv", "procedures.csv"):
        return name.removesuffix(".csv")
    raise RejectedFile(
        f"{landed.relative_path}: tệp danh mục không xác định (chỉ nhận agencies.csv, "
        "procedures.csv) / unknown reference file (expected agencies.csv or procedures.csv)"
    )


def _reference_extractor(landed: LandedFile) -> Extracted:
    from orchestration.extract.reference import extract_agencies, extract_procedures

    extract = extract_agencies if reference_table(landed) == "agencies" else extract_procedures
    return _validated(landed, extract(landed.absolute_path, landed.relative_path))


def ingest_reference(
    con: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    rehash: bool | None = None,
    extractor: Extractor = _reference_extractor,
) -> IngestSummary:
    """``extractor``: another engine's (the Spark ingest's); the ledger is this one."""
    summary = ingest_source(con, landing_dir, "reference", extractor, rehash=rehash)
    missing = missing_reference_files(con, landing_dir)
    if missing:
        raise MissingReference(
            "Thiếu danh mục bắt buộc / required reference files never loaded: "
            + ", ".join(missing)
            + f" (landing root {landing_dir})"
        )
    return summary


# Module-level (picklable) extractors: big sources are extracted in worker processes.
def _queue_extractor(landed: LandedFile, agencies: frozenset[str]) -> Extracted:
    from orchestration.extract.queue import extract_queue

    return _validated(landed, extract_queue(landed.absolute_path, landed.relative_path, agencies))


def _bieu06_extractor(landed: LandedFile) -> Extracted:
    from orchestration.extract.bieu06 import extract_bieu06

    return _validated(landed, extract_bieu06(landed.absolute_path, landed.relative_path))


@contextmanager
def _duckdb_one_stop_batches(agencies: frozenset[str]) -> Iterator[BatchExtractor]:
    """The DuckDB engine's batch extractor, its rows validated (pandera) as one call."""
    from orchestration.extract.one_stop import OneStopBatch

    with OneStopBatch(agencies) as engine:

        def extract_batch(files: list[LandedFile]) -> list[Outcome]:
            results = engine.extract([(f.absolute_path, f.relative_path) for f in files])
            validated = _validated_batch(files, results)
            return [outcome_of(f, r) for f, r in zip(files, validated, strict=True)]

        yield extract_batch


def ingest_one_stop(
    con: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    rehash: bool | None = None,
    batches_for: Callable[
        [frozenset[str]], AbstractContextManager[BatchExtractor]
    ] = _duckdb_one_stop_batches,
) -> IngestSummary:
    """Extracted in batches by the engine (DuckDB is multi-threaded: no process pool).
    ``batches_for``: another engine's batch extractor for the catalogue's agency codes
    (the Spark ingest's)."""
    with batches_for(known_agency_codes(con)) as extract_batch:

        def extract_one(landed: LandedFile) -> Extracted:
            (outcome,) = extract_batch([landed])
            if outcome.extracted is None:
                raise RejectedFile(outcome.rejected or landed.relative_path)
            return outcome.extracted

        return ingest_source(
            con,
            landing_dir,
            "one_stop",
            extract_one,
            batch_extractor=extract_batch,
            rehash=rehash,
        )


def _validated_batch(
    files: list[LandedFile], results: list[Extracted | Exception]
) -> list[Extracted | Exception]:
    """The batch's extractions validated in one call (a failing file is found by checking
    each alone: only it is refused); files the engine rejected stay rejected."""
    extracted = [(f, r) for f, r in zip(files, results, strict=True) if isinstance(r, Extracted)]
    checked = iter(
        validate_files("dossier_versions", [(f.relative_path, r.rows) for f, r in extracted])
    )
    validated: list[Extracted | Exception] = []
    for result in results:
        if isinstance(result, Extracted):
            rows = next(checked)
            result = rows if isinstance(rows, Exception) else replace(result, rows=rows)
        validated.append(result)
    return validated


def _queue_extractor_for(agencies: frozenset[str]) -> Extractor:
    return partial(_queue_extractor, agencies=agencies)


def ingest_queue(
    con: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    rehash: bool | None = None,
    extractor_for: Callable[[frozenset[str]], Extractor] = _queue_extractor_for,
) -> IngestSummary:
    """``extractor_for``: the extractor for the catalogue's agency codes (another engine's,
    the Spark ingest's, runs in this process: it is not picklable)."""
    extractor = extractor_for(known_agency_codes(con))
    return ingest_source(
        con, landing_dir, "queue", extractor, workers=configured_workers(), rehash=rehash
    )


def ingest_agency_reports(
    con: duckdb.DuckDBPyConnection, landing_dir: Path, rehash: bool | None = None
) -> IngestSummary:
    return ingest_source(con, landing_dir, "agency_reports", _bieu06_extractor, rehash=rehash)


def ingest_all(
    con: duckdb.DuckDBPyConnection, landing_dir: Path, rehash: bool | None = None
) -> list[IngestSummary]:
    """Reference first: the other sources are validated against the catalogue."""
    return [
        ingest_reference(con, landing_dir, rehash),
        ingest_one_stop(con, landing_dir, rehash),
        ingest_queue(con, landing_dir, rehash),
        ingest_agency_reports(con, landing_dir, rehash),
    ]


def ledger_mismatches(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int, int, int]]:
    """Loaded files whose rows_read ≠ rows in the raw tables + quarantined rows.

    Counts what is actually stored, so it catches a loader that lost rows, not just an
    extractor that mis-added its own numbers.
    """
    return con.execute(
        """
        with stored as (
            select file_path, count(*) as n from raw.dossier_versions group by file_path
            union all select file_path, count(*) from raw.queue_tickets group by file_path
            union all select file_path, count(*) from raw.agency_report_rows group by file_path
            union all select file_path, count(*) from raw.agencies group by file_path
            union all select file_path, count(*) from raw.procedures group by file_path
        ),
        loaded as (select file_path, sum(n) as n from stored group by file_path),
        quarantined as (
            select file_path, count(*) as n from raw.quarantined_rows group by file_path
        )
        select l.file_path, l.rows_read,
               coalesce(s.n, 0) as rows_stored, coalesce(q.n, 0) as rows_quarantined
        from raw.file_ledger as l
        left join loaded as s on s.file_path = l.file_path
        left join quarantined as q on q.file_path = l.file_path
        where l.status = 'loaded'
          and (l.rows_read != coalesce(s.n, 0) + coalesce(q.n, 0)
               or l.rows_loaded != coalesce(s.n, 0)
               or l.rows_quarantined != coalesce(q.n, 0))
        order by l.file_path
        """
    ).fetchall()
