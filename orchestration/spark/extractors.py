"""The Spark extractors behind the loader's extractor interface (orchestration.load.ingest).

What a file is (new, re-delivered, duplicate, rejected), its ledger row, its one
transaction and the blocking rows-reconcile check stay the one implementation of the
DuckDB ingest; only reading a file and judging its rows (the same quarantine rules, as
Spark SQL) and checking the canonical frame (pandera's PySpark backend) run on Spark. The
judged rows come back to the driver as Arrow for the raw tables: in local mode that is the
same machine, and the Spark build starts from those raw tables (exported as Parquet) as it
does after the DuckDB ingest. On a cluster the extractors would write Parquet themselves
(docs/scale-out.md).

Biểu 06 workbooks are forms (a title block and a few dozen rows): the Python extractor
parses them on the driver in either engine. One-stop exports are read a batch at a time
(one Spark job per batch, orchestration/spark/ingest_one_stop.py), as the DuckDB engine
reads them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from pyspark.sql import DataFrame, SparkSession

from orchestration.extract import queue as queue_extract
from orchestration.extract import reference as reference_extract
from orchestration.extract.types import Extracted, RejectedFile
from orchestration.load import sources
from orchestration.load.discovery import LandedFile
from orchestration.load.ingest import BatchExtractor, IngestSummary
from orchestration.load.prefetch import Outcome, outcome_of
from orchestration.load.sources import reference_table
from orchestration.spark.csv_read import SparkExtracted
from orchestration.spark.ingest_one_stop import SparkOneStopFile, extract_one_stop_spark
from orchestration.spark.ingest_queue import extract_queue_spark
from orchestration.spark.ingest_reference import (
    extract_agencies_spark,
    extract_procedures_spark,
)
from orchestration.spark.one_stop_schema import validate_dossier_batch
from orchestration.spark.pandera_check import SchemaViolation
from orchestration.spark.queue_schema import validate_queue_tickets
from orchestration.spark.reference_schema import validate_reference

Validator = Callable[[DataFrame], DataFrame]


def collected(layout: str, extracted: SparkExtracted, validate: Validator, label: str) -> Extracted:
    """One file's Spark extraction, its usable rows checked by their PySpark model, as the
    loader's Extracted (Arrow tables). A failed check refuses the file, as
    orchestration.validate does on the DuckDB path."""
    try:
        try:
            validate(extracted.rows)
        except SchemaViolation as exc:
            raise RejectedFile(f"{label}: {exc}") from exc
        rows = extracted.rows.toArrow()
        quarantined = extracted.quarantined.toArrow()
    finally:
        extracted.release()
    return Extracted(layout, rows, quarantined, extracted.rows_read)


def reference_extractor(spark: SparkSession) -> Callable[[LandedFile], Extracted]:
    def extract(landed: LandedFile) -> Extracted:
        table = reference_table(landed)  # refuses an unknown catalogue as the DuckDB path
        path, label = Path(landed.absolute_path), landed.relative_path
        spark_extract = extract_agencies_spark if table == "agencies" else extract_procedures_spark
        extracted = spark_extract(spark, path, label)
        return collected(
            reference_extract.LAYOUT,
            extracted,
            lambda rows: validate_reference(table, rows),
            label,
        )

    return extract


def queue_extractor(
    spark: SparkSession, agency_codes: frozenset[str]
) -> Callable[[LandedFile], Extracted]:
    def extract(landed: LandedFile) -> Extracted:
        path, label = Path(landed.absolute_path), landed.relative_path
        extracted = extract_queue_spark(spark, path, label, agency_codes)
        return collected(queue_extract.LAYOUT, extracted, validate_queue_tickets, label)

    return extract


IngestStep = Callable[[duckdb.DuckDBPyConnection, Path, "bool | None"], IngestSummary]


def _file_slice(table: pa.Table, file_id: int) -> pa.Table:
    return table.filter(pc.equal(table["file_id"], file_id)).drop_columns(["file_id"])


@contextmanager
def one_stop_batches(spark: SparkSession, agency_codes: frozenset[str]) -> Iterator[BatchExtractor]:
    """The loader's batch extractor for one-stop exports: a batch read and judged on Spark
    in one job, its usable rows checked by the PySpark model as a whole (a failed check
    refuses the batch's files, each with the message), collected once, then cut per file."""

    def extract_batch(files: list[LandedFile]) -> list[Outcome]:
        batch = extract_one_stop_spark(
            spark, [(Path(f.absolute_path), f.relative_path) for f in files], agency_codes
        )
        try:
            if any(isinstance(o, SparkOneStopFile) for o in batch.outcomes):
                try:
                    validate_dossier_batch(batch.rows)
                except SchemaViolation as exc:
                    return [outcome_of(f, RejectedFile(f"{f.relative_path}: {exc}")) for f in files]
                rows, quarantined = batch.rows.toArrow(), batch.quarantined.toArrow()
        finally:
            batch.release()
        outcomes = []
        for file_id, (landed, verdict) in enumerate(zip(files, batch.outcomes, strict=True)):
            if isinstance(verdict, Exception):
                outcomes.append(outcome_of(landed, verdict))
                continue
            extracted = Extracted(
                verdict.layout,
                _file_slice(rows, file_id),
                _file_slice(quarantined, file_id),
                verdict.rows_read,
            )
            outcomes.append(Outcome(extracted=extracted))
        return outcomes

    yield extract_batch


def spark_ingest_steps(spark: SparkSession) -> list[tuple[str, IngestStep]]:
    """The ingest's steps, source by source in the DuckDB ingest's order (reference first:
    the others are judged against the catalogue), with the Spark extractors where they
    exist; the rest are the DuckDB ingest's own."""
    return [
        ("reference", partial(sources.ingest_reference, extractor=reference_extractor(spark))),
        (
            "one_stop",
            partial(
                sources.ingest_one_stop,
                batches_for=lambda codes: one_stop_batches(spark, codes),
            ),
        ),
        (
            "queue",
            partial(
                sources.ingest_queue, extractor_for=lambda codes: queue_extractor(spark, codes)
            ),
        ),
        ("agency_reports", sources.ingest_agency_reports),
    ]
