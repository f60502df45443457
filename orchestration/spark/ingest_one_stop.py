"""One-stop dossier exports (layout A or B; CSV, JSON Lines, XLSX) ingested on Spark, in
batches, after the queue and the reference catalogue (issue 14, item 2).

The same result as ``orchestration.extract.one_stop.OneStopBatch``, file by file (proved on
every sample one-stop file, the contract examples and hand-written files by
tests/test_spark_ingest_one_stop.py): each file read on its own (``one_stop_read``: its
cells, layout and header spellings), then ONE judged frame for the batch, tagged with
``file_id``. The rules are ``one_stop_rules.RULES`` unchanged, judged by the quarantine
engine's own statement (``rules.verdict_sql``, as the queue does); what the DuckDB batch
statement prepares for them in DuckDB-only SQL (struct-valued ``regexp_extract``,
``exclude``) is prepared here as Column expressions, from the same data:

- dates: the layout's formats (``parsing``'s patterns in Java syntax,
  ``ingest_queue.parse_datetime``: the same range and calendar checks), the first format
  giving a real date-time winning; a native workbook date as it is;
- vocabularies: each DISTINCT value of the batch mapped once in Python by the same
  normalisation and vocabulary (as ``one_stop_rules`` does), then looked up in a map literal;
- the footer (`Tổng số: … hồ sơ`): rows with one or two filled cells found by Spark,
  confirmed in Python by ``is_footer_text``; rows from the first footer on are cut.

Spark jobs per batch, whatever its number of files: the cells are cached, then footer
candidates, distinct values and the judged rows with their counts per file. Not wired into
the pipeline: the DuckDB ingest still writes the ledger and raw.*.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from pathlib import Path

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from orchestration.extract.one_stop_layouts import (
    CHANNELS,
    DATE_FIELDS,
    FLAG_FIELDS,
    FLAGS,
    LAYOUTS,
    RATINGS,
    SERVICE_LEVELS,
    STATUSES,
    TEXT_FIELDS,
)
from orchestration.extract.one_stop_rules import ROW_COLUMNS, RULES
from orchestration.extract.parsing import normalised_value
from orchestration.extract.types import QUARANTINE_COLUMNS
from orchestration.extract.xlsx_table import is_footer_text
from orchestration.spark.csv_read import judge_cached
from orchestration.spark.ingest_queue import parse_datetime
from orchestration.spark.one_stop_read import FIELDS, Inspected, inspect, read_cells

NATIVE = "__native"
# Field -> (vocabulary, Spark type of the canonical value), as one_stop_rules maps them.
_VOCABULARIES: dict[str, tuple[Mapping[str, object], str]] = {
    "channel": (CHANNELS, "string"),
    "service_level": (SERVICE_LEVELS, "string"),
    "status": (STATUSES, "smallint"),
    "rating": (RATINGS, "string"),
}


@dataclass(frozen=True)
class SparkOneStopFile:
    """One file's verdict, as ``types.Extracted`` holds it for the DuckDB ingest: ``rows``
    has ROW_COLUMNS, ``quarantined`` QUARANTINE_COLUMNS (slices of the batch's frames)."""

    layout: str
    rows: DataFrame
    quarantined: DataFrame
    rows_read: int


@dataclass(frozen=True)
class SparkOneStopBatch:
    """Per input file, in order, its verdict or the exception that rejects it; and the
    whole batch's frames (``file_id`` = the file's position, then the file's columns), to
    collect or write in one job rather than one per file. (When every file is rejected,
    there is nothing to write: the frames then hold ``file_id`` only.)"""

    outcomes: list[SparkOneStopFile | Exception]
    rows: DataFrame
    quarantined: DataFrame
    judged: DataFrame | None  # cached; `release` once the frames are written

    def release(self) -> None:
        if self.judged is not None:
            self.judged.unpersist()


def extract_one_stop_spark(
    spark: SparkSession, files: Sequence[tuple[Path, str]], agency_codes: frozenset[str]
) -> SparkOneStopBatch:
    """A batch of ``(path, file_label)`` read, judged and split on Spark, like
    ``OneStopBatch.extract``. A file that cannot be read is rejected on its own with the
    DuckDB reader's RejectedFile."""
    outcomes: list[SparkOneStopFile | Exception | None] = [None] * len(files)
    reads: dict[int, Inspected] = {}
    for file_id, (path, label) in enumerate(files):
        try:
            reads[file_id] = inspect(file_id, path, label)
        except Exception as exc:  # noqa: BLE001 - one broken file never stops the batch
            outcomes[file_id] = exc
    if not reads:
        empty = spark.createDataFrame([], "file_id int")
        return SparkOneStopBatch(outcomes, empty, empty, None)  # type: ignore[arg-type]

    groups: dict[Hashable, list[Inspected]] = {}
    for read in reads.values():
        groups.setdefault(read.key, []).append(read)
    frames = []
    for group in groups.values():
        frame, unreadable = read_cells(spark, group)
        frames.append(frame)
        for file_id, exc in unreadable.items():
            outcomes[file_id] = exc
            del reads[file_id]
    cells = reduce(DataFrame.unionByName, frames)
    cells = cells.cache()  # read once: footers, vocabularies and the verdict all need it
    try:
        cut = cells.where(_before_footer(cells))
        # What the rules need of the file: its layout and the column names details cite.
        tagged = cut.join(F.broadcast(_files_frame(spark, reads.values())), "file_id")
        judged = judge_cached(spark, _prepare(tagged, agency_codes), RULES)
        counts = dict(judged.groupBy("file_id").count().collect())  # fills the cache
    finally:
        cells.unpersist()

    usable = [_canonical(name).alias(name) for name in ROW_COLUMNS]
    rows = judged.where(F.col("reason").isNull()).select("file_id", *usable)
    quarantined = judged.where(F.col("reason").isNotNull()).select("file_id", *QUARANTINE_COLUMNS)
    for file_id, read in reads.items():
        outcomes[file_id] = SparkOneStopFile(
            layout=read.layout.name,
            rows=rows.where(F.col("file_id") == file_id).drop("file_id"),
            quarantined=quarantined.where(F.col("file_id") == file_id).drop("file_id"),
            rows_read=counts.get(file_id, 0),
        )
    assert all(outcome is not None for outcome in outcomes)
    return SparkOneStopBatch(outcomes, rows, quarantined, judged)  # type: ignore[arg-type]


def _files_frame(spark: SparkSession, reads: Iterable[Inspected]) -> DataFrame:
    """Per file: ``file_id``, ``layout``, ``attachment`` (layout B's e-result column is an
    attachment) and ``name_<field>``, the column name its details cite."""
    rows = [
        (read.file_id, read.layout.name, read.layout.e_result_is_attachment)
        + tuple(read.names[f] for f in FIELDS)
        for read in reads
    ]
    names = ", ".join(f"name_{f} string" for f in FIELDS)
    return spark.createDataFrame(rows, f"file_id int, layout string, attachment boolean, {names}")


def _before_footer(cells: DataFrame) -> Column:
    """Rows before their file's first footer line (a file without one keeps every row).
    A footer fills one or two cells, the first of them `Tổng số …`."""
    filled = reduce(lambda a, b: a + b, [(F.col(f) != "").cast("int") for f in FIELDS])
    first = F.coalesce(*(F.when(F.col(f) != "", F.col(f)) for f in FIELDS))
    candidates = (
        cells.where(filled.between(1, 2))
        .select("file_id", "row_number", first.alias("text"))
        .collect()
    )
    footers: dict[int, int] = {}
    for file_id, row_number, text in candidates:
        if is_footer_text(text) and row_number < footers.get(file_id, row_number + 1):
            footers[file_id] = row_number
    keep = F.lit(True)
    for file_id, row_number in footers.items():
        keep = keep & ((F.col("file_id") != file_id) | (F.col("row_number") < row_number))
    return keep


def _prepare(cut: DataFrame, agency_codes: frozenset[str]) -> DataFrame:
    """What RULES judge besides the cells (the columns of one_stop_rules' `parsed`):
    ``agency_known``, ``<vocabulary>_value``, ``<flag>_value``, and per date field
    ``_ts``, ``_present`` and ``_problem``."""
    added = [F.col("agency_code").isin(sorted(agency_codes)).alias("agency_known")]
    added += _vocabulary_values(cut)
    for field in DATE_FIELDS:
        present = F.col(field) != ""
        ts = _parsed_date(field)
        problem = (~present | ts.isNull()) if field == "updated_at" else (present & ts.isNull())
        # The version order needs the update time: an empty one is as unusable as a bad one.
        added += [ts.alias(f"{field}_ts"), present.alias(f"{field}_present")]
        added.append(problem.alias(f"{field}_problem"))
    # One select: each withColumn analyses the whole plan again.
    return cut.select("*", *added)


def _parsed_date(field: str) -> Column:
    """A native workbook date as it is; text by the file's layout's formats, the first
    that gives a real date-time winning."""
    text = F.col(field)
    parsed = F.when(F.col(field + NATIVE).isNotNull(), F.col(field + NATIVE))
    for layout in LAYOUTS:
        values = [parse_datetime(text, fmt)[0] for fmt in layout.date_formats]
        parsed = parsed.when(F.col("layout") == layout.name, F.coalesce(*values))
    return parsed


def _vocabulary_values(cut: DataFrame) -> list[Column]:
    """Each distinct value of the batch mapped once by the Python vocabularies, then
    looked up: the same mapping as one_stop_rules' lookup tables by construction."""
    # Layout B's e-result column is an attachment (a URL per row), never a yes/no flag:
    # its values are not collected (each distinct URL would be).
    flag_cells = [
        F.when(~F.col("attachment"), F.col(f)) if f == "has_e_result" else F.col(f)
        for f in FLAG_FIELDS
    ]
    pairs = [F.struct(F.lit(f).alias("f"), F.col(f).alias("v")) for f in _VOCABULARIES]
    pairs += [F.struct(F.lit("flag").alias("f"), cell.alias("v")) for cell in flag_cells]
    distinct = cut.select(F.explode(F.array(*pairs)).alias("p")).select("p.*").distinct()
    values: dict[str, list[str]] = {}
    for kind, value in distinct.collect():
        if value is not None:
            values.setdefault(kind, []).append(value)

    out = []
    for field, (vocabulary, kind) in _VOCABULARIES.items():
        mapped = {v: vocabulary.get(normalised_value(v)) for v in values.get(field, [])}
        out.append(_lookup(F.col(field), mapped, kind).alias(f"{field}_value"))
    # parse_flags: only what the vocabulary maps to True is True; the rest is False.
    trues = sorted(v for v in values.get("flag", []) if FLAGS.get(normalised_value(v)) is True)
    for field in FLAG_FIELDS:
        flag = F.col(field).isin(trues)
        if field == "has_e_result":
            flag = F.when(F.col("attachment"), F.col(field) != "").otherwise(flag)
        out.append(flag.alias(f"{field}_value"))
    return out


def _lookup(column: Column, mapped: Mapping[str, object], kind: str) -> Column:
    """``mapped[column]`` as a map literal; NULL for a value it maps to nothing."""
    entries = [(k, v) for k, v in sorted(mapped.items()) if v is not None]
    if not entries:
        return F.lit(None).cast(kind)
    literal = F.create_map(*(lit for k, v in entries for lit in (F.lit(k), F.lit(v).cast(kind))))
    return F.try_element_at(literal, column)


def _canonical(name: str) -> Column:
    """A usable row's canonical value, as one_stop_rules projects it."""
    if name in TEXT_FIELDS:
        return F.when(F.col(name) != "", F.col(name))
    if name in _VOCABULARIES or name in FLAG_FIELDS:
        return F.col(f"{name}_value")
    if name in DATE_FIELDS:
        return F.col(f"{name}_ts")
    return F.col(name)  # row_number, layout
