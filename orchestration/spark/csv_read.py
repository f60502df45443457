"""One CSV reader for every delimited source ingested on Spark (queue exports, the reference
catalogue): the file read with ``spark.read``, its known columns by header, and the
quarantine engine's SQL (``orchestration.extract.rules``) run in ``spark.sql``.

How the file is read, and why:
  - The head of the file (64 KiB) is read in Python, to decide what
    ``readers.read_delimited`` decides (BOM: UTF-8 or UTF-16 LE/BE; no BOM: UTF-8;
    delimiter from the header line) and to parse the header record. Spark's CSV reader gets
    ``encoding`` ``UTF-8``, or Java's ``UTF-16`` for UTF-16 with its BOM (the BOM picks the
    byte order), and a schema of as many string columns as the header has (no inference).
    A head that is not UTF-8 rejects the file with the DuckDB reader's message; undecodable
    bytes further on become U+FFFD in Spark instead of rejecting the file.
  - ``multiLine``: the only mode in which Spark decodes UTF-16 and quoted line breaks; it
    also keeps a file in one partition, in file order, which the row numbers rely on.
  - The header is matched by ``csv_columns.column_positions`` (the normalisation and
    rejections of ``read_columns``), and cells are trimmed of what ``str.strip`` trims.
    A record wider than the header loses its extra cells (pandas rejects the file).
  - Row numbers are as a spreadsheet shows them: the header is row 1, the first data row 2;
    a row whose known cells are all empty is not a data row and its number is skipped.
    One difference: Spark's CSV parser skips a fully *empty* line without counting it,
    where pandas counts it (and then drops it), so after an empty line inside the data the
    Spark numbers are one lower. The sample and contract files have none.
"""

from __future__ import annotations

import codecs
import csv
import io
import uuid
from dataclasses import dataclass
from pathlib import Path

from pyspark.sql import Column, DataFrame, DataFrameReader, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from orchestration.extract.csv_columns import ColumnSpec
from orchestration.extract.readers import decode_text, detect_delimiter, empty_file, text_encoding
from orchestration.extract.rules import Rule, verdict_sql
from orchestration.extract.types import QUARANTINE_COLUMNS

# Spark's `encoding` option takes Java's charset names; Java's UTF-16 reads the BOM too.
_JAVA_CHARSETS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16"}
# Enough to hold a header line; only the head of a large file is read in Python.
_SNIFF_BYTES = 1 << 16
# What `str.strip()` removes (the DuckDB reader trims cells with it); every such character
# is below U+3001.
PYTHON_WHITESPACE = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace())


@dataclass(frozen=True)
class SparkExtracted:
    """One file's rows on Spark, as ``types.Extracted`` holds them for the DuckDB ingest:
    ``rows`` has the raw table's columns (no ``file_path``), ``quarantined`` has
    QUARANTINE_COLUMNS; ``rows_read == rows.count() + quarantined.count()``."""

    rows: DataFrame
    quarantined: DataFrame
    rows_read: int
    judged: DataFrame  # cached: both frames read it; `release` once they are written

    def release(self) -> None:
        self.judged.unpersist()


@dataclass(frozen=True)
class CsvHead:
    """What is read of a file in Python before Spark reads it: its dialect and header."""

    encoding: str  # a Java charset name, for Spark's `encoding` option
    delimiter: str
    headers: list[str]  # as written


def read_head(path: Path, file_label: str) -> CsvHead:
    """Encoding and delimiter as ``readers.read_delimited`` decides them, and the header
    record, from the file's head only (a file may hold months of rows)."""
    with path.open("rb") as stream:
        head = stream.read(_SNIFF_BYTES)
    whole = len(head) < _SNIFF_BYTES
    python = text_encoding(head)
    try:
        # Incremental: a character cut at the end of the head is not an error.
        text = codecs.getincrementaldecoder(python)().decode(head, final=whole)
    except UnicodeDecodeError:
        decode_text(head, file_label)  # raises the DuckDB reader's RejectedFile
        raise
    if whole and not text.strip():
        raise empty_file(file_label)
    delimiter = detect_delimiter(text.split("\n", 1)[0])
    # Parsed here, not by a Spark job: its width is the schema Spark reads the file with.
    headers = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    return CsvHead(_JAVA_CHARSETS[python], delimiter, headers)


