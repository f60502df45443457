"""One-stop export files read on Spark into the cell frame the DuckDB reader builds
(``orchestration.extract.one_stop_read.ReadFile.cells``), tagged with the file's position in
its batch: ``file_id``, ``row_number``, one trimmed text column per canonical field (''
when empty or absent), ``<date field>__native``.

Two steps, so that a batch costs a few Spark reads rather than one per file (a read is
~0.5 s of planning and a job, more than a file's rows cost):
  1. ``inspect`` (Python, per file): what the DuckDB reader decides before the cells — the
     dialect, the header, the layout (``one_stop_read.detect_layout``, raising its
     RejectedFile) — and a read key: files with the same key are read together.
  2. ``read_cells`` (Spark, per key): one ``spark.read`` of all the key's files.

Per format:
  - CSV: ``csv_read``'s reader (every CSV source's on Spark; dialect and its known
    differences are described there), one read per dialect and header row. The header is
    matched as the pandas reader matches it: BOM and surrounding whitespace stripped, only
    wanted headers kept (personal data never enters a frame), an exact repeat dropped
    (pandas renames it `x.1`, which no layout knows). Several files may share a Spark
    partition, so rows are numbered by a window per file over the read order (one
    shuffle of the batch's cells), not by the partition's record index.
  - JSON Lines: ``one_stop_jsonl``.
  - XLSX: the DuckDB path's own reader (python-calamine, ``read_one_stop_file``) into
    Arrow, all the batch's workbooks handed to Spark in one ``createDataFrame``: a workbook
    is read whole in Python by either engine, so the cells are the same by construction.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

import numpy as np
import pyarrow as pa
from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T

from orchestration.extract.csv_columns import ColumnSpec
from orchestration.extract.one_stop_layouts import DATE_FIELDS, LAYOUTS, Layout
from orchestration.extract.one_stop_read import (
    NATIVE_SUFFIX,
    ReadFile,
    _is_wanted,
    detect_layout,
    read_one_stop_file,
)
from orchestration.spark.csv_read import CsvHead, csv_reader, known_cells, read_head

if TYPE_CHECKING:  # one_stop_jsonl imports this module
    from orchestration.spark.one_stop_jsonl import JsonlSample

FIELDS = tuple(LAYOUTS[0].headers)  # canonical field order (both layouts share it)
_FIELD_SPECS = tuple(ColumnSpec(name, name) for name in FIELDS)


def cell_schema() -> T.StructType:
    """The Spark twin of ``one_stop_read.cell_schema``, after ``file_id`` (row numbers are
    integers, as in raw.*; timestamps are naive local time)."""
    fields = [
        T.StructField("file_id", T.IntegerType()),
        T.StructField("row_number", T.IntegerType()),
    ]
    fields += [T.StructField(name, T.StringType()) for name in FIELDS]
    fields += [T.StructField(f + NATIVE_SUFFIX, T.TimestampNTZType()) for f in DATE_FIELDS]
    return T.StructType(fields)


@dataclass(frozen=True)
class Inspected:
    """A file of the batch as known before Spark reads it."""

    file_id: int
    path: Path
    file_label: str
    layout: Layout
    found: dict[str, str]  # canonical field -> header as written (NFC)
    key: Hashable  # files with equal keys are read by one Spark read
    csv: CsvHead | None = None
    positions: dict[str, int] = field(default_factory=dict)  # CSV: column -> position
    read: ReadFile | None = None  # XLSX: the cells, read in Python
    jsonl: JsonlSample | None = None  # JSON Lines: the keys sampled

    @property
    def names(self) -> dict[str, str]:
        """Canonical field -> the column name a quarantine detail cites."""
        return {f: self.found.get(f, self.layout.spelled(f)) for f in self.layout.headers}


def inspect(file_id: int, path: Path, file_label: str) -> Inspected:
    """Raises RejectedFile as ``read_one_stop_file`` does (an empty, undecodable or
    headerless file, a missing required header, an unsupported type)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        head = read_head(path, file_label)
        columns = wanted_positions(head.headers)
        layout, found = detect_layout(columns, file_label)
        key = ("csv", head.encoding, head.delimiter, tuple(head.headers))
        return Inspected(file_id, path, file_label, layout, found, key, head, columns)
    if suffix == ".jsonl":
        from orchestration.spark.one_stop_jsonl import inspect_jsonl

        return inspect_jsonl(file_id, path, file_label)
    # XLSX, and any other type: the DuckDB reader (which rejects the other types).
    read = read_one_stop_file(path, file_label)
    return Inspected(file_id, path, file_label, read.layout, read.found, ("xlsx",), read=read)


