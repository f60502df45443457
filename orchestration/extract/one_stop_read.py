"""Read one one-stop export into an Arrow table of canonical text cells.

Reading stays per file (each file has its own encoding, delimiter, layout and header
spelling); everything after it runs as one SQL statement over a batch of files
(orchestration.extract.one_stop_rules). The result of reading a file, ``ReadFile``, holds:
``row_number`` (the row as the source counts it), one stripped text column per canonical
field of the file's layout ('' when empty or absent), and ``<field>__native`` per date
field: a native workbook date cell, null elsewhere (its text column then holds the cell as
``str`` renders it, which is what a quarantine detail cites).

Only the wanted columns are read (``is_wanted_header``): personal data never enters a table.

CSV: a fast path in Arrow's C++ reader when the file is plain UTF-8 without empty lines
(Arrow skips empty lines, which would shift the row numbers of the rows after them) and
every row has the header's number of fields; anything else, or any doubt (an error from
Arrow), goes to the pandas reader, whose behaviour is the reference. XLSX and JSON Lines
keep their readers (openpyxl row by row; Arrow's JSON parser with a line-by-line fallback).
"""

from __future__ import annotations

import codecs
import csv
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from orchestration.extract.headers import normalise_header as _normalise_header
from orchestration.extract.jsonl_table import read_jsonl_columns, text_array
from orchestration.extract.one_stop_layouts import (
    DATE_FIELDS,
    LAYOUTS,
    PERSONAL_HEADERS,
    WANTED_HEADERS,
    Layout,
    is_wanted_header,
)
from orchestration.extract.readers import detect_delimiter, read_delimited
from orchestration.extract.types import RejectedFile
from orchestration.extract.xlsx_table import read_xlsx_table

# Every file repeats the same few dozen headers (and every JSON record the same keys):
# normalising one is slow Python (NFC, NFD, a pass per character), so each distinct
# header is normalised once per process. Pure functions of the text: caching changes nothing.
normalise_header = lru_cache(maxsize=4096)(_normalise_header)


@lru_cache(maxsize=4096)
def _is_wanted(header: str) -> bool:
    return is_wanted_header(header)


NATIVE_SUFFIX = "__native"
NATIVE_TYPE = pa.timestamp("us")
# A line with nothing on it (LF, CRLF or CR line ends), or one opening the file: searched
# as plain substrings (a memchr-speed scan each; a regex alternation took half the fast
# reader's time).
_EMPTY_LINES = (b"\n\n", b"\n\r\n", b"\r\r")
_EMPTY_FIRST_LINE = (b"\n", b"\r\n")
_QUOTE = ord('"')


@dataclass(frozen=True)
class ReadFile:
    file_label: str
    layout: Layout
    found: dict[str, str]  # canonical field -> header as written (NFC)
    cells: pa.Table  # row_number, the layout's fields as text, <date field>__native

    @property
    def names(self) -> dict[str, str]:
        """Canonical field -> the column name a quarantine detail cites."""
        return {f: self.found.get(f, self.layout.spelled(f)) for f in self.layout.headers}


def cell_schema() -> pa.Schema:
    """The columns of every ``ReadFile.cells`` (both layouts name the same fields)."""
    fields = [pa.field("row_number", pa.int64())]
    fields += [pa.field(name, pa.string()) for name in LAYOUTS[0].headers]
    fields += [pa.field(f + NATIVE_SUFFIX, NATIVE_TYPE) for f in DATE_FIELDS]
    return pa.schema(fields)


def read_one_stop_file(path: Path, file_label: str) -> ReadFile:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        columns, row_numbers = _read_csv(path, file_label)
    elif suffix == ".xlsx":
        columns, row_numbers = _read_xlsx(path, file_label)
    elif suffix == ".jsonl":
        columns, row_numbers = read_jsonl_columns(path, file_label, keep_key=_is_wanted)
    else:
        raise RejectedFile(
            f"{file_label}: loại tệp không được hỗ trợ / unsupported file type "
            f"'{path.suffix}' (expected .csv, .xlsx or .jsonl)"
        )
    layout, found = detect_layout(columns, file_label)
    return ReadFile(file_label, layout, found, _canonical(columns, row_numbers, layout, found))


def detect_layout(headers: Iterable[object], file_label: str) -> tuple[Layout, dict[str, str]]:
    """The layout whose headers the file has most of, and canonical field -> header as
    written (NFC; the first of two headers that normalise alike wins)."""
    written = [unicodedata.normalize("NFC", str(header)) for header in headers]
    best: tuple[Layout, dict[str, str]] | None = None
    for layout in LAYOUTS:
        found: dict[str, str] = {}
        for header in written:
            field = layout.field_by_header.get(normalise_header(header))
            if field is not None and field not in found:
                found[field] = header
        if best is None or len(found) > len(best[1]):
            best = (layout, found)
    assert best is not None
    layout, found = best
    if not found:
        raise RejectedFile(
            f"{file_label}: không tìm thấy hàng tiêu đề / no header row found "
            "(no column of layout A or B)"
        )
    missing = [layout.spelled(field) for field in layout.required if field not in found]
    if missing:
        names = ", ".join(missing)
        raise RejectedFile(
            f"{file_label}: thiếu cột bắt buộc (bố cục {layout.name}): {names} / "
            f"missing required headers (layout {layout.name}): {names}"
        )
    return layout, found


