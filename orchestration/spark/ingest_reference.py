"""The reference catalogue (``reference/agencies.csv``, ``reference/procedures.csv``)
ingested on Spark (issue 14, item 2), after the queue exports.

The same result as ``orchestration.extract.reference.extract_agencies`` /
``extract_procedures`` (proved on the sample, the contract examples and hand-written files
by tests/test_spark_ingest_reference.py): the file read by ``csv_read`` (the reader the
queue ingest uses; its known differences are described there), the same rules
(``AGENCY_RULES``, ``PROCEDURE_RULES``) judged in ``spark.sql``, and the same preparation
as reference.py does in pandas, here as Column expressions: ``<column>_value`` the
lower-cased enumeration; loaded enumerations lower-cased, empty optional text NULL,
``has_fee`` a boolean. The same rejections: a missing or repeated header, a file with no
data row. Not wired into the pipeline yet: the DuckDB ingest still writes the ledger and
raw.*.
"""

from __future__ import annotations

from pathlib import Path

from pyspark.sql import Column, SparkSession
from pyspark.sql import functions as F

from orchestration.extract.csv_columns import ColumnSpec, column_positions
from orchestration.extract.raw_schema import column_names
from orchestration.extract.reference import (
    AGENCY_COLUMNS,
    AGENCY_RULES,
    PROCEDURE_COLUMNS,
    PROCEDURE_RULES,
    no_data_rows,
)
from orchestration.extract.rules import Rule
from orchestration.spark.csv_read import (
    SparkExtracted,
    judge_cached,
    known_cells,
    read_head,
    read_records,
    split_judged,
)

_AGENCY_ENUMERATIONS = ("level",)
_AGENCY_OPTIONAL_TEXT = ("parent_code",)
_PROCEDURE_ENUMERATIONS = ("level", "service_level", "has_fee", "field_group")
_PROCEDURE_OPTIONAL_TEXT = (
    "procedure_name",
    "field_code",
    "field_name",
    "field_group",
    "agency_code",
)


def extract_agencies_spark(spark: SparkSession, path: Path, file_label: str) -> SparkExtracted:
    """``agencies.csv`` read, judged and split on Spark, like ``reference.extract_agencies``."""
    return _extract(
        spark,
        path,
        file_label,
        table="agencies",
        specs=AGENCY_COLUMNS,
        rules=AGENCY_RULES,
        enumerations=_AGENCY_ENUMERATIONS,
        optional_text=_AGENCY_OPTIONAL_TEXT,
    )


def extract_procedures_spark(spark: SparkSession, path: Path, file_label: str) -> SparkExtracted:
    """``procedures.csv`` read, judged and split on Spark, like
    ``reference.extract_procedures``."""
    return _extract(
        spark,
        path,
        file_label,
        table="procedures",
        specs=PROCEDURE_COLUMNS,
        rules=PROCEDURE_RULES,
        enumerations=_PROCEDURE_ENUMERATIONS,
        optional_text=_PROCEDURE_OPTIONAL_TEXT,
    )


def _extract(
    spark: SparkSession,
    path: Path,
    file_label: str,
    *,
    table: str,
    specs: tuple[ColumnSpec, ...],
    rules: tuple[Rule, ...],
    enumerations: tuple[str, ...],
    optional_text: tuple[str, ...],
) -> SparkExtracted:
    """Raises RejectedFile as reference.py does: an empty or undecodable file, a repeated or
    missing required header, no data row."""
    head = read_head(path, file_label)
    positions = column_positions(head.headers, specs, file_label)
    cells = known_cells(read_records(spark, path, head), positions, specs)
    # As `_with_lowered`: the cells as read (the details cite them) and the lower-cased
    # enumerations the rules judge. One select: each withColumn analyses the plan again.
    prepared = cells.select("*", *(F.lower(c).alias(f"{c}_value") for c in enumerations))
    judged = judge_cached(spark, prepared, rules)
    rows_read = judged.count()  # caches the judged rows in the same job
    if rows_read == 0:
        judged.unpersist()
        raise no_data_rows(file_label)
    columns = [c for c in column_names(table) if c != "file_path"]
    usable = [_loaded(c, enumerations, optional_text).alias(c) for c in columns]
    return split_judged(judged, rows_read, usable)


def _loaded(column: str, enumerations: tuple[str, ...], optional_text: tuple[str, ...]) -> Column:
    """A usable row's value as reference.py loads it."""
    if column == "has_fee":
        # Rows with a bad flag are quarantined, so only true/false are left.
        return F.col("has_fee_value") == "true"
    value = F.col(f"{column}_value") if column in enumerations else F.col(column)
    if column in optional_text:
        value = F.when(value != "", value)
    return value
