"""Read JSON Lines into a text frame, taking only the wanted keys.

Values may be strings, numbers, booleans or null. Arrow's JSON reader parses the file in
C++ with an explicit schema of the wanted keys only (every other key, personal data among
them, is skipped by the parser). Arrow cannot turn numbers into strings, so a key seen as
a number or boolean is re-typed and the file re-read; a key holding both numbers and
strings, or a line Arrow refuses, sends the file to a plain line-by-line reader, which is
also the one that names the offending line when the file is not valid JSON Lines.

The wanted keys and their first types come from the first records, sampled by Arrow's type
inference too (one C++ parse instead of ``json.loads`` per line, the reader's biggest cost);
whenever Arrow and Python could disagree (a record line that is not one ``{...}`` object, a
parse error, a key of two kinds) the Python sampler decides, as it did alone before.
"""

from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json

from orchestration.extract.parsing import TEXT_DTYPE, to_text
from orchestration.extract.readers import decode_text, empty_file
from orchestration.extract.types import RejectedFile

# Keys are taken from the first records; a key first appearing later is not read.
KEY_SAMPLE_LINES = 1000
_TYPE_CHANGE = re.compile(r"Column\(/(?P<key>[^)]*)\) changed from \w+ to (?P<kind>\w+)")
_ARROW_TYPES = {"number": pa.float64(), "boolean": pa.bool_()}
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_LF = ord("\n")


def read_jsonl(path: Path, file_label: str, keep_key: Callable[[str], bool]) -> pd.DataFrame:
    """Wanted keys as columns (key as written), cells as stripped text ('' for null or a
    missing key), index = line number from 1. Blank lines are not records."""
    columns, line_numbers = read_jsonl_columns(path, file_label, keep_key)
    frame = pd.DataFrame(
        {key: pd.Series(pd.arrays.ArrowStringArray(values)) for key, values in columns.items()}
    )
    frame.index = pd.Index(line_numbers, dtype="int64")
    return frame


def read_jsonl_columns(
    path: Path, file_label: str, keep_key: Callable[[str], bool]
) -> tuple[dict[str, pa.Array], np.ndarray]:
    """``read_jsonl`` as Arrow text arrays (string) and the records' line numbers,
    without building a pandas frame (the one-stop reader wants Arrow)."""
    raw = path.read_bytes()
    text = decode_text(raw, file_label)
    # Arrow reads UTF-8 only; re-encoding drops a BOM and converts UTF-16. Plain UTF-8 (just
    # validated by decoding it) is already what re-encoding would give.
    data = text.encode("utf-8") if raw.startswith(_BOMS) else raw
    line_numbers, objects_only = _record_line_numbers(data)
    if line_numbers.size == 0:
        raise empty_file(file_label)
    sampled = _sample_with_arrow(data, line_numbers, keep_key) if objects_only else None
    if sampled is not None:
        keys, first, rest_at = sampled
        if first is not None:
            rest = _rest_of_file(data, rest_at, keys, len(line_numbers) - KEY_SAMPLE_LINES)
            if rest is not None:
                return _joined(first, rest), line_numbers
    else:
        keys = _sample_keys(text.split("\n"), line_numbers, file_label, keep_key)
    if not keys:  # nothing we know: the caller rejects the file for its headers
        return {}, line_numbers
    columns = _read_with_arrow(data, keys, len(line_numbers)) if objects_only else None
    if columns is None:
        frame = _read_line_by_line(text.split("\n"), line_numbers, list(keys), file_label)
        columns = {key: text_array(frame[key]) for key in frame.columns}
    return columns, line_numbers


def _record_line_numbers(data: bytes) -> tuple[np.ndarray, bool]:
    """Line numbers of the records (non-blank lines, lines split at LF as ``str.split``
    does), and whether every record line is one ``{...}`` (Arrow reads a `null`, `[...]`
    or scalar line as a row where Python's reference reader rejects the file: only object
    lines may take the Arrow paths)."""
    # The lines are cut in C++ from the file's own buffer (no Python string per line).
    whole = pa.LargeStringArray.from_buffers(
        1, pa.py_buffer(np.array([0, len(data)], dtype=np.int64)), pa.py_buffer(data)
    )
    lines = pc.list_flatten(pc.split_pattern(whole, "\n"))
    # Arrow's trim, as pandas' `.str.strip()` on TEXT_DTYPE uses, without pandas' wrapping.
    stripped = pc.utf8_trim_whitespace(lines)
    filled = pc.not_equal(stripped, "")
    records = pc.filter(stripped, filled)
    objects = pc.and_(pc.starts_with(records, "{"), pc.ends_with(records, "}"))
    objects_only = bool(pc.all(objects).as_py()) if len(records) else True
    return np.flatnonzero(filled.to_numpy(zero_copy_only=False)) + 1, objects_only