def _canonical(
    columns: dict[str, pa.Array | tuple[pa.Array, pa.Array]],
    row_numbers: np.ndarray,
    layout: Layout,
    found: dict[str, str],
) -> pa.Table:
    """One column per canonical field, renamed from the file's headers, as stripped text."""
    # As the frame-based extractor did: of two headers equal after NFC, the later one's
    # cells are read under the name the earlier one was found by.
    by_written = {unicodedata.normalize("NFC", str(c)): c for c in columns}
    count = len(row_numbers)
    empty = pa.array(np.full(count, "", dtype=object), pa.string())
    arrays: dict[str, pa.Array] = {"row_number": pa.array(row_numbers, pa.int64())}
    natives: dict[str, pa.Array] = {}
    for field in layout.headers:
        if field not in found:
            arrays[field] = empty
            continue
        column = columns[by_written[found[field]]]
        if isinstance(column, tuple):  # a workbook date column holding native dates
            text, native = column
            arrays[field] = text
            natives[field] = native
        else:
            arrays[field] = pc.utf8_trim_whitespace(pc.fill_null(column, ""))
    for field in DATE_FIELDS:
        arrays[field + NATIVE_SUFFIX] = natives.get(field, pa.nulls(count, NATIVE_TYPE))
    return pa.Table.from_pydict(arrays, schema=cell_schema())


# --- CSV ----------------------------------------------------------------------------------


def _read_csv(path: Path, file_label: str) -> tuple[dict[str, pa.Array], np.ndarray]:
    raw = path.read_bytes()
    fast = _read_csv_fast(raw)
    if fast is not None:
        return fast
    frame = read_delimited(path, file_label, keep_column=_is_wanted)
    columns = {str(name): text_array(frame[name]) for name in frame.columns}
    return columns, frame.index.to_numpy(dtype=np.int64)


def _read_csv_fast(raw: bytes) -> tuple[dict[str, pa.Array], np.ndarray] | None:
    """What ``read_delimited`` gives, read by Arrow; None whenever that is not certain."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _has_empty_line(raw):
        return None
    body = raw[len(codecs.BOM_UTF8) :] if raw.startswith(codecs.BOM_UTF8) else raw
    end = body.find(b"\n")
    first = body if end < 0 else body[:end]
    if _QUOTE in first or not body.strip():
        return None  # quoted headers and empty files: the reference reader decides
    try:
        header_line = first.decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        return None
    delimiter = detect_delimiter(header_line)
    headers = next(csv.reader([header_line], delimiter=delimiter))
    stripped = [h.lstrip("\ufeff").strip() for h in headers]
    wanted = [i for i, h in enumerate(stripped) if _is_wanted(h)]
    if len({stripped[i] for i in wanted}) != len(wanted):
        return None  # repeated headers: pandas' renaming rules apply
    names = [f"c{i}" for i in range(len(headers))]
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(body),
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1, use_threads=False),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter, quote_char='"', double_quote=True, newlines_in_values=True
            ),
            convert_options=pa_csv.ConvertOptions(
                include_columns=[names[i] for i in wanted] or names[:1],
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
        return None
    row_numbers = np.arange(2, 2 + table.num_rows, dtype=np.int64)
    columns = {stripped[i]: table.column(names[i]).combine_chunks() for i in wanted}
    if not columns:
        return {}, row_numbers[:0]  # no wanted column: every row is blank
    # Rows none of whose wanted cells holds anything (before trimming) are not data rows.
    filled = np.zeros(table.num_rows, dtype=bool)
    for values in columns.values():
        filled |= pc.not_equal(values, "").to_numpy(zero_copy_only=False)
    if filled.all():
        return columns, row_numbers
    keep = pa.array(filled)
    return {k: v.filter(keep) for k, v in columns.items()}, row_numbers[filled]


def _has_empty_line(raw: bytes) -> bool:
    return raw.startswith(_EMPTY_FIRST_LINE) or any(empty in raw for empty in _EMPTY_LINES)


# --- XLSX ---------------------------------------------------------------------------------


def _is_one_stop_header(header: str) -> bool:
    # Applicant headers count too when spotting the header row: they are never read.
    normalised = normalise_header(header)
    return normalised in WANTED_HEADERS or normalised in PERSONAL_HEADERS


def _read_xlsx(
    path: Path, file_label: str
) -> tuple[dict[str, pa.Array | tuple[pa.Array, pa.Array]], np.ndarray]:
    frame = read_xlsx_table(
        path, file_label, is_known_header=_is_one_stop_header, keep_column=_is_wanted
    ).frame
    date_headers = _date_headers(frame.columns)
    columns: dict[str, pa.Array | tuple[pa.Array, pa.Array]] = {}
    for name in frame.columns:
        values = frame[name].tolist()
        holds_dates = any(isinstance(v, datetime) for v in values)
        if name in date_headers and holds_dates:
            text = pa.array([str(v) for v in values], pa.string())
            native = pa.array([v if isinstance(v, datetime) else None for v in values], NATIVE_TYPE)
            columns[str(name)] = (text, native)
        else:
            columns[str(name)] = pa.array(_as_strings(values), pa.string())
    return columns, frame.index.to_numpy(dtype=np.int64)


def _date_headers(headers: Sequence[object]) -> set[object]:
    """Headers that some layout maps to a date field (workbooks keep native dates there)."""
    dates = set()
    for header in headers:
        normalised = normalise_header(header)
        if any(layout.field_by_header.get(normalised) in DATE_FIELDS for layout in LAYOUTS):
            dates.add(header)
    return dates


def _as_strings(values: list[object]) -> list[str]:
    return [v if isinstance(v, str) else str(v) for v in values]
