"""Extract one one-stop dossier export: layout A or B, as CSV, XLSX or JSON Lines.

Steps: read only the wanted columns (personal data is never read into a frame), detect the
layout from the normalised headers, map values to canonical ones, give each unusable row
its first quarantine reason in the contract's order, validate the rest with pandera.
Everything after reading works on whole columns.

Decisions the contract leaves open (also in the module's tests):
- Dates are compared as dates (calendar days), like every period figure: a due or completion
  date on the day of receipt is never "before received", whatever the clock says.
- An empty `Ngày cập nhật` is `bad_date`: the version order needs it and the contract's list
  of reasons has nothing closer.
- A header-only file loads with 0 rows; an empty file is rejected.
- Unrecognised flag values read as false and unrecognised ratings as not rated: the contract
  gives no quarantine reason for either.
- A row none of whose read columns holds anything (a blank line, or only STT / applicant
  cells) is not a data row: it is neither counted nor quarantined.
- Agency codes match the catalogue exactly (after trimming); status 1 (Mới đăng ký) needs a
  received date like every other status, since the contract lists no exception.
- The layout is the one whose headers the file has most of (a tie goes to A).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.extract.headers import normalise_header
from orchestration.extract.jsonl_table import read_jsonl
from orchestration.extract.one_stop_layouts import (
    CHANNELS,
    DATE_FIELDS,
    FLAG_FIELDS,
    FLAGS,
    LAYOUTS,
    PERSONAL_HEADERS,
    RATINGS,
    RESOLVED_STATUSES,
    SERVICE_LEVELS,
    STATUSES,
    TEXT_FIELDS,
    WANTED_HEADERS,
    Layout,
    is_wanted_header,
)
from orchestration.extract.parsing import (
    ParsedDates,
    as_text,
    match_vocabulary,
    parse_datetimes,
    parse_flags,
)
from orchestration.extract.raw_schema import column_names
from orchestration.extract.readers import read_delimited
from orchestration.extract.types import Extracted, RejectedFile, empty_quarantine
from orchestration.extract.xlsx_table import is_footer_text, read_xlsx_table
from orchestration.validate.dossier_schema import validate_dossier_rows

ROW_COLUMNS = [name for name in column_names("dossier_versions") if name != "file_path"]

# The contract's order: a row gets the first reason that applies.
REASONS = (
    "missing_dossier_code",
    "unknown_agency",
    "missing_received_date",
    "bad_date",
    "due_before_received",
    "completed_before_received",
    "unknown_status",
    "unknown_channel",
    "unknown_service_level",
    "missing_completion_date",
)

_DETAIL_VALUE_CHARS = 120


def extract_one_stop(path: Path, file_label: str, agency_codes: frozenset[str]) -> Extracted:
    """``file_label``: the path relative to the landing root (named in messages);
    ``agency_codes``: the agency catalogue, for `unknown_agency`."""
    table = read_one_stop_table(path, file_label)
    layout, found = detect_layout(table.columns, file_label)
    cells = drop_footer(_canonical_cells(table, layout, found))
    parsed = _parse(cells, layout)
    names = {field: found.get(field, layout.spelled(field)) for field in layout.headers}
    reasons = quarantine_reasons(cells, parsed, agency_codes, names)

    usable = reasons["reason"].isna()
    rows = validate_dossier_rows(_canonical_rows(cells[usable], parsed, layout), file_label)
    quarantined = _quarantine_frame(reasons[~usable])
    return Extracted(layout=layout.name, rows=rows, quarantined=quarantined, rows_read=len(cells))


# --- reading ------------------------------------------------------------------------------


def read_one_stop_table(path: Path, file_label: str) -> pd.DataFrame:
    """Wanted columns only, headers as written, index = row number as the source counts it."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_delimited(path, file_label, keep_column=is_wanted_header)
    if suffix == ".xlsx":
        return read_xlsx_table(
            path,
            file_label,
            is_known_header=_is_one_stop_header,
            keep_column=is_wanted_header,
        ).frame
    if suffix == ".jsonl":
        return read_jsonl(path, file_label, keep_key=is_wanted_header)
    raise RejectedFile(
        f"{file_label}: loại tệp không được hỗ trợ / unsupported file type "
        f"'{path.suffix}' (expected .csv, .xlsx or .jsonl)"
    )