def read_records(spark: SparkSession, path: Path, head: CsvHead) -> DataFrame:
    """Every record of the file (the header included) as string columns ``_c0``…, with
    ``row_number`` in file order (the header is 1). A record wider than the header loses
    its extra cells (pandas rejects the file); a narrower one reads NULL for the missing."""
    records = csv_reader(spark, head).csv(str(path))
    # multiLine never splits a file (Spark's multi-line CSV source is not splittable): one
    # partition, in file order, whose ids are 0, 1, 2…, so the rows are numbered without
    # the shuffle a window over the whole file would cost. An integer, as in raw.*.
    return records.withColumn("row_number", (F.monotonically_increasing_id() + 1).cast("int"))


def csv_reader(spark: SparkSession, head: CsvHead) -> DataFrameReader:
    """Spark's CSV reader for files of ``head``'s dialect and width (string columns
    ``_c0``…, no inference, every record: the header too)."""
    schema = T.StructType(
        [T.StructField(f"_c{position}", T.StringType()) for position in range(len(head.headers))]
    )
    return (
        spark.read.schema(schema)
        .option("header", False)
        .option("multiLine", True)
        .option("encoding", head.encoding)
        .option("sep", head.delimiter)
        # RFC 4180 quoting, as pandas reads it: a quote inside quotes is doubled.
        .option("quote", '"')
        .option("escape", '"')
        .option("mode", "PERMISSIVE")
    )


def known_cells(
    records: DataFrame,
    positions: dict[str, int],
    specs: tuple[ColumnSpec, ...],
    keep: tuple[str, ...] = (),
) -> DataFrame:
    """``row_number``, the columns ``keep`` names (e.g. a batch's ``file_id``) and the known
    columns under their canonical names, trimmed ('' for empty, missing or absent); rows
    whose known cells are all empty are dropped."""
    raw = {
        name: F.coalesce(F.col(f"_c{position}"), F.lit("")) for name, position in positions.items()
    }
    # As the DuckDB reader: blank is judged on the cells as written, before trimming. (The
    # required columns are known, so `raw` is never empty.)
    blank = F.lit(True)
    for cell in raw.values():
        blank = blank & (cell == "")
    data = records.where((F.col("row_number") > 1) & ~blank)
    trimmed = [
        (F.trim(raw[spec.name], F.lit(PYTHON_WHITESPACE)) if spec.name in raw else F.lit("")).alias(
            spec.name
        )
        for spec in specs
    ]
    return data.select("row_number", *keep, *trimmed)


def judge_cached(spark: SparkSession, prepared: DataFrame, rules: tuple[Rule, ...]) -> DataFrame:
    """``prepared`` judged by ``rules`` (``reason``, ``detail``), cached: the usable and
    the quarantined frames both read it, not the file again."""
    view = f"_judged_{uuid.uuid4().hex}"
    prepared.createOrReplaceTempView(view)
    try:
        # Analysed here, so the view may go.
        # The quarantine engine's own statement (no source column is named reason/detail).
        return spark.sql(verdict_sql(rules, view, keep="*, ")).cache()
    finally:
        spark.catalog.dropTempView(view)


def split_judged(judged: DataFrame, rows_read: int, usable: list[Column]) -> SparkExtracted:
    """A judged frame as usable rows (``usable``: the raw table's columns, in its order) and
    quarantined rows (QUARANTINE_COLUMNS). Unordered, as Spark frames are: sorting would
    cost a job per frame, for nothing the loader needs."""
    rows = judged.where(F.col("reason").isNull()).select(*usable)
    quarantined = judged.where(F.col("reason").isNotNull()).select(*QUARANTINE_COLUMNS)
    return SparkExtracted(rows, quarantined, rows_read, judged)