def text_array(column: pd.Series) -> pa.Array:
    """A frame column of text cells as one Arrow string array (zero-copy when it is Arrow)."""
    values = pa.array(column.array) if hasattr(column.array, "__arrow_array__") else None
    if values is None:
        values = pa.array(column.to_numpy(dtype=object), pa.string())
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return values.cast(pa.string())


def _parse_line(line: str, line_number: int, file_label: str) -> dict[str, object]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise RejectedFile(
            f"{file_label}: dòng {line_number} không phải JSON hợp lệ / "
            f"line {line_number} is not valid JSON: {exc.msg} (column {exc.colno})"
        ) from exc
    if not isinstance(record, dict):
        raise RejectedFile(
            f"{file_label}: dòng {line_number} không phải đối tượng JSON / "
            f"line {line_number} is not a JSON object"
        )
    return record


def _sample_keys(
    lines: list[str], line_numbers: np.ndarray, file_label: str, keep_key: Callable[[str], bool]
) -> dict[str, pa.DataType]:
    """Wanted keys in order of first appearance, each with the Arrow type to try first:
    number or boolean when every sampled value of the key is one, else string (Arrow's
    retries then start from the right type instead of discovering it one error at a time;
    a later value of another kind ends in the same place either way)."""
    kinds: dict[str, set[type]] = {}
    # Every record repeats the same keys: decide each key once (normalising a header is
    # slow Python), not once per record.
    decided: set[str] = set()
    for line_number in line_numbers[:KEY_SAMPLE_LINES]:
        record = _parse_line(lines[line_number - 1], int(line_number), file_label)
        for key, value in record.items():
            if key not in decided:
                decided.add(key)
                if keep_key(key):
                    kinds[key] = set()
            seen = kinds.get(key)
            if seen is not None:
                seen.add(type(value))
    return {key: _first_type(seen) for key, seen in kinds.items()}


def _sample_with_arrow(
    data: bytes, line_numbers: np.ndarray, keep_key: Callable[[str], bool]
) -> tuple[dict[str, pa.DataType], dict[str, pa.Array] | None, int | None] | None:
    """``_sample_keys`` by Arrow's type inference over the same first records, or None
    when Arrow refuses them (the Python sampler then decides, naming a bad line). Arrow
    lists keys in order of first appearance and gives a key of numbers int64 or double, of
    booleans bool, of nulls only null; two kinds in one key are an error. Callers have
    checked that every record line is one object (so a row is a record).

    The inferred table already holds the sampled records' wanted cells: their text columns
    are returned too (None when a key's cells cannot be rendered from it as
    ``_read_with_arrow`` would: strings Arrow typed as timestamps, objects, lists), with
    the offset where the rest of the file starts (None when the sample is the whole file),
    so that no record is parsed twice."""
    sample_size = min(len(line_numbers), KEY_SAMPLE_LINES)
    rest_at = None
    if sample_size < len(line_numbers):  # the file up to the end of the last sampled line
        line_ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == _LF)
        end = int(line_ends[int(line_numbers[sample_size - 1]) - 1])
        data, rest_at = data[:end], end + 1
    try:
        table = pa_json.read_json(
            pa.BufferReader(data), read_options=pa_json.ReadOptions(use_threads=False)
        )
    except pa.ArrowInvalid:
        return None
    if table.num_rows != sample_size:
        return None  # e.g. two objects on one line, which Python rejects
    keys: dict[str, pa.DataType] = {}
    renderable = True
    for field in table.schema:
        if not keep_key(field.name):
            continue
        kind = field.type
        if pa.types.is_integer(kind) or pa.types.is_floating(kind):
            keys[field.name] = _ARROW_TYPES["number"]
        elif pa.types.is_boolean(kind):
            keys[field.name] = _ARROW_TYPES["boolean"]
        else:  # strings (Arrow may have typed them as timestamps), nulls, objects, lists
            keys[field.name] = pa.string()
            renderable &= pa.types.is_string(kind) or pa.types.is_null(kind)
    if not renderable or not keys:
        return keys, None, rest_at
    # The types the explicit read would have given: numbers as double (an int64 cell casts
    # to the double its text parses to), nulls as strings.
    columns = {
        key: _column_text(table.column(key).cast(kind, safe=False)) for key, kind in keys.items()
    }
    return keys, columns, rest_at


