"""Read JSON Lines into a text frame, taking only the wanted keys.

Values may be strings, numbers, booleans or null. Arrow's JSON reader parses the file in
C++ with an explicit schema of the wanted keys only (every other key, personal data among
them, is skipped by the parser). Arrow cannot turn numbers into strings, so a key seen as
a number or boolean is re-typed and the file re-read; a key holding both numbers and
strings, or a line Arrow refuses, sends the file to a plain line-by-line reader, which is
also the one that names the offending line when the file is not valid JSON Lines.
"""

from __future__ import annotations

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
from orchestration.extract.readers import decode_text
from orchestration.extract.types import RejectedFile

# Keys are taken from the first records; a key first appearing later is not read.
KEY_SAMPLE_LINES = 1000
_TYPE_CHANGE = re.compile(r"Column\(/(?P<key>[^)]*)\) changed from \w+ to (?P<kind>\w+)")
_ARROW_TYPES = {"number": pa.float64(), "boolean": pa.bool_()}


def read_jsonl(path: Path, file_label: str, keep_key: Callable[[str], bool]) -> pd.DataFrame:
    """Wanted keys as columns (key as written), cells as stripped text ('' for null or a
    missing key), index = line number from 1. Blank lines are not records."""
    text = decode_text(path.read_bytes(), file_label)
    lines = text.split("\n")
    line_numbers = _record_line_numbers(lines)
    if line_numbers.size == 0:
        raise RejectedFile(f"{file_label}: tệp rỗng / file is empty")
    keys = _sample_keys(lines, line_numbers, file_label, keep_key)
    if not keys:  # nothing we know: the caller rejects the file for its headers
        return pd.DataFrame(index=pd.Index(line_numbers, dtype="int64"))
    # Arrow reads UTF-8 only; re-encoding also drops a BOM and converts UTF-16.
    frame = _read_with_arrow(text.encode("utf-8"), keys, len(line_numbers))
    if frame is None:
        frame = _read_line_by_line(lines, line_numbers, list(keys), file_label)
    frame.index = pd.Index(line_numbers, dtype="int64")
    return frame


def _record_line_numbers(lines: list[str]) -> np.ndarray:
    # Arrow's trim, as pandas' `.str.strip()` on TEXT_DTYPE uses, without pandas' wrapping.
    stripped = pc.utf8_trim_whitespace(pa.array(lines, type=pa.large_string()))
    filled = pc.not_equal(stripped, "").to_numpy(zero_copy_only=False)
    return np.flatnonzero(filled) + 1


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


def _first_type(seen: set[type]) -> pa.DataType:
    seen = seen - {type(None)}
    if seen and seen <= {int, float}:
        return _ARROW_TYPES["number"]
    if seen == {bool}:
        return _ARROW_TYPES["boolean"]
    return pa.string()


def _read_with_arrow(
    data: bytes, first_types: dict[str, pa.DataType], expected_rows: int
) -> pd.DataFrame | None:
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
        return pd.DataFrame({key: _column_text(table.column(key)) for key in keys})
    return None


def _column_text(column: pa.ChunkedArray) -> pd.Series:
    if pa.types.is_string(column.type):
        # Stays in Arrow (no round trip through Python objects): null → '', then the trim
        # pandas' `.str.strip()` applies to TEXT_DTYPE.
        text = pc.utf8_trim_whitespace(pc.fill_null(column, "")).combine_chunks()
        return pd.Series(pd.arrays.ArrowStringArray(text))
    # Numbers and booleans are few distinct values (codes, flags): render each once, then
    # spread the renderings in Arrow (null → '', as `to_text` renders None and NaN).
    encoded = pc.dictionary_encode(column).combine_chunks()
    rendered = pa.array([to_text(v) for v in encoded.dictionary.to_pylist()], pa.large_string())
    text = pc.fill_null(pc.take(rendered, encoded.indices), "")
    return pd.Series(pd.arrays.ArrowStringArray(text))


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