def _is_one_stop_header(header: str) -> bool:
    # Applicant headers count too when spotting the header row: they are never read.
    normalised = normalise_header(header)
    return normalised in WANTED_HEADERS or normalised in PERSONAL_HEADERS


def drop_footer(cells: pd.DataFrame) -> pd.DataFrame:
    """Cut at a `Tổng số: … hồ sơ` line, as the workbook reader does (that one also sees
    a footer written in a column we do not read, so this is for CSV exports)."""
    if cells.empty:
        return cells
    # Counted with numpy first: a data row fills far more than two cells, so most files
    # have no candidate at all and skip the frame-wide work below.
    counts = sum(_filled(cells[name]).astype(np.int8) for name in cells.columns)
    if not ((counts >= 1) & (counts <= 2)).any():
        return cells
    filled = pd.DataFrame({name: cells[name].ne("") for name in cells.columns})
    candidates = cells[filled.sum(axis=1).between(1, 2)]
    if candidates.empty:
        return cells
    first_filled = candidates.where(filled.loc[candidates.index]).bfill(axis=1).iloc[:, 0]
    is_footer = first_filled.map(is_footer_text, na_action="ignore").fillna(False)
    footers = first_filled.index[is_footer.to_numpy(dtype=bool)]
    if len(footers) == 0:
        return cells
    return cells[cells.index < footers[0]]


def _filled(column: pd.Series) -> np.ndarray:
    """``column.ne("")`` as a numpy bool array; Arrow text is compared in Arrow."""
    if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow":
        values = pa.array(column.array)  # zero-copy: the Arrow data behind the column
        return pc.not_equal(values, "").to_numpy(zero_copy_only=False)
    return column.ne("").to_numpy(dtype=bool)


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


def _canonical_cells(table: pd.DataFrame, layout: Layout, found: dict[str, str]) -> pd.DataFrame:
    """One column per canonical field, renamed from the file's headers, as stripped text.
    Absent optional columns are empty. Date columns keep native workbook dates."""
    by_written = {unicodedata.normalize("NFC", str(c)): c for c in table.columns}
    columns: dict[str, pd.Series] = {}
    for field in layout.headers:
        if field not in found:
            columns[field] = as_text(pd.Series("", index=table.index, dtype=object))
            continue
        column = table[by_written[found[field]]]
        keep_native = field in DATE_FIELDS and _holds_natives(column)
        columns[field] = column if keep_native else as_text(column)
    return pd.DataFrame(columns, index=table.index)


def _holds_natives(column: pd.Series) -> bool:
    return column.dtype == object and pd.api.types.infer_dtype(column, skipna=True) not in (
        "string",
        "empty",
    )


# --- parsing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Parsed:
    channel: pd.Series
    service_level: pd.Series
    status: pd.Series
    rating: pd.Series
    flags: dict[str, pd.Series]
    dates: dict[str, ParsedDates]


def _parse(cells: pd.DataFrame, layout: Layout) -> _Parsed:
    # Layout B's e-result column is an attachment (a URL per row), not a yes/no flag: it is
    # never looked up in the flag vocabulary (each distinct URL would be normalised).
    attachment = ("has_e_result",) if layout.e_result_is_attachment else ()
    flags = {f: parse_flags(cells[f], FLAGS) for f in FLAG_FIELDS if f not in attachment}
    if layout.e_result_is_attachment:
        flags["has_e_result"] = cells["has_e_result"].ne("").astype(bool)
    return _Parsed(
        channel=match_vocabulary(cells["channel"], CHANNELS),
        service_level=match_vocabulary(cells["service_level"], SERVICE_LEVELS),
        status=match_vocabulary(cells["status"], STATUSES),
        rating=match_vocabulary(cells["rating"], RATINGS),
        flags=flags,
        dates={f: parse_datetimes(cells[f], layout.date_formats) for f in DATE_FIELDS},
    )


# --- quarantine ---------------------------------------------------------------------------