def _rest_of_file(
    data: bytes, rest_at: int | None, keys: dict[str, pa.DataType], expected_rows: int
) -> dict[str, pa.Array] | None:
    """The records after the sample read with the sample's types, in ONE attempt: any
    error (a key changing kind, a bad line) or a wrong number of rows gives None, and the
    caller reads the whole file the reference way (which decides such files)."""
    if rest_at is None:
        return {}
    schema = pa.schema(list(keys.items()))
    options = pa_json.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore")
    try:
        table = pa_json.read_json(pa.BufferReader(data[rest_at:]), parse_options=options)
    except pa.ArrowInvalid:
        return None
    if table.num_rows != expected_rows:
        return None
    return {key: _column_text(table.column(key)) for key in keys}


def _joined(first: dict[str, pa.Array], rest: dict[str, pa.Array]) -> dict[str, pa.Array]:
    if not rest:
        return first
    return {key: pa.concat_arrays([values, rest[key]]) for key, values in first.items()}


def _first_type(seen: set[type]) -> pa.DataType:
    seen = seen - {type(None)}
    if seen and seen <= {int, float}:
        return _ARROW_TYPES["number"]
    if seen == {bool}:
        return _ARROW_TYPES["boolean"]
    return pa.string()


def _read_with_arrow(
    data: bytes, first_types: dict[str, pa.DataType], expected_rows: int
) -> dict[str, pa.Array] | None:
    """None when Arrow cannot read the file with one type per key."""
    keys = list(first_types)
    types = dict(first_types)
    for _ in range(len(keys) + 1):
        schema = pa.schema(list(types.items()))
        options = pa_json.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore")
        try:
            table = pa_json.read_json(io.BytesIO(data), parse_options=options)
        except pa.ArrowInvalid as exc:
            change = _TYPE_CHANGE.search(str(exc))
            if change is None or change["key"] not in types or types[change["key"]] != pa.string():
                return None  # a mixed-type key or not JSON Lines: the slow path decides
            if change["kind"] not in _ARROW_TYPES:
                return None
            types[change["key"]] = _ARROW_TYPES[change["kind"]]
            continue
        if table.num_rows != expected_rows:
            return None
        return {key: _column_text(table.column(key)) for key in keys}
    return None


def _column_text(column: pa.ChunkedArray) -> pa.Array:
    if pa.types.is_string(column.type):
        # Stays in Arrow (no round trip through Python objects): null → '', then the trim
        # pandas' `.str.strip()` applies to TEXT_DTYPE.
        return pc.utf8_trim_whitespace(pc.fill_null(column, "")).combine_chunks()
    # Numbers and booleans are few distinct values (codes, flags): render each once, then
    # spread the renderings in Arrow (null → '', as `to_text` renders None and NaN).
    encoded = pc.dictionary_encode(column).combine_chunks()
    rendered = pa.array([to_text(v) for v in encoded.dictionary.to_pylist()], pa.string())
    return pc.fill_null(pc.take(rendered, encoded.indices), "")


def _read_line_by_line(
    lines: list[str], line_numbers: np.ndarray, keys: list[str], file_label: str
) -> pd.DataFrame:
    columns: dict[str, list[str]] = {key: [] for key in keys}
    for line_number in line_numbers:
        record = _parse_line(lines[line_number - 1], int(line_number), file_label)
        for key, values in columns.items():
            values.append(to_text(record.get(key)))
    return pd.DataFrame(
        {key: pd.Series(values, dtype=TEXT_DTYPE) for key, values in columns.items()}
    )