def read_cells(
    spark: SparkSession, files: Sequence[Inspected]
) -> tuple[DataFrame, dict[int, Exception]]:
    """The cells (``cell_schema``) of files sharing one read key, and the files found
    unreadable while reading them (JSON Lines: a bad line past the sample)."""
    kind = files[0].key[0]  # type: ignore[index]
    if kind == "csv":
        return _read_csv(spark, files), {}
    if kind == "jsonl":
        from orchestration.spark.one_stop_jsonl import read_jsonl_cells

        return read_jsonl_cells(spark, files)
    return _read_xlsx(spark, files), {}


def wanted_positions(headers: list[str]) -> dict[str, int]:
    """Header (stripped, as pandas names the column) -> position, for wanted headers."""
    seen: set[str] = set()
    columns: dict[str, int] = {}
    for position, header in enumerate(headers):
        if header in seen:  # pandas' `x.1`: not a header any layout knows
            continue
        seen.add(header)
        name = header.lstrip("\ufeff").strip()
        if _is_wanted(name):
            columns[name] = position
    return columns


def field_positions(columns: dict[str, int], found: dict[str, str]) -> dict[str, int]:
    """Canonical field -> position. As ``one_stop_read._canonical``: of two headers equal
    after NFC, the later one's cells are read under the name the earlier was found by."""
    by_written = {unicodedata.normalize("NFC", name): name for name in columns}
    return {name: columns[by_written[header]] for name, header in found.items()}


def file_ids(frame: DataFrame, files: Sequence[Inspected], uri: Column) -> Column:
    """``file_id`` of each row of a read of ``files``, from the file's URI as Spark names
    it (``uri``: ``input_file_name()`` or a binary read's ``path``). Spark lists the files
    when the read is planned (``inputFiles``, no job), so the names are matched in Python:
    ``input_file_name`` spells them as listed (`file:///…`, percent-encoded), a binary
    read as Hadoop's path (`file:/…`, not encoded); both spellings are looked up."""
    by_path = {f.path.resolve(): f.file_id for f in files}
    ids: dict[str, int] = {}
    for name in frame.inputFiles():
        path = urlparse(name).path
        file_id = by_path[Path(unquote(path)).resolve()]
        for spelling in (name, f"file:{path}", f"file:{unquote(path)}"):
            ids[spelling] = file_id
    entries = [lit for name, file_id in ids.items() for lit in (F.lit(name), F.lit(file_id))]
    return F.try_element_at(F.create_map(*entries), uri).cast("int")


def with_null_natives(cells: DataFrame) -> DataFrame:
    """Text-only sources have no native date cells."""
    natives = [F.lit(None).cast("timestamp_ntz").alias(f + NATIVE_SUFFIX) for f in DATE_FIELDS]
    return cells.select("file_id", "row_number", *FIELDS, *natives)


def _read_csv(spark: SparkSession, files: Sequence[Inspected]) -> DataFrame:
    first = files[0]  # the same header row: the same layout and positions for all
    assert first.csv is not None
    records = csv_reader(spark, first.csv).csv([str(f.path) for f in files])
    read_order = F.monotonically_increasing_id()
    file_id = file_ids(records, files, F.input_file_name())
    records = records.select("*", file_id.alias("file_id"), read_order.alias("_read_order"))
    # A file is never split (multiLine), so its records are in file order in the read.
    by_file = Window.partitionBy("file_id").orderBy("_read_order")
    records = records.withColumn("row_number", F.row_number().over(by_file).cast("int"))
    fields = field_positions(first.positions, first.found)
    # Every wanted column decides whether a row is blank (as the DuckDB reader), also those
    # no field is read from (the other layout's headers, a repeat after NFC).
    taken = set(fields.values())
    others = {f"_other_{p}": p for p in first.positions.values() if p not in taken}
    positions = {**fields, **others}
    return with_null_natives(known_cells(records, positions, _FIELD_SPECS, keep=("file_id",)))


def _read_xlsx(spark: SparkSession, files: Sequence[Inspected]) -> DataFrame:
    tables = []
    for f in files:
        assert f.read is not None
        cells = f.read.cells
        ids = pa.array(np.full(cells.num_rows, f.file_id, dtype=np.int32))
        # Row numbers as Spark's integers (raw.* has integer row numbers).
        numbers = cells.column("row_number").cast(pa.int32())
        tables.append(cells.set_column(0, "row_number", numbers).add_column(0, "file_id", ids))
    return spark.createDataFrame(pa.concat_tables(tables), schema=cell_schema())
