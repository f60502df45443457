"""Read one table out of a report-style workbook: title block above, footer below.

Exports from the one-stop system put a title, a `Từ ngày … đến ngày …` line and blank rows
above the header row, and may end with `Tổng số: 1.234 hồ sơ`. The reader finds the header
row, reads only the wanted columns' cells into the frame (unwanted columns, personal data
among them, never enter it) and stops at the footer.

The cells are read by calamine (Rust; ~25x faster than openpyxl on a day's export), as
the same Python values openpyxl gives once through ``to_text`` (numbers, text, booleans,
native dates). A workbook calamine cannot open is read by openpyxl, whose error message
names what is wrong.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from python_calamine import CalamineWorkbook, SheetTypeEnum

from orchestration.extract.headers import normalise_header
from orchestration.extract.parsing import to_text
from orchestration.extract.types import RejectedFile

HEADER_SCAN_ROWS = 50
_FOOTER = re.compile(r"^tong (so|cong)\b")


@dataclass(frozen=True)
class SheetTable:
    """``frame``: wanted columns (header as written, NFC, trimmed), cells as stripped text
    ('' when empty) or ``datetime`` for native date cells; index = sheet row number."""

    frame: pd.DataFrame
    sheet_name: str
    header_row: int


def is_footer_text(value: object) -> bool:
    """`Tổng số: 25 hồ sơ`, `TỔNG CỘNG` and the like."""
    return bool(_FOOTER.match(normalise_header(value)))


def is_footer_row(cells: Sequence[object]) -> bool:
    """A summary line: at most two filled cells, the first one starting `Tổng số`.
    A data row fills far more cells, so a dossier is never mistaken for the footer."""
    # Called for every row: a cheap identity test first, text conversion only for the few
    # rows that could be a footer.
    filled = [cell for cell in cells if cell is not None and cell != ""]
    if not 0 < len(filled) <= 2:
        return False
    return is_footer_text(filled[0])


def read_xlsx_table(
    path: Path,
    file_label: str,
    is_known_header: Callable[[str], bool],
    keep_column: Callable[[str], bool],
    min_header_matches: int = 2,
) -> SheetTable:
    """The first sheet holding a header row: a row, among the first HEADER_SCAN_ROWS, with
    at least ``min_header_matches`` cells that ``is_known_header`` recognises."""
    sheets = _calamine_sheets(path)
    if sheets is not None:
        for title, rows in sheets:
            table = _read_sheet(iter(rows), title, is_known_header, keep_column, min_header_matches)
            if table is not None:
                return table
        raise _no_header_row(file_label)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise RejectedFile(
            f"{file_label}: không mở được tệp Excel / cannot open workbook: "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    try:
        for sheet in workbook.worksheets:
            # Exporters often write a wrong <dimension>; without this, read-only mode
            # would trust it and stop early.
            sheet.reset_dimensions()
            rows = sheet.iter_rows(values_only=True)
            table = _read_sheet(rows, sheet.title, is_known_header, keep_column, min_header_matches)
            if table is not None:
                return table
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise RejectedFile(
            f"{file_label}: tệp Excel hỏng / corrupt workbook: {type(exc).__name__}: {exc}"
        ) from exc
    finally:
        workbook.close()
    raise _no_header_row(file_label)


def _no_header_row(file_label: str) -> RejectedFile:
    return RejectedFile(
        f"{file_label}: không tìm thấy hàng tiêu đề / no header row found "
        f"(no sheet has a row of known column names in its first {HEADER_SCAN_ROWS} rows)"
    )


def _calamine_sheets(path: Path) -> list[tuple[str, list[list[object]]]] | None:
    """(title, rows from A1) of every worksheet, or None when calamine cannot read the file.
    Empty cells are '' (openpyxl: None); both read as '' and never fill a row."""
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        try:
            return [
                (meta.name, workbook.get_sheet_by_name(meta.name).to_python(skip_empty_area=False))
                for meta in workbook.sheets_metadata
                if meta.typ == SheetTypeEnum.WorkSheet
            ]
        finally:
            workbook.close()
    except Exception:  # noqa: BLE001 - openpyxl reads it again and names the problem
        return None


def _read_sheet(
    rows: Iterator[Sequence[object]],
    title: str,
    is_known_header: Callable[[str], bool],
    keep_column: Callable[[str], bool],
    min_header_matches: int,
) -> SheetTable | None:
    for row_number, cells in enumerate(rows, start=1):
        if row_number > HEADER_SCAN_ROWS:
            return None
        headers = [_header_text(cell) for cell in cells]
        if sum(1 for header in headers if header and is_known_header(header)) < min_header_matches:
            continue
        wanted = _wanted_positions(headers, keep_column)
        frame = _read_body(rows, row_number, wanted)
        return SheetTable(frame=frame, sheet_name=title, header_row=row_number)
    return None


def _header_text(cell: object) -> str:
    return unicodedata.normalize("NFC", to_text(cell)) if cell is not None else ""


def _wanted_positions(headers: list[str], keep_column: Callable[[str], bool]) -> dict[str, int]:
    """Column name -> cell position, first occurrence of a repeated header wins."""
    wanted: dict[str, int] = {}
    for position, header in enumerate(headers):
        if header and header not in wanted and keep_column(header):
            wanted[header] = position
    return wanted


def _read_body(
    rows: Iterator[Sequence[object]], header_row: int, wanted: dict[str, int]
) -> pd.DataFrame:
    """Cells of the wanted columns, row by row (the workbook format leaves no vectorised
    way), until the footer. Rows with no wanted cell filled are not data rows."""
    columns: dict[str, list[object]] = {name: [] for name in wanted}
    row_numbers: list[int] = []
    positions = list(wanted.items())
    for row_number, cells in enumerate(rows, start=header_row + 1):
        if is_footer_row(cells):
            break
        values = [_cell(cells, position) for _, position in positions]
        if all(value == "" for value in values):
            continue
        for (name, _), value in zip(positions, values, strict=True):
            columns[name].append(value)
        row_numbers.append(row_number)
    frame = pd.DataFrame(columns, index=pd.Index(row_numbers, dtype="int64"), dtype=object)
    return frame


def _cell(cells: Sequence[object], position: int) -> object:
    """Text, or a datetime for a native date cell (kept typed, so it is never re-parsed)."""
    if position >= len(cells):  # rows can be shorter than the header when cells are empty
        return ""
    value = cells[position]
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return to_text(value)
