"""Queue (xếp hàng) ticket exports ingested on Spark (issue 14, item 2), a first source.

The same result as ``orchestration.extract.queue.extract_queue`` (proved on every queue file
by tests/test_spark_ingest_queue.py), from ``spark.read``: one set of rules (``QUEUE_RULES``,
judged by the same ``reason_case``/``detail_case``/``duplicate_stages`` SQL, here in
``spark.sql``), the same accepted date formats and the same row numbers. Not wired into the
pipeline yet: the DuckDB ingest still writes the ledger and raw.*.

The file is read by ``csv_read`` (the reader every CSV source shares on Spark: dialect,
header, row numbers and its known differences are described there).
"""

from __future__ import annotations

import re
from pathlib import Path

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from orchestration.extract.csv_columns import column_positions
from orchestration.extract.parsing import DAY_FIRST, MAX_YEAR, MIN_YEAR, DateFormat
from orchestration.extract.queue import QUEUE_COLUMNS, QUEUE_RULES, TIME_COLUMNS
from orchestration.extract.raw_schema import column_names
from orchestration.spark.csv_read import (
    SparkExtracted,
    judge_cached,
    known_cells,
    read_head,
    read_records,
    split_judged,
)


def _java_regex(fmt: DateFormat) -> str:
    """The format's RE2 pattern in Java's syntax, matching the same strings: named groups
    are spelled ``(?<name>``, and ``\\s`` is RE2's set (Java's adds \\x0B)."""
    return fmt.pattern.replace("(?P<", "(?<").replace(r"\s", r"[\t\n\f\r ]")


def _date_part(text: Column, regex: str, group: int | None) -> Column:
    """A numeric group of the match; 0 when the optional group did not match."""
    if group is None:
        return F.lit(0)
    digits = F.regexp_extract(text, regex, group)
    return F.when(digits == "", F.lit(0)).otherwise(digits.try_cast("int"))


def parse_datetime(text: Column, fmt: DateFormat = DAY_FIRST) -> tuple[Column, Column]:
    """(value, bad) of a trimmed text cell, as ``parsing.parse_datetimes`` decides: the
    value matches ``fmt`` in full and is a real calendar date-time between MIN_YEAR and
    MAX_YEAR (31/02 and 25:00 are bad, not rolled over); an empty cell is NULL, not bad."""
    regex = _java_regex(fmt)
    groups = re.compile(fmt.pattern).groupindex
    year, month, day, hour, minute, second = (
        _date_part(text, regex, groups.get(name))
        for name in ("year", "month", "day", "hour", "minute", "second")
    )
    in_range = (
        text.rlike(regex)
        & year.between(MIN_YEAR, MAX_YEAR)
        & month.between(1, 12)
        & (day >= 1)
        & (hour < 24)
        & (minute < 60)
        & (second < 60)  # make_timestamp would roll 60 over into the next minute
    )
    # try_: an impossible day of the month (31/02, 29/02/2023) is NULL, not an error.
    value = F.when(in_range, F.try_make_timestamp_ntz(year, month, day, hour, minute, second))
    bad = (text != "") & value.isNull()
    return value, bad


def prepare_queue(cells: DataFrame, agency_codes: frozenset[str]) -> DataFrame:
    """What QUEUE_RULES judge besides the cells: ``agency_known`` and, per time column,
    ``<column>_value`` and ``<column>_bad`` (as ``extract_queue`` prepares them)."""
    added = [F.col("agency_code").isin(sorted(agency_codes)).alias("agency_known")]
    for column in TIME_COLUMNS:
        value, bad = parse_datetime(F.col(column))
        added += [value.alias(f"{column}_value"), bad.alias(f"{column}_bad")]
    # One select: each withColumn analyses the whole plan again (~0.1 s apiece).
    return cells.select("*", *added)


def extract_queue_spark(
    spark: SparkSession, path: Path, file_label: str, agency_codes: frozenset[str]
) -> SparkExtracted:
    """A queue export read, judged and split on Spark, like ``extract.queue.extract_queue``.

    Raises RejectedFile as the DuckDB extractor does for an empty or undecodable file and
    for repeated or missing required headers.
    """
    head = read_head(path, file_label)
    positions = column_positions(head.headers, QUEUE_COLUMNS, file_label)
    records = read_records(spark, path, head)
    prepared = prepare_queue(known_cells(records, positions, QUEUE_COLUMNS), agency_codes)

    judged = judge_cached(spark, prepared, QUEUE_RULES)
    rows_read = judged.count()  # caches the judged rows in the same job

    # The raw table's columns; a time column carries its parsed value.
    columns = [c for c in column_names("queue_tickets") if c != "file_path"]
    usable = [F.col(f"{c}_value").alias(c) if c in TIME_COLUMNS else F.col(c) for c in columns]
    return split_judged(judged, rows_read, usable)
