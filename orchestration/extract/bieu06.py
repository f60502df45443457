"""Extract agency reports, form "Biểu số 06/VPCP/KSTT": ``agency_reports/**/*.xlsx``.

Only the first sheet is read. Layout, top to bottom:

- a title block holding ``Mã đơn vị: <agency_code>`` (the code may also sit in the cell
  right of the label) and ``Từ ngày dd/mm/yyyy đến ngày dd/mm/yyyy`` (in parentheses or
  not; both days included) — searched anywhere above the table, diacritics and case aside;
- the header row: a cell ``STT`` followed in the same row by a ``Lĩnh vực…`` cell. The STT
  column is column (1) of the form; the next 12 columns are (2) field name and (3)–(13) the
  11 counts, in the order of ``COUNT_COLUMNS``;
- the rest of the multi-row merged header (rows with no STT, no field name and no number),
  then, when present, the numbered row ``(1) (2) … (13)``: none of them are data rows;
- data rows up to and including ``Tổng cộng`` (written in the STT or the field column);
  blank rows are skipped, everything after ``Tổng cộng`` (signatures, dates) is ignored.

Counts: integer cells, integral float cells, text digits with ``.`` as thousands separator
(``1.234`` → 1234) or empty (→ 0). A formula whose value was never computed (a workbook
written by a program, not saved by Excel) is not taken as 0: it is a bad count.

Row quarantine reasons, the first that applies:
  - ``missing_field_name``: a field row (not ``Tổng cộng``) with an empty field name.
  - ``bad_count``: a count cell that is none of the above (negative, fractional, text, a
    date, an error value); detail: each such column's form number and value.

The ``Tổng cộng`` row is loaded with ``field_name = '*'``, ``is_total`` true, ``stt`` NULL.
The form's identity rules are not checked here: dbt flags a report that breaks them, and
the values are loaded exactly as written.

The file is rejected (``RejectedFile``) when it is not a readable workbook, or has no
header row, no ``Mã đơn vị``, no valid report window (or one that ends before it starts),
fewer than 13 table columns, or no ``Tổng cộng`` row. ``Extracted.header`` carries
``agency_code``, ``period_start`` and ``period_end`` (dates) for raw.agency_reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd

from orchestration.extract.headers import normalise_header, strip_diacritics
from orchestration.extract.raw_schema import column_names
from orchestration.extract.rules import Rule, cite, judge, quarantine_frame, sql_text
from orchestration.extract.types import Extracted, RejectedFile

LAYOUT = "bieu06"
# The form's columns (3)…(13), as raw.agency_report_rows names them.
COUNT_COLUMNS = (
    "received_total",
    "received_online",
    "received_offline",
    "carried_over",
    "resolved_total",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "pending_total",
    "pending_in_time",
    "pending_overdue",
)
TOTAL_FIELD_NAME = "*"  # the field_name of the Tổng cộng row
TABLE_WIDTH = 2 + len(COUNT_COLUMNS)  # STT, Lĩnh vực, 11 counts: columns (1)…(13)

# An agency code always holds a digit: this keeps a label with no code ("Mã đơn vị: |
# Ngày …") from taking the next word.
_AGENCY_CODE = re.compile(
    r"\bma\s+don\s+vi[\s:|]*(?=[0-9A-Za-z._\-]*\d)([0-9A-Za-z][0-9A-Za-z._\-]*)", re.IGNORECASE
)
_DATE = r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})"
_WINDOW = re.compile(rf"\btu\s+ngay[\s:|]*{_DATE}[\s,;|]*den\s+ngay[\s:|]*{_DATE}", re.IGNORECASE)
_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+|\d+")
_COLUMN_NUMBER = re.compile(r"\(\s*(\d+)\s*\)")

Row = tuple[object, ...]


@dataclass(frozen=True)
class Sheet:
    """The first sheet's cell values (cached values for formulas), row 1 first."""

    path: Path
    rows: list[Row]
    merged: list[tuple[int, int, int]]  # (min_row, max_row, max_col) of merged ranges

    def cells(self, index: int, first_col: int) -> list[object]:
        """The TABLE_WIDTH cells of a row from ``first_col`` (0-based), padded with None."""
        row = self.rows[index][first_col : first_col + TABLE_WIDTH]
        return list(row) + [None] * (TABLE_WIDTH - len(row))


def extract_bieu06(path: Path, file_label: str) -> Extracted:
    sheet = _read_sheet(path, file_label)
    header_index, first_col = _find_header_row(sheet, file_label)
    title = sheet.rows[:header_index]
    header: dict[str, object] = {"agency_code": _find_agency_code(title, file_label)}
    header["period_start"], header["period_end"] = _find_window(title, file_label)

    first_data = _skip_header_block(sheet, header_index + 1, first_col)
    _check_width(sheet, header_index, first_data, first_col, file_label)
    data_indexes = _data_rows(sheet, first_data, first_col, file_label)

    uncomputed = _uncomputed_formulas(sheet, data_indexes, first_col)
    parsed = [
        _parse_row(sheet.cells(i, first_col), i + 1, uncomputed, is_last=i == data_indexes[-1])
        for i in data_indexes
    ]
    judged = pd.DataFrame(
        [p.cells for p in parsed], columns=["row_number", *ParsedRow.CELLS]
    ).astype({"row_number": "int64", "is_total": bool})
    reason, detail = judge(judged, RULES)
    usable = reason.isna().tolist()
    return Extracted(
        layout=LAYOUT,
        rows=_rows_frame([p.row for p, ok in zip(parsed, usable, strict=True) if ok]),
        quarantined=quarantine_frame(judged["row_number"], reason, detail),
        rows_read=len(data_indexes),
        header=header,
    )