def quarantine_reasons(
    cells: pd.DataFrame,
    parsed: _Parsed,
    agency_codes: frozenset[str],
    names: dict[str, str],
) -> pd.DataFrame:
    """``reason`` and ``detail`` per row (None when the row is usable): the first rule
    that applies, in REASONS order. ``names``: canonical field -> column name to cite."""
    reason = pd.Series(None, index=cells.index, dtype=object)
    detail = pd.Series(None, index=cells.index, dtype=object)

    def cite(field: str, rows: pd.Series) -> pd.Series:
        values = cells.loc[rows, field].astype(str).str.slice(0, _DETAIL_VALUE_CHARS)
        return f"{names[field]}='" + values.astype(object) + "'"

    def apply(name: str, applies: pd.Series, describe: Callable[[pd.Series], pd.Series]) -> None:
        new = applies & reason.isna()
        if new.any():
            reason[new] = name
            detail[new] = describe(new)

    dates = parsed.dates
    received_day = dates["received_at"].values.dt.normalize()
    date_problem = {field: dates[field].bad for field in DATE_FIELDS}
    # The version order needs the update time; an empty one is as unusable as a bad one.
    date_problem["updated_at"] = date_problem["updated_at"] | ~dates["updated_at"].present

    def first_bad_date(rows: pd.Series) -> pd.Series:
        described = pd.Series(None, index=rows.index[rows], dtype=object)
        for field in reversed(DATE_FIELDS):  # earlier columns overwrite: the first is cited
            hit = rows & date_problem[field]
            described[hit[hit].index] = cite(field, hit)
        return described

    def before_received(field: str) -> Callable[[pd.Series], pd.Series]:
        return lambda rows: cite(field, rows) + " < " + cite("received_at", rows)

    resolved = parsed.status.isin(RESOLVED_STATUSES)
    apply("missing_dossier_code", cells["dossier_code"].eq(""), lambda r: cite("dossier_code", r))
    apply(
        "unknown_agency",
        ~cells["agency_code"].isin(list(agency_codes)),
        lambda r: cite("agency_code", r),
    )
    apply(
        "missing_received_date",
        ~dates["received_at"].present,
        lambda r: cite("received_at", r),
    )
    apply("bad_date", pd.concat(date_problem, axis=1).any(axis=1), first_bad_date)
    apply(
        "due_before_received",
        dates["due_at"].values.dt.normalize() < received_day,
        before_received("due_at"),
    )
    apply(
        "completed_before_received",
        dates["completed_at"].values.dt.normalize() < received_day,
        before_received("completed_at"),
    )
    apply("unknown_status", parsed.status.isna(), lambda r: cite("status", r))
    apply("unknown_channel", parsed.channel.isna(), lambda r: cite("channel", r))
    apply(
        "unknown_service_level",
        cells["service_level"].ne("") & parsed.service_level.isna(),
        lambda r: cite("service_level", r),
    )
    apply(
        "missing_completion_date",
        resolved & ~dates["completed_at"].present,
        lambda r: cite("status", r) + ", " + cite("completed_at", r),
    )
    return pd.DataFrame({"reason": reason, "detail": detail})


def _quarantine_frame(flagged: pd.DataFrame) -> pd.DataFrame:
    if flagged.empty:
        return empty_quarantine()
    return pd.DataFrame(
        {
            "row_number": flagged.index.to_numpy(dtype="int64"),
            "reason": flagged["reason"].to_numpy(dtype=object),
            "detail": flagged["detail"].to_numpy(dtype=object),
        }
    )


# --- canonical rows -----------------------------------------------------------------------


def _canonical_rows(cells: pd.DataFrame, parsed: _Parsed, layout: Layout) -> pd.DataFrame:
    index = cells.index
    columns: dict[str, object] = {
        "row_number": index.to_numpy(dtype="int64"),
        "layout": layout.name,
    }
    for field in TEXT_FIELDS:
        columns[field] = _nullable_text(cells[field])
    columns["channel"] = parsed.channel.loc[index].to_numpy(dtype=object)
    columns["service_level"] = parsed.service_level.loc[index].to_numpy(dtype=object)
    columns["status"] = parsed.status.loc[index].to_numpy(dtype="int16")
    columns["rating"] = parsed.rating.loc[index].to_numpy(dtype=object)
    for field in FLAG_FIELDS:
        columns[field] = parsed.flags[field].loc[index].to_numpy(dtype=bool)
    for field in DATE_FIELDS:
        dates = parsed.dates[field].values.loc[index]
        columns[field] = dates.to_numpy(dtype="datetime64[ns]")
    rows = pd.DataFrame(columns, index=pd.RangeIndex(len(index)))
    return rows[ROW_COLUMNS]


def _nullable_text(values: pd.Series) -> object:
    text = values.astype(object)
    return text.where(values.ne(""), None).to_numpy(dtype=object)
