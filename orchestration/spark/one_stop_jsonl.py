"""One-stop JSON Lines exports read on Spark, as ``jsonl_table.read_jsonl_columns`` reads
them for the DuckDB path: a record per non-blank line, numbered by its line (from 1); the
wanted keys of the first KEY_SAMPLE_LINES records (in order of first appearance), each
cell rendered as ``parsing.to_text`` renders a JSON value ('' for null or a missing key).

How, and why:
  - The sample is read in Python (the first records only: a file may hold months), with
    ``jsonl_table``'s own sampler and ``one_stop_read.detect_layout``, so the keys, the
    layout and the rejections of a bad sampled line are the DuckDB reader's.
  - Spark reads each file whole (``binaryFile``; a file is one value, under 2 GiB) and
    splits it at LF, so every line keeps its number without a window: ``spark.read.json``
    and ``spark.read.text`` number nothing and may split a file. UTF-8 bytes that do not
    decode become U+FFFD (Spark 4's ``decode`` would fail the whole job); a UTF-16 file
    (with its BOM) is decoded by Java after Python has checked it whole.
  - Each record is parsed into a VARIANT (``try_parse_json``), which keeps the JSON type of
    every value, so a value is rendered by its type as ``to_text`` does (a number as typed:
    4.0 is `4`; true is `true`), whatever the key held on other lines. A line that does not
    parse, or is not an object, rejects the file with the message Python gives for it.
  - Known differences (none in the sample or contract files): a float that is not integral
    is rendered by Spark (`1.0E20`, not Python's `1e+20`); an object or array value as JSON
    (Python renders its repr); a line Spark's parser and Python's ``json`` judge differently
    (NaN, repeated keys) is rejected by Spark with a message that says so.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from orchestration.extract.jsonl_table import KEY_SAMPLE_LINES, _parse_line, _sample_keys
from orchestration.extract.one_stop_read import _is_wanted, detect_layout
from orchestration.extract.readers import decode_text, empty_file, text_encoding
from orchestration.extract.types import RejectedFile
from orchestration.spark.csv_read import PYTHON_WHITESPACE
from orchestration.spark.one_stop_read import FIELDS, Inspected, file_ids, with_null_natives

# Below this, an integral number renders without its fraction (parsing.to_text).
_INTEGRAL_BELOW = 1e15


@dataclass(frozen=True)
class JsonlSample:
    utf16: bool
    keys: tuple[str, ...]  # the wanted keys sampled, in order of first appearance
    field_keys: dict[str, str]  # canonical field -> the key its cells are read from


def inspect_jsonl(file_id: int, path: Path, file_label: str) -> Inspected:
    """Keys and layout from the file's first records; raises RejectedFile as
    ``read_jsonl_columns`` and ``detect_layout`` do for them."""
    encoding, lines, numbers = _head(path, file_label)
    keys = _sample_keys(lines, np.array(numbers), file_label, _is_wanted)
    layout, found = detect_layout(keys, file_label)
    # As one_stop_read._canonical: of two keys equal after NFC, the later one's cells are
    # read under the name the earlier one was found by.
    by_written = {unicodedata.normalize("NFC", key): key for key in keys}
    field_keys = {field: by_written[header] for field, header in found.items()}
    sample = JsonlSample(encoding == "utf-16", tuple(keys), field_keys)
    key = ("jsonl", sample.utf16, sample.keys)
    return Inspected(file_id, path, file_label, layout, found, key, jsonl=sample)


def _head(path: Path, file_label: str) -> tuple[str, list[str], list[int]]:
    """The Python codec, the lines up to the last sampled record, and the record lines'
    numbers (lines split at LF only, as ``str.split('\\n')``)."""
    with path.open("rb") as stream:
        encoding = text_encoding(stream.read(4))
    if encoding == "utf-16":
        decode_text(path.read_bytes(), file_label)  # Java would not say where it fails
    lines: list[str] = []
    numbers: list[int] = []
    try:
        with path.open(encoding=encoding, newline="\n") as stream:
            for line in stream:
                lines.append(line.removesuffix("\n"))
                if line.strip():
                    numbers.append(len(lines))
                    if len(numbers) == KEY_SAMPLE_LINES:
                        break
    except UnicodeDecodeError:
        decode_text(path.read_bytes(), file_label)  # raises the DuckDB reader's message
        raise
    if not numbers:
        raise empty_file(file_label)
    return encoding, lines, numbers


def read_jsonl_cells(
    spark: SparkSession, files: Sequence[Inspected]
) -> tuple[DataFrame, dict[int, Exception]]:
    """The cells of JSON Lines files sharing one sample of keys, and the files rejected for
    a line that is not a JSON object (one job finds them)."""
    sample = files[0].jsonl
    assert sample is not None
    content = spark.read.format("binaryFile").load([str(f.path) for f in files])
    if sample.utf16:
        text = F.decode("content", "UTF-16")  # Java's decoder reads the BOM
    else:
        text = F.regexp_replace(F.make_valid_utf8(F.col("content").cast("string")), "^\ufeff", "")
    lines = content.select(
        file_ids(content, files, F.col("path")).alias("file_id"),
        F.posexplode(F.split(text, "\n")).alias("position", "line"),
    )
    records = lines.where(F.trim("line", F.lit(PYTHON_WHITESPACE)) != "").select(
        "file_id",
        (F.col("position") + 1).cast("int").alias("row_number"),
        F.try_parse_json("line").alias("record"),
    )
    not_object = F.coalesce(~F.schema_of_variant("record").startswith("OBJECT"), F.lit(True))
    bad = records.where(not_object).groupBy("file_id").agg(F.min("row_number")).collect()
    by_id = {f.file_id: f for f in files}
    rejected = {file_id: _rejection(by_id[file_id], line) for file_id, line in bad}

    kept = records.where(~F.col("file_id").isin(list(rejected))) if rejected else records
    # The value of each read key, once (the rendering reads it several times).
    values = [
        F.try_variant_get("record", _path(key), "variant").alias(f"_value_{field}")
        for field, key in sample.field_keys.items()
    ]
    cells = kept.select("file_id", "row_number", *values).select(
        "file_id",
        "row_number",
        *(
            (_text(F.col(f"_value_{field}")) if field in sample.field_keys else F.lit("")).alias(
                field
            )
            for field in FIELDS
        ),
    )
    return with_null_natives(cells), rejected


def _path(key: str) -> str:
    # A wanted key normalises to a layout's header, none of which holds a quote.
    assert "'" not in key, key
    return f"$['{key}']"


def _text(value: Column) -> Column:
    """A JSON value as ``parsing.to_text`` renders it, then trimmed as the reader trims."""
    kind = F.schema_of_variant(value)
    number = F.try_variant_get(value, "$", "double")
    # `% 1`, not floor(): floor gives a bigint, which overflows (an error under ANSI).
    integral = (F.abs(number) < _INTEGRAL_BELOW) & (number % 1 == 0)
    as_text = F.try_variant_get(value, "$", "string")
    numeric = kind.startswith("DECIMAL") | kind.isin("DOUBLE", "FLOAT")
    text = (
        F.when(value.isNull() | (kind == "VOID"), F.lit(""))  # missing, or JSON null
        .when(numeric & integral, number.cast("bigint").cast("string"))
        .otherwise(as_text)  # strings, integers, booleans (`true`), JSON of the rest
    )
    return F.trim(F.coalesce(text, F.lit("")), F.lit(PYTHON_WHITESPACE))


def _rejection(read: Inspected, line_number: int) -> Exception:
    """The DuckDB reader's rejection of the file's first bad line, from Python's parser."""
    assert read.jsonl is not None
    encoding = "utf-16" if read.jsonl.utf16 else "utf-8-sig"
    with read.path.open(encoding=encoding, errors="replace", newline="\n") as stream:
        for number, line in enumerate(stream, 1):
            if number == line_number:
                try:
                    _parse_line(line, number, read.file_label)
                except RejectedFile as rejected:
                    return rejected
                break
    return RejectedFile(
        f"{read.file_label}: dòng {line_number} không đọc được / line {line_number} "
        "cannot be read by Spark's JSON parser"
    )