# --- Reading the workbook ----------------------------------------------------------------


def _read_sheet(path: Path, file_label: str) -> Sheet:
    try:
        workbook = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a corrupt or foreign file
        raise RejectedFile(
            f"{file_label}: không đọc được tệp XLSX / not a readable XLSX workbook: "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    sheet = workbook.worksheets[0]
    # min_row/min_col 1: iter_rows would otherwise start at the first used cell and the
    # row numbers would no longer be the sheet's.
    rows = list(sheet.iter_rows(min_row=1, min_col=1, values_only=True))
    merged = [(r.min_row, r.max_row, r.max_col) for r in sheet.merged_cells.ranges]
    workbook.close()
    return Sheet(path=path, rows=rows, merged=merged)


def _uncomputed_formulas(sheet: Sheet, indexes: list[int], first_col: int) -> set[tuple[int, int]]:
    """(row index, table column) of count cells that hold a formula with no cached value.

    ``data_only`` gives None for them, which would read as 0; the workbook is opened a
    second time, only when some count cell is empty, to tell them from empty cells.
    """
    empty = [
        (i, c)
        for i in indexes
        for c, value in enumerate(sheet.cells(i, first_col))
        if c >= 2 and value is None
    ]
    if not empty:
        return set()
    workbook = openpyxl.load_workbook(sheet.path, data_only=False)
    formulas = workbook.worksheets[0]
    found = {
        (i, c)
        for i, c in empty
        if formulas.cell(row=i + 1, column=first_col + c + 1).data_type == "f"
    }
    workbook.close()
    return found


# --- Finding the parts of the form -------------------------------------------------------


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _row_text(row: Row) -> str:
    """A row's cells joined, diacritics removed (codes and dates are ASCII, so they are
    kept as written); `|` between cells so that two cells never run into one word."""
    return strip_diacritics(" | ".join(t for t in map(_cell_text, row) if t))


def _find_header_row(sheet: Sheet, file_label: str) -> tuple[int, int]:
    for index, row in enumerate(sheet.rows):
        texts = [normalise_header(_cell_text(v)) for v in row]
        for col, text in enumerate(texts):
            if text == "stt" and any("linh vuc" in t for t in texts[col + 1 :]):
                return index, col
    raise RejectedFile(
        f"{file_label}: không tìm thấy dòng tiêu đề bảng (STT, Lĩnh vực) / "
        f"no table header row (STT, Lĩnh vực)"
    )


def _find_agency_code(title: list[Row], file_label: str) -> str:
    for row in title:
        match = _AGENCY_CODE.search(_row_text(row))
        if match:
            return match.group(1).rstrip(".")
    raise RejectedFile(
        f"{file_label}: không tìm thấy 'Mã đơn vị: <mã>' phía trên bảng / "
        f"no 'Mã đơn vị: <agency code>' above the table"
    )


def _find_window(title: list[Row], file_label: str) -> tuple[date, date]:
    for row in title:
        match = _WINDOW.search(_row_text(row))
        if match:
            return _window_dates(match, file_label)
    raise RejectedFile(
        f"{file_label}: không tìm thấy kỳ báo cáo 'Từ ngày dd/mm/yyyy đến ngày dd/mm/yyyy' / "
        f"no report window 'Từ ngày dd/mm/yyyy đến ngày dd/mm/yyyy' above the table"
    )


def _window_dates(match: re.Match[str], file_label: str) -> tuple[date, date]:
    day1, month1, year1, day2, month2, year2 = (int(g) for g in match.groups())
    try:
        start, end = date(year1, month1, day1), date(year2, month2, day2)
    except ValueError as exc:
        raise RejectedFile(
            f"{file_label}: ngày không hợp lệ trong kỳ báo cáo '{match.group(0)}' / "
            f"invalid date in report window: {exc}"
        ) from exc
    if end < start:
        raise RejectedFile(
            f"{file_label}: kỳ báo cáo kết thúc trước khi bắt đầu ({start:%d/%m/%Y} – "
            f"{end:%d/%m/%Y}) / report window ends before it starts"
        )
    return start, end


def _is_count_like(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and _THOUSANDS.fullmatch(value.strip()) is not None


def _is_numbered_row(cells: list[object]) -> bool:
    """The row of column numbers: each non-empty cell is its own position, ``(k)`` (an
    annotation such as ``(3)=(4)+(5)+(6)`` may follow) or the bare number k."""
    matched = 0
    for position, value in enumerate(cells, start=1):
        text = _cell_text(value)
        if not text:
            continue
        number = _COLUMN_NUMBER.match(text)
        if number and int(number.group(1)) == position or text == str(position):
            matched += 1
        else:
            return False
    return matched >= 2


def _skip_header_block(sheet: Sheet, start: int, first_col: int) -> int:
    """Index of the first row after the header: the lower header rows (no STT, no field
    name, no number in the count columns) and the numbered row are not data."""
    index = start
    while index < len(sheet.rows):
        cells = sheet.cells(index, first_col)
        if _is_numbered_row(cells):
            return index + 1
        labels_only = not _cell_text(cells[0]) and not _cell_text(cells[1])
        if not (labels_only and not any(_is_count_like(v) for v in cells[2:])):
            return index
        index += 1
    return index


def _check_width(
    sheet: Sheet, header_index: int, first_data: int, first_col: int, file_label: str
) -> None:
    """The header (with its merged cells) must span the 13 columns of the form."""
    last_col = 0  # 1-based
    for index in range(header_index, first_data):
        used = [c + 1 for c, value in enumerate(sheet.rows[index]) if _cell_text(value)]
        last_col = max([last_col, *used])
    for min_row, max_row, max_col in sheet.merged:
        if min_row <= first_data and max_row >= header_index + 1:
            last_col = max(last_col, max_col)
    width = last_col - first_col
    if width < TABLE_WIDTH:
        raise RejectedFile(
            f"{file_label}: bảng chỉ có {width} cột, biểu 06 cần {TABLE_WIDTH} / "
            f"table has {width} columns, form 06 needs {TABLE_WIDTH}"
        )


def _is_total(cells: list[object]) -> bool:
    return any(normalise_header(_cell_text(v)).startswith("tong cong") for v in cells[:2])


def _data_rows(sheet: Sheet, start: int, first_col: int, file_label: str) -> list[int]:
    """Indexes of the non-blank rows from ``start`` to the Tổng cộng row, included."""
    indexes = []
    for index in range(start, len(sheet.rows)):
        cells = sheet.cells(index, first_col)
        if not any(_cell_text(v) for v in cells):
            continue
        indexes.append(index)
        if _is_total(cells):
            return indexes
    raise RejectedFile(f"{file_label}: không tìm thấy dòng 'Tổng cộng' / no 'Tổng cộng' row")


# --- Parsing and judging the data rows ---------------------------------------------------


@dataclass(frozen=True)
class ParsedRow:
    """A data row: what the rules read (``cells``: row_number then CELLS) and the
    canonical row loaded when no rule takes it (counts None where a cell is no count)."""

    CELLS = ("stt", "field_name", "is_total", "count_problems")

    cells: tuple[int, str, str, bool, str]
    row: dict[str, object]


# Over the rows' ParsedRow.CELLS (stt and field_name as written): the first that applies.
RULES = (
    Rule(
        "missing_field_name",
        "not is_total and field_name = ''",
        f"{cite('field_name', sql_text('cột / column (2)'))} || ' (' || "
        f"{cite('stt', sql_text('STT'))} || ')'",
    ),
    Rule("bad_count", "count_problems <> ''", "'cột / column ' || count_problems"),
)


def _parse_count(value: object) -> int | None:
    """The count a cell holds, or None when it holds something that is not a count."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return 0
        if _THOUSANDS.fullmatch(text):
            return int(text.replace(".", ""))
    return None


def _parse_row(
    cells: list[object], row_number: int, uncomputed: set[tuple[int, int]], is_last: bool
) -> ParsedRow:
    # _data_rows ends at the Tổng cộng row, so only the last row can be it.
    is_total = is_last and _is_total(cells)
    field_name = _cell_text(cells[1])
    stt = _cell_text(cells[0])
    counts: dict[str, object] = {}
    problems = []
    for offset, column in enumerate(COUNT_COLUMNS, start=2):
        value = cells[offset]
        if (row_number - 1, offset) in uncomputed:
            problems.append(f"({offset + 1})=<công thức chưa tính / uncomputed formula>")
            continue
        count = _parse_count(value)
        if count is None:
            problems.append(f"({offset + 1})='{value}'")
        counts[column] = count
    row = {
        "row_number": row_number,
        "stt": None if is_total or not stt else stt,
        "field_name": TOTAL_FIELD_NAME if is_total else field_name,
        "is_total": is_total,
        **counts,
    }
    return ParsedRow((row_number, stt, field_name, is_total, "; ".join(problems)), row)


def _rows_frame(records: list[dict[str, object]]) -> pd.DataFrame:
    columns = [c for c in column_names("agency_report_rows") if c != "file_path"]
    frame = pd.DataFrame.from_records(records, columns=columns)
    dtypes = {column: "int64" for column in ("row_number", *COUNT_COLUMNS)}
    frame = frame.astype({**dtypes, "is_total": bool})
    frame["stt"] = frame["stt"].astype(object)
    frame["field_name"] = frame["field_name"].astype(object)
    return frame
